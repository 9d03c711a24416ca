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
PHONE_LABELS = ("mobile", "home", "work", "other")
REPEATS = ("", "daily", "weekly", "monthly", "yearly")  # "" = does not repeat
IMAGE_LOOKS = ("", "receipt", "poster", "note")  # "" = a photo without text


class SeedError(DeviceError):
    """A seed dict for the virtual phone does not fit the state schema."""


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    number: str
    label: str = "mobile"  # one of PHONE_LABELS


@dataclass(frozen=True, slots=True)
class Contact:
    """``phones`` and ``first_name``/``last_name`` are the truth; ``phone`` (the first number) and
    ``name`` (the display name) mirror them, so seeds and predicates may use either form."""

    id: int
    name: str = ""
    phone: str = ""
    email: str = ""
    favorite: bool = False
    first_name: str = ""
    last_name: str = ""
    phones: tuple[PhoneNumber, ...] = ()

    def __post_init__(self) -> None:
        if self.first_name or self.last_name:
            name = f"{self.first_name} {self.last_name}".strip()
            object.__setattr__(self, "name", name)
        elif self.name:
            first, _, last = self.name.partition(" ")
            object.__setattr__(self, "first_name", first)
            object.__setattr__(self, "last_name", last.strip())
        if not self.phones and self.phone:
            object.__setattr__(self, "phones", (PhoneNumber(self.phone),))
        object.__setattr__(self, "phone", self.phones[0].number if self.phones else "")

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(p.number for p in self.phones)


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
    description: str = ""
    repeat: str = ""  # one of REPEATS
    all_day: bool = False


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
    content: str = ""  # text painted into an image's pixels (never in the UI tree)
    look: str = ""  # how an image with ``content`` is drawn: one of IMAGE_LOOKS


@dataclass(frozen=True, slots=True)
class Folder:
    """A folder the user made in Files (the standard ones exist without a record)."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class ShoppingItem:
    id: int
    name: str
    price: float = 0.0
    qty: int = 1
    checked: bool = False
    category: str = ""
    note: str = ""
    date: str = ""  # "YYYY-MM-DD" the item is needed by; "" = no date


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


@dataclass(frozen=True, slots=True)
class Stopwatch:
    running: bool = False
    elapsed_s: float = 0.0
    laps: tuple[float, ...] = ()  # elapsed seconds at each lap, oldest first


RECORDS: dict[str, type] = {
    "contacts": Contact,
    "threads": Thread,
    "alarms": Alarm,
    "timers": Timer,
    "events": Event,
    "notes": Note,
    "files": FileItem,
    "folders": Folder,
    "shopping": ShoppingItem,
    "notifications": Notification,
}


@dataclass
class PhoneState:
    """Everything the apps show and change; mutated only under the phone's lock."""

    clock: datetime
    settings: Settings = field(default_factory=Settings)
    stopwatch: Stopwatch = field(default_factory=Stopwatch)
    clipboard: str = ""
    contacts: list[Contact] = field(default_factory=list)
    threads: list[Thread] = field(default_factory=list)
    alarms: list[Alarm] = field(default_factory=list)
    timers: list[Timer] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    files: list[FileItem] = field(default_factory=list)
    folders: list[Folder] = field(default_factory=list)
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

    def set_stopwatch(self, **changes: Any) -> None:
        self.stopwatch = replace(self.stopwatch, **changes)

    # -- lookups the apps share ---------------------------------------------------------------
    @property
    def now_iso(self) -> str:
        return self.clock.strftime(CLOCK_FORMAT)

    def contact_for(self, address: str) -> Contact | None:
        wanted = _digits(address)
        for contact in self.contacts:
            if wanted and wanted in (_digits(n) for n in contact.numbers):
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
        data: dict[str, Any] = {"clock": self.now_iso, "settings": asdict(self.settings),
                                "stopwatch": _jsonable(asdict(self.stopwatch)),
                                "clipboard": self.clipboard}
        for name in RECORDS:
            data[name] = [_jsonable(asdict(r)) for r in getattr(self, name)]
        return data

    @classmethod
    def from_dict(cls, data: dict, defaults: dict) -> PhoneState:
        """Build from a seed; every key the seed omits comes from ``defaults`` (same schema)."""
        if not isinstance(data, dict):
            raise SeedError(f"phone state must be a mapping, got {type(data).__name__}")
        known = {"clock", "settings", "stopwatch", "clipboard", *RECORDS}
        unknown = sorted(set(data) - known)
        if unknown:
            raise SeedError(
                f"unknown phone state keys {unknown}; expected some of {sorted(known)}"
            )
        clock_text = data.get("clock", defaults["clock"])
        try:
            clock = datetime.strptime(str(clock_text), CLOCK_FORMAT)
        except ValueError as exc:
            raise SeedError(f"clock {clock_text!r} is not YYYY-MM-DDTHH:MM:SS") from exc
        settings = {**defaults.get("settings", {}), **(data.get("settings") or {})}
        stopwatch = dict(data.get("stopwatch", defaults.get("stopwatch")) or {})
        laps = stopwatch.get("laps", [])
        if not isinstance(laps, list | tuple) or not all(isinstance(t, int | float) for t in laps):
            raise SeedError(f"stopwatch.laps must be a list of seconds, got {laps!r}")
        stopwatch["laps"] = tuple(laps)
        state = cls(clock=clock, settings=_record(Settings, settings, "settings"),
                    stopwatch=_record(Stopwatch, stopwatch, "stopwatch"),
                    clipboard=str(data.get("clipboard", defaults.get("clipboard", ""))))
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
    if record_type is Contact:
        row["phones"] = tuple(_phone(p, f"{where}.phones[{i}]")
                              for i, p in enumerate(row.get("phones", ())))
    for key, allowed in (("repeat", REPEATS), ("look", IMAGE_LOOKS)):
        if key in row and row[key] not in allowed:
            raise SeedError(f"{where}.{key} is {row[key]!r}; use one of {list(allowed)}")
    if record_type in (Note, FileItem):
        row.setdefault("modified", state.now_iso)
    if record_type is Notification:
        row.setdefault("time", state.now_iso)
    return _record(record_type, row, where)


def _phone(value: Any, where: str) -> PhoneNumber:
    if isinstance(value, str):
        value = {"number": value}
    if not isinstance(value, dict):
        raise SeedError(f"{where} must be a number or a mapping {{number, label}}")
    phone = _record(PhoneNumber, value, where)
    if phone.label not in PHONE_LABELS:
        raise SeedError(f"{where}.label is {phone.label!r}; use one of {list(PHONE_LABELS)}")
    return phone


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
