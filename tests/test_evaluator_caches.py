"""What the evaluator keeps between calls never changes an answer.

Hops write their sentences when first read; NSG verdicts are kept on the tag view; the route a
destination takes is kept per routing. Each answer must be the one a cold evaluator gives.
"""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest

from quizgen.evaluator import cache
from quizgen.evaluator.nsg import Flow, evaluate_nsg, tag_view
from quizgen.evaluator.trace import Hop, Step, reach
from quizgen.generator.faults import CATALOGUE
from quizgen.generator.scenario import generate
from quizgen.loader import _BUILT, topology_from_dict
from quizgen.model import Direction, Protocol


def _cold(doc: dict) -> object:
    """``doc`` loaded with nothing kept from before: new model objects, new memo tables."""
    _BUILT.clear()
    cache._RECENT.clear()
    return topology_from_dict(doc, "cold")


def test_a_hop_written_later_reads_and_compares_as_written_at_once():
    calls = []

    def said() -> str:
        calls.append(1)
        return "The packet reaches vm-a (10.0.1.4)."

    lazy = Hop(Step.DELIVER, "vm-a", True, said, ("RT-03",), lambda: "a rule")
    eager = Hop(
        Step.DELIVER, "vm-a", True, "The packet reaches vm-a (10.0.1.4).", ("RT-03",), "a rule"
    )
    assert lazy == eager and hash(lazy) == hash(eager)
    assert (lazy.text, lazy.decided_by) == (eager.text, eager.decided_by)
    assert lazy.to_dict() == eager.to_dict()
    assert len(calls) == 1  # written once, then kept
    assert lazy != Hop(Step.DELIVER, "vm-a", True, "another sentence", ("RT-03",), "a rule")


#: Random scenarios of both sizes, and each fault kind on its own (a stale answer would show
#: as a fault that cannot be placed, or as an answer that differs).
CASES = [(seed, None) for seed in range(1, 21)] + [
    (seed, kind) for kind in CATALOGUE for seed in (1, 2)
]


@pytest.mark.parametrize(("seed", "kind"), CASES)
def test_scenario_probes_answer_as_a_cold_evaluator_does(seed, kind):
    """Every probe of a scenario, before and after its fault, asked of topologies that share
    model objects, memo tables and kept verdicts, equals the answer of a cold load."""
    faults = [kind] if kind else None
    scenario = generate(seed, faults=faults, size="small" if seed % 4 else "medium")
    body = {k: v for k, v in scenario.doc.items() if k != "scenario"}
    warm = [topology_from_dict(scenario.base, "base"), topology_from_dict(body, "faulted")]
    probes = [p for f in scenario.section["faults"] for p in f["probes"] if p["command"] == "reach"]
    flows = [p["args"] for p in probes] + scenario.flows
    answers = [
        [reach(t, f["from"], f["to"], f["protocol"], f["port"]) for f in flows] for t in warm
    ]
    for doc, got in zip((scenario.base, body), answers, strict=True):
        cold = _cold(doc)
        want = [reach(cold, f["from"], f["to"], f["protocol"], f["port"]) for f in flows]
        assert [r.to_dict() for r in got] == [r.to_dict() for r in want]
        assert got == want and [hash(r) for r in got] == [hash(r) for r in want]


def _asg_doc(asgs: list[str]) -> dict:
    return {
        "vnets": [
            {
                "name": "vnet1",
                "region": "eastus",
                "address_space": ["10.0.0.0/16"],
                "subnets": [{"name": "a", "prefix": "10.0.1.0/24", "nsg": "nsg-a"}],
            }
        ],
        "nsgs": [
            {
                "name": "nsg-a",
                "rules": [
                    {
                        "name": "deny-db",
                        "priority": 100,
                        "direction": "inbound",
                        "access": "deny",
                        "protocol": "tcp",
                        "source": "asg:AsgDb",
                        "source_ports": "*",
                        "destination": "*",
                        "destination_ports": "1433",
                    }
                ],
            }
        ],
        "vms": [
            {"name": "web", "vnet": "vnet1", "subnet": "a", "ip": "10.0.1.4"},
            {"name": "db", "vnet": "vnet1", "subnet": "a", "ip": "10.0.1.5", "asgs": asgs},
        ],
    }


def test_a_kept_verdict_follows_asg_membership():
    """A rule naming an ASG reads which VMs hold the flow's addresses: same NSG object, same
    view, same flow, but the source VM leaves the ASG, so the verdict must change."""
    member, other = topology_from_dict(_asg_doc(["AsgDb"])), topology_from_dict(_asg_doc([]))
    nsg = member.nsg("nsg-a")
    assert other.nsg("nsg-a") is nsg  # one object for the same content
    view = tag_view(member, "vnet1", "a")
    flow = Flow(Protocol.TCP, IPv4Address("10.0.1.5"), 50000, IPv4Address("10.0.1.4"), 1433)
    denied = evaluate_nsg(member, nsg, Direction.INBOUND, flow, view)
    allowed = evaluate_nsg(other, nsg, Direction.INBOUND, flow, view)
    assert (denied.rule.name, allowed.rule.name) == ("deny-db", "AllowVnetInBound")
    assert evaluate_nsg(member, nsg, Direction.INBOUND, flow, view) == denied
