"""Topology diagrams (quizgen/render/diagram.py): well-formed, complete, tidy, deterministic,
escaped, and never showing more than the question's exhibits (a diagram must not print a key)."""

from __future__ import annotations

import itertools
import random
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from quizgen.generator.topologies import SHAPES, build
from quizgen.questions.generate import generate, question
from quizgen.render.diagram import (
    CHROME,
    DiagramView,
    diagram,
    question_svg,
    question_view,
    topology_layout,
    topology_svg,
)

Doc = dict[str, Any]
NS = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parent.parent


@cache
def documents() -> tuple[Doc, ...]:
    """300 questions drawn across every family, and 20 case studies."""
    docs = generate(300, seed=20240606) + generate(20, seed=11, family="case-study")
    assert {d["family"] for d in docs} >= {"peering-state", "case-study", "nsg-order"}
    return tuple(docs)


def texts(svg: str) -> list[str]:
    """Each text element's whole text (wrapped lines joined back)."""
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(f"{NS}text")]


TOKEN = re.compile(r"[^\s,;()=:]+")


def tokens(text: str) -> set[str]:
    return {t.lower() for t in TOKEN.findall(text)}


def shown_vocabulary(doc: Doc) -> set[str]:
    """Every word the question itself prints before the answer: stem and exhibits."""
    words = tokens(doc["stem"])
    for exhibit in doc.get("exhibits", []):
        words |= tokens(exhibit["title"])
        words |= {w for c in exhibit["columns"] for w in tokens(str(c))}
        words |= {w for row in exhibit["rows"] for cell in row for w in tokens(str(cell))}
    return words


def test_every_question_diagram_is_well_formed_and_names_what_its_exhibits_list() -> None:
    for doc in documents():
        svg = question_svg(doc)
        assert svg is not None, doc["id"]
        drawn = " ".join(texts(svg))
        view = question_view(doc)
        assert view.vnets, doc["id"]
        for name in view.vnets:
            assert name in drawn, (doc["id"], name)
        for name in view.onprem or {}:
            assert name in drawn, (doc["id"], name)


def test_a_diagram_shows_no_word_its_question_does_not_show() -> None:
    chrome = {w for text in CHROME for w in tokens(text)}
    for doc in documents():
        allowed = shown_vocabulary(doc) | chrome
        svg = question_svg(doc)
        assert svg is not None
        for text in texts(svg):
            leaked = tokens(text) - allowed
            assert not leaked, (doc["id"], text, leaked)


def test_the_fixed_texts_name_no_state_and_no_setting_value() -> None:
    """The legend's words cannot carry a key: no peering state appears in them."""
    states = {
        row[exhibit["columns"].index("State")].lower()
        for doc in documents()
        for exhibit in doc["exhibits"]
        if exhibit["title"] == "Peerings" and "State" in exhibit["columns"]
        for row in exhibit["rows"]
    }
    assert {"connected", "initiated", "disconnected"} <= states  # the sample has every state
    chrome = {w for text in CHROME for w in tokens(text)}
    assert not chrome & states


def test_peering_states_are_copied_from_the_exhibit_rows_and_links_are_the_listed_ones() -> None:
    for doc in documents():
        peerings = next((e for e in doc["exhibits"] if e["title"] == "Peerings"), None)
        rows = (
            {r[0]: dict(zip(peerings["columns"], r, strict=True)) for r in peerings["rows"]}
            if (peerings)
            else {}
        )
        d = diagram(doc["topology"], question_view(doc))
        for item in d.peerings:
            for name, end in zip(item.links, (item.end_a, item.end_b), strict=False):
                assert name in rows, (doc["id"], name)  # never a link the exhibit hides
                state = rows[name].get("State")
                if state is None:
                    assert not end or end[0] not in {"Connected", "Initiated", "Disconnected"}
                else:
                    assert end[0] == state, (doc["id"], name, end)
        if peerings is None:
            assert d.peerings == (), doc["id"]


