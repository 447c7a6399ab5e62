"""Topology diagrams as SVG for printed questions: VNets, subnets, VMs, gateways, sites, peerings.

A diagram never shows more than its question's exhibits: a question asks about what the exhibits
show or hide, so ``question_view(doc)`` reads the exhibits and the drawing shows a fact only when
an exhibit shows it too. Peering states are copied from the "Peerings" exhibit's rows, never
computed; flags, NSG and route table names, gateway SKUs and VM settings appear only where the
exhibits print them; a link, VNet, VM or site that no exhibit lists is not drawn. ``topology_svg``
without a view draws everything in the topology (no states: they are derived, not stored).

The SVG is built with ElementTree, so names are text, escaped, whatever they contain; it refers
to nothing outside itself (no images, links, styles or font files: its text is in the print
font's family, quizgen's own subset of DejaVu Sans that the page loads, or else DejaVu Sans or
any sans-serif face; see FONT_FAMILY).
It reads in black and white: line styles and words carry the meaning, never colour.

``python -m quizgen.render.diagram FILE.yaml > out.svg`` previews a topology file.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from quizgen.render.diagram_layout import MARGIN, EdgeSpec, Layout, NodeSpec, layout
from quizgen.render.textfit import text_width, wrap

Doc = dict[str, Any]
Row = dict[str, str]

#: Peering flag columns as the exhibits title them: topology key, Azure's default, the tag drawn
#: at a line's end when the link differs from the default.
FLAGS: dict[str, tuple[str, bool, str]] = {
    "Allow virtual network access": ("allow_virtual_network_access", True, "no VNet access"),
    "Allow forwarded traffic": ("allow_forwarded_traffic", False, "fwd traffic"),
    "Allow gateway transit": ("allow_gateway_transit", False, "GW transit"),
    "Use remote gateways": ("use_remote_gateways", False, "remote GW"),
}
GATEWAY_TYPES = {"vpn": "VPN", "expressroute": "ExpressRoute"}
DEFAULT_GATEWAY = ("vpn", "VpnGw1")  # the model's defaults, as the exhibits print them

LEGEND_BOTH = "peering: links in both directions"
LEGEND_ONE = "peering: a link in one direction only (arrow: from -> to)"
LEGEND_CONNECTION = "gateway connection to an on-premises network"
LEGEND_ENDS = "a label at a line's end describes the link from the VNet at that end"
LEGEND_FORWARDING = "shaded VM: forwarding settings shown beside it"


def _flag_legend(column: str) -> str:
    _key, default, tag = FLAGS[column]
    return f"{tag} = {column}: {'No' if default else 'Yes'}"


#: Every fixed text a diagram may print (the rest comes from the topology, through the view).
CHROME: tuple[str, ...] = (
    LEGEND_BOTH,
    LEGEND_ONE,
    LEGEND_CONNECTION,
    LEGEND_ENDS,
    LEGEND_FORWARDING,
    *(_flag_legend(c) for c in FLAGS),
)


# --- what a diagram may show --------------------------------------------------------------


@dataclass(frozen=True)
class DiagramView:
    """What a diagram may show. ``None`` in a row map means: everything the topology holds.

    peering_states: link name -> state text as the "Peerings" exhibit shows it; None = no states.
    peering_flags: the flag columns shown (keys of FLAGS).
    peerings: link name -> (from, to) of the links that may be drawn; None = every link.
    vnets / vms / onprem: exhibit rows by name (column -> cell text); a fact about a VNet, VM
        or site is drawn only when its row shows it.
    """

    peering_states: dict[str, str] | None = None
    peering_flags: frozenset[str] = frozenset(FLAGS)
    peerings: Mapping[str, tuple[str, str]] | None = None
    vnets: Mapping[str, Row] | None = None
    vms: Mapping[str, Row] | None = None
    onprem: Mapping[str, Row] | None = None


def question_view(doc: Doc) -> DiagramView:
    """What the diagram of question ``doc`` may show: what its exhibits show, no more."""
    exhibits = {e["title"]: e for e in doc.get("exhibits", [])}
    peerings = _rows(exhibits.get("Peerings"))
    columns = exhibits["Peerings"]["columns"] if "Peerings" in exhibits else []
    return DiagramView(
        peering_states=(
            {name: row["State"] for name, row in peerings.items()} if "State" in columns else None
        ),
        peering_flags=frozenset(c for c in columns if c in FLAGS),
        peerings={name: (row.get("From", ""), row.get("To", "")) for name, row in peerings.items()},
        vnets=_rows(exhibits.get("Virtual networks")),
        vms=_rows(exhibits.get("Virtual machines")),
        onprem=_rows(exhibits.get("On-premises networks")),
    )


def _rows(exhibit: Doc | None) -> dict[str, Row]:
    if exhibit is None or "Name" not in exhibit["columns"]:
        return {}
    columns = [str(c) for c in exhibit["columns"]]
    rows = [dict(zip(columns, map(str, r), strict=False)) for r in exhibit["rows"]]
    return {row["Name"]: row for row in rows}


def _mentions(cell: str, phrase: str) -> bool:
    """``phrase`` appears in ``cell`` as a whole item (bounded by punctuation, spaces or ends)."""
    start = cell.find(phrase)
    while start >= 0:
        end = start + len(phrase)
        if (start == 0 or cell[start - 1] in " (;,") and (end == len(cell) or cell[end] in ",;)"):
            return True
        start = cell.find(phrase, start + 1)
    return False


# --- the content: what is drawn, decided by the view --------------------------------------


@dataclass(frozen=True)
class VmItem:
    name: str
    ip: str | None
    notes: tuple[str, ...]
    forwards: bool


@dataclass(frozen=True)
class SubnetItem:
    name: str
    prefix: str | None
    notes: tuple[str, ...]
    vms: tuple[VmItem, ...]


@dataclass(frozen=True)
class GatewayItem:
    name: str
    details: tuple[str, ...]  # type, SKU: what the exhibit shows


@dataclass(frozen=True)
class VNetItem:
    name: str
    region: str | None
    address_space: str | None
    subnets: tuple[SubnetItem, ...]
    gateway: GatewayItem | None


@dataclass(frozen=True)
class SiteItem:
    name: str
    address_space: str | None


@dataclass(frozen=True)
class PeeringItem:
    """One line: the link a -> b, and b -> a when ``both``; each end's label lines."""

    a: str
    b: str
    both: bool
    links: tuple[str, ...]  # link names, a -> b first
    end_a: tuple[str, ...]
    end_b: tuple[str, ...]


