"""Printed PDFs read back: text (pypdf), pages rasterised (pypdfium2), safety, reproducibility.

One small exam set with every item type (two versions) is printed once for the module; the
tests read its PDFs back rather than the HTML, so they check what a student and a marker see.
"""

from __future__ import annotations

import io
import re
import sys
from functools import cache
from pathlib import Path

import pexpect
import pypdf
import pypdfium2 as pdfium
import pytest

from quizgen.paper import files
from quizgen.paper.documents import sheet_html
from quizgen.paper.forms import version_codes, version_items
from quizgen.paper.manifest import manifest
from quizgen.questions import ITEM_TYPES
from quizgen.questions.generate import generate
from quizgen.render import environment
from quizgen.render.paper import (
    DIAGRAM_PAGE_MM,
    LETTERS,
    LINE_CHARS,
    _svg_height_mm,
    diagram,
    diagram_room,
    diagram_svg,
    exhibit_view,
    svg_image,
)
from quizgen.render.pdf import PrintError, asset_fetcher, asset_path, write_pdf
from quizgen.resources import templates_dir
from tests.support import invoke

SETTINGS = files.ExamSettings(2, len(ITEM_TYPES), 8, "Networking midterm", 25)


@cache
def exam() -> tuple[dict[str, list[dict]], dict[str, bytes]]:
    """Version A: one item of every type; version B: their parallel variants."""
    base = [generate(1, 8, item_type=kind)[0] for kind in ITEM_TYPES]
    drawn = {
        code: [
            {"slot": i.slot, "doc": i.doc, "arrangement": i.arrangement, "variant": i.variant}
            for i in version_items(code, base, SETTINGS.seed)
        ]
        for code in version_codes(SETTINGS.versions)
    }
    return drawn, files.print_set(SETTINGS, drawn).files


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def headers(pdf: bytes) -> list[str]:
    """The text in the top margin (17 mm) of each page: its running header."""
    out = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        top = float(page.mediabox.top) - 17 / 25.4 * 72
        parts: list[str] = []

        def keep(text, cm, tm, font, size, parts=parts, top=top):  # type: ignore[no-untyped-def]
            if text.strip() and (tm[5] * cm[3] + cm[5]) > top:
                parts.append(text)

        page.extract_text(visitor_text=keep)
        out.append(" ".join(parts))
    return out


def squash(text: str) -> str:
    """Text without any white space: lines may break anywhere in the PDF."""
    return re.sub(r"\s+", "", text)


def shown_texts(doc: dict) -> list[str]:
    """Every text a student must see for ``doc``."""
    out = [doc["stem"]]
    for q in doc.get("questions") or [doc]:
        out.append(q["stem"])
        out += [o["text"] for o in q.get("options", [])]
        out += [s["text"] for s in q.get("statements", [])]
        for blank in q.get("blanks", []):
            out += [blank["prompt"], *blank["choices"]]
        out += list((q.get("ordering") or {}).get("steps", []))
    return out


@pytest.mark.parametrize("code", ["A", "B"])
def test_every_stem_option_and_choice_is_printed(code: str) -> None:
    drawn, pdfs = exam()
    text = squash(" ".join(pages_text(pdfs[f"version-{code}.pdf"])))
    for item in drawn[code]:
        for shown in shown_texts(item["doc"]):
            assert squash(shown) in text, (item["doc"]["id"], shown)


@pytest.mark.parametrize("code", ["A", "B"])
def test_every_page_carries_the_title_and_its_version(code: str) -> None:
    _, pdfs = exam()
    for name in (f"version-{code}.pdf", f"version-{code}-key.pdf"):
        pages = pages_text(pdfs[name])
        assert len(pages) >= 2
        other = {"A": "B", "B": "A"}[code]
        for number, (page, head) in enumerate(zip(pages, headers(pdfs[name]), strict=True), 1):
            assert "Networking midterm" in head, (name, number, head)
            assert f"Version {code}" in head, (name, number, head)
            assert f"Version {other}" not in page
            assert f"Page {number} of {len(pages)}" in page


def test_the_cover_asks_for_name_and_id_and_gives_the_time() -> None:
    _, pdfs = exam()
    cover = pages_text(pdfs["version-A.pdf"])[0]
    for expected in ("Name", "Student ID", "Time allowed", "25 minutes", "Instructions"):
        assert expected in cover
    assert "Answer grid - Version A" in pages_text(pdfs["version-A.pdf"])[-1]


