"""How the derivation's symbols and expressions look in each notation: Unicode, LaTeX and sympy syntax.

The derivation's symbols are named M, N, Dk, Dkp, Do, Dop, alpha, rho (so JSON output parses back with
sympy). For display they are swapped for stand-ins whose names sort in the order the MobileNet literature
writes them (Dk·Dk'·M·N·Do·Do', since sympy orders factors by name) and printed with their display names.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.stringpict import prettyForm, stringPict
from sympy.printing.str import StrPrinter

from ..proof.steps import Claim, Condition, Dims
from ..proof.symbols import SYMBOLS
from ..symbolic.arith import to_sympy

_ORDER = ("Dk", "Dkp", "alpha", "M", "N", "rho", "Do", "Dop")
UNICODE_NAMES = {
    "Dk": "Dₖ", "Dkp": "Dₖ′", "alpha": "α", "M": "M", "N": "N", "rho": "ρ", "Do": "Dₒ", "Dop": "Dₒ′",
}  # fmt: skip
LATEX_NAMES = {
    "Dk": "D_K", "Dkp": "D_K'", "alpha": r"\alpha", "M": "M", "N": "N", "rho": r"\rho", "Do": "D_O",
    "Dop": "D_O'",
}  # fmt: skip

_STAND_INS = {
    SYMBOLS[name]: sp.Symbol(f"{i}{name}", **SYMBOLS[name].assumptions0) for i, name in enumerate(_ORDER)
}
_NAME_OF = {stand_in: name for name, stand_in in zip(_ORDER, _STAND_INS.values(), strict=True)}


def _for_display(expr: sp.Basic) -> sp.Basic:
    """``expr`` with the stand-in symbols, rebuilt without evaluation so its written form is kept."""
    if isinstance(expr, sp.Sum):  # built unevaluated, Sum would show its summand as 1*1
        limits = [(i, _for_display(low), _for_display(high)) for i, low, high in expr.limits]
        return sp.Sum(_for_display(expr.function), *limits)
    with sp.evaluate(False):
        return expr.xreplace(_STAND_INS)


# ----------------------------------------------------------------------------------------- Unicode


_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


class _LinearPrinter(StrPrinter):
    """One-line Unicode: x⋅y, x², a/b."""

    def _print_Symbol(self, e: sp.Symbol) -> str:
        name = _NAME_OF.get(e)
        return UNICODE_NAMES[name] if name else super()._print_Symbol(e)

    def _print_Pow(self, e: sp.Pow, rational: bool = False) -> str:
        if e.exp.is_Integer and e.exp > 1:
            return self.parenthesize(e.base, PRECEDENCE["Pow"]) + str(e.exp).translate(_SUPERSCRIPTS)
        return super()._print_Pow(e, rational)


    def _print_Max(self, e: sp.Max) -> str:
        return "max(" + ", ".join(self._print(a) for a in e.args) + ")"


_LINEAR = _LinearPrinter()


class _UnicodePrinter(PrettyPrinter):
    def _print_Symbol(self, e: sp.Symbol, bold_name: bool = False) -> prettyForm:
        name = _NAME_OF.get(e)
        return prettyForm(UNICODE_NAMES[name]) if name else super()._print_Symbol(e, bold_name)

    def _print_Mul(self, product: sp.Mul) -> prettyForm:
        # sympy's own version does the same, but first imports sympy.physics.units (a quarter of a second,
        # most of the text printer's time) only to move physical quantities last; there are none here.
        args = product.args
        if args[0] is sp.S.One or any(isinstance(arg, sp.Number) for arg in args[1:]):
            return prettyForm.__mul__(*[self._print(arg) for arg in args])  # unevaluated: keep as written
        numerator: list[sp.Basic] = []
        denominator: list[sp.Basic] = []
        for item in product.as_ordered_factors() if self.order not in ("old", "none") else args:
            if item.is_commutative and item.is_Pow and item.exp.is_Rational and item.exp.is_negative:
                denominator.append(
                    item.base if item.exp == -1 else sp.Pow(item.base, -item.exp, evaluate=False)
                )
            elif item.is_Rational and item is not sp.S.Infinity:
                if item.p != 1:
                    numerator.append(sp.Rational(item.p))
                if item.q != 1:
                    denominator.append(sp.Rational(item.q))
            else:
                numerator.append(item)
        top = prettyForm.__mul__(*[self._print(x) for x in numerator or [sp.S.One]])
        return top / prettyForm.__mul__(*[self._print(x) for x in denominator]) if denominator else top

    def _print_Max(self, e: sp.Max) -> prettyForm:
        # sympy's own prints the arguments with str(), which shows the stand-in symbols' names
        return prettyForm(*stringPict.next(prettyForm("max"), self._print_seq(e.args, "(", ")")))


_UNICODE = _UnicodePrinter({"use_unicode": True, "wrap_line": False})


def unicode_block(expr: sp.Basic) -> str:
    """A 2-D Unicode picture of ``expr`` (fractions stacked, sums with big sigmas)."""
    return _UNICODE.doprint(_for_display(expr))


def _as_expr(item: object) -> sp.Basic:
    """Our own numbers and expressions as sympy objects (never a string: nothing here parses text)."""
    if isinstance(item, (bool, str)):
        raise TypeError(f"not an expression: {item!r}")
    return to_sympy(item)


def unicode_inline(item: object) -> str:
    """``item`` on one line, for running text."""
    if isinstance(item, Dims):
        return "×".join(unicode_inline(p) for p in item.parts)
    if isinstance(item, Condition):
        item = item.relational()
    expr = _for_display(_as_expr(item))
    text = _UNICODE.doprint(expr)
    return _LINEAR.doprint(expr).replace("*", "⋅") if "\n" in text else text  # no stacked fractions in text


def unicode_row(*parts: sp.Basic | Condition | str) -> str:
    """Expressions and text side by side as one 2-D picture, on a common baseline."""
    pictures = []
    for part in parts:
        if isinstance(part, Condition):
            part = part.relational()
        pictures.append(part if isinstance(part, str) else _UNICODE._print(_for_display(part)))
    return stringPict.next(*pictures)[0]


# ------------------------------------------------------------------------------------------- LaTeX


class _LatexPrinter(LatexPrinter):
    def _print_Sum(self, expr: sp.Sum) -> str:
        # Nested sums, outermost first, rather than one \sum with a \substack (no "\\" inside the math,
        # which some Markdown renderers mangle).
        limits = "".join(
            rf"\sum_{{{self._print(i)}=1}}^{{{self._print(upper)}}} " for i, _, upper in reversed(expr.limits)
        )
        body = self._print(expr.function)
        return limits + (rf"\left({body}\right)" if isinstance(expr.function, sp.Add) else body)

    def _print_Subs(self, subs: sp.Subs) -> str:
        expr, old, new = subs.args
        at = r",\ ".join(f"{self._print(o)}={self._print(n)}" for o, n in zip(old, new, strict=True))
        return rf"\left. {self._print(expr)} \right|_{{{at}}}"


_LATEX = _LatexPrinter(
    {"symbol_names": {s: LATEX_NAMES[n] for s, n in _NAME_OF.items()}, "mul_symbol": "dot"}
)


def latex_math(item: object) -> str:
    """``item`` in LaTeX math (without delimiters)."""
    if isinstance(item, Dims):
        return r" \times ".join(latex_math(p) for p in item.parts)
    if isinstance(item, Condition):
        item = item.relational()
    return _LATEX.doprint(_for_display(_as_expr(item)))


LATEX_RELATIONS = {"=": "=", ">": ">", "<": "<", "<=>": r"\iff"}


def latex_escape(text: str) -> str:
    """Plain text made safe for LaTeX (and for Markdown math-enabled text)."""
    out = []
    for ch in text:
        if ch in "&%$#_{}":
            out.append("\\" + ch)
        elif ch == "~":
            out.append(r"\textasciitilde{}")
        elif ch == "^":
            out.append(r"\textasciicircum{}")
        elif ch == "\\":
            out.append(r"\textbackslash{}")
        else:
            out.append(ch)
    return "".join(out)


# ---------------------------------------------------------------------------------- sympy syntax


def sympy_syntax(item: object) -> str:
    """``item`` in sympy syntax with the ASCII names (M, N, Dk, Dkp, Do, Dop, alpha, rho)."""
    if isinstance(item, Dims):
        return "×".join(sympy_syntax(p) for p in item.parts)
    if isinstance(item, Condition):
        item = item.relational()
    return sp.sstr(_as_expr(item))


# ------------------------------------------------------------------------------------------ claims


_PLACEHOLDER = re.compile(r"\{(\d+)\}")


def render_claim(c: Claim, inline: Callable[[object], str], escape: Callable[[str], str] = str) -> str:
    """The claim's template: math items rendered by ``inline``, the text between passed through ``escape``."""
    # Only {0}, {1}, ... are placeholders: any other brace (say, in a layer's name) is text.
    pieces = _PLACEHOLDER.split(c.template)  # text, index, text, index, ..., text
    return "".join(escape(p) if i % 2 == 0 else inline(c.math[int(p)]) for i, p in enumerate(pieces))
