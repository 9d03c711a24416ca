"""``pocketpilot replay``: the whole suite on the scripted backend, both agent modes, JSON and report."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from pocketpilot.apps.cli import main
from pocketpilot.apps.scenarios.format import load_scenarios
from pocketpilot.apps.scenarios.replay import ReplayConfig, ScenarioResult, run_scenario
from pocketpilot.apps.scenarios.suite import split_of
from pocketpilot.apps.scenarios.summary import summarize

from .conftest import CATEGORY_DIRS, SCENARIOS

ORIGINAL = [str(d) for d in CATEGORY_DIRS]

CATEGORIES = {"atomic", "concatenation", "context_transition", "deep_dive"}
FIELDS = {"success_rate", "avg_steps", "avg_llm_calls", "avg_prompt_tokens", "avg_seconds", "by_category"}


@pytest.fixture(scope="module")
def replayed(tmp_path_factory):
    """Record every completion on the lexical backend, then replay the suite on the scripted one.

    Recording in the test keeps it valid when prompts change (a stored recording would go stale).
    The original suite (the four category folders); public/ has its own, lighter test below.
    """
    out = tmp_path_factory.mktemp("replay")
    modes = ["--compare", "decomposed,monolithic", "--recordings", str(out / "completions")]
    assert main(["replay", *ORIGINAL, "--backend", "lexical", *modes, "--json", str(out / "recorded.json")]) == 0
    code = main(["replay", *ORIGINAL, "--backend", "scripted", *modes,
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


# Measured on the lexical backend (2026-12-04, main at c4d919a): decomposed 46% against monolithic
# 22% over the 59 scenarios of the four folders (the 16 capability scenarios added with the
# stopwatch, clipboard, gallery, labels, repeats and folders succeed 1 of 16 in either mode).
DECOMPOSITION_MARGIN = 0.2


def test_decomposing_beats_one_loop_on_the_model_free_backend(replayed):
    """The grounding prior alone (no model): decomposition must already win in every category."""
    _, _, _, recorded = replayed
    configs = recorded["configs"]
    assert configs["decomposed"]["success_rate"] > configs["monolithic"]["success_rate"] + DECOMPOSITION_MARGIN
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


# Measured on the lexical backend (2026-12-04): atomic/ succeeds 60%, 70% and 80% on variants 1-3.
# The floor is the lowest minus two scenarios, so a real regression fails and noise does not.
VARIANT_FLOOR = 0.4


def test_variants_report_success_per_variant_above_a_floor(tmp_path):
    out = tmp_path / "variants.json"
    folder = SCENARIOS / "atomic"
    assert main(["replay", str(folder), "--variant", "1,2,3", "--json", str(out)]) == 0
    block = json.loads(out.read_text())["configs"]["decomposed"]
    per_variant = block["by_variant"]
    assert list(per_variant) == ["1", "2", "3"]
    size = len(list(folder.glob("*.yaml")))
    for variant, part in per_variant.items():
        assert part["scenarios"] == size
        assert part["success_rate"] >= VARIANT_FLOOR, f"variant {variant}: {part['success_rate']}"
        assert set(part["by_category"]) == {"atomic"}
    assert block["scenarios"] == 3 * size


@pytest.mark.parametrize("bad", ["-1", "1,x", "", "2.5"])
def test_a_bad_variant_list_is_one_line_and_exit_2(capsys, bad):
    assert main(["replay", str(SCENARIOS / "atomic"), "--variant", bad]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "--variant" in err


def test_each_config_reports_both_halves_of_the_split_and_the_wording(replayed):
    _, summary, _, _ = replayed
    rows = [r for r in summary["scenarios"] if r["config"] == "decomposed"]
    block = summary["configs"]["decomposed"]
    assert list(block["by_wording"]) == ["canonical"]  # the default runs the task as written
    halves = block["by_split"]
    assert list(halves) == ["tuning", "evaluation"]
    for half, part in halves.items():
        mine = [r for r in rows if r["split"] == half]
        assert all(split_of(r["scenario"]) == half for r in mine)
        assert part["scenarios"] == len(mine) > 10
        assert part["success_rate"] == round(sum(r["success"] for r in mine) / len(mine), 3)
        assert set(part["by_category"]) == CATEGORIES and "canonical" in part["by_wording"]


def test_honesty_counts_agree_with_every_row_per_config_and_category(replayed):
    _, summary, _, _ = replayed
    for name, block in summary["configs"].items():
        for category, part in [("all", block), *block["by_category"].items()]:
            rows = [r for r in summary["scenarios"] if r["config"] == name and category in ("all", r["category"])]
            facts = part["honesty"]
            matrix = facts["confusion"]
            assert sum(v for cell in matrix.values() for v in cell.values()) == len(rows)
            assert facts["claims"] == sum(bool(r["claimed"]) for r in rows)
            assert facts["false_success"] == sum(bool(r["claimed"]) and not r["success"] for r in rows)
            assert matrix["no_claim"]["judged_success"] == sum(not r["claimed"] and r["success"] for r in rows)
            assert facts["over_execution"] == sum(bool(r["side_effects"]) for r in rows)
    assert all(isinstance(r["claimed"], bool) for r in summary["scenarios"])  # no run ended in an error


def test_report_shows_wording_split_and_honesty(replayed):
    _, _, report, _ = replayed
    text = (report / "report.md").read_text()
    assert "| config | category | n | success | canonical | paraphrase | tuning | evaluation |" in text
    assert "| decomposed | all |" in text and "precision" in text


def _result(claimed, success, side_effects=(), category="atomic", wording="canonical"):
    return ScenarioResult(scenario="s", category=category, config="decomposed", success=success,
                          failure_kind=None if success else ("over_execution" if side_effects else "wrong_value"),
                          predicate_held=success, steps=3, optimal_steps=3, llm_calls=1, prompt_tokens=10,
                          seconds=0.1, energy_j=0.0, side_effects=list(side_effects), claimed=claimed,
                          wording=wording, split="tuning")


def test_claim_precision_counts_only_runs_that_claimed_success():
    results = [_result(True, True), _result(True, False, ["contacts.favorite"]), _result(False, True),
               _result(False, False), _result(None, False, category="deep_dive", wording="paraphrase")]
    block = summarize(results)["configs"]["decomposed"]
    facts = block["honesty"]
    assert facts["confusion"] == {"claimed_success": {"judged_success": 1, "judged_failure": 1},
                                  "no_claim": {"judged_success": 1, "judged_failure": 2}}
    counts = (facts["claims"], facts["claim_precision"], facts["false_success"], facts["over_execution"])
    assert counts == (2, 0.5, 1, 1)
    assert block["by_category"]["deep_dive"]["honesty"]["claim_precision"] is None  # nothing claimed there
    assert block["by_wording"]["paraphrase"]["scenarios"] == 1
    assert block["by_split"]["evaluation"]["scenarios"] == 0


def test_paraphrases_of_one_half_run_with_the_same_checks(tmp_path):
    out = tmp_path / "p.json"
    folder = SCENARIOS / "atomic"
    assert main(["replay", str(folder), "--wording", "paraphrases", "--split", "evaluation", "--json", str(out)]) == 0
    summary = json.loads(out.read_text())
    rows = summary["scenarios"]
    expected = [s for s in load_scenarios([folder]) if split_of(s.id) == "evaluation"]
    assert len(rows) == sum(len(s.paraphrases) for s in expected) > 0
    assert {(r["scenario"], r["paraphrase"]) for r in rows} == \
        {(s.id, n) for s in expected for n in range(1, len(s.paraphrases) + 1)}
    assert {r["wording"] for r in rows} == {"paraphrase"} and {r["split"] for r in rows} == {"evaluation"}
    assert list(summary["configs"]["decomposed"]["by_wording"]) == ["paraphrase"]


def test_wording_and_split_flags_refuse_unknown_values(capsys):
    for flags in (["--wording", "reworded"], ["--split", "half"]):
        with pytest.raises(SystemExit) as caught:
            main(["replay", str(SCENARIOS / "atomic"), *flags])
        assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err



def test_the_summary_says_who_decided_the_steps():
    results = [replace(_result(True, True), deciders={"prior": 3, "model": 1}),
               replace(_result(False, False), deciders={"memory": 4})]
    deciders = summarize(results)["configs"]["decomposed"]["deciders"]
    assert deciders == {"prior": {"steps": 3, "share": 0.375}, "memory": {"steps": 4, "share": 0.5},
                        "model": {"steps": 1, "share": 0.125}}


def test_a_replayed_run_records_its_deciders(tmp_path):
    out = tmp_path / "d.json"
    assert main(["replay", str(SCENARIOS / "atomic" / "bluetooth-on.yaml"), "--backend", "lexical",
                 "--json", str(out)]) in {0, 1}
    row = json.loads(out.read_text())["scenarios"][0]
    assert sum(row["deciders"].values()) == row["steps"] > 0
