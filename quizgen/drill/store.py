"""The learner's progress in SQLite: sessions, every answer as it is given, scheduler cards.

One file (``default_path()``: $QUIZGEN_DB, else the user's data directory) shared by every
session. Every write is one transaction committed before the call returns, so Ctrl-C, a closed
terminal or a killed process loses nothing already answered. The database is in WAL mode with a
busy timeout (and retries), so two quizgen sessions at once neither corrupt it nor fail with
"database is locked".

The schema is versioned with ``PRAGMA user_version``: ``MIGRATIONS[n]`` takes a database from
version n to n + 1. An older database is copied to ``<name>.bak-v<N>`` and then migrated; a
newer one, a damaged file and a file that is not a quizgen database are refused with a
StoreError and left exactly as they were.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import platformdirs

from quizgen.drill.grading import Grade, offered
from quizgen.errors import QuizgenError

DB_ENV = "QUIZGEN_DB"
MODES = ("drill", "exam", "review")
#: The first 16 bytes of every SQLite database file.
SQLITE_HEADER = b"SQLite format 3\x00"
#: How long one statement waits for another process's write lock (sqlite's busy timeout).
BUSY_SECONDS = 10.0
#: Whole transactions retried when the database stays locked or busy anyway.
RETRIES = 5
#: An area needs this many answers before it can be called weak.
MIN_ANSWERS = 3
#: How many weakest areas stats() lists.
WEAKEST = 5

T = TypeVar("T")


class StoreError(QuizgenError):
    """The progress database cannot be used; the message names the file and what to do."""


# -- schema -------------------------------------------------------------------------------------


def _v1(db: sqlite3.Connection) -> None:
    """Sessions, answers (one per question per session), flags, scheduler cards."""
    for statement in (
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            mode TEXT NOT NULL,
            options TEXT NOT NULL,          -- JSON object
            planned TEXT,                   -- JSON list of question ids (an exam), or NULL
            started TEXT NOT NULL,          -- UTC ISO 8601
            finished TEXT,
            summary TEXT                    -- JSON object, once finished
        )""",
        """CREATE TABLE answers (
            id INTEGER PRIMARY KEY,
            session INTEGER NOT NULL REFERENCES sessions(id),
            position INTEGER NOT NULL,
            question_id TEXT NOT NULL,
            family TEXT NOT NULL,
            objective TEXT NOT NULL,
            item_type TEXT NOT NULL,
            difficulty INTEGER,
            response TEXT NOT NULL,         -- JSON, as quizgen.drill.grading reads it
            correct INTEGER NOT NULL,
            score REAL NOT NULL,
            misconceptions TEXT NOT NULL,   -- JSON list: those the learner picked
            offered TEXT NOT NULL,          -- JSON list: those the question's options stand for
            seconds REAL NOT NULL,
            flagged INTEGER NOT NULL,
            answered_at TEXT NOT NULL,      -- UTC ISO 8601
            UNIQUE (session, question_id)
        )""",
        "CREATE INDEX answers_by_family ON answers (family, answered_at)",
        "CREATE INDEX answers_by_time ON answers (answered_at)",
        """CREATE TABLE flags (
            session INTEGER NOT NULL REFERENCES sessions(id),
            question_id TEXT NOT NULL,
            PRIMARY KEY (session, question_id)
        )""",
        """CREATE TABLE cards (
            key TEXT PRIMARY KEY,           -- "family:<name>" or "misconception:<T-id>"
            card TEXT NOT NULL,             -- JSON, as the scheduler writes it
            due TEXT NOT NULL               -- UTC ISO 8601
        )""",
    ):
        db.execute(statement)


def _v2(db: sqlite3.Connection) -> None:
    """The time an exam has used, saved while it runs (NULL for sessions written by v1), and
    drafts: incomplete exam answers (a case study answered in part), kept for resuming only."""
    db.execute("ALTER TABLE sessions ADD COLUMN seconds_used REAL")
    db.execute(
        """CREATE TABLE drafts (
            session INTEGER NOT NULL REFERENCES sessions(id),
            question_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            response TEXT NOT NULL,         -- JSON, as quizgen.drill.grading reads it
            seconds REAL NOT NULL,
            saved_at TEXT NOT NULL,         -- UTC ISO 8601
            PRIMARY KEY (session, question_id)
        )"""
    )


