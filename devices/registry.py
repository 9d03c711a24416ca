"""Opening a device by name: ``virtual`` (in-process virtual phone) or any ADB serial."""

from __future__ import annotations

from pocketpilot.devices.device import Device
from pocketpilot.devices.errors import DeviceNotFound

VIRTUAL = "virtual"


def open_device(spec: str = VIRTUAL, *, variant: int = 0, seed: int = 0) -> Device:
    """``virtual`` (optionally ``virtual:N`` for variant N) or an ADB serial like ``127.0.0.1:5555``."""
    spec = spec.strip()
    if not spec:
        raise DeviceNotFound("no device named; pass --device virtual or an ADB serial from 'pocketpilot devices'")
    if spec == VIRTUAL or spec.startswith(VIRTUAL + ":"):
        from pocketpilot.devices.virtual import VirtualPhone

        if ":" in spec:
            variant = virtual_variant(spec)
        return VirtualPhone(variant=variant, seed=seed)
    from pocketpilot.devices.adb import AdbDevice

    return AdbDevice(spec)


def virtual_variant(spec: str) -> int:
    """N from ``virtual:N``; anything else after the colon is refused in one line."""
    number = spec.split(":", 1)[1]
    if not number.isascii() or not number.isdigit() or len(number) > 6:
        raise DeviceNotFound(f"no device {spec!r}: after 'virtual:' comes a variant number 0..999999, "
                             "e.g. --device virtual:2")
    return int(number)


def list_devices(*, adb_host: str = "127.0.0.1", adb_port: int = 5037) -> list[tuple[str, str]]:
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
