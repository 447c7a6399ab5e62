"""The scheduler: a family answered wrongly comes back sooner than one answered rightly, and is
chosen first; cards persist; a seed and a clock decide every choice."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quizgen.drill.grading import grade
from quizgen.drill.schedule import FAMILY, MISCONCEPTION, Scheduler
from quizgen.drill.store import Store

T0 = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)
FAMILIES = ("fam-a", "fam-b", "fam-c")


def doc(n: int, family: str, traps: tuple[str, ...] = ("T-01", "T-02")) -> dict:
    """A single-choice question: A is right, B, C... stand for ``traps``."""
    options = [{"key": "A", "text": "right", "correct": True}]
    for key, trap in zip("BCD", traps, strict=False):
        options.append({"key": key, "text": trap, "correct": False, "misconception": trap})
    return {
        "id": f"{family}@1#{n}",
        "family": family,
        "objective": "Objective",
        "item_type": "single-choice",
        "difficulty": 2,
        "options": options,
    }


def multi(n: int, family: str) -> dict:
    """A multi-choice question: A and B are right, C stands for T-03."""
    return {
        "id": f"{family}@1#{n}",
        "family": family,
        "objective": "Objective",
        "item_type": "multi-choice",
        "difficulty": 2,
        "select": 2,
        "options": [
            {"key": "A", "text": "a", "correct": True},
            {"key": "B", "text": "b", "correct": True},
            {"key": "C", "text": "c", "correct": False, "misconception": "T-03"},
            {"key": "D", "text": "d", "correct": False},
        ],
    }


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "progress.sqlite3") as opened:
        yield opened


def answer(store: Store, scheduler: Scheduler, question: dict, response, at: datetime) -> None:
    graded = grade(question, response)
    session = store.unfinished("drill")
    sid = session.id if session else store.start_session("drill", {})
    store.record_answer(sid, question, response, graded, seconds=5, answered_at=at)
    scheduler.update(question, graded, now=at)


def test_a_family_answered_wrongly_comes_back_sooner(store: Store) -> None:
    scheduler = Scheduler(store, FAMILIES, random.Random(1))
    answer(store, scheduler, doc(1, "fam-a"), "B", T0)  # wrong
    answer(store, scheduler, doc(2, "fam-b"), "A", T0)  # right
    wrong, right = scheduler.due(FAMILY + "fam-a"), scheduler.due(FAMILY + "fam-b")
    assert T0 < wrong < right
    # and again after a second round, answered the same way
    answer(store, scheduler, doc(3, "fam-a"), "C", wrong)
    answer(store, scheduler, doc(4, "fam-b"), "A", right)
    assert scheduler.due(FAMILY + "fam-a") - wrong < scheduler.due(FAMILY + "fam-b") - right


def test_partly_right_comes_back_between_wrong_and_right(store: Store) -> None:
    scheduler = Scheduler(store, ("w", "p", "r"), random.Random(1))
    answer(store, scheduler, multi(1, "w"), ["C", "D"], T0)
    answer(store, scheduler, multi(2, "p"), ["A", "C"], T0)
    answer(store, scheduler, multi(3, "r"), ["A", "B"], T0)
    assert scheduler.due(FAMILY + "w") < scheduler.due(FAMILY + "p") < scheduler.due(FAMILY + "r")


def test_the_wrongly_answered_family_is_chosen_next(store: Store) -> None:
    scheduler = Scheduler(store, ("fam-a", "fam-b", "fam-c"), random.Random(1))
    answer(store, scheduler, doc(1, "fam-c"), "A", T0)
    answer(store, scheduler, doc(2, "fam-a"), "B", T0)
    answer(store, scheduler, doc(3, "fam-b"), "A", T0)
    # none due yet: the one answered worse
    assert scheduler.next_family(now=T0) == ("fam-a", "weak")
    # once the wrong one is due, it comes back because it is due
    soon = scheduler.due(FAMILY + "fam-a")
    assert soon < scheduler.due(FAMILY + "fam-b")
    assert scheduler.next_family(now=soon) == ("fam-a", "due")
    # much later both are due: the most overdue first
    assert scheduler.next_family(now=T0 + timedelta(days=30)) == ("fam-a", "due")


def test_families_never_seen_come_before_weak_ones(store: Store) -> None:
    scheduler = Scheduler(store, FAMILIES, random.Random(3))
    answer(store, scheduler, doc(1, "fam-a"), "B", T0)
    family, why = scheduler.next_family(now=T0)
    assert why == "new" and family in ("fam-b", "fam-c")
    assert scheduler.next_family(now=T0, allowed={"fam-a"}) == ("fam-a", "weak")


def test_with_nothing_due_new_or_weak_any_family_but_the_last(store: Store) -> None:
    scheduler = Scheduler(store, ("fam-a", "fam-b"), random.Random(3))
    answer(store, scheduler, doc(1, "fam-a"), "A", T0)
    answer(store, scheduler, doc(2, "fam-b"), "A", T0)
    for _ in range(10):
        assert scheduler.next_family(now=T0) == ("fam-a", "random")
    assert scheduler.next_family(now=T0, allowed={"fam-b"}) == ("fam-b", "random")


def test_the_family_just_answered_is_not_served_straight_again(store: Store) -> None:
    scheduler = Scheduler(store, ("fam-a", "fam-b"), random.Random(1))
    answer(store, scheduler, doc(1, "fam-b"), "A", T0)
    answer(store, scheduler, doc(2, "fam-a"), "B", T0)
    assert scheduler.next_family(now=T0) == ("fam-b", "random")
    assert scheduler.next_family(now=T0 + timedelta(days=9)) == ("fam-b", "due")
    answer(store, scheduler, doc(3, "fam-b"), "A", T0 + timedelta(minutes=2))
    assert scheduler.next_family(now=T0 + timedelta(minutes=2)) == ("fam-a", "due")


def test_a_due_misconception_serves_a_family_it_was_seen_in(store: Store) -> None:
    scheduler = Scheduler(store, FAMILIES, random.Random(1))
    answer(store, scheduler, doc(1, "fam-c"), "A", T0)
    answer(store, scheduler, doc(2, "fam-b"), "A", T0)
    answer(store, scheduler, doc(3, "fam-a"), "B", T0)  # fell for T-01 in fam-a
    assert set(scheduler.cards()) == {
        FAMILY + "fam-a", FAMILY + "fam-b", FAMILY + "fam-c", MISCONCEPTION + "T-01",
    }  # T-02 was never fallen for: no card
    # fam-a is put right with a question that does not offer T-01: T-01 stays due soon
    later = T0 + timedelta(minutes=1)
    answer(store, scheduler, doc(4, "fam-a", traps=("T-02",)), "A", later)
    assert scheduler.due(MISCONCEPTION + "T-01") < scheduler.due(FAMILY + "fam-a")
    assert scheduler.cards()[MISCONCEPTION + "T-01"].families == ("fam-a",)
    answer(store, scheduler, doc(6, "fam-c", traps=("T-02",)), "A", later)
    assert scheduler.next_family(now=later + timedelta(minutes=1)) == ("fam-a", "due")
    # avoiding the trap reviews its card as Good: it moves away
    before = scheduler.due(MISCONCEPTION + "T-01")
    answer(store, scheduler, doc(5, "fam-b"), "A", later + timedelta(minutes=1))
    assert scheduler.due(MISCONCEPTION + "T-01") > before
    assert scheduler.cards()[MISCONCEPTION + "T-01"].families == ("fam-a", "fam-b")


def test_cards_persist_across_reopening(tmp_path: Path) -> None:
    path = tmp_path / "progress.sqlite3"
    with Store.open(path) as store:
        scheduler = Scheduler(store, FAMILIES, random.Random(1))
        answer(store, scheduler, doc(1, "fam-a"), "B", T0)
        answer(store, scheduler, doc(2, "fam-b"), "A", T0)
        before = scheduler.cards()
    with Store.open(path) as store:
        scheduler = Scheduler(store, FAMILIES, random.Random(2))
        assert scheduler.cards() == before
        assert scheduler.next_family(now=T0) == ("fam-c", "new")
        soon = scheduler.due(FAMILY + "fam-a")
        assert scheduler.next_family(now=soon) == ("fam-a", "due")


def _run(path: Path, seed: int) -> list[tuple[str, str]]:
    """A simulated drill: the learner always falls for fam-b and fam-d, gets the rest right."""
    chosen = []
    with Store.open(path) as store:
        scheduler = Scheduler(store, ("fam-a", "fam-b", "fam-c", "fam-d"), random.Random(seed))
        now = T0
        for n in range(30):
            family, why = scheduler.next_family(now=now)
            chosen.append((family, why))
            answer(store, scheduler, doc(n, family), "B" if family in "fam-b fam-d" else "A", now)
            now += timedelta(minutes=2)
    return chosen


def test_a_seed_and_a_clock_decide_every_choice(tmp_path: Path) -> None:
    first = _run(tmp_path / "one.sqlite3", 7)
    assert first == _run(tmp_path / "two.sqlite3", 7)
    assert {why for _, why in first} >= {"new", "due"}
    counts = {f: sum(1 for c, _ in first if c == f) for f in ("fam-a", "fam-b", "fam-c", "fam-d")}
    # the families the learner gets wrong are served more often
    assert min(counts["fam-b"], counts["fam-d"]) > max(counts["fam-a"], counts["fam-c"])


def test_no_family_to_choose_from_is_an_error(store: Store) -> None:
    scheduler = Scheduler(store, FAMILIES, random.Random(1))
    with pytest.raises(ValueError, match="no question family"):
        scheduler.next_family(now=T0, allowed={"something-else"})
