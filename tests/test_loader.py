"""The loader: topology files in, model out, and every problem named with file, line, value and
what was expected (contracts.md section 1)."""

from __future__ import annotations

import json
import textwrap
import time
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from quizgen.errors import QuizgenError, TopologyError
from quizgen.loader import (
    dump_yaml,
    load_topology,
    parse_topology,
    topology_from_dict,
    topology_patched,
    topology_to_dict,
)
from quizgen.model import (
    ALL_PORTS,
    ANY_ADDRESS,
    AsgRef,
    GatewayType,
    NextHopType,
    PeeringState,
    PortRange,
    PowerState,
    Protocol,
    ServiceTag,
    Topology,
)
from tests.strategies import mangled, topologies

EXAMPLES = Path(__file__).parent.parent / "examples"
NAME_WORDS = "a name such as vnet-hub (letters, digits, '_', '.', '-'; at most 80)"

VNET = """\
vnets:
  - name: vnet-a
    region: eastus
    address_space: [10.0.0.0/16]
    subnets:
      - {name: app, prefix: 10.0.1.0/24}
"""


def load(text: str, filename: str = "t.yaml") -> Topology:
    return parse_topology(textwrap.dedent(text), filename)


def problems(text: str, filename: str = "t.yaml") -> list[str]:
    """The problems loading ``text`` reports, as printed."""
    with pytest.raises(TopologyError) as caught:
        load(text, filename)
    return [str(p) for p in caught.value.problems]


def problem(text: str, filename: str = "t.yaml") -> str:
    [only] = problems(text, filename)
    return only


# -- files that load -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "vnets", "peerings", "vms", "nsgs"),
    [
        ("chain-nontransitive.yaml", 3, 4, 3, 0),
        ("hub-spoke-transit.yaml", 3, 4, 3, 0),
        ("techcorp-dev-prod.yaml", 2, 2, 4, 2),
    ],
)
def test_examples_load(name: str, vnets: int, peerings: int, vms: int, nsgs: int) -> None:
    topo = load_topology(EXAMPLES / name)
    assert (len(topo.vnets), len(topo.peerings), len(topo.vms), len(topo.nsgs)) == (
        vnets,
        peerings,
        vms,
        nsgs,
    )


def test_example_fields_are_read() -> None:
    topo = load_topology(EXAMPLES / "hub-spoke-transit.yaml")
    hub = topo.vnet("vnet-hub")
    assert hub is not None and hub.gateway is not None
    assert hub.gateway.type is GatewayType.VPN and hub.gateway.connections == ("onprem-hq",)
    assert hub.address_space == (IPv4Network("10.0.0.0/16"),)
    link = topo.link("vnet-spoke-a", "vnet-hub")
    assert link is not None and link.use_remote_gateways and link.allow_virtual_network_access
    assert not link.allow_gateway_transit and link.state is None
    assert topo.vm("vm-a").ip == IPv4Address("10.1.1.4")


def test_json_equivalent_loads_equal(tmp_path: Path) -> None:
    source = EXAMPLES / "techcorp-dev-prod.yaml"
    as_json = tmp_path / "techcorp.json"
    as_json.write_text(json.dumps(yaml.safe_load(source.read_text()), indent=2))
    assert load_topology(as_json) == load_topology(source)
    no_extension = tmp_path / "techcorp"
    no_extension.write_text(as_json.read_text())
    assert load_topology(no_extension) == load_topology(source)


def test_flow_yaml_with_unknown_extension_falls_back_to_yaml() -> None:
    text = "{vnets: [{name: a, region: eastus, address_space: [10.0.0.0/16]}]}"
    assert load(text, "t.topo").vnet("a") is not None


def test_defaults_follow_the_contract() -> None:
    topo = load(
        VNET
        + """\
  - {name: vnet-b, region: westus, address_space: 10.1.0.0/16}
peerings:
  - {name: a-b, from: vnet-a, to: vnet-b}
nsgs:
  - name: nsg
    rules: [{name: r, priority: 100, direction: Inbound, access: Deny}]
route_tables:
  - {name: rt}
vms:
  - {name: vm, vnet: vnet-a, subnet: app, ip: 10.0.1.4}
"""
    )
    link = topo.peerings[0]
    assert (
        link.allow_virtual_network_access,
        link.allow_forwarded_traffic,
        link.allow_gateway_transit,
        link.use_remote_gateways,
    ) == (True, False, False, False)
    assert link.state is None and link.synced_address_space is None
    assert topo.vnet("vnet-b").address_space == (IPv4Network("10.1.0.0/16"),)
    rule = topo.nsgs[0].rules[0]
    assert (rule.protocol, rule.source, rule.destination) == (
        Protocol.ANY,
        (ANY_ADDRESS,),
        (ANY_ADDRESS,),
    )
    assert rule.source_ports == rule.destination_ports == ALL_PORTS and rule.default is False
    assert topo.route_tables[0].propagate_gateway_routes is True
    vm = topo.vms[0]
    assert (vm.nsg, vm.ip_forwarding, vm.appliance, vm.asgs, vm.public_ip) == (
        None,
        False,
        False,
        (),
        None,
    )
    assert vm.power_state is PowerState.RUNNING


def test_lenient_spellings_are_normalised() -> None:
    topo = load(
        VNET
        + """\
    gateway: {name: gw, type: ExpressRoute, sku: ergw1az}
nsgs:
  - name: nsg
    rules:
      - {name: r1, priority: 100, direction: Inbound, access: ALLOW, protocol: Any,
         source: virtualnetwork, destination: 'asg:web', destination_ports: 443}
      - {name: r2, priority: 200, direction: outbound, access: deny, protocol: UDP,
         source: '10.0.0.0/24, 10.0.2.5', source_ports: '80, 443,8000-8100',
         destination: [Internet], destination_ports: [22, '3389']}
route_tables:
  - name: rt
    routes:
      - {name: r1, prefix: 0.0.0.0/0, next_hop_type: virtualappliance, next_hop_ip: 10.0.1.4}
      - {name: r2, prefix: 10.9.0.0/16, next_hop_type: none}
      - {name: r3, prefix: 10.8.0.0/16, next_hop_type: Internet, next_hop_ip: 10.0.1.5}
vms:
  - {name: vm, vnet: vnet-a, subnet: app, ip: 10.0.1.4, asgs: web, power_state: Stopped}
peerings: []
"""
    )
    gateway = topo.vnets[0].gateway
    assert (gateway.type, gateway.sku) == (GatewayType.EXPRESSROUTE, "ErGw1AZ")
    r1, r2 = topo.nsgs[0].rules
    assert (r1.protocol, r1.source, r1.destination) == (
        Protocol.ANY,
        (ServiceTag.VIRTUAL_NETWORK,),
        (AsgRef("web"),),
    )
    assert r1.destination_ports == (PortRange(443, 443),)
    assert r2.source == (IPv4Network("10.0.0.0/24"), IPv4Network("10.0.2.5/32"))
    assert r2.source_ports == (PortRange(80, 80), PortRange(443, 443), PortRange(8000, 8100))
    assert r2.destination == (ServiceTag.INTERNET,)
    assert r2.destination_ports == (PortRange(22, 22), PortRange(3389, 3389))
    hops = [r.next_hop_type for r in topo.route_tables[0].routes]
    assert hops == [NextHopType.VIRTUAL_APPLIANCE, NextHopType.NONE, NextHopType.INTERNET]
    # an IP on a non-appliance route is kept: validate reports it (RT-08), loading does not
    assert topo.route_tables[0].routes[2].next_hop_ip == IPv4Address("10.0.1.5")
    assert topo.vms[0].asgs == ("web",) and topo.vms[0].power_state is PowerState.STOPPED


