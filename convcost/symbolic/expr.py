"""The safe expression language of layer files.

An expression string is parsed with :mod:`ast` (which only parses, never runs anything) and every
node is checked against a whitelist before anything is evaluated. Evaluation walks that checked
tree and builds ints, exact Fractions, or sympy objects through sympy's constructors; it never
calls eval, exec, sympify or parse_expr. Sizes are bounded by :class:`convcost.limits.Limits`.

Grammar: numbers (decimals are exact rationals), names of vars, + - * / // % ** and unary minus,
parentheses, and the functions floor, ceil, round, min, max, abs, make_divisible, slim_depth.
"""

from __future__ import annotations

import ast
import contextlib
import re
import warnings
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from fractions import Fraction
from functools import lru_cache

from ..errors import Consequence, ConvcostError, LimitExceeded, Location, did_you_mean, listing, shown
from ..limits import DEFAULT_LIMITS, Limits
from . import arith
from .arith import Lifted, Value, is_number
from .literals import decimal
from .rounding import make_divisible_number, slim_depth_number


class ExpressionError(ConvcostError):
    pass


class _Failed:
    """The value of a var or block argument that could not be loaded (its error is reported): an
    expression reading it raises Consequence instead of a second message about the same mistake."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "FAILED"


FAILED = _Failed()


FUNCTIONS = ("floor", "ceil", "round", "min", "max", "abs", "make_divisible", "slim_depth")
_ARITY = {"floor": (1, 1), "ceil": (1, 1), "round": (1, 1), "abs": (1, 1),
          "min": (2, 64), "max": (2, 64), "make_divisible": (2, 3), "slim_depth": (1, 2)}

_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)
_OPNAMES = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
            ast.Mod: "%", ast.Pow: "**"}


def _describe(node: ast.AST) -> str:
    kinds = {
        ast.Attribute: "attribute access", ast.Subscript: "subscripts", ast.Lambda: "lambdas",
        ast.ListComp: "comprehensions", ast.SetComp: "comprehensions", ast.DictComp: "comprehensions",
        ast.GeneratorExp: "comprehensions", ast.Compare: "comparisons", ast.BoolOp: "boolean operators",
        ast.IfExp: "conditional expressions", ast.List: "lists", ast.Tuple: "tuples", ast.Dict: "dicts",
        ast.Set: "sets", ast.JoinedStr: "strings", ast.NamedExpr: "assignments", ast.Starred: "unpacking",
        ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield",
    }
    return kinds.get(type(node), type(node).__name__)


class _Checked:
    """A parsed expression that passed the whitelist; `names` are the variables it reads, `size` its
    number of syntax nodes."""

    __slots__ = ("tree", "text", "names", "size")

    def __init__(self, tree: ast.Expression, text: str, names: frozenset[str], size: int):
        self.tree = tree
        self.text = text
        self.names = names
        self.size = size


def _check(text: str, limits: Limits) -> _Checked:
    if len(text) > limits.expr_chars:
        raise LimitExceeded(
            f"expression is {len(text)} characters long, over the limit of {limits.expr_chars}",
            hint="raise it with --limit expr_chars=N if this is intended",
        )
    if "\x00" in text:
        raise ExpressionError("expression contains a NUL character", hint="remove the NUL character")
    try:
        with warnings.catch_warnings():  # e.g. "invalid escape sequence" must not reach the user's stderr
            warnings.simplefilter("ignore")
            source = text.strip()
            tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(
            f"cannot parse expression {shown(text)}: {exc.msg}",
            hint="expressions use numbers, vars, + - * / // % **, parentheses and "
            + ", ".join(FUNCTIONS),
        ) from None
    except (ValueError, MemoryError, RecursionError):
        raise ExpressionError(f"cannot parse expression {shown(text)}: it is nested too deeply",
                              hint="write a shorter expression (or split it across vars)") from None
    names: set[str] = set()
    count = 0
    stack: list[ast.AST] = [tree.body]
    while stack:
        node = stack.pop()
        count += 1
        if count > limits.expr_nodes:
            raise LimitExceeded(
                f"expression has more than {limits.expr_nodes} syntax nodes",
                hint="raise it with --limit expr_nodes=N if this is intended",
            )
        if isinstance(node, ast.BinOp) and isinstance(node.op, _BINOPS):
            stack += [node.left, node.right]
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            stack.append(node.operand)
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise ExpressionError(
                    f"{type(node.value).__name__} constant {node.value!r} is not allowed in an expression",
                    hint="expressions are arithmetic on numbers and vars",
                )
        elif isinstance(node, ast.Name):
            if node.id.startswith("_"):
                raise ExpressionError(f"name {node.id!r} is not allowed (names may not start with '_')",
                                      hint="vars are declared under `vars:` with names like alpha or res")
            if node.id in FUNCTIONS:
                raise ExpressionError(f"function {node.id!r} must be called, e.g. {node.id}(x)",
                                      hint=f"{node.id} is a function, not a var")
            names.add(node.id)
        elif isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                callee = ast.get_source_segment(source, node.func) or _describe(node.func)
                raise ExpressionError(
                    f"call of {shown(callee)} is not allowed",
                    hint="the only functions are " + ", ".join(FUNCTIONS),
                )
            if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
                raise ExpressionError(f"{node.func.id}() takes positional arguments only",
                                      hint=f"write e.g. {node.func.id}(x, 8), without names")
            lo, hi = _ARITY[node.func.id]
            if not lo <= len(node.args) <= hi:
                want = str(lo) if lo == hi else f"{lo} to {hi}"
                raise ExpressionError(f"{node.func.id}() takes {want} arguments, got {len(node.args)}",
                                      hint="docs/layer-file.md lists the functions and their arguments")
            stack += node.args
        else:
            op = _OPNAMES.get(type(getattr(node, "op", None)), None)
            what = f"operator {op}" if op else _describe(node)
            if isinstance(node, (ast.BinOp, ast.UnaryOp)):
                what = f"operator {type(node.op).__name__}"
            raise ExpressionError(
                f"{what} is not allowed in an expression",
                hint="expressions use numbers, vars, + - * / // % **, parentheses and "
                + ", ".join(FUNCTIONS),
            )
    return _Checked(tree, source, frozenset(names), count)


@lru_cache(maxsize=1024)
def _check_cached(text: str, limits: Limits) -> _Checked:
    return _check(text, limits)


def parse(text: str, limits: Limits = DEFAULT_LIMITS) -> _Checked:
    """Parse and whitelist-check an expression string (cached)."""
    return _check_cached(text, limits)


def _check_size(x: Value, limits: Limits) -> Value:
    if isinstance(x, int):
        if x.bit_length() > limits.int_bits:
            raise LimitExceeded(
                f"a number in the expression has {x.bit_length()} bits, over the limit of {limits.int_bits}",
                hint="raise it with --limit int_bits=N if this is intended",
            )
    elif isinstance(x, Fraction):
        _check_size(x.numerator, limits)
        _check_size(x.denominator, limits)
    elif isinstance(x, Lifted):  # a sweep's values (grid.py): each checked as a run of its own would
        x.apply(lambda v: _check_size(v, limits), (x,))
    return x


def _check_degree(x: Value, limits: Limits) -> Value:
    # Symbolic values are multiplied and cancelled by the engine; sympy's polynomial algorithms
    # take seconds to minutes on degrees in the hundreds, so a layer file may not ask for them.
    if not isinstance(x, Lifted) and not is_number(x):
        degree = arith.degree_bound(x)
        if degree > limits.degree:
            raise LimitExceeded(
                f"a symbolic value in the expression has degree {degree}, over the limit of {limits.degree}",
                hint="raise it with --limit degree=N if this is intended",
            )
    return x


def _power(base: Value, exp: Value, limits: Limits) -> Value:
    if not is_number(exp):  # 2**2**res: its size, and the work to substitute into it, are unbounded
        raise LimitExceeded(
            f"exponent {exp} is symbolic, so the size of the power cannot be kept within the limit "
            f"of {limits.exponent} (exponent)",
            hint="keep the vars of an exponent numeric (drop them from --symbolic)",
        )
    if isinstance(exp, Fraction):
        raise ExpressionError(f"exponent {exp} is not an integer", hint="only integer exponents are allowed")
    if abs(exp) > limits.exponent:
        raise LimitExceeded(
            f"exponent {exp} is over the limit of {limits.exponent}",
            hint="raise it with --limit exponent=N if this is intended",
        )
    if isinstance(base, Lifted):
        return base.apply(lambda b: _power(b, exp, limits), (base,))
    if is_number(base):
        if base == 0 and exp < 0:
            raise ExpressionError("division by zero (0 raised to a negative power)",
                                  hint="check the vars the expression reads")
        bits = max(abs(Fraction(base).numerator).bit_length(), Fraction(base).denominator.bit_length())
        # (bits - 1) * exp is a lower bound on the result's size: refuse before computing what is
        # surely too big; _check_size then checks the exact result.
        if (bits - 1) * abs(exp) > limits.int_bits + 64:
            raise LimitExceeded(
                f"{base}**{exp} would have over {(bits - 1) * abs(exp)} bits, "
                f"over the limit of {limits.int_bits}",
                hint="raise it with --limit int_bits=N if this is intended",
            )
        return arith.normalize(Fraction(base) ** exp)
    return arith.normalize(base**exp)


def _round_half_even(x: Value) -> Value:
    if is_number(x):
        return round(Fraction(x))
    raise ExpressionError(
        "round() of a symbolic value is not supported",
        hint="use floor(x + 1/2) to round halves up, or keep that var numeric",
    )


def make_divisible(v: Value, divisor: Value, min_value: Value | None = None) -> Value:
    """The channel rounding of MobileNetV2/V3 (TensorFlow's and torchvision's `_make_divisible`).

    Rounds v to the nearest multiple of divisor (halves up), at least min_value (default divisor),
    and never more than 10% below v. Of a symbolic value, one unevaluated sympy function
    (convcost.symbolic.functions explains why).
    """
    args = (v, divisor) if min_value is None else (v, divisor, min_value)
    lifted = next((a for a in args if isinstance(a, Lifted)), None)
    if lifted is not None:  # a sweep: each configuration's numbers
        return lifted.apply(make_divisible_number, args)
    if all(is_number(a) for a in args):
        return make_divisible_number(*args)
    from .functions import make_divisible as symbolic_make_divisible

    return arith.normalize(symbolic_make_divisible(*(arith.to_sympy(a) for a in args)))


def slim_depth(v: Value, min_depth: Value = 8) -> Value:
    """TF-slim MobileNetV1's channel rounding, `max(int(d * depth_multiplier), min_depth)`: v floored,
    at least min_depth (8). Of a symbolic value, one unevaluated sympy function, exact at every width
    (at the paper's widths, multiples of 1/32 from 1/4, it equals d·α: docs/mobilenet.md)."""
    if isinstance(v, Lifted) or isinstance(min_depth, Lifted):
        lifted = v if isinstance(v, Lifted) else min_depth
        return lifted.apply(slim_depth, (v, min_depth))
    if is_number(v) and is_number(min_depth):
        return slim_depth_number(v, min_depth)
    from .functions import slim_depth as symbolic_slim_depth

    return arith.normalize(symbolic_slim_depth(arith.to_sympy(v), arith.to_sympy(min_depth)))


def _call(name: str, args: list[Value]) -> Value:
    if name in ("round", "abs") and isinstance(args[0], Lifted):
        return args[0].apply(lambda v: _call(name, [v]), (args[0],))
    if name == "floor":
        return arith.floor(args[0])
    if name == "ceil":
        return arith.ceil(args[0])
    if name == "round":
        return _round_half_even(args[0])
    if name == "abs":
        return abs(args[0]) if is_number(args[0]) else arith.normalize(abs(args[0]))
    if name == "min":
        return arith.minimum(*args)
    if name == "max":
        return arith.maximum(*args)
    if name == "make_divisible":
        if is_number(args[1]) and args[1] <= 0:
            raise ExpressionError("make_divisible() needs a positive divisor",
                                  hint="write e.g. make_divisible(32*alpha, 8)")
        return make_divisible(*args)
    if name == "slim_depth":
        return slim_depth(*args)
    raise AssertionError(name)  # unreachable: the whitelist admits only FUNCTIONS


def _literal(node: ast.Constant, text: str, limits: Limits) -> Value:
    value = node.value
    if isinstance(value, int):
        return value
    # A float literal: its exact decimal text, never the binary float (and 1e999999999 is refused
    # by size before it is built).
    return decimal(ast.get_source_segment(text, node) or repr(value), limits)


# Syntax nodes evaluated in the current run (None outside one). Each expression is bounded by
# expr_nodes, but a 10 MB file holds 20,000 of them (and a repeat body is evaluated once per
# iteration): without a total, a file inside every per-expression limit still takes minutes.
_spent: ContextVar[list[int] | None] = ContextVar("convcost_expression_nodes", default=None)


@contextlib.contextmanager
def expression_budget(fresh: bool = False) -> Iterator[None]:
    """Count every expression evaluated from here on against Limits.expr_total (nested: one count,
    unless `fresh`: a sweep counts each configuration's load on its own, as a run of it would)."""
    if _spent.get() is not None and not fresh:
        yield
        return
    token = _spent.set([0])
    try:
        yield
    finally:
        _spent.reset(token)


def _spend(expr: _Checked, limits: Limits) -> None:
    spent = _spent.get()
    if spent is None:
        return
    spent[0] += expr.size
    if spent[0] > limits.expr_total:
        raise LimitExceeded(
            f"the expressions add up to more than {limits.expr_total} syntax nodes "
            "(a repeat body counts once per iteration)",
            hint="raise it with --limit expr_total=N if this is intended",
        )


# Numbers spelled out: "thirty-two" parses as thirty minus two, whose unknown names say nothing useful.
NUMBER_WORDS = frozenset((
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand "
    "million billion half quarter third dozen").split())


def _position(name: str, text: str) -> int:
    found = re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)
    return found.start() if found else len(text)


