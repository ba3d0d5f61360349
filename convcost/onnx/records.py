"""Immutable records for the subset of onnx.proto that a cost analysis needs.

Field numbers of every message are those of onnx/onnx.proto (checked against onnx 1.23's copy); the
decoders that fill these records live in ``proto.py``.  Absent optional scalars are ``None`` (not
protobuf's 0 default) so that "not given" and "given as 0" stay distinguishable.
"""

from __future__ import annotations

from typing import Any, NamedTuple

# TensorProto.DataType values (onnx.proto) used in this package.
FLOAT, UINT8, INT8, UINT16, INT16, INT32, INT64, STRING, BOOL = 1, 2, 3, 4, 5, 6, 7, 8, 9
FLOAT16, DOUBLE, UINT32, UINT64, COMPLEX64, COMPLEX128, BFLOAT16 = 10, 11, 12, 13, 14, 15, 16

# TensorProto.DataLocation.
DEFAULT_LOCATION, EXTERNAL = 0, 1

# AttributeProto.AttributeType.
(ATTR_UNDEFINED, ATTR_FLOAT, ATTR_INT, ATTR_STRING, ATTR_TENSOR, ATTR_GRAPH,
 ATTR_FLOATS, ATTR_INTS, ATTR_STRINGS, ATTR_TENSORS, ATTR_GRAPHS) = range(11)


class TensorValueError(ValueError):
    """A tensor's values were asked for but can't be given: external, too large, unsupported type,
    or a payload whose size doesn't match its dims."""


class Source:
    """The buffer a model was decoded from (``bytes`` or a read-only ``mmap``), shared by its tensors.

    Compared by identity, and printed without its contents, so that records holding it stay cheap
    to compare and print.  ``close()`` unmaps the file; values of tensors can't be read after it."""

    __slots__ = ("buf", "path")

    def __init__(self, buf, path: str | None = None):
        self.buf = buf
        self.path = path

    def close(self) -> None:
        """Release the mapping (a no-op for ``bytes``)."""
        close = getattr(self.buf, "close", None)
        if close is not None:
            close()

    def __repr__(self) -> str:
        try:
            size = f"{len(self.buf)} bytes"
        except ValueError:  # a closed mmap has no length
            size = "closed"
        return f"Source({self.path or type(self.buf).__name__}, {size})"


class OpsetId(NamedTuple):
    """OperatorSetIdProto: domain(1), version(2). The default domain is ``""`` (ai.onnx)."""

    domain: str
    version: int


class ValueInfo(NamedTuple):
    """ValueInfoProto name(1) and type(2), flattened.

    ``kind`` is the TypeProto oneof member present: ``"tensor"`` (1), ``"sequence"`` (4), ``"map"`` (5),
    ``"opaque"`` (7), ``"sparse_tensor"`` (8), ``"optional"`` (9), or ``None`` when no type is given.
    ``elem_type`` and ``shape`` are filled only for tensors.  ``shape`` is ``None`` when the shape is
    unknown (no TensorShapeProto at all, i.e. unknown rank) and otherwise a tuple with one entry per
    dimension: an ``int`` (dim_value), a ``str`` (dim_param), or ``None`` (neither set)."""

    name: str
    kind: str | None
    elem_type: int | None
    shape: tuple[int | str | None, ...] | None


