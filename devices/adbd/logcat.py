"""The phone's log buffer: what ``log`` writes and ``logcat`` prints, in Android's line formats.

Bounded (a ring, like the kernel's log buffer), with a condition so ``logcat`` without ``-d``
can follow new lines until its reader goes away.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

LEVELS = "VDIWEF"
MAX_LINES = 5000


@dataclass(frozen=True, slots=True)
class LogLine:
    seq: int
    when: float
    pid: int
    level: str
    tag: str
    message: str

    def format(self, style: str) -> str:
        stamp = time.strftime("%m-%d %H:%M:%S", time.localtime(self.when)) + f".{int(self.when * 1000) % 1000:03d}"
        if style == "time":
            return f"{stamp} {self.level}/{self.tag}({self.pid:5d}): {self.message}"
        if style == "brief":
            return f"{self.level}/{self.tag}({self.pid:5d}): {self.message}"
        return f"{stamp} {self.pid:5d} {self.pid:5d} {self.level} {self.tag}: {self.message}"


class LogBuffer:
    def __init__(self) -> None:
        self._lines: deque[LogLine] = deque(maxlen=MAX_LINES)
        self._changed = threading.Condition()
        self._seq = 0
        self.add("I", "pocketpilot", "virtual phone booted", pid=1)

    def add(self, level: str, tag: str, message: str, *, pid: int = 2000) -> None:
        with self._changed:
            self._seq += 1
            self._lines.append(LogLine(self._seq, time.time(), pid, level, tag, message))
            self._changed.notify_all()

    def clear(self) -> None:
        with self._changed:
            self._lines.clear()

    def since(self, seq: int) -> list[LogLine]:
        with self._changed:
            return [line for line in self._lines if line.seq > seq]

    def wait(self, seq: int, timeout: float) -> None:
        """Block until a line newer than ``seq`` exists, or ``timeout`` passes."""
        with self._changed:
            self._changed.wait_for(lambda: self._seq > seq, timeout)
