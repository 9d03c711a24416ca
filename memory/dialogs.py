"""Finding a dialog on a screen by its structure: a small window over the page, or the system's
permission controller, holding a few buttons.

No words and no app resource ids are needed to find one: a dump shows each window as a root
node, and a dialog's window (or the panel inside a full-screen transparent one) is smaller than
the screen. What to answer is decided elsewhere (``explore_policy``).
"""

from __future__ import annotations

from dataclasses import dataclass

from pocketpilot.devices.screen import SYSTEM_UI, Element, Screen

# Packages of the system's runtime-permission prompt (AOSP, Google builds, before Android 10).
PERMISSION_PACKAGES = frozenset({
    "com.android.permissioncontroller", "com.google.android.permissioncontroller",
    "com.android.packageinstaller", "com.google.android.packageinstaller",
})
_SMALL = 0.8  # a window covering less of the screen than this is a dialog or a sheet
_MAX_BUTTONS = 6  # more taps than this is a menu or a chooser, still modal, still a dialog


@dataclass(frozen=True)
class Dialog:
    """The topmost modal window: its package, its texts (title, message) and its buttons."""

    package: str
    text: str
    buttons: tuple[Element, ...]
    permission: bool  # shown by the system's permission controller
    members: frozenset[int] = frozenset()  # ids of every element inside the dialog's window

    def holds(self, element: Element) -> bool:
        return any(b.id == element.id for b in self.buttons)


def find_dialog(screen: Screen) -> Dialog | None:
    """The dialog in front of ``screen``, or None when the page itself is in front."""
    roots = [i for i, node in enumerate(screen.nodes)
             if node.parent is None and node.package != SYSTEM_UI]
    if not roots:
        return None
    top = roots[-1]  # windows are dumped bottom to top
    permission = screen.nodes[top].package in PERMISSION_PACKAGES
    # A small top window is a dialog; a full-screen one over another window may hold one in a
    # panel (a transparent activity); a lone full-screen window is the page itself.
    panel = _panel(screen, top, descend=len(roots) > 1 or permission)
    if panel is None and not permission:
        return None
    inside = _subtree(screen, top if panel is None else panel)
    elements = [e for e in screen.elements if e.node in inside]
    buttons = tuple(e for e in elements if (e.clickable or e.long_clickable) and e.enabled)
    if not buttons or (len(buttons) > _MAX_BUTTONS and not permission):
        return None
    text = " ".join(e.label for e in elements if not e.actionable and e.label)
    return Dialog(screen.nodes[top].package, text, buttons, permission,
                  frozenset(e.id for e in elements))


def _panel(screen: Screen, root: int, *, descend: bool) -> int | None:
    """Window ``root`` if it is smaller than the screen; with ``descend``, else the first such
    node down its chain of only children."""
    width, height = screen.size
    area = width * height
    position: int | None = root
    while position is not None:
        node = screen.nodes[position]
        if area and node.bounds.area < _SMALL * area:
            return position
        position = node.children[0] if descend and len(node.children) == 1 else None
    return None


def _subtree(screen: Screen, position: int) -> set[int]:
    out, stack = set(), [position]
    while stack:
        current = stack.pop()
        out.add(current)
        stack.extend(screen.nodes[current].children)
    return out
