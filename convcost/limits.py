"""Resource limits that keep hostile or broken input bounded (documented in docs/security.md).

Each limit can be raised from the command line with ``--limit NAME=VALUE``.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from typing import NamedTuple

from .errors import ConvcostError


class Limits(NamedTuple):  # immutable and hashable (expressions are cached per Limits)
    file_bytes: int = 10 * 1024 * 1024  # size of a layer file
    yaml_nodes: int = 200_000  # YAML nodes visited, aliases counted each time they are used
    yaml_depth: int = 64  # nesting of YAML collections
    layers: int = 20_000  # layers after every repeat is expanded (analysis time grows with them)
    expr_chars: int = 2_000  # characters in one expression string
    expr_nodes: int = 500  # syntax-tree nodes in one expression
    expr_total: int = 100_000  # syntax-tree nodes of all expressions evaluated in one run
    int_bits: int = 4_096  # bits of any integer an expression produces (10**30 needs 100)
    exponent: int = 1_024  # largest exponent allowed in `**`
    degree: int = 16  # polynomial degree of a symbolic value (sympy's cancel is slow on high degrees)

    @classmethod
    def names(cls) -> list[str]:
        return list(cls._fields)

    def with_overrides(self, pairs: dict[str, int]) -> Limits:
        unknown = sorted(set(pairs) - set(self.names()))
        if unknown:
            raise ConvcostError(
                f"unknown limit {unknown[0]!r}", hint=f"limits are: {', '.join(self.names())}"
            )
        for name, value in pairs.items():
            if value < 1:
                raise ConvcostError(f"limit {name} must be a positive integer, got {value}")
        return self._replace(**pairs)


DEFAULT_LIMITS = Limits()


class _IntText:
    """How many callers are inside exact_int_text, and the guard to restore when the last one leaves."""

    lock = threading.Lock()
    inside = 0
    before = 0


@contextlib.contextmanager
def exact_int_text() -> Iterator[None]:
    """Lift Python's 4,300-digit guard on int <-> text while convcost works (a context manager and a
    decorator).

    Every int convcost prints is bounded by its own limits (int_bits, exponent, layers), and every
    text it turns into an int is bounded first (file_bytes, expr_chars, int_bits); the global guard
    would only turn an exact 5,000-digit result into a crash. The CLI, the API functions, the pytest
    plugin and convcost.render.render run inside it. The guard is one setting of the interpreter:
    nested and concurrent uses (threads) keep it lifted until the last one leaves, then restore it.
    """
    with _IntText.lock:
        if _IntText.inside == 0:
            _IntText.before = sys.get_int_max_str_digits()
            sys.set_int_max_str_digits(0)
        _IntText.inside += 1
    try:
        yield
    finally:
        with _IntText.lock:
            _IntText.inside -= 1
            if _IntText.inside == 0:
                sys.set_int_max_str_digits(_IntText.before)
