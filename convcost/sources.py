"""Where a network comes from: the one place that turns a name or path into a Spec.

Every command and the API load through here, so a new input format (ONNX, issue 11) is a new source
package plus one branch below; nothing after the Spec changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .layerfile.model import Spec
from .limits import DEFAULT_LIMITS, Limits


def load(source: str, set: Mapping[str, Any] | None = None, symbolic: Sequence[str] = (),
         limits: Limits | None = None) -> Spec:
    """A layer file, or a built-in network by name, as a validated Spec."""
    from .layerfile.loader import load as load_layer_file

    return load_layer_file(source, set, tuple(symbolic), limits or DEFAULT_LIMITS)


def builder(source: str, limits: Limits | None = None) -> tuple[str, Callable[..., Spec]]:
    """The resolved path of `source`, and a function from var overrides (and vars to keep symbolic)
    to its Spec, the file read and parsed once: a sweep builds many Specs of one file.

    Each build counts its expressions against Limits.expr_total on its own, as one load would.
    """
    from .layerfile.loader import build_spec, read_document
    from .symbolic.expr import expression_budget

    limits = limits or DEFAULT_LIMITS
    path, shown, root = read_document(source, limits)

    def build(overrides: Mapping[str, Any], symbolic: Sequence[str] = ()) -> Spec:
        with expression_budget(fresh=True):
            return build_spec(root, path, overrides, tuple(symbolic), limits, shown)

    return path, build
