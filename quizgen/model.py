"""Frozen value objects for a topology file (contracts.md section 1).

Names and enum values follow Azure's spelling (azure-rules.md section 1, RT-22).
Everything here is immutable; faults and fixes are applied with ``dataclasses.replace``.
Only the standard library is imported.
"""

from __future__ import annotations

import dataclasses
from dataclasses import MISSING, dataclass, field
from enum import StrEnum
from functools import cached_property
from ipaddress import IPv4Address, IPv4Network
from types import MemberDescriptorType
from typing import TypeVar

_C = TypeVar("_C", bound=type)


def quick_init(cls: _C) -> _C:
    """Give a ``@dataclass(frozen=True, slots=True)`` class an ``__init__`` that stores each field
    through its slot directly. The one dataclasses writes calls ``object.__setattr__`` by name for
    every field (the class refuses plain assignment), which costs twice as much; the evaluator
    makes such objects by the thousand. Same signature, defaults, factories and
    ``__post_init__``; instances are as frozen as before."""
    namespace: dict[str, object] = {"_FACTORY": object()}
    params, kw_only, body = [], [], []
    for f in dataclasses.fields(cls):
        slot = cls.__dict__[f.name]
        assert isinstance(slot, MemberDescriptorType), f"{cls.__name__}.{f.name} is not a slot"
        name, store = f.name, f"_set_{f.name}"
        namespace[store] = slot.__set__
        namespace[f"_default_{name}"] = f.default
        namespace[f"_factory_{name}"] = f.default_factory
        if not f.init:  # set from its default, as dataclasses does (or left unset without one)
            if f.default is not MISSING:
                body.append(f"{store}(self, _default_{name})")
            elif f.default_factory is not MISSING:
                body.append(f"{store}(self, _factory_{name}())")
            continue
        if f.default is not MISSING:
            param, value = f"{name}=_default_{name}", name
        elif f.default_factory is not MISSING:
            param = f"{name}=_FACTORY"
            value = f"_factory_{name}() if {name} is _FACTORY else {name}"
        else:
            param, value = name, name
        (kw_only if f.kw_only else params).append(param)
        body.append(f"{store}(self, {value})")
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    signature = ", ".join(["self", *params, *(["*", *kw_only] if kw_only else [])])
    source = f"def __init__({signature}):\n    " + "\n    ".join(body or ["pass"])
    exec(source, namespace)  # the way dataclasses makes its own __init__
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init
    return cls


class GatewayType(StrEnum):
    VPN = "vpn"
    EXPRESSROUTE = "expressroute"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"

    @property
    def title(self) -> str:
        return "Inbound" if self is Direction.INBOUND else "Outbound"


class Access(StrEnum):
    ALLOW = "allow"
    DENY = "deny"

    @property
    def title(self) -> str:
        return "Allow" if self is Access.ALLOW else "Deny"


class Protocol(StrEnum):
    TCP = "tcp"
    UDP = "udp"
    ICMP = "icmp"
    ANY = "*"


class NextHopType(StrEnum):
    VNET_LOCAL = "VnetLocal"
    VNET_PEERING = "VNetPeering"
    VNET_GLOBAL_PEERING = "VNetGlobalPeering"
    VIRTUAL_NETWORK_GATEWAY = "VirtualNetworkGateway"
    VIRTUAL_APPLIANCE = "VirtualAppliance"
    INTERNET = "Internet"
    NONE = "None"


#: Next hop types a user-defined route may use (RT-08).
UDR_NEXT_HOP_TYPES = frozenset(
    {
        NextHopType.VIRTUAL_APPLIANCE,
        NextHopType.VIRTUAL_NETWORK_GATEWAY,
        NextHopType.VNET_LOCAL,
        NextHopType.INTERNET,
        NextHopType.NONE,
    }
)


class RouteSource(StrEnum):
    DEFAULT = "Default"
    USER = "User"
    GATEWAY = "VirtualNetworkGateway"


class RouteState(StrEnum):
    ACTIVE = "Active"
    INVALID = "Invalid"


class PeeringState(StrEnum):
    INITIATED = "Initiated"
    CONNECTED = "Connected"
    DISCONNECTED = "Disconnected"


class SyncLevel(StrEnum):
    FULLY_IN_SYNC = "FullyInSync"
    LOCAL_NOT_IN_SYNC = "LocalNotInSync"
    REMOTE_NOT_IN_SYNC = "RemoteNotInSync"
    LOCAL_AND_REMOTE_NOT_IN_SYNC = "LocalAndRemoteNotInSync"


class PowerState(StrEnum):
    RUNNING = "running"
    STOPPED = "stopped"


