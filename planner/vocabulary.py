"""Plain English a phone task is written in; no app's words."""

from __future__ import annotations

import re

# Imperatives that open a step of a phone task (plain English, no app's vocabulary): a clause that
# opens with none of them continues the previous one ("turn on Bluetooth, the dark theme").
VERBS = frozenset(
    "add book call change check clear copy create delete disable edit enable find get go "
    "install look make mark move open pay play put read remember reply save schedule "
    "search see select send set share show start stop switch take text toggle turn type use write "
    "tap press click choose pick scroll swipe dial mute unmute pause resume rename archive star pin "
    "download upload forward buy order sign log launch close hide lock unlock connect disconnect "
    "tell remind wake silence note jot keep save put remove erase trash schedule activate deactivate".split()
)

# A goal that flips a switch: group 1 is on/off ("turn on"), group 2 enable/disable.
SWITCHING = re.compile(r"\b(?:turn|switch|toggle)\s+(on|off)\b|\b(enable|disable)\b", re.I)

# What a new thing is to be called: "a contact named Plumber", "a note titled Code", "labelled Run"
# (group 1: the capitalised name, or the quote that opens a quoted one).
NAMING = frozenset("named titled entitled labelled labeled called".split())
NAMED = re.compile(rf"\b(?:{'|'.join(sorted(NAMING))})\s+([A-Z][\w-]*(?:\s[A-Z][\w-]*)*|['\"])")

# Words that join steps rather than start one ('also switch on dark mode', 'and then', 'please'):
# a clause that opens with them is read from the first word after them.
CONNECTIVES = frozenset("also and then please next afterwards finally plus additionally after that".split())
