"""The standard-versus-depthwise-separable derivation, as data: sections of steps that sympy checks.

A derivation is a tuple of :class:`Section` objects, each holding steps (an :class:`Equation`,
:class:`Inequality` or :class:`Equivalence`, see :mod:`convcost.proof.steps`): a claim with two
sides and a ``verify()`` that proves it with sympy.
"""

from __future__ import annotations

import sympy as sp

from .formulas import (
    CHEAPER_PARAMS_BIAS_WHEN,
    CHEAPER_WHEN,
    DEPTHWISE_MACS,
    DEPTHWISE_PARAMS,
    POINTWISE_MACS,
    POINTWISE_PARAMS,
    RATIO,
    SEPARABLE_MACS,
    SEPARABLE_MACS_MULT,
    SEPARABLE_PARAMS,
    SEPARABLE_PARAMS_BIAS,
    SEPARABLE_PARAMS_MULT,
    STANDARD_MACS,
    STANDARD_MACS_MULT,
    STANDARD_PARAMS,
    STANDARD_PARAMS_BIAS,
    K,
)
from .steps import Condition, Dims, Equation, Equivalence, Inequality, Section, claim, quotient
from .symbols import Dk, Dkp, Do, Dop, M, N, alpha, rho

# Counting indices of the sums in steps 1-3: output position, output channel (kernel), weight, channel.
_p, _n, _w, _m = sp.symbols("p n w m", integer=True, positive=True)
# Slack variables of the "sufficient condition" step: N = 2 + a, Dk*Dk' = 3 + b.
_a, _b = sp.symbols("a b", integer=True, nonnegative=True)


def _count(*limits: tuple[sp.Symbol, sp.Expr]) -> sp.Sum:
    """Sum of 1 over index ranges given outermost first: one multiply-accumulate (or weight) per term."""
    return sp.Sum(sp.Integer(1), *[(i, 1, upper) for i, upper in reversed(limits)])


def _cost_sections() -> tuple[Section, ...]:
    kernel = Dims((Dk, Dkp, M))
    standard = Section(
        "standard",
        claim("Standard convolution"),
        (
            Equation(
                key="standard.params",
                claim=claim("Parameters: {0} kernels, each of {1} weights.", N, kernel),
                lhs=_count((_n, N), (_w, K * M)),
                rhs=STANDARD_PARAMS,
            ),
            Equation(
                key="standard.macs",
                claim=claim(
                    "Mult-adds: every weight of every kernel does one multiply-accumulate "
                    "at each of the {0} output positions.",
                    Dims((Do, Dop)),
                ),
                lhs=_count((_p, Do * Dop), (_n, N), (_w, K * M)),
                rhs=STANDARD_MACS,
            ),
        ),
    )
    depthwise = Section(
        "depthwise",
        claim("Depthwise convolution: one {0} filter per input channel", Dims((Dk, Dkp))),
        (
            Equation(
                key="depthwise.params",
                claim=claim("Parameters: {0} filters of {1} weights.", M, Dims((Dk, Dkp))),
                lhs=_count((_m, M), (_w, K)),
                rhs=DEPTHWISE_PARAMS,
            ),
            Equation(
                key="depthwise.macs",
                claim=claim("Mult-adds: one per weight per output position."),
                lhs=_count((_p, Do * Dop), (_m, M), (_w, K)),
                rhs=DEPTHWISE_MACS,
            ),
        ),
    )
    pointwise = Section(
        "pointwise",
        claim("Pointwise convolution: {0} kernels of {1}, combining the channels", N, Dims((1, 1, M))),
        (
            Equation(
                key="pointwise.params",
                claim=claim("Parameters: {0} kernels of {1} weights.", N, M),
                lhs=_count((_n, N), (_m, M)),
                rhs=POINTWISE_PARAMS,
            ),
            Equation(
                key="pointwise.macs",
                claim=claim("Mult-adds: one per weight per output position."),
                lhs=_count((_p, Do * Dop), (_n, N), (_m, M)),
                rhs=POINTWISE_MACS,
            ),
        ),
    )
    separable = Section(
        "separable",
        claim("Depthwise-separable = depthwise + pointwise"),
        (
            Equation(
                key="separable.macs",
                claim=claim("Mult-adds: add the two and factor out {0}.", M * Do * Dop),
                lhs=DEPTHWISE_MACS + POINTWISE_MACS,
                rhs=SEPARABLE_MACS,
            ),
            Equation(
                key="separable.params",
                claim=claim("Parameters: add the two and factor out {0}.", M),
                lhs=DEPTHWISE_PARAMS + POINTWISE_PARAMS,
                rhs=SEPARABLE_PARAMS,
            ),
        ),
    )
    ratio = Section(
        "ratio",
        claim("Ratio separable / standard"),
        (
            Equation(
                key="ratio.macs.cancel",
                claim=claim("Mult-adds: cancel the common factor {0}.", M * Do * Dop),
                lhs=quotient(SEPARABLE_MACS, STANDARD_MACS),
                rhs=(Dk * Dkp + N) / (Dk * Dkp * N),
            ),
            Equation(
                key="ratio.macs",
                claim=claim(
                    "Split the fraction: the product {0} in the standard cost became the sum {1}.",
                    Dk * Dkp * N,
                    Dk * Dkp + N,
                ),
                lhs=(Dk * Dkp + N) / (Dk * Dkp * N),
                rhs=RATIO,
            ),
            Equation(
                key="ratio.params",
                claim=claim("Parameters: the same ratio (cancel {0}).", M),
                lhs=quotient(SEPARABLE_PARAMS, STANDARD_PARAMS),
                rhs=RATIO,
            ),
        ),
    )
    return standard, depthwise, pointwise, separable, ratio


