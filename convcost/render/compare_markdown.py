"""`convcost compare` in Markdown: the same tables as the terminal, every number exact."""

from __future__ import annotations

from ..conventions.compare import Comparison
from ..symbolic.display import grouped, shape
from . import DEFAULT_OPTIONS, RenderOptions
from . import compare_view as view


def _row(cells) -> str:
    return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"


def render(comparison: Comparison, options: RenderOptions = DEFAULT_OPTIONS) -> str:
    r = comparison.report
    lines = [f"# {view.title(comparison)}", "", f"Input: {shape(r.input)}", ""]
    lines += [_row(view.SUMMARY_TITLES), _row(("---", "---", "---:", "---:", "---:", "---"))]
    for s in view.summary(comparison):
        cells = (s.name, s.unit, grouped(s.count), grouped(s.params), view.signed(s.difference), s.why)
        lines.append(_row(cells))
    lines += [""] + [f"- `{name}`: {what}" for name, what in view.legend(comparison)]
    if options.by_layer:
        layers = view.by_layer(comparison)
        titles = (*layers.count_titles, *layers.params_titles)
        lines += ["", "## By layer", "", _row(("#", "name", "layer", "as PyTorch", *titles)),
                  _row(("---:", "---", "---", "---", *("---:" for _ in titles)))]
        for r in layers.rows:
            values = (grouped(v) for v in (*r.counts, *r.params))
            lines.append(_row((r.index, r.name, r.kind, f"`{r.call}`", *values)))
    return "\n".join(lines) + "\n"
