"""The NSG families: distractors stand for the misconceptions they claim, the learner models
agree with the evaluator, and nothing leans on an UNCONFIRMED rule (U-08, TAG-OVERLAP,
ASG-PEER)."""

from __future__ import annotations

import random

import pytest

from quizgen.checks import run
from quizgen.questions import common
from quizgen.questions.families import asg_rules
from quizgen.questions.families import nsg_priority as kit
from quizgen.questions.gate import answers
from quizgen.questions.generate import question

SEEDS = range(40)
NSG_FAMILIES = ("nsg-priority", "nsg-order", "ip-flow-verify", "nsg-service-tags", "asg-rules")
#: The misconceptions each family's distractors may stand for.
ALLOWED = {
    "nsg-priority": {"T-18", "T-19", "T-25", "T-28", "T-27", "T-01", "T-26", "T-22", "T-17"},
    "nsg-service-tags": {"T-27", "T-28", "T-01"},
    "asg-rules": {"T-18", "T-19", "T-26", "T-27"},
}


def _docs(family: str, item_type: str | None = None):
    for seed in SEEDS:
        doc = question(family, seed)
        if doc is not None and (item_type is None or doc["item_type"] == item_type):
            yield doc


@pytest.mark.parametrize("family", sorted(ALLOWED))
def test_distractors_carry_the_family_misconceptions(family):
    for doc in _docs(family):
        for option in doc.get("options", []):
            if not option["correct"]:
                assert option["misconception"] in ALLOWED[family], (doc["id"], option)
                assert option["misconception"] in " ".join(doc["explanation"])


@pytest.mark.parametrize("family", NSG_FAMILIES)
def test_no_check_leans_on_an_assumption(family):
    for doc in _docs(family):
        assert all(not a.get("assumptions") for a in answers(doc)), doc["id"]


def test_nsg_priority_single_choice_shape():
    seen = 0
    for doc in _docs("nsg-priority", "single-choice"):
        seen += 1
        tags = sorted(o.get("misconception", "") for o in doc["options"])
        assert tags[0] == "" and tags[1:3] == ["T-18", "T-19"] and tags[3] in ("T-25", "T-28")
        right = next(o for o in doc["options"] if o["correct"])
        assert doc["checks"][right["check"]]["expect"]["access"] == "Deny"
        # the T-19 distractor is the highest-numbered rule, listed first in its NSG
        t19 = next(o for o in doc["options"] if o.get("misconception") == "T-19")
        nsg = next(n for n in doc["topology"]["nsgs"] if n["name"] == t19["claim"]["nsg"])
        assert kit.qualified(nsg["rules"][0]) == t19["claim"]["rule"]
        assert nsg["rules"][0]["priority"] == max(r["priority"] for r in nsg["rules"])
    assert seen


def test_nsg_order_hotspot_asks_the_deciding_nsg_only_where_one_nsg_decides():
    """A deny, or an allow at a VM with one NSG: which rule IP flow verify names when both NSGs
    allow is UNCONFIRMED (U-08). Allowed flows are asked about too (the access is not always
    Deny)."""
    seen = allowed = 0
    for doc in _docs("nsg-order", "hotspot"):
        seen += 1
        results = answers(doc)
        for blank in doc["blanks"]:
            if blank["field"] == "nsg":
                result = results[blank["check"]]
                assert not result["assumptions"]
                if result["access"] == "Allow":
                    allowed += 1
                    name = doc["checks"][blank["check"]]["args"]["vm"]
                    vm = next(v for v in doc["topology"]["vms"] if v["name"] == name)
                    assert sum(n is not None for n in kit.nsgs_at(doc["topology"], vm)) == 1
                assert set(blank["choices"]) == {n["name"] for n in doc["topology"]["nsgs"]}
    assert seen and allowed


def test_ip_flow_verify_offers_the_default_rules_and_covers_nsg_09():
    private_deny = 0
    for doc in _docs("ip-flow-verify"):
        results = answers(doc)
        for blank in doc["blanks"]:
            if blank["field"] == "rule":
                defaults = {c for c in blank["choices"] if c.startswith("defaultSecurityRules/")}
                assert len(defaults) == 3
                if blank["answer"] == "defaultSecurityRules/DenyAllOutBound":
                    private_deny += results[blank["check"]]["access"] == "Deny"
    assert private_deny  # EX-07: private space outside the VNet matches neither tag


