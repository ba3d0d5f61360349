"""The cost formulas of the derivation: convcost's own formulas (convcost.layers.formulas), fed with
the derivation's symbols, so that `convcost prove` verifies the very code `convcost analyze` runs;
and the forms the derivation rewrites them into.
"""

from __future__ import annotations

import sympy as sp

from ..layers.formulas import separable_advantage, separable_cost, separable_parts, standard_cost
from ..layers.records import ConvGeometry
from .steps import Condition
from .symbols import Dk, Dkp, Do, Dop, M, N, alpha, rho

_GEOMETRY = ConvGeometry(M, N, Dk, Dkp, Do, Dop, False)
_DEPTHWISE, _POINTWISE = separable_parts(M, N, Dk, Dkp, Do, Dop)

K = Dk * Dkp  # kernel elements
STANDARD_PARAMS, STANDARD_MACS = standard_cost(_GEOMETRY)
DEPTHWISE_PARAMS, DEPTHWISE_MACS = _DEPTHWISE
POINTWISE_PARAMS, POINTWISE_MACS = _POINTWISE
SEPARABLE_PARAMS, SEPARABLE_MACS = separable_cost(_GEOMETRY)
RATIO = 1 / N + 1 / (Dk * Dkp)  # what the derivation arrives at
CHEAPER_WHEN = Condition(separable_advantage(N, Dk, Dkp), ">", sp.Integer(1))
# With a bias per output channel of every convolution (biases add, they do not multiply-accumulate).
STANDARD_PARAMS_BIAS = (Dk * Dkp * M + 1) * N
SEPARABLE_PARAMS_BIAS = (Dk * Dkp + N + 1) * M + N
CHEAPER_PARAMS_BIAS_WHEN = Condition(separable_advantage(N, Dk, Dkp), ">", sp.Integer(2))
# MobileNet's width multiplier alpha (channels M, N -> alpha*M, alpha*N) and resolution multiplier rho.
SEPARABLE_MACS_MULT = alpha * rho**2 * M * Do * Dop * (Dk * Dkp + alpha * N)
STANDARD_MACS_MULT = alpha**2 * rho**2 * STANDARD_MACS
SEPARABLE_PARAMS_MULT = alpha * M * (Dk * Dkp + alpha * N)
