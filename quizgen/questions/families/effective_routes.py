"""Effective routes: what a subnet's effective route list holds, and what it then does.

Built on next-hop's lab. The statements drill three rules of the effective routes (NW-03):
- Active and Invalid (RT-15): a route overridden by an identical prefix of higher precedence is
  listed Invalid; an overlapping but different prefix leaves it Active;
- forced tunnelling (RT-16, EX-03): a 0.0.0.0/0 user route removes the reserved None routes;
- gateway route propagation (RT-18, T-39): disabled, it removes the gateway routes but not the
  VNet or peering routes.

yes-no-series: three statements, each a claim on its own ``routes`` check (a list of dicts
matches by containment, so every statement says that a route is listed, with a state when it
names one; "is absent" is said as a false "is listed"). hotspot: the gate reads one field of one
answer, which a route list cannot give, so the blanks ask the next hop these routes produce for
two or three destinations (next-hop checks): a private address outside every VNet (RT-16), the
peered VNet (RT-18) and the on-premises site with propagation disabled (RT-18).
"""

from __future__ import annotations

from typing import Any

from quizgen.checks import run
from quizgen.evaluator import routes as rt
from quizgen.model import RouteSource
from quizgen.questions import common
from quizgen.questions.bank import Spec
from quizgen.questions.families import next_hop as nh
from quizgen.questions.families.udr_precedence import route_label
from quizgen.questions.family import Context, Family

Doc = dict[str, Any]
RESERVED = tuple(str(p) for p in rt.RESERVED_PREFIXES)


def _draw(ctx: Context) -> nh.Lab:
    rng = ctx.rng
    gateway = rng.random() < 0.75
    peer = rng.choice(["connected", "connected", "global", None])
    kinds = {k for k in nh.ROUTE_KINDS if rng.random() < 0.3}
    if rng.random() < 0.5:
        kinds.add(rng.choice(["default-nva", "default-gw"]))
    kinds.add(rng.choice(["vnet-nva", "peer-nva", "peer-none", "onprem-nva", "private-nva"]))
    if "default-nva" in kinds:
        kinds.discard("default-gw")
    if "peer-none" in kinds:
        kinds.discard("peer-nva")
    return nh.lab(
        rng,
        peer=peer,
        transitive=False,
        gateway=gateway,
        onprem_in_peer=False,
        routes=tuple(k for k in nh.ROUTE_KINDS if k in kinds),
        propagate=not gateway or rng.random() < 0.5,
        nva2=rng.random() < 0.3,
    )


def _propagation(L: nh.Lab) -> bool:
    table = L.topo.route_table(L.table)
    return table is None or table.propagate_gateway_routes


def _listed(routes: tuple[rt.EffectiveRoute, ...], prefix: str, hop: str) -> bool:
    return any(str(r.prefix) == prefix and r.next_hop_type.value == hop for r in routes)