def test_disconnected_state_and_synced_space_are_read() -> None:
    topo = load(
        VNET
        + """\
  - {name: vnet-b, region: westus, address_space: [10.1.0.0/16]}
peerings:
  - {name: a-b, from: vnet-a, to: vnet-b, state: disconnected, synced_address_space: []}
  - {name: b-a, from: vnet-b, to: vnet-a, synced_address_space: 10.0.0.0/16}
"""
    )
    assert topo.peerings[0].state is PeeringState.DISCONNECTED
    assert topo.peerings[0].synced_address_space == ()
    assert topo.peerings[1].synced_address_space == (IPv4Network("10.0.0.0/16"),)


def test_scenario_and_x_sections_are_kept_verbatim() -> None:
    topo = load(VNET + "scenario: {family: demo, seed: 7, steps: [a, b]}\nx-notes: hello\n")
    assert topo.extra == (("scenario", {"family": "demo", "seed": 7, "steps": ["a", "b"]}),
                          ("x-notes", "hello"))  # fmt: skip
    doc = topology_to_dict(topo)
    assert list(doc)[-2:] == ["scenario", "x-notes"]
    assert topology_from_dict(doc).extra == topo.extra


def test_yaml_merge_keys_work_and_explicit_keys_win() -> None:
    topo = load("""\
        x-base: &base {region: eastus, address_space: [10.0.0.0/16]}
        vnets:
          - {<<: *base, name: a}
          - {<<: *base, name: b, region: westus, address_space: [10.1.0.0/16]}
        """)
    assert [(v.name, v.region) for v in topo.vnets] == [("a", "eastus"), ("b", "westus")]


# -- bad input: the file as a whole ---------------------------------------------------------------


def test_error_message_counts_problems_and_is_a_quizgen_error() -> None:
    with pytest.raises(QuizgenError) as caught:
        load("vnets: 3\nnsgs: {}\n")
    assert isinstance(caught.value, TopologyError)
    assert caught.value.message == "t.yaml: 2 problems in the topology file"
    assert str(caught.value).splitlines()[1:] == [
        "  t.yaml:1: vnets: got 3; expected a list of VNets",
        "  t.yaml:2: nsgs: got {}; expected a list of NSGs",
    ]


def test_tabs_name_the_line_and_the_fix() -> None:
    message = problem("vnets:\n\t- name: a\n")
    assert message.startswith("t.yaml:2: got '- name: a'; expected valid YAML (found character")
    assert "indent with spaces, not tabs" in message


def test_yaml_syntax_error() -> None:
    message = problem(VNET + "  - {name: b, region: eastus\n")
    assert message.startswith("t.yaml:8: ") and "expected valid YAML" in message


def test_several_documents_are_refused() -> None:
    assert "t.yaml:2: got '--- b'; expected valid YAML" in problem("--- a\n--- b\n")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"vnets:\n  - name: caf\xe9\n")
    with pytest.raises(TopologyError) as caught:
        load_topology(path)
    assert [str(p) for p in caught.value.problems] == [
        f"{path}:2: got b'\\xe9'; expected UTF-8 text (save the file as UTF-8)"
    ]


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + VNET.encode())
    assert load_topology(path).vnet("vnet-a") is not None


def test_control_characters() -> None:
    assert problem(VNET + "\x07\n") == (
        "t.yaml:7: got '\\x07'; expected printable text (no control characters)"
    )


@pytest.mark.parametrize("text", ["", "\n", "# nothing here\n"])
def test_empty_file(text: str) -> None:
    assert problem(text) == (
        "t.yaml:1: got an empty file; expected a topology: a mapping with sections such as vnets"
    )


def test_top_level_not_a_mapping() -> None:
    assert problem("- vnet-a\n- vnet-b\n").startswith(
        "t.yaml:1: got ['vnet-a', 'vnet-b']; expected a topology: a mapping with the fields vnets,"
    )


def test_unknown_top_level_section_with_suggestion() -> None:
    message = problem(VNET + "nsg: []\n")
    assert message.startswith("t.yaml:7: got unknown field 'nsg'; expected one of the fields of")
    assert message.endswith("(did you mean nsgs?)")


def test_missing_file_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(TopologyError) as caught:
        load_topology(tmp_path / "nope.yaml")
    assert "No such file" in str(caught.value)


def test_json_syntax_error_names_line_and_column() -> None:
    text = '{"vnets": [\n  {"name": "a",}\n]}'
    assert problem(text, "t.json") == (
        "t.json:2: got '}\\n]}'; expected valid JSON "
        "(Expecting property name enclosed in double quotes at column 16)"
    )


def test_json_problems_have_lines() -> None:
    text = (
        '{"vnets": [\n  {"name": "a",\n   "region": "eastus",\n'
        '   "address_space": ["10.0.0.1/16"]}\n]}'
    )
    assert problem(text, "t.json").startswith(
        "t.json:4: vnets[a].address_space[0]: got '10.0.0.1/16'; expected an IPv4 CIDR"
    )


# -- bad input: duplicate keys, unknown fields, types --------------------------------------------


def test_duplicate_key_in_yaml() -> None:
    text = VNET.replace("    region: eastus\n", "    region: eastus\n    region: westus\n")
    assert problem(text) == (
        "t.yaml:4: vnets[vnet-a].region: got 'region'; "
        "expected each key once in a mapping (it is also at line 3)"
    )


def test_duplicate_key_in_json() -> None:
    text = '{"vnets": [],\n "vnets": []}'
    assert problem(text, "t.json") == (
        "t.json:2: vnets: got 'vnets'; expected each key once in a mapping (it is also at line 1)"
    )


def test_unknown_field_with_suggestion() -> None:
    text = "vnets:\n  - name: vnet-a\n    region: eastus\n    adress_space: [10.0.0.0/16]\n"
    assert problems(text) == [
        "t.yaml:2: vnets[vnet-a].address_space: got nothing; "
        "expected a list of IPv4 CIDRs such as 10.0.0.0/16 (required)",
        "t.yaml:4: vnets[vnet-a]: got unknown field 'adress_space'; expected one of the fields "
        "of a VNet: name, region, subscription, address_space, subnets, gateway "
        "(did you mean address_space?)",
    ]