@dataclass(frozen=True)
class Diagram:
    vnets: tuple[VNetItem, ...]
    sites: tuple[SiteItem, ...]
    peerings: tuple[PeeringItem, ...]
    connections: tuple[tuple[str, str], ...]  # (VNet, site)
    tags: tuple[str, ...] = field(default=())  # flag columns whose tags appear


def diagram(topology: Doc, view: DiagramView | None = None) -> Diagram:
    """What to draw of ``topology`` under ``view`` (everything when None)."""
    view = view or DiagramView()
    vnets = tuple(
        _vnet(v, topology, view)
        for v in topology.get("vnets", [])
        if view.vnets is None or v["name"] in view.vnets
    )
    drawn = {v.name for v in vnets}
    connections = []
    for v in topology.get("vnets", []):
        if v["name"] in drawn and _gateway(v, view) is not None:
            row = (view.vnets or {}).get(v["name"], {})
            for site in v["gateway"].get("connections", []):
                if view.vnets is None or _mentions(row.get("Gateway", ""), site):
                    connections.append((v["name"], site))
    connected = {s for _, s in connections}
    sites = tuple(
        SiteItem(o["name"], _onprem_space(o, view))
        for o in topology.get("onprem", [])
        if view.onprem is None or o["name"] in view.onprem or o["name"] in connected
    )
    names = {s.name for s in sites}
    peerings, tags = _peerings(topology, view, drawn)
    return Diagram(
        vnets,
        sites,
        peerings,
        tuple(c for c in connections if c[1] in names),
        tags,
    )


