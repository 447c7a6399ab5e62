"""What the practice commands do between parsing options and exiting (cli.py stays thin)."""

from __future__ import annotations

import os
import random
import shutil
import sys

from quizgen.drill.practice import Console, Drill, Filters
from quizgen.drill.store import Stats, Store, db_path, default_path
from quizgen.drill.tty import plain_mode, read_line
from quizgen.errors import QuizgenError

EMPTY_STATS = Stats(0, 0, 0.0, 0, (), (), (), (), (), 0)


def console(plain: bool) -> Console:
    """The terminal as the learner has it: plain when asked, when NO_COLOR is set (no colour
    only), or when input or output is not an interactive terminal."""
    plain = plain_mode(plain)
    width = max(60, min(shutil.get_terminal_size((100, 24)).columns - 1, 120))
    color = not plain and "NO_COLOR" not in os.environ
    return Console(
        out=sys.stdout,
        read=read_line if plain else input,
        color=color,
        boxed=not plain,
        width=width,
    )


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
    with Store.open(db_path(db)) as store:
        chosen = _known_families(families)
        flagged: list[tuple[int, str]] = []
        if mode == "review":
            wrong = store.mistakes()
            flagged = store.flagged()
            if not wrong and not flagged:
                out.say(
                    "Nothing to review: no mistakes and no flagged questions on record. "
                    "Run quizgen drill first."
                )
                return 0
            order = list(
                dict.fromkeys([row.family for row in wrong] + [family_of(q) for _, q in flagged])
            )
            chosen = frozenset(order) & frozenset(all_families())
            count = count or len(order)
            out.say(
                f"Review: {len(order)} famil{'y' if len(order) == 1 else 'ies'} you got wrong "
                f"or flagged ({', '.join(order)}), as fresh variants.",
                "heading",
            )
        filters = Filters(chosen, objective, item_type, difficulty)
        drill = Drill(store, out, rng, filters, count=count, mode=mode)
        try:
            drill.run()
        except KeyboardInterrupt:
            out.say("\nInterrupted. Every answer you gave is saved.")
            return 130
        finally:
            _clear_reviewed_flags(store, drill.session, flagged)
    return 0


def family_of(question_id: str) -> str:
    """The family of a question id ``family@version#seed``."""
    return question_id.split("@", 1)[0]


def all_families() -> list[str]:
    from quizgen.questions.families import families as known

    return list(known())


def _clear_reviewed_flags(
    store: Store, session: int | None, flagged: list[tuple[int, str]]
) -> None:
    """A flag is done with once a fresh variant of its family was answered right in review."""
    if session is None or not flagged:
        return
    right = {row.family for row in store.session(session).answers if row.correct}
    for flagged_in, question_id in flagged:
        if family_of(question_id) in right:
            store.set_flag(flagged_in, question_id, False)


def stats_text(db: str | None, days: int, as_json: bool, plain: bool = False) -> str:
    from quizgen.drill.report import stats_json, stats_lines

    path = db_path(db) or default_path()
    if not path.exists():  # nothing recorded yet: say so, and create nothing
        if as_json:
            return stats_json(EMPTY_STATS)
        return (
            f"No answers on record yet (no progress database at {path}). Start with: quizgen drill"
        )
    with Store.open(path) as store:
        stats = store.stats()
        flagged = [q for _, q in store.flagged()]
    if as_json:
        return stats_json(stats, flagged)
    out = console(plain)
    return "\n".join(stats_lines(stats, days, width=out.width, boxed=out.boxed, flagged=flagged))
