"""A phone whose apps have obfuscated resource ids, or none, as many real apps do.

``ObfuscatedIds`` wraps any ``Device`` and rewrites the resource ids of every dump it observes:
``"obfuscate"`` maps each id to a short stable name (``com.app:id/a0b``, as R8 leaves them), and
``"strip"`` blanks them (Compose and many custom views have none). Element ids and actions are
untouched, so whatever works through it works without meaningful ids.
"""

from __future__ import annotations

import hashlib
import re
from typing import Literal

from pocketpilot.devices.device import Device
from pocketpilot.devices.screen import Screen, parse_uiautomator_xml
from pocketpilot.devices.wrapping import WrappedDevice

Mode = Literal["obfuscate", "strip"]
_ID = re.compile(r'resource-id="([^"]*)"')


def rewrite_ids(xml: str, mode: Mode) -> str:
    """``xml`` with every resource id obfuscated or blanked (system UI ids included)."""
    def replace(match: re.Match) -> str:
        rid = match.group(1)
        if not rid or mode == "strip":
            return 'resource-id=""'
        package = rid.split(":id/", 1)[0] if ":id/" in rid else ""
        digest = int(hashlib.sha1(rid.encode("utf-8")).hexdigest()[:6], 16)
        short = "abcdefghijklmnopqrstuvwxyz"[digest % 26] + format(digest % 1296, "x")
        return f'resource-id="{package}:id/{short}"' if package else f'resource-id="{short}"'

    return _ID.sub(replace, xml)


class ObfuscatedIds(WrappedDevice):
    """``inner`` seen through dumps with obfuscated or stripped resource ids (a ``Device``)."""

    def __init__(self, inner: Device, mode: Mode = "obfuscate") -> None:
        if mode not in ("obfuscate", "strip"):
            raise ValueError(f"mode must be 'obfuscate' or 'strip', got {mode!r}")
        self.inner, self.mode = inner, mode

    def observe(self) -> Screen:
        screen = self.inner.observe()  # the inner device keeps its own dump for element ids
        return parse_uiautomator_xml(rewrite_ids(screen.xml, self.mode), activity=screen.activity,
                                     size=screen.size)
