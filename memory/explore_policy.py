"""What exploration may touch, and how it gets past first-run screens and permission prompts.

The principle, stated here and nowhere else: exploration only *looks*. It never does what the
user would have to confirm: nothing that sends, pays, deletes, shares, signs out, resets or
accepts on the user's behalf (``devices/sensitive.py``'s one list, matched on a control's label, description
and id words, and on the text of a dialog the control answers). Two kinds of dialog are not
such a thing and are answered so exploration can go on:

- a runtime permission prompt (the system's permission controller) asks whether the app may use
  data already on the phone for what the user opens it for; granting it acts on nothing, and
  whatever the app does afterwards is still held to this filter. The narrowest lasting grant is
  chosen ("While using the app" before "Allow" before "Only this time"), never "all the time";
- a first-run greeting (welcome, tour, tip) only stands between the user and the app; the answer
  that commits least is chosen ("Skip" before "Next", "Not now" before "Continue").

Dialogs are found by structure (``dialogs.find_dialog``); the words below are needed only to
tell a dialog's buttons apart, and are kept in these lists, whole labels, any case.
"""

from __future__ import annotations

import re

from pocketpilot.devices.screen import Element, Screen
from pocketpilot.devices.sensitive import beyond_looking
from pocketpilot.memory.dialogs import Dialog, find_dialog

# Permission-prompt buttons that grant, narrowest lasting grant first (framework ids, then labels).
GRANT_IDS = ("permission_allow_foreground_only_button", "permission_allow_button",
             "permission_allow_one_time_button")
GRANT_LABELS = ("while using the app", "allow", "only this time")
# First-run answers, the one that commits least first.
ONWARD_LABELS = ("skip", "not now", "no thanks", "maybe later", "later", "got it", "dismiss",
                 "close", "ok", "okay", "next", "continue", "start", "get started", "done")
# Buttons that leave a dialog without doing what it asks.
DISMISS_LABELS = ("cancel", "no", "not now", "no thanks", "close", "keep", "back", "dismiss",
                  "later", "maybe later")

_PUNCT = re.compile(r"[^\w\s]")


def _words(element: Element) -> str:
    return " ".join((element.label, element.desc,
                     element.resource_id.split("/")[-1].replace("_", " ")))


def _label(element: Element) -> str:
    """A button's label folded for the lists: case, apostrophes and punctuation away."""
    text = (element.label or element.desc).replace("\u2019", "'").lower()
    return " ".join(_PUNCT.sub(" ", text.replace("'", "")).split())


def is_sensitive(element: Element, dialog: Dialog | None = None) -> bool:
    """Whether tapping ``element`` (on ``dialog``, if one is in front) might do something the
    user would have to confirm.

    On a dialog that offers a choice the buttons that go ahead carry the dialog's meaning: "OK"
    under "Delete this contact?" deletes. A notice (one button) offers none, and a permission
    prompt's text never counts (granting is not acting).
    """
    if beyond_looking(_words(element)):
        return True
    if dialog is None or dialog.permission or len(dialog.buttons) < 2 or not dialog.holds(element):
        return False
    return beyond_looking(dialog.text) and _label(element) not in DISMISS_LABELS


def gate_answer(screen: Screen) -> Element | None:
    """The button that gets past a permission prompt or first-run dialog on ``screen``, if any."""
    dialog = find_dialog(screen)
    if dialog is None:
        return None
    if dialog.permission:
        return _grant(dialog)
    by_label = {_label(b): b for b in dialog.buttons if not is_sensitive(b, dialog)}
    return next((by_label[word] for word in ONWARD_LABELS if word in by_label), None)


def _grant(dialog: Dialog) -> Element | None:
    for wanted in GRANT_IDS:
        for button in dialog.buttons:
            if button.resource_id.rsplit("/", 1)[-1] == wanted:
                return button
    by_label = {_label(b): b for b in dialog.buttons}
    return next((by_label[word] for word in GRANT_LABELS if word in by_label), None)


def grants_own_data(screen: Screen, element: Element | None) -> bool:
    """``element`` is a grant button of a runtime permission prompt in front of ``screen``: the
    app asks to use data already on the phone, and granting it acts on nothing by itself."""
    dialog = find_dialog(screen)
    return (element is not None and dialog is not None and dialog.permission and dialog.holds(element)
            and not is_sensitive(element, dialog) and _label(element) not in DISMISS_LABELS)
