"""Hypothesis strategies shared by the whole test suite (one module, as attrs keeps it).

``topologies()`` builds small topologies that load: VNets with non-overlapping 10.x.0.0/16 ranges,
subnets inside them, VMs on host addresses of their subnets, NSGs, route tables, peerings and
on-premises sites, every reference resolving. The building blocks (``names()``, ``cidrs()``,
``port_lists()``, ``address_fields()``, ``nsg_rules()``, ``routes()``) are here to reuse.
``mangled(text)`` damages a text the way careless edits do, for fuzzing readers.

Settings (example counts, derandomisation) come from the profiles in conftest.py, not from here.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from hypothesis import strategies as st

from quizgen.model import (
    ALL_PORTS,
    ANY_ADDRESS,
    GATEWAY_SUBNET,
    UDR_NEXT_HOP_TYPES,
    Access,
    AsgRef,
    Direction,
    Gateway,
    GatewayType,
    NextHopType,
    Nsg,
    OnPremSite,
    Peering,
    PeeringState,
    PortRange,
    PowerState,
    Protocol,
    Route,
    RouteTable,
    SecurityRule,
    ServiceTag,
    Subnet,
    Topology,
    Vm,
    VNet,
)

REGIONS = ("eastus", "eastus2", "westeurope", "uksouth")
VPN_SKUS = ("Basic", "VpnGw1", "VpnGw2", "VpnGw1AZ")
EXPRESSROUTE_SKUS = ("Standard", "HighPerformance", "ErGw1AZ", "ErGwScale")


def names() -> st.SearchStrategy[str]:
    """Azure-style resource names: letters, digits, '_', '.', '-' (some read as YAML numbers
    or booleans when unquoted, which is the point)."""
    return st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,11}", fullmatch=True)


def unique_names(size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(names(), min_size=size, max_size=size, unique=True)


def ipv4_addresses() -> st.SearchStrategy[IPv4Address]:
    return st.integers(0, 2**32 - 1).map(IPv4Address)


def cidrs(min_length: int = 0, max_length: int = 32) -> st.SearchStrategy[IPv4Network]:
    """Any IPv4 network (host bits zero) with a prefix length in the range."""
    return st.builds(
        lambda address, length: IPv4Network((address, length), strict=False),
        st.integers(0, 2**32 - 1),
        st.integers(min_length, max_length),
    )


def port_ranges() -> st.SearchStrategy[PortRange]:
    ports = st.integers(0, 65535)
    return st.tuples(ports, ports).map(lambda pair: PortRange(*sorted(pair)))


def port_lists() -> st.SearchStrategy[tuple[PortRange, ...]]:
    """A rule's port field: all ports, or one to three ports and ranges."""
    return st.one_of(st.just(ALL_PORTS), st.lists(port_ranges(), min_size=1, max_size=3).map(tuple))


def address_fields() -> st.SearchStrategy[tuple]:
    """A rule's source or destination as NSG-01 allows it: '*', one service tag, one ASG, or one
    to three CIDRs (a /32 is a single address)."""
    return st.one_of(
        st.just((ANY_ADDRESS,)),
        st.sampled_from(list(ServiceTag)).map(lambda tag: (tag,)),
        names().map(lambda name: (AsgRef(name),)),
        st.lists(cidrs(8), min_size=1, max_size=3).map(tuple),
    )


