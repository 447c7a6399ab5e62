"""``quizgen stats``: the progress store's figures as text or JSON."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any

from quizgen.drill.misconceptions import belief
from quizgen.drill.store import Stats, Tally
from quizgen.render.terminal import table_lines


def _percent(part: float, whole: float) -> str:
    return f"{round(100 * part / whole)}%" if whole else "-"


def _tally_rows(tallies: tuple[Tally, ...], label: Any = None) -> list[list[Any]]:
    return [
        [
            label(t.name) if label else t.name,
            t.answered,
            t.correct,
            _percent(t.correct, t.answered),
        ]
        for t in tallies
    ]


def _misconception(tid: str) -> str:
    return f"{tid} {belief(tid)[0]}"


def stats_lines(
    stats: Stats,
    days: int = 14,
    width: int = 100,
    boxed: bool = True,
    flagged: list[str] | None = None,
) -> list[str]:
    """Progress over time, per objective, family and misconception, weakest areas first."""
    if not stats.answered:
        return ["No answers on record yet. Start with: quizgen drill"]
    lines = [
        f"{stats.answered} answers in {stats.sessions} sessions: {stats.correct} correct "
        f"({_percent(stats.correct, stats.answered)}), partial credit "
        f"{round(100 * stats.score)}%. Topics due for review now: {stats.due}.",
    ]
    if stats.weakest:
        lines += ["", "Weakest areas (practise these next):"]
        for t in stats.weakest:
            name = _misconception(t.name) if t.kind == "misconception" else t.name
            lines.append(f"  - {t.kind} {name}: {t.correct} of {t.answered} right")
        lines.append("  quizgen review serves fresh variants of what you got wrong.")
    if flagged:
        lines += ["", f"Flagged questions ({len(flagged)}; quizgen review serves their families):"]
        lines += [f"  - {qid}" for qid in flagged[:10]]
        if len(flagged) > 10:
            lines.append(f"  ... and {len(flagged) - 10} more (quizgen stats --json lists them)")
        lines.append("  quizgen generate --id ID --format md shows one again with its key.")
    heads = ["Answered", "Correct", "Accuracy"]
    lines += ["", "By objective:", *table_lines(["Objective", *heads],
              _tally_rows(stats.objectives), width, boxed)]  # fmt: skip
    lines += ["", "By question family:", *table_lines(["Family", *heads],
              _tally_rows(stats.families), width, boxed)]  # fmt: skip
    if stats.misconceptions:
        lines += [
            "",
            "Misconceptions (offered as a wrong option / not picked):",
            *table_lines(
                ["Misconception", "Offered", "Avoided", "Accuracy"],
                _tally_rows(stats.misconceptions, _misconception),
                width,
                boxed,
            ),
        ]
    recent = stats.history[-days:]
    if recent:
        rows = [[d.date.isoformat(), d.answered, d.correct, _percent(d.correct, d.answered)]
                for d in recent]  # fmt: skip
        lines += ["", f"Last {len(recent)} days with answers:",
                  *table_lines(["Date", *heads], rows, width, boxed)]  # fmt: skip
    return lines


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def stats_json(stats: Stats, flagged: list[str] | None = None) -> str:
    data = _plain(dataclasses.asdict(stats))
    data["flagged"] = list(flagged or [])
    data["accuracy"] = round(stats.accuracy, 4)
    return json.dumps(data, indent=2, sort_keys=True)
