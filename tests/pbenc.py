"""A minimal protobuf encoder for hand-crafting encodings onnx's own serializer never emits
(packed attribute ints, unpacked float_data, repeated singular messages, ...)."""

import struct


def varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # negative int64 -> 10-byte two's complement, as protobuf does
    out = bytearray()
    while True:
        b = value & 0x7F
        value >>= 7
        if value:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def tag(field: int, wire: int) -> bytes:
    return varint(field << 3 | wire)


def f_varint(field: int, value: int) -> bytes:
    return tag(field, 0) + varint(value)


def f_len(field: int, payload: bytes) -> bytes:
    return tag(field, 2) + varint(len(payload)) + payload


def f_str(field: int, text: str) -> bytes:
    return f_len(field, text.encode())


def f_float(field: int, value: float) -> bytes:
    return tag(field, 5) + struct.pack("<f", value)


def f_double(field: int, value: float) -> bytes:
    return tag(field, 1) + struct.pack("<d", value)


def packed_varints(field: int, values) -> bytes:
    return f_len(field, b"".join(varint(v) for v in values))


def packed_floats(field: int, values, code: str = "f") -> bytes:
    return f_len(field, struct.pack(f"<{len(values)}{code}", *values))
