"""``input text`` command building: whatever the text, the device types exactly it.

The property tests run the exact command string through a real POSIX ``sh`` and through mksh
(Android's ``/system/bin/sh``) with ``input`` replaced by a function that prints its argv
byte-exactly, then undo ``input``'s own ``%s`` rule the way Android does.
"""

from __future__ import annotations

import base64
import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pocketpilot.devices.adb import PART_LIMIT
from pocketpilot.devices.errors import InvalidAction, UntypeableText
from pocketpilot.devices.phone_receipts import RECEIPT_PROP, wrap
from pocketpilot.devices.shell_text import (
    MAX_CHUNK,
    MAX_COMMAND,
    decode_input_text,
    ime_text_commands,
    input_text_command,
    input_text_commands,
    type_steps,
)

# Prints each invocation's argv NUL-separated, invocations separated by \x01.
FAKE_INPUT = "input() { printf '%s\\0' \"$@\"; printf '\\001'; }; "
SHELLS = [s for s in ("/bin/sh", shutil.which("mksh")) if s]
SHELL_SPECIALS = " \"';&|$`\\*?<>(){}[]#~!%=^\n\t"
# Printable ASCII plus newline/tab, with '%', 's' and ' ' weighted up to hit the %s corner.
typeable = st.lists(
    st.sampled_from([chr(c) for c in range(32, 127)] + ["\n", "\t", "%", "%s", "% ", "s"]),
    min_size=1,
    max_size=40,
).map("".join)
specials = st.text(alphabet=st.sampled_from([*SHELL_SPECIALS, "s", "a"]), min_size=1)


def calls_through(shell: str, fake: str, command: str) -> list[list[str]]:
    """The argv of each call ``command`` makes under ``shell`` to the program ``fake`` replaces."""
    out = subprocess.run([shell, "-c", fake + command], capture_output=True, check=True, timeout=10).stdout
    return [[a.decode("ascii") for a in call.split(b"\0")[:-1]] for call in out.split(b"\x01")[:-1]]


def typed_through(shell: str, command: str) -> str:
    """What a device running ``command`` under ``shell`` would type."""
    typed = []
    for argv in calls_through(shell, FAKE_INPUT, command):
        if argv[0] == "text":
            assert len(argv) == 2, f"input text got {len(argv) - 1} arguments: {argv}"
            typed.append(decode_input_text(argv[1]))
        else:
            assert argv[0] == "keyevent" and len(argv) == 2
            typed.append({"KEYCODE_ENTER": "\n", "KEYCODE_TAB": "\t"}[argv[1]])
    return "".join(typed)


@pytest.mark.parametrize("shell", SHELLS)
@settings(max_examples=150, deadline=None)
@given(text=typeable)
def test_any_typeable_text_arrives_byte_for_byte(shell: str, text: str) -> None:
    assert typed_through(shell, input_text_command(text)) == text


@pytest.mark.parametrize("shell", SHELLS)
@settings(max_examples=100, deadline=None)
@given(text=specials)
def test_shell_metacharacters_are_never_interpreted(shell: str, text: str) -> None:
    assert typed_through(shell, input_text_command(text)) == text


def test_mksh_is_available_to_prove_android_shell_behaviour() -> None:
    assert shutil.which("mksh"), "install mksh: Android's /system/bin/sh is mksh"


def test_spaces_are_sent_as_percent_s() -> None:
    assert input_text_command("a b") == "input text 'a%sb'"


def test_literal_percent_before_s_is_split_into_two_calls() -> None:
    assert input_text_command("5%s") == "input text '5%' && input text 's'"


def test_literal_percent_before_space_stays_in_one_call() -> None:
    assert input_text_command("5% off") == "input text '5%%soff'"


def test_newline_and_tab_become_key_presses() -> None:
    assert input_text_command("a\nb\t") == (
        "input text 'a' && input keyevent KEYCODE_ENTER && input text 'b'"
        " && input keyevent KEYCODE_TAB"
    )


def test_long_text_is_split_into_bounded_calls() -> None:
    steps = type_steps("x" * (MAX_CHUNK * 2 + 1))
    assert [len(s.text) for s in steps] == [MAX_CHUNK, MAX_CHUNK, 1]


@pytest.mark.parametrize("text", ["café", "emoji 😀", "bell\x07", "nul\x00", "del\x7f", "\r"])
def test_untypeable_text_is_rejected_with_the_position(text: str) -> None:
    with pytest.raises(UntypeableText, match="at position"):
        input_text_command(text)


def test_untypeable_text_is_an_invalid_action_so_the_loop_records_it() -> None:
    assert issubclass(UntypeableText, InvalidAction)


def test_empty_text_is_rejected() -> None:
    with pytest.raises(UntypeableText, match="empty"):
        input_text_command("")


