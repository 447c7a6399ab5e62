"""The progress store: answers survive reopening, SIGKILL and a second writer; damaged, foreign
and newer files are refused and left byte for byte as they were; migrations back up first."""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import platformdirs
import pytest

from quizgen.drill import store as store_module
from quizgen.drill.grading import grade
from quizgen.drill.store import (
    DB_ENV,
    SCHEMA_VERSION,
    Store,
    StoreError,
    Tally,
    default_path,
)

SPAWN = multiprocessing.get_context("spawn")


def doc(n: int, family: str = "fam-a", objective: str = "Objective A") -> dict:
    """A small single-choice question: A is right, B stands for T-01, C for T-02."""
    return {
        "id": f"{family}@1#{n}",
        "family": family,
        "objective": objective,
        "item_type": "single-choice",
        "difficulty": 2,
        "options": [
            {"key": "A", "text": "right", "correct": True},
            {"key": "B", "text": "wrong", "correct": False, "misconception": "T-01"},
            {"key": "C", "text": "wrong too", "correct": False, "misconception": "T-02"},
        ],
    }


def answer(store: Store, session: int, question: dict, response: str, **kw: object) -> None:
    store.record_answer(session, question, response, grade(question, response), seconds=2.5, **kw)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "progress.sqlite3"


# -- recording ----------------------------------------------------------------------------------


def test_answers_are_there_after_reopening(path: Path) -> None:
    with Store.open(path) as store:
        session = store.start_session("drill", {"family": None, "plain": True})
        answer(store, session, doc(1), "A")
        answer(store, session, doc(2), "B", flagged=True)
    with Store.open(path) as store:
        info = store.session(session)
        assert info.mode == "drill" and info.options == {"family": None, "plain": True}
        assert info.planned is None and info.finished is None and info.summary is None
        first, second = info.answers
        assert (first.question_id, first.position, first.response, first.correct) == (
            "fam-a@1#1", 0, "A", True,
        )
        assert (second.position, second.response, second.correct, second.score) == (
            1, "B", False, 0.0,
        )
        assert second.misconceptions == ("T-01",) and second.offered == ("T-01", "T-02")
        assert (second.family, second.objective, second.item_type, second.difficulty) == (
            "fam-a", "Objective A", "single-choice", 2,
        )
        assert second.seconds == 2.5 and second.flagged and not first.flagged
        assert second.answered_at.tzinfo is not None
        assert abs(datetime.now(UTC) - second.answered_at) < timedelta(minutes=5)
        assert info.flags == {"fam-a@1#2"}


def test_answering_again_replaces_the_answer_and_keeps_its_place(path: Path) -> None:
    with Store.open(path) as store:
        session = store.start_session("exam", {"count": 3}, planned=["q1", "q2", "q3"])
        for n in (1, 2, 3):
            answer(store, session, doc(n), "B", position=n - 1)
        answer(store, session, doc(1), "A")  # changed before submitting
        info = store.session(session)
        assert info.planned == ("q1", "q2", "q3")
        assert [(a.question_id, a.position, a.response) for a in info.answers] == [
            ("fam-a@1#1", 0, "A"), ("fam-a@1#2", 1, "B"), ("fam-a@1#3", 2, "B"),
        ]


def test_flags_are_set_and_cleared_answered_or_not(path: Path) -> None:
    with Store.open(path) as store:
        session = store.start_session("exam", {})
        store.set_flag(session, "fam-a@1#9", True)  # not answered yet
        answer(store, session, doc(1), "A", flagged=True)
        answer(store, session, doc(2), "A")
        store.set_flag(session, "fam-a@1#2", True)
        store.set_flag(session, "fam-a@1#1", False)
        info = store.session(session)
        assert info.flags == {"fam-a@1#9", "fam-a@1#2"}
        assert [a.flagged for a in info.answers] == [False, True]
        answer(store, session, doc(2), "B")  # flagged=False leaves the flag alone
        assert store.session(session).flags == {"fam-a@1#9", "fam-a@1#2"}


