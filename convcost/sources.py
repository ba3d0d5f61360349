"""Where a network comes from: the one place that turns a name or path into a Spec.

Every command and the API load through here, so a new input format is a new source package plus one
branch below; nothing after the Spec changes. Sources: layer files and built-in networks
(layerfile/), ONNX models (onnx/, issue 11).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .layerfile.model import Spec
from .limits import DEFAULT_LIMITS, Limits


def load(source: str, set: Mapping[str, Any] | None = None, symbolic: Sequence[str] = (),
         limits: Limits | None = None, allow_unsupported: bool = False) -> Spec:
    """A layer file, a built-in network by name, or an ONNX model (a `.onnx` file), as a validated
    Spec. `allow_unsupported` counts an ONNX model's unknown operators as zero (no effect on layer
    files, which have no unknown kinds to allow)."""
    from .onnx import is_onnx

    if is_onnx(source):
        from .onnx.source import load as load_onnx

        return load_onnx(source, set, tuple(symbolic), limits or DEFAULT_LIMITS, allow_unsupported)
    from .layerfile.loader import load as load_layer_file

    return load_layer_file(source, set, tuple(symbolic), limits or DEFAULT_LIMITS)