def _expected_key_lines(doc: dict, printed: object) -> list[str]:
    """The key lines a marker reads, built from the manifest's printed key and the document's
    own texts (not from the code that prints them)."""
    kind = doc["item_type"]
    if kind in ("single-choice", "fix-it", "multi-choice"):
        letters = [printed] if isinstance(printed, str) else printed
        texts = {o["key"]: o["text"] for o in doc["options"]}
        return [f"{x}. {texts[x]}" for x in letters]
    if kind == "yes-no-series":
        return [f"{n}. {answer}" for n, answer in enumerate(printed, start=1)]
    if kind == "hotspot":
        return [
            f"Blank {n}: {x}. {blank['choices'][LETTERS.index(x)]}"
            for n, (x, blank) in enumerate(zip(printed, doc["blanks"], strict=True), start=1)
        ]
    if kind == "ordering":
        steps = doc["ordering"]["steps"]
        return [f"{n}. {x}. {steps[LETTERS.index(x)]}" for n, x in enumerate(printed, start=1)]
    return [
        line
        for sub, sub_key in zip(doc["questions"], printed, strict=True)
        for line in _expected_key_lines(sub, sub_key)
    ]


@pytest.mark.parametrize("code", ["A", "B"])
def test_the_key_pdf_prints_the_manifest_keys(code: str) -> None:
    drawn, pdfs = exam()
    document = manifest(SETTINGS, drawn)
    entries = next(v for v in document["versions"] if v["code"] == code)["items"]
    text = squash(" ".join(pages_text(pdfs[f"version-{code}-key.pdf"])))
    for entry, item in zip(entries, drawn[code], strict=True):
        for line in _expected_key_lines(item["doc"], entry["key"]):
            assert squash(line) in text, (entry["id"], line)
        assert squash(entry["id"]) in text


def _ink(bitmap_pil, box=None) -> float:  # type: ignore[no-untyped-def]
    image = bitmap_pil.convert("L")
    if box is not None:
        image = image.crop(box)
    histogram = image.histogram()
    dark = sum(histogram[:160])
    return dark / max(1, sum(histogram))


def test_no_page_is_blank() -> None:
    _, pdfs = exam()
    for name, data in pdfs.items():
        if not name.endswith(".pdf"):
            continue
        document = pdfium.PdfDocument(data)
        for n in range(len(document)):
            image = document[n].render(scale=0.5).to_pil()
            assert _ink(image) > 0.004, f"{name} page {n + 1} is blank"


def test_every_item_page_shows_its_diagram() -> None:
    """Each item has a topology: its "Network diagram" caption is followed by a drawing."""
    drawn, pdfs = exam()
    document = pdfium.PdfDocument(pdfs["version-A.pdf"])
    found = 0
    for n in range(len(document)):
        page = document[n]
        text = page.get_textpage()
        searcher = text.search("Network diagram", match_case=True)
        while (hit := searcher.get_next()) is not None:
            bottom = text.get_charbox(hit[0])[1]
            scale = 1.0
            image = page.render(scale=scale).to_pil()
            height = page.get_height()
            y = int((height - bottom) * scale)  # pdf coordinates grow upwards
            below = (0, y + 2, image.width, min(image.height, y + 60))
            assert _ink(image, below) > 0.01, f"page {n + 1}: no drawing under its caption"
            found += 1
    assert found == sum(diagram(item["doc"]) is not None for item in drawn["A"])
    assert found >= len(drawn["A"]) - 1


def test_a_question_diagram_shows_only_what_its_exhibits_show(monkeypatch) -> None:
    """The diagram of every printed item is drawn with the question's own view."""
    from quizgen.render import paper
    from quizgen.render.diagram import question_view

    seen = []

    def spy(topology, *, view=None, width=680):  # type: ignore[no-untyped-def]
        seen.append(view)
        return "<svg></svg>"

    monkeypatch.setattr(paper, "topology_svg", spy)
    drawn, _ = exam()
    docs = [item["doc"] for item in drawn["A"]]
    for doc in docs:
        paper.item_view(doc, "1")
    expected = [question_view(doc) for doc in docs if question_view(doc).vnets]
    assert seen == expected and all(view is not None for view in seen)