def test_the_latest_unfinished_session_of_a_mode_is_offered_for_resuming(path: Path) -> None:
    with Store.open(path) as store:
        assert store.unfinished("exam") is None
        old = store.start_session("exam", {"count": 2}, planned=["a", "b"])
        new = store.start_session("exam", {"count": 3}, planned=["c", "d", "e"])
        drill = store.start_session("drill", {})
        assert store.unfinished("exam").id == new
        store.finish_session(new, {"score": 800, "passed": True})
        assert store.unfinished("exam").id == old
        store.finish_session(old, {})
        assert store.unfinished("exam") is None
        assert store.unfinished("drill").id == drill
        finished = store.session(new)
        assert finished.summary == {"score": 800, "passed": True}
        assert finished.finished is not None and finished.finished >= finished.started


def test_an_unknown_session_is_a_store_error(path: Path) -> None:
    with Store.open(path) as store:
        with pytest.raises(StoreError, match="has no session 42"):
            store.session(42)
        with pytest.raises(StoreError, match="has no session 42"):
            answer(store, 42, doc(1), "A")
        with pytest.raises(ValueError, match="mode 'practice'"):
            store.start_session("practice", {})


def test_mistakes_are_wrong_answers_not_put_right_since_newest_first(path: Path) -> None:
    t0 = datetime(2025, 3, 1, 12, tzinfo=UTC)
    with Store.open(path) as store:
        s = store.start_session("drill", {})
        answer(store, s, doc(1, "fam-a"), "B", answered_at=t0)
        answer(store, s, doc(2, "fam-b"), "C", answered_at=t0 + timedelta(minutes=1))
        answer(store, s, doc(3, "fam-a"), "A", answered_at=t0 + timedelta(minutes=2))  # put right
        answer(store, s, doc(4, "fam-c"), "B", answered_at=t0 + timedelta(minutes=3))
        answer(store, s, doc(5, "fam-b"), "B", answered_at=t0 + timedelta(minutes=4))
        answer(store, s, doc(6, "fam-d"), "A", answered_at=t0 + timedelta(minutes=5))
        assert [m.question_id for m in store.mistakes()] == ["fam-b@1#5", "fam-c@1#4", "fam-b@1#2"]
        assert [m.question_id for m in store.mistakes(limit=1)] == ["fam-b@1#5"]
        answer(store, s, doc(7, "fam-a"), "C", answered_at=t0 + timedelta(minutes=6))
        assert store.mistakes()[0].question_id == "fam-a@1#7"
        assert store.mistakes()[0].misconceptions == ("T-02",)


def test_stats_count_per_area_per_day_and_name_the_weakest(path: Path) -> None:
    day1 = datetime(2025, 3, 1, 23, 30, tzinfo=UTC)  # 2 March in UTC+2
    day2 = datetime(2025, 3, 3, 9, tzinfo=UTC)
    with Store.open(path) as store:
        s = store.start_session("drill", {})
        for n, (family, objective, response, at) in enumerate(
            [
                ("fam-a", "Obj 1", "A", day1),
                ("fam-a", "Obj 1", "B", day1),
                ("fam-a", "Obj 1", "B", day1),
                ("fam-b", "Obj 1", "A", day2),
                ("fam-b", "Obj 1", "A", day2),
                ("fam-c", "Obj 2", "C", day2),
            ]
        ):
            answer(store, s, doc(n, family, objective), response, answered_at=at)
        store.save_card("family:fam-a", "{}", day1)
        store.save_card("family:fam-b", "{}", day2 + timedelta(days=30))
        stats = store.stats(now=day2.astimezone(timezone(timedelta(hours=2))))
    assert (stats.answered, stats.correct, stats.sessions, stats.due) == (6, 3, 1, 1)
    assert stats.accuracy == 0.5 and stats.score == 0.5
    assert stats.objectives == (
        Tally("objective", "Obj 1", 5, 3, 0.6),
        Tally("objective", "Obj 2", 1, 0, 0.0),
    )
    assert [(t.name, t.answered, t.correct) for t in stats.families] == [
        ("fam-a", 3, 1), ("fam-b", 2, 2), ("fam-c", 1, 0),
    ]
    # every question offered both traps: T-01 was fallen for twice, T-02 once
    assert [(t.name, t.answered, t.correct) for t in stats.misconceptions] == [
        ("T-01", 6, 4), ("T-02", 6, 5),
    ]
    assert [(d.date, d.answered, d.correct) for d in stats.history] == [
        (date(2025, 3, 2), 3, 1), (date(2025, 3, 3), 3, 2),
    ]
    # at least 3 answers and below 100%, lowest accuracy first (fam-c has too few answers)
    assert [(t.kind, t.name) for t in stats.weakest] == [
        ("family", "fam-a"), ("objective", "Obj 1"), ("misconception", "T-01"),
        ("misconception", "T-02"),
    ]


