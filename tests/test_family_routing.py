"""The routing families: next-hop, udr-precedence, effective-routes, nva-routing, hop-order.

test_questions.py already proves every question passes the gate; these tests pin what each family
is about: the misconception each distractor carries, the checks it relies on, and the shape of
its items.
"""

from __future__ import annotations

import random

import pytest

from quizgen.checks import run
from quizgen.generator import patch
from quizgen.loader import topology_from_dict
from quizgen.questions.families import hop_order
from quizgen.questions.families import next_hop as nh
from quizgen.questions.families.nva_routing import describe_fix
from quizgen.questions.gate import answers, problems
from quizgen.questions.generate import question

SEEDS = range(40)
ROUTING = ("next-hop", "udr-precedence", "effective-routes", "nva-routing", "hop-order")
MISCONCEPTIONS = {
    "next-hop": {"T-01", "T-02", "T-33", "T-34", "T-37", "T-38"},
    "udr-precedence": {"T-01", "T-02", "T-33", "T-34", "T-35", "T-37", "T-38"},
    "nva-routing": {"T-23", "T-42", "T-43"},
}


def _questions(family: str) -> list[dict]:
    return [d for s in SEEDS if (d := question(family, s)) is not None]


@pytest.mark.parametrize("family", ROUTING)
def test_no_check_leans_on_an_assumption_and_rules_are_cited(family):
    for doc in _questions(family):
        assert problems(doc) == []
        assert all(not a.get("assumptions") for a in answers(doc)), doc["id"]
        assert any(r.startswith(("RT-", "NVA-")) for r in doc["rules"]), doc["id"]
        assert doc["explanation"][-1].startswith("Learn more: https://learn.microsoft.com/")


@pytest.mark.parametrize("family", sorted(MISCONCEPTIONS))
def test_distractors_carry_the_family_misconceptions(family):
    seen = set()
    for doc in _questions(family):
        for option in doc.get("options", []):
            if option["correct"]:
                assert "misconception" not in option
            else:
                assert option["misconception"] in MISCONCEPTIONS[family], doc["id"]
                seen.add(option["misconception"])
    assert len(seen) >= 3, seen


def test_next_hop_never_asks_the_ip_of_a_gateway_hop():
    """The next hop IP is asked in every hotspot: the appliance's IP for VirtualAppliance, the
    choice "None" for a type NW-02 gives no IP; never for VirtualNetworkGateway (U-05)."""
    empty = 0
    for doc in _questions("next-hop"):
        for blank in doc.get("blanks", []):
            assert doc["checks"][blank["check"]]["command"] == "next-hop"
            if blank["field"] != "next_hop_ip":
                continue
            answer = answers(doc)[blank["check"]]
            if answer["next_hop_type"] == "VirtualAppliance":
                assert blank["answer"] == answer["next_hop_ip"] != blank["null_choice"]
            else:
                assert answer["next_hop_type"] in nh.NO_IP and answer["next_hop_ip"] is None
                assert blank["answer"] == blank["null_choice"]
                empty += 1
        if doc["item_type"] == "hotspot":
            assert [b["field"] for b in doc["blanks"]] == [
                "next_hop_type",
                "next_hop_ip",
                "route_table",
            ]
    assert empty


def test_the_gate_reads_an_empty_next_hop_ip_only_as_the_null_choice():
    doc = next(
        d
        for d in _questions("next-hop")
        if d["item_type"] == "hotspot" and d["blanks"][0]["answer"] == "VirtualAppliance"
    )
    ip = doc["blanks"][1]
    assert problems(doc) == []
    ip["answer"] = ip["null_choice"]  # "None" where next hop reports the appliance's IP
    assert any("blank 2" in p for p in problems(doc))
    empty = next(
        d
        for d in _questions("next-hop")
        if d["item_type"] == "hotspot" and d["blanks"][0]["answer"] != "VirtualAppliance"
    )
    del empty["blanks"][1]["null_choice"]  # without it, "None" is not what the evaluator says
    assert any("blank 2" in p for p in problems(empty))


