"""`convcost prove --roofline`: standard versus separable *time* under the roofline model, every step
checked by sympy, ending in the exact condition under which separable is faster (unfused and fused).

The kernels are convcost's own (layers/formulas.py: standard_kernel, separable_kernels,
separable_fused_kernel, roofline_time), fed with the derivation's symbols, so the derivation checks
the code `analyze --device` runs. New symbols: ``s`` bytes per element, ``P`` peak FLOP/s, ``B``
bandwidth in bytes/s; the ridge point is P/B. The input is taken as M×Do×Do' (stride 1, `same`
padding), so that every size is one of the derivation's symbols.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sympy as sp

from ..layers.formulas import roofline_time, separable_fused_kernel, separable_kernels, standard_kernel
from ..layers.records import ConvGeometry
from .formulas import CHEAPER_WHEN
from .steps import Condition, Equation, Equivalence, Inequality, Section, _is_positive, claim, quotient
from .symbols import Dk, Dkp, Do, Dop, M, N

s = sp.Symbol("s", integer=True, positive=True)
P = sp.Symbol("P", positive=True)
B = sp.Symbol("B", positive=True)
ROOFLINE_SYMBOLS = {"s": s, "P": P, "B": B}
ROOFLINE_MEANINGS = {
    "s": "bytes per element (the dtype's size)",
    "P": "peak arithmetic rate (FLOP/s)",
    "B": "memory bandwidth (bytes/s)",
    "R": "ridge point P/B (FLOP per byte)",
}

K = Dk * Dkp
A = Do * Dop  # output positions
R = P / B  # the ridge point, FLOP per byte
_GEOMETRY = ConvGeometry(M, N, Dk, Dkp, Do, Dop, False)
STANDARD = standard_kernel(_GEOMETRY, M * A, s)
DEPTHWISE, POINTWISE = separable_kernels(_GEOMETRY, M * A, s)
FUSED = separable_fused_kernel(_GEOMETRY, M * A, s)
STANDARD_TIME = roofline_time(STANDARD, P, B)
SEPARABLE_TIME = roofline_time(DEPTHWISE, P, B) + roofline_time(POINTWISE, P, B)
FUSED_TIME = roofline_time(FUSED, P, B)
# The same times in units of 1/P ("FLOP-equivalents"): max(F, R·Q) for each kernel.
STANDARD_SCALED = sp.Max(STANDARD.flops, R * STANDARD.bytes)
SEPARABLE_SCALED = sp.Max(DEPTHWISE.flops, R * DEPTHWISE.bytes) + sp.Max(POINTWISE.flops, R * POINTWISE.bytes)
FUSED_BYTES = s * (K * M + M * N + M * A + N * A)  # FUSED.bytes, simplified (step traffic.fused)
FUSED_SCALED = sp.Max(FUSED.flops, R * FUSED_BYTES)
FASTER_WHEN = Condition(SEPARABLE_SCALED, "<", STANDARD_SCALED)  # exact, unfused
FASTER_FUSED_WHEN = Condition(FUSED_SCALED, "<", STANDARD_SCALED)  # exact, fused
MEMORY_BOUND_FASTER_WHEN = Condition((N - 1) * (K - 1), ">", 1 + 2 * A)  # all three kernels memory-bound
GAP = (N - 1) * (K - 1) - 1  # separable_advantage - 1: positive exactly when separable is cheaper
RIDGE = sp.Symbol("R", positive=True)  # for display: the conditions in the ridge point R = P/B


def in_ridge(c: Condition) -> Condition:
    """A condition in P and B written with the ridge point R = P/B (every P appears as P/B)."""
    return c.subs({P: RIDGE * B})

# The lemma's symbols: reals x, y; positive increments h, k; slack variables of its cases.
_x, _y = sp.symbols("x y", real=True)
_h, _k = sp.symbols("h k", positive=True)
_t0, _w0 = sp.symbols("t w", nonnegative=True)
_t1, _w1 = sp.symbols("t w", positive=True)


@dataclass(frozen=True, kw_only=True)
class Cases(Inequality):
    """``lhs > rhs`` proved by cases: each case is a substitution that parametrises one region of the
    variables (slack symbols carry the region's sign conditions), and the regions cover every value.
    In each case sympy evaluates the maxima and proves the difference positive."""

    cases: tuple[Mapping[sp.Symbol, sp.Expr], ...] = ()

    def decide(self) -> bool | None:
        gap = self.lhs - self.rhs
        if all(_is_positive(sp.expand(gap.subs(case))) is True for case in self.cases):
            return True
        return None

    def subs(self, values):
        return self  # fresh symbols only: numbers for the network's dimensions do not touch it

    def free_symbols(self) -> set[sp.Symbol]:
        return set()


def _kernel_sections() -> tuple[Section, ...]:
    traffic = Section(
        "traffic",
        claim(
            "Memory traffic in bytes ({0} bytes per element): weights, then input {1}, then output",
            s,
            sp.Mul(M, A, evaluate=False),
        ),
        (
            Equation(
                key="traffic.standard",
                claim=claim("Standard: {0} weights, the input, {1} outputs.", K * M * N, N * A),
                lhs=STANDARD.bytes,
                rhs=s * (K * M * N + M * A + N * A),
            ),
            Equation(
                key="traffic.depthwise",
                claim=claim(
                    "Depthwise: {0} weights, the input, and its {1} outputs (the intermediate tensor), "
                    "written.",
                    K * M,
                    M * A,
                ),
                lhs=DEPTHWISE.bytes,
                rhs=s * M * (K + 2 * A),
            ),
            Equation(
                key="traffic.pointwise",
                claim=claim(
                    "Pointwise: {0} weights, the intermediate tensor read back, {1} outputs.", M * N, N * A
                ),
                lhs=POINTWISE.bytes,
                rhs=s * (M * N + M * A + N * A),
            ),
            Equation(
                key="traffic.fused",
                claim=claim("Fused: the intermediate tensor stays on chip, neither written nor read."),
                lhs=FUSED.bytes,
                rhs=FUSED_BYTES,
            ),
        ),
    )
    flops = Section(
        "flops",
        claim("Arithmetic: 2 FLOP (a multiply and an add) per mult-add"),
        (
            Equation(
                key="flops.standard", claim=claim("Standard."), lhs=STANDARD.flops, rhs=2 * K * M * N * A
            ),
            Equation(
                key="flops.depthwise", claim=claim("Depthwise."), lhs=DEPTHWISE.flops, rhs=2 * K * M * A
            ),
            Equation(
                key="flops.pointwise", claim=claim("Pointwise."), lhs=POINTWISE.flops, rhs=2 * M * N * A
            ),
        ),
    )
    intensity = Section(
        "intensity",
        claim("Arithmetic intensity: FLOP per byte moved"),
        (
            Equation(
                key="intensity.standard",
                claim=claim("Standard."),
                lhs=quotient(STANDARD.flops, STANDARD.bytes),
                rhs=2 * K * M * N * A / (s * (K * M * N + M * A + N * A)),
            ),
            Equation(
                key="intensity.depthwise",
                claim=claim("Depthwise: {0} cancels.", M),
                lhs=quotient(DEPTHWISE.flops, DEPTHWISE.bytes),
                rhs=2 * K * A / (s * (K + 2 * A)),
            ),
            Inequality(
                key="intensity.depthwise.bound",
                claim=claim(
                    "The depthwise part never reaches {0} FLOP per byte (2.25 for a 3×3 kernel in fp32): "
                    "on any device "
                    "whose ridge point is at least that, it is memory-bound.",
                    K / s,
                ),
                lhs=K / s,
                rhs=2 * K * A / (s * (K + 2 * A)),
            ),
            Equation(
                key="intensity.pointwise",
                claim=claim("Pointwise."),
                lhs=quotient(POINTWISE.flops, POINTWISE.bytes),
                rhs=2 * M * N * A / (s * (M * N + M * A + N * A)),
            ),
        ),
    )
    F, Q = sp.symbols("F Q", positive=True)
    model = Section(
        "roofline",
        claim("The roofline: a kernel of {0} FLOP moving {1} bytes takes {2}", F, Q, sp.Max(F / P, Q / B)),
        (
            Equivalence(
                key="roofline.memory_bound",
                claim=claim("It is memory-bound exactly when its intensity is below the ridge point {0}.", R),
                lhs=Condition(F / P, "<", Q / B),
                rhs=Condition(F / Q, "<", R),
                factor=Q / P,
            ),
            Equation(
                key="roofline.scaled",
                claim=claim(
                    "Multiplied by {0}: the time in FLOP at the peak rate is the larger of the arithmetic "
                    "and the "
                    "traffic times the ridge point.",
                    P,
                ),
                lhs=P * sp.Max(F / P, Q / B),
                rhs=sp.Max(F, R * Q),
            ),
        ),
    )
    return traffic, flops, intensity, model


def _faster_sections() -> tuple[Section, ...]:
    unfused = Section(
        "faster",
        claim(
            "When separable is faster: depthwise and pointwise each on its own roofline, the intermediate "
            "tensor written and read back"
        ),
        (
            Equation(
                key="faster.standard.time",
                claim=claim("Standard time, in units of {0}.", 1 / P),
                lhs=STANDARD_TIME,
                rhs=STANDARD_SCALED / P,
            ),
            Equation(
                key="faster.separable.time",
                claim=claim("Separable time: the two kernels' times add up."),
                lhs=SEPARABLE_TIME,
                rhs=SEPARABLE_SCALED / P,
            ),
            Equivalence(
                key="faster.exact",
                claim=claim(
                    "So separable is faster exactly when {0}: the exact condition, for every device and "
                    "dtype.",
                    FASTER_WHEN,
                ),
                lhs=Condition(SEPARABLE_TIME, "<", STANDARD_TIME),
                rhs=FASTER_WHEN,
                factor=1 / P,
            ),
            Equivalence(
                key="faster.compute_bound",
                claim=claim(
                    "Where all three kernels are compute-bound (the ridge point at most their intensities) "
                    "the times are "
                    "the arithmetic: separable is faster exactly when it is cheaper, {0}.",
                    CHEAPER_WHEN,
                ),
                lhs=Condition(DEPTHWISE.flops + POINTWISE.flops, "<", STANDARD.flops),
                rhs=CHEAPER_WHEN,
                factor=2 * M * A,
            ),
            Equivalence(
                key="faster.memory_bound",
                claim=claim(
                    "Where all three are memory-bound the times are the traffic: separable is faster "
                    "exactly when "
                    "{0}, the intermediate tensor costing {1} more.",
                    MEMORY_BOUND_FASTER_WHEN,
                    2 * A,
                ),
                lhs=Condition(DEPTHWISE.bytes + POINTWISE.bytes, "<", STANDARD.bytes),
                rhs=MEMORY_BOUND_FASTER_WHEN,
                factor=s * M,
            ),
        ),
    )
    fused = Section(
        "fused",
        claim("Fused: depthwise and pointwise as one kernel, the intermediate tensor kept on chip"),
        (
            Equation(
                key="fused.time", claim=claim("Fused separable time."), lhs=FUSED_TIME, rhs=FUSED_SCALED / P
            ),
            Equivalence(
                key="fused.exact",
                claim=claim("So fused separable is faster exactly when {0}.", FASTER_FUSED_WHEN),
                lhs=Condition(FUSED_TIME, "<", STANDARD_TIME),
                rhs=FASTER_FUSED_WHEN,
                factor=1 / P,
            ),
            Equation(
                key="fused.flops.gap",
                claim=claim(
                    "The standard kernel's extra arithmetic is {0} times the cheaper factor {1} ...",
                    2 * M * A,
                    GAP,
                ),
                lhs=STANDARD.flops - FUSED.flops,
                rhs=2 * M * A * GAP,
            ),
            Equation(
                key="fused.bytes.gap",
                claim=claim("... and its extra traffic {0} times the same factor.", s * M),
                lhs=STANDARD.bytes - FUSED.bytes,
                rhs=s * M * GAP,
            ),
            Cases(
                key="fused.max.increasing",
                claim=claim(
                    "A maximum grows when both its arguments grow: for reals {0}, {1} and positive {2}, "
                    "{3} (four cases: "
                    "{4} or {5}, and which argument is larger after the increase).",
                    _x,
                    _y,
                    _h,
                    _k,
                    sp.Ge(_x, _y, evaluate=False),
                    sp.Lt(_x, _y, evaluate=False),
                ),
                lhs=sp.Max(_x + _h, _y + _k),
                rhs=sp.Max(_x, _y),
                cases=(
                    {_x: _y + _t0, _k: _h + _t0 - _w0},
                    {_x: _y + _t0, _k: _h + _t0 + _w1},
                    {_y: _x + _t1, _h: _t1 + _k + _w0},
                    {_y: _x + _t1, _h: _t1 + _k - _w1},
                ),
            ),
        ),
    )
    return unfused, fused


def roofline_sections() -> tuple[Section, ...]:
    """The roofline sections, appended to the cost derivation by ``prove(..., roofline=...)``."""
    return (*_kernel_sections(), *_faster_sections())


# ------------------------------------------------------------------------------------- the results


@dataclass(frozen=True)
class RooflineInput:
    """What the command line gives: a dtype's size, a device's peak and bandwidth, or a ridge point."""

    dtype: str | None = None
    size: int | None = None  # bytes per element
    peak: object = None  # FLOP/s (int or Fraction), with bandwidth
    bandwidth: object = None
    ridge: object = None  # FLOP/byte, instead of peak and bandwidth
    device: str | None = None  # the device's key, for the record

    def substitutions(self) -> dict[sp.Symbol, sp.Expr]:
        from ..symbolic.arith import to_sympy

        out: dict[sp.Symbol, sp.Expr] = {}
        if self.size is not None:
            out[s] = sp.Integer(self.size)
        if self.ridge is not None:
            out[P] = to_sympy(self.ridge) * B
        elif self.peak is not None:
            out[P], out[B] = to_sympy(self.peak), to_sympy(self.bandwidth)
        return out


@dataclass(frozen=True)
class RooflineResult:
    given: RooflineInput
    standard_time: sp.Expr
    separable_time: sp.Expr
    separable_time_fused: sp.Expr
    time_ratio: sp.Expr  # separable / standard, unfused
    time_ratio_fused: sp.Expr
    faster_when: Condition  # exact, unfused (general)
    faster_when_values: Condition
    faster: bool | None
    faster_fused_when: Condition  # exact, fused (general)
    faster_fused_when_values: Condition
    faster_fused: bool | None
    cheaper_when: Condition  # fused: faster exactly when cheaper (steps fused.*)
    memory_bound_when: Condition  # all kernels memory-bound: faster exactly when this holds
    intensities: dict[str, sp.Expr]  # standard, depthwise, pointwise, with the numbers in
    bounds: dict[str, str | None]  # ... "compute" or "memory" where the numbers decide it


def roofline_result(given: RooflineInput, values: Mapping[sp.Symbol, sp.Expr]) -> RooflineResult:
    """The times, ratios, conditions and bounds with the dimensions (`values`) and device numbers put in."""
    subs = {**values, **given.substitutions()}

    def put(expr: sp.Expr) -> sp.Expr:
        return sp.simplify(expr.subs(subs).doit()) if subs else expr

    ridge = R.subs(subs)
    intensities, bounds = {}, {}
    for name, k in (("standard", STANDARD), ("depthwise", DEPTHWISE), ("pointwise", POINTWISE)):
        intensity = put(k.flops / k.bytes)
        intensities[name] = intensity
        bounds[name] = Condition(intensity, "<", ridge).decide() if subs else None
        if bounds[name] is not None:
            bounds[name] = "memory" if bounds[name] else "compute"
    unfused, fused = FASTER_WHEN.subs(subs), FASTER_FUSED_WHEN.subs(subs)
    return RooflineResult(
        given,
        put(STANDARD_TIME),
        put(SEPARABLE_TIME),
        put(FUSED_TIME),
        put(SEPARABLE_SCALED / STANDARD_SCALED),
        put(FUSED_SCALED / STANDARD_SCALED),
        in_ridge(FASTER_WHEN),
        unfused,
        unfused.decide(),
        in_ridge(FASTER_FUSED_WHEN),
        fused,
        fused.decide(),
        CHEAPER_WHEN,
        MEMORY_BOUND_FASTER_WHEN,
        intensities,
        bounds,
    )
