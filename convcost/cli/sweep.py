"""`convcost sweep`: wiring only (parse the grid -> sweep -> render -> write; exit 1 if a row failed)."""

from __future__ import annotations

import click

from ..errors import EXIT_CHECK_FAILED
from ..render import SweepFormat
from .options import grid_options, parse_axes

GRID_HELP = ("A var and its values: a list (alpha=1,0.75,0.5) or an inclusive range START:STOP:STEP "
             "(alpha=1/32:1:1/32, res=128:224:32), exact. Repeatable: the grid is the cross product.")
PLOT_HELP = ('Also plot mult-adds against parameters to FILE (.svg or .png); needs the plot extra: '
             'pip install "convcost[plot]".')


@click.command()
@grid_options
@click.option("--grid", "grids", multiple=True, required=True, metavar="NAME=VALUES", help=GRID_HELP)
@click.option("--format", "-f", "fmt", type=click.Choice([f.value for f in SweepFormat]),
              default=SweepFormat.TABLE.value, show_default=True,
              help="Output format; every one is exact (one row per configuration).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file (atomically) instead of standard output.")
@click.option("--plot", type=click.Path(dir_okay=False), default=None, metavar="FILE.svg|png", help=PLOT_HELP)
def sweep(source: str, sets: dict, limits, allow_unsupported: bool, grids: tuple[str, ...], fmt: str,
          output: str | None, plot: str | None) -> None:
    """Totals of a network at every point of a grid of var values (width, resolution, any var), exactly.

    One row per configuration of the cross product of the --grid vars (the first varying slowest):
    the vars, parameters, mult-adds, and the all-standard and separable-where-cheaper totals, each
    exactly what `convcost analyze --set ...` gives for that configuration. A configuration that is
    invalid (a fractional channel count, a map shrinking below its kernel) is a row with its error.

    \b
    Examples:
      convcost sweep mobilenet_v1 --grid alpha=1,0.75,0.5,0.25 --grid res=224:128:-32
      convcost sweep mobilenet_v1 --grid alpha=1/32:1:1/32 --grid res=32:343:1 -f json -o grid.json
      convcost sweep net.yaml --grid width=16:64:8 --set res=160 -f csv --plot grid.svg

    \b
    Exit codes: 0 every configuration is valid, 1 at least one row is an error, 2 invalid input or
    options (or an error every configuration shares, such as an unknown key in the file).
    """
    from .output import deliver, refuse_inputs, write_output

    refuse_inputs(source, (output, "-o"), (plot, "--plot"))
    from ..analysis.sweep import sweep as run
    from ..render import render
    from ..sources import builder

    if plot is not None:
        from ..render.sweep_plot import checked_format

        plot_fmt = checked_format(plot)
    axes = parse_axes("--grid", grids, limits)
    _, build = builder(source, limits, allow_unsupported)
    result = run(build, axes, sets, source, limits)
    text = render(result, SweepFormat(fmt), _page(fmt, output))
    deliver(text, output)
    if plot is not None:
        from ..render.sweep_plot import render as draw

        write_output(plot, draw(result, plot_fmt), "--plot")
    if result.failed:
        click.echo(f"{result.failed:,} of {len(result.rows):,} configurations failed", err=True)
        raise click.exceptions.Exit(EXIT_CHECK_FAILED)


def _page(fmt: str, output: str | None):
    """The table's page when it goes to standard output (cli/page.py); none for a file or another
    format (the table is whole)."""
    from ..render import RenderOptions
    from .page import page_width

    if fmt != SweepFormat.TABLE.value or output is not None:
        return RenderOptions()
    return RenderOptions(width=page_width())
