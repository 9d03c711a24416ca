"""A run stopped by its device says which run stopped and the exact command that continues it."""

from __future__ import annotations

import shlex

from pocketpilot.apps.cli import build_parser
from pocketpilot.apps.commands.run import _stopped, resume_command
from pocketpilot.devices.errors import DeviceDisconnected


def test_the_resume_command_carries_the_choices_the_run_was_started_with():
    args = build_parser().parse_args(["run", "set an alarm", "--data-dir", "/data dir", "--backend", "lexical",
                                      "--allow-sensitive", "--no-memory"])
    command = resume_command(args, "20261204-101010-abcdef")
    assert shlex.split(command) == ["pocketpilot", "resume", "20261204-101010-abcdef", "--data-dir", "/data dir",
                                    "--backend", "lexical", "--allow-sensitive", "--no-memory"]
    # and what it names parses as a resume
    resumed = build_parser().parse_args(shlex.split(command)[1:])
    assert resumed.run_id == "20261204-101010-abcdef" and resumed.backend == "lexical"


def test_a_disconnect_names_the_run_and_how_to_continue_it_in_one_line():
    args = build_parser().parse_args(["run", "set an alarm"])
    message = str(_stopped(DeviceDisconnected("emulator-5554", "link dropped"), args, "20261204-101010-abcdef"))
    assert message.splitlines() == [message]
    assert message == ("device emulator-5554 disconnected: link dropped; run 20261204-101010-abcdef stopped at its "
                       "last checkpoint; continue with: pocketpilot resume 20261204-101010-abcdef")
