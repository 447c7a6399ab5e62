"""SVG text drawn a line at a time, not a letter at a time (WeasyPrint 70).

WeasyPrint's SVG ``<text>`` drawing (``weasyprint/svg/text.py``) lays out and draws every
character on its own, through Pango, so that per-character ``x``/``dy``/``rotate`` lists,
``letter-spacing`` and ``textLength`` can move each one. quizgen's diagrams use none of these:
a text element is a single line at one position. For such a run the result of laying out the
whole string at once is the same line of text (shaped by Pango as a whole, so with the font's
kerning, as any other text on the page), at a fraction of the cost: drawing the diagrams of a
40-item exam version took a quarter of its printing time before.

:func:`install` puts :func:`draw_text` in front of WeasyPrint's own function; any text element
that uses a feature the quick way does not handle (the attributes in :data:`PER_GLYPH`, several
values in ``x`` or ``y``, vertical alignment, a direction, an empty run) goes to WeasyPrint's
function unchanged. The change is the one proposed upstream in Kozea/WeasyPrint pull request
#2754 ("keep simple text chunks shaped as a whole"). It is installed only on the WeasyPrint
versions it was written and tested against (:data:`TESTED`); on any other, WeasyPrint draws as
it always did, slower but the same.

Nothing here imports WeasyPrint at import time: :func:`install` is given the module.
"""

from __future__ import annotations

import sys
from math import inf
from typing import Any

#: Major versions of WeasyPrint whose SVG text drawing this module replaces.
TESTED = ("70",)
#: Attributes that move or stretch single characters: such text is drawn by WeasyPrint itself.
PER_GLYPH = ("dx", "dy", "rotate", "letter-spacing", "textLength", "lengthAdjust")
#: Attributes that shift a line vertically or change its direction: left to WeasyPrint too.
OTHER = ("display-anchor", "dominant-baseline", "alignment-baseline", "direction")

_original: Any = None


def supported(version: str) -> bool:
    return version.split(".")[0] in TESTED


def install(weasyprint: Any) -> bool:
    """Draw simple SVG text runs whole; True when installed (now or before)."""
    global _original
    if not supported(weasyprint.__version__):
        return False
    from importlib import import_module

    package = import_module("weasyprint.svg")  # draws an SVG node by its tag name
    module = import_module("weasyprint.svg.text")
    if _original is None:
        _original = module.text
    # draw_node() finds text elements by comparing TAGS entries with the package's ``text``.
    for tag, function in list(package.TAGS.items()):
        if function is _original:
            package.TAGS[tag] = draw_text
    package.text = draw_text
    return True


def uninstall() -> None:
    """WeasyPrint's own SVG text drawing again (tests compare the two)."""
    if _original is None:
        return
    package = sys.modules["weasyprint.svg"]
    for tag, function in list(package.TAGS.items()):
        if function is draw_text:
            package.TAGS[tag] = _original
    package.text = _original


def installed() -> bool:
    svg = sys.modules.get("weasyprint.svg")
    return svg is not None and getattr(svg, "text", None) is draw_text


def _single(node: Any, name: str) -> bool:
    value = node.attrib.get(name)
    return value is None or len(value.replace(",", " ").split()) == 1


def whole(node: Any) -> bool:
    """Whether a text node is one run at one position, drawn the same whole or letter by letter."""
    attributes = node.attrib
    return (
        bool(node.text)
        and not any(name in attributes for name in PER_GLYPH + OTHER)
        and _single(node, "x")
        and _single(node, "y")
    )


def draw_text(svg: Any, node: Any, font_size: float) -> None:
    """Draw a text node: whole when :func:`whole` says so, else as WeasyPrint does."""
    if not whole(node):
        return _original(svg, node, font_size)

    from weasyprint.draw.text import draw_emojis, draw_first_line
    from weasyprint.matrix import Matrix
    from weasyprint.svg.bounding_box import extend_bounding_box
    from weasyprint.svg.utils import size
    from weasyprint.text.line_break import split_first_line

    module = sys.modules["weasyprint.svg.text"]
    style = _style(module, svg, node, font_size)
    layout, _, _, width, height, baseline = split_first_line(node.text, style, svg.context, inf, 0)

    # Position as WeasyPrint's letter loop places the first letter (a zero x or y leaves the
    # shift from an earlier dx or dy, as there); the run advances the cursor.
    x = y = None
    if "x" in node.attrib:
        x = size(node.attrib["x"], font_size, svg.inner_width)
        if x:
            svg.cursor_d_position[0] = 0
    if "y" in node.attrib:
        y = size(node.attrib["y"], font_size, svg.inner_height)
        if y:
            svg.cursor_d_position[1] = 0
    x = svg.cursor_position[0] if x is None else x
    y = svg.cursor_position[1] if y is None else y
    svg.cursor_position = x + width, y
    x_position = x + svg.cursor_d_position[0]
    y_position = y + svg.cursor_d_position[1]
    top = y_position - baseline
    points = ((x_position, top), (x_position + width, top + height))
    node.text_bounding_box = extend_bounding_box(node.text_bounding_box, points)

    svg.stream.push_state()
    fill, stroke = svg.set_graphical_state(node, font_size)
    svg.stream.begin_text()
    layout.reactivate(style)
    svg.fill_stroke(fill, stroke, text=True)
    box = module.TextBox(layout, style)
    box.baseline = baseline
    matrix = Matrix(a=1, d=-1, e=x_position, f=y_position)
    emojis = draw_first_line(svg.stream, box, "none", "none", matrix)
    svg.stream.end_text()
    svg.stream.pop_state()
    draw_emojis(svg.stream, style, x, y, emojis)
    return None


def _style(module: Any, svg: Any, node: Any, font_size: float) -> Any:
    """The text style WeasyPrint's own function builds for a node (same fields, same rules)."""
    from weasyprint.css.properties import INITIAL_VALUES

    style = module.Style()
    style.update(INITIAL_VALUES)
    style.font_config = svg.font_config
    style["font_family"] = [
        font.strip("\"'") for font in node.get("font-family", "sans-serif").split(",")
    ]
    style["font_style"] = node.get("font-style", "normal")
    weight = node.get("font-weight", 400)
    if weight == "normal":
        weight = 400
    elif weight == "bold":
        weight = 700
    else:
        try:
            weight = int(weight)
        except ValueError:
            weight = 400
    style["font_weight"] = weight
    style["font_size"] = font_size
    return style
