"""The daemon speaks adb's transport protocol: handshake, streams, flow control, bad input.

These tests talk raw packets over loopback, playing the adb server's part, so each protocol
rule is checked on its own; ``test_adb_device.py`` checks the same daemon under the real adb.
"""

from __future__ import annotations

import random
import socket
import threading
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pocketpilot.devices.adbd import AdbDaemon
from pocketpilot.devices.adbd.protocol import (
    A_CLSE,
    A_CNXN,
    A_OKAY,
    A_OPEN,
    A_WRTE,
    HEADER,
    SHELL_EXIT,
    SHELL_STDERR,
    SHELL_STDOUT,
    VERSION_SKIP_CHECKSUM,
    Packet,
    decode_header,
)
from pocketpilot.devices.adbd.server import FEATURES
from tests.devices.test_adb_fixtures import StandInPhone, daemon, stand_in  # noqa: F401

TIMEOUT = 5.0


class RawClient:
    """The host side of one transport, one packet at a time."""

    def __init__(self, port: int, *, max_data: int = 4096) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.max_data = max_data
        self.next_id = 100

    def send(self, command: int, arg0: int, arg1: int, data: bytes = b"") -> None:
        self.sock.sendall(Packet(command, arg0, arg1, data).encode())

    def recv(self) -> Packet:
        header = decode_header(self._exact(HEADER.size))
        return Packet(header.command, header.arg0, header.arg1, self._exact(header.length))

    def _exact(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                raise EOFError("daemon closed the connection")
            data += chunk
        return data

    def handshake(self) -> Packet:
        self.send(A_CNXN, VERSION_SKIP_CHECKSUM, self.max_data, b"host::features=shell_v2\0")
        return self.recv()

    def open(self, service: str) -> tuple[int, Packet]:
        self.next_id += 1
        self.send(A_OPEN, self.next_id, 0, service.encode() + b"\0")
        return self.next_id, self.recv()

    def read_stream(self, local: int, remote: int) -> bytes:
        """Collect WRTEs (acknowledging each) until CLSE."""
        out = b""
        while True:
            packet = self.recv()
            if packet.command == A_CLSE:
                return out
            assert packet.command == A_WRTE and packet.arg1 == local
            out += packet.data
            self.send(A_OKAY, local, remote)

    def run(self, service: str) -> bytes:
        local, reply = self.open(service)
        assert reply.command == A_OKAY, f"{service} refused"
        return self.read_stream(local, reply.arg0)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def client(daemon: AdbDaemon):  # noqa: F811
    raw = RawClient(daemon.port)
    raw.handshake()
    yield raw
    raw.close()


def v2_frames(data: bytes) -> list[tuple[int, bytes]]:
    frames = []
    while data:
        length = int.from_bytes(data[1:5], "little")
        frames.append((data[0], data[5 : 5 + length]))
        data = data[5 + length :]
    return frames


def test_cnxn_is_answered_at_once_with_the_device_banner(daemon: AdbDaemon) -> None:  # noqa: F811
    raw = RawClient(daemon.port)
    reply = raw.handshake()
    raw.close()
    assert reply.command == A_CNXN and reply.arg0 == VERSION_SKIP_CHECKSUM
    banner = reply.data.decode()
    assert banner.startswith("device::") and "ro.product.model=Pocketpilot Virtual" in banner
    assert banner.endswith(f"features={FEATURES}") and "shell_v2" in FEATURES.split(",")


def test_shell_v1_returns_output_then_closes(client: RawClient) -> None:
    assert client.run("shell:echo hello world") == b"hello world\n"


def test_shell_v2_frames_stdout_stderr_and_exit_status(client: RawClient) -> None:
    frames = v2_frames(client.run("shell,v2,raw:echo out; nosuch-program"))
    # stdout and stderr are separate pipes, so their order is the shell's (as on adbd)
    assert sorted(kind for kind, _ in frames[:-1]) == [SHELL_STDOUT, SHELL_STDERR]
    by_kind = dict(frames)
    assert by_kind[SHELL_STDOUT] == b"out\n" and frames[-1] == (SHELL_EXIT, bytes([127]))
    # mksh's own words (Debian's build prefixes "E: ")
    assert by_kind[SHELL_STDERR].endswith(b"/system/bin/sh: nosuch-program: inaccessible or not found\n")


def test_exec_is_binary_exact(client: RawClient, stand_in: StandInPhone) -> None:  # noqa: F811
    assert client.run("exec:screencap -p") == stand_in.screenshot()


def test_writer_waits_for_okay_before_the_next_chunk(client: RawClient) -> None:
    local, reply = client.open("exec:echo " + "x" * 10_000)  # > max_data: several WRTEs
    first = client.recv()
    assert first.command == A_WRTE and len(first.data) == client.max_data
    client.sock.settimeout(0.3)
    with pytest.raises(TimeoutError):
        client.recv()  # nothing more until we acknowledge
    client.sock.settimeout(TIMEOUT)
    client.send(A_OKAY, local, reply.arg0)
    rest = client.read_stream(local, reply.arg0)
    assert first.data + rest == b"x" * 10_000 + b"\n"


def test_concurrent_streams_on_one_connection_are_kept_apart(client: RawClient) -> None:
    for local in range(1, 5):  # all four open before any is read
        client.send(A_OPEN, local, 0, f"shell:echo stream{local}\0".encode())
    remote_of: dict[int, int] = {}
    outputs: dict[int, bytes] = dict.fromkeys(range(1, 5), b"")
    closed: set[int] = set()
    while len(closed) < 4:
        packet = client.recv()
        if packet.command == A_OKAY:
            remote_of[packet.arg1] = packet.arg0
        elif packet.command == A_WRTE:
            outputs[packet.arg1] += packet.data
            client.send(A_OKAY, packet.arg1, remote_of[packet.arg1])
        elif packet.command == A_CLSE:
            closed.add(packet.arg1)
    assert outputs == {i: f"stream{i}\n".encode() for i in range(1, 5)}
    assert len(set(remote_of.values())) == 4


def test_unsupported_services_are_refused_with_clse(client: RawClient) -> None:
    for service in ("reboot:", "shell:", "jdwp:1234", "tcp:7912", "no-colon"):
        _, reply = client.open(service)
        assert (reply.command, reply.arg0) == (A_CLSE, 0), service


def test_many_sequential_streams_are_served(client: RawClient) -> None:
    for i in range(60):
        assert client.run(f"shell:echo {i}") == f"{i}\n".encode()


def test_many_clients_at_once(daemon: AdbDaemon) -> None:  # noqa: F811
    results: list[bytes] = []

    def one(i: int) -> None:
        raw = RawClient(daemon.port)
        raw.handshake()
        results.append(raw.run(f"shell:echo client{i}"))
        raw.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
    assert sorted(results) == [f"client{i}\n".encode() for i in range(5)]


def _closes(port: int, payload: bytes) -> bool:
    """Send ``payload`` and read until the daemon closes (it may close before reading it all)."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        try:
            sock.sendall(payload)
            sock.shutdown(socket.SHUT_WR)
            while sock.recv(65536):
                pass
        except (BrokenPipeError, ConnectionResetError, OSError) as exc:
            assert not isinstance(exc, TimeoutError), "daemon kept a garbage connection open"
        return True


GOOD_CNXN = Packet(A_CNXN, VERSION_SKIP_CHECKSUM, 4096, b"host::\0").encode()


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        GOOD_CNXN[:10],  # truncated header
        GOOD_CNXN[:20] + b"\0\0\0\0",  # bad magic
        HEADER.pack(A_CNXN, 1, 4096, 5, 12345, A_CNXN ^ 0xFFFFFFFF) + b"host:",  # bad checksum, v1
        HEADER.pack(A_OPEN, 1, 0, 2**31, 0, A_OPEN ^ 0xFFFFFFFF),  # oversized length
        HEADER.pack(0x12345678, 0, 0, 0, 0, 0x12345678 ^ 0xFFFFFFFF),  # unknown command
        Packet(A_OPEN, 1, 0, b"shell:echo\0").encode(),  # OPEN before CNXN
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    ],
)
def test_malformed_input_closes_that_connection_only(daemon: AdbDaemon, payload: bytes) -> None:  # noqa: F811
    assert _closes(daemon.port, payload)
    raw = RawClient(daemon.port)
    raw.handshake()
    assert raw.run("shell:echo alive") == b"alive\n"
    raw.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(garbage=st.binary(max_size=200), cut=st.integers(0, 200), start_valid=st.booleans())
def test_fuzzed_packets_never_take_the_daemon_down(
    daemon: AdbDaemon, garbage: bytes, cut: int, start_valid: bool  # noqa: F811
) -> None:
    prefix = GOOD_CNXN + Packet(A_OPEN, 7, 0, b"shell:echo x\0").encode() if start_valid else b""
    assert _closes(daemon.port, (prefix + garbage)[: len(prefix) + cut])
    with socket.create_connection(("127.0.0.1", daemon.port), timeout=TIMEOUT) as still_listening:
        assert still_listening.fileno() >= 0, "a malformed connection took the daemon down"


def test_seeded_random_packets_then_a_real_client_is_served(daemon: AdbDaemon) -> None:  # noqa: F811
    rng = random.Random(1234)
    commands = [A_CNXN, A_OPEN, A_OKAY, A_WRTE, A_CLSE]
    for _ in range(40):
        command = rng.choice(commands)
        data = rng.randbytes(rng.randrange(0, 64))
        packets = GOOD_CNXN + Packet(command, rng.getrandbits(32), rng.getrandbits(32), data).encode()
        _closes(daemon.port, packets[: rng.randrange(len(GOOD_CNXN), len(packets) + 1)])
    deadline = time.monotonic() + TIMEOUT
    raw = RawClient(daemon.port)
    raw.handshake()
    assert raw.run("shell:echo still here") == b"still here\n"
    raw.close()
    assert time.monotonic() < deadline
