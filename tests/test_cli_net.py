"""The net commands wired to the loader, validate and the evaluator: exit codes and the JSON
shapes of contracts.md section 2, on the example topologies. What the answers are is for the
evaluator's own tests; here each command must answer, in text and in JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import invoke

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CHAIN = str(EXAMPLES / "chain-nontransitive.yaml")
HUB = str(EXAMPLES / "hub-spoke-transit.yaml")
TECHCORP = str(EXAMPLES / "techcorp-dev-prod.yaml")

PEERING_KEYS = ["name", "from", "to", "state", "sync_level", "gateway_transit"]
ROUTE_KEYS = ["prefix", "next_hop_type", "next_hop_ip", "source", "state", "name"]

CASES = {
    "validate": (["validate", TECHCORP], {"valid", "problems"}),
    "peerings": (["peerings", HUB], None),
    "can-peer": (["can-peer", HUB, "vnet-spoke-a", "vnet-spoke-b"], {"ok", "reason", "conflicts"}),
    "routes --vm": (["routes", HUB, "--vm", "vm-a"], None),
    "routes --subnet": (["routes", HUB, "--subnet", "vnet-hub/shared"], None),
    "next-hop": (
        ["next-hop", HUB, "--vm", "vm-a", "--dest", "192.168.1.10"],
        {"next_hop_type", "next_hop_ip", "route_table"},
    ),
    "ip-flow": (
        [
            "ip-flow",
            TECHCORP,
            "--vm",
            "prod-storage",
            "--direction",
            "inbound",
            "--protocol",
            "tcp",
            "--local",
            "172.16.2.20:443",
            "--remote",
            "10.0.1.10:50000",
        ],
        {"access", "rule", "nsg"},
    ),
    "nsg-eval": (
        [
            "nsg-eval",
            TECHCORP,
            "--nsg",
            "nsg-dev-db",
            "--direction",
            "inbound",
            "--protocol",
            "icmp",
            "--source",
            "172.16.1.10",
            "--destination",
            "10.0.2.5",
        ],
        {"access", "rule"},
    ),
    "nsg-rules": (["nsg-rules", TECHCORP, "--vm", "dev-db"], None),
    "reach": (
        ["reach", CHAIN, "--from", "vm-a", "--to", "vm-c", "--protocol", "tcp", "--port", "22"],
        {"reachable", "reason", "hops", "explanation"},
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_command_answers_in_text_and_json(case: str) -> None:
    args, keys = CASES[case]
    code, out, err = invoke("net", *args)
    assert (code, err) == (0, ""), err
    assert out.strip() and "Traceback" not in out
    code, out, err = invoke("net", *args, "--json")
    assert (code, err) == (0, ""), err
    document = json.loads(out)
    if keys is not None:
        assert keys <= set(document)
    elif case == "peerings":
        assert document and all(list(link) == PEERING_KEYS for link in document)
    elif case.startswith("routes"):
        assert document and all(list(route) == ROUTE_KEYS for route in document)
    else:
        assert isinstance(document, list) and document


def test_routes_text_is_a_table() -> None:
    _, out, _ = invoke("net", "routes", HUB, "--vm", "vm-a")
    lines = out.splitlines()
    assert lines[0] == "Effective routes of vnet-spoke-a/app (VM vm-a)"
    assert lines[2].split() == [
        "Prefix",
        "Next",
        "hop",
        "type",
        "Next",
        "hop",
        "IP",
        "Source",
        "State",
        "Name",
    ]


def test_validate_exits_1_on_a_broken_rule(tmp_path: Path) -> None:
    topology = tmp_path / "overlap.yaml"
    topology.write_text(
        "vnets:\n"
        "  - name: v1\n"
        "    region: eastus\n"
        "    address_space: [10.0.0.0/16]\n"
        "    subnets:\n"
        "      - {name: a, prefix: 10.0.1.0/24}\n"
        "      - {name: b, prefix: 10.0.1.0/25}\n"
    )
    code, out, err = invoke("net", "validate", str(topology))
    assert (code, err) == (1, "")
    assert "subnet-overlap" in out
    code, out, _ = invoke("net", "validate", str(topology), "--json")
    document = json.loads(out)
    assert code == 1 and document["valid"] is False
    assert [p["code"] for p in document["problems"]] == ["subnet-overlap"]


def test_validate_warnings_alone_exit_0(tmp_path: Path) -> None:
    """NSG-14: an NSG on GatewaySubnet is advised against, not refused: a warning, exit 0."""
    topology = tmp_path / "warn.yaml"
    topology.write_text(
        "vnets:\n"
        "  - name: hub\n"
        "    region: eastus\n"
        "    address_space: [10.0.0.0/16]\n"
        "    subnets: [{name: GatewaySubnet, prefix: 10.0.255.0/27, nsg: nsg-gw}]\n"
        "    gateway: {name: vgw, type: vpn, sku: VpnGw1}\n"
        "nsgs: [{name: nsg-gw, rules: []}]\n"
    )
    code, out, _ = invoke("net", "validate", str(topology), "--json")
    document = json.loads(out)
    assert code == 0 and document["valid"] is True
    assert [(p["code"], p["severity"]) for p in document["problems"]] == [
        ("gatewaysubnet-nsg", "warning")
    ]


def test_bad_yaml_is_bad_input_with_every_problem_in_json(tmp_path: Path) -> None:
    topology = tmp_path / "broken.yaml"
    topology.write_text("vnets: [\n")
    code, out, err = invoke("net", "peerings", str(topology))
    assert code == 2 and out == "" and str(topology) in err and "Traceback" not in err
    code, out, _ = invoke("net", "peerings", str(topology), "--json")
    document = json.loads(out)
    assert code == 2 and list(document) == ["error", "problems"]
    assert document["problems"] and document["problems"][0]["file"] == str(topology)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["routes", HUB, "--vm", "vm-nope"], "--vm: got 'vm-nope'; expected a VM"),
        (["routes", HUB, "--subnet", "vnet-hub/nope"], "expected a subnet of vnet-hub"),
        (["can-peer", HUB, "vnet-hub", "vnet-nope"], "VNET_B: got 'vnet-nope'"),
        (["nsg-rules", TECHCORP, "--vm", "nope"], "--vm: got 'nope'"),
        (["reach", CHAIN, "--from", "vm-nope", "--to", "vm-a", "--protocol", "icmp"], "vm-nope"),
    ],
)
def test_unknown_names_are_bad_input(args: list[str], fragment: str) -> None:
    code, out, err = invoke("net", *args)
    assert code == 2 and out == "" and fragment in err and "Traceback" not in err
