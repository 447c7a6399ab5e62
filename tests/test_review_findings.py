"""Regression tests from the independent review of the evaluator (one per finding).

Each case is a wrong key or an unflagged UNCONFIRMED dependency the review found; the fix is in
the evaluator and, where the docs disagree with azure-rules.md, the test names the source.
"""

from __future__ import annotations

import copy

import pytest

from quizgen.checks import run
from quizgen.errors import QueryError
from quizgen.evaluator.trace import Reason, reach
from quizgen.loader import topology_from_dict
from tests.test_trace import HUB_NVA, TWO

ONE = {
    "vnets": [
        {
            "name": "v",
            "region": "eastus",
            "address_space": ["10.0.0.0/16"],
            "subnets": [
                {"name": "app", "prefix": "10.0.1.0/24", "nsg": "nsg-app"},
                {"name": "fw", "prefix": "10.0.9.0/24"},
            ],
        }
    ],
    "nsgs": [{"name": "nsg-app", "rules": []}],
    "vms": [
        {"name": "vm1", "vnet": "v", "subnet": "app", "ip": "10.0.1.4", "public_ip": "20.0.0.9"},
        {
            "name": "fw",
            "vnet": "v",
            "subnet": "fw",
            "ip": "10.0.9.4",
            "ip_forwarding": True,
            "appliance": True,
        },
    ],
}
DENY_INTERNET_OUT = {
    "name": "deny-internet",
    "priority": 100,
    "direction": "outbound",
    "access": "deny",
    "protocol": "*",
    "source": "*",
    "destination": "Internet",
}


def load(doc):
    return topology_from_dict(copy.deepcopy(doc), "review")


def test_f1_internet_tag_is_fixed_public_space_and_overlap_is_flagged():
    """NSG-09 vs the Network Watcher expansion of AllowInternetOutBound (a fixed list of public
    prefixes) and azure-docs #81801: with a 0/0 UDR, 8.8.8.8 is in VirtualNetwork (NSG-08) and in
    Internet; a Deny-Internet rule at priority 100 decides. The docs conflict: flagged."""
    doc = copy.deepcopy(ONE)
    doc["nsgs"][0]["rules"] = [DENY_INTERNET_OUT]
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
    answer = run(
        load(doc),
        "ip-flow",
        {
            "vm": "vm1",
            "direction": "outbound",
            "protocol": "tcp",
            "local": "10.0.1.4:50000",
            "remote": "8.8.8.8:443",
        },
    )
    assert (answer["access"], answer["rule"]) == ("Deny", "securityRules/deny-internet")
    assert "TAG-OVERLAP" in [a["id"] for a in answer["assumptions"]]


def test_f1_no_overlap_no_flag():
    doc = copy.deepcopy(ONE)
    doc["nsgs"][0]["rules"] = [DENY_INTERNET_OUT]
    answer = run(
        load(doc),
        "ip-flow",
        {
            "vm": "vm1",
            "direction": "outbound",
            "protocol": "tcp",
            "local": "10.0.1.4:50000",
            "remote": "8.8.8.8:443",
        },
    )
    assert (answer["access"], answer["assumptions"]) == ("Deny", [])


@pytest.mark.parametrize("address", ["203.0.113.10", "198.51.100.7", "192.0.2.1", "198.18.0.1"])
def test_f2_documentation_ranges_are_public(address):
    """RT-03: only 10/8, 172.16/12, 192.168/16 and 100.64/10 are reserved; the rest is Internet."""
    topo = load(ONE)
    out = run(
        topo,
        "ip-flow",
        {
            "vm": "vm1",
            "direction": "outbound",
            "protocol": "tcp",
            "local": "10.0.1.4:50000",
            "remote": f"{address}:443",
        },
    )
    assert out["rule"] == "defaultSecurityRules/AllowInternetOutBound"
    assert reach(topo, "vm1", address, "tcp", 443).reason is Reason.DELIVERED
    assert reach(topo, address, "vm1", "tcp", 443).reason is Reason.NSG_DENY_INBOUND


