"""Diagrams embedded in the exports: one SVG file per item whose network can be drawn.

The drawing comes from ``quizgen.render.diagram`` (``topology_svg(topology, view=...)``), always
given the question's view so that a diagram never shows more than the question's exhibits. Until
that module is installed, ``diagram`` returns None and every format exports without images: this
is the one place to change when it lands.
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass

from quizgen.export.common import Item, slug


@dataclass(frozen=True, slots=True)
class Media:
    """A file to embed: its name inside the package and its bytes."""

    name: str
    data: bytes
    mime: str = "image/svg+xml"


def diagram(item: Item) -> Media | None:
    """The item's network diagram as an SVG file, or None when no drawing is available."""
    try:
        drawing = importlib.import_module("quizgen.render.diagram")
    except ModuleNotFoundError as error:
        if error.name != "quizgen.render.diagram":
            raise
        return None
    context = item.context
    svg = drawing.topology_svg(context["topology"], view=drawing.question_view(context))
    if not svg:
        return None
    data = svg.encode("utf-8")
    return Media(name=file_name(item, data), data=data)


def file_name(item: Item, data: bytes) -> str:
    """A name that is safe in every package (letters, digits, dashes) and unique per item and
    drawing, so that re-exports of the same question reuse the same file in Anki's media."""
    digest = hashlib.sha256(data).hexdigest()[:10]
    return f"quizgen-{slug(item.context['id'])}-{digest}.svg"
