"""`convcost analyze`: wiring only (load -> analyze -> render -> write)."""

from __future__ import annotations

import sys

import click

from ..render import ReportFormat
from .device_options import device_options
from .options import convention_option, network_options
from .table_options import table_options, view_options


@click.command()
@network_options
@convention_option
@device_options
@click.option("--format", "-f", "fmt", type=click.Choice([f.value for f in ReportFormat]),
              default=ReportFormat.TABLE.value, show_default=True,
              help="Output format. JSON and CSV are exact; the table rounds big numbers.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file (atomically) instead of standard output.")
@table_options
def analyze(source: str, network: dict, convention: str, roofline: dict, fmt: str,
            output: str | None, view: dict) -> None:
    """Per-layer and total parameters and mult-adds of a network, each conv layer beside its
    standard and depthwise-separable alternatives.

    FILE_OR_BUILTIN is a layer file (see docs/layer-file.md) or a built-in network
    (`convcost zoo` lists them).

    \b
    Examples:
      convcost analyze mobilenet_v1
      convcost analyze mobilenet_v1 --set alpha=0.75 --set res=160 --format json
      convcost analyze mobilenet_v1 --symbolic alpha --format markdown
      convcost analyze resnet18 --convention fvcore
      convcost analyze mobilenet_v1 --device jetson-orin-nano-8gb --dtype fp16 --plot roofline.svg
      convcost analyze densenet121 --depth 1
      convcost analyze resnet50 --totals-only

    \b
    The table fits the terminal: a narrow one leaves out the input shape and the alternatives (it
    says so below the table) before any figure could be cut; --wide shows every column.
    """
    from ..api import analyze as run
    from ..render import render
    from .output import deliver, refuse_inputs, write_output

    plot = roofline.pop("plot")
    refuse_inputs(source, (output, "-o"), (plot, "--plot"))
    report = run(source, **network, convention=convention, **roofline)
    _warn_layout(report)
    if plot is not None:
        from ..render.roofline_plot import render_plot

        write_output(plot, render_plot(report, plot), "--plot")
    fmt_ = ReportFormat(fmt)
    options = view_options(view, fmt_, output)
    if fmt_ is ReportFormat.TABLE and output is None and sys.stdout.isatty():
        from ..render.report_table import layout, renderables
        from . import print_terminal, terminal_width

        page = terminal_width()
        shown, needed = layout(report, options, None if options.wide else page, terminal=True)
        print_terminal(renderables(shown), max(page, needed))
        return
    text = render(report, fmt_, options)
    deliver(text, output)


def _warn_layout(report) -> None:
    """A channels-last input is a mistake in the file, not a note on the analysis: it is also said on
    stderr, as a compiler's warning, whatever the format (the table, Markdown and JSON carry it too)."""
    from ..analysis.layout import channels_last
    from ..errors import Location

    found = channels_last(report.input)
    if found is not None:
        click.echo(f"{Location(report.source)}: warning: {found[0]}\n  hint: {found[1]}", err=True)
