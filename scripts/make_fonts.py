"""Make quizgen's print fonts: small subsets of the system's DejaVu fonts, renamed.

    .venv/bin/python scripts/make_fonts.py [DEJAVU_FOLDER]

writes templates/pdf/fonts/*.ttf and templates/pdf/fonts/LICENSE from the DejaVu 2.37 files in
DEJAVU_FOLDER (default /usr/share/fonts/truetype/dejavu: Debian's fonts-dejavu-core and, for
DejaVu Sans Oblique, fonts-dejavu-extra). Only fontTools is needed (WeasyPrint depends on it).

Why: WeasyPrint subsets every font a PDF uses, and a font of 6,000 glyphs costs it several tenths
of a second per PDF; the same font cut to the characters quizgen prints costs a fraction of that,
and the PDFs no longer depend on which fonts a machine has. What is kept (CHARACTERS below) was
chosen from what quizgen prints; tests/test_pdf_fonts.py fails when a question, template or
generated text uses a character these fonts lack, and then this list grows and the script runs
again. The Bitstream Vera licence lets modified fonts be shipped only under names without
"Bitstream" or "Vera": the families are renamed "Quizgen Sans" and "Quizgen Sans Mono" (which
also keeps them apart from the system's DejaVu fonts, the fallback for anything else).

The output depends only on the input files and this script (the fonts keep DejaVu's dates).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "templates" / "pdf" / "fonts"
SOURCE = Path("/usr/share/fonts/truetype/dejavu")

#: DejaVu file -> (new family, style name, file written). These are the faces the print style
#: sheet and the diagrams use: regular, bold and oblique text, regular and bold exhibits.
FACES = {
    "DejaVuSans.ttf": ("Quizgen Sans", "Book", "QuizgenSans.ttf"),
    "DejaVuSans-Bold.ttf": ("Quizgen Sans", "Bold", "QuizgenSans-Bold.ttf"),
    "DejaVuSans-Oblique.ttf": ("Quizgen Sans", "Oblique", "QuizgenSans-Oblique.ttf"),
    "DejaVuSansMono.ttf": ("Quizgen Sans Mono", "Book", "QuizgenSansMono.ttf"),
    "DejaVuSansMono-Bold.ttf": ("Quizgen Sans Mono", "Bold", "QuizgenSansMono-Bold.ttf"),
}

#: The characters kept, as (first, last) code points. quizgen prints ASCII, · (U+00B7) and the
#: exhibits' │ (U+2502); the rest is room for the question bank to grow in Western European
#: text: Latin-1 and Latin Extended-A, typographic punctuation, arrows, box drawing,
#: geometric shapes, check marks and a few mathematical signs.
CHARACTERS = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x0100, 0x017F),  # Latin Extended-A
    (0x2000, 0x206F),  # General Punctuation (dashes, quotes, bullet, ellipsis)
    (0x20AC, 0x20AC),  # euro sign
    (0x2122, 0x2122),  # trade mark sign
    (0x2190, 0x21FF),  # Arrows
    (0x2212, 0x2212),  # minus sign
    (0x2248, 0x2248),  # almost equal to
    (0x2260, 0x2260),  # not equal to
    (0x2264, 0x2265),  # less-than or equal to, greater-than or equal to
    (0x2500, 0x257F),  # Box Drawing
    (0x25A0, 0x25FF),  # Geometric Shapes
    (0x2610, 0x2612),  # ballot boxes
    (0x2713, 0x2718),  # check marks and ballot x
    (0xFFFD, 0xFFFD),  # replacement character
)

#: Name table entries rewritten; the copyright (0), manufacturer (8), vendor URL (11) and
#: licence (13, 14) stay as DejaVu has them, as the licence asks.
DESCRIPTION = (
    "{family} is a subset of {dejavu} {version} (the characters quizgen prints), renamed as "
    "its licence asks of modified fonts; made by quizgen's scripts/make_fonts.py."
)


def code_points() -> list[int]:
    return [n for first, last in CHARACTERS for n in range(first, last + 1)]


def make(source: Path, family: str, style: str) -> TTFont:
    font = TTFont(source, recalcTimestamp=False)
    dejavu = font["name"].getDebugName(1)
    version = font["name"].getDebugName(5).removeprefix("Version ")
    options = subset.Options()
    options.hinting = False  # WeasyPrint drops hinting from what it embeds anyway
    options.drop_tables += ["FFTM", "MATH"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 8, 11, 13, 14]
    options.name_languages = [0x409]
    options.name_legacy = False  # Windows names only
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=code_points())
    subsetter.subset(font)
    full = family if style == "Book" else f"{family} {style}"
    postscript = family.replace(" ", "") + ("" if style == "Book" else f"-{style}")
    names = font["name"]
    for name_id, text in (
        (1, family),
        (2, style),
        (3, f"{full}; {version}; quizgen subset"),
        (4, full),
        (5, f"Version {version}; quizgen subset"),
        (6, postscript),
        (10, DESCRIPTION.format(family=family, dejavu=dejavu, version=version)),
    ):
        names.setName(text, name_id, 3, 1, 0x409)
    for name_id in (16, 17):
        names.removeNames(nameID=name_id)
    for record in names.names:
        if record.nameID not in (0, 13):
            text = record.toUnicode()
            assert "Bitstream" not in text and "Vera" not in text, (record.nameID, text)
    return font


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else SOURCE
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (family, style, target) in FACES.items():
        font = make(source / name, family, style)
        font.save(OUT / target)
        kept = len(font.getGlyphOrder())
        size = (OUT / target).stat().st_size
        print(f"{target}: {kept} glyphs, {size / 1024:.1f} KiB (from {name})")
    # The licence: DejaVu's LICENSE file, which DejaVu Sans carries in its name table.
    licence = TTFont(source / "DejaVuSans.ttf")["name"].getDebugName(13)
    (OUT / "LICENSE").write_text(licence.rstrip() + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
