"""Small ONNX models for the tests, built with onnx.helper (the `onnx` package is a test dependency
only: convcost reads the files with its own reader)."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

_COUNT = itertools.count()


def weight(name: str, *dims: int) -> onnx.TensorProto:
    """A float weight of zeros (its values never matter to convcost)."""
    return numpy_helper.from_array(np.zeros(dims, np.float32), name)


def ints(name: str, values) -> onnx.TensorProto:
    return numpy_helper.from_array(np.array(values, np.int64), name)


def floats(name: str, values) -> onnx.TensorProto:
    return numpy_helper.from_array(np.array(values, np.float32), name)


def scalar(name: str, value, dtype=np.int64) -> onnx.TensorProto:
    return numpy_helper.from_array(np.array(value, dtype), name)


def node(op: str, inputs: list[str], outputs: list[str] | str, name: str | None = None, **attrs):
    outputs = [outputs] if isinstance(outputs, str) else outputs
    return helper.make_node(op, inputs, outputs, name=outputs[0] if name is None else name, **attrs)


def const(name: str, values, dtype=np.int64):
    """A Constant node making `name`."""
    return helper.make_node("Constant", [], [name], name=f"const_{name}",
                            value=numpy_helper.from_array(np.array(values, dtype), f"{name}_value"))


def model(nodes, inits=(), shape=(1, 3, 8, 8), opset: int = 17, output: str = "y", inputs=None,
          value_info=(), outputs=None) -> onnx.ModelProto:
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, list(shape))
    outs = outputs or [helper.make_tensor_value_info(output, TensorProto.FLOAT, None)]
    graph = helper.make_graph(nodes, "g", inputs or [x], outs, list(inits), value_info=list(value_info))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="tests")
    m.ir_version = 8
    return m


def save(directory: Path, nodes, inits=(), name: str | None = None, **kw) -> str:
    path = Path(directory) / f"{name or 'm' + str(next(_COUNT))}.onnx"
    onnx.save(model(nodes, inits, **kw), path)
    return str(path)
