"""The plain exam (quizgen/drill/exam_plain.py) in-process: typed lines in, printed lines out.
Every item type answered, commands, locked and malformed answers, the end of input, time up.
(The real program in a pseudo-terminal is in test_exam_pty.py.)"""

from __future__ import annotations

from typing import Any

import pytest

from quizgen.drill.exam import Exam, report_lines
from quizgen.drill.exam_plain import PlainExam
from quizgen.drill.grading import describe, grade, key
from quizgen.questions import ITEM_TYPES
from quizgen.questions.generate import generate


@pytest.fixture(scope="module")
def docs() -> list[dict[str, Any]]:
    return [generate(1, 3, item_type=kind)[0] for kind in ITEM_TYPES]


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Terminal:
    """Lines typed in, lines printed out; running out of lines is the end of input."""

    def __init__(self, lines: list[str], clock: FakeClock | None = None, tick: float = 0) -> None:
        self.lines = list(lines)
        self.out: list[str] = []
        self.clock, self.tick = clock, tick

    def read(self, prompt: str) -> str:
        self.out.append(prompt)
        if not self.lines:
            raise EOFError
        if self.clock is not None:
            self.clock.now += self.tick
        return self.lines.pop(0)

    def write(self, text: str) -> None:
        self.out.append(text)

    @property
    def text(self) -> str:
        return "\n".join(self.out)


def sit(docs, lines, seconds=3600.0, clock=None, tick=0.0) -> tuple[str, Exam, Terminal]:
    exam = Exam(docs, seconds, clock=clock or FakeClock())
    terminal = Terminal(lines, clock, tick)
    shown = PlainExam(
        exam,
        lambda doc, number, exhibits=True: [f"Q{number}: {doc['stem']}"],
        read=terminal.read,
        write=terminal.write,
        tree_lines=lambda topology: ["TREE"],
    )
    return shown.run(), exam, terminal


def typed(doc: dict[str, Any], response: Any) -> list[str]:
    kind = doc["item_type"]
    if kind in ("single-choice", "fix-it"):
        return [response.lower()]
    if kind == "multi-choice":
        return [",".join(response)]
    if kind == "yes-no-series":
        return [" ".join("yes" if yes else "no" for yes in response)]
    if kind == "hotspot":
        return [
            " ".join(
                str(b["choices"].index(c) + 1) for b, c in zip(doc["blanks"], response, strict=True)
            )
        ]
    if kind == "ordering":
        return [" ".join(str(i + 1) for i in response)]
    return [
        f"{n} {typed(sub, r)[0]}"
        for n, (sub, r) in enumerate(zip(doc["questions"], response, strict=True), 1)
    ]


def test_every_item_type_answered_then_submitted(docs) -> None:
    lines = [line for doc in docs for line in typed(doc, key(doc))]
    outcome, exam, terminal = sit(docs, [*lines, "s", "y"])
    assert outcome == "submitted"
    assert [item.response for item in exam.items] == [key(doc) for doc in docs]
    assert "Score: 1000 of 1000 (PASS; the pass mark is 700)" in terminal.text
    assert terminal.out[-len(report_lines(exam.report())) :] == report_lines(exam.report())
    # no feedback before the report: only "Saved"
    before = terminal.text.split("Score:")[0]
    assert "Correct answer" not in before and "point" not in before


def test_commands_flag_review_goto_and_topology(docs) -> None:
    lines = ["f", "n", "g 1", "f", "f", "r", "t", "?", "g 9", "p", "q"]
    outcome, exam, terminal = sit(docs[:3], lines)
    assert outcome == "paused"
    text = terminal.text
    assert "Question 1 flagged." in text and "Question 1 unflagged." in text
    assert exam.review().flagged == (1,)
    assert "Unanswered (3): 1 2 3" in text and "Flagged (1): 1" in text
    assert "TREE" in text
    assert "Commands: n next" in text
    assert "There is no question 9" not in text
    assert "This is the last question (1 to 3)." in text
    assert "This is the first question (1 to 3)." in text


def test_a_malformed_answer_is_explained_and_not_saved(docs) -> None:
    multi = docs[ITEM_TYPES.index("multi-choice")]
    outcome, exam, terminal = sit([multi], ["A", "Z Q"])
    assert outcome == "input-ended"
    assert "Not saved: one given; expected two letters from A to E" in terminal.text
    assert exam.current.response is None


def test_a_yes_no_series_locks_once_answered(docs) -> None:
    series = docs[ITEM_TYPES.index("yes-no-series")]
    _, exam, terminal = sit([series, docs[0]], ["y y y", "p", "n n n", "q"])
    assert exam.items[0].locked and exam.items[0].response == [True, True, True]
    assert "Question 1 is locked" in terminal.text
    assert "[locked; your answer: Yes, Yes, Yes]" in terminal.text


def test_a_case_study_is_answered_question_by_question(docs) -> None:
    case = docs[ITEM_TYPES.index("case-study")]
    right = key(case)
    first, *rest = typed(case, right)
    outcome, exam, terminal = sit([case], [first, "9 A", *rest, "s", "y"])
    assert "Not saved: a case study is answered one question at a time" in terminal.text
    assert exam.items[0].response == right
    assert outcome == "submitted"


def test_a_case_study_shows_each_of_its_questions_and_what_is_answered(docs) -> None:
    case = docs[ITEM_TYPES.index("case-study")]
    questions = case["questions"]
    first = typed(case, key(case))[0]
    _, exam, terminal = sit([docs[0], case], ["n", first, "g 2", "q"])
    shows = terminal.text.split("=== Question 2 of 2")
    assert len(shows) == 3  # shown after n and after g 2
    before, after = shows[1], shows[2]
    for k, sub in enumerate(questions, start=1):
        assert f"Q2.{k}: {sub['stem']}" in before
        assert f"Q2.{k}: {sub['stem']}" in after
    assert "Your answer to question 2.1: none yet" in before
    assert f"0 of {len(questions)} questions of this case study answered" in before
    assert f"Your answer to question 2.1: {describe(questions[0], key(questions[0]))}" in after
    assert "Your answer to question 2.2: none yet" in after
    assert f"1 of {len(questions)} questions of this case study answered" in after
    assert exam.items[1].response[0] == key(questions[0])


def test_time_up_submits_what_was_answered(docs) -> None:
    clock = FakeClock()
    lines = [typed(docs[0], key(docs[0]))[0], "n", "n"]
    outcome, exam, terminal = sit(docs[:3], lines, seconds=100, clock=clock, tick=40)
    assert outcome == "submitted"
    assert "Time is up: the exam is submitted" in terminal.text
    assert exam.report().points == grade(docs[0], key(docs[0])).score == 1
    assert "Score: 333 of 1000" in terminal.text
