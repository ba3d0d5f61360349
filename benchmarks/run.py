"""Time convcost and the tools it replaces as whole, cold processes, and check the targets of issue 6.

    python benchmarks/run.py                        # everything that is installed, 7 timed runs each
    python benchmarks/run.py --runs 3 --only convcost
    python benchmarks/run.py --ref-python /path/to/venv/bin/python --json results.json --markdown results.md

Every sample is a new process started from this one (no shell, no pyenv shim unless a case says so), in a
scratch directory: wall time from spawn to exit, user+system CPU from ``os.wait4``, and peak RSS from
``/usr/bin/time -f %M`` (``ru_maxrss`` of a child spawned from Python is never below this script's own RSS,
since the exec'ing process still has this one's memory map; ``/usr/bin/time`` execs from a 2 MB process). One
untimed warm-up run per case comes first (its answer is checked), so "cold" means a fresh interpreter with
the OS file cache warm and the bytecode written, which is how a user's second and later invocations run. The
timed runs then go round-robin over the cases, so load from elsewhere on a shared machine spreads over all of
them. The median is reported with the min and max.

Bytecode: children run with ``PYTHONDONTWRITEBYTECODE`` removed and ``PYTHONPYCACHEPREFIX`` set to a cache
directory of the benchmark's own (``--pycache``), so an editable checkout gets no ``__pycache__`` written into
it and convcost is not compiled from source on every run. ``--bytecode-as-is`` leaves the environment alone;
one extra case always shows convcost with no bytecode at all (``PYTHONDONTWRITEBYTECODE=1``, no cache).

convcost is timed through the installed console script (what users run) and through ``python -m convcost``.
The reference tools (ptflops, thop, fvcore, torchinfo, onnx-tool) run ``benchmarks/reference.py`` with the
interpreter given by ``--ref-python`` (default: ``$CONVCOST_REF_PYTHON``, else this interpreter), and are
skipped when that interpreter lacks them. Every case's answer is checked, so a fast wrong answer cannot pass.

This is not part of the test suite; it takes about 5-10 minutes with ptflops, most of it in ptflops.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # no __pycache__ in the checkout from importing the siblings below
sys.path.insert(0, str(HERE))

from deepnet import deep_separable_yaml, expected_deep_macs, tiny_yaml  # noqa: E402
from reference import plain_mobilenet_v1  # noqa: E402

REFERENCE = str(HERE / "reference.py")
MOBILENET_MACS = plain_mobilenet_v1()["macs"]  # 568,740,352
REF_TOOLS = ("ptflops", "thop", "fvcore", "torchinfo", "onnx_tool")
TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


# ---------------------------------------------------------------------------------------------- measuring


@dataclass
class Sample:
    wall: float  # seconds, spawn to exit
    cpu: float  # seconds, user + system of the child
    rss_mb: float  # peak resident set size of the child, MiB
    returncode: int


def run_once(argv: list[str], scratch: Path, env: dict[str, str] | None = None) -> Sample:
    """Start ``argv`` in ``scratch``, wait for it, and return its wall time and its own resource usage.

    stdout and stderr go to ``scratch/stdout`` and ``scratch/stderr`` (files, so a big answer cannot block).
    """
    rss_file = scratch / "maxrss"
    timed = [TIME, "-f", "%M", "-o", str(rss_file), *argv] if TIME else argv
    with (scratch / "stdout").open("wb") as stdout, (scratch / "stderr").open("wb") as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(
            timed, stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL, env=env, cwd=scratch
        )
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
    rss_kb = usage.ru_maxrss  # fallback: floored at this process's own RSS
    if TIME:  # "%M" is the last line; a failed command adds "Command exited with non-zero status N" first
        rss_kb = int(rss_file.read_text().split()[-1])
    return Sample(wall, usage.ru_utime + usage.ru_stime, rss_kb / 1024, proc.returncode)


@dataclass
class Case:
    name: str
    group: str  # "baseline", "convcost" or a reference tool's name
    argv: list[str]
    check: Callable[[str], str | None] | None = None  # stdout -> problem, or None when the answer is right
    net: str | None = None  # the network, for pairing a reference tool with convcost
    env: dict[str, str] | None = None
    runs: int | None = None  # overrides --runs (expensive cases)


@dataclass
class Result:
    case: Case
    samples: list[Sample] = field(default_factory=list)
    problem: str | None = None  # non-zero exit or a wrong answer
    answer: str = ""  # first line of the last run's stdout, for the record

    @property
    def ok(self) -> bool:
        return self.problem is None and bool(self.samples)

    def stat(self, what: str, how: Callable[[list[float]], float] = statistics.median) -> float:
        return how([getattr(s, what) for s in self.samples])

    def as_dict(self) -> dict[str, object]:
        walls = [s.wall for s in self.samples]
        return {
            "name": self.case.name,
            "group": self.case.group,
            "argv": self.case.argv,
            "ok": self.ok,
            "problem": self.problem,
            "runs": len(walls),
            "wall_median_s": statistics.median(walls) if walls else None,
            "wall_min_s": min(walls) if walls else None,
            "wall_max_s": max(walls) if walls else None,
            "cpu_median_s": self.stat("cpu") if walls else None,
            "peak_rss_mb": self.stat("rss_mb", max) if walls else None,
            "wall_s": walls,
            "answer": self.answer[:300],
        }


def _one(result: Result, scratch: Path, env: dict[str, str], check: bool) -> Sample | None:
    """One run of ``result.case``; on a non-zero exit or a wrong answer, note the problem, return None."""
    case = result.case
    sample = run_once(case.argv, scratch, case.env or env)
    out = (scratch / "stdout").read_text(errors="replace")
    if sample.returncode != 0:
        last = ((scratch / "stderr").read_text(errors="replace").strip().splitlines() or [""])[-1]
        result.problem = f"exit {sample.returncode}: {last[:200]}"
        return None
    if check and case.check:  # the answer does not change between runs; check it once
        result.problem = case.check(out)
        if result.problem:
            return None
    result.answer = (out.strip().splitlines() or [""])[0]
    return sample


def measure_all(
    cases: list[Case], runs: int, warmup: int, scratch: Path, env: dict[str, str]
) -> list[Result]:
    """Warm up and check every case, then take the timed runs round-robin over the cases.

    Round-robin, because this machine may be shared: a busy minute then slows one run of every case rather
    than every run of one case, so medians and ratios stay comparable.
    """
    results = [Result(case) for case in cases]
    for result in results:
        print(f"  warm-up and check: {result.case.name} ...", end="", flush=True, file=sys.stderr)
        for i in range(max(warmup, 1)):
            sample = _one(result, scratch, env, check=i == 0)
            if sample is None:
                break
        print(f" {'ok' if result.problem is None else 'FAILED: ' + result.problem}", file=sys.stderr)
        if warmup == 0 and sample is not None:
            result.samples.append(sample)
    rounds = max((case.runs or runs) for case in cases) if cases else 0
    for n in range(rounds):
        print(f"  round {n + 1}/{rounds}", file=sys.stderr)
        for result in results:
            if result.problem is None and len(result.samples) < (result.case.runs or runs):
                sample = _one(result, scratch, env, check=False)
                if sample is not None:
                    result.samples.append(sample)
    return results


# ---------------------------------------------------------------------------------------------- checking


def _find_total_macs(report: object) -> int | None:
    """The network's total mult-adds in convcost's JSON, wherever the schema puts it (it is still moving)."""
    if isinstance(report, dict):
        for key in ("totals", "total", "summary"):
            inner = report.get(key)
            if isinstance(inner, dict) and isinstance(inner.get("macs"), int | str):
                return int(inner["macs"])
        if isinstance(report.get("total_macs"), int | str):
            return int(report["total_macs"])
        for inner in report.values():
            found = _find_total_macs(inner) if isinstance(inner, dict) else None
            if found is not None:
                return found
    return None


def expect_json_macs(expected: int | None) -> Callable[[str], str | None]:
    """A check: stdout is JSON and (when ``expected`` is given) its total mult-adds equal ``expected``."""

    def check(stdout: str) -> str | None:
        try:
            report = json.loads(stdout)
        except ValueError as exc:
            return f"stdout is not JSON: {exc}"
        if expected is None:
            return None
        macs = _find_total_macs(report)
        if macs is None:
            return "no total mult-adds found in the JSON"
        return None if macs == expected else f"total mult-adds {macs:,}, expected {expected:,}"

    return check


def evaluate(text: str, values: dict[str, Fraction]) -> Fraction:
    """Evaluate a closed form printed by convcost (+ - * / **, floor, ceiling) exactly, without sympy."""
    binary = {
        ast.Add: lambda a, b: a + b,
        ast.Sub: lambda a, b: a - b,
        ast.Mult: lambda a, b: a * b,
        ast.Div: lambda a, b: a / b,
        ast.Pow: lambda a, b: a**b,
    }
    calls = {"floor": lambda x: Fraction(x.__floor__()), "ceiling": lambda x: Fraction(x.__ceil__()),
             "slim_depth": lambda x, m: max(Fraction(x.__floor__()), m)}  # TF-slim's rounding

    def walk(node: ast.AST) -> Fraction:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return Fraction(node.value)
        if isinstance(node, ast.Name) and node.id in values:
            return values[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in binary:
            return binary[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -walk(node.operand)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in calls:
            return calls[node.func.id](*map(walk, node.args))
        raise ValueError(f"unexpected {ast.dump(node)[:60]}")

    return walk(ast.parse(text, mode="eval"))


def expect_symbolic(stdout: str) -> str | None:
    """A check: total mult-adds are a closed form in alpha and res, exact at several resolutions."""
    try:
        form = json.loads(stdout)["totals"]["macs"]
    except (ValueError, KeyError, TypeError) as exc:
        return f"no symbolic totals.macs in the JSON: {exc}"
    if not (isinstance(form, str) and "alpha" in form and "res" in form):
        return f"totals.macs is not a closed form in alpha and res: {str(form)[:80]}"
    for res in (224, 192, 160, 128):
        try:
            value = evaluate(form, {"alpha": Fraction(1), "res": Fraction(res)})
        except (ValueError, SyntaxError, ZeroDivisionError) as exc:
            return f"cannot evaluate the closed form: {exc}"
        if value != plain_mobilenet_v1(res)["macs"]:
            return (
                f"closed form gives {value} at alpha=1, res={res}, expected {plain_mobilenet_v1(res)['macs']}"
            )
    return None


# The sweeps of issue 14: the paper's Tables 6 x 7 (4 x 4), and 32 widths x 312 resolutions (9,984).
PAPER_GRID = (("1", "0.75", "0.5", "0.25"), (224, 192, 160, 128))
BIG_GRID = (tuple(f"{k}/32" for k in range(1, 33)), tuple(range(32, 344)))


def grid_args(grid: tuple[tuple, tuple]) -> list[str]:
    alphas, resolutions = grid
    return ["--grid", "alpha=" + ",".join(alphas), "--grid", "res=" + ",".join(map(str, resolutions))]


def expect_sweep(grid: tuple[tuple, tuple]) -> Callable[[str], str | None]:
    """A check: stdout is `convcost sweep -f json`, one row per configuration, each row's parameters and
    mult-adds those of the plain-Python MobileNetV1 (every one of them, exactly)."""

    def check(stdout: str) -> str | None:
        try:
            rows = json.loads(stdout)["rows"]
        except (ValueError, KeyError) as exc:
            return f"not a sweep's JSON: {exc}"
        alphas, resolutions = grid
        configurations = [(Fraction(a), r) for a in alphas for r in resolutions]
        if len(rows) != len(configurations):
            return f"{len(rows)} rows, expected {len(configurations)}"
        for row, (alpha, res) in zip(rows, configurations, strict=True):
            if Fraction(row["vars"]["alpha"]) != alpha or row["vars"]["res"] != res:
                return f"row {row['vars']} out of order, expected alpha={alpha}, res={res}"
            expected = plain_mobilenet_v1(res, alpha)
            if (row["params"], row["macs"]) != (expected["params"], expected["macs"]):
                return f"alpha={alpha}, res={res}: {row['macs']:,} mult-adds, expected {expected['macs']:,}"
        return None

    return check


def expect_reference_grid(configurations: int) -> Callable[[str], str | None]:
    """A check for reference.py's grid line: every configuration was counted."""

    def check(stdout: str) -> str | None:
        try:
            found = json.loads(stdout.strip().splitlines()[-1])["configurations"]
        except (ValueError, IndexError, KeyError) as exc:
            return f"unreadable answer: {exc}"
        return None if found == configurations else f"{found} configurations, expected {configurations}"

    return check