def _cells_as_printed(row: str) -> list[str]:
    """The cells of a printed exhibit row: its lines cut at the column rules, joined."""
    lines = [line[1:-1].split(" │ ") for line in row.split("\n")]
    return [" ".join(line[i] for line in lines) for i in range(len(lines[0]))]


def test_exhibits_print_every_cell_whole_in_lined_up_columns() -> None:
    """An exhibit prints as lines of monospaced text: every line of a table is as long as the
    others and no longer than the page holds, its rules line up, and each cell reads back
    whole, word for word (a word longer than its column goes on in the next line)."""
    docs = generate(60, 5)
    items = [q for d in docs for q in [d, *d.get("questions", [])]]
    exhibits = [e for q in items for e in q.get("exhibits", [])]
    for exhibit in exhibits:
        view = exhibit_view(exhibit)
        rows = [view["head"], *view["rows"]]
        lines = [line for row in rows for line in row.split("\n")]
        assert len({len(line) for line in lines}) == 1 and len(lines[0]) <= LINE_CHARS
        rules = {tuple(i for i, c in enumerate(line) if c == "│") for line in lines}
        assert len(rules) == 1, exhibit["title"]
        expected = [exhibit["columns"], *exhibit["rows"]]
        for printed, cells in zip(rows, expected, strict=True):
            read = _cells_as_printed(printed)
            for got, cell in zip(read, cells, strict=True):
                want = "-" if cell is None or cell == "" else str(cell)
                assert "".join(got.split()) == "".join(want.split()), (got, want)
    assert len(exhibits) > 100


def test_letter_paper_is_letter_sized() -> None:
    docs = generate(1, 3, item_type="single-choice")
    pdf = write_pdf(sheet_html(docs, subtitle="one", with_key=True), "letter")
    box = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    pdf = write_pdf(sheet_html(docs, subtitle="one", with_key=True), "a4")
    box = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


# -- safety --------------------------------------------------------------------------------------

CRAFTED = (
    '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://example.invalid/x.css">'
)


def _crafted_doc() -> dict:
    doc = generate(1, 4, item_type="single-choice")[0]
    doc["stem"] = f"Which VNet is {CRAFTED}?"
    doc["options"][0]["text"] = "<style>@import url(file:///etc/passwd);</style>vnet-evil"
    doc["exhibits"][0]["rows"][0][0] = CRAFTED
    doc["topology"]["vnets"][0]["name"] = CRAFTED
    doc["explanation"] = [f"<script>{CRAFTED}</script>", *doc["explanation"]]
    return doc


def test_text_from_banks_and_topologies_prints_literally_and_fetches_nothing() -> None:
    """The one image of the page is the diagram quizgen drew (in a data URL, names escaped in
    its SVG): it is all the page asks the fetcher for."""
    fetcher = asset_fetcher()
    doc = _crafted_doc()
    html = sheet_html([doc], subtitle=CRAFTED, with_key=True)
    drawn = str(diagram(doc))
    assert drawn.startswith('<img src="data:image/svg+xml;base64,')
    assert html.replace("&lt;img", "").count("<img") == 1 and drawn in html
    pdf = write_pdf(html, fetcher=fetcher)
    assert fetcher.asked == [re.search(r'src="([^"]+)"', drawn)[1]], fetcher.asked
    assert fetcher.refused == []
    text = squash(" ".join(pages_text(pdf)))
    assert squash(CRAFTED) in text
    assert squash("<style>@import url(file:///etc/passwd);</style>vnet-evil") in text
    assert "root:x:0:0" not in text


def test_the_fetcher_serves_only_quizgens_own_assets() -> None:
    css = templates_dir() / "pdf" / "print.css"
    assert asset_path(css.as_uri()) == css.resolve()
    for url in (
        "file:///etc/passwd",
        (templates_dir() / ".." / ".." / "etc" / "passwd").as_uri(),
        f"file://{templates_dir()}/../pyproject.toml",
        "http://example.invalid/x.css",
        "https://example.invalid/x.css",
        "data:text/css,body{}",
        "ftp://example.invalid/x",
        f"file://otherhost{css}",
    ):
        assert asset_path(url) is None, url
    fetcher = asset_fetcher()
    refused = [
        "file:///etc/passwd",
        "data:text/css,body{}",
        "data:image/svg+xml,<svg/>",
        "data:image/svg+xml;base64,not base64!",
    ]
    for url in refused:
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)
    assert fetcher.refused == refused
    response = fetcher.fetch(css.as_uri())
    assert b"@page" in response.read()
    svg = "data:image/svg+xml;base64,PHN2Zy8+"
    assert fetcher.fetch(svg).read() == b"<svg/>"
    assert fetcher.asked == [*refused, css.as_uri(), svg]


