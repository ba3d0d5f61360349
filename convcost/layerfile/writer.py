"""A Spec written back as a layer file (`convcost import`): vars, input, one line per layer with the
settings that differ from their defaults, `from` where a layer does not read the one before it.

Loading the text gives the same layers (names, kinds, inputs, settings) as the Spec written, so its
analysis equals the source's; tests/test_onnx_import.py checks that on every model. Values that
depend on vars are written as expressions of the layer-file language (`floor(height/32)`), checked
to read back to the same value with convcost's own whitelisted parser.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from ..errors import ConvcostError, printable
from ..layers.records import REQUIRED
from ..layers.registry import get_rules
from .model import INPUT, LayerSpec, Spec


def write(spec: Spec, header: Sequence[str] = (), notes: Mapping[str, str] | None = None) -> str:
    """The layer-file text of `spec`; the `header` lines are put first as comments, `notes` are
    end-of-line comments by layer name. Each comment stays one line whatever it holds (a model's
    operator type or path may hold a line break): errors.printable escapes it."""
    notes = notes or {}
    out = [f"# {printable(line)}".rstrip() for line in header]
    out.append(f"name: {_text(spec.name)}")
    if spec.description:
        out.append(f"description: {_text(spec.description)}")
    if spec.vars:
        out.append("vars:")
        for var in spec.vars.values():
            value = "null" if var.default is None else value_text(var.default)
            out.append(f"  {var.name}: {{value: {value}, integer: {'true' if var.integer else 'false'}}}")
    out.append(f"input: [{', '.join(value_text(v) for v in spec.input)}]")
    out.append("layers:")
    previous = INPUT
    rules = get_rules()
    for layer in spec.layers:
        line = f"  - {layer.kind}: {{{', '.join(_entries(layer, previous, rules))}}}"
        note = notes.get(layer.name)
        out.append(f"{line}  # {printable(note)}" if note else line)
        previous = layer.name
    return "\n".join(out) + "\n"


def _entries(layer: LayerSpec, previous: str, rules) -> list[str]:
    entries = [f"name: {_text(layer.name)}"]
    if layer.inputs != (previous,):
        refs = [_text(ref) for ref in layer.inputs]
        entries.append(f"from: {refs[0]}" if len(refs) == 1 else f"from: [{', '.join(refs)}]")
    for setting in rules[layer.kind].settings:
        value = layer.attrs.get(setting.name)
        default = setting.default
        if setting.type in ("size", "padding") and isinstance(default, int):
            default = (default, default)
        if value is None or (default is not REQUIRED and value == default and type(value) is type(default)):
            continue
        entries.append(f"{setting.name}: {_setting(setting.type, value)}")
    return entries


def _setting(type_name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _text(value)
    if type_name == "padding" and isinstance(value, tuple) and any(isinstance(p, tuple) for p in value):
        (top, bottom), (left, right) = (p if isinstance(p, tuple) else (p, p) for p in value)
        return f"[{', '.join(value_text(v) for v in (top, bottom, left, right))}]"
    if isinstance(value, tuple):
        if type_name in ("size", "padding") and len(value) == 2 and value[0] == value[1]:
            return value_text(value[0])
        return f"[{', '.join(value_text(v) for v in value)}]"
    return value_text(value)


def _text(s: str) -> str:
    """A string as a YAML scalar: JSON's double-quoted form, which YAML reads as written."""
    return json.dumps(s, ensure_ascii=False)


def value_text(v: Any) -> str:
    """A number as YAML: ints as they are, anything else as an expression string."""
    if type(v) is int:
        return str(v)
    if isinstance(v, Fraction):
        return str(v.numerator) if v.denominator == 1 else _text(f"{v.numerator}/{v.denominator}")
    return _text(expression(v))


def expression(e: Any) -> str:
    """A sympy value in the layer-file expression language (docs/layer-file.md): as sympy's str
    printer writes it (`floor(height/8 - 1/8) + 1`) with our function names, if that text evaluates
    back to the same value with convcost's parser; else fully parenthesized, which always does."""
    import sympy

    from ..symbolic.expr import evaluate_text

    text = _printer().doprint(e)
    env = {s.name: s for s in e.free_symbols} if isinstance(e, sympy.Basic) else {}
    try:
        if evaluate_text(text, env) == e:
            return text
    except ConvcostError:
        pass
    return _plain(e)


_PRINTER = None


def _printer():
    global _PRINTER
    if _PRINTER is None:
        from sympy.printing.str import StrPrinter

        class Printer(StrPrinter):
            def _print_ceiling(self, e):
                return f"ceil({self._print(e.args[0])})"

            def _print_Max(self, e):
                return f"max({', '.join(self._print(a) for a in e.args)})"

            def _print_Min(self, e):
                return f"min({', '.join(self._print(a) for a in e.args)})"

            def _print_Mod(self, e):
                return f"({self._print(e.args[0])}) % ({self._print(e.args[1])})"

        _PRINTER = Printer()
    return _PRINTER


def _plain(e: Any) -> str:
    """Every operation in parentheses: longer, but it reads back as written."""
    import sympy

    if isinstance(e, int):
        return str(e) if e >= 0 else f"({e})"
    if isinstance(e, Fraction):
        return f"({e.numerator}/{e.denominator})"
    if e.is_Integer:
        return _plain(int(e))
    if e.is_Rational:
        return f"({e.p}/{e.q})"
    if e.is_Symbol:
        return e.name
    args = e.args
    if isinstance(e, sympy.Add):
        return "(" + " + ".join(_plain(a) for a in args) + ")"
    if isinstance(e, sympy.Mul):
        return "(" + "*".join(_plain(a) for a in args) + ")"
    if isinstance(e, sympy.Pow) and args[1].is_Integer:
        n = int(args[1])
        power = f"{_plain(args[0])}**{abs(n)}"
        return f"({power})" if n > 0 else f"(1/{power})"
    if isinstance(e, sympy.floor):
        return f"floor({_plain(args[0])})"
    if isinstance(e, sympy.ceiling):
        return f"ceil({_plain(args[0])})"
    if isinstance(e, (sympy.Max, sympy.Min)):
        return f"{'max' if isinstance(e, sympy.Max) else 'min'}({', '.join(_plain(a) for a in args)})"
    if isinstance(e, sympy.Mod):
        return f"({_plain(args[0])} % {_plain(args[1])})"
    raise ConvcostError(f"cannot write {e} as a layer-file expression",
                        hint="analyze the .onnx file itself, or give the dynamic dims numbers with --set")