class ServiceTag(StrEnum):
    VIRTUAL_NETWORK = "VirtualNetwork"
    INTERNET = "Internet"
    AZURE_LOAD_BALANCER = "AzureLoadBalancer"


GATEWAY_SUBNET = "GatewaySubnet"
#: The host virtual IP, in VirtualNetwork and AzureLoadBalancer (NSG-08, NSG-10).
HOST_VIRTUAL_IP = IPv4Network("168.63.129.16/32")


@dataclass(frozen=True, slots=True)
class AnyAddress:
    """The '*' of an NSG rule's source or destination."""

    def __str__(self) -> str:
        return "*"


ANY_ADDRESS = AnyAddress()


@quick_init
@dataclass(frozen=True, slots=True)
class AsgRef:
    """An application security group named in a rule (``asg:NAME``)."""

    name: str

    def __str__(self) -> str:
        return f"asg:{self.name}"


AddressItem = IPv4Network | ServiceTag | AsgRef | AnyAddress


@quick_init
@dataclass(frozen=True, slots=True, order=True)
class PortRange:
    low: int
    high: int

    def __contains__(self, port: int) -> bool:
        return self.low <= port <= self.high

    def __str__(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}-{self.high}"

    @property
    def is_all(self) -> bool:
        return self.low == 0 and self.high == 65535


ALL_PORTS = (PortRange(0, 65535),)


@quick_init
@dataclass(frozen=True, slots=True)
class Gateway:
    name: str
    type: GatewayType = GatewayType.VPN
    sku: str = "VpnGw1"
    connections: tuple[str, ...] = ()

    @property
    def is_basic(self) -> bool:
        return self.sku.lower() == "basic"


@quick_init
@dataclass(frozen=True, slots=True)
class Subnet:
    name: str
    prefix: IPv4Network
    nsg: str | None = None
    route_table: str | None = None


@quick_init
@dataclass(frozen=True, slots=True)
class VNet:
    name: str
    region: str
    address_space: tuple[IPv4Network, ...]
    subnets: tuple[Subnet, ...] = ()
    gateway: Gateway | None = None
    subscription: str | None = None

    def subnet(self, name: str) -> Subnet | None:
        return next((s for s in self.subnets if s.name == name), None)

    def contains(self, ip: IPv4Address) -> bool:
        return any(ip in prefix for prefix in self.address_space)


@quick_init
@dataclass(frozen=True, slots=True)
class Peering:
    """One directional peering link (PEER-01): ``from_vnet`` holds it, pointing at ``to_vnet``."""

    name: str
    from_vnet: str
    to_vnet: str
    allow_virtual_network_access: bool = True
    allow_forwarded_traffic: bool = False
    allow_gateway_transit: bool = False
    use_remote_gateways: bool = False
    #: Only ever DISCONNECTED in a file (PEER-03); otherwise the state is derived.
    state: PeeringState | None = None
    #: The remote ranges actually peered (remoteAddressSpace); None = in sync with the remote.
    synced_address_space: tuple[IPv4Network, ...] | None = None


@quick_init
@dataclass(frozen=True, slots=True)
class SecurityRule:
    name: str
    priority: int
    direction: Direction
    access: Access
    protocol: Protocol = Protocol.ANY
    source: tuple[AddressItem, ...] = (ANY_ADDRESS,)
    source_ports: tuple[PortRange, ...] = ALL_PORTS
    destination: tuple[AddressItem, ...] = (ANY_ADDRESS,)
    destination_ports: tuple[PortRange, ...] = ALL_PORTS
    default: bool = False

    @property
    def qualified_name(self) -> str:
        """The name as Network Watcher prints it (NW-01)."""
        kind = "defaultSecurityRules" if self.default else "securityRules"
        return f"{kind}/{self.name}"


@quick_init
@dataclass(frozen=True, slots=True)
class Nsg:
    name: str
    rules: tuple[SecurityRule, ...] = ()


@quick_init
@dataclass(frozen=True, slots=True)
class Route:
    name: str
    prefix: IPv4Network
    next_hop_type: NextHopType
    next_hop_ip: IPv4Address | None = None


@quick_init
@dataclass(frozen=True, slots=True)
class RouteTable:
    name: str
    routes: tuple[Route, ...] = ()
    propagate_gateway_routes: bool = True


@quick_init
@dataclass(frozen=True, slots=True)
class Vm:
    name: str
    vnet: str
    subnet: str
    ip: IPv4Address
    nsg: str | None = None
    ip_forwarding: bool = False
    appliance: bool = False
    asgs: tuple[str, ...] = ()
    public_ip: IPv4Address | None = None
    power_state: PowerState = PowerState.RUNNING

    @property
    def running(self) -> bool:
        return self.power_state is PowerState.RUNNING


