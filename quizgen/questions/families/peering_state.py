"""Peering link states: Initiated after a one-sided creation, Disconnected after the reverse
link was deleted through the API (PEER-02, PEER-03, EX-14).

The learner sees what an administrator did (an "Actions" exhibit), never the resulting states.

single-choice, two forms:
- the states of two links after the actions; each option claims both states through its own
  ``peerings`` check. A wrong state is what a learner holding T-02 (one side is enough:
  Connected) or T-03 (a Disconnected link just waits to be completed again: Initiated) expects;
- what restores connectivity over a Disconnected link; each option is a change decided by its
  own ``reach`` check on the changed topology (T-03: re-create only the deleted link or edit
  the surviving one; T-02: re-create only the surviving link).

hotspot: the gate reads a blank from a scalar field of one answer, and ``peerings`` answers a
list, so the blanks use ``next-hop`` (no peering route while a link is not Connected, RT-05)
and ``reach`` with a change (what an action does to the connection). The hotspot's network
always has a pair peered on both sides, and blank 1 (the next hop now) asks about it or about
the broken link with even odds: its answer is a peering next hop as often as None.
"""

from __future__ import annotations

import itertools
from typing import Any

from quizgen.checks import run
from quizgen.generator import patch
from quizgen.questions import common
from quizgen.questions.bank import Spec
from quizgen.questions.family import Context, Family

Doc = dict[str, Any]

REGIONS = ("eastus", "eastus2", "westus2", "centralus", "westeurope", "northeurope", "uksouth")
NAMES = ("sales", "hr", "dev", "test", "prod", "finance", "web", "data", "ops", "lab", "crm")
PORTS = (443, 22, 3389, 1433, 8080)
#: What a learner holding a misconception thinks a link's state is, by its true state.
WRONG_STATE = {
    "Initiated": (("Connected", "T-02"),),
    "Disconnected": (("Connected", "T-02"), ("Initiated", "T-03")),
}
NEXT_HOPS = ["VNetPeering", "VNetGlobalPeering", "None", "VnetLocal"]
OUTCOMES = ["delivered", "peering-not-connected", "no-route", "vnet-access-disabled"]


def _short(vnet: str) -> str:
    return vnet.removeprefix("vnet-")


def _link_name(a: str, b: str) -> str:
    return f"peer-{_short(a)}-to-{_short(b)}"


def _link(a: str, b: str, **extra: Any) -> Doc:
    return {"name": _link_name(a, b), "from": a, "to": b, **extra}


def _draw(
    ctx: Context, events: tuple[str, str], contrast: bool | None = None
) -> tuple[Doc, list[Doc], list[Doc]]:
    """The topology after the actions, the two links asked about and the actions (exhibit rows).

    Events: "I" = only the first link was created; "D" = both were created, then the reverse
    link was deleted through the CLI. ``contrast``: whether a third pair is peered on both
    sides (Connected); None draws it.
    """
    rng = ctx.rng
    names = [f"vnet-{n}" for n in rng.sample(NAMES, 4)]
    octets = rng.sample(range(1, 250), 4)
    region = rng.choice(REGIONS)
    far = rng.choice([r for r in REGIONS if r != region])
    vnets, vms = [], []
    for n, (name, o) in enumerate(zip(names, octets, strict=True)):
        vnets.append(
            {
                "name": name,
                "region": far if n == 3 and rng.random() < 0.5 else region,
                "address_space": [f"10.{o}.0.0/16"],
                "subnets": [{"name": "snet-app", "prefix": f"10.{o}.1.0/24"}],
            }
        )
        vms.append(
            {"name": f"vm-{_short(name)}", "vnet": name, "subnet": "snet-app", "ip": f"10.{o}.1.4"}
        )
    hub = names[0]
    pairs = [(hub, names[1]), (names[2], names[3]) if rng.random() < 0.5 else (hub, names[3])]
    peerings: list[Doc] = []
    actions: list[list[str]] = []
    asked: list[Doc] = []
    for (a, b), event in zip(pairs, events, strict=True):
        if rng.random() < 0.5:
            a, b = b, a
        steps = [f"On {a}, create the peering link {_link_name(a, b)} to {b}."]
        if event == "D":
            steps.append(f"On {b}, create the peering link {_link_name(b, a)} to {a}.")
            steps.append(
                f"Run az network vnet peering delete to delete {_link_name(b, a)} from {b}."
            )
            peerings.append(_link(a, b, state="Disconnected"))
        else:
            peerings.append(_link(a, b))
        actions.append(steps)
        asked.append(peerings[-1])
    if contrast is None:
        contrast, partner = rng.random() < 0.5, names[2]
    else:  # asked for: with a VNet that may be in another region (global peering)
        partner = rng.choice(names[2:])
    if contrast:  # a pair created on both sides, for contrast
        a, b = names[1], partner
        peerings += [_link(a, b), _link(b, a)]
        actions.append(
            [
                f"On {a}, create the peering link {_link_name(a, b)} to {b}.",
                f"On {b}, create the peering link {_link_name(b, a)} to {a}.",
            ]
        )
    rows = _interleave(ctx, actions)
    doc = {"vnets": vnets, "peerings": peerings, "vms": vms}
    return doc, asked, [{"step": n, "action": text} for n, text in enumerate(rows, start=1)]


