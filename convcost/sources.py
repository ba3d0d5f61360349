"""Where a network comes from: the one place that turns a name or path into a Spec.

Every command and the API load through here, so a new input format (ONNX, issue 11) is a new source
package plus one branch below; nothing after the Spec changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .layerfile.model import Spec
from .limits import DEFAULT_LIMITS, Limits


def load(source: str, set: Mapping[str, Any] | None = None, symbolic: Sequence[str] = (),
         limits: Limits | None = None) -> Spec:
    """A layer file, or a built-in network by name, as a validated Spec."""
    from .layerfile.loader import load as load_layer_file

    return load_layer_file(source, set, tuple(symbolic), limits or DEFAULT_LIMITS)
