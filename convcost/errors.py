"""One error type for everything a user can cause, carrying where it happened and what to do about it."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Iterator
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


# -- several errors at once ----------------------------------------------------------------------

MAX_ERRORS = 20  # errors reported from one file at most, as compilers cap theirs


class ManyErrors(ConvcostError):
    """Several independent errors of one input, reported together like a compiler's.

    Its message, location and hint are the first error's, so code that reads one error still reads
    the first; `errors` holds them all and `format()` prints them all, then a count.
    """

    def __init__(self, errors: Iterable[ConvcostError], capped: bool = False):
        self.errors = tuple(errors)
        first = self.errors[0]
        super().__init__(first.message, first.location, first.hint)
        self.capped = capped
        self.exit_code = max(e.exit_code for e in self.errors)

    def format(self) -> str:
        count = f"{len(self.errors)} errors"
        if self.capped:
            count += f" (stopped after {MAX_ERRORS}; fix these and run again to see the rest)"
        return "\n".join([*(e.format() for e in self.errors), count])


def each_error(err: ConvcostError) -> tuple[ConvcostError, ...]:
    """The errors an error stands for: itself, or each of a ManyErrors."""
    return err.errors if isinstance(err, ManyErrors) else (err,)


class Consequence(ConvcostError):
    """An error that follows from one already reported (a layer reading a var or block that failed
    to load): a Collector drops it rather than report one mistake twice."""


class _Stop(Exception):
    """A Collector is full, or a limit was exceeded: the work stops (not a ConvcostError, so no
    handler on the way turns it into another message)."""


class Collector:
    """Gathers the independent errors of one input (up to `cap`) so that all are reported in one run.

    Work that may fail runs inside `with collector.catch():` (or hands an error to `keep`); an error
    there is kept and the work goes on with the next independent part. `Consequence` errors are
    dropped, and an error found twice at one place (a mistake in a repeated block, met in each copy)
    is kept once. A limit exceeded, or reaching the cap, stops the work. The outermost work runs in
    `with collector.collecting():`, which raises what was found: the error itself when there is one
    (its type and text exactly as if nothing had been collected), a ManyErrors when there are several.
    """

    def __init__(self, cap: int = MAX_ERRORS):
        self.cap = cap
        self.errors: list[ConvcostError] = []
        self.capped = False
        self._seen: set[tuple] = set()

    def __len__(self) -> int:
        return len(self.errors)

    def keep(self, err: ConvcostError) -> None:
        """Keep `err` (or drop it: a Consequence, a repetition); stop when full or past a limit."""
        if isinstance(err, Consequence) and self.errors:
            return
        for e in each_error(err):
            key = (e.location, _QUOTED.sub("''", str(e.message))) if e.location else (None, str(e.message))
            if key in self._seen:
                continue
            self._seen.add(key)
            self.errors.append(e)
            if len(self.errors) >= self.cap:
                self.capped = True
                raise _Stop
        if isinstance(err, LimitExceeded):
            raise _Stop

    @contextlib.contextmanager
    def catch(self) -> Iterator[None]:
        try:
            yield
        except ConvcostError as err:
            self.keep(err)

    @contextlib.contextmanager
    def collecting(self) -> Iterator[None]:
        """The whole work: on leaving, raise the errors found (none: nothing happens)."""
        try:
            yield
        except _Stop:
            pass
        except ConvcostError as err:
            try:
                self.keep(err)
            except _Stop:
                pass
        if self.errors:
            raise self.error()

    def error(self) -> ConvcostError:
        """The errors found as one exception: the error itself when there is one, else a ManyErrors
        of them in file order (line, then column; those of the command line, at no line, first)."""
        if len(self.errors) == 1:
            return self.errors[0]
        ordered = sorted(self.errors, key=lambda e: (e.location.line, e.location.column) if e.location else
                         (0, 0))
        return ManyErrors(ordered, capped=self.capped)


_QUOTED = re.compile(r"'[^']*'")  # names in messages: the same mistake in copy 1 and copy 2 of a repeat


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
