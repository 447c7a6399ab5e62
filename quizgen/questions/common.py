"""Helpers the families share: scenarios, exhibits, labels, misconceptions, reach checks."""

from __future__ import annotations

import random
from contextvars import ContextVar
from typing import Any

from quizgen.checks import reach_result
from quizgen.generator.scenario import Scenario, ScenarioError, generate
from quizgen.loader import load_document
from quizgen.model import Topology

Doc = dict[str, Any]

#: The misconception (azure-rules.md section 12) of a learner who expects delivery where the
#: evaluator says this reason: the wrong belief that option stands for.
MISCONCEPTION_OF_REASON = {
    "no-route": "T-01",  # peering is transitive
    "peering-not-connected": "T-02",  # one side of the peering is enough
    "nsg-deny-inbound": "T-18",  # an allow in either NSG is enough
    "nsg-deny-outbound": "T-18",
    "vnet-access-disabled": "T-14",  # disabling VNet access only removes routes / nothing
    "gateway-transit-not-enabled": "T-04",  # the transit flags' sides
    "gateway-routes-not-propagated": "T-39",
    "local-gateway-conflict": "T-05",
    "basic-sku-no-transit": "T-07",
    "ip-forwarding-disabled": "T-42",
    "appliance-not-forwarding": "T-44",
    "route-none": "T-33",  # a UDR always wins / routes are only additive
    "next-hop-vm-stopped": "T-44",
}


#: A case study pins one scenario while its questions are built (families.case_study).
FIXED_SCENARIO: ContextVar[Scenario | None] = ContextVar("FIXED_SCENARIO", default=None)


#: Failure reasons about the path itself: when an NSG denies first only because the path is
#: missing (the peer left the VirtualNetwork tag), these name the real cause.
_PATH_REASONS = (
    "no-route",
    "peering-not-connected",
    "gateway-transit-not-enabled",
    "gateway-routes-not-propagated",
    "local-gateway-conflict",
    "basic-sku-no-transit",
)


def outcome_choices(choices: list[str]) -> list[str]:
    """Result codes to offer in a blank. When the list names why there is no route (peering not
    connected, transit not enabled...), "no-route" is left out, since it would be true as well
    for those answers. The list never depends on the answer: choices that change with the key
    give the key away (a review found "no-route" offered only when the answer was delivered).
    A family whose answer is not among these choices asks something else."""
    if any(c in _PATH_REASONS and c != "no-route" for c in choices):
        return [c for c in choices if c != "no-route"]
    return list(choices)


def root_reason(answer: Doc) -> str:
    """The cause a learner should be told about: the failure reason, unless an NSG denied first
    and a path failure follows (then the path failure)."""
    if answer["reason"] in ("nsg-deny-outbound", "nsg-deny-inbound"):
        for later in answer.get("also_failing", []):
            if later in _PATH_REASONS:
                return later
    return answer["reason"]


def misconception_of(answer: Doc) -> str | None:
    """The misconception of a learner who expects this failing flow to work (its root cause)."""
    return MISCONCEPTION_OF_REASON.get(root_reason(answer))


def scenario(rng: random.Random, **kwargs: Any) -> Scenario | None:
    """A generated scenario (or the case study's, while one is being built)."""
    fixed = FIXED_SCENARIO.get()
    if fixed is not None:
        return fixed
    if "faults" not in kwargs:  # a fault whose effect shows in reach, not a refused configuration
        from quizgen.generator.faults import CATALOGUE

        kwargs["faults"] = [
            rng.choice(sorted(k for k, f in CATALOGUE.items() if f.check == "reach"))
        ]
    try:
        return generate(rng.randrange(2**31), **kwargs, remember=True)  # the gate loads it again
    except ScenarioError:
        return None


def topology_of(s: Scenario) -> Doc:
    """The question's topology: the faulty network, without the scenario section that names
    the fault (that would give the answer away)."""
    return {k: v for k, v in s.doc.items() if k != "scenario"}


def load(doc: Doc) -> Topology:
    return load_document(doc, "question")


def reach_answer(topo: Topology, flow: Doc) -> Doc:
    """``run(topo, "reach", flow)``: the reach check's answer, the same document (from the
    records kept per topology: checks.reach_result)."""
    return reach_result(topo, flow).to_dict()


def label(topo: Topology, name_or_ip: str) -> str:
    """How a stem names an endpoint: a VM by name, an on-premises host by address and site."""
    if topo.vm(name_or_ip) is not None:
        return name_or_ip
    from ipaddress import IPv4Address

    sites = topo.sites_containing(IPv4Address(name_or_ip))
    return f"{name_or_ip} (on-premises, {sites[0].name})" if sites else name_or_ip


def deciding_rules(answer: Doc) -> list[str]:
    """The rule IDs of the hop that decided a reach answer (the first failure, else the route)."""
    hops = answer["hops"]
    failing = [h for h in hops if not h["ok"]]
    if failing:
        return failing[0]["rules"]
    return [r for h in hops if h["step"] in ("route", "nsg-inbound") for r in h["rules"]][:4]


