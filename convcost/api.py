"""The Python API: load a layer file, analyze it. (Checks and proofs live in their own modules.)"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .analysis.report import Report
from .limits import DEFAULT_LIMITS, Limits
from .spec.model import Spec


def load(source: str, set: Mapping[str, Any] | None = None, symbolic: Sequence[str] = (),
         limits: Limits | None = None) -> Spec:
    """Load and validate a layer file (or a built-in network by name) into a Spec.

    `set` overrides vars (values are numbers or expression strings such as "0.75" or "3/4");
    `symbolic` names vars to keep as sympy symbols.
    """
    from .spec.loader import load as _load

    return _load(source, set, tuple(symbolic), limits or DEFAULT_LIMITS)


def analyze(source: str | Spec, set: Mapping[str, Any] | None = None, symbolic: Sequence[str] = (),
            limits: Limits | None = None) -> Report:
    """Analyze a layer file, a built-in network name, or an already loaded Spec."""
    from .analysis.engine import analyze_spec

    if isinstance(source, Spec):
        if set or symbolic:
            raise ValueError("set/symbolic apply when loading; pass them to load() instead")
        return analyze_spec(source)
    report = analyze_spec(load(source, set, symbolic, limits))
    return report._replace(source=source)
