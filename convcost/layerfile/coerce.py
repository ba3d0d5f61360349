"""Turning YAML nodes into checked parameter values, one coercer per parameter type."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..errors import ConvcostError, did_you_mean, shown
from ..limits import Limits
from ..symbolic import arith
from ..symbolic.arith import Value
from ..symbolic.expr import evaluate_text
from .yamlnodes import Node

Env = Mapping[str, Value]


def number(node: Node, env: Env, limits: Limits, what: str) -> Value:
    """A number or an expression string."""
    if node.type in ("int", "float"):
        return node.value
    if node.type == "str":
        return evaluate_text(node.value, env, limits, node.loc)
    raise ConvcostError(f"{what} must be a number or an expression, got {node.describe()}", node.loc,
                        "write a number (32, 0.75) or an expression in quotes (\"32*alpha\")")


def _check_int(value: Value, node: Node, what: str, minimum: int) -> Value:
    integer = arith.is_integer(value)
    if integer is False:
        raise ConvcostError(
            f"{what} must be an integer, got {value}", node.loc,
            "wrap the expression in floor(...), round(...) or make_divisible(..., 8)",
        )
    low = arith.less_than(value, minimum)
    if low is True:
        raise ConvcostError(f"{what} must be at least {minimum}, got {value}", node.loc,
                            "check the value, or the vars it is computed from")
    return value


def count(node: Node, env: Env, limits: Limits, what: str) -> Value:
    """A positive integer (channels, groups, multipliers)."""
    return _check_int(number(node, env, limits, what), node, what, 1)


def nonneg(node: Node, env: Env, limits: Limits, what: str) -> Value:
    return _check_int(number(node, env, limits, what), node, what, 0)


def _pair(node: Node, env: Env, limits: Limits, what: str, one: Callable) -> tuple:
    if node.type == "seq":
        if len(node.value) != 2:
            raise ConvcostError(
                f"{what} takes one value or a [height, width] pair, got {len(node.value)} values", node.loc,
                "write e.g. 3 or [3, 5]")
        return (one(node.value[0], env, limits, what), one(node.value[1], env, limits, what))
    v = one(node, env, limits, what)
    return (v, v)


def size(node: Node, env: Env, limits: Limits, what: str) -> tuple:
    """A positive integer or a [height, width] pair of them (kernel, stride, dilation)."""
    return _pair(node, env, limits, what, count)


PADDING_HINT = ("padding takes `same` or `valid` (lower case), a number, [height, width] or "
                "[top, bottom, left, right], each a number or an expression over the vars")


def padding(node: Node, env: Env, limits: Limits, what: str):
    """A non-negative integer, a [height, width] pair, a [top, bottom, left, right] quadruple, or
    `same` / `valid`. An axis padded unequally is a (before, after) pair inside the (height, width)
    pair; [1, 1, 2, 2] is the plain pair (1, 2)."""
    if node.type == "str":
        word = node.value.strip()
        if word in ("same", "valid"):
            return word
        if word.lower() in ("same", "valid"):  # TensorFlow's SAME and VALID
            raise ConvcostError(f"{what} is {shown(word)}: padding names are lower case", node.loc,
                                f"write `padding: {word.lower()}`; {PADDING_HINT}")
        if word.lower() in ("same_upper", "same_lower"):  # ONNX's auto_pad
            raise ConvcostError(f"{what} is {shown(word)}, ONNX's auto_pad: here it is `padding: same`",
                                node.loc, f"write `padding: same` (the cost is the same); {PADDING_HINT}")
        if word.isidentifier() and word not in env:
            close = did_you_mean(word, env)
            raise ConvcostError(f"{what} must be `same`, `valid`, a number or an expression, "
                                f"got {shown(word)}", node.loc,
                                f"{close + ' ' if close else ''}{PADDING_HINT}")
    if node.type == "seq" and len(node.value) == 4:
        top, bottom, left, right = (nonneg(n, env, limits, what) for n in node.value)
        return (top if top == bottom else (top, bottom), left if left == right else (left, right))
    if node.type == "seq" and len(node.value) != 2:
        raise ConvcostError(f"{what} takes one value, a [height, width] pair or [top, bottom, left, right], "
                            f"got {len(node.value)} values", node.loc, PADDING_HINT)
    return _pair(node, env, limits, what, nonneg)


def shape(node: Node, env: Env, limits: Limits, what: str) -> tuple:
    """A shape per sample: [features] or [channels, height, width], each a positive integer."""
    if node.type != "seq" or len(node.value) not in (1, 3):
        raise ConvcostError(f"{what} is [features] or [channels, height, width], got {node.describe()}",
                            node.loc, "e.g. [3, 224, 224] for an RGB image, [1000] for a vector; no batch "
                            "axis")
    return tuple(count(n, env, limits, what) for n in node.value)


def boolean(node: Node, env: Env, limits: Limits, what: str) -> bool:
    if node.type != "bool":
        raise ConvcostError(f"{what} must be true or false, got {node.describe()} {shown(node.text)}",
                            node.loc, "write true or false, without quotes")
    return node.value


def choice(options: tuple[str, ...]) -> Callable:
    def coerce(node: Node, env: Env, limits: Limits, what: str) -> str:
        if node.type != "str" or node.value not in options:
            text = node.text.strip()
            hint = (f"write `{text.lower()}` (lower case)" if text.lower() in options else
                    did_you_mean(text, options) or f"write one of: {', '.join(options)}")
            raise ConvcostError(f"{what} must be one of {', '.join(options)}, got {shown(node.text)}",
                                node.loc, hint)
        return node.value

    return coerce


MISS = object()  # what `literal` returns when the full coercer has to decide


def literal(type_name: str, node: Node):
    """What the coercer of `type_name` returns for the common literals (a positive int, a pair of
    them, a boolean, a number), else MISS.

    A fast path, not a second set of rules: it answers only where the coercer cannot fail, without
    building the message text the coercer takes (a 20,000-layer file has 60,000 parameters).
    """
    kind, value = node.type, node.value
    if type_name == "count":
        if kind == "int" and value >= 1:
            return value
    elif type_name == "nonneg":
        if kind == "int" and value >= 0:
            return value
    elif type_name == "size" or type_name == "padding":
        least = 1 if type_name == "size" else 0
        if kind == "int" and value >= least:
            return (value, value)
        if kind == "seq" and len(value) == 2:
            first, second = value
            if first.type == second.type == "int" and first.value >= least and second.value >= least:
                return (first.value, second.value)
    elif type_name == "bool":
        if kind == "bool":
            return value
    elif type_name == "number":
        if kind == "int" or kind == "float":
            return value
    return MISS


COERCERS: dict[str, Callable] = {
    "number": number, "count": count, "nonneg": nonneg, "size": size, "padding": padding, "bool": boolean,
    "shape": shape,
}


def coercer(type_name: str) -> Callable:
    if type_name.startswith("choice:"):
        return choice(tuple(type_name.split(":", 1)[1].split(",")))
    return COERCERS[type_name]