@quick_init
@dataclass(frozen=True, slots=True)
class OnPremSite:
    name: str
    address_space: tuple[IPv4Network, ...]

    def contains(self, ip: IPv4Address) -> bool:
        return any(ip in prefix for prefix in self.address_space)


@dataclass(frozen=True)
class Topology:
    """A whole topology file. Lookups are built once, on first use."""

    vnets: tuple[VNet, ...] = ()
    peerings: tuple[Peering, ...] = ()
    nsgs: tuple[Nsg, ...] = ()
    route_tables: tuple[RouteTable, ...] = ()
    vms: tuple[Vm, ...] = ()
    onprem: tuple[OnPremSite, ...] = ()
    #: Sections this model does not interpret (e.g. a generator's ``scenario:``), kept verbatim.
    extra: tuple[tuple[str, object], ...] = field(default=(), compare=False)

    @cached_property
    def _vnets(self) -> dict[str, VNet]:
        return {v.name: v for v in self.vnets}

    @cached_property
    def _nsgs(self) -> dict[str, Nsg]:
        return {n.name: n for n in self.nsgs}

    @cached_property
    def _route_tables(self) -> dict[str, RouteTable]:
        return {t.name: t for t in self.route_tables}

    @cached_property
    def _vms(self) -> dict[str, Vm]:
        return {v.name: v for v in self.vms}

    @cached_property
    def _onprem(self) -> dict[str, OnPremSite]:
        return {s.name: s for s in self.onprem}

    @cached_property
    def _links(self) -> dict[tuple[str, str], Peering]:
        links: dict[tuple[str, str], Peering] = {}
        for p in self.peerings:
            links.setdefault((p.from_vnet, p.to_vnet), p)
        return links

    @cached_property
    def _links_from(self) -> dict[str, tuple[Peering, ...]]:
        out: dict[str, list[Peering]] = {}
        for p in self.peerings:
            out.setdefault(p.from_vnet, []).append(p)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def _vms_by_vnet_ip(self) -> dict[tuple[str, IPv4Address], Vm]:
        return {(v.vnet, v.ip): v for v in self.vms}

    def vnet(self, name: str) -> VNet | None:
        return self._vnets.get(name)

    def nsg(self, name: str | None) -> Nsg | None:
        return None if name is None else self._nsgs.get(name)

    def route_table(self, name: str | None) -> RouteTable | None:
        return None if name is None else self._route_tables.get(name)

    def vm(self, name: str) -> Vm | None:
        return self._vms.get(name)

    def site(self, name: str) -> OnPremSite | None:
        return self._onprem.get(name)

    def subnet(self, vnet: str, subnet: str) -> Subnet | None:
        v = self.vnet(vnet)
        return None if v is None else v.subnet(subnet)

    def link(self, from_vnet: str, to_vnet: str) -> Peering | None:
        """The link held by ``from_vnet`` pointing at ``to_vnet``, if any."""
        return self._links.get((from_vnet, to_vnet))

    def links_from(self, vnet: str) -> tuple[Peering, ...]:
        return self._links_from.get(vnet, ())

    def vm_at(self, vnet: str, ip: IPv4Address) -> Vm | None:
        return self._vms_by_vnet_ip.get((vnet, ip))

    @cached_property
    def _vms_by_ip(self) -> dict[IPv4Address, tuple[Vm, ...]]:
        out: dict[IPv4Address, list[Vm]] = {}
        for v in self.vms:
            out.setdefault(v.ip, []).append(v)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def _vms_by_public_ip(self) -> dict[IPv4Address, tuple[Vm, ...]]:
        out: dict[IPv4Address, list[Vm]] = {}
        for v in self.vms:
            if v.public_ip is not None:
                out.setdefault(v.public_ip, []).append(v)
        return {k: tuple(v) for k, v in out.items()}

    def vms_with_ip(self, ip: IPv4Address) -> tuple[Vm, ...]:
        return self._vms_by_ip.get(ip, ())

    def vms_with_public_ip(self, ip: IPv4Address) -> tuple[Vm, ...]:
        return self._vms_by_public_ip.get(ip, ())

    def vnets_containing(self, ip: IPv4Address) -> tuple[VNet, ...]:
        return tuple(v for v in self.vnets if v.contains(ip))

    def sites_containing(self, ip: IPv4Address) -> tuple[OnPremSite, ...]:
        return tuple(s for s in self.onprem if s.contains(ip))


def parse_ip(text: str) -> IPv4Address:
    return IPv4Address(text)


def parse_prefix(text: str) -> IPv4Network:
    """A CIDR or a bare IP (taken as /32); host bits must be zero, as Azure requires."""
    return IPv4Network(text, strict=True)
