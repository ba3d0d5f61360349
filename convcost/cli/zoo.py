"""`convcost zoo`: list the built-in networks; `convcost zoo show NAME` prints one's layer file."""

from __future__ import annotations

import click


@click.group(invoke_without_command=True)
@click.pass_context
def zoo(ctx: click.Context) -> None:
    """List the built-in networks (usable wherever a FILE is expected)."""
    if ctx.invoked_subcommand is not None:
        return
    from ..zoo import builtin_names, describe
    from . import emit
    from .page import hanging, page_width

    names = builtin_names()
    width = max(map(len, names), default=0)
    page = page_width()
    emit("".join(hanging(f"{name.ljust(width)}  ", describe(name), page) + "\n" for name in names))


@zoo.command()
@click.argument("name")
def show(name: str) -> None:
    """Print the layer file of built-in network NAME (save it to edit a copy)."""
    from ..zoo import builtin_text
    from . import emit

    emit(builtin_text(name))
