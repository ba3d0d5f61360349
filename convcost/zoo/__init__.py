"""Built-in layer files, shipped as package data: a name that is not a file resolves here."""

from __future__ import annotations

import os

from ..errors import ConvcostError, Location, close_matches

ZOO_DIR = os.path.dirname(os.path.abspath(__file__))


def builtin_names() -> list[str]:
    return sorted(f[:-5] for f in os.listdir(ZOO_DIR) if f.endswith(".yaml"))


def builtin_path(name: str) -> str:
    return os.path.join(ZOO_DIR, name + ".yaml")


BUILTIN_PREFIX = "zoo:"  # how a built-in is named in messages: zoo:NAME:line:col


def builtin_key(source: str) -> str | None:
    """The built-in network `source` names (`mobilenet_v1`, `MobileNet-V1`, `zoo:mobilenet_v1`), or None."""
    key = source[len(BUILTIN_PREFIX):] if source.startswith(BUILTIN_PREFIX) else source
    key = key.replace("-", "_").lower()
    return key if key in builtin_names() else None


def builtin_text(name: str) -> str:
    """The layer file of a built-in network, as shipped."""
    key = builtin_key(name)
    if key is None:
        close = close_matches(name.replace("-", "_").lower(), builtin_names(), n=3)
        hint = "`convcost zoo` lists the built-in networks"
        if close:
            hint = f"did you mean {' or '.join(map(repr, close))}? " + hint
        raise ConvcostError(f"no built-in network {name!r}", None, hint)
    with open(builtin_path(key), encoding="utf-8") as fh:
        return fh.read()


def resolve(source: str) -> str:
    """A path to read: `source` itself if it exists, else the built-in network of that name."""
    if os.path.exists(source):
        return source
    key = builtin_key(source)
    if key is not None:
        return builtin_path(key)
    close = close_matches(source.replace("-", "_").lower(), builtin_names(), n=3)
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
