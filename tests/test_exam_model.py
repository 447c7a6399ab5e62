"""The exam model (quizgen/drill/exam.py) without a screen: scoring, objectives, the yes/no
lock, navigation, flags and the deadline, with a fake clock and a fake grader."""

from __future__ import annotations

from fractions import Fraction

import pytest

from quizgen.drill.exam import (
    MODE,
    PASS_MARK,
    Exam,
    ExamError,
    clock_text,
    report_lines,
    resume,
    start,
)
from quizgen.drill.grading import AnswerError
from quizgen.drill.store import Store


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


OPTIONS = [
    {"key": "A", "text": "alpha", "correct": True},
    {"key": "B", "text": "beta", "correct": True},
    {"key": "C", "text": "gamma", "correct": False, "misconception": "T-19"},
    {"key": "D", "text": "delta", "correct": False, "misconception": "T-25"},
]
EXPLAIN = ["Both alpha and beta.", "Wrong: gamma: lower number first (T-19).", "delta (T-25)."]
#: Responses to a multi-choice _doc: all, half or none of the points.
RIGHT, HALF, WRONG = ["A", "B"], ["A", "C"], ["C", "D"]


def _doc(n: int, objective: str = "O1", item_type: str = "multi-choice") -> dict:
    """A small question the real grader grades: select two of A-D (A and B are right), or
    a yes/no series of two statements (Yes, Yes)."""
    doc = {
        "id": f"fake@1#{n}",
        "family": "fake",
        "item_type": item_type,
        "objective": objective,
        "stem": f"question {n}",
        "explanation": [f"why {n}", *EXPLAIN],
    }
    if item_type == "yes-no-series":
        doc["statements"] = [{"text": "one", "answer": True}, {"text": "two", "answer": True}]
    else:
        doc.update(options=OPTIONS, select=2)
    return doc


class Journal:
    def __init__(self) -> None:
        self.events: list[tuple] = []
        self.times: list[float] = []  # every time used saved

    def timed(self, seconds):
        self.times.append(seconds)

    def answered(self, item):
        self.events.append(("answer", item.position, item.response, item.seconds))

    def flagged(self, item):
        self.events.append(("flag", item.position, item.flagged))

    def submitted(self, exam):
        self.events.append(("submit",))


def _exam(docs, seconds=600.0, clock=None, journal=None, used=0.0) -> Exam:
    return Exam(docs, seconds, clock=clock or FakeClock(), journal=journal, used=used)


def test_scaled_score_is_points_over_items_on_1000() -> None:
    exam = _exam([_doc(i) for i in range(4)])
    for response in (RIGHT, HALF, WRONG):
        exam.answer(response)
        exam.next()
    report = exam.submit()  # the fourth is unanswered
    assert report.points == 1.5
    assert report.scaled == round(1000 * 1.5 / 4) == 375
    assert report.answered == 3 and not report.passed
    assert [m.number for m in report.missed] == [2, 3, 4]
    assert report.missed[0].explanation[0] == "why 1"  # the doc of question 2


def test_pass_mark_is_700_inclusive() -> None:
    docs = [_doc(i) for i in range(10)]
    exam = _exam(docs)
    for i in range(7):
        exam.goto(i)
        exam.answer(RIGHT)
    report = exam.submit()
    assert report.scaled == PASS_MARK == 700 and report.passed
    exam = _exam(docs)
    for i in range(6):
        exam.goto(i)
        exam.answer(RIGHT)
    exam.goto(6)
    exam.answer(HALF)
    assert exam.submit().scaled == 650


def test_per_objective_breakdown() -> None:
    docs = [_doc(0, "Routes"), _doc(1, "NSG"), _doc(2, "Routes"), _doc(3, "NSG")]
    exam = _exam(docs)
    for position, response in [(0, RIGHT), (1, HALF), (2, WRONG), (3, RIGHT)]:
        exam.goto(position)
        exam.answer(response)
    by_name = {o.objective: o for o in exam.submit().objectives}
    assert (by_name["Routes"].items, by_name["Routes"].points, by_name["Routes"].percent) == (
        2,
        1.0,
        50,
    )
    assert (by_name["NSG"].items, by_name["NSG"].points, by_name["NSG"].percent) == (2, 1.5, 75)


def test_navigation_stays_in_bounds_and_goto_checks_the_number() -> None:
    exam = _exam([_doc(i) for i in range(3)])
    assert exam.prev().number == 1
    assert exam.next().number == 2
    assert exam.next().number == 3
    assert exam.next().number == 3
    assert exam.goto(0).number == 1
    with pytest.raises(ExamError, match="no question 4; expected 1 to 3"):
        exam.goto(3)


