"""Budgets (`--max-macs`, `budget:` at the top and on layers) and expectations (`expect:` on layers).

Reading them is strict, like the rest of the layer file: an unknown key or a value that is not a
count is an input error (exit 2) at its line and column. Evaluating them yields one Outcome each.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..analysis.report import LayerReport, Report
from ..errors import ConvcostError, Location
from ..layers.shapes import fmt_shape
from ..limits import Limits
from ..render.values import grouped, human, percent
from ..spec import coerce
from ..spec.loader import did_you_mean
from ..spec.model import Spec
from ..spec.yamlnodes import Node
from ..symbolic import arith
from ..symbolic.arith import Value
from . import quantity
from .decide import Decision, Range, at_most, value_at
from .findings import Finding, Outcome, Severity, conclude, skipped

BUDGET_KEYS = ("macs", "params")
EXPECT_KEYS = ("output", "params", "macs")
WORDS = {"macs": "mult-adds", "params": "parameters"}


@dataclass(frozen=True, slots=True)
class Target:
    """One budget or expectation: what to compare, with what, and where it is written."""

    name: str  # "budget.macs", "--max-macs", "budget[sep13].macs", "expect[sep13].output"
    check: str  # "budget.macs", "budget.params", "expect.output", "expect.params", "expect.macs"
    key: str  # "macs", "params" or "output"
    value: Any  # the limit, or the expected value (a tuple for `output`)
    loc: Location
    layer: str | None = None


def network_location(spec: Spec) -> Location:
    """Where findings about the whole network (and command-line budgets) point: the file's start."""
    return Location(spec.path, 1, 1)


def read_targets(spec: Spec, limits: Limits, max_macs: Value | str | None = None,
                 max_params: Value | str | None = None) -> list[Target]:
    """Every budget and expectation, in file order after the command-line budgets."""
    env = spec.env()
    out: list[Target] = []
    if spec.budget is not None:
        out += _budget(spec.budget, env, limits, None, "`budget`")
    for key, raw in (("macs", max_macs), ("params", max_params)):
        if raw is not None:
            value = quantity.count(raw, f"--max-{key}", limits=limits)
            out.append(Target(f"--max-{key}", f"budget.{key}", key, value, network_location(spec)))
    for layer in spec.layers:
        if layer.budget is not None:
            out += _budget(layer.budget, env, limits, layer.name, f"`budget` of layer {layer.name!r}")
        if layer.expect is not None:
            out += _expect(layer.expect, env, limits, layer.name)
    return out


def _fields(node: Node, allowed: Sequence[str], what: str) -> dict[str, Node]:
    if node.type == "null":
        return {}
    if node.type != "map":
        raise ConvcostError(f"{what} must be a mapping such as {{{allowed[0]}: ...}}, got {node.describe()}",
                            node.loc)
    for key, kloc in (node.key_locs or {}).items():
        if key not in allowed:
            raise ConvcostError(f"unknown key {key!r} in {what}", kloc,
                                did_you_mean(key, allowed) or f"{what} takes: {', '.join(allowed)}")
    return node.value


def _budget(node: Node, env, limits: Limits, layer: str | None, what: str) -> list[Target]:
    where = "budget" if layer is None else f"budget[{layer}]"
    return [Target(f"{where}.{key}", f"budget.{key}", key,
                   quantity.count_node(value, f"{what}: {key}", env, limits), value.loc, layer)
            for key, value in _fields(node, BUDGET_KEYS, what).items()]


def _expect(node: Node, env, limits: Limits, layer: str) -> list[Target]:
    what = f"`expect` of layer {layer!r}"
    out = []
    for key, value in _fields(node, EXPECT_KEYS, what).items():
        if key == "output":
            if value.type != "seq" or len(value.value) not in (1, 3):
                raise ConvcostError(f"{what}: output is [channels, height, width] or [features]", value.loc)
            expected: Any = tuple(coerce.number(v, env, limits, f"{what}: output") for v in value.value)
        else:
            expected = quantity.count_node(value, f"{what}: {key}", env, limits)
        out.append(Target(f"expect[{layer}].{key}", f"expect.{key}", key, expected, value.loc, layer))
    return out


# -- evaluation ----------------------------------------------------------------------------------


def evaluate(target: Target, report: Report, space: Mapping[str, Range], complete: bool,
             missing: Mapping[str, str]) -> Outcome:
    """Compare one target with the report. `complete` is False when some layers failed (then the
    network totals are not known); `missing` says why a layer has no row."""
    if target.layer is None:
        if not complete:
            return skipped(target.name, target.check, "not evaluated: the network's shapes are inconsistent",
                           target.loc)
        actual = getattr(report.totals, target.key)
        subject = f"network {WORDS[target.key]}"
        return _budget_outcome(target, actual, subject, _largest(report, target.key), space)
    row = next((r for r in report.layers if r.name == target.layer), None)
    if row is None:
        return skipped(target.name, target.check, f"not evaluated: {missing.get(target.layer)}", target.loc,
                       target.layer)
    if target.check.startswith("expect."):
        return _expect_outcome(target, row)
    subject = f"layer {row.name!r}: {WORDS[target.key]}"
    return _budget_outcome(target, getattr(row, target.key), subject, _cheaper(row, target.key), space)


