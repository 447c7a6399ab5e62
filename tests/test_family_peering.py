"""Peering and gateway families: what each distractor stands for, and what is never asked.

The gate (tests/test_questions.py) proves every key; these tests pin the family-specific promises:
the misconception each distractor carries is the one its failure shows, fix-it options name
every object their change touches, and no question leans on what the rule book leaves open
(ADDR-05, U-04, Basic load balancers).
"""

from __future__ import annotations

import re

import pytest

from quizgen.generator import patch
from quizgen.questions.families.troubleshoot import Unspeakable, describe
from quizgen.questions.gate import answers, problems
from quizgen.questions.generate import question

SEEDS = range(16)


def _docs(family: str) -> list[dict]:
    docs = [d for s in SEEDS if (d := question(family, s)) is not None]
    assert docs, family
    return docs


def test_peering_candidates_distractors_match_their_misconception():
    for doc in _docs("peering-candidates"):
        assert problems(doc) == []
        results = answers(doc)
        for option in doc["options"]:
            reason = results[option["check"]]["reason"]
            if option["correct"]:
                assert reason is None
            elif option["misconception"] == "T-09":
                # overlaps the hub's address space, never a hub subnet: only the space counts
                assert reason == "address-space-overlap"
                hub = doc["checks"][option["check"]]["args"]["vnet_a"]
                _assert_subnets_apart(doc["topology"], hub, option["text"])
            else:
                assert option["misconception"] == "T-10"
                assert reason == "overlaps-already-peered-vnet"


def _assert_subnets_apart(topology: dict, a: str, b: str) -> None:
    from ipaddress import IPv4Network

    def subnets(name: str) -> list[IPv4Network]:
        vnet = next(v for v in topology["vnets"] if v["name"] == name)
        return [IPv4Network(s["prefix"]) for s in vnet["subnets"]]

    assert not any(x.overlaps(y) for x in subnets(a) for y in subnets(b))


def test_peering_state_options_and_blanks():
    for doc in _docs("peering-state"):
        assert problems(doc) == []
        for option in doc.get("options", []):
            if not option["correct"]:
                assert option["misconception"] in {"T-02", "T-03"}
        # the learner is told the actions, never shown the states
        titles = [e["title"] for e in doc["exhibits"]]
        assert "Peerings" not in titles and "Actions performed, in order" in titles


def test_address_sync_never_asks_about_the_new_range_before_the_sync():
    for doc in _docs("address-sync"):
        assert problems(doc) == []
        for check, answer in zip(doc["checks"], answers(doc), strict=True):
            assert not answer.get("assumptions")
            if check["command"] == "next-hop" and "changes" not in check:
                # before any sync only the ranges peered earlier are asked about
                new = re.search(r"adds? (?:the address range )?(\S+) to", doc["stem"])
                assert new is not None
                from ipaddress import IPv4Address, IPv4Network

                assert IPv4Address(check["args"]["dest"]) not in IPv4Network(new[1])
        for option in doc.get("options", []):
            if not option["correct"]:
                assert option["misconception"] in {"T-11", "T-12"}


def test_global_peering_items_mix_answers_and_skip_basic_load_balancers():
    for doc in _docs("global-peering"):
        assert problems(doc) == []
        text = " ".join([doc["stem"], *(s["text"] for s in doc.get("statements", []))])
        assert "load balancer" not in text.lower()
        if doc["item_type"] == "yes-no-series":
            assert len({s["answer"] for s in doc["statements"]}) == 2


@pytest.mark.parametrize("family", ["gateway-transit", "troubleshoot"])
def test_fix_it_options_name_what_they_change(family):
    for doc in _docs(family):
        assert problems(doc) == []
        for option in doc["options"]:
            changes = doc["checks"][option["check"]].get("changes", [])
            assert changes, option
            if doc["item_type"] != "fix-it":
                continue  # a multi-choice check also applies the other setting of the pair
            for name in patch.touched(changes):
                assert name in option["text"] or name == "GatewaySubnet", (name, option)
            if not option["correct"]:
                assert re.fullmatch(r"T-\d\d", option["misconception"])


def test_gateway_transit_asks_only_spoke_to_on_premises():
    for doc in _docs("gateway-transit"):
        vms = {v["name"] for v in doc["topology"]["vms"]}
        for check in doc["checks"]:
            assert check["command"] == "reach"
            assert check["args"]["from"] in vms and check["args"]["to"] not in vms
        if doc["item_type"] == "multi-choice":
            assert sum(o["correct"] for o in doc["options"]) == 2 == doc["select"]


def _doc() -> dict:
    return {
        "vnets": [
            {
                "name": "vnet-hub",
                "region": "eastus",
                "address_space": ["10.0.0.0/16"],
                "subnets": [{"name": "GatewaySubnet", "prefix": "10.0.255.0/27"}],
                "gateway": {"name": "vgw-hub", "type": "vpn", "sku": "Basic"},
            },
            {
                "name": "vnet-spoke",
                "region": "eastus",
                "address_space": ["10.1.0.0/16"],
                "subnets": [{"name": "app", "prefix": "10.1.1.0/24", "route_table": "rt-app"}],
            },
        ],
        "peerings": [
            {"name": "hub-to-spoke", "from": "vnet-hub", "to": "vnet-spoke"},
            {
                "name": "spoke-to-hub",
                "from": "vnet-spoke",
                "to": "vnet-hub",
                "state": "Disconnected",
            },
        ],
        "route_tables": [{"name": "rt-app", "routes": []}],
    }


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        (
            [{"op": "set", "path": "peerings[hub-to-spoke].allow_gateway_transit", "value": True}],
            "Set Allow gateway transit on hub-to-spoke to Enabled.",
        ),
        (
            [
                {
                    "op": "set",
                    "path": "peerings[hub-to-spoke].allow_gateway_transit",
                    "value": True,
                },
                {"op": "set", "path": "peerings[hub-to-spoke].use_remote_gateways", "value": None},
            ],
            "On hub-to-spoke, set Allow gateway transit to Enabled and Use remote gateways to "
            "Disabled.",
        ),
        (
            [{"op": "set", "path": "vnets[vnet-hub].gateway.sku", "value": "VpnGw1"}],
            "Replace the Basic SKU gateway vgw-hub in vnet-hub with a VpnGw1 gateway.",
        ),
        (
            [
                {"op": "remove", "path": "peerings[spoke-to-hub]"},
                {"op": "add", "path": "peerings", "value": {"name": "spoke-to-hub"}},
                {"op": "add", "path": "peerings", "value": {"name": "hub-to-spoke"}},
            ],
            "Delete spoke-to-hub, and then create both spoke-to-hub and hub-to-spoke again.",
        ),
        (
            [
                {"op": "set", "path": "vnets[vnet-spoke].subnets[app].route_table", "value": None},
                {"op": "remove", "path": "route_tables[rt-app]"},
            ],
            "Dissociate the route table rt-app from the subnet app of vnet-spoke and delete it.",
        ),
        (
            [{"op": "set", "path": "route_tables[rt-app].propagate_gateway_routes", "value": None}],
            "Set Propagate gateway routes on rt-app to Yes.",
        ),
    ],
)
def test_describe_changes(changes, text):
    assert describe(_doc(), changes) == text


def test_describe_refuses_what_it_cannot_word():
    with pytest.raises(Unspeakable):
        describe(_doc(), [{"op": "set", "path": "vnets[vnet-hub].region", "value": "westus"}])