def test_answer_can_change_until_submitted() -> None:
    exam = _exam([_doc(0), _doc(1)])
    exam.answer(WRONG)
    exam.next()
    exam.prev()
    exam.answer(RIGHT)
    assert exam.submit().points == 1.0
    with pytest.raises(ExamError, match="submitted"):
        exam.answer(WRONG)


def test_yes_no_series_locks_once_answered_and_left() -> None:
    docs = [_doc(0, item_type="yes-no-series"), _doc(1, item_type="yes-no-series"), _doc(2)]
    exam = _exam(docs)
    exam.answer([True, False])
    exam.answer([True, True])  # still on it: may change
    exam.next()  # left answered: locked
    exam.next()  # item 2 left unanswered: not locked
    exam.goto(0)
    assert exam.current.locked and not exam.can_answer()
    with pytest.raises(ExamError, match="question 1 is locked"):
        exam.answer([False, False])
    assert not exam.items[1].locked
    exam.goto(1)
    exam.answer([False, False])
    assert exam.review().locked == (1,)
    assert exam.submit().points == 1.0


def test_other_types_never_lock() -> None:
    exam = _exam([_doc(0, item_type="multi-choice"), _doc(1)])
    exam.answer(RIGHT)
    exam.next()
    exam.prev()
    exam.answer(WRONG)
    assert not exam.current.locked


def test_flags_and_review_summary() -> None:
    journal = Journal()
    exam = _exam([_doc(i) for i in range(4)], journal=journal)
    exam.answer(RIGHT)
    exam.flag()
    exam.goto(2)
    exam.flag()
    exam.flag(position=3, on=True)
    exam.flag()  # toggles item 3 off again
    review = exam.review()
    assert review.answered == (1,)
    assert review.unanswered == (2, 3, 4)
    assert review.flagged == (1, 4)
    assert [e for e in journal.events if e[0] == "flag"] == [
        ("flag", 0, True),
        ("flag", 2, True),
        ("flag", 3, True),
        ("flag", 2, False),
    ]


def test_deadline_with_a_fake_clock() -> None:
    clock = FakeClock()
    exam = _exam([_doc(0), _doc(1)], seconds=120, clock=clock)
    assert exam.time_left() == 120
    clock.now += 100
    exam.answer(RIGHT)
    assert exam.time_left() == 20 and not exam.expired
    clock.now += 25
    assert exam.time_left() == 0 and exam.expired
    exam.next()  # looking is still allowed
    with pytest.raises(ExamError, match="time is up"):
        exam.answer(RIGHT)
    report = exam.submit()
    assert report.points == 1.0 and report.time_used == 125


def test_a_resumed_exam_counts_the_time_already_used() -> None:
    clock = FakeClock()
    exam = _exam([_doc(0)], seconds=120, clock=clock, used=90)
    assert exam.time_left() == 30
    clock.now += 30
    assert exam.expired


def test_each_answer_is_charged_the_time_since_the_previous_one() -> None:
    clock, journal = FakeClock(), Journal()
    exam = _exam([_doc(0), _doc(1)], clock=clock, journal=journal)
    clock.now += 7
    exam.answer(RIGHT)
    exam.next()
    clock.now += 5
    exam.answer(HALF)
    exam.prev()
    clock.now += 3
    exam.answer(WRONG)  # item 1 again: 7 + 3
    exam.submit()
    assert journal.events == [
        ("answer", 0, RIGHT, 7),
        ("answer", 1, HALF, 5),
        ("answer", 0, WRONG, 10),
        ("submit",),
    ]
    # the items' seconds add up to the time used: what a resumed exam relies on
    assert sum(item.seconds for item in exam.items) == exam.time_used() == 15


def test_a_malformed_answer_is_not_recorded() -> None:
    journal = Journal()
    exam = _exam([_doc(0)], journal=journal)
    with pytest.raises(AnswerError, match="expected two different option keys"):
        exam.answer(["A"])
    assert not exam.current.answered and journal.events == []


def test_no_questions_is_an_error() -> None:
    with pytest.raises(ExamError, match="at least one question"):
        _exam([])


