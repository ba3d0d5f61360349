"""The standard-versus-depthwise-separable derivation, as data that sympy checks.

A derivation is a tuple of :class:`Section` objects, each holding steps (an :class:`Equation`,
:class:`Inequality` or :class:`Equivalence`, see :mod:`convcost.analysis.proof_steps`): a claim with two
sides and a ``verify()`` that proves it with sympy.

:func:`prove` builds the derivation, substitutes any numbers given, verifies every step and returns a
:class:`Proof`: plain data that the printers in :mod:`convcost.render.proof` format. Nothing here renders.

Symbols (positive integers): ``M`` input channels, ``N`` output channels, ``Dk`` x ``Dkp`` kernel
(``Dkp`` is Dk'), ``Do`` x ``Dop`` output (``Dop`` is Do'); ``alpha`` and ``rho`` are MobileNet's width and
resolution multipliers (positive rationals).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from ..errors import ConvcostError
from .proof_steps import (
    Claim,
    Condition,
    Dims,
    Equation,
    Equivalence,
    Inequality,
    Section,
    Step,
    claim,
    quotient,
    subs_evaluated,
)

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

# Counting indices of the sums in steps 1-3: output position, output channel (kernel), weight, channel.
_p, _n, _w, _m = sp.symbols("p n w m", integer=True, positive=True)
# Slack variables of the "sufficient condition" step: N = 2 + a, Dk*Dk' = 3 + b.
_a, _b = sp.symbols("a b", integer=True, nonnegative=True)


def _count(*limits: tuple[sp.Symbol, sp.Expr]) -> sp.Sum:
    """Sum of 1 over index ranges given outermost first: one multiply-accumulate (or weight) per term."""
    return sp.Sum(sp.Integer(1), *[(i, 1, upper) for i, upper in reversed(limits)])


# ------------------------------------------------------------------------------------------ formulas

K = Dk * Dkp  # kernel elements
STANDARD_PARAMS = Dk * Dkp * M * N
STANDARD_MACS = Dk * Dkp * M * N * Do * Dop
DEPTHWISE_PARAMS = Dk * Dkp * M
DEPTHWISE_MACS = Dk * Dkp * M * Do * Dop
POINTWISE_PARAMS = M * N
POINTWISE_MACS = M * N * Do * Dop
SEPARABLE_PARAMS = (Dk * Dkp + N) * M
SEPARABLE_MACS = (Dk * Dkp + N) * M * Do * Dop
RATIO = 1 / N + 1 / (Dk * Dkp)
CHEAPER_WHEN = Condition((N - 1) * (Dk * Dkp - 1), ">", sp.Integer(1))
# With a bias per output channel of every convolution (biases add, they do not multiply-accumulate).
STANDARD_PARAMS_BIAS = (Dk * Dkp * M + 1) * N
SEPARABLE_PARAMS_BIAS = (Dk * Dkp + N + 1) * M + N
CHEAPER_PARAMS_BIAS_WHEN = Condition((N - 1) * (Dk * Dkp - 1), ">", sp.Integer(2))
# MobileNet's width multiplier alpha (channels M, N -> alpha*M, alpha*N) and resolution multiplier rho.
SEPARABLE_MACS_MULT = alpha * rho**2 * M * Do * Dop * (Dk * Dkp + alpha * N)
STANDARD_MACS_MULT = alpha**2 * rho**2 * STANDARD_MACS
SEPARABLE_PARAMS_MULT = alpha * M * (Dk * Dkp + alpha * N)


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


# --------------------------------------------------------------------------------------------- proof


@dataclass(frozen=True)
class CheckedStep:
    """A step, its instance with the given numbers (None when they do not touch it) and the verdict."""

    number: str  # "1.2"
    step: Step
    instance: Step | None
    verified: bool


@dataclass(frozen=True)
class CheckedSection:
    number: int
    key: str
    title: Claim
    steps: tuple[CheckedStep, ...]


@dataclass(frozen=True)
class LayerRef:
    """Where the numbers came from with ``--layer``."""

    source: str
    name: str
    kind: str


@dataclass(frozen=True)
class Proof:
    """The verified derivation plus its headline results, with any given numbers substituted."""

    sections: tuple[CheckedSection, ...]
    values: dict[str, sp.Expr]  # by name from VALUE_NAMES, only those given
    bias: bool
    multipliers: bool
    standard_params: sp.Expr
    standard_macs: sp.Expr
    separable_params: sp.Expr
    separable_macs: sp.Expr
    ratio: sp.Expr  # mult-adds, separable / standard
    ratio_params: sp.Expr
    cheaper_when: Condition  # the general condition (mult-adds)
    cheaper_when_values: Condition  # ... with the numbers substituted
    cheaper: bool | None  # decided by the numbers, or None
    layer: LayerRef | None = None

    @property
    def steps(self) -> tuple[CheckedStep, ...]:
        return tuple(s for section in self.sections for s in section.steps)

    @property
    def verified(self) -> bool:
        return all(s.verified for s in self.steps)

    @property
    def failed(self) -> tuple[CheckedStep, ...]:
        return tuple(s for s in self.steps if not s.verified)

    @property
    def ratio_float(self) -> float | None:
        return float(self.ratio) if self.ratio.is_number else None

    @property
    def saving(self) -> sp.Expr | None:
        """How many times fewer mult-adds separable needs (standard / separable), when the numbers fix it."""
        return 1 / self.ratio if self.ratio.is_number else None


def _check(number: str, step: Step, values: Mapping[sp.Symbol, sp.Expr]) -> CheckedStep:
    instance = step.subs(values) if values and step.free_symbols() & set(values) else None
    # The general step must be proved. Its instance is a consequence; it must not be refuted (with numbers
    # it is then proved too; with symbolic layer dimensions sympy may be unable to tell either way).
    verified = step.verify() and (instance is None or instance.decide() is not False)
    return CheckedStep(number, step, instance, verified)


def _sympy_value(name: str, value: Any) -> sp.Expr:
    if isinstance(value, bool):
        raise ConvcostError(f"{name} must be a positive integer, got {value!r}")
    if isinstance(value, int):
        if value < 1:
            raise ConvcostError(f"{name} must be a positive integer, got {value}")
        return sp.Integer(value)
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, sp.Basic):
        if value.is_positive is False or value.is_integer is False:
            raise ConvcostError(f"{name} must be a positive integer, got {value}")
        return value
    raise ConvcostError(f"{name} must be a positive integer, got {value!r}")


def prove(
    values: Mapping[str, int | sp.Expr] | None = None,
    *,
    bias: bool = False,
    multipliers: bool = False,
    extra: tuple[Section, ...] = (),
    layer: LayerRef | None = None,
) -> Proof:
    """Build the derivation, put in ``values`` (names from :data:`VALUE_NAMES`), verify every step.

    ``extra`` sections (already specialised, e.g. agreement with ``analyze``) are appended and verified too.
    Raises ConvcostError for an unknown name or a value that is not a positive integer.
    """
    given: dict[str, sp.Expr] = {}
    for name, value in (values or {}).items():
        if name not in VALUE_NAMES:
            raise ConvcostError(
                f"unknown dimension {name!r}", hint=f"dimensions are: {', '.join(VALUE_NAMES)}"
            )
        if value is not None:
            given[name] = _sympy_value(name, value)
    given = {name: given[name] for name in VALUE_NAMES if name in given}
    subs = {SYMBOLS[name]: value for name, value in given.items()}

    sections = []
    for number, section in enumerate((*derivation(bias=bias, multipliers=multipliers), *extra), start=1):
        steps = tuple(_check(f"{number}.{i}", step, subs) for i, step in enumerate(section.steps, start=1))
        sections.append(CheckedSection(number, section.key, section.title, steps))

    std_params = STANDARD_PARAMS_BIAS if bias else STANDARD_PARAMS
    sep_params = SEPARABLE_PARAMS_BIAS if bias else SEPARABLE_PARAMS
    cheaper_values = CHEAPER_WHEN.subs(subs)
    return Proof(
        sections=tuple(sections),
        values=given,
        bias=bias,
        multipliers=multipliers,
        standard_params=subs_evaluated(std_params, subs),
        standard_macs=subs_evaluated(STANDARD_MACS, subs),
        separable_params=subs_evaluated(sep_params, subs),
        separable_macs=subs_evaluated(SEPARABLE_MACS, subs),
        ratio=subs_evaluated(RATIO, subs),
        ratio_params=sp.factor(subs_evaluated(sep_params / std_params, subs))
        if bias
        else subs_evaluated(RATIO, subs),
        cheaper_when=CHEAPER_WHEN,
        cheaper_when_values=cheaper_values,
        cheaper=cheaper_values.decide(),
        layer=layer,
    )


# ----------------------------------------------------------------------------------- --layer support


def _reported(value: Any) -> sp.Expr:
    """A number from ``analyze``'s report as a sympy object (ints, Fractions or sympy already)."""
    if isinstance(value, bool):
        raise TypeError(f"unexpected value {value!r} in the report")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, Fraction):
        return sp.Rational(value.numerator, value.denominator)
    if isinstance(value, sp.Basic):
        return value
    raise TypeError(f"unexpected value {value!r} in the report")