def expect_text(*needles: str) -> Callable[[str], str | None]:
    def check(stdout: str) -> str | None:
        missing = [n for n in needles if n not in stdout]
        return f"output lacks {missing}" if missing else None

    return check


def expect_reference_macs(expected: int) -> Callable[[str], str | None]:
    """A check for reference.py's JSON line; conv-only networks must match exactly."""

    def check(stdout: str) -> str | None:
        try:
            macs = json.loads(stdout.strip().splitlines()[-1])["macs"]
        except (ValueError, IndexError, KeyError) as exc:
            return f"unreadable answer: {exc}"
        return None if macs == expected else f"mult-adds {macs:,}, expected {expected:,}"

    return check


# ---------------------------------------------------------------------------------------------- the cases


def convcost_commands() -> dict[str, list[str]]:
    """How to start convcost: the console script beside this interpreter, ``-m``, and a pyenv shim if any."""
    commands: dict[str, list[str]] = {"-m": [sys.executable, "-m", "convcost"]}
    script = Path(sys.executable).parent / "convcost"
    if script.exists():
        commands["script"] = [str(script)]
    # pyenv puts the interpreter's own bin first on PATH for its children, so look for the shim by name.
    shim = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "shims" / "convcost"
    if shim.exists():
        commands["shim"] = [str(shim)]
    return commands


