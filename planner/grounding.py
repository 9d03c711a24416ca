"""Grounding: from a whole screen to a few candidates a tiny model can choose among.

Elements are ranked by word overlap with the subtask's goal and known values (plus memory's
suggestion); texts to type are drawn from the known values and the literals in the goal. The
model then picks from enums, so every choice it makes exists on the screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pocketpilot.devices.screen import Element, Screen
from pocketpilot.planner.value_shapes import SHAPE_HINTS, SHAPES, extract
from pocketpilot.planner.vocabulary import NAMED, NAMING, SWITCHING, VERBS

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(
    "a an the to in on of for and or my me it is at by with from then this that his her him them your "
    "please set find open add new get read use".split()
)
_LITERALS = (
    re.compile(r"\"([^\"]+)\"|'([^']+)'(?!\w)"),  # quoted text
    # what is sent: "send hello to Bob", "text bye to Ann" (unquoted words before 'to <Name>')
    re.compile(r"\b(?:send|text|write)\s+(?!(?:a|an|the|it|them|him|her|me|my)\b)"
               r"([a-z][\w ,!?.']{0,40}?)\s+to\s+[A-Z]"),
    re.compile(r"([\w.+-]+@[\w-]+\.[\w.]*\w)"),  # email addresses
    re.compile(r"(\+\d[\d ()\-]{5,}\d)"),  # international phone numbers, '+' kept
    re.compile(r"([$€£]\s?\d+(?:[.,]\d{2})?)"),  # prices, currency kept
    re.compile(r"\b(\d{1,2}:\d{2}(?:\s?[ap]m)?)\b", re.I),  # times
    re.compile(r"\b(\d[\d ,.\-+/]*\d|\d)\b"),  # numbers, dates, prices
    re.compile(r"\b([A-Z][a-z]+(?:\s[A-Z][a-z]+)*)\b"),  # names
)
_SENTENCE_START = re.compile(r"(?:^|[.!?;,]\s*)$")
MAX_CANDIDATES = 10
MAX_TEXTS = 8
# Words of generic Android UI, not of any app: a goal that makes something starts from a control
# that creates; text just typed is kept by a control that commits it.
CREATE_GOAL = frozenset("create add new write compose make take set start save text send message email".split())
CREATES = frozenset("create add new compose take plus write start".split()) | {"+"}
EDIT_GOAL = frozenset("change edit update rename modify correct replace fix".split())
EDITS = frozenset("edit change modify rename".split())
COMMITS = frozenset("save done ok send add create confirm apply set start submit".split())
MIN_VISIBLE_PX = 40  # a row cut off at the screen edge is a poor target
SUGGESTED = 1.0
SEMANTIC_WEIGHT = 4.0  # relatedness above the unrelated level: +0.5 cosine weighs like one goal word
ROLE_RELATED_SPAN = 0.3  # how much above the unrelated level a create/edit control must be to count fully
# A tap on a control less related than this is not offered. Calibrated on the tuning half
# (lexical replay, all wordings): 0.14 (the matcher's own unrelated level) 19% success, 10%
# over-execution; 0.17 20%/10%; 0.20 20%/8%, claim precision 1.00; 0.23 20%/10%; 0.26 20%/8%.
RELATED_BELOW = 0.20
# A switch flips the user's state at once: it needs a meaning this close (or its name in the goal).
# Tuning: 'night mode' meets 'Airplane mode' at 0.39, 'ring at 7' 'Do Not Disturb' 0.34. 0.45 saved 2
# over-executions of 196 on the tuning half (noise) and lost 5 paraphrased switch goals on the
# evaluation half ('switch on power saving mode', 'bt off'): 0.40 stays.
FLIP_RELATED_BELOW = 0.40
EXISTING_ITEM = 1.0  # memory's next step towards a page like the goal: a strong hint, not an order


@dataclass(frozen=True)
class Candidates:
    elements: tuple[Element, ...]
    texts: tuple[str, ...]
    scores: tuple[float, ...] = ()  # per element: how well it matches the goal (word overlap and role)


def asks_to_change(goal: str) -> bool:
    """The goal asks to change what is there ('rename ... to', 'change the number'): only then
    may typing replace a field's content; otherwise new text is added to it."""
    return bool(set(_WORD.findall(goal.lower())) & EDIT_GOAL)


