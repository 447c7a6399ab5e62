"""Question documents laid out for paper: the views the PDF templates (templates/pdf/) show.

Every presentation decision is made here, in plain Python: the instruction of each item type,
the letters of options, steps and hotspot choices, the number of a case study's questions
(12.1, 12.2...), what a key says, and the rows of the answer grid with the marks a key fills in.
The templates only loop over these views. Text is left as text: the templates escape it.

A key is read from the printed document (``grading.key``), never from a stored letter.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from quizgen.drill.grading import key as response_key
from quizgen.render import ITEM_TITLES
from quizgen.render.diagram import question_view, topology_svg

Doc = dict[str, Any]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
COUNT_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}

INSTRUCTIONS = {
    "single-choice": "Select one answer.",
    "fix-it": "Select one answer.",
    "yes-no-series": "Mark Yes or No for each statement.",
    "hotspot": "Complete each statement: mark one choice for each blank.",
    "ordering": "Number the steps in the order in which they happen (1 = first).",
    "case-study": "Use the scenario and its exhibits to answer the questions that follow.",
}


def instruction(doc: Doc) -> str:
    if doc["item_type"] == "multi-choice":
        n = int(doc.get("select", 2))
        return f"Select {COUNT_WORDS.get(n, str(n))}. Each correct selection is worth one point."
    return INSTRUCTIONS[doc["item_type"]]


def points(doc: Doc) -> int:
    from quizgen.drill.grading import points as parts

    return parts(doc)


def diagram_svg(doc: Doc, width: int = 680) -> str | None:
    """The question's topology diagram, showing no more than the question's exhibits (none
    when the exhibits show no VNet)."""
    if not doc.get("topology"):
        return None
    view = question_view(doc)
    if not view.vnets:
        return None
    svg = topology_svg(doc["topology"], view=view, width=width)
    return svg if svg.strip() else None


def diagram(doc: Doc, width: int = 680) -> Markup | None:
    """The question's diagram as the page shows it: an image of its SVG (see svg_image)."""
    svg = diagram_svg(doc, width)
    return None if svg is None else svg_image(svg, _svg_height_mm(svg, diagram_room(doc)))


def svg_image(svg: str, height_mm: float | None = None) -> Markup:
    """An ``<img>`` of an SVG that quizgen drew, in a data URL that quizgen.render.pdf serves,
    at most ``height_mm`` tall when given (else as the style sheet says).
    WeasyPrint reads an image's SVG straight into a tree; an inline ``<svg>`` would go through
    the HTML parser and the style cascade element by element, a seventh of a version's time."""
    from base64 import b64encode

    from quizgen.render.pdf import SVG_DATA

    data = b64encode(svg.encode()).decode()
    if height_mm is None:
        return Markup('<img src="{}{}" alt="">').format(SVG_DATA, data)
    style = f"max-height: {height_mm:g}mm"
    return Markup('<img src="{}{}" style="{}" alt="">').format(SVG_DATA, data, style)


#: How many characters of item text (9.5 pt) a line of the page holds, and the height in mm of
#: what fits on one page once the header and footer are out (Letter, the shorter of the two).
TEXT_CHARS = 100
PAGE_MM = 235.0
#: Exhibits print in 7 pt Quizgen Sans Mono (DejaVu Sans Mono's glyphs), whose characters are
#: 1233/2048 em wide (1.4867 mm): the 180 mm line of an A4 page (and the wider Letter one) holds
#: 121; one is kept spare.
LINE_CHARS = 120
EXHIBIT_CHAR_PT = 7 * 1233 / 2048
#: The height in mm of a line of exhibit text (line-height: normal, 1.164 em of 7 pt) and of
#: the rule under each row.
EXHIBIT_LINE_MM = 2.875
EXHIBIT_RULE_MM = 0.18
#: Longer words than this may break (at a hyphen where they have one) rather than widen their
#: column.
LONGEST_UNBROKEN = 18


def _words(text: str) -> list[str]:
    return text.split() or [""]


