"""Which field of a form a text goes in: the one whose name means what the task calls the text.

'with the heading "Call plumber"' names the Title field though no word is shared; 'for 10
minutes' names Minutes rather than Hours or Seconds. A field counts as named only when its
meaning stands out from the page's other fields: a vague lead-in ('saying') names none, and the
text's role (content, a name) decides instead.
"""

from __future__ import annotations

from collections.abc import Sequence

from pocketpilot.devices.screen import Element
from pocketpilot.planner.grounding import slot_names
from pocketpilot.planner.meaning import Meaning

NAMED_AT = 0.45  # tuning: 'heading'/'Title' 0.52, 'saying'/'Message' 0.31, 'titled'/'Title' 0.74
STANDS_OUT_BY = 0.10  # 'minute': Minutes 0.85 against Seconds 0.72


def field_label(field: Element) -> str:
    return field.label or field.desc or field.resource_id.split("/")[-1].replace("_", " ")


def named_fields(texts: Sequence[str], fields: Sequence[Element], goal: str, values: dict[str, str],
                 meaning: Meaning) -> dict[str, int]:
    """For each text the task calls by a name, the id of the one field that name means."""
    labels = [field_label(f) for f in fields]
    if not any(labels):
        return {}
    named: dict[str, int] = {}
    for text in texts:
        slot = slot_names(text, goal, values)
        if not slot:
            continue
        scores = meaning.scores(slot, labels)
        ranked = sorted(range(len(fields)), key=lambda i: -scores[i])
        best = ranked[0]
        second = scores[ranked[1]] if len(ranked) > 1 else -1.0
        if scores[best] >= NAMED_AT and scores[best] - second >= STANDS_OUT_BY:
            named[text] = fields[best].id
    return named
