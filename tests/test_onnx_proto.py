"""convcost.onnx (the reader) against onnx's own parser, on models built with onnx.helper and on
hand-made encodings."""

from fractions import Fraction

import numpy as np
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnx_normalize import assert_same
from pbenc import f_double, f_float, f_len, f_str, f_varint, packed_floats, packed_varints, tag, varint

from convcost import onnx as onnxwire
from convcost.onnx.records import ATTR_GRAPH, ATTR_GRAPHS, ATTR_INTS, ATTR_TENSOR
from convcost.onnx.values import tensor_values


def _model(nodes, inits=(), inputs=None, outputs=None, value_info=(), sparse=(), opset=17):
    inputs = inputs if inputs is not None else [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])]
    outputs = outputs if outputs is not None else [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])]
    g = helper.make_graph(nodes, "main", inputs, outputs, list(inits), value_info=list(value_info),
                          sparse_initializer=list(sparse))
    return helper.make_model(g, producer_name="tests", producer_version="1.2",
                             opset_imports=[helper.make_opsetid("", opset), helper.make_opsetid("com.x", 3)])


def _branch(name, value):
    c = helper.make_node("Constant", [], [name + "_out"], value=numpy_helper.from_array(
        np.array([value], np.float32), name + "_c"))
    out = helper.make_tensor_value_info(name + "_out", TensorProto.FLOAT, [1])
    return helper.make_graph([c], name, [], [out])


def test_every_attribute_type():
    t_small = numpy_helper.from_array(np.arange(6, dtype=np.int64).reshape(2, 3), "ts")
    attrs = dict(
        af=1.5, ai=-7, ai_big=-(2**63), ai_max=2**63 - 1, as_=b"hello\x00\xff", at=t_small,
        ag=_branch("b0", 1.0), afs=[0.1, -2.5, 3e38], ais=[1, -1, 2**40, -(2**63)],
        ass=[b"a", b"", "é".encode()],
        ats=[t_small, numpy_helper.from_array(np.array([1.25], np.float64), "td")],
        ags=[_branch("b1", 2.0), _branch("b2", 3.0)],
    )
    node = helper.make_node("Custom", ["x", "", "z"], ["y", "w"], name="n0", domain="com.x", **attrs)
    ours, _ = assert_same(_model([node]))
    n = ours.graph.nodes[0]
    assert n.inputs == ("x", "", "z") and n.domain == "com.x" and n.name == "n0"
    assert n.attribute("af").value == 1.5 and n.attribute("ai").value == -7
    assert n.attribute("ai_big").value == -(2**63) and n.attribute("ai_max").value == 2**63 - 1
    assert n.attribute("as_").value == b"hello\x00\xff"
    assert n.attribute("at").type == ATTR_TENSOR
    assert tensor_values(n.attribute("at").value) == (0, 1, 2, 3, 4, 5)
    assert n.attribute("ag").value.nodes[0].op_type == "Constant"
    assert n.attribute("afs").value == tuple(float(np.float32(v)) for v in [0.1, -2.5, 3e38])
    assert n.attribute("ais").type == ATTR_INTS and n.attribute("ais").value == (1, -1, 2**40, -(2**63))
    assert tensor_values(n.attribute("ats").value[1]) == (Fraction(5, 4),)
    assert n.attribute("ags").type == ATTR_GRAPHS
    assert [g.name for g in n.attribute("ags").value] == ["b1", "b2"]
    assert n.attribute("missing") is None


def test_model_header_and_value_infos():
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 224, 224]),
              helper.make_tensor_value_info("scalar", TensorProto.INT64, []),
              helper.make_tensor_value_info("unknown_rank", TensorProto.FLOAT16, None),
              helper.make_tensor_value_info("anon", TensorProto.FLOAT, [None, 5]),
              helper.make_tensor_sequence_value_info("seq", TensorProto.FLOAT, [2])]
    vi = [helper.make_tensor_value_info("mid", TensorProto.DOUBLE, ["batch", "seq+1"])]
    ours, _ = assert_same(_model([helper.make_node("Relu", ["x"], ["y"])], inputs=inputs, value_info=vi))
    assert ours.ir_version is not None and ours.producer_name == "tests" and ours.producer_version == "1.2"
    assert ours.opset_imports == (("", 17), ("com.x", 3))
    vis = {v.name: v for v in ours.graph.inputs}
    assert vis["x"].shape == ("N", 3, 224, 224) and vis["x"].elem_type == TensorProto.FLOAT
    assert vis["scalar"].shape == () and vis["unknown_rank"].shape is None
    assert vis["anon"].shape == (None, 5) and vis["seq"].kind == "sequence" and vis["seq"].shape is None
    assert ours.graph.value_infos[0].shape == ("batch", "seq+1")


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64, np.int32, np.int16, np.uint16,
                                   np.int8, np.uint8, np.bool_, np.float16, np.uint32, np.uint64])
