"""One ADB transport connection: handshake, streams, flow control. Threads, one per job.

A reader thread per connection parses packets and routes them; each opened stream runs its
service in its own thread (at most ``limits.services`` at once daemon-wide, else the OPEN is
refused), so a slow ``screencap`` never blocks a concurrent ``input``. Writes to the socket go
through one lock. Flow control is adb's classic one both ways: after every WRTE the writer
waits for the peer's OKAY, and we OKAY the peer's WRTE only once the service has read it, so
a stream never buffers more than one packet of input.

Timeouts: a peer must finish the handshake within ``handshake_s``, and a started packet must
arrive whole within ``packet_s``; a stream whose peer stops acknowledging is given up after
``ack_s``. Every dropped connection is logged in one line.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from pocketpilot.devices.adbd.protocol import (
    A_AUTH,
    A_CLSE,
    A_CNXN,
    A_OKAY,
    A_OPEN,
    A_WRTE,
    HEADER,
    VERSION_MIN,
    VERSION_SKIP_CHECKSUM,
    Packet,
    PacketError,
    check_payload,
    decode_header,
)

log = logging.getLogger(__name__)
OUR_MAX_DATA = 256 * 1024

Service = Callable[["Stream"], None]


@dataclass(frozen=True, slots=True)
class Limits:
    """The daemon's bounds; the defaults serve adb and adbutils comfortably."""

    handshake_s: float = 10.0
    packet_s: float = 30.0
    ack_s: float = 30.0
    read_s: float = 300.0  # a service waiting for the host's next bytes (sync, stdin)
    streams: int = 32  # open streams per connection
    services: int = 64  # service threads daemon-wide
    inbox: int = 4  # unacknowledged WRTEs a peer may push before it is dropped


class StreamClosed(Exception):
    """The peer closed the stream (or the connection died) while we were writing."""


class Stream:
    """Our end of one OPENed service. ``write`` blocks until the peer acknowledges each chunk."""

    def __init__(self, conn: Connection, local_id: int, remote_id: int, name: str = "") -> None:
        self.conn, self.local_id, self.remote_id, self.name = conn, local_id, remote_id, name
        self._acked = threading.Event()
        self._acked.set()  # we may send the first WRTE right after our OKAY to the OPEN
        self.closed = threading.Event()
        self._write_lock = threading.Lock()
        self._inbox: deque[bytes] = deque()
        self._inbox_ready = threading.Condition()
        self._pending = b""

    def write(self, data: bytes) -> None:
        with self._write_lock:
            view = memoryview(data)
            while view:
                chunk, view = bytes(view[: self.conn.max_data]), view[self.conn.max_data :]
                self._wait_ack()
                self._acked.clear()
                self.conn.send(Packet(A_WRTE, self.local_id, self.remote_id, chunk))

    def read(self, timeout: float | None = None) -> bytes:
        """The next chunk the host wrote, acknowledged now; ``b""`` once the stream is closed."""
        wait = self.conn.limits.read_s if timeout is None else timeout
        with self._inbox_ready:
            if not self._inbox_ready.wait_for(lambda: self._inbox or self.closed.is_set(), wait):
                raise StreamClosed(f"no data from the host within {wait:g}s")
            if not self._inbox:
                return b""
            chunk = self._inbox.popleft()
        if not self.closed.is_set():
            self.conn.send(Packet(A_OKAY, self.local_id, self.remote_id))
        return chunk

    def read_exact(self, size: int) -> bytes:
        while len(self._pending) < size:
            chunk = self.read()
            if not chunk:
                raise StreamClosed(f"stream closed with {size - len(self._pending)} of {size} bytes unread")
            self._pending += chunk
        out, self._pending = self._pending[:size], self._pending[size:]
        return out

    def close(self) -> None:
        """Send CLSE once, after the last chunk was acknowledged (or the wait timed out)."""
        if self.closed.is_set():
            self.conn.forget(self)
            return
        self._acked.wait(self.conn.limits.ack_s)
        if not self.closed.is_set():
            self.on_close()
            self.conn.send(Packet(A_CLSE, self.local_id, self.remote_id))
        self.conn.forget(self)

    def _wait_ack(self) -> None:
        if not self._acked.wait(self.conn.limits.ack_s):
            raise StreamClosed(f"no OKAY from the host within {self.conn.limits.ack_s:g}s")
        if self.closed.is_set():
            raise StreamClosed("the host closed the stream")

    def on_okay(self) -> None:
        self._acked.set()

    def on_write(self, data: bytes) -> None:
        with self._inbox_ready:
            if len(self._inbox) >= self.conn.limits.inbox:
                raise PacketError(f"host sent {len(self._inbox) + 1} WRTEs without waiting for OKAY")
            self._inbox.append(data)
            self._inbox_ready.notify_all()

    def on_close(self) -> None:
        self.closed.set()
        self._acked.set()  # wake a blocked writer so it sees the close
        with self._inbox_ready:
            self._inbox.clear()  # nobody will read it: free it now
            self._inbox_ready.notify_all()