def evaluate(expr: _Checked, env: Mapping[str, Value], limits: Limits = DEFAULT_LIMITS) -> Value:
    """Evaluate a checked expression; `env` maps var names to ints, Fractions or sympy objects."""
    unknown = [name for name in expr.names if name not in env]
    if unknown:
        unknown.sort(key=lambda n: (_position(n, expr.text), n))  # a set's order changes from run to run
        if any(name.lower() in NUMBER_WORDS for name in unknown):
            raise ExpressionError(
                f"{shown(expr.text)} is not a number or an expression",
                hint="write numbers in digits (32, 0.75, 1/3); an expression may use the vars"
                + (f" ({listing(sorted(env))})" if env else "") + ", + - * / // % **, parentheses and "
                + ", ".join(FUNCTIONS),
            )
        name = unknown[0]
        raise ExpressionError(
            f"unknown variable {name!r} in expression {shown(expr.text)}",
            hint=did_you_mean(name, env) or
            ("declare it under `vars:` at the top of the file" if not env else
             "known vars: " + listing(sorted(env))),
        )
    _spend(expr, limits)
    try:
        value = _eval(expr.tree.body, expr.text, env, limits)
    except RecursionError:  # only reachable with raised expr_nodes: a chain of thousands of operators
        raise ExpressionError(f"expression {shown(expr.text)} is nested too deeply to evaluate",
                              hint="write a shorter expression (or split it across vars)") from None
    return _check_degree(value, limits)