def test_f3_reply_over_public_ip_goes_to_the_public_ip():
    doc = copy.deepcopy(TWO)
    doc["peerings"] = []
    doc["vms"][1]["public_ip"] = "20.0.0.2"
    doc["nsgs"][1]["rules"] = [
        {
            "name": "https",
            "priority": 100,
            "direction": "inbound",
            "access": "allow",
            "protocol": "tcp",
            "source": "Internet",
            "destination": "*",
            "destination_ports": "443",
        }
    ]
    r = reach(load(doc), "vm-a", "20.0.0.2", "tcp", 443)
    assert r.reason is Reason.DELIVERED, r.explanation
    assert r.confirmed


def test_f4_public_space_vnet_is_not_reached_through_the_internet():
    doc = copy.deepcopy(TWO)
    doc["vnets"][0]["address_space"] = ["40.10.0.0/16"]
    doc["vnets"][0]["subnets"][0]["prefix"] = "40.10.1.0/24"
    doc["vnets"][1]["address_space"] = ["40.20.0.0/16"]
    doc["vnets"][1]["subnets"][0]["prefix"] = "40.20.1.0/24"
    doc["vms"][0]["ip"], doc["vms"][1]["ip"] = "40.10.1.4", "40.20.1.4"
    doc["peerings"] = [{"name": "a-to-b", "from": "a", "to": "b"}]
    assert reach(load(doc), "vm-a", "vm-b", "tcp", 22).reason is Reason.PEERING_NOT_CONNECTED
    doc["peerings"] = []
    assert reach(load(doc), "vm-a", "vm-b", "tcp", 22).reason is Reason.NO_ROUTE


def test_f4_public_site_with_propagation_off():
    doc = copy.deepcopy(HUB_NVA)
    doc["onprem"][0]["address_space"] = ["52.10.0.0/16"]
    doc["route_tables"][1]["propagate_gateway_routes"] = False
    r = reach(load(doc), "vm-b", "52.10.1.1", "tcp", 443)
    assert r.reason is Reason.GATEWAY_ROUTES_NOT_PROPAGATED


def test_f5_reply_from_onprem_follows_gatewaysubnet_routes():
    """RT-20: the answer enters at GatewaySubnet, whose UDRs apply."""
    doc = copy.deepcopy(HUB_NVA)
    doc["vnets"][0]["subnets"][2]["route_table"] = "rt-gw"
    doc["route_tables"].append(
        {
            "name": "rt-gw",
            "routes": [{"name": "drop-b", "prefix": "10.2.0.0/16", "next_hop_type": "None"}],
        }
    )
    r = reach(load(doc), "vm-b", "192.168.1.1", "tcp", 443)
    assert r.reason is Reason.ROUTE_NONE
    assert [h.leg for h in r.hops if not h.ok] == ["reply"]


def test_f6_standard_public_ip_is_closed_without_an_nsg():
    """docs: public IP addresses, Standard SKU 'closed to inbound traffic ... network security
    groups are required to allow inbound traffic'; Basic SKU retired 2025-09-30."""
    doc = copy.deepcopy(ONE)
    del doc["vnets"][0]["subnets"][0]["nsg"]
    r = reach(load(doc), "52.1.2.3", "vm1", "tcp", 80)
    assert r.reason is Reason.PUBLIC_IP_CLOSED
    # NSG evaluation itself is unchanged (EX-08, VM4): no NSG means IP flow verify allows.
    out = run(
        load(doc),
        "ip-flow",
        {
            "vm": "vm1",
            "direction": "inbound",
            "protocol": "tcp",
            "local": "10.0.1.4:80",
            "remote": "52.1.2.3:5000",
        },
    )
    assert (out["access"], out["rule"]) == ("Allow", None)


