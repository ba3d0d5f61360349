"""ONNX models as a source of Specs (issue 11): `source.load(path, ...)` reads a model file and gives
the Spec a layer file would, so every command analyzes ONNX models as they analyze layer files.

The reader is convcost's own (wire.py, records.py, values.py, proto.py): a dependency-free decoder
of the part of onnx.proto a cost analysis needs, which never copies weight bytes and works when the
external-data file is missing. docs/onnx.md says why it is not the `onnx` package.
"""

from .proto import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_RECORDS,
    MAX_GRAPH_DEPTH,
    BudgetExceeded,
    decode_model,
    read_model,
)
from .records import (
    Attribute,
    Graph,
    Model,
    Node,
    OpsetId,
    Source,
    SparseTensor,
    Tensor,
    TensorValueError,
    ValueInfo,
)
from .values import tensor_values
from .wire import WireError

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_MAX_RECORDS", "MAX_GRAPH_DEPTH", "Attribute", "BudgetExceeded",
           "Graph", "Model", "Node", "OpsetId", "Source", "SparseTensor", "Tensor", "TensorValueError",
           "ValueInfo", "WireError", "decode_model", "read_model", "tensor_values"]
