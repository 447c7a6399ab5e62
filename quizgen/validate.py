"""Every Azure rule a topology's configuration breaks: ``check(topo) -> tuple[Problem, ...]``.

Like python-chess ``Board.status()``, validation lists every problem, never only the first. Each
problem has a stable code (``CODES``), the rule IDs of azure-rules.md it breaks, the names of the
objects involved and a sentence a learner can read. Severity "error" means Azure refuses or the
rule book says the configuration must not be used; "warning" means Azure accepts it but something
stops working, or it goes against a documented recommendation.

The loader refuses structural errors; this module also accepts models built in code (generator
faults, tests) and skips whatever reference it cannot resolve instead of raising.
Only the standard library is imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network
from typing import TypeVar

from quizgen.evaluator.peering import gateway_path, is_established, overlaps, peered_ranges
from quizgen.model import (
    GATEWAY_SUBNET,
    UDR_NEXT_HOP_TYPES,
    AsgRef,
    GatewayType,
    NextHopType,
    Nsg,
    Peering,
    PeeringState,
    Route,
    RouteTable,
    SecurityRule,
    ServiceTag,
    Topology,
    Vm,
    VNet,
)

K = TypeVar("K")

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class _Spec:
    severity: str
    rules: tuple[str, ...]
    meaning: str


def _e(rules: tuple[str, ...], meaning: str) -> _Spec:
    return _Spec(ERROR, rules, meaning)


def _w(rules: tuple[str, ...], meaning: str) -> _Spec:
    return _Spec(WARNING, rules, meaning)


# In report order: problems are sorted by this order, then by the file order of their objects.
_SPECS: dict[str, _Spec] = {
    # Peering: address spaces and gateway transit
    "address-space-overlap": _e(("ADDR-01",), "two VNets linked by a peering overlap"),
    "overlaps-already-peered-vnet": _e(
        ("ADDR-02",), "two overlapping VNets are both peered with the same VNet"
    ),
    "remote-gateway-missing": _e(
        ("PEER-09",), "use_remote_gateways toward a VNet without a gateway"
    ),
    "local-gateway-conflict": _e(
        ("PEER-09", "PEER-10"), "use_remote_gateways on a VNet that has its own gateway"
    ),
    "multiple-remote-gateways": _e(
        ("PEER-09",), "more than one link of a VNet sets use_remote_gateways"
    ),
    "basic-sku-no-transit": _e(("GW-03",), "gateway transit through a Basic SKU gateway"),
    "gateway-transit-without-gateway": _w(
        ("PEER-08",), "allow_gateway_transit on a link of a VNet without a gateway"
    ),
    # GatewaySubnet and gateway connections
    "gateway-without-gatewaysubnet": _e(
        ("GW-02",), "a VNet has a gateway but no subnet named exactly GatewaySubnet"
    ),
    "gatewaysubnet-too-small": _e(
        ("GW-02",), "GatewaySubnet smaller than /27 (/29 is the minimum for Basic)"
    ),
    "gatewaysubnet-small-for-expressroute": _w(
        ("GW-02",), "GatewaySubnet of an ExpressRoute gateway smaller than the recommended /26"
    ),
    "gatewaysubnet-has-vms": _e(("GW-02",), "a VM is deployed in GatewaySubnet"),
    "gatewaysubnet-nsg": _w(("NSG-14", "GW-02"), "an NSG is associated with GatewaySubnet"),
    "gatewaysubnet-default-route": _e(
        ("RT-19", "GW-02"), "GatewaySubnet's route table has a 0.0.0.0/0 route"
    ),
    "gatewaysubnet-propagation-disabled": _e(
        ("RT-19", "GW-02"), "GatewaySubnet's route table disables gateway route propagation"
    ),
    "azurefirewallsubnet-nsg": _w(("NSG-14",), "an NSG is associated with AzureFirewallSubnet"),
    "gateway-connection-overlap": _e(
        ("ADDR-08",), "a gateway's VNet overlaps an on-premises site it connects to"
    ),
    # Addresses
    "subnet-overlap": _e(("ADDR-07",), "two subnets of one VNet overlap"),
    "subnet-too-small": _e(("ADDR-07",), "a subnet smaller than /29"),
    "subnet-outside-address-space": _e(
        ("ADDR-03",), "a subnet prefix is not inside its VNet's address space"
    ),
    "reserved-address-space": _e(("ADDR-07",), "a VNet range overlaps a range Azure reserves"),
    "vnet-address-space-overlap-self": _e((), "two address prefixes of one VNet overlap"),
    "vm-ip-outside-subnet": _e((), "a VM's IP is not inside its subnet"),
    "vm-reserved-ip": _e(
        ("ADDR-07",), "a VM uses one of the 5 addresses Azure reserves per subnet"
    ),
    "duplicate-ip": _e((), "two VMs in one VNet have the same private IP"),
    # NSGs and ASGs
    "nsg-priority-out-of-range": _e(("NSG-01",), "a custom NSG rule priority outside 100..4096"),
    "nsg-priority-duplicate": _e(
        ("NSG-01",), "two rules of one NSG share a priority in the same direction"
    ),
    "nsg-rule-name-too-long": _e(("NSG-01",), "an NSG rule name longer than 80 characters"),
    "nsg-rule-name-duplicate": _e(("NSG-01",), "two rules of one NSG have the same name"),
    "nsg-rule-multiple-tags": _e(
        ("NSG-01",), "a rule's source or destination lists more than one service tag"
    ),
    "nsg-rule-multiple-asgs": _w(
        ("NSG-01",), "a rule's source or destination lists more than one ASG (docs disagree)"
    ),
    "asg-across-vnets": _e(
        ("NSG-12",), "members of an ASG, or of a rule's source and destination ASGs, span VNets"
    ),
    # Route tables and next hops
    "route-next-hop-type-not-allowed": _e(
        ("RT-08",), "a UDR uses a next hop type only Azure creates"
    ),
    "route-next-hop-ip-not-allowed": _e(
        ("RT-08",), "next_hop_ip on a route whose type is not VirtualAppliance"
    ),
    "route-next-hop-ip-missing": _e(("RT-08", "RT-09"), "a VirtualAppliance route without an IP"),
    "route-prefix-duplicate": _e(("RT-01",), "one route table has two routes with the same prefix"),
    "route-table-spans-regions": _e(
        ("RT-01",), "one route table is used by subnets in different regions or subscriptions"
    ),
    "route-next-hop-unreachable": _w(
        ("RT-09",), "a VirtualAppliance IP outside the VNet using the table and its peers"
    ),
    "route-next-hop-not-a-vm": _w(
        ("RT-09",), "a VirtualAppliance IP that is no VM's IP (maybe an internal load balancer)"
    ),
    "appliance-ip-forwarding-off": _w(("NVA-01",), "a next-hop VM's NIC has IP forwarding off"),
    "appliance-os-not-forwarding": _w(
        ("NVA-02",), "a next-hop VM's operating system does not forward packets"
    ),
    "appliance-in-source-subnet": _w(
        ("RT-09",), "a next-hop VM sits in a subnet that uses the same route table"
    ),
    "udr-to-expressroute-gateway": _e(
        ("RT-10", "GW-08"), "a VirtualNetworkGateway UDR where the gateway is ExpressRoute"
    ),
    "udr-gateway-without-gateway": _w(
        ("RT-10",), "a VirtualNetworkGateway UDR in a VNet with no gateway path"
    ),
    # Peering links
    "peering-state-inconsistent": _e(
        ("PEER-03",), "a link marked Disconnected while its reverse link exists"
    ),
    "peering-to-self": _e(("PEER-01",), "a peering link from a VNet to itself"),
    "peering-duplicate": _e(("PEER-01",), "two peering links with the same from and to"),
    # Limits
    "too-many-vnets": _e(("LIM-02",), "more than 1,000 VNets in one region and subscription"),
    "too-many-peerings": _e(("LIM-01", "PEER-16"), "a VNet holds more than 500 peering links"),
    "too-many-subnets": _e(("LIM-03",), "a VNet has more than 3,000 subnets"),
    "too-many-private-ips": _e(("LIM-10",), "a VNet has more than 65,536 private IPs"),
    "too-many-nsg-rules": _e(("LIM-05",), "an NSG has more than 1,000 rules"),
    "too-many-rule-addresses": _e(
        ("LIM-06",), "a rule's source or destination lists more than 4,000 IPs or ranges"
    ),
    "too-many-asgs": _e(("LIM-07", "NSG-12"), "a NIC belongs to more than 20 ASGs"),
    "too-many-asgs-in-nsg": _e(("LIM-07",), "the rules of one NSG use more than 100 ASGs"),
    "too-many-routes": _e(("LIM-08",), "a route table has more than 400 routes"),
}

#: code -> one-line meaning, in report order (the README prints it).
CODES: dict[str, str] = {code: spec.meaning for code, spec in _SPECS.items()}
#: code -> "error" | "warning".
SEVERITIES: dict[str, str] = {code: spec.severity for code, spec in _SPECS.items()}
_ORDER = {code: i for i, code in enumerate(_SPECS)}

#: Errors Azure accepts when they are configured, but that cannot work: a question may show such
#: a network and ask why it fails. Every other error is a configuration Azure refuses.
ACCEPTED_BUT_BROKEN = frozenset(
    {
        "basic-sku-no-transit",  # GW-03: transit does not work with Basic
        "gatewaysubnet-propagation-disabled",  # RT-19: the gateway stops working
        "gatewaysubnet-default-route",  # RT-19
    }
)

#: ADDR-07: ranges a VNet may not use.
RESERVED_RANGES = tuple(
    IPv4Network(p)
    for p in (
        "224.0.0.0/4",
        "255.255.255.255/32",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "168.63.129.16/32",
    )
)
DEFAULT_ROUTE = IPv4Network("0.0.0.0/0")
AZURE_FIREWALL_SUBNET = "AzureFirewallSubnet"
#: RT-08: the two next hop types only Azure creates (EX-16's VNetGlobalPeering is a peering too).
_AZURE_ONLY_NEXT_HOPS = (NextHopType.VNET_PEERING, NextHopType.VNET_GLOBAL_PEERING)


@dataclass(frozen=True, slots=True)
class Problem:
    """One configuration problem: a stable code, the rules it breaks and a learner's sentence."""

    code: str
    rules: tuple[str, ...]
    objects: tuple[str, ...]
    message: str
    severity: str = ERROR

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "severity": self.severity,
            "rules": list(self.rules),
            "objects": list(self.objects),
            "message": self.message,
        }

    def __str__(self) -> str:
        return f"{self.severity} [{self.code}] {self.message}"


