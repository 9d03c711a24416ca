"""``pocketpilot memory``, ``explore`` and ``bench memory`` through the real CLI entry point."""

from __future__ import annotations

import json

from fakephone import FakeDevice, settings_app

from pocketpilot.apps.cli import main
from pocketpilot.memory import GraphMemory
from pocketpilot.memory.explore import Explorer


def explored_db(tmp_path):
    db = tmp_path / "memory.sqlite"
    with GraphMemory(db) as memory:
        Explorer(FakeDevice([settings_app()]), memory, budget=60).explore("Settings")
    return db


def test_memory_stats_prints_counts_per_app(tmp_path, capsys):
    db = explored_db(tmp_path)
    assert main(["memory", "stats", "--db", str(db), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["pages"] > 3 and "com.example.settings" in stats["apps"]


def test_memory_show_lists_pages_and_edges_of_an_app(tmp_path, capsys):
    db = explored_db(tmp_path)
    assert main(["memory", "show", "com.example.settings", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "page " in out and "--tap 'Display'-->" in out
    assert main(["memory", "show", "com.unknown", "--db", str(db)]) == 1


def test_memory_export_writes_json_or_graphml_by_suffix(tmp_path):
    db = explored_db(tmp_path)
    for name in ("m.json", "m.graphml"):
        assert main(["memory", "export", str(tmp_path / name), "--db", str(db)]) == 0
    assert json.loads((tmp_path / "m.json").read_text())["format"] == "pocketpilot-memory"
    assert (tmp_path / "m.graphml").read_text().startswith("<?xml")


def test_default_db_lives_in_the_data_dir_from_the_environment(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POCKETPILOT_DATA_DIR", str(tmp_path))
    assert main(["memory", "stats"]) == 0
    assert (tmp_path / "memory.sqlite").exists()


def test_bench_memory_writes_its_json(tmp_path, capsys):
    out = tmp_path / "bench.json"
    assert main(["bench", "memory", "--pages", "600", "--queries", "20", "--json", str(out)]) == 0
    result = json.loads(out.read_text())
    for key in ("insert_us_p50", "retrieve_ms_p50", "retrieve_ms_p95", "path_ms_p95", "load_s",
                "db_bytes"):
        assert result[key] >= 0
    assert result["edges"] >= 5 * 500
