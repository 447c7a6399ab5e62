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

from collections import OrderedDict
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from quizgen.errors import QueryError
from quizgen.model import Topology

if TYPE_CHECKING:
    from quizgen.evaluator.trace import ReachResult

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


def subnet_of(topo: Topology, args: Mapping[str, Any]) -> tuple[str, str]:
    """The (vnet, subnet) named by ``subnet: VNET/SUBNET`` or ``vm: NAME``, read as the CLI does."""
    from quizgen.commands import locate, one_location

    vm = args.get("vm")
    subnet = args.get("subnet")
    where = one_location(None if vm is None else str(vm), None if subnet is None else str(subnet))
    vnet_name, subnet_name, _ = locate(topo, None if vm is None else str(vm), where)
    return vnet_name, subnet_name


def run(topo: Topology, command: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """Answer one query as the ``--json`` output of ``quizgen net COMMAND`` (lists wrapped)."""
    from quizgen.commands import parse_endpoint, parse_ip
    from quizgen.evaluator import nsg, peering, routes

    if command == "validate":
        from quizgen.validate import check

        return {"problems": [p.to_dict() for p in check(topo)]}
    if command == "peerings":
        return {"peerings": [v.to_dict() for v in peering.peering_views(topo)]}
    if command == "can-peer":
        return peering.can_peer(topo, str(args["vnet_a"]), str(args["vnet_b"])).to_dict()
    if command == "routes":
        vnet, subnet = subnet_of(topo, args)
        from quizgen.evaluator.assumptions import describe

        return {
            "routes": [r.to_dict() for r in routes.effective_routes(topo, vnet, subnet)],
            "assumptions": describe(routes.table_assumptions(topo, vnet, subnet)),
        }
    if command == "next-hop":
        vnet, subnet = subnet_of(topo, args)
        dest = parse_ip("--dest", str(args.get("dest")))
        return routes.next_hop(topo, vnet, subnet, dest).to_dict()
    if command == "ip-flow":
        local_ip, local_port = parse_endpoint("--local", str(args["local"]))
        remote_ip, remote_port = parse_endpoint("--remote", str(args["remote"]))
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
        icmp = str(args["protocol"]).lower() == "icmp"
        src_ip, src_port = parse_endpoint("--source", str(args["source"]), bare_ip_ok=icmp)
        dst_ip, dst_port = parse_endpoint(
            "--destination", str(args["destination"]), bare_ip_ok=icmp
        )
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
        return reach_result(topo, args).to_dict()
    raise QueryError(f"unknown command {command!r}; expected one of: {', '.join(COMMANDS)}")


#: Reach records already worked out, by topology and arguments. A Topology is immutable and the
#: loader hands out one per document (loader.load_document), so a query asked again of the same
#: document gets the record the evaluator made the first time: the questions of a case study ask
#: the same flows of one network, a family weighs a flow before asking it, and the gate re-runs
#: each check on the topology it loads from the question. A record is immutable; every caller
#: makes its own answer from it. The topology is held so that its id is not reused.
_REACHED: OrderedDict[int, tuple[Topology, dict[tuple, ReachResult]]] = OrderedDict()
_REACHED_MAX = 16


def reach_result(topo: Topology, args: Mapping[str, Any]) -> ReachResult:
    """The evaluator's record of a ``reach`` query (``run`` answers with its ``to_dict``)."""
    entry = _REACHED.get(id(topo))
    if entry is None or entry[0] is not topo:
        entry = _REACHED[id(topo)] = (topo, {})
        if len(_REACHED) > _REACHED_MAX:
            _REACHED.popitem(last=False)
    else:
        _REACHED.move_to_end(id(topo))
    # Keyed by what the evaluator is asked, after conversion: arguments that read the same
    # (1 and True as a port) share a record, and no two that read differently do (0.0 and -0.0
    # are equal floats, but "0.0" and "-0.0" are different VM names).
    query = _query(args)
    record = entry[1].get(query)
    if record is None:
        record = entry[1][query] = _reach(topo, *query)
    return record


def _query(args: Mapping[str, Any]) -> tuple[str, str, str, int, int]:
    return (
        str(args["from"]),
        str(args["to"]),
        str(args["protocol"]),
        int(args.get("port", 0)),
        int(args.get("source_port", 50000)),
    )


def _reach(
    topo: Topology, source: str, target: str, protocol: str, port: int, source_port: int
) -> ReachResult:
    from quizgen.evaluator import trace

    return trace.reach(topo, source, target, protocol, port, source_port)


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