@pytest.mark.parametrize("raw", [True, False])
def test_tensor_values_raw_and_typed(dtype, raw):
    rng = np.random.default_rng(0)
    if dtype == np.bool_:
        arr = rng.integers(0, 2, (3, 4)).astype(bool)
    elif np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        arr = np.concatenate([rng.integers(info.min, info.max, 10, dtype=dtype, endpoint=True),
                              np.array([info.min, info.max, 0], dtype)]).reshape(13, 1)
    else:
        arr = np.concatenate([rng.standard_normal(10), [0.1, -0.0, 1e-30]]).astype(dtype).reshape(13, 1)
    if raw:
        t = numpy_helper.from_array(arr, "t")
        assert t.HasField("raw_data")
    else:
        onnx_type = helper.np_dtype_to_tensor_dtype(arr.dtype)
        t = helper.make_tensor("t", onnx_type, arr.shape, arr.reshape(-1).tolist())
        assert not t.HasField("raw_data")
    ours, _ = assert_same(_model([helper.make_node("Identity", ["x"], ["y"])], inits=[t]))
    got = tensor_values(ours.graph.initializers[0])
    assert len(got) == arr.size
    if arr.dtype.kind == "f":
        assert got == tuple(Fraction(float(v)) for v in arr.reshape(-1))
    else:
        assert got == tuple(int(v) for v in arr.reshape(-1))


def test_bfloat16_and_non_finite():
    t = helper.make_tensor("bf", TensorProto.BFLOAT16, [3], [1.0, -2.5, 0.15625])
    inf = numpy_helper.from_array(np.array([np.inf, -np.inf, 6.0], np.float32), "clip")
    ours, _ = assert_same(_model([helper.make_node("Identity", ["x"], ["y"])], inits=[t, inf]))
    bf, clip = ours.graph.initializers
    assert tensor_values(bf) == (1, Fraction(-5, 2), Fraction(5, 32))
    got = tensor_values(clip)
    assert got[0] == float("inf") and got[1] == float("-inf") and got[2] == 6


def test_constant_nodes_and_scalars():
    shape = numpy_helper.from_array(np.array([1, -1], np.int64), "shape_c")
    scalar = numpy_helper.from_array(np.array(0.5, np.float32), "half")
    nodes = [helper.make_node("Constant", [], ["s"], value=shape),
             helper.make_node("Constant", [], ["h"], value=scalar),
             helper.make_node("Constant", [], ["vi"], value_ints=[3, 4]),
             helper.make_node("Reshape", ["x", "s"], ["y"])]
    ours, _ = assert_same(_model(nodes))
    assert tensor_values(ours.graph.nodes[0].attribute("value").t) == (1, -1)
    half = ours.graph.nodes[1].attribute("value").t
    assert half.dims == () and tensor_values(half) == (Fraction(1, 2),)
    assert ours.graph.nodes[2].attribute("value_ints").ints == (3, 4)


def test_subgraph_attributes_if_and_loop():
    then_g, else_g = _branch("then", 1.0), _branch("else", 0.0)
    if_node = helper.make_node("If", ["cond"], ["y"], then_branch=then_g, else_branch=else_g)
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("If", ["cond_in"], ["v"], then_branch=_branch("inner_t", 5.0),
                          else_branch=_branch("inner_e", 6.0))],
        "body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, [])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v", TensorProto.FLOAT, [1])])
    loop = helper.make_node("Loop", ["M", "cond"], ["z"], body=body)
    ours, _ = assert_same(_model([if_node, loop]))
    iff, lp = ours.graph.nodes
    assert iff.attribute("then_branch").type == ATTR_GRAPH
    assert tensor_values(iff.attribute("then_branch").g.nodes[0].attribute("value").t) == (1,)
    inner = lp.attribute("body").g.nodes[1].attribute("else_branch").g
    assert inner.name == "inner_e" and tensor_values(inner.nodes[0].attribute("value").t) == (6,)


