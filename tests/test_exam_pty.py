"""``quizgen exam`` driven as a learner drives it: the real program in a pseudo-terminal
(pexpect). The plain mode is answered line by line and its report checked against the answers
typed; the full-screen mode is started, shows its question and timer, and quits; a SIGKILL
mid-exam loses no answer and the exam resumes where it stopped.

The test draws the same questions as the program (same --count and --seed, in-process) and
types right or wrong answers computed from the evaluator-backed documents: nothing here is
hard-coded, and every figure of the report can be checked.
"""

from __future__ import annotations

import io
import os
import re
import signal
import sys
import time
from pathlib import Path
from typing import Any

import pexpect
import pytest
from support import earned, scaled_score

from quizgen.drill.exam import MODE
from quizgen.drill.exam_cli import draw
from quizgen.drill.grading import describe, grade, key
from quizgen.drill.store import Store

QUIZGEN = str(Path(sys.executable).parent / "quizgen")
PROMPT = r"\[(\d+)/(\d+) [0-9:]+ left\] answer or command \(\? for help\): "
#: The draw the tests sit: 8 questions, every item type among them (checked below).
COUNT, SEED = 8, 11


def spawn(*args: str, env: dict[str, str] | None = None) -> pexpect.spawn:
    child = pexpect.spawn(
        QUIZGEN,
        list(args),
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 130),
        env={**os.environ, **(env or {})},
    )
    child.logfile_read = io.StringIO()  # the whole screen, for checks afterwards
    return child


def screen(child: pexpect.spawn) -> str:
    return child.logfile_read.getvalue()


@pytest.fixture(scope="module")
def docs() -> list[dict[str, Any]]:
    return draw(COUNT, SEED)


def typed(doc: dict[str, Any], response: Any) -> list[str]:
    """The lines a learner types for ``response`` (the inverse of grading.parse); a case study
    takes one line per question, K ANSWER."""
    kind = doc["item_type"]
    if kind in ("single-choice", "fix-it"):
        return [response]
    if kind == "multi-choice":
        return [" ".join(response)]
    if kind == "yes-no-series":
        return [" ".join("y" if yes else "n" for yes in response)]
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


def wrong(doc: dict[str, Any]) -> Any:
    """A well-formed response that misses at least one point."""
    right = key(doc)
    kind = doc["item_type"]
    if kind in ("single-choice", "fix-it"):
        return next(o["key"] for o in doc["options"] if not o["correct"])
    if kind == "multi-choice":
        miss = next(o["key"] for o in doc["options"] if not o["correct"])
        return [o["key"] for o in doc["options"] if o["key"] in (right[0], miss)]
    if kind == "yes-no-series":
        return [not right[0], *right[1:]]
    if kind == "hotspot":
        other = next(c for c in doc["blanks"][0]["choices"] if c != right[0])
        return [other, *right[1:]]
    if kind == "ordering":
        return [right[1], right[0], *right[2:]]
    return [right[0], wrong(doc["questions"][1]), *right[2:]]


def answer(child: pexpect.spawn, doc: dict[str, Any], response: Any, number: int) -> None:
    for line in typed(doc, response):
        child.expect(PROMPT)
        assert int(child.match[1]) == number
        child.sendline(line)


def test_the_draw_holds_every_item_type(docs) -> None:
    from quizgen.questions import ITEM_TYPES

    assert {doc["item_type"] for doc in docs} == set(ITEM_TYPES)