def test_object_not_a_mapping() -> None:
    assert problem(VNET + "  - vnet-b\n").startswith(
        "t.yaml:7: vnets[1]: got 'vnet-b'; expected a VNet: a mapping with the fields name,"
    )


@pytest.mark.parametrize(
    ("field", "written", "expected"),
    [
        ("name", "[a, b]", NAME_WORDS),
        ("name", "123", "a name written as text (quote it: it reads as a number)"),
        ("name", "'my vnet'", NAME_WORDS),
        ("region", "East US", "a lowercase Azure region id such as eastus (did you mean eastus?)"),
        ("region", "7", "a lowercase Azure region id such as eastus"),
        ("subscription", "[x]", "text"),
        ("address_space", "{a: 1}", "a list of IPv4 CIDRs such as 10.0.0.0/16"),
        ("address_space", "[]", "at least one of IPv4 CIDRs such as 10.0.0.0/16"),
    ],
)
def test_wrong_vnet_field(field: str, written: str, expected: str) -> None:
    fields = {"name": "v", "region": "eastus", "address_space": "[10.0.0.0/16]", field: written}
    text = "vnets:\n  - " + "\n    ".join(f"{k}: {v}" for k, v in fields.items()) + "\n"
    line = 2 + list(fields).index(field)
    message = problem(text)
    assert message.startswith(f"t.yaml:{line}: vnets[")
    assert message.endswith(f".{field}: got {yaml.safe_load(written)!r}; expected {expected}")


def test_booleans_must_be_booleans() -> None:
    text = VNET + (
        "  - {name: b, region: eastus, address_space: [10.1.0.0/16]}\n"
        "peerings:\n  - {name: p, from: vnet-a, to: b, allow_gateway_transit: 'true'}\n"
    )
    assert problem(text) == (
        "t.yaml:9: peerings[p].allow_gateway_transit: got 'true'; expected true or false"
    )


def test_yaml_yes_no_are_booleans_and_hint_when_a_word_was_meant() -> None:
    text = VNET + "vms: [{name: vm, vnet: vnet-a, subnet: app, ip: 10.0.1.4, power_state: off}]\n"
    assert problem(text) == (
        "t.yaml:7: vms[vm].power_state: got false; expected running or stopped "
        "(YAML reads yes, no, on and off as true or false: quote the word)"
    )
    text = VNET + "vms: [{name: vm, vnet: vnet-a, subnet: app, ip: 10.0.1.4, appliance: yes}]\n"
    assert load(text).vms[0].appliance is True


def test_values_are_truncated() -> None:
    with pytest.raises(TopologyError) as caught:
        load(VNET.replace("eastus", "X" * 200))
    [record] = caught.value.problems
    assert record.value.startswith("'XXXX") and "..." in record.value and len(record.value) <= 60
    assert record.expected == "a lowercase Azure region id such as eastus"


# -- bad input: addresses, enums, ports ----------------------------------------------------------


def test_cidr_with_host_bits_suggests_the_network() -> None:
    assert problem(VNET.replace("10.0.1.0/24", "10.0.1.1/24")) == (
        "t.yaml:6: vnets[vnet-a].subnets[app].prefix: got '10.0.1.1/24'; expected an IPv4 CIDR "
        "such as 10.0.0.0/16 with host bits zero; host bits set: did you mean 10.0.1.0/24?"
    )


@pytest.mark.parametrize(
    ("written", "detail"),
    [
        ("10.0.0.0", " (the /length is missing)"),
        ("10.0.0.0/33", ""),
        ("10.0.0/16", ""),
        ("fd00::/8", " (IPv6 is not modelled)"),
        ("16", " (the /length is missing)"),
    ],
)
def test_bad_cidrs(written: str, detail: str) -> None:
    text = "vnets:\n  - name: vnet-a\n    region: eastus\n    address_space: ['{}']\n"
    message = problem(text.format(written))
    assert message.startswith(f"t.yaml:4: vnets[vnet-a].address_space[0]: got '{written}'; ")
    assert message.endswith(
        f"expected an IPv4 CIDR such as 10.0.0.0/16 with host bits zero{detail}"
    )


def test_bad_ip() -> None:
    text = VNET + "vms:\n  - {name: vm, vnet: vnet-a, subnet: app, ip: 10.0.1.400}\n"
    assert problem(text) == (
        "t.yaml:8: vms[vm].ip: got '10.0.1.400'; expected an IPv4 address such as 10.0.1.4"
    )


def gateway(fields: str) -> str:
    return VNET + f"    gateway: {{name: gw, {fields}}}\n"


def test_gateway_type_and_sku() -> None:
    assert problem(gateway("type: vnp")) == (
        "t.yaml:7: vnets[vnet-a].gateway.type: got 'vnp'; expected vpn or expressroute "
        "(did you mean vpn?)"
    )
    message = problem(gateway("sku: VpnGw9AZ"))
    assert message.startswith("t.yaml:7: vnets[vnet-a].gateway.sku: got 'VpnGw9AZ'; expected a ")
    assert "VpnGw1AZ" in message and "ErGwScale" in message


def rule(fields: str) -> str:
    return VNET + (
        "nsgs:\n  - name: nsg\n    rules:\n"
        f"      - {{name: r, priority: 100, direction: inbound, access: allow, {fields}}}\n"
    )


@pytest.mark.parametrize(
    ("fields", "where", "expected"),
    [
        ("direction: in", "direction", "inbound or outbound"),
        ("access: permit", "access", "allow or deny"),
        ("protocol: esp", "protocol", "tcp, udp, icmp or '*' (any)"),
        ("priority: '100'", "priority", "a whole number such as 100 (rules use 100 to 4096)"),
        ("priority: 1.5", "priority", "a whole number such as 100 (rules use 100 to 4096)"),
    ],
)
def test_bad_rule_words(fields: str, where: str, expected: str) -> None:
    text = rule(fields).replace(f"{where}: inbound, ", "").replace(f"{where}: allow, ", "")
    text = text.replace(f"{where}: 100, ", "")
    message = problem(text)
    assert message.startswith(f"t.yaml:10: nsgs[nsg].rules[r].{where}: got ")
    assert message.endswith(f"; expected {expected}")


def test_priority_out_of_range_is_kept_for_validate() -> None:
    topo = load(
        rule("name: r").replace("priority: 100", "priority: 65000").replace(", name: r}", "}")
    )
    assert topo.nsgs[0].rules[0].priority == 65000