class Tensor(NamedTuple):
    """TensorProto: dims(1), data_type(2), name(8), raw_data(9), external_data(13), data_location(14).

    The payload is never copied at decode time.  ``raw_data`` is ``(offset, length)`` into the
    source buffer, or ``None``; typed payloads (float_data(4), int32_data(5), int64_data(7),
    double_data(10), uint64_data(11)) are only noted in ``has_typed_data`` and decoded on demand
    from ``spans``, the byte ranges of the TensorProto message itself (more than one if the message
    was given several times, which protobuf merges).  ``external_data`` holds the key/value pairs
    (location, offset, length, checksum) in file order."""

    name: str
    data_type: int
    dims: tuple[int, ...]
    data_location: int
    external_data: tuple[tuple[str, str], ...]
    raw_data: tuple[int, int] | None
    has_typed_data: bool
    spans: tuple[tuple[int, int], ...]
    source: Source

    @property
    def is_external(self) -> bool:
        """True if the data lives in another file (data_location EXTERNAL, or external_data given)."""
        return self.data_location == EXTERNAL or bool(self.external_data)

    @property
    def element_count(self) -> int:
        """The product of ``dims`` (1 for a scalar); may be huge, it is only arithmetic."""
        n = 1
        for d in self.dims:
            n *= d
        return n

    def raw_view(self) -> memoryview | None:
        """A zero-copy view of raw_data, or ``None``.  While it lives, the source mmap can't be closed."""
        if self.raw_data is None:
            return None
        offset, length = self.raw_data
        return memoryview(self.source.buf)[offset:offset + length]


class SparseTensor(NamedTuple):
    """SparseTensorProto: the name and data type of values(1), and dims(3). No payload is read."""

    name: str
    data_type: int | None
    dims: tuple[int, ...]


class Attribute(NamedTuple):
    """AttributeProto: name(1), type(20), f(2), i(3), s(4), t(5), g(6), floats(7), ints(8),
    strings(9), tensors(10), graphs(11), ref_attr_name(21).

    Absent singular fields are ``None``; repeated ones are empty tuples.  ``f``/``floats`` are Python
    floats holding float32 values exactly (``Fraction(f)`` is exact).  ``s``/``strings`` are bytes."""

    name: str
    type: int
    f: float | None
    i: int | None
    s: bytes | None
    t: Tensor | None
    g: Graph | None
    floats: tuple[float, ...]
    ints: tuple[int, ...]
    strings: tuple[bytes, ...]
    tensors: tuple[Tensor, ...]
    graphs: tuple[Graph, ...]
    ref_attr_name: str

    @property
    def value(self) -> Any:
        """The field that ``type`` selects, with protobuf's defaults for an absent scalar
        (as ``onnx.helper.get_attribute_value`` does); ``None`` for an unknown type."""
        t = self.type
        if t == ATTR_FLOAT:
            return 0.0 if self.f is None else self.f
        if t == ATTR_INT:
            return 0 if self.i is None else self.i
        if t == ATTR_STRING:
            return b"" if self.s is None else self.s
        if t == ATTR_TENSOR:
            return self.t
        if t == ATTR_GRAPH:
            return self.g
        return {ATTR_FLOATS: self.floats, ATTR_INTS: self.ints, ATTR_STRINGS: self.strings,
                ATTR_TENSORS: self.tensors, ATTR_GRAPHS: self.graphs}.get(t)


class Node(NamedTuple):
    """NodeProto: input(1), output(2), name(3), op_type(4), attribute(5), domain(7).

    Empty strings in ``inputs`` mean an omitted optional input, as in ONNX."""

    name: str
    op_type: str
    domain: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    attributes: tuple[Attribute, ...]

    def attribute(self, name: str) -> Attribute | None:
        """The attribute called ``name`` (the last one if repeated), or ``None``."""
        found = None
        for a in self.attributes:
            if a.name == name:
                found = a
        return found


class Graph(NamedTuple):
    """GraphProto: node(1), name(2), initializer(5), input(11), output(12), value_info(13),
    sparse_initializer(15).  doc_string(10) and the rest are skipped unread."""

    name: str
    nodes: tuple[Node, ...]
    initializers: tuple[Tensor, ...]
    sparse_initializers: tuple[SparseTensor, ...]
    inputs: tuple[ValueInfo, ...]
    outputs: tuple[ValueInfo, ...]
    value_infos: tuple[ValueInfo, ...]


class Model(NamedTuple):
    """ModelProto: ir_version(1), producer_name(2), producer_version(3), graph(7), opset_import(8).

    ``graph`` is ``None`` if the file has none (an empty file is a valid, empty ModelProto)."""

    ir_version: int | None
    producer_name: str
    producer_version: str
    opset_imports: tuple[OpsetId, ...]
    graph: Graph | None
    source: Source
