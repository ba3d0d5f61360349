"""The ``convcost`` command: a thin click group. Each subcommand lives in its own module.

Domain errors are converted to messages and exit codes here, once, at the boundary.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Iterator

import click

from ..errors import EXIT_INTERNAL_ERROR, EXIT_INVALID_INPUT, ConvcostError
from ..limits import exact_int_text

# -- standard output: a write that fails (a full disk, a closed pipe) is exit 2, never a traceback ----


def _silence_stdout() -> None:
    """Point standard output at /dev/null: what could not be written must not fail again (with a
    traceback and exit 120) when the interpreter flushes it on exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # not a real file (tests capture it in memory)
        pass


@contextlib.contextmanager
def writing_stdout() -> Iterator[None]:
    """Turn a failure to write standard output into a ConvcostError (exit 2)."""
    try:
        yield
    except OSError as exc:
        _silence_stdout()
        raise ConvcostError(f"cannot write to standard output: {exc.strerror or exc}",
                            hint="check the disk or pipe it goes to, or write to a file with -o") from None


def terminal_width() -> int:
    """The width of the terminal standard output is (COLUMNS first), as rich reads it."""
    from rich.console import Console

    return Console().width


def print_terminal(items: list, width: int) -> None:
    """Rich renderables on the terminal, each followed by a blank line, `width` columns wide; a write
    failure is a ConvcostError (exit 2). Every renderable is rich Text (names are never markup); no
    highlighting or emoji codes either."""
    from rich.console import Console

    console = Console(markup=False, emoji=False, highlight=False, width=width)
    with writing_stdout():
        for item in items:
            console.print(item)
            console.print()


def emit(text: str) -> None:
    """`text` on standard output, flushed; a write failure is a ConvcostError (exit 2)."""
    with writing_stdout():
        click.echo(text, nl=False)
        sys.stdout.flush()


@contextlib.contextmanager
def _no_cyclic_gc():
    """The cyclic garbage collector paused for one command.

    A command builds its data once and keeps it to the end, and reference counting frees what is
    dropped; the collector would only rescan the growing heap again and again (measured: 30% of a
    20,000-layer analysis, 1.6 s of YAML composing down to 0.3 s). Input size is bounded by the
    limits in docs/security.md, so memory stays bounded too.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class ConvcostGroup(click.Group):
    """A click group that turns ConvcostError into ``error: ...`` on stderr and its exit code."""

    def main(self, *args, **kwargs):  # noqa: D401 - click API
        try:
            return super().main(*args, **kwargs)
        except OSError as exc:  # click's own output failed (--help or --version on a full disk)
            _silence_stdout()
            click.echo(f"error: cannot write to standard output: {exc.strerror or exc}\n"
                       "  hint: check the disk or pipe it goes to", err=True)
            sys.exit(EXIT_INVALID_INPUT)

    def invoke(self, ctx: click.Context):  # noqa: D401 - click API
        from ..symbolic.expr import expression_budget

        try:
            with _no_cyclic_gc(), exact_int_text(), expression_budget():  # one expression budget a command
                return super().invoke(ctx)
        except ConvcostError as err:
            click.echo(err.format(), err=True)
            ctx.exit(err.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except RecursionError:
            click.echo("error: input is nested too deeply to process\n"
                       "  hint: flatten the nesting (or raise --limit yaml_depth=N)", err=True)
            ctx.exit(EXIT_INVALID_INPUT)
        except MemoryError:
            click.echo("error: out of memory while processing the input\n"
                       "  hint: lower the limits (docs/security.md) or give it more memory", err=True)
            ctx.exit(EXIT_INVALID_INPUT)
        except Exception as exc:  # a bug in convcost, not in the input
            if os.environ.get("CONVCOST_DEBUG"):
                raise
            click.echo(
                f"internal error: {type(exc).__name__}: {exc}\n"
                "  hint: this is a bug in convcost; rerun with CONVCOST_DEBUG=1 for a traceback and "
                "report it",
                err=True,
            )
            ctx.exit(EXIT_INTERNAL_ERROR)


# name -> (module, one-line help). Commands are imported only when run, so `convcost zoo` and
# `convcost --help` do not load what `check` and `prove` need; tests/test_cli.py checks that each
# line here is the command's own short help.
COMMANDS = {
    "analyze": (".analyze", "Per-layer and total parameters and mult-adds of a network, each conv layer "
                "beside its standard and depthwise-separable alternatives."),
    "check": (".check", "Check a network's shapes, budgets and expectations, for CI."),
    "compare": (".compare", "Every counting convention side by side: each tool's total for the network and "
                "the terms that make it differ from the paper's."),
    "devices": (".devices", "List the built-in devices for --device: peak FLOP/s per dtype, bandwidth and "
                "ridge point."),
    "import": (".importing", "Write an ONNX model as an editable layer file whose analysis equals the "
               "model's."),
    "prove": (".prove", "The derivation of standard versus depthwise-separable cost, every step checked "
              "by sympy."),
    "zoo": (".zoo", "List the built-in networks (usable wherever a FILE is expected)."),
    "sweep": (".sweep", "Totals of a network at every point of a grid of var values (width, resolution, any "
              "var), exactly."),
    "solve": (".solve", "The largest var value (or the Pareto frontier of several) that meets mult-add and "
              "parameter budgets."),
}


def _load_command(name: str) -> click.Command:
    import importlib
    import keyword

    module = importlib.import_module(COMMANDS[name][0], __name__)
    return getattr(module, name + "_" if keyword.iskeyword(name) else name)  # `import` is `import_`


class _LazyGroup(ConvcostGroup):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return _load_command(cmd_name) if cmd_name in COMMANDS else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name][1]) for name in self.list_commands(ctx)])


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(None, "-V", "--version", package_name="convcost", prog_name="convcost")
def main() -> None:
    """Exact cost analysis of convolutional networks: parameters and mult-adds of every layer,
    standard versus depthwise-separable, from a layer file, with no framework and no forward pass.

    \b
    Exit codes: 0 success, 1 a check failed (or a sweep row, or no solution; see each command),
    2 invalid input or options, 3 internal error (a bug).
    """


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
