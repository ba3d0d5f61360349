"""`convcost compare`: wiring only (load -> analyze -> compare -> render -> write)."""

from __future__ import annotations

import sys

import click

from ..render import CompareFormat
from .options import network_options


def _names() -> tuple[str, ...]:
    from ..conventions import NAMES

    return NAMES


@click.command()
@network_options
@click.option("--convention", "conventions", multiple=True, type=click.Choice(_names()), metavar="NAME",
              help="Compare only these conventions (repeatable; default: all of them, paper first).")
@click.option("--by-layer", is_flag=True, help="Also every layer's count in each convention.")
@click.option("--format", "-f", "fmt", type=click.Choice([f.value for f in CompareFormat]),
              default=CompareFormat.TABLE.value, show_default=True,
              help="Output format. JSON and Markdown are exact; the per-layer table rounds.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file (atomically) instead of standard output.")
def compare(source: str, network: dict, conventions: tuple[str, ...], by_layer: bool, fmt: str,
            output: str | None) -> None:
    """Every counting convention side by side: each tool's total for the network and the terms that
    make it differ from the paper's.

    One row per convention (paper, flops, ptflops, ptflops-aten, thop, fvcore, torchinfo, onnx-tool,
    keras): its total in MACs or FLOPs, its parameters, the difference from the paper's count and
    the terms that make it ("+4,967,424 batch norm ×2, +4,616,192 ReLU counted twice, ..."). See
    docs/conventions.md.

    \b
    Examples:
      convcost compare resnet18
      convcost compare net.yaml --by-layer --format markdown
      convcost compare mobilenet_v2 --convention paper --convention fvcore --format json
    """
    from .output import deliver, refuse_inputs

    refuse_inputs(source, (output, "-o"))
    from ..api import compare as run
    from ..render import RenderOptions, render

    comparison = run(source, **network, conventions=conventions or None)
    fmt_ = CompareFormat(fmt)
    from .page import page_width

    options = RenderOptions(by_layer=by_layer, width=page_width() if output is None else None)
    if fmt_ is CompareFormat.TABLE and output is None and sys.stdout.isatty():
        from ..render.compare_table import layout
        from . import print_terminal, terminal_width

        page = terminal_width()
        items, needed = layout(comparison, options, page)
        print_terminal(items, max(page, needed))
        return
    text = render(comparison, fmt_, options)
    deliver(text, output)