def python_has(python: str, modules: tuple[str, ...]) -> dict[str, bool]:
    code = (
        "import importlib.util as u, json, sys;"
        f"print(json.dumps({{m: u.find_spec(m) is not None for m in {list(modules)!r}}}))"
    )
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, check=False)
    return json.loads(done.stdout) if done.returncode == 0 else dict.fromkeys(modules, False)


def package_versions(python: str, names: tuple[str, ...]) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json\n"
        "def v(n):\n"
        "    try: return m.version(n)\n"
        "    except m.PackageNotFoundError: return None\n"
        f"print(json.dumps({{n: v(n) for n in {list(names)!r}}}))"
    )
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, check=False)
    found = json.loads(done.stdout) if done.returncode == 0 else {}
    return {k: v for k, v in found.items() if v}


def build_cases(args: argparse.Namespace, files: dict[str, Path], ref_tools: dict[str, bool]) -> list[Case]:
    py = sys.executable
    cases = [
        Case("python -c pass", "baseline", [py, "-c", "pass"]),
        Case(
            "plain-Python MobileNetV1 arithmetic",
            "baseline",
            [py, REFERENCE, "plain", "mobilenet_v1"],
            expect_reference_macs(MOBILENET_MACS),
        ),
    ]
    for module in ("yaml", "click", "rich", "sympy"):
        cases.append(Case(f"python -c 'import {module}'", "baseline", [py, "-c", f"import {module}"]))

    commands = convcost_commands()
    mobilenet = ["analyze", "mobilenet_v1", "--format", "json"]
    for how, argv in commands.items():
        if how == "shim":  # only to show what the shim itself costs
            cases.append(Case("convcost --help [pyenv shim]", "convcost", argv + ["--help"]))
            continue
        tag = f" [{how}]"
        cases += [
            Case("convcost --help" + tag, "convcost", argv + ["--help"], expect_text("analyze")),
            Case("convcost zoo" + tag, "convcost", argv + ["zoo"], expect_text("mobilenet_v1")),
            Case(
                "convcost analyze mobilenet_v1 --format json" + tag,
                "convcost",
                argv + mobilenet,
                expect_json_macs(MOBILENET_MACS),
            ),
        ]
        if how != "script":
            continue
        if args.bytecode_env != dict(os.environ):
            cases.append(
                Case(
                    "convcost analyze mobilenet_v1 --format json [script, environment as is]",
                    "convcost",
                    argv + mobilenet,
                    expect_json_macs(MOBILENET_MACS),
                    env=dict(os.environ),
                )
            )
        cases += [
            Case(
                "convcost analyze mobilenet_v1 --symbolic alpha,res --format json" + tag,
                "convcost",
                argv + ["analyze", "mobilenet_v1", "--symbolic", "alpha,res", "--format", "json"],
                expect_symbolic,
            ),
            Case(  # issue 3: the general proof, well under a second after start-up
                "convcost prove --format json" + tag,
                "convcost",
                argv + ["prove", "--format", "json"],
                expect_text('"verified": true'),
            ),
            Case(  # issue 14: the paper's Tables 6 x 7
                "convcost sweep mobilenet_v1 4x4 --format json" + tag,
                "convcost",
                argv + ["sweep", "mobilenet_v1", *grid_args(PAPER_GRID), "--format", "json"],
                expect_sweep(PAPER_GRID),
            ),
            Case(  # issue 14: 9,984 configurations in at most a second
                "convcost sweep mobilenet_v1 32x312 --format json" + tag,
                "convcost",
                argv + ["sweep", "mobilenet_v1", *grid_args(BIG_GRID), "--format", "json"],
                expect_sweep(BIG_GRID),
            ),
            Case(
                "convcost sweep mobilenet_v1 32x312 --format csv" + tag,
                "convcost",
                argv + ["sweep", "mobilenet_v1", *grid_args(BIG_GRID), "--format", "csv"],
                expect_text("alpha,res,params,macs", "1,343,4209088,1380474496,"),
            ),
            Case(
                "convcost analyze tiny (2 layers) --format json" + tag,
                "convcost",
                argv + ["analyze", str(files["tiny"]), "--format", "json"],
                expect_json_macs(expected_deep_macs(1)),
            ),
        ]
        for blocks in args.deep_blocks:
            cases.append(
                Case(
                    f"convcost analyze deep-{2 * blocks} --format json" + tag,
                    "convcost",
                    argv + ["analyze", str(files[f"deep-{2 * blocks}"]), "--format", "json"],
                    expect_json_macs(expected_deep_macs(blocks)),
                )
            )

    ref = args.ref_python
    if ref_tools.get("ptflops"):
        cases.append(
            Case(
                "ptflops MobileNetV1",
                "ptflops",
                [ref, REFERENCE, "ptflops", "mobilenet_v1"],
                net="mobilenet_v1",
            )
        )
        cases.append(
            Case(  # issue 14: a design-space script would count each configuration after one import
                "ptflops MobileNetV1 4x4 grid (16 configurations, one process)",
                "ptflops",
                [ref, REFERENCE, "ptflops", "mobilenet_v1", "--alphas", ",".join(PAPER_GRID[0]),
                 "--resolutions", ",".join(map(str, PAPER_GRID[1]))],
                expect_reference_grid(16),
                net="mobilenet_v1 4x4",
            )
        )
        for blocks in args.deep_blocks:
            cases.append(
                Case(
                    f"ptflops deep-{2 * blocks}",
                    "ptflops",
                    [ref, REFERENCE, "ptflops", "deep", "--blocks", str(blocks)],
                    expect_reference_macs(expected_deep_macs(blocks)),
                    net=f"deep-{2 * blocks}",
                    runs=args.ref_runs,
                )
            )
    if not args.no_others:
        for tool in ("thop", "fvcore", "torchinfo"):
            if not ref_tools.get(tool):
                continue
            cases.append(
                Case(f"{tool} MobileNetV1", tool, [ref, REFERENCE, tool, "mobilenet_v1"], net="mobilenet_v1")
            )
            if args.others_deep:
                for blocks in args.deep_blocks:
                    cases.append(
                        Case(
                            f"{tool} deep-{2 * blocks}",
                            tool,
                            [ref, REFERENCE, tool, "deep", "--blocks", str(blocks)],
                            expect_reference_macs(expected_deep_macs(blocks)),
                            net=f"deep-{2 * blocks}",
                            runs=args.ref_runs,
                        )
                    )
        if "onnx" in files:
            cases.append(
                Case(
                    "onnx-tool MobileNetV1 (.onnx file)",
                    "onnx-tool",
                    [ref, REFERENCE, "onnx-tool", str(files["onnx"])],
                    net="mobilenet_v1",
                )
            )
    if args.torch_threads:
        threads = str(args.torch_threads)
        for case in cases:
            if case.group not in ("baseline", "convcost"):
                case.env = {**args.bytecode_env, "OMP_NUM_THREADS": threads, "MKL_NUM_THREADS": threads}
    if args.only:
        pattern = re.compile(args.only)
        cases = [c for c in cases if pattern.search(c.name) or pattern.search(c.group)]
    return cases


