"""``AdbDaemon``: serves a virtual phone on a loopback TCP port as an adbd would.

``adb connect 127.0.0.1:PORT`` makes the adb server open a transport here; we answer CNXN at
once (no AUTH) and serve ``shell:``, ``shell,v2,...:`` and ``exec:`` streams; any other service
is refused with CLSE, which adb reports as ``error: closed``. Threads: one accepting, one
reading per connection, one per open stream (see ``transport.py``).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading

from pocketpilot.devices.adbd import shell
from pocketpilot.devices.adbd.commands import Phone, PhoneCommands
from pocketpilot.devices.adbd.protocol import (
    SHELL_EXIT,
    SHELL_STDERR,
    SHELL_STDOUT,
    shell_packet,
)
from pocketpilot.devices.adbd.transport import Connection, Service, Stream

log = logging.getLogger(__name__)
FEATURES = "shell_v2,cmd"  # only what we implement: no sync/stat_v2, no delayed_ack, no abb


class AdbDaemon:
    """Start with ``start()`` (or ``with``); ``port`` is the bound one (pass 0 for a free port)."""

    def __init__(self, phone: Phone, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.phone = phone
        self.host, self.port = host, port
        self.commands = PhoneCommands(phone, serial=f"{host}:{port}")
        self._table = self.commands.table()
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
        listener = socket.create_server((self.host, self.port), reuse_port=False)
        self.port = listener.getsockname()[1]
        self.commands.serial = self.serial
        self._listener = listener
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
        for thread in self._threads:
            thread.join(timeout=5)

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
        while not self._stopped.is_set():
            try:
                sock, _ = self._listener.accept()
            except OSError:
                return  # listener closed by stop()
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = Connection(sock, self.banner(), self.open_service)
            with self._lock:
                self._connections.add(conn)
            self._spawn(self._serve_connection, conn)

    def _serve_connection(self, conn: Connection) -> None:
        try:
            conn.run()
        finally:
            with self._lock:
                self._connections.discard(conn)

    def open_service(self, name: str) -> Service | None:
        """The handler for an OPEN's service name, or None to refuse it."""
        kind, sep, command = name.partition(":")
        if not sep:
            return None
        options = kind.split(",")
        if options[0] == "exec":
            return lambda stream: self._exec(stream, command)
        if options[0] != "shell" or not command.strip():
            return None  # sync:, reboot:, interactive shells ... are not ours to serve
        if "v2" in options[1:]:
            return lambda stream: self._shell_v2(stream, command)
        return lambda stream: self._shell_v1(stream, command)

    def _exec(self, stream: Stream, command: str) -> None:
        stream.write(shell.run(command, self._table).stdout)  # stdout only, byte-exact

    def _shell_v1(self, stream: Stream, command: str) -> None:
        result = shell.run(command, self._table)
        stream.write(result.stdout + result.stderr)  # v1 has one channel and no exit status

    def _shell_v2(self, stream: Stream, command: str) -> None:
        result = shell.run(command, self._table)
        frames = []
        if result.stdout:
            frames.append(shell_packet(SHELL_STDOUT, result.stdout))
        if result.stderr:
            frames.append(shell_packet(SHELL_STDERR, result.stderr))
        frames.append(shell_packet(SHELL_EXIT, bytes([result.status & 0xFF])))
        stream.write(b"".join(frames))
