"""NSG service tags: what VirtualNetwork and Internet cover (NSG-08, NSG-09).

The network is a generated hub-and-spoke base with a VPN gateway: a spoke VM (vm1) is peered to
the hub and uses its gateway, so VirtualNetwork at vm1 holds its own VNet, the hub, the
on-premises site and, when vm1's subnet has a route table, every prefix of its routes (NSG-08);
the other spokes are not in it (peering is not transitive). Internet is public space only
(NSG-09): private addresses outside VirtualNetwork are in neither tag.

Outbound rules are patched onto vm1's subnet NSG (vm1 has no NIC NSG, so IP flow verify's
answer involves one NSG): deny Internet / allow VirtualNetwork, allow Internet / deny the rest,
or deny VirtualNetwork / allow the rest. The options are destinations; each is decided by IP flow
verify (outbound from vm1). Distractors are destinations a learner with T-27 (VirtualNetwork is
only the local VNet), T-28 (Internet is everything outside the VNet) or T-01 (a peer's peer is
in VirtualNetwork) would answer wrongly about. No address is in both tags (TAG-OVERLAP).

multi-choice: select the two destinations allowed (or blocked); single-choice: the one.
"""

from __future__ import annotations

import random
from ipaddress import ip_network
from typing import Any

from quizgen.checks import run
from quizgen.generator.topologies import build as build_base
from quizgen.questions import common
from quizgen.questions.bank import Spec
from quizgen.questions.families import nsg_priority as kit
from quizgen.questions.family import Context, Family

Doc = dict[str, Any]
PORTS = (443, 1433, 22, 8080, 5432)
TAG_BELIEFS = ("T-27", "T-28", "T-01")
CLASS_TEXT = {
    kit.LOCAL: "is in {vm}'s own VNet: VirtualNetwork",
    kit.PEER: "is in a VNet peered with {vm}'s VNet: VirtualNetwork (NSG-08)",
    kit.ONPREM: (
        "is on-premises, connected through the hub's VPN gateway that {vm}'s VNet uses: "
        "VirtualNetwork (NSG-08)"
    ),
    kit.UDR: "is in the prefix of a user-defined route of {vm}'s subnet: VirtualNetwork (NSG-08)",
    kit.TRANSIT: (
        "is in another spoke, peered with the hub but not with {vm}'s VNet: peering is not "
        "transitive, so it is not VirtualNetwork, and as private space it is not Internet either"
    ),
    kit.PRIVATE: "is private space in no connected network: neither VirtualNetwork nor Internet "
    "(NSG-09)",
    kit.PUBLIC: "is a public address: Internet (NSG-09)",
}
CLASS_RULES = {
    kit.LOCAL: ["NSG-08"],
    kit.PEER: ["NSG-08"],
    kit.ONPREM: ["NSG-08", "GW-05"],
    kit.UDR: ["NSG-08"],
    kit.TRANSIT: ["NSG-08", "PEER-04"],
    kit.PRIVATE: ["NSG-09"],
    kit.PUBLIC: ["NSG-09"],
}


def _rule_set(rng: random.Random) -> tuple[str, list[Doc]]:
    kind = rng.choice(("deny-internet", "deny-internet", "allow-internet", "deny-vnet"))
    p = kit.priorities(rng, 3)
    out = "outbound"
    if kind == "deny-internet":
        rules = [
            kit.rule("deny-internet-outbound", p[0], out, "deny", "*", "Internet"),
            kit.rule("allow-vnet-outbound", p[1], out, "allow", "*", "VirtualNetwork"),
        ]
        if rng.random() < 0.5:
            rules[0]["priority"], rules[1]["priority"] = p[1], p[0]
        if rng.random() < 0.5:
            rules.append(kit.rule("deny-all-outbound", p[2], out, "deny"))
    elif kind == "allow-internet":
        rules = [
            kit.rule("allow-internet-outbound", p[0], out, "allow", "*", "Internet"),
            kit.rule("deny-all-outbound", p[1], out, "deny"),
        ]
    else:
        rules = [
            kit.rule("deny-vnet-outbound", p[0], out, "deny", "*", "VirtualNetwork"),
            kit.rule("allow-all-outbound", p[1], out, "allow"),
        ]
    rng.shuffle(rules)
    return kind, rules