def test_report_names_the_misconceptions_of_wrong_picks() -> None:
    exam = _exam([_doc(0), _doc(1), _doc(2), _doc(3)])
    for response in (HALF, WRONG, RIGHT, HALF):
        exam.answer(response)
        exam.next()
    shown = exam.submit().misconceptions
    assert [(m.code, m.count, m.numbers) for m in shown] == [
        ("T-19", 3, (1, 2, 4)),
        ("T-25", 1, (2,)),
    ]
    assert shown[0].example == "question 1: C. gamma"  # first shown in question 1
    assert shown[1].example == "question 2: D. delta"


def test_a_case_study_counts_as_answered_only_when_every_question_is() -> None:
    case = {
        "id": "case@1#1",
        "item_type": "case-study",
        "objective": "O1",
        "stem": "case",
        "explanation": [],
        "questions": [_doc(1), _doc(2, item_type="yes-no-series")],
    }
    exam = _exam([case])
    exam.answer([RIGHT, None])
    assert exam.current.started and not exam.current.answered
    assert exam.review().unanswered == (1,)
    exam.answer([RIGHT, [True, False]])
    assert exam.review().answered == (1,)
    report = exam.submit()
    # each of its questions counts as one: 1 (both options) + 0.5 (one statement of two)
    assert (report.points, report.items, report.answered, report.exam_items) == (1.5, 2, 2, 1)


def test_report_lines_give_the_figures_and_the_missed_items() -> None:
    clock = FakeClock()
    exam = _exam([_doc(0, "Routes"), _doc(1, "NSG"), _doc(2, "NSG")], clock=clock)
    exam.answer(RIGHT)
    exam.next()
    exam.answer(HALF)
    clock.now += 65
    text = "\n".join(report_lines(exam.submit()))
    assert "Score: 500 of 1000 (FAIL; the pass mark is 700)" in text
    assert "Points: 1.5 of 3 (2 of 3 answered, time used 1:05)" in text
    assert "  Objective  Items  Points  Percent\n  NSG            2     0.5      25%" in text
    assert "  Routes         1       1     100%" in text
    assert "Question 2 (multi-choice, NSG): 0.5 of 1 point" in text
    assert "  Your answer: A, C\n  Correct answer: A, B" in text
    assert "Question 3 (multi-choice, NSG): 0 of 1 point" in text
    assert "  Your answer: no answer" in text
    assert "  T-19, question 2:\n    You picked in question 2: C. gamma" in text
    assert "Question 1 " not in text
    with_beliefs = report_lines(exam.report(), beliefs=lambda code: (f"belief {code}", "RULE-1"))
    at = with_beliefs.index("  T-19, question 2:")
    assert with_beliefs[at : at + 3] == [
        "  T-19, question 2:",
        "    You picked in question 2: C. gamma",
        "    That fits the belief: belief T-19. What holds: RULE-1.",
    ]


def test_clock_text() -> None:
    assert [clock_text(s) for s in (0, 59.9, 61, 3600, 4805, -3)] == [
        "0:00",
        "0:59",
        "1:01",
        "1:00:00",
        "1:20:05",
        "0:00",
    ]


# -- with the real progress store ----------------------------------------------------------


def _stored(tmp_path, docs, clock, seconds=600.0):
    store = Store.open(tmp_path / "progress.sqlite3")
    return store, start(store, docs, seconds, {"count": len(docs)}, clock=clock)


def test_every_answer_and_flag_is_in_the_store_at_once(tmp_path) -> None:
    clock = FakeClock()
    docs = [_doc(0), _doc(1, item_type="yes-no-series"), _doc(2)]
    store, exam = _stored(tmp_path, docs, clock)
    clock.now += 10
    exam.answer(HALF)
    exam.flag()
    exam.next()
    clock.now += 20
    exam.answer([True, False])
    # another connection sees it all before anything else happens
    with Store.open(tmp_path / "progress.sqlite3") as other:
        info = other.unfinished(MODE)
    assert info is not None and info.id == exam.session
    assert info.planned == ("fake@1#0", "fake@1#1", "fake@1#2")
    assert info.options == {"count": 3, "seconds": 600.0}
    assert [(a.position, a.response, a.score, a.seconds) for a in info.answers] == [
        (0, HALF, 0.5, 10),
        (1, [True, False], 0.5, 20),
    ]
    assert info.flags == {"fake@1#0"}
    store.close()