@pytest.mark.parametrize(
    "table",
    [
        {"name": "rt-gw", "propagate_gateway_routes": False, "routes": []},
        {
            "name": "rt-gw",
            "routes": [
                {
                    "name": "all",
                    "prefix": "0.0.0.0/0",
                    "next_hop_type": "VirtualAppliance",
                    "next_hop_ip": "10.0.1.4",
                }
            ],
        },
    ],
)
def test_f7_gateway_with_broken_gatewaysubnet_does_not_work(table):
    """RT-19: propagation off or a 0/0 route on GatewaySubnet stops the gateway."""
    doc = copy.deepcopy(HUB_NVA)
    doc["vnets"][0]["subnets"][2]["route_table"] = "rt-gw"
    doc["route_tables"].append(table)
    t = load(doc)
    assert reach(t, "192.168.7.7", "vm-b", "tcp", 443).reason is Reason.GATEWAY_NOT_WORKING
    assert reach(t, "vm-b", "192.168.7.7", "tcp", 443).reason is Reason.GATEWAY_NOT_WORKING


@pytest.mark.parametrize("address", ["168.63.129.16", "169.254.169.254"])
def test_f8_platform_addresses_are_refused_with_a_pointer(address):
    with pytest.raises(QueryError, match="NSG-11"):
        reach(load(ONE), "vm1", address, "udp", 53)
    with pytest.raises(QueryError, match="platform"):
        reach(load(ONE), address, "vm1", "tcp", 80)


def test_f9_smtp_to_the_internet_is_flagged():
    r = reach(load(ONE), "vm1", "8.8.8.8", "tcp", 25)
    assert r.reason is Reason.DELIVERED and "SMTP" in r.assumptions
    assert reach(load(ONE), "vm1", "8.8.8.8", "tcp", 443).confirmed


def test_f10_bgp_default_route_under_reserved_none_routes_is_flagged():
    doc = copy.deepcopy(HUB_NVA)
    doc["onprem"][0]["address_space"] = ["0.0.0.0/0"]
    r = reach(load(doc), "vm-b", "10.50.0.1", "tcp", 443)
    assert r.reason is Reason.NO_ROUTE and "U-06" in r.assumptions
    assert "less specific than the reserved None route" in r.explanation[1]


def test_f11_one_sided_access_is_flagged_even_when_allowed():
    doc = copy.deepcopy(TWO)
    doc["peerings"][0]["allow_virtual_network_access"] = True
    doc["nsgs"][1]["rules"] = [
        {
            "name": "from-a",
            "priority": 100,
            "direction": "inbound",
            "access": "allow",
            "protocol": "*",
            "source": "10.0.0.0/16",
            "destination": "*",
        }
    ]
    r = reach(load(doc), "vm-a", "vm-b", "tcp", 22)
    assert r.reason is Reason.DELIVERED and "U-02" in r.assumptions


def test_f11_access_off_without_nsgs_is_flagged():
    doc = copy.deepcopy(TWO)
    for subnet in (doc["vnets"][0]["subnets"][0], doc["vnets"][1]["subnets"][0]):
        del subnet["nsg"]
    r = reach(load(doc), "vm-a", "vm-b", "tcp", 22)
    assert "U-02" in r.assumptions


def test_f12_ip_flow_both_allow_and_gateway_next_hop_ip_are_flagged():
    doc = copy.deepcopy(ONE)
    doc["nsgs"].append({"name": "nsg-nic", "rules": []})
    doc["vms"][0]["nsg"] = "nsg-nic"
    out = run(
        load(doc),
        "ip-flow",
        {
            "vm": "vm1",
            "direction": "outbound",
            "protocol": "tcp",
            "local": "10.0.1.4:50000",
            "remote": "8.8.8.8:443",
        },
    )
    assert out["nsg"] == "nsg-app" and [a["id"] for a in out["assumptions"]] == ["U-08"]
    hop = run(load(HUB_NVA), "next-hop", {"vm": "nva1", "dest": "192.168.1.1"})
    assert hop["next_hop_type"] == "VirtualNetworkGateway"
    assert [a["id"] for a in hop["assumptions"]] == ["U-05"]


@pytest.mark.parametrize("protocol", ["*", "icmp"])
def test_f13_icmp_against_port_limited_rules_is_flagged(protocol):
    doc = copy.deepcopy(TWO)
    for link in doc["peerings"]:
        link["allow_virtual_network_access"] = True
    doc["nsgs"][1]["rules"] = [
        {
            "name": "deny-80",
            "priority": 100,
            "direction": "inbound",
            "access": "deny",
            "protocol": protocol,
            "source": "*",
            "destination": "*",
            "destination_ports": "80",
        }
    ]
    r = reach(load(doc), "vm-a", "vm-b", "icmp", 0)
    assert "ICMP-PORTS" in r.assumptions