def _nested_graph_bytes(depth):
    """A GraphProto holding a node whose attribute g nests ``depth`` more graphs."""
    g = f_str(2, "leaf")
    for k in range(depth):
        attr = f_str(1, "body") + f_varint(20, ATTR_GRAPH) + f_len(6, g)
        node = f_str(4, "Loop") + f_len(5, attr)
        g = f_len(1, node) + f_str(2, f"g{k}")
    return g


def test_graph_depth_is_bounded():
    ok = f_len(7, _nested_graph_bytes(onnxwire.MAX_GRAPH_DEPTH))
    m = onnxwire.decode_model(ok)
    assert m.graph.name == f"g{onnxwire.MAX_GRAPH_DEPTH - 1}"
    with pytest.raises(onnxwire.WireError, match="nested deeper"):
        onnxwire.decode_model(f_len(7, _nested_graph_bytes(onnxwire.MAX_GRAPH_DEPTH + 1)))
    # Far deeper than Python's recursion limit still fails cleanly.
    with pytest.raises(onnxwire.WireError):
        onnxwire.decode_model(f_len(7, _nested_graph_bytes(2000)))


def test_packed_and_unpacked_encodings_onnx_never_writes():
    """onnx (proto2) writes attribute ints and dims unpacked and *_data packed; accept the opposite."""
    tensor_unpacked = (f_varint(2, TensorProto.FLOAT) + f_varint(1, 3) + f_str(8, "fu")
                       + f_float(4, 1.5) + f_float(4, -2.0) + f_float(4, 0.25))
    tensor_i64 = (packed_varints(1, [2, 2]) + f_varint(2, TensorProto.INT64) + f_str(8, "iu")
                  + f_varint(7, -5) + packed_varints(7, [6, -(2**62)]) + f_varint(7, 9))
    tensor_d = (f_varint(1, 2) + f_varint(2, TensorProto.DOUBLE) + f_str(8, "du")
                + f_double(10, 0.1) + packed_floats(10, [3.5], "d"))
    tensor_i32 = (f_varint(1, 3) + f_varint(2, TensorProto.INT32) + f_str(8, "i32")
                  + f_varint(5, -1) + packed_varints(5, [2**31 - 1, -(2**31)]))
    attr_ints = f_str(1, "pads") + f_varint(20, ATTR_INTS) + packed_varints(8, [1, 2, -3]) + f_varint(8, 4)
    attr_floats = (f_str(1, "scales") + f_varint(20, 6) + packed_floats(7, [1.0, 2.0]) + f_float(7, 0.5))
    node = f_str(4, "Pad") + f_str(1, "x") + f_str(2, "y") + f_len(5, attr_ints) + f_len(5, attr_floats)
    graph = (f_len(1, node) + f_str(2, "g") + f_len(5, tensor_unpacked) + f_len(5, tensor_i64)
             + f_len(5, tensor_d) + f_len(5, tensor_i32))
    data = f_varint(1, 8) + f_len(7, graph)
    ours, ref = assert_same(data)
    a = ours.graph.nodes[0].attributes
    assert a[0].ints == (1, 2, -3, 4) and a[1].floats == (1.0, 2.0, 0.5)
    vals = [tensor_values(t) for t in ours.graph.initializers]
    assert vals == [(Fraction(3, 2), -2, Fraction(1, 4)), (-5, 6, -(2**62), 9),
                    (Fraction(0.1), Fraction(7, 2)),
                    (-1, 2**31 - 1, -(2**31))]


def test_unknown_fields_and_wrong_wire_types_are_skipped():
    node = (f_str(4, "Relu") + f_str(1, "x") + f_str(2, "y")
            + f_varint(4, 99)  # op_type with a varint wire type: protobuf treats it as unknown
            + f_varint(1000, 5) + f_double(999, 1.0) + f_float(998, 1.0) + f_len(50000, b"\xff\xff")
            + f_str(6, "doc"))
    data = f_len(7, f_len(1, node) + f_str(10, "graph doc")) + f_len(100, b"junk") + f_varint(1, 9)
    ours, _ = assert_same(data)
    assert ours.graph.nodes[0].op_type == "Relu" and ours.ir_version == 9