def nsg_rules(name: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[SecurityRule]:
    return st.builds(
        SecurityRule,
        name=name or names(),
        priority=st.integers(100, 4096),
        direction=st.sampled_from(list(Direction)),
        access=st.sampled_from(list(Access)),
        protocol=st.sampled_from(list(Protocol)),
        source=address_fields(),
        source_ports=port_lists(),
        destination=address_fields(),
        destination_ports=port_lists(),
    )


def nsgs() -> st.SearchStrategy[Nsg]:
    rules = st.lists(
        nsg_rules(),
        max_size=4,
        unique_by=(lambda r: r.name, lambda r: (r.direction, r.priority)),
    )
    return st.builds(Nsg, name=names(), rules=rules.map(tuple))


@st.composite
def routes(draw: st.DrawFn) -> Route:
    """A user-defined route; a next_hop_ip on a type other than VirtualAppliance is something
    the loader keeps for validate to report (RT-08), so it appears here too."""
    kind = draw(st.sampled_from(sorted(UDR_NEXT_HOP_TYPES)))
    if kind is NextHopType.VIRTUAL_APPLIANCE:
        hop_ip = draw(ipv4_addresses())
    else:
        hop_ip = draw(st.none() | ipv4_addresses()) if draw(st.integers(0, 9)) == 0 else None
    return Route(draw(names()), draw(cidrs()), kind, hop_ip)


def route_tables() -> st.SearchStrategy[RouteTable]:
    return st.builds(
        RouteTable,
        name=names(),
        routes=st.lists(routes(), max_size=3, unique_by=lambda r: r.name).map(tuple),
        propagate_gateway_routes=st.booleans(),
    )


@st.composite
def topologies(draw: st.DrawFn, max_vnets: int = 4) -> Topology:
    """A small topology that loads: every name unique in its kind, every reference resolving,
    every subnet inside its VNet and every VM inside its subnet."""
    nsg_list = draw(st.lists(nsgs(), max_size=3, unique_by=lambda n: n.name))
    tables = draw(st.lists(route_tables(), max_size=2, unique_by=lambda t: t.name))
    sites = _sites(draw)
    nsg_names = [n.name for n in nsg_list]
    table_names = [t.name for t in tables]

    count = draw(st.integers(1, max_vnets))
    octets = draw(st.lists(st.integers(0, 255), min_size=count, max_size=count, unique=True))
    vnet_names = draw(unique_names(count))
    vnets = [
        _vnet(draw, name, octet, i, nsg_names, table_names, [s.name for s in sites])
        for i, (name, octet) in enumerate(zip(vnet_names, octets, strict=True))
    ]
    return Topology(
        vnets=tuple(vnets),
        peerings=_peerings(draw, vnet_names),
        nsgs=tuple(nsg_list),
        route_tables=tuple(tables),
        vms=_vms(draw, vnets, nsg_names),
        onprem=sites,
        extra=draw(st.sampled_from([(), (("scenario", {"family": "demo", "seed": 7}),)])),
    )


def _sites(draw: st.DrawFn) -> tuple[OnPremSite, ...]:
    count = draw(st.integers(0, 2))
    site_names = draw(unique_names(count))
    return tuple(
        OnPremSite(name, (IPv4Network(f"192.168.{i}.0/24"),)) for i, name in enumerate(site_names)
    )


def _optional(draw: st.DrawFn, choices: list[str]) -> str | None:
    return draw(st.none() | st.sampled_from(choices)) if choices else None


def _vnet(draw, name, octet, index, nsg_names, table_names, site_names) -> VNet:
    space = [IPv4Network(f"10.{octet}.0.0/16")]
    if draw(st.booleans()):
        space.append(IPv4Network(f"172.{16 + index}.0.0/16"))
    thirds = draw(st.lists(st.integers(0, 254), max_size=3, unique=True))
    subnet_names = draw(st.lists(names(), min_size=len(thirds), max_size=len(thirds), unique=True))
    subnets = [
        Subnet(
            subnet_name,
            IPv4Network(f"10.{octet}.{third}.0/24"),
            _optional(draw, nsg_names),
            _optional(draw, table_names),
        )
        for subnet_name, third in zip(subnet_names, thirds, strict=True)
        if subnet_name != GATEWAY_SUBNET
    ]
    gateway = None
    if draw(st.booleans()):
        subnets.append(Subnet(GATEWAY_SUBNET, IPv4Network(f"10.{octet}.255.0/27")))
        kind = draw(st.sampled_from(list(GatewayType)))
        skus = VPN_SKUS if kind is GatewayType.VPN else EXPRESSROUTE_SKUS
        connections = draw(st.lists(st.sampled_from(site_names), unique=True)) if site_names else []
        gateway = Gateway(draw(names()), kind, draw(st.sampled_from(skus)), tuple(connections))
    return VNet(
        name=name,
        region=draw(st.sampled_from(REGIONS)),
        address_space=tuple(space),
        subnets=tuple(subnets),
        gateway=gateway,
        subscription=draw(st.none() | st.sampled_from(["sub-hub", "sub-spokes"])),
    )


def _peerings(draw: st.DrawFn, vnet_names: list[str]) -> tuple[Peering, ...]:
    pairs = [(a, b) for a in vnet_names for b in vnet_names if a != b]
    if not pairs:
        return ()
    chosen = draw(st.lists(st.sampled_from(pairs), max_size=4, unique=True))
    link_names = draw(unique_names(len(chosen)))
    return tuple(
        Peering(
            name,
            a,
            b,
            allow_virtual_network_access=draw(st.booleans()),
            allow_forwarded_traffic=draw(st.booleans()),
            allow_gateway_transit=draw(st.booleans()),
            use_remote_gateways=draw(st.booleans()),
            state=draw(st.none() | st.just(PeeringState.DISCONNECTED)),
            synced_address_space=draw(st.none() | st.lists(cidrs(8), max_size=2).map(tuple)),
        )
        for name, (a, b) in zip(link_names, chosen, strict=True)
    )


def _vms(draw: st.DrawFn, vnets: list[VNet], nsg_names: list[str]) -> tuple[Vm, ...]:
    places = [(v, s) for v in vnets for s in v.subnets if s.name != GATEWAY_SUBNET]
    if not places:
        return ()
    chosen = draw(st.lists(st.sampled_from(places), max_size=4))
    vm_names = draw(unique_names(len(chosen)))
    vms = []
    for name, (vnet, subnet) in zip(vm_names, chosen, strict=True):
        vms.append(
            Vm(
                name=name,
                vnet=vnet.name,
                subnet=subnet.name,
                ip=subnet.prefix.network_address + draw(st.integers(4, 254)),
                nsg=_optional(draw, nsg_names),
                ip_forwarding=draw(st.booleans()),
                appliance=draw(st.booleans()),
                asgs=tuple(draw(st.lists(names(), max_size=2, unique=True))),
                public_ip=draw(st.none() | ipv4_addresses()),
                power_state=draw(st.sampled_from(list(PowerState))),
            )
        )
    return tuple(vms)


#: Characters that matter to YAML and JSON, plus a few that should not.
_NOISE = ":-[]{},#&*!|>'\"%@`? \t\n0123456789abcxyz/.é\x00\x85\u2028\ufeff"


@st.composite
def mangled(draw: st.DrawFn, text: str) -> str:
    """``text`` after one to four careless edits: characters deleted, inserted or replaced,
    the end cut off, two lines swapped, a line repeated."""
    for _ in range(draw(st.integers(1, 4))):
        edit = draw(st.sampled_from(["delete", "insert", "replace", "truncate", "swap", "repeat"]))
        at = draw(st.integers(0, len(text)))
        if edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 8)) :]
        elif edit == "insert":
            text = text[:at] + draw(st.text(_NOISE, min_size=1, max_size=4)) + text[at:]
        elif edit == "replace":
            text = text[:at] + draw(st.sampled_from(_NOISE)) + text[at + 1 :]
        elif edit == "truncate":
            text = text[:at]
        else:
            lines = text.split("\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if edit == "swap":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines.insert(j, lines[i])
            text = "\n".join(lines)
    return text


# --- evaluator scenarios -----------------------------------------------------------------------
# Small topologies shaped for one property each: two peered VNets, a chain, a flow against an NSG.

PROTOCOLS = (Protocol.TCP, Protocol.UDP, Protocol.ICMP)


@st.composite
def flows(draw: st.DrawFn, src: IPv4Address | None = None, dst: IPv4Address | None = None):
    """(protocol, source IP, source port, destination IP, destination port)."""
    return (
        draw(st.sampled_from(PROTOCOLS)),
        src if src is not None else draw(ipv4_addresses()),
        draw(st.integers(0, 65535)),
        dst if dst is not None else draw(ipv4_addresses()),
        draw(st.integers(0, 65535)),
    )


@st.composite
def custom_rules(draw: st.DrawFn, direction: Direction, min_size: int = 0, max_size: int = 8):
    """Rules of one direction with distinct priorities (NSG-01), in arbitrary listing order."""
    priorities = draw(
        st.lists(st.integers(100, 4096), min_size=min_size, max_size=max_size, unique=True)
    )
    rules = []
    for n, priority in enumerate(priorities):
        rule = draw(nsg_rules())
        rules.append(
            SecurityRule(
                f"r{n}",
                priority,
                direction,
                rule.access,
                rule.protocol,
                rule.source,
                rule.source_ports,
                rule.destination,
                rule.destination_ports,
            )
        )
    return rules


def _two_vnet_doc(region_a: str, region_b: str, octets: tuple[int, int], nsg: bool) -> dict:
    a, b = octets
    doc = {
        "vnets": [
            {
                "name": "vnet-a",
                "region": region_a,
                "address_space": [f"10.{a}.0.0/16"],
                "subnets": [{"name": "app", "prefix": f"10.{a}.1.0/24"}],
            },
            {
                "name": "vnet-b",
                "region": region_b,
                "address_space": [f"10.{b}.0.0/16"],
                "subnets": [{"name": "app", "prefix": f"10.{b}.1.0/24"}],
            },
        ],
        "peerings": [
            {"name": "a-to-b", "from": "vnet-a", "to": "vnet-b"},
            {"name": "b-to-a", "from": "vnet-b", "to": "vnet-a"},
        ],
        "vms": [
            {"name": "vm-a", "vnet": "vnet-a", "subnet": "app", "ip": f"10.{a}.1.4"},
            {"name": "vm-b", "vnet": "vnet-b", "subnet": "app", "ip": f"10.{b}.1.4"},
        ],
    }
    if nsg:
        doc["nsgs"] = [{"name": "nsg-default", "rules": []}]
        for vnet in doc["vnets"]:
            vnet["subnets"][0]["nsg"] = "nsg-default"
    return doc


@st.composite
def peered_pairs(draw: st.DrawFn) -> dict:
    """Two VNets peered both ways (Connected), NSGs absent or with default rules only."""
    octets = tuple(draw(st.lists(st.integers(0, 255), min_size=2, max_size=2, unique=True)))
    return _two_vnet_doc(
        draw(st.sampled_from(REGIONS)), draw(st.sampled_from(REGIONS)), octets, draw(st.booleans())
    )


@st.composite
def chains(draw: st.DrawFn) -> dict:
    """A <-> B <-> C with any peering flags and any appliance settings, but no UDRs (PEER-04)."""
    octets = draw(st.lists(st.integers(0, 255), min_size=3, max_size=3, unique=True))
    names_ = ["vnet-a", "vnet-b", "vnet-c"]
    doc = {"vnets": [], "peerings": [], "vms": []}
    for name, octet in zip(names_, octets, strict=True):
        doc["vnets"].append(
            {
                "name": name,
                "region": draw(st.sampled_from(REGIONS)),
                "address_space": [f"10.{octet}.0.0/16"],
                "subnets": [{"name": "s1", "prefix": f"10.{octet}.1.0/24"}],
            }
        )
        doc["vms"].append(
            {
                "name": f"vm-{name[-1]}",
                "vnet": name,
                "subnet": "s1",
                "ip": f"10.{octet}.1.4",
                "ip_forwarding": draw(st.booleans()),
                "appliance": draw(st.booleans()),
            }
        )
    for x, y in (("a", "b"), ("b", "a"), ("b", "c"), ("c", "b")):
        doc["peerings"].append(
            {
                "name": f"{x}-to-{y}",
                "from": f"vnet-{x}",
                "to": f"vnet-{y}",
                "allow_virtual_network_access": draw(st.booleans()),
                "allow_forwarded_traffic": draw(st.booleans()),
                "allow_gateway_transit": draw(st.booleans()),
                "use_remote_gateways": draw(st.booleans()),
            }
        )
    return doc


@st.composite
def crowded_subnets(draw: st.DrawFn) -> dict:
    """Two peered VNets with several VMs per subnet, and NSG rules and UDRs that single out
    individual VMs (by /32, ASG or subnet), so that VMs of one subnet can get different answers."""
    ips = {"a": [f"10.0.1.{n}" for n in range(4, 8)], "b": [f"10.1.1.{n}" for n in range(4, 8)]}
    all_ips = ips["a"] + ips["b"]
    asg_names = ["asg-web", "asg-db"]
    pool = [
        "*",
        "VirtualNetwork",
        "10.0.1.0/24",
        "10.1.1.0/24",
        *(f"asg:{a}" for a in asg_names),
        *all_ips,
    ]
    rules = []
    for n, priority in enumerate(draw(st.lists(st.integers(100, 4096), max_size=6, unique=True))):
        rules.append(
            {
                "name": f"r{n}",
                "priority": priority,
                "direction": draw(st.sampled_from(["inbound", "outbound"])),
                "access": draw(st.sampled_from(["allow", "deny"])),
                "protocol": draw(st.sampled_from(["tcp", "udp", "*"])),
                "source": draw(st.sampled_from(pool)),
                "destination": draw(st.sampled_from(pool)),
                "destination_ports": draw(st.sampled_from(["*", "443", "22", "1-1024"])),
            }
        )
    udrs = [
        {"name": f"u{n}", "prefix": f"{ip}/32", "next_hop_type": "None"}
        for n, ip in enumerate(draw(st.lists(st.sampled_from(ips["b"]), max_size=2, unique=True)))
    ]
    vms = [
        {
            "name": f"vm-{side}{n}",
            "vnet": f"vnet-{side}",
            "subnet": "app",
            "ip": ip,
            "asgs": draw(st.lists(st.sampled_from(asg_names), max_size=1)),
            "nsg": draw(st.sampled_from([None, "nsg-nic"])),
        }
        for side in ("a", "b")
        for n, ip in enumerate(ips[side])
    ]
    return {
        "vnets": [
            {
                "name": "vnet-a",
                "region": "eastus",
                "address_space": ["10.0.0.0/16"],
                "subnets": [
                    {
                        "name": "app",
                        "prefix": "10.0.1.0/24",
                        "nsg": "nsg-shared",
                        "route_table": "rt-a",
                    }
                ],
            },
            {
                "name": "vnet-b",
                "region": "eastus",
                "address_space": ["10.1.0.0/16"],
                "subnets": [{"name": "app", "prefix": "10.1.1.0/24", "nsg": "nsg-shared"}],
            },
        ],
        "peerings": [
            {"name": "a-to-b", "from": "vnet-a", "to": "vnet-b"},
            {"name": "b-to-a", "from": "vnet-b", "to": "vnet-a"},
        ],
        "nsgs": [
            {"name": "nsg-shared", "rules": rules},
            {"name": "nsg-nic", "rules": rules[: len(rules) // 2]},
        ],
        "route_tables": [{"name": "rt-a", "routes": udrs}],
        "vms": vms,
    }


@st.composite
def scenario_requests(draw: st.DrawFn) -> tuple[int, str, str]:
    """(seed, fault kind, shape): any offered fault with a shape that can hold it."""
    from quizgen.generator.faults import CATALOGUE

    kind = draw(st.sampled_from(sorted(CATALOGUE)))
    shape = draw(st.sampled_from(CATALOGUE[kind].shapes))
    return draw(st.integers(0, 2**31 - 1)), kind, shape


#: Pieces of typed answers: what learners type, right and wrong, and characters that trip parsers.
_ANSWER_PIECES = (
    "a", "B", "c", "E", "z", "ae", "yes", "no", "Y", "n", "yny", "true", "0", "1", "2", "3", "5",
    "9", "10", "15", "3142", "99999999999999999999999", "²", "٣", "ß", "é", " ", ",", ", ", "->",
    ")", ".", "-", "\t", "\n", "\x00",
)  # fmt: skip


def typed_answers() -> st.SearchStrategy[str]:
    """Text a learner might type at an answer prompt: any text, and runs of plausible pieces."""
    return st.one_of(st.text(), st.lists(st.sampled_from(_ANSWER_PIECES), max_size=8).map("".join))


#: Values a careless or hostile change writes into a field: good and bad CIDRs, addresses, enum
#: words, wrong types. The names of the document's own items are added to them.
_CHANGE_VALUES = (
    "10.0.0.0/8", "10.0.0.0/33", "10.1.0.0/16", "10.0.1.0/24", "10.0.0.4", "10.1.0.4",
    "192.168.9.9", "300.1.1.1", "banana", "missing-thing", "", 7, True, False, None, [], {},
    ["10.0.0.0/8"], ["missing-thing"], "Deny", "Allow", "Inbound", "Tcp", "80", "*",
    "VirtualNetwork", "asg:web", "Connected", "Deallocated", "VirtualAppliance", "None",
)  # fmt: skip


def _change_targets(doc: dict) -> list[tuple[str, str, dict, tuple[str, ...]]]:
    """(path, kind, node, its fields) of every object of a topology document a change can name."""
    from quizgen import loader

    fields = {
        "vnets": loader.VNET_FIELDS, "peerings": loader.PEERING_FIELDS,
        "nsgs": loader.NSG_FIELDS, "route_tables": loader.ROUTE_TABLE_FIELDS,
        "vms": loader.VM_FIELDS, "onprem": loader.ONPREM_FIELDS,
        "subnets": loader.SUBNET_FIELDS, "gateway": loader.GATEWAY_FIELDS,
        "rules": loader.RULE_FIELDS, "routes": loader.ROUTE_FIELDS,
    }  # fmt: skip
    targets = []

    def visit(path: str, kind: str, node: object) -> None:
        if not isinstance(node, dict):
            return
        targets.append((path, kind, node))
        for key in ("subnets", "rules", "routes"):
            for item in node.get(key) or () if isinstance(node.get(key), list) else ():
                if isinstance(item, dict) and isinstance(item.get("name"), str):
                    visit(f"{path}.{key}[{item['name']}]", key, item)
        if kind == "vnets" and isinstance(node.get("gateway"), dict):
            visit(f"{path}.gateway", "gateway", node["gateway"])

    for section in loader.SECTIONS:
        for item in doc.get(section) or () if isinstance(doc.get(section), list) else ():
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                visit(f"{section}[{item['name']}]", section, item)
    return [(path, kind, node, fields[kind]) for path, kind, node in targets]


@st.composite
def document_changes(draw: st.DrawFn, doc: dict) -> list[dict]:
    """One to three generator.patch changes to a topology document, most of which break it the
    way a fault placement could: a field set to another item's name or to a bad value, an item
    removed (while something refers to it) or copied (its name twice, or a new one), a section
    replaced, an unknown field or section. Changes name objects of ``doc`` as it is at the start.
    """
    targets = _change_targets(doc)
    names = sorted({node["name"] for _, _, node, _ in targets})
    written = sorted(
        {str(node[key]) for _, _, node, _ in targets for key in ("prefix", "ip") if key in node}
    )  # the document's own prefixes and addresses: a subnet may move off its VMs
    values = st.one_of(
        st.sampled_from(_CHANGE_VALUES),
        st.sampled_from((*names, "missing-thing")),
        st.sampled_from(written).flatmap(lambda v: st.sampled_from((v, [v]))),
        st.sampled_from(names).map(lambda name: [name]),
    )
    changes = []
    for _ in range(draw(st.integers(1, 3))):
        path, kind, node, fields = draw(st.sampled_from(targets))
        op = draw(st.sampled_from(("set", "set", "remove", "add", "section")))
        if op == "set":
            field = draw(st.sampled_from((*fields, "colour")))
            changes.append({"op": "set", "path": f"{path}.{field}", "value": draw(values)})
        elif op == "remove" and kind != "gateway":
            changes.append({"op": "remove", "path": path})
        elif op == "add" and kind != "gateway":
            copy = dict(node, name=draw(st.sampled_from((*names, f"{node['name']}-2"))))
            parent = path.rsplit("[", 1)[0]
            changes.append({"op": "add", "path": parent, "value": copy})
        else:
            sections = ("vnets", "nsgs", "route_tables", "onprem", "scenario", "extra")
            key = draw(st.sampled_from(sections))
            value = draw(st.sampled_from((None, [], "banana", {"a": 1}, [node])))
            changes.append({"op": "set", "path": key, "value": value})
    return changes
