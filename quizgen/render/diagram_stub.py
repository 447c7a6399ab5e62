"""TEMPORARY stand-in for quizgen/render/diagram.py (branch ``diagram``): delete on merge.

Same names and signatures as the real module, so quizgen/render/paper.py can be written and
tested before the topology diagrams land: ``question_view(doc)`` says what a question's diagram
may show (here: every VNet and peering of its exhibits), ``topology_svg`` draws VNets as boxes
in a row and peerings as lines between them. Every name is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

Doc = dict[str, Any]


@dataclass(frozen=True, slots=True)
class DiagramView:
    """What a diagram may show (the stub shows VNets and peerings only)."""

    peerings: bool = True


def question_view(doc: Doc) -> DiagramView:
    return DiagramView()


def topology_svg(topology: Doc, *, view: DiagramView | None = None, width: int = 680) -> str:
    vnets = topology.get("vnets", [])
    if not vnets:
        return ""
    step = width / len(vnets)
    boxes, lines = [], []
    centre = {}
    for i, vnet in enumerate(vnets):
        x = i * step + 6
        centre[vnet.get("name")] = x + (step - 12) / 2
        space = ", ".join(vnet.get("address_space", []))
        boxes.append(
            f'<rect x="{x:.1f}" y="40" width="{step - 12:.1f}" height="44" fill="white" '
            f'stroke="black" stroke-width="1.2"/>'
            f'<text x="{x + 4:.1f}" y="58" font-size="9">{escape(str(vnet.get("name")))}</text>'
            f'<text x="{x + 4:.1f}" y="74" font-size="8">{escape(space)}</text>'
        )
    if view is None or view.peerings:
        for n, peering in enumerate(topology.get("peerings", [])):
            a, b = centre.get(peering.get("from")), centre.get(peering.get("to"))
            if a is None or b is None or a > b:
                continue
            y = 36 - 4 * (n % 6)
            lines.append(
                f'<path d="M{a:.1f} 40 V{y} H{b:.1f} V40" fill="none" stroke="black" '
                f'stroke-dasharray="3 2"/>'
            )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="92" '
        f'viewBox="0 0 {width} 92">{"".join(lines)}{"".join(boxes)}</svg>'
    )
