"""Where a network comes from: the one place that turns a name or path into a Spec.

Every command and the API load through here, so a new input format is a new source package plus one
branch below; nothing after the Spec changes. Sources: layer files and built-in networks
(layerfile/), ONNX models (onnx/, issue 11).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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


def builder(source: str, limits: Limits | None = None,
            allow_unsupported: bool = False) -> tuple[str, Callable[..., Spec]]:
    """The resolved path of `source`, and a function from var overrides (and vars to keep symbolic)
    to its Spec, the file read and parsed once: a sweep builds many Specs of one file. An ONNX
    model's vars are its dynamic dims.

    Each build counts its expressions against Limits.expr_total on its own, as one load would.
    """
    from .onnx import is_onnx

    limits = limits or DEFAULT_LIMITS
    if is_onnx(source):
        from .onnx.source import builder as onnx_builder

        return source, onnx_builder(source, limits, allow_unsupported)
    from .layerfile.loader import build_spec, read_document
    from .symbolic.expr import expression_budget

    path, shown, root = read_document(source, limits)

    def build(overrides: Mapping[str, Any], symbolic: Sequence[str] = ()) -> Spec:
        with expression_budget(fresh=True):
            return build_spec(root, path, overrides, tuple(symbolic), limits, shown)

    return path, build
