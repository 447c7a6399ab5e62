"""quizgen.validate: every configuration problem, each with a stable code and its rule IDs.

Every code in ``CODES`` has a case that triggers exactly that code and a near miss that triggers
nothing (test_case_triggers_exactly_its_code / test_near_miss_is_clean). Case ids start with the
rule ID they check. Topologies are built in code with the small builder below; the example files
go through the loader.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizgen.evaluator.peering import can_peer
from quizgen.loader import load_topology, parse_topology
from quizgen.model import (
    ANY_ADDRESS,
    Access,
    AddressItem,
    AsgRef,
    Direction,
    Gateway,
    GatewayType,
    NextHopType,
    Nsg,
    OnPremSite,
    Peering,
    PeeringState,
    Route,
    RouteTable,
    SecurityRule,
    ServiceTag,
    Subnet,
    Topology,
    Vm,
    VNet,
)
from quizgen.validate import CODES, ERROR, SEVERITIES, WARNING, Problem, check, has_errors

EXAMPLES = sorted((Path(__file__).parent.parent / "examples").glob("*.yaml"))

# --- builder ------------------------------------------------------------------------------------


def sub(name: str, prefix: str, nsg: str | None = None, rt: str | None = None) -> Subnet:
    return Subnet(name, IPv4Network(prefix), nsg, rt)


def vnet(
    name: str,
    *space: str,
    subnets: tuple[Subnet, ...] = (),
    gateway: Gateway | None = None,
    region: str = "eastus",
    subscription: str | None = None,
) -> VNet:
    return VNet(name, region, tuple(IPv4Network(p) for p in space), subnets, gateway, subscription)


def hub(
    name: str = "vnet-hub",
    space: str = "10.0.0.0/16",
    *,
    sku: str = "VpnGw1",
    er: bool = False,
    gs: str | None = None,
    gs_nsg: str | None = None,
    gs_rt: str | None = None,
    shared_rt: str | None = None,
    connections: tuple[str, ...] = (),
) -> VNet:
    """A VNet with a gateway: ``shared`` is its first /24 + 1, GatewaySubnet its x.x.255.0/27."""
    base = IPv4Network(space).network_address
    kind = GatewayType.EXPRESSROUTE if er else GatewayType.VPN
    return vnet(
        name,
        space,
        gateway=Gateway(f"vgw-{name}", kind, sku, connections),
        subnets=(
            Subnet("shared", IPv4Network(f"{base + 256}/24"), None, shared_rt),
            Subnet("GatewaySubnet", IPv4Network(gs or f"{base + 0xFF00}/27"), gs_nsg, gs_rt),
        ),
    )


def spoke(name: str, space: str, rt: str | None = None) -> VNet:
    """A VNet without a gateway and one subnet ``app``: its first /24 + 1."""
    base = IPv4Network(space).network_address
    return vnet(name, space, subnets=(sub("app", f"{base + 256}/24", rt=rt),))


def link(a: str, b: str, name: str | None = None, **flags: object) -> Peering:
    return Peering(name or f"{a}-to-{b}", a, b, **flags)  # type: ignore[arg-type]


def peer(
    a: str, b: str, ab: dict[str, object] | None = None, ba: dict[str, object] | None = None
) -> tuple[Peering, Peering]:
    """Both links of a peering (PEER-01), with optional flags for each side."""
    return link(a, b, **(ab or {})), link(b, a, **(ba or {}))


def transit(hub_name: str, spoke_name: str, **spoke_flags: object) -> tuple[Peering, Peering]:
    """EX-15: allow_gateway_transit on the hub's link, use_remote_gateways on the spoke's."""
    return peer(
        hub_name,
        spoke_name,
        {"allow_gateway_transit": True},
        {"use_remote_gateways": True, **spoke_flags},
    )


def vm(name: str, vnet_name: str, subnet: str, ip: str, **kw: object) -> Vm:
    return Vm(name, vnet_name, subnet, IPv4Address(ip), **kw)  # type: ignore[arg-type]


def nva(name: str, vnet_name: str, subnet: str, ip: str, **kw: object) -> Vm:
    """A VM that forwards: IP forwarding on the NIC (NVA-01) and in the OS (NVA-02)."""
    return vm(name, vnet_name, subnet, ip, **{"ip_forwarding": True, "appliance": True, **kw})


def rule(
    name: str,
    priority: int = 100,
    direction: Direction = Direction.INBOUND,
    source: tuple[AddressItem, ...] = (ANY_ADDRESS,),
    destination: tuple[AddressItem, ...] = (ANY_ADDRESS,),
) -> SecurityRule:
    return SecurityRule(
        name, priority, direction, Access.ALLOW, source=source, destination=destination
    )


def route(name: str, prefix: str, hop: str, ip: str | None = None) -> Route:
    return Route(name, IPv4Network(prefix), NextHopType(hop), IPv4Address(ip) if ip else None)


def table(name: str, *routes: Route, propagate: bool = True) -> RouteTable:
    return RouteTable(name, routes, propagate)


def topo(
    *vnets: VNet,
    peerings: tuple[Peering, ...] = (),
    nsgs: tuple[Nsg, ...] = (),
    route_tables: tuple[RouteTable, ...] = (),
    vms: tuple[Vm, ...] = (),
    onprem: tuple[OnPremSite, ...] = (),
) -> Topology:
    return Topology(vnets, peerings, nsgs, route_tables, vms, onprem)


def site(name: str, *space: str) -> OnPremSite:
    return OnPremSite(name, tuple(IPv4Network(p) for p in space))


def codes(t: Topology) -> list[str]:
    return [p.code for p in check(t)]


# --- one case per code --------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str  # starts with the rule ID checked
    code: str
    bad: Topology  # triggers exactly ``code`` (once)
    good: Topology  # the near miss: no problem at all


A, B = "vnet-a", "vnet-b"
HUB, SPOKE = "vnet-hub", "vnet-spoke"
EX15 = topo(hub(), spoke(SPOKE, "10.1.0.0/16"), peerings=transit(HUB, SPOKE))
NSG = "nsg-app"


def _nsg(*rules: SecurityRule) -> Topology:
    return topo(vnet(A, "10.0.0.0/16"), nsgs=(Nsg(NSG, rules),))


def _one_vnet(*space: str, subnets: tuple[Subnet, ...] = (), vms: tuple[Vm, ...] = ()) -> Topology:
    return topo(vnet(A, *space, subnets=subnets), vms=vms)


def _asg_vms(second_vnet: str) -> tuple[Vm, ...]:
    return (
        vm("vm-1", A, "app", "10.0.1.4", asgs=("web",)),
        vm("vm-2", second_vnet, "app", f"10.{0 if second_vnet == A else 1}.1.5", asgs=("web",)),
    )


_TWO_SPOKES = (spoke(A, "10.0.0.0/16"), spoke(B, "10.1.0.0/16"))


def _asg_rule(db_vnet: str) -> Topology:
    ip = "10.0.1.5" if db_vnet == A else "10.1.1.5"
    return topo(
        *_TWO_SPOKES,
        vms=(
            vm("vm-web", A, "app", "10.0.1.4", asgs=("web",)),
            vm("vm-db", db_vnet, "app", ip, asgs=("db",)),
        ),
        nsgs=(
            Nsg(NSG, (rule("web-to-db", source=(AsgRef("web"),), destination=(AsgRef("db"),)),)),
        ),
    )


def _rt(*routes: Route) -> Topology:
    """An unattached route table."""
    return topo(vnet(A, "10.0.0.0/16"), route_tables=(table("rt", *routes),))


def _regions(region_b: str, sub_b: str | None = None) -> Topology:
    return topo(
        vnet(A, "10.0.0.0/16", subnets=(sub("app", "10.0.1.0/24", rt="rt"),), subscription="sub-1"),
        vnet(
            B,
            "10.1.0.0/16",
            subnets=(sub("app", "10.1.1.0/24", rt="rt"),),
            region=region_b,
            subscription=sub_b,
        ),
        route_tables=(table("rt", route("web", "0.0.0.0/0", "Internet")),),
    )


def _nva_remote(*peerings: Peering) -> Topology:
    """spoke-b's table sends 10.2.0.0/16 to an NVA in vnet-a (10.0.1.4)."""
    return topo(
        spoke(A, "10.0.0.0/16"),
        spoke(B, "10.1.0.0/16", rt="rt"),
        peerings=peerings,
        vms=(nva("vm-nva", A, "app", "10.0.1.4"),),
        route_tables=(table("rt", route("to-c", "10.2.0.0/16", "VirtualAppliance", "10.0.1.4")),),
    )