def test_service_tags_never_ask_about_an_address_in_both_tags():
    for doc in _docs("nsg-service-tags"):
        vm = next(v for v in doc["topology"]["vms"] if v["name"] == doc["checks"][0]["args"]["vm"])
        assert not vm.get("nsg")  # one NSG: IP flow verify names it without U-08
        for check in doc["checks"]:
            assert check["command"] == "ip-flow" and check["args"]["direction"] == "outbound"


def test_asg_members_stay_in_one_vnet():
    for doc in _docs("asg-rules"):
        vnets = {v["vnet"] for v in doc["topology"]["vms"] if v.get("asgs")}
        assert len(vnets) == 1, doc["id"]


def test_learner_model_agrees_with_the_evaluator():
    """With no misconception the models of nsg_priority are the evaluator, on every flow of
    the ASG networks (the richest rule sets: ASGs, tags, two NSGs, peers, the Internet)."""
    checked = 0
    for seed in range(25):
        doc, ends, ports = asg_rules._network(random.Random(seed))
        topo = common.load(doc)
        for *_, flow, allowed in asg_rules._candidates(random.Random(seed), doc, ends, ports):
            answer = run(topo, "reach", flow)
            if not answer["assumptions"]:
                assert answer["reachable"] == allowed, (seed, flow, answer["explanation"])
                checked += 1
    assert checked > 500


def test_learner_model_reproduces_ex_11():
    """azure-rules.md EX-11, read by the learner model with no misconception."""
    doc = {
        "vnets": [
            {
                "name": "vnet1",
                "region": "eastus",
                "address_space": ["10.0.0.0/16"],
                "subnets": [
                    {"name": "a", "prefix": "10.0.1.0/24", "nsg": "NSG1"},
                    {"name": "b", "prefix": "10.0.2.0/24", "nsg": "NSG1"},
                ],
            }
        ],
        "nsgs": [
            {
                "name": "NSG1",
                "rules": [
                    kit.rule("r100", 100, "inbound", "allow", "Internet", "asg:AsgWeb", "80"),
                    kit.rule("r110", 110, "inbound", "allow", "asg:AsgLogic", "asg:AsgDb", "1433"),
                    kit.rule("r120", 120, "inbound", "deny", "*", "asg:AsgDb", "1433", "*"),
                ],
            }
        ],
        "vms": [],
    }
    ends = {}
    for n, (subnet, asg) in enumerate(
        [("a", "AsgWeb"), ("a", "AsgWeb"), ("b", "AsgLogic"), ("b", "AsgDb")], start=1
    ):
        ip = f"10.0.{1 if subnet == 'a' else 2}.{10 + n}"
        doc["vms"].append(
            {"name": f"nic{n}", "vnet": "vnet1", "subnet": subnet, "ip": ip, "asgs": [asg]}
        )
        ends[n] = kit.End(f"nic{n}", ip, kit.LOCAL, None, frozenset({asg}), vm=f"nic{n}")
    internet = kit.End("internet", "52.1.2.3", kit.PUBLIC)
    cases = [
        (internet, ends[1], 80, True, "securityRules/r100"),
        (internet, ends[3], 80, False, "defaultSecurityRules/DenyAllInBound"),
        (ends[3], ends[4], 1433, True, "securityRules/r110"),
        (ends[1], ends[4], 1433, False, "securityRules/r120"),
        (ends[1], ends[3], 8080, True, "defaultSecurityRules/AllowVnetInBound"),
    ]
    for src, dst, port, allowed, rule in cases:
        verdict = kit.decide_path(doc, "tcp", src, dst, port)
        assert (verdict.allowed, verdict.rule) == (allowed, rule)
    # and the misconceptions change what they should
    t19 = kit.decide_path(doc, "tcp", ends[3], ends[4], 1433, frozenset({"T-19"}))
    assert not t19.allowed  # the learner reads r120 before r110
