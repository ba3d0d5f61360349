"""`convcost analyze MODEL.onnx` against onnx-tool on the same file, whole processes, side by side
(issue 11: at least 5x faster than onnx-tool on densenet121.onnx).

    python benchmarks/onnx.py --models /work/research/onnx --ref-python /work/tvenv/bin/python
    python benchmarks/onnx.py --runs 9 --markdown onnx.md --json onnx.json

Method as benchmarks/run.py (whose measuring it reuses): every sample is a new process, one checked
warm-up run per case, then the timed runs round-robin over the cases; wall time, CPU and peak RSS
(/usr/bin/time). onnx-tool runs as measured in /work/research/timings.json: `python -c "import
onnx_tool; onnx_tool.model_profile(PATH)"`, which prints its table, stdout to a file. convcost prints
its default table (to a file, so without a terminal) and, as separate cases, JSON and the graph-only
and dynamic files. Every answer is checked (convcost's exact mult-adds; onnx-tool's "Total" row).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.dont_write_bytecode = True
sys.path.insert(0, str(HERE))

from run import Case, machine, measure_all, package_versions, python_has  # noqa: E402


def _convcost() -> list[str]:
    script = shutil.which("convcost", path=str(Path(sys.executable).parent)) or shutil.which("convcost")
    return [script] if script else [sys.executable, "-m", "convcost"]


def _expect(needle: str):
    def check(stdout: str) -> str | None:
        return None if needle in stdout else f"{needle!r} not in the output"

    return check


def cases(models: Path, net: str, ref_python: str | None) -> list[Case]:
    index = json.loads((models / "INDEX.json").read_text())["files"]
    macs = index[f"{net}.onnx"]["reference_macs_conv_fc"]
    size = index[f"{net}.onnx"]["resolution"]
    convcost = _convcost()
    out = [
        Case("python -c pass", "baseline", [sys.executable, "-c", "pass"]),
        Case(f"convcost analyze {net}.onnx", "convcost",
             [*convcost, "analyze", str(models / f"{net}.onnx")], _expect(f"{macs:,}"), net),
        Case(f"convcost analyze {net}.onnx -f json", "convcost",
             [*convcost, "analyze", str(models / f"{net}.onnx"), "-f", "json"],
             _expect(f'"macs": {macs}'), net),
        Case(f"convcost analyze {net}_graphonly.onnx", "convcost",
             [*convcost, "analyze", str(models / f"{net}_graphonly.onnx")], _expect(f"{macs:,}"), net),
        Case(f"convcost analyze {net}_dynamic.onnx --set height={size} --set width={size}", "convcost",
             [*convcost, "analyze", str(models / f"{net}_dynamic.onnx"), "--set", f"height={size}", "--set",
              f"width={size}"], _expect(f"{macs:,}"), net),
    ]
    if ref_python:
        out += [
            Case("python -c pass [reference python]", "baseline", [ref_python, "-c", "pass"]),
            Case(f"onnx-tool model_profile({net}.onnx)", "onnx_tool",
                 [ref_python, "-c",
                  f"import onnx_tool; onnx_tool.model_profile({str(models / f'{net}.onnx')!r})"],
                 _expect("Total"), net, env={**os.environ, "OMP_NUM_THREADS": "1"}),
        ]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", type=Path, default=Path(os.environ.get("CONVCOST_ONNX_MODELS",
                                                                             "/work/research/onnx")))
    parser.add_argument("--net", default="densenet121")
    parser.add_argument("--ref-python", default=os.environ.get("CONVCOST_REF_PYTHON"))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args(argv)
    ref = args.ref_python if args.ref_python and python_has(args.ref_python, ("onnx_tool",))["onnx_tool"] \
        else None
    with tempfile.TemporaryDirectory(prefix="convcost-onnx-bench-") as tmp:
        env = {**os.environ, "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        results = measure_all(cases(args.models, args.net, ref), args.runs, 1, Path(tmp), env)
    rows = [("case", "median s", "min s", "max s", "cpu s", "peak RSS MB", "runs")]
    for r in results:
        if not r.ok:
            rows.append((r.case.name, f"FAILED: {r.problem}", "", "", "", "", ""))
            continue
        rows.append((r.case.name, f"{r.stat('wall'):.3f}", f"{r.stat('wall', min):.3f}",
                     f"{r.stat('wall', max):.3f}", f"{r.stat('cpu'):.3f}", f"{r.stat('rss_mb', max):.1f}",
                     str(len(r.samples))))
    tool = next((r for r in results if r.case.group == "onnx_tool" and r.ok), None)
    ours = next((r for r in results if r.case.name == f"convcost analyze {args.net}.onnx" and r.ok), None)
    verdict = ""
    if tool and ours:
        ratio = tool.stat("wall") / ours.stat("wall")
        verdict = (f"onnx-tool / convcost, median wall: {ratio:.1f}x (target: at least 5x) -> "
                   f"{'met' if ratio >= 5 else 'NOT met'}")
    info = machine()
    versions = package_versions(sys.executable, ("convcost", "click", "rich"))
    if ref:
        found = package_versions(ref, ("onnx", "onnx-tool", "numpy"))
        versions.update({f"reference {k}": v for k, v in found.items()})
    text = "\n".join("| " + " | ".join(row) + " |" for row in [rows[0], ("---",) * len(rows[0]), *rows[1:]])
    header = (f"Machine: {info['cpu']}, {info['cores']} cores, {info['os']}, {info['python']}; "
              f"{info['date_utc']} UTC; load average {info['load_average_1min']} before.\n\n"
              f"Packages: {', '.join(f'{k} {v}' for k, v in versions.items())}.\n")
    print(header + "\n" + text + ("\n\n" + verdict if verdict else ""))
    if args.markdown:
        args.markdown.write_text(header + "\n" + text + "\n" + (f"\n{verdict}\n" if verdict else ""))
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "versions": versions, "verdict": verdict,
                                         "results": [r.as_dict() for r in results]}, indent=1))
    walls = [r.stat("wall") for r in results if r.ok and r.case.group == "convcost"]
    return 0 if walls and statistics.median(walls) > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
