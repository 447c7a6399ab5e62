"""Every family: questions pass the verified-key gate, ids regenerate, the bank is strict."""

from __future__ import annotations

import copy
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizgen.questions.bank import BankError, parse_bank
from quizgen.questions.families import families
from quizgen.questions.gate import problems
from quizgen.questions.generate import by_id, generate, question, wording

FAMILIES = sorted(families())
SEEDS = 40 if os.environ.get("CI") else 12


@pytest.mark.parametrize("family", FAMILIES)
def test_family_passes_the_gate(family):
    """Every question a family builds passes the gate; most seeds give one."""
    built = 0
    for seed in range(SEEDS):
        doc = question(family, seed)
        if doc is None:
            continue
        built += 1
        assert problems(doc) == [], (doc["id"], problems(doc))
        assert doc["id"] == f"{family}@{wording(family).version}#{seed}"
    assert built >= SEEDS // 3, f"{family} built only {built} questions out of {SEEDS} seeds"


@pytest.mark.parametrize("family", FAMILIES)
def test_every_item_type_of_the_family_occurs(family):
    types = {d["item_type"] for s in range(60) if (d := question(family, s)) is not None}
    assert types == set(families()[family].spec.item_types)


@given(st.sampled_from(FAMILIES), st.integers(0, 2**31 - 1))
def test_gate_holds_for_any_seed(family, seed):
    doc = question(family, seed)
    if doc is not None:
        assert problems(doc) == []


def test_the_gate_catches_a_wrong_key():
    doc = generate(1, 3, family="connectivity", item_type="yes-no-series")[0]
    broken = copy.deepcopy(doc)
    broken["statements"][0]["answer"] = not broken["statements"][0]["answer"]
    assert any("statement 1" in p for p in problems(broken))
    broken = copy.deepcopy(doc)
    broken["checks"][0]["expect"]["reachable"] = not broken["checks"][0]["expect"]["reachable"]
    assert problems(broken)


def test_the_gate_catches_shared_checks_and_wrong_counts():
    doc = generate(1, 5, family="connectivity", item_type="single-choice")[0]
    broken = copy.deepcopy(doc)
    for option in broken["options"]:
        option["correct"] = True
    assert any("options are correct" in p for p in problems(broken))


def test_the_gate_refuses_each_question_of_a_case_on_a_refused_network_and_a_wrong_key():
    """A case study's questions share one topology (validated once): each is refused with it."""
    doc = generate(1, 2, family="case-study")[0]
    broken = copy.deepcopy(doc)
    vnet = broken["topology"]["vnets"][0]
    vnet["subnets"].append({"name": "extra", "prefix": vnet["subnets"][0]["prefix"]})
    refused = [p for p in problems(broken) if "one Azure refuses (subnet-overlap)" in p]
    assert [p.split(":")[0] for p in refused] == [
        f"question {n}" for n in range(1, len(doc["questions"]) + 1)
    ]
    broken = copy.deepcopy(doc)
    statement = broken["questions"][0]["statements"][0]
    statement["answer"] = not statement["answer"]
    assert any(p.startswith("question 1: statement 1 says") for p in problems(broken))


def test_ids_regenerate_the_same_question():
    for doc in generate(5, 11):
        assert by_id(doc["id"]) == doc


def test_bank_mistakes_are_refused_with_file_and_line():
    spec = families()["connectivity"].spec
    text = (
        "family: connectivity\nversion: 1\nobjective: x\nlearn: https://learn.microsoft.com/x\n"
        "stems:\n  yes-no-series: ['ok']\n  single-choice: ['from {source}']\n"
        "phrases:\n  statement: ['{src} to {dst}']\n  extra: ['x']\n"
    )
    with pytest.raises(BankError) as caught:
        parse_bank(text, "connectivity.yaml", spec)
    messages = [str(p) for p in caught.value.problems]
    assert any("connectivity.yaml:7" in m and "source" in m for m in messages)
    assert any("connectivity.yaml:10" in m and "extra" in m for m in messages)


def test_shared_reach_records_give_the_checks_answers():
    """common.reach_answer (records shared per topology) is the reach check's own answer, and a
    verdict holds the same fields as that answer."""
    from quizgen.checks import reach_result, run
    from quizgen.generator.scenario import generate as scenario
    from quizgen.questions import common

    s = scenario(7, shape="hub-spoke-gateway-nva", faults=["nsg-deny-inbound"])
    topo = common.load(common.topology_of(s))
    for flow in s.flows[:12]:
        answer = run(topo, "reach", flow)
        assert common.reach_answer(topo, flow) == answer
        assert common.reach_answer(topo, dict(reversed(flow.items()))) == answer
        assert reach_result(topo, flow) is reach_result(topo, dict(flow))
        assert run(topo, "reach", flow) is not answer  # each caller gets its own document
        verdict = reach_result(topo, flow).verdict()
        assert verdict == {k: answer[k] for k in verdict}


def test_generate_leaves_the_cycle_collector_as_it_found_it(monkeypatch):
    """generate pauses the collector while it works (quizgen.collector.collector_paused) and
    restores it, also when a build fails."""
    import gc

    import quizgen.questions.generate as generating

    def paused_then_fails(family, seed):
        assert not gc.isenabled()
        raise RuntimeError("a failing build")

    assert gc.isenabled()
    generate(2, 1)
    assert gc.isenabled()
    with monkeypatch.context() as patched:
        patched.setattr(generating, "question", paused_then_fails)
        with pytest.raises(RuntimeError, match="a failing build"):
            generate(2, 1)
    assert gc.isenabled()
    gc.disable()
    try:
        generate(2, 1)
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("seed", [476, 659, 1876, 643573994])
def test_asg_rules_names_a_partner_vm_apart_from_the_vms_of_its_workload(seed: int) -> None:
    """The partner VNet's workload may be one a VM here is named after (vm-backup-01): its VM
    gets the next number instead of the same name, which the loader refuses (the whole batch of
    `quizgen generate --count 300 --seed 2026` failed on it)."""
    doc = question("asg-rules", seed)
    assert doc is not None and problems(doc) == []
    names = [vm["name"] for vm in doc["topology"]["vms"]]
    assert len(names) == len(set(names))
    assert "vm-backup-02" in names
