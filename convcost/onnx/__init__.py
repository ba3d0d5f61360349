"""ONNX models as a source of Specs (issue 11): `source.load(path, ...)` reads a model file and gives
the Spec a layer file would, so every command analyzes ONNX models as they analyze layer files.

The reader is convcost's own (wire.py, records.py, values.py, proto.py): a dependency-free decoder
of the part of onnx.proto a cost analysis needs, which never copies weight bytes and works when the
external-data file is missing. docs/onnx.md says why it is not the `onnx` package.

Importing this package is cheap (sources.py asks `is_onnx` of every layer file): the reader's names
below are imported on first use.
"""

from __future__ import annotations

import importlib
import os
import stat
from typing import Any

_READER = {
    "DEFAULT_MAX_BYTES": "proto", "DEFAULT_MAX_RECORDS": "proto", "MAX_GRAPH_DEPTH": "proto",
    "BudgetExceeded": "proto", "decode_model": "proto", "read_model": "proto",
    "Attribute": "records", "Graph": "records", "Model": "records", "Node": "records", "OpsetId": "records",
    "Source": "records", "SparseTensor": "records", "Tensor": "records", "TensorValueError": "records",
    "ValueInfo": "records", "tensor_values": "values", "WireError": "wire",
}

__all__ = ["is_onnx", *_READER]


def is_onnx(source: str) -> bool:
    """Whether `source` names an ONNX model: a `.onnx` file, or a file whose first byte is 0x08 (the
    tag of ModelProto's ir_version, which every exporter writes first; no layer file starts so)."""
    if source.lower().endswith(".onnx"):
        return True
    try:
        if not stat.S_ISREG(os.stat(source).st_mode):
            return False  # never open a named pipe or a device just to look (open would wait for a writer)
        with open(source, "rb") as f:
            return f.read(1) == b"\x08"
    except (OSError, ValueError):
        return False


def __getattr__(name: str) -> Any:
    if name in _READER:
        return getattr(importlib.import_module(f".{_READER[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
