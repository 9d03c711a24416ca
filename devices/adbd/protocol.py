"""The ADB transport packet: a 24-byte little-endian header plus payload (adb's protocol.txt).

Pure encode/decode, no I/O, so the daemon and the fuzz tests share one definition of what a
well-formed packet is.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

A_SYNC = 0x434E5953
A_CNXN = 0x4E584E43
A_OPEN = 0x4E45504F
A_OKAY = 0x59414B4F
A_CLSE = 0x45534C43
A_WRTE = 0x45545257
A_AUTH = 0x48545541
A_STLS = 0x534C5453
COMMANDS = {A_SYNC, A_CNXN, A_OPEN, A_OKAY, A_CLSE, A_WRTE, A_AUTH, A_STLS}

VERSION_MIN = 0x01000000  # checksummed payloads
VERSION_SKIP_CHECKSUM = 0x01000001  # peers at this version send data_check = 0 and skip checks
MAX_PAYLOAD = 1024 * 1024  # the largest payload any adb version may send
HEADER = struct.Struct("<6I")


class PacketError(ValueError):
    """Bytes that are not a valid ADB packet; the daemon drops the connection."""


@dataclass(frozen=True, slots=True)
class Packet:
    command: int
    arg0: int
    arg1: int
    data: bytes = b""

    @property
    def name(self) -> str:
        return self.command.to_bytes(4, "little").decode("latin-1")

    def encode(self) -> bytes:
        # Always checksummed: peers that skip checks ignore it, older peers need it.
        return HEADER.pack(
            self.command,
            self.arg0,
            self.arg1,
            len(self.data),
            checksum(self.data),
            self.command ^ 0xFFFFFFFF,
        ) + self.data


@dataclass(frozen=True, slots=True)
class Header:
    command: int
    arg0: int
    arg1: int
    length: int
    check: int


def checksum(data: bytes) -> int:
    return sum(data) & 0xFFFFFFFF


def decode_header(raw: bytes, *, max_payload: int = MAX_PAYLOAD) -> Header:
    """Validate a header: right size, known command, magic = ~command, bounded payload length."""
    if len(raw) != HEADER.size:
        raise PacketError(f"truncated header: {len(raw)} of {HEADER.size} bytes")
    command, arg0, arg1, length, check, magic = HEADER.unpack(raw)
    if magic != command ^ 0xFFFFFFFF:
        raise PacketError(f"bad magic {magic:#010x} for command {command:#010x}")
    if command not in COMMANDS:
        raise PacketError(f"unknown command {command:#010x}")
    if length > max_payload:
        raise PacketError(f"payload of {length} bytes exceeds the {max_payload}-byte limit")
    return Header(command, arg0, arg1, length, check)


def check_payload(header: Header, data: bytes, *, peer_version: int) -> Packet:
    """Build the packet; verify the checksum only where the peer's version promises one."""
    if len(data) != header.length:
        raise PacketError(f"truncated payload: {len(data)} of {header.length} bytes")
    if peer_version < VERSION_SKIP_CHECKSUM and header.check != checksum(data):
        raise PacketError(f"bad checksum {header.check:#x}, payload sums to {checksum(data):#x}")
    return Packet(header.command, header.arg0, header.arg1, data)


# Shell protocol v2 (adb's shell_protocol.h): each chunk is id(1) + length(u32 LE) + data.
SHELL_STDIN, SHELL_STDOUT, SHELL_STDERR, SHELL_EXIT, SHELL_CLOSE_STDIN, SHELL_WINDOW = range(6)


def shell_packet(kind: int, data: bytes) -> bytes:
    return bytes([kind]) + len(data).to_bytes(4, "little") + data
