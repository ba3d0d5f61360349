"""Shape consistency: the rules' inconsistencies as findings, and layers whose stride drops input.

Inconsistencies (an `add` of different shapes, a size reaching zero, groups that do not divide the
channels, ...) are raised by the layer rules as `LayerError` with a check id; the engine collects
them (`propagate(spec, failures)`) and skips only the layers that depend on a failed one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..analysis.layout import CHECK as LAYOUT_CHECK
from ..analysis.layout import channels_last
from ..analysis.report import LayerReport, Report
from ..layerfile.model import INPUT, LayerSpec, Spec
from ..layers.formulas import pad_after, pad_pair, window_span
from ..layers.records import LayerError
from ..layers.registry import get_rules
from ..symbolic import arith
from ..symbolic.display import exact_text
from .findings import Finding, Severity

STRIDE_HINT = ("pad so that (H + 2p - d(k-1) - 1) is a multiple of the stride (or use `padding: same`), "
               "or change the input size; `allow: [shape.stride]` on the layer accepts it (docs/ci.md)")


def inconsistencies(failures: Sequence[tuple[LayerSpec, LayerError]]) -> list[Finding]:
    """One error finding per failed layer. A failure without a check id is an invalid setting of the
    layer itself, not an inconsistency: it is raised (exit 2) like every other input error."""
    for _, err in failures:
        if err.check is None:
            raise err
    return [Finding(err.check, Severity.ERROR, err.message, err.location, err.hint, layer.name)
            for layer, err in failures]


def blocked_by(spec: Spec, done: Mapping, failures: Sequence[tuple[LayerSpec, LayerError]]) -> dict[str, str]:
    """Layers left out because they read a failed layer: name -> the failed layer behind it."""
    failed = {layer.name for layer, _ in failures}
    by_name = {layer.name: layer for layer in spec.layers}
    out: dict[str, str] = {}

    def cause(name: str) -> str:
        if name in failed:
            return name
        if name not in out:
            ref = next(r for r in by_name[name].inputs if r != INPUT and r not in done)
            out[name] = cause(ref)
        return out[name]

    for layer in spec.layers:
        if layer.name not in done and layer.name not in failed:
            cause(layer.name)
    return out


def _windows(row: LayerReport):
    """(kernel, stride, padding, dilation) pairs of a layer that slides a window (its rule says so),
    else None. `padding: same` never drops input."""
    window = get_rules()[row.kind].window
    geometry = window(row.attrs) if window is not None else None
    if geometry is None or geometry[2] == "same":
        return None
    kernel, stride, padding, dilation = geometry
    return kernel, stride, (0, 0) if padding == "valid" else pad_pair(padding), dilation


def dropped_input(row: LayerReport) -> list[tuple[str, object, object, object]]:
    """Per axis where the stride does not divide: (axis, input size, exact output size, rows dropped).

    PyTorch floors (H + 2p - d(k-1) - 1)/s + 1. The floor leaves r = (H + 2p - d(k-1) - 1) mod s
    rows of the padded input unread at the end; the last p of those are padding, so r - p input
    rows are lost. Dropping only padding (3x3, stride 2, padding 1 on an even size, as in every
    MobileNet) loses nothing and is not reported. Neither is a window narrower than its stride
    (d(k-1) + 1 < s, a 1x1 stride-2 downsample): it skips the rows between its windows by design, and
    the last one is one of those. Symbolic sizes give a `None` row count when
    whether rows are lost cannot be decided.
    """
    geometry = _windows(row)
    if geometry is None or len(row.input) != 3:
        return []
    out = []
    for axis, i in (("height", 0), ("width", 1)):
        size = row.input[1 + i]
        k, s, p, d = (g[i] for g in geometry)
        if s == 1 or arith.less_than(arith.add(arith.mul(d, arith.sub(k, 1)), 1), s) is True:
            continue  # a window narrower than its stride skips rows between windows by design
        span = window_span(size, k, p, d)
        rest = arith.sub(span, arith.mul(arith.floordiv(span, s), s))
        lost = arith.sub(rest, pad_after(p))
        if arith.less_than(arith.sub(s, 1), arith.add(pad_after(p), 1)) is True:  # rest < s <= p + 1: never
            continue
        positive = arith.is_positive(lost)
        if positive is not False:
            exact = arith.add(arith.div(span, s), 1)
            out.append((axis, size, exact, lost if positive else None))
    return out


def stride_findings(report: Report, allowed: Mapping[str, Sequence[str]] | None = None) -> list[Finding]:
    """`shape.stride`: a warning per layer whose stride leaves input rows or columns unread
    (undecided when symbolic sizes leave it open), except in layers that `allow` it."""
    found = []
    allowed = allowed or {}
    for row in report.layers:
        if "shape.stride" in allowed.get(row.name, ()):
            continue
        axes = dropped_input(row)
        if not axes:
            continue
        undecided = [a for a in axes if a[3] is None]
        if undecided:
            names = " and ".join(a[0] for a in undecided)
            sizes = ", ".join(str(a[1]) for a in undecided)
            found.append(Finding(
                "shape.stride", Severity.UNDECIDED,
                f"layer {row.name!r} ({row.kind}): whether stride {_stride(row)} leaves input {names} unread "
                f"depends on the symbols (input {sizes})", row.loc, STRIDE_HINT, row.name))
        axes = [a for a in axes if a[3] is not None]
        if not axes:
            continue
        if len(axes) == 2 and axes[0][1:] == axes[1][1:]:  # a square input: say it once
            axes = [("height and width", *axes[0][1:])]
        parts = []
        for axis, size, exact, lost in axes:
            unit = {"height": "row", "width": "column"}.get(axis, "row and column")
            units = unit.replace("row", "rows").replace("column", "columns")
            lost_text = (f"the last input {unit} {'is' if ' ' not in unit else 'are'}" if lost == 1 else
                         f"the last {lost} input {units} are")
            parts.append(f"{axis} {size} give{'s' if ' ' not in axis else ''} {exact_text(exact)}, "
                         f"floored to {arith.floor(exact)}: {lost_text} never read")
        found.append(Finding(
            "shape.stride", Severity.WARNING,
            f"layer {row.name!r} ({row.kind}): stride {_stride(row)} does not divide the input: "
            + "; ".join(parts),
            row.loc, STRIDE_HINT, row.name))
    return found


def layout_findings(spec: Spec) -> list[Finding]:
    """`input.layout`: a warning when the input looks channels-last (analysis/layout.py)."""
    found = channels_last(spec.input)
    if found is None:
        return []
    message, hint = found
    return [Finding(LAYOUT_CHECK, Severity.WARNING, message, spec.input_loc, hint)]


def _stride(row: LayerReport) -> str:
    s = row.attrs.get("stride") or row.attrs.get("kernel")
    return str(s[0]) if s[0] == s[1] else f"{s[0]}x{s[1]}"


