"""The virtual phone's ``/system/bin/sh``: a real POSIX shell with the phone's commands on PATH.

Command strings run under mksh (Android's shell) when installed, else ``sh``, so pipes, ``;``,
``&&``, ``$?``, ``$(...)``, quoting and ``echo`` behave as on a phone. The phone's commands
(``input``, ``am``, ``ls`` ...) are symlinks to ``toolbox_client.py``, which calls back into
this process's command table over a Unix socket, the way toybox serves a phone's PATH. Plain
text filters (``grep``, ``sed``, ``head`` ...) are the host's own, as toybox's are on a phone.

Differences from a phone, on purpose: the working directory is virtual (``cd``/``pwd`` are
shell functions over ``$PWD``), so redirections (``>``) and host filters given a file name
see the host's files, not the phone's; use ``cat``/``ls``/``adb push`` for phone files.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pocketpilot.devices.adbd import toolbox_client as wire
from pocketpilot.devices.virtual.files_fs import FsError, VirtualFs

log = logging.getLogger(__name__)
SH = "/system/bin/sh"
CD = "__pp_cd"  # the toolbox command behind the shell's ``cd`` function
# Host programs that are pure text filters (they touch no phone state) and that toybox offers.
HOST_FILTERS = (
    "grep", "egrep", "fgrep", "sed", "awk", "head", "tail", "wc", "sort", "uniq", "tr", "cut",
    "xargs", "base64", "od", "seq", "sleep", "expr", "basename", "dirname", "env", "md5sum",
    "sha1sum", "sha256sum", "printf", "date", "id", "uname", "yes",
)
# Android's shell starts in / with these; cd and pwd follow $PWD, which the toolbox reads.
PRELUDE = (
    "PWD=${__pp_start:-/}; OLDPWD=$PWD; unset __pp_start; "
    "export PWD OLDPWD HOME=/ TMPDIR=/data/local/tmp; "
    f'cd() {{ __pp_to=$({CD} "$@") && {{ OLDPWD=$PWD; PWD=$__pp_to; }}; }}; '
    'pwd() { echo "$PWD"; }\n'
)
MAX_STDIN = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Result:
    stdout: bytes = b""
    stderr: bytes = b""
    status: int = 0


@dataclass(frozen=True, slots=True)
class Invocation:
    """One command run: ``args`` without the program name, ``cwd`` the shell's ``$PWD``.

    ``stdin()`` reads the command's whole standard input (only commands that need it call it);
    ``write`` sends stdout at once, for commands that stream (``logcat`` without ``-d``) and
    raises ``OSError`` once the reader is gone.
    """

    args: list[str]
    cwd: str = "/"
    stdin: Callable[[], bytes] = field(default=lambda: b"")
    write: Callable[[bytes], None] = field(default=lambda data: None)


Command = Callable[[Invocation], Result]


def fail(message: str, status: int = 1) -> Result:
    return Result(stderr=message.encode() + b"\n", status=status)


def find_shell() -> str:
    """mksh as on Android, else the host's POSIX sh."""
    return shutil.which("mksh") or shutil.which("sh") or "/bin/sh"


