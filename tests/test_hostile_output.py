"""Issue 15 (items 3, 12, 13): where reports are written, and what a write failure or an absurd limit does.

`-o` and `--junit-xml` replace a regular file atomically (a symlink's target, the link kept), write
through to a character device or a named pipe, and refuse anything else and the input file itself;
a failed write, an empty path or a limit far past any sane value is exit 2 with a message, never exit
3 (a bug) or a traceback. Device nodes are made in a temporary folder (as root: these machines run
as root), so a regression replaces a copy, never the machine's /dev/null.
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import invoke_cli as invoke
from test_hostile import SECONDS, measure

from convcost.limits import CEILING, CEILINGS, Limits

ROOT = Path(__file__).parent.parent
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
NET = "input: [3, 8, 8]\nlayers:\n  - conv: {out: 8, kernel: 3, padding: 1}\n"
is_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                             reason="making device nodes needs root (as the issue's scenario)")


def cli(*args: str, **kwargs) -> subprocess.CompletedProcess:
    """`convcost ARGS` in its own process (real file descriptors: devices, pipes, a full disk)."""
    kwargs.setdefault("stdout", subprocess.PIPE)
    return subprocess.run([sys.executable, "-m", "convcost", *args], stderr=subprocess.PIPE, text=True,
                          env=ENV, timeout=60, **kwargs)


def device(tmp_path: Path, name: str, major: int, minor: int, kind: int = stat.S_IFCHR) -> Path:
    path = tmp_path / name
    try:
        os.mknod(path, kind | 0o666, os.makedev(major, minor))
    except (PermissionError, OSError) as exc:  # no CAP_MKNOD, or a nodev mount
        pytest.skip(f"cannot make a device node here: {exc}")
    return path


def assert_clean(stderr: str) -> None:
    assert "Traceback" not in stderr and "internal error" not in stderr and "Exception ignored" not in stderr


# -- item 3: devices, pipes and links are written through, never replaced ----------------------------


@is_root
@pytest.mark.parametrize("fmt", ["json", "table"])
def test_null_device_stays_a_device(tmp_path, fmt):
    null = device(tmp_path, "null", 1, 3)
    result = invoke("analyze", "mobilenet_v1", "-f", fmt, "-o", str(null))
    assert result.exit_code == 0 and result.stdout == ""
    assert stat.S_ISCHR(null.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]  # no temporary file left either


@is_root
@pytest.mark.parametrize("args", [["analyze", "mobilenet_v1", "-o"],
                                  ["check", "mobilenet_v1", "--junit-xml"]])
def test_full_device_is_a_clear_error_and_stays_a_device(tmp_path, args):
    full = device(tmp_path, "full", 1, 7)
    result = invoke(*args, str(full))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == f"{full}: error: cannot write the output: No space left on device"
    assert stat.S_ISCHR(full.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full"]


@pytest.mark.parametrize("redirect", ["pipe", "file"])
def test_stdout_link_is_written_through_and_stays_a_link(tmp_path, redirect):
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")  # what /dev/stdout is, in a folder of our own
    if not os.path.exists("/proc/self/fd/1"):
        pytest.skip("needs /proc")
    expected = cli("analyze", "mobilenet_v1", "-f", "csv").stdout
    if redirect == "pipe":
        result = cli("analyze", "mobilenet_v1", "-f", "csv", "-o", str(link))
        written = result.stdout
    else:
        out = tmp_path / "captured.csv"
        with open(out, "w") as fh:
            result = cli("analyze", "mobilenet_v1", "-f", "csv", "-o", str(link), stdout=fh)
        written = out.read_text()
    assert result.returncode == 0, result.stderr
    assert written == expected and expected.startswith("index,name,kind")
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"


def test_symlink_target_is_replaced_atomically_and_the_link_kept(tmp_path):
    target = tmp_path / "reports" / "net.json"
    target.parent.mkdir()
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "latest.json"
    link.symlink_to(target)
    assert invoke("analyze", "mobilenet_v1", "-f", "json", "-o", str(link)).exit_code == 0
    assert link.is_symlink() and link.resolve() == target
    assert target.read_text() == invoke("analyze", "mobilenet_v1", "-f", "json").stdout
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in target.parent.iterdir()) == ["net.json"]


def test_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "report.csv"
    link.symlink_to(tmp_path / "made.csv")
    assert invoke("analyze", "mobilenet_v1", "-f", "csv", "-o", str(link)).exit_code == 0
    assert link.is_symlink() and (tmp_path / "made.csv").read_text().startswith("index,")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are Unix-only")
def test_named_pipe_without_a_reader_is_an_error_at_once(tmp_path):
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    for args in (["analyze", "mobilenet_v1", "-o"], ["check", "mobilenet_v1", "--junit-xml"]):
        start = time.perf_counter()
        result = invoke(*args, str(fifo))
        assert time.perf_counter() - start < SECONDS
        assert result.exit_code == 2
        assert "cannot write the output: nobody reads the named pipe" in result.stderr
        assert stat.S_ISFIFO(fifo.lstat().st_mode)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are Unix-only")
def test_named_pipe_with_a_reader_gets_the_whole_report(tmp_path):
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    try:
        deadline = time.monotonic() + 10
        while True:  # the reader may not have opened the pipe yet
            result = invoke("analyze", "mobilenet_v1", "-f", "json", "-o", str(fifo))
            if result.exit_code == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.05)
    finally:
        if not received and reader.is_alive():  # unblock the reader if the writer never came
            with open(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK), "wb"):
                pass
        reader.join(10)
    assert result.exit_code == 0, result.stderr
    assert received[0].decode() == invoke("analyze", "mobilenet_v1", "-f", "json").stdout
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


@pytest.mark.parametrize("option", ["-o", "--junit-xml"])
def test_sockets_block_devices_and_directories_are_refused(tmp_path, option):
    args = ["analyze", "mobilenet_v1", "-o"] if option == "-o" else ["check", "mobilenet_v1", "--junit-xml"]
    sock = tmp_path / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock))
    try:
        result = invoke(*args, str(sock))
        assert result.exit_code == 2 and f"{option} names a socket" in result.stderr
    finally:
        server.close()
    assert stat.S_ISSOCK(sock.lstat().st_mode)
    result = invoke(*args, str(tmp_path))
    assert result.exit_code == 2 and "directory" in result.stderr.lower()
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        block = device(tmp_path, "disk", 240, 254, stat.S_IFBLK)  # a number no driver has: never opened
        result = invoke(*args, str(block))
        assert result.exit_code == 2 and f"{option} names a block device" in result.stderr
        assert stat.S_ISBLK(block.lstat().st_mode)


def test_concurrent_writers_leave_one_whole_report(tmp_path):
    out = tmp_path / "report.json"
    procs = [subprocess.Popen([sys.executable, "-m", "convcost", "analyze", "mobilenet_v1", "-f", "json",
                               "-o", str(out)], env=ENV, stderr=subprocess.PIPE) for _ in range(8)]
    assert all(p.wait(60) == 0 for p in procs)
    for p in procs:
        p.stderr.close()
    assert out.read_text() == invoke("analyze", "mobilenet_v1", "-f", "json").stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


# -- item 12: the output is never the input ----------------------------------------------------------


def _links(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    net = tmp_path / "net.yaml"
    net.write_text(NET)
    (tmp_path / "soft.yaml").symlink_to(net)
    os.link(net, tmp_path / "hard.yaml")
    (tmp_path / "sub").mkdir()
    return net, {"same": str(net), "dotted": str(tmp_path / "sub" / ".." / "net.yaml"),
                 "symlink": str(tmp_path / "soft.yaml"), "hard link": str(tmp_path / "hard.yaml")}


@pytest.mark.parametrize("way", ["same", "dotted", "symlink", "hard link"])
@pytest.mark.parametrize("command", ["analyze", "check"])
def test_output_naming_the_input_file_is_refused(tmp_path, way, command):
    net, names = _links(tmp_path)
    option = "-o" if command == "analyze" else "--junit-xml"
    result = invoke(command, str(net), option, names[way])
    assert result.exit_code == 2
    assert f"{option} names the input file" in result.stderr
    assert net.read_text() == NET
    # read through the link, written to the file itself: the same
    result = invoke(command, names[way], option, str(net))
    assert result.exit_code == 2 and net.read_text() == NET


def test_output_next_to_the_input_is_fine(tmp_path):
    net, _ = _links(tmp_path)
    assert invoke("analyze", str(net), "-f", "json", "-o", str(tmp_path / "net.json")).exit_code == 0
    assert invoke("check", str(net), "--junit-xml", str(tmp_path / "net.xml")).exit_code == 0
    assert net.read_text() == NET


# -- item 13: write failures and absurd limits are exit 2, never exit 3 ------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [
    ["analyze", "mobilenet_v1"], ["analyze", "mobilenet_v1", "-f", "json"], ["check", "mobilenet_v1"],
    ["check", "mobilenet_v1", "-f", "json"], ["prove", "--kernel", "3"], ["zoo"], ["--help"], ["--version"],
])
def test_standard_output_on_a_full_disk(args):
    with open("/dev/full", "w") as full:
        result = cli(*args, stdout=full)
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines()[0] == "error: cannot write to standard output: No space left on device"
    assert_clean(result.stderr)


@pytest.mark.parametrize("args", [["analyze", "mobilenet_v1", "-o", ""],
                                  ["check", "mobilenet_v1", "--junit-xml", ""]])
def test_empty_output_path(args):
    result = invoke(*args)
    assert result.exit_code == 2 and "names no file" in result.stderr


def test_output_in_a_missing_folder(tmp_path):
    result = invoke("analyze", "mobilenet_v1", "-o", str(tmp_path / "no" / "such" / "r.json"))
    assert result.exit_code == 2 and "cannot write the output: No such file or directory" in result.stderr


ABSURD = ["9223372036854775807", "9" * 30]  # 2**63 - 1 and the longest value --limit takes


@pytest.mark.parametrize("name", Limits.names())
def test_every_limit_can_be_raised_to_its_ceiling(name):
    ceiling = CEILINGS.get(name, CEILING)
    for args in (["analyze", "mobilenet_v1", "-f", "json"], ["check", "mobilenet_v1", "--max-macs", "600M"]):
        result = invoke(*args, "--limit", f"{name}={ceiling}")
        assert result.exit_code == 0, (name, result.stderr)


@pytest.mark.parametrize("value", ["ceiling + 1", "100000000000", *ABSURD])
@pytest.mark.parametrize("name", Limits.names())
def test_absurd_limits_are_refused_with_their_ceiling(name, value):
    ceiling = CEILINGS.get(name, CEILING)
    value = str(ceiling + 1) if value == "ceiling + 1" else value
    if int(value) <= ceiling:
        pytest.skip(f"{value} is within the ceiling of {name}")
    result = invoke("analyze", "mobilenet_v1", "--limit", f"{name}={value}")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[0] == (f"error: limit {name} can be raised to at most {ceiling:,}, "
                                             f"got {int(value):,}")


def test_the_issues_absurd_file_bytes_are_clear_errors(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text("input: [3, 8, 8]\nlayers:\n  - conv: {out: 8, kernel: 1}\n")
    assert len(path.read_bytes()) == 55
    for value in ("9223372036854775807", "100000000000"):
        result = invoke("analyze", str(path), "--limit", f"file_bytes={value}")
        assert result.exit_code == 2 and "limit file_bytes can be raised to at most" in result.stderr


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="peak memory is read from Linux /proc")
def test_file_bytes_at_its_ceiling_reads_a_small_file_in_little_memory(tmp_path):
    path = tmp_path / "net.yaml"
    path.write_text("input: [3, 8, 8]\nlayers:\n  - conv: {out: 8, kernel: 1}\n")
    code, elapsed, mib, err = measure("analyze", str(path), "-f", "json", "--limit", f"file_bytes={1 << 30}")
    assert code == 0, err
    assert elapsed < SECONDS and mib < 150  # reading would have preallocated 1 GiB


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_an_endless_device_still_stops_at_a_raised_limit():
    code, elapsed, mib, err = measure("analyze", "/dev/zero", "--limit", "file_bytes=50000000")
    assert code == 2 and "larger than the limit of 50000000 bytes" in err
    assert elapsed < SECONDS and mib < 250  # 50 MB read in chunks, never twice over


@pytest.mark.parametrize("value", ["３０", "1e9", "+5", "0x10", "1 000"])
def test_limit_values_are_ascii_digits(value):
    result = invoke("analyze", "mobilenet_v1", "--limit", f"layers={value}")
    assert result.exit_code == 2 and "is not a whole number" in result.stderr


def test_every_ceiling_is_documented():
    doc = (ROOT / "docs" / "security.md").read_text()
    for name in Limits.names():
        assert f"| `{name}` | {CEILINGS.get(name, CEILING):,}" in doc, name
