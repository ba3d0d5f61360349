"""`convcost check` as a function (the entry point of the checks): load, propagate (collecting shape
problems), run every check.

Input errors (bad YAML, unknown kinds or keys, duplicate names, unknown `from`, cycles, budget
values that are not counts, bad options) raise ConvcostError: exit 2. Everything a check finds is
returned as data in a CheckReport: exit 1 when a check failed. See docs/ci.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..analysis.build import build_report
from ..analysis.engine import propagate
from ..analysis.report import Report
from ..conventions import DEFAULT, apply, checked_convention, count_title, params_title
from ..layerfile.model import Spec
from ..limits import DEFAULT_LIMITS, Limits
from ..symbolic.arith import Value
from ..symbolic.quantity import ratio
from .consistency import blocked_by, inconsistencies, layout_findings, stride_findings
from .decide import ranges
from .findings import CheckReport, Finding, as_strict, conclude
from .lint import separable_lint
from .targets import WORDS, all_targets, evaluate, network_location


def check(source: str | Spec, set: Mapping[str, Any] | None = None, symbolic: Sequence[str] = (),
          limits: Limits | None = None, *, max_macs: Value | str | None = None,
          max_params: Value | str | None = None, min_saving: Value | str | None = None,
          strict: bool = False, convention: str = DEFAULT,
          allow_unsupported: bool = False) -> CheckReport:
    """Every check of a network, as data (the public entry is convcost.api.check, which says more).
    Budgets are checked in `convention`; expectations and the lint in the paper's count."""
    from ..sources import load

    checked_convention(convention)
    limits = limits or DEFAULT_LIMITS
    if isinstance(source, Spec):
        if set or symbolic:
            raise ValueError("set/symbolic apply when loading; pass them to load() instead")
        spec, name = source, source.path
    else:
        spec, name = load(source, set, tuple(symbolic), limits, allow_unsupported), source
    targets = all_targets(spec, limits, max_macs, max_params)
    min_ratio = ratio(min_saving, "--min-saving") if min_saving is not None else None
    p = propagated(spec)
    space = ranges(spec)
    where = network_location(spec)
    summary = _shapes_summary(len(spec.layers), len(p.broken), len(p.missing))
    outcomes = [conclude("shapes", "shapes", summary, where,
                         p.broken + layout_findings(spec) + stride_findings(p.report, _allowed(spec)))]
    counted = apply(p.report, convention)
    words = WORDS if convention == DEFAULT else {**WORDS, "macs": count_title(convention),
                                                 "params": params_title(convention)}
    outcomes += [evaluate(t, p.report if t.check.startswith("expect.") else counted, space, not p.broken,
                          p.missing, words) for t in targets]
    if min_ratio is not None:
        outcomes.append(separable_lint(p.report, min_ratio, space, where))
    if strict:
        outcomes = [as_strict(o) for o in outcomes]
    return CheckReport(name, spec.name, spec.path, spec.symbols, strict, tuple(outcomes), convention)


@dataclass(frozen=True, slots=True)
class Propagated:
    report: Report  # rows of the layers that propagated (all of them when `broken` is empty)
    broken: list[Finding]  # one error per inconsistent layer
    missing: dict[str, str]  # layer name -> why it has no row


def propagated(spec: Spec) -> Propagated:
    """Propagate every layer that can be, collecting shape inconsistencies as findings. A layer's
    own invalid settings still raise ConvcostError (exit 2)."""
    failures: list = []
    done = propagate(spec, failures)
    broken = inconsistencies(failures)
    missing = {n: f"it reads layer {cause!r}, whose shapes are inconsistent"
               for n, cause in blocked_by(spec, done, failures).items()}
    missing.update({layer.name: "its shapes are inconsistent" for layer, _ in failures})
    return Propagated(build_report(spec, done), broken, missing)


def _allowed(spec: Spec) -> dict[str, tuple[str, ...]]:
    """The warnings each layer accepts (`allow:`), by layer name."""
    return {layer.name: layer.allow for layer in spec.layers if layer.allow}


def _shapes_summary(layers: int, broken: int, missing: int) -> str:
    head = f"{layers} layer{'s' if layers != 1 else ''}: "
    if not broken:
        return head + "shapes consistent"
    return head + f"{broken} inconsistent, {missing - broken} more not evaluated because of them"
