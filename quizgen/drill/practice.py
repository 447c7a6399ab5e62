"""``quizgen drill`` and ``quizgen review``: adaptive practice with immediate feedback.

Each turn the scheduler picks a family (overdue first, then new, then weak), a fresh variant of it
is generated and passed through the gate, and the learner answers at a prompt. The answer is graded
against the evaluator's key, committed to the progress store before the feedback appears, and fed
back to the scheduler. Feedback names the key, the misconception behind a wrong pick and the
evaluator's explanation.

The terminal is reached only through :class:`Console`, so tests can drive a drill with scripted
input as well as in a real pseudo-terminal.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, TextIO

from quizgen.drill.grading import AnswerError, Grade, describe, grade, parse
from quizgen.drill.misconceptions import belief
from quizgen.drill.schedule import Scheduler
from quizgen.drill.store import Store
from quizgen.errors import QuizgenError
from quizgen.render import terminal

Doc = dict[str, Any]

HELP = """\
Type your answer, then Enter. Examples:
  single choice, fix-it   B          (or the option's number)
  multiple choice         A C        (exactly as many as asked)
  yes / no series         y n y      (one per statement)
  hotspot                 2 1 3      (the number of your choice for each blank)
  ordering                3 1 4 2    (the step numbers in the right order)
Commands:
  e  show the exhibits again     t  show the topology as a tree
  x  explanation of the last question again
  f  flag this question for later (toggle)
  s  skip this question          q  quit (every answer so far is saved)
  ?  this help"""


NEXT = "Enter: next question, q: stop. "


class Quit(Exception):
    """The learner asked to stop (q, end of input)."""


class Skip(Exception):
    """The learner skipped the question."""


@dataclass
class Console:
    """Where a drill reads and writes. ``color`` adds emphasis; ``boxed`` draws box tables."""

    out: TextIO = field(default_factory=lambda: sys.stdout)
    read: Callable[[str], str] = input
    color: bool = True
    boxed: bool = True
    width: int = 100

    def say(self, text: str = "", style: str | None = None) -> None:
        if self.color and style:
            import click

            text = click.style(text, **_STYLES[style])
        self.out.write(text + "\n")
        self.out.flush()

    def lines(self, lines: list[str], style: str | None = None) -> None:
        for line in lines:
            self.say(line, style)

    def ask(self, prompt: str) -> str:
        try:
            return self.read(prompt)
        except EOFError:
            raise Quit from None


_STYLES: dict[str, dict[str, Any]] = {
    "heading": {"bold": True},
    "good": {"fg": "green", "bold": True},
    "bad": {"fg": "red", "bold": True},
    "dim": {"dim": True},
    "note": {"fg": "yellow"},
}


@dataclass(frozen=True)
class Filters:
    """What the learner asked to practise."""

    families: Collection[str] | None = None
    objective: str | None = None
    item_type: str | None = None
    difficulty: int | None = None


@dataclass
class Summary:
    """The figures of one drill or review session."""

    answered: int = 0
    correct: int = 0
    points: float = 0.0
    skipped: int = 0
    by_objective: Counter[str] = field(default_factory=Counter)
    right_by_objective: Counter[str] = field(default_factory=Counter)

    def add(self, doc: Doc, result: Grade) -> None:
        self.answered += 1
        self.correct += result.correct
        self.points += result.score
        self.by_objective[doc["objective"]] += 1
        self.right_by_objective[doc["objective"]] += result.correct

    def to_dict(self) -> dict[str, Any]:
        return {
            "answered": self.answered,
            "correct": self.correct,
            "points": round(self.points, 2),
            "skipped": self.skipped,
            "by_objective": {
                o: {"answered": n, "correct": self.right_by_objective[o]}
                for o, n in sorted(self.by_objective.items())
            },
        }


def eligible_families(filters: Filters) -> list[str]:
    """The families that can produce items matching ``filters``."""
    from quizgen.questions.families import families
    from quizgen.questions.generate import wording

    names = []
    for name, fam in families().items():
        if filters.families is not None and name not in filters.families:
            continue
        if filters.item_type is not None and filters.item_type not in fam.spec.item_types:
            continue
        if filters.objective is not None and (
            filters.objective.lower() not in wording(name).objective.lower()
        ):
            continue
        names.append(name)
    if not names:
        raise QuizgenError(
            "no question family matches these filters (--family/--objective/--type); "
            "see 'quizgen generate --list'"
        )
    return names


def fresh_question(family: str, filters: Filters, rng: random.Random, seen: set[str]) -> Doc | None:
    """A variant of ``family`` that passes the gate, matches the filters and was not served yet."""
    from quizgen.questions.gate import problems
    from quizgen.questions.generate import question

    for _ in range(40):
        doc = question(family, rng.randrange(2**31))
        if doc is None or doc["id"] in seen:
            continue
        if filters.item_type is not None and doc["item_type"] != filters.item_type:
            continue
        if filters.difficulty is not None and doc["difficulty"] != filters.difficulty:
            continue
        if problems(doc):
            continue  # the gate throws it away
        return doc
    return None


class Drill:
    """One practice session: pick, ask, grade, save, explain, repeat."""

    def __init__(
        self,
        store: Store,
        console: Console,
        rng: random.Random,
        filters: Filters = Filters(),
        count: int | None = None,
        mode: str = "drill",
        session: int | None = None,
    ) -> None:
        self.store = store
        self.console = console
        self.rng = rng
        self.filters = filters
        self.count = count
        self.mode = mode
        self.families = eligible_families(filters)
        self.scheduler = Scheduler(store, self.families, rng)
        self.session = session
        self.summary = Summary()
        # Never serve a question twice: not one answered, nor one flagged and skipped.
        self.seen: set[str] = set(store.question_ids()) | {q for _, q in store.flagged()}
        self.last: Doc | None = None

    # --- the loop ---------------------------------------------------------------------------

    def run(self) -> Summary:
        c = self.console
        if self.session is None:
            self.session = self._resume_or_start()
        c.say("Type ? for help, q to stop. Every answer is saved as you give it.", "dim")
        number = 0
        try:
            while self.count is None or self.summary.answered < self.count:
                doc = self._next()
                if doc is None:
                    c.say("No fresh question matches these filters any more.", "note")
                    break
                number += 1
                try:
                    self.ask(doc, number)
                except Skip:
                    self.summary.skipped += 1
                    c.say("Skipped.", "dim")
                    continue
                if self.count is None or self.summary.answered < self.count:
                    self._pause()
        except Quit:
            pass
        self.store.finish_session(self.session, self.summary.to_dict())
        self.report()
        return self.summary

    def _pause(self) -> None:
        """Keep the feedback on screen until the learner asks for the next question."""
        text = self.console.ask(NEXT).strip().lower()
        if text in ("q", "quit", "exit"):
            raise Quit

    def _resume_or_start(self) -> int:
        """The session to record into: an interrupted one with the same options (Ctrl-C, a
        closed terminal or a killed process leave it unfinished) continues; else a new one."""
        options = {
            "families": sorted(self.families),
            "objective": self.filters.objective,
            "item_type": self.filters.item_type,
            "difficulty": self.filters.difficulty,
            "count": self.count,
        }
        prior = self.store.unfinished(self.mode)
        if prior is None or prior.options != options or not self.store.claim(prior.id):
            # Nothing to resume, or it is another quizgen's session, still running.
            session = self.store.start_session(self.mode, options)
            self.store.claim(session)
            return session
        for row in prior.answers:
            self.summary.answered += 1
            self.summary.correct += row.correct
            self.summary.points += row.score
            self.summary.by_objective[row.objective] += 1
            self.summary.right_by_objective[row.objective] += row.correct
        started = prior.started.astimezone().strftime("%Y-%m-%d %H:%M")
        self.console.say(
            f"Resuming the {self.mode} you started {started}: "
            f"{self.summary.answered} answered so far.",
            "note",
        )
        return prior.id

    def _next(self) -> Doc | None:
        tried: set[str] = set()
        while len(tried) < len(self.families):
            family, _why = self.scheduler.next_family(
                allowed=[f for f in self.families if f not in tried]
            )
            tried.add(family)
            doc = fresh_question(family, self.filters, self.rng, self.seen)
            if doc is not None:
                self.seen.add(doc["id"])
                return doc
        return None

    # --- one question -----------------------------------------------------------------------

    def ask(self, doc: Doc, number: int) -> None:
        c = self.console
        c.say()
        c.lines(self._screen(doc, number, exhibits=True), None)
        started = time.monotonic()
        flagged = False
        if doc["item_type"] == "case-study":
            response = []
            for k, sub in enumerate(doc["questions"], start=1):
                c.say()
                c.lines(self._screen(sub, f"{number}.{k}", exhibits=False))
                sub_response, flagged = self._answer(sub, doc, flagged)
                response.append(sub_response)
        else:
            response, flagged = self._answer(doc, doc, flagged)
        result = grade(doc, response)
        self.store.record_answer(
            self.session, doc, response, result,
            seconds=round(time.monotonic() - started, 1), flagged=flagged,
        )  # fmt: skip
        self.scheduler.update(doc, result)
        self.summary.add(doc, result)
        self.last = doc
        self.feedback(doc, response, result)

    def _screen(self, doc: Doc, number: int | str, exhibits: bool) -> list[str]:
        c = self.console
        lines = terminal.question_lines(doc, None, width=c.width, boxed=c.boxed, exhibits=exhibits)
        lines[0] = f"Question {number} · " + lines[0].removeprefix("Question · ")
        if "id" in doc:  # quizgen generate --id ID shows it again, with its key
            lines[0] += f" · {doc['id']}"
        return lines

    def _answer(self, doc: Doc, whole: Doc, flagged: bool) -> tuple[Any, bool]:
        """Prompt until the learner gives an answer ``parse`` understands; run the commands."""
        c = self.console
        while True:
            text = c.ask(_prompt(doc)).strip()
            command = text.lower()
            if command in ("q", "quit", "exit"):
                raise Quit
            if command in ("s", "skip"):
                if flagged:  # kept for quizgen review and quizgen stats, though unanswered
                    self.store.set_flag(self.session, whole["id"], True)
                raise Skip
            if command in ("?", "h", "help"):
                c.lines(HELP.splitlines(), "dim")
            elif command == "e":
                for exhibit in whole.get("exhibits") or []:
                    c.lines(["", *terminal.exhibit_lines(exhibit, c.width, c.boxed)])
            elif command == "t":
                c.lines(terminal.topology_tree(whole["topology"], c.boxed))
            elif command == "x":
                if self.last is None:
                    c.say("No question answered yet in this session.", "note")
                else:
                    c.lines(terminal.explanation_lines(self.last, c.width))
            elif command == "f":
                flagged = not flagged
                c.say("Flagged for later." if flagged else "Flag removed.", "note")
            elif not text:
                c.say("Type an answer, or ? for help.", "note")
            else:
                try:
                    return parse(doc, text), flagged
                except AnswerError as error:
                    c.say(str(error), "note")

    # --- feedback ----------------------------------------------------------------------------

    def feedback(self, doc: Doc, response: Any, result: Grade) -> None:
        c = self.console
        c.say()
        if result.correct:
            c.say("✓ Correct." if c.boxed else "Correct.", "good")
        else:
            parts = ""
            if len(result.parts) > 1:
                parts = f" ({sum(result.parts)} of {len(result.parts)} parts right)"
            c.say(("✗ Incorrect." if c.boxed else "Incorrect.") + parts, "bad")
        subs = doc["questions"] if doc["item_type"] == "case-study" else [doc]
        answers = response if doc["item_type"] == "case-study" else [response]
        for k, (sub, given) in enumerate(zip(subs, answers, strict=True), start=1):
            lead = f"Question {k}: " if len(subs) > 1 else ""
            c.lines(terminal.wrap(f"{lead}Your answer: {describe(sub, given)}", c.width))
            key = grade(sub, given).expected
            c.lines(terminal.wrap(f"{lead}Correct answer: {describe(sub, key)}", c.width))
        for tid in result.misconceptions:
            text, rule = belief(tid)
            c.lines(
                terminal.wrap(
                    f"Your pick is the answer of someone who believes: {text} ({tid}). "
                    f"What holds instead: {rule}.",
                    c.width,
                ),
                "note",
            )
        c.say("Why:", "heading")
        c.lines(terminal.explanation_lines(doc, c.width))

    def report(self) -> None:
        c = self.console
        s = self.summary
        c.say()
        if not s.answered:
            c.say("No questions answered this time.")
            return
        percent = round(100 * s.correct / s.answered)
        c.say(f"Session: {s.correct} of {s.answered} correct ({percent}%).", "heading")
        for objective, n in sorted(s.by_objective.items()):
            c.say(f"  {objective}: {s.right_by_objective[objective]} of {n}")
        c.say("Your progress over time: quizgen stats", "dim")


def _prompt(doc: Doc) -> str:
    kind = doc["item_type"]
    if kind in ("single-choice", "fix-it"):
        return f"Answer ({doc['options'][0]['key']}-{doc['options'][-1]['key']}, ? for help): "
    if kind == "multi-choice":
        return f"Answer ({doc.get('select', 2)} letters, ? for help): "
    if kind == "yes-no-series":
        return f"Answer (y or n for each of the {len(doc['statements'])} statements): "
    if kind == "hotspot":
        return f"Answer (a choice number for each of the {len(doc['blanks'])} blanks): "
    return f"Answer (the {len(doc['ordering']['steps'])} step numbers in order): "
