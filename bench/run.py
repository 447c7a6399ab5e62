"""Run the benchmarks in bench/ and print a table of figures.

Each ``bench/bench_*.py`` module exposes ``BENCHMARKS``: a list of ``(name, function)`` pairs;
each function takes no argument and returns ``{figure: (value, unit)}``. Benchmarks are not
timed tests: they report figures, they do not pass or fail.

    python bench/run.py              # every benchmark
    python bench/run.py cli reach    # only benchmarks whose module or name contains a word
    python bench/run.py --json       # one JSON document instead of the table

Each module runs in a process of its own (``--in-process`` runs them all here): a figure is then
what a person running that part of quizgen gets, not what is left after the benchmarks before it
(the 1,000-VM all-pairs run leaves memory that makes every later collection slower).
"""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent

Figures = dict[str, tuple[float, str]]
Benchmark = tuple[str, Callable[[], Figures]]
Row = tuple[str, str, float, str]


def discover(bench_dir: Path = BENCH_DIR) -> list[tuple[str, list[Benchmark]]]:
    """(module name, its BENCHMARKS) for each bench_*.py in ``bench_dir``, sorted by name."""
    package = bench_dir.name
    if str(bench_dir.parent) not in sys.path:
        sys.path.insert(0, str(bench_dir.parent))
    found = []
    for path in sorted(bench_dir.glob("bench_*.py")):
        module = importlib.import_module(f"{package}.{path.stem}")
        found.append((path.stem, list(module.BENCHMARKS)))
    return found


def run(modules: Iterable[tuple[str, list[Benchmark]]], words: Sequence[str] = ()) -> list[Row]:
    """Run the benchmarks whose module or name contains one of ``words`` (all when empty)."""
    rows: list[Row] = []
    for module, benchmarks in modules:
        for name, function in benchmarks:
            label = f"{module.removeprefix('bench_')}.{name}"
            if words and not any(word in label for word in words):
                continue
            started = time.perf_counter()
            figures = function()
            elapsed = time.perf_counter() - started
            rows += [
                (label, figure, float(value), unit) for figure, (value, unit) in figures.items()
            ]
            rows.append((label, "total run time", elapsed, "s"))
    return rows


def _number(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 100:
        return f"{value:,.1f}"
    return f"{value:.3g}"


def format_table(rows: Sequence[Row]) -> list[str]:
    """Aligned columns: benchmark, figure, value (right-aligned), unit."""
    table = [("benchmark", "figure", "value", "unit")]
    table += [(label, figure, _number(value), unit) for label, figure, value, unit in rows]
    widths = [max(len(line[i]) for line in table) for i in range(4)]
    lines = []
    for i, (label, figure, value, unit) in enumerate(table):
        lines.append(
            f"{label.ljust(widths[0])}  {figure.ljust(widths[1])}  "
            f"{value.rjust(widths[2])}  {unit}".rstrip()
        )
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def run_apart(
    modules: Iterable[tuple[str, list[Benchmark]]], words: Sequence[str] = ()
) -> list[Row]:
    """:func:`run`, each module in a new Python process (``--module NAME --in-process``)."""
    rows: list[Row] = []
    for module, _ in modules:
        command = [sys.executable, str(Path(__file__).resolve()), "--in-process", "--json"]
        done = subprocess.run(
            [*command, "--module", module, *words],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode not in (0, 1):  # 1: nothing in this module matched
            sys.stderr.write(done.stderr)
            raise SystemExit(f"bench: {module} failed (exit status {done.returncode})")
        if done.returncode == 0:
            found = json.loads(done.stdout)
            rows += [(r["benchmark"], r["figure"], r["value"], r["unit"]) for r in found]
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("words", nargs="*", help="run only benchmarks whose name has one of these")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--in-process", action="store_true", help="run every module in this process"
    )
    parser.add_argument("--module", help=argparse.SUPPRESS)  # one bench_*.py module only
    args = parser.parse_args(argv)
    modules = [m for m in discover() if args.module in (None, m[0])]
    rows = run(modules, args.words) if args.in_process else run_apart(modules, args.words)
    if not rows:
        print("no benchmark matched", file=sys.stderr)
        return 1
    if args.json:
        keys = ("benchmark", "figure", "value", "unit")
        print(json.dumps([dict(zip(keys, row, strict=True)) for row in rows], indent=2))
    else:
        print("\n".join(format_table(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
