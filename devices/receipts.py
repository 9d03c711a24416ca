"""Action receipts: evidence, kept outside the process, that an action was sent and came back.

A run killed mid-step leaves the phone ahead of its checkpoint or not; the screen alone cannot
tell "my tap took effect" from "the screen changed by itself" (or "this is another phone").
``ReceiptDevice`` writes, for the latest action, a receipt *before* sending it (``sent``) and
again when the device answered (``done``), with the screen it was computed on; a resumed run
counts a pending step as done only on a ``done`` receipt for that very action on that screen.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Protocol, runtime_checkable

from pocketpilot.devices.actions import Action, action_to_dict
from pocketpilot.devices.device import ActionResult, Device
from pocketpilot.devices.errors import DeviceError
from pocketpilot.devices.screen import Screen, parse_uiautomator_xml
from pocketpilot.devices.wrapping import WrappedDevice

RECEIPT = "receipt.json"


class ReceiptState(StrEnum):
    SENT = "sent"  # written before the action went out: it may or may not have happened
    DONE = "done"  # the device answered: it happened


@dataclass(frozen=True)
class ActionReceipt:
    """The latest action a device was asked to do, the screen it was computed on, and how far it got."""

    action: dict
    state: ReceiptState
    before_xml: str
    activity: str
    size: tuple[int, int]
    after_mark: str = ""  # the latest checkpoint mark before it was sent: which step it belongs to

    def before(self) -> Screen:
        return parse_uiautomator_xml(self.before_xml, activity=self.activity, size=self.size)

    def to_dict(self) -> dict:
        return {"action": self.action, "state": str(self.state), "before_xml": self.before_xml,
                "activity": self.activity, "size": list(self.size), "after_mark": self.after_mark}

    @classmethod
    def from_dict(cls, data: dict) -> ActionReceipt:
        return cls(dict(data["action"]), ReceiptState(data["state"]), str(data["before_xml"]),
                   str(data.get("activity", "")), (int(data["size"][0]), int(data["size"][1])),
                   str(data.get("after_mark", "")))


@runtime_checkable
class KeepsReceipts(Protocol):
    def last_receipt(self) -> ActionReceipt | None:
        """The receipt of the latest action sent through this device (in this run), if any."""
        ...


class ReceiptDevice(WrappedDevice):
    """Passes every call to ``inner``; keeps the latest action's receipt in ``directory``.

    It is ``Rewindable`` in the receipt's sense: ``mark`` tells it which checkpoint actions now
    belong to, and ``rewind`` forgets a receipt that belongs to none of the checkpoints resumed from.
    """

    def __init__(self, inner: Device, directory: str | Path) -> None:
        self.inner = inner
        self.path = Path(directory) / RECEIPT
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._last: Screen | None = None
        self._mark = ""

    def mark(self, key: str) -> None:
        self._mark = key

    def rewind(self, keys: Collection[str]) -> str:
        receipt = self.last_receipt()
        if receipt is not None and receipt.after_mark not in keys:
            self.path.unlink(missing_ok=True)  # an earlier step's: no evidence for the step resumed
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

    def act(self, action: Action) -> ActionResult:
        screen = self._last
        receipt = None
        if screen is not None:
            receipt = ActionReceipt(action_to_dict(action), ReceiptState.SENT, screen.xml, screen.activity,
                                    screen.size, self._mark)
            self._write(receipt)
        result = self.inner.act(action)
        if receipt is not None:
            self._write(replace(receipt, state=ReceiptState.DONE))
        return result

    def _write(self, receipt: ActionReceipt) -> None:
        # temp file + rename: a kill leaves the old receipt or the new one, never half of one
        # (no fsync: it must survive a killed process, which the OS's page cache does)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(receipt.to_dict()), encoding="utf-8")
        os.replace(tmp, self.path)