def _budget_outcome(t: Target, actual: Value, subject: str, hint: str | None,
                    space: Mapping[str, Range]) -> Outcome:
    decision = at_most(actual, t.value, space)
    limit = grouped(t.value)
    values = dict(layer=t.layer, actual=actual, limit=t.value)
    if decision.holds:
        message = f"{subject} {_within(actual, decision)} within the budget of {limit}"
        return conclude(t.name, t.check, message, t.loc, **values)
    if decision.holds is None:
        names = sorted(str(s) for s in _symbols(actual, t.value))
        open_ = [n for n in names if n in space and (space[n].high is None or space[n].low_open)]
        hint = (f"declare `min` and `max` for {', '.join(open_)} under `vars:` "
                "(e.g. {value: 1.0, min: 0.25, max: 1}), or check numeric values with --set" if open_ else
                "convcost can neither prove nor refute it over these ranges (docs/ci.md, symbolic mode); "
                "check numeric values with --set")
        finding = Finding(
            t.check, Severity.UNDECIDED,
            f"cannot decide whether {subject} {actual} stay within the budget of {limit} for every allowed "
            f"value of {', '.join(names)}", t.loc, hint, t.layer, actual=actual, limit=t.value)
        return conclude(t.name, t.check, finding.message, t.loc, [finding], **values)
    message = f"{subject} {_over(actual, t.value, decision)}"
    unbounded = sorted(name for name in (decision.witness or {}) if space[name].high is None)
    if unbounded:
        names = ", ".join(unbounded)
        hint = (f"{names} {'has' if len(unbounded) == 1 else 'have'} no `max` under `vars:`, so the budget "
                "must hold for every positive value; "
                "declare the range, e.g. {value: 1.0, min: 0.25, max: 1}")
    finding = Finding(t.check, Severity.ERROR, message, t.loc, hint, t.layer, actual=actual, limit=t.value)
    return conclude(t.name, t.check, message, t.loc, [finding], **values)


def _within(actual: Value, d: Decision) -> str:
    if arith.is_number(actual):
        return grouped(actual)
    if d.at is not None:  # proven through the maximum over the ranges
        return f"{actual} (at most {grouped(d.at)}, at {d.describe_witness()})"
    return str(actual)


def _over(actual: Value, limit: Value, d: Decision) -> str:
    if arith.is_number(actual) and arith.is_number(limit):
        over = grouped(arith.sub(actual, limit))
        return f"{grouped(actual)} exceed the budget of {grouped(limit)} by {over}"
    if d.witness is not None:
        at_limit = "" if arith.is_number(limit) else f" (= {grouped(value_at(limit, d.witness))} there)"
        return (f"{actual} exceed the budget of {grouped(limit)}{at_limit}: they are {grouped(d.at)} "
                f"at {d.describe_witness()}")
    return f"{actual} exceed the budget of {grouped(limit)} for {d.where}"


def _symbols(*values: Value) -> set:
    return set().union(*(v.free_symbols for v in values if not arith.is_number(v)))


def _largest(report: Report, key: str) -> str | None:
    """The hint of a network budget: the three layers that cost the most."""
    rows = [r for r in report.layers if arith.is_number(getattr(r, key)) and getattr(r, key)]
    total = getattr(report.totals, key)
    if not rows or not arith.is_number(total) or not total:
        return None
    top = sorted(rows, key=lambda r: -getattr(r, key))[:3]
    return "largest: " + ", ".join(
        f"{r.name} {human(getattr(r, key))} ({percent(arith.div(getattr(r, key), total), 1)}%)" for r in top)


def _cheaper(row: LayerReport, key: str) -> str | None:
    """The hint of a layer budget: the depthwise-separable version, when that is cheaper."""
    if row.separable is None or row.geometry is None or row.geometry.separable or row.pair is not None:
        return None
    alt = getattr(row.separable, key)
    if arith.less_than(alt, getattr(row, key)) is True:
        return f"as a depthwise-separable convolution it would need {grouped(alt)} {WORDS[key]}"
    return None


def _expect_outcome(t: Target, row: LayerReport) -> Outcome:
    actual = row.output if t.key == "output" else getattr(row, t.key)
    if t.key == "output":
        same = _same_shape(actual, t.value)
        shown_expected, shown_actual = fmt_shape(t.value), fmt_shape(actual)
    else:
        same = arith.equal(actual, t.value)
        shown_expected, shown_actual = grouped(t.value), grouped(actual)
    values = dict(layer=row.name, actual=actual, expected=t.value)
    if same:
        message = f"layer {row.name!r}: {t.key} {shown_actual} as expected"
        return conclude(t.name, t.check, message, t.loc, **values)
    if same is None:
        message = (f"layer {row.name!r}: cannot decide whether {t.key} {shown_actual} equals the expected "
                   f"{shown_expected} for every value of the symbols")
        finding = Finding(t.check, Severity.UNDECIDED, message, t.loc,
                          "expect values written with the same vars, or check numeric values with --set",
                          row.name, actual=actual, expected=t.value)
    else:
        message = f"layer {row.name!r}: expected {t.key} {shown_expected}, got {shown_actual}"
        finding = Finding(t.check, Severity.ERROR, message, t.loc,
                          f"if the change is intended, update the `expect` of layer {row.name!r}",
                          row.name, actual=actual, expected=t.value)
    return conclude(t.name, t.check, message, t.loc, [finding], **values)


def _same_shape(actual: tuple, expected: tuple) -> bool | None:
    if len(actual) != len(expected):
        return False
    facts = [arith.equal(a, e) for a, e in zip(actual, expected, strict=True)]
    if False in facts:
        return False
    return None if None in facts else True
