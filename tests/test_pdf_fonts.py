"""quizgen's own print fonts (templates/pdf/fonts): what the PDFs embed, what the fonts hold,
what they change on the page (nothing), and the fallback for a character they lack."""

from __future__ import annotations

import gc
import io
import re
import tempfile
from base64 import b64decode
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pypdf
import pypdfium2 as pdfium
import pytest
from fontTools.ttLib import TTFont

from quizgen.paper.documents import key_html, sheet_html, student_html
from quizgen.questions import ITEM_TYPES
from quizgen.questions.generate import generate
from quizgen.render import pdf
from quizgen.render.diagram import FONT_FAMILY
from quizgen.resources import question_bank_dir, templates_dir
from tests.test_pdf_render import exam, pages_text, squash

FONTS_DIR = templates_dir() / "pdf" / "fonts"
#: The faces the pages use, as the PDF names them (after the six-letter subset tag).
FACES = {
    "Quizgen-Sans",
    "Quizgen-Sans-Bold",
    "Quizgen-Sans-Oblique",
    "Quizgen-Sans-Mono",
    "Quizgen-Sans-Mono-Bold",
}
#: Seeds of the 40-question sheets and exam versions whose text the coverage test reads.
SEEDS = range(8)


def base_fonts(data: bytes) -> set[str]:
    """The /BaseFont of every font the PDF's pages use, the diagrams' (form XObjects) too,
    without the subset tag."""
    found: set[str] = set()

    def visit(resources: Any) -> None:
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            found.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
        for xobject in (resources.get("/XObject") or {}).values():
            visit(xobject.get_object().get("/Resources"))

    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        visit(page.get("/Resources"))
    return found


@cache
def every_type() -> list[dict]:
    return [generate(1, 8, item_type=kind)[0] for kind in ITEM_TYPES]


@cache
def sheet_pdf() -> bytes:
    return pdf.write_pdf(sheet_html(every_type(), subtitle="every item type", with_key=True))