def _statements(ctx: Context, L: nh.Lab) -> list[tuple[str, Doc, bool, str, list[str]]]:
    """Candidate statements: (text, claim, truth, explanation, rules), grouped by rule drilled."""
    rng = ctx.rng
    routes = nh.effective(L)
    out: list[tuple[str, Doc, bool, str, list[str]]] = []
    # RT-15: a route's state, claimed as it is or as the other state
    winners = {r.prefix: r for r in routes if r.state.value == "Active"}
    for r in routes:
        interesting = r.state.value == "Invalid" or (
            r.source is not RouteSource.USER
            and any(u.source is RouteSource.USER and u.prefix.overlaps(r.prefix) for u in routes)
        )
        if not interesting:
            continue
        state = rng.choice(["Active", "Invalid"])
        claim = {
            "routes": [
                {
                    "prefix": str(r.prefix),
                    "next_hop_type": r.next_hop_type.value,
                    "source": r.source.value,
                    "state": state,
                }
            ]
        }
        if r.state.value == "Invalid":
            why = (
                f"it is listed Invalid: {_short(winners[r.prefix])} has the same prefix and a "
                "higher precedence (User > BGP > System; RT-13, RT-15)"
            )
        else:
            why = (
                "it is listed Active: no route with the same prefix outranks it; a user route "
                "with a different, overlapping prefix only wins the destinations it matches "
                "more specifically (RT-12, RT-15)"
            )
        text = ctx.phrase("state", vm=L.vm, route=route_label(r), state=state)
        out.append((text, claim, r.state.value == state, f"{route_label(r)}: {why}.", ["RT-15"]))
    # RT-16: the reserved None routes, gone when a 0.0.0.0/0 user route exists
    forced = any(r.source is RouteSource.USER and r.prefix.prefixlen == 0 for r in routes)
    for prefix in RESERVED:
        there = _listed(routes, prefix, "None")
        if forced:
            why = (
                f"the user route for 0.0.0.0/0 in {L.table} removes the reserved None routes "
                "from the subnet, so addresses in " + prefix + " follow the 0.0.0.0/0 route "
                "(RT-16, EX-03)"
            )
        else:
            why = (
                f"without a 0.0.0.0/0 user route every subnet keeps the reserved route {prefix} "
                "with next hop None (RT-03, RT-04)"
            )
        text = ctx.phrase("listed", vm=L.vm, prefix=prefix, hop="None")
        claim = {"routes": [{"prefix": prefix, "next_hop_type": "None"}]}
        out.append((text, claim, there, f"{prefix} -> None: {why}.", ["RT-16", "RT-03"]))
    # RT-18: propagation off removes gateway routes, not peering routes (T-39)
    propagate = _propagation(L)
    if L.gateway:
        prefix = L.prefixes["onprem"]
        there = _listed(routes, prefix, "VirtualNetworkGateway")
        why = (
            f"route table {L.table} has gateway route propagation disabled, so the subnet gets no "
            "route from VGW1 (RT-18)"
            if not propagate
            else "VGW1 connects OnPrem1 and propagation is on, so the gateway adds a route per "
            "site prefix (RT-06)"
        )
        text = ctx.phrase("listed", vm=L.vm, prefix=prefix, hop="VirtualNetworkGateway")
        claim = {"routes": [{"prefix": prefix, "next_hop_type": "VirtualNetworkGateway"}]}
        out.append(
            (text, claim, there, f"{prefix} -> VirtualNetworkGateway: {why}.", ["RT-18", "RT-06"])
        )
    if L.peer in ("connected", "global"):
        prefix = L.prefixes["vnet2"]
        hop = "VNetGlobalPeering" if L.peer == "global" else "VNetPeering"
        there = _listed(routes, prefix, hop)
        why = (
            "disabling gateway route propagation removes only gateway routes; the peering "
            "route stays (RT-18, T-39)"
            if not propagate
            else "VNet2 is peered with VNet1 (Connected both ways), so every subnet gets a "
            "peering route for its range (RT-05)"
        )
        text = ctx.phrase("listed", vm=L.vm, prefix=prefix, hop=hop)
        claim = {"routes": [{"prefix": prefix, "next_hop_type": hop}]}
        out.append((text, claim, there, f"{prefix} -> {hop}: {why}.", ["RT-18", "RT-05"]))
    return out


def _short(r: rt.EffectiveRoute) -> str:
    if r.source is RouteSource.USER:
        return f"user route {r.name}"
    return f"the {r.source.value} route"


def build(ctx: Context) -> Doc | None:
    for _ in range(4):
        L = _draw(ctx)
        if L.table is None:
            continue
        doc = _series(ctx, L) if ctx.item_type == "yes-no-series" else _hotspot(ctx, L)
        if doc is not None:
            return doc
        ctx.checks.clear()
    return None


