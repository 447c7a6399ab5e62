"""Hop order: the steps a connection through a VPN gateway goes through, in order.

The topology is a generated hub-and-spoke base with a VPN gateway (hub-spoke-gateway,
hub-spoke-gateway-nva or multi-region-hubs, small) and the flow one of its connections between a
VM and an on-premises host, through the hub gateway (with gateway transit for a spoke: PEER-08,
PEER-09, GW-05). The reach answer lists its hops: the request (source, outbound NSGs, the route
chosen at the source subnet, the gateway, on-premises, or in the other direction the route of
GatewaySubnet, the peering, the inbound NSGs, delivery) and then the reply.

ordering: the learner orders the hop sentences of the request (the gate reads them with the
filtered field ``hops[leg=request].text``; ``at`` and ``step`` repeat, the sentences do not).
Flows through an appliance are left out: reach records the appliance's forwarding check before
its inbound NSGs, an order the docs do not fix (section 10 lists the checks, not their sequence
on the NIC), so a key on it could be argued.
"""

from __future__ import annotations

import random
from typing import Any

from quizgen.checks import run
from quizgen.generator.topologies import build as build_base
from quizgen.questions import common
from quizgen.questions.bank import Spec
from quizgen.questions.family import Context, Family

Doc = dict[str, Any]
SHAPES = ("hub-spoke-gateway", "hub-spoke-gateway-nva", "multi-region-hubs")
MAX_STEPS = 10


#: The steps whose order the docs fix (where the packet goes); where NSG checks sit relative to
#: route selection is only DERIVED (azure-rules.md section 10), so NSG hops are not ordered.
STEPS = ("source", "route", "peering", "gateway", "on-premises", "deliver")
FIELD = f"hops[leg=request,step={'|'.join(STEPS)}].text"


def _request(answer: Doc) -> list[Doc]:
    return [h for h in answer["hops"] if h["leg"] == "request" and h["step"] in STEPS]


def _fit(answer: Doc) -> bool:
    texts = [h["text"] for h in _request(answer)]
    return (
        answer["reachable"]
        and not answer["assumptions"]
        and 4 <= len(texts) <= MAX_STEPS
        and len(set(texts)) == len(texts)
        and not any(h["step"] == "appliance" for h in answer["hops"])
        and any(h["step"] == "gateway" for h in answer["hops"])
    )


def build(ctx: Context) -> Doc | None:
    rng = ctx.rng
    base = build_base(rng.choice(SHAPES), "small", random.Random(rng.randrange(2**31)))
    doc = base.doc
    topo = common.load(doc)
    flows = [f for f in base.flows if not (topo.vm(f["from"]) and topo.vm(f["to"]))]
    rng.shuffle(flows)
    for flow in flows:
        answer = run(topo, "reach", flow)
        if not _fit(answer):
            continue
        texts = [h["text"] for h in _request(answer)]
        steps = list(texts)
        while steps == texts:
            rng.shuffle(steps)
        hops = [{"leg": h["leg"], "step": h["step"], "at": h["at"]} for h in answer["hops"]]
        i = ctx.check("reach", flow, {"reachable": True, "reason": "delivered", "hops": hops})
        explanation = [
            f"{n}. ({h['leg']}, {h['step']} at {h['at']}) {h['text']}"
            + (f" ({', '.join(h['rules'])})" if h["rules"] else "")
            for n, h in enumerate(_request(answer), start=1)
        ]
        explanation.insert(
            0,
            f"{answer['explanation'][0]} The effective routes of the subnet the packet leaves "
            "(or of GatewaySubnet, for traffic arriving from on-premises) choose the next hop "
            "(RT-12), and the packet then crosses the peering or gateway that route names.",
        )
        return ctx.question(
            stem_fields={
                "src": common.label(topo, flow["from"]),
                "dst": common.label(topo, flow["to"]),
                "port": flow["port"],
            },
            topology=doc,
            explanation=explanation,
            rules=["RT-12", *answer["rules"]],
            difficulty=1 + len(texts) // 2,
            exhibits=common.network_exhibits(doc, topo),
            ordering={
                "check": i,
                "field": FIELD,
                "answer": texts,
                "steps": steps,
            },
        )
    return None


FAMILY = Family(
    "hop-order",
    "the hops of a connection through a hub VPN gateway, in order",
    Spec(("ordering",), frozenset({"src", "dst", "port"}), ()),
    build,
)
