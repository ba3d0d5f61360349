"""Writing a report: to stdout, or atomically to a file (temporary file, then rename)."""

from __future__ import annotations

import os
import stat
import tempfile

from ..errors import ConvcostError, Location


def _mode(path: str) -> int:
    """The permissions of the file being replaced, or what the umask gives a new file."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def write_atomic(path: str, text: str | bytes) -> None:
    """Write `text` (str or bytes) to `path` so that readers see the old file or the whole new one,
    never a part."""
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise ConvcostError("-o names a directory", Location(path), "give a file name")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".convcost-", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise ConvcostError(f"cannot write the output: {exc.strerror or exc}", Location(path)) from None
    try:
        with (os.fdopen(fd, "wb") if isinstance(text, bytes) else
              os.fdopen(fd, "w", encoding="utf-8", newline="")) as fh:
            fh.write(text)
        os.chmod(tmp, _mode(path))  # mkstemp makes it 0600; a report should read like any new file
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
