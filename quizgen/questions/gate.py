"""The verified-key gate: a question document is kept only if the evaluator re-derives its key.

A question document (contracts.md section 4) carries ``checks``: evaluator queries with the
``quizgen net`` argument names and the answer they must reproduce. Every option, statement,
hotspot blank and ordering refers to one check by index and states what it claims:

- an option or statement: ``{"check": i, "claim": {...}}``; it is correct (true) exactly when
  the claim matches check i's answer (``quizgen.checks.mismatches``);
- a hotspot blank: ``{"check": i, "field": "next_hop_type", "answer": ...}``; the answer is that
  field of check i's answer, and it is one of the blank's choices. A blank whose field may be
  empty (null, like the next hop IP of a VnetLocal or Internet next hop) names the choice that
  stands for empty in ``"null_choice"``; that choice is the answer exactly when the field is null;
- an ordering: ``{"check": i, "field": "hops", "answer": [...]}`` read the same way.

A check may carry ``changes`` (quizgen.generator.patch): it is then run on the topology with
those changes applied, which is how fix-it options are decided.

The gate refuses a question when any check fails to reproduce, when an answer leans on an
UNCONFIRMED rule (a non-empty ``assumptions``), when an option's ``correct`` disagrees with its
check, when the number of correct options is not the intended one, when two statements share a
check (they must be decided independently), or when a blank's answer is not among its choices.
"""

from __future__ import annotations

from typing import Any

from quizgen.checks import mismatches, run
from quizgen.errors import QuizgenError
from quizgen.generator import patch
from quizgen.loader import load_document
from quizgen.model import Topology

Doc = dict[str, Any]

#: How many options are correct, by item type (multi-choice says so in its "select" field).
SINGLE = {"single-choice": 1, "fix-it": 1}


def answers(question: Doc, topo: Topology | None = None) -> list[Doc]:
    """Run every check of the question on its embedded topology (``topo``: that topology as
    the gate already loaded it); the answers, in order."""
    base = question["topology"]
    if topo is None:
        topo = load_document(base, question["id"])
    out = []
    for check in question["checks"]:
        changes = check.get("changes")
        if changes:
            changed, _ = patch.apply(base, changes)
            out.append(run(load_document(changed, question["id"]), check["command"], check["args"]))
        else:
            out.append(run(topo, check["command"], check["args"]))
    return out


def _field(answer: Doc, field: str) -> Any:
    """The value at a dotted path. A list maps over its items; ``key[a=x,b=y|z]`` keeps the
    items of list ``key`` whose field ``a`` is ``x`` and ``b`` is ``y`` or ``z``. A filter that
    keeps exactly one item gives that item (so ``peerings[name=hub-to-a].state`` is a value)."""
    value: Any = answer
    for part in field.split("."):
        key, _, filters = part.partition("[")
        value = value[key] if isinstance(value, dict) else [v[key] for v in value]
        if filters:
            for condition in filters.rstrip("]").split(","):
                name, _, wanted = condition.partition("=")
                allowed = wanted.split("|")
                value = [v for v in value if str(v.get(name)) in allowed]
            if len(value) == 1 and "name=" in filters:
                value = value[0]
    return value


def problems(question: Doc) -> list[str]:
    """Everything wrong with the question's key; empty when the gate lets it through."""
    if question["item_type"] == "case-study":
        return _case_problems(question)
    return _problems(question, {})


def _refusal(topo: Topology) -> str | None:
    """Why Azure would refuse the topology: its configuration errors (warnings allowed)."""
    from quizgen.validate import ACCEPTED_BUT_BROKEN
    from quizgen.validate import check as validate

    errors = [
        p.code
        for p in validate(topo)
        if p.severity == "error" and p.code not in ACCEPTED_BUT_BROKEN
    ]
    if errors:
        return f"its topology is one Azure refuses ({', '.join(sorted(set(errors)))})"
    return None


def _problems(question: Doc, refusals: dict[int, tuple[Topology, str | None]]) -> list[str]:
    """``problems`` of one question; ``refusals`` keeps ``_refusal`` of the topologies this gate
    call has validated (a case study's questions share one), by id with the topology held."""
    try:
        topo = load_document(question["topology"], question["id"])
        results = answers(question, topo)
    except (QuizgenError, KeyError, IndexError, TypeError) as error:
        return [f"its checks do not run: {error}"]
    out: list[str] = []
    # The exhibits must show a network Azure accepts: no configuration error (warnings allowed).
    if id(topo) not in refusals:
        refusals[id(topo)] = (topo, _refusal(topo))
    refusal = refusals[id(topo)][1]
    if refusal:
        out.append(refusal)
    for n, (check, answer) in enumerate(zip(question["checks"], results, strict=True)):
        out += [f"check {n}: {m}" for m in mismatches(check.get("expect", {}), answer)]
        if answer.get("assumptions"):
            ids = [a["id"] for a in answer["assumptions"]]
            out.append(f"check {n} leans on UNCONFIRMED rules: {', '.join(ids)}")

    def holds(item: Doc) -> bool:
        return not mismatches(item["claim"], results[item["check"]])

    options = question.get("options", [])
    for option in options:
        if option["correct"] != holds(option):
            out.append(
                f"option {option['key']} is marked correct={option['correct']} but the "
                f"evaluator says {not option['correct']}"
            )
        if not option["correct"] and not option.get("misconception"):
            out.append(f"option {option['key']} is a distractor without a misconception")
    item_type = question["item_type"]
    wanted = question.get("select", SINGLE.get(item_type))
    if options and wanted is not None:
        correct = sum(o["correct"] for o in options)
        if correct != wanted:
            out.append(f"{correct} options are correct; a {item_type} item needs {wanted}")
    if len({o["text"] for o in options}) != len(options):
        out.append("two options have the same text")
    statements = question.get("statements", [])
    if len({s["check"] for s in statements}) != len(statements):
        out.append("two statements share a check; each must be decided on its own")
    for n, statement in enumerate(statements):
        if statement["answer"] != holds(statement):
            out.append(
                f"statement {n + 1} says {statement['answer']} but the evaluator says "
                f"{not statement['answer']}"
            )
    for blank in question.get("blanks", []):
        actual = _field(results[blank["check"]], blank["field"])
        if actual is None and "null_choice" in blank:
            actual = blank["null_choice"]
        if blank["answer"] != actual:
            out.append(f"blank {blank['key']}: answer {blank['answer']!r}, evaluator {actual!r}")
        if blank["answer"] not in blank["choices"] or len(set(blank["choices"])) != len(
            blank["choices"]
        ):
            out.append(f"blank {blank['key']}: the answer must be one of distinct choices")
    ordering = question.get("ordering")
    if ordering is not None:
        actual = _field(results[ordering["check"]], ordering["field"])
        if ordering["answer"] != actual:
            out.append(f"ordering: answer {ordering['answer']!r}, evaluator {actual!r}")
    return out


def _case_problems(case: Doc) -> list[str]:
    """A case study: two or more questions on the case's one topology, each through the gate."""
    questions = case.get("questions", [])
    out = [] if len(questions) >= 2 else ["a case study needs two questions or more"]
    refusals: dict[int, tuple[Topology, str | None]] = {}  # the case's one topology, validated once
    for n, sub in enumerate(questions, start=1):
        doc = {**sub, "topology": case["topology"], "id": f"{case['id']}/{n}"}
        found = problems(doc) if doc["item_type"] == "case-study" else _problems(doc, refusals)
        out += [f"question {n}: {p}" for p in found]
    return out


def passes(question: Doc) -> bool:
    return not problems(question)
