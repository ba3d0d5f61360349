"""The public Python API of convcost: load, analyze, check, prove. `convcost/__init__.py` re-exports it.

    >>> import convcost
    >>> convcost.analyze("mobilenet_v1").totals.macs
    568740352

Every function takes a layer file path or a built-in network's name (`convcost zoo`); `analyze` and
`check` also take a Spec from `load`. Errors a caller can cause raise ConvcostError (with a location
and a hint), as in the CLI. Heavy modules (sympy, the checks) are imported when first needed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .analysis.report import Report
from .errors import ConvcostError
from .layerfile.model import Spec
from .limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from .checks.findings import CheckReport
    from .conventions.compare import Comparison
    from .devices import Device
    from .proof import Proof
    from .symbolic.arith import Value

__all__ = ["load", "analyze", "check", "compare", "prove"]


def load(source: str, set: Mapping[str, Any] | None = None, symbolic: Sequence[str] = (),
         limits: Limits | None = None) -> Spec:
    """Load and validate a layer file (or a built-in network by name) into a Spec.

    `set` overrides vars (values are numbers or expression strings such as "0.75" or "3/4");
    `symbolic` names vars to keep as sympy symbols.
    """
    from .sources import load as load_source

    return load_source(source, set, symbolic, limits)


def analyze(source: str | Spec, set: Mapping[str, Any] | None = None, symbolic: Sequence[str] = (),
            limits: Limits | None = None, *, convention: str = "paper", dtype: str = "fp32",
            device: str | Device | None = None, fuse: bool = False) -> Report:
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

    if convention != "paper":
        from .conventions import checked_convention

        checked_convention(convention)  # before the work
    if dtype not in DTYPE_BYTES:
        raise ConvcostError(f"unknown dtype {dtype!r}", hint=f"dtypes are: {', '.join(DTYPE_BYTES)}")
    if device is None and fuse:
        raise ConvcostError("fusion changes times only: it needs a device", hint="add --device NAME")
    if isinstance(source, Spec):
        if set or symbolic:
            raise ValueError("set/symbolic apply when loading; pass them to load() instead")
        report = analyze_spec(source, dtype)
    else:
        report = analyze_spec(load(source, set, symbolic, limits), dtype)._replace(source=source)
    if device is not None:
        from .analysis.roofline import with_roofline
        from .devices import load_device

        if isinstance(device, str):
            device = load_device(device, limits or DEFAULT_LIMITS)
        report = with_roofline(report, device, dtype, fuse)
    if convention == "paper":
        return report
    from .conventions import apply

    return apply(report, convention)


def check(source: str | Spec, set: Mapping[str, Any] | None = None, symbolic: Sequence[str] = (),
          limits: Limits | None = None, *, max_macs: Value | str | None = None,
          max_params: Value | str | None = None, min_saving: Value | str | None = None,
          strict: bool = False, convention: str = "paper") -> CheckReport:
    """Check a network's shapes, budgets and expectations; return the findings as data.

    `max_macs` / `max_params` are budgets for the whole network (ints or SI texts such as "600M");
    the file's own `budget:` and `expect:` entries are always checked. `min_saving` (a ratio such as
    0.2) enables the `lint.separable` check. With `strict`, warnings and undecided results fail.
    Budgets are counted in `convention` (as in `analyze`); `expect:` values stay the paper's.

        >>> check("mobilenet_v1", max_macs="600M", max_params="5M").ok
        True
    """
    from .checks.run import check as run

    return run(source, set, symbolic, limits, max_macs=max_macs, max_params=max_params,
               min_saving=min_saving, strict=strict, convention=convention)


def compare(source: str | Spec, set: Mapping[str, Any] | None = None, symbolic: Sequence[str] = (),
            limits: Limits | None = None, *, conventions: Sequence[str] | None = None) -> Comparison:
    """Every counting convention (or those named) side by side on one network: each total, its
    parameters, and the terms that make it differ from the paper's count (`convcost compare`).

        >>> [c.count for c in compare("resnet18", conventions=["paper", "fvcore"]).counted]
        [1814073344, 1819065856]
    """
    from .conventions.compare import compare as run

    return run(analyze(source, set, symbolic, limits), conventions)


def prove(values: Mapping[str, Any] | None = None, *, bias: bool = False, multipliers: bool = False) -> Proof:
    """The machine-checked derivation of the separable/standard ratio.

    `values` gives numbers for some of M, N, Dk, Dkp, Do, Dop (positive integers); every step is
    verified by sympy with and without them. Render the result with convcost.render.render.
    """
    from .proof import prove as run

    return run(values, bias=bias, multipliers=multipliers)
