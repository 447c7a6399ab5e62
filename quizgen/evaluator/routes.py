"""Effective routes of a subnet and route selection (azure-rules.md section 4).

RT-02 (routes belong to the subnet), RT-03/04 (system and reserved None routes), RT-05 (peering),
RT-06/RT-18 (gateway routes and propagation), RT-08 (UDRs), RT-12..RT-16 (selection, Active/Invalid,
forced tunnelling).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network

from quizgen.errors import QueryError
from quizgen.evaluator.assumptions import describe
from quizgen.evaluator.assumptions import text_lines as assumption_lines
from quizgen.evaluator.cache import memo
from quizgen.evaluator.peering import gateway_path, is_established, peered_ranges
from quizgen.model import (
    NextHopType,
    Peering,
    RouteSource,
    RouteState,
    Subnet,
    Topology,
    VNet,
    quick_init,
)

#: RT-03: reserved ranges routed to None unless a VNet range changes them (RT-04).
RESERVED_PREFIXES = tuple(
    IPv4Network(p) for p in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
)
DEFAULT_ROUTE = IPv4Network("0.0.0.0/0")
SYSTEM_ROUTE = "System Route"


@quick_init
@dataclass(frozen=True, slots=True)
class EffectiveRoute:
    prefix: IPv4Network
    next_hop_type: NextHopType
    next_hop_ip: IPv4Address | None
    source: RouteSource
    state: RouteState
    name: str | None = None  # the UDR's name
    route_table: str | None = None  # the table holding a UDR
    via: str | None = None  # the peering link (RT-05) or gateway (RT-06) behind a system route
    rules: tuple[str, ...] = ()

    @property
    def is_vnet_or_peering(self) -> bool:
        """RT-14: the system routes that beat BGP even when less specific."""
        return self.source is RouteSource.DEFAULT and self.next_hop_type in (
            NextHopType.VNET_LOCAL,
            NextHopType.VNET_PEERING,
            NextHopType.VNET_GLOBAL_PEERING,
        )

    def describe(self) -> str:
        hop = self.next_hop_type.value
        if self.next_hop_ip is not None:
            hop += f" {self.next_hop_ip}"
        if self.source is RouteSource.USER:
            where = f"user route {self.name} in {self.route_table}"
        elif self.source is RouteSource.GATEWAY:
            where = "gateway route"
        else:
            where = "system route"
        return f"{self.prefix} -> {hop} ({where})"

    def to_dict(self) -> dict[str, object]:
        return {
            "prefix": str(self.prefix),
            "next_hop_type": self.next_hop_type.value,
            "next_hop_ip": None if self.next_hop_ip is None else str(self.next_hop_ip),
            "source": self.source.value,
            "state": self.state.value,
            "name": self.name,
        }


def _rank(route: EffectiveRoute) -> int:
    """Precedence among routes with an identical prefix: RT-13 User > BGP > System, with RT-14."""
    if route.source is RouteSource.USER:
        return 3
    if route.is_vnet_or_peering:
        return 2
    if route.source is RouteSource.GATEWAY:
        return 1
    return 0


def resolve_subnet(topo: Topology, vnet_name: str, subnet_name: str) -> tuple[VNet, Subnet]:
    vnet = topo.vnet(vnet_name)
    if vnet is None:
        known = ", ".join(v.name for v in topo.vnets) or "none"
        raise QueryError(f"unknown VNet {vnet_name!r}; expected one of: {known}")
    subnet = vnet.subnet(subnet_name)
    if subnet is None:
        known = ", ".join(s.name for s in vnet.subnets) or "none"
        raise QueryError(
            f"unknown subnet {subnet_name!r} in VNet {vnet_name!r}; expected one of: {known}"
        )
    return vnet, subnet


def peering_next_hop(topo: Topology, link: Peering) -> NextHopType:
    """RT-05: VNetGlobalPeering when the peer is in another region."""
    local, remote = topo.vnet(link.from_vnet), topo.vnet(link.to_vnet)
    if local is not None and remote is not None and local.region != remote.region:
        return NextHopType.VNET_GLOBAL_PEERING
    return NextHopType.VNET_PEERING


def _system_routes(topo: Topology, vnet: VNet, forced_tunnel: bool) -> list[EffectiveRoute]:
    def default(prefix: IPv4Network, hop: NextHopType, via: str | None, rules: tuple[str, ...]):
        return EffectiveRoute(
            prefix, hop, None, RouteSource.DEFAULT, RouteState.ACTIVE, via=via, rules=rules
        )

    routes = [default(p, NextHopType.VNET_LOCAL, vnet.name, ("RT-03",)) for p in vnet.address_space]
    if not forced_tunnel:  # RT-16: a 0/0 UDR removes the reserved None routes
        routes += [
            default(reserved, NextHopType.NONE, None, ("RT-03", "RT-04"))
            for reserved in _reserved_left(vnet.address_space)
        ]
    routes.append(default(DEFAULT_ROUTE, NextHopType.INTERNET, None, ("RT-03",)))
    for link in topo.links_from(vnet.name):
        if not is_established(topo, link):
            continue  # RT-05: only Connected peers give routes (PEER-02)
        hop = peering_next_hop(topo, link)
        # ADDR-05 (routes follow the synced ranges) matters only for a link out of sync.
        rules = ("RT-05", "ADDR-05") if link.synced_address_space is not None else ("RT-05",)
        routes += [default(p, hop, link.name, rules) for p in peered_ranges(topo, link)]
    return routes


@lru_cache(maxsize=4096)
def _reserved_left(address_space: tuple[IPv4Network, ...]) -> tuple[IPv4Network, ...]:
    """The reserved prefixes (RT-03) that keep their None route with this VNet address space."""
    return tuple(
        reserved
        for reserved in RESERVED_PREFIXES
        # RT-04(a): the VnetLocal route for the same prefix replaces the None route;
        # RT-04(b): a VNet range containing the reserved prefix removes it.
        if not any(p == reserved or p.supernet_of(reserved) for p in address_space)
    )


def _gateway_routes(topo: Topology, vnet: VNet) -> list[EffectiveRoute]:
    """RT-06: one route per prefix of each on-premises site the gateway path connects."""
    path = gateway_path(topo, vnet.name)
    if path is None:
        return []
    routes = []
    for site_name in path.gateway.connections:
        site = topo.site(site_name)
        if site is None:
            continue
        routes += [
            EffectiveRoute(
                prefix,
                NextHopType.VIRTUAL_NETWORK_GATEWAY,
                None,  # the exact IP shown is UNCONFIRMED (RT-06); we print none
                RouteSource.GATEWAY,
                RouteState.ACTIVE,
                via=path.gateway.name,
                rules=path.rules,
            )
            for prefix in site.address_space
        ]
    return routes


def _effective_routes(
    topo: Topology, vnet_name: str, subnet_name: str
) -> tuple[EffectiveRoute, ...]:
    _, subnet = resolve_subnet(topo, vnet_name, subnet_name)
    table = topo.route_table(subnet.route_table)
    user = [
        EffectiveRoute(
            r.prefix,
            r.next_hop_type,
            r.next_hop_ip,
            RouteSource.USER,
            RouteState.ACTIVE,
            name=r.name,
            route_table=table.name,
            rules=("RT-08",),
        )
        for r in (table.routes if table else ())
    ]
    forced_tunnel = any(r.prefix == DEFAULT_ROUTE for r in user)
    # System and gateway routes depend on the VNet alone: every subnet of it shares them.
    routes = list(
        memo(
            topo,
            "system",
            (vnet_name, forced_tunnel),
            lambda t, v, f: tuple(_system_routes(t, t.vnet(v), f)),
        )
    )
    if table is None or table.propagate_gateway_routes:
        routes += memo(
            topo, "gateway", (vnet_name,), lambda t, v: tuple(_gateway_routes(t, t.vnet(v)))
        )
    routes += user

    # RT-13/RT-15: among identical prefixes the highest precedence is Active, the rest Invalid.
    keys = [(int(r.prefix.network_address), r.prefix.prefixlen) for r in routes]
    winners: dict[tuple[int, int], EffectiveRoute] = {}
    for key, r in zip(keys, routes, strict=True):
        best = winners.get(key)
        if best is None or _rank(r) > _rank(best):
            winners[key] = r
    out = []
    for key, r in zip(keys, routes, strict=True):
        if winners[key] is not r:
            r = EffectiveRoute(
                r.prefix,
                r.next_hop_type,
                r.next_hop_ip,
                r.source,
                RouteState.INVALID,
                r.name,
                r.route_table,
                r.via,
                (*r.rules, "RT-15"),
            )
        out.append(r)
    return tuple(out)


def effective_routes(
    topo: Topology, vnet_name: str, subnet_name: str
) -> tuple[EffectiveRoute, ...]:
    """Every route of the subnet, Active and Invalid, as Azure lists them (NW-03)."""
    return memo(topo, "routes", (vnet_name, subnet_name), _effective_routes)


def select_route(routes: tuple[EffectiveRoute, ...], dest: IPv4Address) -> EffectiveRoute | None:
    """RT-12 longest prefix among Active routes, with RT-14: VNet and peering routes beat BGP.

    The plain definition; ``RouteLookup`` gives the same answers faster.
    """
    candidates = [r for r in routes if r.state is RouteState.ACTIVE and dest in r.prefix]
    if any(r.is_vnet_or_peering for r in candidates):
        candidates = [r for r in candidates if r.source is not RouteSource.GATEWAY]
    if not candidates:
        return None
    return max(candidates, key=lambda r: (r.prefix.prefixlen, _rank(r)))


class RouteLookup:
    """A subnet's Active routes indexed by prefix length, for ``select_route`` in O(33)."""

    __slots__ = ("_gateway", "_lengths", "_other")

    def __init__(self, routes: tuple[EffectiveRoute, ...]) -> None:
        # Per prefix length: network address (int) -> route. One Active route per prefix (RT-15).
        self._other: dict[int, dict[int, EffectiveRoute]] = {}
        self._gateway: dict[int, dict[int, EffectiveRoute]] = {}
        for r in routes:
            if r.state is RouteState.ACTIVE:
                table = self._gateway if r.source is RouteSource.GATEWAY else self._other
                table.setdefault(r.prefix.prefixlen, {})[int(r.prefix.network_address)] = r
        self._lengths = sorted({*self._other, *self._gateway}, reverse=True)

    def select(self, dest: IPv4Address) -> EffectiveRoute | None:
        """The route for ``dest`` (``chosen_route`` keeps the answers, with their assumptions)."""
        ip = int(dest)
        best_other = best_gateway = None
        shadowed = False  # RT-14: a VNet or peering route covers the destination
        for length in self._lengths:
            mask = (0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF
            key = ip & mask
            other = self._other.get(length, {}).get(key)
            if other is not None:
                best_other = best_other or other
                shadowed = shadowed or other.is_vnet_or_peering
            if best_gateway is None:
                best_gateway = self._gateway.get(length, {}).get(key)
        if best_gateway is None or shadowed:
            return best_other
        if best_other is None or best_gateway.prefix.prefixlen > best_other.prefix.prefixlen:
            return best_gateway
        return best_other


def route_lookup(topo: Topology, vnet_name: str, subnet_name: str) -> RouteLookup:
    return memo(
        topo,
        "lookup",
        (vnet_name, subnet_name),
        lambda t, v, s: RouteLookup(effective_routes(t, v, s)),
    )


def chosen_route(
    topo: Topology, vnet_name: str, subnet_name: str, dest: IPv4Address
) -> tuple[EffectiveRoute | None, frozenset[str]]:
    """The route a packet from the subnet to ``dest`` takes, with what its choice rests on
    (``route_assumptions``); both read the routing sections alone, so they are kept per routing."""
    return memo(topo, "chosen", (vnet_name, subnet_name, dest), _chosen_route)


def _chosen_route(
    topo: Topology, vnet_name: str, subnet_name: str, dest: IPv4Address
) -> tuple[EffectiveRoute | None, frozenset[str]]:
    route = route_lookup(topo, vnet_name, subnet_name).select(dest)
    if route is None:
        return None, frozenset()
    return route, frozenset(route_assumptions(topo, vnet_name, subnet_name, route, dest))


def route_assumptions(
    topo: Topology, vnet_name: str, subnet_name: str, route: EffectiveRoute, dest: IPv4Address
) -> set[str]:
    """What the choice of ``route`` for ``dest`` rests on beyond the confirmed rules."""
    notes: set[str] = set()
    if route.source is RouteSource.GATEWAY:
        notes.add("U-05")  # the next hop IP shown for gateway routes
    # A reserved None route beating a less specific gateway route (e.g. BGP 0/0): U-06.
    if (
        route.next_hop_type is NextHopType.NONE
        and route.source is RouteSource.DEFAULT
        and any(
            r.source is RouteSource.GATEWAY and r.state is RouteState.ACTIVE and dest in r.prefix
            for r in effective_routes(topo, vnet_name, subnet_name)
        )
    ):
        notes.add("U-06")
    # ADDR-05 (DERIVED, UNCONFIRMED): a peer's range not yet synced gets no peering route.
    vnet = topo.vnet(vnet_name)
    if vnet is not None and _in_unsynced_range(topo, vnet_name, dest):
        notes.add("ADDR-05")
    if route.source is RouteSource.USER and route.next_hop_type is NextHopType.VNET_LOCAL:
        vnet = topo.vnet(vnet_name)
        if vnet is not None and not any(route.prefix.subnet_of(p) for p in vnet.address_space):
            notes.add("VNETLOCAL-OUTSIDE")
    return notes


def _in_unsynced_range(topo: Topology, vnet_name: str, dest: IPv4Address) -> bool:
    for link in topo.links_from(vnet_name):
        remote = topo.vnet(link.to_vnet)
        if link.synced_address_space is None or remote is None:
            continue
        if remote.contains(dest) and not any(dest in p for p in link.synced_address_space):
            return True
    return False


def table_assumptions(topo: Topology, vnet_name: str, subnet_name: str | None = None) -> set[str]:
    """What a subnet's effective-route table rests on: ADDR-05 when a link is out of sync, and
    RT14-STATE when a gateway route sits inside a VNet or peering route (its listed state)."""
    notes: set[str] = set()
    if subnet_name is not None:
        routes = effective_routes(topo, vnet_name, subnet_name)
        system = [r.prefix for r in routes if r.is_vnet_or_peering and r.state is RouteState.ACTIVE]
        if any(
            r.source is RouteSource.GATEWAY and any(r.prefix.subnet_of(p) for p in system)
            for r in routes
        ):
            notes.add("RT14-STATE")
    for link in topo.links_from(vnet_name):
        remote = topo.vnet(link.to_vnet)
        if (
            link.synced_address_space is not None
            and remote is not None
            and set(link.synced_address_space) != set(remote.address_space)
        ):
            notes.add("ADDR-05")
    return notes


@dataclass(frozen=True, slots=True)
class NextHopResult:
    """Network Watcher next hop (NW-02)."""

    next_hop_type: NextHopType
    next_hop_ip: IPv4Address | None
    route_table: str  # the table's name when a UDR won, else "System Route"
    route: EffectiveRoute | None
    assumptions: frozenset[str] = frozenset()

    def to_dict(self) -> dict[str, object]:
        return {
            "next_hop_type": self.next_hop_type.value,
            "next_hop_ip": None if self.next_hop_ip is None else str(self.next_hop_ip),
            "route_table": self.route_table,
            "assumptions": describe(self.assumptions),
        }

    def text_lines(self) -> list[str]:
        ip = "" if self.next_hop_ip is None else f" {self.next_hop_ip}"
        lines = [f"Next hop: {self.next_hop_type.value}{ip}", f"Route table: {self.route_table}"]
        if self.route is not None:
            lines.append(f"Chosen route: {self.route.describe()} (RT-12..RT-14)")
        else:
            lines.append("No route covers this destination; the packet is dropped.")
        return lines + assumption_lines(self.assumptions)


def next_hop(topo: Topology, vnet_name: str, subnet_name: str, dest: IPv4Address) -> NextHopResult:
    route, notes = chosen_route(topo, vnet_name, subnet_name, dest)
    if route is None:
        return NextHopResult(NextHopType.NONE, None, SYSTEM_ROUTE, None)
    table = route.route_table if route.source is RouteSource.USER else None
    return NextHopResult(
        route.next_hop_type, route.next_hop_ip, table or SYSTEM_ROUTE, route, notes
    )
