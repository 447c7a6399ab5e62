"""What ``quizgen exam`` does between parsing its options and exiting (cli.py stays thin).

Which exam is sat:

- an unfinished exam in the progress store is resumed (the default, and ``--resume``, which
  fails when there is none), with its questions, answers, flags and the time that was left
  when it stopped. Options that choose the questions or the time (:data:`SELECTION`), when
  given and different from the ones the stored exam was started with, are refused unless
  ``--resume`` says to continue the stored exam as it is (or ``--new`` to start another);
- ``--new`` abandons an unfinished exam (it is closed in the store; its answers stay in the
  learner's progress) and starts a new one.

A new exam draws ``--count`` verified questions (default 40) with the filters and allows
``--minutes`` (default 2 per question, the pace of the real AZ-104: 40-60 items in 100
minutes). Like the real exam it mixes the item types: when there is room, one question of
each item type the filters allow, the rest drawn freely; case studies come last (:func:`draw`).
Full screen (Textual) on a terminal; line by line with ``--plain`` or when standard input or
output is not a terminal.

Time: the time used is saved at every answer, every ``AUTOSAVE_SECONDS`` while the exam runs
(a background thread, in both modes), at every line typed in plain mode and when the exam
stops; the message on stopping gives the time a resumed exam will have. A process killed
outright loses at most the time since the last save.

Exit status: 0 when the exam was submitted or stopped with q (saved, resumable), 1 when the
input ended before the exam was submitted (plain mode), 130 on Ctrl-C (saved, resumable),
2 for bad options or an unusable progress database.
"""

from __future__ import annotations

import random
import shutil
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from quizgen.drill.exam import (
    MODE,
    Exam,
    ExamError,
    Report,
    clock_text,
    report_lines,
    resume,
    start,
)
from quizgen.drill.store import Store, db_path
from quizgen.drill.tty import plain_mode, read_line
from quizgen.errors import QuizgenError

SUBMITTED, STOPPED, INPUT_ENDED, INTERRUPTED = 0, 0, 1, 130
#: Minutes allowed per question when --minutes is not given.
MINUTES_PER_QUESTION = 2
#: The options that choose an exam's questions and time, as the session keeps them.
SELECTION = ("count", "minutes", "seed", "family", "objective", "difficulty")
#: How often the time used is saved while an exam runs.
AUTOSAVE_SECONDS = 15.0

Say = Callable[[str], None]


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def choose(
    store: Store,
    *,
    resume_wanted: bool | None,
    count: int,
    minutes: int | None,
    seed: int | None,
    family: str | None,
    objective: str | None,
    difficulty: int | None,
    given: dict[str, Any] | None = None,
    say: Say = _say,
) -> Exam:
    """The exam to sit: the unfinished one resumed, or a new one (see the module docstring).
    ``given``: the SELECTION options the learner gave (not the defaults)."""
    from quizgen.questions.generate import QuestionError, by_id

    info = store.unfinished(MODE)
    if info is not None and not store.claim(info.id):
        raise ExamError(
            f"the unfinished exam in {store.path} (started {info.started:%Y-%m-%d %H:%M} UTC) "
            "is open in another quizgen right now; go on there, or quit it (q) and run "
            "quizgen exam again (every answer is saved as given)"
        )
    if resume_wanted is True and info is None:
        raise ExamError(
            f"no unfinished exam in {store.path} to resume; run quizgen exam to start one"
        )
    if info is not None and resume_wanted is not False:
        differ = [
            (name, value, info.options.get(name))
            for name, value in (given or {}).items()
            if value != info.options.get(name)
        ]
        asked = ", ".join(f"--{name} {value}" for name, value, _ in differ)
        stored = ", ".join(f"{_option(name, kept)}" for name, _, kept in differ)
        if differ and resume_wanted is None:
            raise ExamError(
                f"the unfinished exam in {store.path} (started {info.started:%Y-%m-%d %H:%M} "
                f"UTC) was not started with {asked} (it has {stored}). Run quizgen exam --new "
                "with your options to start another (the unfinished one is abandoned), or "
                "quizgen exam --resume to continue the stored one as it is"
            )
        if differ:
            say(f"Not used: {asked} (the exam is resumed as it was started: {stored}).")
        try:
            docs = [by_id(question_id) for question_id in info.planned or ()]
        except QuestionError as error:
            raise ExamError(
                f"exam {info.id} in {store.path} cannot be resumed: {error}. "
                "Start a new one with quizgen exam --new"
            ) from None
        exam = resume(store, info, docs)
        say(
            f"Resuming the exam started {info.started:%Y-%m-%d %H:%M} UTC: "
            f"{len(exam.review().answered)} of {len(exam.items)} answered, "
            f"{clock_text(exam.allowed - exam.used_before)} left "
            "(quizgen exam --new starts a new one)."
        )
        return exam
    if info is not None:
        store.finish_session(info.id, {"abandoned": True})
        say(f"The unfinished exam started {info.started:%Y-%m-%d %H:%M} UTC is abandoned.")
    drawn = seed is None
    if drawn:
        seed = random.SystemRandom().randrange(2**31)
    docs = draw(count, seed, family=family, objective=objective, difficulty=difficulty)
    allowed = minutes if minutes is not None else MINUTES_PER_QUESTION * len(docs)
    options = {
        "count": count,
        "minutes": allowed,
        "seed": seed,
        "family": family,
        "objective": objective,
        "difficulty": difficulty,
    }
    exam = start(store, docs, 60.0 * allowed, options)
    if exam.session is not None:
        store.claim(exam.session)  # no other quizgen resumes it while this one runs
    again = f" (pass --seed {seed} to get these questions again)" if drawn else ""
    say(f"Exam: {len(docs)} questions, {allowed} minutes, seed {seed}{again}.")
    return exam


