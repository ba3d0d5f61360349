"""Decode an ONNX ModelProto (the subset in ``records.py``) from a buffer, and read a model file.

Decoding follows protobuf's rules where they matter for ONNX files written by other tools: unknown
fields are skipped, a known field with an unexpected wire type is skipped as unknown, repeated
scalars are accepted packed or unpacked, a singular scalar given twice keeps the last value, and a
singular message given twice is merged (we decode the concatenation of its occurrences).

Memory is bounded by a budget of records: every node, attribute, tensor, value info, dimension,
repeated number and 64 bytes of text decoded takes one. A Python record costs about a hundred times
the few bytes that encode it, so without the budget a 10 MB file of empty nodes would take gigabytes.
"""

from __future__ import annotations

import mmap
import os

from .records import Attribute, Graph, Model, Node, OpsetId, Source, SparseTensor, Tensor, ValueInfo
from .wire import (
    I32,
    LEN,
    VARINT,
    WireError,
    iter_fields,
    packed_fixed,
    packed_varints,
    read_bytes,
    read_fixed32_float,
    read_string,
    to_int32,
    to_int64,
)

MAX_GRAPH_DEPTH = 8  # main graph is depth 0; If/Loop/Scan bodies nest below it
DEFAULT_MAX_BYTES = 2 * 1024**3  # protobuf can't serialize a message over 2 GiB anyway
DEFAULT_MAX_RECORDS = 500_000  # convcost.limits.Limits.onnx_records


class BudgetExceeded(WireError):
    """The model holds more records than ``max_records`` allows (it may be valid, just too big)."""


class _Budget:
    __slots__ = ("left", "limit")

    def __init__(self, limit: int):
        self.left = self.limit = limit

    def take(self, n: int, offset: int) -> None:
        self.left -= n
        if self.left < 0:
            raise BudgetExceeded(f"more than {self.limit} records (nodes, attributes, tensors, dimensions, "
                                 "numbers, 64-byte runs of text)", offset)


def _text(buf, a: int, b: int, budget: _Budget) -> str:
    budget.take(1 + ((b - a) >> 6), a)
    return read_string(buf, a, b)

_TYPE_KINDS = {1: "tensor", 4: "sequence", 5: "map", 7: "opaque", 8: "sparse_tensor", 9: "optional"}


def read_model(path: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES, use_mmap: bool = True,
               max_records: int = DEFAULT_MAX_RECORDS) -> Model:
    """Read and decode the ONNX model file at ``path``.

    With ``use_mmap`` (the default) the file is mapped read-only, so weight bytes are never read from
    disk: only the pages holding the graph and the lengths of skipped fields are touched.  The
    mapping lives as long as the returned model's ``source`` (``model.source.close()`` releases it
    early).  External data files are never opened.  Raises ``ValueError`` if the file is larger than
    ``max_bytes``, :class:`WireError` if it is not a well-formed protobuf (:class:`BudgetExceeded` if
    it holds more than ``max_records`` records), and ``OSError`` as usual.
    """
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size > max_bytes:
            raise ValueError(f"{os.fspath(path)}: {size} bytes exceed the limit of {max_bytes} bytes "
                             f"(raise max_bytes to read it)")
        buf = None
        if use_mmap and size > 0:
            try:
                buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            except (OSError, ValueError):
                buf = None  # not mappable (a pipe, an odd filesystem): fall back to reading
        if buf is None:
            buf = f.read(max_bytes + 1)
            if len(buf) > max_bytes:  # the file grew, or fstat lied (a pipe)
                raise ValueError(f"{os.fspath(path)}: more than {max_bytes} bytes")
    return decode_model(buf, os.fspath(path), max_records)


def decode_model(buf, path: str | None = None, max_records: int = DEFAULT_MAX_RECORDS) -> Model:
    """Decode a serialized ModelProto held in ``buf`` (bytes, bytearray, mmap or memoryview).

    The returned records keep a reference to ``buf`` (through ``Source``) for reading tensor values
    on demand; they never hold copies of tensor payloads."""
    if isinstance(buf, (memoryview, bytearray)):
        buf = memoryview(buf).cast("B")  # one flat byte view, whatever the exporter's format
    source = Source(buf, path)
    budget = _Budget(max_records)
    ir_version = None
    producer_name = producer_version = ""
    opsets: list[OpsetId] = []
    graph_spans: list[tuple[int, int]] = []
    for field, wire, a, b in iter_fields(buf, 0, len(buf)):
        if field == 7 and wire == LEN:
            budget.take(1, a)
            graph_spans.append((a, b))
        elif field == 8 and wire == LEN:
            budget.take(1, a)
            opsets.append(_opset(buf, a, b, budget))
        elif field == 1 and wire == VARINT:
            ir_version = to_int64(a)
        elif field == 2 and wire == LEN:
            producer_name = _text(buf, a, b, budget)
        elif field == 3 and wire == LEN:
            producer_version = _text(buf, a, b, budget)
    graph = _graph(buf, graph_spans, 0, source, budget) if graph_spans else None
    return Model(ir_version, producer_name, producer_version, tuple(opsets), graph, source)


