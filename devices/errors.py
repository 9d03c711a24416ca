"""The error tree of pocketpilot's bottom layer.

``PocketpilotError`` is the root every package's own base derives from (the bottom layer owns it
because nothing may import upward); ``DeviceError`` is this package's base.
"""

from __future__ import annotations


class PocketpilotError(Exception):
    """Root of every error pocketpilot raises on purpose."""


class DeviceError(PocketpilotError):
    """Something about a device, its screen or an action on it went wrong."""


class DeviceNotFound(DeviceError):
    """No device answers to the given serial or name."""


class DeviceDisconnected(DeviceError):
    """The device went away mid-call and did not come back within the reconnect budget."""

    def __init__(self, serial: str, detail: str) -> None:
        super().__init__(f"device {serial} disconnected: {detail}")
        self.serial = serial
        self.detail = detail


class DeviceCommandFailed(DeviceError):
    """A device command ran but reported failure (non-zero status or an error line)."""


class ScreenParseError(DeviceError):
    """A UI dump could not be parsed; the message says what is wrong with it."""


class InvalidAction(DeviceError):
    """An action that cannot be performed on the current screen; raised before touching the device."""


class UntypeableText(InvalidAction):
    """Text that ``input text`` cannot type (non-ASCII, control characters)."""


class RecordingError(DeviceError):
    """A recorded run directory is missing or unreadable; the message names the file."""


class ReplayMismatch(DeviceError):
    """Replaying a recording, the agent did something else than the recorded run at ``index``."""

    def __init__(self, index: int, expected: dict | None, actual: dict) -> None:
        wanted = "the end of the recording" if expected is None else expected
        super().__init__(f"replay mismatch at recorded call {index + 1}: expected {wanted}, got {actual}")
        self.index, self.expected, self.actual = index, expected, actual
