"""Playing a gold trajectory on a device: each step's target is found by its label on the screen
observed just before it (element ids change from screen to screen; labels are what a person reads).
"""

from __future__ import annotations

from pocketpilot.apps.scenarios.format import GoldStep
from pocketpilot.devices.actions import Action, action_from_dict
from pocketpilot.devices.device import Device
from pocketpilot.devices.errors import PocketpilotError
from pocketpilot.devices.screen import Element, Screen

_TARGETED = {"tap", "long_press", "type_text", "clear_text", "scroll"}


class GoldStepFailed(PocketpilotError):
    """A gold step whose target is not on the screen: the scenario (or the phone) changed."""

    def __init__(self, index: int, step: GoldStep, screen: Screen) -> None:
        super().__init__(f"gold step {index + 1} {step.to_dict()} finds no target on the screen:\n{screen.render()}")
        self.index, self.step = index, step


def find_target(screen: Screen, step: GoldStep) -> Element | None:
    """The element ``step.label`` names: an exact label beats a substring; it must fit the action.

    Among exact matches the last wins: later in the dump is drawn on top (a dialog's "Delete"
    over the page's own "Delete" button).
    """
    assert step.label is not None
    found = screen.find(step.label)
    wanted = step.label.lower()
    exact = [e for e in found if wanted in (e.label.lower(), e.desc.lower())]
    for element in [*reversed(exact), *found]:
        if step.kind in ("type_text", "clear_text") and not element.editable:
            continue
        if step.kind in ("tap", "long_press") and not element.actionable:
            continue
        if step.kind == "scroll" and not element.scrollable:
            continue
        return element
    return None


def to_action(step: GoldStep, screen: Screen) -> Action | None:
    """The concrete action for ``step`` on ``screen``; None when its labelled target is missing."""
    data = {k: v for k, v in step.to_dict().items() if k != "label"}
    if step.label is not None and step.kind in _TARGETED:
        element = find_target(screen, step)
        if element is None:
            return None
        data["element"] = element.id
    return action_from_dict(data)


def play(device: Device, steps: list[GoldStep]) -> int:
    """Perform every step in order; return how many ran. Raise ``GoldStepFailed`` on a missing target."""
    for index, step in enumerate(steps):
        screen = device.observe()
        action = to_action(step, screen)
        if action is None:
            raise GoldStepFailed(index, step, screen)
        device.act(action)
    return len(steps)