def write_inputs(args: argparse.Namespace, workdir: Path, ref_tools: dict[str, bool]) -> dict[str, Path]:
    """The layer files, and the ONNX export onnx-tool reads (made once, not timed)."""
    files = {"tiny": workdir / "tiny.yaml"}
    files["tiny"].write_text(tiny_yaml())
    for blocks in args.deep_blocks:
        path = workdir / f"deep-{2 * blocks}.yaml"
        path.write_text(deep_separable_yaml(blocks))
        files[f"deep-{2 * blocks}"] = path
    if ref_tools.get("onnx_tool") and not args.no_others and _wanted(args, "onnx-tool"):
        onnx = workdir / "mobilenet_v1.onnx"
        cmd = [args.ref_python, REFERENCE, "export-onnx", "mobilenet_v1", "-o", str(onnx)]
        if subprocess.run(cmd, capture_output=True, check=False).returncode == 0:
            files["onnx"] = onnx
        else:
            print("note: ONNX export failed; onnx-tool skipped", file=sys.stderr)
    return files


def _wanted(args: argparse.Namespace, name: str) -> bool:
    return not args.only or re.search(args.only, name) is not None


# ---------------------------------------------------------------------------------------------- reporting


def machine() -> dict[str, object]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    except (OSError, AttributeError):
        mem_kb = 0
    return {
        "date_utc": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M"),
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)),
        "memory_gib": round(mem_kb / 1024**2, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "python_path": sys.executable,
        "load_average_1min": round(os.getloadavg()[0], 2),  # other work on the machine skews the times
    }


