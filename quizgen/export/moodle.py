"""Moodle XML (Question bank > Import > Moodle XML format).

How each item type maps (https://docs.moodle.org/en/Moodle_XML_format):

===============  ==================================================================================
single-choice    ``multichoice``, ``single`` true: the correct option 100, the others 0
fix-it           the same (one correct fix)
multi-choice     ``multichoice``, ``single`` false: each correct option 100/k (k correct options,
                 so they sum to 100), each wrong option -100/(n-k), so that ticking every box
                 sums to 0 - Moodle's way of giving partial credit without rewarding guessing
yes-no-series    ``matching``: one sub-question per statement, answered Yes or No (one mark
                 each); when every statement has the same answer, an extra answer with no
                 statement keeps both Yes and No in the drop-downs, so the menu gives nothing away
hotspot          ``gapselect`` (select missing words): each blank is a drop-down ``[[n]]`` after
                 its prompt, its choices in their own group; one mark per blank
ordering         ``ordering`` (core since Moodle 4.4; a plugin before): the steps in the right
                 order, shown shuffled, graded all or nothing as the exam does
case-study       each question becomes its own item carrying the case's scenario and exhibits,
                 in a sub-category of its own (``.../<objective>/<case id>``)
===============  ==================================================================================

Every question has ``generalfeedback`` with the key in words, the evaluator's explanation and
its rule IDs; options that stand for a misconception say which in their own feedback. Options
keep their order and letters (A, B, ...) so the explanation's references hold. Categories are
``$course$/quizgen/<objective>``. The default mark is the number of parts the drill scores
(one per correct option, statement or blank).

Fractions are written as Moodle writes them (percent, 7 significant digits) and are always one
of the values Moodle's import accepts (``question_bank::fraction_options_full``).
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from fractions import Fraction

from quizgen.drill import grading
from quizgen.errors import QuizgenError
from quizgen.export.common import Doc, Html, Item, html_text, items, option_feedback, tags
from quizgen.export.media import Media, diagram

HTML = Html()

#: The grades Moodle accepts, as fractions of the mark (question/engine/bank.php).
ALLOWED = (
    1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25,
    0.2, 0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05, 0.0,
)  # fmt: skip
ALLOWED_FULL = frozenset(ALLOWED) | frozenset(-f for f in ALLOWED)

ROOT_CATEGORY = "$course$/quizgen"


def allowed_fraction(share: Fraction) -> float:
    """``share`` (e.g. 1/3) as the grade Moodle stores (0.3333333); an error when Moodle has
    no such grade (only 1/1 ... 1/10, 1/20 and a few others exist)."""
    for value in ALLOWED:
        if abs(float(share) - value) < 5e-8:
            return value
    raise QuizgenError(
        f"Moodle export: a grade of {share} is not one Moodle accepts; expected 1/k for k from "
        "1 to 10 (a question with more than ten correct or wrong options cannot be exported)"
    )


def percent(fraction: float) -> str:
    """A grade as Moodle's ``fraction`` attribute: percent, e.g. 100, 50, -33.33333."""
    text = f"{fraction * 100:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def multi_fractions(doc: Doc) -> dict[str, float]:
    """Option key -> grade for a multiple-choice question (see the module docstring)."""
    right = set(grading.key(doc))
    wrong = [o["key"] for o in doc["options"] if o["key"] not in right]
    up = allowed_fraction(Fraction(1, len(right)))
    down = -allowed_fraction(Fraction(1, len(wrong))) if wrong else 0.0
    return {o["key"]: up if o["key"] in right else down for o in doc["options"]}


# -- XML helpers ---------------------------------------------------------------------------------


def _text(parent: ET.Element, name: str, text: str, fmt: str | None = "html") -> ET.Element:
    """``<name format="html"><text>...</text></name>``; ElementTree escapes the text."""
    element = ET.SubElement(parent, name, {"format": fmt} if fmt else {})
    ET.SubElement(element, "text").text = text
    return element


def _value(parent: ET.Element, name: str, value: str) -> None:
    ET.SubElement(parent, name).text = value


def _file(parent: ET.Element, media: Media) -> None:
    """An embedded file, referenced from the HTML as @@PLUGINFILE@@/name."""
    element = ET.SubElement(
        parent, "file", {"name": media.name, "path": "/", "encoding": "base64"}
    )
    element.text = base64.b64encode(media.data).decode("ascii")


def _category(quiz: ET.Element, path: str) -> None:
    question = ET.SubElement(quiz, "question", {"type": "category"})
    _text(question, "category", path, fmt=None)
    _text(question, "info", "Verified AZ-104 questions exported by quizgen.", fmt="html")


def category_path(item: Item) -> str:
    """``$course$/quizgen/<objective>`` (a case study's questions one level deeper). A "/" in
    a name is doubled, as Moodle's category paths require."""
    parts = [ROOT_CATEGORY, item.objective.replace("/", "//")]
    if item.case is not None:
        parts.append(f"Case study {item.case['id']}".replace("/", "//"))
    return "/".join(parts)


def _combined_feedback(question: ET.Element, parts: bool) -> None:
    _text(question, "correctfeedback", "<p>Your answer is correct.</p>")
    _text(question, "partiallycorrectfeedback", "<p>Your answer is partially correct.</p>")
    _text(question, "incorrectfeedback", "<p>Your answer is incorrect.</p>")
    if parts:
        ET.SubElement(question, "shownumcorrect")


# -- one question ----------------------------------------------------------------------------------


