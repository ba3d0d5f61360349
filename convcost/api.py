"""The public Python API of convcost: load, analyze, check, prove. `convcost/__init__.py` re-exports it.

    >>> import convcost
    >>> convcost.analyze("mobilenet_v1").totals.macs
    568740352

Every function takes a layer file path, a built-in network's name (`convcost zoo`) or an ONNX model
(a `.onnx` file, docs/onnx.md); `analyze` and `check` also take a Spec from `load`. Errors a caller
can cause raise ConvcostError (with a location and a hint), as in the CLI. Heavy modules (sympy, the
checks) are imported when first needed.
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
    from .devices import Device
    from .proof import Proof
    from .symbolic.arith import Value

__all__ = ["load", "analyze", "check", "prove"]


def load(source: str, set: Mapping[str, Any] | None = None, symbolic: Sequence[str] = (),
         limits: Limits | None = None, *, allow_unsupported: bool = False) -> Spec:
    """Load and validate a layer file, a built-in network by name, or an ONNX model (`.onnx`) into
    a Spec.

    `set` overrides vars (values are numbers or expression strings such as "0.75" or "3/4");
    `symbolic` names vars to keep as sympy symbols (an ONNX model's dynamic dims are its vars).
    `allow_unsupported` counts an ONNX model's unknown operators as zero (docs/onnx.md).
    """
    from .sources import load as load_source

    return load_source(source, set, symbolic, limits, allow_unsupported)


def analyze(source: str | Spec, set: Mapping[str, Any] | None = None, symbolic: Sequence[str] = (),
            limits: Limits | None = None, *, dtype: str = "fp32", device: str | Device | None = None,
            fuse: bool = False, allow_unsupported: bool = False) -> Report:
    """Analyze a layer file, a built-in network name, or an already loaded Spec into a Report.

    Bytes are counted at `dtype`'s element size (fp32, fp16, bf16, int8). With a `device` (a built-in
    device's name, a device file, or a Device from convcost.devices.load_device) every layer also gets
    its roofline time; `fuse` models fused kernels (docs/roofline.md).
    """
    from .analysis.build import analyze_spec
    from .devices import DTYPE_BYTES, load_device

    if dtype not in DTYPE_BYTES:
        raise ConvcostError(f"unknown dtype {dtype!r}", hint=f"dtypes are: {', '.join(DTYPE_BYTES)}")
    if isinstance(source, Spec):
        if set or symbolic:
            raise ValueError("set/symbolic apply when loading; pass them to load() instead")
        report = analyze_spec(source, dtype)
    else:
        spec = load(source, set, symbolic, limits, allow_unsupported=allow_unsupported)
        report = analyze_spec(spec, dtype)._replace(source=source)
    if device is None:
        if fuse:
            raise ConvcostError("fusion changes times only: it needs a device", hint="add --device NAME")
        return report
    from .analysis.roofline import with_roofline

    if isinstance(device, str):
        device = load_device(device, limits or DEFAULT_LIMITS)
    return with_roofline(report, device, dtype, fuse)


def check(source: str | Spec, set: Mapping[str, Any] | None = None, symbolic: Sequence[str] = (),
          limits: Limits | None = None, *, max_macs: Value | str | None = None,
          max_params: Value | str | None = None, min_saving: Value | str | None = None,
          strict: bool = False, allow_unsupported: bool = False) -> CheckReport:
    """Check a network's shapes, budgets and expectations; return the findings as data.

    `max_macs` / `max_params` are budgets for the whole network (ints or SI texts such as "600M");
    the file's own `budget:` and `expect:` entries are always checked. `min_saving` (a ratio such as
    0.2) enables the `lint.separable` check. With `strict`, warnings and undecided results fail.

        >>> check("mobilenet_v1", max_macs="600M", max_params="5M").ok
        True
    """
    from .checks.run import check as run

    return run(source, set, symbolic, limits, max_macs=max_macs, max_params=max_params,
               min_saving=min_saving, strict=strict, allow_unsupported=allow_unsupported)


def prove(values: Mapping[str, Any] | None = None, *, bias: bool = False, multipliers: bool = False) -> Proof:
    """The machine-checked derivation of the separable/standard ratio.

    `values` gives numbers for some of M, N, Dk, Dkp, Do, Dop (positive integers); every step is
    verified by sympy with and without them. Render the result with convcost.render.render.
    """
    from .proof import prove as run

    return run(values, bias=bias, multipliers=multipliers)
