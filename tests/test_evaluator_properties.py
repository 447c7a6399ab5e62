"""Properties of the evaluator over generated topologies (strategies in tests/strategies.py)."""

from __future__ import annotations

import copy
from ipaddress import IPv4Address

from hypothesis import assume, given
from hypothesis import strategies as st

from quizgen.errors import QueryError
from quizgen.evaluator.matrix import reach_matrix
from quizgen.evaluator.nsg import TagView, evaluate_nsg
from quizgen.evaluator.peering import peering_views
from quizgen.evaluator.routes import RouteLookup, effective_routes, select_route
from quizgen.evaluator.trace import Reason, reach
from quizgen.loader import topology_from_dict
from quizgen.model import Direction, Nsg, RouteSource, RouteState
from quizgen.validate import check
from tests.strategies import (
    chains,
    crowded_subnets,
    custom_rules,
    flows,
    ipv4_addresses,
    peered_pairs,
    topologies,
)


@given(topologies(), st.lists(ipv4_addresses(), min_size=1, max_size=8))
def test_longest_prefix_never_loses(topo, destinations):
    """RT-12: no Active route containing the destination is more specific than the chosen one,
    except a gateway route when a VNet or peering route covers the destination (RT-14)."""
    for vnet in topo.vnets:
        for subnet in vnet.subnets:
            routes = effective_routes(topo, vnet.name, subnet.name)
            lookup = RouteLookup(routes)
            for dest in destinations:
                chosen = lookup.select(dest)
                assert chosen == select_route(routes, dest)  # the fast path is the definition
                assert chosen is not None  # 0.0.0.0/0 always exists
                assert dest in chosen.prefix and chosen.state is RouteState.ACTIVE
                covering = [r for r in routes if r.state is RouteState.ACTIVE and dest in r.prefix]
                shadowed = any(r.is_vnet_or_peering for r in covering)
                for r in covering:
                    if r.source is RouteSource.GATEWAY and shadowed:
                        continue
                    assert r.prefix.prefixlen <= chosen.prefix.prefixlen


@given(topologies())
def test_one_active_route_per_prefix(topo):
    """RT-15: among identical prefixes exactly one route is Active."""
    for vnet in topo.vnets:
        for subnet in vnet.subnets:
            active = [
                r.prefix
                for r in effective_routes(topo, vnet.name, subnet.name)
                if r.state is RouteState.ACTIVE
            ]
            assert len(active) == len(set(active))


VIEW = TagView((), ())


@given(st.data(), st.sampled_from(list(Direction)))
def test_nsg_verdict_ignores_listing_order(data, direction):
    """NSG-02: rules are processed by priority, so their order in the file never matters."""
    rules = data.draw(custom_rules(direction))
    shuffled = data.draw(st.permutations(rules))
    protocol, src, sport, dst, dport = data.draw(flows())
    from quizgen.evaluator.nsg import Flow
    from quizgen.model import Topology

    flow = Flow(protocol, src, sport, dst, dport)
    one = evaluate_nsg(Topology(), Nsg("n", tuple(rules)), direction, flow, VIEW)
    two = evaluate_nsg(Topology(), Nsg("n", tuple(shuffled)), direction, flow, VIEW)
    assert (one.access, one.rule) == (two.access, two.rule)


@given(peered_pairs(), st.sampled_from(["tcp", "udp", "icmp"]), st.integers(0, 65535))
def test_connected_peering_with_default_nsgs_reaches_both_ways(doc, protocol, port):
    """PEER-02, RT-05, NSG-03: AllowVnetInBound/OutBound cover a Connected peer."""
    topo = topology_from_dict(doc)
    assert {v.state.value for v in peering_views(topo)} == {"Connected"}
    for a, b in (("vm-a", "vm-b"), ("vm-b", "vm-a")):
        result = reach(topo, a, b, protocol, port)
        assert result.reason is Reason.DELIVERED and result.confirmed, result.explanation


@given(chains(), st.sampled_from(["tcp", "udp", "icmp"]))
def test_chain_is_never_transitive(doc, protocol):
    """PEER-04: without UDRs nothing forwards A's packets through B to C, whatever the flags."""
    topo = topology_from_dict(doc)
    for a, c in (("vm-a", "vm-c"), ("vm-c", "vm-a")):
        result = reach(topo, a, c, protocol, 443)
        assert not result.reachable
        assert result.reason is not Reason.DELIVERED


