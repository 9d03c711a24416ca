"""The ``sync:`` service (adb's SYNC.TXT) over the virtual phone's files: ``adb push/pull/ls``.

Requests are id (4 bytes) + length (u32 LE) + path; STAT/LIST/RECV/SEND/QUIT as every adb
speaks them, plus STA2/LST2/LIS2 (``stat_v2``/``ls_v2``) that newer adb clients use for
``push`` destination checks and ``ls``. SEND creates missing parent folders, as adbd does
(the ``fixed_push_mkdir`` feature).
"""

from __future__ import annotations

import struct

from pocketpilot.devices.adbd.protocol import PacketError
from pocketpilot.devices.virtual.files_fs import Entry, FsError, VirtualFs

MAX_PATH = 1024
MAX_DATA = 64 * 1024  # SYNC_DATA_MAX
STAT_V1 = struct.Struct("<III")
STAT_V2 = struct.Struct("<IQQIIIIQqqq")  # error dev ino mode nlink uid gid size atime mtime ctime
ENOENT = 2
SHELL_UID = 2000


class SyncProtocolError(PacketError):
    """The client sent something that is not a sync request; the stream is dropped."""


class SyncSession:
    """One ``sync:`` stream: ``read_exact(n)`` and ``write(bytes)`` are the stream's."""

    def __init__(self, fs: VirtualFs, read_exact, write) -> None:
        self.fs, self.read_exact, self.write = fs, read_exact, write

    def serve(self) -> None:
        while True:
            request, size = struct.unpack("<4sI", self.read_exact(8))
            if request == b"QUIT":
                return
            if size > MAX_PATH:
                raise SyncProtocolError(f"path of {size} bytes in {request!r}")
            path = self.read_exact(size).decode("utf-8", "surrogateescape")
            handler = {b"STAT": self._stat, b"LIST": self._list, b"RECV": self._recv,
                       b"SEND": self._send, b"STA2": self._stat2, b"LST2": self._stat2,
                       b"LIS2": self._list2}.get(request)
            if handler is None:
                raise SyncProtocolError(f"unknown sync request {request!r}")
            handler(path)

    def _stat(self, path: str) -> None:
        entry = self.fs.stat(self._norm(path))
        values = (entry.mode, entry.size, entry.mtime) if entry else (0, 0, 0)
        self.write(b"STAT" + STAT_V1.pack(*values))

    def _stat2(self, path: str) -> None:
        self.write(b"STA2" + _stat_v2(self.fs.stat(self._norm(path))))

    def _list(self, path: str) -> None:
        out = []
        for name, entry in self._entries(path):
            raw = name.encode()
            out.append(b"DENT" + STAT_V1.pack(entry.mode, entry.size, entry.mtime)
                       + struct.pack("<I", len(raw)) + raw)
        self.write(b"".join(out) + b"DONE" + bytes(16))

    def _list2(self, path: str) -> None:
        out = []
        for name, entry in self._entries(path):
            raw = name.encode()
            out.append(b"DNT2" + _stat_v2(entry) + struct.pack("<I", len(raw)) + raw)
        self.write(b"".join(out) + b"DONE" + bytes(STAT_V2.size + 4))

    def _entries(self, path: str) -> list[tuple[str, Entry]]:
        norm = self._norm(path)
        try:
            listing = self.fs.listdir(norm)
        except FsError:
            return []  # adbd lists an unreadable folder as empty
        parent = self.fs.stat(norm)
        dots = [(".", parent), ("..", self.fs.stat(self.fs.resolve(norm, "..")) or parent)]
        return [(n, e) for n, e in dots if e is not None] + listing

    def _recv(self, path: str) -> None:
        try:
            data = self.fs.read(self._norm(path))
        except FsError as exc:
            self._fail(exc.reason)
            return
        for start in range(0, len(data), MAX_DATA):
            chunk = data[start : start + MAX_DATA]
            self.write(b"DATA" + struct.pack("<I", len(chunk)) + chunk)
        self.write(b"DONE" + bytes(4))

    def _send(self, spec: str) -> None:
        path, _, mode_text = spec.rpartition(",")
        if not path:
            path, mode_text = spec, "420"
        parts, mtime = [], None
        while True:
            kind, size = struct.unpack("<4sI", self.read_exact(8))
            if kind == b"DONE":
                mtime = size
                break
            if kind != b"DATA" or size > MAX_DATA:
                raise SyncProtocolError(f"bad SEND chunk {kind!r} of {size} bytes")
            parts.append(self.read_exact(size))
        target = self._norm(path)
        try:
            self.fs.mkdir(target.rsplit("/", 1)[0] or "/", parents=True)
            self.fs.write(target, b"".join(parts), mode=int(mode_text) if mode_text.isdigit() else 0o644,
                          mtime=mtime)
        except FsError as exc:
            self._fail(f"couldn't create file: {exc.reason}")
            return
        self.write(b"OKAY" + bytes(4))

    def _fail(self, message: str) -> None:
        raw = message.encode()
        self.write(b"FAIL" + struct.pack("<I", len(raw)) + raw)

    def _norm(self, path: str) -> str:
        return self.fs.resolve("/", path)


def _stat_v2(entry: Entry | None) -> bytes:
    if entry is None:
        return STAT_V2.pack(ENOENT, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    ino = 1000 + (entry.mtime % 100000)
    return STAT_V2.pack(0, 0xFD00, ino, entry.mode, 1, SHELL_UID, SHELL_UID, entry.size,
                        entry.mtime, entry.mtime, entry.mtime)