def test_plain_exam_with_flagging_review_and_report(tmp_path: Path, docs) -> None:
    db = tmp_path / "progress.sqlite3"
    child = spawn("exam", "--plain", "--count", str(COUNT), "--seed", str(SEED), "--db", str(db))
    given: dict[int, Any] = {}
    for n, doc in enumerate(docs):
        if n == 1:  # skip the second question, flag it, come back later
            child.expect(PROMPT)
            child.sendline("f")
            child.expect("Question 2 flagged.")
            child.expect(PROMPT)
            child.sendline("n")
            continue
        given[n] = key(doc) if n % 3 else wrong(doc)
        answer(child, doc, given[n], n + 1)
    child.expect(PROMPT)
    child.sendline("r")
    child.expect(r"Unanswered \(1\): 2\r\n")
    child.expect(r"Flagged \(1\): 2\r\n")
    locked = [n + 1 for n, doc in enumerate(docs) if doc["item_type"] == "yes-no-series"]
    child.expect(rf"Locked \({len(locked)}\): {' '.join(map(str, locked)) or 'none'}\r\n")
    child.expect(PROMPT)
    child.sendline("g 2")
    given[1] = wrong(docs[1])
    answer(child, docs[1], given[1], 2)
    child.expect(PROMPT)
    child.sendline("s")
    child.expect("Submit the exam\\? Type y to submit: ")
    child.sendline("y")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, screen(child)[-2000:]

    per_question = [points for n, doc in enumerate(docs) for points in earned(doc, given[n])]
    questions = len(per_question)
    assert questions > COUNT  # the case study's questions count one each
    scaled = scaled_score(per_question)
    verdict = "PASS" if scaled >= 700 else "FAIL"
    text = screen(child).replace("\r\n", "\n")
    assert f"Score: {scaled} of 1000 ({verdict}; the pass mark is 700)" in text
    assert f"({questions} of {questions} answered," in text
    assert f"Each question of a case study counts as one: {questions} questions in {COUNT}" in text
    for n, doc in enumerate(docs):
        missed = grade(doc, given[n]).score < 1
        assert (f"\nQuestion {n + 1} ({doc['item_type']}, " in text) == missed
    # the store has every answer and a finished session
    with Store.open(db) as store:
        assert store.unfinished(MODE) is None
        (session,) = [store.session(i) for i in range(1, 2)]
        assert session.summary["scaled"] == scaled
        assert {a.position: a.response for a in session.answers} == given


