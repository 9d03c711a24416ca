"""Toybox's file commands over the virtual phone's files: ``ls cat rm mkdir touch cp mv`` and ``cd``.

Messages and statuses are toybox's (``ls: /x: No such file or directory``, status 1), since
scripts written for phones grep for them.
"""

from __future__ import annotations

import stat
import time

from pocketpilot.devices.adbd.shell import Command, Invocation, Result, fail
from pocketpilot.devices.virtual.files_fs import FsError, VirtualFs


def _paths(call: Invocation) -> tuple[set[str], list[str]]:
    flags = {c for a in call.args if a.startswith("-") and a != "-" for c in a[1:]}
    return flags, [a for a in call.args if not a.startswith("-") or a == "-"]


class FsCommands:
    def __init__(self, fs: VirtualFs) -> None:
        self.fs = fs

    def table(self) -> dict[str, Command]:
        return {"ls": self.ls, "cat": self.cat, "rm": self.rm, "mkdir": self.mkdir,
                "touch": self.touch, "cp": self.cp, "mv": self.mv, "__pp_cd": self.cd,
                "rmdir": self.rmdir}

    def cd(self, call: Invocation) -> Result:
        targets = [a for a in call.args if a not in ("-L", "-P")] or ["/"]
        path = self.fs.resolve(call.cwd, targets[0])
        entry = self.fs.stat(path)
        if entry is None or not entry.is_dir:
            reason = "Not a directory" if entry else "No such file or directory"
            return fail(f"/system/bin/sh: cd: {targets[0]}: {reason}", 2)
        return Result(stdout=path.encode())

    def ls(self, call: Invocation) -> Result:
        flags, paths = _paths(call)
        out, err, status = [], [], 0
        for arg in paths or ["."]:
            path = self.fs.resolve(call.cwd, arg)
            entry = self.fs.stat(path)
            if entry is None:
                err.append(f"ls: {arg}: No such file or directory\n")
                status = 1
                continue
            listing = self.fs.listdir(path) if entry.is_dir and "d" not in flags else [(arg, entry)]
            if len(paths) > 1 and entry.is_dir:
                out.append(f"{arg}:\n")
            for name, item in listing:
                if name.startswith(".") and "a" not in flags:
                    continue
                out.append(_long(name, item) if "l" in flags else name + "\n")
        return Result("".join(out).encode(), "".join(err).encode(), status)

    def cat(self, call: Invocation) -> Result:
        _, paths = _paths(call)
        out, err, status = [], [], 0
        for arg in paths or ["-"]:
            if arg == "-":
                out.append(call.stdin())
                continue
            try:
                out.append(self.fs.read(self.fs.resolve(call.cwd, arg)))
            except FsError as exc:
                err.append(f"cat: {arg}: {exc.reason}\n".encode())
                status = 1
        return Result(b"".join(out), b"".join(err), status)

    def rm(self, call: Invocation) -> Result:
        flags, paths = _paths(call)
        err, status = [], 0
        for arg in paths:
            try:
                self.fs.remove(self.fs.resolve(call.cwd, arg), recursive=bool(flags & {"r", "R"}))
            except FsError as exc:
                if not ("f" in flags and exc.reason == "No such file or directory"):
                    err.append(f"rm: {arg}: {exc.reason}\n")
                    status = 1
        return Result(b"", "".join(err).encode(), status)

    def rmdir(self, call: Invocation) -> Result:
        _, paths = _paths(call)
        for arg in paths:
            path = self.fs.resolve(call.cwd, arg)
            entry = self.fs.stat(path)
            if entry is None or not entry.is_dir or self.fs.listdir(path):
                reason = "Directory not empty" if entry and entry.is_dir else "No such file or directory"
                return fail(f"rmdir: {arg}: {reason}")
            self.fs.remove(path, recursive=True)
        return Result()

    def mkdir(self, call: Invocation) -> Result:
        return self._each(call, "mkdir", lambda path, flags: self.fs.mkdir(path, parents="p" in flags))

    def touch(self, call: Invocation) -> Result:
        return self._each(call, "touch", lambda path, _flags: self.fs.touch(path))

    def cp(self, call: Invocation) -> Result:
        return self._copy(call, "cp", move=False)

    def mv(self, call: Invocation) -> Result:
        return self._copy(call, "mv", move=True)

    def _each(self, call: Invocation, name: str, do) -> Result:
        flags, paths = _paths(call)
        for arg in paths:
            try:
                do(self.fs.resolve(call.cwd, arg), flags)
            except FsError as exc:
                return fail(f"{name}: {arg}: {exc.reason}")
        return Result()

    def _copy(self, call: Invocation, name: str, *, move: bool) -> Result:
        _, paths = _paths(call)
        if len(paths) != 2:
            return fail(f"{name}: Needs 2 arguments")
        src, dst = (self.fs.resolve(call.cwd, p) for p in paths)
        target = self.fs.stat(dst)
        if target is not None and target.is_dir:
            dst = dst.rstrip("/") + "/" + src.rsplit("/", 1)[-1]
        try:
            self.fs.write(dst, self.fs.read(src))
            if move:
                self.fs.remove(src)
        except FsError as exc:
            return fail(f"{name}: {exc.path}: {exc.reason}")
        return Result()


def _long(name: str, entry) -> str:
    kind = "d" if entry.is_dir else "-"
    perms = stat.filemode(entry.mode)[1:]
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.mtime))
    return f"{kind}{perms} 1 shell shell {entry.size:>8} {when} {name}\n"
