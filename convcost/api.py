"""The public Python API of convcost. `convcost/__init__.py` re-exports it.

    >>> import convcost
    >>> convcost.analyze("mobilenet_v1").totals.macs
    568740352

Every function takes a layer file path, a built-in network's name (`convcost zoo`) or an ONNX model
(a `.onnx` file, docs/onnx.md); `analyze`, `check` and `compare` also take a Spec from `load`.
Arguments are checked here, as the CLI checks its options (convcost/arguments.py, docs/api.md): errors
a caller can cause raise ConvcostError (with a location and a hint). Heavy modules (sympy, the checks)
are imported when first needed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from . import arguments as args
from .analysis.report import Report
from .errors import ConvcostError
from .layerfile.model import Spec
from .limits import Limits, exact_int_text

if TYPE_CHECKING:
    from .analysis.solve import Solution
    from .analysis.sweep import Sweep
    from .checks.findings import CheckReport
    from .conventions.compare import Comparison
    from .devices import Device
    from .proof import Proof
    from .symbolic.arith import Value

__all__ = ["load", "analyze", "check", "compare", "prove", "sweep", "solve"]

Source = str | os.PathLike


@exact_int_text()
def load(source: Source, set: Mapping[str, Any] | None = None, symbolic: Sequence[str] | str = (),
         limits: Limits | None = None, *, allow_unsupported: bool = False) -> Spec:
    """Load and validate a layer file, a built-in network by name, or an ONNX model (`.onnx`) into
    a Spec.

    `set` overrides vars (values are numbers or expression strings such as "0.75" or "3/4");
    `symbolic` names vars to keep as sympy symbols (an ONNX model's dynamic dims are its vars).
    `allow_unsupported` counts an ONNX model's unknown operators as zero (docs/onnx.md).
    """
    from .sources import load as load_source

    limits = args.limits(limits)
    return load_source(args.source(source, spec=False), args.overrides(set, limits), args.symbols(symbolic),
                       limits, args.flag(allow_unsupported, "allow_unsupported"))


def _spec_alone(source: str | Spec, set: Mapping[str, Any], symbolic: Sequence[str]) -> None:
    if isinstance(source, Spec) and (set or symbolic):
        raise args.ArgumentError("set/symbolic apply when loading; pass them to load() instead",
                                 hint="convcost.load(source, set=..., symbolic=...), then pass the Spec")


@exact_int_text()
def analyze(source: Source | Spec, set: Mapping[str, Any] | None = None, symbolic: Sequence[str] | str = (),
            limits: Limits | None = None, *, convention: str = "paper", dtype: str = "fp32",
            device: str | Device | None = None, fuse: bool = False,
            allow_unsupported: bool = False) -> Report:
    """Analyze a layer file, a built-in network name, or an already loaded Spec into a Report.

    `convention` names how mult-adds and parameters are counted (docs/conventions.md): "paper"
    (conv + fc multiply-accumulates), "flops" (2 × paper), or the totals of a peer tool ("ptflops",
    "ptflops-aten", "thop", "fvcore", "torchinfo", "onnx-tool", "keras"); the Report's `macs` and
    `params` are then that convention's, in its unit (`convention`, `convcost.conventions.get(...).unit`).

        >>> analyze("resnet18", convention="fvcore").totals.macs
        1819065856

    Bytes are counted at `dtype`'s element size (fp32, fp16, bf16, int8). With a `device` (a built-in
    device's name, a device file, or a Device from convcost.devices.load_device) every layer also gets
    its roofline time; `fuse` models fused kernels (docs/roofline.md). Times always follow the
    arithmetic actually done (the paper's mult-adds and the counters), whatever the convention.
    """
    from .analysis.build import analyze_spec
    from .devices import DTYPE_BYTES

    limits = args.limits(limits)
    source, set, symbolic = args.source(source), args.overrides(set, limits), args.symbols(symbolic)
    _spec_alone(source, set, symbolic)
    convention, dtype = args.text(convention, "convention"), args.text(dtype, "dtype")
    fuse = args.flag(fuse, "fuse")
    if convention != "paper":
        from .conventions import checked_convention

        checked_convention(convention)  # before the work
    if dtype not in DTYPE_BYTES:
        raise ConvcostError(f"unknown dtype {dtype!r}", hint=f"dtypes are: {', '.join(DTYPE_BYTES)}")
    if device is None and fuse:
        raise ConvcostError("fusion changes times only: it needs a device", hint="add --device NAME")
    if isinstance(source, Spec):
        report = analyze_spec(source, dtype)
    else:
        report = analyze_spec(load(source, set, symbolic, limits, allow_unsupported=allow_unsupported),
                              dtype)._replace(source=source)
    if device is not None:
        from .analysis.roofline import with_roofline
        from .devices import Device, load_device

        if not isinstance(device, Device):
            device = load_device(args.text(device, "device"), limits)
        report = with_roofline(report, device, dtype, fuse)
    if convention == "paper":
        return report
    from .conventions import apply

    return apply(report, convention)


@exact_int_text()
def check(source: Source | Spec, set: Mapping[str, Any] | None = None, symbolic: Sequence[str] | str = (),
          limits: Limits | None = None, *, max_macs: Value | str | None = None,
          max_params: Value | str | None = None, min_saving: Value | str | None = None,
          strict: bool = False, convention: str = "paper", allow_unsupported: bool = False) -> CheckReport:
    """Check a network's shapes, budgets and expectations; return the findings as data.

    `max_macs` / `max_params` are budgets for the whole network (ints or SI texts such as "600M");
    the file's own `budget:` and `expect:` entries are always checked. `min_saving` (a ratio such as
    "0.2" or Fraction(1, 5)) enables the `lint.separable` check. With `strict`, warnings and
    undecided results fail. Budgets are counted in `convention` (as in `analyze`); `expect:` values
    stay the paper's.

        >>> check("mobilenet_v1", max_macs="600M", max_params="5M").ok
        True
    """
    from .checks.run import check as run

    limits = args.limits(limits)
    source, set, symbolic = args.source(source), args.overrides(set, limits), args.symbols(symbolic)
    _spec_alone(source, set, symbolic)
    return run(source, set, symbolic, limits, max_macs=args.count(max_macs, "max_macs", limits),
               max_params=args.count(max_params, "max_params", limits),
               min_saving=args.ratio(min_saving, "min_saving", limits), strict=args.flag(strict, "strict"),
               convention=args.text(convention, "convention"),
               allow_unsupported=args.flag(allow_unsupported, "allow_unsupported"))


@exact_int_text()
def compare(source: Source | Spec, set: Mapping[str, Any] | None = None, symbolic: Sequence[str] | str = (),
            limits: Limits | None = None, *, conventions: Sequence[str] | None = None,
            allow_unsupported: bool = False) -> Comparison:
    """Every counting convention (or those named) side by side on one network: each total, its
    parameters, and the terms that make it differ from the paper's count (`convcost compare`).

        >>> [c.count for c in compare("resnet18", conventions=["paper", "fvcore"]).counted]
        [1814073344, 1819065856]
    """
    from .conventions.compare import compare as run

    if conventions is not None:
        conventions = [args.text(c, "conventions") for c in args.symbols(conventions)]
    return run(analyze(source, set, symbolic, limits, allow_unsupported=allow_unsupported), conventions)


@exact_int_text()
def prove(values: Mapping[str, Any] | None = None, *, bias: bool = False, multipliers: bool = False) -> Proof:
    """The machine-checked derivation of the separable/standard ratio.

    `values` gives numbers for some of M, N, Dk, Dkp, Do, Dop (positive integers); every step is
    verified by sympy with and without them. Render the result with convcost.render.render.
    """
    from .proof import prove as run

    return run(args.dimensions(values), bias=args.flag(bias, "bias"),
               multipliers=args.flag(multipliers, "multipliers"))


def _axes(grid: Mapping[str, Any], what: str, limits: Limits) -> list:
    """{name: "1/32:1:1/32" or [values]} as sweep Axes (values numbers, or texts such as "3/4")."""
    from .analysis.sweep import Axis, parse_values

    if not isinstance(grid, Mapping):
        raise args.ArgumentError(f"{what} must be a mapping of var names to values, "
                                 f"got {type(grid).__name__}", hint='e.g. {"alpha": ["1", "0.5"]}')
    axes = []
    for name, values in grid.items():
        name = args.text(name, what)
        if isinstance(values, str):
            axes.append(Axis(name, parse_values(values, f"{what} {name}", limits)))
            continue
        parsed: list = []
        for value in values:
            parsed += parse_values(value, f"{what} {name}", limits) if isinstance(value, str) else \
                [args.number(value, f"{what} {name}", limits)]
        axes.append(Axis(name, tuple(parsed)))
    return axes


@exact_int_text()
def sweep(source: Source, grid: Mapping[str, Any], set: Mapping[str, Any] | None = None,
          limits: Limits | None = None, *, allow_unsupported: bool = False) -> Sweep:
    """The network's totals at every configuration of the cross product of `grid` (var -> values, a
    list or a text such as "1/32:1:1/32"), the other vars from `set`: one row per configuration,
    exactly what `analyze` gives it, or its error (docs/design-space.md).

        >>> rows = sweep("mobilenet_v1", {"alpha": [1, "3/4"], "res": "224:192:-32"}).rows
        >>> [row.macs for row in rows]
        [568740352, 418121728, 325400448, 239273472]
    """
    from .analysis.sweep import sweep as run
    from .sources import builder

    limits = args.limits(limits)
    source = args.source(source, spec=False)
    build = builder(source, limits, args.flag(allow_unsupported, "allow_unsupported"))[1]
    return run(build, _axes(grid, "grid", limits), args.overrides(set, limits), source, limits)


@exact_int_text()
def solve(source: Source, vary: Mapping[str, Any], *, max_macs: Value | str | None = None,
          max_params: Value | str | None = None, set: Mapping[str, Any] | None = None,
          limits: Limits | None = None, closed_form: bool = True,
          allow_unsupported: bool = False) -> Solution:
    """The largest value of the one var of `vary` (var -> grid values) meeting the budgets, and the
    next value up; with several vars, the Pareto frontier. With one var and `closed_form`, also the
    bound in closed form where the cost is a polynomial in the var (a symbolic analysis: sympy).

        >>> s = solve("mobilenet_v1", {"alpha": "1/32:1:1/32"}, max_macs="300M", closed_form=False)
        >>> s.best.row.values, s.next.row.values, s.next.exceeds
        ((Fraction(23, 32),), (Fraction(3, 4),), ('macs',))
    """
    from .analysis.solve import solve as run
    from .sources import builder
    from .symbolic.quantity import count

    limits = args.limits(limits)
    source = args.source(source, spec=False)
    axes = _axes(vary, "vary", limits)
    budgets = {key: count(args.count(value, f"max_{key}", limits), f"max_{key}", limits=limits)
               for key, value in (("macs", max_macs), ("params", max_params)) if value is not None}
    set = args.overrides(set, limits)
    build = builder(source, limits, args.flag(allow_unsupported, "allow_unsupported"))[1]
    solution = run(build, axes, budgets, set, source, limits)
    if args.flag(closed_form, "closed_form") and len(axes) == 1:
        from .analysis.closed_form import closed_form as derive

        solution = solution._replace(closed_form=derive(build, axes[0].name, set or {}, solution.budgets))
    return solution
