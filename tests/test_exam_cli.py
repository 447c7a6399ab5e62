"""``quizgen exam`` options in-process (click's runner: not a terminal, so the plain mode with
no input): which exam is sat when one is unfinished, and the messages of bad options."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import invoke

from quizgen.drill.exam import MODE
from quizgen.drill.store import Store


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A progress database holding an unfinished exam: 2 questions, seed 5, 4 minutes."""
    path = str(tmp_path / "progress.sqlite3")
    code, _, err = invoke("exam", "--count", "2", "--seed", "5", "--db", path)
    assert code == 1 and "Exam: 2 questions, 4 minutes, seed 5." in err, err
    return path


def test_other_selection_options_than_the_unfinished_exam_are_refused(db: str) -> None:
    code, out, err = invoke(
        "exam", "--count", "5", "--minutes", "3", "--family", "nsg-priority", "--db", db
    )
    assert code == 2 and "Traceback" not in out + err
    assert (
        "was not started with --count 5, --minutes 3, --family nsg-priority (it has --count 2, "
        "--minutes 4, no --family). Run quizgen exam --new with your options to start another"
    ) in err
    assert "or quizgen exam --resume to continue the stored one as it is" in err
    assert "Resuming" not in err
    with Store.open(Path(db)) as store:  # left as it was
        info = store.unfinished(MODE)
        assert info.id == 1 and info.finished is None


def test_the_same_options_or_none_resume_it(db: str) -> None:
    for args in ((), ("--count", "2", "--seed", "5", "--minutes", "4")):
        code, _, err = invoke("exam", *args, "--db", db)
        assert code == 1 and "Resuming the exam started" in err, err


def test_resume_continues_the_stored_exam_as_it_is_and_says_what_is_not_used(db: str) -> None:
    code, _, err = invoke("exam", "--resume", "--count", "9", "--difficulty", "3", "--db", db)
    assert code == 1, err
    assert (
        "Not used: --count 9, --difficulty 3 (the exam is resumed as it was started: "
        "--count 2, no --difficulty)."
    ) in err
    assert "Resuming the exam started" in err and "0 of 2 answered" in err


def test_new_starts_another_with_the_options_given(db: str) -> None:
    code, _, err = invoke("exam", "--new", "--count", "3", "--seed", "5", "--db", db)
    assert code == 1 and "Exam: 3 questions, 6 minutes, seed 5." in err, err


def test_resume_and_new_together_are_bad_input(db: str) -> None:
    code, out, err = invoke("exam", "--resume", "--new", "--db", db)
    assert code == 2 and "Traceback" not in out + err
    assert "--resume and --new contradict each other" in err


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--family", "nope"), "--family nope"),
        (("--objective", "zzz"), "--objective zzz"),
        (("--family", "nsg-priority", "--objective", "zz"), "--family nsg-priority --objective zz"),
    ],
)
def test_filters_no_family_matches_name_the_exam_options(tmp_path: Path, args, named) -> None:
    code, out, err = invoke("exam", *args, "--db", str(tmp_path / "p.sqlite3"))
    assert code == 2 and "Traceback" not in out + err
    assert f"quizgen exam: no question family matches {named}; see 'quizgen generate --list'" in err
    assert "--type" not in err  # exam has no --type
