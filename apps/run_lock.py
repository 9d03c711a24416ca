"""One driver per run: an exclusive lock on the run directory while a process drives it.

``flock`` on ``RUN_DIR/lock``: the kernel drops it when the holder exits, however it exits (a
kill -9 leaves no stale lock to clean up), and a second ``run``/``resume`` of the same run
refuses at once instead of driving the phone alongside the first.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from pocketpilot.devices.errors import PocketpilotError

LOCK = "lock"


class RunLocked(PocketpilotError):
    """Another process is driving this run right now."""

    def __init__(self, run_id: str, holder: str) -> None:
        who = f"process {holder}" if holder else "another process"
        super().__init__(f"run {run_id} is being driven by {who}; wait for it to finish (or stop it), "
                         f"then 'pocketpilot resume {run_id}'")
        self.run_id, self.holder = run_id, holder


class RunLock:
    """Held from ``acquire`` until ``release`` (or the process's end); not reentrant across processes."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._fd: int | None = None

    def acquire(self) -> RunLock:
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.directory / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise RunLocked(self.directory.name, holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
