"""Case study: one larger network (a medium scenario with one fault) and several questions on it.

As on the exam, a case study gives the company's network once, in exhibits, then asks questions
of different types about it. The questions come from the connectivity and troubleshoot
families, built on the case's scenario (common.FIXED_SCENARIO), each with its own checks; the
gate passes each one on the case's topology.
"""

from __future__ import annotations

import random
from typing import Any

from quizgen.generator.scenario import ScenarioError, generate
from quizgen.questions import common
from quizgen.questions.bank import Spec
from quizgen.questions.family import Context, Family

Doc = dict[str, Any]
SHAPES = ("hub-spoke-gateway-nva", "hub-spoke-gateway", "hub-spoke-nva", "multi-region-hubs")
#: (family, item type) of the questions a case asks, in the order it asks them.
PARTS = (
    ("connectivity", "yes-no-series"),
    ("connectivity", "single-choice"),
    ("troubleshoot", "fix-it"),
)


def build(ctx: Context) -> Doc | None:
    from quizgen.generator.faults import CATALOGUE
    from quizgen.questions.families import families
    from quizgen.questions.generate import wording

    shape = ctx.rng.choice(SHAPES)
    kinds = [k for k, f in CATALOGUE.items() if f.check == "reach" and shape in f.shapes]
    try:
        s = generate(
            ctx.rng.randrange(2**31),
            shape=shape,
            faults=[ctx.rng.choice(kinds)],
            size="medium",
            remember=True,  # the gate loads its documents again
        )
    except ScenarioError:
        return None
    doc = common.topology_of(s)
    questions = []
    token = common.FIXED_SCENARIO.set(s)
    try:
        for n, (name, item_type) in enumerate(PARTS):
            family = families()[name]
            sub = Context(
                family, wording(name), ctx.seed, item_type, random.Random(f"{ctx.id}/{n}")
            )
            built = family.build(sub)
            if built is not None:
                questions.append(
                    {k: v for k, v in built.items() if k not in ("topology", "exhibits", "id")}
                )
    finally:
        common.FIXED_SCENARIO.reset(token)
    if len(questions) < 2:
        return None
    topo = common.load(doc)
    case = ctx.question(
        stem_fields={"vnets": len(doc["vnets"]), "vms": len(doc.get("vms", []))},
        topology=doc,
        explanation=[],
        rules=[r for q in questions for r in q["rules"]],
        difficulty=max(q["difficulty"] for q in questions) + 1,
        exhibits=common.network_exhibits(doc, topo),
    )
    case["questions"] = questions
    case["answer"] = "; ".join(
        f"Question {n}: {q['answer']}" for n, q in enumerate(questions, start=1)
    )
    case["explanation"] = [
        f"Question {n}: {line}"
        for n, q in enumerate(questions, start=1)
        for line in q["explanation"]
        if not line.startswith("Learn more")
    ]
    case["explanation"].append(f"Learn more: {ctx.wording.learn}")
    return case


FAMILY = Family(
    "case-study",
    "one larger network and several questions of different types about it",
    Spec(("case-study",), frozenset({"vnets", "vms"}), ()),
    build,
)
