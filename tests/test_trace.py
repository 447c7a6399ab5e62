"""reach: every reason code on a small topology that isolates it, with the rule IDs it cites."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from quizgen.checks import run
from quizgen.evaluator.routes import effective_routes
from quizgen.evaluator.trace import REASON_TEXT, Reason, reach
from quizgen.loader import topology_from_dict

HUB_NVA = {
    "vnets": [
        {
            "name": "hub",
            "region": "eastus",
            "address_space": ["10.0.0.0/16"],
            "subnets": [
                {"name": "nva", "prefix": "10.0.1.0/24"},
                {"name": "nva2", "prefix": "10.0.2.0/24"},
                {"name": "GatewaySubnet", "prefix": "10.0.255.0/27"},
            ],
            "gateway": {"name": "vgw", "type": "vpn", "sku": "VpnGw1", "connections": ["hq"]},
        },
        {
            "name": "spoke-a",
            "region": "eastus",
            "address_space": ["10.1.0.0/16"],
            "subnets": [{"name": "app", "prefix": "10.1.1.0/24", "route_table": "rt-a"}],
        },
        {
            "name": "spoke-b",
            "region": "westeurope",
            "address_space": ["10.2.0.0/16"],
            "subnets": [{"name": "app", "prefix": "10.2.1.0/24", "route_table": "rt-b"}],
        },
    ],
    "peerings": [
        {
            "name": "hub-to-a",
            "from": "hub",
            "to": "spoke-a",
            "allow_forwarded_traffic": True,
            "allow_gateway_transit": True,
        },
        {
            "name": "a-to-hub",
            "from": "spoke-a",
            "to": "hub",
            "allow_forwarded_traffic": True,
            "use_remote_gateways": True,
        },
        {
            "name": "hub-to-b",
            "from": "hub",
            "to": "spoke-b",
            "allow_forwarded_traffic": True,
            "allow_gateway_transit": True,
        },
        {
            "name": "b-to-hub",
            "from": "spoke-b",
            "to": "hub",
            "allow_forwarded_traffic": True,
            "use_remote_gateways": True,
        },
    ],
    "route_tables": [
        {
            "name": "rt-a",
            "routes": [
                {
                    "name": "to-b",
                    "prefix": "10.2.0.0/16",
                    "next_hop_type": "VirtualAppliance",
                    "next_hop_ip": "10.0.1.4",
                }
            ],
        },
        {
            "name": "rt-b",
            "routes": [
                {
                    "name": "to-a",
                    "prefix": "10.1.0.0/16",
                    "next_hop_type": "VirtualAppliance",
                    "next_hop_ip": "10.0.1.4",
                }
            ],
        },
    ],
    "nsgs": [{"name": "nsg-nva", "rules": []}],
    "vms": [
        {
            "name": "nva1",
            "vnet": "hub",
            "subnet": "nva",
            "ip": "10.0.1.4",
            "ip_forwarding": True,
            "appliance": True,
        },
        {"name": "vm-a", "vnet": "spoke-a", "subnet": "app", "ip": "10.1.1.4"},
        {"name": "vm-b", "vnet": "spoke-b", "subnet": "app", "ip": "10.2.1.4"},
    ],
    "onprem": [{"name": "hq", "address_space": ["192.168.0.0/16"]}],
}


def topo(doc=HUB_NVA, **changes):
    """A copy of ``doc`` with changes given as path=value, e.g. vms__0__appliance=False."""
    doc = copy.deepcopy(doc)
    for path, value in changes.items():
        *parents, last = path.split("__")
        node = doc
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[int(last) if last.isdigit() else last] = value
    return topology_from_dict(doc, "test")


def hops(result, **match):
    return [h for h in result.hops if all(getattr(h, k) == v for k, v in match.items())]


def test_every_reason_documented():
    assert set(REASON_TEXT) == set(Reason)


def test_spoke_to_spoke_through_hub_nva():
    """NVA-03: UDRs in both spokes, IP forwarding, allow forwarded traffic: delivered."""
    r = reach(topo(), "vm-a", "vm-b", "tcp", 443)
    assert (r.reachable, r.reason) == (True, Reason.DELIVERED)
    assert [h.at for h in hops(r, step="appliance")] == ["nva1", "nva1"]  # request and reply
    assert not r.asymmetric
    # allow_forwarded_traffic is on for every link, so neither reading of PEER-07 (section 13
    # item 1: receiving link per the docs, sending link per the REST wording) blocks it.
    assert r.confirmed


def test_forwarded_traffic_refused_by_receiving_link():
    """PEER-07: b-to-hub (the link receiving the forwarded packet) has the flag off."""
    r = reach(topo(peerings__3__allow_forwarded_traffic=False), "vm-a", "vm-b", "tcp", 443)
    assert r.reason is Reason.FORWARDED_TRAFFIC_NOT_ALLOWED
    assert hops(r, ok=False)[0].at == "b-to-hub"
    assert "PEER-07" in r.rules and "U-01" in r.assumptions


def test_forwarded_flag_on_sending_link_is_irrelevant_but_unconfirmed():
    """PEER-07 (docs reading): only the receiving link's flag matters; the REST wording reads the
    other link, so the answer carries U-01 (section 13 item 1)."""
    r = reach(topo(peerings__2__allow_forwarded_traffic=False), "vm-a", "vm-b", "tcp", 443)
    assert r.reason is Reason.DELIVERED
    assert "U-01" in r.assumptions


def test_ip_forwarding_off():
    r = reach(topo(vms__0__ip_forwarding=False), "vm-a", "vm-b", "tcp", 443)
    assert r.reason is Reason.IP_FORWARDING_DISABLED and "NVA-01" in r.rules


def test_os_not_forwarding_and_next_hop_still_appliance():
    """NVA-02, T-44: next hop says VirtualAppliance while the packet is dropped."""
    t = topo(vms__0__appliance=False)
    assert reach(t, "vm-a", "vm-b", "tcp", 443).reason is Reason.APPLIANCE_NOT_FORWARDING
    assert run(t, "next-hop", {"vm": "vm-a", "dest": "10.2.1.4"})["next_hop_type"] == (
        "VirtualAppliance"
    )


def test_both_forwarding_settings_off_reports_both():
    r = reach(topo(vms__0__appliance=False, vms__0__ip_forwarding=False), "vm-a", "vm-b", "tcp", 1)
    assert r.reason is Reason.IP_FORWARDING_DISABLED
    assert Reason.APPLIANCE_NOT_FORWARDING in r.also


def test_nva_stopped():
    r = reach(topo(vms__0__power_state="stopped"), "vm-a", "vm-b", "tcp", 443)
    assert r.reason is Reason.NEXT_HOP_VM_STOPPED


def test_nva_nsg_denies():
    deny = {
        "name": "deny-spokes",
        "priority": 100,
        "direction": "inbound",
        "access": "deny",
        "protocol": "*",
        "source": "10.1.0.0/16",
        "destination": "*",
    }
    r = reach(topo(nsgs__0__rules=[deny], vms__0__nsg="nsg-nva"), "vm-a", "vm-b", "tcp", 443)
    assert r.reason is Reason.NSG_DENY_INBOUND
    assert hops(r, ok=False)[0].decided_by == "nsg-nva/securityRules/deny-spokes"
    assert hops(r, ok=False)[0].at == "nva1"


def test_missing_udr_in_one_spoke_breaks_the_reply():
    """NVA-03 / RT-20: only spoke-a routes through the NVA; spoke-b's reply has no route."""
    r = reach(topo(vnets__2__subnets__0__route_table=None), "vm-a", "vm-b", "tcp", 443)
    assert r.reason is Reason.NO_ROUTE
    failing = hops(r, ok=False)[0]
    assert failing.leg == "reply" and "PEER-04" in failing.rules