def test_html_templates_are_autoescaped_and_text_templates_are_not() -> None:
    env = environment()
    assert env.autoescape("pdf/sheet.html.j2") is True
    assert env.autoescape("text/question.md.j2") is False
    template = env.get_template("pdf/base.html.j2")
    html = template.render(
        page={
            "title": "<b>x</b>",
            "code": "",
            "is_key": False,
            "quizgen": "1",
            "printed": "2024-01-01T00:00:00Z",
            "header_right": "&",
        }
    )
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


# -- reproducible ------------------------------------------------------------------------------


def test_the_same_input_gives_the_same_bytes() -> None:
    docs = generate(2, 6)
    html = sheet_html(docs, subtitle="two", with_key=True)
    first, second = write_pdf(html), write_pdf(html)
    assert first == second
    info = pypdf.PdfReader(io.BytesIO(first)).metadata
    assert info["/CreationDate"].startswith("D:20240101")
    assert info["/ModDate"] == info["/CreationDate"]


def test_a_sheet_from_the_command_line(tmp_path: Path) -> None:
    target = tmp_path / "practice.pdf"
    code, out, err = invoke("sheet", "-n", "2", "-o", str(target), "--key-separate")
    assert code == 0, err
    seed = int(re.search(r"seed: (\d+) \(pass --seed \1", err)[1])  # type: ignore[index]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["practice-key.pdf", "practice.pdf"]
    assert f"seed {seed}" in err and out == ""
    key_text = " ".join(pages_text((tmp_path / "practice-key.pdf").read_bytes()))
    assert "Answers and explanations" in key_text
    sheet_text = " ".join(pages_text(target.read_bytes()))
    assert "Answers and explanations" not in sheet_text and "Answer key" not in sheet_text
    again = tmp_path / "again.pdf"
    code, _, err = invoke(
        "sheet", "-n", "2", "--seed", str(seed), "-o", str(again), "--key-separate"
    )
    assert code == 0, err
    assert again.read_bytes() == target.read_bytes()
    assert (tmp_path / "again-key.pdf").read_bytes() == (tmp_path / "practice-key.pdf").read_bytes()


def test_an_exam_set_rebuilt_from_its_manifest_is_identical(tmp_path: Path) -> None:
    first, second = tmp_path / "set", tmp_path / "rebuilt"
    code, _, err = invoke(
        "exam-set",
        "--versions",
        "2",
        "--count",
        "2",
        "--seed",
        "31",
        "--title",
        "Quiz <1>",
        "--paper",
        "letter",
        "-o",
        str(first),
    )
    assert code == 0, err
    names = [
        "manifest.json",
        "version-A-key.pdf",
        "version-A.pdf",
        "version-B-key.pdf",
        "version-B.pdf",
    ]
    assert sorted(p.name for p in first.iterdir()) == names
    code, _, err = invoke("exam-set", "--manifest", str(first / "manifest.json"), "-o", str(second))
    assert code == 0, err
    for name in names:
        assert (second / name).read_bytes() == (first / name).read_bytes(), name
    assert "Quiz <1>" in pages_text((first / "version-B.pdf").read_bytes())[0]
    # into its own folder: the PDFs exist, so only --force replaces them
    code, _, err = invoke("exam-set", "--manifest", str(first / "manifest.json"))
    assert code == 2 and "already exists" in err
    (first / "version-A.pdf").unlink()
    code, _, err = invoke("exam-set", "--manifest", str(first / "manifest.json"), "--force")
    assert code == 0, err
    assert (first / "version-A.pdf").read_bytes() == (second / "version-A.pdf").read_bytes()


def test_a_progress_bar_shows_on_a_terminal_only(tmp_path: Path) -> None:
    quizgen = str(Path(sys.executable).with_name("quizgen"))
    args = ["exam-set", "--versions", "2", "--count", "1", "--seed", "3", "-o"]
    child = pexpect.spawn(quizgen, [*args, str(tmp_path / "tty")], encoding="utf-8", timeout=120)
    child.expect("Printing the exam set")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert (tmp_path / "tty" / "version-B-key.pdf").is_file()
    code, out, err = invoke(*args, str(tmp_path / "pipe"))
    assert code == 0 and "Printing" not in err and out == ""


