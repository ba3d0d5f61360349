"""The public Python API of convcost: load, analyze, check, prove. `convcost/__init__.py` re-exports it.

    >>> import convcost
    >>> convcost.analyze("mobilenet_v1").totals.macs
    568740352

Every function takes a layer file path or a built-in network's name (`convcost zoo`); `analyze` and
`check` also take a Spec from `load`. Errors a caller can cause raise ConvcostError (with a location
and a hint), as in the CLI. Heavy modules (sympy, the checks) are imported when first needed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from . import arguments as args
from .analysis.report import Report
from .layerfile.model import Spec
from .limits import Limits, exact_int_text

if TYPE_CHECKING:
    from .checks.findings import CheckReport
    from .proof import Proof
    from .symbolic.arith import Value

__all__ = ["load", "analyze", "check", "prove"]

Source = str | os.PathLike


@exact_int_text()
def load(source: Source, set: Mapping[str, Any] | None = None, symbolic: Sequence[str] | str = (),
         limits: Limits | None = None) -> Spec:
    """Load and validate a layer file (or a built-in network by name) into a Spec.

    `set` overrides vars (ints, Fractions, or expression strings such as "0.75" or "3/4"; never
    floats); `symbolic` names vars to keep as sympy symbols (a str is one name).
    """
    from .sources import load as load_source

    limits = args.limits(limits)
    return load_source(args.source(source, spec=False), args.overrides(set, limits), args.symbols(symbolic),
                       limits)


def _spec_alone(source: str | Spec, set: Mapping[str, Any], symbolic: Sequence[str]) -> None:
    if isinstance(source, Spec) and (set or symbolic):
        raise args.ArgumentError("set/symbolic apply when loading; pass them to load() instead")


@exact_int_text()
def analyze(source: Source | Spec, set: Mapping[str, Any] | None = None, symbolic: Sequence[str] | str = (),
            limits: Limits | None = None) -> Report:
    """Analyze a layer file, a built-in network name, or an already loaded Spec into a Report."""
    from .analysis.build import analyze_spec

    limits = args.limits(limits)
    source, set, symbolic = args.source(source), args.overrides(set, limits), args.symbols(symbolic)
    _spec_alone(source, set, symbolic)
    if isinstance(source, Spec):
        return analyze_spec(source)
    report = analyze_spec(load(source, set, symbolic, limits))
    return report._replace(source=source)


@exact_int_text()
def check(source: Source | Spec, set: Mapping[str, Any] | None = None, symbolic: Sequence[str] | str = (),
          limits: Limits | None = None, *, max_macs: Value | str | None = None,
          max_params: Value | str | None = None, min_saving: Value | str | None = None,
          strict: bool = False) -> CheckReport:
    """Check a network's shapes, budgets and expectations; return the findings as data.

    `max_macs` / `max_params` are budgets for the whole network (ints or SI texts such as "600M");
    the file's own `budget:` and `expect:` entries are always checked. `min_saving` (a ratio such as
    "0.2" or Fraction(1, 5)) enables the `lint.separable` check. With `strict`, warnings and
    undecided results fail.

        >>> check("mobilenet_v1", max_macs="600M", max_params="5M").ok
        True
    """
    from .checks.run import check as run

    limits = args.limits(limits)
    source, set, symbolic = args.source(source), args.overrides(set, limits), args.symbols(symbolic)
    _spec_alone(source, set, symbolic)
    return run(source, set, symbolic, limits, max_macs=args.count(max_macs, "max_macs", limits),
               max_params=args.count(max_params, "max_params", limits),
               min_saving=args.ratio(min_saving, "min_saving", limits), strict=args.flag(strict, "strict"))


@exact_int_text()
def prove(values: Mapping[str, Any] | None = None, *, bias: bool = False, multipliers: bool = False) -> Proof:
    """The machine-checked derivation of the separable/standard ratio.

    `values` gives numbers for some of M, N, Dk, Dkp, Do, Dop (positive integers); every step is
    verified by sympy with and without them. Render the result with convcost.render.render.
    """
    from .proof import prove as run

    return run(args.dimensions(values), bias=args.flag(bias, "bias"),
               multipliers=args.flag(multipliers, "multipliers"))
