"""Helpers shared by the test modules (tests/ is on sys.path while pytest runs)."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from click.testing import CliRunner

from quizgen.cli import main
from quizgen.drill.grading import grade


def invoke(*args: str) -> tuple[int, str, str]:
    """Run quizgen in-process: (exit code, stdout, stderr). Unexpected exceptions propagate."""
    try:
        runner = CliRunner(mix_stderr=False)  # click 8.1
    except TypeError:
        runner = CliRunner()  # click 8.2+ keeps stderr apart
    result = runner.invoke(main, list(args), prog_name="quizgen")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def earned(doc: dict[str, Any], response: Any) -> list[Fraction]:
    """The points ``response`` earns per question the report counts, exactly (parts right
    over parts): one per question of a case study (each weighs as much as any other
    question), else one."""
    if doc["item_type"] == "case-study":
        pairs = zip(doc["questions"], response, strict=True)
        return [earned(sub, r)[0] for sub, r in pairs]
    parts = grade(doc, response).parts
    return [Fraction(sum(parts), len(parts))]


def scaled_score(per_question: list[Fraction]) -> int:
    """1000 * points / questions rounded half up (a score that fails never shows 700)."""
    ratio = sum(per_question) / len(per_question)
    shown = math.floor(1000 * ratio + Fraction(1, 2))
    return shown if ratio >= Fraction(7, 10) else min(shown, 699)
