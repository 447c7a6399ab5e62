"""Evaluator figures on a generated hub-and-spoke of 100 VNets and 1,000 VMs with NSGs and UDRs.

- reach queries per second: every ordered pair of a 200-VM sample, each through ``reach``
  (full records: hops, explanation, reply path);
- effective-route tables per second: every subnet's table, computed from a fresh load;
- all-pairs reachability of the 1,000 VMs (999,000 verdicts) through ``reach_matrix``.
One core: nothing here runs in parallel.
"""

from __future__ import annotations

import random
import time

from bench.topologies import hub_and_spoke
from quizgen.evaluator.matrix import reach_matrix
from quizgen.evaluator.routes import effective_routes
from quizgen.evaluator.trace import reach
from quizgen.loader import topology_from_dict


def _topology():
    return topology_from_dict(hub_and_spoke(n_vnets=100, n_vms=1000, seed=0), "bench")


def reach_queries() -> dict[str, tuple[float, str]]:
    topo = _topology()
    sample = random.Random(1).sample(list(topo.vms), 200)
    started = time.perf_counter()
    count = 0
    for a in sample:
        for b in sample:
            if a is not b:
                reach(topo, a.name, b.name, "tcp", 443)
                count += 1
    elapsed = time.perf_counter() - started
    return {
        "queries (200-VM sample, all pairs)": (count, "queries"),
        "reach queries per second": (count / elapsed, "q/s"),
    }


def route_tables() -> dict[str, tuple[float, str]]:
    doc = hub_and_spoke(n_vnets=100, n_vms=1000, seed=0)
    rounds, tables = 5, 0
    started = time.perf_counter()
    for _ in range(rounds):
        topo = topology_from_dict(doc, "bench")  # fresh: no memoised tables
        for vnet in topo.vnets:
            for subnet in vnet.subnets:
                effective_routes(topo, vnet.name, subnet.name)
                tables += 1
    elapsed = time.perf_counter() - started
    return {"effective-route tables per second (incl. load)": (tables / elapsed, "tables/s")}


def all_pairs() -> dict[str, tuple[float, str]]:
    topo = _topology()
    vms = list(topo.vms)
    started = time.perf_counter()
    verdicts = reach_matrix(topo, vms, vms, "tcp", 443)
    elapsed = time.perf_counter() - started
    delivered = sum(v.reachable for v in verdicts.values())
    return {
        "all-pairs verdicts (1,000 VMs)": (len(verdicts), "pairs"),
        "delivered": (delivered, "pairs"),
        "all-pairs wall time (target < 60 s)": (elapsed, "s"),
    }


BENCHMARKS = [("reach", reach_queries), ("routes", route_tables), ("all_pairs", all_pairs)]
