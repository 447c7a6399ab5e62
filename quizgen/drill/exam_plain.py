"""The exam in plain lines (``quizgen exam --plain``): for screen readers, pipes and terminals
without cursor control. No colour, no cursor movement: each question is printed, then one line
is read. Used automatically when standard input or output is not a terminal.

A line is a command or an answer:

    n / p        next / previous question
    g N          go to question N
    f            flag or unflag this question for review
    r            review: answered, unanswered, flagged and locked questions
    t            the topology of this question as a tree
    s            submit (asks to confirm), then the report
    q            stop here; the exam is saved and can be resumed
    ?            this help

Anything else answers the question shown, in the forms grading.parse reads ("B", "A C",
"y n y", "2 1 3", "3 1 4 2"; an option may also be given by its number). A case study shows
its scenario and exhibits, then each of its questions numbered N.K with its options (or
statements, blanks, steps) and the answer given so far; they are answered one at a time as
``K ANSWER`` (K the question's number in the case study). After an
answer the next question is shown (an answered yes/no series is then locked, as on the real
exam). Nothing says whether an answer is right until the report.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from quizgen.drill.exam import Exam, ExamError, Item, Report, clock_text, report_lines
from quizgen.drill.grading import AnswerError, describe, parse

Doc = dict[str, Any]


class Lines(Protocol):
    """A question as lines: ``label`` heads it ("Question 7", a case study's "Question 7.2");
    ``exhibits=False`` leaves the exhibits out (a case study's questions share its own)."""

    def __call__(self, doc: Doc, label: int | str, *, exhibits: bool = True) -> Sequence[str]: ...


TreeLines = Callable[[Doc], Sequence[str]]

HELP = """\
Commands: n next, p previous, g N go to question N, f flag/unflag, r review,
t topology tree, s submit, q stop (resume later), ? this help.
Answer by typing it: B | A C | y n y | 2 1 3 (hotspot choices) | 3 1 4 2 (ordering);
a case study: 'K ANSWER' for its question K, e.g. 1 y n y."""

GOTO = re.compile(r"g\s*(\d+)", re.IGNORECASE)
SUB = re.compile(r"(\d+)\s*[:.)]?\s+(.+)")


class PlainExam:
    """The line-by-line exam over ``exam``. ``run()`` returns how it ended: "submitted",
    "paused" (q) or "input-ended"."""

    def __init__(
        self,
        exam: Exam,
        question_lines: Lines,
        *,
        read: Callable[[str], str] = input,
        write: Callable[[str], None] = print,
        tree_lines: TreeLines | None = None,
        report: Callable[[Report], list[str]] = report_lines,
    ) -> None:
        self.exam = exam
        self.report = report
        self.question_lines = question_lines
        self.read = read
        self.write = write
        self.tree_lines = tree_lines

    def run(self) -> str:
        self.write("Nothing is marked right or wrong until you submit.")
        self.write(HELP)
        self.show()
        while True:
            if self.exam.expired:
                self.write("Time is up: the exam is submitted.")
                return self.submit()
            try:
                line = self.read(self.prompt()).strip()
            except EOFError:
                self.write("")
                return "input-ended"
            if self.exam.expired:
                self.write("Time is up: the exam is submitted (the last line was not used).")
                return self.submit()
            self.exam.save_time()
            outcome = self.handle(line)
            if outcome is not None:
                return outcome

    # -- one line -------------------------------------------------------------------------

    def prompt(self) -> str:
        item = self.exam.current
        return (
            f"[{item.number}/{len(self.exam.items)} {clock_text(self.exam.time_left())} left]"
            " answer or command (? for help): "
        )

    def handle(self, line: str) -> str | None:
        command = line.lower()
        goto = GOTO.fullmatch(line)
        if not line:
            return None
        if command == "q":
            return "paused"
        if command == "s":
            return self.confirm_submit()
        if command == "?":
            self.write(HELP)
        elif command == "n":
            self.move(self.exam.position + 1)
        elif command == "p":
            self.move(self.exam.position - 1)
        elif goto:
            self.move(int(goto[1]) - 1)
        elif command == "f":
            item = self.exam.flag()
            self.write(f"Question {item.number} {'flagged' if item.flagged else 'unflagged'}.")
        elif command == "r":
            self.review()
        elif command == "t":
            self.tree()
        else:
            self.answer(line)
        return None

    def move(self, position: int) -> None:
        if not 0 <= position < len(self.exam.items):
            edge = "first" if position < 0 else "last"
            self.write(f"This is the {edge} question (1 to {len(self.exam.items)}).")
            return
        self.exam.goto(position)
        self.show()

    def answer(self, text: str) -> None:
        item = self.exam.current
        if not self.exam.can_answer(item):
            self.write(self._closed(item))
            return
        try:
            response = self._response(item, text)
            self.exam.answer(response)
        except (AnswerError, ExamError) as error:
            self.write(f"Not saved: {error}")
            return
        self.write(f"Saved: {describe(item.doc, item.response).rstrip('.')}.")
        if item.answered and item.position + 1 < len(self.exam.items):
            self.move(item.position + 1)
        elif item.answered:
            self.write("That was the last question: r to review, s to submit.")

    def _response(self, item: Item, text: str) -> Any:
        doc = item.doc
        if doc["item_type"] != "case-study":
            return parse(doc, text)
        questions = doc["questions"]
        match = SUB.fullmatch(text)
        if match is None or not 1 <= int(match[1]) <= len(questions):
            raise AnswerError(
                f"a case study is answered one question at a time: K ANSWER, with K from 1 "
                f"to {len(questions)}, e.g. 1 y n y"
            )
        number = int(match[1])
        response = list(item.response or [None] * len(questions))
        try:
            response[number - 1] = parse(questions[number - 1], match[2])
        except AnswerError as error:
            raise AnswerError(f"question {number}: {error.message}") from None
        return response

    @staticmethod
    def _closed(item: Item) -> str:
        if item.locked:
            return (
                f"Question {item.number} is locked: a yes/no series cannot be changed once "
                "answered and left."
            )
        return "No more answers: the exam is over."

    # -- what is shown --------------------------------------------------------------------

    def show(self) -> None:
        item = self.exam.current
        notes = []
        if item.flagged:
            notes.append("flagged")
        if item.locked:
            notes.append("locked")
        if item.started:
            notes.append(f"your answer: {describe(item.doc, item.response)}")
        self.write("")
        self.write(
            f"=== Question {item.number} of {len(self.exam.items)} "
            f"(time left {clock_text(self.exam.time_left())})"
            + (f" [{'; '.join(notes)}]" if notes else "")
        )
        for line in self.question_lines(item.doc, item.number):
            self.write(line)
        if item.locks and not item.locked:
            self.write("Once answered and left, this yes/no series cannot be changed.")
        if item.doc["item_type"] == "case-study":
            self.case_study(item)

    def case_study(self, item: Item) -> None:
        """Each question of a case study, numbered N.K, with the answer given so far."""
        questions = item.doc["questions"]
        response = item.response or [None] * len(questions)
        for k, (sub, given) in enumerate(zip(questions, response, strict=True), start=1):
            self.write("")
            for line in self.question_lines(sub, f"{item.number}.{k}", exhibits=False):
                self.write(line)
            given_text = "none yet" if given is None else describe(sub, given)
            self.write(f"Your answer to question {item.number}.{k}: {given_text}")
        answered = sum(given is not None for given in response)
        self.write("")
        self.write(
            f"{answered} of {len(questions)} questions of this case study answered. "
            "Answer each question as K ANSWER, e.g. 1 y n y."
        )

    def review(self) -> None:
        review = self.exam.review()

        def numbers(values: tuple[int, ...]) -> str:
            return " ".join(str(n) for n in values) or "none"

        self.write(f"Answered ({len(review.answered)}): {numbers(review.answered)}")
        self.write(f"Unanswered ({len(review.unanswered)}): {numbers(review.unanswered)}")
        self.write(f"Flagged ({len(review.flagged)}): {numbers(review.flagged)}")
        self.write(f"Locked ({len(review.locked)}): {numbers(review.locked)}")
        self.write(f"Time left: {clock_text(self.exam.time_left())}. g N to go, s to submit.")

    def tree(self) -> None:
        doc = self.exam.current.doc
        if self.tree_lines is None or "topology" not in doc:
            self.write("No topology view for this question.")
            return
        for line in self.tree_lines(doc["topology"]):
            self.write(line)

    # -- the end --------------------------------------------------------------------------

    def confirm_submit(self) -> str | None:
        unanswered = len(self.exam.review().unanswered)
        warning = f" {unanswered} question(s) are unanswered." if unanswered else ""
        try:
            reply = self.read(f"Submit the exam?{warning} Type y to submit: ").strip().lower()
        except EOFError:
            self.write("")
            return "input-ended"
        if reply not in ("y", "yes"):
            self.write("Not submitted.")
            return None
        return self.submit()

    def submit(self) -> str:
        result = self.exam.submit()
        self.write("")
        for line in self.report(result):
            self.write(line)
        return "submitted"