def _vnet(v: Doc, topology: Doc, view: DiagramView) -> VNetItem:
    row = None if view.vnets is None else view.vnets[v["name"]]
    space = ", ".join(v.get("address_space", []))
    return VNetItem(
        v["name"],
        v.get("region") if row is None or row.get("Region") == v.get("region") else None,
        space if row is None or row.get("Address space") == space else None,
        tuple(
            s
            for s in (_subnet(v, sub, topology, view, row) for sub in v.get("subnets", []))
            if s is not None
        ),
        _gateway(v, view),
    )


def _subnet(
    v: Doc, sub: Doc, topology: Doc, view: DiagramView, row: Row | None
) -> SubnetItem | None:
    notes = [f"NSG {sub['nsg']}" if sub.get("nsg") else ""]
    notes.append(f"route table {sub['route_table']}" if sub.get("route_table") else "")
    if row is None:
        shown = [n for n in notes if n]
        prefix = sub.get("prefix")
    else:
        segment = next(
            (s for s in row.get("Subnets", "").split("; ") if s.startswith(f"{sub['name']} (")),
            None,
        )
        if segment is None:
            return None
        shown = [n for n in notes if n and _mentions(segment, n)]
        prefix = sub.get("prefix") if _mentions(segment, str(sub.get("prefix"))) else None
    vms = tuple(
        item
        for vm in topology.get("vms", [])
        if vm.get("vnet") == v["name"] and vm.get("subnet") == sub["name"]
        for item in [_vm(vm, view)]
        if item is not None
    )
    return SubnetItem(sub["name"], prefix, tuple(shown), vms)


def _gateway(v: Doc, view: DiagramView) -> GatewayItem | None:
    g = v.get("gateway")
    if not g:
        return None
    kind = GATEWAY_TYPES.get(str(g.get("type", DEFAULT_GATEWAY[0])).lower(), str(g.get("type")))
    sku = str(g.get("sku", DEFAULT_GATEWAY[1]))
    if view.vnets is None:
        return GatewayItem(g["name"], (kind, sku))
    cell = view.vnets[v["name"]].get("Gateway", "")
    if not (cell.startswith(f"{g['name']} (") or cell == g["name"]):
        return None
    inside = cell[len(g["name"]) :]
    details = tuple(d for d in (kind, sku) if _mentions(inside.lower(), d.lower()))
    return GatewayItem(g["name"], details)


def vm_settings(vm: Doc) -> list[str]:
    """A VM's notable settings, worded as the "Virtual machines" exhibit words them."""
    return [
        text
        for flag, text in (
            (vm.get("ip_forwarding"), "IP forwarding"),
            (vm.get("appliance"), "forwards in the OS"),
            (vm.get("power_state") == "stopped", "stopped"),
            (vm.get("public_ip"), f"public IP {vm.get('public_ip')}"),
        )
        if flag
    ]


def _vm(vm: Doc, view: DiagramView) -> VmItem | None:
    forwarding = {"IP forwarding", "forwards in the OS"}
    if view.vms is None:
        notes = ([f"NIC NSG {vm['nsg']}"] if vm.get("nsg") else []) + vm_settings(vm)
        return VmItem(vm["name"], vm.get("ip"), tuple(notes), bool(forwarding & set(notes)))
    row = view.vms.get(vm["name"])
    if row is None or (row.get("Virtual network"), row.get("Subnet")) != (
        vm.get("vnet"),
        vm.get("subnet"),
    ):
        return None
    notes = []
    if vm.get("nsg") and row.get("NIC NSG") == vm["nsg"]:
        notes.append(f"NIC NSG {vm['nsg']}")
    if vm.get("public_ip") and row.get("Public IP") == vm["public_ip"]:
        notes.append(f"public IP {vm['public_ip']}")
    settings = row.get("Settings", "")
    notes += [s for s in vm_settings(vm) if s not in notes and _mentions(settings, s)]
    ip = vm.get("ip") if row.get("Private IP") == vm.get("ip") else None
    return VmItem(vm["name"], ip, tuple(notes), bool(forwarding & set(notes)))


