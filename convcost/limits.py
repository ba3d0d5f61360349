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
    configurations: int = 1_000_000  # configurations of one `convcost sweep` or `solve` grid
    onnx_records: int = 500_000  # protobuf records decoded from an ONNX file (nodes, attributes, dims, ...)
    onnx_values: int = 1_000_000  # elements of the constants an ONNX graph's shape arithmetic reads or makes

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
            check_limit(name, value)
        return self._replace(**pairs)


# How far each limit can be raised: past these, convcost would only run out of memory or time (a
# 1 GiB file, 5-million-digit integers, degree-10,000 polynomials), and a value such as 2**63 - 1
# would overflow a read. A limit missing here can be raised to CEILING.
CEILINGS = {
    "file_bytes": 1 << 30, "yaml_nodes": 100_000_000, "yaml_depth": 100_000, "layers": 10_000_000,
    "expr_chars": 10_000_000, "expr_nodes": 1_000_000, "expr_total": 1_000_000_000, "int_bits": 1 << 24,
    "exponent": 1 << 24, "degree": 10_000, "configurations": 100_000_000, "onnx_records": 50_000_000,
    "onnx_values": 100_000_000,
}
CEILING = 10**12


def check_limit(name: str, value: int) -> None:
    """A limit's value must be a positive integer no larger than its ceiling (ConvcostError, exit 2)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConvcostError(f"limit {name} must be a positive integer, got {value!r}",
                            hint=f"e.g. --limit {name}=N with N a whole number above 0")
    ceiling = CEILINGS.get(name, CEILING)
    if value > ceiling:
        raise ConvcostError(f"limit {name} can be raised to at most {ceiling:,}, got {value:,}",
                            hint="a larger value would only run out of memory or time (docs/security.md)")


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
