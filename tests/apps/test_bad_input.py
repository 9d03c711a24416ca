"""A corpus of bad command lines: each gets one clear line on stderr and a non-zero exit, never a
traceback (an exception escaping ``main`` fails the test with its traceback) and never a hang.

Files the commands are pointed at (binary, nested 5,000 deep, the wrong YAML shape ...) are made
per test; nothing here reaches a model: bad input is refused before anything loads.
"""

from __future__ import annotations

import sqlite3

import pytest

from pocketpilot.apps.cli import main

TASK = "set an alarm for 7:00 in Clock"
RUN = ("--backend", "lexical", "--no-memory", "--confirm", "deny")

CORPUS: dict[str, tuple[str, ...]] = {
    # run: the task, the device, the files and choices it is given
    "run-blank-task": ("run", "   ", *RUN),
    "run-empty-task": ("run", "", *RUN),
    "run-tab-newline-task": ("run", "\t\n", *RUN),
    "run-no-task": ("run",),
    "run-device-virtual-abc": ("run", TASK, "--device", "virtual:abc", *RUN),
    "run-device-virtual-negative": ("run", TASK, "--device", "virtual:-1", *RUN),
    "run-device-virtual-empty": ("run", TASK, "--device", "virtual:", *RUN),
    "run-device-virtual-fraction": ("run", TASK, "--device", "virtual:1.5", *RUN),
    "run-device-empty": ("run", TASK, "--device", "", *RUN),
    "run-device-blank": ("run", TASK, "--device", "  ", *RUN),
    "run-energy-config-binary": ("run", TASK, "--energy-config", "{bin}"),
    "run-energy-config-missing": ("run", TASK, "--energy-config", "{missing}"),
    "run-energy-config-list": ("run", TASK, "--energy-config", "{list}"),
    "run-energy-config-directory": ("run", TASK, "--energy-config", "{dir}"),
    "run-data-dir-is-a-file": ("run", TASK, "--data-dir", "{plain}", *RUN),
    "run-unknown-backend": ("run", TASK, "--backend", "gpt9"),
    "run-unknown-mode": ("run", TASK, "--mode", "turbo"),
    "run-unknown-confirm": ("run", TASK, "--confirm", "maybe"),
    # resume: run ids are names, never paths
    "resume-parent-path": ("resume", "../../escaped-run", *RUN),
    "resume-empty-id": ("resume", "", *RUN),
    "resume-absolute-path": ("resume", "/etc", *RUN),
    "resume-dot": ("resume", ".", *RUN),
    "resume-dot-dot": ("resume", "..", *RUN),
    "resume-nested": ("resume", "a/b", *RUN),
    "resume-space": ("resume", "x y", *RUN),
    "resume-newline": ("resume", "run\n", *RUN),
    "resume-unknown-run": ("resume", "20990101-000000-abcdef", *RUN),
    "resume-no-id": ("resume",),
    # phone serve
    "serve-port-negative": ("phone", "serve", "--port", "-1"),
    "serve-port-too-big": ("phone", "serve", "--port", "70000"),
    "serve-port-word": ("phone", "serve", "--port", "abc"),
    "serve-port-float": ("phone", "serve", "--port", "1e3"),
    "serve-state-binary": ("phone", "serve", "--port", "0", "--state", "{bin}"),
    "serve-state-missing": ("phone", "serve", "--port", "0", "--state", "{missing}"),
    "serve-state-list": ("phone", "serve", "--port", "0", "--state", "{list}"),
    "serve-state-unknown-key": ("phone", "serve", "--port", "0", "--state", "{unknown}"),
    "serve-state-bad-clock": ("phone", "serve", "--port", "0", "--state", "{bad_clock}"),
    "serve-state-bad-yaml": ("phone", "serve", "--port", "0", "--state", "{bad_yaml}"),
    "serve-state-directory": ("phone", "serve", "--port", "0", "--state", "{dir}"),
    "serve-variant-negative": ("phone", "serve", "--port", "0", "--variant", "-3"),
    "phone-no-action": ("phone",),
    # screen
    "screen-xml-nested-5000-deep": ("screen", "--xml", "{deep}"),
    "screen-xml-binary": ("screen", "--xml", "{bin}"),
    "screen-xml-empty": ("screen", "--xml", "{empty}"),
    "screen-xml-not-xml": ("screen", "--xml", "{plain}"),
    "screen-xml-missing": ("screen", "--xml", "{missing}"),
    "screen-xml-directory": ("screen", "--xml", "{dir}"),
    "screen-xml-wrong-root": ("screen", "--xml", "{wrong_root}"),
    "screen-device-virtual-abc": ("screen", "--device", "virtual:abc"),
    # act
    "act-nothing": ("act",),
    "act-tap-word": ("act", "tap", "abc"),
    "act-tap-no-such-element": ("act", "tap", "999"),
    "act-unknown-verb": ("act", "frobnicate"),
    "act-swipe-negative-duration": ("act", "swipe", "1,1", "2,2", "-5"),
    "act-wait-infinite": ("act", "wait", "inf"),
    "act-device-virtual-x": ("act", "--device", "virtual:x", "back"),
    # explore, memory, devices, replay, console
    "explore-unknown-app": ("explore", "NoSuchApp", "--db", "{fresh_db}"),
    "explore-negative-budget": ("explore", "Contacts", "--budget", "-1", "--db", "{fresh_db}"),
    "explore-db-binary": ("explore", "Contacts", "--db", "{bin}"),
    "memory-stats-db-binary": ("memory", "stats", "--db", "{bin}"),
    "memory-stats-db-foreign": ("memory", "stats", "--db", "{foreign}"),
    "memory-stats-db-directory": ("memory", "stats", "--db", "{dir}"),
    "memory-export-unwritable": ("memory", "export", "/nonexistent/dir/out.json", "--db", "{fresh_db}"),
    "memory-show-no-app": ("memory", "show"),
    "devices-adb-port-too-big": ("devices", "--adb-port", "70000"),
    "devices-adb-port-negative": ("devices", "--adb-port", "-1"),
    "replay-missing-file": ("replay", "{missing}"),
    "replay-binary-file": ("replay", "{bin}"),
    "replay-negative-gate": ("replay", "--gate", "-1", "{missing}"),
    "replay-unknown-mode": ("replay", "--compare", "nope", "{missing}"),
    "replay-zero-workers": ("replay", "--workers", "0", "{missing}"),
    "bench-kv-replay-missing-file": ("bench", "kv", "--replay", "{missing}", "--json", "{dir}/kv.json"),
    "bench-kv-replay-zero-limit": ("bench", "kv", "--replay", "{missing}", "--limit", "0", "--json", "{dir}/kv.json"),
    "bench-kv-replay-unknown-mode": ("bench", "kv", "--replay", "{missing}", "--modes", "x", "--json", "{dir}/o.json"),
    "console-escaping-run-id": ("console", "../../nope-run", "--data-dir", "{data}"),
    "no-command": (),
    "unknown-command": ("frobnicate",),
}


