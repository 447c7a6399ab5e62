"""Gateway transit: what a spoke needs to reach on-premises through the hub's VPN gateway.

Generated hub-and-spoke scenarios (shape hub-spoke-gateway, sometimes multi-region-hubs so that
a second hub exists for T-06) with one transit fault (quizgen.generator.faults). Only flows from
a spoke VM to on-premises are asked: the reverse direction leans on U-04.

fix-it: "Which single change lets X connect to Y?" The correct option is the recorded fix
(PEER-08, PEER-09, PEER-10, GW-03, RT-18); each distractor is a change from
``troubleshoot.gateway_candidates`` (T-04 flags on the wrong side, T-15 allow forwarded
traffic, T-05 a gateway in the spoke, T-06 a second hub), applied and re-evaluated by its own
``reach`` check.

multi-choice: "Which two settings should you configure?" for a spoke whose transit flags are
swapped (transit-flags-swapped) or were both left at their defaults. Each correct setting's
check applies both settings (delivered); each distractor's check applies it with one of the
correct settings (still failing). Before building, the family also proves that neither correct
setting works alone, that no distractor completes either correct one and that no two
distractors work together; the two "alone" checks are part of the question.
"""

from __future__ import annotations

from ipaddress import IPv4Address
from typing import Any

from quizgen.checks import run
from quizgen.generator import patch
from quizgen.questions import common
from quizgen.questions.bank import Spec
from quizgen.questions.families.troubleshoot import (
    BELIEFS,
    Unspeakable,
    add_wrong_options,
    changes_anything,
    describe,
    distractors,
    gateway_candidates,
    try_changes,
)
from quizgen.questions.family import Context, Family

Doc = dict[str, Any]

FIX_FAULTS = (
    "hub-transit-off",
    "spoke-remote-gateways-off",
    "spoke-own-gateway",
    "basic-sku-gateway",
    "propagation-disabled",
)
SHAPES = ("hub-spoke-gateway", "hub-spoke-gateway", "multi-region-hubs")
RULES = ["PEER-08", "PEER-09", "PEER-10", "GW-03", "GW-05", "RT-18"]


def _scenario(ctx: Context, kind: str) -> tuple[Any, Doc, Doc, Any] | None:
    """(scenario, fault record, topology document, loaded topology) or None."""
    s = common.scenario(ctx.rng, shape=ctx.rng.choice(SHAPES), faults=[kind])
    if s is None:
        return None
    doc = common.topology_of(s)
    return s, s.section["faults"][0], doc, common.load(doc)


def _onprem_flow(topo: Any, record: Doc) -> Doc | None:
    """A probe from a spoke VM to an on-premises address that fails with no assumption."""
    for probe in record["probes"]:
        args = probe["args"]
        if probe["command"] != "reach" or topo.vm(args["from"]) is None:
            continue
        if topo.vm(args["to"]) is not None:
            continue
        answer = run(topo, "reach", args)
        if not answer["reachable"] and not answer["assumptions"]:
            return dict(args)
    return None


def _hub_of(doc: Doc, spoke: str) -> str | None:
    gateways = {v["name"] for v in doc["vnets"] if v.get("gateway")}
    return next(
        (p["to"] for p in doc.get("peerings", []) if p["from"] == spoke and p["to"] in gateways),
        None,
    )


def _fix_it(ctx: Context) -> Doc | None:
    got = _scenario(ctx, ctx.rng.choice(FIX_FAULTS))
    if got is None:
        return None
    s, record, doc, topo = got
    flow = _onprem_flow(topo, record)
    if flow is None:
        return None
    spoke = topo.vm(flow["from"]).vnet
    hub = _hub_of(doc, spoke)
    if hub is None:
        return None
    fix = s.section["fix"]
    try:
        fix_text = describe(doc, fix)
    except Unspeakable:
        return None
    fixed = try_changes(doc, fix, "reach", flow)
    if fixed is None or not fixed["reachable"] or fixed["assumptions"]:
        return None
    found = distractors(ctx, doc, flow, gateway_candidates(doc, spoke, hub), fix)
    if len(found) < 3:
        return None
    broken = run(topo, "reach", flow)
    ctx.check("reach", flow, {"reachable": False, "reason": broken["reason"]})
    i = ctx.check("reach", flow, {"reachable": True, "reason": "delivered"}, fix)
    options = [{"text": fix_text, "correct": True, "check": i, "claim": {"reachable": True}}]
    explanation = [
        " ".join(broken["explanation"][:2]),
        f"Correct: {fix_text} {' '.join(fixed['explanation'][-1:])}",
    ]
    add_wrong_options(ctx, flow, ctx.rng.sample(found, 3), options, explanation)
    return ctx.question(
        stem_fields={
            "src": flow["from"],
            "dst": common.label(topo, flow["to"]),
            "port": flow["port"],
            "hub": hub,
            "spoke": spoke,
            "site": "",
        },
        topology=doc,
        explanation=explanation,
        rules=[*record["rules"], *RULES, *common.deciding_rules(broken)],
        difficulty=2 + (record["kind"] in ("spoke-own-gateway", "propagation-disabled")) + 1,
        exhibits=common.network_exhibits(doc, topo),
        options=options,
    )


def _fails(doc: Doc, changes: list[Doc], flow: Doc) -> Doc | None:
    """The answer when the flow still fails with no assumption, else None."""
    answer = try_changes(doc, changes, "reach", flow)
    if answer is None or answer["reachable"] or answer["assumptions"]:
        return None
    return answer


