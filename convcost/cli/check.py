"""`convcost check`: wiring only (parse options -> check -> render -> exit 0, 1 or 2)."""

from __future__ import annotations

import sys

import click

from ..checks.findings import CheckReport
from ..errors import EXIT_CHECK_FAILED, ConvcostError, Location
from ..render import FindingsFormat
from .options import Quantity as _Quantity
from .options import convention_option, networks_options
from .output import refuse_input


class _Ratio(click.ParamType):
    name = "R"

    def convert(self, value, param, ctx):
        from ..symbolic.quantity import ratio

        try:
            return ratio(value, "--min-saving")
        except ConvcostError as err:
            self.fail(f"{err.message} ({err.hint})" if err.hint else err.message, param, ctx)


def _wants_json(args: list[str]) -> bool:
    """Whether a command line asks for `--format json` (read before click has parsed it)."""
    for i, arg in enumerate(args):
        if arg == "--":
            return False
        if arg in ("-f", "--format") and args[i + 1:i + 2] == ["json"] or arg in ("-fjson", "--format=json"):
            return True
    return False


class _Command(click.Command):
    """`check` with JSON errors: with `-f json`, a bad option or argument (exit 2, click's usage
    error on stderr) also prints a JSON error object on stdout, so CI parsers always get JSON."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        wanted = _wants_json(args)
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            if wanted:
                err = ConvcostError(exc.format_message(), hint="`convcost check --help` lists the options")
                _json_error(err, "usage")
            raise


def _json_error(err: ConvcostError, check: str = "load") -> None:
    """The JSON object of a run that stopped before checking anything (exit 2 follows)."""
    from ..checks.findings import invalid
    from ..render import render
    from . import emit

    emit(render(invalid("", err, check=check), FindingsFormat.JSON))


@click.command(cls=_Command)
@networks_options
@convention_option
@click.option("--max-macs", type=_Quantity(), metavar="N",
              help="Fail when the network's mult-adds exceed N (600M, 1.2G, 568740352).")
@click.option("--max-params", type=_Quantity(), metavar="N",
              help="Fail when the network's parameters exceed N (5M, 4.5M, 300k).")
@click.option("--min-saving", type=_Ratio(), metavar="R",
              help="Lint: fail when a standard conv's depthwise-separable version would cost less than "
              "R times its mult-adds (e.g. 0.2).")
@click.option("--strict", is_flag=True,
              help="Warnings (a stride that drops input, an input that looks channels-last) and undecided "
              "symbolic results fail too.")
@click.option("--format", "-f", "fmt", type=click.Choice([f.value for f in FindingsFormat]),
              default=FindingsFormat.TEXT.value, show_default=True,
              help="text: grouped by layer; json: see docs/ci.md (also for invalid input); github: "
              "annotations on the pull request.")
@click.option("--junit-xml", type=click.Path(), metavar="PATH",
              help="Also write JUnit XML (one testcase per check) to PATH, atomically, creating its folder.")
def check(sources: tuple[str, ...], network: dict, convention: str, max_macs, max_params, min_saving,
          strict: bool, fmt: str, junit_xml: str | None) -> None:
    """Check a network's shapes, budgets and expectations, for CI.

    Reports every shape inconsistency (channel or size mismatches in add, mul and concat, sizes
    reaching zero, groups that do not divide the channels, ...), strides that leave input rows
    unread (a warning), the budgets given here and in the file (`budget:`, at the top and per
    layer) and every layer's `expect:`, each at its line and column. With --convention, budgets
    are counted in that convention (`expect:` values stay the paper's). Several files are checked
    one after the other; `-` reads a layer file from standard input. See docs/ci.md.

    \b
    Examples:
      convcost check mobilenet_v1 --max-macs 600M --max-params 5M
      convcost check net.yaml --strict --format github --junit-xml out/convcost.xml
      convcost check nets/*.yaml --strict
      cat net.yaml | convcost check - --format json
      convcost check net.yaml --symbolic alpha --max-macs 600M
      convcost check resnet18 --convention fvcore --max-macs 1.82G

    \b
    Exit codes: 0 every check passed (warnings allowed), 1 a check failed,
    2 invalid input or options (bad YAML, unknown kind or key, bad option value);
    with several files, the largest of theirs.
    """
    from ..checks.findings import invalid
    from ..checks.run import check as run

    fmt_ = FindingsFormat(fmt)
    try:
        if sources.count("-") > 1:
            raise ConvcostError("`-` (standard input) is given twice", hint="standard input can be read once")
        if junit_xml is not None:
            for source in sources:
                refuse_input(junit_xml, source, "--junit-xml")
    except ConvcostError as err:
        if fmt_ is FindingsFormat.JSON:
            _json_error(err, "usage")
        raise
    results: list[tuple[str, CheckReport | ConvcostError]] = []
    for source in sources:
        try:
            results.append((source, run(source, max_macs=max_macs, max_params=max_params,
                                        min_saving=min_saving, strict=strict, convention=convention,
                                        **network)))
        except ConvcostError as err:  # still exit 2; every format says so, and the next file is checked
            results.append((source, err))
    reports = [r if isinstance(r, CheckReport) else
               invalid(s, r, strict, network["symbolic"], convention) for s, r in results]
    # Standard output first: the findings are printed even when the JUnit file cannot be written.
    _print(results, reports, fmt_)
    if junit_xml is not None:
        _junit(junit_xml, results)
    errors = [r for _, r in results if isinstance(r, ConvcostError)]
    if len(results) == 1 and errors:
        raise errors[0]  # ConvcostGroup prints it, as for every command
    for err in errors:
        click.echo(err.format(), err=True)
    if errors:
        raise click.exceptions.Exit(max(err.exit_code for err in errors))
    if not all(r.ok for r in reports):
        raise click.exceptions.Exit(EXIT_CHECK_FAILED)


def _print(results: list, reports: list[CheckReport], fmt: FindingsFormat) -> None:
    """The chosen format on standard output (the summary lines of machine formats on stderr)."""
    from ..render import RenderOptions, render
    from ..render.findings_text import summary_line, total_line
    from . import emit

    if fmt is FindingsFormat.JSON:
        if len(reports) == 1:
            emit(render(reports[0], fmt))
        else:
            from ..render.findings_json import render_all

            emit(render_all(reports))
    elif fmt is FindingsFormat.GITHUB:
        from ..render.findings_github import render_error

        emit("".join(render_error(r) if isinstance(r, ConvcostError) else render(r, fmt) for _, r in results))
    else:
        texts = [render(r, fmt, RenderOptions(color=sys.stdout.isatty())) for _, r in results
                 if isinstance(r, CheckReport)]
        if len(results) > 1:
            texts.append(total_line(reports) + "\n")
        if texts:
            emit("\n".join(texts))
        return
    for (_, result), report in zip(results, reports, strict=True):
        if isinstance(result, CheckReport):
            click.echo(summary_line(report), err=True)
    if len(results) > 1:
        click.echo(total_line(reports), err=True)


def _junit(path: str, results: list) -> None:
    from ..render.findings_junit import render, render_all, render_error

    if len(results) > 1:
        text = render_all(results)
    else:
        ((source, result),) = results
        text = render_error(source, result) if isinstance(result, ConvcostError) else render(result)
    _write(path, text)


def _write(path: str, text: str) -> None:
    """Write the JUnit file, creating its folder first (as pytest's --junitxml does)."""
    import os

    from .output import write_output

    folder = os.path.dirname(path)
    if folder and not os.path.exists(folder):
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            raise ConvcostError(f"cannot create the folder of --junit-xml: {exc.strerror or exc}",
                                Location(folder), "check the path and its permissions") from None
    write_output(path, text, "--junit-xml")