def test_repeated_singular_fields_merge_like_protobuf():
    """Concatenated ModelProtos merge: scalars last-wins, singular messages merged, repeated appended."""
    m1 = _model([helper.make_node("Relu", ["x"], ["y"])])
    m2 = _model([helper.make_node("Sigmoid", ["y"], ["z"])], opset=19)
    m2.producer_name = "second"
    ours, _ = assert_same(m1.SerializeToString() + m2.SerializeToString())
    assert [n.op_type for n in ours.graph.nodes] == ["Relu", "Sigmoid"]
    assert ours.producer_name == "second" and len(ours.opset_imports) == 4
    # A Constant's tensor attribute given twice merges: dims from one half, data from the other.
    t1 = f_varint(2, TensorProto.INT64) + f_varint(1, 2)
    t2 = packed_varints(7, [4, 5]) + f_str(8, "merged")
    attr = f_str(1, "value") + f_varint(20, ATTR_TENSOR) + f_len(5, t1) + f_len(5, t2)
    data = f_len(7, f_len(1, f_str(4, "Constant") + f_str(2, "c") + f_len(5, attr)))
    ours, _ = assert_same(data)
    t = ours.graph.nodes[0].attributes[0].t
    assert t.name == "merged" and t.dims == (2,) and tensor_values(t) == (4, 5)


def test_sparse_initializer_records_name_and_dims():
    values = numpy_helper.from_array(np.array([1.0, 2.0], np.float32), "sp")
    indices = numpy_helper.from_array(np.array([0, 7], np.int64), "sp_idx")
    sparse = helper.make_sparse_tensor(values, indices, [10])
    ours, _ = assert_same(_model([helper.make_node("Identity", ["x"], ["y"])], sparse=[sparse]))
    assert tuple(ours.graph.sparse_initializers[0]) == ("sp", TensorProto.FLOAT, (10,))


def _bare(name, data_type, dims, raw=None, int64_data=None):
    """A TensorProto built by hand: helper.make_tensor refuses inconsistent ones."""
    t = TensorProto(name=name, data_type=data_type, dims=dims)
    if raw is not None:
        t.raw_data = raw
    if int64_data is not None:
        t.int64_data.extend(int64_data)
    return t


def test_ten_gigabyte_claimed_tensor_costs_nothing():
    huge = _bare("huge", TensorProto.FLOAT, [10**10])
    neg = _bare("neg", TensorProto.INT64, [-3])
    ours, _ = assert_same(_model([helper.make_node("Identity", ["x"], ["y"])], inits=[huge, neg]))
    t, n = ours.graph.initializers
    assert t.dims == (10**10,) and t.element_count == 10**10 and t.raw_data is None
    with pytest.raises(onnxwire.TensorValueError, match="exceed the limit"):
        tensor_values(t)
    with pytest.raises(onnxwire.TensorValueError, match="negative"):
        tensor_values(n)


def test_inconsistent_payloads_are_value_errors():
    short_raw = _bare("r", TensorProto.INT64, [3], raw=b"\x00" * 16)
    short_typed = _bare("t", TensorProto.INT64, [3], int64_data=[1, 2])
    no_data = _bare("n", TensorProto.INT64, [2])
    strings = helper.make_tensor("s", TensorProto.STRING, [1], [b"a"])
    m = _model([helper.make_node("Identity", ["x"], ["y"])], inits=[short_raw, short_typed, no_data, strings])
    inits = onnxwire.decode_model(m.SerializeToString()).graph.initializers
    messages = ["raw_data has 16 bytes", "2 elements stored", "0 elements stored", "data type 8"]
    for t, msg in zip(inits, messages, strict=True):
        with pytest.raises(onnxwire.TensorValueError, match=msg):
            tensor_values(t)


