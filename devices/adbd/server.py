"""``AdbDaemon``: serves a virtual phone on a loopback TCP port as an adbd would.

``adb connect 127.0.0.1:PORT`` makes the adb server open a transport here; we answer CNXN at
once (no AUTH) and serve ``shell:`` / ``shell,v2,...:`` / ``exec:`` (a real shell, see
``shell.py``), ``sync:``, ``framebuffer:`` and ``reverse:``; any other service is refused with
CLSE, which adb reports as ``error: closed``. Threads: one accepting, one reading per
connection, one per open stream (see ``transport.py``).

The accept loop never gives up while the daemon runs: at the open-file limit (EMFILE/ENFILE)
or at ``max_connections`` it first closes the oldest connection that has not finished its
handshake, and otherwise backs off and retries, so idle sockets cannot lock real clients out.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import resource
import socket
import threading
import time
from dataclasses import replace

from pocketpilot.devices.adbd.commands import Phone, PhoneCommands
from pocketpilot.devices.adbd.services import ReverseTable, framebuffer, run_shell
from pocketpilot.devices.adbd.shell import PhoneShell
from pocketpilot.devices.adbd.sync import SyncSession
from pocketpilot.devices.adbd.transport import Connection, Limits, Service
from pocketpilot.devices.virtual.files_fs import VirtualFs

log = logging.getLogger(__name__)
# What we implement, and nothing else: no delayed_ack, no abb, no sendrecv_v2.
FEATURES = "shell_v2,cmd,stat_v2,ls_v2,fixed_push_mkdir,fixed_push_symlink_timestamp"
FD_RESERVE = 16  # descriptors kept free for the shell, the toolbox and the log


def fd_budget() -> tuple[int, int]:
    """(connections, running services) the open-file limit affords: a connection holds one
    descriptor, a running shell service about eight (pipes, the toolbox socket, its client)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    spare = max(0, soft - FD_RESERVE)
    return max(4, min(256, spare // 3)), max(2, min(64, spare // 12))


class AdbDaemon:
    """Start with ``start()`` (or ``with``); ``port`` is the bound one (pass 0 for a free port)."""

    def __init__(self, phone: Phone, *, host: str = "127.0.0.1", port: int = 0,
                 limits: Limits | None = None, max_connections: int | None = None) -> None:
        self.phone = phone
        self.host, self.port = host, port
        connections, services = fd_budget()
        self.limits = limits or Limits()
        if self.limits.services > services:
            self.limits = replace(self.limits, services=services)
        self.max_connections = max_connections or connections
        files = getattr(phone, "files", None)
        self.commands = PhoneCommands(phone, serial=f"{host}:{port}",
                                      fs=files if isinstance(files, VirtualFs) else None)
        self.shell = PhoneShell(self.commands.table(), max_running=self.limits.services,
                                files=self.commands.fs)
        self.reverse = ReverseTable()
        self._services = threading.BoundedSemaphore(self.limits.services)
        self._listener: socket.socket | None = None
        self._connections: set[Connection] = set()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._stopped = threading.Event()
    @property
    def serial(self) -> str:
        return f"{self.host}:{self.port}"

    def banner(self) -> bytes:
        props = self.commands.props()
        return (
            f"device::ro.product.name={props['ro.product.name']};"
            f"ro.product.model={props['ro.product.model']};"
            f"ro.product.device={props['ro.product.device']};features={FEATURES}"
        ).encode()

    def start(self) -> int:
        listener = socket.create_server((self.host, self.port), reuse_port=False, backlog=128)
        self.port = listener.getsockname()[1]
        self.commands.serial = self.serial
        self._listener = listener
        self.shell.start()
        self._spawn(self._accept_loop)
        return self.port

    def stop(self) -> None:
        """Close the listener and every connection; the adb server sees the device go away."""
        self._stopped.set()
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            conn.close()
        deadline = time.monotonic() + 5  # one budget for all: a stuck reader must not stall exit
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        self.shell.close()

    def wait(self) -> None:
        """Block until ``stop()`` (from a signal handler or another thread)."""
        while not self._stopped.wait(0.5):
            pass

    def __enter__(self) -> AdbDaemon:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _spawn(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()

    def _accept_loop(self) -> None:
        assert self._listener is not None
        backoff = 0.0
        while not self._stopped.is_set():
            try:
                sock, address = self._listener.accept()
            except OSError as exc:
                if self._stopped.is_set():
                    return  # listener closed by stop()
                if exc.errno not in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
                    log.warning("adbd: accept failed: %s; retrying", exc)
                if not self._evict_pending():
                    if not backoff:
                        log.warning("adbd: cannot accept (%s); backing off and retrying", exc)
                    backoff = min(1.0, backoff * 2 or 0.01)
                    time.sleep(backoff)
                continue
            backoff = 0.0
            with self._lock:
                crowded = len(self._connections) >= self.max_connections
            if crowded and not self._evict_pending():
                log.warning("adbd: %d connections open; refusing %s:%d", self.max_connections, *address[:2])
                sock.close()
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = Connection(sock, self.banner(), self.open_service, limits=self.limits,
                              services=self._services, peer=f"{address[0]}:{address[1]}")
            with self._lock:
                self._connections.add(conn)
            self._spawn(self._serve_connection, conn)

    def _evict_pending(self) -> bool:
        """Close the oldest connection still short of its handshake; False if there is none."""
        with self._lock:
            pending = [c for c in self._connections if not c.connected]
        if not pending:
            return False
        oldest = min(pending, key=lambda c: c.opened_at)
        log.info("adbd: closing %s, which has not finished its handshake, to make room", oldest.peer)
        oldest.close()
        with self._lock:
            self._connections.discard(oldest)
        return True

    def _serve_connection(self, conn: Connection) -> None:
        try:
            conn.run()
        finally:
            with self._lock:
                self._connections.discard(conn)

    def open_service(self, name: str) -> Service | None:
        """The handler for an OPEN's service name, or None to refuse it."""
        kind, sep, rest = name.partition(":")
        if not sep:
            return None
        options = kind.split(",")
        if options[0] == "sync":
            return lambda stream: SyncSession(self.commands.fs, stream.read_exact, stream.write).serve()
        if options[0] == "framebuffer":
            return lambda stream: framebuffer(stream, self.phone.screenshot())
        if options[0] == "reverse":
            return lambda stream: self.reverse.serve(stream, rest)
        if options[0] == "exec":
            return lambda stream: run_shell(stream, self.shell, rest, protocol="exec")
        if options[0] != "shell" or not rest.strip():
            return None  # reboot:, tcpip:, interactive shells ... are not ours to serve
        protocol = "v2" if "v2" in options[1:] else "v1"
        return lambda stream: run_shell(stream, self.shell, rest, protocol=protocol)

    def serve_count(self) -> int:
        with self._lock:
            return len(self._connections)
