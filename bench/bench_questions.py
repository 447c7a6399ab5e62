"""Verified questions per second: build (scenario + evaluator) and gate, every family (one core).

Target (issue 4): 200 per second, so a 60-question exam set is ready well under a second. A case
study is one document holding several questions: the figures count both.
"""

from __future__ import annotations

import time

from quizgen.questions.families import families
from quizgen.questions.gate import problems
from quizgen.questions.generate import generate, question


def questions() -> dict[str, tuple[float, str]]:
    for name in families():  # warm: imports, every bank file, the shared faker instance
        question(name, 0)
    count = 120
    started = time.perf_counter()
    docs = generate(count, 1)
    elapsed = time.perf_counter() - started
    items = sum(len(d.get("questions", [])) or 1 for d in docs)
    return {
        "verified questions per second (case-study questions counted)": (
            items / elapsed,
            "questions/s",
        ),
        "verified documents per second": (count / elapsed, "documents/s"),
        "60-question set (build + gate)": (60 * elapsed / items, "s"),
    }


def by_family() -> dict[str, tuple[float, str]]:
    figures = {}
    for name in sorted(families()):
        question(name, 0)
        started = time.perf_counter()
        for seed in range(1, 21):
            doc = question(name, seed)
            if doc is not None:
                problems(doc)
        figures[f"{name} ms per seed (build + gate)"] = (
            (time.perf_counter() - started) / 20 * 1000,
            "ms",
        )
    return figures


BENCHMARKS = [("questions", questions), ("by_family", by_family)]
