"""Typing text on Android through ``input text`` so that no device shell interprets any of it.

adbd runs every ``shell:`` command as ``/system/bin/sh -c CMD`` (mksh on Android), and ``input
text ARG`` then applies its own rule: ``%s`` becomes a space. The plan, step by step:

1. Newline and tab cannot be sent as text: they become ``input keyevent KEYCODE_ENTER`` /
   ``KEYCODE_TAB``. Other control characters cannot be typed at all, and anything outside
   printable ASCII cannot be typed by ``input text`` (the virtual keyboard map has no key for
   it): both raise ``UntypeableText`` before the device is touched, unless the device's input
   method is the ADB Keyboard (``ime_text_commands``), which commits any Unicode text it is
   broadcast (``am broadcast -a ADB_INPUT_B64 --es msg BASE64``; base64 needs no quoting).
2. Spaces become ``%s`` (very old ``input`` scripts used unquoted ``$*``, and a space inside
   the argument was never reliable across versions).
3. ``input`` turns *every* ``%`` followed by ``s`` into a space, and there is no escape for it
   (``%%s`` gives ``% ``). So a literal ``%`` directly before a literal ``s`` is typed by
   ending the ``input text`` call after the ``%`` and starting a new one with the ``s``.
   A literal ``%`` before an encoded space is fine: ``%`` + ``%s`` decodes to ``% ``.
4. Each argument is wrapped in single quotes (``'`` itself as ``'\\''``): inside single quotes
   POSIX sh and mksh expand nothing, so ``$ ` \\ ; & | * ? ~ ! # < > ( ) { }`` arrive as is.
5. Steps are joined with `` && `` into command strings of at most ``MAX_COMMAND`` bytes (adb's
   4 KB v1 payload limit, less the service prefix), so a few round trips type it all, a
   failing step stops the rest, and no command is ever too long for the device.

``decode_input_text`` is an exact port of the loop in Android's ``Input.sendText``; the tests
and the virtual phone's adb daemon use it to undo step 2/3 the way a device does.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from pocketpilot.devices.errors import UntypeableText

KEYS = {"\n": "KEYCODE_ENTER", "\t": "KEYCODE_TAB"}
MAX_CHUNK = 400  # characters of raw text per ``input text`` call
MAX_COMMAND = 4000  # bytes per shell command string (adb's MAX_PAYLOAD_V1 is 4096)
ADB_IME = "com.android.adbkeyboard/.AdbIME"  # ADBKeyBoard's input method id
IME_CHUNK = 700  # characters per broadcast: 4 UTF-8 bytes each, base64 stays under MAX_COMMAND
KEY_NUMBERS = {"KEYCODE_HOME": 3, "KEYCODE_BACK": 4, "KEYCODE_ENTER": 66, "KEYCODE_TAB": 61,
               "KEYCODE_DEL": 67, "KEYCODE_MOVE_END": 123, "KEYCODE_MOVE_HOME": 122,
               "KEYCODE_SPACE": 62, "KEYCODE_SEARCH": 84, "KEYCODE_APP_SWITCH": 187}


@dataclass(frozen=True, slots=True)
class TypeStep:
    """One ``input`` invocation: ``text`` to type (raw, unencoded) or a ``key`` to press."""

    text: str = ""
    key: str = ""



def needs_ime(text: str) -> bool:
    """Whether ``text`` holds a character ``input text`` cannot type but an IME can."""
    return any(ord(char) > 127 for char in text)


def check_typeable(text: str, *, ime: bool = False) -> None:
    """Raise ``UntypeableText`` naming the first character this route cannot type."""
    for position, char in enumerate(text):
        if char in KEYS or " " <= char <= "~" or (ime and ord(char) > 127):
            continue
        kind = "non-ASCII" if ord(char) > 127 else "control"
        raise UntypeableText(
            f"cannot type {kind} character {char!r} (U+{ord(char):04X}) at position {position}:"
            " adb's `input text` types printable ASCII only (newline and tab are sent as keys);"
            + (" control characters cannot be typed at all" if kind == "control" else
               " install ADBKeyboard and select it (`adb shell ime set " + ADB_IME + "`) to type other text")
        )


def type_steps(text: str) -> list[TypeStep]:
    """Split ``text`` into ``input`` invocations (see the module docstring for why)."""
    check_typeable(text)
    steps: list[TypeStep] = []
    run = ""
    for char in text:
        if char in KEYS:
            if run:
                steps.append(TypeStep(text=run))
                run = ""
            steps.append(TypeStep(key=KEYS[char]))
            continue
        if (char == "s" and run.endswith("%")) or len(run) >= MAX_CHUNK:
            steps.append(TypeStep(text=run))
            run = ""
        run += char
    if run:
        steps.append(TypeStep(text=run))
    return steps


def encode_input_text(raw: str) -> str:
    """Spaces as ``%s``; the caller has already split every literal ``%s`` apart."""
    if "%s" in raw:
        raise ValueError(f"raw text {raw!r} contains '%s'; split it with type_steps()")
    return raw.replace(" ", "%s")


def shell_quote(arg: str) -> str:
    """Single-quote ``arg`` for POSIX sh and mksh: nothing inside is expanded."""
    return "'" + arg.replace("'", "'\\''") + "'"


def input_text_command(text: str) -> str:
    """The whole typing of ``text`` as one command string (see ``input_text_commands``)."""
    return " && ".join(input_text_commands(text, limit=None))


def input_text_commands(text: str, *, limit: int | None = MAX_COMMAND) -> list[str]:
    """The exact command strings that type ``text`` on the device, each at most ``limit`` bytes."""
    steps = type_steps(text)
    if not steps:
        raise UntypeableText("cannot type empty text: `input text` needs at least one character")
    return pack([_command(step) for step in steps], limit)


def ime_text_commands(text: str, *, limit: int = MAX_COMMAND) -> list[str]:
    """Broadcasts that make the ADB Keyboard commit ``text`` (any Unicode, newlines included)."""
    check_typeable(text, ime=True)
    if not text:
        raise UntypeableText("cannot type empty text")
    pieces = [text[i : i + IME_CHUNK] for i in range(0, len(text), IME_CHUNK)]
    encoded = [base64.b64encode(p.encode("utf-8")).decode("ascii") for p in pieces]
    return pack([f"am broadcast -a ADB_INPUT_B64 --es msg {b64}" for b64 in encoded], limit)


def keyevent_commands(keys: tuple[str, ...], *, limit: int = MAX_COMMAND) -> list[str]:
    """``input keyevent`` calls for ``keys`` in order, by number where Android has one (``67``,
    not ``'KEYCODE_DEL'``), so clearing 5,000 characters is a few short commands, not one 70 KB one."""
    words = [str(KEY_NUMBERS[k]) if k in KEY_NUMBERS else shell_quote(k) for k in keys]
    head, calls, current = "input keyevent", [], []
    budget = limit - len(head)
    for word in words:
        if current and sum(len(w) + 1 for w in current) + len(word) + 1 > budget:
            calls.append(" ".join([head, *current]))
            current = []
        current.append(word)
    if current:
        calls.append(" ".join([head, *current]))
    return calls


def pack(commands: list[str], limit: int | None) -> list[str]:
    """Join ``commands`` with `` && `` into as few strings as fit ``limit`` bytes each."""
    if limit is None:
        return [" && ".join(commands)] if commands else []
    out, current = [], ""
    for command in commands:
        if len(command.encode()) > limit:
            raise ValueError(f"one command of {len(command)} bytes exceeds the {limit}-byte limit")
        joined = f"{current} && {command}" if current else command
        if len(joined.encode()) > limit:
            out.append(current)
            joined = command
        current = joined
    if current:
        out.append(current)
    return out


def _command(step: TypeStep) -> str:
    if step.key:
        return f"input keyevent {step.key}"
    return "input text " + shell_quote(encode_input_text(step.text))


def decode_input_text(arg: str) -> str:
    """What ``input text ARG`` types: a port of ``Input.sendText``'s ``%s`` loop, quirks included."""
    buff = list(arg)
    escape = False
    i = 0
    while i < len(buff):
        if escape:
            escape = False
            if buff[i] == "s":
                buff[i] = " "
                del buff[i - 1]
                i -= 1
        if buff[i] == "%":
            escape = True
        i += 1
    return "".join(buff)
