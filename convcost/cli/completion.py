"""Shell completion (click's: docs/cli.md): built-in network and device names, then files.

Formats, conventions and dtypes are click Choices, which click completes by itself.
"""

from __future__ import annotations

import click
from click.shell_completion import CompletionItem


def _names(names: list[str], incomplete: str) -> list[CompletionItem]:
    found = [CompletionItem(n) for n in names if n.startswith(incomplete)]
    return [*found, CompletionItem(incomplete, type="file")]  # the shell then offers matching files too


def complete_source(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """FILE_OR_BUILTIN: the built-in networks whose names start with what was typed, and files."""
    from ..zoo import builtin_names

    return _names(builtin_names(), incomplete)


def complete_device(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """--device NAME_OR_FILE: the built-in devices, and files."""
    from ..devices import builtin_names

    return _names(builtin_names(), incomplete)
