"""Anki deck, opened back with zipfile and sqlite3: one note per item with its stem, key and
explanation, GUIDs made from the question id (stable across exports), one-word tags."""

from __future__ import annotations

import io
import json
import sqlite3
import zipfile
from pathlib import Path

import genanki
import pytest
from export_cases import hostile_questions, html_tags, html_text, questions

from quizgen.export import anki, media
from quizgen.export.common import answer_lines, items


def open_deck(data: bytes, tmp_path: Path):
    package = zipfile.ZipFile(io.BytesIO(data))
    assert {"collection.anki2", "media"} <= set(package.namelist())
    path = tmp_path / f"collection-{len(list(tmp_path.iterdir()))}.anki2"
    path.write_bytes(package.read("collection.anki2"))
    connection = sqlite3.connect(path)
    try:
        notes = connection.execute("select guid, flds, tags, mid from notes").fetchall()
        models = connection.execute("select models, decks from col").fetchone()
    finally:
        connection.close()
    return package, notes, models


@pytest.mark.parametrize("make", [questions, hostile_questions], ids=["plain", "hostile"])
def test_one_note_per_item_with_stem_key_and_explanation(make, tmp_path):
    docs = make()
    _, notes, (models, decks) = open_deck(anki.export(docs, timestamp=1_700_000_000), tmp_path)
    exported = items(docs)
    assert len(notes) == len(exported)
    by_guid = {guid: (fields.split("\x1f"), tags, mid) for guid, fields, tags, mid in notes}
    assert str(anki.MODEL_ID) in json.loads(models)
    assert str(anki.DECK_ID) in json.loads(decks)
    for item in exported:
        (front, back, ident), tags, mid = by_guid[genanki.guid_for(item.id)]
        assert ident == item.id and mid == anki.MODEL_ID
        assert item.doc["stem"] in html_text(front)
        shown = html_text(back)
        for line in answer_lines(item.doc):
            assert line in shown
        for sentence in item.doc["explanation"]:
            assert sentence in shown
        assert "b" not in html_tags(front) | html_tags(back)
        words = tags.split()
        assert f"type::{item.item_type}" in words
        assert any(w.startswith("objective::") for w in words)
        for option in item.doc.get("options", ()):
            if option.get("misconception") and not option.get("correct"):
                assert f"misconception::{option['misconception']}" in words


def test_guids_are_stable_across_exports(tmp_path):
    first = open_deck(anki.export(questions(), timestamp=1_700_000_000), tmp_path)[1]
    again = open_deck(anki.export(questions()), tmp_path)[1]  # another day, same questions
    assert [n[0] for n in first] == [n[0] for n in again]
    some = questions()[3:5]
    subset = open_deck(anki.export(some), tmp_path)[1]
    assert {n[0] for n in subset} == {genanki.guid_for(i.id) for i in items(some)}
    assert {n[0] for n in subset} <= {n[0] for n in first}


def test_diagrams_are_media_files(monkeypatch, tmp_path):
    monkeypatch.setattr(
        anki, "diagram", lambda item: media.Media(name="net.svg", data=b"<svg>x</svg>")
    )
    package, notes, _ = open_deck(anki.export(questions()[:2]), tmp_path)
    assert json.loads(package.read("media")) == {"0": "net.svg"}
    assert package.read("0") == b"<svg>x</svg>"
    assert all('<img src="net.svg"' in fields for _, fields, _, _ in notes)
