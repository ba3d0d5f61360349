"""Reading a layer file's bytes safely: bounded size, no blocking on pipes, clear encoding errors."""

from __future__ import annotations

import os
import sys

from ..errors import ConvcostError, LimitExceeded, Location
from ..limits import Limits


def _too_large(loc: Location, limits: Limits) -> LimitExceeded:
    return LimitExceeded(f"the file is larger than the limit of {limits.file_bytes} bytes", loc,
                         "raise it with --limit file_bytes=N if this is intended")


def _read_bytes(path: str, limits: Limits) -> bytes:
    """At most file_bytes + 1 bytes of the file: a 300 MB file is refused, not read."""
    loc = Location(path)
    if os.path.isdir(path):
        raise ConvcostError("is a directory, not a layer file", loc, "name a .yaml file inside it")
    try:
        # O_NONBLOCK: opening a named pipe nobody writes to would otherwise wait forever.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise ConvcostError("no such file", loc, "check the path") from None
    except OSError as exc:
        raise ConvcostError(f"cannot read the file: {exc.strerror or exc}", loc,
                            "check the path and its permissions") from None
    with os.fdopen(fd, "rb") as fh:
        if os.fstat(fd).st_size > limits.file_bytes:
            raise _too_large(loc, limits)
        if getattr(os, "O_NONBLOCK", 0):
            os.set_blocking(fd, True)  # a pipe with a writer (cat net.yaml | ... /dev/stdin) is read whole
        try:
            data = _read_at_most(fh, limits.file_bytes + 1)  # it may grow after fstat; devices never end
        except OSError as exc:
            raise ConvcostError(f"cannot read the file: {exc.strerror or exc}", loc,
                                "check the path and its permissions") from None
    if len(data) > limits.file_bytes:
        raise _too_large(loc, limits)
    return data


CHUNK = 1 << 20  # bytes read at a time


def _read_at_most(fh, size: int) -> bytes:
    """Up to `size` bytes, read in chunks: `fh.read(size)` allocates `size` bytes first, so a limit
    raised to 100 GB would fail on a 55-byte file (and one past 2**63 overflows)."""
    chunks: list[bytes] = []
    left = size
    while left > 0:
        chunk = fh.read(min(CHUNK, left))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


STDIN = "-"  # the source that names standard input
STDIN_PATH = "<stdin>"  # how messages name it


def read_stdin(limits: Limits) -> str:
    """A layer file read from standard input (`convcost check -`), as read_text reads a file."""
    loc = Location(STDIN_PATH)
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        raise ConvcostError("standard input is closed", loc, "pipe a layer file in, or give its path")
    try:
        data = _read_at_most(stream, limits.file_bytes + 1)
    except OSError as exc:
        raise ConvcostError(f"cannot read standard input: {exc.strerror or exc}", loc,
                            "pipe a layer file in, or give its path") from None
    if len(data) > limits.file_bytes:
        raise _too_large(loc, limits)
    return decode(data, STDIN_PATH)


def read_text(path: str, limits: Limits) -> str:
    """Read a layer file as UTF-8 text, with clear errors for everything that is not one."""
    return decode(_read_bytes(path, limits), path)


def decode(data: bytes, path: str) -> str:
    """A layer file's bytes as text: UTF-8, not binary, not empty."""
    loc = Location(path)
    if data.startswith(b"\x08") and path == STDIN_PATH:  # a file starting so is read as ONNX already
        raise ConvcostError("standard input holds an ONNX model; convcost reads those from a file (it maps "
                            "the file and never reads the weights)", loc,
                            "save it and give its path: convcost analyze model.onnx")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConvcostError("the file is UTF-16 (or UTF-32), not UTF-8", loc, "save the file as UTF-8")
    if b"\x00" in data:
        raise ConvcostError("the file is binary (it contains NUL bytes), not a YAML layer file", loc,
                            "give a layer file (YAML text; docs/layer-file.md)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ConvcostError(f"the file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
                            Location(path, line, column), "save the file as UTF-8") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise ConvcostError("the file is empty", loc,
                            "a layer file needs at least `input:` and `layers:`; see docs/layer-file.md")
    return text