@pytest.mark.parametrize(
    ("written", "detail"),
    [
        ("'90-80'", "; a range runs from low to high: 80-90?"),
        ("70000", "; ports go from 0 to 65535"),
        ("'80,*'", "; '*' stands alone"),
        ("'http'", ""),
        ("true", ""),
    ],
)
def test_bad_ports(written: str, detail: str) -> None:
    assert problem(rule(f"destination_ports: {written}")).endswith(
        "; expected '*', a port such as 443, a range such as 80-90, or a mix: 80,443,8000-8100"
        + detail
    )


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            "[VirtualNetwork, Internet]",
            "one service tag or ASG: one rule may list several IPs or ranges, but not several "
            "service tags or ASGs (NSG-01)",
        ),
        (
            "'asg:web,asg:db'",
            "one service tag or ASG: one rule may list several IPs or ranges, but not several "
            "service tags or ASGs (NSG-01)",
        ),
        (
            "[Internet, 10.0.0.0/8]",
            "Internet alone: a service tag or ASG is not mixed with addresses (NSG-01)",
        ),
        ("['*', 10.0.0.0/8]", "'*' alone, or a list of addresses without it"),
        ("[]", "'*', an IPv4 address or CIDR, a service tag (VirtualNetwork, Internet, "
               "AzureLoadBalancer) or asg:NAME; an empty list matches nothing"),
    ],
)  # fmt: skip
def test_rule_address_mixes(written: str, expected: str) -> None:
    message = problem(rule(f"source: {written}"))
    assert message.startswith("t.yaml:10: nsgs[nsg].rules[r].source: got ")
    assert message.endswith(f"; expected {expected}")


def test_unknown_service_tag_suggests_one() -> None:
    assert problem(rule("destination: VirtualNetworks")).endswith(
        "or asg:NAME (did you mean VirtualNetwork?)"
    )


def route(fields: str) -> str:
    return VNET + f"route_tables:\n  - name: rt\n    routes:\n      - {{name: r, {fields}}}\n"


def test_next_hop_types_only_azure_creates() -> None:
    assert problem(route("prefix: 10.0.0.0/8, next_hop_type: VNetPeering")) == (
        "t.yaml:10: route_tables[rt].routes[r].next_hop_type: got 'VNetPeering'; expected one of "
        "VirtualAppliance, VirtualNetworkGateway, VnetLocal, Internet, None; "
        "a route cannot use VNetPeering: only Azure creates those (RT-08)"
    )
    message = problem(route("prefix: 10.0.0.0/8, next_hop_type: VirtualNetworkServiceEndpoint"))
    assert message.endswith("only Azure creates those (RT-08)")


def test_virtual_appliance_needs_an_ip() -> None:
    assert problem(route("prefix: 10.0.0.0/8, next_hop_type: VirtualAppliance")) == (
        "t.yaml:10: route_tables[rt].routes[r].next_hop_ip: got nothing; expected an IPv4 address "
        "such as 10.0.1.4: a VirtualAppliance route needs the appliance's IP"
    )


def test_peering_state_is_derived() -> None:
    text = VNET + "peerings:\n  - {name: p, from: vnet-a, to: vnet-b, state: Connected}\n"
    text = text.replace(
        "vnets:\n", "vnets:\n  - {name: vnet-b, region: eastus, address_space: [10.1.0.0/16]}\n"
    )
    assert problem(text) == (
        "t.yaml:9: peerings[p].state: got 'Connected'; "
        "expected the state is derived: omit it, or write Disconnected (PEER-03)"
    )


# -- bad input: names, references, containment ---------------------------------------------------


REFS = """\
vnets:
  - name: vnet-a
    region: eastus
    address_space: [10.0.0.0/16]
    subnets:
      - {name: app, prefix: 10.0.1.0/24, nsg: nsg-ap, route_table: rt-x}
    gateway: {name: gw, connections: [hq, dc]}
  - {name: vnet-b, region: eastus, address_space: [10.1.0.0/16]}
peerings:
  - {name: p1, from: vnet-a, to: vnet-c}
  - {name: p2, from: vnet-b, to: vnet-b}
nsgs: [{name: nsg-app}]
vms:
  - {name: vm1, vnet: vnet-z, subnet: app, ip: 10.0.1.4}
  - {name: vm2, vnet: vnet-a, subnet: web, ip: 10.0.1.5, nsg: nope}
onprem:
  - {name: hq, address_space: [192.168.0.0/16]}
"""


def test_references_resolve() -> None:
    assert problems(REFS) == [
        "t.yaml:6: vnets[vnet-a].subnets[app].nsg: got 'nsg-ap'; "
        "expected the name of an NSG in this file (did you mean nsg-app? one of: nsg-app)",
        "t.yaml:6: vnets[vnet-a].subnets[app].route_table: got 'rt-x'; "
        "expected the name of a route table in this file (there are none)",
        "t.yaml:7: vnets[vnet-a].gateway.connections[1]: got 'dc'; "
        "expected the name of an on-premises site in this file (one of: hq)",
        "t.yaml:10: peerings[p1].to: got 'vnet-c'; "
        "expected the name of a VNet in this file (did you mean vnet-b? one of: vnet-a, vnet-b)",
        "t.yaml:11: peerings[p2].to: got 'vnet-b'; "
        "expected a VNet other than the one holding the link (vnet-b)",
        "t.yaml:14: vms[vm1].vnet: got 'vnet-z'; "
        "expected the name of a VNet in this file (did you mean vnet-b? one of: vnet-a, vnet-b)",
        "t.yaml:15: vms[vm2].subnet: got 'web'; expected the name of a subnet of vnet-a "
        "(one of: app)",
        "t.yaml:15: vms[vm2].nsg: got 'nope'; expected the name of an NSG in this file "
        "(one of: nsg-app)",
    ]


DUPLICATES = """\
vnets:
  - name: v
    region: eastus
    address_space: [10.0.0.0/16]
    subnets: [{name: s, prefix: 10.0.1.0/24}, {name: s, prefix: 10.0.2.0/24}]
  - {name: v, region: eastus, address_space: 10.1.0.0/16, subnets: [{name: s, prefix: 10.1.1.0/24}]}
  - {name: w, region: eastus, address_space: 10.2.0.0/16, subnets: [{name: s, prefix: 10.2.1.0/24}]}
peerings: [{name: p, from: v, to: w}, {name: p, from: w, to: v}]
nsgs:
  - {name: n, rules: [{name: r, priority: 100, direction: inbound, access: allow},
                      {name: r, priority: 200, direction: inbound, access: allow}]}
  - {name: n}
route_tables:
  - {name: t, routes: [{name: r, prefix: 0.0.0.0/0, next_hop_type: Internet},
                       {name: r, prefix: 10.0.0.0/8, next_hop_type: None}]}
  - {name: t}
vms:
  - {name: m, vnet: w, subnet: s, ip: 10.2.1.4}
  - {name: m, vnet: w, subnet: s, ip: 10.2.1.5}
onprem:
  - {name: o, address_space: [192.168.0.0/16]}
  - {name: o, address_space: [192.168.1.0/24]}
"""