def find(results: list[Result], name: str) -> Result | None:
    for r in results:
        if r.case.name == name and r.ok:
            return r
    return None


def targets(results: list[Result], args: argparse.Namespace) -> list[tuple[str, str, str]]:
    """Each target of issues 6 and 14 as (target, measured, PASS / FAIL / n/a)."""

    def verdict(ok: bool | None) -> str:
        return "n/a" if ok is None else ("PASS" if ok else "FAIL")

    rows: list[tuple[str, str, str]] = []
    mobile = find(results, "convcost analyze mobilenet_v1 --format json [script]")
    ptf = find(results, "ptflops MobileNetV1")
    onnx = find(results, "onnx-tool MobileNetV1 (.onnx file)")
    t = mobile.stat("wall") if mobile else None
    rows.append(("MobileNetV1 JSON <= 0.2 s", f"{t:.3f} s" if t else "-", verdict(t <= 0.2 if t else None)))
    rss = mobile.stat("rss_mb", max) if mobile else None
    rows.append(
        (
            "MobileNetV1 JSON peak RSS < 60 MB",
            f"{rss:.1f} MB" if rss else "-",
            verdict(rss < 60 if rss else None),
        )
    )
    if t and ptf:
        ratio = ptf.stat("wall") / t
        rows.append(("MobileNetV1 >= 10x faster than ptflops", f"{ratio:.1f}x", verdict(ratio >= 10)))
    else:
        rows.append(("MobileNetV1 >= 10x faster than ptflops", "-", "n/a"))
    if t and onnx:
        ratio = onnx.stat("wall") / t
        rows.append(("MobileNetV1 faster than onnx-tool", f"{ratio:.1f}x", verdict(ratio > 1)))
    else:
        rows.append(("MobileNetV1 faster than onnx-tool", "-", "n/a"))

    big, small = max(args.deep_blocks), min(args.deep_blocks)
    deep_big = find(results, f"convcost analyze deep-{2 * big} --format json [script]")
    deep_small = find(results, f"convcost analyze deep-{2 * small} --format json [script]")
    tiny = find(results, "convcost analyze tiny (2 layers) --format json [script]")
    tb = deep_big.stat("wall") if deep_big else None
    rows.append((f"{2 * big:,} layers < 2 s", f"{tb:.3f} s" if tb else "-", verdict(tb < 2 if tb else None)))
    if deep_big and deep_small and tiny and big != small:
        start = tiny.stat("wall")
        net = (deep_big.stat("wall") - start) / max(deep_small.stat("wall") - start, 1e-9)
        raw = deep_big.stat("wall") / deep_small.stat("wall")
        limit = 1.2 * big / small  # linear, with 20% slack: 12 for 2,000 -> 20,000 layers
        rows.append(
            (
                f"time({2 * big:,} layers)/time({2 * small:,}) after start-up < {limit:g}",
                f"{net:.2f} (raw {raw:.2f}; start-up {start:.3f} s)",
                verdict(net < limit),
            )
        )
    else:
        rows.append(("time(20,000)/time(2,000) - start-up < 12", "-", "n/a"))
    sym = find(results, "convcost analyze mobilenet_v1 --symbolic alpha,res --format json [script]")
    ts = sym.stat("wall") if sym else None
    rows.append(
        ("symbolic MobileNetV1 < 1.5 s", f"{ts:.3f} s" if ts else "-", verdict(ts < 1.5 if ts else None))
    )
    sweep = find(results, "convcost sweep mobilenet_v1 32x312 --format json [script]")
    tw = sweep.stat("wall") if sweep else None
    rows.append(  # issue 14
        ("MobileNetV1 sweep, 9,984 configurations, JSON <= 1 s", f"{tw:.3f} s" if tw else "-",
         verdict(tw <= 1 if tw else None))
    )
    for name in ("convcost --help [script]", "convcost zoo [script]"):
        r = find(results, name)
        tr = r.stat("wall") if r else None
        rows.append(
            (
                f"{name.split(' [')[0]} < 0.15 s",
                f"{tr:.3f} s" if tr else "-",
                verdict(tr < 0.15 if tr else None),
            )
        )
    return rows