def _interleave(ctx: Context, sequences: list[list[str]]) -> list[str]:
    """The actions of every pair merged in a random order that keeps each pair's own order."""
    queues = [list(s) for s in sequences]
    out = []
    while any(queues):
        queue = ctx.rng.choice([q for q in queues if q])
        out.append(queue.pop(0))
    return out


def _exhibit_actions(actions: list[Doc]) -> Doc:
    return {
        "title": "Actions performed, in order",
        "columns": ["Step", "Action"],
        "rows": [[a["step"], a["action"]] for a in actions],
    }


def _exhibits(doc: Doc, actions: list[Doc]) -> list[Doc]:
    return [common.exhibit_vnets(doc), common.exhibit_vms(doc), _exhibit_actions(actions)]


def _vm_of(doc: Doc, vnet: str) -> Doc:
    return next(v for v in doc["vms"] if v["vnet"] == vnet)


def _state_sentence(view: Doc) -> str:
    if view["state"] == "Initiated":
        return (
            f"{view['name']} is Initiated: only {view['from']} has created its link, and no "
            f"traffic flows until {view['to']} creates the reverse link (PEER-02)."
        )
    if view["state"] == "Disconnected":
        return (
            f"{view['name']} is Disconnected: its reverse link was deleted through the API, so "
            "traffic stops; it cannot be reconnected, only deleted and created again together "
            "with the reverse link (PEER-03)."
        )
    return f"{view['name']} is Connected: both links exist (PEER-02)."


def _views(topo: Any) -> dict[str, Doc]:
    return {v["name"]: v for v in run(topo, "peerings", {})["peerings"]}


# --- changes an administrator might make, and what a learner would believe about them ---------


def _recreate_both(link: Doc) -> list[Doc]:
    keep = {k: v for k, v in link.items() if k != "state"}
    return [
        {"op": "remove", "path": f"peerings[{link['name']}]"},
        {"op": "add", "path": "peerings", "value": keep},
        {"op": "add", "path": "peerings", "value": _link(link["to"], link["from"])},
    ]


def _actions(link: Doc) -> list[tuple[str, list[Doc], str | None]]:
    """(text, changes, misconception or None when it is meant to fix) for a broken link."""
    a, b, name = link["from"], link["to"], link["name"]
    reverse = _link_name(b, a)
    keep = {k: v for k, v in link.items() if k != "state"}
    forwarded = {"op": "set", "path": f"peerings[{name}].allow_forwarded_traffic", "value": True}
    again = [
        {"op": "remove", "path": f"peerings[{name}]"},
        {"op": "add", "path": "peerings", "value": keep},
    ]
    if link.get("state") == "Disconnected":
        return [
            (
                f"Delete {name} from {a}, and then create both {name} and {reverse} again.",
                _recreate_both(link),
                None,
            ),
            (
                f"Create the peering link {reverse} from {b} to {a} again.",
                [{"op": "add", "path": "peerings", "value": _link(b, a)}],
                "T-03",
            ),
            (f"Edit {name} and enable Allow forwarded traffic.", [forwarded], "T-03"),
            (f"Delete {name} from {a}, and then create {name} again.", again, "T-02"),
        ]
    return [
        (
            f"Create the peering link {reverse} from {b} to {a}.",
            [{"op": "add", "path": "peerings", "value": _link(b, a)}],
            None,
        ),
        (f"Edit {name} and enable Allow forwarded traffic.", [forwarded], "T-02"),
        (f"Delete {name} from {a}, and then create {name} again.", again, "T-02"),
    ]


def _flow(doc: Doc, link: Doc, port: int) -> Doc:
    return {
        "from": _vm_of(doc, link["from"])["name"],
        "to": _vm_of(doc, link["to"])["name"],
        "protocol": "tcp",
        "port": port,
    }


