"""``JournaledPhone``: a virtual phone that outlives its process, for runs that must resume.

The phone lives inside the run's process, so a killed run takes it along. Its state (data, back
stacks, dialogs, typed text, virtual clock, battery) is not plain data (dialogs hold callbacks),
but the phone is deterministic: the same calls on the same seed give the same phone. So every
call is appended to a journal, and the phone is rebuilt by replaying it. ``mark`` writes a named
point (fsync'd); ``rewind`` replays up to the latest point the caller names and drops the rest,
so the phone matches the checkpoint the run resumes from, not the moment it was killed.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Collection
from pathlib import Path
from typing import Any

from pocketpilot.devices.actions import Action, action_from_dict, action_to_dict
from pocketpilot.devices.device import ActionResult, AppInfo, DeviceInfo
from pocketpilot.devices.errors import DeviceError
from pocketpilot.devices.screen import Screen
from pocketpilot.devices.sensors import Sensors
from pocketpilot.devices.virtual.phone import VirtualPhone

FORMAT = "pocketpilot-phone-journal/1"


class JournalError(DeviceError):
    """A phone journal cannot be read or does not replay to the phone it recorded."""


class JournaledPhone:
    """A ``Device`` over a ``VirtualPhone`` whose every call is journaled to ``path``.

    A new ``path`` starts a phone from ``state``/``variant``/``seed``; an existing one holds those
    in its header, and the phone is rebuilt from it (lazily, or by ``rewind``).
    """

    def __init__(self, path: str | Path, *, state: dict | None = None, variant: int = 0, seed: int = 0) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()  # the checkpointer marks from its own thread
        self._phone: VirtualPhone | None = None
        if self.path.exists():
            self._header, self._entries = _read(self.path)
            self._rewrite(self._entries)  # without a half-written last line, so appends start clean
        else:
            self._header = {"format": FORMAT, "state": state, "variant": variant, "seed": seed}
            self._entries = []
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._rewrite([])
            self._phone = self._fresh()
        self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - lives as long as the phone

    @property
    def phone(self) -> VirtualPhone:
        """The phone itself (its ``state_dict``, test controls); rebuilt from the journal on first use."""
        with self._lock:
            if self._phone is None:
                self._phone = self._replay(self._entries)
            return self._phone

    # -- Rewindable -------------------------------------------------------------------------------
    def mark(self, key: str) -> None:
        with self._lock:
            self._append({"mark": key})
            self._file.flush()
            os.fsync(self._file.fileno())

    def rewind(self, keys: Collection[str]) -> str:
        with self._lock:
            wanted = set(keys)
            at = next((i for i in range(len(self._entries) - 1, -1, -1)
                       if self._entries[i].get("mark") in wanted), None)
            if at is None:
                raise JournalError(f"the phone journal {self.path} has no mark for the run's last checkpoint, "
                                   "so its phone cannot be restored; start the task again with 'pocketpilot run'")
            kept = self._entries[: at + 1]
            self._phone = self._replay(kept)
            self._file.close()
            self._rewrite(kept)
            self._entries = kept
            self._file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115
            return self._entries[at]["mark"]

    # -- Device -----------------------------------------------------------------------------------
    def observe(self) -> Screen:
        with self._lock:
            screen = self.phone.observe()
            self._append({"call": "observe", "signature": screen.signature})
            return screen

    def act(self, action: Action) -> ActionResult:
        with self._lock:
            result = self.phone.act(action)
            self._append({"call": "act", "action": action_to_dict(action)})
            return result

    def launch(self, app: str) -> None:
        with self._lock:
            self.phone.launch(app)
            self._append({"call": "launch", "app": app})

    def screenshot(self) -> bytes:
        with self._lock:
            png = self.phone.screenshot()
            self._append({"call": "screenshot"})
            return png

    def sensors(self) -> Sensors:
        with self._lock:
            readings = self.phone.sensors()
            self._append({"call": "sensors"})
            return readings

    def apps(self) -> list[AppInfo]:
        return self.phone.apps()

    def info(self) -> DeviceInfo:
        return self.phone.info()

    def close(self) -> None:
        with self._lock:
            if not self._file.closed:
                self._file.close()
            if self._phone is not None:
                self._phone.close()

    # -- internals --------------------------------------------------------------------------------
    def _fresh(self) -> VirtualPhone:
        header = self._header
        return VirtualPhone(header.get("state"), variant=int(header.get("variant", 0)), seed=int(header.get("seed", 0)))

    def _replay(self, entries: list[dict[str, Any]]) -> VirtualPhone:
        phone = self._fresh()
        for number, entry in enumerate(entries, 1):
            call = entry.get("call")
            if call == "observe":
                seen = phone.observe().signature
                if seen != entry["signature"]:
                    raise JournalError(f"the phone journal {self.path} does not replay: call {number} shows screen "
                                       f"{seen}, the run saw {entry['signature']} (the virtual phone changed since); "
                                       "start the task again with 'pocketpilot run'")
            elif call == "act":
                phone.act(action_from_dict(entry["action"]))
            elif call == "launch":
                phone.launch(entry["app"])
            elif call == "screenshot":
                phone.screenshot()
            elif call == "sensors":
                phone.sensors()
        return phone

    def _append(self, entry: dict[str, Any]) -> None:
        self._file.write(json.dumps(entry, separators=(",", ":")) + "\n")
        self._file.flush()  # in the OS once written: a killed process loses nothing it journaled
        self._entries.append(entry)

    def _rewrite(self, entries: list[dict[str, Any]]) -> None:
        """Replace the journal atomically (temp file + rename)."""
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            for entry in [self._header, *entries]:
                handle.write(json.dumps(entry, separators=(",", ":")) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)


def _read(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Header and entries; a half-written last line (a kill mid-write) is dropped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise JournalError(f"cannot read the phone journal {path}: {exc}") from exc
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(lines, 1):
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            if number == len(lines):
                break
            raise JournalError(f"the phone journal {path} is damaged at line {number}: {exc}") from exc
    if not rows or not isinstance(rows[0], dict) or rows[0].get("format") != FORMAT:
        raise JournalError(f"{path} is not a phone journal ({FORMAT})")
    return rows[0], rows[1:]
