"""Connectivity: which flows work in a network with one fault (reach, every check of section 10).

yes-no-series: three flows, each a statement "X can connect to Y on TCP port N", judged on its
own. single-choice: from one VM, which destination answers; each wrong option is a destination a
learner holding the misconception of its failure reason would pick (common.py).
"""

from __future__ import annotations

from typing import Any

from quizgen.checks import reach_result
from quizgen.questions import common
from quizgen.questions.bank import Spec
from quizgen.questions.family import Context, Family

Doc = dict[str, Any]


def _answers(ctx: Context) -> tuple[Doc, Any, list[tuple[Doc, Doc]]] | None:
    """(topology document, topology, [(flow, verdict)...]) of the scenario's probe and candidate
    flows whose answer leans on no assumption; the whole answer is read only for the flows asked."""
    s = common.scenario(ctx.rng)
    if s is None:
        return None
    doc = common.topology_of(s)
    topo = common.load(doc)
    flows = [
        dict(p["args"]) for f in s.section["faults"] for p in f["probes"] if p["command"] == "reach"
    ] + list(s.flows)
    seen, answered = set(), []
    for flow in flows:
        key = (flow["from"], flow["to"], flow["port"])
        if key in seen:
            continue
        seen.add(key)
        verdict = reach_result(topo, flow).verdict()
        if not verdict["assumptions"]:
            answered.append((flow, verdict))
    return doc, topo, answered


def _explain(ctx: Context, topo: Any, flow: Doc, answer: Doc) -> str:
    """The verdict, the deciding check and any later failure: the root cause is named too."""
    return " ".join(answer["explanation"][:3])


def build(ctx: Context) -> Doc | None:
    got = _answers(ctx)
    if got is None:
        return None
    doc, topo, answered = got
    exhibits = common.network_exhibits(doc, topo)
    rules = ["RT-12", "NSG-05"]
    if ctx.item_type == "yes-no-series":
        good = [fa for fa in answered if fa[1]["reachable"]]
        bad = [fa for fa in answered if not fa[1]["reachable"]]
        if not good or not bad or len(answered) < 3:
            return None
        picked = [ctx.rng.choice(bad), ctx.rng.choice(good)]
        rest = [fa for fa in answered if fa not in picked]
        picked.append(ctx.rng.choice(rest))
        ctx.rng.shuffle(picked)
        statements, explanation = [], []
        for n, (flow, _) in enumerate(picked, start=1):
            answer = common.reach_answer(topo, flow)
            i = ctx.check(
                "reach", flow, {"reachable": answer["reachable"], "reason": answer["reason"]}
            )
            fields = {
                "src": common.label(topo, flow["from"]),
                "dst": common.label(topo, flow["to"]),
                "port": flow["port"],
            }
            statements.append(
                {
                    "text": ctx.phrase("statement", **fields),
                    "answer": answer["reachable"],
                    "check": i,
                    "claim": {"reachable": True},
                }
            )
            verdict = "Yes" if answer["reachable"] else "No"
            explanation.append(f"Statement {n}: {verdict}. {_explain(ctx, topo, flow, answer)}")
            rules += common.deciding_rules(answer)
        failing = sum(not v["reachable"] for _, v in picked)
        return ctx.question(
            stem_fields={},
            topology=doc,
            explanation=explanation,
            rules=rules,
            difficulty=1 + failing + len(doc["vnets"]) // 3,
            exhibits=exhibits,
            statements=statements,
        )
    # single-choice: from one source, exactly one of four hosts answers on the port. Every
    # other VM and on-premises host is a candidate, each evaluated on its own.
    sources = sorted({(f["from"], f["port"]) for f, _ in answered if topo.vm(f["from"])})
    hosts = [vm.name for vm in topo.vms] + [
        f["to"] for f, _ in answered if topo.vm(f["to"]) is None
    ]
    for src, port in ctx.rng.sample(sources, len(sources)):
        good, bad = [], []
        for dst in dict.fromkeys(hosts):
            if dst == src:
                continue
            flow = {"from": src, "to": dst, "protocol": "tcp", "port": port}
            verdict = reach_result(topo, flow).verdict()
            if verdict["assumptions"]:
                continue
            if verdict["reachable"]:
                good.append((flow, verdict))
            elif common.misconception_of(verdict):
                bad.append((flow, verdict))
        if not good or len(bad) < 3:
            continue  # an exam item offers four hosts
        right = ctx.rng.choice(good)
        wrong = ctx.rng.sample(bad, 3)
        options, explanation = [], []
        for flow, _ in [right, *wrong]:
            answer = common.reach_answer(topo, flow)
            i = ctx.check(
                "reach", flow, {"reachable": answer["reachable"], "reason": answer["reason"]}
            )
            option: Doc = {
                "text": common.label(topo, flow["to"]),
                "correct": answer["reachable"],
                "check": i,
                "claim": {"reachable": True},
            }
            if not answer["reachable"]:
                option["misconception"] = common.misconception_of(answer)
            options.append(option)
            explanation.append(
                f"{common.label(topo, flow['to'])}: {_explain(ctx, topo, flow, answer)}"
            )
            rules += common.deciding_rules(answer)
        return ctx.question(
            stem_fields={"src": common.label(topo, src), "port": port},
            topology=doc,
            explanation=explanation,
            rules=rules,
            difficulty=2 + len(doc["vnets"]) // 3,
            exhibits=exhibits,
            options=options,
        )
    return None


FAMILY = Family(
    "connectivity",
    "which flows work in a network with one fault: peering, NSGs, routes, transit, appliances",
    Spec(("yes-no-series", "single-choice"), frozenset({"src", "dst", "port"}), ("statement",)),
    build,
)