def test_lab_reproduces_the_documented_next_hops():
    """EX-05/EX-06: a private address outside every VNet goes to None, a public one to the
    Internet; with a 0.0.0.0/0 user route both go to the appliance (RT-16)."""
    lab = nh.lab(random.Random(5), peer=None, routes=())
    outside = next(d for d in lab.dests if d.kind == "outside")
    public = next(d for d in lab.dests if d.kind == "public")
    assert run(lab.topo, "next-hop", {"vm": "VM1", "dest": outside.ip})["next_hop_type"] == "None"
    hop = run(lab.topo, "next-hop", {"vm": "VM1", "dest": public.ip})
    assert (hop["next_hop_type"], hop["route_table"]) == ("Internet", "System Route")
    claims = nh.wrong_claims(lab, next(h for h in nh.next_hops(lab) if h.dest == outside))
    assert ({"next_hop_type": "Internet"}, "T-38") in claims
    forced = nh.lab(random.Random(5), peer=None, routes=("default-nva",))
    hop = run(forced.topo, "next-hop", {"vm": "VM1", "dest": outside.ip})
    assert hop["next_hop_type"] == "VirtualAppliance" and hop["route_table"] == "RT1"


def test_udr_precedence_peering_beats_a_more_specific_gateway_route():
    """RT-14 (T-34): the on-premises /24 inside the peered VNet loses to the peering route."""
    lab = nh.lab(
        random.Random(3),
        peer="connected",
        gateway=True,
        onprem_in_peer=True,
        routes=("default-nva",),
    )
    dest = next(d for d in lab.dests if d.kind == "peer-onprem")
    hop = run(lab.topo, "next-hop", {"vm": "VM1", "dest": dest.ip})
    assert hop["next_hop_type"] == "VNetPeering" and not hop["assumptions"]
    h = next(h for h in nh.next_hops(lab) if h.dest == dest)
    assert ({"next_hop_type": "VirtualNetworkGateway"}, "T-34") in nh.wrong_claims(lab, h)


def test_effective_routes_statements_are_positive_claims_on_routes():
    kinds = set()
    for doc in _questions("effective-routes"):
        if doc["item_type"] != "yes-no-series":
            continue
        assert len(doc["statements"]) == 3
        assert len({s["answer"] for s in doc["statements"]}) == 2
        for s in doc["statements"]:
            assert doc["checks"][s["check"]]["command"] == "routes"
            (item,) = s["claim"]["routes"]
            kinds.add("state" if "state" in item else item["next_hop_type"])
    assert {"state", "None", "VirtualNetworkGateway"} <= kinds


def test_nva_routing_correct_option_delivers_and_distractors_change_something():
    for doc in _questions("nva-routing"):
        base = doc["topology"]
        for option, answer in zip(doc["options"], _option_answers(doc), strict=True):
            changes = doc["checks"][option["check"]]["changes"]
            changed, _ = patch.apply(base, changes)
            assert changed != base, (doc["id"], option["text"])
            assert answer["reachable"] is option["correct"]
        broken = run(topology_from_dict(base), "reach", doc["checks"][0]["args"])
        assert not broken["reachable"]


def _option_answers(doc: dict) -> list[dict]:
    results = answers(doc)
    return [results[o["check"]] for o in doc["options"]]


def test_describe_fix_wording():
    doc = {"vms": [], "vnets": []}
    text = describe_fix(doc, [{"op": "set", "path": "vms[nva1].appliance", "value": True}])
    assert text is not None and "operating system of nva1" in text
    text = describe_fix(
        doc,
        [
            {
                "op": "add",
                "path": "route_tables[rt-a].routes",
                "value": {
                    "name": "to-b",
                    "prefix": "10.2.0.0/16",
                    "next_hop_type": "VirtualAppliance",
                    "next_hop_ip": "10.0.1.4",
                },
            }
        ],
    )
    assert text == (
        "Add routes to the route table rt-a (for 10.2.0.0/16) with next hop type Virtual "
        "appliance and next hop address 10.0.1.4."
    )
    assert describe_fix(doc, [{"op": "set", "path": "peerings[x].state", "value": None}]) is None


def test_hop_order_is_the_evaluators_hop_list():
    for doc in _questions("hop-order"):
        ordering = doc["ordering"]
        answer = answers(doc)[ordering["check"]]
        assert ordering["field"] == hop_order.FIELD
        assert ordering["answer"] == [
            h["text"]
            for h in answer["hops"]
            if h["leg"] == "request" and h["step"] in hop_order.STEPS
        ]
        assert sorted(ordering["steps"]) == sorted(ordering["answer"])
        assert ordering["steps"] != ordering["answer"]
        assert any(h["step"] == "gateway" for h in answer["hops"])
        assert not any(h["step"] == "appliance" for h in answer["hops"])
