"""Routing: which installed app a step of a task belongs to, decided by what exploration learnt.

An app is described by its launcher label and by the controls on every page memory holds for it
('Alarm', 'Add alarm', 'Timer' for a clock; 'Bluetooth', 'Battery Saver' for settings), so
'wake me up at 7' meets the app whose pages offer alarms, whatever the app is called. A step
that names an installed app by its label goes there. Only launchable apps are ever chosen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pocketpilot.devices.device import AppInfo
from pocketpilot.memory.store import MemoryStore
from pocketpilot.planner.meaning import Meaning
from pocketpilot.planner.plan import name_words

PROFILE_TEXTS = 400  # labels kept per app: enough for every explored page of a phone app
MAX_NAME_WORDS = 6  # what names a feature is short; longer texts are content (a message, a note's body)
LABEL_PARTS = " · "  # how a screen joins a row's texts into one label (devices.screen)
NAMED = 1.0  # the step names the app by its launcher label: that is where the user wants it done


_LETTER = re.compile(r"[^\W\d_]")
MIN_LETTERS = 3  # 'Wi-Fi' names a feature; '13:00' or '2 h' names nothing
_VALUES = re.compile(r"\"[^\"]*\"|'[^']*'(?!\w)|\b\d{1,2}:\d{2}(?:\s?[ap]m)?\b|[$€£]?\d[\d.,:]*", re.I)


def topic_of(step: str) -> str:
    """What a step does, without the values it carries: which app sets an alarm does not depend on
    the time, nor which one writes a note on what the note says."""
    return " ".join(_VALUES.sub(" ", step).split()) or step


@dataclass(frozen=True)
class Route:
    app: str  # launcher label
    score: float  # relatedness of the step to the app (NAMED when it names the app)
    because: str  # the label or page text that matched best

    def to_dict(self) -> dict:
        return {"app": self.app, "score": round(self.score, 3), "because": self.because}


class Router:
    def __init__(self, apps: list[AppInfo], memory: MemoryStore | None, meaning: Meaning) -> None:
        self.apps = [a for a in apps if a.label]
        self.meaning = meaning
        profiles = {a.label: self._profile(a, memory) for a in self.apps}
        # a control every app has ('Navigate up', 'More options', 'Search') tells no app apart
        spread: dict[str, int] = {}
        for texts in profiles.values():
            for text in set(texts):
                spread[text.lower()] = spread.get(text.lower(), 0) + 1
        common = max(2, len(profiles) // 3)
        self.profiles = {app: [t for i, t in enumerate(texts) if i == 0 or spread[t.lower()] < common]
                         for app, texts in profiles.items()}

    @staticmethod
    def _profile(app: AppInfo, memory: MemoryStore | None) -> list[str]:
        texts = [app.label]
        if memory is not None:
            for page in memory.app_pages(app.package):
                # a row reads 'Title · summary': each part names something on its own
                # and what a text says beyond its values: '13:00' names nothing, 'Use 24-hour
                # format' names a feature
                texts += [topic for e in page.elements for part in e.label.split(LABEL_PARTS)
                          if len(part.split()) <= MAX_NAME_WORDS
                          and len(_LETTER.findall(topic := topic_of(part))) >= MIN_LETTERS]
        return list(dict.fromkeys(t.strip() for t in texts if t.strip()))[:PROFILE_TEXTS]

    @property
    def labels(self) -> list[str]:
        return [a.label for a in self.apps]

    def explored(self) -> bool:
        return any(len(texts) > 1 for texts in self.profiles.values())

    def named(self, step: str, *, exclude: str | None = None) -> str | None:
        """The installed app the step names by its whole launcher label ('in Clock', 'my notes')."""
        words = name_words(step)
        hits = [a for a in self.labels if a != exclude and name_words(a) <= words]
        return max(hits, key=len) if hits else None

    def rank(self, step: str, *, exclude: str | None = None) -> list[Route]:
        """Every app, best first: the step's relatedness to the app's label and explored controls."""
        if (named := self.named(step, exclude=exclude)) is not None:
            others = [r for r in self._scored(step) if r.app not in {named, exclude}]
            return [Route(named, NAMED, named), *others]
        return [r for r in self._scored(step) if r.app != exclude]

    def _scored(self, step: str) -> list[Route]:
        routes = []
        topic = topic_of(step)
        for app, texts in self.profiles.items():
            # the embedding alone: a shared word ('wi-fi' in a note about the wifi password) is
            # no sign that an app can do the step
            scores = self.meaning.matcher.similarity(topic, texts)
            best = max(range(len(texts)), key=scores.__getitem__)
            routes.append(Route(app, scores[best], texts[best]))
        return sorted(routes, key=lambda r: -r.score)

    def best(self, step: str, *, exclude: str | None = None) -> Route | None:
        ranked = self.rank(step, exclude=exclude)
        return ranked[0] if ranked else None
