"""Regional versus global peering: the next hop type of peering routes and gateway transit.

A hand-built hub with a VPN gateway (not Basic) and an on-premises connection, one spoke in the
hub's region and one or two in other regions, all using the hub gateway through transit. The
effective routes show a peer in the same region with next hop VNetPeering and a peer in another
region with VNetGlobalPeering (RT-05, EX-16); gateway transit works over both kinds of peering
(PEER-08, PEER-13(c), GW-06), which a learner holding T-08 denies. Sometimes a global spoke has
Use remote gateways off, so the transit answer is not always yes (PEER-09).

yes-no-series: three statements on effective routes (``routes``), connections (``reach``) and
transit in effect (``peerings``). hotspot: next hop types (``next-hop``) and the outcome of a
connection to on-premises (``reach``). Basic load balancer frontends (PEER-13(a)) are not in
the model and are never asked about.
"""

from __future__ import annotations

from ipaddress import IPv4Network
from typing import Any

from quizgen.checks import run
from quizgen.questions import common
from quizgen.questions.bank import Spec
from quizgen.questions.family import Context, Family

Doc = dict[str, Any]

REGIONS = ("eastus", "eastus2", "westus2", "centralus", "westeurope", "northeurope", "uksouth")
SKUS = ("VpnGw1", "VpnGw2", "VpnGw1AZ", "VpnGw2AZ")
NAMES = ("app", "web", "data", "erp", "crm", "iot", "sap", "bi")
NEXT_HOPS = ["VNetPeering", "VNetGlobalPeering", "VirtualNetworkGateway", "VnetLocal", "None"]
OUTCOMES = ["delivered", "gateway-transit-not-enabled", "no-route", "peering-not-connected"]
PORTS = (443, 22, 3389, 1433)


def _draw(ctx: Context) -> tuple[Doc, dict[str, Any]]:
    rng = ctx.rng
    home, *away = rng.sample(REGIONS, 3)
    octets = rng.sample(range(1, 250), 4)
    site_prefix = f"192.168.{rng.randrange(1, 15) * 16}.0/20"
    site = rng.choice(("onprem-hq", "onprem-datacenter", "onprem-branch"))
    hub = "vnet-hub"
    spokes = []
    names = rng.sample(NAMES, 3)
    count = rng.choice((2, 3))
    for n in range(count):
        region = home if n == 0 else away[n - 1]
        spokes.append((f"vnet-{names[n]}", region, octets[n + 1]))
    h = octets[0]
    vnets = [
        {
            "name": hub,
            "region": home,
            "address_space": [f"10.{h}.0.0/16"],
            "subnets": [
                {"name": "snet-shared", "prefix": f"10.{h}.1.0/24"},
                {"name": "GatewaySubnet", "prefix": f"10.{h}.255.0/27"},
            ],
            "gateway": {
                "name": "vgw-hub",
                "type": "vpn",
                "sku": rng.choice(SKUS),
                "connections": [site],
            },
        }
    ]
    vms = [{"name": "vm-hub", "vnet": hub, "subnet": "snet-shared", "ip": f"10.{h}.1.4"}]
    peerings = []
    off = rng.random() < 0.25  # one global spoke does not ask to use the hub gateway
    for n, (name, region, o) in enumerate(spokes):
        vnets.append(
            {
                "name": name,
                "region": region,
                "address_space": [f"10.{o}.0.0/16"],
                "subnets": [{"name": "snet-app", "prefix": f"10.{o}.1.0/24"}],
            }
        )
        short = name.removeprefix("vnet-")
        vms.append({"name": f"vm-{short}", "vnet": name, "subnet": "snet-app", "ip": f"10.{o}.1.4"})
        peerings.append(
            {
                "name": f"peer-hub-to-{short}",
                "from": hub,
                "to": name,
                "allow_gateway_transit": True,
            }
        )
        peerings.append(
            {
                "name": f"peer-{short}-to-hub",
                "from": name,
                "to": hub,
                "use_remote_gateways": not (off and n == count - 1),
            }
        )
    doc = {
        "vnets": vnets,
        "peerings": peerings,
        "vms": vms,
        "onprem": [{"name": site, "address_space": [site_prefix]}],
    }
    facts = {
        "hub": hub,
        "hub_prefix": f"10.{h}.0.0/16",
        "local": spokes[0][0],
        "globals": [s[0] for s in spokes[1:]],
        "site": site,
        "site_prefix": site_prefix,
        "site_host": str(IPv4Network(site_prefix).network_address + rng.randrange(260, 4000)),
    }
    return doc, facts


def _vm(doc: Doc, vnet: str) -> Doc:
    return next(v for v in doc["vms"] if v["vnet"] == vnet)