class Connection:
    """Serve one TCP connection until EOF, a malformed packet, a timeout, or ``close()``."""

    def __init__(self, sock: socket.socket, banner: bytes, open_service: Callable[[str], Service | None],
                 *, limits: Limits | None = None, services: threading.BoundedSemaphore | None = None,
                 peer: str = "?") -> None:
        self.sock = sock
        self.banner = banner
        self.open_service = open_service
        self.limits = limits or Limits()
        self.peer = peer
        self.peer_version = VERSION_MIN
        self.max_data = OUR_MAX_DATA
        self.connected = False
        self.opened_at = time.monotonic()
        self._services = services or threading.BoundedSemaphore(self.limits.services)
        self._send_lock = threading.Lock()
        self._streams: dict[int, Stream] = {}
        self._streams_lock = threading.Lock()
        self._next_id = 1
        self._dead = threading.Event()

    def run(self) -> None:
        reason = ""
        try:
            while not self._dead.is_set():
                self._handle(self._read_packet())
        except TimeoutError as exc:
            reason = f"timed out ({exc or 'no bytes'})"
        except PacketError as exc:
            reason = f"malformed packet: {exc}"
        except (OSError, EOFError, StreamClosed) as exc:
            log.debug("adbd: connection from %s ended: %s", self.peer, exc)
        finally:
            if reason and not self._dead.is_set():
                log.warning("adbd: dropped connection from %s: %s", self.peer, reason)
            self.close()

    def send(self, packet: Packet) -> None:
        with self._send_lock:
            try:
                self.sock.sendall(packet.encode())
            except OSError as exc:
                self.close()
                raise StreamClosed(f"connection lost: {exc}") from exc

    def forget(self, stream: Stream) -> None:
        with self._streams_lock:
            self._streams.pop(stream.local_id, None)

    def close(self) -> None:
        if self._dead.is_set():
            return
        self._dead.set()
        with self._streams_lock:
            streams, self._streams = list(self._streams.values()), {}
        for stream in streams:
            stream.on_close()
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()

    def _read_exact(self, size: int) -> bytes:
        parts, left = [], size
        while left:
            chunk = self.sock.recv(min(left, 65536))
            if not chunk:
                raise EOFError(f"connection closed with {left} of {size} bytes unread")
            parts.append(chunk)
            left -= len(chunk)
        return b"".join(parts)

    def _read_packet(self) -> Packet:
        if self.connected:
            self.sock.settimeout(None)  # an idle, connected transport is a device left plugged in
        else:
            left = self.limits.handshake_s - (time.monotonic() - self.opened_at)
            if left <= 0:
                raise TimeoutError(f"no handshake within {self.limits.handshake_s:g}s")
            self.sock.settimeout(left)
        first = self.sock.recv(1)
        if not first:
            raise EOFError("connection closed")
        self.sock.settimeout(self.limits.packet_s)
        header = decode_header(first + self._read_exact(HEADER.size - 1))
        data = self._read_exact(header.length) if header.length else b""
        return check_payload(header, data, peer_version=self.peer_version)

    def _handle(self, packet: Packet) -> None:
        if packet.command == A_CNXN:
            self._handshake(packet)
        elif not self.connected:
            if packet.command != A_AUTH:  # we never ask for AUTH; ignore stray replies
                raise PacketError(f"{packet.name} before CNXN")
        elif packet.command == A_OPEN:
            self._open(packet)
        elif packet.command in (A_OKAY, A_WRTE, A_CLSE):
            self._route(packet)
        # SYNC, STLS, AUTH after the handshake: not ours to act on; ignored like adbd does.

    def _handshake(self, packet: Packet) -> None:
        self.peer_version = min(packet.arg0, VERSION_SKIP_CHECKSUM)
        self.max_data = max(1024, min(packet.arg1, OUR_MAX_DATA))
        self.connected = True
        self.send(Packet(A_CNXN, VERSION_SKIP_CHECKSUM, OUR_MAX_DATA, self.banner))

    def _open(self, packet: Packet) -> None:
        remote_id = packet.arg0
        name = packet.data.rstrip(b"\0").decode("utf-8", "replace")
        service = self.open_service(name) if remote_id else None
        stream = None
        if service is not None and self._services.acquire(blocking=False):
            with self._streams_lock:
                if len(self._streams) < self.limits.streams:
                    stream = Stream(self, self._next_id, remote_id, name)
                    self._next_id += 1
                    self._streams[stream.local_id] = stream
            if stream is None:
                self._services.release()
        if stream is None:
            self.send(Packet(A_CLSE, 0, remote_id))  # adbd's way to refuse a service
            return
        try:
            self.send(Packet(A_OKAY, stream.local_id, remote_id))
            threading.Thread(target=self._serve, args=(service, stream), daemon=True,
                             name=f"adbd-{name.split(':', 1)[0]}").start()
        except BaseException:  # the host vanished (or no thread could start): give the slot back
            self.forget(stream)
            self._services.release()
            raise

    def _serve(self, service: Service, stream: Stream) -> None:
        try:
            service(stream)
        except StreamClosed as exc:
            log.debug("adbd: stream %d (%s) ended early: %s", stream.local_id, stream.name[:60], exc)
        except PacketError as exc:  # the host's mistake inside a stream (a bad sync request)
            log.warning("adbd: %r from %s: bad request: %s", stream.name[:80], self.peer, exc)
        except Exception as exc:  # a bug in one service must not take the connection down
            log.error("adbd: service %r from %s failed: %s: %s", stream.name[:80], self.peer,
                      type(exc).__name__, exc)
        finally:
            self._services.release()
            with contextlib.suppress(StreamClosed):
                stream.close()

    def _route(self, packet: Packet) -> None:
        with self._streams_lock:
            stream = self._streams.get(packet.arg1)
        if stream is None or (stream.remote_id != packet.arg0 and packet.command != A_CLSE):
            return  # late packets for a stream we already closed
        if packet.command == A_OKAY:
            stream.on_okay()
        elif packet.command == A_WRTE:
            stream.on_write(packet.data)
        else:
            self.forget(stream)
            stream.on_close()
