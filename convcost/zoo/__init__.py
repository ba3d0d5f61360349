"""Built-in layer files, shipped as package data: a name that is not a file resolves here."""

from __future__ import annotations

import os

from ..errors import ConvcostError, Location, close_matches

ZOO_DIR = os.path.dirname(os.path.abspath(__file__))


def builtin_names() -> list[str]:
    return sorted(f[:-5] for f in os.listdir(ZOO_DIR) if f.endswith(".yaml"))


def builtin_path(name: str) -> str:
    return os.path.join(ZOO_DIR, name + ".yaml")


def resolve(source: str) -> str:
    """A path to read: `source` itself if it exists, else the built-in network of that name."""
    if os.path.exists(source):
        return source
    key = source.replace("-", "_").lower()
    if key in builtin_names():
        return builtin_path(key)
    close = close_matches(key, builtin_names(), n=3)
    hint = "`convcost zoo` lists the built-in networks"
    if close:
        hint = f"did you mean the built-in {' or '.join(map(repr, close))}? " + hint
    raise ConvcostError("no such file or built-in network", Location(source), hint)


def describe(name: str) -> str:
    """The first line of a built-in file's `description:`, read without a full load."""
    with open(builtin_path(name), encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("description:"):
                return line.split(":", 1)[1].strip().strip("\"'")
    return ""