def test_udr_to_none():
    doc = copy.deepcopy(HUB_NVA)
    doc["route_tables"][0]["routes"] = [
        {"name": "drop-b", "prefix": "10.2.0.0/16", "next_hop_type": "None"}
    ]
    r = reach(topology_from_dict(doc), "vm-a", "vm-b", "tcp", 443)
    assert r.reason is Reason.ROUTE_NONE
    assert hops(r, ok=False)[0].decided_by == "10.2.0.0/16 None (rt-a)"


def test_routing_loop_between_two_nvas():
    doc = copy.deepcopy(HUB_NVA)
    doc["vms"].append(
        {
            "name": "nva2",
            "vnet": "hub",
            "subnet": "nva2",
            "ip": "10.0.2.4",
            "ip_forwarding": True,
            "appliance": True,
        }
    )
    doc["route_tables"] += [
        {
            "name": "rt-nva",
            "routes": [
                {
                    "name": "b-via-2",
                    "prefix": "10.2.0.0/16",
                    "next_hop_type": "VirtualAppliance",
                    "next_hop_ip": "10.0.2.4",
                }
            ],
        },
        {
            "name": "rt-nva2",
            "routes": [
                {
                    "name": "b-via-1",
                    "prefix": "10.2.0.0/16",
                    "next_hop_type": "VirtualAppliance",
                    "next_hop_ip": "10.0.1.4",
                }
            ],
        },
    ]
    doc["vnets"][0]["subnets"][0]["route_table"] = "rt-nva"
    doc["vnets"][0]["subnets"][1]["route_table"] = "rt-nva2"
    r = reach(topology_from_dict(doc), "vm-a", "vm-b", "tcp", 443)
    assert r.reason is Reason.ROUTING_LOOP


