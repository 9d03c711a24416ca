"""Opening a device by name: ``virtual`` (in-process virtual phone) or any ADB serial."""

from __future__ import annotations

import os
from pathlib import Path

from pocketpilot.devices.device import Device
from pocketpilot.devices.errors import DeviceNotFound

VIRTUAL = "virtual"
ADB_PORT_ENV, DEFAULT_ADB_PORT = "ANDROID_ADB_SERVER_PORT", 5037


def open_device(spec: str = VIRTUAL, *, variant: int = 0, seed: int = 0, journal: Path | None = None) -> Device:
    """``virtual`` (optionally ``virtual:N`` for variant N) or an ADB serial like ``127.0.0.1:5555``.

    ``journal``: for the virtual phone, a file that lets it outlive the process (``JournaledPhone``:
    an existing journal is the phone to continue); a real phone outlives the process anyway.
    The ADB server is the one on ``$ANDROID_ADB_SERVER_PORT`` (adb's own convention), else 5037.
    """
    spec = check_spec(spec)
    if is_virtual(spec):
        from pocketpilot.devices.virtual import VirtualPhone

        if ":" in spec:
            variant = virtual_variant(spec)
        if journal is not None:
            from pocketpilot.devices.virtual.journal import JournaledPhone

            return JournaledPhone(journal, variant=variant, seed=seed)
        return VirtualPhone(variant=variant, seed=seed)
    from pocketpilot.devices.adb import AdbDevice

    return AdbDevice(spec, adb_port=adb_server_port())


def adb_server_port() -> int:
    text = os.environ.get(ADB_PORT_ENV, "").strip()
    if not text:
        return DEFAULT_ADB_PORT
    if not text.isdigit() or not 0 < int(text) <= 65_535:
        raise DeviceNotFound(f"${ADB_PORT_ENV} is {text!r}, not a port 1..65535; fix or unset it")
    return int(text)


def check_spec(spec: str) -> str:
    """``spec`` stripped, once it names a device at all (nothing is opened or connected)."""
    spec = spec.strip()
    if not spec:
        raise DeviceNotFound("no device named; pass --device virtual or an ADB serial from 'pocketpilot devices'")
    if spec.startswith(VIRTUAL + ":"):
        virtual_variant(spec)
    return spec


def virtual_variant(spec: str) -> int:
    """N from ``virtual:N``; anything else after the colon is refused in one line."""
    number = spec.split(":", 1)[1]
    if not number.isascii() or not number.isdigit() or len(number) > 6:
        raise DeviceNotFound(f"no device {spec!r}: after 'virtual:' comes a variant number 0..999999, "
                             "e.g. --device virtual:2")
    return int(number)


def is_virtual(spec: str) -> bool:
    spec = spec.strip()
    return spec == VIRTUAL or spec.startswith(VIRTUAL + ":")


def list_devices(*, adb_host: str = "127.0.0.1", adb_port: int = DEFAULT_ADB_PORT) -> list[tuple[str, str]]:
    """``(serial, state)`` for the virtual phone and every device the ADB server knows.

    An absent ADB server is not an error here: the list then holds only the virtual phone.
    """
    found = [(VIRTUAL, "device")]
    try:
        import adbutils

        client = adbutils.AdbClient(host=adb_host, port=adb_port, socket_timeout=3)
        found.extend((d.serial, d.state) for d in client.list())
    except (OSError, adbutils.AdbError, adbutils.AdbTimeout):
        pass
    return found