def test_names_are_unique_within_their_kind() -> None:
    found = problems(DUPLICATES)
    expected_lines = [5, 6, 8, 11, 12, 15, 16, 19, 22]
    assert [int(p.split(":")[1]) for p in found] == expected_lines, found
    assert found[0] == (
        "t.yaml:5: vnets[v].subnets[s].name: got 's'; expected a name no other subnet uses "
        "(also at line 5)"
    )
    assert found[1].endswith("expected a name no other VNet uses (also at line 2)")
    for noun in ("peering", "rule", "NSG", "route", "route table", "VM", "on-premises site"):
        assert any(f"a name no other {noun} uses" in p for p in found), noun


def test_subnet_outside_its_vnet() -> None:
    assert problem(VNET.replace("10.0.1.0/24", "10.1.1.0/24")) == (
        "t.yaml:6: vnets[vnet-a].subnets[app].prefix: got '10.1.1.0/24'; "
        "expected a prefix inside the VNet's address space (10.0.0.0/16)"
    )


def test_vm_outside_its_subnet() -> None:
    text = VNET + "vms:\n  - {name: vm, vnet: vnet-a, subnet: app, ip: 10.0.2.4}\n"
    assert problem(text) == (
        "t.yaml:8: vms[vm].ip: got '10.0.2.4'; expected an address inside subnet app (10.0.1.0/24)"
    )


@pytest.mark.parametrize(
    ("section", "item", "missing"),
    [
        ("vnets", "{name: v, address_space: [10.0.0.0/16]}", "region"),
        ("vnets", "{name: v, region: eastus, subnets: [{name: s}]}", "address_space"),
        ("peerings", "{name: p, from: vnet-a}", "to"),
        ("nsgs", "{rules: []}", "name"),
        ("route_tables", "{name: t, routes: [{name: r, prefix: 10.0.0.0/8}]}", "next_hop_type"),
        ("vms", "{name: vm, vnet: vnet-a, subnet: app}", "ip"),
        ("onprem", "{name: hq}", "address_space"),
    ],
)
def test_required_fields(section: str, item: str, missing: str) -> None:
    text = f"vnets:\n  - {item}\n" if section == "vnets" else VNET + f"{section}:\n  - {item}\n"
    line = text.count("\n")  # the item's own line
    found = [p for p in problems(text) if f".{missing}: got nothing; expected " in p]
    assert len(found) == 1 and found[0].startswith(f"t.yaml:{line}: ")
    assert found[0].endswith("(required)")


# -- every problem, not only the first -----------------------------------------------------------


def test_every_problem_is_reported_in_line_order() -> None:
    text = """\
        vnets:
          - name: vnet-a
            region: EastUS
            address_space: [10.0.0.0/16]
            subnets:
              - {name: app, prefix: 10.0.1.0/33}
        peerings:
          - {name: p, from: vnet-a, to: vnet-x}
        vms:
          - {name: vm, vnet: vnet-a, subnet: app, ip: 10.0.1.4, ip_forwarding: 'no'}
        """
    found = problems(text)
    assert [int(p.split(":")[1]) for p in found] == [3, 6, 8, 10]


def test_problem_records_have_the_fields() -> None:
    with pytest.raises(TopologyError) as caught:
        load(VNET.replace("10.0.1.0/24", "10.0.1.1/24"))
    [record] = caught.value.problems
    assert record.to_dict() == {
        "file": "t.yaml",
        "line": 6,
        "where": "vnets[vnet-a].subnets[app].prefix",
        "value": "'10.0.1.1/24'",
        "expected": "an IPv4 CIDR such as 10.0.0.0/16 with host bits zero; "
        "host bits set: did you mean 10.0.1.0/24?",
        "message": str(record),
    }


def test_from_dict_problems_have_no_line() -> None:
    with pytest.raises(TopologyError) as caught:
        topology_from_dict({"vnets": [{"name": "v", "region": "eastus"}]}, "question 3")
    [record] = caught.value.problems
    assert (record.file, record.line, record.where) == (
        "question 3",
        None,
        "vnets[v].address_space",
    )


# -- hostile input -------------------------------------------------------------------------------


def test_billion_laughs_is_refused_quickly() -> None:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        text += f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    started = time.monotonic()
    message = problem(text)
    assert time.monotonic() - started < 5
    assert message == (
        "t.yaml:1: got a document that expands too far; "
        "expected at most 200000 values, counting each use of an alias"
    )


def test_recursive_alias() -> None:
    assert problem("x-loop: &a [1, *a]\n") == (
        "t.yaml:1: x-loop[1]: got an alias of itself; expected a value that does not contain itself"
    )


@pytest.mark.parametrize("filename", ["t.yaml", "t.json"])
def test_deep_nesting(filename: str) -> None:
    text = '{"x-deep": ' + "[" * 3000 + "]" * 3000 + "}"
    assert "expected at most 100 levels of nested lists and mappings" in problem(text, filename)


@pytest.mark.parametrize(
    "text",
    [
        "a: =\n",
        "x-a: !!int xyz\n",
        "x-a: 2024-13-45\n",
        "x-a: !custom value\n",
        "? [a, b]\n: c\n",
        "x-a: " + "9" * 5000 + "\n",
        "vnets: [*undefined]\n",
    ],
)
def test_odd_yaml_is_a_problem_not_a_traceback(text: str) -> None:
    assert problems(text)


# -- round trips and fuzzing ---------------------------------------------------------------------


@given(topologies())
def test_dict_round_trip(topo: Topology) -> None:
    doc = topology_to_dict(topo)
    again = topology_from_dict(doc)
    assert again == topo
    assert topology_to_dict(again) == doc  # extra sections too


@given(topologies())
def test_yaml_and_json_round_trip(topo: Topology) -> None:
    text = dump_yaml(topo)
    assert parse_topology(text, "t.yaml") == topo
    assert dump_yaml(parse_topology(text, "t.yaml")) == text
    assert parse_topology(json.dumps(topology_to_dict(topo)), "t.json") == topo


def test_dump_is_block_style_in_file_order() -> None:
    topo = load_topology(EXAMPLES / "hub-spoke-transit.yaml")
    text = dump_yaml(topo)
    assert text == dump_yaml(topo)
    assert text.startswith("vnets:\n  - name: vnet-hub\n    region: eastus\n    address_space:\n")
    assert "{" not in text and "peerings:\n  - name: hub-to-a\n" in text


@given(topologies(max_vnets=2), st.data())
def test_mangled_yaml_loads_or_fails_cleanly(topo: Topology, data: st.DataObject) -> None:
    _loads_or_fails_cleanly(data.draw(mangled(dump_yaml(topo))), "fuzz.yaml")


@given(topologies(max_vnets=2), st.data())
def test_mangled_json_loads_or_fails_cleanly(topo: Topology, data: st.DataObject) -> None:
    text = json.dumps(topology_to_dict(topo), indent=1)
    _loads_or_fails_cleanly(data.draw(mangled(text)), "fuzz.json")


