"""``quizgen drill`` and ``quizgen review`` driven as a learner drives them: the real program in a
pseudo-terminal (pexpect), answers typed at its prompt, the progress store read back afterwards.

The screen shows each question's id; the test regenerates that question in-process
(``by_id``), takes the key from the evaluator-backed document and types the right answer or a
wrong one, so nothing here is hard-coded and every figure the program prints can be checked.
"""

from __future__ import annotations

import io
import re
import signal
import sqlite3
import sys
from pathlib import Path

import pexpect
import pytest

from quizgen.drill import practice
from quizgen.drill.grading import key
from quizgen.questions.generate import by_id

QUIZGEN = str(Path(sys.executable).parent / "quizgen")
ID = re.compile(r"· ([a-z-]+@\d+#\d+)")
PROMPT = r"Answer \((.*?)\): "
NEXT = re.escape(practice.NEXT)


def spawn(*args: str, env: dict[str, str] | None = None) -> pexpect.spawn:
    child = pexpect.spawn(
        QUIZGEN, list(args), encoding="utf-8", timeout=60, dimensions=(60, 120), env=env
    )
    child.logfile_read = io.StringIO()  # the whole screen, for checks after the session
    return child


def screen(child: pexpect.spawn) -> str:
    return child.logfile_read.getvalue()


def typed(doc: dict, response: object) -> str:
    """What a learner types for ``response`` (the inverse of grading.parse)."""
    kind = doc["item_type"]
    if kind in ("single-choice", "fix-it"):
        return str(response)
    if kind == "multi-choice":
        return " ".join(response)  # type: ignore[arg-type]
    if kind == "yes-no-series":
        return " ".join("y" if a else "n" for a in response)  # type: ignore[union-attr]
    if kind == "hotspot":
        return " ".join(
            str(b["choices"].index(c) + 1)
            for b, c in zip(doc["blanks"], response, strict=True)  # type: ignore[arg-type]
        )
    return " ".join(str(i + 1) for i in response)  # type: ignore[union-attr]


def wrong(doc: dict) -> object:
    """A well-formed response that is not the key."""
    kind = doc["item_type"]
    right = key(doc)
    if kind in ("single-choice", "fix-it"):
        return next(o["key"] for o in doc["options"] if o["key"] != right)
    if kind == "multi-choice":
        keys = [o["key"] for o in doc["options"]]
        bad = [k for k in keys if k not in right]
        return sorted([*right[1:], bad[0]])  # type: ignore[index]
    if kind == "yes-no-series":
        return [not right[0], *right[1:]]  # type: ignore[index]
    if kind == "hotspot":
        first = doc["blanks"][0]
        other = next(c for c in first["choices"] if c != right[0])  # type: ignore[index]
        return [other, *right[1:]]  # type: ignore[index]
    order = list(right)  # type: ignore[call-overload]
    order[0], order[1] = order[1], order[0]
    return order


def answer_one(child: pexpect.spawn, right: bool) -> tuple[dict, str]:
    """Read the question id off the screen, answer it (every sub-question of a case study),
    and return the document and the feedback shown, up to the pause before the next question
    (which is then answered with Enter) or the end of the session."""
    child.expect(ID)
    doc = by_id(child.match.group(1))
    subs = doc["questions"] if doc["item_type"] == "case-study" else [doc]
    for n, sub in enumerate(subs):
        child.expect(PROMPT)
        response = key(sub) if right or n else wrong(sub)
        child.sendline(typed(sub, response))
    child.expect(r"(✓ )?Correct\.|(✗ )?Incorrect\.")
    verdict = child.after
    assert ("Incorrect" not in verdict) == right, (doc["id"], verdict)
    if child.expect([NEXT, "Session: "]) == 0:
        feedback = verdict + child.before
        child.sendline("")
    else:
        feedback = verdict + child.before
    return doc, feedback


def rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT question_id, correct FROM answers ORDER BY rowid").fetchall()