@pytest.mark.parametrize(
    ("arg", "typed"),
    [("a%sb", "a b"), ("%%s", "% "), ("%%%s", "%% "), ("%s%s", "  "), ("100%", "100%"), ("%", "%")],
)
def test_decode_matches_androids_send_text_loop(arg: str, typed: str) -> None:
    assert decode_input_text(arg) == typed


# The ADB Keyboard route: ``am`` replaced by a function printing its argv, as ``input`` above.
FAKE_AM = "am() { printf '%s\\0' \"$@\"; printf '\\001'; }; "
unicode_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(list(SHELL_SPECIALS)),
                       min_size=1, max_size=60)


def broadcast_through(shell: str, commands: list[str]) -> str:
    typed = []
    for argv in calls_through(shell, FAKE_AM, " && ".join(commands)):
        assert argv[:5] == ["broadcast", "-a", "ADB_INPUT_B64", "--es", "msg"] and len(argv) == 6, argv
        typed.append(base64.b64decode(argv[5], validate=True).decode("utf-8"))
    return "".join(typed)


@pytest.mark.parametrize("shell", SHELLS)
@settings(max_examples=100, deadline=None)
@given(text=unicode_text)
def test_any_unicode_text_reaches_the_ime_byte_for_byte(shell: str, text: str) -> None:
    assert broadcast_through(shell, ime_text_commands(text)) == text


def test_ime_broadcasts_stay_under_the_command_limit() -> None:
    commands = ime_text_commands("😀" * 5000)
    assert len(commands) > 1 and all(len(c.encode()) <= MAX_COMMAND for c in commands)


def test_typing_commands_stay_under_the_command_limit() -> None:
    commands = input_text_commands("'" * 17_000)
    assert len(commands) > 1 and all(len(c.encode()) <= MAX_COMMAND for c in commands)
    assert " && ".join(commands) == input_text_command("'" * 17_000)


# The shape every part of an action has on the wire: wrapped so the phone records a receipt of it
# (``phone_receipts.wrap``). The fakes write to fd 3, outside the wrapper's ``$(...)`` capture.
FAKE_INPUT_3 = "exec 3>&1; input() { printf '%s\\0' \"$@\" >&3; printf '\\001' >&3; }; "
FAKE_SETPROP_3 = "setprop() { printf 'setprop\\0' >&3; printf '%s\\0' \"$@\" >&3; printf '\\001' >&3; }; "
TAG = "0123456789ab"


def wrapped_through(shell: str, text: str) -> tuple[str, list[list[str]]]:
    """What a device types when every part of typing ``text`` is receipt-wrapped, and the
    receipt properties it sets on the way."""
    parts = input_text_commands(text, limit=PART_LIMIT)
    typed, receipts = [], []
    for i, part in enumerate(parts):
        command = wrap(part, TAG, i, len(parts))
        assert len(command.encode()) <= MAX_COMMAND
        for argv in calls_through(shell, FAKE_INPUT_3 + FAKE_SETPROP_3, command):
            if argv[0] == "setprop":
                receipts.append(argv[1:])
            elif argv[0] == "text":
                assert len(argv) == 2, argv
                typed.append(decode_input_text(argv[1]))
            else:
                assert argv[0] == "keyevent" and len(argv) == 2
                typed.append({"KEYCODE_ENTER": "\n", "KEYCODE_TAB": "\t"}[argv[1]])
    return "".join(typed), receipts


@pytest.mark.parametrize("shell", SHELLS)
@settings(max_examples=100, deadline=None)
@given(text=typeable | specials)
def test_receipt_wrapped_typing_arrives_byte_for_byte_and_records_each_part(shell: str, text: str) -> None:
    typed, receipts = wrapped_through(shell, text)
    assert typed == text
    parts = len(input_text_commands(text, limit=PART_LIMIT))
    assert receipts == [[RECEIPT_PROP, f"{TAG}:{i}:{parts}:{end}"] for i in range(parts) for end in ("go", "0")]


def test_receipt_wrapped_long_typing_stays_under_the_command_limit() -> None:
    text = "'" * 17_000
    typed, receipts = wrapped_through("/bin/sh", text)
    assert typed == text and len(receipts) == 2 * len(input_text_commands(text, limit=PART_LIMIT))


@pytest.mark.parametrize("shell", SHELLS)
def test_a_failing_part_records_its_status_and_exits_with_it(shell: str) -> None:
    fake = "exec 3>&1; input() { echo 'Error: no' >&2; return 3; }; " + FAKE_SETPROP_3
    done = subprocess.run([shell, "-c", fake + wrap("input tap 1 2", TAG, 0, 1)], capture_output=True, timeout=10)
    assert done.returncode == 3 and b"Error: no" in done.stdout  # the output comes after, on stdout
    assert b"setprop\x00" + RECEIPT_PROP.encode() + b"\x00" + f"{TAG}:0:1:3".encode() in done.stdout
