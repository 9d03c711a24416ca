"""One ADB transport connection: handshake, streams, flow control. Threads, one per job.

A reader thread per connection parses packets and routes them; each opened stream runs its
service in its own thread, so a slow ``screencap`` never blocks a concurrent ``input``. Writes
to the socket go through one lock. Flow control is adb's classic one: after every WRTE the
writer waits for the peer's OKAY before sending the next (no ``delayed_ack`` feature is
advertised, so the host never expects anything else).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Callable

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
ACK_TIMEOUT = 30.0  # seconds a writer waits for the host's OKAY before giving the stream up
MAX_STREAMS = 64

Service = Callable[["Stream"], None]


class StreamClosed(Exception):
    """The peer closed the stream (or the connection died) while we were writing."""


class Stream:
    """Our end of one OPENed service. ``write`` blocks until the peer acknowledges each chunk."""

    def __init__(self, conn: Connection, local_id: int, remote_id: int) -> None:
        self.conn, self.local_id, self.remote_id = conn, local_id, remote_id
        self._acked = threading.Event()
        self._acked.set()  # we may send the first WRTE right after our OKAY to the OPEN
        self.closed = threading.Event()

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            chunk, view = bytes(view[: self.conn.max_data]), view[self.conn.max_data :]
            self._wait_ack()
            self._acked.clear()
            self.conn.send(Packet(A_WRTE, self.local_id, self.remote_id, chunk))

    def close(self) -> None:
        """Send CLSE once, after the last chunk was acknowledged (or the wait timed out)."""
        if self.closed.is_set():
            return
        self._acked.wait(ACK_TIMEOUT)
        if not self.closed.is_set():
            self.closed.set()
            self.conn.send(Packet(A_CLSE, self.local_id, self.remote_id))
        self.conn.forget(self)

    def _wait_ack(self) -> None:
        if not self._acked.wait(ACK_TIMEOUT):
            raise StreamClosed(f"no OKAY from the host within {ACK_TIMEOUT:g}s")
        if self.closed.is_set():
            raise StreamClosed("the host closed the stream")

    def on_okay(self) -> None:
        self._acked.set()

    def on_close(self) -> None:
        self.closed.set()
        self._acked.set()  # wake a blocked writer so it sees the close


class Connection:
    """Serve one TCP connection until EOF, a malformed packet, or ``close()``."""

    def __init__(self, sock: socket.socket, banner: bytes, open_service: Callable[[str], Service | None]):
        self.sock = sock
        self.banner = banner
        self.open_service = open_service
        self.peer_version = VERSION_MIN
        self.max_data = OUR_MAX_DATA
        self.connected = False
        self._send_lock = threading.Lock()
        self._streams: dict[int, Stream] = {}
        self._streams_lock = threading.Lock()
        self._next_id = 1
        self._dead = threading.Event()

    def run(self) -> None:
        try:
            while not self._dead.is_set():
                self._handle(self._read_packet())
        except (PacketError, OSError, EOFError) as exc:
            log.debug("adbd: dropping connection: %s", exc)
        finally:
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
        header = decode_header(self._read_exact(HEADER.size))
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
        with self._streams_lock:
            if service is not None and len(self._streams) < MAX_STREAMS:
                stream = Stream(self, self._next_id, remote_id)
                self._next_id += 1
                self._streams[stream.local_id] = stream
            else:
                stream = None
        if stream is None:
            self.send(Packet(A_CLSE, 0, remote_id))  # adbd's way to refuse a service
            return
        self.send(Packet(A_OKAY, stream.local_id, remote_id))
        threading.Thread(target=self._serve, args=(service, stream), daemon=True).start()

    def _serve(self, service: Service, stream: Stream) -> None:
        try:
            service(stream)
        except StreamClosed as exc:
            log.debug("adbd: stream %d ended early: %s", stream.local_id, exc)
        except Exception:  # a bug in one command must not take the connection down
            log.exception("adbd: service failed on stream %d", stream.local_id)
        finally:
            with contextlib.suppress(StreamClosed):
                stream.close()

    def _route(self, packet: Packet) -> None:
        with self._streams_lock:
            stream = self._streams.get(packet.arg1)
        if stream is None or (stream.remote_id != packet.arg0 and packet.command != A_CLSE):
            return  # late packets for a stream we already closed
        if packet.command == A_OKAY:
            stream.on_okay()
        elif packet.command == A_WRTE:  # shell v2 stdin / window size: no command reads them
            self.send(Packet(A_OKAY, stream.local_id, stream.remote_id))
        else:
            self.forget(stream)
            stream.on_close()
