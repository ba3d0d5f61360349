"""`when:` conditions: whether a layer, block or repeat is part of the network.

A condition is `true`, `false`, a number (kept when not zero), or a string of comparisons between
expressions joined by `and`, `or`, `not` and parentheses: `stride == 1 and in_channels == out`.
The string is parsed with :mod:`ast` (parsing only); the structure above is checked node by node and
each side of a comparison is an ordinary expression, evaluated by convcost.symbolic.expr with its own
whitelist. Nothing is ever passed to eval.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Mapping

from ..errors import ConvcostError, Location, shown
from ..limits import Limits
from ..symbolic import arith
from ..symbolic.arith import Value
from ..symbolic.expr import evaluate_text
from .yamlnodes import Node

CONDITION_HINT = ("`when` takes true, false, or a comparison such as \"in_channels == out\" or "
                  "\"stride > 1\", joined with and, or, not")
_COMPARE = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


def _undecided(text: str, loc: Location) -> ConvcostError:
    return ConvcostError(f"condition {shown(text)} depends on symbolic vars", loc,
                         "a `when:` decides the network's structure: keep the vars it reads numeric")


def _truth(value: Value, text: str, loc: Location) -> bool:
    zero = arith.is_zero(value)
    if zero is None:
        raise _undecided(text, loc)
    return not zero


def _compare(op: type, a: Value, b: Value) -> bool | None:
    if op is ast.Eq or op is ast.NotEq:
        eq = arith.equal(a, b)
        return eq if eq is None or op is ast.Eq else not eq
    if op is ast.Lt:
        return arith.less_than(a, b)
    if op is ast.Gt:
        return arith.less_than(b, a)
    ge = arith.less_than(a, b)  # a >= b is not a < b
    le = arith.less_than(b, a)
    if op is ast.GtE:
        return None if ge is None else not ge
    return None if le is None else not le


def _evaluate(node: ast.AST, source: str, env: Mapping[str, Value], limits: Limits, loc: Location) -> bool:
    if isinstance(node, ast.BoolOp):
        if isinstance(node.op, ast.And):
            return all(_evaluate(v, source, env, limits, loc) for v in node.values)
        return any(_evaluate(v, source, env, limits, loc) for v in node.values)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return not _evaluate(node.operand, source, env, limits, loc)
    if isinstance(node, ast.Compare):
        if not all(type(op) in _COMPARE for op in node.ops):
            raise ConvcostError(f"condition {shown(source)} uses an operator other than "
                                + " ".join(_COMPARE.values()), loc, CONDITION_HINT)
        values = [evaluate_text(ast.get_source_segment(source, n) or "", env, limits, loc)
                  for n in (node.left, *node.comparators)]
        for op, a, b in zip(node.ops, values, values[1:], strict=False):
            result = _compare(type(op), a, b)
            if result is None:
                raise _undecided(source, loc)
            if not result:
                return False
        return True
    text = ast.get_source_segment(source, node) or ""
    return _truth(evaluate_text(text, env, limits, loc), text, loc)


def condition(node: Node, env: Mapping[str, Value], limits: Limits) -> bool:
    """The value of a `when:` node."""
    if node.type == "bool":
        return node.value
    if node.type in ("int", "float"):
        return node.value != 0
    if node.type != "str":
        raise ConvcostError("`when` takes true, false, a number or a condition string, got "
                            f"{node.describe()}", node.loc, CONDITION_HINT)
    source = node.value.strip()
    if len(source) > limits.expr_chars:
        raise ConvcostError(f"condition is {len(source)} characters long, over the limit of "
                            f"{limits.expr_chars}", node.loc,
                            "raise it with --limit expr_chars=N if this is intended")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        raise ConvcostError(f"cannot parse condition {shown(source)}", node.loc,
                            "write comparisons of expressions joined by and, or, not: "
                            "`stride == 1 and in_channels == out`") from None
    try:
        return _evaluate(tree.body, source, env, limits, node.loc)
    except RecursionError:
        raise ConvcostError(f"condition {shown(source)} is nested too deeply", node.loc,
                            "write a shorter condition") from None
