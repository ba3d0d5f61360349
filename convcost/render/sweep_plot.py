"""`--plot FILE.svg|png` of `convcost sweep` and `convcost solve`: mult-adds against parameters, one
point per configuration, one line per value of the first swept var, the budgets as lines.

matplotlib is an optional extra (`pip install "convcost[plot]"`), imported here only, so nothing
else pays for it. Positions on a plot are floats by nature; the exact numbers are in the other
formats. SVG output is reproducible: no date in its metadata, fixed element ids.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from ..analysis.sweep import Sweep
from ..errors import ConvcostError, Location
from ..symbolic.arith import Value
from ..symbolic.display import exact_text
from .sweep_view import title

FORMATS = ("svg", "png")
INSTALL = 'pip install "convcost[plot]"'
LEGEND_LINES = 12  # more lines than this get a colour bar instead of a legend


def plot_format(path: str) -> str:
    """'svg' or 'png', from the file name (checked before any work is done)."""
    fmt = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if fmt not in FORMATS:
        raise ConvcostError("--plot writes .svg or .png files", Location(path),
                            "name the file FILE.svg or FILE.png")
    return fmt


def checked_format(path: str) -> str:
    """plot_format, and matplotlib present: both checked before any work is done."""
    fmt = plot_format(path)
    require_matplotlib()
    return fmt


def require_matplotlib() -> None:
    """Fail early, with the command to install it, when matplotlib is missing."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise ConvcostError("--plot needs matplotlib, which is not installed",
                            hint=f"install the plotting extra: {INSTALL}") from None


def render(sweep: Sweep, fmt: str, budgets: Mapping[str, Value] | None = None, highlight: tuple = (),
           label: str = "answer") -> bytes:
    """The plot as SVG or PNG bytes. Each line's element id is `configurations-N` (N from 1, in the
    order of the first var's values); `highlight` (rows) are drawn on top as stars named `label`,
    with id `answer`."""
    require_matplotlib()
    import matplotlib
    from matplotlib.figure import Figure

    budgets = budgets or {}
    first = sweep.axes[0]
    groups: dict = {v: [] for v in first.values} if len(sweep.axes) > 1 else {None: []}
    for row in sweep.rows:
        if row.error is None:
            groups[row.values[0] if len(sweep.axes) > 1 else None].append(row)
    if len(sweep.axes) == 1:
        groups[None].sort(key=lambda r: r.values[0])
    with matplotlib.rc_context({"svg.hashsalt": "convcost", "svg.fonttype": "none"}):
        fig = Figure(figsize=(8, 5.5), layout="constrained")
        ax = fig.add_subplot()
        cmap = matplotlib.colormaps["viridis"]
        n = max(len(groups), 2)
        for i, (value, rows) in enumerate(groups.items()):
            label = f"{first.name} = {exact_text(value)}" if value is not None else first.name
            (line,) = ax.plot([float(r.params) for r in rows], [float(r.macs) for r in rows], marker="o",
                              markersize=3, linewidth=1, color=cmap(i / (n - 1)), label=label)
            line.set_gid(f"configurations-{i + 1}")
        if highlight:
            (mark,) = ax.plot([float(r.params) for r in highlight], [float(r.macs) for r in highlight],
                              linestyle="none", marker="*", markersize=12, color="black", label=label)
            mark.set_gid("answer")
        if "macs" in budgets:
            ax.axhline(float(budgets["macs"]), color="tab:red", linestyle="--", label="mult-add budget")
        if "params" in budgets:
            ax.axvline(float(budgets["params"]), color="tab:orange", linestyle="--", label="parameter budget")
        if any(rows for rows in groups.values()):  # a log scale of nothing warns
            ax.set_xscale("log")
            ax.set_yscale("log")
        ax.set_xlabel("parameters")
        ax.set_ylabel("mult-adds")
        ax.set_title(title(sweep), fontsize=10)
        ax.grid(True, which="major", alpha=0.3)
        if len(groups) <= LEGEND_LINES:
            ax.legend(fontsize=8)
        else:
            from matplotlib.cm import ScalarMappable
            from matplotlib.colors import Normalize

            values = [float(v) for v in groups]
            bar = fig.colorbar(ScalarMappable(Normalize(min(values), max(values)), cmap), ax=ax)
            bar.set_label(first.name)
            if budgets or highlight:
                others = [h for h in ax.get_lines() if not (h.get_gid() or "").startswith("configurations")]
                ax.legend(handles=others, fontsize=8)
        out = io.BytesIO()
        fig.savefig(out, format=fmt, dpi=150, metadata={"Date": None} if fmt == "svg" else None)
    return out.getvalue()
