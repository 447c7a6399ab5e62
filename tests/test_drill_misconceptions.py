"""question_bank/misconceptions.yaml is the T-table of docs/azure-rules.md section 12, verbatim."""

from __future__ import annotations

import re
from pathlib import Path

from quizgen.drill.misconceptions import belief, table

RULES = Path(__file__).resolve().parent.parent / "docs" / "azure-rules.md"


def test_matches_the_rule_book() -> None:
    rows = {}
    for line in RULES.read_text(encoding="utf-8").splitlines():
        m = re.fullmatch(r"\| (T-\d\d) \| (.*?) \| (.*?) \|", line.strip())
        if m:
            rows[m[1]] = (m[2], m[3])
    assert len(rows) >= 50
    assert table() == rows


def test_every_misconception_a_question_can_name_is_known() -> None:
    from quizgen.questions.generate import generate

    named = set()
    for doc in generate(120, seed=11):
        subs = doc.get("questions") or [doc]
        for sub in subs:
            named |= {o["misconception"] for o in sub.get("options", []) if "misconception" in o}
    assert named, "no distractor named a misconception"
    assert named <= set(table())


def test_unknown_id_is_shown_as_itself() -> None:
    assert belief("T-99")[0] == "T-99"
    assert belief("T-19")[0] == "A lower priority number means lower precedence"
