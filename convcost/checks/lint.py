"""`lint.separable` (--min-saving R): a standard convolution whose depthwise-separable version would
cost less than R times its mult-adds. The ratio is the engine's (docs/conventions.md); this only
compares it with R."""

from __future__ import annotations

from collections.abc import Mapping

from ..analysis.report import LayerReport, Report
from ..errors import Location
from ..symbolic import arith
from ..symbolic.arith import Value
from ..symbolic.display import decimal, exact_text
from .decide import Range, at_most, value_at
from .findings import CheckOutcome, Finding, Severity, conclude

CHECK = "lint.separable"


def candidates(report: Report) -> list[LayerReport]:
    """Standard convolutions written as such: groups 1, a kernel larger than 1x1, not separable
    already (a `separable` layer or a recognised depthwise + pointwise pair)."""
    return [r for r in report.layers
            if r.geometry is not None and r.ratio is not None and not r.geometry.separable
            and r.pair is None and r.geometry.groups == 1 and (r.geometry.kh, r.geometry.kw) != (1, 1)]


def separable_lint(report: Report, min_ratio: Value, space: Mapping[str, Range],
                   loc: Location) -> CheckOutcome:
    findings = []
    layers = candidates(report)
    for row in layers:
        decision = at_most(min_ratio, row.ratio, space)  # holds: the ratio is at least R everywhere
        if decision.holds:
            continue
        g = row.geometry
        what = f"layer {row.name!r} ({row.kind} {g.kh}x{g.kw}, {g.m} -> {g.n} channels)"
        if decision.holds is None:
            findings.append(Finding(
                CHECK, Severity.UNDECIDED,
                f"{what}: cannot decide whether the separable/standard ratio {row.ratio} stays at least "
                f"{exact_text(min_ratio)} for every value of the symbols", row.loc,
                "declare `min` and `max` for the vars under `vars:`", row.name,
                actual=row.ratio, limit=min_ratio))
            continue
        ratio = row.ratio if decision.witness is None else value_at(row.ratio, decision.witness)
        at = f" at {decision.describe_witness()}" if decision.witness else ""
        findings.append(Finding(
            CHECK, Severity.ERROR,
            f"{what}: as depthwise-separable it would cost {ratio} (about {decimal(ratio, 3)}) of its "
            f"mult-adds{at}, below --min-saving {exact_text(min_ratio)}", row.loc,
            f"write it as `separable: {{out: {g.n}, kernel: {_pair(g.kh, g.kw)}, ...}}`, "
            "or lower --min-saving",
            row.name, actual=row.ratio, limit=min_ratio))
    summary = f"{len(layers)} standard convolution(s) compared with --min-saving {exact_text(min_ratio)}"
    return conclude(CHECK, CHECK, summary, loc, findings, limit=min_ratio)


def _pair(a: Value, b: Value) -> str:
    return str(a) if arith.equal(a, b) is True else f"[{a}, {b}]"