def test_next_hop_not_a_vm():
    """RT-09: the appliance IP must be a NIC in this VNet or a directly peered one."""
    doc = copy.deepcopy(HUB_NVA)
    doc["route_tables"][0]["routes"][0]["next_hop_ip"] = "10.0.1.99"
    r = reach(topology_from_dict(doc), "vm-a", "vm-b", "tcp", 443)
    assert r.reason is Reason.NEXT_HOP_UNREACHABLE and "RT-09" in r.rules


def test_spoke_to_onprem_through_transit_and_back():
    r = reach(topo(), "vm-b", "192.168.7.7", "tcp", 443)
    assert r.reason is Reason.DELIVERED and r.confirmed
    r = reach(topo(), "192.168.7.7", "vm-b", "tcp", 443)
    assert r.reason is Reason.DELIVERED


def test_onprem_to_spoke_needs_transit():
    """GW-05 item 6, modelled as required (section 13 item 4 is UNCONFIRMED)."""
    r = reach(topo(peerings__3__use_remote_gateways=False), "192.168.7.7", "vm-b", "tcp", 443)
    assert r.reason is Reason.GATEWAY_TRANSIT_NOT_ENABLED
    assert "U-04" in r.assumptions and not r.confirmed


def test_hub_link_without_allow_gateway_transit():
    """PEER-08: the hub side's flag."""
    r = reach(topo(peerings__2__allow_gateway_transit=False), "vm-b", "192.168.7.7", "tcp", 443)
    assert r.reason is Reason.GATEWAY_TRANSIT_NOT_ENABLED
    assert "PEER-08" in hops(r, ok=False)[0].rules


def test_spoke_to_spoke_through_vpn_gateway_udr():
    """GW-07: UDRs to VirtualNetworkGateway in both spokes; allow forwarded traffic not needed."""
    doc = copy.deepcopy(HUB_NVA)
    doc["route_tables"][0]["routes"] = [
        {"name": "b-via-gw", "prefix": "10.2.0.0/16", "next_hop_type": "VirtualNetworkGateway"}
    ]
    doc["route_tables"][1]["routes"] = [
        {"name": "a-via-gw", "prefix": "10.1.0.0/16", "next_hop_type": "VirtualNetworkGateway"}
    ]
    for p in doc["peerings"]:
        p["allow_forwarded_traffic"] = False
    r = reach(topology_from_dict(doc), "vm-a", "vm-b", "tcp", 443)
    assert r.reason is Reason.DELIVERED and r.confirmed
    assert [h.at for h in hops(r, step="gateway")] == ["vgw", "vgw"]