def _onprem_space(site: Doc, view: DiagramView) -> str | None:
    space = ", ".join(site.get("address_space", []))
    if view.onprem is None:
        return space
    row = view.onprem.get(site["name"])
    return space if row is not None and row.get("Address space") == space else None


def _peerings(
    topology: Doc, view: DiagramView, drawn: set[str]
) -> tuple[tuple[PeeringItem, ...], tuple[str, ...]]:
    links = [
        p
        for p in topology.get("peerings", [])
        if p.get("from") in drawn
        and p.get("to") in drawn
        and (view.peerings is None or view.peerings.get(p["name"]) == (p["from"], p["to"]))
    ]
    used_tags: set[str] = set()

    def end(link: Doc) -> tuple[str, ...]:
        lines = []
        if view.peering_states is not None and link["name"] in view.peering_states:
            lines.append(view.peering_states[link["name"]])
        tags = []
        for column in FLAGS:
            key, default, tag = FLAGS[column]
            if column in view.peering_flags and bool(link.get(key, default)) != default:
                tags.append(tag)
                used_tags.add(column)
        return (*lines, *([", ".join(tags)] if tags else []))

    items, done = [], set()
    for link in links:
        if link["name"] in done:
            continue
        back = next(
            (
                p
                for p in links
                if (p["from"], p["to"]) == (link["to"], link["from"]) and p["name"] not in done
            ),
            None,
        )
        done |= {link["name"], *([back["name"]] if back else [])}
        if any({i.a, i.b} == {link["from"], link["to"]} for i in items):
            continue  # a second link the same way: the exhibit lists it, one line shows the pair
        items.append(
            PeeringItem(
                link["from"],
                link["to"],
                back is not None,
                (link["name"], *([back["name"]] if back else [])),
                end(link),
                end(back) if back else (),
            )
        )
    return tuple(items), tuple(c for c in FLAGS if c in used_tags)


# --- drawing ------------------------------------------------------------------------------

#: Text styles: size, bold, italic.
STYLES = {
    "vnet": (11.5, True, False),
    "meta": (9.5, False, True),
    "space": (9.5, False, False),
    "subnet": (9.5, True, False),
    "prefix": (9.5, False, False),
    "note": (8.5, False, True),
    "vm": (9.0, False, False),
    "gateway": (9.0, True, False),
    "gwmeta": (8.5, False, False),
    "site": (10.0, True, False),
    "label": (8.5, False, False),
    "legend": (8.5, False, False),
}
#: quizgen's print font (templates/pdf/print.css), then the system's DejaVu Sans and any sans-serif
#: face for a character it lacks; no spaces after the commas (WeasyPrint splits at commas only).
FONT_FAMILY = "Quizgen Sans,DejaVu Sans,sans-serif"
PRINT_WIDTH_MM = 165  # printed size: fits A4 and Letter pages with 2 cm margins
LEADING = 1.25  # line height, in font sizes
LABEL_WIDTH = 104.0  # end labels wrap beyond this
INK = "#000000"
SHADE = "#e3e3e3"
PALE = "#f5f5f5"


@dataclass
class Canvas:
    """Primitives relative to a box's origin: rectangles and lines of text."""

    items: list[tuple[Any, ...]] = field(default_factory=list)

    def rect(self, x: float, y: float, w: float, h: float, kind: str) -> None:
        self.items.append(("rect", x, y, w, h, kind))

    def text(self, x: float, y: float, text: str, style: str, anchor: str = "start") -> float:
        """One line whose top is at ``y``; returns the top of the next line."""
        return self._add(x, y, [text], style, anchor)

    def lines(self, x: float, y: float, text: str, style: str, width: float) -> float:
        """``text`` wrapped to ``width``: one text element, a line per tspan."""
        size, bold, _ = STYLES[style]
        return self._add(x, y, wrap(text, width, size, bold), style, "start")

    def _add(self, x: float, y: float, lines: list[str], style: str, anchor: str) -> float:
        size = STYLES[style][0]
        self.items.append(("text", x, y + 0.8 * size, lines, style, anchor))
        return y + LEADING * size * len(lines)


