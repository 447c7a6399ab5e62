"""What the evaluator keeps between calls never changes an answer.

Hops write their sentences when first read; NSG verdicts are kept on the tag view; the route a
destination takes is kept per routing. Each answer must be the one a cold evaluator gives.
"""

from __future__ import annotations

import random
from ipaddress import IPv4Address

import pytest

from quizgen.evaluator import cache
from quizgen.evaluator.nsg import Flow, evaluate_nsg, tag_view
from quizgen.evaluator.trace import Hop, Step, nsg_readers, reach
from quizgen.generator import patch
from quizgen.generator.faults import CATALOGUE
from quizgen.generator.scenario import _standing, generate
from quizgen.generator.topologies import build
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


def _reach(topo, flow: dict):
    return reach(topo, flow["from"], flow["to"], flow["protocol"], flow["port"])


#: Faults that change NSGs alone (their rules, or the NSG on a NIC), and faults that change more.
NSG_FAULTS = [k for k in CATALOGUE if k.startswith("nsg-")]


@pytest.mark.parametrize("kind", [*NSG_FAULTS, "peering-disconnected", "udr-to-none"])
def test_an_answer_that_read_no_changed_nsg_stands(kind):
    """The scenario engine keeps a base answer for a placement when the answer read none of the
    NSGs and NICs the placement changed (scenario._standing, trace.nsg_readers). Such an answer
    must be exactly the one the evaluator gives on the changed topology; a placement that
    changes more than NSGs is never judged that way."""
    fault, kept = CATALOGUE[kind], 0
    for seed in range(12):
        rng = random.Random(seed)
        shape = rng.choice(fault.shapes)
        base = build(shape, "small", rng)
        before = topology_from_dict(base.doc, "base")
        answers = [(f, _reach(before, f)) for f in base.flows]
        for n, placement in enumerate(fault.targets(base, rng)):
            if n == 4:
                break
            after = topology_from_dict(patch.apply(base.doc, placement.changes)[0], "after")
            stands = _standing(before, after)
            if not kind.startswith("nsg-"):
                assert stands is None
                continue
            assert stands is not None
            for flow, then in answers:
                if stands(then):
                    kept += 1
                    assert _reach(after, flow) == then
    assert kept or not kind.startswith("nsg-")


def _nva_doc(nva_rules: list[dict]) -> dict:
    """src -> app through an appliance in dmz, whose subnet has an NSG; app has none."""
    return {
        "vnets": [
            {
                "name": "vnet1",
                "region": "eastus",
                "address_space": ["10.0.0.0/16"],
                "subnets": [
                    {"name": "src", "prefix": "10.0.2.0/24", "route_table": "rt-src"},
                    {"name": "app", "prefix": "10.0.0.0/24"},
                    {"name": "dmz", "prefix": "10.0.1.0/24", "nsg": "nsg-dmz"},
                ],
            }
        ],
        "route_tables": [
            {
                "name": "rt-src",
                "routes": [
                    {
                        "name": "app-via-nva",
                        "prefix": "10.0.0.0/24",
                        "next_hop_type": "VirtualAppliance",
                        "next_hop_ip": "10.0.1.4",
                    }
                ],
            }
        ],
        "nsgs": [{"name": "nsg-dmz", "rules": nva_rules}, {"name": "nsg-spare", "rules": []}],
        "vms": [
            {"name": "src", "vnet": "vnet1", "subnet": "src", "ip": "10.0.2.4"},
            {"name": "app", "vnet": "vnet1", "subnet": "app", "ip": "10.0.0.5"},
            {
                "name": "nva",
                "vnet": "vnet1",
                "subnet": "dmz",
                "ip": "10.0.1.4",
                "ip_forwarding": True,
                "appliance": True,
            },
        ],
    }


def test_an_appliance_on_the_path_reads_its_nsgs():
    """The NSG of an appliance the packet crosses is read, though neither end has one: a change
    to it does not let the answer stand, and a change to an NSG nothing uses does."""
    flow = {"from": "src", "to": "app", "protocol": "tcp", "port": 443}
    before = topology_from_dict(_nva_doc([]))
    then = _reach(before, flow)
    assert then.reachable and "nva" in nsg_readers(then)
    deny = {
        "name": "deny-443",
        "priority": 100,
        "direction": "inbound",
        "access": "deny",
        "protocol": "tcp",
        "source": "*",
        "source_ports": "*",
        "destination": "*",
        "destination_ports": "443",
    }
    denied = topology_from_dict(_nva_doc([deny]))
    assert not _standing(before, denied)(then)
    assert not _reach(denied, flow).reachable
    spare = _nva_doc([])
    spare["nsgs"][1]["rules"] = [deny]
    elsewhere = topology_from_dict(spare)
    assert _standing(before, elsewhere)(then)
    assert _reach(elsewhere, flow) == then


def test_a_load_that_does_not_remember_builds_anew_and_keeps_nothing():
    """topology_from_dict(remember=False) gives the Topology a remembering load gives, from
    objects of its own, and leaves the item cache (_BUILT) as it was; scenario.generate loads
    its fresh base that way unless asked to remember it for a later load (a question's gate)."""
    base = build("hub-spoke-nva", "small", random.Random(7))
    _BUILT.clear()
    kept = topology_from_dict(base.doc, "kept")
    count = len(_BUILT)
    assert count > 0
    fresh = topology_from_dict(base.doc, "fresh", remember=False)
    assert fresh == kept
    assert len(_BUILT) == count
    assert all(a is not b for a, b in zip(fresh.vnets, kept.vnets, strict=True))
    again = topology_from_dict(base.doc, "again")  # a remembering load reuses what was kept
    assert all(a is b for a, b in zip(again.vnets, kept.vnets, strict=True))

    _BUILT.clear()
    generate(3)
    alone = len(_BUILT)
    _BUILT.clear()
    remembered = generate(3, remember=True)
    assert len(_BUILT) > alone
    assert remembered.doc == generate(3).doc  # the same scenario either way