def _link_from(doc: Doc, vnet: str) -> Doc:
    return next(p for p in doc["peerings"] if p["from"] == vnet)


def _route(answer: Doc, prefix: str) -> Doc | None:
    return next(
        (r for r in answer["routes"] if r["prefix"] == prefix and r["state"] == "Active"), None
    )


def _statements(ctx: Context, doc: Doc, topo: Any, f: dict[str, Any]) -> Doc | None:
    """Three statements; each candidate is (kinds it may claim, maker(claimed) -> parts)."""
    rng = ctx.rng
    glob = rng.choice(f["globals"])
    vm_glob, vm_local, vm_hub = _vm(doc, glob), _vm(doc, f["local"]), _vm(doc, f["hub"])
    routes = {
        vm["name"]: run(topo, "routes", {"vm": vm["name"]}) for vm in (vm_glob, vm_local, vm_hub)
    }
    views = {v["name"]: v for v in run(topo, "peerings", {})["peerings"]}

    def route(vm: Doc, prefix: str, kinds: tuple[str, ...]) -> Doc | None:
        actual = _route(routes[vm["name"]], prefix)
        if actual is None:
            return None
        claimed = rng.choice(kinds)
        return {
            "check": (
                "routes",
                {"vm": vm["name"]},
                {"routes": [{"prefix": prefix, "next_hop_type": actual["next_hop_type"]}]},
            ),
            "text": route_wording.format(vm=vm["name"], prefix=prefix, hop=claimed),
            "answer": claimed == actual["next_hop_type"],
            "claim": {"routes": [{"prefix": prefix, "next_hop_type": claimed, "state": "Active"}]},
            "why": (
                f"The effective routes of {vm['name']} list {prefix} with next hop "
                f"{actual['next_hop_type']} (source {actual['source']}). A peer in the same "
                "region gives VNetPeering, a peer in another region VNetGlobalPeering, and a "
                "gateway used through transit VirtualNetworkGateway (RT-05, RT-06, EX-16)."
            ),
        }

    def reach(src: Doc, dst: str) -> Doc | None:
        flow = {"from": src["name"], "to": dst, "protocol": "tcp", "port": rng.choice(PORTS)}
        answer = run(topo, "reach", flow)
        if answer["assumptions"]:
            return None
        label = common.label(topo, dst)
        return {
            "check": (
                "reach",
                flow,
                {"reachable": answer["reachable"], "reason": answer["reason"]},
            ),
            "text": ctx.phrase("reach", src=src["name"], dst=label, port=flow["port"]),
            "answer": answer["reachable"],
            "claim": {"reachable": True},
            "why": " ".join(answer["explanation"][-1:]),
        }

    def transit(vnet: str) -> Doc:
        link = _link_from(doc, vnet)
        active = views[link["name"]]["gateway_transit"]
        return {
            "check": (
                "peerings",
                {},
                {"peerings": [{"name": link["name"], "gateway_transit": active}]},
            ),
            "text": ctx.phrase("transit", link=link["name"], hub=f["hub"]),
            "answer": active,
            "claim": {"peerings": [{"name": link["name"], "gateway_transit": True}]},
            "why": (
                f"{link['name']} {'uses' if active else 'does not use'} the hub gateway: "
                "transit needs Allow gateway transit on the hub's link and Use remote gateways "
                "on the spoke's link, and it works over global peering too (PEER-08, PEER-09, "
                "PEER-13(c); T-08 is outdated)."
            ),
        }

    peer = ("VNetPeering", "VNetGlobalPeering")
    route_wording = ctx.wording.phrase("route", rng)  # one wording for the item's statements
    routes_pool = [
        lambda: route(vm_glob, f["hub_prefix"], peer),
        lambda: route(vm_local, f["hub_prefix"], peer),
        lambda: route(vm_hub, _prefix(doc, glob), peer),
    ]
    transit_pool = [
        lambda: route(vm_glob, f["site_prefix"], ("VirtualNetworkGateway",)),
        lambda: reach(vm_glob, f["site_host"]),
        lambda: transit(glob),
    ]
    makers = [*rng.sample(routes_pool, 2), rng.choice(transit_pool)]
    parts = [make() for make in makers]
    if any(p is None for p in parts):
        return None
    if len({p["answer"] for p in parts}) < 2:
        # Same verdict three times: ask the first route statement about the other hop type.
        first = parts[0]
        hop = first["claim"]["routes"][0]["next_hop_type"]
        other = next(k for k in peer if k != hop)
        prefix = first["claim"]["routes"][0]["prefix"]
        vm = first["check"][1]["vm"]
        first["claim"]["routes"][0]["next_hop_type"] = other
        first["text"] = route_wording.format(vm=vm, prefix=prefix, hop=other)
        first["answer"] = not first["answer"]
    rng.shuffle(parts)
    statements, explanation = [], []
    for n, p in enumerate(parts, start=1):
        i = ctx.check(*p["check"])
        statements.append(
            {"text": p["text"], "answer": p["answer"], "check": i, "claim": p["claim"]}
        )
        explanation.append(f"Statement {n}: {'Yes' if p['answer'] else 'No'}. {p['why']}")
    return {"statements": statements, "explanation": explanation}