def layer_values(report: Any, name: str) -> tuple[Any, dict[str, sp.Expr]]:
    """Find layer ``name`` in an ``analyze`` report; return it and its M, N, Dk, Dk', Do, Do'.

    Raises ConvcostError when there is no such layer or it is not a convolution.
    """
    layers = list(report.layers)
    by_name = {lr.name: lr for lr in layers}
    if name not in by_name:
        close = difflib.get_close_matches(name, list(by_name), n=3)
        hint = f"did you mean {', '.join(repr(c) for c in close)}?" if close else None
        convs = [lr.name for lr in layers if lr.geometry is not None]
        if hint is None and convs:
            hint = f"convolution layers: {', '.join(convs[:12])}{', ...' if len(convs) > 12 else ''}"
        raise ConvcostError(f"no layer named {name!r}", hint=hint)
    layer = by_name[name]
    g = layer.geometry
    if g is None:
        convs = [lr.name for lr in layers if lr.geometry is not None]
        raise ConvcostError(
            f"layer {name!r} ({layer.kind}) is not a convolution; the derivation needs one",
            hint=f"convolution layers: {', '.join(convs[:12])}{', ...' if len(convs) > 12 else ''}"
            if convs
            else None,
        )
    values = {"M": g.m, "N": g.n, "Dk": g.kh, "Dkp": g.kw, "Do": g.ho, "Dop": g.wo}
    return layer, {k: _reported(v) for k, v in values.items()}


