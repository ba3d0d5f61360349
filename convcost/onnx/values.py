"""Values of small tensors (shape constants, pads, scales, clip bounds) as exact Python numbers.

Integers come back as ``int``; floating types as ``fractions.Fraction``, which is exact because every
binary float is a dyadic rational.  Non-finite floats can't be Fractions and come back as the
``float`` itself (``inf``/``nan``): a Clip bound of +inf is legitimate.
"""

from __future__ import annotations

import struct
from fractions import Fraction

from ..errors import shown
from .records import (
    BFLOAT16,
    BOOL,
    DOUBLE,
    FLOAT,
    FLOAT16,
    INT8,
    INT16,
    INT32,
    INT64,
    UINT8,
    UINT16,
    UINT32,
    UINT64,
    Tensor,
    TensorValueError,
)
from .wire import I32, I64, LEN, VARINT, iter_fields, packed_fixed, packed_varints, to_int32, to_int64

# struct codes of raw_data elements (little-endian, fixed width, onnx.proto's rule for raw_data).
_RAW = {FLOAT: "f", DOUBLE: "d", FLOAT16: "e", UINT8: "B", INT8: "b", UINT16: "H", INT16: "h",
        INT32: "i", INT64: "q", UINT32: "I", UINT64: "Q", BOOL: "B", BFLOAT16: "H"}

# Which typed field carries each data type (onnx.proto comments on fields 4, 5, 7, 10, 11).
_FLOAT_DATA, _INT32_DATA, _INT64_DATA, _DOUBLE_DATA, _UINT64_DATA = 4, 5, 7, 10, 11
_TYPED_FIELD = {FLOAT: _FLOAT_DATA, DOUBLE: _DOUBLE_DATA, INT64: _INT64_DATA,
                UINT32: _UINT64_DATA, UINT64: _UINT64_DATA}
for _t in (INT32, INT16, INT8, UINT16, UINT8, BOOL, FLOAT16, BFLOAT16):
    _TYPED_FIELD[_t] = _INT32_DATA

_FLOATING = (FLOAT, DOUBLE, FLOAT16, BFLOAT16)
ELEMENT_BYTES = {dtype: struct.calcsize("<" + code) for dtype, code in _RAW.items()}  # bytes per element


def _dims(dims) -> str:
    head = ", ".join(map(str, dims[:8]))
    return f"[{head}]" if len(dims) <= 8 else f"[{head}, ... ({len(dims)} dims)]"


def tensor_values(tensor: Tensor, limit: int = 4096) -> tuple:
    """The elements of ``tensor`` in row-major order (see the module docstring for their types).

    Reads raw_data if present (as ``onnx.numpy_helper.to_array`` does), else the typed field for
    the data type; packed and unpacked encodings of typed fields are both accepted.  Raises
    :class:`TensorValueError` if the tensor is external, has more than ``limit`` elements, has an
    unsupported type (string, complex, 4-bit, float8) or a payload that disagrees with its dims."""
    what = f"tensor {shown(tensor.name)}" if tensor.name else "unnamed tensor"
    if tensor.is_external:
        raise TensorValueError(f"{what}: values are stored in an external file and are not read")
    if any(d < 0 for d in tensor.dims):
        raise TensorValueError(f"{what}: negative dimension in {_dims(tensor.dims)}")
    count = tensor.element_count
    if count > limit:
        raise TensorValueError(f"{what}: {count} elements exceed the limit of {limit} for reading values")
    dtype = tensor.data_type
    if dtype not in _RAW:
        raise TensorValueError(f"{what}: values of data type {dtype} are not supported")
    if tensor.raw_data is not None:
        items = _from_raw(tensor, dtype, count, what)
    else:
        items = _from_typed(tensor, dtype, count, what)
    if len(items) != count:
        raise TensorValueError(f"{what}: {len(items)} elements stored but dims {_dims(tensor.dims)} "
                               f"need {count}")
    return _exact(items, dtype)


def _from_raw(tensor: Tensor, dtype: int, count: int, what: str) -> tuple:
    offset, length = tensor.raw_data
    code, size = _RAW[dtype], ELEMENT_BYTES[dtype]
    if length != count * size:
        raise TensorValueError(f"{what}: raw_data has {length} bytes but dims {_dims(tensor.dims)} "
                               f"need {count * size}")
    return struct.unpack_from(f"<{count}{code}", tensor.source.buf, offset)


def _from_typed(tensor: Tensor, dtype: int, count: int, what: str) -> list:
    """Concatenate every occurrence of the typed field, packed (LEN) or not, in file order.

    A payload longer than the dims allow is refused before it is decoded (a hostile file may pair
    dims [2] with megabytes of numbers): a varint takes at most 10 bytes, a fixed value its width."""
    want = _TYPED_FIELD[dtype]
    buf = tensor.source.buf
    out: list = []
    for start, stop in tensor.spans:
        for field, wire, a, b in iter_fields(buf, start, stop):
            if field != want:
                continue
            room = count - len(out)
            if want in (_FLOAT_DATA, _DOUBLE_DATA):
                code, width_wire = ("f", I32) if want == _FLOAT_DATA else ("d", I64)
                if wire in (LEN, width_wire):
                    if (b - a) // (4 if code == "f" else 8) > room:
                        raise TensorValueError(f"{what}: more elements stored than dims {_dims(tensor.dims)} "
                                               f"hold ({count})")
                    out.extend(packed_fixed(buf, a, b, code))
            elif wire == LEN:
                if b - a > 10 * room:
                    raise TensorValueError(f"{what}: more elements stored than dims {_dims(tensor.dims)} "
                                           f"hold ({count})")
                out.extend(packed_varints(buf, a, b))
            elif wire == VARINT:
                out.append(a)
            if len(out) > count:
                raise TensorValueError(f"{what}: more elements stored than dims {_dims(tensor.dims)} "
                                       f"hold ({count})")
    # Varints arrive unsigned; give them their declared signedness.
    if want == _INT64_DATA:
        return [to_int64(v) for v in out]
    if want == _INT32_DATA:
        return [to_int32(v) for v in out]
    if want == _UINT64_DATA:
        return [v & 0xFFFFFFFFFFFFFFFF for v in out]
    return out


def _exact(items, dtype: int) -> tuple:
    if dtype == BOOL:
        return tuple(int(v != 0) for v in items)
    if dtype == FLOAT16 and items and isinstance(items[0], int):
        # int32_data carries float16 as its bit pattern.
        items = [struct.unpack("<e", struct.pack("<H", v & 0xFFFF))[0] for v in items]
    elif dtype == BFLOAT16:
        # bfloat16 is the top half of a float32, in raw_data and int32_data alike.
        items = [struct.unpack("<f", struct.pack("<I", (v & 0xFFFF) << 16))[0] for v in items]
    if dtype in _FLOATING:
        return tuple(Fraction(v) if v - v == 0 else v for v in items)  # v - v is nan for inf/nan
    return tuple(items)