def test_an_empty_store_has_empty_stats(path: Path) -> None:
    with Store.open(path) as store:
        stats = store.stats()
    assert (stats.answered, stats.correct, stats.accuracy, stats.history, stats.weakest) == (
        0, 0, 0.0, (), (),
    )


def test_cards_are_saved_replaced_and_loaded(path: Path) -> None:
    due = datetime(2025, 1, 1, tzinfo=UTC)
    with Store.open(path) as store:
        store.save_card("family:fam-a", '{"v": 1}', due)
        store.save_card("misconception:T-01", '{"v": 2}', due)
        store.save_card("family:fam-a", '{"v": 3}', due + timedelta(days=2))
    with Store.open(path) as store:
        assert store.load_cards() == {"family:fam-a": '{"v": 3}', "misconception:T-01": '{"v": 2}'}
        assert store.stats(now=due + timedelta(days=1)).due == 1


# -- the file -----------------------------------------------------------------------------------


def test_quizgen_db_chooses_the_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(DB_ENV, raising=False)
    assert default_path() == Path(platformdirs.user_data_dir("quizgen")) / "progress.sqlite3"
    chosen = tmp_path / "elsewhere" / "mine.db"
    monkeypatch.setenv(DB_ENV, str(chosen))
    assert default_path() == chosen
    with Store.open() as store:
        assert store.path == chosen
        store.start_session("drill", {})
    assert chosen.is_file()


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=f"{tmp_path} is a folder"):
        Store.open(tmp_path)


def _refused(path: Path, message: str) -> None:
    before = path.read_bytes()
    with pytest.raises(StoreError) as caught:
        Store.open(path)
    assert str(path) in str(caught.value)
    assert message in str(caught.value)
    assert "--db" in str(caught.value) and DB_ENV in str(caught.value)
    assert path.read_bytes() == before, "the file was changed"