def test_peering_state_questions_draw_no_peering_line() -> None:
    """Their exhibits show what was done, never the links that resulted: nor does the diagram."""
    for seed in range(15):
        doc = question("peering-state", seed)
        if doc is None:
            continue
        assert diagram(doc["topology"], question_view(doc)).peerings == ()
        assert "polyline" not in (question_svg(doc) or "").split('class="legend"')[0]


def test_hidden_columns_hide_their_facts() -> None:
    """A view without the Settings, State or flag columns shows none of them."""
    doc = next(d for d in documents() if d["family"] == "nva-routing")
    view = question_view(doc)
    bare = DiagramView(
        peering_states=None,
        peering_flags=frozenset(),
        peerings=view.peerings,
        vnets={k: {"Name": k, "Subnets": "", "Gateway": ""} for k in view.vnets or {}},
        vms={
            k: {c: v for c, v in row.items() if c != "Settings"}
            for k, row in (view.vms or {}).items()
        },
        onprem={},
    )
    svg = topology_svg(doc["topology"], view=bare)
    drawn = " ".join(texts(svg))
    assert "IP forwarding" not in drawn and "forwards in the OS" not in drawn
    assert "Connected" not in drawn and "GW transit" not in drawn
    assert "NSG" not in drawn and "/" not in drawn  # no subnets, prefixes or address spaces


def _rects(boxes: dict) -> list[tuple[str, tuple[float, float, float, float]]]:
    return [(key, r) for key, box in boxes.items() for r in box.rects()]


def _overlaps(r: tuple[float, ...], s: tuple[float, ...]) -> bool:
    return (
        min(r[0] + r[2], s[0] + s[2]) - max(r[0], s[0]) > 0
        and min(r[1] + r[3], s[1] + s[3]) - max(r[1], s[1]) > 0
    )


def _crosses(p: tuple[float, float], q: tuple[float, float], r: tuple[float, ...]) -> bool:
    """Whether segment p-q runs through the inside of rectangle r (Liang-Barsky)."""
    x0, y0, x1, y1 = r[0] + 0.5, r[1] + 0.5, r[0] + r[2] - 0.5, r[1] + r[3] - 0.5
    dx, dy = q[0] - p[0], q[1] - p[1]
    lo, hi = 0.0, 1.0
    for edge_p, edge_q in ((-dx, p[0] - x0), (dx, x1 - p[0]), (-dy, p[1] - y0), (dy, y1 - p[1])):
        if edge_p == 0:
            if edge_q < 0:
                return False
            continue
        t = edge_q / edge_p
        if edge_p < 0:
            lo = max(lo, t)
        else:
            hi = min(hi, t)
        if lo > hi:
            return False
    return hi - lo > 1e-6


def check_tidy(topology: Doc, view: DiagramView | None, what: str) -> None:
    d, placed, _ = topology_layout(topology, view=view)
    rects = _rects(placed.boxes)
    for (ka, ra), (kb, rb) in itertools.combinations(rects, 2):
        assert ka == kb or not _overlaps(ra, rb), (what, ka, kb)
    ends = [(f"vnet:{p.a}", f"vnet:{p.b}") for p in d.peerings]
    ends += [(f"site:{s}", f"vnet:{v}") for v, s in d.connections]
    for (a, b), path in zip(ends, placed.paths, strict=True):
        for p, q in itertools.pairwise(path):
            for key, rect in rects:
                if key not in (a, b):
                    assert not _crosses(p, q, rect), (what, a, b, key)
    for key, rect in rects:
        assert rect[0] >= 0 and rect[0] + rect[2] <= placed.width, (what, key)
        assert rect[1] >= 0 and rect[1] + rect[3] <= placed.legend_top, (what, key)


