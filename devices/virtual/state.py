"""The virtual phone's app data as plain records, seeded from and dumped to JSON-able dicts.

Scenarios declare what is on the phone (YAML loaded into a dict); this module is the one place
that knows that schema, fills in defaults for what a seed leaves out, and round-trips it exactly.
Records are frozen; ``PhoneState`` owns the lists and replaces records as apps change them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime
from typing import Any

from pocketpilot.devices.errors import DeviceError

CLOCK_FORMAT = "%Y-%m-%dT%H:%M:%S"


class SeedError(DeviceError):
    """A seed dict for the virtual phone does not fit the state schema."""


@dataclass(frozen=True, slots=True)
class Contact:
    id: int
    name: str
    phone: str = ""
    email: str = ""
    favorite: bool = False


@dataclass(frozen=True, slots=True)
class Message:
    body: str
    time: str  # ISO local time, e.g. "2024-05-14T09:41:00"
    outgoing: bool = False
    attachment: str = ""


@dataclass(frozen=True, slots=True)
class Thread:
    """A conversation with one address (a phone number, or a short code such as "72345")."""

    id: int
    address: str
    messages: tuple[Message, ...] = ()
    read: bool = True


@dataclass(frozen=True, slots=True)
class Alarm:
    id: int
    time: str  # "HH:MM", 24-hour
    label: str = ""
    enabled: bool = True
    days: tuple[str, ...] = ()  # e.g. ("Mon", "Tue"); empty = rings once


@dataclass(frozen=True, slots=True)
class Timer:
    id: int
    duration_s: int
    remaining_s: float | None = None  # None: not started yet (= duration_s)
    running: bool = False
    label: str = ""


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    title: str
    date: str  # "YYYY-MM-DD"
    time: str = "09:00"  # "HH:MM", 24-hour
    duration_min: int = 60
    location: str = ""


@dataclass(frozen=True, slots=True)
class Note:
    id: int
    title: str
    body: str = ""
    modified: str = ""


@dataclass(frozen=True, slots=True)
class FileItem:
    id: int
    name: str
    folder: str = "Downloads"
    size_kb: int = 100
    modified: str = ""


@dataclass(frozen=True, slots=True)
class ShoppingItem:
    id: int
    name: str
    price: float = 0.0
    qty: int = 1
    checked: bool = False


@dataclass(frozen=True, slots=True)
class Notification:
    id: int
    app: str  # package that posted it
    title: str
    text: str = ""
    time: str = ""


@dataclass(frozen=True, slots=True)
class Settings:
    wifi: bool = True
    bluetooth: bool = False
    airplane: bool = False
    brightness: int = 60  # percent
    adaptive_brightness: bool = True
    dark_theme: bool = False
    battery_saver: bool = False
    dnd: bool = False
    use_24h: bool = False


RECORDS: dict[str, type] = {
    "contacts": Contact,
    "threads": Thread,
    "alarms": Alarm,
    "timers": Timer,
    "events": Event,
    "notes": Note,
    "files": FileItem,
    "shopping": ShoppingItem,
    "notifications": Notification,
}


@dataclass
class PhoneState:
    """Everything the apps show and change; mutated only under the phone's lock."""

    clock: datetime
    settings: Settings = field(default_factory=Settings)
    contacts: list[Contact] = field(default_factory=list)
    threads: list[Thread] = field(default_factory=list)
    alarms: list[Alarm] = field(default_factory=list)
    timers: list[Timer] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    files: list[FileItem] = field(default_factory=list)
    shopping: list[ShoppingItem] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)

    # -- records by id --------------------------------------------------------------------
    def get(self, collection: str, record_id: int) -> Any | None:
        return next((r for r in getattr(self, collection) if r.id == record_id), None)

    def add(self, collection: str, **values: Any) -> Any:
        items = getattr(self, collection)
        record = RECORDS[collection](id=max((r.id for r in items), default=0) + 1, **values)
        items.append(record)
        return record

    def update(self, collection: str, record_id: int, **changes: Any) -> Any:
        items = getattr(self, collection)
        for position, record in enumerate(items):
            if record.id == record_id:
                items[position] = replace(record, **changes)
                return items[position]
        raise KeyError(f"no {collection} record with id {record_id}")

    def remove(self, collection: str, record_id: int) -> None:
        setattr(self, collection, [r for r in getattr(self, collection) if r.id != record_id])

    def set_settings(self, **changes: Any) -> None:
        self.settings = replace(self.settings, **changes)

    # -- lookups the apps share ---------------------------------------------------------------
    @property
    def now_iso(self) -> str:
        return self.clock.strftime(CLOCK_FORMAT)

    def contact_for(self, address: str) -> Contact | None:
        wanted = _digits(address)
        for contact in self.contacts:
            if wanted and _digits(contact.phone) == wanted:
                return contact
        return next((c for c in self.contacts if c.name.lower() == address.lower()), None)

    def display_name(self, address: str) -> str:
        contact = self.contact_for(address)
        return contact.name if contact else address

    def thread_for(self, address: str) -> Thread | None:
        wanted = _digits(address) or address
        return next((t for t in self.threads if (_digits(t.address) or t.address) == wanted), None)

    def send_message(self, address: str, body: str, *, attachment: str = "") -> Thread:
        message = Message(body=body, time=self.now_iso, outgoing=True, attachment=attachment)
        thread = self.thread_for(address)
        if thread is None:
            return self.add("threads", address=address, messages=(message,))
        return self.update("threads", thread.id, messages=(*thread.messages, message))

    # -- dicts ------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        data: dict[str, Any] = {"clock": self.now_iso, "settings": asdict(self.settings)}
        for name in RECORDS:
            data[name] = [_jsonable(asdict(r)) for r in getattr(self, name)]
        return data

    @classmethod
    def from_dict(cls, data: dict, defaults: dict) -> PhoneState:
        """Build from a seed; every key the seed omits comes from ``defaults`` (same schema)."""
        if not isinstance(data, dict):
            raise SeedError(f"phone state must be a mapping, got {type(data).__name__}")
        unknown = sorted(set(data) - {"clock", "settings", *RECORDS})
        if unknown:
            raise SeedError(
                f"unknown phone state keys {unknown}; expected some of "
                f"{sorted(['clock', 'settings', *RECORDS])}"
            )
        clock_text = data.get("clock", defaults["clock"])
        try:
            clock = datetime.strptime(str(clock_text), CLOCK_FORMAT)
        except ValueError as exc:
            raise SeedError(f"clock {clock_text!r} is not YYYY-MM-DDTHH:MM:SS") from exc
        settings = {**defaults.get("settings", {}), **(data.get("settings") or {})}
        state = cls(clock=clock, settings=_record(Settings, settings, "settings"))
        for name, record_type in RECORDS.items():
            rows = data.get(name, defaults.get(name, []))
            if not isinstance(rows, list):
                raise SeedError(f"{name} must be a list of mappings, got {type(rows).__name__}")
            for position, row in enumerate(rows):
                getattr(state, name).append(_row(state, name, record_type, row, position))
        return state


