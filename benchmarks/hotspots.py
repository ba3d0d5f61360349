"""Where convcost's time goes: import times (``python -X importtime``) and functions (cProfile).

    python benchmarks/hotspots.py                       # MobileNetV1 JSON, symbolic, 20,000 layers, --help
    python benchmarks/hotspots.py --case deep-20000 --top 30 --out benchmarks/out

For each case it runs convcost twice more in fresh processes (after one warm-up that writes the bytecode):
once under ``-X importtime`` and once under ``-m cProfile``. It prints the slowest imports grouped by
top-level package and by module (self time), and the functions with the most own and cumulative time.
Raw outputs (importtime log, .prof file, full pstats listing) go to ``--out`` when given.
"""

from __future__ import annotations

import argparse
import io
import os
import pstats
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
_write, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no __pycache__ in the checkout
from deepnet import deep_separable_yaml  # noqa: E402

sys.dont_write_bytecode = _write

IMPORT_LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)")


def cases(workdir: Path) -> dict[str, list[str]]:
    deep = workdir / "deep-20000.yaml"
    deep.write_text(deep_separable_yaml(10_000))
    return {
        "mobilenet_v1": ["analyze", "mobilenet_v1", "--format", "json"],
        "symbolic": ["analyze", "mobilenet_v1", "--symbolic", "alpha,res", "--format", "json"],
        "deep-20000": ["analyze", str(deep), "--format", "json"],
        "help": ["--help"],
    }


def importtime(argv: list[str], env: dict[str, str], top: int) -> tuple[str, str]:
    """Run with ``-X importtime``; return a summary and the raw log."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "convcost", *argv],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    rows = []  # (self us, cumulative us, depth, module)
    for line in done.stderr.splitlines():
        m = IMPORT_LINE.match(line)
        if m:
            rows.append((int(m.group(1)), int(m.group(2)), len(m.group(3)) // 2, m.group(4)))
    total_self = sum(r[0] for r in rows)
    by_package: dict[str, int] = defaultdict(int)
    for self_us, _, _, module in rows:
        by_package[module.split(".")[0]] += self_us
    out = [f"  all imports: {total_self / 1000:.1f} ms self time in {len(rows)} modules"]
    out.append("  by top-level package (sum of self times):")
    for name, us in sorted(by_package.items(), key=lambda kv: -kv[1])[:top]:
        out.append(f"    {us / 1000:8.1f} ms  {name}")
    out.append("  top-level imports (cumulative, as imported by convcost and site):")
    for _self_us, cum_us, depth, module in sorted(rows, key=lambda r: -r[1]):
        if depth == 0 and cum_us >= 2000:
            out.append(f"    {cum_us / 1000:8.1f} ms  {module}")
    out.append("  slowest modules (self time):")
    for self_us, _, _, module in sorted(rows, key=lambda r: -r[0])[:top]:
        out.append(f"    {self_us / 1000:8.1f} ms  {module}")
    return "\n".join(out), done.stderr


def cprofile(argv: list[str], env: dict[str, str], top: int, prof: Path) -> tuple[str, str]:
    """Run under cProfile; return a summary (own time, cumulative time) and the full listing."""
    subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "convcost", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        check=False,
    )
    summary = []
    full = io.StringIO()
    for key in ("tottime", "cumulative"):
        buf = io.StringIO()
        stats = pstats.Stats(str(prof), stream=buf)
        stats.strip_dirs().sort_stats(key).print_stats(top)
        pstats.Stats(str(prof), stream=full).sort_stats(key).print_stats(200)
        lines = buf.getvalue().splitlines()
        start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
        head = next((line.strip() for line in lines if "function calls" in line), "")
        summary.append(f"  by {key} ({head}):")
        summary += ["    " + line for line in lines[start:] if line.strip()]
    return "\n".join(summary), full.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--case", action="append", help="mobilenet_v1, symbolic, deep-20000, help (repeatable)"
    )
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--out", type=Path, help="directory for the raw outputs")
    parser.add_argument(
        "--pycache",
        type=Path,
        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "convcost-bench" / "pycache",
    )
    args = parser.parse_args(argv)
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(args.pycache)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="convcost-profile-") as tmp:
        all_cases = cases(Path(tmp))
        for name in args.case or list(all_cases):
            command = all_cases[name]
            subprocess.run(  # warm-up: bytecode written, file cache warm
                [sys.executable, "-m", "convcost", *command], capture_output=True, env=env, check=False
            )
            print(f"== {name}: convcost {' '.join(command)}")
            summary, log = importtime(command, env, args.top)
            print(summary)
            prof = (args.out or Path(tmp)) / f"profile-{name}.prof"
            summary2, listing = cprofile(command, env, args.top, prof)
            print(summary2)
            print()
            if args.out:
                (args.out / f"importtime-{name}.log").write_text(log)
                (args.out / f"pstats-{name}.txt").write_text(listing)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