def test_a_file_of_random_bytes_is_refused_and_left_alone(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(random.Random(1).randbytes(10_000))
    _refused(path, "is damaged or is not a quizgen progress database")
    path.write_text("todo: buy milk\n")
    _refused(path, "is damaged or is not a quizgen progress database")


def _filled(path: Path, answers: int = 400) -> None:
    with Store.open(path) as store:
        session = store.start_session("drill", {})
        for n in range(answers):
            answer(store, session, doc(n, f"fam-{n % 7}"), "AB"[n % 2])
    with sqlite3.connect(path) as db:  # everything into the main file, as after a clean exit
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def test_a_truncated_database_is_refused_and_left_alone(path: Path) -> None:
    _filled(path)
    data = path.read_bytes()
    assert len(data) > 8 * 4096
    path.write_bytes(data[: len(data) // 2])
    _refused(path, "is damaged or is not a quizgen progress database")


def test_a_database_with_damaged_pages_is_refused_and_left_alone(path: Path) -> None:
    _filled(path)
    data = bytearray(path.read_bytes())
    data[5 * 4096 : 7 * 4096] = random.Random(2).randbytes(2 * 4096)
    path.write_bytes(bytes(data))
    _refused(path, "is damaged or is not a quizgen progress database")


def test_a_newer_schema_is_refused_and_left_alone(path: Path) -> None:
    _filled(path, answers=3)
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    _refused(path, f"written by a newer quizgen (progress schema v{SCHEMA_VERSION + 1}")


def test_another_programs_database_is_refused_and_left_alone(path: Path) -> None:
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE recipes (name TEXT)")
        db.execute("INSERT INTO recipes VALUES ('pancakes')")
    db.close()
    _refused(path, "is an SQLite database but not quizgen's (it holds tables recipes)")


def _v2(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE answers ADD COLUMN hints INTEGER NOT NULL DEFAULT 0")


def test_an_older_schema_is_backed_up_then_migrated(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _filled(path, answers=5)
    v1_bytes = path.read_bytes()
    monkeypatch.setattr(store_module, "MIGRATIONS", [*store_module.MIGRATIONS, _v2])
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with Store.open(path) as store:
        assert len(store.session(1).answers) == 5
        session = store.start_session("drill", {})
        answer(store, session, doc(99), "A")
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
        assert db.execute("SELECT COUNT(*), SUM(hints) FROM answers").fetchone() == (6, 0)
    db.close()
    backup = path.with_name(f"{path.name}.bak-v{SCHEMA_VERSION}")
    with sqlite3.connect(backup) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("SELECT COUNT(*) FROM answers").fetchone() == (5,)
    db.close()
    assert backup.read_bytes()[:100] != b""
    # an older backup of the same version is kept; the next one gets its own name
    path.write_bytes(v1_bytes)
    Store.open(path).close()
    assert path.with_name(f"{path.name}.bak-v{SCHEMA_VERSION}-2").is_file()
    assert backup.is_file()


def test_a_new_database_is_created_at_the_current_version(path: Path) -> None:
    Store.open(path).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()
    assert not list(path.parent.glob("*.bak-*"))  # nothing to back up


# -- crashes and company ------------------------------------------------------------------------


def killed_writer(path: str, count: int) -> None:
    """Record ``count`` answers, then die by SIGKILL (no clean-up of any kind)."""
    store = Store.open(Path(path))
    session = store.start_session("exam", {"count": count}, planned=[f"q{n}" for n in range(40)])
    for n in range(count):
        answer(store, session, doc(n), "AB"[n % 2], position=n)
    os.kill(os.getpid(), signal.SIGKILL)


def test_answers_recorded_before_sigkill_are_kept(path: Path) -> None:
    writer = SPAWN.Process(target=killed_writer, args=(str(path), 25))
    writer.start()
    writer.join(timeout=120)
    assert writer.exitcode == -signal.SIGKILL
    with Store.open(path) as store:
        resumed = store.unfinished("exam")
        assert resumed is not None and len(resumed.planned) == 40
        assert [a.position for a in resumed.answers] == list(range(25))
        assert [a.correct for a in resumed.answers] == [n % 2 == 0 for n in range(25)]
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()


def busy_writer(path: str, name: str, count: int, ready: object) -> None:
    ready.wait()  # both start together
    with Store.open(Path(path)) as store:
        session = store.start_session("drill", {"writer": name})
        for n in range(count):
            answer(store, session, doc(n, f"{name}-{n % 5}"), "ABC"[n % 3])
            if n % 50 == 0:
                store.save_card(f"family:{name}-{n % 5}", "{}", datetime.now(UTC))
                store.stats()


def test_two_processes_writing_at_once_lose_nothing(path: Path) -> None:
    count = 300
    ready = SPAWN.Event()
    writers = [SPAWN.Process(target=busy_writer, args=(str(path), w, count, ready)) for w in "xy"]
    for w in writers:
        w.start()
    ready.set()
    for w in writers:
        w.join(timeout=300)
    assert [w.exitcode for w in writers] == [0, 0]
    with Store.open(path) as store:
        stats = store.stats()
        assert stats.answered == 2 * count and stats.sessions == 2
        for session in (1, 2):
            info = store.session(session)
            assert [a.position for a in info.answers] == list(range(count))
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()


def test_a_session_is_claimed_by_one_live_process_at_a_time(tmp_path):
    db = tmp_path / "p.sqlite3"
    first, second = Store.open(db), Store.open(db)
    session = first.start_session("drill", {})
    assert first.claim(session) and first.claim(session)  # idempotent for the holder
    assert not second.claim(session)
    first.close()  # the process holding it ended (the OS lock goes with it)
    assert second.claim(session)
    second.finish_session(session, {})
    assert not list(tmp_path.glob("*.lock")), "a finished session leaves no lock file"
    second.close()


def test_an_unwritable_database_is_not_called_damaged(tmp_path, monkeypatch):
    """A database SQLite cannot open for writing (read-only mount, no write permission on its
    folder) is reported as such, not as damaged; the file is left as it is."""
    import sqlite3

    from quizgen.drill import store as store_module

    db = tmp_path / "p.sqlite3"
    Store.open(db).close()
    before = db.read_bytes()
    real_connect = sqlite3.connect

    def read_only(path, *args, **kwargs):
        kwargs.pop("isolation_level", None)
        con = real_connect(f"file:{path}?mode=ro", *args, uri=True, isolation_level=None, **kwargs)
        con.execute("PRAGMA query_only=ON")
        return con

    monkeypatch.setattr(store_module.sqlite3, "connect", read_only)
    monkeypatch.setattr(store_module, "_writable", lambda path: False)
    with pytest.raises(StoreError) as error:
        Store.open(db)
    assert "cannot be written here" in str(error.value) and "damaged" not in str(error.value)
    assert db.read_bytes() == before


# -- schema v2 ----------------------------------------------------------------------------------

#: A real v1 database, written by quizgen before schema v2 (quizgen exam --plain --count 3
#: --seed 5: the first question answered B, the second flagged, then q).
V1_FILE = Path(__file__).parent / "data" / "progress-v1.sqlite3"


def test_a_real_v1_database_is_backed_up_and_migrated_to_v2(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(V1_FILE.read_bytes())
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    db.close()
    with Store.open(path) as store:
        info = store.unfinished("exam")
        assert info is not None and info.id == 1
        assert info.seconds_used is None  # v1 did not keep it
        assert info.options["seconds"] == 360.0 and len(info.planned) == 3
        assert [(a.position, a.response) for a in info.answers] == [(0, "B")]
        assert info.flags == {info.planned[1]}
        store.save_time(info.id, 75.5)
        assert store.session(info.id).seconds_used == 75.5
        assert info.drafts == ()
        store.save_draft(info.id, info.planned[2], [None, "A", None], seconds=1.0, position=2)
        assert len(store.session(info.id).drafts) == 1
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 2
    db.close()
    backup = path.with_name(f"{path.name}.bak-v1")  # the v1 data as it was
    copy = path.with_name("untouched-v1.sqlite3")  # never open the file in tests/data itself
    copy.write_bytes(V1_FILE.read_bytes())
    with sqlite3.connect(backup) as db, sqlite3.connect(copy) as original:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 1
        for table in ("sessions", "answers", "flags", "cards"):
            query = f"SELECT * FROM {table} ORDER BY 1, 2"
            assert db.execute(query).fetchall() == original.execute(query).fetchall()
        columns = [row[1] for row in db.execute("PRAGMA table_info(sessions)")]
        assert "seconds_used" not in columns
        assert "drafts" not in {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    db.close()
    original.close()


def test_the_time_used_saved_only_grows(path: Path) -> None:
    with Store.open(path) as store:
        session = store.start_session("exam", {"seconds": 600}, ["a", "b"])
        assert store.session(session).seconds_used is None
        store.save_time(session, 90.0)
        store.save_time(session, 60.0)  # another process that started earlier
        assert store.session(session).seconds_used == 90.0
        store.save_time(session, 120.25)
        assert store.session(session).seconds_used == 120.25
        with pytest.raises(StoreError, match="has no session 99"):
            store.save_time(99, 1.0)


def test_forget_answer_and_drafts(path: Path) -> None:
    with Store.open(path) as store:
        session = store.start_session("exam", {"seconds": 600}, ["fam-a@1#1", "fam-a@1#2"])
        answer(store, session, doc(1), "B", position=0)
        store.save_draft(session, "fam-a@1#2", ["x", None], seconds=3.0, position=1)
        info = store.session(session)
        assert [a.question_id for a in info.answers] == ["fam-a@1#1"]
        assert [(d.question_id, d.response, d.position) for d in info.drafts] == [
            ("fam-a@1#2", ["x", None], 1)
        ]
        # a draft replaces an answer; an answer replaces a draft
        store.save_draft(session, "fam-a@1#1", ["y", None], seconds=4.0, position=0)
        assert store.session(session).answers == ()
        answer(store, session, doc(1), "A", position=0)
        info = store.session(session)
        assert [d.question_id for d in info.drafts] == ["fam-a@1#2"]
        assert [a.response for a in info.answers] == ["A"]
        store.forget_answer(session, "fam-a@1#1")
        store.forget_answer(session, "fam-a@1#2")
        store.forget_answer(session, "fam-a@1#9")  # nothing to forget: fine
        info = store.session(session)
        assert info.answers == () and info.drafts == ()
        assert store.stats().answered == 0
        with pytest.raises(StoreError, match="has no session 99"):
            store.forget_answer(99, "fam-a@1#1")
