"""Verifying the derivation: put the given numbers in, check every step with sympy, collect the results.

:func:`prove` returns a :class:`Proof`: plain data that the printers in :mod:`convcost.render`
(proof_*) format. Nothing here renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy as sp

from ..errors import ConvcostError
from ..symbolic.arith import to_sympy
from .derivation import derivation
from .formulas import (
    CHEAPER_WHEN,
    RATIO,
    SEPARABLE_MACS,
    SEPARABLE_PARAMS,
    SEPARABLE_PARAMS_BIAS,
    STANDARD_MACS,
    STANDARD_PARAMS,
    STANDARD_PARAMS_BIAS,
)
from .roofline import RooflineInput, RooflineResult, roofline_result
from .steps import Claim, Condition, Section, Step, subs_evaluated
from .symbols import SYMBOLS, VALUE_NAMES


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
    roofline: RooflineResult | None = None  # with --roofline: the times and when separable is faster

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
    """A given dimension as a sympy value: a positive integer (or a symbolic value not known to be
    anything else)."""
    if isinstance(value, bool) or not isinstance(value, (int, Fraction, sp.Basic)):
        raise ConvcostError(f"{name} must be a positive integer, got {value!r}", hint="e.g. --out 512")
    expr = to_sympy(value)
    if expr.is_positive is False or expr.is_integer is False:
        raise ConvcostError(f"{name} must be a positive integer, got {value}", hint="e.g. --out 512")
    return expr


def prove(
    values: Mapping[str, int | sp.Expr] | None = None,
    *,
    bias: bool = False,
    multipliers: bool = False,
    extra: tuple[Section, ...] = (),
    layer: LayerRef | None = None,
    roofline: RooflineInput | None = None,
) -> Proof:
    """Build the derivation, put in ``values`` (names from :data:`VALUE_NAMES`), verify every step.

    ``extra`` sections (already specialised, e.g. agreement with ``analyze``) are appended and verified too.
    With ``roofline`` (the dtype's size and the device's numbers, any of them may be absent) the roofline
    sections are added (proof/roofline.py) with those numbers put in.
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
    step_subs = subs
    if roofline is not None:
        from .roofline import roofline_sections

        extra = (*roofline_sections(), *extra)
        step_subs = {**subs, **roofline.substitutions()}

    sections = []
    for number, section in enumerate((*derivation(bias=bias, multipliers=multipliers), *extra), start=1):
        steps = tuple(_check(f"{number}.{i}", step, step_subs)
                      for i, step in enumerate(section.steps, start=1))
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
        roofline=None if roofline is None else roofline_result(roofline, subs),
    )


