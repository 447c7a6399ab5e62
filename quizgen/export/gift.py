"""GIFT (Moodle's plain-text question format; Question bank > Import > GIFT format).

GIFT has fewer question forms than Moodle XML, so some items become several GIFT questions:

===============  ==================================================================================
single-choice    ``{=right ~wrong ...}``, each option's feedback after ``#``
fix-it           the same
multi-choice     ``{~%50%right ~%-50%wrong ...}``: the weights of Moodle XML (correct options
                 share 100, wrong ones share -100)
yes-no-series    one true/false question per statement (``{TRUE#...#...}``): GIFT's matching
                 cannot offer "No" when every statement is "Yes"
hotspot          one multiple-choice question per blank (GIFT has one answer set per question)
ordering         ``{>N ALL VERTICAL ALL_OR_NOTHING SHOW`` and the steps in order, one per line
                 (the syntax of Moodle's ordering question type); an ordering whose text holds a
                 brace cannot be written in it and is left out, with a note. No general
                 feedback, also with a note: see below
case-study       each question on its own, carrying the case's scenario and exhibits
===============  ==================================================================================

Text is ``[html]``; every GIFT special character in it (``\\ ~ = # { } :``) is escaped with a
backslash and line breaks become ``\\n``, as Moodle's own GIFT export does (``qformat_gift::
repchar``). The general feedback (``####``) holds the key, explanation and rule IDs. GIFT is
plain text and cannot carry files, so it has no diagrams (the exhibits are HTML tables).

An ordering question has no general feedback. Moodle's GIFT reader (``qformat_gift::
readquestion``) does split ``####`` off every answer block, and the ordering type in core since
Moodle 4.4 reads only what is left; but the ordering plugin before it matches the raw lines up
to the closing brace, so the feedback line would become one more step to order: the answer
shown as a step, and a key no learner can match. ``--format moodle`` carries the explanation of
an ordering question on every version.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

from quizgen.drill import grading
from quizgen.export.common import (
    Doc,
    Html,
    Item,
    html_text,
    items,
    option_feedback,
    plain,
    yes_no,
)
from quizgen.export.moodle import category_path, multi_fractions, percent

HTML = Html()
SPECIAL = {"\\": "\\\\", "~": "\\~", "=": "\\=", "#": "\\#", "{": "\\{", "}": "\\}", ":": "\\:"}


@dataclass(frozen=True, slots=True)
class GiftFile:
    """The GIFT text, how many GIFT questions it holds, and notes on what was split or left out
    (the CLI prints them on stderr)."""

    text: str
    count: int
    notes: tuple[str, ...]


def escape(text: str) -> str:
    """``text`` with GIFT's special characters escaped and line breaks as ``\\n``."""
    escaped = "".join(SPECIAL.get(char, char) for char in str(text))
    return escaped.replace("\r", "").replace("\n", "\\n")


def _name(name: str) -> str:
    return f"::{escape(plain(name))}::"


def _question(name: str, text_html: str, answers: list[str], feedback_html: str) -> str:
    lines = [f"{_name(name)}[html]{escape(text_html)}{{"]
    lines += [f"\t{answer}" for answer in answers]
    lines.append(f"\t####[html]{escape(feedback_html)}")
    lines.append("}")
    return "\n".join(lines)


def _html(text: str) -> str:
    """Plain ``text`` (an option, a choice, a feedback) as GIFT: HTML-escaped, since Moodle reads
    answers and their feedback in the question's format (``[html]``), then GIFT-escaped."""
    return escape(html.escape(str(text), quote=False))


def _feedback(item: Item) -> str:
    return html_text(HTML.explanation(item.doc))


