"""UDR precedence: which route Azure uses when user, gateway and system routes overlap.

Built on next-hop's lab (EX-01, EX-02, EX-03 style): a route table RT1 with several user routes on
VM1's subnet, next to the system routes (VNet, reserved None, 0.0.0.0/0, peering) and the routes
learned from a VPN gateway. Longest prefix first (RT-12), then User > BGP > System for the same
prefix (RT-13), and system VNet or peering routes beat a more specific gateway route (RT-14).

single-choice: for one destination, which route is used; the options are routes, each false one
a route a learner holding its misconception would pick (T-33 a wider UDR, T-34 a more specific
gateway route, T-37 a per-subnet system route). Checks: next-hop, whose next hop type, IP and
route table identify the route.
multi-choice (select 2): either which two destinations use a given next hop (next-hop checks;
distractors from next-hop's misconceptions), or which two of the subnet's effective routes are
Invalid (routes checks; distractors: T-33 a system route overlapped by a UDR, T-34 a peering route
with a more specific gateway route inside it, T-35 a gateway route next to a 0.0.0.0/0 UDR).
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network
from typing import Any

from quizgen.checks import run
from quizgen.evaluator import routes as rt
from quizgen.model import RouteSource
from quizgen.questions import common
from quizgen.questions.bank import Spec
from quizgen.questions.families import next_hop as nh
from quizgen.questions.family import Context, Family

Doc = dict[str, Any]


def _table_assumes(lab: Any) -> bool:
    """Whether the lab VM's effective-route table rests on an UNCONFIRMED item."""
    return bool(run(common.load(lab.doc), "routes", {"vm": lab.vm})["assumptions"])


def _draw(ctx: Context) -> nh.Lab:
    rng = ctx.rng
    gateway = rng.random() < 0.7
    peer = rng.choice(["connected", "connected", "global", None])
    default = "default-gw" if gateway and rng.random() < 0.6 else "default-nva"
    kinds = set(rng.sample([default, "private-nva", "summary"], rng.choice([2, 3, 3])))
    optional = ("vnet-nva", "local", "subnet2-nva", "peer-none", "peer-nva", "onprem-nva")
    kinds |= {k for k in (*optional, "public-none") if rng.random() < 0.35}
    if "default-nva" in kinds:
        kinds.discard("default-gw")
    if "peer-none" in kinds:
        kinds.discard("peer-nva")
    return nh.lab(
        rng,
        peer=peer,
        transitive=bool(peer) and rng.random() < 0.4,
        gateway=gateway,
        onprem_in_peer=gateway and bool(peer) and rng.random() < 0.7,
        routes=tuple(k for k in nh.ROUTE_KINDS if k in kinds),
        nva2=rng.random() < 0.7,
    )


def describe(r: rt.EffectiveRoute) -> str:
    """A route as an option names it: the user route's name, or the system route's origin."""
    hop = r.next_hop_type.value + (f" {r.next_hop_ip}" if r.next_hop_ip else "")
    if r.source is RouteSource.USER:
        return f"User route {r.name} in {r.route_table}: {r.prefix} to {hop}"
    if r.source is RouteSource.GATEWAY:
        return f"Route {r.prefix} learned from the VPN gateway: next hop {hop}"
    return f"System route {r.prefix}: next hop {hop}"


def claim_of(r: rt.EffectiveRoute) -> Doc:
    return {
        "next_hop_type": r.next_hop_type.value,
        "next_hop_ip": None if r.next_hop_ip is None else str(r.next_hop_ip),
        "route_table": r.route_table if r.source is RouteSource.USER else rt.SYSTEM_ROUTE,
    }


def _rivals(L: nh.Lab, h: nh.Hop) -> list[tuple[str, Doc, str, str]]:
    """(option text, claim, misconception, why) for routes a learner would wrongly pick."""
    win = h.route
    if win is None:
        return []
    ip = IPv4Address(h.dest.ip)
    out = []
    for r in nh.covering(L, h):
        if r is win:
            continue
        if (
            r.source is RouteSource.USER
            and win.source is RouteSource.DEFAULT
            and r.prefix.prefixlen < win.prefix.prefixlen
        ):
            out.append((describe(r), claim_of(r), "T-33", nh.WHY["T-33"]))
        if (
            r.source is RouteSource.GATEWAY
            and win.is_vnet_or_peering
            and r.prefix.prefixlen > win.prefix.prefixlen
        ):
            out.append((describe(r), claim_of(r), "T-34", nh.WHY["T-34"]))
    for s in L.doc["vnets"][0]["subnets"]:
        prefix = IPv4Network(s["prefix"])
        if (
            ip in prefix
            and win.source is RouteSource.USER
            and win.prefix.prefixlen < prefix.prefixlen
            and win.next_hop_type.value != "VnetLocal"
        ):
            text = f"System route {prefix} (subnet {s['name']}): next hop VnetLocal"
            claim = {
                "next_hop_type": "VnetLocal",
                "next_hop_ip": None,
                "route_table": "System Route",
            }
            out.append((text, claim, "T-37", nh.WHY["T-37"]))
    seen, kept = set(), []
    for item in out:
        key = repr(sorted(item[1].items()))
        if key not in seen and item[1] != h.expect:
            seen.add(key)
            kept.append(item)
    return kept


