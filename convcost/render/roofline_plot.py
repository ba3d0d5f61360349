"""`analyze --plot FILE.svg|png`: the roofline of a network on its device, and each layer's time.

Left: the device's roof (peak FLOP/s, and bandwidth × intensity below the ridge point) on log axes,
every convolution twice, as a standard and as a separable kernel (markers side by side at their
intensity and attained FLOP/s = flops / time). Right: each layer's time as written, one bar a layer.
Plots are pictures for people: floats are fine here (JSON keeps the exact values). matplotlib is the
optional extra `convcost[plot]`, imported only here.
"""

from __future__ import annotations

from ..analysis.report import Report
from ..errors import ConvcostError, Location
from ..symbolic.arith import is_number

INSTALL = "pip install 'convcost[plot]'"


def _matplotlib():
    try:
        import matplotlib
    except ImportError:
        raise ConvcostError("--plot needs matplotlib, which is not installed",
                            hint=f"install the plot extra: {INSTALL}") from None
    matplotlib.use("Agg")  # files only, never a window
    import matplotlib.pyplot as plt

    return plt


def points(report: Report) -> tuple[list[tuple[str, float, float]], list[tuple[str, float, float]]]:
    """(name, intensity, attained FLOP/s) of each convolution unit as a standard and as a separable
    kernel; a separable pair is one unit (shown at its pointwise layer)."""
    standard, separable = [], []
    for row in report.layers:
        t = row.roofline
        if t is None or t.standard_kernel is None or row.pair and row.name == row.pair[0]:
            continue
        for out, kernel, time in ((standard, t.standard_kernel, t.standard_time),
                                  (separable, t.separable_kernel, t.separable_time)):
            out.append((row.name, float(kernel.flops / kernel.bytes), float(kernel.flops / time)))
    return standard, separable


def render_plot(report: Report, path: str) -> bytes:
    """The report's roofline and per-layer times as the bytes of an .svg or .png file (by `path`'s
    ending); the command writes them (cli/output.py, as every output)."""
    if report.roofline is None:
        raise ConvcostError("--plot needs --device", hint="e.g. --device t4")
    if not is_number(report.roofline.time_s):
        raise ConvcostError("--plot needs numbers: the times depend on symbols", Location(path),
                                "drop --symbolic (or give the vars values with --set)")
    plt = _matplotlib()
    t = report.roofline
    standard, separable = points(report)
    fig, (roof, bars) = plt.subplots(1, 2, figsize=(14, 5.5), gridspec_kw={"width_ratios": [1, 1.4]})
    peak, bandwidth = float(t.peak), float(t.bandwidth)
    ridge = peak / bandwidth
    xs = [x for _, x, _ in standard + separable] or [ridge]
    lo, hi = min(min(xs), ridge) / 4, max(max(xs), ridge) * 4
    roof.plot([lo, ridge, hi], [bandwidth * lo, peak, peak], color="black", linewidth=1.5, label="roof",
              gid="roof")
    roof.axvline(ridge, color="grey", linestyle=":", linewidth=1)
    for series, marker, color, label in ((standard, "s", "tab:red", "standard"),
                                         (separable, "o", "tab:blue", "separable")):
        roof.plot([x for _, x, _ in series], [y for _, _, y in series], linestyle="none", marker=marker,
                  color=color, label=label, gid=label)
    roof.set_xscale("log")
    roof.set_yscale("log")
    roof.set_xlabel("arithmetic intensity (FLOP/byte)")
    roof.set_ylabel("attained FLOP/s")
    roof.set_title(f"{report.name} on {t.device.name} ({t.dtype}{', fused' if t.fuse else ''})")
    roof.legend(loc="lower right")
    names = [row.name for row in report.layers]
    times = [float(row.roofline.time_s) * 1e6 for row in report.layers]
    colors = ["tab:orange" if row.roofline.bound == "memory" else "tab:green" for row in report.layers]
    drawn = bars.bar(range(len(names)), times, color=colors)
    for bar, name in zip(drawn, names, strict=True):
        bar.set_gid(f"bar:{name}")
    bars.set_xticks(range(len(names)))
    bars.set_xticklabels(names, rotation=90, fontsize=6 if len(names) > 30 else 8)
    bars.set_ylabel("time as written (µs); orange memory-bound, green compute-bound")
    bars.set_title(f"per layer: {float(t.time_s) * 1e6:.4g} µs in all")
    fig.tight_layout()
    import io

    svg = path.lower().endswith(".svg")
    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="svg" if svg else "png", metadata={"Date": None} if svg else None)
    finally:
        plt.close(fig)
    return buffer.getvalue()