def _loads_or_fails_cleanly(text: str, filename: str) -> None:
    try:
        parse_topology(text, filename)
    except TopologyError as err:
        assert err.problems
        for record in err.problems:
            assert record.file == filename
            assert record.line is None or 1 <= record.line <= text.count("\n") + 2
            assert str(record) and record.to_dict()["message"]


def test_load_document_shares_one_topology_per_document() -> None:
    """load_document: the same document gives the same (immutable) Topology; any change, a new
    one; a bad document still raises TopologyError."""
    import copy

    from quizgen.loader import load_document

    doc = {"vnets": [{"name": "v", "region": "eastus", "address_space": ["10.0.0.0/16"]}]}
    first = load_document(doc)
    assert load_document(copy.deepcopy(doc)) is first
    changed = copy.deepcopy(doc)
    changed["vnets"][0]["region"] = "westeurope"
    assert load_document(changed) is not first
    assert load_document(changed).vnets[0].region == "westeurope"
    with pytest.raises(TopologyError):
        load_document({"vnets": [{"name": "v"}]})


# -- items built before are reused, and still checked against the document they are in ----------

_REUSED_VNET = {
    "name": "vnet-a",
    "region": "eastus",
    "address_space": ["10.0.0.0/16"],
    "subnets": [{"name": "app", "prefix": "10.0.1.0/24", "nsg": "nsg-app"}],
}
_REUSED_NSG = {
    "name": "nsg-app",
    "rules": [{"name": "r", "priority": 100, "direction": "inbound", "access": "allow"}],
}
_REUSED_VM = {"name": "vm-a", "vnet": "vnet-a", "subnet": "app", "ip": "10.0.1.4"}


def _problems(doc: dict) -> list[tuple[str, str]]:
    with pytest.raises(TopologyError) as caught:
        topology_from_dict(doc)
    return [(p.where, p.value) for p in caught.value.problems]


def test_an_item_loaded_before_is_the_same_object() -> None:
    doc = {"vnets": [_REUSED_VNET], "nsgs": [_REUSED_NSG], "vms": [_REUSED_VM]}
    first, again = topology_from_dict(doc), topology_from_dict(json.loads(json.dumps(doc)))
    assert first == again
    assert first.vnets[0] is again.vnets[0] and first.nsgs[0] is again.nsgs[0]


def test_a_reused_item_still_has_its_names_and_references_checked() -> None:
    topology_from_dict({"vnets": [_REUSED_VNET], "nsgs": [_REUSED_NSG], "vms": [_REUSED_VM]})
    # The same VNet twice: the name is reported once, at the second (a different path).
    twice = _problems({"vnets": [_REUSED_VNET, _REUSED_VNET], "nsgs": [_REUSED_NSG]})
    assert twice == [("vnets[vnet-a].name", "'vnet-a'")]
    # The NSG its subnet names is gone: the reused VNet's reference is still resolved.
    assert _problems({"vnets": [_REUSED_VNET]}) == [("vnets[vnet-a].subnets[app].nsg", "'nsg-app'")]
    # A reused VM whose subnet is not in its VNet (another VNet of that name).
    other = {**_REUSED_VNET, "subnets": [{"name": "web", "prefix": "10.0.2.0/24"}]}
    found = _problems({"vnets": [other], "nsgs": [_REUSED_NSG], "vms": [_REUSED_VM]})
    assert found == [("vms[vm-a].subnet", "'app'")]


# -- loading a patched document ------------------------------------------------------------------


def _outcome(load) -> object:
    """A Topology (with the sections it keeps), or the problems the load reported."""
    try:
        topo = load()
    except TopologyError as err:
        return ("refused", str(err), err.problems)
    return topo, topo.extra


@given(st.data())
def test_a_patched_document_loads_as_the_plain_loader_loads_it(data):
    """topology_patched on a generated base and changes to it (most of them breaking it: names
    used twice, references to removed items, bad values, VMs outside their subnet): the same
    Topology as topology_from_dict, or the same problems, in the same words."""
    import random

    from quizgen.generator import patch
    from quizgen.generator.topologies import SHAPES, build
    from tests.strategies import document_changes

    shape = data.draw(st.sampled_from(SHAPES))
    base = build(shape, "small", random.Random(data.draw(st.integers(0, 2**31 - 1)))).doc
    before, topo = base, topology_from_dict(base)
    if data.draw(st.booleans()):  # a document patched before (a second fault on the first)
        first = data.draw(document_changes(base))
        try:
            before, _ = patch.apply(base, first)
            topo = topology_from_dict(before)
        except (patch.PatchError, TopologyError):
            before, topo = base, topology_from_dict(base)
    try:
        after, _ = patch.apply(before, data.draw(document_changes(before)))
    except patch.PatchError:
        return
    fast = _outcome(lambda: topology_patched(after, before, topo, "scenario"))
    assert fast == _outcome(lambda: topology_from_dict(after, "scenario"))


def test_every_fault_placement_loads_as_the_plain_loader_loads_it(monkeypatch):
    """Every document the scenario generator loads with topology_patched, for every fault kind in
    every shape that holds it, and random faults in every shape and size: the plain load's
    Topology, section by section."""
    import quizgen.generator.scenario as scenarios
    from quizgen.generator.faults import CATALOGUE
    from quizgen.generator.topologies import SHAPES, SIZES

    compared = []

    def checked(doc, before, topo, filename):
        fast = topology_patched(doc, before, topo, filename)
        plain = topology_from_dict(doc, filename)
        assert fast == plain and fast.extra == plain.extra
        compared.append(doc)
        return fast

    monkeypatch.setattr(scenarios, "topology_patched", checked)
    for kind, fault in CATALOGUE.items():
        for shape in fault.shapes:
            for seed in range(3):
                scenarios.generate(seed, shape, [kind], "small")
            scenarios.generate(7, shape, [kind], "medium")
    for shape in SHAPES:
        for size in SIZES[:2]:
            for seed in range(4):
                scenarios.generate(seed, shape, None, size)
    scenarios.generate(4, "hub-spoke-gateway-nva", ["hub-transit-off", "nva-ip-forwarding-off"])
    assert len(compared) > 1000