def build(ctx: Context) -> Doc | None:
    for _ in range(4):  # a draw that cannot carry the item gives way to another
        L = _draw(ctx)
        hops = [h for h in nh.next_hops(L) if h.usable and h.route is not None]
        if ctx.item_type == "single-choice":
            doc = _which_route(ctx, L, hops)
        elif ctx.rng.random() < 0.5:
            doc = _two_destinations(ctx, L, hops) or _two_invalid(ctx, L)
        else:
            doc = _two_invalid(ctx, L) or _two_destinations(ctx, L, hops)
        if doc is not None:
            return doc
        ctx.checks.clear()
    return None


def _difficulty(L: nh.Lab, misconceptions: set[str]) -> int:
    routes = len(L.doc["route_tables"][0]["routes"]) if L.table else 0
    return 1 + routes // 2 + len(misconceptions) // 2 + (1 if L.gateway else 0)


def _which_route(ctx: Context, L: nh.Lab, hops: list[nh.Hop]) -> Doc | None:
    rng = ctx.rng
    fit = [h for h in hops if len(_rivals(L, h)) >= 3]
    if not fit:
        return None
    h = rng.choice(fit)
    rivals = nh.spread(rng, _rivals(L, h), 3, [lambda r: r[2]])
    assert h.route is not None
    i = ctx.check("next-hop", {"vm": L.vm, "dest": h.dest.ip}, h.expect)
    options = [{"text": describe(h.route), "correct": True, "check": i, "claim": h.expect}]
    explanation = [nh.route_sentence(h)]
    for text, claim, why, sentence in rivals:
        i = ctx.check("next-hop", {"vm": L.vm, "dest": h.dest.ip}, h.expect)
        options.append(
            {"text": text, "correct": False, "misconception": why, "check": i, "claim": claim}
        )
        explanation.append(f"Not {text}: {sentence} ({why}).")
    return ctx.question(
        stem_fields={"vm": L.vm, "dest": h.dest.label, "subnet": L.subnet, "table": L.table},
        topology=L.doc,
        explanation=explanation,
        rules=["RT-12", "RT-13", "RT-14", *h.route.rules],
        difficulty=_difficulty(L, {r[2] for r in rivals}),
        exhibits=nh.exhibits(L),
        options=options,
    )


def _key(claim: Doc) -> tuple[str, str | None]:
    return claim["next_hop_type"], claim.get("next_hop_ip")


def _two_destinations(ctx: Context, L: nh.Lab, hops: list[nh.Hop]) -> Doc | None:
    rng = ctx.rng
    targets: dict[tuple[str, str | None], tuple[list[nh.Hop], list[tuple[nh.Hop, str]]]] = {}
    for h in hops:
        targets.setdefault(_key(h.answer), ([], []))[0].append(h)
    for h in hops:
        for claim, why in nh.wrong_claims(L, h):
            key = _key(claim)
            if key in targets:
                targets[key][1].append((h, why))
    fit = [
        (key, right, wrong)
        for key, (right, wrong) in sorted(targets.items(), key=repr)
        if len(right) >= 2 and len({h.dest.ip for h, _ in wrong}) >= 3
    ]
    if not fit:
        return None
    key, right, wrong = rng.choice(fit)
    right = rng.sample(right, 2)
    wrong = nh.spread(rng, wrong, 3, [lambda w: w[0].dest.ip, lambda w: w[1]])
    if len({h.dest.ip for h, _ in wrong}) < 3:
        return None
    claim: Doc = {"next_hop_type": key[0]}
    if key[1]:
        claim["next_hop_ip"] = key[1]
    options, explanation, rules = [], [], ["RT-12", "RT-13"]
    for h in right:
        i = ctx.check("next-hop", {"vm": L.vm, "dest": h.dest.ip}, h.expect)
        options.append({"text": h.dest.label, "correct": True, "check": i, "claim": claim})
        explanation.append(nh.route_sentence(h))
        rules += h.route.rules if h.route else []
    for h, why in wrong:
        i = ctx.check("next-hop", {"vm": L.vm, "dest": h.dest.ip}, h.expect)
        options.append(
            {
                "text": h.dest.label,
                "correct": False,
                "misconception": why,
                "check": i,
                "claim": claim,
            }
        )
        explanation.append(f"{nh.route_sentence(h)} {nh.why(why)}")
        rules += h.route.rules if h.route else []
    return ctx.question(
        stem_fields={
            "vm": L.vm,
            "subnet": L.subnet,
            "table": L.table,
            "question": ctx.phrase("two_destinations", vm=L.vm, hop=nh.hop_text(claim)),
        },
        topology=L.doc,
        explanation=explanation,
        rules=rules,
        difficulty=_difficulty(L, {w for _, w in wrong}),
        exhibits=nh.exhibits(L),
        options=options,
        select=2,
    )