#: MIGRATIONS[n] takes the schema from version n to n + 1 (inside the caller's transaction).
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1, _v2]
SCHEMA_VERSION = len(MIGRATIONS)


# -- records ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """One recorded answer."""

    session: int
    position: int
    question_id: str
    family: str
    objective: str
    item_type: str
    difficulty: int | None
    response: Any
    correct: bool
    score: float
    misconceptions: tuple[str, ...]  # the wrong options' T-ids the learner picked
    offered: tuple[str, ...]  # the T-ids of every wrong option the question offered
    seconds: float
    flagged: bool  # flagged now (set_flag may have changed it since the answer)
    answered_at: datetime  # UTC


@dataclass(frozen=True, slots=True)
class Draft:
    """An incomplete answer of an exam (a case study answered in part): kept so that the exam
    resumes as it was, never graded and never counted in the learner's progress."""

    position: int
    question_id: str
    response: Any
    seconds: float
    saved_at: datetime  # UTC


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """A session as stored: what was asked for, what was answered, how it ended."""

    id: int
    mode: str
    options: dict[str, Any]
    planned: tuple[str, ...] | None
    answers: tuple[AnswerRow, ...]  # by position
    flags: frozenset[str]  # question ids flagged now
    started: datetime
    finished: datetime | None
    summary: dict[str, Any] | None
    seconds_used: float | None = None  # an exam's time used as last saved (save_time)
    drafts: tuple[Draft, ...] = ()  # by position

    @property
    def answered(self) -> frozenset[str]:
        return frozenset(a.question_id for a in self.answers)


@dataclass(frozen=True, slots=True)
class Tally:
    """Answers in one area (an objective, a family or a misconception).

    For a misconception, ``answered`` counts the questions that offered it as a wrong option and
    ``correct`` those where the learner did not pick it.
    """

    kind: str  # "objective", "family" or "misconception"
    name: str
    answered: int
    correct: int
    score: float  # mean score (partial credit), 0..1

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True, slots=True)
class Day:
    date: date  # in the time zone of stats()'s ``now``
    answered: int
    correct: int


@dataclass(frozen=True, slots=True)
class Stats:
    answered: int
    correct: int
    score: float  # mean score over every answer, 0..1
    sessions: int
    objectives: tuple[Tally, ...]  # by name
    families: tuple[Tally, ...]
    misconceptions: tuple[Tally, ...]
    history: tuple[Day, ...]  # days with answers, oldest first
    weakest: tuple[Tally, ...]  # lowest accuracy below 100% with >= MIN_ANSWERS answers
    due: int  # scheduler cards due at ``now``

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


# -- the store ----------------------------------------------------------------------------------


def default_path() -> Path:
    """$QUIZGEN_DB when set, else progress.sqlite3 in the user's data directory."""
    chosen = os.environ.get(DB_ENV)
    if chosen:
        return Path(chosen).expanduser()
    return Path(platformdirs.user_data_dir("quizgen")) / "progress.sqlite3"


def db_path(db: str | None) -> Path | None:
    """--db as given: None means the default database; an empty value is a mistake."""
    if db is None:
        return None
    if not db.strip():
        raise StoreError(
            "--db is empty; expected the path of a database file, e.g. --db progress.sqlite3 "
            "(leave --db out to use your default progress database)"
        )
    return Path(db)