def mapped(data: bytes) -> dict[str, set[str]]:
    """The characters each font (by /BaseFont, without the subset tag) prints, from its
    ToUnicode map: a character no font has is drawn, and mapped, in the first font."""
    out: dict[str, set[str]] = {}

    def visit(resources: Any) -> None:
        resources = resources.get_object() if resources is not None else {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            name = str(font["/BaseFont"]).split("+", 1)[-1]
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for code in re.findall(r"<[0-9a-f]{4}> <([0-9a-f]+)>", cmap):
                out.setdefault(name, set()).add(bytes.fromhex(code).decode("utf-16-be"))
        for xobject in (resources.get("/XObject") or {}).values():
            visit(xobject.get_object().get("/Resources"))

    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        visit(page.get("/Resources"))
    return out


def test_the_pdfs_embed_only_quizgens_fonts() -> None:
    _, pdfs = exam()
    assert base_fonts(pdfs["version-A.pdf"]) == FACES  # each face is used, and no other font
    for name, data in pdfs.items():
        if name.endswith(".pdf"):
            assert base_fonts(data) <= FACES, name
    assert base_fonts(sheet_pdf()) <= FACES


def test_the_fonts_are_renamed_and_carry_their_licence() -> None:
    """The Bitstream Vera licence: modified fonts under names without "Bitstream" or "Vera",
    its notice kept; and names apart from the system's DejaVu, which stands behind them."""
    assert (FONTS_DIR / "LICENSE").read_text().startswith("Fonts are (c) Bitstream")
    files = sorted(FONTS_DIR.glob("*.ttf"))
    assert len(files) == len(FACES)
    for path in files:
        names = TTFont(path)["name"]
        assert names.getDebugName(1) in ("Quizgen Sans", "Quizgen Sans Mono"), path
        for record in names.names:
            text = record.toUnicode()
            if record.nameID in (0, 13):  # the copyright notice and the licence, as DejaVu's
                assert "Bitstream" in text
            else:
                assert not re.search("Bitstream|Vera", text), (path, record.nameID)
            if record.nameID in (1, 3, 4, 6):  # family, unique, full and PostScript names
                assert "Quizgen" in text and "DejaVu" not in text, (path, record.nameID)


def test_every_font_face_is_loaded_through_the_asset_fetcher(monkeypatch) -> None:
    made: list[Any] = []

    def spy() -> Any:
        made.append(pdf._fetcher_class()())
        return made[-1]

    monkeypatch.setattr(pdf, "asset_fetcher", spy)
    pdf.write_pdf("<p>x</p>")
    asked = [url for fetcher in made for url in fetcher.asked]
    fonts = {path.as_uri() for path in FONTS_DIR.glob("*.ttf")}
    assert set(asked) == fonts and len(asked) == len(fonts)
    assert [url for fetcher in made for url in fetcher.refused] == []


def test_the_copied_font_files_are_removed_once_the_pdf_is_written(monkeypatch, tmp_path) -> None:
    """WeasyPrint copies @font-face fonts into a temporary folder that it removes only when the
    cycle collector frees the document, which a pool worker leaving with os._exit never runs."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gc.disable()
    try:
        pdf.write_pdf("<p>x</p>")
        assert list(tmp_path.iterdir()) == []
    finally:
        gc.enable()


# -- the same page as in the system's DejaVu ---------------------------------------------------


def _chars(data: bytes) -> list[tuple[str, tuple[float, ...]]]:
    out = []
    document = pdfium.PdfDocument(data)
    for page in document:
        text = page.get_textpage()
        out += [
            (text.get_text_range(n, 1), tuple(round(v, 3) for v in text.get_charbox(n)))
            for n in range(text.count_chars())
        ]
    return out


def test_the_pages_are_as_the_system_dejavu_printed_them(monkeypatch) -> None:
    """The fonts are DejaVu's glyphs and metrics: every character in the same place, so the
    same lines, columns and page breaks as before quizgen shipped them."""
    ours = sheet_pdf()

    @contextmanager
    def without() -> Iterator[tuple[Any, Any]]:  # the style sheets' next family: DejaVu's
        from weasyprint.text.fonts import FontConfiguration

        yield FontConfiguration(), pdf._weasyprint().CSS(string="")

    monkeypatch.setattr(pdf, "_fonts", without)
    theirs = pdf.write_pdf(sheet_html(every_type(), subtitle="every item type", with_key=True))
    dejavu = {name.replace("Quizgen", "DejaVu") for name in FACES}
    if base_fonts(theirs) != dejavu:
        pytest.skip(f"the system's DejaVu fonts are not all installed: {base_fonts(theirs)}")
    assert pages_text(ours) == pages_text(theirs)
    assert _chars(ours) == _chars(theirs)


# -- a character the fonts lack ----------------------------------------------------------------


#: Greek, Cyrillic and a mathematical sign: outside quizgen's fonts, inside the system's DejaVu.
FOREIGN = "vnet-αβγ-Жук-∑"


def test_a_character_outside_the_fonts_prints_in_a_system_font() -> None:
    lacking = set(FOREIGN) - set(map(chr, _covered()))
    assert lacking == set("αβγЖук∑"), "pick characters that quizgen's fonts lack"
    doc = generate(1, 4, item_type="single-choice")[0]
    doc["stem"] = f"Which VNet is {FOREIGN}?"
    doc["exhibits"][0]["rows"][0][0] = FOREIGN
    doc["topology"]["vnets"][0]["name"] = FOREIGN
    data = pdf.write_pdf(sheet_html([doc], subtitle=FOREIGN, with_key=True))
    assert squash(FOREIGN) in squash(" ".join(pages_text(data)))
    printed_by = mapped(data)
    for name in FACES & set(printed_by):  # what quizgen's fonts print, they have
        assert printed_by[name] & lacking == set(), name
    others = set().union(*(chars for name, chars in printed_by.items() if name not in FACES))
    assert lacking <= others  # in the stem, the exhibit (monospaced) and the diagram
    assert {"DejaVu-Sans", "DejaVu-Sans-Mono"} <= set(printed_by) - FACES or pytest.skip(
        "the system's DejaVu fonts are not installed: another font printed them"
    )


# -- coverage: every character quizgen prints is in its fonts ----------------------------------


@cache
def _covered() -> frozenset[int]:
    """The code points that every one of quizgen's fonts has."""
    maps = [set(TTFont(path).getBestCmap()) for path in FONTS_DIR.glob("*.ttf")]
    return frozenset(set.intersection(*maps))


class _Text(HTMLParser):
    """The text of an HTML page as printed: its text, the header strings it sets
    (data-continued) and the text of its diagrams (SVG in data URLs)."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "data-continued" and value:
                self.parts.append(value)
            if name == "src" and value and value.startswith(pdf.SVG_DATA):
                svg = ET.fromstring(b64decode(value.removeprefix(pdf.SVG_DATA)))
                self.parts += list(svg.itertext())


def printed_text(html: str) -> str:
    parser = _Text()
    parser.feed(re.sub(r"<style.*?</style>", "", html, flags=re.S))
    return "".join(parser.parts)


def _sources() -> Iterator[tuple[str, str]]:
    """(where, text) of everything quizgen may print: the question bank, the PDF templates and
    style sheets (generated content), and sheets, exam versions and keys of many seeds."""
    paths = sorted(question_bank_dir().rglob("*")) + sorted((templates_dir() / "pdf").glob("*"))
    for path in paths:
        if path.is_file():
            yield str(path.relative_to(path.parents[1])), path.read_text(encoding="utf-8")
    for seed in SEEDS:
        docs = generate(40, seed) + every_type()
        yield f"sheet, seed {seed}", printed_text(sheet_html(docs, subtitle="s", with_key=True))
        options = {"title": "T", "code": "A", "minutes": 80}
        yield f"exam version, seed {seed}", printed_text(student_html(docs, **options))
        yield f"exam key, seed {seed}", printed_text(key_html(docs, **options))


def test_every_character_quizgen_prints_is_in_its_fonts() -> None:
    """A new symbol in the question bank, a template or generated text fails here: add it to
    CHARACTERS in scripts/make_fonts.py and make the fonts again (templates/pdf/fonts/README.md)."""
    covered = _covered()
    lacking: dict[str, str] = {}
    for where, text in _sources():
        for char in set(text) - {"\n", "\t", "\r"}:
            if ord(char) not in covered:
                lacking.setdefault(f"U+{ord(char):04X} {char!r}", where)
    assert lacking == {}, "characters quizgen prints that its fonts lack (and where first seen)"


def test_the_diagrams_and_the_style_sheets_name_quizgens_fonts_first() -> None:
    assert FONT_FAMILY.split(",")[0] == "Quizgen Sans"
    css = (templates_dir() / "pdf" / "print.css").read_text()
    families = re.findall(r"(?:font|font-family):[^;]*?(\"[^;]+)", css)
    assert families, "print.css names no font family"
    for family in families:
        assert family.startswith(
            ('"Quizgen Sans", "DejaVu Sans", ', '"Quizgen Sans Mono", "DejaVu Sans Mono", ')
        ), family
    faces = (templates_dir() / "pdf" / "fonts.css").read_text()
    declared = re.findall(r"url\((fonts/[^)]+)\)", faces)
    assert sorted(declared) == sorted(f"fonts/{p.name}" for p in FONTS_DIR.glob("*.ttf"))
    assert all(pdf.asset_path((templates_dir() / "pdf" / url).as_uri()) for url in declared)


def test_the_fonts_come_from_the_script_that_makes_them() -> None:
    """scripts/make_fonts.py holds the choice of characters: the fonts hold no other."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "scripts" / "make_fonts.py"
    spec = importlib.util.spec_from_file_location("make_fonts", path)
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    wanted = set(script.code_points())
    for path in FONTS_DIR.glob("*.ttf"):
        assert set(TTFont(path).getBestCmap()) <= wanted, path
    assert {target for _, _, target in script.FACES.values()} == {
        p.name for p in FONTS_DIR.glob("*.ttf")
    }