def _opset(buf, start: int, stop: int, budget: _Budget) -> OpsetId:
    domain, version = "", 0
    for field, wire, a, b in iter_fields(buf, start, stop):
        if field == 1 and wire == LEN:
            domain = _text(buf, a, b, budget)
        elif field == 2 and wire == VARINT:
            version = to_int64(a)
    return OpsetId(domain, version)


def _graph(buf, spans, depth: int, source: Source, budget: _Budget) -> Graph:
    if depth > MAX_GRAPH_DEPTH:
        raise WireError(f"graphs nested deeper than {MAX_GRAPH_DEPTH} levels", spans[0][0])
    name = ""
    nodes, inits, sparse, inputs, outputs, infos = [], [], [], [], [], []
    for start, stop in spans:
        for field, wire, a, b in iter_fields(buf, start, stop):
            if wire != LEN:
                continue  # every field we read here is length-delimited
            if field == 1:
                nodes.append(_node(buf, a, b, depth, source, budget))
            elif field == 5:
                inits.append(_tensor(buf, ((a, b),), source, budget))
            elif field == 13:
                infos.append(_value_info(buf, a, b, budget))
            elif field == 11:
                inputs.append(_value_info(buf, a, b, budget))
            elif field == 12:
                outputs.append(_value_info(buf, a, b, budget))
            elif field == 2:
                name = _text(buf, a, b, budget)
            elif field == 15:
                sparse.append(_sparse_tensor(buf, a, b, source, budget))
    return Graph(name, tuple(nodes), tuple(inits), tuple(sparse), tuple(inputs), tuple(outputs), tuple(infos))


def _node(buf, start: int, stop: int, depth: int, source: Source, budget: _Budget) -> Node:
    budget.take(1, start)
    name = op_type = domain = ""
    inputs, outputs, attrs = [], [], []
    for field, wire, a, b in iter_fields(buf, start, stop):
        if wire != LEN:
            continue
        if field == 1:
            inputs.append(_text(buf, a, b, budget))
        elif field == 2:
            outputs.append(_text(buf, a, b, budget))
        elif field == 5:
            attrs.append(_attribute(buf, a, b, depth, source, budget))
        elif field == 4:
            op_type = _text(buf, a, b, budget)
        elif field == 3:
            name = _text(buf, a, b, budget)
        elif field == 7:
            domain = _text(buf, a, b, budget)
    return Node(name, op_type, domain, tuple(inputs), tuple(outputs), tuple(attrs))


def _attribute(buf, start: int, stop: int, depth: int, source: Source, budget: _Budget) -> Attribute:
    budget.take(1, start)
    name = ref_attr_name = ""
    atype = 0
    f = i = s = None
    t_spans: list = []
    g_spans: list = []
    floats: list = []
    ints: list = []
    strings, tensors, graphs = [], [], []
    for field, wire, a, b in iter_fields(buf, start, stop):
        if field == 1 and wire == LEN:
            name = _text(buf, a, b, budget)
        elif field == 20 and wire == VARINT:
            atype = to_int32(a)
        elif field == 3 and wire == VARINT:
            i = to_int64(a)
        elif field == 8:
            # repeated int64: proto2 writers (onnx itself) emit it unpacked, proto3-style ones packed
            if wire == VARINT:
                budget.take(1, a)
                ints.append(to_int64(a))
            elif wire == LEN:
                budget.take(b - a, a)  # at most one number per byte
                ints.extend(to_int64(v) for v in packed_varints(buf, a, b))
        elif field == 2 and wire == I32:
            f = read_fixed32_float(buf, a)
        elif field == 7:
            if wire == I32:
                budget.take(1, a)
                floats.append(read_fixed32_float(buf, a))
            elif wire == LEN:
                budget.take((b - a) >> 2, a)
                floats.extend(packed_fixed(buf, a, b, "f"))
        elif field == 4 and wire == LEN:
            budget.take(1 + ((b - a) >> 6), a)
            s = read_bytes(buf, a, b)
        elif field == 9 and wire == LEN:
            budget.take(1 + ((b - a) >> 6), a)
            strings.append(read_bytes(buf, a, b))
        elif field == 5 and wire == LEN:
            budget.take(1, a)
            t_spans.append((a, b))
        elif field == 10 and wire == LEN:
            tensors.append(_tensor(buf, ((a, b),), source, budget))
        elif field == 6 and wire == LEN:
            budget.take(1, a)
            g_spans.append((a, b))
        elif field == 11 and wire == LEN:
            graphs.append(_graph(buf, ((a, b),), depth + 1, source, budget))
        elif field == 21 and wire == LEN:
            ref_attr_name = _text(buf, a, b, budget)
    t = _tensor(buf, tuple(t_spans), source, budget) if t_spans else None
    g = _graph(buf, g_spans, depth + 1, source, budget) if g_spans else None
    return Attribute(name, atype, f, i, s, t, g, tuple(floats), tuple(ints), tuple(strings),
                     tuple(tensors), tuple(graphs), ref_attr_name)


