"""The benchmark harness and the benchmark topologies (not timings: those are `make bench`)."""

from __future__ import annotations

import ipaddress
import json
from collections import Counter
from pathlib import Path

import pytest

from bench import run
from bench.topologies import hub_and_spoke


def test_discover_and_run_a_bench_folder(tmp_path: Path) -> None:
    folder = tmp_path / "fakebench_for_test"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / "bench_things.py").write_text(
        "BENCHMARKS = [('count', lambda: {'items': (1234, 'items'), 'speed': (0.5, 'ms')})]\n"
    )
    (folder / "helpers.py").write_text("raise AssertionError('not a bench_ module')\n")
    modules = run.discover(folder)
    assert [name for name, _ in modules] == ["bench_things"]
    rows = run.run(modules)
    assert rows[:2] == [
        ("things.count", "items", 1234.0, "items"),
        ("things.count", "speed", 0.5, "ms"),
    ]
    assert rows[2][:2] == ("things.count", "total run time")
    assert run.run(modules, ["nothing"]) == []
    table = run.format_table(rows[:2])
    assert table == [
        "benchmark     figure  value  unit",
        "------------  ------  -----  -----",
        "things.count  items   1,234  items",
        "things.count  speed     0.5  ms",
    ]


def test_the_real_benchmarks_are_discovered() -> None:
    modules = dict(run.discover())
    assert "quizgen --help" in [name for name, _ in modules["bench_cli"]]


@pytest.fixture(scope="module")
def topology() -> dict:
    return hub_and_spoke()


def test_hub_and_spoke_sizes(topology: dict) -> None:
    assert len(topology["vnets"]) == 100
    assert len(topology["vms"]) == 1000
    assert len(topology["peerings"]) == 2 * 99
    assert len(topology["onprem"]) == 1
    per_spoke = Counter(vm["vnet"] for vm in topology["vms"] if vm["vnet"] != "vnet-hub")
    assert set(per_spoke.values()) <= {10, 11}


def test_hub_and_spoke_is_deterministic_and_json(topology: dict) -> None:
    assert hub_and_spoke() == topology
    assert hub_and_spoke(seed=1) != topology
    assert json.loads(json.dumps(topology)) == topology


def test_hub_and_spoke_is_consistent(topology: dict) -> None:
    spaces = [ipaddress.ip_network(p) for v in topology["vnets"] for p in v["address_space"]]
    assert not any(a.overlaps(b) for i, a in enumerate(spaces) for b in spaces[i + 1 :])
    subnets = {}
    for vnet in topology["vnets"]:
        (space,) = (ipaddress.ip_network(p) for p in vnet["address_space"])
        for subnet in vnet["subnets"]:
            assert ipaddress.ip_network(subnet["prefix"]).subnet_of(space)
            subnets[vnet["name"], subnet["name"]] = subnet
    nsgs = {n["name"] for n in topology["nsgs"]}
    tables = {t["name"] for t in topology["route_tables"]}
    assert {s["nsg"] for s in subnets.values() if "nsg" in s} == nsgs
    assert {s["route_table"] for s in subnets.values() if "route_table" in s} == tables
    vnets = {v["name"] for v in topology["vnets"]}
    assert all(p["from"] in vnets and p["to"] in vnets for p in topology["peerings"])
    ips = set()
    for vm in topology["vms"]:
        ip = ipaddress.ip_address(vm["ip"])
        assert ip in ipaddress.ip_network(subnets[vm["vnet"], vm["subnet"]]["prefix"])
        assert ip.packed[-1] >= 4
        ips.add(ip)
    assert len(ips) == len(topology["vms"])
    (nva,) = [vm for vm in topology["vms"] if vm.get("appliance")]
    assert nva["ip_forwarding"] and nva["vnet"] == "vnet-hub"
    for nsg in topology["nsgs"]:
        keys = [(r["direction"], r["priority"]) for r in nsg["rules"]]
        assert len(keys) == len(set(keys))
        assert all(100 <= priority <= 4096 for _, priority in keys)


@pytest.mark.parametrize(("n_vnets", "n_vms"), [(1, 10), (257, 1000), (2, 1), (2, 600)])
def test_hub_and_spoke_refuses_sizes_it_cannot_address(n_vnets: int, n_vms: int) -> None:
    with pytest.raises(ValueError, match="expected"):
        hub_and_spoke(n_vnets, n_vms)


def test_each_module_runs_in_a_process_of_its_own() -> None:
    """The harness runs a module apart and reads its figures back (the cheapest real module)."""
    modules = [m for m in run.discover() if m[0] == "bench_cli"]
    rows = run.run_apart(modules, ["python -c pass"])
    assert [r[:2] for r in rows] == [
        ("cli.python -c pass", "median wall time"),
        ("cli.python -c pass", "total run time"),
    ]
    assert rows[0][2] > 0
    assert run.run_apart(modules, ["nothing"]) == []
