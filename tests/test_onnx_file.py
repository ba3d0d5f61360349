"""read_model on files: mmap and plain reads, the size limit, external data whose file is gone."""

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper
from onnx_normalize import o_model, r_model

from convcost import onnx as onnxwire
from convcost.onnx.values import tensor_values


def _conv_model():
    weights = np.random.default_rng(1).standard_normal((64, 3, 7, 7)).astype(np.float32)
    w = numpy_helper.from_array(weights, "w")
    b = numpy_helper.from_array(np.zeros(64, np.float32), "b")
    shape = numpy_helper.from_array(np.array([1, -1], np.int64), "shape")
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], kernel_shape=[7, 7], strides=[2, 2],
                              pads=[3] * 4),
             helper.make_node("Reshape", ["c", "shape"], ["y"])]
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 224, 224])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    g = helper.make_graph(nodes, "g", [x], [y], [w, b, shape])
    return helper.make_model(g)


@pytest.mark.parametrize("use_mmap", [True, False])
def test_read_model_matches_onnx_load(tmp_path, use_mmap):
    p = tmp_path / "m.onnx"
    onnx.save_model(_conv_model(), p)
    m = onnxwire.read_model(p, use_mmap=use_mmap)
    assert r_model(m) == o_model(onnx.load(p))
    assert m.source.path == str(p)
    w = m.graph.initializers[0]
    assert w.dims == (64, 3, 7, 7) and w.raw_data[1] == 64 * 3 * 7 * 7 * 4
    assert tensor_values(m.graph.initializers[2]) == (1, -1)
    m.source.close()


def test_size_limit(tmp_path):
    p = tmp_path / "m.onnx"
    onnx.save_model(_conv_model(), p)
    size = p.stat().st_size
    with pytest.raises(ValueError, match="raise max_bytes"):
        onnxwire.read_model(p, max_bytes=size - 1)
    assert onnxwire.read_model(p, max_bytes=size).graph.name == "g"


def test_empty_and_missing_files(tmp_path):
    p = tmp_path / "empty.onnx"
    p.write_bytes(b"")
    assert onnxwire.read_model(p).graph is None
    with pytest.raises(FileNotFoundError):
        onnxwire.read_model(tmp_path / "nope.onnx")


def test_external_data_with_the_data_file_deleted(tmp_path):
    p = tmp_path / "ext.onnx"
    onnx.save_model(_conv_model(), p, save_as_external_data=True, all_tensors_to_one_file=True,
                    location="weights.data", size_threshold=100)
    (tmp_path / "weights.data").unlink()
    m = onnxwire.read_model(p)
    assert r_model(m) == o_model(onnx.load(p, load_external_data=False))
    w, b, shape = m.graph.initializers
    assert w.is_external and w.data_location == onnxwire.records.EXTERNAL and w.raw_data is None
    keys = dict(w.external_data)
    assert keys["location"] == "weights.data" and "offset" in keys
    assert int(keys["length"]) == 64 * 3 * 7 * 7 * 4
    assert w.dims == (64, 3, 7, 7) and w.data_type == TensorProto.FLOAT
    with pytest.raises(onnxwire.TensorValueError, match="external file"):
        tensor_values(w, limit=10**9)
    assert b.is_external  # 256 bytes > threshold
    assert not shape.is_external and tensor_values(shape) == (1, -1)  # 16 bytes stay inline