def test_f14_asymmetric_appliance_path_is_flagged():
    """EX-12: the tutorial's asymmetric path works (delivered), but a question must not key on
    it, since a stateful firewall would drop the reply (NVA-03, DERIVED)."""
    r = reach(load(_ex12()), "myVmPublic", "myVmPrivate", "icmp", 0)
    assert r.reason is Reason.DELIVERED and r.asymmetric and "ASYMMETRIC" in r.assumptions


def _ex12():
    return {
        "vnets": [
            {
                "name": "v",
                "region": "eastus",
                "address_space": ["10.0.0.0/16"],
                "subnets": [
                    {"name": "Public", "prefix": "10.0.0.0/24", "route_table": "rt"},
                    {"name": "Private", "prefix": "10.0.1.0/24"},
                    {"name": "DMZ", "prefix": "10.0.2.0/24"},
                ],
            }
        ],
        "route_tables": [
            {
                "name": "rt",
                "routes": [
                    {
                        "name": "p",
                        "prefix": "10.0.1.0/24",
                        "next_hop_type": "VirtualAppliance",
                        "next_hop_ip": "10.0.2.4",
                    }
                ],
            }
        ],
        "vms": [
            {"name": "myVmPublic", "vnet": "v", "subnet": "Public", "ip": "10.0.0.4"},
            {"name": "myVmPrivate", "vnet": "v", "subnet": "Private", "ip": "10.0.1.4"},
            {
                "name": "nva",
                "vnet": "v",
                "subnet": "DMZ",
                "ip": "10.0.2.4",
                "ip_forwarding": True,
                "appliance": True,
            },
        ],
    }


def test_f15_asg_matching_a_nic_of_a_peered_vnet_is_flagged():
    doc = copy.deepcopy(TWO)
    for link in doc["peerings"]:
        link["allow_virtual_network_access"] = True
    doc["vms"][0]["asgs"] = ["web"]
    doc["nsgs"][1]["rules"] = [
        {
            "name": "from-web",
            "priority": 100,
            "direction": "inbound",
            "access": "allow",
            "protocol": "*",
            "source": "asg:web",
            "destination": "*",
        }
    ]
    r = reach(load(doc), "vm-a", "vm-b", "tcp", 22)
    assert "ASG-PEER" in r.assumptions


def test_f16_vnetlocal_udr_outside_the_vnet_is_flagged():
    doc = copy.deepcopy(TWO)
    doc["vnets"][0]["subnets"][0]["route_table"] = "rt"
    doc["route_tables"] = [
        {
            "name": "rt",
            "routes": [
                {"name": "peer-local", "prefix": "10.1.0.0/16", "next_hop_type": "VnetLocal"}
            ],
        }
    ]
    hop = run(load(doc), "next-hop", {"vm": "vm-a", "dest": "10.1.1.4"})
    assert [a["id"] for a in hop["assumptions"]] == ["VNETLOCAL-OUTSIDE"]
    assert "VNETLOCAL-OUTSIDE" in reach(load(doc), "vm-a", "vm-b", "tcp", 22).assumptions


def test_f17_appliance_forwarding_is_checked_before_its_nsg():
    """Section 10 step 4: RT-09, then NVA-01/02, then the NVA NIC's inbound NSGs."""
    doc = copy.deepcopy(HUB_NVA)
    doc["vms"][0]["ip_forwarding"] = False
    doc["vms"][0]["nsg"] = "nsg-nva"
    doc["nsgs"][0]["rules"] = [
        {
            "name": "deny",
            "priority": 100,
            "direction": "inbound",
            "access": "deny",
            "protocol": "*",
            "source": "*",
            "destination": "*",
        }
    ]
    r = reach(load(doc), "vm-a", "vm-b", "tcp", 443)
    assert r.reason is Reason.IP_FORWARDING_DISABLED
    assert Reason.NSG_DENY_INBOUND in r.also
