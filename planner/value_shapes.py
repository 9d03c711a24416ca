"""Recognising what kind of value a text holds (phone number, email, time, date, amount, address).

Output names say what a subtask must read ("phone_number", "address"); when the element the model
points at does not hold that kind of value but the screen shows exactly one that does, the read
takes that one. Shapes are universal text patterns, not knowledge of any app.
"""

from __future__ import annotations

import re

SHAPES: dict[str, re.Pattern] = {
    "phone": re.compile(r"\+?\d[\d\s().-]{5,}\d"),
    "email": re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),
    "time": re.compile(r"\b\d{1,2}:\d{2}(?:\s?[AaPp][Mm])?\b"),
    "date": re.compile(r"\b\d{4}-\d{2}-\d{2}\b|\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? \w+ \d{1,2}\b"),
    "code": re.compile(r"(?<!\d )(?<![\d+-])\d{4,8}#?(?![\d-])"),
    "amount": re.compile(r"[$€£]\s?\d+(?:[.,]\d{2})?|\b\d+[.,]\d{2}\b"),
    "address": re.compile(
        r"\b\d+\s+[A-Z][a-z]+(?:\s[A-Z][a-z]+)*\s(?:St|Street|Ave|Avenue|Rd|Road|Blvd|Lane|Ln|Dr|Drive|Way)\b"
    ),
}
SHAPE_HINTS = {
    "phone": ("phone", "number", "mobile", "tel"),
    "email": ("email", "mail"),
    "time": ("time", "hour", "when"),
    "date": ("date", "day"),
    "amount": ("price", "cost", "total", "amount", "sum"),
    "code": ("code", "pin", "otp", "passcode"),
    "address": ("address", "street", "location"),
}


def shape_of(name: str) -> str | None:
    """The value kind an output name asks for, e.g. ``bob_phone_number`` → ``phone``."""
    words = set(re.split(r"[_\W]+", name.lower()))
    for shape, hints in SHAPE_HINTS.items():
        if words & set(hints):
            return shape
    return None


def extract(shape: str, text: str) -> str | None:
    match = SHAPES[shape].search(text)
    return match.group(0).strip() if match else None


ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
            "eighth": 8, "ninth": 9, "tenth": 10, "last": -1}
_ITEM_SEPARATORS = re.compile(r"\s*(?:[,;\n•·]|\band\b)\s*")


def ordinal(name: str) -> int | None:
    """The position an output name asks for: ``third_item`` → 3, ``last_entry`` → -1, else None."""
    words = re.split(r"[_\W]+", name.lower())
    return next((ORDINALS[w] for w in words if w in ORDINALS), None)


def nth_item(text: str, position: int) -> str | None:
    """The item at ``position`` (1-based; -1 the last) of a list written as text ('milk, eggs, spinach')."""
    items = [item for item in _ITEM_SEPARATORS.split(text) if item.strip()]
    if len(items) < 2 or not -len(items) <= (position - 1 if position > 0 else position) < len(items):
        return None
    return items[position - 1 if position > 0 else position].strip()


_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " \
         "seventeen eighteen nineteen".split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50}
# 'one' and 'zero' stay words: 'a new one', 'zero in on' are no numbers
_NUMBER_WORD = re.compile(r"\b(?:(" + "|".join(_TENS) + r")(?:[ -](" + "|".join(_UNITS[1:10]) + r"))?|("
                          + "|".join(_UNITS[2:]) + r"))\b", re.I)
_PAST = re.compile(r"\b(half|quarter) past (\d{1,2})\b", re.I)
_TO = re.compile(r"\bquarter to (\d{1,2})\b", re.I)
_QUOTED = re.compile(r"(\"[^\"]*\"|'[^']*'(?!\w))")
_HOUR_OF_DAY = re.compile(r"\b(\d{1,2})(?:[: ](\d{2}))?\s*(?:o'?clock\s*)?(?:(am|a\.m\.|in the morning)|"
                          r"(pm|p\.m\.|in the (?:afternoon|evening)|at night|tonight))\b", re.I)


_ORDINAL_UNITS = ("zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
                  "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth").split()
_ORDINAL_TENS = {"twentieth": 20, "thirtieth": 30}
_MONTHS = "january february march april may june july august september october november december".split()
_MONTH = r"(?:" + "|".join(m for m in _MONTHS) + "|" + "|".join(m[:3] for m in _MONTHS if len(m) > 3) + r")"
# a day of the month in words: 'the twenty-fifth of May', 'May third' ('the third item' stays a word)
_DAY_WORD = r"(?:(" + "|".join(_TENS) + r")[ -](" + "|".join(_ORDINAL_UNITS[1:10]) + r")|(" \
    + "|".join([*_ORDINAL_UNITS[1:], *_ORDINAL_TENS]) + r"))"
_DAY_BEFORE_MONTH = re.compile(rf"\b(){_DAY_WORD}(?=\s+of\s+{_MONTH}\b)", re.I)
_DAY_AFTER_MONTH = re.compile(rf"\b({_MONTH}\s+){_DAY_WORD}\b", re.I)


def _day(match: re.Match) -> str:
    tens, unit, alone = match.group(2), match.group(3), match.group(4)
    if alone:
        n = _ORDINAL_TENS.get(alone.lower()) or _ORDINAL_UNITS.index(alone.lower())
    else:
        n = _TENS[tens.lower()] + _ORDINAL_UNITS.index(unit.lower())
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{match.group(1)}{n}{suffix}"


def numbers_as_digits(text: str) -> str:
    """Numbers written as words become digits, and an hour of the day a time: 'seven in the
    morning' -> '7:00 AM', 'ten minutes' -> '10 minutes'. Values are matched and typed as digits."""
    def number(match: re.Match) -> str:
        if match.group(3):
            return str(_UNITS.index(match.group(3).lower()))
        return str(_TENS[match.group(1).lower()] + (_UNITS.index(match.group(2).lower()) if match.group(2) else 0))

    def hour(match: re.Match) -> str:
        if int(match.group(1)) > 12:
            return match.group(0)
        return f"{int(match.group(1))}:{match.group(2) or '00'} {'AM' if match.group(3) else 'PM'}"

    def past(match: re.Match) -> str:
        minutes = {"half": 30, "quarter": 15}[match.group(1).lower()]
        return f"{match.group(2)}:{minutes:02d}"

    def to(match: re.Match) -> str:
        hour = (int(match.group(1)) - 1) % 12 or 12
        return f"{hour}:45"

    def clock(part: str) -> str:
        part = _NUMBER_WORD.sub(number, _DAY_AFTER_MONTH.sub(_day, _DAY_BEFORE_MONTH.sub(_day, part)))
        part = _PAST.sub(past, _TO.sub(to, part))  # 'half past 9' -> '9:30', 'quarter to 7' -> '6:45'
        return _HOUR_OF_DAY.sub(hour, part)

    parts = _QUOTED.split(text)  # quoted text is typed as written
    return "".join(part if i % 2 else clock(part) for i, part in enumerate(parts))
