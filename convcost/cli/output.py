"""Writing a report to the file named by `-o` / `--junit-xml` (standard output: `emit` in cli/__init__.py).

A regular file (or a new one) is replaced atomically: a temporary file in the same folder, then a
rename, so readers see the old report or the whole new one. A symbolic link is followed and its
target replaced the same way; the link stays. A character device (`/dev/null`, `/dev/stdout` on a
terminal) or a named pipe is written through, never replaced: renaming over `/dev/null` as root would
turn the device into a file. Anything else (a directory, a block device, a socket) is refused, and
so is the input file itself. Every failure is a ConvcostError (exit 2), never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile

from ..errors import ConvcostError, Location

_HINT = "check that the folder exists and is writable, and that the disk has room"


def _failed(exc: OSError) -> str:
    if exc.errno == errno.ENXIO:  # opening a named pipe for writing, without blocking, nobody reads it
        return "nobody reads the named pipe"
    return exc.strerror or str(exc)


def refuse_input(path: str, source: str, option: str) -> None:
    """Refuse an output path that is the file being read (a layer file or an ONNX model; also through a
    symlink or a hard link)."""
    from ..zoo import resolve

    try:
        input_path = resolve(source)
        same = os.path.samefile(path, input_path) and stat.S_ISREG(os.stat(input_path).st_mode)
    except (ConvcostError, OSError, ValueError):  # no such output or input: nothing to overwrite
        return
    if same:
        raise ConvcostError(f"{option} names the input file", Location(path),
                            "write to another file: it would replace the file being read")


def refuse_inputs(source: str, *targets: tuple[str | None, str]) -> None:
    """refuse_input for each (path, option) given (a path of None was not given)."""
    for path, option in targets:
        if path is not None:
            refuse_input(path, source, option)


def deliver(text: str, output: str | None) -> None:
    """A command's text on standard output, or in the file `-o` names; either write failing is exit 2."""
    if output is None:
        from . import emit

        emit(text)
    else:
        write_output(output, text, "-o")


def _mode(path: str) -> int:
    """The permissions of the file being replaced, or what the umask gives a new file."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def _replace(path: str, text: str | bytes, where: Location) -> None:
    """Write `path` (text, or bytes: an image) so that readers see the old file or the whole new one,
    never a part."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".convcost-", suffix=".tmp", dir=os.path.dirname(path) or ".")
    except OSError as exc:
        raise ConvcostError(f"cannot write the output: {_failed(exc)}", where, _HINT) from None
    try:
        with (os.fdopen(fd, "wb") if isinstance(text, bytes) else
              os.fdopen(fd, "w", encoding="utf-8", newline="")) as fh:
            fh.write(text)
        os.chmod(tmp, _mode(path))  # mkstemp makes it 0600; a report should read like any new file
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise ConvcostError(f"cannot write the output: {_failed(exc)}", where, _HINT) from None
        raise


def _write_through(path: str, text: str | bytes, where: Location, truncate: bool = False) -> None:
    """Write to a device, a named pipe or an open file as it is (no rename)."""
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | (os.O_TRUNC if truncate else 0)
    try:
        # O_NONBLOCK: opening a named pipe nobody reads would otherwise wait forever (it fails at once).
        fd = os.open(path, flags | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise ConvcostError(f"cannot write the output: {_failed(exc)}", where, _HINT) from None
    try:
        os.set_blocking(fd, True)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError as exc:
        raise ConvcostError(f"cannot write the output: {_failed(exc)}", where, _HINT) from None
    finally:
        os.close(fd)


def write_output(path: str, text: str | bytes, option: str = "-o") -> None:
    """Write a report to the file `option` names (see the module's docstring for what each kind gets)."""
    where = Location(path)
    if not path:
        raise ConvcostError(f"{option} names no file (the path is empty)", hint="give a file name")
    try:
        st = os.stat(path)  # follows symbolic links
    except FileNotFoundError:  # a new file, or a symlink to one: create it where the link points
        _replace(os.path.realpath(path) if os.path.islink(path) else path, text, where)
        return
    except OSError as exc:
        raise ConvcostError(f"cannot write the output: {_failed(exc)}", where, _HINT) from None
    if stat.S_ISREG(st.st_mode):
        target = os.path.realpath(path)
        try:
            reachable = os.path.samestat(os.stat(target), st)
        except OSError:
            reachable = False
        if reachable:
            _replace(target, text, where)
        else:  # e.g. /proc/self/fd/N of a deleted file: no name to rename over, write it in place
            _write_through(path, text, where, truncate=True)
    elif stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
        _write_through(path, text, where)
    elif stat.S_ISDIR(st.st_mode):
        raise ConvcostError(f"{option} names a directory", where, "give a file name")
    else:
        kind = "a block device" if stat.S_ISBLK(st.st_mode) else "a socket" if stat.S_ISSOCK(st.st_mode) \
            else "not a regular file"
        raise ConvcostError(f"{option} names {kind}", where,
                            "give a regular file, a character device or a named pipe")