def _reach(ctx: Context, doc: Doc, flow: Doc, changes: list[Doc] | None) -> tuple[int, Doc] | None:
    changed = patch.apply(doc, changes)[0] if changes else doc
    answer = run(common.load(changed), "reach", flow)
    if answer["assumptions"]:
        return None
    expect = {"reachable": answer["reachable"], "reason": answer["reason"]}
    return ctx.check("reach", flow, expect, changes), answer


# --- item types ---------------------------------------------------------------------------------


def _states(ctx: Context) -> Doc | None:
    events = ctx.rng.choice((("D", "I"), ("I", "D"), ("D", "D"), ("I", "I")))
    doc, asked, actions = _draw(ctx, events)
    topo = common.load(doc)
    views = _views(topo)
    actual = [views[link["name"]]["state"] for link in asked]
    combos: list[tuple[tuple[str, ...], str | None]] = [(tuple(actual), None)]
    alternatives = [[(s, None), *WRONG_STATE.get(s, ())] for s in actual]
    for combo in itertools.product(*alternatives):
        wrong = {m for _, m in combo if m is not None}
        if len(wrong) == 1:
            combos.append((tuple(s for s, _ in combo), wrong.pop()))
    if len(combos) < 4:
        return None
    chosen = [combos[0], *ctx.rng.sample(combos[1:], 3)]
    options = []
    for states, misconception in chosen:
        claim = {
            "peerings": [
                {"name": link["name"], "state": s} for link, s in zip(asked, states, strict=True)
            ]
        }
        expect = {
            "peerings": [
                {"name": link["name"], "state": views[link["name"]]["state"]} for link in asked
            ]
        }
        i = ctx.check("peerings", {}, expect)
        option: Doc = {
            "text": "; ".join(
                f"{link['name']}: {s}" for link, s in zip(asked, states, strict=True)
            ),
            "correct": misconception is None,
            "check": i,
            "claim": claim,
        }
        if misconception:
            option["misconception"] = misconception
        options.append(option)
    explanation = [_state_sentence(views[link["name"]]) for link in asked]
    explanation.append(
        "A learner who expects Connected believes one side of a peering is enough (T-02); one "
        "who expects a Disconnected link to be Initiated believes it can simply be completed "
        "again (T-03)."
    )
    ask = ctx.phrase("ask_states", link1=asked[0]["name"], link2=asked[1]["name"])
    return ctx.question(
        stem_fields={"ask": ask},
        topology=doc,
        explanation=explanation,
        rules=["PEER-01", "PEER-02", "PEER-03"],
        difficulty=2 + events.count("D"),
        exhibits=_exhibits(doc, actions),
        options=options,
    )


def _fix(ctx: Context) -> Doc | None:
    doc, asked, actions = _draw(ctx, ("D", ctx.rng.choice("ID")))
    link = asked[0]
    port = ctx.rng.choice(PORTS)
    flow = _flow(doc, link, port)
    options, explanation = [], []
    for text, changes, misconception in _actions(link):
        got = _reach(ctx, doc, flow, changes)
        if got is None:
            return None
        i, answer = got
        if answer["reachable"] != (misconception is None):
            return None
        option: Doc = {
            "text": text,
            "correct": answer["reachable"],
            "check": i,
            "claim": {"reachable": True},
        }
        if misconception:
            option["misconception"] = misconception
        options.append(option)
        verdict = (
            "restores the connection"
            if answer["reachable"]
            else f"leaves it failing ({answer['reason']})"
        )
        explanation.append(f"{text[:-1]}: {verdict}.")
    topo = common.load(doc)
    explanation.insert(0, _state_sentence(_views(topo)[link["name"]]))
    ask = ctx.phrase("ask_fix", src=flow["from"], dst=flow["to"], port=port)
    return ctx.question(
        stem_fields={"ask": ask},
        topology=doc,
        explanation=explanation,
        rules=["PEER-02", "PEER-03"],
        difficulty=3,
        exhibits=_exhibits(doc, actions),
        options=options,
    )