def test_a_resumed_exam_continues_where_it_stopped(tmp_path) -> None:
    clock = FakeClock()
    docs = [_doc(0, item_type="yes-no-series"), _doc(1), _doc(2), _doc(3)]
    store, exam = _stored(tmp_path, docs, clock, seconds=300)
    clock.now += 40
    exam.answer([True, True])
    exam.next()
    exam.flag()
    clock.now += 60
    exam.answer(RIGHT)
    clock.now += 500  # then the process dies: this time is not charged
    store.close()

    with Store.open(tmp_path / "progress.sqlite3") as store:
        info = store.unfinished(MODE)
        again = resume(store, info, docs, clock=clock)
        assert again.position == 2  # after the last question answered
        assert again.time_left() == 300 - 100
        assert again.items[0].locked and again.items[0].response == [True, True]
        assert again.items[1].flagged and again.items[1].response == RIGHT
        assert not again.items[1].locked
        assert again.review().answered == (1, 2)
        again.answer(HALF)
        report = again.submit()
        assert report.points == 2.5
        assert store.unfinished(MODE) is None
        assert store.session(info.id).summary["scaled"] == 625


def test_resume_refuses_other_questions(tmp_path) -> None:
    store, _ = _stored(tmp_path, [_doc(0), _doc(1)], FakeClock())
    info = store.unfinished(MODE)
    with pytest.raises(ExamError, match="do not match the ones it planned"):
        resume(store, info, [_doc(1), _doc(0)])
    store.close()


def test_an_exam_asks_each_question_once(tmp_path) -> None:
    store = Store.open(tmp_path / "progress.sqlite3")
    with pytest.raises(ExamError, match="repeated: fake@1#0"):
        start(store, [_doc(0), _doc(0)], 60, {})
    store.close()


def test_the_time_used_is_saved_at_each_answer_and_on_demand() -> None:
    clock, journal = FakeClock(), Journal()
    exam = _exam([_doc(0), _doc(1)], clock=clock, journal=journal, used=30)
    clock.now += 7
    exam.answer(RIGHT)
    clock.now += 5
    assert exam.save_time() == 42
    assert journal.times == [37, 42]
    exam.submit()
    clock.now += 5
    exam.save_time()  # submitted: the summary has the time
    assert journal.times == [37, 42]


def test_quitting_and_resuming_does_not_give_time_back(tmp_path) -> None:
    """Read for a while after the last answer, quit, resume: the time spent reading is gone."""
    clock = FakeClock()
    docs = [_doc(0), _doc(1), _doc(2)]
    store, exam = _stored(tmp_path, docs, clock, seconds=300)
    clock.now += 40
    exam.answer(RIGHT)
    exam.next()
    clock.now += 100  # reading question 2, not answering it
    assert exam.save_time() == 140  # what quitting does
    store.close()

    with Store.open(tmp_path / "progress.sqlite3") as store:
        info = store.unfinished(MODE)
        assert info.seconds_used == 140
        again = resume(store, info, docs, clock=clock)
        assert again.time_left() == 300 - 140
        clock.now += 60  # read again, quit again
        again.save_time()
        third = resume(store, store.unfinished(MODE), docs, clock=clock)
        assert third.time_left() == 300 - 200


def test_an_exam_saved_without_a_time_used_resumes_from_its_answers(tmp_path) -> None:
    """Exams saved by schema v1 quizgen have no seconds_used: the time charged to their
    answers is what they used (the behaviour they were saved under)."""
    clock = FakeClock()
    docs = [_doc(0), _doc(1)]
    store, exam = _stored(tmp_path, docs, clock, seconds=300)
    clock.now += 40
    exam.answer(RIGHT)
    store._transaction(lambda db: db.execute("UPDATE sessions SET seconds_used = NULL"))
    info = store.unfinished(MODE)
    assert info.seconds_used is None
    assert resume(store, info, docs, clock=clock).time_left() == 260
    store.close()


def test_autosave_saves_the_time_used_while_the_exam_runs() -> None:
    import threading

    from quizgen.drill.exam_cli import autosave

    saved = threading.Event()

    class Saving(Journal):
        def timed(self, seconds):
            super().timed(seconds)
            saved.set()

    clock, journal = FakeClock(), Saving()
    exam = _exam([_doc(0)], clock=clock, journal=journal)
    clock.now += 12
    with autosave(exam, every=0.01):
        assert saved.wait(30)  # no answer given: the thread saved it
    assert journal.times[0] == 12


def _case(n: int) -> dict:
    return {
        "id": f"case@1#{n}",
        "family": "case",
        "item_type": "case-study",
        "objective": "O1",
        "stem": "case",
        "explanation": [],
        "questions": [_doc(1), _doc(2, item_type="yes-no-series")],
    }


