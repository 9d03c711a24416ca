"""A tiny ``sh -c`` for the virtual phone: lists of simple commands, nothing more.

Words follow POSIX quoting exactly (single quotes, double quotes with ``\\$ \\` \\" \\\\``,
backslash outside quotes, line continuation), so ``input text`` arguments arrive as mksh would
pass them; a property test checks this against real mksh. ``shlex`` is not used because it
cannot tell a quoted ``';'`` from the operator ``;`` and treats a mid-word ``#`` as a comment.
Differences from mksh, on purpose (the virtual phone has no processes or variables):

- no expansion of any kind: ``$VAR``, ``$?``, ``$(...)``, backticks and globs stay literal;
- no comments, pipes, background jobs, redirections or here-documents: ``|``, ``&``, ``<``,
  ``>`` outside quotes are a syntax error (status 2) naming the operator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

SH = "/system/bin/sh"
_BLANK = " \t\n"
_OPERATOR_CHARS = ";&|<>"


@dataclass(frozen=True, slots=True)
class Result:
    stdout: bytes = b""
    stderr: bytes = b""
    status: int = 0


Command = Callable[[list[str]], Result]


class ShellSyntaxError(ValueError):
    """The command string is not something the virtual phone's shell runs."""


def fail(message: str, status: int = 1) -> Result:
    return Result(stderr=message.encode() + b"\n", status=status)


def split_words(command: str) -> list[tuple[str, bool]]:
    """``(text, is_operator)`` tokens with POSIX quote removal."""
    out: list[tuple[str, bool]] = []
    word: str | None = None
    i, n = 0, len(command)
    while i < n:
        c = command[i]
        if c in _BLANK or c in _OPERATOR_CHARS:
            if word is not None:
                out.append((word, False))
                word = None
            if c in _OPERATOR_CHARS:
                op = command[i : i + 2] if command[i : i + 2] in ("&&", "||") else c
                out.append((op, True))
                i += len(op) - 1
            i += 1
            continue
        word = word or ""
        if c == "'":
            end = command.find("'", i + 1)
            if end < 0:
                raise ShellSyntaxError("unterminated quoted string (')")
            word += command[i + 1 : end]
            i = end + 1
        elif c == '"':
            word, i = _double_quoted(command, i + 1, word)
        elif c == "\\":
            if i + 1 == n:
                word += "\\"
            elif command[i + 1] != "\n":  # backslash-newline is a line continuation
                word += command[i + 1]
            i += 2
        else:
            word += c
            i += 1
    if word is not None:
        out.append((word, False))
    return out


def _double_quoted(command: str, i: int, word: str) -> tuple[str, int]:
    while i < len(command):
        c = command[i]
        if c == '"':
            return word, i + 1
        if c == "\\" and i + 1 < len(command) and command[i + 1] in '$`"\\\n':
            word += "" if command[i + 1] == "\n" else command[i + 1]
            i += 2
            continue
        word += c
        i += 1
    raise ShellSyntaxError('unterminated quoted string (")')


def parse(command: str) -> list[tuple[str, list[str]]]:
    """``(operator, argv)`` pairs; the operator (``;``, ``&&``, ``||``) joins to the previous."""
    pipeline: list[tuple[str, list[str]]] = []
    operator, argv = ";", []
    for token, is_operator in split_words(command):
        if not is_operator:
            argv.append(token)
        elif token in (";", "&&", "||"):
            if not argv and token != ";":
                raise ShellSyntaxError(f"'{token}' unexpected")
            pipeline.append((operator, argv))
            operator, argv = token, []
        else:
            raise ShellSyntaxError(f"'{token}' is not supported by the virtual phone's shell")
    pipeline.append((operator, argv))
    return [(op, args) for op, args in pipeline if args]


def run(command: str, commands: dict[str, Command]) -> Result:
    """Run ``command`` as ``sh -c`` would, looking each program up in ``commands``."""
    try:
        pipeline = parse(command)
    except ShellSyntaxError as exc:
        return fail(f"{SH}: syntax error: {exc}", 2)
    out, err, status = [], [], 0
    for operator, argv in pipeline:
        if (operator == "&&" and status != 0) or (operator == "||" and status == 0):
            continue
        program = commands.get(argv[0])
        result = program(argv[1:]) if program else fail(f"{SH}: {argv[0]}: inaccessible or not found", 127)
        out.append(result.stdout)
        err.append(result.stderr)
        status = result.status
    return Result(b"".join(out), b"".join(err), status)
