"""Anki deck package (.apkg, built with genanki; Anki: File > Import).

One note per item (a case study gives one per question), of the note type "quizgen AZ-104":

- Front: the scenario, exhibits (HTML tables), diagram, stem and what is on offer (options,
  statements to judge, blanks with their choices, or the steps to order);
- Back: the key in words, the misconception behind each wrong option, the evaluator's
  explanation and its rule IDs;
- Id: the question id (a case study's question: CASE-ID/qN).

The note's GUID is ``genanki.guid_for(id)`` and the deck and note type ids are constants, so
importing a re-export of the same question updates its note instead of adding a copy. Tags:
``objective::<objective>``, ``family::<family>``, ``type::<item type>`` and
``misconception::T-nn`` (Anki tags hold no spaces; "::" makes them a hierarchy in Anki's
browser).
"""

from __future__ import annotations

import io
import itertools
import json
import os
import sqlite3
import tempfile
import time
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable

import genanki

from quizgen.drill import grading
from quizgen.export.common import (
    Doc,
    Html,
    Item,
    html_text,
    items,
    misconception_text,
    tags,
)
from quizgen.export.media import Media, diagram

HTML = Html()

#: Fixed forever: Anki recognises the deck and note type by these ids on every import.
DECK_ID = 1_873_204_519
MODEL_ID = 1_509_726_843
DECK_NAME = "quizgen::AZ-104 networking"

CSS = """\
.card { font-family: sans-serif; font-size: 16px; text-align: left; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 13px; }
caption { font-weight: bold; text-align: left; }
th, td { border: 1px solid #999; padding: 2px 6px; }
.meta { color: #777; font-size: 12px; }
"""

MODEL = genanki.Model(
    MODEL_ID,
    "quizgen AZ-104",
    fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Id"}],
    templates=[
        {
            "name": "Question",
            "qfmt": "{{Front}}",
            "afmt": '{{FrontSide}}<hr id="answer">{{Back}}<p class="meta">{{Id}}</p>',
        }
    ],
    css=CSS,
)


def offered(doc: Doc) -> list[ET.Element]:
    """What the learner chooses from, by item type."""
    kind = doc["item_type"]
    if kind in ("single-choice", "fix-it", "multi-choice"):
        listing = HTML.el("ul")
        for option in doc["options"]:
            HTML.sub(listing, "li", f"{option['key']}. {option['text']}")
        if kind == "multi-choice":
            return [*HTML.paragraphs(f"Select {len(grading.key(doc))}."), listing]
        return [listing]
    if kind == "yes-no-series":
        listing = HTML.el("ol")
        for statement in doc["statements"]:
            HTML.sub(listing, "li", f"{statement['text']} (Yes / No)")
        return [listing]
    if kind == "hotspot":
        listing = HTML.el("ol")
        for blank in doc["blanks"]:
            HTML.sub(listing, "li", f"{blank['prompt']}: [{' | '.join(blank['choices'])}]")
        return [listing]
    listing = HTML.el("ol")
    for step in doc["ordering"]["steps"]:
        HTML.sub(listing, "li", str(step))
    return [*HTML.paragraphs("Arrange these steps in order:"), listing]


def back(doc: Doc) -> list[ET.Element]:
    """The key, the misconceptions behind the wrong options, the explanation, the rules."""
    blocks = HTML.explanation(doc)
    wrong = [
        o for o in doc.get("options", ()) if not o.get("correct") and o.get("misconception")
    ]
    if wrong:
        listing = HTML.el("ul")
        for option in wrong:
            text = misconception_text(option["misconception"])
            HTML.sub(listing, "li", f"{option['key']}: {text}")
        blocks[1:1] = [*HTML.paragraphs("Why the wrong options are tempting:"), listing]
    return blocks


def note(item: Item, media: Media | None = None) -> genanki.Note:
    front = HTML.question(item, media.name if media else None) + offered(item.doc)
    return genanki.Note(
        model=MODEL,
        fields=[html_text(front), html_text(back(item.doc)), item.id],
        tags=tags(item),
        guid=genanki.guid_for(item.id),
    )


def export(questions: Iterable[Doc], timestamp: float | None = None) -> bytes:
    """The .apkg as bytes. ``timestamp`` (seconds) dates the notes; Anki updates a note on
    import when the file's copy is newer, so it defaults to now."""
    deck = genanki.Deck(DECK_ID, DECK_NAME, description="Verified AZ-104 questions (quizgen).")
    files: dict[str, bytes] = {}
    for item in items(questions):
        media = diagram(item)
        if media:
            files[media.name] = media.data
        deck.add_note(note(item, media))
    return _package(genanki.Package(deck), files, time.time() if timestamp is None else timestamp)


def _package(package: genanki.Package, files: dict[str, bytes], timestamp: float) -> bytes:
    """What ``Package.write_to_file`` writes (collection.anki2, the media map, the media
    files), but into memory, from bytes, and without leaving its temporary database behind."""
    with tempfile.TemporaryDirectory(prefix="quizgen-anki-") as folder:
        path = os.path.join(folder, "collection.anki2")
        connection = sqlite3.connect(path)
        try:
            ids = itertools.count(int(timestamp * 1000))
            package.write_to_db(connection.cursor(), timestamp, ids)
            connection.commit()
        finally:
            connection.close()
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as apkg:
            apkg.write(path, "collection.anki2")
            names = sorted(files)
            apkg.writestr("media", json.dumps({str(i): name for i, name in enumerate(names)}))
            for i, name in enumerate(names):
                apkg.writestr(str(i), files[name])
    return buffer.getvalue()
