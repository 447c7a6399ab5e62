"""Where a topology diagram's boxes, lines and labels go: a deterministic layered layout.

Boxes sit in rows. The VNet with the most peerings is the root: its peers go in the row below
(half of them above when there are too many for one row), their other peers further down, and the
on-premises sites a gateway connects go in the row above that gateway's VNet. A chain of peerings
snakes through rows; VNets without peerings share rows at the end. Within a row boxes are spread
evenly and ordered to keep lines short (one sweep down, one up, as Sugiyama layouts do).

Every box in a row starts at the row's top, so the strips between rows (channels) are free of
boxes, and so are the gaps between boxes (gutters). A line leaves a box through a port on its
edge, runs straight down (or up) to the channel, and then only through channels and gutters: to
the next row directly, across further rows down a gutter, along its own row by a U-turn through
the channel below. So no line crosses a box. End labels are placed along each line, near its
end, at the first spot that covers no box and no other label.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

Point = tuple[float, float]
Size = tuple[float, float]

MARGIN = 12.0  # left and right
TOP = 10.0
GUTTER = 30.0  # least gap between boxes in a row
MAX_BOX = 290.0  # widest box
COLUMNS = 4  # most VNets in a row
TAB_GAP = 6.0  # ports keep this far from a gateway tab


@dataclass(frozen=True)
class NodeSpec:
    """A box to place: ``measure(width)`` gives its height and its gateway tab (width, height)."""

    key: str
    kind: str  # "vnet" | "site"
    measure: Callable[[float], tuple[float, Size | None]]
    natural_width: float | None = None  # sites are no wider than their text


@dataclass(frozen=True)
class EdgeSpec:
    """A line between two boxes; a label size per end (None: that end has no label)."""

    a: str
    b: str
    kind: str  # "both" | "one" (a -> b) | "connection" (a site and a gateway's VNet)
    label_a: Size | None = None
    label_b: Size | None = None


@dataclass
class Box:
    key: str
    kind: str
    x: float = 0.0
    y: float = 0.0  # top of the box's frame (a gateway tab sticks out above it)
    w: float = 0.0
    h: float = 0.0
    tab: Size | None = None

    @property
    def top(self) -> float:
        return self.y

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def tab_rect(self) -> tuple[float, float, float, float] | None:
        if self.tab is None:
            return None
        tw, th = self.tab
        return (self.x + (self.w - tw) / 2, self.y - th / 2, tw, th)

    def rects(self) -> list[tuple[float, float, float, float]]:
        tab = self.tab_rect()
        return [(self.x, self.y, self.w, self.h), *([tab] if tab else [])]


@dataclass
class Layout:
    width: float
    height: float
    boxes: dict[str, Box]
    paths: list[list[Point]]  # one per edge, from a to b
    labels: list[tuple[int, str, Point]] = field(default_factory=list)  # (edge, "a"/"b", centre)
    legend_top: float = 0.0


# --- rows ---------------------------------------------------------------------------------


def assign_rows(
    nodes: list[NodeSpec], edges: list[EdgeSpec], columns: int = COLUMNS
) -> list[list[str]]:
    """The rows of boxes, top to bottom (keys), before ordering within rows."""
    order = [n.key for n in nodes]
    vnets = [n.key for n in nodes if n.kind == "vnet"]
    peers: dict[str, list[str]] = {k: [] for k in vnets}
    site_of: dict[str, str] = {}  # site -> the VNet whose gateway connects it (the first)
    for e in edges:
        if e.kind == "connection":
            site, vnet = (e.a, e.b) if e.a not in peers else (e.b, e.a)
            site_of.setdefault(site, vnet)
        elif e.b not in peers[e.a]:
            peers[e.a].append(e.b)
            peers[e.b].append(e.a)
    rank = {k: i for i, k in enumerate(order)}
    for k in peers:
        peers[k].sort(key=rank.__getitem__)
    has_site = set(site_of.values())

    rows: list[list[str]] = []
    loners: list[str] = []
    seen: set[str] = set()
    for start in vnets:
        if start in seen:
            continue
        comp = _component(start, peers)
        seen |= set(comp)
        if len(comp) == 1 and start not in has_site:
            loners.append(start)
            continue
        sites = sorted((s for s, v in site_of.items() if v in comp), key=rank.__getitem__)
        rows += _component_rows(comp, peers, sites, site_of, rank, columns)
    rows += [loners[i : i + columns] for i in range(0, len(loners), columns)]
    placed = {k for row in rows for k in row}
    strays = [k for k in order if k not in placed]  # sites no drawn gateway connects
    rows += [strays[i : i + columns] for i in range(0, len(strays), columns)]
    return [r for r in rows if r]


def _component(start: str, peers: dict[str, list[str]]) -> list[str]:
    comp, todo = [start], [start]
    while todo:
        for n in peers[todo.pop(0)]:
            if n not in comp:
                comp.append(n)
                todo.append(n)
    return comp


def _component_rows(
    comp: list[str],
    peers: dict[str, list[str]],
    sites: list[str],
    site_of: dict[str, str],
    rank: dict[str, int],
    columns: int,
) -> list[list[str]]:
    degree = {k: len(peers[k]) for k in comp}
    links = sum(degree.values()) // 2
    if len(comp) > 1 and max(degree.values()) <= 2 and links == len(comp) - 1:
        ends = sorted((k for k in comp if degree[k] == 1), key=rank.__getitem__)
        path = _component(ends[0], peers)  # a path: breadth-first from one end walks it
        rows = [path[i : i + columns] for i in range(0, len(path), columns)]
        rows = [list(reversed(r)) if n % 2 else r for n, r in enumerate(rows)]  # snake
    else:
        root = min(comp, key=lambda k: (-degree[k], rank[k]))
        layers = _layers(root, peers)
        if len(layers) == 2 and len(layers[1]) > columns:  # a big star: spokes above and below
            spokes = layers[1]
            room = columns - (1 if any(site_of[s] == root for s in sites) else 0)
            half = min(room, math.ceil(len(spokes) / 2))
            above = _wrap(spokes[:half], columns)
            rows = [*reversed(above), [root], *_wrap(spokes[half:], columns)]
        else:
            rows = [r for layer in layers for r in _wrap(layer, columns)]
    for site in sites:
        at = next(i for i, r in enumerate(rows) if site_of[site] in r)
        if at == 0:
            rows.insert(0, [])
            at = 1
        rows[at - 1].append(site)
    return rows


def _layers(root: str, peers: dict[str, list[str]]) -> list[list[str]]:
    layers, seen = [[root]], {root}
    while True:
        nxt = [n for k in layers[-1] for n in peers[k] if n not in seen]
        nxt = list(dict.fromkeys(nxt))
        if not nxt:
            return layers
        seen |= set(nxt)
        layers.append(nxt)


def _wrap(items: list[str], columns: int) -> list[list[str]]:
    return [items[i : i + columns] for i in range(0, len(items), columns)]


def order_rows(rows: list[list[str]], edges: list[EdgeSpec], fixed: set[int]) -> list[list[str]]:
    """Rows reordered to shorten lines: by the mean slot of each box's neighbours in the row above
    (a sweep down), then in the row below (a sweep up). Rows in ``fixed`` keep their order."""
    near: dict[str, list[str]] = {}
    for e in edges:
        near.setdefault(e.a, []).append(e.b)
        near.setdefault(e.b, []).append(e.a)
    rows = [list(r) for r in rows]

    def centre(row: list[str], k: str) -> float:
        return (row.index(k) + 0.5) / len(row)

    def sweep(indices: range, step: int) -> None:
        for r in indices:
            if r in fixed:
                continue
            other = rows[r - step]
            keyed = []
            for k in rows[r]:
                marks = [centre(other, n) for n in near.get(k, []) if n in other]
                keyed.append((sum(marks) / len(marks) if marks else centre(rows[r], k), k))
            rows[r] = [k for _, k in sorted(keyed, key=lambda t: t[0])]

    sweep(range(1, len(rows)), 1)
    sweep(range(len(rows) - 2, -1, -1), -1)
    return rows


# --- the whole layout ---------------------------------------------------------------------


def layout(
    nodes: list[NodeSpec],
    edges: list[EdgeSpec],
    width: float,
    legend_height: Callable[[float], float],
) -> Layout:
    specs = {n.key: n for n in nodes}
    rows = assign_rows(nodes, edges)
    snake = {i for i, r in enumerate(rows) if _is_snake(r, edges)}
    rows = order_rows(rows, edges, snake)
    row_of = {k: i for i, r in enumerate(rows) for k in r}
    boxes = _size_boxes(rows, specs, width)
    channels = _channel_heights(rows, edges, row_of, boxes)
    y = TOP
    bands: list[tuple[float, float]] = []
    for r, row in enumerate(rows):
        lift = max((boxes[k].tab[1] / 2 for k in row if boxes[k].tab), default=0.0)
        top = y + lift
        for k in row:
            boxes[k].y = top
        bottom = max(boxes[k].bottom for k in row)
        bands.append((y, bottom))
        y = bottom + channels[r]
    paths = _route(rows, edges, row_of, boxes, bands, width)
    out = Layout(width, 0.0, boxes, paths)
    _place_labels(out, edges)
    label_bottom = max(
        (c[1] + _label_size(edges[i], end)[1] / 2 for i, end, c in out.labels), default=0.0
    )
    line_bottom = max((p[1] for path in paths for p in path), default=0.0)
    last_row_bottom = y - channels[-1] if rows else TOP
    out.legend_top = max(last_row_bottom + 14, label_bottom + 8, line_bottom + 10)
    out.height = out.legend_top + legend_height(width - 2 * MARGIN) + 8
    return out


def _is_snake(row: list[str], edges: list[EdgeSpec]) -> bool:
    """A row of a chain: consecutive boxes are peered (keep their order)."""
    pairs = {frozenset((e.a, e.b)) for e in edges if e.kind != "connection"}
    return len(row) > 2 and all(frozenset(p) in pairs for p in itertools.pairwise(row))


def _size_boxes(rows: list[list[str]], specs: dict[str, NodeSpec], width: float) -> dict[str, Box]:
    boxes = {}
    inner = width - 2 * MARGIN
    for row in rows:
        slot = inner / len(row)
        for i, k in enumerate(row):
            spec = specs[k]
            w = min(MAX_BOX, slot - GUTTER)
            if spec.natural_width is not None:
                w = min(w, spec.natural_width)
            h, tab = spec.measure(w)
            box = Box(k, spec.kind, MARGIN + (i + 0.5) * slot - w / 2, 0.0, w, h, tab)
            boxes[k] = box
    return boxes


def _label_size(edge: EdgeSpec, end: str) -> Size:
    size = edge.label_a if end == "a" else edge.label_b
    return size or (0.0, 0.0)


def _channel_heights(
    rows: list[list[str]], edges: list[EdgeSpec], row_of: dict[str, int], boxes: dict[str, Box]
) -> list[float]:
    heights = []
    for r in range(len(rows)):
        crossing = [
            e for e in edges if min(row_of[e.a], row_of[e.b]) <= r < max(row_of[e.a], row_of[e.b])
        ]
        under = [e for e in edges if row_of[e.a] == row_of[e.b] == r and _u_turn(e, rows, row_of)]
        tallest = max(
            (max(_label_size(e, "a")[1], _label_size(e, "b")[1]) for e in crossing), default=0.0
        )
        h = 30.0 if not crossing else max(48.0, 3 * tallest + 30) if tallest else 48.0
        if under:
            tallest_u = max(max(_label_size(e, "a")[1], _label_size(e, "b")[1]) for e in under)
            h = max(h, tallest_u + 14 + 10 * len(under) + 16)
        if r + 1 < len(rows):  # room for the gateway tabs of the next row
            h += max((boxes[k].tab[1] / 2 for k in rows[r + 1] if boxes[k].tab), default=0.0)
        heights.append(h)
    return heights


def _u_turn(e: EdgeSpec, rows: list[list[str]], row_of: dict[str, int]) -> bool:
    """A line within a row goes round below it unless it joins neighbours and has no labels."""
    row = rows[row_of[e.a]]
    adjacent = abs(row.index(e.a) - row.index(e.b)) == 1
    return not adjacent or bool(e.label_a or e.label_b)


# --- lines --------------------------------------------------------------------------------


def _route(
    rows: list[list[str]],
    edges: list[EdgeSpec],
    row_of: dict[str, int],
    boxes: dict[str, Box],
    bands: list[tuple[float, float]],
    width: float,
) -> list[list[Point]]:
    """Each edge's polyline. Ports are spread along box edges in the order of where lines go."""
    plans: list[dict] = []
    gutter_use: dict[tuple[int, int], int] = {}
    under_use: dict[int, int] = {}
    for e in edges:
        ra, rb = row_of[e.a], row_of[e.b]
        a, b = boxes[e.a], boxes[e.b]
        if ra == rb:
            if _u_turn(e, rows, row_of):
                depth = 16 + 10 * under_use.get(ra, 0)
                under_use[ra] = under_use.get(ra, 0) + 1
                y = bands[ra][1] + depth + max(_label_size(e, "a")[1], _label_size(e, "b")[1])
                plans.append({"kind": "u", "a": (a, "bottom", b), "b": (b, "bottom", a), "y": y})
            else:
                left, right = (a, b) if a.x < b.x else (b, a)
                y = (max(left.top, right.top) + min(left.bottom, right.bottom)) / 2
                plans.append(
                    {"kind": "side", "y": y, "left": left, "right": right, "flip": left is b}
                )
            continue
        flip = ra > rb
        upper, lower = (b, a) if flip else (a, b)
        ru, rl = min(ra, rb), max(ra, rb)
        via: list[Point] = []
        ux, lx = upper.x + upper.w / 2, lower.x + lower.w / 2
        for k in range(ru + 1, rl):
            mid = ux + (lx - ux) * (k - ru) / (rl - ru)
            gx = _gutter_x(rows[k], boxes, width, mid, gutter_use, k)
            via += [(gx, bands[k][0] - 8), (gx, bands[k][1] + 8)]
        lower_side = "tab" if e.kind == "connection" and lower.tab else "top"
        plans.append(
            {
                "kind": "down",
                "upper": (upper, "bottom", via[0] if via else lower),
                "lower": (lower, lower_side, via[-1] if via else upper),
                "via": via,
                "bands": (bands[ru][1], bands[rl][0]),
                "flip": flip,
            }
        )
    ports = _assign_ports(plans)
    paths = []
    for n, plan in enumerate(plans):
        if plan["kind"] == "side":
            left, right, y = plan["left"], plan["right"], plan["y"]
            path = [(left.x + left.w, y), (right.x, y)]
            paths.append(path[::-1] if plan["flip"] else path)
        elif plan["kind"] == "u":
            pa, pb = ports[(n, "a")], ports[(n, "b")]
            paths.append([pa, (pa[0], plan["y"]), (pb[0], plan["y"]), pb])
        else:
            pu, pl = ports[(n, "upper")], ports[(n, "lower")]
            band_bottom, band_top = plan["bands"]
            path = [pu, (pu[0], band_bottom), *plan["via"], (pl[0], band_top), pl]
            path = _dedupe(path)
            paths.append(path[::-1] if plan["flip"] else path)
    return paths