def test_boxes_never_overlap_and_lines_never_cross_a_box_in_questions() -> None:
    for doc in documents():
        check_tidy(doc["topology"], question_view(doc), doc["id"])


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("size", ["small", "medium", "large"])
def test_boxes_never_overlap_and_lines_never_cross_a_box_in_scenarios(
    shape: str, size: str
) -> None:
    for seed in range(3):
        topology = build(shape, size, random.Random(seed)).doc
        check_tidy(topology, None, f"{shape}/{size}/{seed}")
        names = " ".join(texts(topology_svg(topology)))
        assert all(
            v["name"].replace("-", "") in names.replace("-", "").replace(" ", "")
            for v in topology["vnets"]
        )


def test_same_input_same_bytes() -> None:
    for doc in documents()[:40]:
        assert question_svg(doc) == question_svg(doc)
    code = (
        "from quizgen.questions.generate import question\n"
        "from quizgen.render.diagram import question_svg\n"
        "import sys; sys.stdout.write(question_svg(question('case-study', 4)))"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        for _ in range(2)
    }
    assert len(runs) == 1 and runs == {question_svg(question("case-study", 4))}


HOSTILE = {
    "vnets": [
        {
            "name": "<script>alert(1)</script>",
            "region": "eastus",
            "address_space": ["10.0.0.0/16"],
            "subnets": [
                {"name": "GatewaySubnet", "prefix": "10.0.255.0/27"},
                {"name": "a&b\"'", "prefix": "10.0.1.0/24", "nsg": "url(file:///etc/passwd)"},
            ],
            "gateway": {"name": "<image href='x'/>", "connections": ["file:///etc/passwd"]},
        },
        {"name": "file:///etc/passwd", "region": "westus", "address_space": ["10.1.0.0/16"]},
    ],
    "peerings": [
        {"name": "p1", "from": "<script>alert(1)</script>", "to": "file:///etc/passwd"},
    ],
    "vms": [
        {
            "name": "]]><x/>",
            "vnet": "<script>alert(1)</script>",
            "subnet": "a&b\"'",
            "ip": "10.0.1.4",
        },
    ],
    "onprem": [{"name": "file:///etc/passwd", "address_space": ["192.168.0.0/16"]}],
}


def test_names_are_literal_text_and_nothing_refers_outside() -> None:
    svg = topology_svg(HOSTILE)
    root = ET.fromstring(svg)
    drawn = "".join(texts(svg))
    for name in (
        "<script>alert(1)</script>",
        "file:///etc/passwd",
        "a&b\"'",
        "]]><x/>",
        "<image href='x'/>",
        "url(file:///etc/passwd)",
    ):
        assert name in drawn, name
    tags = {e.tag.removeprefix(NS) for e in root.iter()}
    assert tags <= {"svg", "g", "rect", "text", "tspan", "polyline", "polygon"}, tags
    for element in root.iter():
        for key, value in element.attrib.items():
            assert "href" not in key and "url(" not in value and "file:" not in value, (key, value)
    assert "<script" not in svg and "&lt;script&gt;" in svg


def test_an_empty_topology_is_an_empty_drawing() -> None:
    root = ET.fromstring(topology_svg({"vnets": []}))
    assert root.tag == f"{NS}svg" and not list(root.iter(f"{NS}text"))


GOLDEN = ["connectivity#0", "peering-state#2", "troubleshoot#1", "case-study#4"]


@pytest.mark.parametrize("ident", GOLDEN)
def test_golden_diagrams(ident: str, golden: Any) -> None:
    family, seed = ident.split("#")
    doc = question(family, int(seed))
    assert doc is not None
    golden(f"diagram/{family}-{seed}.svg", question_svg(doc) or "")


def test_preview_a_topology_file() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "quizgen.render.diagram",
            str(ROOT / "examples/hub-spoke-transit.yaml"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert ET.fromstring(done.stdout).tag == f"{NS}svg"


def test_preview_refuses_a_bad_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("vnets: [{name: a, address_space: [nonsense]}]\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "quizgen.render.diagram", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "bad.yaml" in done.stderr and "Traceback" not in done.stderr
