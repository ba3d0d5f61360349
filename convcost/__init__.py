"""convcost: exact, symbolic cost analysis of convolutional networks.

    >>> import convcost
    >>> report = convcost.analyze("mobilenet_v1")
    >>> report.totals.macs
    568740352
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["load", "analyze", "check", "prove", "ConvcostError", "__version__"]

from .errors import ConvcostError


def load(*args: Any, **kwargs: Any):
    """Load and validate a layer file or built-in network into a Spec (see convcost.api.load)."""
    from .api import load as _load

    return _load(*args, **kwargs)


def analyze(*args: Any, **kwargs: Any):
    """Analyze a layer file, built-in network or Spec into a Report (see convcost.api.analyze)."""
    from .api import analyze as _analyze

    return _analyze(*args, **kwargs)


def check(*args: Any, **kwargs: Any):
    """Run shape and budget checks; returns findings as data (see convcost.analysis.check)."""
    from .analysis.check import check as _check

    return _check(*args, **kwargs)


def prove(*args: Any, **kwargs: Any):
    """The machine-checked derivation of the separable/standard ratio (see convcost.analysis.prove)."""
    from .analysis.prove import prove as _prove

    return _prove(*args, **kwargs)
