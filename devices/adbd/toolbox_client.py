"""The phone's commands as executables: one file, symlinked under each command's name.

Run by the shell as ``input``, ``ls``, ``settings`` ...; it sends its name, argv and ``$PWD``
to the daemon over a Unix socket and relays the answer to its own stdout/stderr and exit status,
the way toybox serves a phone's PATH. Standard library only and started with ``python -SI``:
this runs once per command, so it must start in milliseconds.

Frames both ways are shell-protocol-v2 shaped: kind (1 byte), length (u32 LE), data.
"""

import json
import os
import socket
import sys
import threading

REQUEST, WANT_STDIN = 0x20, 0x21
STDIN, STDOUT, STDERR, EXIT, CLOSE_STDIN = 0, 1, 2, 3, 4


def frame(kind: int, data: bytes) -> bytes:
    return bytes([kind]) + len(data).to_bytes(4, "little") + data


def read_exact(sock: socket.socket, size: int) -> bytes:
    parts = []
    while size:
        chunk = sock.recv(min(size, 65536))
        if not chunk:
            raise EOFError
        parts.append(chunk)
        size -= len(chunk)
    return b"".join(parts)


def pump_stdin(sock: socket.socket) -> None:
    try:
        while chunk := os.read(0, 65536):
            sock.sendall(frame(STDIN, chunk))
        sock.sendall(frame(CLOSE_STDIN, b""))
    except OSError:
        pass


def main() -> int:
    name = os.path.basename(sys.argv[0])
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(os.environ["POCKETPILOT_TOOLBOX"])
    except (KeyError, OSError) as exc:
        os.write(2, f"{name}: the phone's command service is unreachable ({exc})\n".encode())
        return 126
    request = {"argv": [name, *sys.argv[1:]], "cwd": os.environ.get("PWD", "/")}
    sock.sendall(frame(REQUEST, json.dumps(request).encode()))
    try:
        while True:
            header = read_exact(sock, 5)
            data = read_exact(sock, int.from_bytes(header[1:], "little"))
            kind = header[0]
            if kind in (STDOUT, STDERR):
                fd = 1 if kind == STDOUT else 2
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            elif kind == EXIT:
                return data[0] if data else 1
            elif kind == WANT_STDIN:
                threading.Thread(target=pump_stdin, args=(sock,), daemon=True).start()
    except EOFError:
        os.write(2, f"{name}: the phone's command service went away\n".encode())
        return 1
    except BrokenPipeError:  # our reader went away (`logcat | head`): exit as SIGPIPE would
        return 141


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)  # a stdin pump blocked in read() must not keep us alive