def test_sigkill_mid_exam_keeps_the_answers_and_resume_continues(tmp_path: Path, docs) -> None:
    db = tmp_path / "progress.sqlite3"
    args = ("exam", "--plain", "--db", str(db))
    child = spawn(*args, "--count", str(COUNT), "--seed", str(SEED))
    for n in range(3):
        answer(child, docs[n], key(docs[n]), n + 1)
    child.expect(PROMPT)
    assert child.match[1] == "4"
    child.kill(signal.SIGKILL)
    child.close()
    assert child.signalstatus == signal.SIGKILL

    with Store.open(db) as store:
        info = store.unfinished(MODE)
        assert info is not None
        assert [(a.position, a.response) for a in info.answers] == [
            (n, key(docs[n])) for n in range(3)
        ]

    child = spawn(*args)  # no --new: the unfinished exam is resumed
    child.expect(r"Resuming the exam started .* UTC: 3 of 8 answered")
    answer(child, docs[3], key(docs[3]), 4)  # where it stopped
    child.expect(PROMPT)
    child.sendline("q")
    child.expect(r"Exam saved: 4 of 8 answered, .* left\. Run quizgen exam --db .* to resume it\.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_plain_exam_shows_every_question_of_a_case_study(tmp_path: Path, docs) -> None:
    db = tmp_path / "progress.sqlite3"
    child = spawn("exam", "--plain", "--count", str(COUNT), "--seed", str(SEED), "--db", str(db))
    number = next(n for n, doc in enumerate(docs, 1) if doc["item_type"] == "case-study")
    case = docs[number - 1]
    child.expect(PROMPT)
    child.sendline(f"g {number}")
    child.expect(PROMPT)
    child.sendline(typed(case, key(case))[0])  # its first question
    child.expect(r"Saved: .*\r\n")
    child.expect(PROMPT)
    child.sendline(f"g {number}")
    child.expect(PROMPT)
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    text = " ".join(screen(child).split())  # the lines as printed, wrapping undone
    shows = text.split(f"=== Question {number} of {COUNT}")
    assert len(shows) == 3, text[-3000:]
    for show in shows[1:]:
        for k, sub in enumerate(case["questions"], 1):
            assert f"Question {number}.{k} · {sub['objective']}" in show
            assert " ".join(sub["stem"].split()) in show
            for option in sub.get("options", ()):
                assert f"{option['key']}) {' '.join(option['text'].split())}" in show
            for statement in sub.get("statements", ()):
                assert " ".join(statement["text"].split()) in show
    questions = case["questions"]
    assert f"Your answer to question {number}.1: none yet" in shows[1]
    assert f"Your answer to question {number}.1: {describe(questions[0], key(questions[0]))}" in (
        shows[2]
    )
    assert f"Your answer to question {number}.2: none yet" in shows[2]


def test_new_abandons_the_unfinished_exam(tmp_path: Path, docs) -> None:
    db = tmp_path / "progress.sqlite3"
    child = spawn("exam", "--plain", "--db", str(db), "--count", "2", "--seed", "5")
    child.expect(PROMPT)
    child.sendcontrol("c")
    child.expect(r"Exam saved: 0 of 2 answered")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    child = spawn("exam", "--plain", "--db", str(db), "--new", "--count", "3", "--seed", "5")
    child.expect("The unfinished exam started .* is abandoned.")
    child.expect("Exam: 3 questions, 6 minutes, seed 5.")
    child.expect(PROMPT)
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    with Store.open(db) as store:
        assert store.session(1).summary == {"abandoned": True}
        assert store.unfinished(MODE).id == 2


def test_resume_without_an_unfinished_exam_is_bad_input(tmp_path: Path) -> None:
    child = spawn("exam", "--plain", "--resume", "--db", str(tmp_path / "p.sqlite3"))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert "quizgen exam: no unfinished exam in" in screen(child)
    assert "Traceback" not in screen(child)


def test_full_screen_exam_shows_the_question_and_timer_then_quits(tmp_path: Path) -> None:
    db = tmp_path / "progress.sqlite3"
    child = spawn(
        "exam", "--count", "2", "--seed", "5", "--db", str(db), env={"TERM": "xterm-256color"}
    )
    child.expect("Time left 3:5[89]")
    child.expect("Question 1 of 2")
    child.send("n")
    child.expect("Question 2 of 2")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert re.search(r"Exam saved: 0 of 2 answered", screen(child))


#: "Exam saved: ... N:NN left" and "Resuming ...: ... N:NN left".
SAVED_LEFT = r"Exam saved: \d+ of \d+ answered, ([0-9:]+) left\."
RESUMED_LEFT = r"Resuming the exam started .* UTC: \d+ of \d+ answered, ([0-9:]+) left"


def _resumed_time_left(db: Path) -> str:
    child = spawn("exam", "--plain", "--db", str(db))
    child.expect(RESUMED_LEFT)
    left = child.match[1]
    child.expect(PROMPT)
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    return left


def test_plain_quit_and_resume_do_not_give_time_back(tmp_path: Path, docs) -> None:
    """Answer, read on for a while, quit: the time read is used up, and the quit message
    says the time the resumed exam then has."""
    db = tmp_path / "progress.sqlite3"
    child = spawn("exam", "--plain", "--db", str(db), "--count", str(COUNT), "--seed", str(SEED))
    answer(child, docs[0], key(docs[0]), 1)
    child.expect(PROMPT)
    time.sleep(2.5)  # reading question 2
    child.sendline("q")
    child.expect(SAVED_LEFT)
    left = child.match[1]
    child.expect(pexpect.EOF)
    child.close()
    assert left != f"{2 * COUNT}:00"
    assert _resumed_time_left(db) == left


def test_full_screen_quit_and_resume_do_not_give_time_back(tmp_path: Path) -> None:
    db = tmp_path / "progress.sqlite3"
    child = spawn(
        "exam", "--count", "2", "--seed", "5", "--db", str(db), env={"TERM": "xterm-256color"}
    )
    child.expect("Question 1 of 2")
    time.sleep(2.5)  # reading, no answer given
    child.send("q")
    child.expect(SAVED_LEFT)
    left = child.match[1]
    child.expect(pexpect.EOF)
    child.close()
    assert left < "3:58"
    assert _resumed_time_left(db) == left


def test_an_exam_running_elsewhere_is_not_resumed_twice(tmp_path: Path, docs) -> None:
    """A second quizgen exam on the same store while the first still runs is refused (exit 2);
    once the first is gone, the exam resumes as usual."""
    db = tmp_path / "progress.sqlite3"
    first = spawn("exam", "--plain", "--db", str(db), "--count", str(COUNT), "--seed", str(SEED))
    answer(first, docs[0], key(docs[0]), 1)
    first.expect(PROMPT)
    second = spawn("exam", "--plain", "--db", str(db))
    second.expect(pexpect.EOF)
    second.close()
    assert second.exitstatus == 2
    assert "is open in another quizgen right now" in screen(second)
    first.kill(signal.SIGKILL)
    first.close()
    third = spawn("exam", "--plain", "--db", str(db))
    third.expect(r"Resuming the exam started .* UTC: 1 of 8 answered")
    third.expect(PROMPT)
    third.sendline("q")
    third.expect(pexpect.EOF)
