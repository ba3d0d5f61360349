"""Budgets (`--max-macs`, `budget:` at the top and on layers) and expectations (`expect:` on layers),
compared with the analysis: one CheckOutcome each. The layer file's are read when it is loaded
(convcost.layerfile.targets); the command line's here."""

from __future__ import annotations

from collections.abc import Mapping

from ..analysis.report import LayerReport, Report
from ..errors import Location
from ..layerfile.model import Spec, Target
from ..layers.shapes import fmt_shape
from ..limits import Limits
from ..symbolic import arith, quantity
from ..symbolic.arith import Value
from ..symbolic.display import grouped, human, percent
from .decide import Decision, Range, at_most, equal_everywhere, value_at
from .findings import CheckOutcome, Finding, Severity, conclude, skipped

WORDS = {"macs": "mult-adds", "params": "parameters"}


def network_location(spec: Spec) -> Location:
    """Where findings about the whole network (and command-line budgets) point: the file's start."""
    return Location(spec.input_loc.path or spec.path, 1, 1)


def all_targets(spec: Spec, limits: Limits, max_macs: Value | str | None = None,
                max_params: Value | str | None = None) -> list[Target]:
    """Every budget and expectation: the file's network budget, the command line's, then the layers'."""
    out = list(spec.budget)
    for key, raw in (("macs", max_macs), ("params", max_params)):
        if raw is not None:
            value = quantity.count(raw, f"--max-{key}", limits=limits)
            out.append(Target(f"--max-{key}", f"budget.{key}", key, value, network_location(spec)))
    out += [t for layer in spec.layers for t in layer.targets]
    return out



def evaluate(target: Target, report: Report, space: Mapping[str, Range], complete: bool,
             missing: Mapping[str, str], words: Mapping[str, str] = WORDS) -> CheckOutcome:
    """Compare one target with the report. `complete` is False when some layers failed (then the
    network totals are not known); `missing` says why a layer has no row. `words` names what is
    counted (a budget in another convention counts "MACs (thop)", not "mult-adds")."""
    if target.layer is None:
        if not complete:
            return skipped(target.name, target.check, "not evaluated: the network's shapes are inconsistent",
                           target.loc)
        actual = getattr(report.totals, target.key)
        subject = f"network {words[target.key]}"
        return _budget_outcome(target, actual, subject, _largest(report, target.key), space)
    row = next((r for r in report.layers if r.name == target.layer), None)
    if row is None:
        return skipped(target.name, target.check, f"not evaluated: {missing.get(target.layer)}", target.loc,
                       target.layer)
    if target.check.startswith("expect."):
        return _expect_outcome(target, row, space)
    subject = f"layer {row.name!r}: {words[target.key]}"
    return _budget_outcome(target, getattr(row, target.key), subject, _cheaper(row, target.key, words), space)


def _budget_outcome(t: Target, actual: Value, subject: str, hint: str | None,
                    space: Mapping[str, Range]) -> CheckOutcome:
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


def _cheaper(row: LayerReport, key: str, words: Mapping[str, str] = WORDS) -> str | None:
    """The hint of a layer budget: the depthwise-separable version, when that is cheaper."""
    if row.separable is None or row.geometry is None or row.geometry.separable or row.pair is not None:
        return None
    alt = getattr(row.separable, key)
    if arith.less_than(alt, getattr(row, key)) is True:
        return f"as a depthwise-separable convolution it would need {grouped(alt)} {words[key]}"
    return None


def _expect_outcome(t: Target, row: LayerReport, space: Mapping[str, Range]) -> CheckOutcome:
    actual = row.output if t.key == "output" else getattr(row, t.key)
    if t.key == "output":
        decision = _same_shape(actual, t.value, space)
        shown_expected, shown_actual = fmt_shape(t.value), fmt_shape(actual)
    else:
        decision = equal_everywhere(actual, t.value, space)
        shown_expected, shown_actual = grouped(t.value), grouped(actual)
    values = dict(layer=row.name, actual=actual, expected=t.value)
    if decision.holds:
        message = f"layer {row.name!r}: {t.key} {shown_actual} as expected"
        return conclude(t.name, t.check, message, t.loc, **values)
    if decision.holds is None:
        message = (f"layer {row.name!r}: cannot decide whether {t.key} {shown_actual} equals the expected "
                   f"{shown_expected} for every value of the symbols")
        finding = Finding(t.check, Severity.UNDECIDED, message, t.loc,
                          "expect values written with the same vars, or check numeric values with --set",
                          row.name, actual=actual, expected=t.value)
    else:
        message = f"layer {row.name!r}: expected {t.key} {shown_expected}, got {shown_actual}"
        if decision.witness:
            there = _shown_at(actual, decision.witness)
            message += f", which is {there} at {decision.describe_witness()}"
        finding = Finding(t.check, Severity.ERROR, message, t.loc,
                          f"if the change is intended, update the `expect` of layer {row.name!r}",
                          row.name, actual=actual, expected=t.value)
    return conclude(t.name, t.check, message, t.loc, [finding], **values)


def _shown_at(actual, witness: Mapping[str, Value]) -> str:
    if isinstance(actual, tuple):
        return fmt_shape(tuple(value_at(a, witness) for a in actual))
    return grouped(value_at(actual, witness))


def _same_shape(actual: tuple, expected: tuple, space: Mapping[str, Range]) -> Decision:
    """Every dimension equal for every allowed value of the vars (a witness where one is not)."""
    if len(actual) != len(expected):
        return Decision(False)
    decisions = [equal_everywhere(a, e, space) for a, e in zip(actual, expected, strict=True)]
    failed = [d for d in decisions if d.holds is False]
    if failed:
        return next((d for d in failed if d.witness), failed[0])
    return Decision(None) if any(d.holds is None for d in decisions) else Decision(True)
