"""Scenarios generated and verified per second, by size (one core).

Each scenario is the full pipeline of ``quizgen scenario``: draw a base, validate it, place a
fault and prove it with the evaluator (probes changed to exactly its reason, fix restores).
Target (issue 3): 500 small verified scenarios per second. Each size runs REPEATS rounds of
fresh seeds and reports the median round, with the slowest and fastest.
"""

from __future__ import annotations

import time

from quizgen.generator.scenario import generate

#: Scenarios per round, by size; each round draws seeds of its own (no scenario is made twice,
#: so no round finds the caches filled by an earlier one), and the figure is the median round:
#: on a shared machine one round of 400 small scenarios varies by several percent.
ROUNDS = {"small": 400, "medium": 60, "large": 8}
REPEATS = 5


def _rate(size: str) -> dict[str, tuple[float, str]]:
    generate(0, size=size)  # warm: imports and the shared faker instance
    count = ROUNDS[size]
    rates = []
    for round_ in range(REPEATS):
        first = 1 + round_ * count
        started = time.perf_counter()
        for seed in range(first, first + count):
            generate(seed, size=size)
        rates.append(count / (time.perf_counter() - started))
    rates.sort()
    median = rates[REPEATS // 2]
    return {
        f"{size} scenarios per second": (median, "scenarios/s"),
        f"{size} ms per scenario": (1000 / median, "ms"),
        f"{size}: slowest of {REPEATS} rounds": (rates[0], "scenarios/s"),
        f"{size}: fastest of {REPEATS} rounds": (rates[-1], "scenarios/s"),
    }


BENCHMARKS = [(size, lambda size=size: _rate(size)) for size in ROUNDS]
