"""The wire-format layer on its own: limits, malformed input, buffer kinds."""

import mmap

import pytest
from pbenc import f_len, f_str, f_varint, tag, varint

from convcost.onnx import decode_model
from convcost.onnx.wire import (
    WireError,
    iter_fields,
    packed_fixed,
    packed_varints,
    read_string,
    read_varint,
    to_int32,
    to_int64,
)


@pytest.mark.parametrize("value", [0, 1, 127, 128, 300, 2**32, 2**63 - 1, 2**63, 2**64 - 1])
def test_varint_round_trip(value):
    data = varint(value)
    assert read_varint(data, 0, len(data)) == (value, len(data))


def test_varint_limits():
    ten = b"\xff" * 9 + b"\x01"
    assert read_varint(ten, 0, 10) == (2**64 - 1, 10)
    with pytest.raises(WireError, match="longer than 10"):
        read_varint(b"\xff" * 9 + b"\x02", 0, 10)  # 65th bit
    with pytest.raises(WireError, match="longer than 10"):
        read_varint(b"\x80" * 10 + b"\x00", 0, 11)  # 11 bytes, even if the value is 0
    with pytest.raises(WireError, match="truncated varint") as e:
        read_varint(b"\x05\x80\x80", 1, 3)
    assert e.value.offset == 1
    with pytest.raises(WireError, match="truncated"):
        read_varint(b"\x80\x01", 0, 1)  # the end bound, not the buffer, limits the read


def test_signed_reinterpretation():
    assert to_int64(2**64 - 1) == -1 and to_int64(2**63) == -(2**63) and to_int64(5) == 5
    assert to_int32(2**64 - 1) == -1 and to_int32(2**31) == -(2**31) and to_int32(2**32 + 7) == 7


def _fields(data):
    return list(iter_fields(data, 0, len(data)))


def test_iter_fields_reports_spans_without_reading_payloads():
    data = f_varint(1, 150) + f_str(2, "abc") + tag(3, 5) + b"\x00\x00\x80\x3f" + tag(4, 1) + bytes(8)
    assert _fields(data) == [(1, 0, 150, 3), (2, 2, 5, 8), (3, 5, 9, 13), (4, 1, 14, 22)]


@pytest.mark.parametrize("data, message", [
    (b"\x00", "field number 0"),
    (b"\x0b", "groups"),
    (b"\x0c", "groups"),
    (b"\x0e", "invalid wire type 6"),
    (b"\x0f", "invalid wire type 7"),
    (b"\x0a\x05abc", "runs past end"),
    (b"\x0a", "truncated varint"),
    (b"\x08", "truncated varint"),
    (b"\x0d\x00\x00", "truncated fixed32"),
    (b"\x09" + bytes(7), "truncated fixed64"),
    (b"\x80\x80\x80\x80\x80\x01", "tag wider than 32 bits"),
    (b"\x0a\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", "runs past end"),  # length 2**64-1
])
def test_malformed_fields(data, message):
    with pytest.raises(WireError, match=message):
        _fields(data)


def test_bad_spans_and_payloads():
    with pytest.raises(WireError, match="outside buffer"):
        list(iter_fields(b"ab", 0, 3))
    with pytest.raises(WireError, match="not a multiple"):
        packed_fixed(b"\x00" * 7, 0, 7, "f")
    with pytest.raises(WireError, match="truncated varint"):
        packed_varints(b"\x01\x80", 0, 2)
    with pytest.raises(WireError, match="invalid UTF-8") as e:
        read_string(b"ab\xff", 0, 3)
    assert e.value.offset == 2


def test_buffer_kinds(tmp_path):
    data = f_varint(1, 9) + f_len(7, f_str(2, "g"))
    for buf in (data, bytearray(data), memoryview(data), memoryview(bytearray(data)).cast("B")):
        m = decode_model(buf)
        assert m.ir_version == 9 and m.graph.name == "g"
    p = tmp_path / "m.onnx"
    p.write_bytes(data)
    with open(p, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        m = decode_model(mm)
        assert m.graph.name == "g"
        del m  # records hold the mmap, not views of it, so it can close