def _breaking_changes() -> dict[str, tuple[list[dict], bool]]:
    """Changes to a generated hub-and-spoke document, each aimed at one check a patched load
    makes, with whether the plain loader accepts the result."""
    import random

    from quizgen.generator.topologies import build

    doc = build("hub-spoke-gateway-nva", "small", random.Random(3)).doc
    hub, spoke = doc["vnets"][0], doc["vnets"][1]
    vm = doc["vms"][0]
    vnet = next(v for v in doc["vnets"] if v["name"] == vm["vnet"])
    subnet = next(s for s in vnet["subnets"] if s["name"] == vm["subnet"])
    sibling = next(s for s in vnet["subnets"] if s is not subnet)
    guarded = next(s for v in doc["vnets"] for s in v["subnets"] if s.get("nsg"))
    routed = next(s for v in doc["vnets"] for s in v["subnets"] if s.get("route_table"))
    nsg, table, peering = doc["nsgs"][0], doc["route_tables"][0], doc["peerings"][0]
    at = f"vnets[{vnet['name']}].subnets[{subnet['name']}]"

    def set_(path, value):
        return {"op": "set", "path": path, "value": value}

    cases = {
        "a VM's subnet unknown": ([set_(f"vms[{vm['name']}].subnet", "nope")], False),
        "a VM's subnet in another VNet": ([set_(f"vms[{vm['name']}].vnet", spoke["name"])], False),
        "a used subnet removed": ([{"op": "remove", "path": at}], False),
        "a used subnet renamed": ([set_(f"{at}.name", "snet-renamed")], False),
        "a subnet moved off its VMs": ([set_(f"{at}.prefix", sibling["prefix"])], False),
        "a VM outside its subnet": ([set_(f"vms[{vm['name']}].ip", "192.168.9.9")], False),
        "a used NSG removed": ([{"op": "remove", "path": f"nsgs[{guarded['nsg']}]"}], False),
        "a used route table removed": (
            [{"op": "remove", "path": f"route_tables[{routed['route_table']}]"}], False
        ),
        "a peered VNet removed": ([{"op": "remove", "path": f"vnets[{spoke['name']}]"}], False),
        "a connected site removed": (
            [{"op": "remove", "path": f"onprem[{hub['gateway']['connections'][0]}]"}], False
        ),
        "a gateway connected to no site": (
            [set_(f"vnets[{hub['name']}].gateway.connections", ["nope"])], False
        ),
        "a VM's name twice": ([{"op": "add", "path": "vms", "value": dict(vm)}], False),
        "an NSG's name twice": ([{"op": "add", "path": "nsgs", "value": dict(nsg)}], False),
        "a VNet's name twice": ([set_(f"vnets[{spoke['name']}].name", hub["name"])], False),
        "a peering to no VNet": ([set_(f"peerings[{peering['name']}].to", "nope")], False),
        "a subnet's NSG unknown": ([set_(f"{at}.nsg", "nope")], False),
        "a new subnet's route table unknown": (
            [{"op": "add", "path": f"vnets[{vnet['name']}].subnets",
              "value": {"name": "snet-new", "prefix": sibling["prefix"], "route_table": "x"}}],
            False,
        ),
        "an address space off its subnets": (
            [set_(f"vnets[{vnet['name']}].address_space", ["192.168.0.0/16"])], False
        ),
        "a bad flag": ([set_(f"peerings[{peering['name']}].allow_forwarded_traffic", 1)], False),
        "an unknown field": ([set_(f"nsgs[{nsg['name']}].rules[0].colour", "red")], False),
        "an unknown section": ([set_("colour", "red")], False),
        "a section that is not a list": ([set_("vms", "banana")], False),
        "an appliance route without its IP": (
            [{"op": "add", "path": f"route_tables[{table['name']}].routes",
              "value": {"name": "r-new", "prefix": "10.9.0.0/16",
                        "next_hop_type": "VirtualAppliance"}}],
            False,
        ),
        "a VM copied under a new name": (
            [{"op": "add", "path": "vms", "value": dict(vm, name="vm-copy-01")}], True
        ),
        "an NSG replaced": (
            [{"op": "remove", "path": f"nsgs[{nsg['name']}]"},
             {"op": "add", "path": "nsgs", "value": dict(nsg, rules=[])}],
            True,
        ),
        "a peering removed": ([{"op": "remove", "path": f"peerings[{peering['name']}]"}], True),
        "a kept section added": ([set_("scenario", {"by": "hand"})], True),
    }
    return {name: (doc, changes, accepted) for name, (changes, accepted) in cases.items()}


@pytest.mark.parametrize("case", sorted(_breaking_changes()))
def test_a_patched_document_is_refused_as_the_plain_loader_refuses_it(case):
    from quizgen.generator import patch

    doc, changes, accepted = _breaking_changes()[case]
    after, _ = patch.apply(doc, changes)
    plain = _outcome(lambda: topology_from_dict(after, "scenario"))
    assert (plain[0] != "refused") == accepted
    topo = topology_from_dict(doc)
    assert _outcome(lambda: topology_patched(after, doc, topo, "scenario")) == plain


# -- a fresh document, read straight -------------------------------------------------------------


def _plain(doc: object) -> object:
    """The plain load's outcome (remember=True never reads straight)."""
    return _outcome(lambda: topology_from_dict(doc, "scenario"))


def _fresh_outcome(doc: object) -> object:
    return _outcome(lambda: topology_from_dict(doc, "scenario", remember=False))


def test_every_generated_base_is_read_straight_as_the_plain_loader_reads_it():
    """Every shape and size: the straight read (``_fresh``) takes the document, not the plain
    load behind it, and gives the plain load's Topology, section by section, kept sections too."""
    import random

    from quizgen.generator.topologies import SHAPES, SIZES, build
    from quizgen.loader import _fresh

    for size, seeds in zip(SIZES, (300, 60, 8), strict=True):
        for seed in range(seeds):
            doc = build(SHAPES[seed % len(SHAPES)], size, random.Random(seed)).doc
            doc = {**doc, "scenario": {"seed": seed}} if seed % 2 else doc
            fresh, plain = _fresh(doc), topology_from_dict(doc)
            assert fresh is not None and fresh == plain and fresh.extra == plain.extra
            assert topology_from_dict(doc, remember=False) == plain


@given(st.data())
def test_a_changed_fresh_document_loads_as_the_plain_loader_loads_it(data):
    """A generated base with drawn changes (most of them break it: names twice, references to
    removed items, bad values, VMs outside their subnet, unknown fields): reading it fresh gives
    the plain load's Topology or the same problems, in the same words."""
    import random

    from quizgen.generator import patch
    from quizgen.generator.topologies import SHAPES, build
    from tests.strategies import document_changes

    shape = data.draw(st.sampled_from(SHAPES))
    base = build(shape, "small", random.Random(data.draw(st.integers(0, 2**31 - 1)))).doc
    try:
        after, _ = patch.apply(base, data.draw(document_changes(base)))
    except patch.PatchError:
        return
    assert _fresh_outcome(after) == _plain(after)


@pytest.mark.parametrize("case", sorted(_breaking_changes()))
def test_a_broken_fresh_document_is_refused_as_the_plain_loader_refuses_it(case):
    from quizgen.generator import patch
    from quizgen.loader import _fresh

    doc, changes, accepted = _breaking_changes()[case]
    after, _ = patch.apply(doc, changes)
    assert (_fresh(after) is not None) == accepted
    assert _fresh_outcome(after) == _plain(after)


