"""SVG text drawn a line at a time (quizgen.render.svgtext) prints what WeasyPrint's own,
letter-by-letter drawing prints: the same characters, each text element starting at the same
point and about as wide; text that moves single letters is still drawn by WeasyPrint itself.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pypdf
import pypdfium2 as pdfium
import pytest

from quizgen.questions.generate import generate
from quizgen.render import svgtext
from quizgen.render.diagram import question_svg
from quizgen.render.paper import svg_image
from quizgen.render.pdf import _weasyprint, write_pdf


@pytest.fixture(autouse=True)
def weasyprint_loaded() -> Iterator[None]:
    _weasyprint()
    yield
    svgtext.install(_weasyprint())


@contextmanager
def letter_by_letter() -> Iterator[None]:
    svgtext.uninstall()
    try:
        yield
    finally:
        svgtext.install(_weasyprint())


def _page(svg: str) -> str:
    return f"<html><body><p>Diagram</p>{svg_image(svg)}</body></html>"


def _chars(pdf: bytes) -> list[tuple[str, float, float]]:
    """Every printed character of page 1 but spaces: (character, left, bottom) in points, as
    pdfium reads them."""
    text_page = pdfium.PdfDocument(pdf)[0].get_textpage()
    chars = []
    for i in range(text_page.count_chars()):
        char = text_page.get_text_range(i, 1)
        if char.strip():
            left, bottom, _right, _top = text_page.get_charbox(i)
            chars.append((char, left, bottom))
    return chars


def _diagram() -> str:
    doc = next(d for d in generate(12, 5) if question_svg(d) is not None)
    svg = question_svg(doc)
    assert svg is not None
    return svg


def test_installed_with_the_tested_weasyprint() -> None:
    assert svgtext.supported(_weasyprint().__version__)
    assert svgtext.installed()
    assert not svgtext.supported("71.0") and svgtext.supported("70.2")


def test_a_diagram_prints_the_same_text_at_the_same_places(caplog) -> None:  # type: ignore[no-untyped-def]
    svg = _diagram()
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        whole = write_pdf(_page(svg))
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    with letter_by_letter():
        letters = write_pdf(_page(svg))

    fast, slow = _chars(whole), _chars(letters)
    assert len(fast) > 200
    assert "".join(c for c, _, _ in fast) == "".join(c for c, _, _ in slow)
    for (char, left, bottom), (_, left2, bottom2) in zip(fast, slow, strict=True):
        # the same glyphs at the same places: shaped whole, a run could be kerned, but no
        # character of a diagram moves by as much as a quarter of a point
        assert abs(left - left2) < 0.25, char
        assert abs(bottom - bottom2) < 0.1, char


SVG_FEATURES = """<svg xmlns="http://www.w3.org/2000/svg" width="300" height="120"
 viewBox="0 0 300 120">
<text x="10" y="20" font-size="12">plain run</text>
<text x="10" y="40" font-size="12" text-anchor="middle">anchored run</text>
<text x="10 20 30" y="60" font-size="12">abc spread</text>
<text x="10" y="80" dx="2" font-size="12">shifted</text>
<text x="10" y="100" rotate="10" font-size="12">turned</text>
<text x="150" y="20" textLength="120" font-size="12">stretched</text>
<text x="150" y="40" letter-spacing="2" font-size="12">spaced</text>
<text x="150" y="60" dominant-baseline="middle" font-size="12">centred</text>
<text x="150" y="80" font-size="12"></text>
</svg>"""


def test_text_that_moves_single_letters_is_left_to_weasyprint(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    original = svgtext._original

    def spy(svg, node, font_size):  # type: ignore[no-untyped-def]
        seen.append(node.text or "")
        return original(svg, node, font_size)

    monkeypatch.setattr(svgtext, "_original", spy)
    write_pdf(_page(SVG_FEATURES))
    assert set(seen) == {
        "abc spread",
        "shifted",
        "turned",
        "stretched",
        "spaced",
        "centred",
        "",
    }


def test_text_of_every_kind_prints_the_same_characters() -> None:
    whole = write_pdf(_page(SVG_FEATURES))
    with letter_by_letter():
        letters = write_pdf(_page(SVG_FEATURES))

    def words(pdf: bytes) -> list[str]:
        return sorted(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())

    assert words(whole) == words(letters)
