"""Time from starting ``quizgen drill`` to the first question on screen (target: 0.5 s).

The real program runs in a pseudo-terminal (pexpect), as a learner starts it, with a fresh
progress database each run; the clock stops when the answer prompt appears. Different seeds draw
different families, so the figure covers cheap and costly ones (case studies are the slowest).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

import pexpect

from bench.bench_cli import console_script

PROMPT = r"Answer \("

#: As on a learner's machine: Python caches compiled modules (this sandbox sets
#: PYTHONDONTWRITEBYTECODE, which would make every start recompile quizgen's sources).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _first_question_ms(seed: int, plain: bool, folder: Path) -> float:
    argv = ["drill", "--seed", str(seed), "--db", str(folder / f"p{seed}{plain}.sqlite3")]
    if plain:
        argv.append("--plain")
    started = time.perf_counter()
    child = pexpect.spawn(
        console_script(), argv, encoding="utf-8", timeout=30, dimensions=(50, 120), env=ENV
    )
    child.expect(PROMPT)
    elapsed = (time.perf_counter() - started) * 1000
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    return elapsed


def first_question(runs: int = 12) -> dict[str, tuple[float, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        _first_question_ms(0, False, Path(tmp))  # warm the file cache
        rich = [_first_question_ms(seed, False, Path(tmp)) for seed in range(1, runs + 1)]
        plain = [_first_question_ms(seed, True, Path(tmp)) for seed in range(1, runs + 1)]
    return {
        "median, terminal mode": (statistics.median(rich), "ms"),
        "slowest, terminal mode": (max(rich), "ms"),
        "median, --plain": (statistics.median(plain), "ms"),
        "slowest, --plain": (max(plain), "ms"),
        "runs per mode": (runs, "runs"),
    }


BENCHMARKS = [("drill: first question on screen", first_question)]
