"""Next hop: what Network Watcher next hop answers from a VM (NW-02, EX-05/EX-06 style).

The topology is a small exam-style lab built here (``lab``): VNet1 with the source VM, a DMZ with
one or two appliances, optionally a peered VNet2 (Connected, Initiated only, or global), a VNet3
peered with VNet2 only, a VPN gateway with an on-premises site, and a route table RT1 on the source
subnet drawn from EX-03's kinds of routes. udr-precedence and effective-routes build on the same
lab.

single-choice: four "destination: next hop" results, one true; each false one is what a learner
holding its misconception would expect (T-38 private address outside every VNet to the Internet,
T-33 a UDR beating a more specific system route, T-37 a per-subnet system route, T-01 transitive
peering, T-02 one-sided peering, T-34 a more specific gateway route beating a peering route).
hotspot: one destination; blanks Next hop type, Next hop IP ("None" unless VirtualAppliance;
asked every time, so that it does not give VirtualAppliance away) and Route table (the user
route table or System Route, as the chosen route says). A gateway-learned route is never the
answer (its next hop IP is UNCONFIRMED, U-05), nor a user route to VirtualNetworkGateway (an
empty next hop IP is not confirmed for it).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import Any

from quizgen.checks import mismatches, run
from quizgen.evaluator import routes as rt
from quizgen.model import NextHopType, RouteSource, Topology
from quizgen.questions import common
from quizgen.questions.bank import Spec
from quizgen.questions.family import Context, Family

Doc = dict[str, Any]

REGIONS = ("eastus", "eastus2", "westus2", "centralus", "westeurope", "northeurope", "uksouth")
#: Public addresses a stem may use (Microsoft, Azure and documentation ranges: all public).
PUBLIC = ("13.107.21.200", "20.{}.{}.{}", "52.{}.{}.{}", "40.{}.{}.{}", "104.{}.{}.{}")
HOP_TYPES = tuple(t.value for t in NextHopType)
#: Next hop types whose next hop IP address Network Watcher leaves empty (NW-02). Not
#: VirtualNetworkGateway: NW-02 says empty only "for most other types", and the IP shown for
#: gateway routes is UNCONFIRMED (U-05).
NO_IP = ("Internet", "None", "VnetLocal", "VNetPeering", "VNetGlobalPeering")
#: Route kinds RT1 may hold (EX-03 and EX-05 style); see ``_route``.
ROUTE_KINDS = (
    "default-nva",
    "default-gw",
    "private-nva",
    "summary",
    "vnet-nva",
    "local",
    "subnet2-nva",
    "peer-none",
    "peer-nva",
    "onprem-nva",
    "public-none",
)

#: What each misconception gets wrong, as a sentence for the explanation.
WHY = {
    "T-01": "peering is not transitive: VNet1 gets routes only for the VNets it is peered with "
    "directly (PEER-04, RT-05)",
    "T-02": "a peering that is only Initiated gives no route; both links must exist (PEER-02, "
    "RT-05)",
    "T-33": "a user-defined route does not always win: the longest prefix is compared first, and "
    "a more specific system route is chosen (RT-12)",
    "T-34": "a gateway (BGP) route does not beat the VNet or peering system route, even when it "
    "is more specific (RT-14)",
    "T-35": "a 0.0.0.0/0 route does not catch a destination covered by a more specific route "
    "(RT-12)",
    "T-37": "Azure creates no system route per subnet: one VnetLocal route covers the whole VNet "
    "range, so a user route for that range (or a wider one that beats it) decides (RT-03, "
    "RT-12, RT-13)",
    "T-38": "private addresses outside every VNet, peer and on-premises range match a reserved "
    "system route with next hop None, not the Internet route (RT-03, RT-04)",
    "T-39": "disabling gateway route propagation removes only the gateway routes; VNet and "
    "peering routes stay (RT-18)",
}


def why(misconception: str) -> str:
    """The correction of a misconception, as a sentence: "<what is true> (T-nn)."."""
    text = WHY[misconception]
    return f"{text[0].upper()}{text[1:]} ({misconception})."


# --- the lab topology --------------------------------------------------------------------------


@dataclass(frozen=True)
class Dest:
    ip: str
    kind: str  # own-subnet, other-subnet, peer, peer-onprem, transitive, outside, public, onprem
    vm: str | None = None

    @property
    def label(self) -> str:
        return f"{self.vm} ({self.ip})" if self.vm else self.ip


@dataclass
class Lab:
    doc: Doc
    topo: Topology
    vm: str
    vm_ip: str
    vnet: str
    subnet: str
    table: str | None
    nvas: dict[str, str]  # name -> IP
    prefixes: dict[str, str]  # vnet1, subnet1, subnet2, dmz, vnet2, vnet3, onprem...
    dests: list[Dest] = field(default_factory=list)
    peer: str | None = None  # connected | initiated | global
    gateway: bool = False

    @property
    def args(self) -> Doc:
        return {"vm": self.vm}


def _add_vnet_with_vm(
    vnets: list[Doc],
    vms: list[Doc],
    name: str,
    region: str,
    space: str,
    subnet: str,
    vm: str,
    rng: random.Random,
    used: set,
) -> None:
    """A VNet with one subnet, Subnet1, holding one VM."""
    vnets.append(
        {
            "name": name,
            "region": region,
            "address_space": [space],
            "subnets": [{"name": "Subnet1", "prefix": subnet}],
        }
    )
    vms.append({"name": vm, "vnet": name, "subnet": "Subnet1", "ip": _host(rng, subnet, used)})


def _host(rng: random.Random, net: str, avoid: set[str]) -> str:
    network = IPv4Network(net)
    while True:
        ip = str(network.network_address + rng.randrange(4, min(network.num_addresses - 1, 250)))
        if ip not in avoid:
            avoid.add(ip)
            return ip


def _public(rng: random.Random) -> str:
    pattern = rng.choice(PUBLIC)
    return pattern.format(rng.randrange(1, 250), rng.randrange(0, 255), rng.randrange(1, 254))


def lab(
    rng: random.Random,
    *,
    peer: str | None = "connected",
    transitive: bool = False,
    gateway: bool = False,
    onprem_in_peer: bool = False,
    routes: tuple[str, ...] = (),
    propagate: bool = True,
    nva2: bool = False,
) -> Lab:
    """A small exam-style topology (see the module docstring) and its candidate destinations."""
    a, b, c, d, e = rng.sample(range(0, 100), 5)
    block = [x for x in range(a // 16 * 16, a // 16 * 16 + 16) if x not in (a, c, d, e)]
    if rng.random() < 0.5:  # VNet2 in the same /12 as VNet1, so a summary route covers both
        b = rng.choice(block)
    s1, s2, sd = rng.sample(range(0, 20), 3)
    region = rng.choice(REGIONS)
    used: set[str] = set()
    p = {
        "vnet1": f"10.{a}.0.0/16",
        "subnet1": f"10.{a}.{s1}.0/24",
        "subnet2": f"10.{a}.{s2}.0/24",
        "dmz": f"10.{a}.{sd}.0/24",
        "vnet2": f"10.{b}.0.0/16",
        "vnet3": f"10.{c}.0.0/16",
        "summary": f"10.{a // 16 * 16}.0.0/12",
    }
    onprem = [f"192.168.{rng.randrange(1, 250)}.0/24"] if rng.random() < 0.6 else [f"10.{d}.0.0/16"]
    k = rng.randrange(5, 250)
    if onprem_in_peer:
        onprem.append(f"10.{b}.{k}.0/24")
    p["onprem"] = onprem[0]
    p["onprem-in-peer"] = f"10.{b}.{k}.0/24"
    vm_ip = _host(rng, p["subnet1"], used)
    nvas = {"NVA1": _host(rng, p["dmz"], used)}
    if nva2:
        nvas["NVA2"] = _host(rng, p["dmz"], used)
    subnets: list[Doc] = [
        {"name": "Subnet1", "prefix": p["subnet1"]},
        {"name": "Subnet2", "prefix": p["subnet2"]},
        {"name": "DMZ", "prefix": p["dmz"]},
    ]
    vnet1: Doc = {"name": "VNet1", "region": region, "address_space": [p["vnet1"]]}
    if gateway:
        subnets.append({"name": "GatewaySubnet", "prefix": f"10.{a}.255.0/27"})
        vnet1["gateway"] = {
            "name": "VGW1",
            "type": "vpn",
            "sku": rng.choice(["VpnGw1", "VpnGw2"]),
            "connections": ["OnPrem1"],
        }
    vnet1["subnets"] = subnets
    vnets = [vnet1]
    vms: list[Doc] = [
        {"name": "VM1", "vnet": "VNet1", "subnet": "Subnet1", "ip": vm_ip},
        {"name": "VM2", "vnet": "VNet1", "subnet": "Subnet2", "ip": _host(rng, p["subnet2"], used)},
    ]
    vms += [
        {
            "name": name,
            "vnet": "VNet1",
            "subnet": "DMZ",
            "ip": ip,
            "ip_forwarding": True,
            "appliance": True,
        }
        for name, ip in nvas.items()
    ]
    peerings: list[Doc] = []
    if peer:
        r2 = rng.choice([r for r in REGIONS if r != region]) if peer == "global" else region
        _add_vnet_with_vm(vnets, vms, "VNet2", r2, p["vnet2"], f"10.{b}.0.0/24", "VM3", rng, used)
        peerings.append({"name": "VNet1-to-VNet2", "from": "VNet1", "to": "VNet2"})
        if peer != "initiated":
            peerings.append({"name": "VNet2-to-VNet1", "from": "VNet2", "to": "VNet1"})
        if transitive:
            _add_vnet_with_vm(
                vnets, vms, "VNet3", r2, p["vnet3"], f"10.{c}.0.0/24", "VM4", rng, used
            )
            peerings += [
                {"name": "VNet2-to-VNet3", "from": "VNet2", "to": "VNet3"},
                {"name": "VNet3-to-VNet2", "from": "VNet3", "to": "VNet2"},
            ]
    table_routes = [
        r for kind in routes if (r := _route(kind, p, nvas, gateway, peer, rng, routes))
    ]
    doc: Doc = {"vnets": vnets}
    if peerings:
        doc["peerings"] = peerings
    table = None
    if table_routes:
        table = "RT1"
        subnets[0]["route_table"] = table
        entry: Doc = {"name": table, "routes": table_routes}
        if not propagate:
            entry["propagate_gateway_routes"] = False
        doc["route_tables"] = [entry]
    doc["vms"] = vms
    if gateway:
        doc["onprem"] = [{"name": "OnPrem1", "address_space": onprem}]
    topo = common.load(doc)
    out = Lab(doc, topo, "VM1", vm_ip, "VNet1", "Subnet1", table, nvas, p)
    out.peer, out.gateway = peer, gateway
    out.dests = _dests(rng, out, used, transitive, onprem_in_peer, e)
    return out


def _route(
    kind: str,
    p: dict[str, str],
    nvas: dict[str, str],
    gateway: bool,
    peer: str | None,
    rng: random.Random,
    kinds: tuple[str, ...],
) -> Doc | None:
    nva1 = nvas["NVA1"]
    nva_last = list(nvas.values())[-1]

    def va(name: str, prefix: str, ip: str) -> Doc:
        return {
            "name": name,
            "prefix": prefix,
            "next_hop_type": "VirtualAppliance",
            "next_hop_ip": ip,
        }

    if kind == "default-nva":
        return va("to-firewall", "0.0.0.0/0", nva1)
    if kind == "default-gw":
        if not gateway:
            return None
        return {
            "name": "force-tunnel",
            "prefix": "0.0.0.0/0",
            "next_hop_type": "VirtualNetworkGateway",
        }
    if kind == "private-nva":
        return va("private-to-nva", "10.0.0.0/8", nva_last)
    if kind == "summary":  # the company's Azure summary range: inspected, or blocked
        if "default-nva" in kinds:
            return {"name": "block-summary", "prefix": p["summary"], "next_hop_type": "None"}
        return va("summary-to-nva", p["summary"], nva1)
    if kind == "vnet-nva":
        return va("vnet-to-nva", p["vnet1"], nva1)
    if kind == "local":
        return {"name": "keep-local", "prefix": p["subnet1"], "next_hop_type": "VnetLocal"}
    if kind == "subnet2-nva":
        return va("subnet2-via-nva", p["subnet2"], nva_last)
    if kind == "peer-none" and peer:
        return {"name": "block-vnet2", "prefix": p["vnet2"], "next_hop_type": "None"}
    if kind == "peer-nva" and peer:
        return va("vnet2-via-nva", p["vnet2"], nva_last)
    if kind == "onprem-nva" and gateway:
        return va("onprem-via-nva", p["onprem"], nva_last)
    if kind == "public-none":
        first = rng.choice([13, 20, 40, 52, 104])
        p["blocked"] = f"{first}.{rng.randrange(0, 255)}.0.0/16"
        return {"name": "block-range", "prefix": p["blocked"], "next_hop_type": "None"}
    return None


def _dests(
    rng: random.Random, L: Lab, used: set[str], transitive: bool, onprem_in_peer: bool, e: int
) -> list[Dest]:
    p = L.prefixes
    vms = {v["name"]: v["ip"] for v in L.doc["vms"]}
    out = [
        Dest(_host(rng, p["subnet1"], used), "own-subnet"),
        Dest(vms["VM2"], "other-subnet", "VM2"),
    ]
    if L.peer:
        out.append(Dest(vms["VM3"], "peer", "VM3"))
        if onprem_in_peer:
            out.append(Dest(_host(rng, p["onprem-in-peer"], used), "peer-onprem"))
    if transitive:
        out.append(Dest(vms["VM4"], "transitive", "VM4"))
    outside = [
        f"10.{e}.{rng.randrange(0, 255)}.{rng.randrange(4, 250)}",
        f"172.{rng.randrange(16, 32)}.{rng.randrange(0, 255)}.{rng.randrange(4, 250)}",
        f"192.168.{rng.randrange(0, 255)}.{rng.randrange(4, 250)}",
    ]
    for ip in outside:
        if not any(IPv4Address(ip) in n for v in L.topo.vnets for n in v.address_space) and not (
            L.topo.sites_containing(IPv4Address(ip))
        ):
            out.append(Dest(ip, "outside"))
    out.append(Dest(_public(rng), "public"))
    if "blocked" in p:
        out.append(Dest(_host(rng, p["blocked"], used), "public"))
    if L.gateway:
        out.append(Dest(_host(rng, p["onprem"], used), "onprem"))
    return out


# --- asking the evaluator ----------------------------------------------------------------------


@dataclass
class Hop:
    """Network Watcher next hop for one destination: the JSON answer and the chosen route."""

    dest: Dest
    answer: Doc
    route: rt.EffectiveRoute | None

    @property
    def usable(self) -> bool:
        return not self.answer["assumptions"]

    @property
    def type(self) -> str:
        return self.answer["next_hop_type"]

    @property
    def expect(self) -> Doc:
        return {k: self.answer[k] for k in ("next_hop_type", "next_hop_ip", "route_table")}


def next_hops(L: Lab) -> list[Hop]:
    out = []
    for dest in L.dests:
        answer = run(L.topo, "next-hop", {"vm": L.vm, "dest": dest.ip})
        result = rt.next_hop(L.topo, L.vnet, L.subnet, IPv4Address(dest.ip))
        out.append(Hop(dest, answer, result.route))
    return out


def effective(L: Lab) -> tuple[rt.EffectiveRoute, ...]:
    return rt.effective_routes(L.topo, L.vnet, L.subnet)


def hop_text(claim: Doc) -> str:
    hop = claim["next_hop_type"]
    if claim.get("next_hop_ip"):
        hop += f" ({claim['next_hop_ip']})"
    return hop


def covering(L: Lab, h: Hop) -> list[rt.EffectiveRoute]:
    ip = IPv4Address(h.dest.ip)
    return [r for r in effective(L) if ip in r.prefix and r.state.value == "Active"]


def wrong_claims(L: Lab, h: Hop) -> list[tuple[Doc, str]]:
    """(claim on the next-hop answer, misconception) pairs a learner holding it would expect."""
    out: list[tuple[Doc, str]] = []
    win = h.route
    kind = h.dest.kind
    peering = "VNetGlobalPeering" if L.peer == "global" else "VNetPeering"
    if kind == "outside" and h.type == "None" and win is not None:
        out.append(({"next_hop_type": "Internet"}, "T-38"))
    if kind == "transitive":
        out.append(({"next_hop_type": peering}, "T-01"))
    if kind == "peer" and L.peer == "initiated":
        out.append(({"next_hop_type": peering}, "T-02"))
    if win is not None and win.source is RouteSource.DEFAULT:
        for r in covering(L, h):
            if r.source is RouteSource.USER and r.prefix.prefixlen < win.prefix.prefixlen:
                claim = {"next_hop_type": r.next_hop_type.value}
                if r.next_hop_ip is not None:
                    claim["next_hop_ip"] = str(r.next_hop_ip)
                out.append((claim, "T-33"))
            if (
                r.source is RouteSource.GATEWAY
                and win.is_vnet_or_peering
                and r.prefix.prefixlen > win.prefix.prefixlen
            ):
                out.append(({"next_hop_type": "VirtualNetworkGateway"}, "T-34"))
    if (
        kind == "other-subnet"
        and win is not None
        and win.source is RouteSource.USER
        and win.prefix.prefixlen < IPv4Network(L.prefixes["subnet2"]).prefixlen
    ):
        # A learner who believes in a system route per subnet expects it to beat, by longest
        # prefix, the wider user route that actually decides.
        out.append(({"next_hop_type": "VnetLocal"}, "T-37"))
    # Keep only what the evaluator refutes, once per claim.
    seen, kept = set(), []
    for claim, why in out:
        key = repr(sorted(claim.items()))
        if key not in seen and mismatches(claim, h.answer):
            seen.add(key)
            kept.append((claim, why))
    return kept


def route_sentence(h: Hop) -> str:
    if h.route is None:
        return f"{h.dest.label}: no route covers it, so the packet is dropped (next hop None)."
    table = h.answer["route_table"]
    return (
        f"{h.dest.label}: the chosen route is {h.route.describe()}, so next hop reports "
        f"{hop_text(h.answer)} and route table {table!r} ({', '.join(_route_rules(h))})."
    )


def spread(rng: random.Random, pool: list[Any], n: int, keys: list[Any]) -> list[Any]:
    """``n`` items of ``pool``, as varied as possible: round-robin over the ``keys`` (functions
    of an item, most important first), each round taking items new on every key."""
    pool = list(pool)
    rng.shuffle(pool)
    picked: list[Any] = []
    for depth in range(len(keys), -1, -1):
        for item in pool:
            if len(picked) == n:
                return picked
            if item in picked:
                continue
            if all(key(item) not in {key(p) for p in picked} for key in keys[:depth]):
                picked.append(item)
    return picked


def _route_rules(h: Hop) -> list[str]:
    rules = ["RT-12", "RT-13"]
    if h.route is not None:
        rules += list(h.route.rules)
    return list(dict.fromkeys(rules))


# --- exhibits ----------------------------------------------------------------------------------


def exhibits(L: Lab) -> list[Doc]:
    """VNets (subnets with their route tables, gateways), peerings, VMs (appliance settings),
    route tables and on-premises sites: everything next hop depends on."""
    out = [common.exhibit_vnets(L.doc)]
    if L.doc.get("peerings"):
        out.append(_peerings(L))
    out.append(common.exhibit_vms(L.doc))
    out += [common.exhibit_route_table(t) for t in L.doc.get("route_tables", [])]
    onprem = common.exhibit_onprem(L.doc)
    return out + ([onprem] if onprem else [])


def _peerings(L: Lab) -> Doc:
    full = common.exhibit_peerings(L.topo)
    keep = [0, 1, 2, 3, 4]  # name, from, to, state, allow virtual network access
    return {
        "title": full["title"],
        "columns": [full["columns"][i] for i in keep],
        "rows": [[row[i] for i in keep] for row in full["rows"]],
    }


# --- the family --------------------------------------------------------------------------------


def _draw(ctx: Context) -> Lab:
    rng = ctx.rng
    gateway = rng.random() < 0.5
    peer = rng.choice(["connected", "connected", "global", "initiated", None])
    kinds = [k for k in ROUTE_KINDS if rng.random() < 0.35]
    if rng.random() < 0.5 and "default-nva" not in kinds:
        kinds.append("default-nva")
    if "default-nva" in kinds and "default-gw" in kinds:
        kinds.remove("default-gw")
    if "peer-none" in kinds and "peer-nva" in kinds:
        kinds.remove("peer-nva")
    return lab(
        rng,
        peer=peer,
        transitive=peer in ("connected", "global") and rng.random() < 0.5,
        gateway=gateway,
        onprem_in_peer=gateway and peer in ("connected", "global") and rng.random() < 0.6,
        routes=tuple(kinds),
        nva2=rng.random() < 0.4,
    )


def build(ctx: Context) -> Doc | None:
    for _ in range(3):  # a draw without enough misconceptions to test gives way to another
        L = _draw(ctx)
        hops = [h for h in next_hops(L) if h.usable]
        if len(hops) < 2:
            continue
        doc = _hotspot(ctx, L, hops) if ctx.item_type == "hotspot" else _single(ctx, L, hops)
        if doc is not None:
            return doc
        ctx.checks.clear()
    return None


def _single(ctx: Context, L: Lab, hops: list[Hop]) -> Doc | None:
    rng = ctx.rng
    pool = [(h, claim, why) for h in hops for claim, why in wrong_claims(L, h)]
    if len(pool) < 3:
        return None
    picked = spread(rng, pool, 3, [lambda i: i[2], lambda i: i[0].dest.ip])
    right = rng.choice([h for h in hops if h.dest.ip not in {i[0].dest.ip for i in picked}] or hops)
    options, explanation, rules = [], [], ["NW-02", "RT-12", "RT-13"]
    i = ctx.check("next-hop", {"vm": L.vm, "dest": right.dest.ip}, right.expect)
    claim = {"next_hop_type": right.type}
    if right.answer["next_hop_ip"]:
        claim["next_hop_ip"] = right.answer["next_hop_ip"]
    options.append(
        {
            "text": ctx.phrase("option", dest=right.dest.label, hop=hop_text(claim)),
            "correct": True,
            "check": i,
            "claim": claim,
        }
    )
    explanation.append(route_sentence(right))
    rules += _route_rules(right)
    for h, wrong, why in picked:
        i = ctx.check("next-hop", {"vm": L.vm, "dest": h.dest.ip}, h.expect)
        options.append(
            {
                "text": ctx.phrase("option", dest=h.dest.label, hop=hop_text(wrong)),
                "correct": False,
                "misconception": why,
                "check": i,
                "claim": wrong,
            }
        )
        explanation.append(f"{route_sentence(h)} Not {hop_text(wrong)}: {WHY[why]} ({why}).")
        rules += _route_rules(h)
    if len({o["text"] for o in options}) < 4:
        return None
    n_routes = len(L.doc.get("route_tables", [{}])[0].get("routes", [])) if L.table else 0
    return ctx.question(
        stem_fields={"vm": L.vm, "vm_ip": L.vm_ip, "subnet": L.subnet, "vnet": L.vnet},
        topology=L.doc,
        explanation=explanation,
        rules=rules,
        difficulty=1 + len(L.doc["vnets"]) // 2 + n_routes // 2 + len({p[2] for p in picked}) // 2,
        exhibits=exhibits(L),
        options=options,
    )


def _hotspot(ctx: Context, L: Lab, hops: list[Hop]) -> Doc | None:
    rng = ctx.rng
    hops = [h for h in hops if h.type in NO_IP or h.type == "VirtualAppliance"]
    if not hops:
        return None
    interesting = [h for h in hops if wrong_claims(L, h)]
    h = rng.choice(interesting or hops)
    wrong = [c["next_hop_type"] for c, _ in wrong_claims(L, h)]
    types = {h.type, *wrong}
    others = [t for t in HOP_TYPES if t not in types]
    rng.shuffle(others)
    while len(types) < 4 and others:
        types.add(others.pop())
    blanks = []
    i = ctx.check("next-hop", {"vm": L.vm, "dest": h.dest.ip}, h.expect)
    blanks.append(
        {
            "key": "1",
            "prompt": ctx.phrase("blank_type", dest=h.dest.label),
            "choices": [t for t in HOP_TYPES if t in types],
            "answer": h.type,
            "check": i,
            "field": "next_hop_type",
        }
    )
    # The next hop IP is asked whatever the type, so that its being asked does not tell
    # VirtualAppliance (and the user route table) apart; "None" when next hop reports no IP.
    ip = h.answer["next_hop_ip"]
    ips = sorted({*L.nvas.values(), *([ip] if ip else [])}, key=IPv4Address)
    vm2 = next(v["ip"] for v in L.doc["vms"] if v["name"] == "VM2")
    # In address order, so the answer's place does not depend on it being the answer.
    choices = sorted({*ips, vm2}, key=IPv4Address) if len(ips) < 3 else ips
    no_ip = ctx.phrase("no_ip")
    i = ctx.check("next-hop", {"vm": L.vm, "dest": h.dest.ip}, h.expect)
    blanks.append(
        {
            "key": "2",
            "prompt": ctx.phrase("blank_ip", dest=h.dest.label),
            "choices": [*choices, no_ip],
            "answer": h.answer["next_hop_ip"] or no_ip,
            "check": i,
            "field": "next_hop_ip",
            "null_choice": no_ip,
        }
    )
    tables = ["System Route", *(t["name"] for t in L.doc.get("route_tables", []))]
    if len(tables) < 2:
        tables.append("RT1")
    i = ctx.check("next-hop", {"vm": L.vm, "dest": h.dest.ip}, h.expect)
    blanks.append(
        {
            "key": "3",
            "prompt": ctx.phrase("blank_table", dest=h.dest.label),
            "choices": tables,
            "answer": h.answer["route_table"],
            "check": i,
            "field": "route_table",
        }
    )
    explanation = [route_sentence(h)]
    for claim, why in wrong_claims(L, h):
        explanation.append(f"Not {hop_text(claim)}: {WHY[why]} ({why}).")
    if h.type == "VirtualAppliance":
        explanation.append(
            "Next hop reports VirtualAppliance whether or not the appliance forwards the packet "
            "(NW-02, NVA-02)."
        )
    else:
        explanation.append(
            f"Next hop IP address: {no_ip}. Next hop reports an IP address only for a "
            "VirtualAppliance next hop (NW-02)."
        )
    n_routes = len(L.doc.get("route_tables", [{}])[0].get("routes", [])) if L.table else 0
    return ctx.question(
        stem_fields={
            "vm": L.vm,
            "vm_ip": L.vm_ip,
            "subnet": L.subnet,
            "vnet": L.vnet,
            "dest": h.dest.label,
        },
        topology=L.doc,
        explanation=explanation,
        rules=["NW-02", *_route_rules(h)],
        difficulty=1 + len(blanks) // 2 + n_routes // 2 + (1 if wrong_claims(L, h) else 0),
        exhibits=exhibits(L),
        blanks=blanks,
    )


FAMILY = Family(
    "next-hop",
    "Network Watcher next hop from a VM: system, peering, reserved None and user routes",
    Spec(
        ("single-choice", "hotspot"),
        frozenset({"vm", "vm_ip", "subnet", "vnet", "dest", "hop"}),
        ("option", "blank_type", "blank_ip", "no_ip", "blank_table"),
    ),
    build,
)