def _prefix(doc: Doc, vnet: str) -> str:
    return next(v["address_space"][0] for v in doc["vnets"] if v["name"] == vnet)


def _hotspot(ctx: Context, doc: Doc, topo: Any, f: dict[str, Any]) -> Doc | None:
    rng = ctx.rng
    glob = rng.choice(f["globals"])
    vm_glob, vm_local, vm_hub = _vm(doc, glob), _vm(doc, f["local"]), _vm(doc, f["hub"])
    hops = [(vm_glob, vm_hub), (vm_local, vm_hub), (vm_hub, vm_glob)]
    blanks, explanation = [], []
    for src, dst in rng.sample(hops, 2):
        args = {"vm": src["name"], "dest": dst["ip"]}
        answer = run(topo, "next-hop", args)
        if answer["assumptions"]:
            return None
        i = ctx.check("next-hop", args, {"next_hop_type": answer["next_hop_type"]})
        blanks.append(
            {
                "key": str(len(blanks) + 1),
                "prompt": ctx.phrase("next_hop", src=src["name"], ip=dst["ip"], dst=dst["name"]),
                "choices": NEXT_HOPS,
                "answer": answer["next_hop_type"],
                "check": i,
                "field": "next_hop_type",
            }
        )
        same = _region(doc, src["vnet"]) == _region(doc, dst["vnet"])
        explanation.append(
            f"Blank {len(blanks)}: {answer['next_hop_type']}. {src['vnet']} and {dst['vnet']} "
            f"are {'in the same region' if same else 'in different regions'}, so the peering "
            f"route shows {'VNetPeering' if same else 'VNetGlobalPeering'} (RT-05, EX-16)."
        )
    flow = {"from": vm_glob["name"], "to": f["site_host"], "protocol": "tcp", "port": 443}
    answer = run(topo, "reach", flow)
    if answer["assumptions"] or answer["reason"] not in common.outcome_choices(OUTCOMES):
        return None
    i = ctx.check("reach", flow, {"reachable": answer["reachable"], "reason": answer["reason"]})
    blanks.append(
        {
            "key": str(len(blanks) + 1),
            "prompt": ctx.phrase(
                "onprem", src=vm_glob["name"], dst=common.label(topo, f["site_host"]), port=443
            ),
            "choices": common.outcome_choices(OUTCOMES),
            "answer": answer["reason"],
            "check": i,
            "field": "reason",
        }
    )
    if answer["reachable"]:
        why = (
            f"{glob} uses the hub gateway through gateway transit, which works over global "
            "peering as well as regional peering (PEER-08, PEER-13(c), GW-06; T-08 is outdated)."
        )
    else:
        why = " ".join(answer["explanation"][-1:])
    explanation.append(f"Blank {len(blanks)}: {answer['reason']}. {why}")
    return {"blanks": blanks, "explanation": explanation}


def _region(doc: Doc, vnet: str) -> str:
    return next(v["region"] for v in doc["vnets"] if v["name"] == vnet)


def build(ctx: Context) -> Doc | None:
    doc, facts = _draw(ctx)
    topo = common.load(doc)
    if ctx.item_type == "yes-no-series":
        got = _statements(ctx, doc, topo, facts)
    else:
        got = _hotspot(ctx, doc, topo, facts)
    if got is None:
        return None
    exhibits = [common.exhibit_vnets(doc), common.exhibit_peerings(topo), common.exhibit_vms(doc)]
    onprem = common.exhibit_onprem(doc)
    if onprem:
        exhibits.append(onprem)
    explanation = got.pop("explanation")
    return ctx.question(
        stem_fields={"hub": facts["hub"]},
        topology=doc,
        explanation=explanation,
        rules=["RT-05", "PEER-05", "PEER-08", "PEER-09", "PEER-13", "GW-06"],
        difficulty=2 + len(facts["globals"]) - 1 + (ctx.item_type == "hotspot"),
        exhibits=exhibits,
        **got,
    )


FAMILY = Family(
    "global-peering",
    "regional versus global peering: VNetPeering and VNetGlobalPeering routes, gateway "
    "transit over global peering",
    Spec(
        ("yes-no-series", "hotspot"),
        frozenset({"hub", "vm", "prefix", "hop", "src", "dst", "port", "link", "ip"}),
        ("route", "reach", "transit", "next_hop", "onprem"),
    ),
    build,
)
