"""Peering candidates: which VNets can be peered with a hub (can-peer: ADDR-01, ADDR-02, EX-17).

A hand-built hub is already peered with one or two spokes; the candidate VNets have one or two
address prefixes each. Some overlap the hub only through a prefix that holds no subnet that
overlaps the hub's subnets (a learner who thinks only subnets matter accepts them: T-09); some
reuse the range of a spoke already peered with the hub, or are themselves peered with a VNet
that reuses the hub's range (a learner who thinks spokes of one hub may reuse a range accepts
them: T-10). Every option is decided by its own ``can-peer`` check.

single-choice: which one VNet can be peered. multi-choice: which two (5 options).
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
NAMES = (
    "dev",
    "test",
    "prod",
    "sales",
    "hr",
    "lab",
    "finance",
    "web",
    "data",
    "ops",
    "research",
    "partner",
    "legacy",
    "analytics",
    "billing",
)


def _vnet(name: str, region: str, prefixes: list[str], subnets: list[tuple[str, str]]) -> Doc:
    return {
        "name": name,
        "region": region,
        "address_space": prefixes,
        "subnets": [{"name": n, "prefix": p} for n, p in subnets],
    }


def _pair(a: str, b: str) -> list[Doc]:
    short = {x: x.removeprefix("vnet-") for x in (a, b)}
    return [
        {"name": f"peer-{short[a]}-to-{short[b]}", "from": a, "to": b},
        {"name": f"peer-{short[b]}-to-{short[a]}", "from": b, "to": a},
    ]


def _draw(ctx: Context, wanted_ok: int) -> tuple[Doc, str, list[tuple[str, str]]]:
    """The topology, the hub's name and the candidates as (vnet, intended misconception or '')."""
    rng = ctx.rng
    octets = rng.sample(range(2, 250, 2), 14)  # even: 10.(h+1).0.0/16 stays free for a /15
    region = rng.choice(REGIONS)
    names = [f"vnet-{n}" for n in rng.sample(NAMES, 8)]
    hub = rng.choice(("vnet-hub", "vnet-core", "vnet-connectivity"))
    h = octets.pop()
    hub_prefixes = [f"10.{h}.0.0/16"]
    if rng.random() < 0.4:  # a hub with a second prefix, from 172.16/12
        hub_prefixes.append(f"172.{rng.randrange(16, 32)}.{rng.randrange(0, 16) * 16}.0/20")
    vnets = [
        _vnet(
            hub,
            region,
            hub_prefixes,
            [("snet-shared", f"10.{h}.0.0/24"), ("snet-mgmt", f"10.{h}.1.0/24")],
        )
    ]
    peerings: list[Doc] = []
    spokes = []
    for n in range(rng.choice((1, 2))):
        s = octets.pop()
        name = f"vnet-spoke{n + 1}"
        vnets.append(
            _vnet(
                name,
                region,
                [f"10.{s}.0.0/16"],
                [("snet-app", f"10.{s}.0.0/24"), ("snet-db", f"10.{s}.1.0/24")],
            )
        )
        peerings += _pair(hub, name)
        spokes.append((name, s))
    candidates: list[tuple[str, str]] = []
    used_extra: set[str] = set(hub_prefixes[1:])

    def extra_prefix() -> str:
        while True:
            p = f"172.{rng.randrange(16, 32)}.{rng.randrange(0, 16) * 16}.0/20"
            if p not in used_extra:
                used_extra.add(p)
                return p

    # Candidates that can be peered: fresh /16s, sometimes with a second prefix.
    for _ in range(wanted_ok):
        k = octets.pop()
        prefixes = [f"10.{k}.0.0/16"]
        if rng.random() < 0.4:
            prefixes.append(extra_prefix())
        name = names.pop()
        vnets.append(_vnet(name, region, prefixes, [("snet-app", f"10.{k}.0.0/24")]))
        candidates.append((name, ""))
    # T-09: overlaps the hub's address space, but no subnet overlaps a hub subnet.
    t09 = []
    k = octets.pop()
    t09.append(
        (
            [f"10.{k}.0.0/16", f"10.{h}.{rng.choice((128, 160, 192))}.0/20"],
            [("snet-app", f"10.{k}.0.0/24")],
        )
    )
    low = rng.choice((64, 128, 192))
    t09.append(([f"10.{h}.{low}.0/18"], [("snet-app", f"10.{h}.{low + 8}.0/24")]))
    t09.append(([f"10.{h}.0.0/15"], [("snet-app", f"10.{h + 1}.0.0/24")]))
    if len(hub_prefixes) > 1:
        second = IPv4Network(hub_prefixes[1])
        k2 = octets.pop()
        t09.append(
            (
                [f"10.{k2}.0.0/16", str(next(second.subnets(new_prefix=22)))],
                [("snet-app", f"10.{k2}.0.0/24")],
            )
        )
    # T-10: reuses (part of) the range of a spoke already peered with the hub.
    t10: list[tuple[list[str], list[tuple[str, str]], str | None]] = []
    _, s = rng.choice(spokes)
    t10.append(
        ([f"10.{s}.0.0/16"], [("snet-app", f"10.{s}.0.0/24"), ("snet-db", f"10.{s}.1.0/24")], None)
    )
    k3 = octets.pop()
    t10.append(
        (
            [f"10.{k3}.0.0/16", f"10.{s}.{rng.choice((64, 128))}.0/20"],
            [("snet-app", f"10.{k3}.0.0/24")],
            None,
        )
    )
    k4 = octets.pop()
    t10.append(([f"10.{k4}.0.0/16"], [("snet-app", f"10.{k4}.0.0/24")], "mirror"))
    wrong: list[tuple[str, str]] = []
    for prefixes, subnets in rng.sample(t09, 2):
        name = names.pop()
        vnets.append(_vnet(name, region, prefixes, subnets))
        wrong.append((name, "T-09"))
    for prefixes, subnets, mirror in rng.sample(t10, 2):
        name = names.pop()
        vnets.append(_vnet(name, region, prefixes, subnets))
        wrong.append((name, "T-10"))
        if mirror:  # the candidate is peered with a copy of the hub's range
            copy = names.pop()
            vnets.append(_vnet(copy, region, [f"10.{h}.0.0/16"], [("snet-lab", f"10.{h}.10.0/24")]))
            peerings += _pair(name, copy)
    candidates += wrong
    doc = {"vnets": vnets, "peerings": peerings, "vms": []}
    return doc, hub, candidates


