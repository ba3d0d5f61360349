"""The symbols of the derivation: positive integers M, N, Dk, Dk', Do, Do' and MobileNet's alpha, rho.

Symbols (positive integers): ``M`` input channels, ``N`` output channels, ``Dk`` x ``Dkp`` kernel
(``Dkp`` is Dk'), ``Do`` x ``Dop`` output (``Dop`` is Do'); ``alpha`` and ``rho`` are MobileNet's width and
resolution multipliers (positive rationals).
"""

from __future__ import annotations

import sympy as sp

_POSITIVE_INTEGER = {"integer": True, "positive": True}

M = sp.Symbol("M", **_POSITIVE_INTEGER)
N = sp.Symbol("N", **_POSITIVE_INTEGER)
Dk = sp.Symbol("Dk", **_POSITIVE_INTEGER)
Dkp = sp.Symbol("Dkp", **_POSITIVE_INTEGER)
Do = sp.Symbol("Do", **_POSITIVE_INTEGER)
Dop = sp.Symbol("Dop", **_POSITIVE_INTEGER)
alpha = sp.Symbol("alpha", positive=True, rational=True)
rho = sp.Symbol("rho", positive=True, rational=True)

#: Every symbol of the derivation by its ASCII name, with what it stands for.
SYMBOLS: dict[str, sp.Symbol] = {
    "M": M, "N": N, "Dk": Dk, "Dkp": Dkp, "Do": Do, "Dop": Dop, "alpha": alpha, "rho": rho,
}  # fmt: skip
MEANINGS: dict[str, str] = {
    "M": "input channels",
    "N": "output channels",
    "Dk": "kernel height (Dk)",
    "Dkp": "kernel width (Dk')",
    "Do": "output height (Do)",
    "Dop": "output width (Do')",
    "alpha": "width multiplier (MobileNet's alpha)",
    "rho": "resolution multiplier (MobileNet's rho)",
}
#: The names a caller may give numbers for.
VALUE_NAMES = ("M", "N", "Dk", "Dkp", "Do", "Dop")
