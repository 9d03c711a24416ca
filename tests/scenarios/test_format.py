"""The scenario files: enough of every kind, valid, and malformed ones rejected with file:line."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from pocketpilot.apps.cli import main
from pocketpilot.apps.scenarios.format import Scenario, ScenarioError, load_scenario, load_scenarios

from .conftest import ROOT, SCENARIOS

GOOD = """\
id: wifi-off-test
title: Turn Wi-Fi off
category: atomic
task: Turn off Wi-Fi
success:
  equals: {path: settings.wifi, value: false}
gold:
  - {kind: launch, app: Settings}
"""


def test_the_suite_has_40_scenarios_in_every_category(scenarios):
    counts = Counter(s.category.value for s in scenarios)
    assert len(scenarios) >= 40
    assert counts["atomic"] >= 8
    assert all(counts[c] >= 10 for c in ("concatenation", "context_transition", "deep_dive"))


def test_the_suite_covers_long_scrolling_search_injection_and_sensitive_scenarios(scenarios):
    tags = Counter(t for s in scenarios for t in s.tags)
    assert sum((s.optimal_steps or 0) >= 15 for s in scenarios) >= 2
    assert tags["scroll"] and tags["search"] and tags["prompt-injection"] and tags["sensitive"]
    assert any(s.sensitive.allow for s in scenarios)


def test_a_scenario_round_trips_through_its_dict(scenarios):
    for scenario in scenarios:
        again = Scenario.from_dict(scenario.to_dict(), file=scenario.file)
        assert again == scenario


def test_no_code_keys_on_a_scenario_id(scenarios):
    ids = {s.id for s in scenarios}
    for folder in ("apps", "planner", "runtime", "devices", "memory"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            found = {i for i in ids if re.search(rf"['\"]{re.escape(i)}['\"]", text)}
            assert not found, f"{path} names scenario ids {found}"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "line", "words"), [
    (GOOD.replace("category: atomic", "category: tiny"), 3, "category"),
    (GOOD.replace("task: Turn off Wi-Fi\n", "task: Turn off Wi-Fi\ncolour: red\n"), 5, "unknown key 'colour'"),
    (GOOD.replace("task: Turn off Wi-Fi\n", ""), 1, "missing required key 'task'"),
    (GOOD.replace("  equals: {path: settings.wifi, value: false}", "  all:\n    - equals: {path: settings.wifi}"),
     7, "equals needs value"),
    (GOOD + "  - {kind: tap}\n", 9, "a tap step needs label"),
    (GOOD + "state:\n  alarms:\n    - {time: '07:00', snooze: 5}\n", 11, "unknown fields ['snooze']"),
    (GOOD.replace("title: Turn Wi-Fi off", "title: [unclosed"), 3, "not valid YAML"),
    (GOOD.replace("task: Turn off Wi-Fi\n", "task: Turn off Wi-Fi\nparaphrases: [kill the wifi, turn off wi-fi]\n"),
     5, "repeats the task"),
    (GOOD.replace("task: Turn off Wi-Fi\n", "task: Turn off Wi-Fi\nparaphrases: ['']\n"), 5, "paraphrases.0"),
    (GOOD.replace("task: Turn off Wi-Fi\n", "task: Turn off Wi-Fi\nfile: elsewhere.yaml\n"), 5, "unknown key 'file'"),
])
def test_a_malformed_file_names_its_line_and_reason(tmp_path, text, line, words):
    path = _write(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert (caught.value.file, caught.value.line) == (str(path), line)
    assert words in caught.value.reason


def test_a_good_file_loads(tmp_path):
    scenario = load_scenario(_write(tmp_path, GOOD))
    assert scenario.optimal_steps == 1 and scenario.reads() == {"settings.wifi"}


def test_duplicate_ids_are_rejected(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(GOOD)
    with pytest.raises(ScenarioError, match="already used"):
        load_scenarios([tmp_path])


def test_replay_exits_2_with_file_line_and_reason_before_running_anything(tmp_path, capsys):
    (tmp_path / "a-good.yaml").write_text(GOOD)
    bad = _write(tmp_path, GOOD.replace("category: atomic", "category: tiny"))
    json_out = tmp_path / "out.json"
    assert main(["replay", str(tmp_path), "--json", str(json_out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith(f"{bad}:3: category")
    assert not json_out.exists()


def test_the_shipped_files_are_all_valid():
    assert load_scenarios([SCENARIOS])


def test_paraphrases_and_the_public_source_load(tmp_path):
    text = GOOD.replace("task: Turn off Wi-Fi\n", "task: Turn off Wi-Fi\nparaphrases: [kill the wifi, no wlan]\n"
                        "source: AndroidWorld SystemWifiTurnOff\n")
    scenario = load_scenario(_write(tmp_path, text))
    assert scenario.paraphrases == ["kill the wifi", "no wlan"]
    assert scenario.source == "AndroidWorld SystemWifiTurnOff"
    assert Scenario.from_dict(scenario.to_dict(), file=scenario.file) == scenario


def _alias_bomb(levels: int) -> str:
    """The issue-16 shape: each level an ``any`` over nine aliases of the level below."""
    lines = [GOOD.split("success:")[0], "x0: &l0 {equals: {path: settings.wifi, value: false}}"]
    for level in range(1, levels + 1):
        lines.append(f"x{level}: &l{level} {{any: [" + ", ".join([f"*l{level - 1}"] * 9) + "]}")
    lines.append(f"success: *l{levels}")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_by_node_count_before_validation(tmp_path):
    """9 levels x 9 aliases = 387 million nodes once expanded; validating them pinned a core > 90 s."""
    path = _write(tmp_path, _alias_bomb(9))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert "expand this document past 20000 nodes" in caught.value.reason
    assert caught.value.line > 6  # where the expansion crossed the limit, not line 1


def test_a_few_aliases_still_load(tmp_path):
    with pytest.raises(ScenarioError, match="unknown key 'x0'"):  # loads, then fails on the stray keys
        load_scenario(_write(tmp_path, _alias_bomb(2)))


def test_an_alias_bomb_in_replay_is_one_line_and_exit_2(tmp_path, capsys):
    path = _write(tmp_path, _alias_bomb(9))
    assert main(["replay", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith(f"{path}:") and "nodes" in err


@pytest.mark.parametrize(("text", "words"), [
    (GOOD.replace("success:\n  equals: {path: settings.wifi, value: false}", "success: &s {not: *s}"),
     "refers to a collection that contains it"),
    (GOOD.replace("success:\n  equals: {path: settings.wifi, value: false}",
                  "success: " + "{not: " * 80 + "{equals: {path: settings.wifi, value: false}}" + "}" * 80),
     "nested more than 64 levels"),
])
def test_self_reference_and_deep_nesting_are_refused(tmp_path, text, words):
    with pytest.raises(ScenarioError, match=words):
        load_scenario(_write(tmp_path, text))