def _hotspot(ctx: Context) -> Doc | None:
    events = ctx.rng.choice((("D", "I"), ("I", "D"), ("D", "D"), ("I", "I")))
    doc, asked, actions = _draw(ctx, events, contrast=True)
    link = ctx.rng.choice(asked)
    port = ctx.rng.choice(PORTS)
    flow = _flow(doc, link, port)
    dst_ip = _vm_of(doc, link["to"])["ip"]
    topo = common.load(doc)
    views = _views(topo)
    blanks, explanation = [], [_state_sentence(views[link["name"]])]
    # Blank 1 asks about the broken link or the pair peered on both sides, so that its answer
    # is a peering next hop as often as None.
    connected = [v for v in views.values() if v["state"] == "Connected"]
    now = views[link["name"]] if ctx.rng.random() < 0.5 else ctx.rng.choice(connected)
    if now["state"] == "Connected":
        explanation.append(_state_sentence(now))
    src = _vm_of(doc, now["from"])["name"]
    now_ip = _vm_of(doc, now["to"])["ip"]
    args = {"vm": src, "dest": now_ip}
    hop = run(topo, "next-hop", args)
    if hop["assumptions"]:
        return None
    i = ctx.check("next-hop", args, {"next_hop_type": hop["next_hop_type"]})
    blanks.append(
        {
            "key": "1",
            "prompt": ctx.phrase("next_hop_now", src=src, ip=now_ip),
            "choices": NEXT_HOPS,
            "answer": hop["next_hop_type"],
            "check": i,
            "field": "next_hop_type",
        }
    )
    if now["state"] == "Connected":
        explanation.append(
            f"Blank 1: {hop['next_hop_type']}. Both links between {now['from']} and "
            f"{now['to']} exist, so the peer's range gets a peering route; VNetGlobalPeering "
            "when the two virtual networks are in different regions (RT-05, PEER-02)."
        )
    else:
        explanation.append(
            f"Blank 1: {hop['next_hop_type']}. A peering adds routes only when both links are "
            "Connected (RT-05, PEER-02); until then the system route for the private range "
            "decides."
        )
    text, changes, misconception = ctx.rng.choice(_actions(link))
    got = _reach(ctx, doc, flow, changes)
    if got is None:
        return None
    i, answer = got
    if answer["reason"] not in common.outcome_choices(OUTCOMES):
        return None
    blanks.append(
        {
            "key": "2",
            "prompt": ctx.phrase(
                "after_action",
                action=text[0].lower() + text[1:-1],
                src=flow["from"],
                dst=flow["to"],
                port=port,
            ),
            "choices": common.outcome_choices(OUTCOMES),
            "answer": answer["reason"],
            "check": i,
            "field": "reason",
        }
    )
    if answer["reachable"]:
        explanation.append(f"Blank 2: delivered. {text[:-1]} makes both links Connected.")
    else:
        belief = (
            "a Disconnected link cannot be edited or completed back (T-03)"
            if misconception == "T-03"
            else "one side of a peering is not enough (T-02)"
        )
        explanation.append(
            f"Blank 2: {answer['reason']}. {text[:-1]} leaves the peering not Connected: {belief}."
        )
    fix_text, fix_changes, _ = _actions(link)[0]
    fixed = common.load(patch.apply(doc, fix_changes)[0])
    hop = run(fixed, "next-hop", {"vm": flow["from"], "dest": dst_ip})
    if not hop["assumptions"]:
        i = ctx.check(
            "next-hop",
            {"vm": flow["from"], "dest": dst_ip},
            {"next_hop_type": hop["next_hop_type"]},
            fix_changes,
        )
        blanks.append(
            {
                "key": "3",
                "prompt": ctx.phrase(
                    "next_hop_after_fix",
                    action=fix_text[0].lower() + fix_text[1:-1],
                    src=flow["from"],
                    ip=dst_ip,
                ),
                "choices": NEXT_HOPS,
                "answer": hop["next_hop_type"],
                "check": i,
                "field": "next_hop_type",
            }
        )
        explanation.append(
            f"Blank 3: {hop['next_hop_type']}. Once both links are Connected, the peer's range "
            "gets a peering route; VNetGlobalPeering when the two virtual networks are in "
            "different regions (RT-05)."
        )
    return ctx.question(
        stem_fields={},
        topology=doc,
        explanation=explanation,
        rules=["PEER-02", "PEER-03", "RT-05"],
        difficulty=2 + len(blanks) // 2 + (link.get("state") == "Disconnected"),
        exhibits=_exhibits(doc, actions),
        blanks=blanks,
    )


def build(ctx: Context) -> Doc | None:
    if ctx.item_type == "hotspot":
        return _hotspot(ctx)
    return _states(ctx) if ctx.rng.random() < 0.5 else _fix(ctx)


FAMILY = Family(
    "peering-state",
    "peering link states after a one-sided creation (Initiated) or an API deletion of one "
    "side (Disconnected), and how to recover",
    Spec(
        ("single-choice", "hotspot"),
        frozenset({"ask", "link1", "link2", "src", "dst", "port", "ip", "action"}),
        ("ask_states", "ask_fix", "next_hop_now", "after_action", "next_hop_after_fix"),
    ),
    build,
)
