"""Random but valid base topologies, by shape and size, as topology documents.

A base is what a fault is injected into. It validates with no problem, and it carries the
candidate probe flows: realistic flows (HTTPS between web tiers, the app port from web to app,
SQL from app to db, SSH from the hub's management subnet, traffic to and from on-premises) that
the scenario engine keeps when the evaluator says they are delivered in the base.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import Any

from quizgen.generator.addressing import AddressPlan, gateway_subnet, host, nth_24, subnets_of
from quizgen.generator.names import Namer

SHAPES = (
    "two-vnets",
    "two-vnets-global",
    "chain",
    "hub-spoke",
    "hub-spoke-gateway",
    "hub-spoke-nva",
    "hub-spoke-gateway-nva",
    "mesh",
    "multi-region-hubs",
)
SIZES = ("small", "medium", "large")

#: Total VNets per size (exam-sized to case-study-sized).
_VNETS = {"small": (2, 5), "medium": (6, 12), "large": (20, 40)}
REGIONS = ("eastus", "eastus2", "westus2", "centralus", "westeurope", "northeurope", "uksouth")
_DB_PORTS = {"sql": 1433, "postgres": 5432}

Doc = dict[str, Any]


@dataclass
class VNetPlan:
    name: str
    region: str
    block: IPv4Network
    prefixes: list[IPv4Network]
    subnets: dict[str, tuple[str, IPv4Network]] = field(
        default_factory=dict
    )  # role -> (name, prefix)
    vms: dict[str, list[str]] = field(default_factory=dict)  # role -> VM names
    doc: Doc = field(default_factory=dict)


@dataclass
class Base:
    """A valid topology document plus what the fault catalogue needs to know about it."""

    shape: str
    size: str
    doc: Doc
    hubs: list[str] = field(default_factory=list)
    spokes: dict[str, str] = field(default_factory=dict)  # spoke VNet -> its hub
    nva: str | None = None  # the hub appliance VM
    gateway_hubs: list[str] = field(default_factory=list)
    sites: dict[str, str] = field(default_factory=dict)  # site name -> a host address in it
    flows: list[dict[str, Any]] = field(default_factory=list)  # candidate probe flows


class _Builder:
    def __init__(self, rng: random.Random, blocks: int) -> None:
        self.rng = rng
        self.names = Namer(rng)
        self.plan = AddressPlan.draw(rng, blocks)
        self.taken: set[IPv4Address] = set()
        self.vnets: dict[str, VNetPlan] = {}
        self.nsgs: list[Doc] = []
        self.tables: list[Doc] = []
        self.vms: list[Doc] = []
        self.peerings: list[Doc] = []
        self.onprem: list[Doc] = []
        self.mgmt_prefix: IPv4Network | None = None
        self.db_kind = rng.choice(sorted(_DB_PORTS))

    # -- VNets, subnets, VMs ---------------------------------------------------------------

    def vnet(self, name: str, region: str, roles: list[str]) -> VNetPlan:
        block = self.plan.block()
        prefixes = [block]
        if self.rng.random() < 0.15:  # several prefixes per VNet, at times
            prefixes.append(self.plan.extra_block())
        v = VNetPlan(name, region, block, prefixes)
        v.doc = {
            "name": name,
            "region": region,
            "address_space": [str(p) for p in prefixes],
            "subnets": [],
        }
        for role, prefix in zip(roles, subnets_of(block, len(roles), self.rng), strict=True):
            subnet_name = self.names.subnet(role, vnet=name)
            v.subnets[role] = (subnet_name, prefix)
            v.doc["subnets"].append({"name": subnet_name, "prefix": str(prefix)})
        self.vnets[name] = v
        return v

    def subnet_doc(self, v: VNetPlan, role: str) -> Doc:
        name = v.subnets[role][0]
        return next(s for s in v.doc["subnets"] if s["name"] == name)

    def vm(self, v: VNetPlan, role: str, **extra: Any) -> str:
        name = self.names.vm(role)
        subnet_name, prefix = v.subnets[role]
        self.vms.append(
            {
                "name": name,
                "vnet": v.name,
                "subnet": subnet_name,
                "ip": str(host(prefix, self.rng, self.taken)),
                **extra,
            }
        )
        v.vms.setdefault(role, []).append(name)
        return name

    def ip_of(self, vm_name: str) -> str:
        return next(vm["ip"] for vm in self.vms if vm["name"] == vm_name)

    def gateway(self, v: VNetPlan, site: str | None) -> None:
        v.doc["subnets"].append({"name": "GatewaySubnet", "prefix": str(gateway_subnet(v.block))})
        v.doc["gateway"] = {
            "name": self.names.gateway(v.region),
            "type": "vpn",
            "sku": self.rng.choice(["VpnGw1", "VpnGw2", "VpnGw1AZ", "VpnGw2AZ"]),
            "connections": [site] if site else [],
        }

    def site(self) -> tuple[str, str]:
        name = self.names.onprem()
        prefix = self.plan.site()
        self.onprem.append({"name": name, "address_space": [str(prefix)]})
        inside = nth_24(prefix, self.rng.randrange(1, 8))
        return name, str(inside.network_address + self.rng.randint(10, 200))

    def peer(self, a: str, b: str, a_flags: Doc | None = None, b_flags: Doc | None = None) -> None:
        self.peerings.append(
            {"name": self.names.peering(a, b), "from": a, "to": b, **(a_flags or {})}
        )
        self.peerings.append(
            {"name": self.names.peering(b, a), "from": b, "to": a, **(b_flags or {})}
        )

    # -- NSGs ------------------------------------------------------------------------------

    def rule(
        self,
        name: str,
        priority: int,
        access: str,
        port: str,
        source: str,
        direction: str = "inbound",
        destination: str = "*",
    ) -> Doc:
        return {
            "name": name,
            "priority": priority,
            "direction": direction,
            "access": access,
            "protocol": "tcp",
            "source": source,
            "source_ports": "*",
            "destination": destination,
            "destination_ports": port,
        }

    def secure(self, v: VNetPlan) -> None:
        """An NSG per workload subnet, with the rules a careful team writes for its tier."""
        base = self.rng.randrange(200, 400, 10)
        for role in v.subnets:
            rules: list[Doc] = []
            if role == "web":
                rules.append(self.rule("allow-https-inbound", base, "allow", "443", "*"))
            elif role == "app" and "web" in v.subnets:
                web = str(v.subnets["web"][1])
                rules += [
                    self.rule("allow-app-from-web", base, "allow", "8080", web),
                    self.rule("deny-app-from-others", base + 100, "deny", "8080", "*"),
                ]
            elif role == "db":
                client = v.subnets.get("app") or v.subnets.get("web")
                port = str(_DB_PORTS[self.db_kind])
                if client is not None:
                    rules.append(
                        self.rule(
                            f"allow-{self.db_kind}-from-{'app' if 'app' in v.subnets else 'web'}",
                            base,
                            "allow",
                            port,
                            str(client[1]),
                        )
                    )
                rules.append(
                    self.rule(f"deny-{self.db_kind}-from-others", base + 100, "deny", port, "*")
                )
            elif role == "shared":
                rules.append(
                    self.rule("allow-https-from-vnets", base, "allow", "443", "VirtualNetwork")
                )
            else:
                continue
            if self.rng.random() < 0.25:
                continue  # not every team puts an NSG on every subnet
            if self.mgmt_prefix is not None and role != "shared":
                rules.append(
                    self.rule("allow-ssh-from-hub", base + 10, "allow", "22", str(self.mgmt_prefix))
                )
            nsg_name = self.names.nsg(f"{role}-{v.name.removeprefix('vnet-')}")
            self.nsgs.append({"name": nsg_name, "rules": rules})
            self.subnet_doc(v, role)["nsg"] = nsg_name

    def document(self) -> Doc:
        doc: Doc = {"vnets": [v.doc for v in self.vnets.values()]}
        for key, items in (
            ("peerings", self.peerings),
            ("nsgs", self.nsgs),
            ("route_tables", self.tables),
            ("vms", self.vms),
            ("onprem", self.onprem),
        ):
            if items:
                doc[key] = items
        return doc


def _roles(rng: random.Random) -> list[str]:
    return rng.choice([["web"], ["web", "app"], ["web", "db"], ["web", "app", "db"], ["app", "db"]])


def _workload(b: _Builder, region: str, size: str) -> VNetPlan:
    name = b.names.vnet(b.names.workload(), b.names.environment(), region)
    v = b.vnet(name, region, _roles(b.rng))
    for role in v.subnets:
        for _ in range(1 if size == "small" else b.rng.randint(1, 2)):
            b.vm(v, role)
    return v


def _first_vm(v: VNetPlan, *roles: str) -> tuple[str, str] | None:
    for role in roles:
        if v.vms.get(role):
            return v.vms[role][0], role
    return None


_PORT_OF_ROLE = {"web": 443, "shared": 443}


def _tier_flows(b: _Builder, v: VNetPlan) -> list[dict[str, Any]]:
    flows = []
    if v.vms.get("web") and v.vms.get("app"):
        flows.append(_flow(v.vms["web"][0], v.vms["app"][0], 8080))
    client = _first_vm(v, "app", "web")
    if client and v.vms.get("db") and client[1] != "db":
        flows.append(_flow(client[0], v.vms["db"][0], _DB_PORTS[b.db_kind]))
    return flows


def _flow(src: str, dst: str, port: int, protocol: str = "tcp") -> dict[str, Any]:
    return {"from": src, "to": dst, "protocol": protocol, "port": port}


def _cross_flows(a: VNetPlan, c: VNetPlan) -> list[dict[str, Any]]:
    """HTTPS from a tier of ``a`` to the web (or shared) tier of ``c``, and back."""
    flows = []
    for x, y in ((a, c), (c, a)):
        src = _first_vm(x, "app", "web", "db", "shared")
        dst = _first_vm(y, "web", "shared")
        if src and dst:
            flows.append(_flow(src[0], dst[0], _PORT_OF_ROLE[dst[1]]))
    return flows


_GROUP = {
    "chain": {"small": (3, 5), "medium": (6, 8), "large": (9, 12)},
    "mesh": {"small": (3, 5), "medium": (5, 7), "large": (8, 10)},
}


def _count(rng: random.Random, size: str) -> int:
    return rng.randint(*_VNETS[size])


def build(shape: str, size: str, rng: random.Random) -> Base:
    """A valid base topology of ``shape`` and ``size``, drawn from ``rng``."""
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}; expected one of {', '.join(SHAPES)}")
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; expected one of {', '.join(SIZES)}")
    b = _Builder(rng, blocks=_VNETS[size][1] + 4)
    region = rng.choice(REGIONS)
    if shape.startswith("two-vnets") or shape in ("chain", "mesh"):
        return _peered_group(b, shape, size, region)
    if shape == "multi-region-hubs":
        return _multi_region(b, size, region)
    return _hub_spoke(b, shape, size, region)


def _peered_group(b: _Builder, shape: str, size: str, region: str) -> Base:
    if shape.startswith("two-vnets"):
        count = 2
    else:  # chains and full meshes stay readable: a mesh of n VNets has n(n-1) links
        count = b.rng.randint(*_GROUP[shape][size])
    regions = [region] * count
    if shape == "two-vnets-global":
        regions[1] = b.rng.choice([r for r in REGIONS if r != region])
    elif shape != "two-vnets":
        regions = [region if b.rng.random() < 0.7 else b.rng.choice(REGIONS) for _ in regions]
    vnets = [_workload(b, r, size) for r in regions]
    for v in vnets:
        b.secure(v)
    pairs = (
        [(vnets[i], vnets[i + 1]) for i in range(count - 1)]
        if shape != "mesh"
        else [(x, y) for i, x in enumerate(vnets) for y in vnets[i + 1 :]]
    )
    base = Base(shape, size, {})
    for x, y in pairs:
        b.peer(x.name, y.name)
        base.flows += _cross_flows(x, y)
    for v in vnets:
        base.flows += _tier_flows(b, v)
    base.doc = b.document()
    return base


def _hub(
    b: _Builder, region: str, gateway: bool, nva: bool
) -> tuple[VNetPlan, str | None, str | None]:
    roles = ["shared"] + (["nva"] if nva else [])
    hub = b.vnet(b.names.hub_vnet(region), region, roles)
    b.mgmt_prefix = b.mgmt_prefix or hub.subnets["shared"][1]
    b.vm(hub, "shared")
    appliance = b.vm(hub, "nva", ip_forwarding=True, appliance=True) if nva else None
    site = None
    if gateway:
        site, site_host = b.site()
        b.gateway(hub, site)
        site = (site, site_host)
    b.secure(hub)
    return hub, appliance, site


def _hub_spoke(b: _Builder, shape: str, size: str, region: str) -> Base:
    gateway = "gateway" in shape
    nva = "nva" in shape
    hub, appliance, site = _hub(b, region, gateway, nva)
    base = Base(shape, size, {}, hubs=[hub.name], nva=appliance)
    if site:
        base.sites[site[0]] = site[1]
        base.gateway_hubs.append(hub.name)
    spokes = []
    for _ in range(_count(b.rng, size) - 1):
        r = region if b.rng.random() < 0.8 else b.rng.choice(REGIONS)
        spoke = _workload(b, r, size)
        b.secure(spoke)
        hub_flags = {"allow_gateway_transit": True} if gateway else {}
        spoke_flags = {"use_remote_gateways": True} if gateway else {}
        if nva:
            hub_flags["allow_forwarded_traffic"] = True
            spoke_flags["allow_forwarded_traffic"] = True
        b.peer(hub.name, spoke.name, hub_flags, spoke_flags)
        base.spokes[spoke.name] = hub.name
        spokes.append(spoke)
    mgmt = hub.vms["shared"][0]
    for spoke in spokes:
        base.flows += _tier_flows(b, spoke) + _cross_flows(hub, spoke)
        target = _first_vm(spoke, "web", "app", "db")
        if target:
            base.flows.append(_flow(mgmt, target[0], 22))
        if site:
            src = _first_vm(spoke, "web", "app", "db")
            base.flows.append(_flow(src[0], site[1], 443))
            web = _first_vm(spoke, "web")
            if web:
                base.flows.append(_flow(site[1], web[0], 443))
    if site:
        base.flows.append(_flow(mgmt, site[1], 443))
    if nva:
        _spoke_routes(b, spokes, b.ip_of(appliance))
        for i, x in enumerate(spokes):
            for y in spokes[i + 1 :]:
                base.flows += _cross_flows(x, y)
    base.doc = b.document()
    return base


def _spoke_routes(b: _Builder, spokes: list[VNetPlan], nva_ip: str) -> None:
    """UDRs in every spoke subnet: the other spokes through the hub NVA (NVA-03), either one
    route per spoke or one summary route for the address family."""
    summary = b.rng.random() < 0.5
    for spoke in spokes:
        if summary:
            routes = [
                {
                    "name": "spokes-via-nva",
                    "prefix": str(b.plan.family),
                    "next_hop_type": "VirtualAppliance",
                    "next_hop_ip": nva_ip,
                }
            ]
        else:
            routes = [
                {
                    "name": f"to-{other.name.removeprefix('vnet-')}" + (f"-{n}" if n else ""),
                    "prefix": str(prefix),
                    "next_hop_type": "VirtualAppliance",
                    "next_hop_ip": nva_ip,
                }
                for other in spokes
                if other is not spoke
                for n, prefix in enumerate(other.prefixes)
            ]
        if not routes:
            continue
        table = b.names.route_table(f"spoke-{spoke.name.removeprefix('vnet-')}")
        b.tables.append({"name": table, "routes": routes})
        for subnet in spoke.doc["subnets"]:
            subnet["route_table"] = table


def _multi_region(b: _Builder, size: str, region: str) -> Base:
    regions = [region, b.rng.choice([r for r in REGIONS if r != region])]
    base = Base("multi-region-hubs", size, {})
    hubs = []
    for r in regions:
        hub, _, site = _hub(b, r, gateway=True, nva=False)
        hubs.append(hub)
        base.hubs.append(hub.name)
        base.gateway_hubs.append(hub.name)
        base.sites[site[0]] = site[1]
        # The first hub gets two spokes at least, so ADDR-02 has something to bite on.
        for _ in range(max(2 if not hubs[1:] else 1, (_count(b.rng, size) - 2) // 2)):
            spoke = _workload(b, r, size)
            b.secure(spoke)
            b.peer(
                hub.name, spoke.name, {"allow_gateway_transit": True}, {"use_remote_gateways": True}
            )
            base.spokes[spoke.name] = hub.name
            src = _first_vm(spoke, "web", "app", "db")
            base.flows += _tier_flows(b, spoke) + _cross_flows(hub, spoke)
            base.flows.append(_flow(src[0], site[1], 443))
    b.peer(hubs[0].name, hubs[1].name)
    base.flows += _cross_flows(hubs[0], hubs[1])
    base.doc = b.document()
    return base