@pytest.fixture
def files(tmp_path) -> dict[str, str]:
    made = {
        "bin": tmp_path / "binary.dat", "deep": tmp_path / "deep.xml", "list": tmp_path / "list.yaml",
        "unknown": tmp_path / "unknown.yaml", "bad_clock": tmp_path / "clock.yaml", "bad_yaml": tmp_path / "bad.yaml",
        "empty": tmp_path / "empty.xml", "plain": tmp_path / "plain.txt", "wrong_root": tmp_path / "root.xml",
        "foreign": tmp_path / "foreign.sqlite",
    }
    made["bin"].write_bytes(bytes(range(256)) * 8)
    depth = 5_000
    made["deep"].write_text('<hierarchy rotation="0">' + '<node bounds="[0,0][1,1]">' * depth + "</node>" * depth
                            + "</hierarchy>", encoding="utf-8")
    made["list"].write_text("- a\n- b\n", encoding="utf-8")
    made["unknown"].write_text("nope: 1\n", encoding="utf-8")
    made["bad_clock"].write_text("clock: yesterday\n", encoding="utf-8")
    made["bad_yaml"].write_text("contacts: [\n", encoding="utf-8")
    made["empty"].write_text("", encoding="utf-8")
    made["plain"].write_text("just words\n", encoding="utf-8")
    made["wrong_root"].write_text('<screen><hierarchy rotation="0"/></screen>', encoding="utf-8")
    sqlite3.connect(made["foreign"]).execute("CREATE TABLE t(x)").connection.commit()
    (tmp_path / "dir").mkdir()
    return {**{k: str(v) for k, v in made.items()}, "dir": str(tmp_path / "dir"),
            "missing": str(tmp_path / "missing.yaml"), "fresh_db": str(tmp_path / "memory.sqlite"),
            "data": str(tmp_path / "data")}


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 50


@pytest.mark.parametrize("argv", list(CORPUS.values()), ids=list(CORPUS))
def test_bad_input_gets_one_clear_line_and_a_nonzero_exit(argv, files, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("POCKETPILOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    try:
        code = main([word.format(**files) for word in argv])
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip()]
    assert code not in (0, None), err
    assert len(lines) == 1, err
    # "pocketpilot: error: ...", or a scenario file's "FILE:LINE: ..." as replay reports them
    assert lines[0].startswith(("pocketpilot", str(tmp_path))), lines[0]
    assert "Traceback" not in err