def _fits(text: str, style: str) -> float:
    size, bold, _ = STYLES[style]
    return text_width(text, size, bold)


def _draw_gateway(g: GatewayItem, w: float) -> tuple[float, float, Canvas]:
    """The gateway tab: its width, height and drawing (origin: its top left)."""
    lines = [(g.name, "gateway"), *([(", ".join(g.details), "gwmeta")] if g.details else [])]
    tw = min(w - 40, max(_fits(t, s) for t, s in lines) + 12)
    c = Canvas()
    y = 4.0
    for text, style in lines:
        y = c.lines(6, y, text, style, tw - 12)
    th = y + 3
    c.items.insert(0, ("rect", 0, 0, tw, th, "gateway"))
    return tw, th, c


def _draw_vnet(v: VNetItem, w: float) -> tuple[float, tuple[float, float] | None, Canvas]:
    c = Canvas()
    pad = 7.0
    tab = None
    y = pad
    if v.gateway:
        tw, th, tab_canvas = _draw_gateway(v.gateway, w)
        tab = (tw, th)
        y = th / 2 + 4
        c.items += [("sub", (w - tw) / 2, -th / 2, tab_canvas)]
    y = c.lines(pad, y, v.name, "vnet", w - 2 * pad)
    if v.region:
        y = c.lines(pad, y, v.region, "meta", w - 2 * pad)
    if v.address_space:
        y = c.lines(pad, y, v.address_space, "space", w - 2 * pad)
    y += 3
    for s in v.subnets:
        y = _draw_subnet(c, s, pad, y, w - 2 * pad) + 4
    h = y + pad - 4
    c.items.insert(0, ("rect", 0, 0, w, h, "vnet"))
    return h, tab, c


def _draw_subnet(c: Canvas, s: SubnetItem, x: float, top: float, w: float) -> float:
    inner = w - 10
    at = len(c.items)
    y = top + 4
    if s.prefix and _fits(s.name, "subnet") + 8 + _fits(s.prefix, "prefix") <= inner:
        c.text(x + w - 5, y, s.prefix, "prefix", "end")
        y = c.text(x + 5, y, s.name, "subnet")
    else:
        y = c.lines(x + 5, y, s.name, "subnet", inner)
        if s.prefix:
            y = c.lines(x + 5, y, s.prefix, "prefix", inner)
    for note in s.notes:
        y = c.lines(x + 5, y, note, "note", inner)
    for vm in s.vms:
        y = _draw_vm(c, vm, x + 5, y + 2, inner)
    bottom = y + 3
    c.items.insert(at, ("rect", x, top, w, bottom - top, "subnet"))
    return bottom


def _draw_vm(c: Canvas, vm: VmItem, x: float, top: float, w: float) -> float:
    at = len(c.items)
    size = STYLES["vm"][0]
    c.rect(x + 1, top + 0.5 * size - 3, 5, 5, "vm")
    y = top
    if vm.ip and _fits(vm.name, "vm") + 8 + _fits(vm.ip, "vm") <= w - 9:
        c.text(x + w, y, vm.ip, "vm", "end")
        y = c.text(x + 9, y, vm.name, "vm")
    else:
        y = c.lines(x + 9, y, vm.name, "vm", w - 9)
        if vm.ip:
            y = c.lines(x + 9, y, vm.ip, "vm", w - 9)
    for note in vm.notes:
        y = c.lines(x + 9, y, note, "note", w - 9)
    if vm.forwards:
        c.items.insert(at, ("rect", x - 2, top - 1, w + 4, y - top + 2, "forwarding"))
    return y


