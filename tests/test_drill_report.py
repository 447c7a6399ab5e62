"""``quizgen stats``: the figures printed come from the answers recorded (real SQLite store)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from quizgen.cli import main
from quizgen.drill.grading import grade, key
from quizgen.drill.store import Store
from quizgen.questions.generate import generate


def _record(db: Path, right: int, wrong: int) -> list[dict]:
    docs = generate(right + wrong, seed=21, item_type="single-choice")
    with Store.open(db) as store:
        session = store.start_session("drill", {})
        for n, doc in enumerate(docs):
            response = key(doc)
            if n >= right:
                response = next(o["key"] for o in doc["options"] if not o["correct"])
            store.record_answer(session, doc, response, grade(doc, response), seconds=3.0)
    return docs


def test_stats_text_counts_what_was_answered(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    docs = _record(db, right=3, wrong=2)
    result = CliRunner().invoke(main, ["stats", "--db", str(db), "--plain"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("5 answers in 1 sessions: 3 correct (60%)")
    for family in {d["family"] for d in docs}:
        assert f"| {family} " in result.output
    assert "\x1b[" not in result.output


def test_stats_json_agrees_with_the_store(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    _record(db, right=1, wrong=3)
    result = CliRunner().invoke(main, ["stats", "--db", str(db), "--json"])
    data = json.loads(result.output)
    assert (data["answered"], data["correct"], data["accuracy"]) == (4, 1, 0.25)
    assert sum(f["answered"] for f in data["families"]) == 4
    assert data["history"][0]["answered"] == 4


def test_stats_on_an_empty_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["stats", "--db", str(tmp_path / "new.sqlite3")])
    assert result.exit_code == 0
    assert "No answers on record yet" in result.output


def test_stats_refuses_a_damaged_store(tmp_path: Path) -> None:
    db = tmp_path / "p.sqlite3"
    db.write_bytes(b"\x00garbage" * 64)
    result = CliRunner().invoke(main, ["stats", "--db", str(db)])
    assert result.exit_code == 2
    assert str(db) in result.output and "Traceback" not in result.output
