"""``pocketpilot replay``: the whole suite on the scripted backend, both agent modes, JSON and report."""

from __future__ import annotations

import json

import pytest

from pocketpilot.apps.cli import main
from pocketpilot.apps.scenarios.replay import ReplayConfig, ScenarioResult, run_scenario, summarize

from .conftest import SCENARIOS

CATEGORIES = {"atomic", "concatenation", "context_transition", "deep_dive"}
FIELDS = {"success_rate", "avg_steps", "avg_llm_calls", "avg_prompt_tokens", "avg_seconds", "by_category"}


@pytest.fixture(scope="module")
def replayed(tmp_path_factory):
    """Record every completion on the lexical backend, then replay the suite on the scripted one.

    Recording in the test keeps it valid when prompts change (a stored recording would go stale).
    """
    out = tmp_path_factory.mktemp("replay")
    modes = ["--compare", "decomposed,monolithic", "--recordings", str(out / "completions")]
    assert main(["replay", str(SCENARIOS), "--backend", "lexical", *modes, "--json", str(out / "recorded.json")]) == 0
    code = main(["replay", str(SCENARIOS), "--backend", "scripted", *modes,
                 "--json", str(out / "results.json"), "--report", str(out / "report")])
    recorded = json.loads((out / "recorded.json").read_text())
    return code, json.loads((out / "results.json").read_text()), out / "report", recorded


def test_replay_runs_every_scenario_under_both_modes_and_exits_0(replayed):
    code, summary, _, _ = replayed
    assert code == 0
    assert set(summary["configs"]) == {"decomposed", "monolithic"}
    per_mode = [r for r in summary["scenarios"] if r["config"] == "decomposed"]
    assert len(per_mode) >= 40
    assert {r["category"] for r in per_mode} == CATEGORIES


def test_each_config_reports_totals_and_every_category(replayed):
    _, summary, _, _ = replayed
    for block in summary["configs"].values():
        assert set(block) >= FIELDS
        assert set(block["by_category"]) == CATEGORIES
        assert FIELDS - {"by_category"} <= set(block["by_category"]["atomic"])


def test_every_result_is_judged_with_a_failure_kind_or_a_success(replayed):
    _, summary, _, _ = replayed
    for row in summary["scenarios"]:
        result = ScenarioResult.from_dict(row)
        assert result.to_dict() == row
        assert result.success == (result.failure_kind is None)
        assert result.predicate_held is not None and result.optimal_steps
        assert result.failure_kind != "error", result.reason  # every recorded completion was found
        assert result.energy_source == "estimated" and result.energy_j is not None


def test_scripted_replay_reproduces_the_recorded_run(replayed):
    _, summary, _, recorded = replayed

    def comparable(rows):
        return [{k: v for k, v in row.items() if k != "seconds"} for row in rows]

    assert comparable(summary["scenarios"]) == comparable(recorded["scenarios"])


def test_report_writes_markdown_and_a_png_chart(replayed):
    _, _, report, _ = replayed
    assert "| all | success |" in (report / "report.md").read_text()
    assert (report / "success_by_category.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_crash_in_a_scenario_is_an_error_result_not_a_crash(scenarios, tmp_path):
    config = ReplayConfig(backend="scripted", recordings=str(tmp_path))  # no recordings there
    result = run_scenario(scenarios[0], config)
    assert result.failure_kind == "error" and "cannot read recording" in result.reason
    assert summarize([result])["configs"]["decomposed"]["failure_kinds"]["error"] == 1


def test_lexical_backend_is_accepted_and_lists_json_on_stdout(capsys):
    assert main(["replay", str(SCENARIOS / "atomic" / "wifi-off.yaml"), "--backend", "lexical", "--json", "-"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert [r["scenario"] for r in summary["scenarios"]] == ["wifi-off"]


def test_decomposing_beats_one_loop_on_the_model_free_backend(replayed):
    """The grounding prior alone (no model): decomposition must already win in every category."""
    _, _, _, recorded = replayed
    configs = recorded["configs"]
    assert configs["decomposed"]["success_rate"] > configs["monolithic"]["success_rate"] + 0.25
    for category in CATEGORIES - {"atomic"}:
        assert configs["decomposed"]["by_category"][category]["success_rate"] > \
            configs["monolithic"]["by_category"][category]["success_rate"]


def test_each_scenario_starts_from_its_own_copy_of_the_explored_memory(scenarios, tmp_path):
    from pocketpilot.apps.scenarios.explored import explored_db
    from pocketpilot.memory import GraphMemory

    base = explored_db(0)
    def counts():
        with GraphMemory(base) as memory:
            stats = memory.stats()
        return stats.pages, stats.edges, stats.tasks, stats.steps, stats.runs

    before = counts()
    assert before[0] > 20  # every app was explored
    atomic = next(s for s in scenarios if s.variant == 0 and s.category.value == "atomic")
    result = run_scenario(atomic, ReplayConfig(backend="lexical"))
    assert result.steps > 0
    assert counts() == before  # the run learnt into its copy, not into the shared base


def test_variant_flag_runs_the_suite_on_another_phone_variant(tmp_path, capsys):
    out = tmp_path / "v2.json"
    assert main(["replay", str(SCENARIOS / "atomic"), "--variant", "2", "--json", str(out)]) == 0
    summary = json.loads(out.read_text())
    assert summary["configs"]["decomposed"]["scenarios"] == len(list((SCENARIOS / "atomic").glob("*.yaml")))
    assert main(["replay", str(SCENARIOS / "atomic"), "--variant", "-1"]) == 2
    assert "--variant" in capsys.readouterr().err
