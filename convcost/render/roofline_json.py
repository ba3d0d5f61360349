"""The memory and roofline members of `analyze`'s JSON (docs/json.md), kept apart from report_json.py:
exact values only (ints, "p/q" fractions, sympy syntax for symbolic values)."""

from __future__ import annotations

from typing import Any

from ..analysis.report import LayerReport, Report
from ..symbolic.display import exact


def add_layer(out: dict[str, Any], row: LayerReport) -> None:
    """A layer's `memory` and, with a device, its `flops`, `bytes`, `intensity`, `time_s`, `bound`, the
    alternatives' `time_s` and `time_ratio`, and its kernels' times under `parts`."""
    m = row.memory
    if m is not None:
        out["memory"] = {"weights": exact(m.weights), "inputs": exact(m.inputs), "outputs": exact(m.outputs)}
    t = row.roofline
    if t is None:
        return
    out.update(flops=exact(t.flops), bytes=exact(t.bytes), intensity=_maybe(t.intensity),
               time_s=exact(t.time_s), bound=t.bound)
    if t.fused_into is not None:
        out["fused_into"] = t.fused_into
    if t.standard_time is not None and "standard" in out:
        out["standard"] = {**out["standard"], "time_s": exact(t.standard_time)}
        out["separable"] = {**out["separable"], "time_s": exact(t.separable_time)}
        out["time_ratio"] = _maybe(t.time_ratio)
    if t.parts and "parts" in out:
        out["parts"] = [{**part, "flops": exact(p.flops), "bytes": exact(p.bytes), "time_s": exact(p.time_s),
                         "bound": p.bound, "intensity": _maybe(p.intensity)}
                        for part, p in zip(out["parts"], t.parts, strict=True)]


def add_document(doc: dict[str, Any], report: Report) -> None:
    """The top-level `dtype` and `device`, and the totals' `memory`, `flops` and `time_s`."""
    m, t = report.memory, report.roofline
    totals = doc["totals"]
    if m is not None:
        doc["dtype"] = m.dtype
        totals["memory"] = {"weights": exact(m.weights), "peak_activations": exact(m.peak_activations)}
    if t is None:
        return
    d = t.device
    doc["device"] = {"key": d.key, "name": d.name, "dtype": t.dtype, "peak_flops": exact(t.peak),
                     "bandwidth": exact(t.bandwidth), "ridge_point": _maybe(d.ridge(t.dtype)), "fuse": t.fuse}
    totals["flops"] = exact(t.flops)
    totals["time_s"] = exact(t.time_s)
    totals["standard"] = {**totals["standard"], "time_s": exact(t.standard_time)}
    totals["separable"] = {**totals["separable"], "time_s": exact(t.separable_time)}


def _maybe(v) -> Any:
    return None if v is None else exact(v)
