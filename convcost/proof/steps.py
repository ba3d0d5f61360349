"""The kinds of step a derivation is made of, each proved by sympy; and the claims they carry.

* :class:`Equation`    ``lhs = rhs``, an identity: ``lhs - rhs`` is zero (expanded; else, for rational
  functions, exactly by ``cancel``; else by ``simplify``).
* :class:`Inequality`  ``lhs > rhs`` for all values allowed by the symbols' assumptions (positive integers):
  ``lhs - rhs`` is positive.
* :class:`Equivalence` ``(a < b)  <=>  (c > d)``, proved by the identity ``b - a = f*(c - d)`` together
  with ``f > 0``.

Steps are plain data (frozen dataclasses); the printers in convcost.render (proof_*) show them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import sympy as sp


def quotient(numerator: sp.Expr, denominator: sp.Expr) -> sp.Expr:
    """``numerator / denominator`` as written (not cancelled), so a step can show the ratio it starts from.

    ``doit()`` (which ``verify`` applies) evaluates it.
    """
    return sp.Mul(numerator, sp.Pow(denominator, -1, evaluate=False), evaluate=False)


# --------------------------------------------------------------------------------------------- claims


@dataclass(frozen=True)
class Dims:
    """A shape such as Dk x Dk' x M, shown with the printer's times sign."""

    parts: tuple[sp.Expr, ...]


@dataclass(frozen=True)
class Condition:
    """A strict inequality ``left op right`` (op ``<`` or ``>``), kept unevaluated so it can be shown."""

    left: sp.Expr
    op: str
    right: sp.Expr

    def __post_init__(self) -> None:
        if self.op not in ("<", ">"):
            raise ValueError(f"Condition op must be '<' or '>', not {self.op!r}")

    @property
    def gap(self) -> sp.Expr:
        """An expression that is positive exactly when the condition holds."""
        return self.left - self.right if self.op == ">" else self.right - self.left

    def relational(self) -> sp.Basic:
        """The condition as an unevaluated sympy relation (for printing and parsing back)."""
        cls = sp.StrictGreaterThan if self.op == ">" else sp.StrictLessThan
        return cls(self.left, self.right, evaluate=False)

    def subs(self, values: Mapping[sp.Symbol, sp.Expr]) -> Condition:
        return Condition(subs_evaluated(self.left, values), self.op, subs_evaluated(self.right, values))

    def decide(self) -> bool | None:
        """True or False when sympy can tell for all values of the remaining symbols, else None."""
        gap = sp.expand(self.gap.doit())  # with numbers in, exact; no simplify: it is slow and rarely helps
        if gap.is_positive is True:
            return True
        if gap.is_nonpositive is True:
            return False
        return None


ClaimItem = sp.Basic | Dims | Condition


@dataclass(frozen=True)
class Claim:
    """Short text with math in it: ``template`` has ``{0}``, ``{1}``... for the items of ``math``.

    Each printer renders the items in its own notation (Unicode, LaTeX, sympy syntax).
    """

    template: str
    math: tuple[ClaimItem, ...] = ()


def claim(template: str, *math: ClaimItem) -> Claim:
    return Claim(template, tuple(math))


# ---------------------------------------------------------------------------------------------- steps


def subs_evaluated(expr: sp.Expr, values: Mapping[sp.Symbol, sp.Expr]) -> sp.Expr:
    """``expr`` with ``values`` put in and sums, substitutions and quotients evaluated."""
    return expr.subs(values).doit() if values else expr


def _is_zero(expr: sp.Expr) -> bool | None:
    """Whether ``expr`` is identically zero; rational functions are settled exactly by ``cancel``.
    Maxima and minima (the roofline's) are written with absolute values first, max(a, b) =
    (a + b + |a - b|)/2, which sympy can scale by positive factors and cancel."""
    if expr.has(sp.Max, sp.Min):
        expr = expr.rewrite(sp.Abs)
    expr = sp.expand(expr.doit())
    if expr.is_zero is not None:
        return expr.is_zero
    cancelled = sp.cancel(sp.together(expr))
    if cancelled.is_zero is not None:
        return cancelled.is_zero
    return sp.simplify(expr).is_zero


def _is_positive(expr: sp.Expr) -> bool | None:
    expr = expr.doit()
    for simplify in (lambda e: e, sp.expand, sp.simplify):  # cheapest first: simplify is slow
        positive = simplify(expr).is_positive
        if positive is not None:
            return positive
    return None


@dataclass(frozen=True, kw_only=True)
class Step:
    """One claim of the derivation. Subclasses say what ``lhs`` and ``rhs`` are and how to prove the claim."""

    key: str  # stable identifier, e.g. "standard.macs"
    claim: Claim
    relation: ClassVar[str]  # "=", ">" or "<=>", as in the JSON output

    def decide(self) -> bool | None:
        """True if sympy proves the step, False if it disproves it, None if it can tell neither."""
        raise NotImplementedError

    def verify(self) -> bool:
        """True exactly when sympy proves the step."""
        return self.decide() is True

    def subs(self, values: Mapping[sp.Symbol, sp.Expr]) -> Step:
        """The same step with numbers (or expressions) put in for some symbols, and evaluated."""
        raise NotImplementedError

    def free_symbols(self) -> set[sp.Symbol]:
        raise NotImplementedError


class _TwoExpressions:
    """Shared by the steps whose two sides are expressions (equations and inequalities)."""

    def subs(self, values: Mapping[sp.Symbol, sp.Expr]):
        lhs, rhs = subs_evaluated(self.lhs, values), subs_evaluated(self.rhs, values)
        return dataclasses.replace(self, lhs=lhs, rhs=rhs)

    def free_symbols(self) -> set[sp.Symbol]:
        return self.lhs.free_symbols | self.rhs.free_symbols


@dataclass(frozen=True, kw_only=True)
class Equation(_TwoExpressions, Step):
    """``lhs = rhs`` for all values of the symbols."""

    lhs: sp.Expr
    rhs: sp.Expr
    relation: ClassVar[str] = "="

    def decide(self) -> bool | None:
        zero = _is_zero(self.lhs - self.rhs)
        return None if zero is None else bool(zero)



@dataclass(frozen=True, kw_only=True)
class Inequality(_TwoExpressions, Step):
    """``lhs > rhs`` for all values of the symbols (positive integers, or as their assumptions say)."""

    lhs: sp.Expr
    rhs: sp.Expr
    relation: ClassVar[str] = ">"

    def decide(self) -> bool | None:
        positive = _is_positive(self.lhs - self.rhs)
        if positive is True:
            return True
        return False if _is_positive(self.rhs - self.lhs) is True or _is_zero(self.lhs - self.rhs) else None



@dataclass(frozen=True, kw_only=True)
class Equivalence(Step):
    """``lhs <=> rhs`` for two conditions, because ``lhs.gap = factor * rhs.gap`` and ``factor > 0``."""

    lhs: Condition
    rhs: Condition
    factor: sp.Expr
    relation: ClassVar[str] = "<=>"

    def decide(self) -> bool | None:
        identity = _is_zero(self.lhs.gap - self.factor * self.rhs.gap)
        positive = _is_positive(self.factor)
        if identity is True and positive is True:
            return True
        # Not proved this way; with numbers in, the two sides may still be compared directly.
        left, right = self.lhs.decide(), self.rhs.decide()
        if left is not None and right is not None:
            return left == right
        return None

    def subs(self, values: Mapping[sp.Symbol, sp.Expr]) -> Equivalence:
        return Equivalence(
            key=self.key,
            claim=self.claim,
            lhs=self.lhs.subs(values),
            rhs=self.rhs.subs(values),
            factor=subs_evaluated(self.factor, values),
        )

    def free_symbols(self) -> set[sp.Symbol]:
        parts = (self.lhs.left, self.lhs.right, self.rhs.left, self.rhs.right, self.factor)
        return set().union(*(p.free_symbols for p in parts))


@dataclass(frozen=True)
class Section:
    key: str
    title: Claim
    steps: tuple[Step, ...]