def _row(state: PhoneState, name: str, record_type: type, row: Any, position: int) -> Any:
    where = f"{name}[{position}]"
    if not isinstance(row, dict):
        raise SeedError(f"{where} must be a mapping, got {type(row).__name__}")
    row = dict(row)
    row.setdefault("id", max((r.id for r in getattr(state, name)), default=0) + 1)
    if record_type is Thread:
        if "contact" in row:  # seeds may name a contact instead of giving the number
            contact = state.contact_for(str(row.pop("contact")))
            if contact is None:
                raise SeedError(f"{where}: contact is not in contacts")
            row["address"] = contact.phone or contact.name
        messages = row.get("messages", [])
        row["messages"] = tuple(
            _record(Message, {"time": state.now_iso, **m}, f"{where}.messages[{i}]")
            for i, m in enumerate(messages)
        )
    if "days" in row:
        row["days"] = tuple(row["days"])
    if record_type in (Note, FileItem):
        row.setdefault("modified", state.now_iso)
    if record_type is Notification:
        row.setdefault("time", state.now_iso)
    return _record(record_type, row, where)


def _record(record_type: type, row: dict, where: str) -> Any:
    names = {f.name for f in fields(record_type)}
    extra = sorted(set(row) - names)
    if extra:
        raise SeedError(f"{where} has unknown fields {extra}; allowed: {sorted(names)}")
    try:
        return record_type(**row)
    except TypeError as exc:
        raise SeedError(f"{where}: {exc}") from exc


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())
