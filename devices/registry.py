"""Opening a device by name: ``virtual`` (in-process virtual phone) or any ADB serial."""

from __future__ import annotations

from pocketpilot.devices.device import Device

VIRTUAL = "virtual"


def open_device(spec: str = VIRTUAL, *, variant: int = 0, seed: int = 0) -> Device:
    """``virtual`` (optionally ``virtual:N`` for variant N) or an ADB serial like ``127.0.0.1:5555``."""
    spec = spec.strip()
    if spec == VIRTUAL or spec.startswith(VIRTUAL + ":"):
        from pocketpilot.devices.virtual import VirtualPhone

        if ":" in spec:
            variant = int(spec.split(":", 1)[1])
        return VirtualPhone(variant=variant, seed=seed)
    from pocketpilot.devices.adb import AdbDevice

    return AdbDevice(spec)
