"""The full-screen exam (quizgen/drill/exam_app.py) driven headless through Textual's Pilot:
every item type answered with the keyboard, flagging, the review screen, submitting, and the
report's figures checked against the answers given."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from support import earned, scaled_score

from quizgen.drill.exam import Exam, report_lines
from quizgen.drill.exam_app import ExamApp, ReportScreen, ReviewScreen
from quizgen.drill.grading import key
from quizgen.questions import ITEM_TYPES
from quizgen.questions.generate import generate

SIZE = (140, 45)


@pytest.fixture(scope="module")
def docs() -> list[dict[str, Any]]:
    """One question of every item type, in ITEM_TYPES order."""
    return [generate(1, 3, item_type=kind)[0] for kind in ITEM_TYPES]


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def wrong(doc: dict[str, Any]) -> Any:
    """A response that misses some of ``doc``'s points, and is not the key."""
    right = key(doc)
    kind = doc["item_type"]
    if kind in ("single-choice", "fix-it"):
        return next(o["key"] for o in doc["options"] if not o["correct"])
    if kind == "multi-choice":
        miss = next(o["key"] for o in doc["options"] if not o["correct"])
        return [k for k in (o["key"] for o in doc["options"]) if k in (right[0], miss)]
    if kind == "yes-no-series":
        return [not right[0], *right[1:]]
    if kind == "hotspot":
        first = doc["blanks"][0]
        other = next(c for c in first["choices"] if c != right[0])
        return [other, *right[1:]]
    if kind == "ordering":
        return [right[1], right[0], *right[2:]]
    return [right[0], wrong(doc["questions"][1]), *right[2:]]  # case study


# -- driving the widgets with keys ----------------------------------------------------------


async def give(pilot, doc: dict[str, Any], response: Any) -> None:
    """Press the keys that answer ``doc`` with ``response``, starting with the focus on the
    item's first answer widget (as the app leaves it)."""
    kind = doc["item_type"]
    if kind in ("single-choice", "fix-it"):
        index = [o["key"] for o in doc["options"]].index(response)
        await pilot.press(*["down"] * index, "enter")
    elif kind == "multi-choice":
        for option in doc["options"]:
            if option["key"] in response:
                await pilot.press("space")
            await pilot.press("down")
    elif kind == "yes-no-series":
        for n, yes in enumerate(response):
            await pilot.press("enter" if yes else "down", *([] if yes else ["enter"]))
            if n + 1 < len(response):
                await pilot.press("tab")
    elif kind == "hotspot":
        for n, (blank, choice) in enumerate(zip(doc["blanks"], response, strict=True)):
            # the drop-down opens on its blank line: the choices start one below
            await pilot.press("enter", *["down"] * (blank["choices"].index(choice) + 1), "enter")
            if n + 1 < len(response):
                await pilot.press("tab")
    elif kind == "ordering":
        order = list(range(len(doc["ordering"]["steps"])))
        highlighted = 0
        for place, step in enumerate(response):
            at = order.index(step)
            await pilot.press(*(["down"] * (at - highlighted) or ["up"] * (highlighted - at)))
            await pilot.press(*["u"] * (at - place))
            order.insert(place, order.pop(at))
            highlighted = place
        await pilot.press("enter")  # keeps the order (needed when nothing moved)
    else:  # case study: its questions one after the other
        for n, (sub, sub_response) in enumerate(zip(doc["questions"], response, strict=True)):
            await give(pilot, sub, sub_response)
            if n + 1 < len(response):
                await pilot.press("tab")
    await pilot.pause()


def run(coroutine) -> Any:
    return asyncio.run(coroutine)


# -- tests ----------------------------------------------------------------------------------


def test_every_item_type_answered_with_keys_then_reviewed_submitted_and_reported(docs) -> None:
    given = [key(doc) if n % 2 else wrong(doc) for n, doc in enumerate(docs)]
    exam = Exam(docs, 3600, clock=FakeClock())

    async def sit() -> list[str]:
        app = ExamApp(exam)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            for n, (doc, response) in enumerate(zip(docs, given, strict=True)):
                assert exam.position == n
                await give(pilot, doc, response)
                assert exam.current.response == response, doc["item_type"]
                await pilot.press("n")
                await pilot.pause()
            await pilot.press("r")
            await pilot.pause()
            assert isinstance(app.screen, ReviewScreen)
            await pilot.press("s")
            await pilot.pause()
            await pilot.press("y")
            await pilot.pause()
            assert isinstance(app.screen, ReportScreen)
            lines = app.screen.lines
            await pilot.press("q")
        assert app.return_value == "submitted"
        return lines

    lines = run(sit())
    assert exam.submitted
    per_question = [
        points for doc, answer in zip(docs, given, strict=True) for points in earned(doc, answer)
    ]
    scaled = scaled_score(per_question)
    assert scaled < 700  # the wrong answers cost enough to fail
    assert lines[0] == f"Score: {scaled} of 1000 (FAIL; the pass mark is 700)"
    assert lines == report_lines(exam.report())
    text = "\n".join(lines)
    for n, doc in enumerate(docs):
        if n % 2 == 0:  # answered wrongly: listed with its explanation
            assert f"Question {n + 1} ({doc['item_type']}, {doc['objective']})" in text
            assert doc["explanation"][0] in text
        else:
            assert f"Question {n + 1} (" not in text