def _dedupe(path: list[Point]) -> list[Point]:
    out = [path[0]]
    for p in path[1:]:
        if math.dist(p, out[-1]) > 0.01:
            out.append(p)
    return out


def _gutter_x(
    row: list[str],
    boxes: dict[str, Box],
    width: float,
    want: float,
    use: dict[tuple[int, int], int],
    r: int,
) -> float:
    xs = sorted((boxes[k].x, boxes[k].x + boxes[k].w) for k in row)
    edges_x = [0.0] + [v for pair in xs for v in pair] + [width]
    gaps = [(edges_x[i], edges_x[i + 1]) for i in range(0, len(edges_x), 2)]
    best = min(range(len(gaps)), key=lambda i: (abs((gaps[i][0] + gaps[i][1]) / 2 - want), i))
    lo, hi = gaps[best]
    n = use.get((r, best), 0)
    use[(r, best)] = n + 1
    step = 9.0 * ((n + 1) // 2) * (1 if n % 2 else -1)
    centre = (lo + hi) / 2 if 0 < best < len(gaps) - 1 else (hi - 10 if best == 0 else lo + 10)
    return max(lo + 3, min(hi - 3, centre + step))


def _assign_ports(plans: list[dict]) -> dict[tuple[int, str], Point]:
    """Spread the ports on each box edge, ordered by the x each line heads for."""
    groups: dict[tuple[str, str], list[tuple[float, int, str, Box]]] = {}
    for n, plan in enumerate(plans):
        if plan["kind"] == "side":
            continue
        for end in ("a", "b") if plan["kind"] == "u" else ("upper", "lower"):
            box, side, toward = plan[end]
            tx = toward[0] if isinstance(toward, tuple) else toward.x + toward.w / 2
            groups.setdefault((box.key, side), []).append((tx, n, end, box))
    ports: dict[tuple[int, str], Point] = {}
    for (_, side), members in sorted(groups.items()):
        members.sort(key=lambda m: (m[0], m[1]))
        box = members[0][3]
        tab = box.tab_rect()
        if side == "tab" and tab:
            spans, y = [(tab[0] + 4, tab[0] + tab[2] - 4)], tab[1]
        elif side == "top" and tab:
            spans = [(box.x + 8, tab[0] - TAB_GAP), (tab[0] + tab[2] + TAB_GAP, box.x + box.w - 8)]
            y = box.top
        else:
            spans = [(box.x + 0.12 * box.w, box.x + 0.88 * box.w)]
            y = box.bottom if side == "bottom" else box.top
        if len(spans) == 2:
            centre = box.x + box.w / 2
            parts = [[m for m in members if m[0] < centre], [m for m in members if m[0] >= centre]]
        else:
            parts = [members]
        for (lo, hi), part in zip(spans, parts, strict=True):
            for i, (_, n, end, _) in enumerate(part):
                x = lo + (hi - lo) * (i + 0.5) / len(part) if len(part) > 1 else (lo + hi) / 2
                ports[(n, end)] = (x, y)
    return ports


# --- labels -------------------------------------------------------------------------------


def _place_labels(out: Layout, edges: list[EdgeSpec]) -> None:
    taken = [r for box in out.boxes.values() for r in box.rects()]
    for n, e in enumerate(edges):
        for end in ("a", "b"):
            size = e.label_a if end == "a" else e.label_b
            if size is None:
                continue
            path = out.paths[n] if end == "a" else out.paths[n][::-1]
            centre = _label_spot(path, size, taken)
            out.labels.append((n, end, centre))
            taken.append((centre[0] - size[0] / 2, centre[1] - size[1] / 2, *size))


def _label_spot(
    path: list[Point], size: Size, taken: list[tuple[float, float, float, float]]
) -> Point:
    total = sum(math.dist(p, q) for p, q in itertools.pairwise(path))
    w, h = size
    first = min(w, h) / 2 + 5
    candidates = []
    d = first
    while d <= max(first, total / 2 - 2):
        candidates.append(d)
        d += 5
    best, best_cover = None, math.inf
    for d in candidates:
        cx, cy = point_at(path, d)
        rect = (cx - w / 2 - 1, cy - h / 2 - 1, w + 2, h + 2)
        cover = sum(_overlap(rect, t) for t in taken)
        if cover == 0:
            return (cx, cy)
        if cover < best_cover:
            best, best_cover = (cx, cy), cover
    return best if best is not None else point_at(path, total / 2)


def point_at(path: list[Point], distance: float) -> Point:
    """The point ``distance`` along ``path`` from its start (its end if the path is shorter)."""
    for p, q in itertools.pairwise(path):
        step = math.dist(p, q)
        if distance <= step and step > 0:
            t = distance / step
            return (p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t)
        distance -= step
    return path[-1]


def _overlap(r: tuple[float, float, float, float], s: tuple[float, float, float, float]) -> float:
    dx = min(r[0] + r[2], s[0] + s[2]) - max(r[0], s[0])
    dy = min(r[1] + r[3], s[1] + s[3]) - max(r[1], s[1])
    return dx * dy if dx > 0 and dy > 0 else 0.0
