"""Run evaluator queries written as data: the ``checks`` of a question document (contracts.md
section 4) and the conformance cases under tests/conformance/.

A check is ``{"command": NAME, "args": {...}, "expect": {...}}`` with the argument names of the
``quizgen net`` commands. ``run`` answers with the same JSON document the command prints (list
answers are wrapped: ``{"routes": [...]}``, ``{"peerings": [...]}``, ``{"problems": [...]}``,
``{"nsgs": [...]}``). ``mismatches`` compares an expectation with an answer:

- a dict matches when each expected key matches (extra keys in the answer are ignored);
- a list of dicts matches when every expected item matches some item of the answer;
- a list of scalars must equal the answer's list, ignoring order;
- ``expect_absent`` (in the check) lists items that must match no item of the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from ipaddress import IPv4Address
from typing import Any

from quizgen.errors import QueryError
from quizgen.model import Topology

COMMANDS = (
    "validate",
    "peerings",
    "can-peer",
    "routes",
    "next-hop",
    "ip-flow",
    "nsg-eval",
    "nsg-rules",
    "reach",
)


def split_endpoint(value: str, option: str) -> tuple[IPv4Address, int]:
    """``IP:PORT`` (``*`` as the port means 0, as Network Watcher allows for source ports)."""
    ip_text, sep, port_text = str(value).rpartition(":")
    try:
        if not sep:
            raise ValueError
        port = 0 if port_text == "*" else int(port_text)
        if not 0 <= port <= 65535:
            raise ValueError
        return IPv4Address(ip_text), port
    except ValueError:
        raise QueryError(
            f"{option} {value!r} is not IP:PORT; expected e.g. 10.0.1.4:443 (port 0-65535)"
        ) from None


def subnet_of(topo: Topology, args: Mapping[str, Any]) -> tuple[str, str]:
    """The (vnet, subnet) named by ``subnet: VNET/SUBNET`` or by ``vm: NAME``."""
    if args.get("subnet"):
        vnet, sep, subnet = str(args["subnet"]).partition("/")
        if not sep or not vnet or not subnet:
            raise QueryError(
                f"--subnet {args['subnet']!r} is not VNET/SUBNET; expected e.g. vnet-hub/app"
            )
        return vnet, subnet
    name = args.get("vm")
    if not name:
        raise QueryError("name a VM with --vm or a subnet with --subnet VNET/SUBNET")
    vm = topo.vm(str(name))
    if vm is None:
        known = ", ".join(v.name for v in topo.vms) or "none"
        raise QueryError(f"unknown VM {name!r}; expected one of: {known}")
    if not vm.running:
        raise QueryError(
            f"{vm.name} is stopped; Azure shows effective routes only for a running "
            "VM (RT-02, NW-03); use --subnet to see the subnet's routes"
        )
    return vm.vnet, vm.subnet


def run(topo: Topology, command: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """Answer one query as the ``--json`` output of ``quizgen net COMMAND`` (lists wrapped)."""
    from quizgen.evaluator import nsg, peering, routes, trace

    if command == "validate":
        from quizgen.validate import check

        return {"problems": [p.to_dict() for p in check(topo)]}
    if command == "peerings":
        return {"peerings": [v.to_dict() for v in peering.peering_views(topo)]}
    if command == "can-peer":
        return peering.can_peer(topo, str(args["vnet_a"]), str(args["vnet_b"])).to_dict()
    if command == "routes":
        vnet, subnet = subnet_of(topo, args)
        return {"routes": [r.to_dict() for r in routes.effective_routes(topo, vnet, subnet)]}
    if command == "next-hop":
        vnet, subnet = subnet_of(topo, args)
        dest = _ip(args.get("dest"), "--dest")
        return routes.next_hop(topo, vnet, subnet, dest).to_dict()
    if command == "ip-flow":
        local_ip, local_port = split_endpoint(args["local"], "--local")
        remote_ip, remote_port = split_endpoint(args["remote"], "--remote")
        return nsg.ip_flow(
            topo,
            str(args["vm"]),
            str(args["direction"]),
            str(args["protocol"]),
            local_ip,
            local_port,
            remote_ip,
            remote_port,
        ).to_dict()
    if command == "nsg-eval":
        src_ip, src_port = split_endpoint(args["source"], "--source")
        dst_ip, dst_port = split_endpoint(args["destination"], "--destination")
        return nsg.nsg_eval(
            topo,
            str(args["nsg"]),
            str(args["direction"]),
            str(args["protocol"]),
            src_ip,
            src_port,
            dst_ip,
            dst_port,
            args.get("vnet"),
        ).to_dict()
    if command == "nsg-rules":
        return {"nsgs": [b.to_dict() for b in nsg.effective_security_rules(topo, str(args["vm"]))]}
    if command == "reach":
        return trace.reach(
            topo,
            str(args["from"]),
            str(args["to"]),
            str(args["protocol"]),
            int(args.get("port", 0)),
            int(args.get("source_port", 50000)),
        ).to_dict()
    raise QueryError(f"unknown command {command!r}; expected one of: {', '.join(COMMANDS)}")


def _ip(value: Any, option: str) -> IPv4Address:
    try:
        return IPv4Address(str(value))
    except ValueError:
        raise QueryError(
            f"{option} {value!r} is not an IPv4 address; expected e.g. 10.0.1.4"
        ) from None


def mismatches(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Where ``actual`` fails ``expected`` (see the module docstring); empty when it matches."""
    here = path or "answer"
    if isinstance(expected, Mapping):
        if not isinstance(actual, Mapping):
            return [f"{here}: expected an object, got {actual!r}"]
        out: list[str] = []
        for key, value in expected.items():
            if key not in actual:
                out.append(f"{here}.{key}: missing (expected {value!r})")
            else:
                out += mismatches(value, actual[key], f"{here}.{key}")
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{here}: expected a list, got {actual!r}"]
        if all(not isinstance(x, Mapping) for x in expected):
            if sorted(map(repr, expected)) != sorted(map(repr, actual)):
                return [f"{here}: expected {expected!r} (any order), got {actual!r}"]
            return []
        out = []
        for item in expected:
            if not any(not mismatches(item, a) for a in actual):
                out.append(f"{here}: no item matches {item!r}")
        return out
    if expected != actual:
        return [f"{here}: expected {expected!r}, got {actual!r}"]
    return []


def verify(topo: Topology, check: Mapping[str, Any]) -> list[str]:
    """Run one check; the list of what did not come out as expected (empty = reproduced)."""
    answer = run(topo, str(check["command"]), check.get("args", {}))
    problems = mismatches(check.get("expect", {}), answer)
    for key, items in check.get("expect_absent", {}).items():
        for item in items:
            if any(not mismatches(item, a) for a in answer.get(key, [])):
                problems.append(f"answer.{key}: {item!r} should be absent")
    return problems
