"""Terminal text of questions (what the drill and the plain exam show): golden files for one
fixed question of every item type, boxed and plain, and the table and tree layout rules."""

from __future__ import annotations

import pytest

from quizgen.questions import ITEM_TYPES
from quizgen.questions.generate import generate
from quizgen.render import terminal


def _first_of(item_type: str) -> dict:
    return generate(1, seed=2026, item_type=item_type)[0]


@pytest.mark.parametrize("item_type", ITEM_TYPES)
@pytest.mark.parametrize("boxed", [True, False], ids=["boxed", "plain"])
def test_question_screen(item_type: str, boxed: bool, golden) -> None:
    doc = _first_of(item_type)
    lines = terminal.question_lines(doc, 1, width=100, boxed=boxed, tree=True)
    for n, sub in enumerate(doc.get("questions") or [], start=1):
        lines += ["", *terminal.question_lines(sub, n, width=100, boxed=boxed, exhibits=False)]
    lines += ["", *terminal.explanation_lines(doc, 100)]
    text = "\n".join(lines) + "\n"
    drawing = {ch for ch in text if 0x2500 <= ord(ch) <= 0x257F or ch in "☐▾"}
    if not boxed:
        assert not drawing, f"plain mode drew {drawing}"  # screen readers get ASCII layout
    golden(f"terminal/{item_type}-{'boxed' if boxed else 'plain'}.txt", text)


def test_table_fits_the_width_and_wraps_long_cells() -> None:
    rows = [["vnet-hub", "snet-a (10.0.1.0/24); snet-b (10.0.2.0/24); " * 4, "ok"]]
    for width in (60, 80, 120):
        lines = terminal.table_lines(["Name", "Subnets", "State"], rows, width=width)
        assert all(len(line) <= width for line in lines), width
        assert len({len(line) for line in lines}) == 1, "every line of a table has one width"
    joined = " ".join(
        line.split("│")[2].strip() for line in terminal.table_lines(
            ["Name", "Subnets", "State"], rows, width=60)[3:-1]
    )
    assert joined.split() == rows[0][1].split(), "wrapping loses or reorders no word"


def test_tree_shows_structure_but_never_a_setting_questions_ask_about() -> None:
    topology = {
        "vnets": [
            {"name": "hub", "region": "eastus", "address_space": ["10.0.0.0/16"],
             "subnets": [{"name": "app", "prefix": "10.0.1.0/24", "nsg": "nsg-app"}],
             "gateway": {"name": "vgw", "type": "vpn", "sku": "Basic", "connections": ["hq"]}},
            {"name": "spoke", "region": "westus", "address_space": ["10.1.0.0/16"],
             "subnets": [{"name": "web", "prefix": "10.1.1.0/24"}]},
        ],
        "peerings": [{"name": "hub-to-spoke", "from": "hub", "to": "spoke",
                      "allow_gateway_transit": True, "state": "Disconnected"}],
        "vms": [{"name": "vm1", "vnet": "hub", "subnet": "app", "ip": "10.0.1.4",
                 "ip_forwarding": True}],
        "onprem": [{"name": "hq", "address_space": ["192.168.0.0/16"]}],
    }  # fmt: skip
    lines = terminal.topology_tree(topology)
    assert lines == [
        "Azure virtual networks",
        "├── hub (eastus) 10.0.0.0/16",
        "│   ├── subnet app 10.0.1.0/24",
        "│   │   └── vm1 10.0.1.4",
        "│   ├── gateway vgw (VPN) -> hq",
        "│   └── peering hub-to-spoke -> spoke",
        "└── spoke (westus) 10.1.0.0/16",
        "    └── subnet web 10.1.1.0/24",
        "On-premises",
        "└── hq 192.168.0.0/16",
    ]
    text = "\n".join(lines)
    for setting in ("Disconnected", "transit", "Basic", "nsg-app", "forwarding"):
        assert setting not in text
