"""Diagrams embedded in the exports: one SVG file per item whose network can be drawn.

The drawing comes from ``quizgen.render.diagram.question_svg``, which draws only what the
question's exhibits show (so a diagram never gives a key away) and returns None when the
exhibits show no virtual network.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from quizgen.export.common import Item, slug
from quizgen.render.diagram import question_svg


@dataclass(frozen=True, slots=True)
class Media:
    """A file to embed: its name inside the package and its bytes."""

    name: str
    data: bytes
    mime: str = "image/svg+xml"


def diagram(item: Item) -> Media | None:
    """The item's network diagram as an SVG file, or None when no drawing is available."""
    svg = question_svg(item.context)
    if svg is None:
        return None
    data = svg.encode("utf-8")
    return Media(name=file_name(item, data), data=data)


def file_name(item: Item, data: bytes) -> str:
    """A name that is safe in every package (letters, digits, dashes) and unique per item and
    drawing, so that re-exports of the same question reuse the same file in Anki's media."""
    digest = hashlib.sha256(data).hexdigest()[:10]
    return f"quizgen-{slug(item.context['id'])}-{digest}.svg"
