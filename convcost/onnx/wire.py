"""Protocol-buffers wire-format decoding, bounds-checked, over any buffer that indexes to ints.

Works on ``bytes``, ``mmap.mmap`` and byte-format ``memoryview`` objects.  Nothing here copies a
length-delimited payload: a field is reported as the (start, stop) offsets of its bytes, so a caller
that skips a 2 GB ``raw_data`` pays only for reading its length.

Every failure on malformed input is a :class:`WireError` carrying the offset where it was noticed;
no ``IndexError`` or ``struct.error`` escapes, and every loop advances by at least one byte, so any
input terminates in time linear in its length.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

# Wire types (https://protobuf.dev/programming-guides/encoding/).
VARINT = 0
I64 = 1
LEN = 2
SGROUP = 3
EGROUP = 4
I32 = 5

_U64 = 1 << 64
_S64 = 1 << 63


class WireError(ValueError):
    """Malformed protobuf input: ``message`` says what, ``offset`` is the byte where it was noticed."""

    def __init__(self, message: str, offset: int):
        super().__init__(f"{message} (at byte {offset})")
        self.message = message
        self.offset = offset


def read_varint(buf, pos: int, end: int) -> tuple[int, int]:
    """Decode an unsigned varint at ``pos`` (reading no byte at or after ``end``).

    Returns ``(value, next_pos)``.  At most 10 bytes, and the 10th may only carry the 64th bit:
    anything longer or wider is rejected rather than silently truncated as some decoders do.
    Non-minimal encodings within 10 bytes (``80 00``) are accepted, as protobuf itself accepts them.
    """
    start = pos
    result = 0
    shift = 0
    while True:
        if pos >= end:
            raise WireError("truncated varint", start)
        b = buf[pos]
        pos += 1
        if shift == 63:
            # 10th byte: only bit 0 is left of a 64-bit value, and it must end the varint.
            if b > 1:
                raise WireError("varint longer than 10 bytes or wider than 64 bits", start)
            return result | (b << 63), pos
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def to_int64(value: int) -> int:
    """Reinterpret an unsigned 64-bit varint value as a two's-complement int64."""
    return value - _U64 if value >= _S64 else value


def to_int32(value: int) -> int:
    """Reinterpret a varint value as int32: protobuf keeps the low 32 bits (negatives are sign-extended)."""
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >= (1 << 31) else value


def iter_fields(buf, start: int, end: int) -> Iterator[tuple[int, int, int, int]]:
    """Yield ``(field_number, wire_type, a, b)`` for each field of the message in ``buf[start:end]``.

    For VARINT ``a`` is the unsigned value and ``b`` the offset after it; for LEN, I64 and I32, ``a``
    and ``b`` are the start and stop offsets of the payload, which is not read here (so skipping an
    unknown or unwanted field costs nothing).  Groups (wire types 3 and 4, deprecated since proto2
    and unused by ONNX) and wire types 6 and 7 raise :class:`WireError`.
    """
    if start < 0 or end > len(buf) or start > end:
        raise WireError(f"message span {start}..{end} outside buffer of {len(buf)} bytes", start)
    pos = start
    while pos < end:
        tag_pos = pos
        b = buf[pos]
        if b < 0x80:  # fast path: fields 1..15 have one-byte tags
            tag = b
            pos += 1
        else:
            tag, pos = read_varint(buf, pos, end)
            if tag >> 32:  # so field numbers stay within protobuf's 2**29 - 1
                raise WireError("tag wider than 32 bits", tag_pos)
        field = tag >> 3
        wire = tag & 7
        if field == 0:
            raise WireError("field number 0", tag_pos)
        if wire == VARINT:
            if pos < end and buf[pos] < 0x80:
                value = buf[pos]
                pos += 1
            else:
                value, pos = read_varint(buf, pos, end)
            yield field, VARINT, value, pos
        elif wire == LEN:
            if pos < end and buf[pos] < 0x80:
                length = buf[pos]
                pos += 1
            else:
                length, pos = read_varint(buf, pos, end)
            stop = pos + length
            if stop > end:
                raise WireError(f"field {field}: length {length} runs past end of message", tag_pos)
            yield field, LEN, pos, stop
            pos = stop
        elif wire == I32:
            if pos + 4 > end:
                raise WireError(f"field {field}: truncated fixed32", tag_pos)
            yield field, I32, pos, pos + 4
            pos += 4
        elif wire == I64:
            if pos + 8 > end:
                raise WireError(f"field {field}: truncated fixed64", tag_pos)
            yield field, I64, pos, pos + 8
            pos += 8
        elif wire in (SGROUP, EGROUP):
            raise WireError(f"field {field}: groups (wire type {wire}) are not supported", tag_pos)
        else:
            raise WireError(f"field {field}: invalid wire type {wire}", tag_pos)


def read_fixed32_float(buf, pos: int) -> float:
    """The little-endian float32 at ``pos`` as a Python float (exact: every float32 is a double).

    The caller has bounds-checked ``pos`` via :func:`iter_fields`."""
    return struct.unpack_from("<f", buf, pos)[0]


def read_string(buf, start: int, stop: int) -> str:
    """Decode ``buf[start:stop]`` as UTF-8; invalid UTF-8 is a :class:`WireError` (protobuf's rule too)."""
    try:
        return str(buf[start:stop], "utf-8")
    except UnicodeDecodeError as e:
        raise WireError(f"invalid UTF-8 in string field: {e.reason}", start + e.start) from None


def read_bytes(buf, start: int, stop: int) -> bytes:
    """Copy ``buf[start:stop]`` into ``bytes``: only for small payloads such as attribute strings."""
    return bytes(buf[start:stop])


def packed_varints(buf, start: int, stop: int) -> list[int]:
    """Decode a packed run of unsigned varints filling exactly ``buf[start:stop]``."""
    out = []
    append = out.append
    pos = start
    while pos < stop:
        b = buf[pos]
        if b < 0x80:
            append(b)
            pos += 1
        else:
            value, pos = read_varint(buf, pos, stop)
            append(value)
    return out


def packed_fixed(buf, start: int, stop: int, code: str) -> tuple:
    """Decode a packed run of fixed-width values (struct ``code``: 'f', 'd', 'i', 'q', ...).

    The payload length must be a whole number of elements; otherwise the input is corrupt."""
    size = struct.calcsize("<" + code)
    length = stop - start
    if length % size:
        raise WireError(f"packed fixed{size * 8} field of {length} bytes is not a multiple of {size}", start)
    return struct.unpack_from(f"<{length // size}{code}", buf, start)