class PhoneShell:
    """Owns the toolbox socket and PATH folder; ``spawn`` starts one ``sh -c`` for a service."""

    def __init__(self, commands: dict[str, Command], *, max_running: int = 64,
                 files: VirtualFs | None = None) -> None:
        self.files = files
        self.commands = {**commands, "sh": self._sh, "which": self._which}
        self.shell = find_shell()
        self._dir = Path(tempfile.mkdtemp(prefix="pocketpilot-adbd-"))
        self._bin = self._dir / "bin"
        self._home = self._dir / "cwd"  # an empty real cwd: nothing relative hits real files
        self._socket_path = str(self._dir / "toolbox.sock")
        self._listener: socket.socket | None = None
        self._slots = threading.BoundedSemaphore(max_running)
        self._make_bin()

    # -- life cycle ---------------------------------------------------------------------------
    def start(self) -> None:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self._socket_path)
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept_loop, daemon=True, name="adbd-toolbox").start()

    def close(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        shutil.rmtree(self._dir, ignore_errors=True)

    def spawn(self, command: str, *, stdin: int | None = subprocess.DEVNULL,
              stderr: int | None = subprocess.PIPE, args: tuple[str, ...] = (),
              cwd: str = "/") -> subprocess.Popen:
        """``sh -c command`` with the phone's PATH; its own session, so a kill reaches its children."""
        env = {
            "PATH": str(self._bin), "POCKETPILOT_TOOLBOX": self._socket_path, "__pp_start": cwd,
            "ANDROID_DATA": "/data", "ANDROID_ROOT": "/system", "EXTERNAL_STORAGE": "/sdcard",
            "LANG": "C.UTF-8", "HOSTNAME": "localhost", "USER": "shell",
        }
        return subprocess.Popen(
            [self.shell, "-c", PRELUDE + command, SH, *args], cwd=self._home, env=env, stdin=stdin,
            stdout=subprocess.PIPE, stderr=stderr, start_new_session=True,
        )

    def run(self, command: str, *, stdin: bytes = b"", timeout: float = 60.0,
            args: tuple[str, ...] = (), cwd: str = "/") -> Result:
        """Run to the end and collect everything (``sh FILE``, tests)."""
        proc = self.spawn(command, stdin=subprocess.PIPE, args=args, cwd=cwd)
        try:
            out, err = proc.communicate(stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            kill(proc)
            out, err = proc.communicate()
        return Result(out, err, exit_status(proc.returncode))

    # -- the shell's own commands: a nested sh, and which ----------------------------------------
    def _sh(self, call: Invocation) -> Result:
        """``sh -c CMD [ARG0 ARGS]``, ``sh FILE [ARGS]`` (a script on the phone) or ``sh`` (stdin)."""
        args = list(call.args)
        if args[:1] == ["-c"] and len(args) > 1:
            return self.run(args[1], args=tuple(args[3:]), cwd=call.cwd)
        if not args:
            return self.run(call.stdin().decode("utf-8", "replace"), cwd=call.cwd)
        if self.files is None:
            return fail(f"sh: {args[0]}: No such file or directory", 127)
        try:
            script = self.files.read(self.files.resolve(call.cwd, args[0]))
        except FsError as exc:
            return fail(f"sh: {args[0]}: {exc.reason}", 127)
        return self.run(script.decode("utf-8", "replace"), args=tuple(args[1:]), cwd=call.cwd)

    def _which(self, call: Invocation) -> Result:
        found = [f"/system/bin/{name}\n" for name in call.args if (self._bin / name).exists()]
        return Result("".join(found).encode(), b"", 0 if len(found) == len(call.args) and found else 1)

    # -- the toolbox side ---------------------------------------------------------------------
    def _make_bin(self) -> None:
        self._bin.mkdir(parents=True)
        self._home.mkdir()
        client = self._bin / "toolbox"
        source = Path(wire.__file__).read_text()
        client.write_text(f"#!{sys.executable} -SI\n{source}")
        client.chmod(0o755)
        for name in self.commands:
            os.symlink("toolbox", self._bin / name)
        for name in HOST_FILTERS:
            host = shutil.which(name)
            if host and name not in self.commands:
                os.symlink(host, self._bin / name)

    def _accept_loop(self) -> None:
        listener = self._listener
        while listener is not None and self._listener is listener:
            try:
                conn, _ = listener.accept()
            except OSError as exc:
                if self._listener is not listener:
                    return
                log.warning("adbd: toolbox accept failed: %s; retrying", exc)
                threading.Event().wait(0.1)
                continue
            if not self._slots.acquire(timeout=5):
                conn.close()  # the client reports "service went away": one line, status 1
                continue
            threading.Thread(target=self._serve_client, args=(conn,), daemon=True).start()

    def _serve_client(self, conn: socket.socket) -> None:
        name = "?"
        try:
            with conn:
                kind, data = _read_frame(conn)
                if kind != wire.REQUEST:
                    return
                request = json.loads(data)
                argv, cwd = list(request["argv"]), str(request.get("cwd") or "/")
                name = argv[0]
                result = self._call(conn, argv, cwd)
                if result.stdout:
                    conn.sendall(wire.frame(wire.STDOUT, result.stdout))
                if result.stderr:
                    conn.sendall(wire.frame(wire.STDERR, result.stderr))
                conn.sendall(wire.frame(wire.EXIT, bytes([result.status & 0xFF])))
        except (OSError, EOFError, ValueError, KeyError) as exc:
            log.debug("adbd: toolbox client for %s went away: %s", name, exc)
        finally:
            self._slots.release()

    def _call(self, conn: socket.socket, argv: list[str], cwd: str) -> Result:
        handler = self.commands.get(argv[0])
        if handler is None:
            return fail(f"{SH}: {argv[0]}: inaccessible or not found", 127)
        lock = threading.Lock()

        def write(data: bytes) -> None:
            with lock:
                conn.sendall(wire.frame(wire.STDOUT, data))

        invocation = Invocation(argv[1:], cwd, lambda: _read_stdin(conn), write)
        try:
            return handler(invocation)
        except OSError:
            raise  # the client went away mid-stream
        except Exception as exc:  # a bug in one command answers that command, nothing more
            log.error("adbd: %s failed: %s: %s", " ".join(argv)[:200], type(exc).__name__, exc)
            return fail(f"{argv[0]}: internal error: {type(exc).__name__}: {exc}", 1)


def _read_frame(conn: socket.socket) -> tuple[int, bytes]:
    header = wire.read_exact(conn, 5)
    size = int.from_bytes(header[1:], "little")
    if size > MAX_STDIN:
        raise ValueError(f"toolbox frame of {size} bytes")
    return header[0], wire.read_exact(conn, size)


def _read_stdin(conn: socket.socket) -> bytes:
    conn.sendall(wire.frame(wire.WANT_STDIN, b""))
    parts, total = [], 0
    while True:
        try:
            kind, data = _read_frame(conn)
        except EOFError:
            break
        if kind != wire.STDIN:
            break
        total += len(data)
        if total > MAX_STDIN:
            raise ValueError(f"stdin over {MAX_STDIN} bytes")
        parts.append(data)
    return b"".join(parts)


def kill(proc: subprocess.Popen) -> None:
    """End the shell and everything it started (its own process group)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, 9)


def hang_up(proc: subprocess.Popen, grace_s: float) -> None:
    """SIGHUP to the shell and what it started (adbd hangs up a vanished client's shell); wait up
    to ``grace_s`` for what ignores it to end by itself (the caller kills what is left)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGHUP)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=grace_s)


def exit_status(returncode: int | None) -> int:
    """A shell's status as adb reports it: a signal ``n`` reads as ``128 + n``."""
    if returncode is None:
        return 255
    return 128 - returncode if returncode < 0 else returncode
