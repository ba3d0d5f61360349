"""Resource limits that keep hostile or broken input bounded (documented in docs/security.md).

Each limit can be raised from the command line with ``--limit NAME=VALUE``.
"""

from __future__ import annotations

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
            if value < 1:
                raise ConvcostError(f"limit {name} must be a positive integer, got {value}")
        return self._replace(**pairs)


DEFAULT_LIMITS = Limits()