def _column_widths(columns: list[str], rows: list[list[str]]) -> list[int]:
    """Characters of each column: at least its longest word (up to LONGEST_UNBROKEN), and the
    room left to the columns with the longest text."""
    least, natural = [], []
    for i, column in enumerate(columns):
        cells = [row[i] for row in rows]
        word = max(len(w) for cell in [column, *cells] for w in _words(cell))
        least.append(min(word, LONGEST_UNBROKEN))
        natural.append(max([least[-1], len(column) // 2 + 1, *(len(c) for c in cells)]))
    room = LINE_CHARS - (3 * len(columns) - 1)  # " │ " between cells, a space at each end
    if sum(least) > room:  # too many columns for their words: every word may break
        return [max(3, m * room // sum(least)) for m in least]
    if sum(natural) <= room:
        return natural
    widths = list(least)
    extra = [n - m for n, m in zip(natural, least, strict=True)]
    spare = room - sum(least)
    for i, e in enumerate(extra):
        widths[i] += spare * e // sum(extra)
    return widths


def _cell_lines(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=True) or [""]


def _row_lines(cells: list[str], widths: list[int]) -> list[list[str]]:
    """A table row as lines, each a list of its cells' text padded to their column's width."""
    wrapped = [_cell_lines(c, w) for c, w in zip(cells, widths, strict=True)]
    height = max(len(lines) for lines in wrapped)
    padded = [lines + [""] * (height - len(lines)) for lines in wrapped]
    return [[p[k].ljust(w) for p, w in zip(padded, widths, strict=True)] for k in range(height)]


def exhibit_view(exhibit: Doc) -> Doc:
    """An exhibit table as lines of monospaced text with its columns aligned (an HTML table
    costs WeasyPrint a laid out box per cell: several times slower to print). The cells are
    separated by box-drawing rules; the template rules off each row and both sides."""
    columns = [str(c) for c in exhibit["columns"]]
    rows = [["-" if v is None or v == "" else str(v) for v in row] for row in exhibit["rows"]]
    widths = _column_widths(columns, rows)
    head, *body = ["\n".join(f" {' │ '.join(line)} " for line in _row_lines(row, widths))
                   for row in [columns, *rows]]  # fmt: skip
    lines = sum(row.count("\n") + 1 for row in [head, *body])
    return {
        "title": exhibit["title"],
        "width_pt": round((sum(widths) + 3 * len(widths) - 1) * EXHIBIT_CHAR_PT, 2),
        "head": head,
        "rows": body,
        "height_mm": 4.0 + lines * EXHIBIT_LINE_MM + (len(body) + 2) * EXHIBIT_RULE_MM,
    }


def _lines(text: str, chars: float) -> int:
    return max(1, -(-len(text) // max(int(chars), 1)))


#: A diagram prints at its own size (165 mm wide, templates/pdf/print.css); a tall one is made
#: smaller, to DIAGRAM_MAX_MM, but never below DIAGRAM_LEAST_SCALE of its size (its words stay
#: readable: a case study's diagram shrunk to 90 mm printed 2-point text), and never taller than
#: the room a page has for it under its item's head and stem (:func:`diagram_room`), at most
#: DIAGRAM_PAGE_MM.
DIAGRAM_MAX_MM = 90.0
DIAGRAM_LEAST_SCALE = 0.8
DIAGRAM_PAGE_MM = 225.0


def _svg_height_mm(svg: str, room_mm: float = DIAGRAM_PAGE_MM, width_mm: float = 165.0) -> float:
    """The printed height of an SVG (see DIAGRAM_MAX_MM): its own height (in mm, or px at 96
    per inch) at ``width_mm`` at most, made smaller within those limits, at most ``room_mm``."""
    import re

    found = re.search(r'<svg[^>]*?\swidth="([\d.]+)(mm|px)?"[^>]*?\sheight="([\d.]+)(mm|px)?"', svg)
    if not found or float(found[1]) <= 0:
        return DIAGRAM_MAX_MM
    to_mm = 1.0 if found[2] == "mm" else 25.4 / 96
    width, height = float(found[1]) * to_mm, float(found[3]) * to_mm
    if width > width_mm:
        height *= width_mm / width
    smaller = max(min(height, DIAGRAM_MAX_MM), DIAGRAM_LEAST_SCALE * height)
    return round(min(smaller, room_mm, DIAGRAM_PAGE_MM), 1)


def diagram_room(doc: Doc) -> float:
    """How tall an item's diagram may print so that it shares a (Letter) page with what comes
    before it: the item's head, a case study's instruction, the stem and the caption. A taller
    one would move to a page of its own and leave the head and stem alone on theirs."""
    above = 8.0 + 4.6 * _lines(doc["stem"], TEXT_CHARS) + 6.0 + 8.0  # head, stem, caption, slack
    if doc["item_type"] == "case-study":
        above += 5.0  # the instruction line before the scenario
    return min(DIAGRAM_PAGE_MM, PAGE_MM - above)


def estimated_height(view: Doc) -> float:
    """Roughly how tall an item prints, in mm: items that cannot fit on one page are allowed
    to break (the others are kept whole, on one page)."""
    mm = 8.0 + 4.6 * _lines(view["stem"], TEXT_CHARS) + 5.0
    mm += sum(e["height_mm"] for e in view["exhibits"])
    if view["diagram"] is not None:
        mm += 6.0 + view["diagram_mm"]
    mm += sum(1.8 + 4.6 * _lines(o["text"], TEXT_CHARS - 12) for o in view["options"])
    mm += sum(3.0 + 4.6 * _lines(s["text"], TEXT_CHARS - 25) for s in view["statements"])
    mm += sum(12.0 + 4.6 * _lines(b["prompt"], TEXT_CHARS) for b in view["blanks"])
    mm += sum(3.0 + 4.6 * _lines(s["text"], TEXT_CHARS - 20) for s in view["steps"])
    return mm


def item_view(doc: Doc, number: str, *, with_diagram: bool = True) -> Doc:
    """What the paper shows of one item (a case study: its scenario, then its questions)."""
    kind = doc["item_type"]
    svg = diagram_svg(doc) if with_diagram else None
    height = None if svg is None else _svg_height_mm(svg, diagram_room(doc))
    view: Doc = {
        "number": number,
        "kind": kind,
        "title": ITEM_TITLES[kind],
        "instruction": instruction(doc),
        "stem": doc["stem"],
        "points": points(doc),
        "exhibits": [exhibit_view(e) for e in doc.get("exhibits", [])],
        "diagram": None if svg is None else svg_image(svg, height),
        "diagram_mm": 0.0 if height is None else height,
        "options": [{"letter": o["key"], "text": o["text"]} for o in doc.get("options", [])],
        "statements": [
            {"number": n, "text": s["text"]}
            for n, s in enumerate(doc.get("statements", []), start=1)
        ],
        "blanks": [
            {
                "number": n,
                "prompt": b["prompt"],
                "choices": [{"letter": LETTERS[i], "text": c} for i, c in enumerate(b["choices"])],
            }
            for n, b in enumerate(doc.get("blanks", []), start=1)
        ],
        "steps": [
            {"letter": LETTERS[i], "text": s}
            for i, s in enumerate((doc.get("ordering") or {}).get("steps", []))
        ],
        "questions": [
            item_view(sub, f"{number}.{n}", with_diagram=False)
            for n, sub in enumerate(doc.get("questions", []), start=1)
        ],
    }
    view["long"] = estimated_height(view) > PAGE_MM
    return view


# -- keys --------------------------------------------------------------------------------------


def key_lines(doc: Doc) -> list[str]:
    """The key of a (printed) document in words, one line per part."""
    kind = doc["item_type"]
    answer = response_key(doc)
    if kind in ("single-choice", "fix-it"):
        option = next(o for o in doc["options"] if o["key"] == answer)
        return [f"{answer}. {option['text']}"]
    if kind == "multi-choice":
        by_key = {o["key"]: o["text"] for o in doc["options"]}
        return [f"{k}. {by_key[k]}" for k in answer]
    if kind == "yes-no-series":
        return [f"{n}. {'Yes' if a else 'No'}" for n, a in enumerate(answer, start=1)]
    if kind == "hotspot":
        return [
            f"Blank {n}: {LETTERS[b['choices'].index(a)]}. {a}"
            for n, (b, a) in enumerate(zip(doc["blanks"], answer, strict=True), start=1)
        ]
    if kind == "ordering":
        steps = doc["ordering"]["steps"]
        return [f"{pos}. {LETTERS[i]}. {steps[i]}" for pos, i in enumerate(answer, start=1)]
    raise ValueError("a case study's key is the keys of its questions")


def key_summary(doc: Doc) -> str:
    """The key in a few characters, as a marker reads it: "B", "A, D", "Y N Y", "C A B",
    "1: C, 2: A" for a hotspot."""
    kind = doc["item_type"]
    answer = response_key(doc)
    if kind in ("single-choice", "fix-it"):
        return answer
    if kind == "multi-choice":
        return ", ".join(answer)
    if kind == "yes-no-series":
        return " ".join("Y" if a else "N" for a in answer)
    if kind == "hotspot":
        return ", ".join(
            f"{n}: {LETTERS[b['choices'].index(a)]}"
            for n, (b, a) in enumerate(zip(doc["blanks"], answer, strict=True), start=1)
        )
    if kind == "ordering":
        return " ".join(LETTERS[i] for i in answer)
    return "; ".join(f"{n}: {key_summary(sub)}" for n, sub in enumerate(doc["questions"], start=1))


def _numbered(line: str, number: str) -> str:
    """A case study's explanation says "Question 2: ..."; on paper that question is 12.2."""
    import re

    return re.sub(r"^Question (\d+): ", lambda m: f"{number}.{m[1]}: ", line)


def key_view(doc: Doc, number: str) -> Doc:
    """An item of the answer key: the answer in words, the explanation, the rules."""
    kind = doc["item_type"]
    view: Doc = {
        "number": number,
        "title": ITEM_TITLES[kind],
        "id": doc.get("id", ""),
        "objective": doc["objective"],
        "difficulty": doc["difficulty"],
        "points": points(doc),
        "explanation": [
            _numbered(line, number)
            for line in doc["explanation"]
            if not line.startswith("Learn more")
        ],
        "learn": [
            line.removeprefix("Learn more: ")
            for line in doc["explanation"]
            if line.startswith("Learn more")
        ],
        "rules": ", ".join(doc["rules"]),
    }
    if kind == "case-study":
        view["summary"] = ""
        view["lines"] = []
        view["questions"] = [
            {
                "number": f"{number}.{n}",
                "title": ITEM_TITLES[sub["item_type"]],
                "summary": key_summary(sub),
                "lines": key_lines(sub),
            }
            for n, sub in enumerate(doc["questions"], start=1)
        ]
    else:
        view["summary"] = key_summary(doc)
        view["lines"] = key_lines(doc)
        view["questions"] = []
    return view


# -- the answer grid -----------------------------------------------------------------------------


def _marks(labels: list[str], filled: set[str], shape: str) -> Doc:
    return {"shape": shape, "marks": [{"text": t, "filled": t in filled} for t in labels]}


def grid_rows(doc: Doc, number: str, filled: bool) -> list[Doc]:
    """The answer grid's rows for one item (a case study: one row per question). With
    ``filled`` the key's marks are filled in: the marking template."""
    kind = doc["item_type"]
    if kind == "case-study":
        return [
            row
            for n, sub in enumerate(doc["questions"], start=1)
            for row in grid_rows(sub, f"{number}.{n}", filled)
        ]
    answer = response_key(doc) if filled else None
    groups: list[Doc] = []
    boxes: list[Doc] = []
    note = ""
    if kind in ("single-choice", "fix-it"):
        letters = [o["key"] for o in doc["options"]]
        groups.append({"label": "", **_marks(letters, {answer} if filled else set(), "circle")})
    elif kind == "multi-choice":
        letters = [o["key"] for o in doc["options"]]
        groups.append({"label": "", **_marks(letters, set(answer or ()), "square")})
        note = f"select {COUNT_WORDS.get(int(doc.get('select', 2)), doc.get('select'))}"
    elif kind == "yes-no-series":
        for n, _ in enumerate(doc["statements"], start=1):
            picked = set()
            if filled:
                picked = {"Y" if answer[n - 1] else "N"}
            groups.append({"label": f"{n}", **_marks(["Y", "N"], picked, "circle")})
    elif kind == "hotspot":
        for n, blank in enumerate(doc["blanks"], start=1):
            letters = [LETTERS[i] for i in range(len(blank["choices"]))]
            picked = set()
            if filled:
                picked = {LETTERS[blank["choices"].index(answer[n - 1])]}
            groups.append({"label": f"{n}", **_marks(letters, picked, "circle")})
    else:  # ordering: a box per step letter for its position (1 = first), as on the item
        count = len(doc["ordering"]["steps"])
        position = {i: p for p, i in enumerate(answer or (), start=1)}
        boxes = [
            {"label": LETTERS[i], "value": str(position[i]) if filled else ""} for i in range(count)
        ]
        note = "1 = first"
    return [
        {
            "number": number,
            "groups": groups,
            "boxes": boxes,
            "note": note,
            "points": points(doc),
        }
    ]
