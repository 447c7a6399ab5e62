"""The runner behind conformance cases and question ``checks``: it must be able to fail."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizgen.checks import mismatches, run, verify
from quizgen.errors import QuizgenError
from quizgen.loader import load_topology
from tests.support import invoke

CHAIN = "examples/chain-nontransitive.yaml"


def test_scalar_mismatch_is_reported():
    assert mismatches({"reason": "delivered"}, {"reason": "no-route"}) == [
        "answer.reason: expected 'delivered', got 'no-route'"
    ]


def test_missing_key_and_wrong_shape():
    assert mismatches({"a": 1}, {}) == ["answer.a: missing (expected 1)"]
    assert mismatches({"a": [1]}, {"a": 1}) == ["answer.a: expected a list, got 1"]


def test_lists_of_dicts_match_by_containment():
    actual = [{"prefix": "10.0.0.0/16", "state": "Active"}, {"prefix": "0.0.0.0/0"}]
    assert mismatches([{"prefix": "0.0.0.0/0"}], actual) == []
    assert mismatches([{"prefix": "10.9.0.0/16"}], actual) != []


def test_lists_of_scalars_match_as_sets():
    assert mismatches(["b", "a"], ["a", "b"]) == []
    assert mismatches(["a"], ["a", "b"]) != []


def test_verify_reports_a_wrong_key_and_an_absent_item():
    topo = load_topology(CHAIN)
    wrong = {
        "command": "reach",
        "args": {"from": "vm-a", "to": "vm-c", "protocol": "tcp", "port": 22},
        "expect": {"reason": "delivered"},
    }
    assert verify(topo, wrong) == ["answer.reason: expected 'delivered', got 'no-route'"]
    absent = {
        "command": "routes",
        "args": {"vm": "vm-a"},
        "expect_absent": {"routes": [{"prefix": "10.0.0.0/8"}]},
    }
    assert verify(topo, absent) == ["answer.routes: {'prefix': '10.0.0.0/8'} should be absent"]


def test_stopped_vm_has_no_effective_routes(tmp_path):
    """RT-02, NW-03: the checks runner and the CLI refuse alike; --subnet still answers."""
    text = Path(CHAIN).read_text().replace("ip: 10.0.1.4}", "ip: 10.0.1.4, power_state: stopped}")
    path = tmp_path / "stopped.yaml"
    path.write_text(text)
    topo = load_topology(path)
    with pytest.raises(QuizgenError, match="stopped"):
        run(topo, "routes", {"vm": "vm-a"})
    assert run(topo, "routes", {"subnet": "vnet-a/s1"})["routes"]
    code, _, err = invoke("net", "routes", str(path), "--vm", "vm-a")
    assert code == 2 and "stopped" in err


def test_reach_records_are_kept_per_topology_and_query():
    """checks.reach_result keeps a topology's records by the query the evaluator is asked, after
    conversion: arguments that read the same (port 1 and True; a field reach does not read)
    share a record, arguments that read differently never do, and another topology (even an
    equal one) has records of its own."""
    from quizgen.checks import reach_result

    topo = load_topology("examples/hub-spoke-transit.yaml")
    flow = {"from": "vm-a", "to": "vm-b", "protocol": "tcp", "port": 1}
    assert reach_result(topo, flow) is reach_result(topo, dict(reversed(flow.items())))
    assert reach_result(topo, {**flow, "port": True}) is reach_result(topo, flow)
    assert reach_result(topo, {**flow, "tag": []}) is reach_result(topo, flow)
    port_2 = {**flow, "port": 2}
    assert reach_result(topo, port_2) is not reach_result(topo, flow)
    assert reach_result(topo, port_2).to_dict() == run(topo, "reach", port_2)
    other = load_topology("examples/hub-spoke-transit.yaml")
    assert other is not topo
    assert reach_result(other, flow) is not reach_result(topo, flow)


def test_a_reach_record_is_not_returned_for_arguments_that_read_differently():
    """-0.0 and 0.0 are equal floats of one type, so they share a key; but ``str`` tells them
    apart and reach reads ``str(args["from"])``: VM "0.0" exists, "-0.0" is no endpoint."""
    from quizgen.checks import reach_result
    from quizgen.loader import topology_from_dict

    doc = {
        "vnets": [{"name": "v", "region": "eastus", "address_space": ["10.0.0.0/16"],
                   "subnets": [{"name": "s", "prefix": "10.0.1.0/24"}]}],
        "vms": [{"name": "0.0", "vnet": "v", "subnet": "s", "ip": "10.0.1.4"},
                {"name": "b", "vnet": "v", "subnet": "s", "ip": "10.0.1.5"}],
    }  # fmt: skip
    flow = {"from": 0.0, "to": "b", "protocol": "tcp", "port": 22}
    fresh = topology_from_dict(doc)
    with pytest.raises(QuizgenError):
        run(fresh, "reach", {**flow, "from": -0.0})  # no cache entry yet: refused
    topo = topology_from_dict(doc)
    assert reach_result(topo, flow).source.label == "0.0"
    with pytest.raises(QuizgenError):
        run(topo, "reach", {**flow, "from": -0.0})  # the 0.0 record is returned instead
