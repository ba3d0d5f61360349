"""The bound on one var that a budget sets, in closed form, where the cost is a polynomial in it.

MobileNetV1's mult-adds at a fixed resolution are 539492352*alpha**2 + 29248000*alpha: a budget X
holds exactly for alpha up to the positive root of that polynomial minus X. The polynomial comes
from convcost's own symbolic analysis (`analyze --symbolic alpha`, the other vars fixed), so it is
the same arithmetic as the grid's, kept in symbols. sympy is imported here only.

A cost with floor or make_divisible in the var (a resolution, rounded channel counts) is not a
polynomial: it has no such bound, and `solve`'s grid answer stands alone. One rounding is taken
apart: TF-slim's `slim_depth(d*alpha, 8)` (MobileNetV1's channels) is read as d*alpha, the paper's
continuous width. That cost equals the network's exactly wherever every d*alpha is a whole number
of at least 8 (MobileNetV1: the multiples of 1/32 from 1/4); the bound says so (`continuous`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any, NamedTuple

from ..errors import ConvcostError
from ..symbolic import arith
from ..symbolic.arith import Value
from .build import analyze_spec


class ClosedForm(NamedTuple):
    var: str
    costs: Mapping[str, Any]  # "macs" / "params" -> the total as a sympy expression in the var
    bound: Any = None  # the largest value meeting every budget, exact (a sympy number), or None
    binding: str | None = None  # the budget that sets the bound
    reason: str = ""  # why there is no bound
    continuous: bool = False  # TF-slim's channel rounding read as the continuous width d*alpha

    @property
    def value(self) -> float | None:
        """The bound as a float, for reading (the exact bound is `bound`)."""
        return None if self.bound is None else float(self.bound)


def closed_form(build, var: str, fixed: Mapping[str, Any], budgets: Mapping[str, Value]) -> ClosedForm:
    """The bound on `var` from each budget (`macs`, `params`): v <= the positive root of cost(v) = budget,
    where each cost is a polynomial in `var` with no negative coefficient (so it grows with v)."""
    try:
        spec = build(fixed, (var,))
        totals = analyze_spec(spec).totals
    except ConvcostError as err:
        return ClosedForm(var, {}, reason=f"the network cannot be analyzed with {var} symbolic: "
                                          f"{err.message}")
    import sympy

    from ..symbolic.functions import slim_depth

    symbol = spec.vars[unicodedata.normalize("NFKC", var)].value  # as the loader names vars
    costs = {key: getattr(totals, key) for key in budgets}
    continuous = any(arith.to_sympy(c).has(slim_depth) for c in costs.values())
    costs = {key: arith.to_sympy(c).replace(slim_depth, lambda v, _minimum: v) for key, c in costs.items()}
    bounds = []
    for key, limit in budgets.items():
        cost = arith.to_sympy(costs[key])
        if symbol not in cost.free_symbols:
            if cost > limit:
                return ClosedForm(var, costs,
                                  reason=f"{_name(key)} are {cost} at every {var}, over the budget")
            continue
        if not cost.is_polynomial(symbol):
            return ClosedForm(var, costs, reason=f"{_name(key)} are not a polynomial in {var}")
        poly = sympy.Poly(cost, symbol)
        if any(c < 0 for c in poly.all_coeffs()):
            return ClosedForm(var, costs, reason=f"{_name(key)} do not grow with {var} everywhere")
        if poly.coeff_monomial(1) >= limit:  # and it grows from there
            return ClosedForm(var, costs, reason=f"{_name(key)} exceed the budget at every {var} > 0")
        roots = [r for r in sympy.roots(poly - limit, filter="R") if r.is_positive]
        if len(roots) != 1:  # a polynomial with no negative coefficient crosses a level once for v > 0
            roots = [r for r in sympy.Poly(poly - limit, symbol).real_roots() if r.is_positive]
        bounds.append((roots[0], key))
    if not bounds:
        return ClosedForm(var, costs, reason=f"no budget depends on {var}")
    bound, binding = min(bounds, key=lambda b: b[0])
    return ClosedForm(var, costs, bound, binding, continuous=continuous)


def _name(key: str) -> str:
    return {"macs": "mult-adds", "params": "parameters"}[key]