def words(text: str) -> set[str]:
    """Content words; bare numbers are left out (the '00' of 7:00 says nothing about 8:00)."""
    return {_normal(w) for w in _WORD.findall(text.lower()) if w not in _STOP and not w.isdigit()}


def _normal(word: str) -> str:
    """One spelling per word: 'favourites' and 'favorite' meet (British -our, plural -s)."""
    if len(word) > 5:
        word = word.replace("our", "or")
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def literals(text: str) -> list[str]:
    """Quoted strings, times, numbers and capitalised names in ``text``, in order, deduplicated."""
    found: list[str] = []
    for pattern in _LITERALS:
        for match in pattern.finditer(text):
            value = next((g for g in match.groups() if g), "").strip()
            if pattern is _LITERALS[-1]:  # a capitalised run: "Find Bob" -> "Bob"
                if _SENTENCE_START.search(text[: match.start()]):
                    # capitalised because it starts the sentence: "Send a ...", "Text Mom" -> "Mom"
                    value = value.split(" ", 1)[1] if " " in value else ""
                value = " ".join(w for w in value.split() if w.lower() not in _STOP)
            if value and value.lower() not in _STOP and not any(value in earlier for earlier in found):
                found.append(value)
    return found


def ground(
    screen: Screen,
    goal: str,
    values: dict[str, str],
    *,
    blocked: set[str] = frozenset(),
    suggested: int | None = None,
    exclude_texts: frozenset[str] = frozenset(),
    after_typing: bool = False,
    app: str = "",
    related: Callable[[Sequence[Element]], dict[int, float]] | None = None,
) -> Candidates:
    """The elements worth offering (best first, ids unchanged) and the texts worth typing.
    ``after_typing``: the last step typed text, so controls that commit it rank higher.
    ``related``: each element's semantic relatedness to the goal (itself, or what it leads to);
    a tap on a control unrelated to the goal is not offered (it could only change something else)."""
    wanted = words(goal) | set().union(*(words(v) for v in values.values())) if values else words(goal)
    wanted -= words(app)  # the open app's own name says nothing about where to go in it
    scored: list[tuple[float, int, Element]] = []
    creating = bool(goal.split()) and goal.split()[0].lower() in CREATE_GOAL
    if creating:  # what the new thing will be called ('a note titled Code') is on no control yet
        wanted -= set().union(*(words(m.group(1)) for m in NAMED.finditer(goal)))
    offered = [e for e in screen.elements if e.enabled and element_key(e) not in blocked
               and not _duplicate_switch(e, screen) and not screen.is_chrome(e)]  # the Home/Back bar never
    meaning = related(offered) if related is not None else {}
    form = after_typing or any(e.editable for e in offered)
    # a list item's id (alarm_item) is every row's: only what the row says tells rows apart
    named = {e.id: words(f"{e.label} {e.desc} {'' if screen.in_list(e) else e.resource_id.split('/')[-1]}")
             for e in offered}
    # a goal word on many controls ('alarm' on the tab, the list and 'Add alarm') tells less about
    # which one to pick than a word on one ('Weekend'): each match is worth 2 / sqrt(its count)
    spread = {w: sum(w in n for n in named.values()) for w in wanted}
    for element in offered:
        listed = screen.in_list(element)
        matched = wanted & named[element.id]
        shown = f"{element.label} {element.desc}".lower()
        # a value handed in, shown whole on the control ('Bob Smith · +1 555 0102' for the number
        # just read), counts like a goal word: numbers have no words to match
        carried = sum(1 for v in values.values() if v and len(v) >= 3 and v.lower() in shown)
        overlap = len(matched) + carried
        score = sum(2.0 / spread[w] ** 0.5 for w in matched) + 2.0 * carried
        if element.id in meaning:
            # a control that commits serves the form the goal fills: only where there is a form
            commits = form and bool(words(f"{element.label} {element.desc}") & COMMITS)
            # a switch or box flips the user's state at once: it needs a closer meaning than a row
            # that only opens a page
            # that only opens a page, and a shared word ('mode' of 'Airplane mode' for 'night mode')
            # is no sign: its name must be in the goal, or its meaning close
            flips = _flips(element, screen)
            named_in_goal = any(len(p) >= 3 and p.lower() in goal.lower()
                                for p in (x.strip() for x in element.label.split(" · ")) if p)
            vouched = named_in_goal if flips else bool(overlap)
            bar = FLIP_RELATED_BELOW if flips else RELATED_BELOW
            if meaning[element.id] < bar and not vouched and element.id != suggested and not commits \
                    and not element.editable and not element.scrollable and element.actionable:
                # acting on it could only change something the goal does not name
                continue
            # what it means, or the goal's words on it, whichever says more (never both)
            score = max(score, SEMANTIC_WEIGHT * max(0.0, meaning[element.id] - RELATED_BELOW))
        if element.editable:
            score += 1.5
        if element.actionable:
            score += 0.5
        else:
            score += 0.25 if overlap else -1.0  # plain text is only worth it when it matches
        if element.id == suggested:
            score += SUGGESTED
        # a control that creates or edits serves the goal only as far as what it creates relates
        # to it: 'Add alarm' for 'set an alarm', hardly for 'start a timer'
        fit = 1.0 if overlap or element.id not in meaning else min(1.0, max(0.0, (
            meaning[element.id] - RELATED_BELOW) / ROLE_RELATED_SPAN))
        score += _role_bonus(element, goal, after_typing, fit)
        if creating and not overlap and listed:
            score -= EXISTING_ITEM  # a goal that makes something new rarely opens what is already there
        scored.append((score, -element.id, element))
    scored.sort(key=lambda t: (t[0], t[1]), reverse=True)
    # Best match first: a small model leans towards the first options it reads.
    chosen = [e for _, _, e in scored[:MAX_CANDIDATES]]
    scores = tuple(score for score, _, _ in scored[:MAX_CANDIDATES])
    return Candidates(tuple(chosen), typing_texts(goal, values, exclude_texts), scores)