def _choice(item: Item) -> list[str]:
    doc = item.doc
    text = html_text(HTML.question(item))
    if doc["item_type"] == "multi-choice":
        fractions = multi_fractions(doc)
        text += html_text(HTML.paragraphs(f"Select {len(grading.key(doc))}."))
        answers = [
            f"~%{percent(fractions[o['key']])}%{_html(o['text'])}"
            f"#{_html(option_feedback(o))}"
            for o in doc["options"]
        ]
    else:
        right = grading.key(doc)
        answers = [
            f"{'=' if o['key'] == right else '~'}{_html(o['text'])}"
            f"#{_html(option_feedback(o))}"
            for o in doc["options"]
        ]
    return [_question(item.title, text, answers, _feedback(item))]


def _statements(item: Item) -> list[str]:
    doc = item.doc
    questions = []
    for n, (statement, value) in enumerate(
        zip(doc["statements"], grading.key(doc), strict=True), start=1
    ):
        text = html_text(
            [*HTML.question(item), *HTML.paragraphs(f"Statement {n}: {statement['text']}")]
        )
        right = f"Correct: {yes_no(value)}."
        wrong = f"Not correct: the answer is {yes_no(value)}."
        answer = f"{'TRUE' if value else 'FALSE'}#{_html(wrong)}#{_html(right)}"
        questions.append(
            _question(f"{item.title} statement {n}", text, [answer], _feedback(item))
        )
    return questions


def _blanks(item: Item) -> list[str]:
    doc = item.doc
    questions = []
    for n, blank in enumerate(doc["blanks"], start=1):
        text = html_text([*HTML.question(item), *HTML.paragraphs(f"{blank['prompt']}:")])
        answers = [
            f"{'=' if choice == blank['answer'] else '~'}{_html(choice)}"
            for choice in blank["choices"]
        ]
        questions.append(_question(f"{item.title} blank {n}", text, answers, _feedback(item)))
    return questions


def _ordering(item: Item) -> list[str]:
    """Moodle's ordering GIFT reads the steps from the raw lines, unescaped: they are written
    as HTML-escaped text, and an ordering with a brace or a line break anywhere is refused."""
    doc = item.doc
    steps = doc["ordering"]["steps"]
    order = [html.escape(plain(steps[i]), quote=False) for i in grading.key(doc)]
    text = html_text(HTML.question(item))
    if any(char in part for part in [text, *order] for char in "{}"):
        return []
    header = f"{_name(item.title)}[html]{escape(text)}{{>{len(order)} ALL VERTICAL "
    return ["\n".join([header + "ALL_OR_NOTHING SHOW", *order, "}"])]


def export_file(questions: Iterable[Doc]) -> GiftFile:
    blocks: list[str] = []
    notes: list[str] = []
    count = 0
    current = None
    split = {"yes-no-series": 0, "hotspot": 0}
    ordering = 0
    for item in sorted(items(questions), key=category_path):
        path = category_path(item)
        if path != current:
            blocks.append(f"$CATEGORY: {plain(path)}")
            current = path
        kind = item.item_type
        if kind in ("single-choice", "fix-it", "multi-choice"):
            written = _choice(item)
        elif kind == "yes-no-series":
            written = _statements(item)
            split[kind] += 1
        elif kind == "hotspot":
            written = _blanks(item)
            split[kind] += 1
        else:
            written = _ordering(item)
            if not written:
                notes.append(f"left out {item.id}: its text holds a brace, which GIFT's "
                             "ordering syntax cannot carry (use --format moodle)")
            ordering += len(written)
        blocks += [f"// quizgen {item.id}\n{question}" for question in written]
        count += len(written)
    if split["yes-no-series"]:
        notes.append(f"{split['yes-no-series']} yes/no series written as one true/false "
                     "question per statement")
    if split["hotspot"]:
        notes.append(f"{split['hotspot']} hotspot(s) written as one multiple-choice question "
                     "per blank")
    if ordering:
        notes.append(f"{ordering} ordering question(s) written without the explanation: an "
                     "ordering plugin before Moodle 4.4 would take it for one more step (use "
                     "--format moodle to keep it)")
    return GiftFile("\n\n".join(blocks) + "\n", count, tuple(notes))


def export(questions: Iterable[Doc]) -> bytes:
    return export_file(questions).text.encode("utf-8")