def _network(rng: random.Random):
    base = build_base("hub-spoke-gateway", "small", rng)
    doc = base.doc
    vms = [v for v in doc["vms"] if v["vnet"] in base.spokes]
    if not vms or not base.sites:
        return None
    vm = rng.choice(vms)
    vnet = next(v for v in doc["vnets"] if v["name"] == vm["vnet"])
    subnet = next(s for s in vnet["subnets"] if s["name"] == vm["subnet"])
    kind, rules = _rule_set(rng)
    if subnet.get("nsg"):
        nsg = next(n for n in doc["nsgs"] if n["name"] == subnet["nsg"])
    else:
        nsg = {"name": f"nsg-{subnet['name'].removeprefix('snet-')}-egress", "rules": []}
        doc.setdefault("nsgs", []).append(nsg)
        subnet["nsg"] = nsg["name"]
    nsg["rules"] = [*nsg["rules"], *rules]
    used = [ip_network(p) for v in doc["vnets"] for p in v["address_space"]]
    used += [ip_network(p) for o in doc.get("onprem", []) for p in o["address_space"]]
    taken = {v["ip"] for v in doc["vms"]}
    ends: list[kit.End] = []
    hub = base.spokes[vm["vnet"]]
    for other in doc["vms"]:
        if other is vm:
            continue
        if other["vnet"] == vm["vnet"]:
            cls = kit.LOCAL
        elif other["vnet"] == hub:
            cls = kit.PEER
        else:
            cls = kit.TRANSIT
        ends.append(kit.End(other["name"], other["ip"], cls, vm=other["name"]))
    for other in doc["vnets"]:  # a host address in the hub and in each other spoke
        if other["name"] == vm["vnet"]:
            continue
        cls = kit.PEER if other["name"] == hub else kit.TRANSIT
        sub = next(s for s in other["subnets"] if s["name"] != "GatewaySubnet")
        ip = kit.host_in(ip_network(sub["prefix"]), rng, taken)
        ends.append(kit.End(ip, ip, cls))
    for site in doc.get("onprem", []):
        hosts = {base.sites.get(site["name"])} - {None}
        hosts.add(kit.host_in(ip_network(site["address_space"][0]), rng, taken))
        for host in sorted(hosts):
            ends.append(kit.End(f"{host} (on-premises, {site['name']})", host, kit.ONPREM))
    for _ in range(3):
        ip = kit.public_host(rng, taken)
        ends.append(kit.End(ip, ip, kit.PUBLIC))
    for _ in range(2):
        ip = kit.private_outside(rng, used, taken)
        ends.append(kit.End(ip, ip, kit.PRIVATE))
    if rng.random() < 0.4:  # a route table on vm1's subnet: its prefixes join VirtualNetwork
        prefix = ip_network(kit.private_outside(rng, used, taken) + "/24", strict=False)
        used.append(prefix)
        table = {
            "name": f"rt-{vm['subnet'].removeprefix('snet-')}-partner",
            "routes": [
                {
                    "name": "to-partner",
                    "prefix": str(prefix),
                    "next_hop_type": "VirtualNetworkGateway",
                }
            ],
        }
        doc.setdefault("route_tables", []).append(table)
        subnet["route_table"] = table["name"]
        ip = kit.host_in(prefix, rng, taken)
        ends.append(kit.End(ip, ip, kit.UDR))
    return doc, vm, nsg, ends, kind


