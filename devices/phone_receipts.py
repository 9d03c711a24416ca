"""Receipts kept on the phone: every part of an action records, in the same shell call, that it ran.

The host's receipt (``receipts.py``) is written before an action goes out, so after a kill it
cannot tell whether the action reached the phone. The phone can. Each shell command that is a
part of an action (a tap; typing's focus tap, text chunks and keys; a launch's stop and start)
runs as ``wrap(COMMAND, tag, i, n)``::

    trap '' HUP; setprop debug.pocketpilot.receipt TAG:I:N:go || exit 1;
    o=$( { COMMAND; } 2>&1 ); s=$?; setprop debug.pocketpilot.receipt TAG:I:N:$s; printf '%s' "$o"; exit $s

so the property names the latest part that started (``go``) or ended (with its exit status):

- ``trap '' HUP``: adbd sends SIGHUP to the shell when its client goes away (a killed run); with
  it ignored (children inherit that) the part and its receipt finish together or not at all.
- the output is kept in ``$(...)`` and printed at the end: adbd closes the pipes with the
  client, and a command writing into them after its effect (a launch's "Events injected") would
  fail although it took effect.
- ``go`` first: a reader that sees it knows that part is running or died mid-way (unknown), which
  "the previous part's status" alone could not tell from "never started".
- ``debug.*``: the shell user may set these on Android (SELinux ``debug_prop``); ``getprop`` is a
  native binary, no JVM start as ``settings`` is. Values are at most 91 bytes (PROP_VALUE_MAX).

``judge`` reads the property against the host's receipt: the prior value still there means the
action never reached the phone. One assumption is left: a command the killed run had already
handed to the adb server reaches the phone before a resumed run reads the property (milliseconds
against the seconds a new process takes to start).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from pocketpilot.devices.screen import Screen

RECEIPT_PROP = "debug.pocketpilot.receipt"
PROBE_PROP = "debug.pocketpilot.probe"  # written once per process to learn whether setprop works
STARTED = "go"
TAG_CHARS = frozenset("0123456789abcdef")
TAG_LENGTH = 12


def wrap(command: str, tag: str, part: int, parts: int) -> str:
    """``command`` as part ``part`` (0-based) of ``parts``, recording itself in the receipt property."""
    if len(tag) != TAG_LENGTH or not set(tag) <= TAG_CHARS:
        raise ValueError(f"a receipt tag is {TAG_LENGTH} hex digits, not {tag!r}")
    head = f"{tag}:{part}:{parts}"
    return (f"trap '' HUP; setprop {RECEIPT_PROP} {head}:{STARTED} || exit 1; "
            f"o=$( {{ {command}; }} 2>&1 ); s=$?; setprop {RECEIPT_PROP} {head}:$s; "
            "printf '%s' \"$o\"; exit $s")


# What ``wrap`` adds to a command, at the longest part numbers an action can have (adb's command
# limit bounds the parts of one action to a few hundred): commands are packed this much shorter.
OVERHEAD = len(wrap("", "0" * TAG_LENGTH, 9999, 9999))


@dataclass(frozen=True, slots=True)
class PartMark:
    """The receipt property read back: part ``part`` of ``parts`` of the action ``tag``."""

    tag: str
    part: int
    parts: int
    status: int | None  # None: it started and has not ended (or died mid-way)

    @property
    def ended_well(self) -> bool:
        return self.status == 0

    @classmethod
    def parse(cls, value: str) -> PartMark | None:
        fields = value.strip().split(":")
        if len(fields) != 4 or len(fields[0]) != TAG_LENGTH or not set(fields[0]) <= TAG_CHARS:
            return None
        tag, part, parts, status = fields
        if not (part.isdigit() and parts.isdigit()) or not (status == STARTED or status.isdigit()):
            return None
        return cls(tag, int(part), int(parts), None if status == STARTED else int(status))


class Reached(StrEnum):
    """How far an action whose answer was lost got, by the phone's receipt."""

    ALL = "all"  # every part ran and ended well
    SOME = "some"  # the first parts ran and ended well; the others never started
    NONE = "none"  # nothing of it started: the property still holds what it held before
    RUNNING = "running"  # a part started and has not ended yet (read again later)
    UNKNOWN = "unknown"  # the property says something else (a failed part, another run's action)


@dataclass(frozen=True, slots=True)
class Reading:
    reached: Reached
    why: str
    done_parts: int = 0  # parts that ran and ended well (SOME: send the rest from this one)
    parts: int = 0  # the action's parts, as the phone recorded them


def judge(value: str, tag: str, prior: str) -> Reading:
    """What the property ``value`` says of the action ``tag``, sent when the property held ``prior``."""
    mark = PartMark.parse(value)
    if mark is not None and mark.tag == tag:
        where = f"part {mark.part + 1} of {mark.parts}"
        if mark.status is None:
            return Reading(Reached.RUNNING, f"{where} started on the phone and has not ended", mark.part, mark.parts)
        if not mark.ended_well:
            return Reading(Reached.UNKNOWN, f"{where} failed on the phone (status {mark.status})", mark.part,
                           mark.parts)
        if mark.part + 1 >= mark.parts:
            return Reading(Reached.ALL, f"the phone recorded all {mark.parts} parts of the action", mark.parts,
                           mark.parts)
        return Reading(Reached.SOME, f"the phone recorded {mark.part + 1} of {mark.parts} parts", mark.part + 1,
                       mark.parts)
    if value.strip() == prior.strip():
        return Reading(Reached.NONE, "the phone's receipt is the one before this action: it never reached the phone")
    return Reading(Reached.UNKNOWN, f"the phone's receipt names another action ({value.strip()[:40]!r})")


@runtime_checkable
class KeepsPhoneReceipts(Protocol):
    """A device that can record each part of an action on the phone (``AdbDevice``)."""

    def phone_receipts(self) -> str:
        """'' when the phone keeps receipts; otherwise why not, in one line (probed once)."""
        ...

    def read_receipt(self) -> str:
        """The receipt property as the phone holds it now ('' when unset)."""
        ...

    def arm(self, tag: str, *, first: int = 0, parts: int = 0, screen: Screen | None = None) -> None:
        """Tag the next ``act``'s parts with ``tag`` and send only those from ``first`` on, lowered
        on ``screen`` (the screen it was first sent from) when given; ``parts``: how many it had then
        (the rest is refused, ``DeviceCommandFailed``, if it lowers to another number now)."""
        ...

    def last_mark(self) -> str:
        """The property as this device's latest tagged ``act`` left it ('' when unknown)."""
        ...
