"""The virtual phone served over the real ADB transport protocol (``pocketpilot phone serve``)."""

from pocketpilot.devices.adbd.server import AdbDaemon

__all__ = ["AdbDaemon"]