def _draw_site(s: SiteItem, w: float) -> tuple[float, Canvas]:
    c = Canvas()
    y = c.lines(8, 6, s.name, "site", w - 16)
    if s.address_space:
        y = c.lines(8, y, s.address_space, "space", w - 16)
    h = y + 5
    c.items.insert(0, ("rect", 0, 0, w, h, "site"))
    return h, c


def _site_width(s: SiteItem) -> float:
    texts = [_fits(s.name, "site"), _fits(s.address_space or "", "space")]
    return max(90.0, max(texts) + 18)


def _label_lines(lines: tuple[str, ...]) -> list[list[str]]:
    """Each line of an end label, wrapped."""
    size, bold, _ = STYLES["label"]
    return [wrap(line, LABEL_WIDTH, size, bold) for line in lines]


def _label_size(lines: tuple[str, ...]) -> tuple[float, float] | None:
    if not lines:
        return None
    parts = [p for group in _label_lines(lines) for p in group]
    size = STYLES["label"][0]
    return (max(_fits(p, "label") for p in parts) + 6, len(parts) * LEADING * size + 3)


def _legend_entries(d: Diagram) -> list[tuple[str, str]]:
    """(sample, text) for each style the drawing uses."""
    entries = []
    if any(p.both for p in d.peerings):
        entries.append(("both", LEGEND_BOTH))
    if any(not p.both for p in d.peerings):
        entries.append(("one", LEGEND_ONE))
    if d.connections:
        entries.append(("connection", LEGEND_CONNECTION))
    if any(vm.forwards for v in d.vnets for s in v.subnets for vm in s.vms):
        entries.append(("forwarding", LEGEND_FORWARDING))
    if any(p.end_a or p.end_b for p in d.peerings):
        entries.append(("", LEGEND_ENDS))
    entries += [("", _flag_legend(c)) for c in d.tags]
    return entries


def _legend_rows(d: Diagram, width: float) -> list[list[tuple[str, str, float]]]:
    rows: list[list[tuple[str, str, float]]] = [[]]
    used = 0.0
    for sample, text in _legend_entries(d):
        w = (34 if sample else 0) + _fits(text, "legend") + 18
        if rows[-1] and used + w > width:
            rows.append([])
            used = 0.0
        rows[-1].append((sample, text, w))
        used += w
    return [r for r in rows if r]


def topology_layout(
    topology: Doc, *, view: DiagramView | None = None, width: int = 680
) -> tuple[Diagram, Layout, dict[str, Canvas]]:
    """The content, the layout and each box's drawing (keys "vnet:NAME", "site:NAME").

    The layout measures each box at the width it gives it; measuring draws the box, and the
    drawing made at that width is the one kept."""
    d = diagram(topology, view)
    canvases: dict[str, Canvas] = {}

    def vnet_measure(v: VNetItem) -> Any:
        def measure(w: float) -> tuple[float, tuple[float, float] | None]:
            h, tab, canvas = _draw_vnet(v, w)
            canvases[f"vnet:{v.name}"] = canvas
            return h, tab

        return measure

    def site_measure(s: SiteItem) -> Any:
        def measure(w: float) -> tuple[float, None]:
            h, canvas = _draw_site(s, w)
            canvases[f"site:{s.name}"] = canvas
            return h, None

        return measure

    nodes = [NodeSpec(f"vnet:{v.name}", "vnet", vnet_measure(v)) for v in d.vnets]
    nodes += [NodeSpec(f"site:{s.name}", "site", site_measure(s), _site_width(s)) for s in d.sites]
    edges = [
        EdgeSpec(
            f"vnet:{p.a}",
            f"vnet:{p.b}",
            "both" if p.both else "one",
            _label_size(p.end_a),
            _label_size(p.end_b),
        )
        for p in d.peerings
    ]
    edges += [EdgeSpec(f"site:{s}", f"vnet:{v}", "connection") for v, s in d.connections]

    def legend_height(inner: float) -> float:
        return len(_legend_rows(d, inner)) * 15.0

    placed = layout(nodes, edges, float(width), legend_height)
    return d, placed, canvases