def test_flags_show_in_the_navigator_and_the_review_screen(docs) -> None:
    exam = Exam(docs[:3], 600, clock=FakeClock())

    async def sit() -> None:
        app = ExamApp(exam)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("n", "f")
            await pilot.pause()
            assert exam.review().flagged == (2,)
            navigator = app.query_one("#navigator")
            assert "F" in str(navigator.get_option_at_index(1).prompt)
            await pilot.press("r")
            await pilot.pause()
            review = app.screen.query_one("#review")
            assert "flagged" in str(review.get_option_at_index(1).prompt)
            assert "flagged" not in str(review.get_option_at_index(0).prompt)
            # Enter on question 3 goes there
            await pilot.press("down", "enter")
            await pilot.pause()
            assert not isinstance(app.screen, ReviewScreen)
            assert exam.position == 2
            await pilot.press("f", "f")  # flag, unflag
            await pilot.press("q")
        assert app.return_value == "paused"

    run(sit())
    assert exam.review().flagged == (2,)
    assert not exam.submitted


def test_a_yes_no_series_is_locked_once_answered_and_left(docs) -> None:
    series = docs[ITEM_TYPES.index("yes-no-series")]
    exam = Exam([series, docs[0]], 600, clock=FakeClock())

    async def sit() -> None:
        app = ExamApp(exam)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await give(pilot, series, [True, True, True])
            await pilot.press("down", "enter")  # still on it: the third may change to No
            await pilot.pause()
            assert exam.current.response == [True, True, False]
            await pilot.press("n", "p")
            await pilot.pause()
            assert exam.current.locked
            assert app.answer is not None and app.answer.disabled
            await pilot.press("enter", "tab", "enter", "tab", "enter")
            await pilot.pause()
            assert exam.current.response == [True, True, False]

    run(sit())


def test_the_timer_is_in_the_header_and_time_up_submits(docs) -> None:
    clock = FakeClock()
    exam = Exam(docs[:2], 120, clock=clock)

    async def sit() -> None:
        app = ExamApp(exam)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert app.sub_title == "Question 1 of 2  -  Time left 2:00"
            clock.now = 61
            app._tick()
            assert app.sub_title.endswith("Time left 0:59")
            await give(pilot, docs[0], key(docs[0]))
            clock.now = 121
            app._tick()
            await pilot.pause()
            assert isinstance(app.screen, ReportScreen)
            assert app.screen.note == "Time is up: the exam was submitted."
            assert app.screen.lines[0] == "Score: 500 of 1000 (FAIL; the pass mark is 700)"

    run(sit())
    assert exam.submitted


def test_a_multiple_choice_counts_only_with_exactly_select_checked(docs) -> None:
    multi = docs[ITEM_TYPES.index("multi-choice")]
    exam = Exam([multi], 600, clock=FakeClock())

    async def sit() -> None:
        app = ExamApp(exam)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("space")
            await pilot.pause()
            assert exam.current.response is None
            await pilot.press("down", "space")
            await pilot.pause()
            assert exam.current.response == [o["key"] for o in multi["options"][:2]]
            await pilot.press("down", "space")  # a third: no longer an answer
            await pilot.pause()
            assert exam.current.response is None
            assert "3 checked" in str(app.answer.query_one(".hint").render())

    run(sit())


def test_the_topology_tree_toggles(docs) -> None:
    exam = Exam(docs[:1], 600, clock=FakeClock())

    async def sit() -> None:
        app = ExamApp(exam, tree_lines=lambda topology: ["TREE", *topology])
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            pane = app.query_one("#topology")
            assert not pane.has_class("shown")
            await pilot.press("t")
            await pilot.pause()
            assert pane.has_class("shown")
            assert str(app.query_one("#tree").render()).startswith("TREE")

    run(sit())


def test_unchecking_below_select_takes_the_stored_answer_back(docs, tmp_path) -> None:
    """Below ``select`` checked the item is unanswered again: no answer stays in the store to
    count as a wrong one in the statistics and the review."""
    from quizgen.drill.exam import MODE, start
    from quizgen.drill.store import Store

    multi = docs[ITEM_TYPES.index("multi-choice")]
    store = Store.open(tmp_path / "progress.sqlite3")
    exam = start(store, [multi], 600, {}, clock=FakeClock())

    async def sit() -> None:
        app = ExamApp(exam)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("space", "down", "space")
            await pilot.pause()
            assert [a.response for a in store.unfinished(MODE).answers] == [
                [o["key"] for o in multi["options"][:2]]
            ]
            await pilot.press("space")  # the second unchecked: one of two
            await pilot.pause()
            assert exam.current.response is None
            assert store.unfinished(MODE).answers == ()

    run(sit())
    assert store.stats().answered == 0 and store.mistakes() == []
    store.close()
