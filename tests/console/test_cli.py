"""``pocketpilot console`` is registered and loads Textual only when it runs."""

from __future__ import annotations

import subprocess
import sys

import pytest

from pocketpilot.apps.commands.console import resolve_run
from pocketpilot.devices.errors import PocketpilotError


def test_help_does_not_import_textual():
    code = ("import sys; from pocketpilot.apps.cli import build_parser; build_parser(); "
            "print('textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_run_is_found_by_path_or_by_id(data_dir, run_dir):
    assert resolve_run(str(run_dir), data_dir / "runs") == run_dir
    assert resolve_run(run_dir.name, data_dir / "runs") == run_dir


def test_an_unknown_run_says_what_to_pass(data_dir):
    with pytest.raises(PocketpilotError, match="no run at 'nope'"):
        resolve_run("nope", data_dir / "runs")


def test_run_asks_the_console_when_told_or_when_stdin_is_not_a_terminal(tmp_path, monkeypatch):
    from pocketpilot.apps.commands import run
    from pocketpilot.apps.confirm_channel import FileConfirm
    from pocketpilot.apps.run_records import RunRecord

    record = RunRecord(tmp_path / "r")
    parser = run.argparse.ArgumentParser()
    run._common(parser)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    try:
        assert isinstance(run._confirmer(parser.parse_args([]), record), FileConfirm)
        assert run._confirmer(parser.parse_args(["--confirm", "terminal"]), record) is run.deny_all
    finally:
        record.close()
