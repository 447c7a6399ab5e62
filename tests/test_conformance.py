"""Conformance: the worked examples of azure-rules.md section 11 (EX-01..EX-17), written by hand
from the published Microsoft docs under tests/conformance/, and the expected answers written in
the example topologies of examples/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from quizgen.checks import run, verify
from quizgen.loader import load_topology, topology_from_dict

HERE = Path(__file__).parent
ROOT = HERE.parent
CASES = sorted((HERE / "conformance").glob("EX-*.yaml"))
RULE_IDS = set(re.findall(r"\*\*([A-Z]+-\d+) —", (ROOT / "docs" / "azure-rules.md").read_text()))


def _params():
    for path in CASES:
        case = yaml.safe_load(path.read_text())
        for scenario in case["scenarios"]:
            for n, check in enumerate(scenario["checks"]):
                name = f"{case['id']}-{scenario['name']}-{n}".replace(" ", "_")
                yield pytest.param(case, scenario, check, id=name)


PARAMS = list(_params())


def test_every_worked_example_has_a_case():
    """EX-01..EX-17: each example of section 11 has a conformance file."""
    assert [p.stem for p in CASES] == [f"EX-{n:02d}" for n in range(1, 18)]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_case_cites_known_rules(path):
    case = yaml.safe_load(path.read_text())
    assert case["source"], "each case names its doc source"
    assert case["rules"] and set(case["rules"]) <= RULE_IDS, set(case["rules"]) - RULE_IDS


@pytest.mark.parametrize(("case", "scenario", "check"), PARAMS)
def test_worked_example(case, scenario, check):
    topo = topology_from_dict(scenario["topology"], f"{case['id']}: {scenario['name']}")
    assert verify(topo, check) == []


# --- the example topologies of examples/, with the answers written in their comments ----------

EXAMPLES = ROOT / "examples"


@pytest.mark.parametrize(
    ("src", "dst", "port", "reason"),
    [
        ("vm-a", "vm-b", 22, "delivered"),
        ("vm-b", "vm-c", 22, "delivered"),
        ("vm-a", "vm-c", 22, "no-route"),
    ],
)
def test_chain_nontransitive(src, dst, port, reason):
    """PEER-04: A-B-C in a chain; A cannot reach C."""
    topo = load_topology(EXAMPLES / "chain-nontransitive.yaml")
    assert (
        verify(
            topo,
            {
                "command": "reach",
                "args": {"from": src, "to": dst, "protocol": "tcp", "port": port},
                "expect": {"reason": reason, "reachable": reason == "delivered"},
            },
        )
        == []
    )


def test_chain_global_peering_next_hop():
    """RT-05: vnet-b (eastus) to vnet-c (westeurope) is VNetGlobalPeering."""
    topo = load_topology(EXAMPLES / "chain-nontransitive.yaml")
    assert (
        verify(
            topo,
            {
                "command": "next-hop",
                "args": {"vm": "vm-b", "dest": "10.2.1.4"},
                "expect": {"next_hop_type": "VNetGlobalPeering"},
            },
        )
        == []
    )


@pytest.mark.parametrize(
    ("src", "dst", "reason"),
    [
        ("vm-a", "192.168.1.10", "delivered"),
        ("vm-b", "192.168.1.10", "gateway-transit-not-enabled"),
        ("vm-a", "vm-b", "no-route"),
    ],
)
def test_hub_spoke_transit(src, dst, reason):
    """PEER-08/09, PEER-04."""
    topo = load_topology(EXAMPLES / "hub-spoke-transit.yaml")
    assert (
        verify(
            topo,
            {
                "command": "reach",
                "args": {"from": src, "to": dst, "protocol": "tcp", "port": 443},
                "expect": {"reason": reason},
            },
        )
        == []
    )


def test_hub_spoke_transit_gateway_route():
    """RT-06: spoke-a's route to on-premises has source and next hop VirtualNetworkGateway."""
    topo = load_topology(EXAMPLES / "hub-spoke-transit.yaml")
    assert (
        verify(
            topo,
            {
                "command": "routes",
                "args": {"vm": "vm-a"},
                "expect": {
                    "routes": [
                        {
                            "prefix": "192.168.0.0/16",
                            "next_hop_type": "VirtualNetworkGateway",
                            "source": "VirtualNetworkGateway",
                            "state": "Active",
                        }
                    ]
                },
            },
        )
        == []
    )


@pytest.mark.parametrize(
    ("src", "dst", "port", "reason"),
    [
        ("dev-app", "prod-storage", 443, "delivered"),
        ("prod-app", "dev-db", 5432, "delivered"),
        ("dev-db", "prod-storage", 443, "nsg-deny-inbound"),
    ],
)
def test_techcorp(src, dst, port, reason):
    topo = load_topology(EXAMPLES / "techcorp-dev-prod.yaml")
    assert (
        verify(
            topo,
            {
                "command": "reach",
                "args": {"from": src, "to": dst, "protocol": "tcp", "port": port},
                "expect": {"reason": reason},
            },
        )
        == []
    )


def test_techcorp_deny_names_rule():
    topo = load_topology(EXAMPLES / "techcorp-dev-prod.yaml")
    assert (
        verify(
            topo,
            {
                "command": "reach",
                "args": {"from": "dev-db", "to": "prod-storage", "protocol": "tcp", "port": 443},
                "expect": {
                    "hops": [
                        {
                            "step": "nsg-inbound",
                            "ok": False,
                            "decided_by": "nsg-prod-storage/securityRules/deny-all-else",
                        }
                    ]
                },
            },
        )
        == []
    )


def test_techcorp_routes():
    topo = load_topology(EXAMPLES / "techcorp-dev-prod.yaml")
    routes = {
        (r["prefix"], r["next_hop_type"]) for r in run(topo, "routes", {"vm": "dev-app"})["routes"]
    }
    assert routes == {
        ("10.0.0.0/16", "VnetLocal"),
        ("172.16.0.0/16", "VNetPeering"),
        ("0.0.0.0/0", "Internet"),
        ("10.0.0.0/8", "None"),
        ("172.16.0.0/12", "None"),
        ("192.168.0.0/16", "None"),
        ("100.64.0.0/10", "None"),
    }
