"""Peering link states, sync levels, gateway transit and the peering address checks.

Rules: PEER-01..03 (links and states), PEER-08..10 (transit), GW-03 (Basic SKU),
ADDR-01/02 (overlap), ADDR-04/05 (sync).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from ipaddress import IPv4Network

from quizgen.errors import QueryError
from quizgen.model import Gateway, Peering, PeeringState, SyncLevel, Topology, VNet, quick_init


def link_state(topo: Topology, link: Peering) -> PeeringState:
    """PEER-02/03: Disconnected when the file says so, else Connected iff the reverse exists."""
    if link.state is PeeringState.DISCONNECTED:
        return PeeringState.DISCONNECTED
    reverse = topo.link(link.to_vnet, link.from_vnet)
    if reverse is None:
        return PeeringState.INITIATED
    if reverse.state is PeeringState.DISCONNECTED:
        # Inconsistent file (validate reports it); the reverse is gone, so this side is too.
        return PeeringState.DISCONNECTED
    return PeeringState.CONNECTED


def is_established(topo: Topology, link: Peering) -> bool:
    """PEER-02: traffic flows only when both links are Connected."""
    reverse = topo.link(link.to_vnet, link.from_vnet)
    return (
        reverse is not None
        and link_state(topo, link) is PeeringState.CONNECTED
        and link_state(topo, reverse) is PeeringState.CONNECTED
    )


def peered_ranges(topo: Topology, link: Peering) -> tuple[IPv4Network, ...]:
    """The remote ranges actually peered on this link (remoteAddressSpace; ADDR-04/05)."""
    if link.synced_address_space is not None:
        return link.synced_address_space
    remote = topo.vnet(link.to_vnet)
    return remote.address_space if remote else ()


def _stale(topo: Topology, link: Peering | None) -> bool:
    if link is None or link.synced_address_space is None:
        return False
    remote = topo.vnet(link.to_vnet)
    return remote is not None and set(link.synced_address_space) != set(remote.address_space)


def sync_level(topo: Topology, link: Peering) -> SyncLevel:
    """ADDR-04 (EX-13): this link stale = LocalNotInSync; the reverse stale = RemoteNotInSync."""
    local = _stale(topo, link)
    remote = _stale(topo, topo.link(link.to_vnet, link.from_vnet))
    if local and remote:
        return SyncLevel.LOCAL_AND_REMOTE_NOT_IN_SYNC
    if local:
        return SyncLevel.LOCAL_NOT_IN_SYNC
    if remote:
        return SyncLevel.REMOTE_NOT_IN_SYNC
    return SyncLevel.FULLY_IN_SYNC


class Transit(StrEnum):
    """Whether a link with use_remote_gateways really uses the remote gateway, and if not why."""

    ACTIVE = "active"
    NOT_REQUESTED = "use-remote-gateways-off"  # PEER-09: the spoke's flag is off
    NOT_ALLOWED = "allow-gateway-transit-off"  # PEER-08: the hub's flag is off (or no hub link)
    NOT_CONNECTED = "peering-not-connected"  # PEER-02
    REMOTE_GATEWAY_MISSING = "remote-gateway-missing"  # PEER-09
    LOCAL_GATEWAY_CONFLICT = "local-gateway-conflict"  # PEER-09, PEER-10
    MULTIPLE_REMOTE_GATEWAYS = "multiple-remote-gateways"  # PEER-09
    BASIC_SKU = "basic-sku-no-transit"  # GW-03

    @property
    def rules(self) -> tuple[str, ...]:
        return _TRANSIT_RULES[self]


_TRANSIT_RULES = {
    Transit.ACTIVE: ("PEER-08", "PEER-09"),
    Transit.NOT_REQUESTED: ("PEER-09",),
    Transit.NOT_ALLOWED: ("PEER-08",),
    Transit.NOT_CONNECTED: ("PEER-02",),
    Transit.REMOTE_GATEWAY_MISSING: ("PEER-09",),
    Transit.LOCAL_GATEWAY_CONFLICT: ("PEER-09", "PEER-10"),
    Transit.MULTIPLE_REMOTE_GATEWAYS: ("PEER-09",),
    Transit.BASIC_SKU: ("GW-03",),
}


def transit(topo: Topology, link: Peering) -> Transit:
    """Gateway transit over ``link`` (spoke -> hub), checked in the order a learner fixes it."""
    local = topo.vnet(link.from_vnet)
    remote = topo.vnet(link.to_vnet)
    if not link.use_remote_gateways:
        return Transit.NOT_REQUESTED
    if remote is None or remote.gateway is None:
        return Transit.REMOTE_GATEWAY_MISSING
    if local is not None and local.gateway is not None:
        return Transit.LOCAL_GATEWAY_CONFLICT
    if sum(1 for p in topo.links_from(link.from_vnet) if p.use_remote_gateways) > 1:
        return Transit.MULTIPLE_REMOTE_GATEWAYS
    if not is_established(topo, link):
        return Transit.NOT_CONNECTED
    reverse = topo.link(link.to_vnet, link.from_vnet)
    if reverse is None or not reverse.allow_gateway_transit:
        return Transit.NOT_ALLOWED
    if remote.gateway.is_basic:
        return Transit.BASIC_SKU
    return Transit.ACTIVE


@quick_init
@dataclass(frozen=True, slots=True)
class GatewayPath:
    """The one gateway a VNet uses (PEER-10): its own, or a hub's through ``via`` (transit)."""

    vnet: VNet  # the VNet that holds the gateway
    gateway: Gateway
    via: Peering | None = None  # the spoke's link to the hub when the gateway is remote

    @property
    def rules(self) -> tuple[str, ...]:
        return ("RT-06",) if self.via is None else ("RT-06", "PEER-08", "PEER-09")


