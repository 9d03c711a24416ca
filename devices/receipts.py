"""Action receipts: evidence, kept outside the process, that an action was sent and came back.

A run killed mid-step leaves the phone ahead of its checkpoint or not; the screen alone cannot
tell "my tap took effect" from "the screen changed by itself" (or "this is another phone").
``ReceiptDevice`` writes, for the latest action, a receipt *before* sending it (``sent``) and
again when the device answered (``done``), with the screen it was computed on; a resumed run
counts a pending step as done only on a ``done`` receipt for that very action on that screen.

Where the phone keeps receipts too (``phone_receipts``: each part of an action records itself on
the phone in the same shell call), a ``sent`` receipt is settled from the phone once per process,
before it sends anything (``settle``): every part ran (``done``), the first parts ran (the rest
are sent now, then ``done``), or nothing reached the phone (``unsent``: sending it is no repeat).
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Collection
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Protocol, runtime_checkable

from pocketpilot.devices.actions import Action, Launch, action_from_dict, action_to_dict
from pocketpilot.devices.device import ActionResult, Device, Rewindable
from pocketpilot.devices.errors import DeviceError
from pocketpilot.devices.events import Event, EventSink, discard
from pocketpilot.devices.phone_receipts import TAG_LENGTH, KeepsPhoneReceipts, Reached, judge
from pocketpilot.devices.screen import Screen, parse_uiautomator_xml
from pocketpilot.devices.wrapping import WrappedDevice, unwrap

RECEIPT = "receipt.json"
RUNNING_WAIT_S = 10.0  # how long a part the phone started may take to end before it counts as unknown
RUNNING_POLL_S = 0.2


class ReceiptState(StrEnum):
    SENT = "sent"  # written before the action went out: it may or may not have happened
    DONE = "done"  # the device answered (or the phone's receipt shows every part): it happened
    UNSENT = "unsent"  # the phone's receipt shows nothing of it: it never reached the phone


@dataclass(frozen=True)
class ActionReceipt:
    """The latest action a device was asked to do, the screen it was computed on, and how far it got."""

    action: dict
    state: ReceiptState
    before_xml: str
    activity: str
    size: tuple[int, int]
    after_mark: str = ""  # the latest checkpoint mark before it was sent: which step it belongs to
    tag: str = ""  # the action's id in the phone's receipt property ('' where the phone keeps none)
    prior: str = ""  # the phone's receipt property just before it was sent
    note: str = ""  # how it was settled after a resume
    finished_later: bool = False  # the phone had run its first parts; a resumed process sent the rest

    def before(self) -> Screen | None:
        """The screen it was sent from (None for an action sent before anything was observed)."""
        if not self.before_xml:
            return None
        return parse_uiautomator_xml(self.before_xml, activity=self.activity, size=self.size)

    def to_dict(self) -> dict:
        return {"action": self.action, "state": str(self.state), "before_xml": self.before_xml,
                "activity": self.activity, "size": list(self.size), "after_mark": self.after_mark,
                "tag": self.tag, "prior": self.prior, "note": self.note, "finished_later": self.finished_later}

    @classmethod
    def from_dict(cls, data: dict) -> ActionReceipt:
        return cls(dict(data["action"]), ReceiptState(data["state"]), str(data["before_xml"]),
                   str(data.get("activity", "")), (int(data["size"][0]), int(data["size"][1])),
                   str(data.get("after_mark", "")), str(data.get("tag", "")), str(data.get("prior", "")),
                   str(data.get("note", "")), bool(data.get("finished_later", False)))


@runtime_checkable
class KeepsReceipts(Protocol):
    def last_receipt(self) -> ActionReceipt | None:
        """The receipt of the latest action sent through this device (in this run), if any."""
        ...

    def settle(self) -> ActionReceipt | None:
        """The latest receipt once the phone was asked what became of a ``sent`` one (see above)."""
        ...


class ReceiptDevice(WrappedDevice):
    """Passes every call to ``inner``; keeps the latest action's receipt in ``directory``.

    It is ``Rewindable`` in the receipt's sense: ``mark`` tells it which checkpoint actions now
    belong to, and ``rewind`` forgets a receipt that belongs to none of the checkpoints resumed from
    (or any receipt, when the phone itself goes back to the checkpoint: nothing after it happened).
    ``on_event`` hears, once, that the phone keeps no receipts of its own.
    """

    def __init__(self, inner: Device, directory: str | Path, *, on_event: EventSink = discard) -> None:
        self.inner = inner
        self.path = Path(directory) / RECEIPT
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.on_event = on_event
        self._last: Screen | None = None
        self._mark = ""
        self._tagger = unwrap(inner, KeepsPhoneReceipts)
        self._phone: KeepsPhoneReceipts | None = None  # the tagger, once it proved the phone keeps receipts
        self._prior: str | None = None  # the phone's receipt property as this process last knew it
        self._settled = False
        self._acted = False

    def mark(self, key: str) -> None:
        self._mark = key

    def rewind(self, keys: Collection[str]) -> str:
        receipt = self.last_receipt()
        rewound_phone = unwrap(self.inner, Rewindable) is not None
        if receipt is not None and (receipt.after_mark not in keys or rewound_phone):
            self.path.unlink(missing_ok=True)  # an earlier step's, or undone: no evidence for the step resumed
            return ""
        return receipt.after_mark if receipt is not None else ""

    def last_receipt(self) -> ActionReceipt | None:
        try:
            return ActionReceipt.from_dict(json.loads(self.path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise DeviceError(f"cannot read the action receipt {self.path}: {exc}; "
                              "delete it and the resumed run re-checks its last step from the screen") from exc

    def observe(self) -> Screen:
        self._last = self.inner.observe()
        return self._last

    def launch(self, app: str) -> None:
        self.act(Launch(app))  # through the receipts, like any other action

    def act(self, action: Action) -> ActionResult:
        latest = self.settle()
        first, self._acted = not self._acted, True
        if first and latest is not None and latest.state is ReceiptState.DONE and latest.after_mark \
                and latest.after_mark == self._mark and latest.action == action_to_dict(action):
            # the node this process resumed sends the very action it sent before the stop, under the
            # same checkpoint, and the phone did it: doing it again would be a repeat
            return ActionResult(action=action, seconds=0.0,
                                detail=f"done before the resume ({latest.note or 'the device answered it'})")
        screen = self._last
        phone = self._phone
        tag = uuid.uuid4().hex[:TAG_LENGTH] if phone is not None else ""
        if phone is not None and self._prior is None:
            self._prior = phone.read_receipt()  # unknown since an action failed
        receipt = ActionReceipt(action_to_dict(action), ReceiptState.SENT, screen.xml if screen else "",
                                screen.activity if screen else "", screen.size if screen else (0, 0), self._mark,
                                tag=tag, prior=self._prior or "")
        self._write(receipt)
        if phone is not None:
            phone.arm(tag)
            self._prior = None  # unknown until the phone answers
        result = self.inner.act(action)
        if phone is not None:
            self._prior = phone.last_mark() or receipt.prior  # '' when no part was sent (a wait)
        self._write(replace(receipt, state=ReceiptState.DONE))
        return result

    def settle(self) -> ActionReceipt | None:
        if not self._settled:
            self._settled = True
            self._settle()
        return self.last_receipt()

    def _settle(self) -> None:
        receipt = self.last_receipt()
        why_not = self._tagger.phone_receipts() if self._tagger is not None else "the device keeps no receipts"
        if self._tagger is not None and why_not:
            self.on_event(Event("device.note", {"note": why_not}))
        if not why_not:
            self._phone = self._tagger
            self._prior = self._phone.read_receipt()
        if receipt is None or receipt.state is not ReceiptState.SENT:
            return
        if self._phone is None or not receipt.tag:
            self._write(replace(receipt, note=f"its answer was lost and {why_not or 'it carries no tag'}"))
            return
        reading = judge(self._prior or "", receipt.tag, receipt.prior)
        waited = time.monotonic()
        deadline = time.monotonic() + RUNNING_WAIT_S
        while reading.reached is Reached.RUNNING and time.monotonic() < deadline:
            time.sleep(RUNNING_POLL_S)  # the killed run's last part is still running on the phone
            self._prior = self._phone.read_receipt()
            reading = judge(self._prior, receipt.tag, receipt.prior)
        self.on_event(Event("receipt.settled", {"action": receipt.action.get("kind"), "reached": str(reading.reached),
                                                "why": reading.why, "waited_s": round(time.monotonic() - waited, 3)}))
        if reading.reached is Reached.ALL:
            self._write(replace(receipt, state=ReceiptState.DONE, note=reading.why))
        elif reading.reached is Reached.SOME:
            # the rest of it, lowered on the screen it was sent from, under the same tag
            self._phone.arm(receipt.tag, first=reading.done_parts, parts=reading.parts, screen=receipt.before())
            self._prior = None
            self.inner.act(action_from_dict(receipt.action))
            self._prior = self._phone.last_mark() or None
            self._write(replace(receipt, state=ReceiptState.DONE, finished_later=True,
                                note=f"{reading.why}; the rest was sent after the resume"))
        elif reading.reached is Reached.NONE:
            self._write(replace(receipt, state=ReceiptState.UNSENT, note=reading.why))
        else:
            self._write(replace(receipt, note=f"its answer was lost and {reading.why}"))

    def _write(self, receipt: ActionReceipt) -> None:
        # temp file + rename: a kill leaves the old receipt or the new one, never half of one
        # (no fsync: it must survive a killed process, which the OS's page cache does)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(receipt.to_dict()), encoding="utf-8")
        os.replace(tmp, self.path)