def test_udr_to_expressroute_gateway_drops():
    """RT-10, GW-08: an ExpressRoute gateway cannot be a UDR target."""
    doc = copy.deepcopy(HUB_NVA)
    doc["vnets"][0]["gateway"]["type"] = "expressroute"
    doc["vnets"][0]["gateway"]["sku"] = "ErGw1AZ"
    doc["route_tables"][0]["routes"] = [
        {"name": "b-via-gw", "prefix": "10.2.0.0/16", "next_hop_type": "VirtualNetworkGateway"}
    ]
    r = reach(topology_from_dict(doc), "vm-a", "vm-b", "tcp", 443)
    assert r.reason is Reason.NO_ROUTE and "RT-10" in r.rules


def test_bgp_more_specific_than_peering_loses():
    """RT-14 (T-34): 10.1.5.0/24 from on-premises does not beat the 10.1.0.0/16 peering route."""
    doc = copy.deepcopy(HUB_NVA)
    doc["onprem"][0]["address_space"] = ["192.168.0.0/16", "10.1.5.0/24"]
    t = topology_from_dict(doc)
    # spoke-b has no peering route covering 10.1.5.9, so plain longest prefix applies (RT-12,
    # T-35): the /24 gateway route beats the /16 UDR.
    assert run(t, "next-hop", {"vm": "vm-b", "dest": "10.1.5.9"})["next_hop_type"] == (
        "VirtualNetworkGateway"
    )
    doc["vnets"][2]["subnets"][0]["route_table"] = None
    t = topology_from_dict(doc)
    assert run(t, "next-hop", {"vm": "nva1", "dest": "10.1.5.9"})["next_hop_type"] == "VNetPeering"
    assert run(t, "next-hop", {"vm": "nva1", "dest": "192.168.1.1"})["next_hop_type"] == (
        "VirtualNetworkGateway"
    )


TWO = {
    "vnets": [
        {
            "name": "a",
            "region": "eastus",
            "address_space": ["10.0.0.0/16"],
            "subnets": [{"name": "s", "prefix": "10.0.1.0/24", "nsg": "nsg-a"}],
        },
        {
            "name": "b",
            "region": "eastus",
            "address_space": ["10.1.0.0/16"],
            "subnets": [{"name": "s", "prefix": "10.1.1.0/24", "nsg": "nsg-b"}],
        },
    ],
    "peerings": [
        {"name": "a-to-b", "from": "a", "to": "b", "allow_virtual_network_access": False},
        {"name": "b-to-a", "from": "b", "to": "a", "allow_virtual_network_access": False},
    ],
    "nsgs": [{"name": "nsg-a", "rules": []}, {"name": "nsg-b", "rules": []}],
    "vms": [
        {"name": "vm-a", "vnet": "a", "subnet": "s", "ip": "10.0.1.4", "public_ip": "20.0.0.1"},
        {"name": "vm-b", "vnet": "b", "subnet": "s", "ip": "10.1.1.4"},
    ],
}


def test_vnet_access_disabled_both_sides():
    """PEER-06: the tag changes, default rules deny; confirmed when both links are off."""
    r = reach(topo(TWO), "vm-a", "vm-b", "tcp", 22)
    assert r.reason is Reason.VNET_ACCESS_DISABLED and r.confirmed
    assert Reason.VNET_ACCESS_DISABLED in r.also  # inbound at vm-b too


def test_vnet_access_disabled_keeps_routes():
    """PEER-06, T-14: the peering routes remain."""
    assert run(topo(TWO), "next-hop", {"vm": "vm-a", "dest": "10.1.1.4"})["next_hop_type"] == (
        "VNetPeering"
    )


def test_vnet_access_disabled_explicit_rules_still_work():
    """PEER-06: rules naming the remote ranges explicitly still allow the traffic."""
    out = {
        "name": "to-b",
        "priority": 100,
        "direction": "outbound",
        "access": "allow",
        "protocol": "tcp",
        "source": "*",
        "destination": "10.1.0.0/16",
        "destination_ports": "22",
    }
    inb = {
        "name": "from-a",
        "priority": 100,
        "direction": "inbound",
        "access": "allow",
        "protocol": "tcp",
        "source": "10.0.0.0/16",
        "destination": "*",
        "destination_ports": "22",
    }
    r = reach(topo(TWO, nsgs__0__rules=[out], nsgs__1__rules=[inb]), "vm-a", "vm-b", "tcp", 22)
    assert r.reason is Reason.DELIVERED