def _eval(node: ast.AST, text: str, env: Mapping[str, Value], limits: Limits) -> Value:
    if isinstance(node, ast.Constant):
        return _check_size(_literal(node, text, limits), limits)
    if isinstance(node, ast.Name):
        value = env[node.id]
        if value is FAILED:
            raise Consequence(f"{node.id!r} could not be loaded", hint="fix the error reported about it")
        return value
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, text, env, limits)
        return v if isinstance(node.op, ast.UAdd) else arith.mul(-1, v)
    if isinstance(node, ast.Call):
        args = [_eval(a, text, env, limits) for a in node.args]
        return _check_size(_call(node.func.id, args), limits)
    assert isinstance(node, ast.BinOp)
    a = _eval(node.left, text, env, limits)
    b = _eval(node.right, text, env, limits)
    op = type(node.op)
    if op is ast.Pow:
        return _check_degree(_check_size(_power(a, b, limits), limits), limits)
    if op in (ast.Div, ast.FloorDiv, ast.Mod) and arith.is_zero(b) is True:
        raise ExpressionError(f"division by zero in expression {shown(text)}",
                              hint="check the vars the expression reads")
    fn: Callable[[Value, Value], Value] = _BINARY[op]
    return _check_size(fn(a, b), limits)


def _mod(a: Value, b: Value) -> Value:
    if isinstance(a, Lifted) or isinstance(b, Lifted):
        return (a if isinstance(a, Lifted) else b).apply(_mod, (a, b))
    if is_number(a) and is_number(b):
        return arith.normalize(a % b)
    import sympy

    return arith.normalize(sympy.Mod(arith.to_sympy(a), arith.to_sympy(b)))


_BINARY: dict[type, Callable[[Value, Value], Value]] = {
    ast.Add: arith.add, ast.Sub: arith.sub, ast.Mult: arith.mul, ast.Div: arith.div,
    ast.FloorDiv: arith.floordiv, ast.Mod: _mod,
}


def evaluate_text(text: str, env: Mapping[str, Value], limits: Limits = DEFAULT_LIMITS,
                  location: Location | None = None) -> Value:
    """Parse, check and evaluate one expression string, attaching `location` to any error."""
    try:
        return evaluate(parse(text, limits), env, limits)
    except ConvcostError as err:
        raise err.with_location(location) from None


def parse_number_text(text: str) -> Value:
    """An exact number from text such as '0.75', '3/4' or '10**30' (no vars)."""
    return evaluate_text(text, {})
