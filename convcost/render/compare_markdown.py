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
        lines += ["", "## By layer", "", _row(("#", "name", "layer", "as PyTorch", *layers.titles)),
                  _row(("---:", "---", "---", "---", *("---:" for _ in layers.titles)))]
        for index, name, kind, call, values in layers.rows:
            lines.append(_row((index, name, kind, f"`{call}`", *(grouped(v) for v in values))))
    return "\n".join(lines) + "\n"
