"""argparse ``type=`` callables: a bad value becomes argparse's one-line usage error, not a traceback."""

from __future__ import annotations

import argparse
import re

MAX_PORT = 65_535
# A run id names a directory under runs/: letters, digits, '.', '_' and '-', never a path.
_RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


def port(text: str) -> int:
    """A TCP port, 0..65535 (0: any free one where a listener takes it)."""
    value = _integer(text, "a port")
    if not 0 <= value <= MAX_PORT:
        raise argparse.ArgumentTypeError(f"port must be 0..{MAX_PORT}, got {value}")
    return value


def non_negative(text: str) -> int:
    value = _integer(text, "a whole number")
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, got {value}")
    return value


def run_id(text: str) -> str:
    """A run's id as 'pocketpilot run' prints it: a name, so it can never point outside runs/."""
    if not is_run_id(text):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a run id (letters, digits, '.', '_', '-'; no paths); "
            "the ids are the directory names under the data dir's runs/, listed by 'pocketpilot console'")
    return text


def task_text(text: str) -> str:
    """A task in plain words: something to do, not blank."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the task is empty; say what to do, e.g. \"set an alarm for 7:00 in Clock\"")
    return text


def is_run_id(text: str) -> bool:
    return _RUN_ID.fullmatch(text) is not None


def _integer(text: str, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
