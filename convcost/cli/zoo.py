"""`convcost zoo`: list the built-in networks."""

from __future__ import annotations

import click


@click.command()
def zoo() -> None:
    """List the built-in networks (usable wherever a FILE is expected)."""
    from ..zoo import builtin_names, describe
    from . import emit

    names = builtin_names()
    width = max(map(len, names), default=0)
    emit("".join(f"{name.ljust(width)}  {describe(name)}\n" for name in names))