# --- exhibits: the tables a real item shows ---------------------------------------------------


def exhibit_vnets(doc: Doc) -> Doc:
    def subnet(s: Doc) -> str:
        extras = [
            f"NSG {s['nsg']}" if s.get("nsg") else "",
            f"route table {s['route_table']}" if s.get("route_table") else "",
        ]
        return f"{s['name']} ({', '.join([s['prefix'], *filter(None, extras)])})"

    def gateway(v: Doc) -> str:
        g = v.get("gateway")
        if not g:
            return "None"
        sites = ", ".join(g.get("connections", [])) or "no connection"
        return f"{g['name']} ({g.get('type', 'vpn').upper()}, {g.get('sku', 'VpnGw1')}; {sites})"

    return {
        "title": "Virtual networks",
        "columns": ["Name", "Region", "Address space", "Subnets", "Gateway"],
        "rows": [
            [
                v["name"],
                v["region"],
                ", ".join(v["address_space"]),
                "; ".join(subnet(s) for s in v.get("subnets", [])),
                gateway(v),
            ]
            for v in doc["vnets"]
        ],
    }


def exhibit_onprem(doc: Doc) -> Doc | None:
    if not doc.get("onprem"):
        return None
    return {
        "title": "On-premises networks",
        "columns": ["Name", "Address space"],
        "rows": [[o["name"], ", ".join(o["address_space"])] for o in doc["onprem"]],
    }


def network_exhibits(doc: Doc, topo: Topology) -> list[Doc]:
    """Everything that decides a flow: VNets, peerings, VMs, NSGs, route tables, sites."""
    exhibits = [exhibit_vnets(doc), exhibit_peerings(topo), exhibit_vms(doc)]
    exhibits += [exhibit_nsg(n) for n in doc.get("nsgs", [])]
    exhibits += [exhibit_route_table(t) for t in doc.get("route_tables", [])]
    onprem = exhibit_onprem(doc)
    return exhibits + ([onprem] if onprem else [])


def exhibit_peerings(topo: Topology) -> Doc:
    from quizgen.evaluator.peering import peering_views

    rows = []
    for view in peering_views(topo):
        link = view.link
        rows.append(
            [
                link.name,
                link.from_vnet,
                link.to_vnet,
                view.state.value,
                _yes(link.allow_virtual_network_access),
                _yes(link.allow_forwarded_traffic),
                _yes(link.allow_gateway_transit),
                _yes(link.use_remote_gateways),
            ]
        )
    return {
        "title": "Peerings",
        "columns": [
            "Name",
            "From",
            "To",
            "State",
            "Allow virtual network access",
            "Allow forwarded traffic",
            "Allow gateway transit",
            "Use remote gateways",
        ],
        "rows": rows,
    }


def exhibit_vms(doc: Doc) -> Doc:
    def settings(v: Doc) -> str:
        flags = [
            "IP forwarding" if v.get("ip_forwarding") else "",
            "forwards in the OS" if v.get("appliance") else "",
            "stopped" if v.get("power_state") == "stopped" else "",
            f"public IP {v['public_ip']}" if v.get("public_ip") else "",
        ]
        return ", ".join(filter(None, flags)) or "-"

    return {
        "title": "Virtual machines",
        "columns": ["Name", "Virtual network", "Subnet", "Private IP", "NIC NSG", "Settings"],
        "rows": [
            [v["name"], v["vnet"], v["subnet"], v["ip"], v.get("nsg") or "None", settings(v)]
            for v in doc.get("vms", [])
        ],
    }


def exhibit_nsg(nsg: Doc) -> Doc:
    return {
        "title": f"NSG {nsg['name']}",
        "columns": [
            "Priority",
            "Name",
            "Direction",
            "Access",
            "Protocol",
            "Source",
            "Destination",
            "Ports",
        ],
        "rows": [
            [
                r["priority"],
                r["name"],
                r["direction"],
                r["access"],
                r.get("protocol", "*"),
                _field(r.get("source", "*")),
                _field(r.get("destination", "*")),
                str(r.get("destination_ports", "*")),
            ]
            for r in sorted(nsg.get("rules", []), key=lambda r: r["priority"])
        ],
    }


def exhibit_route_table(table: Doc) -> Doc:
    return {
        "title": f"Route table {table['name']}"
        + (
            ""
            if table.get("propagate_gateway_routes", True)
            else " (gateway route propagation: disabled)"
        ),
        "columns": ["Name", "Address prefix", "Next hop type", "Next hop IP"],
        "rows": [
            [r["name"], r["prefix"], r["next_hop_type"], r.get("next_hop_ip") or ""]
            for r in table.get("routes", [])
        ],
    }


def _field(value: Any) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value)


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"
