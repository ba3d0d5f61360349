"""One error type for everything a user can cause, carrying where it happened and what to do about it."""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import NamedTuple

# Exit codes (documented in README.md and docs/ci.md), all of them here.
EXIT_OK = 0
EXIT_CHECK_FAILED = 1  # a check failed, or a proof step did not verify
EXIT_INVALID_INPUT = 2  # anything the user can cause: bad input, options, limits
EXIT_INTERNAL_ERROR = 3  # a bug in convcost


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str) -> str:
    """`text` safe to print on one line: every character Python's repr() would escape (control
    characters such as newline, CR and ESC, U+0085, U+2028/2029, bidi and other format characters,
    lone surrogates of undecodable file names) written as its escape (`\\n`, `\\x1b`, `\\u2028`).

    A path or name from the input can then never start a new log line (a forged `::error` workflow
    command), move the cursor or recolour a terminal. Printable text, the common case, is returned
    as it is.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _ESCAPES.get(c) or repr(c)[1:-1] for c in text)


def path_text(path: object) -> str:
    """A path as text: os.PathLike objects are fspath'd (bytes decoded as the file system does)."""
    if isinstance(path, str):
        return path
    if isinstance(path, (bytes, os.PathLike)):
        return os.fsdecode(path)
    return str(path)


class _Place(NamedTuple):
    path: str
    line: int = 0
    column: int = 0


class Location(_Place):
    """A place in a source file: path plus 1-based line and column (0 means unknown).

    The path is always a str (a pathlib.Path given by an API caller is turned into one).
    """

    __slots__ = ()

    def __new__(cls, path: str, line: int = 0, column: int = 0) -> Location:
        return tuple.__new__(cls, (path if type(path) is str else path_text(path), line, column))

    def __str__(self) -> str:
        path = printable(self.path)
        if self.line:
            return f"{path}:{self.line}:{self.column}" if self.column else f"{path}:{self.line}"
        return path


def shown(text: str, limit: int = 60) -> str:
    """`text` quoted for a message, cut to `limit` characters: input may be megabytes long."""
    if len(text) <= limit:
        return repr(text)
    return repr(text[:limit]) + f"... ({len(text)} characters)"


class ConvcostError(Exception):
    """An error caused by user input: a message, an optional location and an optional hint.

    The CLI prints it as ``path:line:col: error: message`` plus ``hint: ...`` on stderr and exits
    with ``exit_code`` (2, invalid input, unless a subclass says otherwise).
    """

    exit_code = EXIT_INVALID_INPUT

    def __init__(self, message: str, location: Location | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __str__(self) -> str:
        return self.format()

    def format(self) -> str:
        """``path:line:col: error: message`` and ``  hint: ...``, every part printable (one line each)."""
        message = printable(str(self.message))
        head = f"{self.location}: error: {message}" if self.location else f"error: {message}"
        return f"{head}\n  hint: {printable(str(self.hint))}" if self.hint else head

    def with_location(self, location: Location | None) -> ConvcostError:
        """Return this error with a location filled in if it had none."""
        if self.location is None and location is not None:
            self.location = location
        return self


class LimitExceeded(ConvcostError):
    """Input exceeded one of the documented resource limits (see convcost.limits)."""


# -- suggestions ---------------------------------------------------------------------------------

NAME_CHARS = 200  # longest name worth a suggestion: nothing is close to a longer word
SUGGEST_AMONG = 300  # candidates compared at most: difflib's cost grows with each one (and its length)


def close_matches(word: str, options: Iterable[str], n: int = 1) -> list[str]:
    """The options closest to `word` (difflib's ratio of at least 0.6), best first.

    Bounded for hostile input: a word longer than NAME_CHARS gets none, and of many options only the
    SUGGEST_AMONG nearest in length are compared (40,000 long names would otherwise take minutes).
    """
    if len(word) > NAME_CHARS:
        return []
    import difflib  # only for messages: successful runs need not load it

    candidates = [o for o in options if len(o) <= NAME_CHARS]
    if len(candidates) > SUGGEST_AMONG:  # keep the nearest by a cheap, C-speed measure first
        import heapq

        width = NAME_CHARS * 4
        mine = int.from_bytes(word.encode("utf-8", "replace").ljust(width, b"\0"), "big")

        def distance(o: str) -> tuple[int, int]:
            theirs = int.from_bytes(o.encode("utf-8", "replace").ljust(width, b"\0"), "big")
            return abs(len(o) - len(word)), (mine ^ theirs).bit_count()

        candidates = heapq.nsmallest(SUGGEST_AMONG, candidates, key=distance)
    return difflib.get_close_matches(word, candidates, n=n, cutoff=0.6)


def listing(names: Iterable[str], at_most: int = 20) -> str:
    """'a, b, c' for a hint; long lists (a file may declare 40,000 vars) are cut after `at_most`."""
    names = list(names)
    head = ", ".join(names[:at_most])
    return head if len(names) <= at_most else f"{head}, ... ({len(names) - at_most} more)"


def did_you_mean(word: str, options: Iterable[str]) -> str | None:
    """'did you mean 'relu'?' for the closest option, or None."""
    close = close_matches(word, options)
    return f"did you mean {close[0]!r}?" if close else None