def _route_claim(r: rt.EffectiveRoute, state: str) -> Doc:
    return {
        "routes": [
            {
                "prefix": str(r.prefix),
                "next_hop_type": r.next_hop_type.value,
                "source": r.source.value,
                "state": state,
            }
        ]
    }


def route_label(r: rt.EffectiveRoute) -> str:
    hop = r.next_hop_type.value + (f" ({r.next_hop_ip})" if r.next_hop_ip else "")
    return f"Source {r.source.value}, address prefix {r.prefix}, next hop type {hop}"


def invalid_rivals(L: nh.Lab) -> list[tuple[rt.EffectiveRoute, str]]:
    """Active routes a learner holding the misconception would call Invalid."""
    routes = nh.effective(L)
    user = [r for r in routes if r.source is RouteSource.USER]
    out = []
    for r in routes:
        if r.state.value != "Active" or r.source is RouteSource.USER:
            continue
        if r.source is RouteSource.DEFAULT and any(
            u.prefix != r.prefix and u.prefix.overlaps(r.prefix) for u in user
        ):
            out.append((r, "T-33"))
        if r.source is RouteSource.GATEWAY and any(u.prefix.prefixlen == 0 for u in user):
            out.append((r, "T-35"))
        if r.is_vnet_or_peering and any(
            g.source is RouteSource.GATEWAY
            and g.prefix != r.prefix
            and g.prefix.subnet_of(r.prefix)
            for g in routes
        ):
            out.append((r, "T-34"))
    return out


def _two_invalid(ctx: Context, L: nh.Lab) -> Doc | None:
    rng = ctx.rng
    routes = nh.effective(L)
    invalid = [r for r in routes if r.state.value == "Invalid"]
    rivals = invalid_rivals(L)
    if len(invalid) < 2 or len({id(r) for r, _ in rivals}) < 3:
        return None
    right = rng.sample(invalid, 2)
    wrong = nh.spread(rng, rivals, 3, [lambda w: id(w[0]), lambda w: w[1]])
    if len({id(r) for r, _ in wrong}) < 3:
        return None
    winners = {r.prefix: r for r in routes if r.state.value == "Active"}
    if _table_assumes(L):
        return None  # e.g. RT14-STATE: the listed state of a route RT-14 overrides is undocumented
    answer = {"routes": [r.to_dict() for r in routes]}
    options, explanation = [], []
    for r in right:
        i = ctx.check("routes", {"vm": L.vm}, answer)
        options.append(
            {
                "text": route_label(r),
                "correct": True,
                "check": i,
                "claim": _route_claim(r, "Invalid"),
            }
        )
        win = winners[r.prefix]
        explanation.append(
            f"{route_label(r)}: Invalid, because {describe(win)} has the same prefix and a "
            "higher precedence (User > BGP > System, RT-13, RT-15)."
        )
    for r, why in wrong:
        i = ctx.check("routes", {"vm": L.vm}, answer)
        options.append(
            {
                "text": route_label(r),
                "correct": False,
                "misconception": why,
                "check": i,
                "claim": _route_claim(r, "Invalid"),
            }
        )
        explanation.append(
            f"{route_label(r)}: Active. Only a route with the identical prefix and a higher "
            f"precedence makes it Invalid; overlapping prefixes are settled per destination by "
            f"longest prefix match (RT-12, RT-15). {nh.why(why)}"
        )
    return ctx.question(
        stem_fields={
            "vm": L.vm,
            "subnet": L.subnet,
            "table": L.table,
            "question": ctx.phrase("two_invalid", vm=L.vm, subnet=L.subnet),
        },
        topology=L.doc,
        explanation=explanation,
        rules=["RT-13", "RT-15", "RT-12", "RT-16"],
        difficulty=_difficulty(L, {w for _, w in wrong}),
        exhibits=nh.exhibits(L),
        options=options,
        select=2,
    )


FAMILY = Family(
    "udr-precedence",
    "which route wins: longest prefix, then User > BGP > System, system VNet routes over BGP",
    Spec(
        ("single-choice", "multi-choice"),
        frozenset({"vm", "dest", "subnet", "table", "hop", "question"}),
        ("two_destinations", "two_invalid"),
    ),
    build,
)
