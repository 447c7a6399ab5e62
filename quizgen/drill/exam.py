"""The timed mock exam, apart from any screen: items, navigation, answers, flags, time, report.

An :class:`Exam` holds the questions of one sitting in order. The learner moves between them
(``next``/``prev``/``goto``), answers the current one (``answer``), flags items for review and
finally submits, which gives a :class:`Report`. Nothing is said about right or wrong before
that: the grades are computed when an answer is given (so that the store can keep them) but
only the report shows them.

Rules taken from the real exam:

- A yes/no statement series cannot be changed once the learner has answered it and moved on:
  it is *locked* (it can still be looked at).
- The clock runs from the start; when it runs out the exam can only be submitted.
- Every question weighs the same, and each question of a case study is a question of its
  own (as on AZ-104): a question earns its grade's score (partial credit, 0..1), counted
  exactly (as a fraction of its parts). The learner passes when ``points / questions`` is at
  least 0.7, exactly; the scaled score shown is ``1000 * points / questions`` rounded half up,
  except that a score that does not pass is never shown as 700 (699.5 shows 699).

The clock is injectable (``clock``, seconds, monotonic) and so is what keeps the answers
(``journal``: the progress store through :class:`StoreJournal`, a list in tests), so the model
is tested without a terminal, a database or waiting.

Time and resuming: the clock runs only while the exam runs, and time used is never given
back. Each answer is charged the time since the previous answer (``Item.seconds`` adds up what
an item was charged, kept with the answer for the statistics); the time used in all is saved
(``save_time``: the session's ``seconds_used`` in the store) at every answer, when the exam is
stopped (q, Ctrl-C, the end of input) and periodically while it runs (the screens call
``save_time``; see exam_cli). A resumed exam (:func:`resume`) has the allowance less the time
saved, so reading the questions, quitting and resuming does not reset the clock; a process
killed outright (SIGKILL, a power cut) loses at most the time since the last save.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Protocol

from quizgen.drill.grading import AnswerError, Grade, describe, grade, key
from quizgen.errors import QuizgenError

Doc = dict[str, Any]
Response = Any
#: Scaled score that passes, on the 0..1000 scale of the real exam.
PASS_MARK = 700
SCALE = 1000


class ExamError(QuizgenError):
    """Something the exam rules do not allow (a locked item, time up, no such item...)."""


Grader = Callable[[Doc, Response], Grade]


class Journal(Protocol):
    """Where the exam writes each event as it happens (the progress store)."""

    def answered(self, item: Item) -> None:
        """``item``'s response changed: complete, in part (a case study) or taken back
        (None)."""

    def flagged(self, item: Item) -> None: ...

    def timed(self, seconds: float) -> None: ...

    def submitted(self, exam: Exam) -> None: ...


@dataclass
class Item:
    """One question of the exam and what the learner did with it."""

    position: int  # 0-based place in the exam
    doc: Doc
    response: Response = None
    grade: Grade | None = None
    flagged: bool = False
    locked: bool = False
    seconds: float = 0.0  # time charged to this item's answers

    @property
    def number(self) -> int:
        """1-based, as shown to the learner."""
        return self.position + 1

    @property
    def answered(self) -> bool:
        """Answered in full (a case study: every one of its questions)."""
        if self.response is None:
            return False
        return self.doc["item_type"] != "case-study" or None not in self.response

    @property
    def started(self) -> bool:
        """Something is answered (a case study may be answered in part)."""
        return self.response is not None

    @property
    def locks(self) -> bool:
        """True for the items that lock once answered and left (yes/no statement series)."""
        return self.doc["item_type"] == "yes-no-series"

    @property
    def score(self) -> float:
        return self.grade.score if self.grade is not None else 0.0

    @property
    def exact_score(self) -> Fraction:
        """``score`` as an exact fraction of the parts right (no float rounding)."""
        return _exact(self.grade)

    @property
    def misconceptions(self) -> tuple[str, ...]:
        return self.grade.misconceptions if self.grade is not None else ()

    def scored(self) -> tuple[Scored, ...]:
        """What the item counts in the report: one question, or one per question of a case
        study (each its own grade's score), so that every question weighs the same."""
        doc = self.doc
        if doc["item_type"] != "case-study":
            return (Scored(doc["objective"], self.exact_score, self.answered),)
        questions = doc["questions"]
        responses = self.response or [None] * len(questions)
        grades = self.grade.subgrades if self.grade is not None else (None,) * len(questions)
        return tuple(
            Scored(
                sub.get("objective", doc["objective"]),
                _exact(sub_grade) if given is not None else Fraction(0),
                given is not None,
            )
            for sub, given, sub_grade in zip(questions, responses, grades, strict=True)
        )


@dataclass(frozen=True, slots=True)
class Scored:
    """One question as the report counts it (a case study counts one per question)."""

    objective: str
    points: Fraction  # 0..1
    answered: bool


def _exact(grade: Grade | None) -> Fraction:
    """A grade's score as an exact fraction: parts right over parts."""
    if grade is None or not grade.parts:
        return Fraction(0)
    return Fraction(sum(grade.parts), len(grade.parts))


def half_up(value: Fraction) -> int:
    """``value`` rounded to a whole number, halves up (round() would take halves to even)."""
    return math.floor(value + Fraction(1, 2))


@dataclass(frozen=True, slots=True)
class Review:
    """Where the learner stands before submitting (item numbers, 1-based)."""

    answered: tuple[int, ...]
    unanswered: tuple[int, ...]
    flagged: tuple[int, ...]
    locked: tuple[int, ...]


class Exam:
    """One sitting of the mock exam."""

    def __init__(
        self,
        docs: Sequence[Doc],
        seconds: float,
        *,
        grader: Grader = grade,
        clock: Callable[[], float] = time.monotonic,
        used: float = 0.0,
        journal: Journal | None = None,
    ) -> None:
        if not docs:
            raise ExamError("an exam needs at least one question")
        self.items = tuple(Item(position, doc) for position, doc in enumerate(docs))
        self.allowed = float(seconds)
        self.position = 0
        self.submitted = False
        self.session: int | None = None  # the store's session, when there is one
        self._grader = grader
        self._clock = clock
        self._journal = journal
        self.used_before = used  # time used before this run (a resumed exam)
        self._started = clock()
        self._last_event = self._started

    # -- time -------------------------------------------------------------------------------

    def time_used(self) -> float:
        return self.used_before + (self._clock() - self._started)

    def time_left(self) -> float:
        return max(0.0, self.allowed - self.time_used())

    @property
    def expired(self) -> bool:
        return self.time_left() <= 0

    def save_time(self) -> float:
        """Record the time used so far in the journal (nothing once submitted: the summary
        keeps it); returns it, the figure a resumed exam starts from."""
        used = self.time_used()
        if self._journal is not None and not self.submitted:
            self._journal.timed(used)
        return used

    # -- navigation -------------------------------------------------------------------------

    @property
    def current(self) -> Item:
        return self.items[self.position]

    def goto(self, position: int) -> Item:
        """Move to the item at ``position`` (0-based). Leaving an answered yes/no series
        locks it."""
        if not 0 <= position < len(self.items):
            raise ExamError(f"there is no question {position + 1}; expected 1 to {len(self.items)}")
        if position != self.position:
            self._leave()
            self.position = position
        return self.current

    def next(self) -> Item:
        return self.goto(min(self.position + 1, len(self.items) - 1))

    def prev(self) -> Item:
        return self.goto(max(self.position - 1, 0))

    def _leave(self) -> None:
        item = self.current
        if item.locks and item.answered:
            item.locked = True

    # -- answers and flags ------------------------------------------------------------------

    def can_answer(self, item: Item | None = None) -> bool:
        item = item or self.current
        return not (item.locked or self.submitted or self.expired)

    def answer(self, response: Response) -> Item:
        """Answer the current item with ``response`` (the grading module's format); the
        grader rejects a malformed one. None takes the answer back (a choice unchecked on the
        screen): the item is unanswered again. Recorded at once in the journal."""
        item = self.current
        self._check_open(item)
        item.grade = None if response is None else self._grader(item.doc, response)
        item.response = response
        now = self._clock()
        item.seconds += now - self._last_event
        self._last_event = now
        if self._journal is not None:
            self._journal.answered(item)
            self.save_time()
        return item

    def flag(self, on: bool | None = None, position: int | None = None) -> Item:
        """Flag (or unflag, or with ``on`` None toggle) an item for review."""
        item = self.current if position is None else self.items[position]
        if self.submitted:
            raise ExamError("the exam has been submitted")
        item.flagged = (not item.flagged) if on is None else on
        if self._journal is not None:
            self._journal.flagged(item)
        return item

    def _check_open(self, item: Item) -> None:
        if self.submitted:
            raise ExamError("the exam has been submitted")
        if self.expired:
            raise ExamError("time is up: the exam can only be submitted")
        if item.locked:
            raise ExamError(
                f"question {item.number} is locked: a yes/no series cannot be changed "
                "once answered and left"
            )

    # -- review and submit ------------------------------------------------------------------

    def review(self) -> Review:
        return Review(
            answered=tuple(i.number for i in self.items if i.answered),
            unanswered=tuple(i.number for i in self.items if not i.answered),
            flagged=tuple(i.number for i in self.items if i.flagged),
            locked=tuple(i.number for i in self.items if i.locked),
        )

    def submit(self) -> Report:
        if not self.submitted:
            self._leave()
            self.submitted = True
            if self._journal is not None:
                self._journal.submitted(self)
        return self.report()

    def report(self) -> Report:
        return report(self.items, self.time_used())


# -- keeping the exam in the progress store -------------------------------------------------

#: The store's session mode of an exam.
MODE = "exam"


class StoreJournal:
    """Writes each event of an exam to the progress store (quizgen.drill.store.Store) as it
    happens, each one committed before the call returns.

    The store's answers are what the learner's statistics, review and scheduler count, so only
    complete answers go there. A case study answered in part is kept as a draft (for resuming
    only); an answer taken back is removed. Items unanswered (or answered in part) when the
    exam is submitted are never stored as answers: the report counts them as 0 points, the
    statistics do not count them at all."""

    def __init__(self, store: Any, session: int) -> None:
        self.store = store
        self.session = session

    def answered(self, item: Item) -> None:
        if not item.started:
            self.store.forget_answer(self.session, item.doc["id"])
            return
        if not item.answered:
            self.store.save_draft(
                self.session,
                item.doc["id"],
                item.response,
                seconds=item.seconds,
                position=item.position,
            )
            return
        self.store.record_answer(
            self.session,
            item.doc,
            item.response,
            item.grade,
            seconds=item.seconds,
            flagged=item.flagged,
            position=item.position,
        )

    def flagged(self, item: Item) -> None:
        self.store.set_flag(self.session, item.doc["id"], item.flagged)

    def timed(self, seconds: float) -> None:
        self.store.save_time(self.session, seconds)

    def submitted(self, exam: Exam) -> None:
        result = exam.report()
        self.store.finish_session(self.session, summary(result))


def summary(result: Report) -> dict[str, Any]:
    """What the store keeps about a finished exam."""
    return {
        "items": result.items,
        "answered": result.answered,
        "points": float(result.points),
        "scaled": result.scaled,
        "passed": result.passed,
        "seconds": result.time_used,
    }


def start(
    store: Any,
    docs: Sequence[Doc],
    seconds: float,
    options: dict[str, Any],
    *,
    clock: Callable[[], float] = time.monotonic,
) -> Exam:
    """A new exam of ``docs`` recorded in ``store``: the session keeps ``options``, the time
    allowed and the question ids, so that it can be resumed."""
    ids = [doc["id"] for doc in docs]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ExamError(f"an exam asks each question once; repeated: {', '.join(repeated)}")
    session = store.start_session(MODE, {**options, "seconds": seconds}, ids)
    exam = Exam(docs, seconds, clock=clock, journal=StoreJournal(store, session))
    exam.session = session
    return exam


def resume(
    store: Any,
    info: Any,
    docs: Sequence[Doc],
    *,
    clock: Callable[[], float] = time.monotonic,
) -> Exam:
    """The stored exam ``info`` (a store SessionInfo) as it stood: ``docs`` are its questions
    regenerated from ``info.planned``, in that order. Answers, flags and the time used come
    back (the time saved, or for an exam saved before there was one, the time charged to its
    answers); an answered yes/no series is locked; the exam continues at the question after
    the one answered last."""
    planned = list(info.planned or ())
    if [doc["id"] for doc in docs] != planned:
        raise ExamError(f"exam {info.id}: the questions do not match the ones it planned")
    exam = Exam(
        docs,
        float(info.options["seconds"]),
        clock=clock,
        used=max(
            info.seconds_used or 0.0,
            sum(row.seconds for row in (*info.answers, *info.drafts)),
        ),
        journal=StoreJournal(store, info.id),
    )
    exam.session = info.id
    items = {item.doc["id"]: item for item in exam.items}
    latest = None
    stored = [(row, row.answered_at) for row in info.answers]
    stored += [(draft, draft.saved_at) for draft in info.drafts]  # case studies in part
    for row, saved in stored:
        item = items.get(row.question_id)
        if item is None:
            raise ExamError(f"exam {info.id}: answer to {row.question_id}, which it did not plan")
        try:
            item.grade = exam._grader(item.doc, row.response)
        except AnswerError as error:
            raise ExamError(
                f"exam {info.id}: the stored answer to question {item.number} cannot be read "
                f"({error}); start a new exam with --new"
            ) from None
        item.response, item.seconds = row.response, row.seconds
        item.locked = item.locks and item.answered
        if latest is None or (saved, row.position) >= latest[1:]:
            latest = (row.question_id, saved, row.position)
    for question_id in info.flags:
        if question_id in items:
            items[question_id].flagged = True
    if latest is not None:
        exam.position = min(items[latest[0]].position + 1, len(exam.items) - 1)
    return exam


# -- the report -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ObjectiveScore:
    objective: str
    items: int
    points: Fraction

    @property
    def percent(self) -> int:
        """Rounded half up."""
        return half_up(100 * self.points / self.items)


@dataclass(frozen=True, slots=True)
class Misconception:
    """A misconception (docs/azure-rules.md, T-nn) that the learner's wrong picks stand for."""

    code: str
    count: int
    numbers: tuple[int, ...]  # the questions where it showed
    example: str  # the option picked that stands for it, where it first showed


@dataclass(frozen=True, slots=True)
class Missed:
    """An item that did not earn its full points, with what the learner needs to learn."""

    number: int
    doc: Doc
    response: Response
    points: Fraction
    worth: int  # the points it could earn: 1, or a case study's number of questions

    @property
    def explanation(self) -> tuple[str, ...]:
        return tuple(self.doc.get("explanation", ()))


@dataclass(frozen=True, slots=True)
class Report:
    items: int  # questions counted: a case study counts one per question
    answered: int  # of those
    points: Fraction
    time_used: float
    objectives: tuple[ObjectiveScore, ...]
    missed: tuple[Missed, ...]
    misconceptions: tuple[Misconception, ...]
    scores: tuple[float, ...] = field(default=())  # per question counted
    exam_items: int = 0  # items in the exam (a case study is one)

    @property
    def scaled(self) -> int:
        """``1000 * points / items`` rounded half up; below the pass mark when not passed
        (699.5 does not pass, so it shows 699, not 700)."""
        shown = half_up(SCALE * self.ratio)
        return shown if self.passed else min(shown, PASS_MARK - 1)

    @property
    def ratio(self) -> Fraction:
        """Points over questions, exactly."""
        return Fraction(self.points) / self.items

    @property
    def passed(self) -> bool:
        return self.ratio >= Fraction(PASS_MARK, SCALE)


def report(items: Sequence[Item], time_used: float = 0.0) -> Report:
    """The final report of ``items`` as they stand."""
    scored = [question for item in items for question in item.scored()]
    by_objective: dict[str, list[float]] = {}
    for question in scored:
        by_objective.setdefault(question.objective, []).append(question.points)
    shown: dict[str, list[int]] = {}
    examples: dict[str, str] = {}
    for item in items:
        for code in item.misconceptions:
            shown.setdefault(code, []).append(item.number)
            examples.setdefault(code, _picked(item, code))
    counts = Counter({code: len(numbers) for code, numbers in shown.items()})
    missed = []
    for item in items:
        earned = [question.points for question in item.scored()]
        if sum(earned) < len(earned):
            missed.append(Missed(item.number, item.doc, item.response, sum(earned), len(earned)))
    return Report(
        items=len(scored),
        answered=sum(1 for question in scored if question.answered),
        points=sum((question.points for question in scored), Fraction(0)),
        time_used=time_used,
        objectives=tuple(
            ObjectiveScore(objective, len(scores), sum(scores, Fraction(0)))
            for objective, scores in sorted(by_objective.items())
        ),
        missed=tuple(missed),
        misconceptions=tuple(
            Misconception(code, count, tuple(shown[code]), examples[code])
            for code, count in counts.most_common()
        ),
        scores=tuple(float(question.points) for question in scored),
        exam_items=len(items),
    )


def _picked(item: Item, code: str) -> str:
    """The option the learner picked in ``item`` that stands for misconception ``code``, as
    "question 2: C. its text" (in a case study "question 8.2: ..."). The grade's
    misconceptions come from the options picked, so there is one."""
    doc, response = item.doc, item.response
    pairs = [(str(item.number), doc, response)]
    if doc["item_type"] == "case-study":
        pairs = [
            (f"{item.number}.{k}", sub, given)
            for k, (sub, given) in enumerate(zip(doc["questions"], response, strict=True), 1)
        ]
    for number, sub, given in pairs:
        keys = [given] if isinstance(given, str) else (given or [])
        for option in sub.get("options", ()):
            if option["key"] in keys and option.get("misconception") == code:
                return f"question {number}: {option['key']}. {option['text']}"
    return f"question {item.number}"


# -- the report in words --------------------------------------------------------------------


def clock_text(seconds: float) -> str:
    """``seconds`` as H:MM:SS or M:SS (rounded down), e.g. 79:05."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _points(value: Fraction | float) -> str:
    return f"{float(value):.2f}".rstrip("0").rstrip(".")


Beliefs = Callable[[str], tuple[str, str]]


def report_lines(result: Report, beliefs: Beliefs | None = None) -> list[str]:
    """The final report as plain lines: score and verdict, the breakdown per objective, the
    misconceptions shown, then every missed item with the answer given, the key and the
    explanation. The same words in the plain mode and the full-screen report.

    ``beliefs(code)`` gives a misconception's wrong belief and the rule that holds instead
    (quizgen.drill.misconceptions.belief); without it the report names the codes."""
    verdict = "PASS" if result.passed else "FAIL"
    lines = [
        f"Score: {result.scaled} of {SCALE} ({verdict}; the pass mark is {PASS_MARK})",
        f"Points: {_points(result.points)} of {result.items} "
        f"({result.answered} of {result.items} answered, time used {clock_text(result.time_used)})",
    ]
    if result.exam_items and result.exam_items != result.items:
        lines.append(
            f"Each question of a case study counts as one: {result.items} questions in "
            f"{result.exam_items} items."
        )
    lines += [
        "",
        "By objective:",
    ]
    width = max(len("Objective"), *(len(o.objective) for o in result.objectives))
    lines.append(f"  {'Objective':<{width}}  Items  Points  Percent")
    for o in result.objectives:
        lines.append(
            f"  {o.objective:<{width}}  {o.items:>5}  {_points(o.points):>6}  {o.percent:>6}%"
        )
    if result.misconceptions:
        lines += ["", "Misconceptions your wrong picks show (see docs/azure-rules.md):"]
        for m in result.misconceptions:
            where = ", ".join(str(n) for n in m.numbers)
            lines.append(f"  {m.code}, question{'s' if len(m.numbers) > 1 else ''} {where}:")
            lines.append(f"    You picked in {m.example}")
            if beliefs is not None:
                belief, rule = beliefs(m.code)
                lines.append(f"    That fits the belief: {belief}. What holds: {rule}.")
    if not result.missed:
        lines += ["", "No item missed."]
    else:
        lines += ["", f"Missed items ({len(result.missed)}):"]
    for missed in result.missed:
        doc = missed.doc
        lines += [
            "",
            f"Question {missed.number} ({doc['item_type']}, {doc['objective']}): "
            f"{_points(missed.points)} of {missed.worth} point{'s' if missed.worth > 1 else ''}",
            f"  {doc['stem']}",
            f"  Your answer: {describe(doc, missed.response)}",
            f"  Correct answer: {describe(doc, key(doc))}",
        ]
        lines += [f"  {line}" for line in missed.explanation]
    return lines
