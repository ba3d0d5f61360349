"""`convcost check`: wiring only (parse options -> check -> render -> exit 0, 1 or 2)."""

from __future__ import annotations

import sys

import click

from ..errors import EXIT_CHECK_FAILED, ConvcostError
from ..render import FindingsFormat
from .options import Quantity as _Quantity
from .options import convention_option, network_options


class _Ratio(click.ParamType):
    name = "R"

    def convert(self, value, param, ctx):
        from ..symbolic.quantity import ratio

        try:
            return ratio(value, "--min-saving")
        except ConvcostError as err:
            self.fail(f"{err.message} ({err.hint})" if err.hint else err.message, param, ctx)


@click.command()
@network_options
@convention_option
@click.option("--max-macs", type=_Quantity(), metavar="N",
              help="Fail when the network's mult-adds exceed N (600M, 1.2G, 568740352).")
@click.option("--max-params", type=_Quantity(), metavar="N",
              help="Fail when the network's parameters exceed N (5M, 4.5M, 300k).")
@click.option("--min-saving", type=_Ratio(), metavar="R",
              help="Lint: fail when a standard conv's depthwise-separable version would cost less than "
              "R times its mult-adds (e.g. 0.2).")
@click.option("--strict", is_flag=True,
              help="Warnings (a stride that drops input) and undecided symbolic results fail too.")
@click.option("--format", "-f", "fmt", type=click.Choice([f.value for f in FindingsFormat]),
              default=FindingsFormat.TEXT.value, show_default=True,
              help="text: grouped by layer; json: see docs/ci.md; github: annotations on the pull request.")
@click.option("--junit-xml", type=click.Path(), metavar="PATH",
              help="Also write JUnit XML (one testcase per check) to PATH, atomically.")
def check(source: str, network: dict, convention: str, max_macs, max_params, min_saving, strict: bool,
          fmt: str, junit_xml: str | None) -> None:
    """Check a network's shapes, budgets and expectations, for CI.

    Reports every shape inconsistency (channel or size mismatches in add, mul and concat, sizes
    reaching zero, groups that do not divide the channels, ...), strides that leave input rows
    unread (a warning), the budgets given here and in the file (`budget:`, at the top and per
    layer) and every layer's `expect:`, each at its line and column. With --convention, budgets
    are counted in that convention (`expect:` values stay the paper's). See docs/ci.md.

    \b
    Examples:
      convcost check mobilenet_v1 --max-macs 600M --max-params 5M
      convcost check net.yaml --strict --format github --junit-xml convcost.xml
      convcost check net.yaml --symbolic alpha --max-macs 600M
      convcost check resnet18 --convention fvcore --max-macs 1.82G

    \b
    Exit codes: 0 every check passed (warnings allowed), 1 a check failed,
    2 invalid input or options (bad YAML, unknown kind or key, bad option value).
    """
    from ..checks.run import check as run
    from ..render import RenderOptions, render
    from ..render.findings_text import summary_line
    from . import emit
    from .output import refuse_input

    fmt_ = FindingsFormat(fmt)
    if junit_xml is not None:
        refuse_input(junit_xml, source, "--junit-xml")
    try:
        report = run(source, max_macs=max_macs, max_params=max_params, min_saving=min_saving, strict=strict,
                     convention=convention, **network)
    except ConvcostError as err:  # still exit 2 (ConvcostGroup prints it); CI gets it in its formats too
        try:
            if junit_xml is not None:
                from ..render.findings_junit import render_error

                _write(junit_xml, render_error(source, err))
            if fmt_ is FindingsFormat.GITHUB:
                from ..render.findings_github import render_error as annotate

                emit(annotate(err))
        except ConvcostError as failed:  # the report could not be written: say so, then the input error
            click.echo(failed.format(), err=True)
        raise
    if junit_xml is not None:
        from ..render.findings_junit import render as junit

        _write(junit_xml, junit(report))
    if fmt_ is FindingsFormat.TEXT:
        emit(render(report, fmt_, RenderOptions(color=sys.stdout.isatty())))
    else:  # machine formats: the payload on stdout, the summary on stderr
        emit(render(report, fmt_))
        click.echo(summary_line(report), err=True)
    if not report.ok:
        raise click.exceptions.Exit(EXIT_CHECK_FAILED)


def _write(path: str, text: str) -> None:
    from .output import write_output

    write_output(path, text, "--junit-xml")