def _cheaper_section() -> Section:
    ratio_at = sp.Lambda((N, Dk, Dkp), RATIO)  # the ratio at a given N and kernel, for the counterexamples
    return Section(
        "cheaper",
        claim("When separable is cheaper"),
        (
            Equation(
                key="cheaper.difference",
                claim=claim("Standard minus separable mult-adds, factored."),
                lhs=STANDARD_MACS - SEPARABLE_MACS,
                rhs=M * Do * Dop * ((N - 1) * (Dk * Dkp - 1) - 1),
            ),
            Inequality(
                key="cheaper.factor_positive",
                claim=claim("The factor {0} is positive (a product of positive integers).", M * Do * Dop),
                lhs=M * Do * Dop,
                rhs=sp.Integer(0),
            ),
            Equivalence(
                key="cheaper.macs",
                claim=claim("So separable needs fewer mult-adds exactly when {0}.", CHEAPER_WHEN),
                lhs=Condition(SEPARABLE_MACS, "<", STANDARD_MACS),
                rhs=CHEAPER_WHEN,
                factor=M * Do * Dop,
            ),
            Equivalence(
                key="cheaper.params",
                claim=claim("Likewise for parameters, with the positive factor {0}.", M),
                lhs=Condition(SEPARABLE_PARAMS, "<", STANDARD_PARAMS),
                rhs=CHEAPER_WHEN,
                factor=M,
            ),
            Inequality(
                key="cheaper.sufficient",
                claim=claim(
                    "Every {0} with at least 3 kernel elements is cheaper: put {1} and {2} "
                    "(a and b non-negative integers), then {3}.",
                    sp.Ge(N, 2, evaluate=False),
                    sp.Eq(N, 2 + _a, evaluate=False),
                    sp.Eq(Dk * Dkp, 3 + _b, evaluate=False),
                    sp.Eq((N - 1) * (Dk * Dkp - 1), (1 + _a) * (2 + _b), evaluate=False),
                ),
                lhs=(1 + _a) * (2 + _b),
                rhs=sp.Integer(1),
            ),
            Equation(
                key="counterexample.equal",
                claim=claim("Equal cost at {0} with a two-element kernel ({1}).", sp.Eq(N, 2), Dims((1, 2))),
                lhs=sp.Subs(RATIO, (N, Dk, Dkp), (2, 1, 2)),
                rhs=sp.Integer(1),
            ),
            Equation(
                key="counterexample.kernel_1x1.ratio",
                claim=claim("Every {0} kernel: put {1} into the ratio ...", Dims((1, 1)), sp.Eq(Dk * Dkp, 1)),
                lhs=sp.Subs(RATIO, (Dk, Dkp), (1, 1)),
                rhs=1 + 1 / N,
            ),
            Inequality(
                key="counterexample.kernel_1x1",
                claim=claim("... which exceeds 1: separable is dearer for every N."),
                lhs=ratio_at(N, 1, 1),
                rhs=sp.Integer(1),
            ),
            Equation(
                key="counterexample.n_1.ratio",
                claim=claim("One output channel: put {0} into the ratio ...", sp.Eq(N, 1)),
                lhs=sp.Subs(RATIO, N, 1),
                rhs=1 + 1 / (Dk * Dkp),
            ),
            Inequality(
                key="counterexample.n_1",
                claim=claim("... which exceeds 1: separable is dearer for every kernel."),
                lhs=ratio_at(1, Dk, Dkp),
                rhs=sp.Integer(1),
            ),
        ),
    )