def test_an_answer_taken_back_is_no_answer_in_the_store(tmp_path) -> None:
    """A multi-choice unchecked below its count (or a drop-down cleared) hands the exam None:
    the stored answer goes, and nothing counts it as a wrong answer."""
    clock = FakeClock()
    store, exam = _stored(tmp_path, [_doc(0), _doc(1)], clock)
    exam.answer(RIGHT)
    assert [a.response for a in store.unfinished(MODE).answers] == [RIGHT]
    exam.answer(None)
    assert exam.current.response is None and exam.current.grade is None
    assert not exam.current.started and exam.review().unanswered == (1, 2)
    info = store.unfinished(MODE)
    assert info.answers == () and info.drafts == ()
    assert store.stats().answered == 0 and store.mistakes() == []
    store.close()


def test_a_case_study_answered_in_part_is_a_draft_not_an_answer(tmp_path) -> None:
    clock = FakeClock()
    docs = [_doc(0), _case(1)]
    store, exam = _stored(tmp_path, docs, clock)
    exam.goto(1)
    clock.now += 20
    exam.answer([RIGHT, None])
    info = store.unfinished(MODE)
    assert info.answers == ()
    assert [(d.position, d.response, d.seconds) for d in info.drafts] == [(1, [RIGHT, None], 20)]
    assert store.stats().answered == 0 and store.mistakes() == []
    store.close()

    with Store.open(tmp_path / "progress.sqlite3") as store:
        again = resume(store, store.unfinished(MODE), docs, clock=clock)
        assert again.items[1].response == [RIGHT, None] and again.items[1].started
        assert again.time_left() == 600 - 20
        again.goto(1)
        again.answer([RIGHT, [True, True]])  # complete: an answer now, the draft gone
        info = store.unfinished(MODE)
        assert [(a.position, a.response) for a in info.answers] == [(1, [RIGHT, [True, True]])]
        assert info.drafts == ()
        again.answer([RIGHT, None])  # the screen cleared one of its questions again
        info = store.unfinished(MODE)
        assert info.answers == () and len(info.drafts) == 1


def test_items_unanswered_at_submit_are_not_stored_but_the_report_counts_them(tmp_path) -> None:
    clock = FakeClock()
    store, exam = _stored(tmp_path, [_doc(0), _doc(1), _case(2)], clock)
    exam.answer(WRONG)
    exam.goto(2)
    exam.answer([RIGHT, None])
    report = exam.submit()
    assert (report.items, report.answered, report.points) == (4, 2, 1.0)
    info = store.session(exam.session)
    assert [a.position for a in info.answers] == [0]  # only the answer given in full
    assert [m.question_id for m in store.mistakes()] == ["fake@1#0"]
    assert store.stats().answered == 1
    store.close()


def test_each_question_of_a_case_study_weighs_as_much_as_any_other_question() -> None:
    """A case study of a single choice and a three-statement yes/no series: each is one
    question, whatever its number of parts (before, the series weighed three times as much)."""
    single = {
        "id": "single@1#1",
        "item_type": "single-choice",
        "objective": "Single",
        "stem": "pick",
        "options": [
            {"key": "A", "text": "right", "correct": True},
            {"key": "B", "text": "wrong", "correct": False},
        ],
    }
    series = {
        "id": "series@1#1",
        "item_type": "yes-no-series",
        "objective": "Series",
        "stem": "judge",
        "statements": [{"text": t, "answer": True} for t in ("one", "two", "three")],
    }
    case = {**_case(1), "objective": "Case", "questions": [single, series]}
    exam = _exam([case, _doc(2, objective="Other")])
    exam.answer(["A", [False, False, False]])  # the single choice right, the series wrong
    exam.next()
    exam.answer(RIGHT)
    report = exam.submit()
    assert (report.items, report.points, report.scaled) == (3, 2.0, 667)
    by_name = {o.objective: (o.items, o.points) for o in report.objectives}
    assert by_name == {"Single": (1, 1.0), "Series": (1, 0.0), "Other": (1, 1.0)}
    text = "\n".join(report_lines(report))
    assert "Points: 2 of 3 (3 of 3 answered," in text
    assert "Each question of a case study counts as one: 3 questions in 2 items." in text
    assert "Question 1 (case-study, Case): 1 of 2 points" in text


def _series(n: int, statements: int) -> dict:
    """A yes/no series of ``statements`` statements, every one Yes."""
    return {
        "id": f"series@1#{n}",
        "family": "series",
        "item_type": "yes-no-series",
        "objective": "O1",
        "stem": f"series {n}",
        "explanation": [],
        "statements": [{"text": f"s{k}", "answer": True} for k in range(statements)],
    }


