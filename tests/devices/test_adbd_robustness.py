"""A daemon that serves whatever clients do: idle sockets, the open-file limit, fuzz, vanishing hosts.

The heavy checks run ``pocketpilot phone serve`` in a subprocess (so its file limit and memory
are its own) and end with a real adb client dumping the screen; they also read the daemon's
stderr: one line per problem, never a traceback.
"""

from __future__ import annotations

import random
import resource
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pocketpilot.devices.adbd import AdbDaemon
from pocketpilot.devices.adbd.protocol import A_CNXN, A_OKAY, A_OPEN, VERSION_SKIP_CHECKSUM, Packet
from pocketpilot.devices.adbd.transport import Limits
from tests.devices.test_adb_fixtures import AdbServer, StandInPhone, adb_server, needs_adb  # noqa: F401

CNXN = Packet(A_CNXN, VERSION_SKIP_CHECKSUM, 4096, b"host::\0").encode()


def test_a_socket_that_never_handshakes_is_closed() -> None:
    with AdbDaemon(StandInPhone(), limits=Limits(handshake_s=0.5)) as served:
        sock = socket.create_connection(("127.0.0.1", served.port), timeout=30)
        assert sock.recv(1) == b""  # closed by the daemon (our own timeout would raise instead)
        sock.close()


def test_a_half_sent_packet_is_dropped_after_the_packet_timeout() -> None:
    with AdbDaemon(StandInPhone(), limits=Limits(packet_s=0.5)) as served:
        sock = socket.create_connection(("127.0.0.1", served.port), timeout=30)
        sock.sendall(CNXN[:10])
        assert sock.recv(1) == b""
        sock.close()


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen, str, Path]]:
    """``phone serve`` at ``ulimit -n 128``; yields the process, its serial and its stderr file."""
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (128, 128))

    cli = Path(sys.executable).with_name("pocketpilot")
    out, err = tmp_path / "serve.out", tmp_path / "serve.err"
    with out.open("w") as stdout, err.open("w") as stderr:
        proc = subprocess.Popen([str(cli), "phone", "serve", "--port", "0"], stdout=stdout,
                                stderr=stderr, preexec_fn=limit)
    deadline = time.monotonic() + 180  # a loaded CI machine imports slowly
    while "serving virtual phone on" not in out.read_text():
        assert proc.poll() is None and time.monotonic() < deadline, err.read_text()
        time.sleep(0.2)
    serial = out.read_text().split("serving virtual phone on ", 1)[1].split()[0]
    yield proc, serial, err
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError("phone serve did not stop within 30 s of SIGTERM") from None


def _dump_over_adb(server: AdbServer, serial: str) -> str:
    server.connect(serial)
    result = server.run("-s", serial, "shell", "uiautomator dump /dev/tty", timeout=60)
    return (result.stdout + result.stderr).decode()


@pytest.mark.slow
@pytest.mark.adb
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_real_adb_dumps_the_screen_after_300_idle_connections_at_ulimit_128(
    served, adb_server: AdbServer  # noqa: F811
) -> None:
    proc, serial, err = served
    host, port = serial.split(":")
    idle = []
    for _ in range(300):
        try:
            idle.append(socket.create_connection((host, int(port)), timeout=5))
        except OSError:
            break  # the backlog is full: that is the point
    assert len(idle) >= 128  # more than the daemon has descriptors for
    dump = _dump_over_adb(adb_server, serial)
    assert "<hierarchy" in dump and "</hierarchy>" in dump
    for sock in idle:
        sock.close()
    assert proc.poll() is None
    assert "Traceback" not in err.read_text()


def _fuzz_one(host: str, port: int, rng: random.Random, kind: int) -> None:
    try:
        sock = socket.create_connection((host, port), timeout=2)
    except OSError:
        return
    try:
        if kind == 0:  # screencap nobody acknowledges, then the host vanishes
            sock.sendall(CNXN + Packet(A_OPEN, 7, 0, b"exec:screencap -p\0").encode())
            time.sleep(0.05)
        elif kind == 1:  # commands that once raised in the daemon
            command = rng.choice([b"input tap inf 3", b"input swipe 1 2 3 4 1" + b"0" * 40, b"input"])
            sock.sendall(CNXN + Packet(A_OPEN, 9, 0, b"shell:" + command + b"\0").encode())
            time.sleep(0.02)
        elif kind == 2:  # a sync stream with garbage in it
            sock.sendall(CNXN + Packet(A_OPEN, 5, 0, b"sync:\0").encode()
                         + Packet(0x45545257, 5, 1, rng.randbytes(64)).encode())
        elif kind == 3:  # OKAYs for streams that do not exist
            sock.sendall(CNXN + Packet(A_OKAY, 77, 88).encode())
        else:  # bytes that are no packet at all, or half a header
            sock.sendall(rng.randbytes(rng.randint(1, 200)) if kind < 7 else CNXN[: rng.randint(1, 23)])
    except OSError:
        pass
    finally:
        sock.close()


@pytest.mark.slow
@pytest.mark.adb
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_rss_stays_bounded_over_1000_fuzz_connections(served, adb_server: AdbServer) -> None:  # noqa: F811
    proc, serial, err = served
    host, port = serial.split(":")
    rng = random.Random(16)
    for i in range(100):
        _fuzz_one(host, int(port), rng, i % 10)
    time.sleep(2)
    warm = _rss_kb(proc.pid)
    for i in range(1000):
        _fuzz_one(host, int(port), rng, i % 10)
    time.sleep(3)
    after = _rss_kb(proc.pid)
    # Unbounded, each unacknowledged screencap kept ~5 MB: 100 of them would add 500 MB.
    assert after - warm < 150_000, f"RSS {warm} kB -> {after} kB"
    dump = _dump_over_adb(adb_server, serial)
    text = err.read_text()
    assert "</hierarchy>" in dump, (dump, text[-3000:])
    assert "Traceback" not in text, text[-2000:]
    print(f"rss warm={warm} kB after={after} kB; stderr lines={len(text.splitlines())}")