def agreement_section(layer: Any, values: Mapping[str, sp.Expr], *, bias: bool) -> Section:
    """Steps that check the derivation's numbers for one layer against what ``analyze`` reported for it."""
    subs = {SYMBOLS[k]: v for k, v in values.items()}
    std_params = STANDARD_PARAMS_BIAS if bias else STANDARD_PARAMS
    sep_params = SEPARABLE_PARAMS_BIAS if bias else SEPARABLE_PARAMS
    pairs = [
        ("standard.params", "Standard parameters", std_params, layer.standard.params),
        ("standard.macs", "Standard mult-adds", STANDARD_MACS, layer.standard.macs),
        ("separable.params", "Separable parameters", sep_params, layer.separable.params),
        ("separable.macs", "Separable mult-adds", SEPARABLE_MACS, layer.separable.macs),
        ("ratio", "Mult-add ratio", RATIO, layer.ratio),
    ]
    steps = tuple(
        Equation(
            key=f"analyze.{key}",
            claim=claim(f"{label}: the derivation (left) and convcost analyze (right) agree."),
            lhs=subs_evaluated(formula, subs),
            rhs=_reported(reported),
        )
        for key, label, formula, reported in pairs
        if reported is not None
    )
    return Section("analyze", claim(f"Agreement with convcost analyze for layer {layer.name!r}"), steps)


def prove_layer(
    report: Any, name: str, *, source: str, bias: bool = False, multipliers: bool = False
) -> Proof:
    """The derivation with one analyzed layer's dimensions, plus a check that it agrees with ``analyze``."""
    layer, values = layer_values(report, name)
    layer_bias = bool(getattr(layer.geometry, "bias", False))
    # analyze counted the layer as written; --bias on a layer without biases only adds the bias steps.
    section = agreement_section(layer, values, bias=layer_bias)
    return prove(
        values,
        bias=bias or layer_bias,
        multipliers=multipliers,
        extra=(section,),
        layer=LayerRef(source=source, name=layer.name, kind=str(layer.kind)),
    )