def _scored(rights: int, last_right: int) -> Exam:
    """Ten questions: ``rights`` right, a 200-statement series with ``last_right`` statements
    right, the rest unanswered."""
    exam = _exam([*(_doc(i) for i in range(9)), _series(9, 200)])
    for i in range(rights):
        exam.goto(i)
        exam.answer(RIGHT)
    exam.goto(9)
    exam.answer([True] * last_right + [False] * (200 - last_right))
    exam.submit()
    return exam


def test_the_pass_mark_is_decided_on_the_exact_ratio() -> None:
    """6.995 points of 10 is 699.5: it does not pass, and is not shown as 700."""
    report = _scored(6, 199).report()
    assert report.points == Fraction(6995, 1000)
    assert not report.passed and report.scaled == 699
    assert report_lines(report)[0] == "Score: 699 of 1000 (FAIL; the pass mark is 700)"


def test_the_scaled_score_rounds_half_up() -> None:
    """7.005 points of 10 is 700.5: shown as 701 (round() would give 700)."""
    report = _scored(7, 1).report()
    assert report.passed and report.scaled == 701
    report = _scored(6, 200).report()  # 7 of 10 exactly
    assert report.passed and report.scaled == 700


def test_exactly_seventy_percent_passes_whatever_the_float_sum() -> None:
    """Ten series of five statements with 0, 2, 4 (seven times) and 5 right: 7 points exactly,
    6.999999999999999 when the scores are added as floats."""
    exam = _exam([_series(i, 5) for i in range(10)])
    for i, right in enumerate((0, 2, 4, 4, 4, 4, 4, 4, 4, 5)):
        exam.goto(i)
        exam.answer([True] * right + [False] * (5 - right))
    report = exam.submit()
    assert sum(item.score for item in exam.items) < 7  # what floats would have said
    assert report.points == 7 and report.passed and report.scaled == 700
    assert report.objectives[0].percent == 70


def test_percent_per_objective_rounds_half_up() -> None:
    exam = _exam([_doc(0), _series(1, 200)])
    exam.answer(RIGHT)
    exam.next()
    exam.answer([True] * 9 + [False] * 191)  # 1.045 of 2: 52.25%
    exam.submit()
    assert exam.report().objectives[0].percent == 52
    exam = _exam([_series(0, 8)])
    exam.answer([True] * 1 + [False] * 7)  # 12.5%
    assert exam.submit().objectives[0].percent == 13


def test_a_misconception_is_shown_with_the_option_picked_not_a_line_naming_it() -> None:
    """The first explanation line naming T-19 is about option D; the learner picked C (T-19):
    the report shows C and the belief of T-19, in a case study too."""
    options = [
        {"key": "A", "text": "alpha", "correct": True},
        {"key": "B", "text": "beta", "correct": False, "misconception": "T-25"},
        {"key": "C", "text": "gamma", "correct": False, "misconception": "T-19"},
        {"key": "D", "text": "delta", "correct": False, "misconception": "T-25"},
    ]
    single = {
        "id": "single@1#1",
        "item_type": "single-choice",
        "objective": "O1",
        "stem": "pick one",
        "options": options,
        "explanation": ["Not delta: unlike T-19 it is about peering (T-25).", "gamma (T-19)."],
    }
    case = {**_case(2), "questions": [{**single, "id": "sub"}, single]}
    exam = _exam([single, case])
    exam.answer("C")
    exam.next()
    exam.answer(["A", "B"])
    report = exam.submit()
    assert [(m.code, m.numbers, m.example) for m in report.misconceptions] == [
        ("T-19", (1,), "question 1: C. gamma"),
        ("T-25", (2,), "question 2.2: B. beta"),
    ]
    beliefs = {"T-19": ("B19", "R19"), "T-25": ("B25", "R25")}
    lines = report_lines(report, beliefs=beliefs.__getitem__)
    at = lines.index("  T-19, question 1:")
    assert lines[at : at + 6] == [
        "  T-19, question 1:",
        "    You picked in question 1: C. gamma",
        "    That fits the belief: B19. What holds: R19.",
        "  T-25, question 2:",
        "    You picked in question 2.2: B. beta",
        "    That fits the belief: B25. What holds: R25.",
    ]
    assert "Not delta" not in "\n".join(lines[: lines.index("Missed items (2):")])