@given(peered_pairs(), st.data())
def test_deny_above_every_matching_allow_blocks_and_is_named(doc, data):
    """NSG-02: a matching deny with a smaller priority number than every matching allow decides."""
    doc = copy.deepcopy(doc)
    doc.setdefault("nsgs", []).append({"name": "nsg-b", "rules": []})
    doc["vnets"][1]["subnets"][0]["nsg"] = "nsg-b"
    nsg_b = doc["nsgs"][-1]
    protocol = data.draw(st.sampled_from(["tcp", "udp"]))
    port = data.draw(st.integers(1, 65535))
    allows = data.draw(st.lists(st.integers(200, 4096), max_size=4, unique=True))
    for n, priority in enumerate(allows):
        nsg_b["rules"].append(
            {
                "name": f"allow-{n}",
                "priority": priority,
                "direction": "inbound",
                "access": "allow",
                "protocol": data.draw(st.sampled_from([protocol, "*"])),
                "source": data.draw(st.sampled_from(["*", "VirtualNetwork", doc["vms"][0]["ip"]])),
                "destination": "*",
                "destination_ports": str(port),
            }
        )
    before = reach(topology_from_dict(doc), "vm-a", "vm-b", protocol, port)
    assume(before.reachable)
    deny_priority = data.draw(st.integers(100, min(allows, default=4097) - 1))
    nsg_b["rules"].append(
        {
            "name": "deny-it",
            "priority": deny_priority,
            "direction": "inbound",
            "access": "deny",
            "protocol": protocol,
            "source": doc["vms"][0]["ip"],
            "destination": doc["vms"][1]["ip"],
            "destination_ports": str(port),
        }
    )
    after = reach(topology_from_dict(doc), "vm-a", "vm-b", protocol, port)
    assert (after.reachable, after.reason) == (False, Reason.NSG_DENY_INBOUND)
    assert any(h.decided_by == "nsg-b/securityRules/deny-it" for h in after.hops if not h.ok)


@given(topologies(), st.sampled_from(["tcp", "udp", "icmp"]), st.integers(0, 65535))
def test_matrix_matches_reach_pair_by_pair(topo, protocol, port):
    """The all-pairs cache (atoms of the topology's prefixes) changes no verdict."""
    names = {vm.name for vm in topo.vms}
    ips = [vm.ip for vm in topo.vms]
    assume(len(set(ips)) == len(ips))  # reach by name is unambiguous only with unique IPs
    matrix = reach_matrix(topo, list(topo.vms), list(topo.vms), protocol, port)
    assert len(matrix) == len(names) * (len(names) - 1)
    for (a, b), verdict in matrix.items():
        r = reach(topo, a, b, protocol, port)
        assert (r.reachable, r.reason, r.also) == (verdict.reachable, verdict.reason, verdict.also)


@given(crowded_subnets(), st.sampled_from(["tcp", "udp", "icmp"]), st.sampled_from([22, 443, 8080]))
def test_matrix_matches_reach_when_rules_single_out_vms(doc, protocol, port):
    """As above, on subnets whose VMs differ only by address, ASG and NIC NSG."""
    topo = topology_from_dict(doc)
    matrix = reach_matrix(topo, list(topo.vms), list(topo.vms), protocol, port)
    for (a, b), verdict in matrix.items():
        r = reach(topo, a, b, protocol, port)
        assert (r.reachable, r.reason, r.also) == (verdict.reachable, verdict.reason, verdict.also)


@given(topologies(), st.lists(ipv4_addresses(), max_size=3))
def test_every_query_answers_or_refuses_cleanly(topo, extra):
    """Any loaded topology: each command answers, or refuses with a QueryError (exit 2)."""
    check(topo)
    peering_views(topo)
    endpoints = [vm.name for vm in topo.vms] + [str(ip) for ip in extra]
    for a in endpoints:
        for b in endpoints:
            for protocol in ("tcp", "icmp"):
                try:
                    result = reach(topo, a, b, protocol, 443)
                except QueryError:
                    continue
                assert result.reason in Reason
                assert result.reachable == (result.reason is Reason.DELIVERED)
                assert result.explanation and result.hops


def test_vm_ip_lookups_are_indexed():
    topo = topology_from_dict(
        {
            "vnets": [
                {
                    "name": "v",
                    "region": "eastus",
                    "address_space": ["10.0.0.0/16"],
                    "subnets": [{"name": "s", "prefix": "10.0.0.0/24"}],
                }
            ],
            "vms": [
                {"name": "a", "vnet": "v", "subnet": "s", "ip": "10.0.0.4", "public_ip": "20.0.0.4"}
            ],
        }
    )
    assert [v.name for v in topo.vms_with_ip(IPv4Address("10.0.0.4"))] == ["a"]
    assert [v.name for v in topo.vms_with_public_ip(IPv4Address("20.0.0.4"))] == ["a"]
    assert topo.vms_with_ip(IPv4Address("10.0.0.5")) == ()
