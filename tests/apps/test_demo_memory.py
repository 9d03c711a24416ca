"""The first demo explores the virtual phone into an empty memory; later runs reuse it."""

from __future__ import annotations

from pocketpilot.apps.commands.run import _explore_if_new
from pocketpilot.memory import GraphMemory


def test_an_empty_memory_is_explored_once(tmp_path, capsys):
    path = tmp_path / "memory.sqlite"
    _explore_if_new(path)
    with GraphMemory(path) as memory:
        first = memory.stats()
    assert first.pages > 20 and len(first.apps) >= 8  # every launcher app was walked
    assert "exploring" in capsys.readouterr().err
    _explore_if_new(path)
    with GraphMemory(path) as memory:
        assert memory.stats().edges == first.edges  # not explored again
    assert capsys.readouterr().err == ""