def has_errors(problems: Iterable[Problem]) -> bool:
    """True if any problem is an error (Azure refuses it or the rules forbid it)."""
    return any(p.severity == ERROR for p in problems)


def check(topo: Topology) -> tuple[Problem, ...]:
    """Every problem in ``topo``, sorted by ``CODES`` order, then by the file order of objects."""
    found = [p for rule_check in _CHECKS for p in rule_check(topo)]
    return tuple(sorted(found, key=lambda p: _ORDER[p.code]))


# --- helpers -----------------------------------------------------------------------------------


def _problem(code: str, objects: Sequence[str], text: str) -> Problem:
    """``text`` is one sentence without its final period; the rule IDs are appended."""
    spec = _SPECS[code]
    cite = f" ({', '.join(spec.rules)})" if spec.rules else ""
    return Problem(code, spec.rules, tuple(objects), f"{text}{cite}.", spec.severity)


def _fmt(prefixes: Iterable[object]) -> str:
    return ", ".join(str(p) for p in prefixes)


def _and(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _all(names: Sequence[str]) -> str:
    return "both" if len(names) == 2 else "all"


def _clashes(a: tuple[IPv4Network, ...], b: tuple[IPv4Network, ...]) -> str:
    return "; ".join(f"{x} overlaps {y}" for x, y in overlaps(a, b))


def _vnets(topo: Topology) -> list[VNet]:
    """VNets in file order, first of each name (as ``Topology.vnet`` resolves them)."""
    return [v for v in topo.vnets if topo.vnet(v.name) is v]


def _groups(items: Iterable[tuple[K, str]]) -> list[tuple[K, list[str]]]:
    """Keys held by two or more names, with the names, in order of first appearance."""
    out: dict[K, list[str]] = {}
    for key, name in items:
        out.setdefault(key, []).append(name)
    return [(key, names) for key, names in out.items() if len(names) > 1]


def _label(table: RouteTable, route: Route) -> str:
    return f"{table.name}/{route.name}"


def _table_users(topo: Topology) -> dict[str, list[VNet]]:
    """Route table name -> the VNets whose subnets use it, in file order."""
    users: dict[str, list[VNet]] = {}
    for v in _vnets(topo):
        for s in v.subnets:
            if s.route_table is not None and v not in users.setdefault(s.route_table, []):
                users[s.route_table].append(v)
    return users


def _overlapping_pairs(prefixes: Sequence[IPv4Network]) -> list[tuple[int, int]]:
    """Index pairs (i < j, sorted) of the prefixes that overlap: a sweep, not all pairs."""
    order = sorted(
        range(len(prefixes)), key=lambda i: (prefixes[i].network_address, prefixes[i].prefixlen)
    )
    pairs: list[tuple[int, int]] = []
    for pos, i in enumerate(order):
        end = prefixes[i].broadcast_address
        for j in order[pos + 1 :]:
            if prefixes[j].network_address > end:
                break
            pairs.append((min(i, j), max(i, j)))
    return sorted(pairs)


def _peer_links(topo: Topology, vnet: VNet) -> list[Peering]:
    """Links of ``vnet`` whose peering is established (PEER-02): traffic can cross them."""
    return [
        p for p in topo.links_from(vnet.name) if p.to_vnet != vnet.name and is_established(topo, p)
    ]


def _next_hop_vms(topo: Topology, users: list[VNet], ip: IPv4Address) -> list[Vm]:
    """The VMs a VirtualAppliance route to ``ip`` reaches from the VNets using its table."""
    if not users:
        return list(topo.vms_with_ip(ip))
    found: list[Vm] = []
    for v in users:
        names = (
            [v.name]
            if v.contains(ip)
            else [
                p.to_vnet
                for p in _peer_links(topo, v)
                if any(ip in r for r in peered_ranges(topo, p))
            ]
        )
        for vm in topo.vms_with_ip(ip):  # all of them: duplicate IPs are possible in code
            if vm.vnet in names and vm not in found:
                found.append(vm)
    return found


# --- peering: address spaces and gateway transit ------------------------------------------------


def _linked_pairs(topo: Topology) -> list[tuple[VNet, VNet, list[str]]]:
    """Each pair of distinct, known VNets with a link either way, with the links' names."""
    pairs: dict[frozenset[str], tuple[VNet, VNet, list[str]]] = {}
    for link in topo.peerings:
        a, b = topo.vnet(link.from_vnet), topo.vnet(link.to_vnet)
        if a is None or b is None or a.name == b.name:
            continue
        pairs.setdefault(frozenset((a.name, b.name)), (a, b, []))[2].append(link.name)
    return list(pairs.values())


def _check_peer_overlap(topo: Topology) -> Iterator[Problem]:
    for a, b, links in _linked_pairs(topo):
        if overlaps(a.address_space, b.address_space):
            yield _problem(
                "address-space-overlap",
                (a.name, b.name),
                f"Peering {' / '.join(links)} links {a.name} ({_fmt(a.address_space)}) and "
                f"{b.name} ({_fmt(b.address_space)}), whose address spaces overlap "
                f"({_clashes(a.address_space, b.address_space)}); Azure refuses the peering "
                "with VnetAddressSpacesOverlap",
            )


def _check_already_peered_overlap(topo: Topology) -> Iterator[Problem]:
    vnets = _vnets(topo)
    index = {v.name: i for i, v in enumerate(vnets)}
    linked: dict[str, set[str]] = {v.name: set() for v in vnets}
    for a, b, _ in _linked_pairs(topo):
        linked[a.name].add(b.name)
        linked[b.name].add(a.name)
    owners = [i for i, v in enumerate(vnets) for _ in v.address_space]
    ranges = [p for v in vnets for p in v.address_space]
    pairs = sorted(
        {(owners[i], owners[j]) for i, j in _overlapping_pairs(ranges) if owners[i] != owners[j]}
    )
    for i, j in pairs:
        x, z = vnets[i], vnets[j]
        if z.name in linked[x.name]:
            continue  # directly linked pairs are ADDR-01's
        hubs = sorted(linked[x.name] & linked[z.name], key=index.__getitem__)
        if hubs:
            yield _problem(
                "overlaps-already-peered-vnet",
                (x.name, z.name, *hubs),
                f"{x.name} ({_fmt(x.address_space)}) and {z.name} ({_fmt(z.address_space)}) "
                f"overlap ({_clashes(x.address_space, z.address_space)}) and both have a "
                f"peering with {_and(hubs)}; Azure refuses whichever of these peerings is "
                "created last with VnetAddressSpaceOverlapsWithAlreadyPeeredVnet, even though "
                f"{x.name} and {z.name} are not peered with each other",
            )


def _check_remote_gateway_flags(topo: Topology) -> Iterator[Problem]:
    for link in topo.peerings:
        if not link.use_remote_gateways:
            continue
        local, remote = topo.vnet(link.from_vnet), topo.vnet(link.to_vnet)
        if remote is not None and remote.gateway is None:
            yield _problem(
                "remote-gateway-missing",
                (link.name, remote.name),
                f"Link {link.name} sets use_remote_gateways, but {remote.name} has no gateway; "
                "Azure refuses it with RemoteVnetHasNoGateways",
            )
        if local is not None and local.gateway is not None:
            yield _problem(
                "local-gateway-conflict",
                (link.name, local.name),
                f"Link {link.name} sets use_remote_gateways, but {local.name} has its own gateway "
                f"{local.gateway.name}; a VNet uses either its own gateway or one remote gateway, "
                "never both, so Azure refuses the setting",
            )
    for v in _vnets(topo):
        users = [p.name for p in topo.links_from(v.name) if p.use_remote_gateways]
        if len(users) > 1:
            yield _problem(
                "multiple-remote-gateways",
                (v.name, *users),
                f"{v.name} sets use_remote_gateways on {len(users)} links ({_and(users)}); only "
                "one peering per VNet may have it, and Azure refuses the second one",
            )


def _basic(vnet: VNet | None) -> bool:
    return vnet is not None and vnet.gateway is not None and vnet.gateway.is_basic


def _check_transit_flags(topo: Topology) -> Iterator[Problem]:
    for link in topo.peerings:
        hub = topo.vnet(link.from_vnet)
        if link.allow_gateway_transit and _basic(hub):
            assert hub is not None and hub.gateway is not None
            spoke_link = topo.link(link.to_vnet, link.from_vnet)
            spoke = [spoke_link.name] if spoke_link and spoke_link.use_remote_gateways else []
            yield _problem(
                "basic-sku-no-transit",
                (link.name, *spoke),
                f"Link {link.name} allows gateway transit, but {hub.name}'s gateway "
                f"{hub.gateway.name} is Basic SKU, which does not support gateway transit",
            )
        remote = topo.vnet(link.to_vnet)
        if link.use_remote_gateways and _basic(remote):
            assert remote is not None and remote.gateway is not None
            hub_link = topo.link(link.to_vnet, link.from_vnet)
            if hub_link is None or not hub_link.allow_gateway_transit:  # else reported above
                yield _problem(
                    "basic-sku-no-transit",
                    (link.name,),
                    f"Link {link.name} sets use_remote_gateways toward {remote.name}, whose "
                    f"gateway {remote.gateway.name} is Basic SKU, which does not support gateway "
                    "transit",
                )
        if link.allow_gateway_transit and hub is not None and hub.gateway is None:
            yield _problem(
                "gateway-transit-without-gateway",
                (link.name, hub.name),
                f"Link {link.name} sets allow_gateway_transit, but {hub.name} has no gateway to "
                "share; the flag belongs on the hub's link (the VNet with the gateway), and the "
                "portal only offers it when the VNet has one",
            )


# --- GatewaySubnet and gateway connections ------------------------------------------------------


def _check_gateway_subnets(topo: Topology) -> Iterator[Problem]:
    for v in _vnets(topo):
        gw, gs = v.gateway, v.subnet(GATEWAY_SUBNET)
        where = f"{v.name}/{GATEWAY_SUBNET}"
        if gw is not None and gs is None:
            near = [s.name for s in v.subnets if s.name.lower() == GATEWAY_SUBNET.lower()]
            hint = (
                (
                    f"; the subnet {_and(near)} does not count, because the name must match "
                    "exactly, including case"
                )
                if near
                else ""
            )
            yield _problem(
                "gateway-without-gatewaysubnet",
                (v.name, gw.name),
                f"{v.name} has gateway {gw.name} but no subnet named exactly GatewaySubnet, "
                f"where Azure requires gateways to live{hint}",
            )
        if gs is None:
            continue
        if gw is not None:
            needed = 29 if gw.is_basic else 27
            if gs.prefix.prefixlen > needed:
                yield _problem(
                    "gatewaysubnet-too-small",
                    (where, gw.name),
                    f"GatewaySubnet {gs.prefix} in {v.name} is too small for gateway {gw.name} "
                    f"(SKU {gw.sku}), which needs /{needed} or larger: GatewaySubnet must be /27 "
                    "or larger, and only the Basic SKU works with a /29",
                )
            elif gw.type is GatewayType.EXPRESSROUTE and gs.prefix.prefixlen > 26:
                yield _problem(
                    "gatewaysubnet-small-for-expressroute",
                    (where, gw.name),
                    f"GatewaySubnet {gs.prefix} in {v.name} holds ExpressRoute gateway {gw.name}; "
                    "the hub-and-spoke reference architecture recommends /26 for ExpressRoute "
                    "scale",
                )
        vms = [vm.name for vm in topo.vms if vm.vnet == v.name and vm.subnet == GATEWAY_SUBNET]
        if vms:
            yield _problem(
                "gatewaysubnet-has-vms",
                (where, *vms),
                f"VM {_and(vms)} is deployed in GatewaySubnet of {v.name}; nothing but the "
                "gateway may be deployed there",
            )
        if topo.nsg(gs.nsg) is not None:
            yield _problem(
                "gatewaysubnet-nsg",
                (where, str(gs.nsg)),
                f"NSG {gs.nsg} is associated with GatewaySubnet of {v.name}; Azure advises "
                "against any NSG there because it may stop VPN or ExpressRoute gateways from "
                "working, and a built-in Azure Policy denies it",
            )
        table = topo.route_table(gs.route_table)
        if table is None:
            continue
        for route in table.routes:
            if route.prefix == DEFAULT_ROUTE:
                yield _problem(
                    "gatewaysubnet-default-route",
                    (where, _label(table, route)),
                    f"Route table {table.name}, attached to GatewaySubnet of {v.name}, has route "
                    f"{route.name} for 0.0.0.0/0; a route table with a 0.0.0.0/0 route must "
                    "never be attached to GatewaySubnet",
                )
        if not table.propagate_gateway_routes:
            yield _problem(
                "gatewaysubnet-propagation-disabled",
                (where, table.name),
                f"Route table {table.name}, attached to GatewaySubnet of {v.name}, has "
                "propagate_gateway_routes false (disableBgpRoutePropagation); disabling "
                "propagation on GatewaySubnet stops the gateway from working",
            )


def _check_firewall_subnets(topo: Topology) -> Iterator[Problem]:
    for v in _vnets(topo):
        fw = v.subnet(AZURE_FIREWALL_SUBNET)
        if fw is not None and topo.nsg(fw.nsg) is not None:
            yield _problem(
                "azurefirewallsubnet-nsg",
                (f"{v.name}/{AZURE_FIREWALL_SUBNET}", str(fw.nsg)),
                f"NSG {fw.nsg} is associated with AzureFirewallSubnet of {v.name}, which does "
                "not support NSGs",
            )


def _check_connection_overlap(topo: Topology) -> Iterator[Problem]:
    for v in _vnets(topo):
        if v.gateway is None:
            continue
        for site_name in v.gateway.connections:
            site = topo.site(site_name)
            if site is not None and overlaps(v.address_space, site.address_space):
                yield _problem(
                    "gateway-connection-overlap",
                    (v.name, v.gateway.name, site.name),
                    f"Gateway {v.gateway.name} connects {v.name} ({_fmt(v.address_space)}) to "
                    f"{site.name} ({_fmt(site.address_space)}), which overlap "
                    f"({_clashes(v.address_space, site.address_space)}); a site-to-site or "
                    "VNet-to-VNet connection needs address spaces that do not overlap, and "
                    "creating it fails",
                )


# --- addresses ----------------------------------------------------------------------------------


def _check_subnets(topo: Topology) -> Iterator[Problem]:
    for v in _vnets(topo):
        subnets = v.subnets
        for i, j in _overlapping_pairs([s.prefix for s in subnets]):
            a, b = subnets[i], subnets[j]
            yield _problem(
                "subnet-overlap",
                (f"{v.name}/{a.name}", f"{v.name}/{b.name}"),
                f"Subnets {a.name} ({a.prefix}) and {b.name} ({b.prefix}) of {v.name} overlap; "
                "subnets of a VNet may not overlap one another",
            )
        for s in subnets:
            if s.prefix.prefixlen > 29:
                yield _problem(
                    "subnet-too-small",
                    (f"{v.name}/{s.name}",),
                    f"Subnet {s.name} of {v.name} is {s.prefix}, smaller than /29, the smallest "
                    "IPv4 subnet Azure allows",
                )
            if not any(s.prefix.subnet_of(p) for p in v.address_space):
                yield _problem(
                    "subnet-outside-address-space",
                    (f"{v.name}/{s.name}",),
                    f"Subnet {s.name} ({s.prefix}) is not inside the address space of {v.name} "
                    f"({_fmt(v.address_space)}); a subnet must lie within one of its VNet's "
                    "ranges",
                )


def _check_vnet_ranges(topo: Topology) -> Iterator[Problem]:
    for v in _vnets(topo):
        for p in v.address_space:
            hit = [r for r in RESERVED_RANGES if p.overlaps(r)]
            if hit:
                yield _problem(
                    "reserved-address-space",
                    (v.name,),
                    f"{v.name} uses {p}, which overlaps {_and([str(r) for r in hit])}; Azure "
                    "does not allow a VNet to use 224.0.0.0/4, 255.255.255.255/32, 127.0.0.0/8, "
                    "169.254.0.0/16 or 168.63.129.16/32",
                )
    for v in _vnets(topo):
        space = v.address_space
        for i, a in enumerate(space):
            for b in space[i + 1 :]:
                if a.overlaps(b):
                    yield _problem(
                        "vnet-address-space-overlap-self",
                        (v.name,),
                        f"{v.name} lists address prefixes {a} and {b}, which overlap; the "
                        "prefixes of one VNet's address space may not overlap each other",
                    )


def _reserved_ips(prefix: IPv4Network) -> tuple[IPv4Address, ...]:
    base = prefix.network_address
    return (base, base + 1, base + 2, base + 3, prefix.broadcast_address)


def _check_vm_ips(topo: Topology) -> Iterator[Problem]:
    for vm in topo.vms:
        subnet = topo.subnet(vm.vnet, vm.subnet)
        if subnet is None:
            continue
        where = f"{vm.vnet}/{vm.subnet}"
        if vm.ip not in subnet.prefix:
            yield _problem(
                "vm-ip-outside-subnet",
                (vm.name, where),
                f"VM {vm.name} has IP {vm.ip}, which is not inside its subnet {where} "
                f"({subnet.prefix}); a NIC's private IP comes from its subnet's range",
            )
        elif subnet.prefix.prefixlen <= 30 and vm.ip in _reserved_ips(subnet.prefix):
            first, *_, last = _reserved_ips(subnet.prefix)
            yield _problem(
                "vm-reserved-ip",
                (vm.name, where),
                f"VM {vm.name} has IP {vm.ip}, one of the 5 addresses Azure reserves in subnet "
                f"{where} ({subnet.prefix}): {first} to {first + 3} and {last}",
            )
    keyed = [((vm.vnet, vm.ip), vm.name) for vm in topo.vms if topo.vnet(vm.vnet) is not None]
    for (vnet, ip), names in _groups(keyed):
        yield _problem(
            "duplicate-ip",
            tuple(names),
            f"VMs {_and(names)} {_all(names)} use IP {ip} in {vnet}; a private IP belongs to one "
            "NIC only, and Azure refuses a second NIC with an address already in use",
        )


# --- NSGs and ASGs ------------------------------------------------------------------------------


def _custom(nsg: Nsg) -> list[SecurityRule]:
    return [r for r in nsg.rules if not r.default]


def _check_nsg_rules(topo: Topology) -> Iterator[Problem]:
    for nsg in topo.nsgs:
        rules = _custom(nsg)
        for r in rules:
            if not 100 <= r.priority <= 4096:
                yield _problem(
                    "nsg-priority-out-of-range",
                    (f"{nsg.name}/{r.name}",),
                    f"Rule {r.name} of {nsg.name} has priority {r.priority}; a custom rule's "
                    "priority must be a number from 100 to 4096",
                )
        keyed = [((r.direction, r.priority), r.name) for r in rules]
        for (direction, priority), names in _groups(keyed):
            yield _problem(
                "nsg-priority-duplicate",
                tuple(f"{nsg.name}/{n}" for n in names),
                f"Rules {_and(names)} of {nsg.name} {_all(names)} use priority {priority} "
                f"{direction.value}; a priority must be unique for a direction within an NSG",
            )
        for r in rules:
            if len(r.name) > 80:
                yield _problem(
                    "nsg-rule-name-too-long",
                    (f"{nsg.name}/{r.name}",),
                    f"Rule name {r.name!r} of {nsg.name} has {len(r.name)} characters; a rule "
                    "name may have at most 80",
                )
        for name, names in _groups((r.name, r.name) for r in rules):
            yield _problem(
                "nsg-rule-name-duplicate",
                (f"{nsg.name}/{name}",),
                f"{nsg.name} has {len(names)} rules named {name}; a rule's name must be "
                "unique within its NSG",
            )
        for r in rules:
            yield from _check_rule_fields(nsg, r)


def _check_rule_fields(nsg: Nsg, rule: SecurityRule) -> Iterator[Problem]:
    where = f"{nsg.name}/{rule.name}"
    for field_name, items in (("source", rule.source), ("destination", rule.destination)):
        tags = [str(i) for i in items if isinstance(i, ServiceTag)]
        if len(tags) > 1:
            yield _problem(
                "nsg-rule-multiple-tags",
                (where,),
                f"Rule {rule.name} of {nsg.name} lists service tags {_and(tags)} as its "
                f"{field_name}; a rule may list several IPs or ranges, but not several service "
                "tags",
            )
        asgs = [str(i) for i in items if isinstance(i, AsgRef)]
        if len(asgs) > 1:
            yield _problem(
                "nsg-rule-multiple-asgs",
                (where,),
                f"Rule {rule.name} of {nsg.name} lists {len(asgs)} ASGs ({_and(asgs)}) as its "
                f"{field_name}; the ASG and NSG docs allow only one per field, while the limits "
                "table says 10, so avoid relying on it",
            )


def _asg_members(topo: Topology) -> dict[str, list[Vm]]:
    members: dict[str, list[Vm]] = {}
    for vm in topo.vms:
        for asg in dict.fromkeys(vm.asgs):
            members.setdefault(asg, []).append(vm)
    return members


def _check_asgs(topo: Topology) -> Iterator[Problem]:
    members = _asg_members(topo)
    for asg, vms in members.items():
        first = vms[0]
        others = [vm.name for vm in vms if vm.vnet != first.vnet]
        if others:
            yield _problem(
                "asg-across-vnets",
                (f"asg:{asg}", *(vm.name for vm in vms)),
                f"ASG {asg} has members in different VNets: its first member {first.name} is in "
                f"{first.vnet}, but {_and(others)} {'is' if len(others) == 1 else 'are'} not; "
                "all NICs of an ASG must be in the same VNet as the first member",
            )
    for nsg in topo.nsgs:
        for r in _custom(nsg):
            src = [i.name for i in r.source if isinstance(i, AsgRef)]
            dst = [i.name for i in r.destination if isinstance(i, AsgRef)]
            if not src or not dst:
                continue
            vnets = list(dict.fromkeys(vm.vnet for a in src + dst for vm in members.get(a, ())))
            if len(vnets) > 1:
                yield _problem(
                    "asg-across-vnets",
                    (f"{nsg.name}/{r.name}", *(f"asg:{a}" for a in dict.fromkeys(src + dst))),
                    f"Rule {r.name} of {nsg.name} uses ASGs {_and(src)} as source and "
                    f"{_and(dst)} as destination, whose members are in {_and(vnets)}; when a "
                    "rule uses ASGs on both sides, all their NICs must be in the same VNet",
                )


# --- route tables and next hops -----------------------------------------------------------------


def _check_route_fields(topo: Topology) -> Iterator[Problem]:
    table_users = _table_users(topo)
    for table in topo.route_tables:
        for route in table.routes:
            label, kind = _label(table, route), route.next_hop_type
            if kind not in UDR_NEXT_HOP_TYPES:
                yield _problem(
                    "route-next-hop-type-not-allowed",
                    (label,),
                    f"Route {route.name} of {table.name} uses next hop type {kind.value}, which "
                    "only Azure creates; a user-defined route may use VirtualAppliance, "
                    "VirtualNetworkGateway, VnetLocal, Internet or None",
                )
            if route.next_hop_ip is not None and kind is not NextHopType.VIRTUAL_APPLIANCE:
                yield _problem(
                    "route-next-hop-ip-not-allowed",
                    (label,),
                    f"Route {route.name} of {table.name} has next hop type {kind.value} with next "
                    f"hop IP {route.next_hop_ip}; a next hop IP is allowed only with "
                    "VirtualAppliance",
                )
            if route.next_hop_ip is None and kind is NextHopType.VIRTUAL_APPLIANCE:
                yield _problem(
                    "route-next-hop-ip-missing",
                    (label,),
                    f"Route {route.name} of {table.name} has next hop type VirtualAppliance but "
                    "no next hop IP; a VirtualAppliance route needs the private IP of a VM NIC "
                    "or an internal load balancer",
                )
        for prefix, names in _groups((r.prefix, r.name) for r in table.routes):
            yield _problem(
                "route-prefix-duplicate",
                tuple(f"{table.name}/{n}" for n in names),
                f"Routes {_and(names)} of {table.name} {_all(names)} use prefix {prefix}; "
                "within one route table an address prefix may appear only once",
            )
        users = table_users.get(table.name, [])
        regions = list(dict.fromkeys(v.region for v in users))
        subs = list(dict.fromkeys(v.subscription for v in users if v.subscription is not None))
        if len(regions) > 1 or len(subs) > 1:
            what = (
                f"regions {_and(regions)}"
                if len(regions) > 1
                else f"subscriptions {_and([str(s) for s in subs])}"
            )
            yield _problem(
                "route-table-spans-regions",
                (table.name, *(v.name for v in users)),
                f"Route table {table.name} is attached to subnets of "
                f"{_and([v.name for v in users])}, which are in {what}; a route table can only "
                "serve subnets of VNets in its own region and subscription",
            )


def _reachable(topo: Topology, vnet: VNet, ip: IPv4Address) -> bool:
    """RT-09: the IP is in ``vnet`` or in the peered ranges of an established peering."""
    return vnet.contains(ip) or any(
        ip in r for p in _peer_links(topo, vnet) for r in peered_ranges(topo, p)
    )


def _check_appliance_routes(topo: Topology) -> Iterator[Problem]:
    table_users = _table_users(topo)
    hops: dict[str, list[str]] = {}  # VM name -> labels of the routes that reach it
    looped: dict[str, list[str]] = {}  # VM name -> routes of the table its own subnet uses
    for table in topo.route_tables:
        for route in table.routes:
            ip = route.next_hop_ip
            if route.next_hop_type is not NextHopType.VIRTUAL_APPLIANCE or ip is None:
                continue
            label, users = _label(table, route), table_users.get(table.name, [])
            for v in users:
                if not _reachable(topo, v, ip):
                    yield _problem(
                        "route-next-hop-unreachable",
                        (label, v.name),
                        f"Route {route.name} of {table.name} sends {route.prefix} to "
                        f"VirtualAppliance {ip}, but subnets of {v.name} use the table and {ip} "
                        f"is neither in {v.name} ({_fmt(v.address_space)}) nor in a VNet peered "
                        "with it (Connected both ways); the next hop must be directly reachable, "
                        "so traffic cannot get there",
                    )
            if not topo.vms_with_ip(ip):
                yield _problem(
                    "route-next-hop-not-a-vm",
                    (label,),
                    f"Route {route.name} of {table.name} sends {route.prefix} to VirtualAppliance "
                    f"{ip}, but no VM in the topology has that IP; it could be an internal load "
                    "balancer, which this model does not represent",
                )
            for vm in _next_hop_vms(topo, users, ip):
                hops.setdefault(vm.name, []).append(label)
                subnet = topo.subnet(vm.vnet, vm.subnet)
                if subnet is not None and subnet.route_table == table.name:
                    looped.setdefault(vm.name, []).append(label)
    for vm in topo.vms:
        routes = hops.get(vm.name)
        if not routes:
            continue
        if not vm.ip_forwarding:
            yield _problem(
                "appliance-ip-forwarding-off",
                (vm.name, *routes),
                f"VM {vm.name} ({vm.ip}) is the next hop of route {_and(routes)}, but its NIC "
                "has IP forwarding off; Azure drops the traffic it receives for other addresses",
            )
        if not vm.appliance:
            yield _problem(
                "appliance-os-not-forwarding",
                (vm.name, *routes),
                f"VM {vm.name} ({vm.ip}) is the next hop of route {_and(routes)}, but its "
                "operating system does not forward packets (appliance false); the packets are "
                "dropped even though Next hop still reports VirtualAppliance",
            )
        if vm.name in looped:
            yield _problem(
                "appliance-in-source-subnet",
                (vm.name, *looped[vm.name]),
                f"VM {vm.name} is the next hop of route {_and(looped[vm.name])}, but its own "
                f"subnet {vm.vnet}/{vm.subnet} uses the same route table; an appliance should "
                "not sit in a subnet whose traffic the route sends to it, as that can loop",
            )


def _check_gateway_routes(topo: Topology) -> Iterator[Problem]:
    table_users = _table_users(topo)
    for table in topo.route_tables:
        for route in table.routes:
            if route.next_hop_type is not NextHopType.VIRTUAL_NETWORK_GATEWAY:
                continue
            label = _label(table, route)
            for v in table_users.get(table.name, []):
                path = gateway_path(topo, v.name)
                if path is None:
                    yield _problem(
                        "udr-gateway-without-gateway",
                        (label, v.name),
                        f"Route {route.name} of {table.name} sends {route.prefix} to "
                        f"VirtualNetworkGateway, but {v.name} has no gateway of its own and no "
                        "active gateway transit, so the route has no usable next hop",
                    )
                elif path.gateway.type is GatewayType.EXPRESSROUTE:
                    via = "" if path.via is None else f" (through {path.vnet.name} by transit)"
                    yield _problem(
                        "udr-to-expressroute-gateway",
                        (label, v.name, path.gateway.name),
                        f"Route {route.name} of {table.name} sends {route.prefix} to "
                        f"VirtualNetworkGateway, but {v.name}'s gateway {path.gateway.name}"
                        f"{via} is ExpressRoute; a user-defined route can only target a VPN "
                        "gateway, because ExpressRoute learns routes through BGP",
                    )


# --- peering links ------------------------------------------------------------------------------


def _check_links(topo: Topology) -> Iterator[Problem]:
    seen: set[frozenset[str]] = set()
    for link in topo.peerings:
        if link.state is not PeeringState.DISCONNECTED or link.from_vnet == link.to_vnet:
            continue
        reverse = topo.link(link.to_vnet, link.from_vnet)
        pair = frozenset((link.from_vnet, link.to_vnet))
        if reverse is None or pair in seen:
            continue
        seen.add(pair)
        if reverse.state is PeeringState.DISCONNECTED:
            yield _problem(
                "peering-state-inconsistent",
                (link.name, reverse.name),
                f"Links {link.name} and {reverse.name} are both marked Disconnected; a link is "
                "Disconnected only when its reverse link was deleted, so both cannot be the "
                "surviving link",
            )
        else:
            yield _problem(
                "peering-state-inconsistent",
                (link.name, reverse.name),
                f"Link {link.name} is marked Disconnected, which means its reverse link was "
                f"deleted, but the reverse link {reverse.name} still exists",
            )
    for link in topo.peerings:
        if link.from_vnet == link.to_vnet:
            yield _problem(
                "peering-to-self",
                (link.name, link.from_vnet),
                f"Link {link.name} peers {link.from_vnet} with itself; a peering joins two "
                "different VNets",
            )
    for (src, dst), names in _groups(((p.from_vnet, p.to_vnet), p.name) for p in topo.peerings):
        yield _problem(
            "peering-duplicate",
            tuple(names),
            f"Links {_and(names)} {_all(names)} go from {src} to {dst}; a VNet has "
            "one link per remote VNet",
        )


# --- limits -------------------------------------------------------------------------------------


def _check_limits(topo: Topology) -> Iterator[Problem]:
    by_place: dict[tuple[str, str | None], list[str]] = {}
    for v in _vnets(topo):
        by_place.setdefault((v.region, v.subscription), []).append(v.name)
    for (region, sub), names in by_place.items():
        if len(names) > 1000:
            where = region if sub is None else f"{region}, subscription {sub}"
            yield _problem(
                "too-many-vnets",
                (names[1000],),
                f"{len(names)} VNets are in {where}; the limit is 1,000 per region per "
                "subscription",
            )
    ips: dict[str, int] = {}
    for vm in topo.vms:
        ips[vm.vnet] = ips.get(vm.vnet, 0) + 1
    for v in _vnets(topo):
        count = len(topo.links_from(v.name))
        if count > 500:
            yield _problem(
                "too-many-peerings",
                (v.name,),
                f"{v.name} holds {count} peering links; the limit is 500 per VNet",
            )
        if len(v.subnets) > 3000:
            yield _problem(
                "too-many-subnets",
                (v.name,),
                f"{v.name} has {len(v.subnets)} subnets; the limit is 3,000 per VNet",
            )
        if ips.get(v.name, 0) > 65536:
            yield _problem(
                "too-many-private-ips",
                (v.name,),
                f"{v.name} has {ips[v.name]} private IPs; the limit is 65,536 per VNet",
            )
    yield from _check_nsg_limits(topo)
    for vm in topo.vms:
        count = len(set(vm.asgs))
        if count > 20:
            yield _problem(
                "too-many-asgs",
                (vm.name,),
                f"VM {vm.name}'s NIC belongs to {count} ASGs; the limit is 20 per IP configuration",
            )
    for table in topo.route_tables:
        if len(table.routes) > 400:
            yield _problem(
                "too-many-routes",
                (table.name,),
                f"Route table {table.name} has {len(table.routes)} routes; the limit "
                "is 400 per route table",
            )


def _check_nsg_limits(topo: Topology) -> Iterator[Problem]:
    for nsg in topo.nsgs:
        rules = _custom(nsg)
        if len(rules) > 1000:
            yield _problem(
                "too-many-nsg-rules",
                (nsg.name,),
                f"{nsg.name} has {len(rules)} rules; the limit is 1,000 per NSG",
            )
    for nsg in topo.nsgs:
        for r in _custom(nsg):
            for field_name, items in (("source", r.source), ("destination", r.destination)):
                count = sum(1 for i in items if isinstance(i, IPv4Network))
                if count > 4000:
                    yield _problem(
                        "too-many-rule-addresses",
                        (f"{nsg.name}/{r.name}",),
                        f"Rule {r.name} of {nsg.name} lists {count} IPs or ranges as its "
                        f"{field_name}; the limit is 4,000 per field",
                    )
    for nsg in topo.nsgs:
        asgs = {
            i.name
            for r in _custom(nsg)
            for i in (*r.source, *r.destination)
            if isinstance(i, AsgRef)
        }
        if len(asgs) > 100:
            yield _problem(
                "too-many-asgs-in-nsg",
                (nsg.name,),
                f"The rules of {nsg.name} use {len(asgs)} ASGs; the limit is 100 per NSG",
            )


_CHECKS: tuple[Callable[[Topology], Iterable[Problem]], ...] = (
    _check_peer_overlap,
    _check_already_peered_overlap,
    _check_remote_gateway_flags,
    _check_transit_flags,
    _check_gateway_subnets,
    _check_firewall_subnets,
    _check_connection_overlap,
    _check_subnets,
    _check_vnet_ranges,
    _check_vm_ips,
    _check_nsg_rules,
    _check_asgs,
    _check_route_fields,
    _check_appliance_routes,
    _check_gateway_routes,
    _check_links,
    _check_limits,
)
