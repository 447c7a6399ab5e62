"""NVA routing: spoke to spoke through a hub appliance, broken one way, fixed by one change.

The topology is a generated hub-spoke-nva scenario with one fault: a spoke's routes through the
appliance missing (udr-missing-one-spoke, NVA-03, RT-20), both spokes' routes missing
(non-transitive, PEER-04), a user route to None (udr-to-none, RT-08), the appliance NIC without
IP forwarding (nva-ip-forwarding-off, NVA-01) or its OS not forwarding (nva-os-not-forwarding,
NVA-02). The question asks which single change lets one spoke VM reach another.

fix-it and single-choice: the correct option is the scenario's recorded fix (its changes, put in
exam wording); each distractor is a change the evaluator proves does not deliver the flow, with
the misconception behind it: IP forwarding on the endpoints' NICs (T-42), a route in one spoke
only (T-43), an outbound NSG rule for the replies (T-23). A change that does nothing (a flag
already on) is never offered, and neither is "allow forwarded traffic" (already on in these
topologies, and its enforcement is UNCONFIRMED: U-01).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from quizgen.checks import run
from quizgen.errors import QuizgenError
from quizgen.generator import patch
from quizgen.generator.scenario import ScenarioError, generate
from quizgen.questions import common
from quizgen.questions.bank import Spec
from quizgen.questions.families.next_hop import spread
from quizgen.questions.family import Context, Family

Doc = dict[str, Any]

FAULTS = (
    "udr-missing-one-spoke",
    "nva-ip-forwarding-off",
    "nva-os-not-forwarding",
    "non-transitive",
    "udr-to-none",
)
WHY = {
    "T-23": "NSGs are stateful: the reply of an allowed flow needs no outbound rule (NSG-06)",
    "T-42": "IP forwarding matters only on the NIC of the VM that forwards (the appliance), not "
    "on the endpoints; and the NIC setting alone does not make a VM forward (NVA-01, NVA-02)",
    "T-43": "a route table acts only on traffic leaving the subnets it is associated with; the "
    "reply follows the routes of the other side, so spoke-to-spoke traffic through a hub "
    "appliance needs its routes in both spokes (NVA-03, RT-20)",
}


def _by_name(items: list[Doc], name: str) -> Doc:
    return next(item for item in items if item["name"] == name)


def _vm(doc: Doc, name: str) -> Doc:
    return _by_name(doc["vms"], name)


def _subnet(doc: Doc, vm: Doc) -> Doc:
    return _by_name(_by_name(doc["vnets"], vm["vnet"])["subnets"], vm["subnet"])


def _appliance(doc: Doc) -> Doc | None:
    """The hub appliance: the VM the spoke routes point at (in the fixed topology)."""
    ips = {
        r.get("next_hop_ip")
        for t in doc.get("route_tables", [])
        for r in t.get("routes", [])
        if r.get("next_hop_type") == "VirtualAppliance"
    }
    return next((v for v in doc["vms"] if v["ip"] in ips), None)


def describe_fix(doc: Doc, changes: list[Doc]) -> str | None:
    """The recorded fix in exam wording; None for a shape of change it does not know."""
    adds: dict[str, list[Doc]] = defaultdict(list)
    parts: list[str] = []
    settings: dict[str, dict[str, Any]] = defaultdict(dict)
    deleted: list[str] = []
    dissociated: list[str] = []
    for change in changes:
        op, path, value = change["op"], change["path"], change.get("value")
        if op == "add" and path.startswith("route_tables[") and path.endswith("].routes"):
            adds[path[len("route_tables[") : -len("].routes")]].append(value)
        elif op == "set" and path.startswith("vms["):
            name, field = path[len("vms[") :].split("].", 1)
            settings[name][field] = value
        elif op == "set" and path.startswith("route_tables[") and ".routes[" in path:
            table, rest = path[len("route_tables[") :].split("].routes[", 1)
            route, field = rest.split("].", 1)
            settings[f"{table}/{route}"][field] = value
        elif op == "remove" and path.startswith("route_tables[") and ".routes[" in path:
            table, route = path[len("route_tables[") : -1].split("].routes[", 1)
            parts.append(f"Delete the route {route} from the route table {table}.")
        elif op == "remove" and path.startswith("route_tables["):
            deleted.append(path[len("route_tables[") : -1])
        elif op == "set" and path.endswith(".route_table") and value is None:
            vnet, subnet = path[len("vnets[") : -len("].route_table")].split("].subnets[")
            dissociated.append(f"the subnet {subnet} of {vnet}")
        else:
            return None
    if deleted or dissociated:
        if len(deleted) != 1 or len(dissociated) > 1:
            return None
        where = f" from {dissociated[0]}" if dissociated else ""
        parts.append(f"Dissociate the route table {deleted[0]}{where} and delete it.")
    if adds:
        hops = {r.get("next_hop_ip") for rs in adds.values() for r in rs}
        if len(hops) != 1 or any(
            r["next_hop_type"] != "VirtualAppliance" for rs in adds.values() for r in rs
        ):
            return None
        tables = " and ".join(
            f"{t} (for {', '.join(sorted(r['prefix'] for r in rs))})" for t, rs in adds.items()
        )
        parts.insert(
            0,
            f"Add routes to the route table {tables} with next hop type Virtual appliance and "
            f"next hop address {hops.pop()}.",
        )
    for name, fields in settings.items():
        if "/" in name:
            table, route = name.split("/")
            if fields.get("next_hop_type") != "VirtualAppliance" or not fields.get("next_hop_ip"):
                return None
            parts.append(
                f"Change the route {route} in {table} to next hop type Virtual appliance with "
                f"next hop address {fields['next_hop_ip']}."
            )
        elif fields == {"ip_forwarding": True}:
            parts.append(f"Enable IP forwarding on the network interface of {name}.")
        elif fields == {"appliance": True}:
            parts.append(
                f"Enable IP forwarding in the operating system of {name} (for example, "
                "net.ipv4.ip_forward=1 on Linux)."
            )
        else:
            return None
    return " ".join(parts) if parts else None


def _free_priority(nsg: Doc, direction: str) -> int:
    used = {r["priority"] for r in nsg.get("rules", []) if r["direction"] == direction}
    return next(p for p in range(100, 4097, 10) if p not in used)


def _distractors(doc: Doc, src: Doc, dst: Doc, nva: Doc, port: int) -> list[tuple[str, list, str]]:
    """(text, changes, misconception) candidates; the evaluator later keeps the ones that fail."""
    out: list[tuple[str, list, str]] = []
    if not src.get("ip_forwarding") and not dst.get("ip_forwarding"):
        out.append(
            (
                f"Enable IP forwarding on the network interfaces of {src['name']} and "
                f"{dst['name']}.",
                [
                    {"op": "set", "path": f"vms[{src['name']}].ip_forwarding", "value": True},
                    {"op": "set", "path": f"vms[{dst['name']}].ip_forwarding", "value": True},
                ],
                "T-42",
            )
        )
    for here, there in ((src, dst), (dst, src)):
        table = _subnet(doc, here).get("route_table")
        if table is None:
            continue
        prefix = _subnet(doc, there)["prefix"]
        routes = _by_name(doc["route_tables"], table).get("routes", [])
        name = f"to-{there['subnet'].removeprefix('snet-')}-{there['vnet'].removeprefix('vnet-')}"
        if any(r["prefix"] == prefix or r["name"] == name for r in routes):
            continue
        route = {
            "name": name,
            "prefix": prefix,
            "next_hop_type": "VirtualAppliance",
            "next_hop_ip": nva["ip"],
        }
        out.append(
            (
                f"Add a route to the route table {table} (used by {here['name']}'s subnet) for "
                f"{prefix} with next hop type Virtual appliance and next hop address {nva['ip']}.",
                [{"op": "add", "path": f"route_tables[{table}].routes", "value": route}],
                "T-43",
            )
        )
    nsg_name = _subnet(doc, dst).get("nsg") or dst.get("nsg")
    if nsg_name:
        nsg = _by_name(doc["nsgs"], nsg_name)
        prefix = _subnet(doc, src)["prefix"]
        rule = {
            "name": f"allow-replies-to-{src['name']}",
            "priority": _free_priority(nsg, "outbound"),
            "direction": "outbound",
            "access": "allow",
            "protocol": "tcp",
            "source": "*",
            "source_ports": str(port),
            "destination": prefix,
            "destination_ports": "*",
        }
        out.append(
            (
                f"Add an outbound security rule to {nsg_name} that allows TCP traffic from port "
                f"{port} to {prefix}, so that the replies of {dst['name']} can leave.",
                [{"op": "add", "path": f"nsgs[{nsg_name}].rules", "value": rule}],
                "T-23",
            )
        )
    return out


def _outcome(doc: Doc, flow: Doc, changes: list[Doc]) -> Doc | None:
    """The reach answer with ``changes`` applied; None when the change does not apply."""
    try:
        changed, _ = patch.apply(doc, changes)
    except patch.PatchError:
        return None
    if changed == doc:
        return None  # a change that changes nothing is no option
    try:
        return run(common.load(changed), "reach", flow)
    except QuizgenError:
        return None


def build(ctx: Context) -> Doc | None:
    rng = ctx.rng
    fault = rng.choice(FAULTS)
    try:
        s = generate(rng.randrange(2**31), shape="hub-spoke-nva", faults=[fault], remember=True)
    except ScenarioError:
        return None
    doc = common.topology_of(s)
    fixed, _ = patch.apply(doc, s.section["fix"])
    nva = _appliance(fixed)
    text = describe_fix(doc, s.section["fix"])
    if nva is None or text is None:
        return None
    hub = nva["vnet"]
    topo = common.load(doc)
    probes = [dict(p["args"]) for f in s.section["faults"] for p in f["probes"]]
    rng.shuffle(probes)
    others = [f for f in s.flows if f not in probes]
    rng.shuffle(others)
    for flow in probes + others:  # the fault's own probes first: they fail by construction
        src = next((v for v in doc["vms"] if v["name"] == flow["from"]), None)
        dst = next((v for v in doc["vms"] if v["name"] == flow["to"]), None)
        if src is None or dst is None or src["vnet"] == dst["vnet"]:
            continue
        if fault != "udr-to-none" and hub in (src["vnet"], dst["vnet"]):
            continue  # spoke to spoke, through the appliance
        broken = run(topo, "reach", flow)
        healed = _outcome(doc, flow, s.section["fix"])
        if broken["reachable"] or broken["assumptions"]:
            continue
        if healed is None or not healed["reachable"] or healed["assumptions"]:
            continue
        wrong = []
        candidates = _distractors(doc, src, dst, _vm(doc, nva["name"]), flow["port"])
        for option_text, changes, why in candidates:
            answer = _outcome(doc, flow, changes)
            if answer is not None and not answer["reachable"] and not answer["assumptions"]:
                wrong.append((option_text, changes, why, answer))
        if len(wrong) < 3:
            continue
        wrong = spread(rng, wrong, 3, [lambda w: w[2]])
        return _question(ctx, s, doc, topo, flow, broken, healed, text, wrong, fault)
    return None


def _expect(answer: Doc) -> Doc:
    return {"reachable": answer["reachable"], "reason": answer["reason"]}


def _question(ctx, s, doc, topo, flow, broken, healed, text, wrong, fault) -> Doc:
    i = ctx.check("reach", flow, _expect(healed), changes=s.section["fix"])
    options = [{"text": text, "correct": True, "check": i, "claim": {"reachable": True}}]
    explanation = [
        " ".join(broken["explanation"][:2]),
        f"The fix: {text} Then: {healed['explanation'][0]}",
    ]
    rules = ["NVA-03", "RT-20", *s.section["faults"][0]["rules"], *common.deciding_rules(broken)]
    for option_text, changes, why, answer in wrong:
        i = ctx.check("reach", flow, _expect(answer), changes=changes)
        options.append(
            {
                "text": option_text,
                "correct": False,
                "misconception": why,
                "check": i,
                "claim": {"reachable": True},
            }
        )
        first = answer["explanation"][1] if len(answer["explanation"]) > 1 else ""
        explanation.append(
            f'Not "{option_text}": the flow still fails ({answer["reason"]}). {first} '
            f"{WHY[why][0].upper()}{WHY[why][1:]} ({why})."
        )
        rules += common.deciding_rules(answer)
    spokes = len({v["vnet"] for v in doc["vms"]}) - 1
    hard = {"non-transitive": 2, "udr-missing-one-spoke": 2, "udr-to-none": 1}.get(fault, 1)
    return ctx.question(
        stem_fields={"src": flow["from"], "dst": flow["to"], "port": flow["port"]},
        topology=doc,
        explanation=explanation,
        rules=rules,
        difficulty=1 + hard + spokes // 2,
        exhibits=common.network_exhibits(doc, topo),
        options=options,
    )


FAMILY = Family(
    "nva-routing",
    "spoke to spoke through a hub NVA: routes in both spokes, IP forwarding on NIC and in OS",
    Spec(("fix-it", "single-choice"), frozenset({"src", "dst", "port"}), ()),
    build,
)
