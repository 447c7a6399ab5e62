"""Golden files of the HTML that WeasyPrint prints: a practice sheet with its key, and an exam
version with its key, one item of every type (``pytest --update-golden`` rewrites them).

The diagrams are SVG images inside the page (data URLs): each is replaced here by a digest of
its SVG, which tests/golden/diagram and test_diagram.py check on their own.
"""

from __future__ import annotations

import hashlib
import re
from base64 import b64decode
from functools import cache

import pytest

from quizgen.paper.documents import key_html, sheet_html, student_html
from quizgen.questions import ITEM_TYPES
from quizgen.questions.generate import generate
from quizgen.render.pdf import SVG_DATA
from tests.conftest import GoldenCheck


@cache
def docs() -> tuple[dict, ...]:
    return tuple(generate(1, 8, item_type=kind)[0] for kind in ITEM_TYPES)


def _digests(html: str) -> str:
    def digest(found: re.Match[str]) -> str:
        svg = b64decode(found[1])
        return f'"{SVG_DATA}[SVG {len(svg)} bytes, sha256 {hashlib.sha256(svg).hexdigest()[:16]}]"'

    return re.sub(r'"' + re.escape(SVG_DATA) + r'([A-Za-z0-9+/=]+)"', digest, html)


@pytest.fixture(autouse=True)
def fixed_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)


def test_a_practice_sheet_with_its_key(golden: GoldenCheck) -> None:
    html = sheet_html(list(docs()), subtitle="8 questions - seed 8", with_key=True)
    assert SVG_DATA in html
    golden("pdf/sheet.html", _digests(html))


def test_an_exam_version_and_its_key(golden: GoldenCheck) -> None:
    items = list(docs())
    options = {"title": "Midterm", "code": "A", "minutes": 30}
    golden("pdf/exam-version.html", _digests(student_html(items, **options)))
    golden("pdf/exam-key.html", _digests(key_html(items, **options)))