def test_vnet_access_one_side_is_unconfirmed():
    r = reach(topo(TWO, peerings__1__allow_virtual_network_access=True), "vm-a", "vm-b", "tcp", 22)
    assert r.reason is Reason.VNET_ACCESS_DISABLED
    assert "U-02" in r.assumptions


def test_internet_inbound_needs_public_ip():
    r = reach(topo(TWO), "52.1.2.3", "vm-b", "tcp", 443)
    assert r.reason is Reason.NO_PUBLIC_IP


def test_internet_inbound_to_public_ip_through_nsg():
    """NSG-07: the NSG sees the private IP; the default rules deny Internet inbound."""
    r = reach(topo(TWO), "52.1.2.3", "vm-a", "tcp", 443)
    assert r.reason is Reason.NSG_DENY_INBOUND
    allow = {
        "name": "https",
        "priority": 100,
        "direction": "inbound",
        "access": "allow",
        "protocol": "tcp",
        "source": "Internet",
        "destination": "10.0.1.4",
        "destination_ports": "443",
    }
    r = reach(topo(TWO, nsgs__0__rules=[allow]), "52.1.2.3", "20.0.0.1", "tcp", 443)
    assert r.reason is Reason.DELIVERED


def test_internet_inbound_with_forced_tunnel_is_asymmetric():
    """RT-17: with a 0/0 UDR to an NVA, direct inbound connections from the Internet fail."""
    doc = copy.deepcopy(TWO)
    allow = {
        "name": "https",
        "priority": 100,
        "direction": "inbound",
        "access": "allow",
        "protocol": "tcp",
        "source": "Internet",
        "destination": "*",
        "destination_ports": "443",
    }
    doc["nsgs"][0]["rules"] = [allow]
    doc["vnets"][0]["subnets"].append({"name": "nva", "prefix": "10.0.9.0/24"})
    doc["vnets"][0]["subnets"][0]["route_table"] = "rt"
    doc["route_tables"] = [
        {
            "name": "rt",
            "routes": [
                {
                    "name": "all",
                    "prefix": "0.0.0.0/0",
                    "next_hop_type": "VirtualAppliance",
                    "next_hop_ip": "10.0.9.4",
                }
            ],
        }
    ]
    doc["vms"].append(
        {
            "name": "fw",
            "vnet": "a",
            "subnet": "nva",
            "ip": "10.0.9.4",
            "ip_forwarding": True,
            "appliance": True,
        }
    )
    r = reach(topology_from_dict(doc), "52.1.2.3", "vm-a", "tcp", 443)
    assert r.reason is Reason.ASYMMETRIC_ROUTING and "RT-17" in r.rules


def test_internet_outbound_without_public_ip_is_an_assumption():
    """Section 13 item 15: default outbound access is not confirmed."""
    assert "U-15" in reach(topo(TWO), "vm-b", "8.8.8.8", "tcp", 443).assumptions
    r = reach(topo(TWO), "vm-a", "8.8.8.8", "tcp", 443)
    assert r.reason is Reason.DELIVERED and r.confirmed


def test_private_unpeered_destination_outbound_nsg_first():
    """contracts.md: DenyAllOutBound fires before the None route (EX-07)."""
    r = reach(topo(TWO), "vm-a", "10.50.0.1", "tcp", 443)
    assert r.reason is Reason.NSG_DENY_OUTBOUND and Reason.NO_ROUTE in r.also