def _option(name: str, value: Any) -> str:
    """A stored selection option in words: "--count 50", "no --family"."""
    return f"no --{name}" if value is None else f"--{name} {value}"


def draw(count: int, seed: int, **filters: Any) -> list[dict[str, Any]]:
    """``count`` verified questions for an exam, the same for the same seed: one of each item
    type the filters allow (when ``count`` leaves room), the rest drawn freely, in a shuffled
    order with the case studies last (the real exam keeps them in a section of their own)."""
    from quizgen.questions import ITEM_TYPES
    from quizgen.questions.generate import QuestionError, generate, matching

    if not matching(family=filters.get("family"), objective=filters.get("objective")):
        asked = " ".join(
            f"--{name} {filters[name]}" for name in ("family", "objective") if filters.get(name)
        )
        raise ExamError(
            f"no question family matches {asked}; see 'quizgen generate --list' for the "
            "families and their objectives"
        )
    rng = random.Random(seed)
    docs: list[dict[str, Any]] = []
    if count >= len(ITEM_TYPES):
        for kind in ITEM_TYPES:
            try:
                docs += generate(1, rng.randrange(2**31), item_type=kind, **filters)
            except QuestionError:
                continue  # no family the filters allow asks this item type
    ids = {doc["id"] for doc in docs}
    for _ in range(5):
        if len(docs) == count:
            break
        for doc in generate(count, rng.randrange(2**31), **filters):
            if doc["id"] not in ids and len(docs) < count:
                docs.append(doc)
                ids.add(doc["id"])
    if len(docs) < count:
        raise ExamError(
            f"only {len(docs)} different questions match these filters; ask for fewer "
            "with --count or relax the filters"
        )
    rng.shuffle(docs)
    return sorted(docs, key=lambda doc: doc["item_type"] == "case-study")


@contextmanager
def autosave(exam: Exam, every: float = AUTOSAVE_SECONDS) -> Iterator[None]:
    """Save the time ``exam`` has used every ``every`` seconds while the block runs (in a
    daemon thread; the store is safe to share between threads)."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every):
            # the database busy or gone: the next save (or the last one) tries again
            with suppress(QuizgenError):
                exam.save_time()

    thread = threading.Thread(target=loop, name="quizgen-exam-autosave", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _write(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _report(result: Report) -> list[str]:
    from quizgen.drill.misconceptions import belief

    return report_lines(result, beliefs=belief)


def run_plain(exam: Exam) -> str:
    from quizgen.drill.exam_plain import PlainExam
    from quizgen.render.terminal import question_lines, topology_tree

    width = max(60, min(shutil.get_terminal_size((100, 24)).columns - 1, 120))

    def lines(doc: dict[str, Any], label: int | str, *, exhibits: bool = True) -> list[str]:
        return question_lines(doc, label, width=width, boxed=False, exhibits=exhibits)

    def tree(topology: dict[str, Any]) -> list[str]:
        return topology_tree(topology, boxed=False)

    return PlainExam(
        exam, lines, read=read_line, write=_write, tree_lines=tree, report=_report
    ).run()


def run_screen(exam: Exam) -> str:
    from quizgen.drill.exam_app import ExamApp
    from quizgen.render.terminal import topology_tree

    outcome = ExamApp(exam, tree_lines=topology_tree, report=_report).run()
    return outcome or "paused"


def sit(
    *,
    count: int,
    minutes: int | None,
    seed: int | None,
    family: str | None,
    objective: str | None,
    difficulty: int | None,
    plain: bool,
    resume_wanted: bool | None,
    db: str | None,
    given: dict[str, Any] | None = None,
    say: Say = _say,
) -> int:
    """Run ``quizgen exam``; returns the exit status. QuizgenError for bad input."""
    with Store.open(db_path(db)) as store:
        exam = choose(
            store,
            resume_wanted=resume_wanted,
            count=count,
            minutes=minutes,
            seed=seed,
            family=family,
            objective=objective,
            difficulty=difficulty,
            given=given,
            say=say,
        )
        try:
            with autosave(exam):
                outcome = run_plain(exam) if plain_mode(plain) else run_screen(exam)
        except KeyboardInterrupt:
            outcome = "interrupted"
        if outcome == "submitted":
            return SUBMITTED
        used = exam.save_time()  # what a resumed exam starts from
        where = f" --db {db}" if db else ""
        review = exam.review()
        say(
            f"Exam saved: {len(review.answered)} of {len(exam.items)} answered, "
            f"{clock_text(exam.allowed - used)} left. Run quizgen exam{where} to resume it."
        )
        return {"interrupted": INTERRUPTED, "input-ended": INPUT_ENDED}.get(outcome, STOPPED)
