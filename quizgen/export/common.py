"""What every export shares: the items to export, their HTML, keys in words, and the diagram hook.

An *item* is one gradable question as an LMS sees it: a question document, or one question of a
case study, which carries the case study's scenario and exhibits with it so that it still makes
sense when an LMS shuffles or draws it alone.

HTML is built as ElementTree elements, never by pasting strings: text from the topology and the
question bank (names, rule texts, "<", "&", "]]>") is always element text or attribute values,
escaped by the serializer. ``html_text`` serializes a fragment for formats that hold HTML as text
(Moodle XML, GIFT, Anki); QTI puts the same elements, in its own namespace, into its XML tree.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from quizgen.drill import grading
from quizgen.drill.misconceptions import belief

Doc = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Item:
    """One gradable question: a question document, or the ``number``-th question of a case
    study (``case`` is then the case study's document, whose scenario and exhibits it shows)."""

    doc: Doc
    case: Doc | None = None
    number: int | None = None

    @property
    def id(self) -> str:
        """Stable and unique: the question id, or CASE-ID/qN for a case study's question."""
        if self.case is None:
            return str(self.doc["id"])
        return f"{self.case['id']}/q{self.number}"

    @property
    def context(self) -> Doc:
        """The document whose topology and exhibits this item shows."""
        return self.case if self.case is not None else self.doc

    @property
    def exhibits(self) -> list[Doc]:
        return list(self.context.get("exhibits") or [])

    @property
    def objective(self) -> str:
        return str(self.doc.get("objective") or self.context["objective"])

    @property
    def family(self) -> str:
        return str(self.doc.get("family") or self.context["family"])

    @property
    def item_type(self) -> str:
        return str(self.doc["item_type"])

    @property
    def title(self) -> str:
        """A short, readable name: the id and what kind of question it is."""
        return f"{self.id} ({ITEM_TITLES[self.item_type]})"


ITEM_TITLES = {
    "single-choice": "single choice",
    "multi-choice": "multiple choice",
    "yes-no-series": "yes/no series",
    "hotspot": "hotspot",
    "ordering": "ordering",
    "fix-it": "fix it",
    "case-study": "case study",
}


def items(questions: Iterable[Doc]) -> list[Item]:
    """The gradable items of ``questions``: a case study gives one item per question."""
    found: list[Item] = []
    for doc in questions:
        if doc["item_type"] == "case-study":
            found += [
                Item(sub, case=doc, number=n) for n, sub in enumerate(doc["questions"], start=1)
            ]
        else:
            found.append(Item(doc))
    return found


# -- names that tools accept ---------------------------------------------------------------------


def slug(text: str) -> str:
    """``text`` as one lower-case word of letters, digits and dashes (Anki tags, file names)."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "none"


def tags(item: Item) -> list[str]:
    """Tags for the item: objective, family, item type and each misconception its distractors
    stand for, each one word (Anki tags cannot hold spaces)."""
    found = [
        f"objective::{slug(item.objective)}",
        f"family::{slug(item.family)}",
        f"type::{item.item_type}",
    ]
    found += [f"misconception::{tid}" for tid in grading.offered(item.doc)]
    return found


# -- keys and feedback in words ------------------------------------------------------------------


def yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def answer_lines(doc: Doc) -> list[str]:
    """The key of ``doc`` in words, one line per part, recomputed from the document's own
    fields through grading.key (never from its display string)."""
    kind = doc["item_type"]
    key = grading.key(doc)
    if kind in ("single-choice", "fix-it", "multi-choice"):
        texts = {o["key"]: o["text"] for o in doc["options"]}
        picked = [key] if isinstance(key, str) else key
        return [f"{k}. {texts[k]}" for k in picked]
    if kind == "yes-no-series":
        return [
            f"{yes_no(value)}: {s['text']}"
            for s, value in zip(doc["statements"], key, strict=True)
        ]
    if kind == "hotspot":
        return [f"{b['prompt']}: {value}" for b, value in zip(doc["blanks"], key, strict=True)]
    if kind == "ordering":
        steps = doc["ordering"]["steps"]
        return [f"{n}. {steps[i]}" for n, i in enumerate(key, start=1)]
    raise ValueError(f"no single key for item type {kind!r}")


def misconception_text(tid: str) -> str:
    """What a distractor's misconception is, for per-option feedback."""
    wrong, rule = belief(tid)
    return f"Misconception {tid}: {wrong.rstrip('.')}. What holds instead: {rule}."


def option_feedback(option: Doc) -> str:
    if option.get("correct"):
        return "Correct."
    if option.get("misconception"):
        return "Not correct. " + misconception_text(option["misconception"])
    return "Not correct."


# -- HTML ----------------------------------------------------------------------------------------


class Html:
    """Builds HTML elements, plain or in a namespace (QTI's item body is XHTML in the QTI
    namespace)."""

    def __init__(self, namespace: str = "") -> None:
        self.namespace = namespace
        # Plain HTML (Moodle, GIFT, Anki) draws the table's grid with border="1". QTI 2.1 gives
        # a table only id, class, xml:lang, label, xml:base and summary (imsqti_v2p1.xsd,
        # Table.Type), so there the grid is left to the player's style sheet, through the class.
        self.table_attrs = {"class": "exhibit"} if namespace else {"border": "1"}

    def tag(self, name: str) -> str:
        return f"{{{self.namespace}}}{name}" if self.namespace else name

    def el(self, name: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.Element(self.tag(name), attrs)
        element.text = text
        return element

    def sub(
        self, parent: ET.Element, name: str, text: str | None = None, **attrs: str
    ) -> ET.Element:
        element = ET.SubElement(parent, self.tag(name), attrs)
        element.text = text
        return element

    def table(self, exhibit: Doc) -> ET.Element:
        """An exhibit (title, columns, rows) as a table with a caption and header cells."""
        table = self.el("table", **self.table_attrs)
        self.sub(table, "caption", str(exhibit["title"]))
        head = self.sub(self.sub(table, "thead"), "tr")
        for column in exhibit["columns"]:
            self.sub(head, "th", str(column), scope="col")
        body = self.sub(table, "tbody")
        for row in exhibit["rows"]:
            tr = self.sub(body, "tr")
            for value in row:
                self.sub(tr, "td", cell(value))
        return table

    def scenario(self, item: Item, image: str | None = None) -> list[ET.Element]:
        """The case study's introduction (for its questions), the exhibits and the diagram."""
        blocks: list[ET.Element] = []
        if item.case is not None:
            intro = str(item.case["stem"])
            if not intro.lower().startswith("case study"):
                intro = f"Case study. {intro}"
            blocks.append(self.el("p", intro))
        blocks += [self.table(e) for e in item.exhibits]
        if image is not None:
            blocks.append(self.el("img", src=image, alt="Diagram of the network in the exhibits"))
        return blocks

    def question(self, item: Item, image: str | None = None) -> list[ET.Element]:
        """Scenario, exhibits, diagram, then the question's own stem."""
        stem = self.el("p", str(item.doc["stem"]))
        if item.case is not None:
            return [*self.scenario(item, image), stem]
        return [stem, *self.scenario(item, image)]

    def explanation(self, doc: Doc) -> list[ET.Element]:
        """The key in words, the evaluator's explanation and its rule IDs."""
        lines = answer_lines(doc)
        answer = self.el("p", "Answer:" if len(lines) > 1 else f"Answer: {lines[0]}")
        blocks = [answer]
        if len(lines) > 1:
            listing = self.el("ol" if doc["item_type"] == "ordering" else "ul")
            for line in lines:
                self.sub(listing, "li", line)
            blocks.append(listing)
        explained = self.el("ul")
        for sentence in doc["explanation"]:
            self.sub(explained, "li", str(sentence))
        blocks.append(explained)
        if doc.get("rules"):
            blocks.append(self.el("p", "Rules: " + ", ".join(doc["rules"])))
        return blocks

    def paragraphs(self, *texts: str) -> list[ET.Element]:
        return [self.el("p", text) for text in texts]


def cell(value: Any) -> str:
    if value is None or value == "":
        return "-"
    return str(value)


def html_text(elements: Sequence[ET.Element]) -> str:
    """HTML fragments as text (for formats that carry HTML inside a text field)."""
    return "".join(ET.tostring(e, encoding="unicode", method="html") for e in elements)


def plain(text: str) -> str:
    """One line of plain text (GIFT names, titles): whitespace runs become one space."""
    return " ".join(str(text).split())