def ratio_rows(results: list[Result], args: argparse.Namespace) -> list[tuple[str, str, str]]:
    """Each reference tool's median time over convcost's on the same network."""
    rows = []
    pairs = [("mobilenet_v1", "convcost analyze mobilenet_v1 --format json [script]"),
             ("mobilenet_v1 4x4", "convcost sweep mobilenet_v1 4x4 --format json [script]")]
    pairs += [
        (f"deep-{2 * b}", f"convcost analyze deep-{2 * b} --format json [script]") for b in args.deep_blocks
    ]
    for net, ours_name in pairs:
        ours = find(results, ours_name)
        for r in results:
            if r.ok and ours and r.case.net == net:
                wall = r.stat("wall") / ours.stat("wall")
                cpu = r.stat("cpu") / ours.stat("cpu")
                rows.append((f"{r.case.name} / convcost", f"{wall:.1f}x", f"{cpu:.1f}x"))
    return rows


def table(results: list[Result]) -> list[tuple[str, ...]]:
    rows = []
    for r in results:
        if r.ok:
            rows.append(
                (
                    r.case.name,
                    f"{r.stat('wall'):.3f}",
                    f"{r.stat('wall', min):.3f}",
                    f"{r.stat('wall', max):.3f}",
                    f"{r.stat('cpu'):.3f}",
                    f"{r.stat('rss_mb', max):.1f}",
                    str(len(r.samples)),
                )
            )
        else:
            rows.append((r.case.name, "-", "-", "-", "-", "-", f"failed: {r.problem}"))
    return rows