def _two_settings(ctx: Context) -> Doc | None:
    swapped = ctx.rng.random() < 0.5
    got = _scenario(ctx, "transit-flags-swapped" if swapped else "hub-transit-off")
    if got is None:
        return None
    _, record, doc, topo = got
    flow = _onprem_flow(topo, record)
    if flow is None:
        return None
    spoke = topo.vm(flow["from"]).vnet
    hub = _hub_of(doc, spoke) or next(
        (p["to"] for p in doc["peerings"] if p["from"] == spoke), None
    )
    if hub is None:
        return None
    up = next(p for p in doc["peerings"] if p["from"] == spoke and p["to"] == hub)
    down = next(p for p in doc["peerings"] if p["from"] == hub and p["to"] == spoke)
    if not swapped:  # the spoke's link was created with the default settings too
        doc, _ = patch.apply(
            doc,
            [{"op": "set", "path": f"peerings[{up['name']}].use_remote_gateways", "value": False}],
        )
        topo = common.load(doc)
    p = [{"op": "set", "path": f"peerings[{down['name']}].allow_gateway_transit", "value": True}]
    q = [{"op": "set", "path": f"peerings[{up['name']}].use_remote_gateways", "value": True}]
    if not (changes_anything(doc, p) and changes_anything(doc, q)):
        return None
    alone_p, alone_q = _fails(doc, p, flow), _fails(doc, q, flow)
    both = try_changes(doc, p + q, "reach", flow)
    if alone_p is None or alone_q is None or both is None or not both["reachable"]:
        return None
    if both["assumptions"]:
        return None
    found = []
    for c in gateway_candidates(doc, spoke, hub):
        if not changes_anything(doc, c.changes) or c.changes in (p, q):
            continue
        with_p, with_q = _fails(doc, c.changes + p, flow), _fails(doc, c.changes + q, flow)
        if with_p is None or with_q is None:
            continue
        try:
            found.append((c, describe(doc, c.changes), with_p, with_q))
        except Unspeakable:
            continue
    if len(found) < 3:
        return None
    chosen = ctx.rng.sample(found, 3)
    for n, (a, *_) in enumerate(chosen):  # no two distractors together complete it either
        for b, *_ in chosen[n + 1 :]:
            if _fails(doc, a.changes + b.changes, flow) is None:
                return None
    broken = run(topo, "reach", flow)
    ctx.check("reach", flow, {"reachable": False, "reason": broken["reason"]})
    ctx.check("reach", flow, {"reachable": False, "reason": alone_p["reason"]}, p)
    ctx.check("reach", flow, {"reachable": False, "reason": alone_q["reason"]}, q)
    options = []
    for mine, other in ((p, q), (q, p)):
        i = ctx.check("reach", flow, {"reachable": True, "reason": "delivered"}, mine + other)
        options.append(
            {"text": describe(doc, mine), "correct": True, "check": i, "claim": {"reachable": True}}
        )
    explanation = [
        " ".join(broken["explanation"][:2]),
        f"Correct: {options[0]['text']} (PEER-08: on the link of the VNet that has the gateway).",
        f"Correct: {options[1]['text']} (PEER-09: on the spoke's link, the spoke having no "
        "gateway of its own).",
        f"Either setting alone is not enough: with only the first the connection fails "
        f"({alone_p['reason']}), with only the second it fails ({alone_q['reason']}); "
        "with both it is delivered (GW-05).",
    ]
    for n, (c, text, with_p, with_q) in enumerate(chosen):
        partner, answer = (p, with_p) if n % 2 == 0 else (q, with_q)
        j = ctx.check(
            "reach", flow, {"reachable": False, "reason": answer["reason"]}, c.changes + partner
        )
        options.append(
            {
                "text": text,
                "correct": False,
                "check": j,
                "claim": {"reachable": True},
                "misconception": c.misconception,
            }
        )
        explanation.append(
            f"Wrong: {text} Together with either correct setting the connection still fails "
            f"({with_p['reason']}). {BELIEFS[c.misconception]} ({c.misconception})."
        )
    site = flow["to"]
    sites = topo.sites_containing(IPv4Address(site))
    return ctx.question(
        stem_fields={
            "src": flow["from"],
            "dst": common.label(topo, site),
            "port": flow["port"],
            "hub": hub,
            "spoke": spoke,
            "site": sites[0].name if sites else site,
        },
        topology=doc,
        explanation=explanation,
        rules=[*record["rules"], *RULES],
        difficulty=3 + swapped,
        exhibits=common.network_exhibits(doc, topo),
        options=options,
        select=2,
    )


def build(ctx: Context) -> Doc | None:
    for _ in range(3):
        doc = _two_settings(ctx) if ctx.item_type == "multi-choice" else _fix_it(ctx)
        if doc is not None:
            return doc
        ctx.checks.clear()
    return None


FAMILY = Family(
    "gateway-transit",
    "what a spoke needs to reach on-premises through the hub's VPN gateway: the two transit "
    "flags on the right sides, no gateway of its own, a non-Basic SKU, gateway route propagation",
    Spec(
        ("multi-choice", "fix-it"),
        frozenset({"src", "dst", "port", "hub", "spoke", "site"}),
        (),
    ),
    build,
)