def topology_svg(topology: Doc, *, view: DiagramView | None = None, width: int = 680) -> str:
    """``topology`` (the topology file's structure) as an SVG document, showing what ``view``
    allows (everything when None). Same input, same bytes."""
    d, placed, canvases = topology_layout(topology, view=view, width=width)
    return _svg(d, placed, canvases)


def question_svg(doc: Doc, *, width: int = 680) -> str | None:
    """The diagram of question ``doc`` (None when its exhibits show no VNet to draw)."""
    view = question_view(doc)
    if not view.vnets:
        return None
    return topology_svg(doc["topology"], view=view, width=width)


# --- SVG ----------------------------------------------------------------------------------


def _n(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


RECTS = {
    "vnet": {"fill": "#ffffff", "stroke": INK, "stroke-width": "1.3", "rx": "4"},
    "subnet": {"fill": PALE, "stroke": "#555555", "stroke-width": "0.7", "rx": "2"},
    "gateway": {"fill": SHADE, "stroke": INK, "stroke-width": "1.2", "rx": "2"},
    "site": {"fill": PALE, "stroke": INK, "stroke-width": "1.3", "rx": "10"},
    "vm": {"fill": "#ffffff", "stroke": INK, "stroke-width": "0.8"},
    "forwarding": {"fill": SHADE, "stroke": "none", "rx": "2"},
    "label": {"fill": "#ffffff", "stroke": "none"},
}
LINES = {
    "both": {"stroke": INK, "stroke-width": "1.3", "fill": "none"},
    "one": {"stroke": INK, "stroke-width": "1.3", "fill": "none", "stroke-dasharray": "6 3"},
    "connection": {
        "stroke": INK,
        "stroke-width": "1.6",
        "fill": "none",
        "stroke-dasharray": "1.5 3",
        "stroke-linecap": "round",
    },
}


def _svg(d: Diagram, placed: Layout, canvases: dict[str, Canvas]) -> str:
    root = ET.Element(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "class": "topology-diagram",
            "width": f"{PRINT_WIDTH_MM}mm",
            "height": f"{_n(placed.height * PRINT_WIDTH_MM / placed.width)}mm",
            "viewBox": f"0 0 {_n(placed.width)} {_n(placed.height)}",
            "font-family": FONT_FAMILY,
        },
    )
    lines = ET.SubElement(root, "g", {"class": "links"})
    kinds = ["both" if p.both else "one" for p in d.peerings] + ["connection"] * len(d.connections)
    for kind, path in zip(kinds, placed.paths, strict=True):
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in path)
        ET.SubElement(lines, "polyline", {"points": points, **LINES[kind]})
        if kind == "one":
            _arrow(lines, path[-2], path[-1])
    boxes = ET.SubElement(root, "g", {"class": "boxes"})
    for key, box in placed.boxes.items():
        group = ET.SubElement(boxes, "g", {"transform": f"translate({_n(box.x)},{_n(box.y)})"})
        _emit(group, canvases[key])
    labels = ET.SubElement(root, "g", {"class": "labels"})
    for n, end, (cx, cy) in placed.labels:
        p = d.peerings[n]
        _label(labels, p.end_a if end == "a" else p.end_b, cx, cy)
    _legend(root, d, placed)
    ET.indent(root, space=" ")
    for text in root.iter("text"):  # no whitespace inside a text: it would be drawn
        text.text = text.text if not len(text) else None
        for span in text:
            span.tail = None
    return ET.tostring(root, encoding="unicode") + "\n"


def _emit(parent: ET.Element, canvas: Canvas) -> None:
    for item in canvas.items:
        if item[0] == "rect":
            _, x, y, w, h, kind = item
            attrs = {"x": _n(x), "y": _n(y), "width": _n(w), "height": _n(h)}
            ET.SubElement(parent, "rect", {**attrs, **RECTS[kind]})
        elif item[0] == "text":
            _, x, y, lines, style, anchor = item
            _text(parent, x, y, lines, style, anchor)
        else:
            _, x, y, sub = item
            group = ET.SubElement(parent, "g", {"transform": f"translate({_n(x)},{_n(y)})"})
            _emit(group, sub)


