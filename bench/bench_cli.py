"""How long the installed ``quizgen`` command takes to start."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def console_script() -> str:
    """The ``quizgen`` script installed beside this Python (the venv's), else the one on PATH."""
    found = shutil.which("quizgen", path=str(Path(sys.executable).parent)) or shutil.which(
        "quizgen"
    )
    if found is None:
        raise RuntimeError("the quizgen command is not installed: run `make bench`")
    return found


def _wall_ms(argv: list[str], runs: int) -> list[float]:
    subprocess.run(argv, check=True, capture_output=True)  # warm the file cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True)
        times.append((time.perf_counter() - started) * 1000)
    return times


def help_wall_time(runs: int = 10) -> dict[str, tuple[float, str]]:
    times = _wall_ms([console_script(), "--help"], runs)
    return {
        "median wall time": (statistics.median(times), "ms"),
        "min wall time": (min(times), "ms"),
        "max wall time": (max(times), "ms"),
        "runs": (runs, "runs"),
    }


def python_startup(runs: int = 10) -> dict[str, tuple[float, str]]:
    """The floor under any command: a bare interpreter starting and exiting."""
    times = _wall_ms([sys.executable, "-c", "pass"], runs)
    return {"median wall time": (statistics.median(times), "ms")}


BENCHMARKS = [
    ("quizgen --help", help_wall_time),
    ("python -c pass", python_startup),
]