def test_raw_view_is_zero_copy():
    arr = np.arange(1000, dtype=np.float32)
    data = _model([helper.make_node("Identity", ["x"], ["y"])],
                  inits=[numpy_helper.from_array(arr, "w")]).SerializeToString()
    t = onnxwire.decode_model(data).graph.initializers[0]
    view = t.raw_view()
    assert view.obj is data and np.array_equal(np.frombuffer(view, np.float32), arr)


def test_empty_input_is_an_empty_model():
    m = onnxwire.decode_model(b"")
    assert m.graph is None and m.ir_version is None and m.opset_imports == ()


def test_varint_prefix_in_tags_and_lengths():
    """Non-minimal (padded) varints are legal protobuf; onnx's parser accepts them and so do we."""
    padded_tag = bytes([0x3A | 0x80, 0x00])  # field 7, LEN, tag padded to 2 bytes
    graph = f_str(2, "g")
    data = padded_tag + bytes([len(graph) | 0x80, 0x80, 0x00]) + graph
    ours, _ = assert_same(data)
    assert ours.graph.name == "g"
    assert tag(7, 2) == b"\x3a" and varint(300) == b"\xac\x02"


def test_function_attribute_references_and_odd_sparse_encodings():
    ref = helper.make_attribute_ref("alpha", 1)
    node = helper.make_node("LeakyRelu", ["x"], ["y"])
    node.attribute.append(ref)
    ours, _ = assert_same(_model([node]))
    a = ours.graph.nodes[0].attributes[0]
    assert a.ref_attr_name == "alpha" and a.f is None and a.value == 0.0
    # Sparse initializer: dims packed, and one with no values tensor at all.
    data = f_len(7, f_len(15, packed_varints(3, [4, 5])) + f_len(15, f_varint(3, 2)))
    ours, _ = assert_same(data)
    assert [tuple(s) for s in ours.graph.sparse_initializers] == [("", None, (4, 5)), ("", None, (2,))]


def test_source_repr_and_raw_view_absent(tmp_path):
    t = helper.make_tensor("t", TensorProto.INT64, [2], [1, 2])
    p = tmp_path / "m.onnx"
    p.write_bytes(_model([helper.make_node("Identity", ["x"], ["y"])], inits=[t]).SerializeToString())
    m = onnxwire.read_model(p)
    assert m.graph.initializers[0].raw_view() is None and m.graph.initializers[0].has_typed_data
    assert repr(m.source) == f"Source({p}, {p.stat().st_size} bytes)"
    m.source.close()
    assert repr(m.source) == f"Source({p}, closed)"


def test_the_record_budget_bounds_memory():
    """A node costs a few bytes to encode and about a hundred times that as a record: the budget
    refuses a file of many tiny records before they fill memory."""
    empty_nodes = f_len(7, f_len(1, b"") * 1000)
    assert len(onnxwire.decode_model(empty_nodes, max_records=1001).graph.nodes) == 1000  # and the graph
    with pytest.raises(onnxwire.BudgetExceeded, match="more than 1000 records"):
        onnxwire.decode_model(empty_nodes, max_records=1000)
    many_ints = f_len(7, f_len(1, f_len(5, f_str(1, "pads") + packed_varints(8, [1] * 5000))))
    with pytest.raises(onnxwire.BudgetExceeded):
        onnxwire.decode_model(many_ints, max_records=4000)
    long_name = f_len(7, f_len(1, f_str(3, "n" * 64 * 100)))
    with pytest.raises(onnxwire.BudgetExceeded):
        onnxwire.decode_model(long_name, max_records=50)


def test_typed_data_longer_than_its_dims_is_refused_before_decoding():
    tensor = (f_varint(1, 2) + f_varint(2, TensorProto.INT64) + f_str(8, "t")
              + packed_varints(7, list(range(10**4))))
    t = onnxwire.decode_model(f_len(7, f_len(5, tensor))).graph.initializers[0]
    with pytest.raises(onnxwire.TensorValueError, match="more elements stored than dims"):
        tensor_values(t)
    floats = f_varint(1, 2) + f_varint(2, TensorProto.FLOAT) + packed_floats(4, [1.0] * 3)
    with pytest.raises(onnxwire.TensorValueError, match="more elements stored"):
        tensor_values(onnxwire.decode_model(f_len(7, f_len(5, floats))).graph.initializers[0])
