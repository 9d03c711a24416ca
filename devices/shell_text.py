"""Typing text on Android through ``input text`` so that no device shell interprets any of it.

adbd runs every ``shell:`` command as ``/system/bin/sh -c CMD`` (mksh on Android), and ``input
text ARG`` then applies its own rule: ``%s`` becomes a space. The plan, step by step:

1. Newline and tab cannot be sent as text: they become ``input keyevent KEYCODE_ENTER`` /
   ``KEYCODE_TAB``. Other control characters and anything outside printable ASCII cannot be
   typed by ``input text`` (the virtual keyboard map has no key for them) and raise
   ``UntypeableText`` before the device is touched.
2. Spaces become ``%s`` (very old ``input`` scripts used unquoted ``$*``, and a space inside
   the argument was never reliable across versions).
3. ``input`` turns *every* ``%`` followed by ``s`` into a space, and there is no escape for it
   (``%%s`` gives ``% ``). So a literal ``%`` directly before a literal ``s`` is typed by
   ending the ``input text`` call after the ``%`` and starting a new one with the ``s``.
   A literal ``%`` before an encoded space is fine: ``%`` + ``%s`` decodes to ``% ``.
4. Each argument is wrapped in single quotes (``'`` itself as ``'\\''``): inside single quotes
   POSIX sh and mksh expand nothing, so ``$ ` \\ ; & | * ? ~ ! # < > ( ) { }`` arrive as is.
5. Steps are joined with `` && `` into one command string, so one round trip types it all and
   a failing step stops the rest. Long runs are split so one command stays well under adb's
   payload limit.

``decode_input_text`` is an exact port of the loop in Android's ``Input.sendText``; the tests
and the virtual phone's adb daemon use it to undo step 2/3 the way a device does.
"""

from __future__ import annotations

from dataclasses import dataclass

from pocketpilot.devices.errors import UntypeableText

KEYS = {"\n": "KEYCODE_ENTER", "\t": "KEYCODE_TAB"}
MAX_CHUNK = 400  # characters of raw text per ``input text`` call


@dataclass(frozen=True, slots=True)
class TypeStep:
    """One ``input`` invocation: ``text`` to type (raw, unencoded) or a ``key`` to press."""

    text: str = ""
    key: str = ""



def check_typeable(text: str) -> None:
    """Raise ``UntypeableText`` naming the first character ``input text`` cannot type."""
    for position, char in enumerate(text):
        if char in KEYS or " " <= char <= "~":
            continue
        kind = "non-ASCII" if ord(char) > 127 else "control"
        raise UntypeableText(
            f"cannot type {kind} character {char!r} (U+{ord(char):04X}) at position {position}:"
            " adb's `input text` types printable ASCII only (newline and tab are sent as keys);"
            " use an on-device IME such as ADBKeyboard for other text"
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
    """The exact command string that types ``text`` on the device (see the module docstring)."""
    steps = type_steps(text)
    if not steps:
        raise UntypeableText("cannot type empty text: `input text` needs at least one character")
    return " && ".join(_command(step) for step in steps)


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
