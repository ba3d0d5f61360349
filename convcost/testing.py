"""Assertions for tests that build networks in Python (a Spec) or load layer files.

    from convcost.testing import assert_output_shape, assert_within_budget

    def test_backbone():
        assert_within_budget("nets/backbone.yaml", macs="600M", params="5M")
        assert_output_shape("nets/backbone.yaml", "block7", [1024, 7, 7])

They raise AssertionError with the messages of `convcost check`; a network whose shapes are
inconsistent fails the assertion with those findings. Invalid input (a file that does not load, an
argument the API would refuse, such as a float budget) raises ConvcostError, as everywhere in convcost.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from . import arguments as args
from .checks.findings import CheckOutcome, Finding, Severity, Status
from .layerfile.model import Spec
from .limits import exact_int_text
from .symbolic.arith import Value

__all__ = ["assert_output_shape", "assert_within_budget"]


def _spec(network: str | os.PathLike | Spec, load: Mapping[str, Any]) -> Spec:
    network = args.source(network, "network")
    if isinstance(network, Spec):
        if load:
            raise args.ArgumentError("set/symbolic apply when loading; pass them to convcost.load() instead",
                                     hint="convcost.load(source, set=..., symbolic=...), then pass the Spec")
        return network
    from .api import load as load_spec

    return load_spec(network, **load)


def _fail(outcomes: Sequence[CheckOutcome], broken: Sequence[Finding] = ()) -> None:
    from .render.findings_text import finding_text

    found = [*broken, *(f for o in outcomes for f in o.findings if f.severity is not Severity.WARNING)]
    raise AssertionError("\n".join(finding_text(f) for f in found) or "; ".join(o.message for o in outcomes))


@exact_int_text()
def assert_output_shape(network: str | os.PathLike | Spec, layer: str, shape: Sequence[Value],
                        **load: Any) -> None:
    """Assert that `layer` outputs `shape` ([C, H, W] or [F]). `load` passes set=/symbolic= to load()."""
    __tracebackhide__ = True
    from .checks.run import propagated
    from .checks.targets import evaluate
    from .layerfile.model import Target

    layer, shape = args.text(layer, "layer"), args.shape(shape)
    spec = _spec(network, load)
    by_name = {layer_.name: layer_ for layer_ in spec.layers}
    if layer not in by_name:
        from .errors import did_you_mean

        raise AssertionError(f"{spec.name} has no layer {layer!r}"
                             + (f"; {did_you_mean(layer, by_name)}" if did_you_mean(layer, by_name) else ""))
    p = propagated(spec)
    loc = by_name[layer].loc
    target = Target(f"expect[{layer}].output", "expect.output", "output", tuple(shape), loc, layer)
    outcome = evaluate(target, p.report, {}, not p.broken, p.missing)
    if outcome.status is not Status.PASSED:
        _fail([outcome], p.broken)


@exact_int_text()
def assert_within_budget(network: str | os.PathLike | Spec, macs: Value | str | None = None,
                         params: Value | str | None = None, *, convention: str = "paper",
                         **load: Any) -> None:
    """Assert that the network's totals stay within `macs` / `params` (ints or "600M", "4.5M", ...),
    counted in `convention` (docs/conventions.md: "fvcore", "flops", ...)."""
    __tracebackhide__ = True
    from .checks.run import check

    if macs is None and params is None:
        raise args.ArgumentError("give macs= and/or params=", hint='e.g. macs="600M", params="5M"')
    limits = args.limits(load.get("limits"))
    macs, params = args.count(macs, "macs", limits), args.count(params, "params", limits)
    report = check(_spec(network, load), max_macs=macs, max_params=params,
                   convention=args.text(convention, "convention"))
    outcomes = [o for o in report.outcomes if o.name in ("shapes", "--max-macs", "--max-params")]
    if any(o.status is not Status.PASSED for o in outcomes):
        _fail(outcomes)