def _nva_local(ip: str = "10.0.2.4", nva_vm: Vm | None = None) -> Topology:
    """vnet-a's ``app`` subnet uses a table that sends 10.2.0.0/16 to ``ip``."""
    a = vnet(
        A, "10.0.0.0/16", subnets=(sub("app", "10.0.1.0/24", rt="rt"), sub("nva", "10.0.2.0/24"))
    )
    return topo(
        a,
        vms=() if nva_vm is None else (nva_vm,),
        route_tables=(table("rt", route("to-c", "10.2.0.0/16", "VirtualAppliance", ip)),),
    )


_GW_ROUTE = table("rt", route("to-onprem", "10.9.0.0/16", "VirtualNetworkGateway"))


def _disconnected(both: bool) -> tuple[Peering, ...]:
    return peer(
        A,
        B,
        {"state": PeeringState.DISCONNECTED},
        {"state": PeeringState.DISCONNECTED} if both else {},
    )


#: Azure refuses these, but azure-rules.md has no rule ID for them.
NO_RULE = {"vnet-address-space-overlap-self", "vm-ip-outside-subnet", "duplicate-ip"}

CASES = [
    Case(
        "ADDR-01-overlap",
        "address-space-overlap",
        topo(vnet(A, "10.0.0.0/16"), vnet(B, "10.0.128.0/17"), peerings=peer(A, B)),
        topo(vnet(A, "10.0.0.0/17"), vnet(B, "10.0.128.0/17"), peerings=peer(A, B)),
    ),
    Case(
        "ADDR-01-one-link-is-enough",
        "address-space-overlap",
        topo(vnet(A, "10.0.0.0/16"), vnet(B, "10.0.5.0/24"), peerings=(link(B, A),)),
        topo(vnet(A, "10.0.0.0/16"), vnet(B, "10.0.5.0/24")),
    ),
    Case(
        "ADDR-02-EX-17",
        "overlaps-already-peered-vnet",
        topo(
            vnet(HUB, "10.100.0.0/16"),
            vnet("spoke-1", "10.0.0.0/24"),
            vnet("spoke-2", "10.0.0.0/16"),
            peerings=(*peer(HUB, "spoke-1"), *peer(HUB, "spoke-2")),
        ),
        topo(
            vnet(HUB, "10.100.0.0/16"),
            vnet("spoke-1", "10.0.0.0/24"),
            vnet("spoke-2", "10.0.1.0/24"),
            peerings=(*peer(HUB, "spoke-1"), *peer(HUB, "spoke-2")),
        ),
    ),
    Case(
        "PEER-09-remote-gateway-missing",
        "remote-gateway-missing",
        topo(
            spoke(A, "10.0.0.0/16"),
            spoke(B, "10.1.0.0/16"),
            peerings=peer(A, B, {"use_remote_gateways": True}),
        ),
        topo(spoke(A, "10.0.0.0/16"), hub(B, "10.1.0.0/16"), peerings=transit(B, A)),
    ),
    Case(
        "PEER-09-PEER-10-EX-15-spoke-has-own-gateway",
        "local-gateway-conflict",
        topo(hub(), hub(SPOKE, "10.1.0.0/16"), peerings=transit(HUB, SPOKE)),
        EX15,
    ),
    Case(
        "PEER-09-EX-15-second-spoke-peering-uses-remote-gateways",
        "multiple-remote-gateways",
        topo(
            hub(),
            spoke(SPOKE, "10.1.0.0/16"),
            hub("vnet-hub2", "10.2.0.0/16"),
            peerings=(*transit(HUB, SPOKE), *transit("vnet-hub2", SPOKE)),
        ),
        topo(
            hub(),
            spoke(SPOKE, "10.1.0.0/16"),
            hub("vnet-hub2", "10.2.0.0/16"),
            peerings=(*transit(HUB, SPOKE), *peer("vnet-hub2", SPOKE)),
        ),
    ),
    Case(
        "GW-03-EX-15-basic-hub",
        "basic-sku-no-transit",
        topo(hub(sku="Basic"), spoke(SPOKE, "10.1.0.0/16"), peerings=transit(HUB, SPOKE)),
        EX15,
    ),
    Case(
        "GW-03-use-remote-gateways-toward-basic",
        "basic-sku-no-transit",
        topo(
            hub(sku="Basic"),
            spoke(SPOKE, "10.1.0.0/16"),
            peerings=peer(HUB, SPOKE, None, {"use_remote_gateways": True}),
        ),
        topo(
            hub(),
            spoke(SPOKE, "10.1.0.0/16"),
            peerings=peer(HUB, SPOKE, None, {"use_remote_gateways": True}),
        ),
    ),
    Case(
        "PEER-08-transit-without-gateway",
        "gateway-transit-without-gateway",
        topo(*_TWO_SPOKES, peerings=peer(A, B, {"allow_gateway_transit": True})),
        topo(*_TWO_SPOKES, peerings=peer(A, B)),
    ),
    Case(
        "GW-02-no-gatewaysubnet",
        "gateway-without-gatewaysubnet",
        topo(
            vnet(
                HUB,
                "10.0.0.0/16",
                gateway=Gateway("vgw"),
                subnets=(sub("gatewaysubnet", "10.0.255.0/27"),),
            )
        ),
        topo(
            vnet(
                HUB,
                "10.0.0.0/16",
                gateway=Gateway("vgw"),
                subnets=(sub("GatewaySubnet", "10.0.255.0/27"),),
            )
        ),
    ),
    Case(
        "GW-02-gatewaysubnet-28-with-VpnGw1",
        "gatewaysubnet-too-small",
        topo(hub(gs="10.0.255.0/28")),
        topo(hub(gs="10.0.255.0/27")),
    ),
    Case(
        "GW-02-expressroute-wants-26",
        "gatewaysubnet-small-for-expressroute",
        topo(hub(er=True)),
        topo(hub(er=True, gs="10.0.255.0/26")),
    ),
    Case(
        "GW-02-vm-in-gatewaysubnet",
        "gatewaysubnet-has-vms",
        topo(hub(), vms=(vm("vm-1", HUB, "GatewaySubnet", "10.0.255.4"),)),
        topo(hub(), vms=(vm("vm-1", HUB, "shared", "10.0.1.4"),)),
    ),
    Case(
        "NSG-14-nsg-on-gatewaysubnet",
        "gatewaysubnet-nsg",
        topo(hub(gs_nsg="nsg-gw"), nsgs=(Nsg("nsg-gw"),)),
        topo(hub(), nsgs=(Nsg("nsg-gw"),)),
    ),
    Case(
        "RT-19-default-route-on-gatewaysubnet",
        "gatewaysubnet-default-route",
        topo(
            hub(gs_rt="rt-gw"), route_tables=(table("rt-gw", route("d", "0.0.0.0/0", "Internet")),)
        ),
        topo(
            hub(gs_rt="rt-gw"),
            route_tables=(table("rt-gw", route("d", "10.9.0.0/16", "Internet")),),
        ),
    ),
    Case(
        "RT-19-propagation-off-on-gatewaysubnet",
        "gatewaysubnet-propagation-disabled",
        topo(hub(gs_rt="rt-gw"), route_tables=(table("rt-gw", propagate=False),)),
        topo(hub(gs_rt="rt-gw"), route_tables=(table("rt-gw"),)),
    ),
    Case(
        "NSG-14-nsg-on-azurefirewallsubnet",
        "azurefirewallsubnet-nsg",
        topo(
            vnet(A, "10.0.0.0/16", subnets=(sub("AzureFirewallSubnet", "10.0.0.0/26", "n"),)),
            nsgs=(Nsg("n"),),
        ),
        topo(
            vnet(A, "10.0.0.0/16", subnets=(sub("AzureFirewallSubnet", "10.0.0.0/26"),)),
            nsgs=(Nsg("n"),),
        ),
    ),
    Case(
        "ADDR-08-gateway-connection-overlap",
        "gateway-connection-overlap",
        topo(hub(connections=("onprem",)), onprem=(site("onprem", "10.0.128.0/17"),)),
        topo(hub(connections=("onprem",)), onprem=(site("onprem", "192.168.0.0/16"),)),
    ),
    Case(
        "ADDR-07-subnet-overlap",
        "subnet-overlap",
        _one_vnet("10.0.0.0/16", subnets=(sub("s1", "10.0.1.0/24"), sub("s2", "10.0.1.128/25"))),
        _one_vnet("10.0.0.0/16", subnets=(sub("s1", "10.0.1.0/25"), sub("s2", "10.0.1.128/25"))),
    ),
    Case(
        "ADDR-07-subnet-30",
        "subnet-too-small",
        _one_vnet("10.0.0.0/16", subnets=(sub("s1", "10.0.1.0/30"),)),
        _one_vnet("10.0.0.0/16", subnets=(sub("s1", "10.0.1.0/29"),)),
    ),
    Case(
        "ADDR-03-subnet-outside-vnet",
        "subnet-outside-address-space",
        _one_vnet("10.0.0.0/16", subnets=(sub("s1", "10.1.0.0/24"),)),
        _one_vnet("10.0.0.0/16", "10.1.0.0/16", subnets=(sub("s1", "10.1.0.0/24"),)),
    ),
    Case(
        "ADDR-07-link-local",
        "reserved-address-space",
        _one_vnet("169.254.0.0/24"),
        _one_vnet("169.253.0.0/16"),
    ),
    Case(
        "ADDR-07-host-virtual-ip",
        "reserved-address-space",
        _one_vnet("168.63.128.0/23"),
        _one_vnet("168.63.130.0/23"),
    ),
    Case(
        "vnet-prefixes-overlap",
        "vnet-address-space-overlap-self",
        _one_vnet("10.0.0.0/16", "10.0.128.0/17"),
        _one_vnet("10.0.0.0/17", "10.0.128.0/17"),
    ),
    Case(
        "vm-ip-outside-subnet",
        "vm-ip-outside-subnet",
        _one_vnet(
            "10.0.0.0/16",
            subnets=(sub("app", "10.0.1.0/24"),),
            vms=(vm("vm-1", A, "app", "10.0.2.4"),),
        ),
        _one_vnet(
            "10.0.0.0/16",
            subnets=(sub("app", "10.0.1.0/24"),),
            vms=(vm("vm-1", A, "app", "10.0.1.4"),),
        ),
    ),
    Case(
        "ADDR-07-vm-on-reserved-ip",
        "vm-reserved-ip",
        _one_vnet(
            "10.0.0.0/16",
            subnets=(sub("app", "10.0.1.0/24"),),
            vms=(vm("vm-1", A, "app", "10.0.1.3"),),
        ),
        _one_vnet(
            "10.0.0.0/16",
            subnets=(sub("app", "10.0.1.0/24"),),
            vms=(vm("vm-1", A, "app", "10.0.1.4"),),
        ),
    ),
    Case(
        "duplicate-ip-in-one-vnet",
        "duplicate-ip",
        topo(
            *_TWO_SPOKES, vms=(vm("vm-1", A, "app", "10.0.1.4"), vm("vm-2", A, "app", "10.0.1.4"))
        ),
        topo(
            spoke(A, "10.0.0.0/16"),
            spoke(B, "10.0.0.0/16"),
            vms=(vm("vm-1", A, "app", "10.0.1.4"), vm("vm-2", B, "app", "10.0.1.4")),
        ),
    ),
    Case(
        "NSG-01-priority-99",
        "nsg-priority-out-of-range",
        _nsg(rule("r1", 99)),
        _nsg(rule("r1", 100), rule("r2", 4096)),
    ),
    Case("NSG-01-priority-4097", "nsg-priority-out-of-range", _nsg(rule("r1", 4097)), _nsg()),
    Case(
        "NSG-01-priority-duplicate",
        "nsg-priority-duplicate",
        _nsg(rule("r1", 200), rule("r2", 200)),
        _nsg(rule("r1", 200), rule("r2", 200, Direction.OUTBOUND)),
    ),
    Case(
        "NSG-01-name-81-chars", "nsg-rule-name-too-long", _nsg(rule("x" * 81)), _nsg(rule("x" * 80))
    ),
    Case(
        "NSG-01-name-duplicate",
        "nsg-rule-name-duplicate",
        _nsg(rule("r1", 100), rule("r1", 200)),
        _nsg(rule("r1", 100), rule("r2", 200)),
    ),
    Case(
        "NSG-01-two-service-tags",
        "nsg-rule-multiple-tags",
        _nsg(rule("r1", source=(ServiceTag.VIRTUAL_NETWORK, ServiceTag.INTERNET))),
        _nsg(rule("r1", source=(IPv4Network("10.0.0.0/24"), IPv4Network("10.1.0.0/24")))),
    ),
    Case(
        "NSG-01-two-asgs",
        "nsg-rule-multiple-asgs",
        _nsg(rule("r1", destination=(AsgRef("web"), AsgRef("db")))),
        _nsg(rule("r1", destination=(AsgRef("web"),))),
    ),
    Case(
        "NSG-12-asg-members-in-two-vnets",
        "asg-across-vnets",
        topo(*_TWO_SPOKES, vms=_asg_vms(B)),
        topo(*_TWO_SPOKES, vms=_asg_vms(A)),
    ),
    Case("NSG-12-rule-asgs-in-two-vnets", "asg-across-vnets", _asg_rule(B), _asg_rule(A)),
    Case(
        "RT-08-vnetpeering-next-hop",
        "route-next-hop-type-not-allowed",
        _rt(route("r", "10.1.0.0/16", "VNetPeering")),
        _rt(route("r", "10.1.0.0/16", "VnetLocal")),
    ),
    Case(
        "RT-08-ip-on-internet-route",
        "route-next-hop-ip-not-allowed",
        _rt(route("r", "10.1.0.0/16", "Internet", "10.0.1.4")),
        _rt(route("r", "10.1.0.0/16", "Internet")),
    ),
    Case(
        "RT-08-RT-09-appliance-without-ip",
        "route-next-hop-ip-missing",
        _rt(route("r", "10.2.0.0/16", "VirtualAppliance")),
        _nva_local(nva_vm=nva("vm-nva", A, "nva", "10.0.2.4")),
    ),
    Case(
        "RT-01-prefix-twice",
        "route-prefix-duplicate",
        _rt(route("r1", "10.1.0.0/16", "None"), route("r2", "10.1.0.0/16", "Internet")),
        _rt(route("r1", "10.1.0.0/16", "None"), route("r2", "10.1.0.0/24", "Internet")),
    ),
    Case(
        "RT-01-table-in-two-regions",
        "route-table-spans-regions",
        _regions("westeurope"),
        _regions("eastus"),
    ),
    Case(
        "RT-01-table-in-two-subscriptions",
        "route-table-spans-regions",
        _regions("eastus", "sub-2"),
        _regions("eastus", "sub-1"),
    ),
    Case(
        "RT-09-PEER-02-appliance-behind-initiated-peering",
        "route-next-hop-unreachable",
        _nva_remote(link(B, A)),
        _nva_remote(*peer(A, B)),
    ),
    Case(
        "RT-09-appliance-ip-no-vm",
        "route-next-hop-not-a-vm",
        _nva_local(),
        _nva_local(nva_vm=nva("vm-nva", A, "nva", "10.0.2.4")),
    ),
    Case(
        "NVA-01-ip-forwarding-off",
        "appliance-ip-forwarding-off",
        _nva_local(nva_vm=nva("vm-nva", A, "nva", "10.0.2.4", ip_forwarding=False)),
        _nva_local(nva_vm=nva("vm-nva", A, "nva", "10.0.2.4")),
    ),
    Case(
        "NVA-02-os-not-forwarding",
        "appliance-os-not-forwarding",
        _nva_local(nva_vm=nva("vm-nva", A, "nva", "10.0.2.4", appliance=False)),
        _nva_local(nva_vm=nva("vm-nva", A, "nva", "10.0.2.4")),
    ),
    Case(
        "RT-09-appliance-in-source-subnet",
        "appliance-in-source-subnet",
        _nva_local("10.0.1.10", nva("vm-nva", A, "app", "10.0.1.10")),
        _nva_local("10.0.2.4", nva("vm-nva", A, "nva", "10.0.2.4")),
    ),
    Case(
        "RT-10-GW-08-udr-to-expressroute",
        "udr-to-expressroute-gateway",
        topo(hub(er=True, gs="10.0.255.0/26", shared_rt="rt"), route_tables=(_GW_ROUTE,)),
        topo(hub(shared_rt="rt"), route_tables=(_GW_ROUTE,)),
    ),
    Case(
        "RT-10-GW-08-udr-to-expressroute-through-transit",
        "udr-to-expressroute-gateway",
        topo(
            hub(er=True, gs="10.0.255.0/26"),
            spoke(SPOKE, "10.1.0.0/16", rt="rt"),
            peerings=transit(HUB, SPOKE),
            route_tables=(_GW_ROUTE,),
        ),
        topo(
            hub(),
            spoke(SPOKE, "10.1.0.0/16", rt="rt"),
            peerings=transit(HUB, SPOKE),
            route_tables=(_GW_ROUTE,),
        ),
    ),
    Case(
        "RT-10-udr-gateway-without-gateway",
        "udr-gateway-without-gateway",
        topo(
            hub(),
            spoke(SPOKE, "10.1.0.0/16", rt="rt"),
            peerings=peer(HUB, SPOKE),
            route_tables=(_GW_ROUTE,),
        ),
        topo(
            hub(),
            spoke(SPOKE, "10.1.0.0/16", rt="rt"),
            peerings=transit(HUB, SPOKE),
            route_tables=(_GW_ROUTE,),
        ),
    ),
    Case(
        "PEER-03-disconnected-but-reverse-exists",
        "peering-state-inconsistent",
        topo(*_TWO_SPOKES, peerings=_disconnected(both=False)),
        topo(*_TWO_SPOKES, peerings=_disconnected(both=False)[:1]),
    ),
    Case(
        "PEER-03-both-disconnected",
        "peering-state-inconsistent",
        topo(*_TWO_SPOKES, peerings=_disconnected(both=True)),
        topo(*_TWO_SPOKES, peerings=_disconnected(both=True)[1:]),
    ),
    Case(
        "PEER-01-peering-to-self",
        "peering-to-self",
        topo(*_TWO_SPOKES, peerings=(link(A, A),)),
        topo(*_TWO_SPOKES, peerings=(link(A, B),)),
    ),
    Case(
        "PEER-01-duplicate-link",
        "peering-duplicate",
        topo(*_TWO_SPOKES, peerings=(link(A, B, "x"), link(A, B, "y"), link(B, A))),
        topo(*_TWO_SPOKES, peerings=(link(A, B, "x"), link(B, A, "y"))),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case_triggers_exactly_its_code(case: Case) -> None:
    problems = check(case.bad)
    assert [p.code for p in problems] == [case.code]
    (problem,) = problems
    assert problem.severity == SEVERITIES[case.code]
    if problem.rules:  # the case names the rule it checks
        assert case.id.startswith(problem.rules[0])
    else:
        assert case.code in NO_RULE
    # The sentence cites its rules and ends with a period (a learner reads it as is).
    cite = f" ({', '.join(problem.rules)})." if problem.rules else "."
    assert problem.message.endswith(cite)
    assert problem.objects and all(problem.objects)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_near_miss_is_clean(case: Case) -> None:
    assert check(case.good) == ()


# --- limits (LIM-nn) ----------------------------------------------------------------------------


def _nets(n: int) -> list[str]:
    """``n`` distinct /24s in 11.0.0.0/8, outside every other test range."""
    return [f"11.{i // 256}.{i % 256}.0/24" for i in range(n)]


def _peerings(n: int) -> Topology:
    spokes = [vnet(f"s{i}", p) for i, p in enumerate(_nets(n))]
    return topo(vnet(A, "10.0.0.0/16"), *spokes, peerings=tuple(link(A, s.name) for s in spokes))


def _vnets(n: int) -> Topology:
    return topo(*(vnet(f"v{i}", p) for i, p in enumerate(_nets(n))))


def _subnets(n: int) -> Topology:
    base = IPv4Address("10.0.0.0")
    return _one_vnet(
        "10.0.0.0/16", subnets=tuple(sub(f"s{i}", f"{base + 8 * i}/29") for i in range(n))
    )


def _ips(n: int) -> Topology:
    base = IPv4Address("10.0.0.4")
    return topo(
        vnet(A, "10.0.0.0/14", subnets=(sub("big", "10.0.0.0/14"),)),
        vms=tuple(Vm(f"vm{i}", A, "big", base + i) for i in range(n)),
    )


def _rules(n: int) -> Topology:
    return _nsg(*(rule(f"r{i}", 100 + i) for i in range(n)))


def _addresses(n: int) -> Topology:
    base = IPv4Address("11.0.0.0")
    return _nsg(rule("r", source=tuple(IPv4Network(base + i) for i in range(n))))


def _asgs(n: int) -> Topology:
    return topo(
        spoke(A, "10.0.0.0/16"),
        vms=(vm("vm-1", A, "app", "10.0.1.4", asgs=tuple(f"g{i}" for i in range(n))),),
    )


def _nsg_asgs(n: int) -> Topology:
    return _nsg(*(rule(f"r{i}", 100 + i, destination=(AsgRef(f"g{i}"),)) for i in range(n)))


def _routes(n: int) -> Topology:
    return _rt(*(route(f"r{i}", p, "Internet") for i, p in enumerate(_nets(n))))


LIMITS: list[tuple[str, str, Callable[[int], Topology], int]] = [
    ("LIM-01", "too-many-peerings", _peerings, 500),
    ("LIM-02", "too-many-vnets", _vnets, 1000),
    ("LIM-03", "too-many-subnets", _subnets, 3000),
    ("LIM-10", "too-many-private-ips", _ips, 65536),
    ("LIM-05", "too-many-nsg-rules", _rules, 1000),
    ("LIM-06", "too-many-rule-addresses", _addresses, 4000),
    ("LIM-07", "too-many-asgs", _asgs, 20),
    ("LIM-07", "too-many-asgs-in-nsg", _nsg_asgs, 100),
    ("LIM-08", "too-many-routes", _routes, 400),
]


@pytest.mark.parametrize(
    ("rule_id", "code", "build", "limit"), LIMITS, ids=[f"{r}-{c}" for r, c, _, _ in LIMITS]
)
def test_limit_reached_is_fine_and_exceeded_is_an_error(
    rule_id: str, code: str, build: Callable[[int], Topology], limit: int
) -> None:
    assert codes(build(limit)) == []
    problems = check(build(limit + 1))
    assert [p.code for p in problems] == [code]
    assert rule_id in problems[0].rules and problems[0].severity == ERROR


def test_every_code_has_a_case() -> None:
    covered = {c.code for c in CASES} | {code for _, code, _, _ in LIMITS}
    assert covered == set(CODES)
    assert set(SEVERITIES) == set(CODES)
    assert set(SEVERITIES.values()) == {ERROR, WARNING}


# --- the contract's codes, values in messages, severities ---------------------------------------


def test_ADDR_01_message_names_links_ranges_and_azure_error() -> None:
    (p,) = check(topo(vnet(A, "10.0.0.0/16"), vnet(B, "10.0.128.0/17"), peerings=peer(A, B)))
    assert p == Problem(
        "address-space-overlap",
        ("ADDR-01",),
        (A, B),
        "Peering vnet-a-to-vnet-b / vnet-b-to-vnet-a links vnet-a (10.0.0.0/16) and vnet-b "
        "(10.0.128.0/17), whose address spaces overlap (10.0.0.0/16 overlaps 10.0.128.0/17); "
        "Azure refuses the peering with VnetAddressSpacesOverlap (ADDR-01).",
        ERROR,
    )


def test_ADDR_02_EX_17_conformance_and_agrees_with_can_peer() -> None:
    """EX-17: spoke-2 (containing spoke-1's 10.0.0.0/24) cannot be peered to the same hub."""
    before = topo(
        vnet(HUB, "10.100.0.0/16"),
        vnet("spoke-1", "10.0.0.0/24"),
        vnet("spoke-2", "10.0.0.0/16"),
        peerings=peer(HUB, "spoke-1"),
    )
    assert can_peer(before, "spoke-2", HUB).reason == "overlaps-already-peered-vnet"
    after = dataclasses.replace(before, peerings=(*before.peerings, *peer("spoke-2", HUB)))
    (p,) = check(after)
    assert (p.code, p.rules, p.objects) == (
        "overlaps-already-peered-vnet",
        ("ADDR-02",),
        ("spoke-1", "spoke-2", HUB),
    )
    assert "VnetAddressSpaceOverlapsWithAlreadyPeeredVnet" in p.message
    assert "10.0.0.0/24 overlaps 10.0.0.0/16" in p.message


def test_ADDR_02_counts_every_link_and_reports_a_pair_once() -> None:
    """ADDR-02: one-way links count (contracts), and two shared hubs still give one problem."""
    t = topo(
        vnet("h1", "10.100.0.0/16"),
        vnet("h2", "10.101.0.0/16"),
        vnet("s1", "10.0.0.0/24"),
        vnet("s2", "10.0.0.0/24"),
        peerings=(link("s1", "h1"), link("h1", "s2"), *peer("s1", "h2"), *peer("s2", "h2")),
    )
    (p,) = check(t)
    assert p.objects == ("s1", "s2", "h1", "h2")


def test_ADDR_02_EX_17_from_a_yaml_file() -> None:
    t = parse_topology(
        "vnets:\n"
        "  - {name: hub, region: eastus, address_space: [10.100.0.0/16]}\n"
        "  - {name: spoke-1, region: eastus, address_space: [10.0.0.0/24]}\n"
        "  - {name: spoke-2, region: eastus, address_space: [10.0.0.0/24]}\n"
        "peerings:\n"
        "  - {name: h-1, from: hub, to: spoke-1}\n"
        "  - {name: 1-h, from: spoke-1, to: hub}\n"
        "  - {name: h-2, from: hub, to: spoke-2}\n"
        "  - {name: 2-h, from: spoke-2, to: hub}\n",
        "ex17.yaml",
    )
    assert codes(t) == ["overlaps-already-peered-vnet"]


def test_PEER_08_PEER_09_EX_15_gateway_transit_is_valid() -> None:
    assert check(EX15) == ()


def test_PEER_08_PEER_09_EX_15_flags_swapped() -> None:
    """T-04: the hub's link asks for the spoke's gateway (there is none, and the hub has its own:
    PEER-09, PEER-10) and the spoke's link offers a gateway it lacks (PEER-08)."""
    t = topo(
        hub(),
        spoke(SPOKE, "10.1.0.0/16"),
        peerings=peer(HUB, SPOKE, {"use_remote_gateways": True}, {"allow_gateway_transit": True}),
    )
    problems = check(t)
    assert [(p.code, p.objects) for p in problems] == [
        ("remote-gateway-missing", ("vnet-hub-to-vnet-spoke", SPOKE)),
        ("local-gateway-conflict", ("vnet-hub-to-vnet-spoke", HUB)),
        ("gateway-transit-without-gateway", ("vnet-spoke-to-vnet-hub", SPOKE)),
    ]
    assert "RemoteVnetHasNoGateways" in problems[0].message
    assert has_errors(problems) and problems[2].severity == WARNING


def test_GW_03_basic_reported_once_per_hub_link() -> None:
    """GW-03: two spokes on one Basic hub: one problem per hub link, naming the spoke's link."""
    t = topo(
        hub(sku="Basic"),
        spoke("s1", "10.1.0.0/16"),
        spoke("s2", "10.2.0.0/16"),
        peerings=(*transit(HUB, "s1"), *transit(HUB, "s2")),
    )
    assert [p.objects for p in check(t)] == [
        ("vnet-hub-to-s1", "s1-to-vnet-hub"),
        ("vnet-hub-to-s2", "s2-to-vnet-hub"),
    ]


def test_RT_18_EX_15_spoke_without_propagation_is_not_a_configuration_error() -> None:
    """RT-18: disabling propagation in the spoke is allowed (it only removes gateway routes)."""
    t = topo(
        hub(),
        spoke(SPOKE, "10.1.0.0/16", rt="rt"),
        peerings=transit(HUB, SPOKE),
        route_tables=(table("rt", propagate=False),),
    )
    assert check(t) == ()


@pytest.mark.parametrize(
    ("sku", "prefixlen", "ok"),
    [
        ("VpnGw1", 26, True),
        ("VpnGw1", 27, True),
        ("VpnGw1", 28, False),
        ("VpnGw1", 29, False),
        ("Basic", 27, True),
        ("Basic", 28, True),
        ("Basic", 29, True),
    ],
)
def test_GW_02_gatewaysubnet_size_by_sku(sku: str, prefixlen: int, ok: bool) -> None:
    """GW-02: /27 or larger; only the Basic SKU works with a /29."""
    found = codes(topo(hub(sku=sku, gs=f"10.0.255.0/{prefixlen}")))
    assert found == ([] if ok else ["gatewaysubnet-too-small"])


def test_GW_02_gateway_without_gatewaysubnet_mentions_the_wrong_case() -> None:
    t = topo(
        vnet(
            HUB,
            "10.0.0.0/16",
            gateway=Gateway("vgw"),
            subnets=(sub("gatewaysubnet", "10.0.255.0/27"),),
        )
    )
    (p,) = check(t)
    assert "gatewaysubnet does not count" in p.message and "case" in p.message
    (q,) = check(dataclasses.replace(t, vnets=(vnet(HUB, "10.0.0.0/16", gateway=Gateway("vgw")),)))
    assert "case" not in q.message


@pytest.mark.parametrize("last_octet", [0, 1, 2, 3, 255])
def test_ADDR_07_five_reserved_addresses(last_octet: int) -> None:
    t = _one_vnet(
        "10.0.0.0/16",
        subnets=(sub("app", "10.0.1.0/24"),),
        vms=(vm("vm-1", A, "app", f"10.0.1.{last_octet}"),),
    )
    assert codes(t) == ["vm-reserved-ip"]


@pytest.mark.parametrize(
    "space",
    [
        "224.0.0.0/4",
        "225.1.0.0/16",
        "255.255.255.255/32",
        "127.0.0.0/8",
        "127.5.0.0/16",
        "169.254.0.0/16",
        "168.63.129.16/32",
        "160.0.0.0/4",
    ],
)
def test_ADDR_07_reserved_ranges(space: str) -> None:
    assert codes(_one_vnet(space)) == ["reserved-address-space"]


def test_warnings_are_configurations_azure_accepts() -> None:
    """Warnings: allowed by Azure but something breaks, or against a recommendation."""
    assert {c for c, s in SEVERITIES.items() if s == WARNING} == {
        "gateway-transit-without-gateway",
        "gatewaysubnet-small-for-expressroute",
        "gatewaysubnet-nsg",
        "azurefirewallsubnet-nsg",
        "nsg-rule-multiple-asgs",
        "route-next-hop-unreachable",
        "route-next-hop-not-a-vm",
        "appliance-ip-forwarding-off",
        "appliance-os-not-forwarding",
        "appliance-in-source-subnet",
        "udr-gateway-without-gateway",
    }


def test_contract_codes_are_spelled_as_in_contracts_section_3() -> None:
    for code in (
        "address-space-overlap",
        "overlaps-already-peered-vnet",
        "remote-gateway-missing",
        "local-gateway-conflict",
        "multiple-remote-gateways",
        "basic-sku-no-transit",
        "subnet-overlap",
        "gateway-without-gatewaysubnet",
        "gatewaysubnet-nsg",
        "gatewaysubnet-default-route",
    ):
        assert code in CODES


def test_problem_api() -> None:
    p = Problem("subnet-overlap", ("ADDR-07",), ("a/s1", "a/s2"), "They overlap (ADDR-07).")
    assert p.severity == ERROR
    assert p.to_dict() == {
        "code": "subnet-overlap",
        "severity": "error",
        "rules": ["ADDR-07"],
        "objects": ["a/s1", "a/s2"],
        "message": "They overlap (ADDR-07).",
    }
    assert list(p.to_dict()) == ["code", "severity", "rules", "objects", "message"]
    assert str(p) == "error [subnet-overlap] They overlap (ADDR-07)."
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.code = "x"  # type: ignore[misc]
    warning = dataclasses.replace(p, severity=WARNING)
    assert has_errors([warning, p]) and not has_errors([warning]) and not has_errors(())


def test_every_problem_is_reported_in_code_order_then_file_order() -> None:
    """Validation lists all problems (never the first only): ADDR-07 twice, NSG-01, ADDR-01."""
    t = topo(
        vnet("z", "10.0.0.0/16", subnets=(sub("s1", "10.0.1.0/24"), sub("s2", "10.0.1.0/25"))),
        vnet("y", "10.1.0.0/16", subnets=(sub("s1", "10.1.1.0/24"), sub("s2", "10.1.1.0/25"))),
        vnet("x", "10.1.0.0/16"),
        peerings=peer("x", "y"),
        nsgs=(Nsg(NSG, (rule("r", 50),)),),
    )
    assert [(p.code, p.objects[0]) for p in check(t)] == [
        ("address-space-overlap", "x"),
        ("subnet-overlap", "z/s1"),
        ("subnet-overlap", "y/s1"),
        ("nsg-priority-out-of-range", "nsg-app/r"),
    ]


def test_dangling_references_are_skipped_not_raised() -> None:
    """Models built in code may name objects that do not exist: skip them, never raise."""
    t = topo(
        vnet(
            A,
            "10.0.0.0/16",
            gateway=Gateway("vgw", connections=("ghost-site",)),
            subnets=(
                sub("GatewaySubnet", "10.0.255.0/27", "ghost-nsg", "ghost-rt"),
                sub("app", "10.0.1.0/24", "ghost-nsg", "rt"),
            ),
        ),
        peerings=(
            link(A, "ghost", use_remote_gateways=True, allow_gateway_transit=True),
            link("ghost", A, state=PeeringState.DISCONNECTED),
        ),
        vms=(
            vm("vm-1", "ghost", "app", "10.0.1.4", asgs=("web",)),
            vm("vm-2", A, "ghost", "10.0.1.5"),
        ),
        nsgs=(Nsg(NSG, (rule("r", source=(AsgRef("ghost"),), destination=(AsgRef("web"),)),)),),
        route_tables=(table("rt", route("r", "10.2.0.0/16", "VirtualAppliance", "10.9.9.9")),),
    )
    # What does resolve is still checked: vnet-a has its own gateway (PEER-09/10), the NVA IP is
    # nowhere (RT-09), and the Disconnected link's reverse exists (PEER-03).
    assert codes(t) == [
        "local-gateway-conflict",
        "route-next-hop-unreachable",
        "route-next-hop-not-a-vm",
        "peering-state-inconsistent",
    ]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_topologies_validate_clean(path: Path) -> None:
    assert check(load_topology(path)) == ()


def test_default_rules_in_an_nsg_are_not_custom_rules() -> None:
    """NSG-03: default rules (65000...) are not held to the 100..4096 range of NSG-01."""
    default = dataclasses.replace(rule("DenyAllInBound", 65500), default=True)
    assert codes(_nsg(default, dataclasses.replace(default, name="AllowVnetInBound"))) == []


# --- properties ---------------------------------------------------------------------------------

_SPACES = [
    "10.0.0.0/16",
    "10.0.0.0/17",
    "10.0.128.0/17",
    "10.1.0.0/16",
    "10.0.0.0/24",
    "192.168.0.0/24",
    "169.254.0.0/16",
]
_SUBNETS = [
    "10.0.1.0/24",
    "10.0.1.0/25",
    "10.0.255.0/27",
    "10.0.255.0/29",
    "10.0.0.0/30",
    "10.1.1.0/24",
    "192.168.0.0/24",
]
_IPS = ["10.0.1.4", "10.0.1.0", "10.0.255.4", "10.1.1.4", "10.9.9.9"]
_ADDRESSES: list[AddressItem] = [
    ANY_ADDRESS,
    ServiceTag.VIRTUAL_NETWORK,
    ServiceTag.INTERNET,
    AsgRef("web"),
    AsgRef("db"),
    IPv4Network("10.0.0.0/24"),
]


@st.composite
def topologies(draw: st.DrawFn) -> Topology:
    """Small, often wrong, sometimes dangling models: overlaps, flags, gateways, NVAs, ASGs."""
    names = [f"v{i}" for i in range(draw(st.integers(1, 4)))]
    refs = [*names, "ghost"]
    vnets = []
    for name in names:
        subnet_names = draw(
            st.lists(
                st.sampled_from(
                    ["a", "b", "GatewaySubnet", "gatewaysubnet", "AzureFirewallSubnet"]
                ),
                unique=True,
            )
        )
        subnets = tuple(
            Subnet(
                s,
                IPv4Network(draw(st.sampled_from(_SUBNETS))),
                draw(st.sampled_from([None, "n0", "n1", "ghost"])),
                draw(st.sampled_from([None, "t0", "t1", "ghost"])),
            )
            for s in subnet_names
        )
        gateway = draw(
            st.none()
            | st.builds(
                Gateway,
                st.just(f"gw-{name}"),
                st.sampled_from(list(GatewayType)),
                st.sampled_from(["Basic", "VpnGw1"]),
                st.lists(st.sampled_from(["site", "ghost"]), max_size=2).map(tuple),
            )
        )
        space = draw(st.lists(st.sampled_from(_SPACES), min_size=1, max_size=2))
        vnets.append(
            VNet(
                name,
                draw(st.sampled_from(["eastus", "westeurope"])),
                tuple(IPv4Network(p) for p in space),
                subnets,
                gateway,
            )
        )
    pairs = draw(
        st.lists(st.tuples(st.sampled_from(refs), st.sampled_from(names)), unique=True, max_size=6)
    )
    peerings = tuple(
        Peering(
            f"p{i}",
            a,
            b,
            allow_gateway_transit=draw(st.booleans()),
            use_remote_gateways=draw(st.booleans()),
            state=draw(st.sampled_from([None, PeeringState.DISCONNECTED])),
        )
        for i, (a, b) in enumerate(pairs)
    )
    rules = st.builds(
        SecurityRule,
        st.sampled_from(["r1", "r2", "x" * 81]),
        st.sampled_from([50, 100, 200, 4096, 5000]),
        st.sampled_from(list(Direction)),
        st.sampled_from(list(Access)),
        source=st.lists(st.sampled_from(_ADDRESSES), min_size=1, max_size=2).map(tuple),
        destination=st.lists(st.sampled_from(_ADDRESSES), min_size=1, max_size=2).map(tuple),
    )
    nsgs = tuple(Nsg(n, tuple(draw(st.lists(rules, max_size=3)))) for n in ("n0", "n1"))
    routes = st.builds(
        Route,
        st.sampled_from(["r1", "r2"]),
        st.sampled_from(["0.0.0.0/0", "10.1.0.0/16", "10.2.0.0/16"]).map(IPv4Network),
        st.sampled_from(list(NextHopType)),
        st.none() | st.sampled_from(_IPS).map(IPv4Address),
    )
    tables = tuple(
        RouteTable(t, tuple(draw(st.lists(routes, max_size=3))), draw(st.booleans()))
        for t in ("t0", "t1")
    )
    vms = tuple(
        Vm(
            f"vm{i}",
            draw(st.sampled_from(refs)),
            draw(st.sampled_from(["a", "b", "GatewaySubnet", "ghost"])),
            IPv4Address(draw(st.sampled_from(_IPS))),
            ip_forwarding=draw(st.booleans()),
            appliance=draw(st.booleans()),
            asgs=tuple(draw(st.lists(st.sampled_from(["web", "db"]), max_size=2))),
        )
        for i in range(draw(st.integers(0, 4)))
    )
    onprem = (OnPremSite("site", (IPv4Network(draw(st.sampled_from(_SPACES))),)),)
    return Topology(tuple(vnets), peerings, nsgs, tables, vms, onprem)


def _shuffled(t: Topology, rng: random.Random) -> Topology:
    def mix(items: tuple) -> tuple:  # type: ignore[type-arg]
        return tuple(rng.sample(items, len(items)))

    return Topology(
        vnets=mix(
            tuple(
                dataclasses.replace(v, subnets=mix(v.subnets), address_space=mix(v.address_space))
                for v in t.vnets
            )
        ),
        peerings=mix(t.peerings),
        nsgs=mix(tuple(dataclasses.replace(n, rules=mix(n.rules)) for n in t.nsgs)),
        route_tables=mix(
            tuple(dataclasses.replace(r, routes=mix(r.routes)) for r in t.route_tables)
        ),
        vms=mix(t.vms),
        onprem=mix(t.onprem),
    )


def _summary(problems: tuple[Problem, ...]) -> Counter[tuple[str, frozenset[str]]]:
    return Counter((p.code, frozenset(p.objects)) for p in problems)


@given(topologies(), st.randoms(use_true_random=False))
def test_validation_never_raises_and_does_not_depend_on_order(
    t: Topology, rng: random.Random
) -> None:
    """Every code/rule pairing holds for any model; shuffling lists changes no problem."""
    problems = check(t)
    for p in problems:
        assert p.code in CODES and p.severity == SEVERITIES[p.code]
        assert all(r in p.message for r in p.rules)
    order = [list(CODES).index(p.code) for p in problems]
    assert order == sorted(order)
    assert _summary(check(_shuffled(t, rng))) == _summary(problems)