def build(ctx: Context) -> Doc | None:
    rng = ctx.rng
    got = _network(rng)
    if got is None:
        return None
    doc, vm, nsg, ends, _ = got
    topo = common.load(doc)
    port = rng.choice(PORTS)
    me = kit.End(vm["name"], vm["ip"], kit.LOCAL, vm=vm["name"])
    answered = []
    for end in ends:
        args = kit.ip_flow_args(vm, "outbound", port, end.ip, 50000)
        answer = run(topo, "ip-flow", args)
        model = kit.decide_nic(doc, vm, "outbound", "tcp", me, end, port)
        if not kit.clean(answer) or model.access != answer["access"]:
            continue
        answered.append((end, args, answer))
    select = 2 if ctx.item_type == "multi-choice" else 1
    polarities = [True, False]
    rng.shuffle(polarities)
    for want_allowed in polarities:  # ask for what is allowed, or for what is blocked
        correct, wrong = [], []
        for end, args, answer in answered:
            allowed = answer["access"] == "Allow"
            beliefs = kit.misled(
                lambda b, end=end: (
                    kit.decide_nic(doc, vm, "outbound", "tcp", me, end, port, b).allowed
                ),
                allowed,
                want_allowed,
                TAG_BELIEFS,
            )
            if allowed == want_allowed:
                correct.append((end, args, answer, None))
            elif beliefs:
                wrong.append((end, args, answer, beliefs[0]))
        if len(correct) >= select and len(wrong) >= 3:
            break
    else:
        return None
    right = _spread(rng, correct, select)
    distractors = _spread(rng, wrong, 3, key=lambda w: (w[3], w[0].cls))
    options, explanation, rules = [], [], ["NSG-08", "NSG-09", "NSG-02", "NW-01"]
    for end, args, answer, belief in [*right, *distractors]:
        expect = {"access": answer["access"], "rule": answer["rule"], "nsg": answer["nsg"]}
        option: Doc = {
            "text": end.label,
            "correct": belief is None,
            "check": ctx.check("ip-flow", args, expect),
            "claim": {"access": "Allow" if want_allowed else "Deny"},
        }
        name = end.ip if end.label == end.ip else f"{end.label}, at {end.ip},"
        line = f"{name} {CLASS_TEXT[end.cls].format(vm=vm['name'])}. {kit.ip_flow_sentence(answer)}"
        if belief:
            option["misconception"] = belief
            line += f" {kit.sentence(kit.belief_note(belief))} would select it."
            rules += kit.BELIEF_RULES[belief]
        rules += CLASS_RULES[end.cls]
        options.append(option)
        explanation.append(line)
    ask = f"ask-{'allowed' if want_allowed else 'blocked'}-{select}"
    exhibits = [
        common.exhibit_vnets(doc),
        common.exhibit_peerings(topo),
        kit.exhibit_vms_full(doc),
        kit.exhibit_nsg_listed(nsg, kit.associations(doc).get(nsg["name"])),
        *[common.exhibit_route_table(t) for t in doc.get("route_tables", [])],
    ]
    onprem = common.exhibit_onprem(doc)
    return ctx.question(
        stem_fields={
            "vm": vm["name"],
            "port": port,
            "ask": ctx.phrase(ask, vm=vm["name"], port=port),
        },
        topology=doc,
        explanation=explanation,
        rules=rules,
        difficulty=2 + len({d[3] for d in distractors}) + bool(doc.get("route_tables")),
        exhibits=exhibits + ([onprem] if onprem else []),
        options=options,
        select=select if select > 1 else None,
    )


def _spread(rng: random.Random, items: list, count: int, key=lambda i: i[0].cls) -> list:
    """``count`` items, as many different kinds (by ``key``) as there are first."""
    rng.shuffle(items)
    out, kinds = [], set()
    for item in items:
        if key(item) not in kinds and len(out) < count:
            out.append(item)
            kinds.add(key(item))
    for item in items:
        if len(out) < count and item not in out:
            out.append(item)
    return out


FAMILY = Family(
    "nsg-service-tags",
    "what the VirtualNetwork and Internet service tags cover: peers, on-premises, UDR prefixes",
    Spec(
        ("multi-choice", "single-choice"),
        frozenset({"vm", "port", "ask"}),
        ("ask-allowed-2", "ask-blocked-2", "ask-allowed-1", "ask-blocked-1"),
    ),
    build,
)
