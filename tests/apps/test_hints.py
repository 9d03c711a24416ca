"""Every command and flag that pocketpilot's own text tells a user to type exists.

Errors once sent users to a 'pocketpilot runs' command and an '--n-ctx' flag that never existed.
This reads every 'pocketpilot WORD' and '--flag' in the package's source and looks each up in
the real argument parser.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from pocketpilot.apps.cli import build_parser

ROOT = Path(__file__).parents[2]
CODE = ("apps", "planner", "runtime", "memory", "devices")
COMMAND = re.compile(r"""[`'"]pocketpilot ([a-z][a-z-]*)""")
FLAG = re.compile(r"""(?:^|[\s(`'"\[])(--[a-z][a-z-]+)""")
# not pocketpilot's flags: a word of the 'act' mini-language (apps/action_words.py), flags of
# the Android shell commands the device layer sends or the virtual phone answers (uiautomator
# dump, input, am broadcast --es/--ei, pm --user, logcat --clear), and the labelled-set tool's
# own flag (python -m pocketpilot.runtime.semantic_eval --hashing)
NOT_ARGPARSE = {"--into", "--compressed", "--doubletap", "--longpress", "--es", "--ei", "--user", "--clear",
                "--hashing"}


def _parsers(parser: argparse.ArgumentParser):
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def _source() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for folder in CODE for p in (ROOT / folder).rglob("*.py"))


def test_every_command_named_in_the_source_exists():
    parser = build_parser()
    (commands,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    named = set(COMMAND.findall(_source()))
    assert named, "the pattern finds nothing: it is broken"
    assert named <= set(commands.choices), sorted(named - set(commands.choices))


def test_every_flag_named_in_the_source_exists():
    flags = {option for p in _parsers(build_parser()) for a in p._actions for option in a.option_strings}
    named = set(FLAG.findall(_source())) - NOT_ARGPARSE
    assert "--device" in named, "the pattern finds nothing: it is broken"
    assert named <= flags, sorted(named - flags)