def _edge_documents() -> dict[str, tuple[dict, bool]]:
    """Small documents, each aimed at one thing the straight read checks or leaves to the plain
    load, with whether the straight read takes it."""
    rule = {"name": "r", "priority": 100, "direction": "inbound", "access": "allow"}
    vnet = {
        "name": "vnet-a",
        "region": "eastus",
        "address_space": ["10.0.0.0/16"],
        "subnets": [{"name": "app", "prefix": "10.0.1.0/24", "nsg": "nsg-a", "route_table": "rt"}],
        "gateway": {"name": "gw", "connections": ["site"]},
    }
    base = {
        "vnets": [vnet, {"name": "vnet-b", "region": "westus2", "address_space": "10.1.0.0/16"}],
        "peerings": [{"name": "a-b", "from": "vnet-a", "to": "vnet-b"}],
        "nsgs": [{"name": "nsg-a", "rules": [rule]}],
        "route_tables": [{"name": "rt", "routes": [
            {"name": "r1", "prefix": "10.9.0.0/16", "next_hop_type": "VirtualAppliance",
             "next_hop_ip": "10.0.1.9"},
        ]}],
        "vms": [{"name": "vm-a", "vnet": "vnet-a", "subnet": "app", "ip": "10.0.1.4",
                 "nsg": "nsg-a", "asgs": "asg-web"}],
        "onprem": [{"name": "site", "address_space": ["192.168.0.0/16"]}],
    }  # fmt: skip

    def with_(section: str, index: int, **fields: object) -> dict:
        items = [dict(i) for i in base[section]]
        items[index] = {k: v for k, v in {**items[index], **fields}.items() if v != "<drop>"}
        return {**base, section: items}

    def with_rule(**fields: object) -> dict:
        return with_("nsgs", 0, rules=[{**rule, **fields}])

    def with_subnets(*subnets: dict) -> dict:
        return with_("vnets", 0, subnets=[*vnet["subnets"], *subnets])

    return {
        "the base": (base, True),
        "nulls for optional fields": (with_("vms", 0, public_ip=None, asgs=None), True),
        "comma-separated addresses": (with_rule(source="10.0.1.0/24, 10.0.2.4"), True),
        "a tag alone": (with_rule(destination=["VirtualNetwork"]), True),
        "a tag among addresses": (with_rule(source="10.0.1.0/24,VirtualNetwork"), False),
        "two tags": (with_rule(source=["Internet", "VirtualNetwork"]), False),
        "an ASG among addresses": (with_rule(source=["asg:web", "10.0.0.0/8"]), False),
        "'*' among addresses": (with_rule(destination=["*", "10.0.0.0/8"]), False),
        "an empty address list": (with_rule(source=[]), False),
        "an address list of commas": (with_rule(source=","), False),
        "a rule name twice": (with_("nsgs", 0, rules=[rule, rule]), False),
        "a route name twice": (
            with_("route_tables", 0, routes=base["route_tables"][0]["routes"] * 2),
            False,
        ),
        "a subnet name twice": (with_subnets({"name": "app", "prefix": "10.0.2.0/24"}), False),
        "a subnet outside its VNet": (with_subnets({"name": "x", "prefix": "10.5.0.0/24"}), False),
        "a subnet in a second prefix": (
            with_(
                "vnets",
                0,
                address_space=["10.0.0.0/16", "10.7.0.0/16"],
                subnets=[*vnet["subnets"], {"name": "x", "prefix": "10.7.1.0/24"}],
            ),
            True,
        ),
        "a peering name twice": ({**base, "peerings": base["peerings"] * 2}, False),
        "a peering to itself": (with_("peerings", 0, to="vnet-a"), False),
        "a site connected twice": (
            with_("vnets", 0, gateway={"name": "gw", "connections": ["site", "site"]}),
            False,
        ),
        "a site twice": ({**base, "onprem": base["onprem"] * 2}, False),
        "a route table twice": ({**base, "route_tables": base["route_tables"] * 2}, False),
        "a VM's NSG unknown": (with_("vms", 0, nsg="nsg-x"), False),
        "a VM's VNet unknown": (with_("vms", 0, vnet="vnet-x"), False),
        "a required field missing": (with_("vms", 0, ip="<drop>"), False),
        "a required field null": (with_("peerings", 0, to=None), False),
        "a required list empty": (with_("onprem", 0, address_space=[]), False),
        "an appliance route without its IP": (
            with_(
                "route_tables",
                0,
                routes=[
                    {"name": "r1", "prefix": "10.9.0.0/16", "next_hop_type": "VirtualAppliance"}
                ],
            ),
            False,
        ),
        "an item that is not a mapping": ({**base, "vms": ["vm-a"]}, False),
        "a gateway that is not a mapping": (with_("vnets", 0, gateway="gw"), False),
        "a gateway that is a list of field names": (with_("vnets", 0, gateway=["name"]), False),
        "a gateway that is a number": (with_("vnets", 0, gateway=5), False),
        "a list field written as a mapping": (with_("vms", 0, asgs={"a": 1}), False),
        "a section written as a tuple": ({**base, "onprem": tuple(base["onprem"])}, False),
        "a bad enum word": (with_rule(access="maybe"), False),
        "a number for a name": (with_("vms", 0, name=7), False),
        "a top-level document that is a list": ([base], False),
    }


@pytest.mark.parametrize("case", sorted(_edge_documents()))
def test_the_straight_read_takes_what_it_can_and_leaves_the_rest_to_the_plain_load(case):
    from quizgen.loader import _fresh

    doc, straight = _edge_documents()[case]
    assert (_fresh(doc) is not None) == straight
    assert _fresh_outcome(doc) == _plain(doc)


def test_a_text_converted_again_gives_the_same_value_or_the_same_complaint():
    """PORTS, ADDRESS and the word choices remember what they made of a text; what they refuse
    is refused again, in the same words."""
    from quizgen.fields import ADDRESS, DIRECTION, PORTS, Bad

    for spec, good, bad in (
        (PORTS, "80,443,8000-8100", "80-70"),
        (ADDRESS, "10.1.0.0/16", "VirtualNetwrk"),
        (DIRECTION, "In-Bound", "inbond"),
    ):
        assert spec.convert(good) == spec.convert(good)
        complaints = []
        for _ in range(2):
            with pytest.raises(Bad) as err:
                spec.convert(bad)
            complaints.append(err.value.expected)
        assert complaints[0] == complaints[1] and complaints[0]


def test_load_document_does_not_share_a_topology_whose_kept_sections_differ() -> None:
    """json.dumps(sort_keys=True) forgets key order and turns int keys into text: two documents
    whose ``scenario``/x-* sections differ that way load to Topologies with different ``extra``
    (compare=False, so == does not see it), but load_document hands the first one out for both."""
    from quizgen.loader import load_document

    body = {"vnets": [{"name": "v", "region": "eastus", "address_space": ["10.9.0.0/16"]}]}
    first = {**body, "scenario": {"seed": 1, "shape": "x"}, "x-note": {"1": "one"}}
    second = {"x-note": {1: "one"}, **body, "scenario": {"shape": "x", "seed": 1}}
    load_document(first)
    assert load_document(second).extra == topology_from_dict(second).extra