def test_stopped_endpoints():
    assert reach(
        topo(TWO, vms__1__power_state="stopped"), "vm-a", "10.1.1.4", "icmp", 0
    ).reason in (Reason.DESTINATION_VM_STOPPED, Reason.VNET_ACCESS_DISABLED)
    t = topo(
        TWO,
        peerings__0__allow_virtual_network_access=True,
        peerings__1__allow_virtual_network_access=True,
        vms__1__power_state="stopped",
    )
    assert reach(t, "vm-a", "vm-b", "icmp", 0).reason is Reason.DESTINATION_VM_STOPPED
    assert reach(t, "vm-b", "vm-a", "icmp", 0).reason is Reason.SOURCE_VM_STOPPED


def test_no_host_at_address():
    t = topo(
        TWO,
        peerings__0__allow_virtual_network_access=True,
        peerings__1__allow_virtual_network_access=True,
    )
    assert reach(t, "vm-a", "10.1.1.99", "tcp", 22).reason is Reason.NO_HOST


@pytest.mark.parametrize(
    ("space", "none_routes"),
    [
        (["10.0.0.0/16"], {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"}),
        (["10.0.0.0/8"], {"172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"}),  # RT-04(a)
        (["10.0.0.0/7"], {"172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"}),  # RT-04(b)
    ],
)
def test_reserved_none_routes(space, none_routes):
    doc = {
        "vnets": [
            {
                "name": "v",
                "region": "eastus",
                "address_space": space,
                "subnets": [{"name": "s", "prefix": "10.0.0.0/24"}],
            }
        ]
    }
    routes = run(topology_from_dict(doc), "routes", {"subnet": "v/s"})["routes"]
    assert {r["prefix"] for r in routes if r["next_hop_type"] == "None"} == none_routes
    assert {r["prefix"] for r in routes if r["next_hop_type"] == "VnetLocal"} == set(space)


def test_topologies_with_the_same_routing_share_memo_tables_and_answers() -> None:
    """Routes and tag views are kept per VNet and its routing (evaluator/cache.py): a topology
    that differs only in an NSG takes them over; a VNet whose routing differs gets its own,
    and a VNet the change does not reach keeps them."""
    doc = yaml.safe_load(
        (Path(__file__).parent.parent / "examples/techcorp-dev-prod.yaml").read_text()
    )
    base = topology_from_dict(doc)
    vnet = base.vnets[0]
    subnet = vnet.subnets[0].name
    before = effective_routes(base, vnet.name, subnet)
    nsg_changed = copy.deepcopy(doc)
    nsg_changed["nsgs"][0]["rules"] = []
    other = topology_from_dict(nsg_changed)
    assert other.nsgs != base.nsgs and other.__dict__.get("_memo") is None
    assert effective_routes(other, vnet.name, subnet) is before  # taken over, not recomputed
    assert other.__dict__["_memo"][vnet.name] is base.__dict__["_memo"][vnet.name]
    routed = copy.deepcopy(doc)
    routed["vnets"][0]["address_space"].append("10.250.0.0/16")
    third = topology_from_dict(routed)
    assert effective_routes(third, vnet.name, subnet) != before
    assert third.__dict__["_memo"][vnet.name] is not base.__dict__["_memo"][vnet.name]
    # The peer sees the new range too: its routes are its own, and include it.
    peer = base.vnets[1]

    def peer_prefixes(topo) -> set[str]:
        return {str(r.prefix) for r in effective_routes(topo, peer.name, peer.subnets[0].name)}

    assert "10.250.0.0/16" not in peer_prefixes(base)
    assert "10.250.0.0/16" in peer_prefixes(third)
    # A VNet no link reaches is not touched by a change elsewhere.
    alone = {
        "name": "vnet-alone",
        "region": "eastus",
        "address_space": ["192.168.0.0/24"],
        "subnets": [{"name": "s", "prefix": "192.168.0.0/26"}],
    }
    with_alone, routed_alone = copy.deepcopy(doc), copy.deepcopy(routed)
    with_alone["vnets"].append(alone)
    routed_alone["vnets"].append(alone)
    first, second = topology_from_dict(with_alone), topology_from_dict(routed_alone)
    kept = effective_routes(first, "vnet-alone", "s")
    assert effective_routes(second, "vnet-alone", "s") is kept
    assert effective_routes(second, vnet.name, subnet) == effective_routes(third, vnet.name, subnet)