HEADER = ("case", "median s", "min s", "max s", "cpu s", "peak RSS MB", "runs")
RATIO_HEADER = ("reference tool / convcost", "median wall", "median cpu")


def render_text(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows, strict=False)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths, strict=False))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=False)) for row in rows]
    return "\n".join(lines)


def render_markdown(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per case (default 7)")
    parser.add_argument("--ref-runs", type=int, default=None, help="timed runs of the deep reference cases")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs first (default 1)")
    parser.add_argument(
        "--deep-blocks",
        default="1000,10000",
        help="separable blocks of the deep networks, comma-separated (layers = 2x)",
    )
    parser.add_argument(
        "--ref-python",
        default=os.environ.get("CONVCOST_REF_PYTHON", sys.executable),
        help="interpreter with torch==2.13.0 and ptflops (default $CONVCOST_REF_PYTHON or this one)",
    )
    parser.add_argument(
        "--torch-threads",
        type=int,
        help="OMP_NUM_THREADS for the reference tools (default: torch's own choice, as users run it)",
    )
    parser.add_argument("--no-others", action="store_true", help="skip thop, fvcore, torchinfo, onnx-tool")
    parser.add_argument(
        "--others-deep",
        action="store_true",
        help="also run thop, fvcore, torchinfo on the deep networks (fvcore: minutes)",
    )
    parser.add_argument("--only", help="regular expression: run only cases whose name or tool matches")
    parser.add_argument("--workdir", type=Path, help="where the generated files go (default: a temp dir)")
    parser.add_argument(
        "--pycache",
        type=Path,
        default=Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "convcost-bench" / "pycache",
        help="PYTHONPYCACHEPREFIX of the children (default ~/.cache/convcost-bench/pycache)",
    )
    parser.add_argument(
        "--bytecode-as-is",
        action="store_true",
        help="run the children in this environment unchanged (PYTHONDONTWRITEBYTECODE and all)",
    )
    parser.add_argument("--json", type=Path, help="write every sample and the machine description here")
    parser.add_argument("--markdown", type=Path, help="write the result tables as Markdown here")
    args = parser.parse_args(argv)
    args.deep_blocks = sorted({int(b) for b in args.deep_blocks.split(",")})
    args.bytecode_env = dict(os.environ)
    if not args.bytecode_as_is:
        args.bytecode_env.pop("PYTHONDONTWRITEBYTECODE", None)
        args.bytecode_env["PYTHONPYCACHEPREFIX"] = str(args.pycache)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    ref_tools = python_has(args.ref_python, REF_TOOLS + ("torch",))
    versions = package_versions(sys.executable, ("convcost", "click", "rich", "sympy", "PyYAML"))
    ref_versions = package_versions(
        args.ref_python, ("torch", "ptflops", "thop", "fvcore", "torchinfo", "onnx-tool", "onnx", "numpy")
    )
    if ref_versions.get("torch", "2.13.0").split("+")[0] != "2.13.0":
        print(
            f"warning: torch {ref_versions['torch']} in {args.ref_python}; the recorded numbers use 2.13.0",
            file=sys.stderr,
        )
    info = machine()
    info["bytecode"] = "as is" if args.bytecode_as_is else f"PYTHONPYCACHEPREFIX={args.pycache}"
    info["rss_from"] = "/usr/bin/time -f %M" if TIME else "ru_maxrss (floored at the harness's RSS)"
    info["torch_threads"] = args.torch_threads or "default"
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()))
    print("packages: " + ", ".join(f"{k} {v}" for k, v in {**versions, **ref_versions}.items()))
    if not ref_tools.get("ptflops"):
        print(
            f"note: ptflops not importable by {args.ref_python}; reference cases skipped "
            "(see docs/performance.md to install it)"
        )

    with tempfile.TemporaryDirectory(prefix="convcost-bench-") as tmp:
        workdir = args.workdir or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        files = write_inputs(args, workdir, ref_tools)
        cases = build_cases(args, files, ref_tools)
        results = measure_all(cases, args.runs, args.warmup, Path(tmp), args.bytecode_env)

    info["load_average_1min_after"] = round(os.getloadavg()[0], 2)
    rows = table(results)
    goal_rows = targets(results, args)
    ratios = ratio_rows(results, args)
    print()
    print(render_text(rows, HEADER))
    print()
    print(render_text(ratios, RATIO_HEADER))
    print()
    print(render_text(goal_rows, ("target (issues 6, 14)", "measured", "verdict")))

    if args.json:
        payload = {
            "machine": info,
            "packages": {**versions, **ref_versions},
            "runs": args.runs,
            "warmup": args.warmup,
            "results": [r.as_dict() for r in results],
            "targets": goal_rows,
            "ratios": ratios,
        }
        args.json.write_text(json.dumps(payload, indent=2) + "\n")
    if args.markdown:
        text = [
            f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB, {info['os']}, "
            f"{info['python']}; {info['date_utc']} UTC; load average {info['load_average_1min']} before, "
            f"{info['load_average_1min_after']} after; bytecode {info['bytecode']}; peak RSS from "
            f"{info['rss_from']}; torch threads {info['torch_threads']}.",
            "",
            "Packages: " + ", ".join(f"{k} {v}" for k, v in {**versions, **ref_versions}.items()) + ".",
            "",
            render_markdown(rows, HEADER),
            "",
            render_markdown(ratios, RATIO_HEADER),
            "",
            render_markdown(goal_rows, ("target (issues 6, 14)", "measured", "verdict")),
        ]
        args.markdown.write_text("\n".join(text) + "\n")
    failed = [r for r in results if not r.ok]
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
