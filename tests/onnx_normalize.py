"""Bring onnx's protobuf objects and onnxwire's records to one comparable plain form."""

from fractions import Fraction

import numpy as np
from onnx import helper, numpy_helper
from onnx.external_data_helper import uses_external_data

from convcost.onnx.values import tensor_values

SMALL = 4096
VALUE_TYPES = (1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 16)


def _readable(dims, count, data_type):
    """Whether both readers should be able to give this tensor's values."""
    return 0 <= count <= SMALL and min(dims, default=0) >= 0 and data_type in VALUE_TYPES


def exact(values):
    """numpy values as ints or Fractions (floats that are not finite are kept as floats)."""
    out = []
    for v in np.asarray(values).reshape(-1).tolist():
        if isinstance(v, float):
            out.append(Fraction(v) if np.isfinite(v) else v)
        else:
            out.append(int(v))
    return tuple(out)


# ---- onnx side -------------------------------------------------------------------------------

def o_tensor(t):
    ext = uses_external_data(t) or len(t.external_data) > 0
    count = int(np.prod(t.dims)) if t.dims else 1
    vals = None
    if not ext and _readable(t.dims, count, t.data_type):
        arr = numpy_helper.to_array(t)
        vals = exact(arr.astype(np.float64) if t.data_type in (10, 16) else arr)
    return dict(name=t.name, data_type=t.data_type, dims=tuple(t.dims), location=t.data_location,
                external=tuple((e.key, e.value) for e in t.external_data),
                raw_len=len(t.raw_data) if t.HasField("raw_data") else None, values=vals)


def o_attr(a):
    d = dict(name=a.name, type=a.type,
             f=a.f if a.HasField("f") else None, i=a.i if a.HasField("i") else None,
             s=a.s if a.HasField("s") else None,
             t=o_tensor(a.t) if a.HasField("t") else None, g=o_graph(a.g) if a.HasField("g") else None,
             floats=tuple(a.floats), ints=tuple(a.ints), strings=tuple(a.strings),
             tensors=tuple(o_tensor(t) for t in a.tensors), graphs=tuple(o_graph(g) for g in a.graphs))
    return d


def o_vi(v):
    kind = v.type.WhichOneof("value") if v.HasField("type") else None
    kind = {"tensor_type": "tensor", "sequence_type": "sequence", "map_type": "map",
            "optional_type": "optional", "sparse_tensor_type": "sparse_tensor",
            "opaque_type": "opaque"}.get(kind, kind)
    elem = shape = None
    if kind == "tensor":
        tt = v.type.tensor_type
        elem = tt.elem_type if tt.HasField("elem_type") else None
        if tt.HasField("shape"):
            shape = tuple(getattr(d, d.WhichOneof("value")) if d.WhichOneof("value") else None
                          for d in tt.shape.dim)
    return (v.name, kind, elem, shape)


def o_node(n):
    return dict(name=n.name, op_type=n.op_type, domain=n.domain, inputs=tuple(n.input),
                outputs=tuple(n.output), attrs=tuple(o_attr(a) for a in n.attribute))


def o_graph(g):
    return dict(name=g.name, nodes=tuple(o_node(n) for n in g.node),
                inits=tuple(o_tensor(t) for t in g.initializer),
                sparse=tuple((s.values.name, s.values.data_type if s.HasField("values") else None,
                              tuple(s.dims)) for s in g.sparse_initializer),
                inputs=tuple(o_vi(v) for v in g.input), outputs=tuple(o_vi(v) for v in g.output),
                infos=tuple(o_vi(v) for v in g.value_info))


def o_model(m):
    return dict(ir=m.ir_version if m.HasField("ir_version") else None, producer=m.producer_name,
                producer_version=m.producer_version,
                opsets=tuple((o.domain, o.version) for o in m.opset_import),
                graph=o_graph(m.graph) if m.HasField("graph") else None)


# ---- onnxwire side ---------------------------------------------------------------------------

def r_tensor(t):
    vals = None
    count = t.element_count
    if not t.is_external and _readable(t.dims, count, t.data_type):
        vals = tensor_values(t, limit=SMALL)
    return dict(name=t.name, data_type=t.data_type, dims=t.dims, location=t.data_location,
                external=t.external_data, raw_len=t.raw_data[1] if t.raw_data else None, values=vals)


def r_attr(a):
    return dict(name=a.name, type=a.type, f=a.f, i=a.i, s=a.s,
                t=r_tensor(a.t) if a.t else None, g=r_graph(a.g) if a.g else None,
                floats=a.floats, ints=a.ints, strings=a.strings,
                tensors=tuple(r_tensor(t) for t in a.tensors), graphs=tuple(r_graph(g) for g in a.graphs))


def r_vi(v):
    return (v.name, v.kind, v.elem_type, v.shape)


def r_node(n):
    return dict(name=n.name, op_type=n.op_type, domain=n.domain, inputs=n.inputs, outputs=n.outputs,
                attrs=tuple(r_attr(a) for a in n.attributes))


def r_graph(g):
    return dict(name=g.name, nodes=tuple(r_node(n) for n in g.nodes),
                inits=tuple(r_tensor(t) for t in g.initializers),
                sparse=tuple((s.name, s.data_type, s.dims) for s in g.sparse_initializers),
                inputs=tuple(r_vi(v) for v in g.inputs), outputs=tuple(r_vi(v) for v in g.outputs),
                infos=tuple(r_vi(v) for v in g.value_infos))


def r_model(m):
    return dict(ir=m.ir_version, producer=m.producer_name, producer_version=m.producer_version,
                opsets=m.opset_imports and tuple(tuple(o) for o in m.opset_imports),
                graph=r_graph(m.graph) if m.graph else None)


def assert_same(model_proto_or_bytes):
    """Decode with both onnx and onnxwire and compare everything onnxwire records."""
    import onnx

    from convcost import onnx as onnxwire

    data = model_proto_or_bytes
    if not isinstance(data, (bytes, bytearray)):
        data = data.SerializeToString()
    ref = onnx.ModelProto()
    ref.ParseFromString(bytes(data))
    ours = onnxwire.decode_model(bytes(data))
    assert r_model(ours) == o_model(ref)
    return ours, ref


__all__ = ["assert_same", "exact", "helper"]
