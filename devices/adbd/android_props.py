"""What ``setprop`` accepts from the shell user on Android, as data: init's name checks and the
SELinux rule that ``shell`` may set only a few property families (``debug.*`` among them)."""

from __future__ import annotations

PROP_VALUE_MAX = 92  # bytes, the terminating NUL included (bionic's system_properties.h)
NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:@_.-")
# property families the shell domain may set (system/sepolicy: shell.te, property_contexts)
SHELL_SETTABLE = ("debug.", "log.tag", "persist.log.tag", "persist.debug.", "service.adb.")


def name_problem(name: str) -> str:
    """Why ``name`` is no property name ('' when it is one), in toybox's words."""
    if not name:
        return "property name must not be empty"
    if name.startswith(".") or name.endswith("."):
        return "property names must not start or end with '.'"
    if ".." in name:
        return "'..' is not allowed in a property name"
    bad = next((c for c in name if c not in NAME_CHARS), None)
    return f"invalid character '{bad}' in name '{name}'" if bad else ""


def shell_may_set(name: str, value: str, settable: tuple[str, ...] = SHELL_SETTABLE) -> bool:
    """Whether init sets ``name`` to ``value`` for the shell user, who may set the families in
    ``settable`` (never ``ro.*``: read-only)."""
    return name.startswith(settable) and len(value.encode()) < PROP_VALUE_MAX
