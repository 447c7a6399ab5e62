"""All-pairs reachability: ``reach`` for many (source, destination) VM pairs at once.

A verdict depends on a VM's address only through which of the topology's prefixes contain it.
CIDR blocks are nested or disjoint, so that set is fixed by the longest prefix containing the
address (its *atom*). Two VMs with the same subnet, NIC settings, ASGs and atom therefore get the
same verdict, and ``reach`` runs once per pair of such classes instead of once per pair of VMs.
The property tests check the matrix against ``reach`` pair by pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network

from quizgen.evaluator.peering import peered_ranges
from quizgen.evaluator.routes import RESERVED_PREFIXES
from quizgen.evaluator.trace import Reason, reach
from quizgen.model import HOST_VIRTUAL_IP, Topology, Vm


@dataclass(frozen=True, slots=True)
class Verdict:
    reachable: bool
    reason: Reason
    also: tuple[Reason, ...]


def topology_prefixes(topo: Topology) -> frozenset[IPv4Network]:
    """Every prefix an answer can consult: ranges, routes, rules, sites and next hops."""
    prefixes: set[IPv4Network] = {*RESERVED_PREFIXES, HOST_VIRTUAL_IP, IPv4Network("0.0.0.0/0")}
    for vnet in topo.vnets:
        prefixes.update(vnet.address_space)
    for link in topo.peerings:
        prefixes.update(peered_ranges(topo, link))
    for site in topo.onprem:
        prefixes.update(site.address_space)
    for table in topo.route_tables:
        for route in table.routes:
            prefixes.add(route.prefix)
            if route.next_hop_ip is not None:
                prefixes.add(IPv4Network(route.next_hop_ip))
    for nsg in topo.nsgs:
        for rule in nsg.rules:
            prefixes.update(
                x for x in (*rule.source, *rule.destination) if isinstance(x, IPv4Network)
            )
    for vm in topo.vms:
        if vm.public_ip is not None:
            prefixes.add(IPv4Network(vm.public_ip))
    return frozenset(prefixes)


class _Atoms:
    def __init__(self, prefixes: frozenset[IPv4Network]) -> None:
        self._by_length: dict[int, set[int]] = {}
        for p in prefixes:
            self._by_length.setdefault(p.prefixlen, set()).add(int(p.network_address))
        self._lengths = sorted(self._by_length, reverse=True)

    def of(self, ip: IPv4Address | None) -> tuple[int, int] | None:
        if ip is None:
            return None
        value = int(ip)
        for length in self._lengths:
            key = value & ((0xFFFFFFFF << (32 - length)) & 0xFFFFFFFF)
            if key in self._by_length[length]:
                return (key, length)
        return None


def _vm_key(topo: Topology, atoms: _Atoms, vm: Vm) -> tuple:
    return (
        vm.vnet,
        vm.subnet,
        vm.nsg,
        vm.power_state,
        vm.asgs,
        vm.ip_forwarding,
        vm.appliance,
        vm.public_ip is None,
        atoms.of(vm.ip),
        atoms.of(vm.public_ip),
        vm.ip.is_global,
        tuple(sorted((v.vnet, v.asgs) for v in topo.vms_with_ip(vm.ip))),
    )


def reach_matrix(
    topo: Topology,
    sources: list[Vm],
    destinations: list[Vm],
    protocol: str,
    port: int,
    source_port: int = 50000,
) -> dict[tuple[str, str], Verdict]:
    """``reach`` verdicts for every (source, destination) pair of distinct VMs, by name."""
    atoms = _Atoms(topology_prefixes(topo))
    src_keys = {vm.name: _vm_key(topo, atoms, vm) for vm in sources}
    dst_keys = {vm.name: _vm_key(topo, atoms, vm) for vm in destinations}
    solved: dict[tuple, Verdict] = {}
    out: dict[tuple[str, str], Verdict] = {}
    for s in sources:
        for d in destinations:
            if s.name == d.name:
                continue
            key = (src_keys[s.name], dst_keys[d.name], s.ip == d.ip)
            verdict = solved.get(key)
            if verdict is None:
                r = reach(topo, s.name, d.name, protocol, port, source_port)
                verdict = solved[key] = Verdict(r.reachable, r.reason, r.also)
            out[(s.name, d.name)] = verdict
    return out
