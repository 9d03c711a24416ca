"""The virtual phone's file system: the paths adb clients read and write (``/sdcard``, ``/data/local/tmp``).

In memory and path-based, like the view ``adb push/pull`` and a shell get of a phone's storage.
Errors carry the errno text Android's toybox prints, so the daemon can answer as a phone would.
One lock: the daemon's sync and shell services use it from many threads.
"""

from __future__ import annotations

import posixpath
import stat
import threading
import time
from dataclasses import dataclass

from pocketpilot.devices.errors import DeviceError

# The tree a freshly booted phone shows to the shell user.
SEED_DIRS = (
    "/sdcard", "/sdcard/Download", "/sdcard/DCIM", "/sdcard/Pictures", "/sdcard/Documents",
    "/data", "/data/local", "/data/local/tmp", "/system", "/system/bin", "/storage",
    "/storage/emulated", "/dev", "/proc", "/etc",
)
MAX_FILE = 256 * 1024 * 1024  # one pushed file; the phone's "storage" is RAM


class FsError(DeviceError):
    """A file operation failed; ``reason`` is the errno text (``No such file or directory``)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


@dataclass(frozen=True, slots=True)
class Entry:
    mode: int  # st_mode: type bits | permission bits
    size: int
    mtime: int

    @property
    def is_dir(self) -> bool:
        return stat.S_ISDIR(self.mode)


class VirtualFs:
    """Directories and files by absolute path; ``/dev/null`` swallows writes like the real one."""

    def __init__(self, *, clock=time.time) -> None:
        self._clock = clock
        self._lock = threading.RLock()
        now = int(clock())
        self._dirs: dict[str, int] = {"/": now}
        self._files: dict[str, tuple[bytes, int, int]] = {}  # path -> (data, mode, mtime)
        for path in SEED_DIRS:
            self._dirs[path] = now

    @staticmethod
    def resolve(cwd: str, path: str) -> str:
        """``path`` made absolute against ``cwd`` with ``.``/``..`` folded (never above ``/``)."""
        joined = posixpath.normpath(posixpath.join(cwd or "/", path))
        return "/" + joined.lstrip("/")

    def stat(self, path: str) -> Entry | None:
        with self._lock:
            if path in self._dirs:
                return Entry(stat.S_IFDIR | 0o771, 4096, self._dirs[path])
            if path in self._files:
                data, mode, mtime = self._files[path]
                return Entry(stat.S_IFREG | (mode & 0o7777), len(data), mtime)
            if path == "/dev/null":
                return Entry(stat.S_IFCHR | 0o666, 0, 0)
            return None

    def listdir(self, path: str) -> list[tuple[str, Entry]]:
        with self._lock:
            self._need_dir(path)
            prefix = path.rstrip("/") + "/"
            names = {p[len(prefix):] for p in (*self._dirs, *self._files)
                     if p.startswith(prefix) and "/" not in p[len(prefix):] and p != prefix}
            return [(name, self.stat(prefix + name)) for name in sorted(names)]  # type: ignore[misc]

    def read(self, path: str) -> bytes:
        with self._lock:
            if path in self._dirs:
                raise FsError(path, "Is a directory")
            if path == "/dev/null":
                return b""
            if path not in self._files:
                raise FsError(path, "No such file or directory")
            return self._files[path][0]

    def write(self, path: str, data: bytes, *, mode: int = 0o644, mtime: int | None = None,
              append: bool = False) -> None:
        with self._lock:
            if path == "/dev/null":
                return
            if path in self._dirs:
                raise FsError(path, "Is a directory")
            self._need_dir(posixpath.dirname(path))
            if append and path in self._files:
                data = self._files[path][0] + data
            if len(data) > MAX_FILE:
                raise FsError(path, "No space left on device")
            self._files[path] = (bytes(data), mode & 0o7777, int(self._clock() if mtime is None else mtime))

    def touch(self, path: str) -> None:
        with self._lock:
            if path in self._dirs or path in self._files:
                if path in self._files:
                    data, mode, _ = self._files[path]
                    self._files[path] = (data, mode, int(self._clock()))
                return
            self.write(path, b"")

    def mkdir(self, path: str, *, parents: bool = False) -> None:
        with self._lock:
            if path in self._files:
                raise FsError(path, "File exists")
            if path in self._dirs:
                if parents:
                    return
                raise FsError(path, "File exists")
            parent = posixpath.dirname(path)
            if parent not in self._dirs:
                if not parents:
                    raise FsError(path, "No such file or directory")
                self.mkdir(parent, parents=True)
            self._dirs[path] = int(self._clock())

    def remove(self, path: str, *, recursive: bool = False) -> None:
        with self._lock:
            if path in self._files:
                del self._files[path]
                return
            if path not in self._dirs:
                raise FsError(path, "No such file or directory")
            if not recursive:
                raise FsError(path, "Is a directory")
            if path == "/":
                raise FsError(path, "Permission denied")
            prefix = path.rstrip("/") + "/"
            for table in (self._dirs, self._files):
                for key in [k for k in table if k == path or k.startswith(prefix)]:
                    del table[key]

    def _need_dir(self, path: str) -> None:
        if path not in self._dirs:
            reason = "Not a directory" if path in self._files else "No such file or directory"
            raise FsError(path, reason)