class Store:
    """The progress database. Open with ``Store.open(path)``; usable as a context manager.

    Safe to share between threads (one lock around the connection).
    """

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self._db = db
        self._lock = threading.RLock()
        self.path = path
        self._claims: dict[int, tuple[Path, Any]] = {}  # session -> (lock file, open handle)

    # -- opening ------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None) -> Store:
        """Open (creating, or migrating after a backup) the database at ``path`` (default:
        ``default_path()``). StoreError for a damaged, foreign or newer file, left unchanged."""
        path = Path(path) if path is not None else default_path()
        _check_file(path)
        try:
            db = sqlite3.connect(
                path, timeout=BUSY_SECONDS, isolation_level=None, check_same_thread=False
            )
        except sqlite3.Error as error:
            raise _error(path, "cannot be opened", error) from None
        store = cls(db, path)
        try:
            store._prepare()
        except BaseException:
            db.close()
            raise
        return store

    def _prepare(self) -> None:
        version = self._inspect()
        self._probe_write()
        if 0 < version < SCHEMA_VERSION:
            self._backup(version)
        self._retrying(lambda: self._db.execute("PRAGMA journal_mode=WAL").fetchone())
        self._db.execute("PRAGMA synchronous=FULL")  # an answer survives a power cut too
        self._db.execute("PRAGMA foreign_keys=ON")
        if version < SCHEMA_VERSION:
            self._transaction(self._migrate)

    def _inspect(self) -> int:
        """The schema version, read without writing; StoreError when the file is not usable."""
        try:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            tables = self._tables(self._db)
            if self.path.stat().st_size > 0:
                problems = [row[0] for row in self._db.execute("PRAGMA quick_check(5)")]
                if problems != ["ok"]:
                    raise StoreError(_damaged(self.path, "; ".join(problems)))
        except sqlite3.Error as error:
            if not _writable(self.path):
                raise _error(self.path, _UNWRITABLE, error) from None
            raise StoreError(_damaged(self.path, str(error))) from None
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path} was written by a newer quizgen (progress schema v{version}; "
                f"this quizgen reads up to v{SCHEMA_VERSION}). It was left as it is: upgrade "
                f"quizgen, or choose another file with --db or ${DB_ENV}."
            )
        if version == 0 and tables:
            raise StoreError(_foreign(self.path, tables))
        return version

    def _probe_write(self) -> None:
        """StoreError now, rather than at the first answer, when the file cannot be written."""
        try:
            self._db.execute("BEGIN IMMEDIATE")  # waits BUSY_SECONDS for another writer
            self._db.execute("ROLLBACK")
        except sqlite3.Error as error:
            if "readonly" in str(error) or "unable to open" in str(error):
                raise _error(self.path, _UNWRITABLE, error) from None
            raise _error(self.path, "cannot be written", error) from None

    @staticmethod
    def _tables(db: sqlite3.Connection) -> list[str]:
        rows = db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        return sorted(row[0] for row in rows)

    def _backup(self, version: int) -> Path:
        """Copy the database (consistently, WAL included) before migrating it."""
        target = self.path.with_name(f"{self.path.name}.bak-v{version}")
        n = 1
        while target.exists():  # an earlier backup is never overwritten
            n += 1
            target = self.path.with_name(f"{self.path.name}.bak-v{version}-{n}")
        try:
            with sqlite3.connect(target) as copy:
                self._db.backup(copy)
            copy.close()
        except (sqlite3.Error, OSError) as error:
            raise _error(
                self.path, f"needs an upgrade but could not be backed up to {target}", error
            ) from None
        return target

    def _migrate(self, db: sqlite3.Connection) -> None:
        version = db.execute("PRAGMA user_version").fetchone()[0]  # another process may be done
        if version == 0 and self._tables(db):
            raise StoreError(_foreign(self.path, self._tables(db)))
        for step in range(version, SCHEMA_VERSION):
            MIGRATIONS[step](db)
        if version < SCHEMA_VERSION:
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION:d}")

    # -- closing ------------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            for session in list(self._claims):
                held = self._claims.pop(session)
                held[1].close()  # unfinished: the lock file stays, unlocked, for resuming
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- sessions -----------------------------------------------------------------------------

    def start_session(
        self, mode: str, options: dict[str, Any], planned: list[str] | None = None
    ) -> int:
        """A new session of ``mode`` ("drill", "exam" or "review"); its id. ``planned``: the
        question ids an exam will ask, so that it can be resumed."""
        if mode not in MODES:
            raise ValueError(f"mode {mode!r}; expected one of {', '.join(MODES)}")
        row = (
            mode,
            json.dumps(options),
            None if planned is None else json.dumps(list(planned)),
            _now(),
        )
        return self._transaction(
            lambda db: (
                db.execute(
                    "INSERT INTO sessions (mode, options, planned, started) VALUES (?, ?, ?, ?)",
                    row,
                ).lastrowid
            )
        )

    def record_answer(
        self,
        session: int,
        doc: dict[str, Any],
        response: Any,
        grade: Grade,
        *,
        seconds: float,
        flagged: bool = False,
        position: int | None = None,
        answered_at: datetime | None = None,
    ) -> None:
        """Record (committed before returning) the answer to ``doc`` in ``session``.

        Answering the same question again in a session replaces the earlier answer (an exam
        answer changed before submitting) and any draft of it; it keeps its position unless one
        is given. Only complete answers are recorded: they are what the statistics, the review
        of mistakes and the scheduler count (an incomplete one is a draft, see save_draft).
        ``position`` defaults to the number of questions answered before in the session.
        ``flagged=True`` flags the question; False leaves its flag as it is (see set_flag).
        """
        at = _iso(answered_at) if answered_at is not None else _now()
        values = {
            "session": session,
            "question_id": doc["id"],
            "family": doc["family"],
            "objective": doc.get("objective", ""),
            "item_type": doc["item_type"],
            "difficulty": doc.get("difficulty"),
            "response": json.dumps(response),
            "correct": int(grade.correct),
            "score": float(grade.score),
            "misconceptions": json.dumps(list(grade.misconceptions)),
            "offered": json.dumps(offered(doc)),
            "seconds": float(seconds),
            "flagged": int(flagged),
            "answered_at": at,
            "position": position,
        }

        def write(db: sqlite3.Connection) -> None:
            self._known_session(db, session)
            if values["position"] is None:
                values["position"] = db.execute(
                    "SELECT COALESCE((SELECT position FROM answers"
                    " WHERE session = :session AND question_id = :question_id),"
                    " (SELECT COUNT(*) FROM answers WHERE session = :session))",
                    values,
                ).fetchone()[0]
            columns = ", ".join(values)
            db.execute(
                f"INSERT INTO answers ({columns}) VALUES ({', '.join(':' + c for c in values)})"
                " ON CONFLICT (session, question_id) DO UPDATE SET "
                + ", ".join(f"{c} = excluded.{c}" for c in values if c != "session"),
                values,
            )
            if flagged:
                db.execute(
                    "INSERT OR IGNORE INTO flags (session, question_id) VALUES (?, ?)",
                    (session, doc["id"]),
                )
            db.execute(
                "DELETE FROM drafts WHERE session = ? AND question_id = ?", (session, doc["id"])
            )

        self._transaction(write)

    def save_draft(
        self, session: int, question_id: str, response: Any, *, seconds: float, position: int
    ) -> None:
        """Keep an incomplete answer of an exam (committed before returning) in place of any
        answer recorded for ``question_id`` in ``session``: it is no longer an answer."""

        def write(db: sqlite3.Connection) -> None:
            self._known_session(db, session)
            db.execute(
                "DELETE FROM answers WHERE session = ? AND question_id = ?", (session, question_id)
            )
            db.execute(
                "INSERT INTO drafts (session, question_id, position, response, seconds, saved_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (session, question_id) DO UPDATE SET"
                " position = excluded.position, response = excluded.response,"
                " seconds = excluded.seconds, saved_at = excluded.saved_at",
                (session, question_id, position, json.dumps(response), float(seconds), _now()),
            )

        self._transaction(write)

    def forget_answer(self, session: int, question_id: str) -> None:
        """Remove the answer (or draft) to ``question_id`` in ``session``, committed before
        returning: an exam answer taken back (a choice unchecked) is no answer at all."""

        def write(db: sqlite3.Connection) -> None:
            self._known_session(db, session)
            for table in ("answers", "drafts"):
                db.execute(
                    f"DELETE FROM {table} WHERE session = ? AND question_id = ?",
                    (session, question_id),
                )

        self._transaction(write)

    def claim(self, session: int) -> bool:
        """Hold ``session`` for this process, so that no other quizgen resumes it while it runs.

        The hold is an OS lock on ``<database>.session-N.lock``, which the system releases when
        the process ends, however it ends (q, Ctrl-C, a closed terminal, SIGKILL): a session
        whose process died can be claimed again, a live one cannot. False when another process
        holds it. Where file locks are not available, every claim succeeds."""
        if session in self._claims:
            return True
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            return True
        lock = self.path.with_name(f"{self.path.name}.session-{session}.lock")
        try:
            handle = lock.open("a")
        except OSError:
            return True  # a folder we cannot write a lock into: do not block practice
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self._claims[session] = (lock, handle)
        return True

    def _release(self, session: int) -> None:
        held = self._claims.pop(session, None)
        if held is not None:
            lock, handle = held
            lock.unlink(missing_ok=True)  # still ours: removing it cannot free another's hold
            handle.close()

    def flagged(self) -> list[tuple[int, str]]:
        """(session, question id) of every question flagged now, newest session first."""
        rows = self._read(
            lambda db: db.execute(
                "SELECT session, question_id FROM flags ORDER BY session DESC, rowid DESC"
            ).fetchall()
        )
        return [(r[0], r[1]) for r in rows]

    def set_flag(self, session: int, question_id: str, flagged: bool) -> None:
        """Flag (or unflag) a question of ``session`` for review, answered or not."""

        def write(db: sqlite3.Connection) -> None:
            self._known_session(db, session)
            if flagged:
                db.execute(
                    "INSERT OR IGNORE INTO flags (session, question_id) VALUES (?, ?)",
                    (session, question_id),
                )
            else:
                db.execute(
                    "DELETE FROM flags WHERE session = ? AND question_id = ?",
                    (session, question_id),
                )

        self._transaction(write)

    def save_time(self, session: int, seconds: float) -> None:
        """Keep the time ``session`` (an exam) has used so far. It only grows: a smaller value
        than the one stored (a second process sitting the same exam) leaves it as it is."""

        def write(db: sqlite3.Connection) -> None:
            self._known_session(db, session)
            db.execute(
                "UPDATE sessions SET seconds_used = MAX(COALESCE(seconds_used, 0), ?) WHERE id = ?",
                (float(seconds), session),
            )

        self._transaction(write)

    def finish_session(self, session: int, summary: dict[str, Any]) -> None:
        """Mark ``session`` finished (it is no longer offered for resuming), with a summary."""

        def write(db: sqlite3.Connection) -> None:
            self._known_session(db, session)
            db.execute(
                "UPDATE sessions SET finished = ?, summary = ? WHERE id = ?",
                (_now(), json.dumps(summary), session),
            )

        self._transaction(write)
        self._release(session)

    def unfinished(self, mode: str) -> SessionInfo | None:
        """The latest session of ``mode`` not finished (to offer resuming it), or None."""
        row = self._read(
            lambda db: db.execute(
                "SELECT id FROM sessions WHERE mode = ? AND finished IS NULL"
                " ORDER BY started DESC, id DESC LIMIT 1",
                (mode,),
            ).fetchone()
        )
        return None if row is None else self.session(row[0])

    def session(self, session: int) -> SessionInfo:
        """Everything stored about ``session``; StoreError if there is no such session."""

        def read(db: sqlite3.Connection) -> SessionInfo:
            row = self._known_session(db, session)
            flagged = db.execute("SELECT question_id FROM flags WHERE session = ?", (session,))
            flags = frozenset(r[0] for r in flagged)
            answers = db.execute(
                f"{_ANSWERS} WHERE a.session = ? ORDER BY a.position, a.id", (session,)
            ).fetchall()
            drafts = db.execute(
                "SELECT position, question_id, response, seconds, saved_at FROM drafts"
                " WHERE session = ? ORDER BY position, question_id",
                (session,),
            ).fetchall()
            return SessionInfo(
                id=row["id"],
                mode=row["mode"],
                options=json.loads(row["options"]),
                planned=None if row["planned"] is None else tuple(json.loads(row["planned"])),
                answers=tuple(_answer(a) for a in answers),
                flags=flags,
                started=_time(row["started"]),
                finished=None if row["finished"] is None else _time(row["finished"]),
                summary=None if row["summary"] is None else json.loads(row["summary"]),
                seconds_used=row["seconds_used"],
                drafts=tuple(
                    Draft(position, qid, json.loads(response), seconds, _time(at))
                    for position, qid, response, seconds, at in drafts
                ),
            )

        return self._read(read)

    # -- what the learner did -----------------------------------------------------------------

    def mistakes(self, limit: int = 50) -> list[AnswerRow]:
        """Wrong answers, newest first, whose family has not been answered right since."""
        rows = self._read(
            lambda db: db.execute(
                f"""{_ANSWERS} WHERE a.correct = 0 AND NOT EXISTS (
                    SELECT 1 FROM answers AS b WHERE b.family = a.family AND b.correct = 1
                    AND (b.answered_at > a.answered_at
                         OR (b.answered_at = a.answered_at AND b.id > a.id)))
                ORDER BY a.answered_at DESC, a.id DESC LIMIT ?""",
                (limit,),
            ).fetchall()
        )
        return [_answer(r) for r in rows]

    def question_ids(self) -> frozenset[str]:
        """Every question id ever answered, so practice can always serve a fresh variant."""
        query = "SELECT DISTINCT question_id FROM answers"
        rows = self._read(lambda db: db.execute(query).fetchall())
        return frozenset(r[0] for r in rows)

    def tallies(self, kind: str) -> dict[str, Tally]:
        """Answers per "objective", "family" or "misconception" (see Tally), by name."""
        if kind not in ("objective", "family", "misconception"):
            raise ValueError(f"kind {kind!r}; expected objective, family or misconception")
        if kind == "misconception":
            return self._misconception_tallies()
        rows = self._read(
            lambda db: db.execute(
                f"SELECT {kind}, COUNT(*), SUM(correct), AVG(score) FROM answers GROUP BY {kind}"
            ).fetchall()
        )
        return {r[0]: Tally(kind, r[0], r[1], r[2], r[3]) for r in sorted(rows)}

    def _misconception_tallies(self) -> dict[str, Tally]:
        rows = self._read(
            lambda db: db.execute("SELECT offered, misconceptions, score FROM answers").fetchall()
        )
        sums: dict[str, list[float]] = {}
        for offered_ids, picked_ids, score in rows:
            picked = set(json.loads(picked_ids))
            for name in json.loads(offered_ids):
                tally = sums.setdefault(name, [0, 0, 0.0])
                tally[0] += 1
                tally[1] += name not in picked
                tally[2] += score
        return {
            name: Tally("misconception", name, int(a), int(c), s / a)
            for name, (a, c, s) in sorted(sums.items())
        }

    def stats(self, now: datetime | None = None) -> Stats:
        """Totals, per-area tallies, history per day (in ``now``'s time zone; default: local
        time) and the weakest areas."""
        now = now if now is not None else datetime.now().astimezone()
        zone = now.tzinfo if now.tzinfo is not None else UTC

        def read(db: sqlite3.Connection) -> tuple[Any, ...]:
            totals = db.execute(
                "SELECT COUNT(*), COALESCE(SUM(correct), 0), COALESCE(AVG(score), 0.0),"
                " (SELECT COUNT(*) FROM sessions) FROM answers"
            ).fetchone()
            times = db.execute("SELECT answered_at, correct FROM answers").fetchall()
            due = db.execute(
                "SELECT COUNT(*) FROM cards WHERE due <= ?", (_iso(_aware(now)),)
            ).fetchone()[0]
            return totals, times, due

        (answered, correct, score, sessions), times, due = self._read(read)
        days: dict[date, list[int]] = {}
        for at, right in times:
            day = days.setdefault(_time(at).astimezone(zone).date(), [0, 0])
            day[0] += 1
            day[1] += right
        areas = {kind: self.tallies(kind) for kind in ("objective", "family", "misconception")}
        candidates = [
            t
            for tallies in areas.values()
            for t in tallies.values()
            if t.answered >= MIN_ANSWERS and t.accuracy < 1.0
        ]
        candidates.sort(key=lambda t: (t.accuracy, -t.answered, t.kind, t.name))
        return Stats(
            answered=answered,
            correct=correct,
            score=score,
            sessions=sessions,
            objectives=tuple(areas["objective"].values()),
            families=tuple(areas["family"].values()),
            misconceptions=tuple(areas["misconception"].values()),
            history=tuple(Day(d, a, c) for d, (a, c) in sorted(days.items())),
            weakest=tuple(candidates[:WEAKEST]),
            due=due,
        )

    # -- scheduler persistence ----------------------------------------------------------------

    def load_cards(self) -> dict[str, str]:
        """Every scheduler card: key -> the card as the scheduler serialised it."""
        rows = self._read(lambda db: db.execute("SELECT key, card FROM cards").fetchall())
        return dict(sorted(rows))

    def save_card(self, key: str, card_json: str, due: datetime) -> None:
        self._transaction(
            lambda db: db.execute(
                "INSERT INTO cards (key, card, due) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET card = excluded.card, due = excluded.due",
                (key, card_json, _iso(_aware(due))),
            )
        )

    # -- plumbing -----------------------------------------------------------------------------

    def _known_session(self, db: sqlite3.Connection, session: int) -> dict[str, Any]:
        columns = (
            "id", "mode", "options", "planned", "started", "finished", "summary", "seconds_used",
        )  # fmt: skip
        row = db.execute(
            f"SELECT {', '.join(columns)} FROM sessions WHERE id = ?", (session,)
        ).fetchone()
        if row is None:
            raise StoreError(f"{self.path} has no session {session}")
        return dict(zip(columns, row, strict=True))

    def _transaction(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work`` in one write transaction, committed before returning (retried if busy)."""

        def attempt() -> T:
            with self._in_transaction("BEGIN IMMEDIATE") as db:
                return work(db)

        return self._retrying(attempt)

    def _read(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """``work`` in one read transaction: a consistent view of the database."""

        def attempt() -> T:
            with self._in_transaction("BEGIN") as db:
                return work(db)

        return self._retrying(attempt)

    @contextmanager
    def _in_transaction(self, begin: str) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute(begin)
            try:
                yield self._db
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _retrying(self, attempt: Callable[[], T]) -> T:
        for tries in range(RETRIES):
            try:
                return attempt()
            except sqlite3.OperationalError as error:
                busy = "locked" in str(error) or "busy" in str(error)
                if not busy or tries == RETRIES - 1:
                    raise _error(self.path, "could not be used", error) from None
                time.sleep(0.05 * 2**tries)
            except sqlite3.Error as error:
                raise _error(self.path, "could not be used", error) from None
        raise AssertionError("unreachable")


# -- helpers ------------------------------------------------------------------------------------

_ANSWERS = """SELECT a.session, a.position, a.question_id, a.family, a.objective, a.item_type,
    a.difficulty, a.response, a.correct, a.score, a.misconceptions, a.offered, a.seconds,
    EXISTS (SELECT 1 FROM flags AS f WHERE f.session = a.session
            AND f.question_id = a.question_id),
    a.answered_at
    FROM answers AS a"""


def _answer(row: tuple[Any, ...]) -> AnswerRow:
    (session, position, qid, family, objective, item_type, difficulty, response, correct, score,
     misconceptions, offered_ids, seconds, flagged, at) = row  # fmt: skip
    return AnswerRow(
        session=session,
        position=position,
        question_id=qid,
        family=family,
        objective=objective,
        item_type=item_type,
        difficulty=difficulty,
        response=json.loads(response),
        correct=bool(correct),
        score=score,
        misconceptions=tuple(json.loads(misconceptions)),
        offered=tuple(json.loads(offered_ids)),
        seconds=seconds,
        flagged=bool(flagged),
        answered_at=_time(at),
    )


def _check_file(path: Path) -> None:
    """StoreError for a path that cannot hold the database; creates its folder."""
    if path.is_dir():
        raise StoreError(f"{path} is a folder; expected a database file (choose one with --db)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            with path.open("rb") as file:
                head = file.read(len(SQLITE_HEADER))
            if head and head != SQLITE_HEADER:
                raise StoreError(_damaged(path, "it is not an SQLite database"))
    except OSError as error:
        raise _error(path, "cannot be created or read", error) from None


_UNWRITABLE = (
    "cannot be written here (quizgen saves every answer, and SQLite also writes beside the "
    "file, in its folder)"
)


def _writable(path: Path) -> bool:
    """Whether the database file (if it exists) and its folder can be written."""
    folder_ok = os.access(path.parent, os.W_OK | os.X_OK)
    return folder_ok and (not path.exists() or os.access(path, os.W_OK))


def _damaged(path: Path, why: str) -> str:
    return (
        f"{path} is damaged or is not a quizgen progress database ({why}). It was left as it "
        f"is: move it away to start afresh, or choose another file with --db or ${DB_ENV}."
    )


def _foreign(path: Path, tables: list[str]) -> str:
    return (
        f"{path} is an SQLite database but not quizgen's (it holds tables "
        f"{', '.join(tables)}). It was left as it is: choose another file with --db or ${DB_ENV}."
    )


def _error(path: Path, what: str, error: Exception) -> StoreError:
    return StoreError(
        f"the progress database {path} {what}: {error}. Check the file and its folder, or "
        f"choose another file with --db or ${DB_ENV}."
    )


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return _aware(moment).astimezone(UTC).isoformat(timespec="microseconds")


def _now() -> str:
    return _iso(datetime.now(UTC))


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text)