def gateway_path(topo: Topology, vnet_name: str) -> GatewayPath | None:
    vnet = topo.vnet(vnet_name)
    if vnet is None:
        return None
    if vnet.gateway is not None:
        return GatewayPath(vnet, vnet.gateway)
    for link in topo.links_from(vnet_name):
        if transit(topo, link) is Transit.ACTIVE:
            hub = topo.vnet(link.to_vnet)
            assert hub is not None and hub.gateway is not None
            return GatewayPath(hub, hub.gateway, via=link)
    return None


@dataclass(frozen=True, slots=True)
class PeeringView:
    link: Peering
    state: PeeringState
    sync_level: SyncLevel
    transit: Transit

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.link.name,
            "from": self.link.from_vnet,
            "to": self.link.to_vnet,
            "state": self.state.value,
            "sync_level": self.sync_level.value,
            "gateway_transit": self.transit is Transit.ACTIVE,
        }


def peering_views(topo: Topology) -> tuple[PeeringView, ...]:
    return tuple(
        PeeringView(link, link_state(topo, link), sync_level(topo, link), transit(topo, link))
        for link in topo.peerings
    )


def overlaps(
    a: tuple[IPv4Network, ...], b: tuple[IPv4Network, ...]
) -> list[tuple[IPv4Network, IPv4Network]]:
    return [(x, y) for x in a for y in b if x.overlaps(y)]


def peers_of(topo: Topology, vnet_name: str) -> list[str]:
    """VNets with a link to or from ``vnet_name`` (contracts.md: every existing link counts)."""
    names: list[str] = []
    for p in topo.peerings:
        other = (
            p.to_vnet
            if p.from_vnet == vnet_name
            else p.from_vnet
            if p.to_vnet == vnet_name
            else None
        )
        if other is not None and other not in names:
            names.append(other)
    return names


@dataclass(frozen=True, slots=True)
class Conflict:
    vnet: str  # the VNet whose range conflicts
    prefix: IPv4Network  # its range
    overlaps: IPv4Network  # the range of the VNet being peered that it overlaps
    already_peered_with: str | None = None  # ADDR-02: the VNet both are peered with

    def to_dict(self) -> dict[str, object]:
        return {
            "vnet": self.vnet,
            "prefix": str(self.prefix),
            "overlaps": str(self.overlaps),
            "already_peered_with": self.already_peered_with,
        }


@dataclass(frozen=True, slots=True)
class CanPeerResult:
    a: str
    b: str
    ok: bool
    reason: str | None
    conflicts: tuple[Conflict, ...]
    rules: tuple[str, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "reason": self.reason,
            "conflicts": [c.to_dict() for c in self.conflicts],
            "rules": list(self.rules),
        }

    def text_lines(self) -> list[str]:
        if self.ok:
            return [
                f"{self.a} and {self.b} can be peered: their address spaces do not overlap "
                "each other or any VNet already peered with either (ADDR-01, ADDR-02)."
            ]
        lines = [
            f"{self.a} and {self.b} cannot be peered: {self.reason} ({', '.join(self.rules)})."
        ]
        for c in self.conflicts:
            if c.already_peered_with:
                lines.append(
                    f"  {c.vnet} {c.prefix} overlaps {c.overlaps}, and {c.vnet} is already "
                    f"peered with {c.already_peered_with}."
                )
            else:
                lines.append(f"  {c.vnet} {c.prefix} overlaps {c.overlaps}.")
        return lines


def can_peer(topo: Topology, a: str, b: str) -> CanPeerResult:
    """ADDR-01 then ADDR-02, for creating both links between ``a`` and ``b``."""
    va, vb = topo.vnet(a), topo.vnet(b)
    for name, v in ((a, va), (b, vb)):
        if v is None:
            known = ", ".join(x.name for x in topo.vnets) or "none"
            raise QueryError(f"unknown VNet {name!r}; expected one of: {known}")
    assert va is not None and vb is not None
    if a == b:
        raise QueryError(f"a VNet cannot be peered with itself ({a!r}); name two different VNets")
    direct = tuple(Conflict(b, y, x) for x, y in overlaps(va.address_space, vb.address_space))
    if direct:
        return CanPeerResult(a, b, False, "address-space-overlap", direct, ("ADDR-01",))
    indirect: list[Conflict] = []
    for local, remote in ((va, vb), (vb, va)):
        for other_name in peers_of(topo, remote.name):
            other = topo.vnet(other_name)
            if other is None or other.name == local.name:
                continue
            indirect += [
                Conflict(other.name, y, x, already_peered_with=remote.name)
                for x, y in overlaps(local.address_space, other.address_space)
            ]
    if indirect:
        return CanPeerResult(
            a, b, False, "overlaps-already-peered-vnet", tuple(indirect), ("ADDR-02",)
        )
    return CanPeerResult(a, b, True, None, (), ("ADDR-01", "ADDR-02"))