def test_a_short_drill_right_and_wrong_answers(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    child = spawn("drill", "--seed", "5", "--count", "6", "--db", str(db))
    given = []
    for n in range(6):
        right = n % 2 == 0
        doc, feedback = answer_one(child, right)
        assert feedback.startswith("✓ Correct." if right else "✗ Incorrect.")
        assert "Correct answer: " in feedback and "Why:" in feedback
        given.append((doc["id"], right))
    child.expect(r"3 of 6 correct \(50%\)\.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert [(q, bool(c)) for q, c in rows(db)] == given


def test_every_item_type_in_plain_mode(tmp_path: Path) -> None:
    from quizgen.questions import ITEM_TYPES

    for item_type in ITEM_TYPES:
        db = tmp_path / f"{item_type}.sqlite3"
        child = spawn("drill", "--plain", "--type", item_type, "--count", "2", "--seed", "3",
                      "--db", str(db))  # fmt: skip
        for right in (True, False):
            doc, _ = answer_one(child, right)
            assert doc["item_type"] == item_type
        child.expect(pexpect.EOF)
        child.close()
        text = screen(child)
        assert "\x1b[" not in text, "plain mode printed an escape sequence"
        assert child.exitstatus == 0
        assert [bool(c) for _, c in rows(db)] == [True, False]


def test_wrong_pick_names_the_misconception(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    child = spawn("drill", "--plain", "--type", "single-choice", "--count", "1", "--seed", "8",
                  "--db", str(db))  # fmt: skip
    child.expect(ID)
    doc = by_id(child.match.group(1))
    picked = next(o for o in doc["options"] if not o["correct"] and o.get("misconception"))
    child.expect(PROMPT)
    child.sendline(picked["key"])
    child.expect("Incorrect.")
    child.expect(rf"believes: .*\({picked['misconception']}\)")
    child.expect(pexpect.EOF)


def test_commands_at_the_prompt(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    child = spawn("drill", "--plain", "--seed", "2", "--db", str(db))
    child.expect(PROMPT)
    child.sendline("?")
    child.expect("show the exhibits again")
    child.sendline("zzz")
    child.expect(r"expected")  # AnswerError's message says what was expected
    child.sendline("t")
    child.expect("Azure virtual networks")
    child.sendline("s")
    child.expect("Skipped.")
    child.expect(PROMPT)
    child.sendline("q")
    child.expect("No questions answered this time.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert rows(db) == []


def test_sigkill_keeps_every_answer(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    child = spawn("drill", "--plain", "--seed", "9", "--db", str(db))
    given = [answer_one(child, right=True)[0]["id"] for _ in range(3)]
    child.expect(PROMPT)  # the fourth question is on screen, unanswered
    child.kill(signal.SIGKILL)
    child.close()
    assert [q for q, _ in rows(db)] == given
    # Started again with the same options, the drill resumes the interrupted session.
    child = spawn("drill", "--plain", "--seed", "10", "--db", str(db))
    child.expect("Resuming the drill you started .*: 3 answered so far.")
    given.append(answer_one(child, right=False)[0]["id"])
    child.expect(PROMPT)
    child.sendline("q")
    child.expect(r"Session: 3 of 4 correct \(75%\)\.")
    child.expect(pexpect.EOF)
    assert [q for q, _ in rows(db)] == given
    with sqlite3.connect(db) as con:
        sessions = con.execute("SELECT DISTINCT session FROM answers").fetchall()
    assert len(sessions) == 1


def test_review_serves_fresh_variants_of_missed_families(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    child = spawn("drill", "--plain", "--seed", "4", "--count", "3", "--db", str(db))
    missed = [answer_one(child, right=False)[0] for _ in range(3)]
    child.expect(pexpect.EOF)
    child = spawn("review", "--plain", "--seed", "4", "--db", str(db))
    child.expect("Review: ")
    families = {d["family"] for d in missed}
    served = []
    for _ in families:
        doc, _ = answer_one(child, right=True)
        served.append(doc)
    child.expect(pexpect.EOF)
    assert {d["family"] for d in served} == families
    assert not {d["id"] for d in served} & {d["id"] for d in missed}
    child = spawn("review", "--plain", "--db", str(db))
    child.expect("Nothing to review")
    child.expect(pexpect.EOF)


def test_damaged_database_is_refused_and_kept(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    db.write_bytes(b"this is not a database" * 100)
    before = db.read_bytes()
    child = spawn("drill", "--plain", "--db", str(db))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert str(db) in screen(child)
    assert "Traceback" not in screen(child)
    assert db.read_bytes() == before


@pytest.mark.parametrize("variable", ["NO_COLOR"])
def test_no_color_is_respected(tmp_path: Path, variable: str) -> None:
    import os

    env = {**os.environ, variable: "1"}
    child = spawn("drill", "--count", "1", "--seed", "1", "--db", str(tmp_path / "c"))
    answer_one(child, right=True)
    child.expect(pexpect.EOF)
    assert "\x1b[" in screen(child), "colour is on in a terminal without NO_COLOR"
    child = spawn("drill", "--count", "1", "--seed", "1", "--db", str(tmp_path / "p"), env=env)
    answer_one(child, right=True)
    child.expect(pexpect.EOF)
    assert "\x1b[" not in screen(child)


def test_a_running_drill_is_not_taken_over_by_a_second_one(tmp_path: Path) -> None:
    """Two drills with the same options at once: the second starts its own session (the first
    is alive, so it is not 'interrupted'); each writes only into its own."""
    db = tmp_path / "p.sqlite3"
    first = spawn("drill", "--plain", "--type", "single-choice", "--seed", "1", "--db", str(db))
    answer_one(first, right=True)
    second = spawn("drill", "--plain", "--type", "single-choice", "--seed", "2", "--db", str(db))
    answer_one(second, right=False)
    assert "Resuming" not in screen(second)
    for child in (first, second):
        child.expect(PROMPT)
        child.sendline("q")
        child.expect(pexpect.EOF)
    with sqlite3.connect(db) as con:
        sessions = con.execute("SELECT session, count(*) FROM answers GROUP BY session").fetchall()
    assert [n for _, n in sessions] == [1, 1]


def test_a_flagged_then_skipped_question_comes_back_in_review(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    child = spawn("drill", "--plain", "--seed", "6", "--db", str(db))
    child.expect(ID)
    flagged = child.match.group(1)
    child.expect(PROMPT)
    child.sendline("f")
    child.expect("Flagged for later.")
    child.sendline("s")
    child.expect("Skipped.")
    child.expect(PROMPT)
    child.sendline("q")
    child.expect(pexpect.EOF)
    stats = spawn("stats", "--db", str(db), "--json")
    stats.expect(pexpect.EOF)
    assert flagged in screen(stats)
    child = spawn("review", "--plain", "--seed", "6", "--db", str(db))
    child.expect("Review: 1 family you got wrong or flagged")
    doc, _ = answer_one(child, right=True)
    child.expect(pexpect.EOF)
    assert doc["family"] == flagged.split("@")[0] and doc["id"] != flagged
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT count(*) FROM flags").fetchone() == (0,)  # done with


def test_empty_db_option_is_refused(tmp_path: Path) -> None:
    for command in ("drill", "review", "stats", "exam"):
        child = spawn(command, "--db", "", env=None)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 2, command
        assert "--db is empty" in screen(child) and "Traceback" not in screen(child)