def _series(ctx: Context, L: nh.Lab) -> Doc | None:
    rng = ctx.rng
    pool = _statements(ctx, L)
    if len(pool) < 3:
        return None
    # One statement per rule drilled where possible, and not all with the same answer.
    picked = nh.spread(rng, pool, 3, [lambda s: s[4][0], lambda s: s[2]])
    if len({s[2] for s in picked}) < 2:
        other = [s for s in pool if s[2] != picked[0][2] and s not in picked]
        if not other:
            return None
        picked[-1] = rng.choice(other)
    rng.shuffle(picked)
    statements, explanation, rules = [], [], ["NW-03"]
    if run(common.load(L.doc), "routes", {"vm": L.vm})["assumptions"]:
        return None  # the table rests on an UNCONFIRMED item (RT14-STATE, ADDR-05)
    answer = {"routes": [r.to_dict() for r in nh.effective(L)]}
    for n, (text, claim, truth, why, ids) in enumerate(picked, start=1):
        i = ctx.check("routes", {"vm": L.vm}, answer)
        statements.append({"text": text, "answer": truth, "check": i, "claim": claim})
        explanation.append(f"Statement {n}: {'Yes' if truth else 'No'}. {why}")
        rules += ids
    return ctx.question(
        stem_fields={"vm": L.vm, "subnet": L.subnet, "vnet": L.vnet, "table": L.table},
        topology=L.doc,
        explanation=explanation,
        rules=rules,
        difficulty=1 + len(L.doc["route_tables"][0]["routes"]) // 2 + sum(not s[2] for s in picked),
        exhibits=nh.exhibits(L),
        statements=statements,
    )


def _hotspot(ctx: Context, L: nh.Lab) -> Doc | None:
    rng = ctx.rng
    hops = [h for h in nh.next_hops(L) if h.usable]
    wanted = ["outside", "peer", "onprem"]
    chosen: list[nh.Hop] = []
    for kind in wanted:
        # Usable answers only: a gateway route as the answer leans on U-05 (its next hop IP).
        fit = [h for h in hops if h.dest.kind == kind]
        if fit:
            chosen.append(rng.choice(fit))
    if len(chosen) < 2:
        return None
    blanks, explanation, rules = [], [], ["NW-03", "NW-02"]
    for n, h in enumerate(chosen, start=1):
        types = {h.type, *(c["next_hop_type"] for c, _ in nh.wrong_claims(L, h))}
        extra = ["None", "Internet", "VirtualAppliance", "VNetPeering"]
        if L.gateway:
            extra.append("VirtualNetworkGateway")
        rng.shuffle(extra)
        for t in extra:
            if len(types) >= 4:
                break
            types.add(t)
        i = ctx.check("next-hop", {"vm": L.vm, "dest": h.dest.ip}, h.expect)
        blanks.append(
            {
                "key": str(n),
                "prompt": ctx.phrase("blank", vm=L.vm, dest=h.dest.label),
                "choices": [t for t in nh.HOP_TYPES if t in types],
                "answer": h.type,
                "check": i,
                "field": "next_hop_type",
            }
        )
        sentence = nh.route_sentence(h)
        if h.dest.kind == "peer" and not _propagation(L):
            sentence += " " + nh.why("T-39")
        elif h.dest.kind == "outside" and h.type != "None":
            sentence += " The 0.0.0.0/0 user route removed the reserved None routes (RT-16)."
        elif h.dest.kind == "onprem" and not _propagation(L):
            sentence += (
                f" {L.table} disables gateway route propagation, so no route from VGW1 covers "
                "it (RT-18)."
            )
        explanation.append(sentence)
        rules += h.route.rules if h.route else ["RT-03"]
    return ctx.question(
        stem_fields={"vm": L.vm, "subnet": L.subnet, "vnet": L.vnet, "table": L.table},
        topology=L.doc,
        explanation=explanation,
        rules=[*rules, "RT-16", "RT-18"],
        difficulty=1 + len(blanks) + (0 if _propagation(L) else 1),
        exhibits=nh.exhibits(L),
        blanks=blanks,
    )


FAMILY = Family(
    "effective-routes",
    "a subnet's effective routes: Active/Invalid, forced tunnelling, gateway route propagation",
    Spec(
        ("yes-no-series", "hotspot"),
        frozenset({"vm", "subnet", "vnet", "table", "route", "state", "prefix", "hop", "dest"}),
        ("state", "listed", "blank"),
    ),
    build,
)
