"""convcost: exact, symbolic cost analysis of convolutional networks.

    >>> import convcost
    >>> report = convcost.analyze("mobilenet_v1")
    >>> report.totals.macs
    568740352

The public API is convcost.api (load, analyze, check, compare, prove, sweep, solve), re-exported here.
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import analyze, check, compare, load, prove, solve, sweep
from .errors import ConvcostError

__all__ = ["load", "analyze", "check", "compare", "prove", "sweep", "solve", "ConvcostError", "__version__"]
