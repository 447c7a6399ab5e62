"""Verified questions per second: build (scenario + evaluator) and gate, every family (one core).

Target (issue 4): 200 per second, so a 60-question exam set is ready well under a second.
"""

from __future__ import annotations

import time

from quizgen.questions.generate import generate


def questions() -> dict[str, tuple[float, str]]:
    generate(3, 0)  # warm: imports, bank files, the shared faker instance
    count = 120
    started = time.perf_counter()
    generate(count, 1)
    elapsed = time.perf_counter() - started
    return {"verified questions per second": (count / elapsed, "questions/s"),
            "ms per verified question": (elapsed / count * 1000, "ms"),
            "60-question set (build + gate)": (60 * elapsed / count, "s")}


BENCHMARKS = [("questions", questions)]