def test_a_sheet_goes_to_the_output_folder_by_default(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = invoke("sheet", "-n", "1", "--seed", "12", "--type", "ordering")
    assert code == 0, err
    assert "seed: " not in err  # the seed was given: nothing to repeat
    assert (tmp_path / "output" / "sheet-12.pdf").is_file()
    assert "wrote output/sheet-12.pdf: 1 question, seed 12 (answer key at the end)" in err


CONTINUED = re.compile(r"(?:Item|Case study) (\d+)(?:, question [\d.]+)? \(continued\)")


@pytest.mark.parametrize("code", ["A", "B"])
def test_a_page_that_goes_on_with_an_item_says_which_in_its_header(code: str) -> None:
    drawn, pdfs = exam()
    pdf = pdfs[f"version-{code}.pdf"]
    pages = [squash(text) for text in pages_text(pdf)]
    begins = [
        next(n for n, page in enumerate(pages) if squash(item["doc"]["stem"])[:50] in page)
        for item in drawn[code]
    ]
    marked = []
    for number, head in enumerate(headers(pdf)):
        found = CONTINUED.search(head)
        if not found:
            continue
        item = int(found[1])
        marked.append(number)
        assert begins[item - 1] < number, (number, head)  # it began on an earlier page...
        if item < len(begins):  # ...and is the last item to have begun before this page
            assert begins[item] >= number, (number, head)
    assert marked, "no item of this set runs over a page: the test shows nothing"
    assert 0 not in marked and "Answergrid" not in pages[marked[-1]]


def test_a_smaller_set_printed_over_a_larger_one_takes_its_other_versions_away(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "set"
    options = ["exam-set", "--count", "1", "--seed", "5", "-o", str(folder)]
    code, _, err = invoke(*options, "--versions", "3")
    assert code == 0, err
    (folder / "notes.txt").write_text("mine")
    (folder / "version-Z.pdf").write_bytes(b"not listed by the manifest")
    code, _, err = invoke(*options, "--versions", "2")
    assert code == 2 and "already exists" in err  # nothing replaced or removed without --force
    assert (folder / "version-C.pdf").exists()

    code, _, err = invoke(*options, "--versions", "2", "--force")
    assert code == 0, err
    assert "removed 2 file(s) of the set printed there before" in err  # the report: stderr
    assert "version-C.pdf" in err and "version-C-key.pdf" in err
    assert sorted(p.name for p in folder.iterdir()) == [
        "manifest.json",
        "notes.txt",
        "version-A-key.pdf",
        "version-A.pdf",
        "version-B-key.pdf",
        "version-B.pdf",
        "version-Z.pdf",
    ]


def test_only_the_pdfs_a_manifest_names_as_an_exam_set_can_be_taken_away(tmp_path: Path) -> None:
    import json

    (tmp_path / "version-C.pdf").write_bytes(b"%PDF")
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "version-D.pdf").mkdir()
    listed = ["version-C.pdf", "notes.txt", "../outside.pdf", "version-D.pdf", "version-A.pdf", 7]
    (tmp_path / "manifest.json").write_text(
        json.dumps({"versions": [{"files": {str(n): name for n, name in enumerate(listed)}}]})
    )
    assert files.earlier_set_files(str(tmp_path), ["version-A.pdf"]) == ["version-C.pdf"]
    (tmp_path / "manifest.json").write_text("{not json")
    assert files.earlier_set_files(str(tmp_path), []) == []


@pytest.mark.parametrize(
    ("height", "printed"),
    [
        (60.0, 60.0),  # as drawn
        (90.0, 90.0),
        (100.0, 90.0),  # made smaller, to 90 mm...
        (150.0, 120.0),  # ...but never below four fifths of its size: its words stay readable
        (280.0, 224.0),
        (364.0, DIAGRAM_PAGE_MM),  # and never taller than a page holds
    ],
)
def test_a_tall_diagram_is_made_smaller_only_so_far(height: float, printed: float) -> None:
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="165mm" height="{height}mm"></svg>'
    assert _svg_height_mm(svg) == pytest.approx(printed)
    assert f'style="max-height: {printed:g}mm"' in svg_image(svg, _svg_height_mm(svg))


def test_a_page_part_weasyprint_cannot_print_stops_the_pdf() -> None:
    """WeasyPrint leaves out an image it cannot draw or load and only logs it: quizgen refuses
    to write such a PDF rather than print an item without its diagram."""
    broken = svg_image("<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'><rect")
    for body in (str(broken), '<img src="file:///etc/passwd" alt="">'):
        with pytest.raises(PrintError, match="could not print part of the page"):
            write_pdf(f"<html><body><p>Item</p>{body}</body></html>")


def test_a_case_study_starts_with_its_diagram_on_the_same_page_on_letter_paper() -> None:
    """A diagram taller than the room under its item's head and stem would go to a page of its
    own and leave the head alone on a page (seen on Letter paper): it is made to fit."""
    docs = generate(3, 9, family="case-study")
    tall = [d for d in docs if _svg_natural_mm(d) > diagram_room(d)]
    assert tall, "no case study here has a diagram taller than the room: the test shows nothing"
    pdf = write_pdf(sheet_html(tall, subtitle="x", with_key=False), "letter")
    pages = [squash(text) for text in pages_text(pdf)]
    for doc in tall:
        (page,) = [p for p in pages if squash(doc["stem"])[:60] in p]
        assert "Networkdiagram" in page and "CASESTUDY" in page.upper()


def _svg_natural_mm(doc: dict) -> float:
    svg = diagram_svg(doc)
    assert svg is not None
    found = re.search(r'height="([\d.]+)mm"', svg)
    assert found
    return float(found[1])


@pytest.mark.parametrize("code", ["A", "B"])
def test_every_item_starts_with_its_stem_and_diagram_on_one_page(code: str) -> None:
    drawn, pdfs = exam()
    pages = [squash(text) for text in pages_text(pdfs[f"version-{code}.pdf"])]
    for item in drawn[code]:
        if diagram_svg(item["doc"]) is None:
            continue
        (page,) = [p for p in pages if squash(item["doc"]["stem"])[:60] in p]
        assert "Networkdiagram" in page, item["doc"]["id"]


def test_printing_pauses_the_cycle_collector_and_restores_it(monkeypatch) -> None:
    """write_pdf pauses the collector while WeasyPrint lays out and draws (quizgen.collector),
    and leaves it as it found it: on again after a PDF, also when WeasyPrint fails, and still
    off when the caller had paused it."""
    import gc

    from quizgen.render import pdf

    weasyprint = pdf._weasyprint()
    original = weasyprint.HTML.write_pdf
    seen: list[bool] = []

    def recording(self, *args, **kwargs):
        seen.append(gc.isenabled())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", recording)
    assert gc.isenabled()
    assert write_pdf("<p>Item 1</p>").startswith(b"%PDF")
    assert seen == [False] and gc.isenabled()

    def failing(self, *args, **kwargs):
        seen.append(gc.isenabled())
        raise RuntimeError("WeasyPrint failed")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", failing)
    with pytest.raises(RuntimeError, match="WeasyPrint failed"):
        write_pdf("<p>Item 1</p>")
    assert seen == [False, False] and gc.isenabled()
    monkeypatch.setattr(weasyprint.HTML, "write_pdf", recording)
    gc.disable()
    try:
        write_pdf("<p>Item 1</p>")
        assert not gc.isenabled()
    finally:
        gc.enable()


def _collector_on() -> bool:
    import gc

    return gc.isenabled()


def test_print_workers_free_their_garbage_every_few_documents(monkeypatch) -> None:
    """A set's pool workers run with the cycle collector off and collect every
    PRINTS_PER_COLLECTION documents (files._printed_in_worker); the main process is left as
    it is, whatever it prints."""
    import gc

    monkeypatch.setattr(files, "workers", lambda: 2)
    with files._executor(2) as pool:
        assert pool.submit(_collector_on).result() is False
    assert gc.isenabled()

    collections: list[int] = []
    monkeypatch.setattr(gc, "collect", lambda *args: collections.append(1) or 0)
    files._printed_in_worker()  # the main process: never collects here
    assert collections == []
    monkeypatch.setitem(files._worker, "on", True)
    monkeypatch.setitem(files._worker, "printed", 0)
    for _ in range(2 * files.PRINTS_PER_COLLECTION + 1):
        files._printed_in_worker()
    assert len(collections) == 2
    assert files._worker["printed"] == 1
