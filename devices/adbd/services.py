"""The stream services behind an OPEN: shell (v1, v2, exec), framebuffer and reverse.

Shell services stream: the command runs under the phone's real shell and its output goes out as
it is produced (``logcat`` follows), v2 stdin frames feed its stdin. The host closing the stream
hangs the command up, as adbd does (SIGHUP): a command that ignores it (``trap '' HUP``, how an
action and its receipt on the phone finish together) may end within ``HANGUP_GRACE_S``; then it
and everything it started are killed, so nothing outlives its client for long.
"""

from __future__ import annotations

import contextlib
import struct
import subprocess
import threading
from dataclasses import dataclass, field

from pocketpilot.devices.adbd.protocol import (
    SHELL_CLOSE_STDIN,
    SHELL_EXIT,
    SHELL_STDERR,
    SHELL_STDIN,
    SHELL_STDOUT,
    shell_packet,
)
from pocketpilot.devices.adbd.shell import PhoneShell, exit_status, hang_up, kill
from pocketpilot.devices.adbd.transport import Stream, StreamClosed

CHUNK = 64 * 1024
HANGUP_GRACE_S = 10.0


def run_shell(stream: Stream, shell: PhoneShell, command: str, *, protocol: str) -> None:
    """``protocol``: ``v2`` (framed, exit status, stdin), ``v1`` (one channel) or ``exec`` (stdout only)."""
    v2 = protocol == "v2"
    stderr = subprocess.PIPE if v2 else subprocess.STDOUT if protocol == "v1" else subprocess.DEVNULL
    proc = shell.spawn(command, stdin=subprocess.PIPE if v2 else subprocess.DEVNULL, stderr=stderr)
    pumps = [threading.Thread(target=_pump, args=(proc.stdout, stream, SHELL_STDOUT if v2 else None),
                              daemon=True)]
    if v2:
        pumps.append(threading.Thread(target=_pump, args=(proc.stderr, stream, SHELL_STDERR), daemon=True))
        threading.Thread(target=_feed_stdin, args=(stream, proc), daemon=True).start()
    for pump in pumps:
        pump.start()
    try:
        while proc.poll() is None or any(p.is_alive() for p in pumps):
            if stream.closed.wait(0.05):
                hang_up(proc, HANGUP_GRACE_S)  # the client went away: so does its command
                break
    finally:
        kill(proc)
        proc.wait()
    for pump in pumps:
        pump.join(timeout=1)
    if stream.closed.is_set():
        raise StreamClosed("the host closed the stream before the command ended")
    if v2:
        stream.write(shell_packet(SHELL_EXIT, bytes([exit_status(proc.returncode) & 0xFF])))


def _pump(pipe, stream: Stream, kind: int | None) -> None:
    try:
        while chunk := pipe.read1(CHUNK):
            stream.write(chunk if kind is None else shell_packet(kind, chunk))
    except (StreamClosed, OSError, ValueError):
        pass  # the stream or the command ended; the service thread reports which
    finally:
        pipe.close()


def _feed_stdin(stream: Stream, proc: subprocess.Popen) -> None:
    """Shell v2 frames from the host: STDIN data to the command, CLOSE_STDIN ends it."""
    try:
        while True:
            kind, size = struct.unpack("<BI", stream.read_exact(5))
            data = stream.read_exact(size)
            if kind == SHELL_STDIN:
                proc.stdin.write(data)
                proc.stdin.flush()
            elif kind == SHELL_CLOSE_STDIN:
                break
    except (StreamClosed, OSError, ValueError):
        pass
    finally:
        with contextlib.suppress(OSError):  # the command already exited
            proc.stdin.close()


def framebuffer(stream: Stream, png: bytes) -> None:
    """``framebuffer:``: header version 1 (no colour space), then RGBA pixels, as adbd sends them."""
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGBA")
    pixels = image.tobytes()
    width, height = image.size
    # version bpp size width height, then offset/length for red, blue, green, alpha.
    header = struct.pack("<13I", 1, 32, len(pixels), width, height, 0, 8, 16, 8, 8, 8, 24, 8)
    stream.write(header + pixels)


@dataclass
class ReverseTable:
    """``adb reverse`` rules, as adbd lists them; nothing on the virtual phone dials them."""

    rules: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def serve(self, stream: Stream, request: str) -> None:
        if request == "list-forward":
            with self.lock:
                text = "".join(f"host {remote} {local}\n" for remote, local in self.rules.items())
            stream.write(_block(text))
            return
        if request == "killforward-all":
            with self.lock:
                self.rules.clear()
            stream.write(b"OKAY")
            return
        if request.startswith("killforward:"):
            with self.lock:
                found = self.rules.pop(request.split(":", 1)[1], None)
            stream.write(b"OKAY" if found else b"FAIL" + _block(f"listener '{request[12:]}' not found"))
            return
        if request.startswith("forward:"):
            spec = request[len("forward:"):]
            norebind = spec.startswith("norebind:")
            remote, sep, local = spec.removeprefix("norebind:").partition(";")
            if not sep or not remote.startswith(("tcp:", "localabstract:")):
                stream.write(b"FAIL" + _block(f"cannot parse reverse spec '{spec}'"))
                return
            with self.lock:
                if norebind and remote in self.rules:
                    stream.write(b"FAIL" + _block(f"cannot rebind existing socket {remote}"))
                    return
                self.rules[remote] = local
            stream.write(b"OKAY")
            return
        stream.write(b"FAIL" + _block(f"unknown reverse request '{request}'"))


def _block(text: str) -> bytes:
    raw = text.encode()
    return f"{len(raw):04x}".encode() + raw
