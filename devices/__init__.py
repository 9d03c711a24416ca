"""pocketpilot.devices: the Device seam, screens, actions, sensors and the drivers behind them."""

from pocketpilot.devices.actions import (
    Action,
    Back,
    ClearText,
    Direction,
    Home,
    Launch,
    LongPress,
    Scroll,
    Swipe,
    Tap,
    TypeText,
    Wait,
    action_from_dict,
    action_to_dict,
)
from pocketpilot.devices.bounds import Bounds
from pocketpilot.devices.device import ActionResult, AppInfo, Device, DeviceInfo
from pocketpilot.devices.errors import (
    DeviceDisconnected,
    DeviceError,
    InvalidAction,
    PocketpilotError,
    ScreenParseError,
)
from pocketpilot.devices.screen import Element, Node, Screen, parse_uiautomator_xml
from pocketpilot.devices.sensors import Reading, Sensors, ThermalStatus

__all__ = [
    "Action",
    "ActionResult",
    "AppInfo",
    "Back",
    "Bounds",
    "ClearText",
    "Device",
    "DeviceDisconnected",
    "DeviceError",
    "DeviceInfo",
    "Direction",
    "Element",
    "Home",
    "InvalidAction",
    "Launch",
    "LongPress",
    "Node",
    "PocketpilotError",
    "Reading",
    "Screen",
    "ScreenParseError",
    "Scroll",
    "Sensors",
    "Swipe",
    "Tap",
    "ThermalStatus",
    "TypeText",
    "Wait",
    "action_from_dict",
    "action_to_dict",
    "parse_uiautomator_xml",
]