def _text(
    parent: ET.Element, x: float, y: float, lines: list[str], style: str, anchor: str
) -> None:
    """A text element with its baseline at ``y``; wrapped lines become tspans (joined, they
    give back the whole text)."""
    size, bold, italic = STYLES[style]
    attrs = {"x": _n(x), "y": _n(y), "font-size": _n(size)}
    if bold:
        attrs["font-weight"] = "bold"
    if italic:
        attrs["font-style"] = "italic"
    if anchor != "start":
        attrs["text-anchor"] = anchor
    element = ET.SubElement(parent, "text", attrs)
    if len(lines) == 1:
        element.text = lines[0]
        return
    for n, line in enumerate(lines):
        span = ET.SubElement(element, "tspan", {"x": _n(x), "y": _n(y + n * LEADING * size)})
        span.text = line


def _arrow(parent: ET.Element, before: tuple[float, float], tip: tuple[float, float]) -> None:
    angle = math.atan2(tip[1] - before[1], tip[0] - before[0])
    length, half = 9.0, 4.0
    bx, by = tip[0] - length * math.cos(angle), tip[1] - length * math.sin(angle)
    px, py = -math.sin(angle) * half, math.cos(angle) * half
    points = [tip, (bx + px, by + py), (bx - px, by - py)]
    ET.SubElement(
        parent,
        "polygon",
        {"points": " ".join(f"{_n(x)},{_n(y)}" for x, y in points), "fill": INK},
    )


def _label(parent: ET.Element, lines: tuple[str, ...], cx: float, cy: float) -> None:
    """An end label: centred on (cx, cy), on white so the line does not run through it."""
    w, h = _label_size(lines) or (0.0, 0.0)
    group = ET.SubElement(parent, "g")
    box = {"x": _n(cx - w / 2), "y": _n(cy - h / 2), "width": _n(w), "height": _n(h)}
    ET.SubElement(group, "rect", {**box, **RECTS["label"]})
    size = STYLES["label"][0]
    y = cy - h / 2 + 1.5 + 0.8 * size
    for pieces in _label_lines(lines):
        _text(group, cx, y, pieces, "label", "middle")
        y += LEADING * size * len(pieces)


def _legend(root: ET.Element, d: Diagram, placed: Layout) -> None:
    rows = _legend_rows(d, placed.width - 2 * MARGIN)
    if not rows:
        return
    group = ET.SubElement(root, "g", {"class": "legend"})
    y = placed.legend_top
    for row in rows:
        x = MARGIN
        for sample, text, w in row:
            mid = y + 6
            if sample in LINES:
                ET.SubElement(
                    group,
                    "polyline",
                    {"points": f"{_n(x)},{_n(mid)} {_n(x + 28)},{_n(mid)}", **LINES[sample]},
                )
                if sample == "one":
                    _arrow(group, (x, mid), (x + 28, mid))
            elif sample == "forwarding":
                ET.SubElement(
                    group,
                    "rect",
                    {
                        "x": _n(x),
                        "y": _n(mid - 5),
                        "width": "28",
                        "height": "10",
                        **RECTS["forwarding"],
                    },
                )
            tx = x + (34 if sample else 0)
            _text(group, tx, mid + 3, [text], "legend", "start")
            x += w
        y += 15


def main(argv: list[str] | None = None) -> int:
    """``python -m quizgen.render.diagram FILE.yaml``: the file's diagram on stdout."""
    import sys

    from quizgen.errors import QuizgenError
    from quizgen.loader import load_topology, topology_to_dict

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m quizgen.render.diagram FILE.yaml > out.svg", file=sys.stderr)
        return 2
    try:
        document = topology_to_dict(load_topology(args[0]))
    except QuizgenError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    sys.stdout.write(topology_svg(document))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