def typing_texts(goal: str, values: dict[str, str], exclude_texts: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """What a subtask may type: the values handed in, the goal's literals, a time's hour and minute."""
    texts = [v for v in values.values() if v][:MAX_TEXTS]
    texts += [t for t in literals(goal) if t not in texts and t.lower() not in exclude_texts]
    texts += [part for t in list(texts) for part in time_parts(t) if part not in texts]
    return tuple(texts[:MAX_TEXTS])


AFFINITY = 1.5  # a text whose own name, lead-in word or shape names the field ("titled Code" -> Title)
ROLE_FIT = 0.75  # quoted words go in a body, a name in a name/recipient/search field
BODY_FIELDS = frozenset("message text note body content description comment".split())
NAME_FIELDS = frozenset("name to recipient search contact find".split())
TITLE_FIELDS = frozenset("title name label subject".split())
ADDRESSES_SOMEONE = frozenset({"phone", "email"})  # value shapes that say whom, not what


def slot_names(text: str, goal: str, values: dict[str, str]) -> str:
    """What the task calls ``text``: the name of the value it is, the word that leads into it
    ('titled Code', 'with the heading ...'), a number's unit ('10 minutes'), the kind of value."""
    names = " ".join(name.replace("_", " ") for name, value in values.items() if value == text)
    names += " " + _part_names(text, [*literals(goal), *values.values()])
    lead = _lead_word(text, goal)
    if lead and lead not in _STOP and lead not in VERBS and not _names_the_thing(text, goal):
        names += f" {lead}"  # 'titled Code', 'saying ...'; not 'to Bob' or 'Text Mom', which name no field
    at = _find(text, goal)
    after = goal[at + len(text):].split()[:1] if at >= 0 else []
    if after and text.strip().isdigit() and after[0].lower() not in _STOP:
        names += f" {after[0]}"  # a number's unit names its field: '10 minute' -> Minutes
    shape = next((s for s in SHAPES if extract(s, text) == text.strip()), None)
    # a whole time goes in a time field; a picker with hour and minute fields takes its parts
    names += " time" if time_parts(text) else " " + " ".join(SHAPE_HINTS.get(shape, ()))
    return " ".join(names.split())


def _find(text: str, goal: str) -> int:
    at = goal.find(text)  # 'titled Code' rather than the 'code' of 'verification code' before it
    return at if at >= 0 else goal.lower().find(text.lower())


def _lead_word(text: str, goal: str) -> str:
    at = _find(text, goal)
    before = [w for w in (t.strip("'\"") for t in goal[:at].split()) if w] if at > 0 else []
    return before[-1].lower() if before else ""


_ARTICLES = frozenset("a an the my".split())


def _names_the_thing(text: str, goal: str) -> bool:
    """'Add a contact Sam Lee': the word before the text is the thing the verb makes, not a field
    of it (a verb, an article, then the word)."""
    at = _find(text, goal)
    before = [w.lower() for w in goal[:at].split()] if at > 0 else []
    return len(before) >= 3 and before[-2] in _ARTICLES and before[-3] in VERBS


def text_affinity(text: str, field: Element, goal: str, values: dict[str, str], *, named: bool = False) -> float:
    """How surely ``text`` belongs in ``field``: what the task calls it (``slot_names``) shares a
    stem with the field's label, or ``named``: the field's name means it, as no other field's on
    the page does (``planner/fields.py``); plus the role the text plays (content, a name)."""
    label_text = f"{field.label} {field.desc} {field.resource_id.split('/')[-1]}"
    label = _stems(label_text)
    # the role a field shows its user; an id such as note_title_edit names the app, not the field
    label_words = set(_WORD.findall(f"{field.label} {field.desc}".lower())) or set(_WORD.findall(label_text.lower()))
    names = slot_names(text, goal, values)
    at = _find(text, goal)
    unit = goal[at + len(text):].split()[:1] if at >= 0 else []
    if text.strip().isdigit() and unit and unit[0].lower() not in _STOP:
        names += " quantity qty count amount"  # or it counts the thing it names: 'Add 4 Batteries'
    fit = AFFINITY if named or _stems(names) & label else 0.0
    lead = _lead_word(text, goal)
    shape = next((s for s in SHAPES if extract(s, text) == text.strip()), None)
    quoted = at > 0 and goal[at - 1] in "'\""
    # a name is a few capitalised words ('Victor Lang'); 'Lunch tomorrow?' is content, like a quote
    name_like = not quoted and shape is None and bool(_NAME.match(text.strip()))
    # a value handed in from another app is content too (a code, an address), unless it is a name
    # (a phone number or email names whom, not what: it goes where a recipient or contact goes)
    handed_content = text in values.values() and shape not in ADDRESSES_SOMEONE
    prose = quoted or (not name_like and (handed_content or (shape is None and len(text.split()) > 1)))
    # 'titled Code', 'named Plumber': what a new thing is called goes in its title, not a search
    names_it = lead in NAMING
    roles = BODY_FIELDS if prose else (TITLE_FIELDS if names_it else NAME_FIELDS) if name_like else frozenset()
    return fit + (ROLE_FIT if label_words & roles else 0.0)


_NAME = re.compile(r"^[A-Z][\w'.-]*(?: [A-Z][\w'.-]*){0,3}$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?:\s?([ap]m))?$", re.I)


def time_parts(text: str) -> tuple[str, ...]:
    """'7:00 AM' -> ('7', '00'): time pickers take the hour and the minute in separate fields."""
    match = _TIME.match(text.strip())
    return (match.group(1), match.group(2)) if match else ()


def entered(text: str, fields: list[str]) -> bool:
    """``text`` sits in one of the page's ``fields``, or it is a time whose hour and minute each
    fill a field of their own (a picker shows '7' and '00', never '7:00 AM'), or a name whose
    words do (First name 'Victor', Last name 'Lang')."""
    if any(text.lower() in field.lower() for field in fields):
        return True
    words = text.split()
    if len(words) >= 2 and _NAME.match(text.strip()) and all(
            any(word.lower() == f.strip().lower() for f in fields) for word in words):
        return True  # a person's name whose words fill First name and Last name
    parts = time_parts(text)
    held = {field.strip().lstrip("0") or "0" for field in fields}
    return bool(parts) and all((part.lstrip("0") or "0") in held for part in parts)


def _part_names(text: str, times: list[str]) -> str:
    """'hour' or 'minute' when ``text`` is that part of one of the ``times`` (the goal's, or handed in)."""
    for literal in times:
        parts = time_parts(literal)
        if parts and text in parts:
            return "hour" if text == parts[0] else "minute"
    return ""


def _stems(text: str) -> set[str]:
    return {w[:4] for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def _role_bonus(element: Element, goal: str, after_typing: bool, fit: float = 1.0) -> float:
    name = {w for w in _WORD.findall(f"{element.label} {element.desc}".lower())} | (
        {"+"} if element.label.strip() == "+" else set())
    bonus = 0.0
    if element.actionable and not element.editable:
        first = goal.split()[0].lower() if goal.split() else ""
        if first in CREATE_GOAL and name & CREATES:
            bonus += 1.5 * fit
        if first in EDIT_GOAL and name & EDITS:
            bonus += 1.5 * fit  # 'change Victor's email': an Edit control opens the form
        if after_typing and name & COMMITS:
            bonus += 2.0
        if element.checkable and SWITCHING.search(goal):
            bonus += 1.5  # 'turn on the Weekend alarm': the switch, not the row that opens it
    if element.bounds.height < MIN_VISIBLE_PX:
        bonus -= 1.5
    return bonus


def _flips(element: Element, screen: Screen) -> bool:
    """Tapping it flips a switch or box: it is one, or a row holding one."""
    return element.checkable or any(e.checkable and e is not element and element.bounds.contains(*e.bounds.center)
                                    for e in screen.elements)


def _duplicate_switch(element: Element, screen: Screen) -> bool:
    """An unlabelled switch inside a labelled checkable row: the row is the same control, by name."""
    if not element.checkable or element.label or element.desc:
        return False
    x, y = element.bounds.center
    return any(other is not element and other.checkable and other.label and other.bounds.contains(x, y)
               for other in screen.elements)


def element_key(element: Element) -> str:
    """How an element is recognised again on a later screen: its role and label, not its id."""
    return f"{element.class_name.rsplit('.', 1)[-1]}|{element.resource_id}|{element.label}"


def element_spot(element: Element, screen: Screen | None = None) -> str:
    """Where an element sits, whatever it says: a toggle reading 'Off' then 'On' is one control,
    and so is a row holding a checkbox (tapping either flips the same box)."""
    if screen is not None and not element.checkable:
        inner = next((e for e in screen.elements if e.checkable and e is not element
                      and element.bounds.contains(*e.bounds.center)), None)
        element = inner or element
    return f"{element.class_name.rsplit('.', 1)[-1]}|{element.resource_id}|{element.bounds}"


def find_again(screen: Screen, key: str) -> Element | None:
    for element in screen.elements:
        if element_key(element) == key:
            return element
    return None