def _because(answer: Doc, hub: str, name: str) -> str:
    if answer["ok"]:
        return (
            f"{name} can be peered with {hub}: its address space overlaps neither {hub} nor "
            f"any virtual network already peered with {hub} (ADDR-01, ADDR-02)."
        )
    parts = []
    for c in answer["conflicts"]:
        text = f"{c['vnet']} range {c['prefix']} overlaps {c['overlaps']}"
        if c["already_peered_with"]:
            text += f", and {c['vnet']} is already peered with {c['already_peered_with']}"
        parts.append(text)
    if answer["reason"] == "address-space-overlap":
        why = (
            "peered virtual networks may not overlap at all; the whole address space counts, "
            "not only the subnets (ADDR-01; T-09 is wrong)"
        )
    else:
        why = (
            "a virtual network may not overlap another one already peered with the same "
            "virtual network, even though those two are not peered to each other "
            "(ADDR-02, EX-17; T-10 is wrong)"
        )
    return f"{name} cannot be peered with {hub} ({answer['reason']}): {'; '.join(parts)}: {why}."


def build(ctx: Context) -> Doc | None:
    multi = ctx.item_type == "multi-choice"
    wanted_ok = 2 if multi else 1
    doc, hub, candidates = _draw(ctx, wanted_ok)
    topo = common.load(doc)
    ok = [c for c in candidates if not c[1]]
    wrong = [c for c in candidates if c[1]]
    chosen = ok + ctx.rng.sample(wrong, 3)
    options, explanation, rules = [], [], ["ADDR-01", "ADDR-02"]
    multi_prefix, mirrored = 0, False
    for name, misconception in chosen:
        args = {"vnet_a": hub, "vnet_b": name}
        answer = run(topo, "can-peer", args)
        if answer["ok"] != (not misconception):
            return None  # the draw did not give what it meant to: never key on an intention
        i = ctx.check("can-peer", args, {"ok": answer["ok"], "reason": answer["reason"]})
        option: Doc = {"text": name, "correct": answer["ok"], "check": i, "claim": {"ok": True}}
        if not answer["ok"]:
            option["misconception"] = misconception
        options.append(option)
        explanation.append(_because(answer, hub, name))
        multi_prefix += len(topo.vnet(name).address_space) > 1
        mirrored = mirrored or any(
            c["already_peered_with"] not in (None, hub) for c in answer["conflicts"]
        )
    exhibits = [common.exhibit_vnets(doc), common.exhibit_peerings(topo)]
    return ctx.question(
        stem_fields={"hub": hub},
        topology=doc,
        explanation=explanation,
        rules=rules,
        difficulty=2 + (multi_prefix > 1) + mirrored + multi,
        exhibits=exhibits,
        options=options,
        select=2 if multi else None,
    )


FAMILY = Family(
    "peering-candidates",
    "which VNets can be peered with a hub: overlap with the hub (ADDR-01) or with a VNet "
    "already peered with it (ADDR-02)",
    Spec(("single-choice", "multi-choice"), frozenset({"hub"}), ()),
    build,
)
