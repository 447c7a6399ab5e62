"""Text that fits: conservative widths of sans-serif text, and wrapping to a width.

Diagrams are drawn before any font is loaded, so widths are estimated from DejaVu Sans, whose
glyphs the diagrams print in (Quizgen Sans, quizgen's subset of it); it is also the widest of
the usual sans-serif faces, so a character printed in another font comes out narrower. Bold is
taken 12 % wider, and 4 % more is added for rounding in the renderer.
"""

from __future__ import annotations

#: Advance widths in em of DejaVu Sans, by character; anything else counts as WIDE.
_WIDTHS: dict[str, float] = {
    **dict.fromkeys("il.,:;'|!", 0.28),
    **dict.fromkeys("fjt ", 0.36),
    **dict.fromkeys("-/()[]r", 0.42),
    **dict.fromkeys("Iscz", 0.55),
    **dict.fromkeys("abdeghknopquvxy0123456789_*=?+<>", 0.64),
    **dict.fromkeys("mwMW@%", 1.0),
}
_WIDE = 0.76
_BOLD = 1.12
_SLACK = 1.0


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of ``text`` at font ``size``, rather too wide than too narrow."""
    em = sum(_WIDTHS.get(ch, _WIDE) for ch in text)
    return em * size * (_BOLD if bold else 1.0) * _SLACK


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` broken into lines no wider than ``width``; joined, they give ``text`` back.

    Lines break after a space, hyphen, comma or slash where possible (names such as
    vnet-marketing-prod-cus break at their hyphens), else anywhere. A space at a break stays at
    the end of its line (a renderer does not show it).
    """
    lines: list[str] = []
    rest = text
    while rest:
        if text_width(rest.rstrip(), size, bold) <= width:
            lines.append(rest)
            break
        fit = _longest_fit(rest, width, size, bold)
        cut = max((i + 1 for i, ch in enumerate(rest[:fit]) if ch in " -,/"), default=0)
        cut = cut if cut > fit // 3 else fit
        lines.append(rest[:cut])
        rest = rest[cut:]
    return lines or [""]


def _longest_fit(text: str, width: float, size: float, bold: bool) -> int:
    """How many leading characters of ``text`` fit in ``width`` (at least one)."""
    total = 0.0
    for n, ch in enumerate(text):
        total += _WIDTHS.get(ch, _WIDE) * size * (_BOLD if bold else 1.0) * _SLACK
        if total > width:
            return max(n, 1)
    return len(text)
