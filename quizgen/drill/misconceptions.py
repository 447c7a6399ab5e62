"""The wrong beliefs behind distractors (azure-rules.md section 12), as the drill shows them.

The texts live in ``question_bank/misconceptions.yaml`` so wording changes without code; a test
keeps that file equal to the table in docs/azure-rules.md.
"""

from __future__ import annotations

from functools import cache

import yaml

from quizgen.errors import QuizgenError
from quizgen.resources import question_bank_dir

FILE = "misconceptions.yaml"


@cache
def table() -> dict[str, tuple[str, str]]:
    """T-id -> (the wrong belief, the rule that holds instead)."""
    path = question_bank_dir() / FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return {
            str(tid): (str(entry["belief"]), str(entry["rule"]))
            for tid, entry in data["misconceptions"].items()
        }
    except (OSError, yaml.YAMLError, KeyError, TypeError, AttributeError) as error:
        raise QuizgenError(
            f"{path}: cannot read the misconception table ({error}); expected a mapping "
            "'misconceptions: {T-nn: {belief: ..., rule: ...}}'; reinstall quizgen"
        ) from None


def belief(tid: str) -> tuple[str, str]:
    """The belief and the correct rule of misconception ``tid`` (the id itself when unknown)."""
    return table().get(tid, (tid, "see azure-rules.md section 12"))
