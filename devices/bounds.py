"""Screen rectangles as uiautomator writes them: ``[left,top][right,bottom]`` in pixels."""

from __future__ import annotations

import re
from dataclasses import dataclass

_BOUNDS = re.compile(r"^\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]$")


@dataclass(frozen=True, slots=True)
class Bounds:
    left: int
    top: int
    right: int
    bottom: int

    @classmethod
    def parse(cls, text: str) -> Bounds:
        """Parse ``[l,t][r,b]``; raises ``ValueError`` naming the text when it is not that shape."""
        match = _BOUNDS.match(text.strip())
        if not match:
            raise ValueError(f"bounds {text!r} are not of the form [l,t][r,b]")
        return cls(*(int(g) for g in match.groups()))

    def __str__(self) -> str:
        return f"[{self.left},{self.top}][{self.right},{self.bottom}]"

    @property
    def width(self) -> int:
        return max(0, self.right - self.left)

    @property
    def height(self) -> int:
        return max(0, self.bottom - self.top)

    @property
    def area(self) -> int:
        return self.width * self.height

    @property
    def center(self) -> tuple[int, int]:
        return ((self.left + self.right) // 2, (self.top + self.bottom) // 2)

    def contains(self, x: int, y: int) -> bool:
        return self.left <= x < self.right and self.top <= y < self.bottom

    def intersect(self, other: Bounds) -> Bounds:
        """The overlapping rectangle (zero-sized when they do not overlap)."""
        left, top = max(self.left, other.left), max(self.top, other.top)
        right, bottom = min(self.right, other.right), min(self.bottom, other.bottom)
        if right <= left or bottom <= top:
            return Bounds(left, top, left, top)
        return Bounds(left, top, right, bottom)

    def as_list(self) -> list[int]:
        return [self.left, self.top, self.right, self.bottom]