def _bias_section() -> Section:
    return Section(
        "bias",
        claim("With a bias per output channel"),
        (
            Equation(
                key="bias.standard.params",
                claim=claim("Standard: {0} biases more.", N),
                lhs=STANDARD_PARAMS + N,
                rhs=STANDARD_PARAMS_BIAS,
            ),
            Equation(
                key="bias.separable.params",
                claim=claim("Separable: {0} depthwise and {1} pointwise biases more.", M, N),
                lhs=SEPARABLE_PARAMS + M + N,
                rhs=SEPARABLE_PARAMS_BIAS,
            ),
            Equation(
                key="bias.ratio.params",
                claim=claim("The parameter ratio becomes the old ratio plus a correction."),
                lhs=quotient(SEPARABLE_PARAMS_BIAS, STANDARD_PARAMS_BIAS),
                rhs=RATIO + (Dk * Dkp * (M - 1) + N * (Dk * Dkp - 1)) / (Dk * Dkp * N * (Dk * Dkp * M + 1)),
            ),
            Equation(
                key="bias.difference",
                claim=claim("Standard minus separable parameters, factored."),
                lhs=STANDARD_PARAMS_BIAS - SEPARABLE_PARAMS_BIAS,
                rhs=M * ((N - 1) * (Dk * Dkp - 1) - 2),
            ),
            Equivalence(
                key="bias.cheaper.params",
                claim=claim(
                    "So with biases separable has fewer parameters exactly when {0}.",
                    CHEAPER_PARAMS_BIAS_WHEN,
                ),
                lhs=Condition(SEPARABLE_PARAMS_BIAS, "<", STANDARD_PARAMS_BIAS),
                rhs=CHEAPER_PARAMS_BIAS_WHEN,
                factor=M,
            ),
            Equation(
                key="bias.ratio.macs",
                claim=claim(
                    "A bias is an addition, not a multiply-accumulate: the mult-add ratio is unchanged."
                ),
                lhs=quotient(SEPARABLE_MACS, STANDARD_MACS),
                rhs=RATIO,
            ),
        ),
    )


def _multiplier_section() -> Section:
    a_m, a_n, r_do, r_dop = alpha * M, alpha * N, rho * Do, rho * Dop
    return Section(
        "multipliers",
        claim("Width multiplier {0} and resolution multiplier {1} (MobileNet)", alpha, rho),
        (
            Equation(
                key="multipliers.separable.macs",
                claim=claim(
                    "Separable mult-adds with {0} channels in, {1} out and a {2} output.",
                    a_m,
                    a_n,
                    Dims((r_do, r_dop)),
                ),  # fmt: skip
                lhs=Dk * Dkp * a_m * r_do * r_dop + a_m * a_n * r_do * r_dop,
                rhs=SEPARABLE_MACS_MULT,
            ),
            Equation(
                key="multipliers.standard.macs",
                claim=claim("Standard mult-adds fall exactly as {0}.", alpha**2 * rho**2),
                lhs=Dk * Dkp * a_m * a_n * r_do * r_dop,
                rhs=STANDARD_MACS_MULT,
            ),
            Equation(
                key="multipliers.scaling",
                claim=claim(
                    "Separable mult-adds fall as {0} times a factor that tends to 1 when N is much larger "
                    "than the kernel: roughly {0}.",
                    alpha**2 * rho**2,
                ),
                lhs=quotient(SEPARABLE_MACS_MULT, SEPARABLE_MACS),
                rhs=alpha**2 * rho**2 * (N + Dk * Dkp / alpha) / (N + Dk * Dkp),
            ),
            Equation(
                key="multipliers.ratio",
                claim=claim("The ratio to standard is the plain ratio with {0} for {1}.", a_n, N),
                lhs=quotient(SEPARABLE_MACS_MULT, STANDARD_MACS_MULT),
                rhs=1 / a_n + 1 / (Dk * Dkp),
            ),
            Equation(
                key="multipliers.separable.params",
                claim=claim("Parameters depend on {0} only, not on {1}.", alpha, rho),
                lhs=Dk * Dkp * a_m + a_m * a_n,
                rhs=SEPARABLE_PARAMS_MULT,
            ),
        ),
    )


def derivation(*, bias: bool = False, multipliers: bool = False) -> tuple[Section, ...]:
    """The general derivation (no numbers), with the optional bias and multiplier sections."""
    sections = [*_cost_sections(), _cheaper_section()]
    if bias:
        sections.append(_bias_section())
    if multipliers:
        sections.append(_multiplier_section())
    return tuple(sections)

