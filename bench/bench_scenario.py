"""Scenarios generated and verified per second, by size (one core).

Each scenario is the full pipeline of ``quizgen scenario``: draw a base, validate it, place a
fault and prove it with the evaluator (probes changed to exactly its reason, fix restores).
Target (issue 3): 500 small verified scenarios per second.
"""

from __future__ import annotations

import time

from quizgen.generator.scenario import generate

ROUNDS = {"small": 400, "medium": 60, "large": 8}


def _rate(size: str) -> dict[str, tuple[float, str]]:
    generate(0, size=size)  # warm: imports and the shared faker instance
    count = ROUNDS[size]
    started = time.perf_counter()
    for seed in range(1, count + 1):
        generate(seed, size=size)
    elapsed = time.perf_counter() - started
    return {f"{size} scenarios per second": (count / elapsed, "scenarios/s"),
            f"{size} ms per scenario": (elapsed / count * 1000, "ms")}


BENCHMARKS = [(size, lambda size=size: _rate(size)) for size in ROUNDS]
