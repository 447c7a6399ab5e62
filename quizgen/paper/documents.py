"""The HTML of each printed document: a practice sheet, its key, an exam version, its key.

Each function takes question documents as printed (quizgen.paper.forms.arrange) and returns
the HTML that quizgen.render.pdf prints. Wording shown around the items (titles, instructions,
the answer grid's help) is decided here; items, keys and the grid come from
quizgen.render.paper.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from quizgen.render import paper
from quizgen.render.pdf import page_html

Doc = dict[str, Any]

SHEET_TITLE = "AZ-104 networking practice sheet"
EXAM_TITLE = "AZ-104 networking exam"

GRID_HELP = (
    "Fill in the circle of the one answer of single-answer items, as many boxes as a "
    "multiple-choice item asks for, Y or N for each statement, one letter for each hotspot blank, "
    "and write the position of each ordering step (1 = first) next to its letter."
)


def total_points(docs: Sequence[Doc]) -> int:
    return sum(paper.points(doc) for doc in docs)


def _numbers(docs: Sequence[Doc]) -> list[str]:
    return [str(n) for n in range(1, len(docs) + 1)]


def sheet_html(docs: Sequence[Doc], *, subtitle: str, with_key: bool) -> str:
    """A practice sheet; with ``with_key`` its answer key and explanations follow the items."""
    numbers = _numbers(docs)
    instructions = [
        "Each item says how to answer it and how many points it is worth.",
        "Mark your answers on the items: fill in circles and boxes, and number ordering steps.",
        "The answer key with the explanations is "
        + ("at the end of this sheet." if with_key else "printed separately."),
    ]
    page = {
        "title": SHEET_TITLE,
        "subtitle": subtitle,
        "header_right": "Practice sheet",
        "instructions": instructions,
        "total_points": total_points(docs),
    }
    items = [paper.item_view(doc, n) for doc, n in zip(docs, numbers, strict=True)]
    keys = (
        [paper.key_view(doc, n) for doc, n in zip(docs, numbers, strict=True)] if with_key else []
    )
    return page_html("pdf/sheet.html.j2", page, items=items, keys=keys)


def sheet_key_html(docs: Sequence[Doc], *, subtitle: str) -> str:
    """The answer key of a practice sheet, printed apart."""
    numbers = _numbers(docs)
    page = {
        "title": SHEET_TITLE + " - answer key",
        "subtitle": subtitle,
        "header_right": "Answer key",
        "is_key": True,
        "grid_help": GRID_HELP,
    }
    keys = [paper.key_view(doc, n) for doc, n in zip(docs, numbers, strict=True)]
    return page_html("pdf/key.html.j2", page, keys=keys, grid=[])


def exam_instructions(docs: Sequence[Doc]) -> list[str]:
    cases = sum(doc["item_type"] == "case-study" for doc in docs)
    lines = [
        "Write your name and student ID on this page and on the answer grid.",
        f"This paper has {len(docs)} items worth {total_points(docs)} points in all; "
        "each item says how many points it is worth.",
        "Mark every answer on the answer grid at the end of this paper: only the grid is "
        "marked. You may write on the question pages.",
        "Multiple-choice items say how many options to select; each correct selection is "
        "worth one point. Each Yes/No statement and each hotspot blank is worth one point.",
        "Ordering items: write the position of each step (1 = first) next to its letter.",
        "The exhibits and network diagrams show the configuration as it is now.",
    ]
    if cases:
        lines.append(
            "Case studies come last. Read the scenario and its exhibits, then answer each "
            "of its questions; each question is independent of the others."
        )
    return lines


def _exam_page(docs: Sequence[Doc], *, title: str, code: str, minutes: int) -> Doc:
    return {
        "title": title,
        "code": code,
        "header_right": f"Version {code}",
        "minutes": minutes,
        "item_count": len(docs),
        "total_points": total_points(docs),
        "instructions": exam_instructions(docs),
        "grid_help": GRID_HELP,
    }


#: Rows of the answer grid per page: two columns of this many rows each.
GRID_ROWS_PER_COLUMN = 30


def grid(docs: Sequence[Doc], filled: bool) -> list[list[tuple[Doc, Doc | None]]]:
    """The answer grid, page by page, as pairs of rows: the left column reads down first,
    then the right one (a plain table: cheaper to print than CSS columns)."""
    rows = [
        row
        for doc, n in zip(docs, _numbers(docs), strict=True)
        for row in paper.grid_rows(doc, n, filled)
    ]
    pages = []
    per_page = 2 * GRID_ROWS_PER_COLUMN
    for start in range(0, len(rows), per_page):
        chunk = rows[start : start + per_page]
        half = (len(chunk) + 1) // 2
        left, right = chunk[:half], chunk[half:]
        pages.append([(a, right[i] if i < len(right) else None) for i, a in enumerate(left)])
    return pages


def student_html(docs: Sequence[Doc], *, title: str, code: str, minutes: int) -> str:
    """An exam version for students: cover page, items, answer grid."""
    page = _exam_page(docs, title=title, code=code, minutes=minutes)
    items = [paper.item_view(doc, n) for doc, n in zip(docs, _numbers(docs), strict=True)]
    return page_html("pdf/exam.html.j2", page, items=items, grid=grid(docs, filled=False))


def key_html(docs: Sequence[Doc], *, title: str, code: str, minutes: int) -> str:
    """An exam version's key: the marking template, then answers and explanations."""
    page = _exam_page(docs, title=title, code=code, minutes=minutes)
    page.update(
        title=title,
        subtitle=f"Answer key - Version {code} - {len(docs)} items, {total_points(docs)} points",
        header_right=f"Version {code} - Answer key",
        is_key=True,
    )
    keys = [paper.key_view(doc, n) for doc, n in zip(docs, _numbers(docs), strict=True)]
    return page_html("pdf/key.html.j2", page, keys=keys, grid=grid(docs, filled=True))
