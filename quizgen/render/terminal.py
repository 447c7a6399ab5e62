"""Question documents as terminal text: aligned exhibit tables, the topology as a tree, item bodies.

Plain functions from a question document to lines of text, shared by the drill, the plain exam and
anything else that prints a question in a terminal. No colour and no cursor tricks here: callers
add emphasis (``click.style``) where the terminal allows it, so ``--plain`` output and screen
readers get exactly these lines.

``boxed=True`` draws tables with box-drawing characters; ``boxed=False`` uses ASCII only.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from typing import Any

Doc = dict[str, Any]

#: How many options a multiple-choice stem asks for, in words (as the exam writes it).
COUNT_WORDS = {2: "two", 3: "three", 4: "four", 5: "five"}

LETTERS = "ABCDEFGHIJ"

_BOX = {"h": "─", "v": "│", "tl": "┌", "tm": "┬", "tr": "┐", "ml": "├", "mm": "┼", "mr": "┤",
        "bl": "└", "bm": "┴", "br": "┘"}  # fmt: skip
_ASCII = {"h": "-", "v": "|", "tl": "+", "tm": "+", "tr": "+", "ml": "+", "mm": "+", "mr": "+",
          "bl": "+", "bm": "+", "br": "+"}  # fmt: skip


def wrap(text: str, width: int, indent: str = "", hanging: str | None = None) -> list[str]:
    """``text`` wrapped to ``width`` columns; ``hanging`` indents the lines after the first."""
    lines = textwrap.wrap(
        text,
        width=max(width, 20),
        initial_indent=indent,
        subsequent_indent=indent if hanging is None else hanging,
        break_on_hyphens=False,
    )
    return lines or [indent.rstrip()]


# --- tables -----------------------------------------------------------------------------------


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


def _fit(natural: list[int], least: list[int], limit: int) -> list[int] | None:
    """Column widths that fit ``limit`` columns of text without breaking a word: the columns
    with the most room to give shrink first. None when even the narrowest layout is too wide."""
    widths = list(natural)
    overhead = 3 * len(widths) + 1
    while sum(widths) + overhead > limit:
        slack = [w - m for w, m in zip(widths, least, strict=True)]
        roomiest = max(range(len(widths)), key=lambda i: slack[i])
        if slack[roomiest] <= 0:
            return None
        widths[roomiest] -= 1
    return widths


def table_lines(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], width: int = 100, boxed: bool = True
) -> list[str]:
    """A table with aligned columns; long cells wrap inside their column to fit ``width``.

    Words are never broken. A table too wide for that (many long names) is shown as records,
    one block per row with each value labelled by its column, which also reads well aloud.
    """
    box = _BOX if boxed else _ASCII
    head = [str(c) for c in columns]
    body = [["-" if v is None else str(v) for v in row] for row in rows]
    natural = [max([len(head[i])] + [len(r[i]) for r in body]) for i in range(len(head))]
    least = [
        max([_longest_word(head[i])] + [_longest_word(r[i]) for r in body])
        for i in range(len(head))
    ]
    widths = _fit(natural, least, width)
    if widths is None:
        return _records(head, body, width)

    def rule(left: str, mid: str, right: str) -> str:
        return left + mid.join(box["h"] * (w + 2) for w in widths) + right

    def row_lines(cells: Sequence[str]) -> list[str]:
        wrapped = [
            textwrap.wrap(c, w, break_on_hyphens=False) or [""]
            for c, w in zip(cells, widths, strict=True)
        ]
        height = max(len(w) for w in wrapped)
        v = box["v"]
        return [
            v
            + v.join(
                f" {(col[k] if k < len(col) else ''):<{w}} "
                for col, w in zip(wrapped, widths, strict=True)
            )
            + v
            for k in range(height)
        ]

    lines = [rule(box["tl"], box["tm"], box["tr"]), *row_lines(head)]
    lines.append(rule(box["ml"], box["mm"], box["mr"]))
    for row in body:
        lines += row_lines(row)
    lines.append(rule(box["bl"], box["bm"], box["br"]))
    return lines


def _records(head: list[str], body: list[list[str]], width: int) -> list[str]:
    """Each row as a block: its first cell, then "Column: value" lines."""
    lines: list[str] = []
    for row in body:
        lines += wrap(f"{head[0]}: {row[0]}", width, "  ", "      ")
        for name, value in zip(head[1:], row[1:], strict=True):
            lines += wrap(f"{name}: {value}", width, "      ", "        ")
    return lines


def exhibit_lines(exhibit: Doc, width: int = 100, boxed: bool = True) -> list[str]:
    """One exhibit: its title, then its table."""
    return [
        f"Exhibit: {exhibit['title']}",
        *table_lines(exhibit["columns"], exhibit["rows"], width, boxed),
    ]


# --- the topology as a tree ---------------------------------------------------------------------


def _tree(label: str, children: list[Any], boxed: bool) -> list[str]:
    """``children`` are (label, children) pairs; drawn like the ``tree`` command."""
    tee, last, pipe = ("├── ", "└── ", "│   ") if boxed else ("|-- ", "`-- ", "|   ")
    lines = [label]
    for n, (child, grandchildren) in enumerate(children):
        end = n == len(children) - 1
        sub = _tree(child, grandchildren, boxed)
        lines.append((last if end else tee) + sub[0])
        lines += [("    " if end else pipe) + s for s in sub[1:]]
    return lines


def _vm_label(vm: Doc) -> str:
    return f"{vm['name']} {vm['ip']}"


def topology_tree(topology: Doc, boxed: bool = True) -> list[str]:
    """The topology's structure as a tree: VNets with subnets and VMs, gateways, peering links and
    on-premises sites.

    Structure only, on purpose: settings (peering flags and states, NSGs, IP forwarding...) are
    what questions ask about, and the exhibits already show exactly the settings a question
    means to show. A peering's state is computed by the evaluator, never read from the file.
    """
    vms = topology.get("vms") or []
    peerings = topology.get("peerings") or []
    vnets = []
    for vnet in topology.get("vnets") or []:
        children: list[Any] = []
        for subnet in vnet.get("subnets") or []:
            hosts = [
                (_vm_label(vm), [])
                for vm in vms
                if vm["vnet"] == vnet["name"] and vm["subnet"] == subnet["name"]
            ]
            children.append((f"subnet {subnet['name']} {subnet['prefix']}", hosts))
        gateway = vnet.get("gateway")
        if gateway:
            kind = "ExpressRoute" if gateway.get("type") == "expressroute" else "VPN"
            sites = ", ".join(gateway.get("connections") or []) or "no connections"
            children.append((f"gateway {gateway['name']} ({kind}) -> {sites}", []))
        children += [
            (f"peering {p['name']} -> {p['to']}", []) for p in peerings if p["from"] == vnet["name"]
        ]
        space = ", ".join(vnet.get("address_space") or [])
        vnets.append((f"{vnet['name']} ({vnet.get('region', '-')}) {space}", children))
    sites = [
        (f"{site['name']} {', '.join(site.get('address_space') or [])}", [])
        for site in topology.get("onprem") or []
    ]
    lines = _tree("Azure virtual networks", vnets, boxed)
    if sites:
        lines += _tree("On-premises", sites, boxed)
    return lines


# --- item bodies ------------------------------------------------------------------------------


def instruction(doc: Doc) -> str:
    """What the learner is asked to do, in exam wording."""
    kind = doc["item_type"]
    if kind == "multi-choice":
        n = doc.get("select", 2)
        words = COUNT_WORDS.get(n, str(n))
        return f"Select {words} answers. Each correct selection is worth one point."
    return {
        "single-choice": "Select one answer.",
        "fix-it": "Select one answer.",
        "yes-no-series": "For each statement, answer Yes or No.",
        "hotspot": "Select the appropriate option for each blank.",
        "ordering": "Arrange the steps in the correct order.",
        "case-study": "Answer each question of the case study.",
    }[kind]


def body_lines(doc: Doc, width: int = 100, boxed: bool = True) -> list[str]:
    """The answerable part of an item: options, statements, blanks or steps, numbered for input."""
    kind = doc["item_type"]
    lines: list[str] = []
    if kind in ("single-choice", "fix-it", "multi-choice"):
        box = ("☐ " if boxed else "[ ] ") if kind == "multi-choice" else ""
        for option in doc["options"]:
            lead = f"  {box}{option['key']}) "
            lines += wrap(option["text"], width, lead, " " * len(lead))
    elif kind == "yes-no-series":
        for n, statement in enumerate(doc["statements"], start=1):
            lead = f"  {n}. "
            lines += wrap(f"{statement['text']}  (Yes / No)", width, lead, " " * len(lead))
    elif kind == "hotspot":
        arrow = "▾" if boxed else "v"
        for n, blank in enumerate(doc["blanks"], start=1):
            lines += wrap(f"{blank['prompt']}: [{arrow}]", width, f"  {n}. ", "     ")
            for c, choice in enumerate(blank["choices"], start=1):
                lines.append(f"       {c}) {choice}")
    elif kind == "ordering":
        for n, step in enumerate(doc["ordering"]["steps"], start=1):
            lead = f"  {n}. "
            lines += wrap(step, width, lead, " " * len(lead))
    return lines


def question_lines(
    doc: Doc,
    number: int | str | None = None,
    *,
    width: int = 100,
    boxed: bool = True,
    exhibits: bool = True,
    tree: bool = False,
) -> list[str]:
    """A whole item as it appears on screen: heading, stem, exhibits, body and instruction.

    Case studies show their scenario (stem, exhibits); their questions are shown one by one with
    ``question_lines(sub, ...)`` by the caller, as the exam does.
    """
    heading = f"Question {number}" if number is not None else "Question"
    lines = [f"{heading} · {doc['objective']} · difficulty {doc['difficulty']}", ""]
    lines += wrap(doc["stem"], width)
    if exhibits:
        if tree and doc.get("topology"):
            lines += ["", "Topology (structure only)", *topology_tree(doc["topology"], boxed)]
        for exhibit in doc.get("exhibits") or []:
            lines += ["", *exhibit_lines(exhibit, width, boxed)]
    if doc["item_type"] != "case-study":
        lines += ["", *body_lines(doc, width, boxed), "", instruction(doc)]
    return lines


def explanation_lines(doc: Doc, width: int = 100) -> list[str]:
    """The evaluator's explanation and the rules it rests on."""
    lines: list[str] = []
    for sentence in doc.get("explanation") or []:
        lines += wrap(sentence, width, "  - ", "    ")
    if doc.get("rules"):
        lines += wrap("Rules: " + ", ".join(doc["rules"]), width, "  ", "  ")
    return lines


def letters(count: int) -> str:
    """``A`` to the ``count``-th letter, for prompts."""
    return LETTERS[:count]
