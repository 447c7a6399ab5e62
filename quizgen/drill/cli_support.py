"""What the practice commands do between parsing options and exiting (cli.py stays thin)."""

from __future__ import annotations

import os
import random
import shutil
import sys
from pathlib import Path
from typing import Any

from quizgen.drill.practice import Console, Drill, Filters
from quizgen.drill.store import Store
from quizgen.errors import QuizgenError


def console(plain: bool) -> Console:
    """The terminal as the learner has it: plain when asked, when NO_COLOR is set (no colour
    only), or when input or output is not an interactive terminal."""
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    dumb = os.environ.get("TERM") == "dumb"
    plain = plain or not interactive or dumb
    width = max(60, min(shutil.get_terminal_size((100, 24)).columns - 1, 120))
    color = not plain and "NO_COLOR" not in os.environ
    return Console(out=sys.stdout, read=_reader(plain), color=color, boxed=not plain, width=width)


def _reader(plain: bool) -> Any:
    if not plain:
        return input

    def read(prompt: str) -> str:  # no readline editing tricks: prompt, then a line
        sys.stdout.write(prompt)
        sys.stdout.flush()
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\n")

    return read


def _known_families(families: tuple[str, ...]) -> frozenset[str] | None:
    if not families:
        return None
    from quizgen.questions.families import families as all_families

    unknown = [f for f in families if f not in all_families()]
    if unknown:
        raise QuizgenError(
            f"unknown family {unknown[0]!r}; expected one of: {', '.join(all_families())}"
        )
    return frozenset(families)


def practice(
    mode: str,
    *,
    count: int | None = None,
    families: tuple[str, ...] = (),
    objective: str | None = None,
    item_type: str | None = None,
    difficulty: int | None = None,
    seed: int | None = None,
    plain: bool = False,
    db: str | None = None,
) -> int:
    """Run ``quizgen drill`` or ``quizgen review``; returns the exit status."""
    out = console(plain)
    rng = random.Random(seed)
    with Store.open(Path(db) if db else None) as store:
        chosen = _known_families(families)
        if mode == "review":
            wrong = store.mistakes()
            if not wrong:
                out.say("Nothing to review: no mistakes on record. Run quizgen drill first.")
                return 0
            order = list(dict.fromkeys(row.family for row in wrong))
            chosen = frozenset(order)
            count = count or len(order)
            out.say(
                f"Review: {len(order)} famil{'y' if len(order) == 1 else 'ies'} you got wrong "
                f"({', '.join(order)}), as fresh variants.",
                "heading",
            )
        filters = Filters(chosen, objective, item_type, difficulty)
        try:
            Drill(store, out, rng, filters, count=count, mode=mode).run()
        except KeyboardInterrupt:
            out.say("\nInterrupted. Every answer you gave is saved.")
            return 130
    return 0


def stats_text(db: str | None, days: int, as_json: bool, plain: bool = False) -> str:
    from quizgen.drill.report import stats_json, stats_lines

    with Store.open(Path(db) if db else None) as store:
        stats = store.stats()
    if as_json:
        return stats_json(stats)
    out = console(plain)
    return "\n".join(stats_lines(stats, days, width=out.width, boxed=out.boxed))
