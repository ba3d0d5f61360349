"""Corrupted model files: decoding must end quickly in a parse or a WireError, nothing else."""

import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from onnx import TensorProto, helper, numpy_helper

from convcost import onnx as onnxwire
from convcost.onnx.values import tensor_values


def _real_model_bytes():
    """A model using most of what the reader decodes: raw/typed tensors, every attribute kind,
    a subgraph, value infos with dim_param, and a Constant."""
    then_g = helper.make_graph(
        [helper.make_node("Constant", [], ["t"], value=numpy_helper.from_array(np.array([1.0], np.float32)))],
        "then", [], [helper.make_tensor_value_info("t", TensorProto.FLOAT, [1])])
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], kernel_shape=[3, 3], pads=[1, 1, 1, 1], name="conv"),
        helper.make_node("Constant", [], ["s"], value=numpy_helper.from_array(np.array([1, -1], np.int64))),
        helper.make_node("Reshape", ["c", "s"], ["r"]),
        helper.make_node("Resize", ["r", "", "scales"], ["z"], mode="nearest"),
        helper.make_node("Clip", ["z"], ["y"], min=-1.0, max=6.0),
        helper.make_node("If", ["cond"], ["o"], then_branch=then_g, else_branch=then_g),
        helper.make_node("Custom", [], ["q"], domain="x", fs=[0.5, 2.0], ss=[b"a"],
                         ts=[numpy_helper.from_array(np.array([3], np.int32))], gs=[then_g]),
    ]
    inits = [numpy_helper.from_array(np.ones((4, 3, 3, 3), np.float32), "w"),
             helper.make_tensor("scales", TensorProto.FLOAT, [4], [1.0, 1.0, 2.0, 2.0]),
             helper.make_tensor("d", TensorProto.DOUBLE, [2], [0.5, 0.25]),
             helper.make_tensor("i", TensorProto.INT32, [2], [-3, 4])]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 8, 8])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    g = helper.make_graph(nodes, "fuzz", [x], [y], inits,
                          value_info=[helper.make_tensor_value_info("c", TensorProto.FLOAT, ["N", 4, 8, 8])])
    return helper.make_model(g).SerializeToString()


MODEL = _real_model_bytes()


def _walk_tensors(graph):
    yield from graph.initializers
    for n in graph.nodes:
        for a in n.attributes:
            if a.t is not None:
                yield a.t
            yield from a.tensors
            for g in ((a.g,) if a.g else ()) + a.graphs:
                yield from _walk_tensors(g)


def _decode_fully(data):
    """Decode and ask every tensor for its values; only the two documented errors may come out."""
    start = time.perf_counter()
    try:
        m = onnxwire.decode_model(data)
    except onnxwire.WireError as e:
        assert 0 <= e.offset <= len(data)
        return
    finally:
        assert time.perf_counter() - start < 1.0
    if m.graph is not None:
        for t in _walk_tensors(m.graph):
            try:
                tensor_values(t)
            except (onnxwire.TensorValueError, onnxwire.WireError):
                pass


def test_the_seed_model_decodes():
    m = onnxwire.decode_model(MODEL)
    assert [n.op_type for n in m.graph.nodes][:3] == ["Conv", "Constant", "Reshape"]
    assert tensor_values(m.graph.initializers[1]) == (1, 1, 2, 2)


def test_every_truncation():
    for cut in range(len(MODEL)):
        _decode_fully(MODEL[:cut])


FUZZ = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.lists(st.tuples(st.integers(0, len(MODEL) - 1), st.integers(0, 255)), min_size=1, max_size=8),
       st.integers(0, len(MODEL)))
def test_byte_flips_and_truncations(flips, cut):
    data = bytearray(MODEL)
    for pos, value in flips:
        data[pos] = value
    _decode_fully(bytes(data[:cut]))


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes(data):
    _decode_fully(data)


@pytest.mark.parametrize("seed", range(3))
def test_mutations_of_a_real_file_through_mmap(tmp_path, seed):
    rng = np.random.default_rng(seed)
    for k in range(50):
        data = bytearray(MODEL)
        for pos in rng.integers(0, len(data), 4):
            data[pos] ^= 1 << int(rng.integers(0, 8))
        p = tmp_path / f"m{k}.onnx"
        p.write_bytes(data)
        try:
            onnxwire.read_model(p).source.close()
        except onnxwire.WireError:
            pass
