"""`convcost solve`: wiring only (budgets and grid -> solve -> render -> write; exit 1 if nothing fits)."""

from __future__ import annotations

import click

from ..errors import EXIT_CHECK_FAILED
from ..render import SolveFormat
from .options import Quantity, grid_options, parse_axes
from .sweep import PLOT_HELP

VARY_HELP = ("The var to maximise and its grid: an inclusive range START:STOP:STEP (alpha=1/32:1:1/32) "
             "or a list, exact. Twice or more: the Pareto frontier of the vars.")


@click.command()
@grid_options
@click.option("--vary", "vary", multiple=True, required=True, metavar="NAME=START:STOP:STEP", help=VARY_HELP)
@click.option("--max-macs", type=Quantity(), metavar="N",
              help="Budget: mult-adds at most N (600M, 1.2G, 568740352).")
@click.option("--max-params", type=Quantity(), metavar="N",
              help="Budget: parameters at most N (5M, 4.5M, 300k).")
@click.option("--closed-form/--no-closed-form", default=True, show_default=True,
              help="With one --vary, also derive the bound in closed form where the cost is a "
              "polynomial in the var (a symbolic analysis: about a second).")
@click.option("--format", "-f", "fmt", type=click.Choice([f.value for f in SolveFormat]),
              default=SolveFormat.TEXT.value, show_default=True, help="Output format; JSON is exact.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file (atomically) instead of standard output.")
@click.option("--plot", type=click.Path(dir_okay=False), default=None, metavar="FILE.svg|png", help=PLOT_HELP)
def solve(source: str, sets: dict, limits, allow_unsupported: bool, vary: tuple[str, ...], max_macs,
          max_params, closed_form: bool, fmt: str, output: str | None, plot: str | None) -> None:
    """The largest var value (or the Pareto frontier of several) that meets mult-add and parameter budgets.

    Every value of the --vary grid is evaluated exactly (as `convcost sweep` does), so the answer is
    exact whatever shape the cost has. With one var: the largest value meeting every budget, the
    next value up and why it fails, and, where the cost is a polynomial in the var, the bound in
    closed form (alpha <= the positive root). With two or more: the configurations that meet the
    budgets and that no other such configuration matches or beats in every var.

    \b
    Examples:
      convcost solve mobilenet_v1 --max-macs 300M --vary alpha=1/32:1:1/32
      convcost solve mobilenet_v1 --max-macs 300M --max-params 3M --vary alpha=1/32:1:1/32 --set res=192
      convcost solve mobilenet_v1 --max-macs 300M --vary alpha=1/4:1:1/8 --vary res=128:224:32

    \b
    Exit codes: 0 a value (or frontier) was found, 1 no configuration meets the budgets, 2 invalid
    input or options.
    """
    from .output import deliver, refuse_inputs, write_output

    refuse_inputs(source, (output, "-o"), (plot, "--plot"))
    from ..analysis.solve import solve as run
    from ..render import render
    from ..sources import builder

    if plot is not None:
        from ..render.sweep_plot import checked_format

        plot_fmt = checked_format(plot)
    axes = parse_axes("--vary", vary, limits)
    _, build = builder(source, limits, allow_unsupported)
    budgets = {"macs": max_macs, "params": max_params}
    solution = run(build, axes, budgets, sets, source, limits)
    if closed_form and len(axes) == 1:
        from ..analysis.closed_form import closed_form as derive

        solution = solution._replace(closed_form=derive(build, axes[0].name, sets, solution.budgets))
    text = render(solution, SolveFormat(fmt))
    deliver(text, output)
    if plot is not None:
        from ..render.sweep_plot import render as draw

        if len(axes) == 1:
            answer, label = (solution.best.row,) if solution.best else (), f"largest {axes[0].name}"
        else:
            answer, label = tuple(v.row for v in solution.frontier), "Pareto frontier"
        write_output(plot, draw(solution.sweep, plot_fmt, solution.budgets, answer, label), "--plot")
    if not solution.found:
        raise click.exceptions.Exit(EXIT_CHECK_FAILED)