def _tensor(buf, spans, source: Source, budget: _Budget) -> Tensor:
    budget.take(1, spans[0][0])
    name = ""
    data_type = 0
    location = 0
    dims: list[int] = []
    external: list[tuple[str, str]] = []
    raw = None
    typed = False
    for start, stop in spans:
        for field, wire, a, b in iter_fields(buf, start, stop):
            if field == 9 and wire == LEN:
                raw = (a, b - a)  # the payload itself is not touched
            elif field == 1:
                if wire == VARINT:
                    budget.take(1, a)
                    dims.append(to_int64(a))
                elif wire == LEN:
                    budget.take(b - a, a)
                    dims.extend(to_int64(v) for v in packed_varints(buf, a, b))
            elif field == 2 and wire == VARINT:
                data_type = to_int32(a)
            elif field == 8 and wire == LEN:
                name = _text(buf, a, b, budget)
            elif field == 13 and wire == LEN:
                external.append(_string_pair(buf, a, b, budget))
            elif field == 14 and wire == VARINT:
                location = to_int32(a)
            elif field in (4, 5, 7, 10, 11):
                typed = True  # decoded only on demand, by values.tensor_values
    return Tensor(name, data_type, tuple(dims), location, tuple(external), raw, typed, tuple(spans), source)


def _string_pair(buf, start: int, stop: int, budget: _Budget) -> tuple[str, str]:
    """StringStringEntryProto: key(1), value(2)."""
    key = value = ""
    for field, wire, a, b in iter_fields(buf, start, stop):
        if field == 1 and wire == LEN:
            key = _text(buf, a, b, budget)
        elif field == 2 and wire == LEN:
            value = _text(buf, a, b, budget)
    return key, value


def _sparse_tensor(buf, start: int, stop: int, source: Source, budget: _Budget) -> SparseTensor:
    """SparseTensorProto: values(1) for name and type, dims(3); indices(2) is not read."""
    budget.take(1, start)
    values_spans = []
    dims: list[int] = []
    for field, wire, a, b in iter_fields(buf, start, stop):
        if field == 1 and wire == LEN:
            budget.take(1, a)
            values_spans.append((a, b))
        elif field == 3:
            if wire == VARINT:
                budget.take(1, a)
                dims.append(to_int64(a))
            elif wire == LEN:
                budget.take(b - a, a)
                dims.extend(to_int64(v) for v in packed_varints(buf, a, b))
    if values_spans:
        values = _tensor(buf, tuple(values_spans), source, budget)
        return SparseTensor(values.name, values.data_type, tuple(dims))
    return SparseTensor("", None, tuple(dims))


def _value_info(buf, start: int, stop: int, budget: _Budget) -> ValueInfo:
    """ValueInfoProto name(1), type(2) -> TypeProto."""
    budget.take(1, start)
    name = ""
    type_spans = []
    for field, wire, a, b in iter_fields(buf, start, stop):
        if field == 1 and wire == LEN:
            name = _text(buf, a, b, budget)
        elif field == 2 and wire == LEN:
            budget.take(1, a)
            type_spans.append((a, b))
    kind, elem_type, shape = _type(buf, type_spans, budget) if type_spans else (None, None, None)
    return ValueInfo(name, kind, elem_type, shape)


def _type(buf, spans, budget: _Budget):
    """TypeProto: a oneof whose last member set wins; only tensor_type(1) is decoded further."""
    kind = None
    tensor_spans: list = []
    for start, stop in spans:
        for field, wire, a, b in iter_fields(buf, start, stop):
            if wire == LEN and field in _TYPE_KINDS:
                if field != 1:
                    tensor_spans = []  # setting another oneof member clears tensor_type
                elif kind != "tensor":
                    tensor_spans = []
                kind = _TYPE_KINDS[field]
                if field == 1:
                    budget.take(1, a)
                    tensor_spans.append((a, b))
    if kind != "tensor":
        return kind, None, None
    # TypeProto.Tensor: elem_type(1), shape(2) -> TensorShapeProto.
    elem_type = None
    shape_spans = []
    for start, stop in tensor_spans:
        for field, wire, a, b in iter_fields(buf, start, stop):
            if field == 1 and wire == VARINT:
                elem_type = to_int32(a)
            elif field == 2 and wire == LEN:
                budget.take(1, a)
                shape_spans.append((a, b))
    shape = _shape(buf, shape_spans, budget) if shape_spans else None
    return kind, elem_type, shape


def _shape(buf, spans, budget: _Budget) -> tuple:
    """TensorShapeProto dim(1) -> Dimension: a oneof of dim_value(1) and dim_param(2)."""
    dims = []
    for start, stop in spans:
        for field, wire, a, b in iter_fields(buf, start, stop):
            if field != 1 or wire != LEN:
                continue
            budget.take(1, a)
            dim = None
            for f2, w2, a2, b2 in iter_fields(buf, a, b):
                if f2 == 1 and w2 == VARINT:
                    dim = to_int64(a2)
                elif f2 == 2 and w2 == LEN:
                    dim = _text(buf, a2, b2, budget)
            dims.append(dim)
    return tuple(dims)