def _head(quiz: ET.Element, item: Item, qtype: str, body: list[ET.Element]) -> ET.Element:
    """name, questiontext (with its embedded diagram), generalfeedback and the common fields."""
    media = diagram(item)
    question = ET.SubElement(quiz, "question", {"type": qtype})
    _text(question, "name", item.title, fmt=None)
    image = f"@@PLUGINFILE@@/{media.name}" if media else None
    text = _text(question, "questiontext", html_text(HTML.question(item, image) + body))
    if media:
        _file(text, media)
    _text(question, "generalfeedback", html_text(HTML.explanation(item.doc)))
    _value(question, "defaultgrade", str(grading.points(item.doc)))
    _value(question, "penalty", "0")
    _value(question, "hidden", "0")
    _value(question, "idnumber", item.id)
    return question


def _tags(question: ET.Element, item: Item) -> None:
    element = ET.SubElement(question, "tags")
    for tag in tags(item):
        _text(element, "tag", tag, fmt=None)


def _multichoice(quiz: ET.Element, item: Item) -> None:
    doc = item.doc
    single = doc["item_type"] != "multi-choice"
    body = [] if single else HTML.paragraphs(f"Select {len(grading.key(doc))}.")
    question = _head(quiz, item, "multichoice", body)
    _value(question, "single", "true" if single else "false")
    _value(question, "shuffleanswers", "0")
    _value(question, "answernumbering", "ABCD")
    _value(question, "showstandardinstruction", "0")
    _combined_feedback(question, parts=not single)
    if single:
        right = grading.key(doc)
        fractions = {o["key"]: 1.0 if o["key"] == right else 0.0 for o in doc["options"]}
    else:
        fractions = multi_fractions(doc)
    for option in doc["options"]:
        answer = ET.SubElement(
            question, "answer", {"fraction": percent(fractions[option["key"]]), "format": "html"}
        )
        ET.SubElement(answer, "text").text = html_text(HTML.paragraphs(option["text"]))
        _text(answer, "feedback", html_text(HTML.paragraphs(option_feedback(option))))
    _tags(question, item)


def _matching(quiz: ET.Element, item: Item) -> None:
    doc = item.doc
    question = _head(quiz, item, "matching", [])
    _value(question, "shuffleanswers", "0")
    _combined_feedback(question, parts=True)
    key = grading.key(doc)
    for statement, value in zip(doc["statements"], key, strict=True):
        sub = _text(question, "subquestion", html_text(HTML.paragraphs(statement["text"])))
        _text(sub, "answer", "Yes" if value else "No", fmt=None)
    for missing in ({True, False} - set(key)):  # keep both Yes and No on offer
        sub = _text(question, "subquestion", "")
        _text(sub, "answer", "Yes" if missing else "No", fmt=None)
    _tags(question, item)


def _gapselect(quiz: ET.Element, item: Item) -> None:
    doc = item.doc
    choices: list[tuple[str, int]] = []  # (text, group), numbered from 1 in this order
    listing = HTML.el("ol")
    for group, blank in enumerate(doc["blanks"], start=1):
        first = len(choices) + 1
        choices += [(str(choice), group) for choice in blank["choices"]]
        right = first + list(blank["choices"]).index(blank["answer"])
        # The placeholder [[n]] is the drop-down; n names the choice that is right for it.
        HTML.sub(listing, "li", f"{blank['prompt']}: [[{right}]]")
    question = _head(quiz, item, "gapselect", [listing])
    _value(question, "shuffleanswers", "0")
    _combined_feedback(question, parts=True)
    for text, group in choices:
        option = ET.SubElement(question, "selectoption")
        ET.SubElement(option, "text").text = text
        ET.SubElement(option, "group").text = str(group)
    _tags(question, item)


def _ordering(quiz: ET.Element, item: Item) -> None:
    doc = item.doc
    steps = doc["ordering"]["steps"]
    order = grading.key(doc)
    question = _head(quiz, item, "ordering", [])
    _value(question, "layouttype", "VERTICAL")
    _value(question, "selecttype", "ALL")
    _value(question, "selectcount", str(len(steps)))
    _value(question, "gradingtype", "ALL_OR_NOTHING")
    _value(question, "showgrading", "SHOW")
    _value(question, "numberingstyle", "none")
    _combined_feedback(question, parts=True)
    for position, index in enumerate(order, start=1):
        # Moodle's ordering keeps the right order in the answers' fraction (1, 2, 3, ...).
        answer = ET.SubElement(
            question, "answer", {"fraction": f"{position}.0000000", "format": "html"}
        )
        ET.SubElement(answer, "text").text = html_text(HTML.paragraphs(steps[index]))
    _tags(question, item)


WRITERS = {
    "single-choice": _multichoice,
    "fix-it": _multichoice,
    "multi-choice": _multichoice,
    "yes-no-series": _matching,
    "hotspot": _gapselect,
    "ordering": _ordering,
}


def build(questions: Iterable[Doc]) -> ET.Element:
    """The ``<quiz>`` element: a category question before each run of items in it."""
    quiz = ET.Element("quiz")
    current = None
    for item in sorted(items(questions), key=category_path):
        path = category_path(item)
        if path != current:
            _category(quiz, path)
            current = path
        WRITERS[item.item_type](quiz, item)
    return quiz


def export(questions: Iterable[Doc]) -> bytes:
    """The Moodle XML file (UTF-8)."""
    quiz = build(questions)
    ET.indent(quiz)
    return ET.tostring(quiz, encoding="utf-8", xml_declaration=True) + b"\n"
