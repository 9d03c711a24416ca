"""The virtual phone: a deterministic in-process Android phone with stock-like apps.

``VirtualPhone`` implements the ``Device`` seam; everything app-specific (packages, labels,
layouts) lives in this package and nowhere above ``devices``.
"""

from pocketpilot.devices.virtual.phone import VirtualPhone
from pocketpilot.devices.virtual.state import PhoneState, SeedError
from pocketpilot.devices.virtual.variants import Variant

__all__ = ["PhoneState", "SeedError", "Variant", "VirtualPhone"]
