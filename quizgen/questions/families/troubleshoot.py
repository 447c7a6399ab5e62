"""Troubleshoot: a generated scenario with one fault; which single change restores a flow.

fix-it: "X cannot connect to Y on TCP port N. Which single change lets it connect?" The correct
option is the scenario's recorded fix (quizgen.generator.faults), described in exam wording
from the changes' paths and values. The distractors are plausible changes from the
misconception table (azure-rules.md section 12), chosen by the failure reason: each is applied
to the topology and the flow re-evaluated by its own ``reach`` check, and it is offered only
when the flow still fails with no UNCONFIRMED assumption.

This module also holds what the other peering and gateway families share: ``describe`` (a list
of changes in exam wording), ``gateway_candidates`` (the distractor changes for gateway transit)
and ``try_changes`` (apply, load and evaluate).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import IPv4Network, ip_address
from typing import Any

from quizgen.checks import run
from quizgen.errors import QuizgenError
from quizgen.generator import patch
from quizgen.generator.addressing import gateway_subnet
from quizgen.generator.faults import CATALOGUE
from quizgen.questions import common
from quizgen.questions.bank import Spec
from quizgen.questions.family import Context, Family

Doc = dict[str, Any]
Change = dict[str, Any]

FLAGS = {
    "allow_virtual_network_access": "Allow virtual network access",
    "allow_forwarded_traffic": "Allow forwarded traffic",
    "allow_gateway_transit": "Allow gateway transit",
    "use_remote_gateways": "Use remote gateways",
}
#: Values a field takes when a change removes it (``value: null``): Azure's defaults.
DEFAULTS = {
    "allow_virtual_network_access": True,
    "allow_forwarded_traffic": False,
    "allow_gateway_transit": False,
    "use_remote_gateways": False,
    "propagate_gateway_routes": True,
    "ip_forwarding": False,
    "appliance": False,
    "power_state": "running",
}


#: Why each distractor is wrong, in one sentence (azure-rules.md section 12).
BELIEFS = {
    "T-01": "Peering is not transitive; a VNet in the middle does not pass traffic on (PEER-04)",
    "T-02": "One link is not a peering: traffic needs both links Connected (PEER-02)",
    "T-03": "A Disconnected link cannot be edited or completed back; delete it and create both "
    "links again (PEER-03)",
    "T-04": "Allow gateway transit goes on the hub's link and Use remote gateways on the "
    "spoke's link, not the other way round (PEER-08, PEER-09)",
    "T-05": "A spoke with its own gateway cannot use the hub's gateway (PEER-09, PEER-10)",
    "T-06": "Only one peering of a VNet may use remote gateways (PEER-09)",
    "T-07": "A Basic SKU gateway does not support gateway transit (GW-03)",
    "T-15": "Allow forwarded traffic is not needed for VPN gateway transit (PEER-07, GW-05)",
    "T-16": "Allow forwarded traffic creates no routes (PEER-07)",
    "T-18": "Every NSG on the path must allow the flow; an allow in one does not override a deny "
    "in the other (NSG-05)",
    "T-19": "A lower priority number is evaluated first, so the deny still wins (NSG-02)",
    "T-22": "With no NSG on the subnet or the network interface, all traffic is allowed; the "
    "NSG was never the problem (NSG-05)",
    "T-23": "NSGs are stateful: replies need no rule, and the request itself is still denied "
    "(NSG-06)",
    "T-42": "IP forwarding on the NIC is already on and is not enough: the OS must forward and "
    "the VM must run (NVA-01, NVA-02)",
}


class Unspeakable(ValueError):
    """A change the describer has no exam wording for."""


# --- reading a document by change path ---

_SEGMENT = re.compile(r"([A-Za-z_]+)(?:\[([^\]]+)\])?")


def lookup(doc: Doc, path: str) -> Any:
    """The value at a change path (None when missing)."""
    node: Any = doc
    for part in path.split("."):
        match = _SEGMENT.fullmatch(part)
        if match is None or not isinstance(node, dict):
            return None
        node = node.get(match[1])
        if match[2] is not None:
            node = next(
                (x for x in node or [] if isinstance(x, dict) and x.get("name") == match[2]), None
            )
    return node


def _value(change: Change) -> Any:
    field = change["path"].rsplit(".", 1)[-1]
    value = change.get("value")
    return DEFAULTS.get(field) if value is None else value


# --- describing changes ---


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _rule_text(rule: Doc) -> str:
    ports = rule.get("destination_ports", "*")
    proto = str(rule.get("protocol", "*")).upper().replace("*", "any protocol")
    port_text = "" if ports == "*" else f" port {ports}"
    return (
        f"{rule['access']} {proto}{port_text} from {_addr(rule.get('source', '*'))} "
        f"to {_addr(rule.get('destination', '*'))}"
    )


def _rule_phrase(rule: Doc) -> str:
    return (
        f"an {rule['direction']} rule {rule['name']} with priority {rule['priority']} "
        f"({_rule_text(rule)})"
    )


def _addr(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(value)
    return "any" if value == "*" else str(value)


def _route_text(route: Doc) -> str:
    hop = route["next_hop_type"]
    ip = f" {route['next_hop_ip']}" if route.get("next_hop_ip") else ""
    return f"{route['name']} ({route['prefix']}, next hop {hop}{ip})"


def describe(doc: Doc, changes: list[Change]) -> str:
    """The changes as one exam-style instruction ("Set Allow gateway transit on X to Enabled.")."""
    phrases = _phrases(doc, list(changes))
    text = "; ".join(phrases) if any(", and then" in p for p in phrases) else _join(phrases)
    return text[0].upper() + text[1:] + "."


def _normalised(doc: Doc, changes: list[Change]) -> list[Change]:
    """A whole list set to null (the undo of creating it) as one removal per item."""
    out: list[Change] = []
    for c in changes:
        if c["op"] == "set" and c["path"] in ("route_tables", "nsgs") and c.get("value") is None:
            out += [
                {"op": "remove", "path": f"{c['path']}[{item['name']}]"}
                for item in doc.get(c["path"], [])
            ]
        else:
            out.append(c)
    return out


def _phrases(doc: Doc, changes: list[Change]) -> list[str]:
    out: list[str] = []
    changes = _normalised(doc, changes)
    removed_nsgs = {
        m[1]
        for c in changes
        if c["op"] == "remove" and (m := re.fullmatch(r"nsgs\[([^\]]+)\]", c["path"]))
    }
    changes = [
        c
        for c in changes
        if not any(c["path"].startswith(f"nsgs[{n}].rules") for n in removed_nsgs)
    ]
    flags: dict[str, list[tuple[str, bool]]] = {}
    route_adds: dict[str, list[Doc]] = {}
    route_removes: dict[str, list[str]] = {}
    route_sets: dict[tuple[str, str], dict[str, Any]] = {}
    created_links: list[Doc] = []
    used: set[int] = set()

    def find(op: str, pattern: str) -> tuple[int, re.Match[str]] | None:
        for n, c in enumerate(changes):
            if n not in used and c["op"] == op and (m := re.fullmatch(pattern, c["path"])):
                return n, m
        return None

    # Patterns made of several changes first.
    removed = find("remove", r"peerings\[([^\]]+)\]")
    if removed is not None:
        n, m = removed
        adds = [
            (k, c["value"])
            for k, c in enumerate(changes)
            if c["op"] == "add" and c["path"] == "peerings"
        ]
        again = [(k, v) for k, v in adds if v["name"] == m[1]]
        if again:
            used |= {n, again[0][0]}
            others = [(k, v) for k, v in adds if v["name"] != m[1]]
            used |= {k for k, _ in others}
            if others:
                out.append(
                    f"delete {m[1]}, and then create both {m[1]} and "
                    f"{_join([v['name'] for _, v in others])} again"
                )
            else:
                out.append(f"delete {m[1]}, and then create {m[1]} again")
    for n, c in enumerate(changes):
        if c["op"] == "add" and c["path"] == "nsgs":
            name = c["value"]["name"]
            rules = [
                (k, x["value"])
                for k, x in enumerate(changes)
                if x["op"] == "add" and x["path"] == f"nsgs[{name}].rules"
            ]
            used.add(n)
            used |= {k for k, _ in rules}
            where = _association(changes, name, used)
            with_rules = f" with {_join([_rule_phrase(r) for _, r in rules])}" if rules else ""
            out.append(f"create the NSG {name}{with_rules}, and associate it with {where}")
    for vnet_change in [c for c in changes if c["op"] == "set"]:
        m = re.fullmatch(r"vnets\[([^\]]+)\]\.gateway", vnet_change["path"])
        if m and vnet_change.get("value") is None:
            k = changes.index(vnet_change)
            gw = lookup(doc, vnet_change["path"]) or {}
            sub = find("remove", rf"vnets\[{re.escape(m[1])}\]\.subnets\[GatewaySubnet\]")
            used.add(k)
            if sub is not None:
                used.add(sub[0])
                out.append(
                    f"delete the VPN gateway {gw.get('name')} and its GatewaySubnet from {m[1]}"
                )
            else:
                out.append(f"delete the VPN gateway {gw.get('name')} from {m[1]}")
        elif m:
            k = changes.index(vnet_change)
            used.add(k)
            gw = vnet_change["value"]
            sub = next(
                (
                    j
                    for j, c in enumerate(changes)
                    if c["op"] == "add"
                    and c["path"] == f"vnets[{m[1]}].subnets"
                    and c["value"].get("name") == "GatewaySubnet"
                ),
                None,
            )
            where = ""
            if sub is not None:
                used.add(sub)
                where = f" in a new GatewaySubnet ({changes[sub]['value']['prefix']})"
            out.append(
                f"deploy a {gw.get('sku', 'VpnGw1')} VPN gateway {gw['name']} in {m[1]}{where}"
            )
    for n, c in enumerate(changes):
        if n in used:
            continue
        path, op = c["path"], c["op"]
        if op == "set" and (
            m := re.fullmatch(r"vnets\[([^\]]+)\]\.subnets\[([^\]]+)\]\.(\w+)", path)
        ):
            vnet, subnet, field = m[1], m[2], m[3]
            if field not in ("route_table", "nsg"):
                raise Unspeakable(path)
            what = "route table" if field == "route_table" else "NSG"
            old = lookup(doc, path)
            if c.get("value") is None:
                kind = "route_tables" if field == "route_table" else "nsgs"
                gone = find("remove", rf"{kind}\[{re.escape(str(old))}\]")
                tail = ""
                if gone is not None:
                    used.add(gone[0])
                    tail = " and delete it"
                out.append(f"dissociate the {what} {old} from the subnet {subnet} of {vnet}{tail}")
            else:
                out.append(f"associate the {what} {c['value']} with the subnet {subnet} of {vnet}")
            continue
        if op == "set" and (m := re.fullmatch(r"vms\[([^\]]+)\]\.nsg", path)):
            old = lookup(doc, path)
            if c.get("value") is None:
                gone = find("remove", rf"nsgs\[{re.escape(str(old))}\]")
                tail = ""
                if gone is not None:
                    used.add(gone[0])
                    tail = " and delete it"
                out.append(f"dissociate the NSG {old} from the network interface of {m[1]}{tail}")
            else:
                out.append(f"associate the NSG {c['value']} with the network interface of {m[1]}")
            continue
        if op == "set" and (m := re.fullmatch(r"peerings\[([^\]]+)\]\.(\w+)", path)):
            if m[2] not in FLAGS:
                raise Unspeakable(path)
            flags.setdefault(m[1], []).append((m[2], bool(_value(c))))
            continue
        if op == "add" and path == "peerings":
            created_links.append(c["value"])
            continue
        if op == "remove" and (m := re.fullmatch(r"peerings\[([^\]]+)\]", path)):
            out.append(f"delete the peering link {m[1]}")
            continue
        if op == "remove" and (m := re.fullmatch(r"nsgs\[([^\]]+)\]\.rules\[([^\]]+)\]", path)):
            out.append(f"delete the rule {m[2]} from {m[1]}")
            continue
        if op == "add" and (m := re.fullmatch(r"nsgs\[([^\]]+)\]\.rules", path)):
            rule = c["value"]
            created = any(
                x["op"] == "add" and x["path"] == "nsgs" and x["value"]["name"] == m[1]
                for x in changes
            )
            if created:
                raise Unspeakable(path)  # told with the NSG's creation, above
            out.append(f"add {_rule_phrase(rule)} to {m[1]}")
            continue
        if op == "add" and path == "nsgs":
            continue  # told with the rule added to it
        if op == "set" and (
            m := re.fullmatch(r"nsgs\[([^\]]+)\]\.rules\[([^\]]+)\]\.priority", path)
        ):
            old = lookup(doc, f"nsgs[{m[1]}].rules[{m[2]}]") or {}
            out.append(
                f"change the priority of the rule {m[2]} in {m[1]} from "
                f"{old.get('priority')} to {c['value']}"
            )
            continue
        if op == "remove" and (m := re.fullmatch(r"nsgs\[([^\]]+)\]", path)):
            out.append(f"delete the NSG {m[1]}")
            continue
        if op == "set" and (m := re.fullmatch(r"vms\[([^\]]+)\]\.(\w+)", path)):
            vm, field, value = m[1], m[2], _value(c)
            if field == "ip_forwarding":
                verb = "enable" if value else "disable"
                out.append(f"{verb} IP forwarding on the network interface of {vm}")
            elif field == "appliance":
                verb = "enable" if value else "disable"
                out.append(f"{verb} IP forwarding (routing) in the operating system of {vm}")
            elif field == "power_state":
                out.append(f"start {vm}" if value == "running" else f"stop {vm}")
            else:
                raise Unspeakable(path)
            continue
        if op == "set" and (m := re.fullmatch(r"vnets\[([^\]]+)\]\.gateway\.sku", path)):
            gw = lookup(doc, f"vnets[{m[1]}].gateway") or {}
            old = gw.get("sku", "VpnGw1")
            if old == "Basic":
                out.append(
                    f"replace the Basic SKU gateway {gw.get('name')} in {m[1]} with a "
                    f"{c['value']} gateway"
                )
            else:
                out.append(
                    f"change the SKU of {gw.get('name')} in {m[1]} from {old} to {c['value']}"
                )
            continue
        if op == "set" and (
            m := re.fullmatch(r"route_tables\[([^\]]+)\]\.propagate_gateway_routes", path)
        ):
            out.append(f"set Propagate gateway routes on {m[1]} to {'Yes' if _value(c) else 'No'}")
            continue
        if op == "add" and (m := re.fullmatch(r"route_tables\[([^\]]+)\]\.routes", path)):
            route_adds.setdefault(m[1], []).append(c["value"])
            continue
        if op == "remove" and (
            m := re.fullmatch(r"route_tables\[([^\]]+)\]\.routes\[([^\]]+)\]", path)
        ):
            route_removes.setdefault(m[1], []).append(m[2])
            continue
        if op == "set" and (
            m := re.fullmatch(r"route_tables\[([^\]]+)\]\.routes\[([^\]]+)\]\.(\w+)", path)
        ):
            route_sets.setdefault((m[1], m[2]), {})[m[3]] = c.get("value")
            continue
        if op == "remove" and (m := re.fullmatch(r"route_tables\[([^\]]+)\]", path)):
            out.append(f"delete the route table {m[1]}")
            continue
        raise Unspeakable(path)
    for link, settings in flags.items():
        if len(settings) == 1:
            field, on = settings[0]
            out.append(f"set {FLAGS[field]} on {link} to {'Enabled' if on else 'Disabled'}")
        else:
            parts = [f"{FLAGS[f]} to {'Enabled' if on else 'Disabled'}" for f, on in settings]
            out.append(f"on {link}, set {_join(parts)}")
    out = _merge_same_flag(out)
    if created_links:
        names = [f"{v['name']} (from {v['from']} to {v['to']})" for v in created_links]
        noun = "peering link" if len(names) == 1 else "peering links"
        extra = []
        for v in created_links:
            on = [
                FLAGS[f]
                for f in ("allow_gateway_transit", "use_remote_gateways", "allow_forwarded_traffic")
                if v.get(f)
            ]
            if on:
                where = f" on {v['name']}" if len(created_links) > 1 else ""
                extra.append(f"{_join(on)} enabled{where}")
        tail = f", with {_join(extra)}" if extra else ""
        out.append(f"create the {noun} {_join(names)}{tail}")
    for table, routes in route_adds.items():
        noun = "route" if len(routes) == 1 else "routes"
        out.append(f"add the {noun} {_join([_route_text(r) for r in routes])} to {table}")
    for table, names in route_removes.items():
        noun = "route" if len(names) == 1 else "routes"
        out.append(f"delete the {noun} {_join(names)} from {table}")
    for (table, name), fields in route_sets.items():
        route = dict(lookup(doc, f"route_tables[{table}].routes[{name}]") or {})
        route.update(fields)
        out.append(
            f"change the route {name} in {table} to next hop {route.get('next_hop_type')}"
            + (f" {route['next_hop_ip']}" if route.get("next_hop_ip") else "")
        )
    if not out:
        raise Unspeakable("no change")
    return out


def _association(changes: list[Change], nsg: str, used: set[int]) -> str:
    """Where a new NSG is associated (the change is then told with the NSG's creation)."""
    for n, c in enumerate(changes):
        if c["op"] != "set" or c.get("value") != nsg:
            continue
        if m := re.fullmatch(r"vms\[([^\]]+)\]\.nsg", c["path"]):
            used.add(n)
            return f"the network interface of {m[1]}"
        if m := re.fullmatch(r"vnets\[([^\]]+)\]\.subnets\[([^\]]+)\]\.nsg", c["path"]):
            used.add(n)
            return f"the subnet {m[2]} of {m[1]}"
    raise Unspeakable(f"nsgs[{nsg}] is created but not associated")


def _merge_same_flag(phrases: list[str]) -> list[str]:
    """ "set F on A to V" + "set F on B to V" -> "set F to V on A and B"."""
    pattern = re.compile(r"set (.+) on (\S+) to (Enabled|Disabled)")
    groups: dict[tuple[str, str], list[str]] = {}
    order: list[Any] = []
    for p in phrases:
        m = pattern.fullmatch(p)
        if m and m[1] in FLAGS.values():
            key = (m[1], m[3])
            if key not in groups:
                order.append(key)
            groups.setdefault(key, []).append(m[2])
        else:
            order.append(p)
    out = []
    for item in order:
        if isinstance(item, tuple):
            links = groups[item]
            if len(links) == 1:
                out.append(f"set {item[0]} on {links[0]} to {item[1]}")
            else:
                out.append(f"set {item[0]} to {item[1]} on {_join(links)}")
        else:
            out.append(item)
    return out


# --- trying changes ---


def add_wrong_options(
    ctx: Context,
    flow: Doc,
    chosen: list[tuple[Any, str, Doc]],
    options: list[Doc],
    explanation: list[str],
) -> None:
    """Each chosen distractor (candidate, its text, the re-evaluated answer) as a fix-it option
    decided by its own check (the change applied, the flow still failing), and why it is wrong."""
    for c, text, answer in chosen:
        j = ctx.check("reach", flow, {"reachable": False, "reason": answer["reason"]}, c.changes)
        options.append(
            {
                "text": text,
                "correct": False,
                "check": j,
                "claim": {"reachable": True},
                "misconception": c.misconception,
            }
        )
        explanation.append(
            f"Wrong: {text} The connection still fails ({answer['reason']}). "
            f"{BELIEFS.get(c.misconception, '')} ({c.misconception})."
        )


def try_changes(doc: Doc, changes: list[Change], command: str, args: Doc) -> Doc | None:
    """The answer of ``command`` on ``doc`` with ``changes`` applied; None if they do not fit."""
    try:
        changed, _ = patch.apply(doc, changes)
        return run(common.load(changed), command, args)
    except (patch.PatchError, QuizgenError, KeyError, TypeError, ValueError):
        return None


def changes_anything(doc: Doc, changes: list[Change]) -> bool:
    try:
        return patch.apply(doc, changes)[0] != doc
    except patch.PatchError:
        return False


@dataclass
class Candidate:
    changes: list[Change]
    misconception: str
    noop_ok: bool = False  # an option that changes nothing is still a fair distractor


def _link(doc: Doc, a: str, b: str) -> Doc | None:
    return next((p for p in doc.get("peerings", []) if p["from"] == a and p["to"] == b), None)


def _vnet(doc: Doc, name: str) -> Doc | None:
    return next((v for v in doc["vnets"] if v["name"] == name), None)


def _flag(link: Doc, field: str) -> bool:
    return bool(link.get(field, DEFAULTS[field]))


def _set_flag(link: Doc, field: str, value: bool = True) -> Change:
    return {"op": "set", "path": f"peerings[{link['name']}].{field}", "value": value}


def gateway_candidates(doc: Doc, spoke: str, hub: str) -> list[Candidate]:
    """Changes a learner might make for a spoke that cannot use the hub's gateway."""
    up, down = _link(doc, spoke, hub), _link(doc, hub, spoke)
    out: list[Candidate] = []
    if up is None or down is None:
        return out
    if not _flag(down, "use_remote_gateways"):
        out.append(Candidate([_set_flag(down, "use_remote_gateways")], "T-04"))
    if not _flag(up, "allow_gateway_transit"):
        out.append(Candidate([_set_flag(up, "allow_gateway_transit")], "T-04"))
    for link in (down, up):
        if not _flag(link, "allow_forwarded_traffic"):
            out.append(Candidate([_set_flag(link, "allow_forwarded_traffic")], "T-15"))
    vnet = _vnet(doc, spoke)
    if vnet is not None and vnet.get("gateway") is None:
        block = IPv4Network(vnet["address_space"][0])
        gw_net = gateway_subnet(block)
        if not any(IPv4Network(s["prefix"]).overlaps(gw_net) for s in vnet["subnets"]):
            short = spoke.removeprefix("vnet-")
            out.append(
                Candidate(
                    [
                        {
                            "op": "add",
                            "path": f"vnets[{spoke}].subnets",
                            "value": {"name": "GatewaySubnet", "prefix": str(gw_net)},
                        },
                        {
                            "op": "set",
                            "path": f"vnets[{spoke}].gateway",
                            "value": {"name": f"vgw-{short}", "type": "vpn", "sku": "VpnGw1"},
                        },
                    ],
                    "T-05",
                )
            )
    for other in doc["vnets"]:
        if other["name"] in (spoke, hub) or other.get("gateway") is None:
            continue
        if _link(doc, spoke, other["name"]) or _link(doc, other["name"], spoke):
            continue
        peered = run(common.load(doc), "can-peer", {"vnet_a": spoke, "vnet_b": other["name"]})
        if not peered["ok"]:
            continue
        s, o = spoke.removeprefix("vnet-"), other["name"].removeprefix("vnet-")
        out.append(
            Candidate(
                [
                    {
                        "op": "add",
                        "path": "peerings",
                        "value": {
                            "name": f"peer-{o}-to-{s}",
                            "from": other["name"],
                            "to": spoke,
                            "allow_gateway_transit": True,
                        },
                    },
                    {
                        "op": "add",
                        "path": "peerings",
                        "value": {
                            "name": f"peer-{s}-to-{o}",
                            "from": spoke,
                            "to": other["name"],
                            "use_remote_gateways": True,
                        },
                    },
                ],
                "T-06",
            )
        )
        break
    return out


# --- distractors by failure reason ---


def _vm(doc: Doc, name: str) -> Doc | None:
    return next((v for v in doc.get("vms", []) if v["name"] == name), None)


def _subnet(doc: Doc, vm: Doc) -> Doc:
    vnet = _vnet(doc, vm["vnet"]) or {}
    return next(s for s in vnet.get("subnets", []) if s["name"] == vm["subnet"])


def _ip_of(doc: Doc, endpoint: str) -> str:
    vm = _vm(doc, endpoint)
    return vm["ip"] if vm else endpoint


def _free_priority(nsg: Doc | None, direction: str, below: int = 4097, prefer: int = 100) -> int:
    used = {r["priority"] for r in (nsg or {}).get("rules", []) if r["direction"] == direction}
    for p in [prefer, *range(100, below, 10)]:
        if p < below and p not in used:
            return p
    return -1


def _nsg(doc: Doc, name: str | None) -> Doc | None:
    return next((n for n in doc.get("nsgs", []) if n["name"] == name), None)


def _allow_from_source(doc: Doc, flow: Doc) -> Doc:
    """An inbound rule allowing the flow's source address on its port (priority set later)."""
    there_ip = _ip_of(doc, flow["from"])
    return {
        "name": f"allow-{flow['port']}-from-{there_ip.replace('.', '-')}",
        "direction": "inbound",
        "access": "allow",
        "protocol": "tcp",
        "source": there_ip,
        "source_ports": "*",
        "destination": "*",
        "destination_ports": str(flow["port"]),
    }


def _allow_rule_at(doc: Doc, here: Doc, level: str, rule: Doc) -> list[Change] | None:
    """Changes adding ``rule`` to the NSG of ``here``'s NIC or subnet, creating it if needed."""
    if level == "nic":
        name = here.get("nsg")
        changes: list[Change] = []
        if name is None:
            name = f"nsg-{here['name']}-nic"
            if _nsg(doc, name) is not None:
                return None
            changes += [
                {"op": "add", "path": "nsgs", "value": {"name": name, "rules": []}},
                {"op": "set", "path": f"vms[{here['name']}].nsg", "value": name},
            ]
    else:
        subnet = _subnet(doc, here)
        name = subnet.get("nsg")
        changes = []
        if name is None:
            name = (
                f"nsg-{subnet['name'].removeprefix('snet-')}-{here['vnet'].removeprefix('vnet-')}"
            )
            if _nsg(doc, name) is not None:
                return None
            changes += [
                {"op": "add", "path": "nsgs", "value": {"name": name, "rules": []}},
                {
                    "op": "set",
                    "path": f"vnets[{here['vnet']}].subnets[{subnet['name']}].nsg",
                    "value": name,
                },
            ]
    nsg = _nsg(doc, name)
    if any(r["name"] == rule["name"] for r in (nsg or {}).get("rules", [])):
        return None
    priority = _free_priority(nsg, rule["direction"])
    if priority < 0:
        return None
    changes.append(
        {"op": "add", "path": f"nsgs[{name}].rules", "value": {**rule, "priority": priority}}
    )
    return changes


def _level_of(doc: Doc, vm: Doc, nsg_name: str) -> str:
    return "subnet" if _subnet(doc, vm).get("nsg") == nsg_name else "nic"


def _nsg_candidates(doc: Doc, flow: Doc, record: Doc) -> list[Candidate]:
    added = next(
        (
            (m[1], c["value"])
            for c in record["changes"]
            if c["op"] == "add" and (m := re.fullmatch(r"nsgs\[([^\]]+)\]\.rules", c["path"]))
        ),
        None,
    )
    if added is None:
        return []
    nsg_name, deny = added
    inbound = deny["direction"] == "inbound"
    here = _vm(doc, flow["to"] if inbound else flow["from"])
    if here is None:
        return []
    there_ip = _ip_of(doc, flow["from"] if inbound else flow["to"])
    port = str(flow["port"])
    out: list[Candidate] = []
    level = _level_of(doc, here, nsg_name)
    other = "nic" if level == "subnet" else "subnet"
    allow = {
        "name": f"allow-{port}-{'from' if inbound else 'to'}-{there_ip.replace('.', '-')}",
        "direction": deny["direction"],
        "access": "allow",
        "protocol": "tcp",
        "source": there_ip if inbound else "*",
        "source_ports": "*",
        "destination": "*" if inbound else there_ip,
        "destination_ports": port,
    }
    changes = _allow_rule_at(doc, here, other, allow)
    if changes:
        out.append(Candidate(changes, "T-18"))
    reply = {
        "name": f"allow-reply-{'to' if inbound else 'from'}-{there_ip.replace('.', '-')}",
        "direction": "outbound" if inbound else "inbound",
        "access": "allow",
        "protocol": "tcp",
        "source": "*" if inbound else there_ip,
        "source_ports": port if inbound else "*",
        "destination": there_ip if inbound else "*",
        "destination_ports": "*",
    }
    changes = _allow_rule_at(doc, here, level, reply)
    if changes:
        out.append(Candidate(changes, "T-23"))
    nsg = _nsg(doc, nsg_name)
    lower = _free_priority(nsg, deny["direction"], below=deny["priority"], prefer=100)
    if 0 < lower < deny["priority"]:
        out.append(
            Candidate(
                [
                    {
                        "op": "set",
                        "path": f"nsgs[{nsg_name}].rules[{deny['name']}].priority",
                        "value": lower,
                    }
                ],
                "T-19",
            )
        )
    for rule in (nsg or {}).get("rules", []):
        if (
            rule["access"] == "allow"
            and rule["direction"] == deny["direction"]
            and rule["priority"] > deny["priority"]
        ):
            high = next(
                (
                    p
                    for p in (4000, 4010, 4020, 4090)
                    if p
                    not in {
                        r["priority"] for r in nsg["rules"] if r["direction"] == rule["direction"]
                    }
                ),
                None,
            )
            if high and high != rule["priority"]:
                out.append(
                    Candidate(
                        [
                            {
                                "op": "set",
                                "path": f"nsgs[{nsg_name}].rules[{rule['name']}].priority",
                                "value": high,
                            }
                        ],
                        "T-19",
                    )
                )
                break
    return out


def _one_sided_link(doc: Doc, a: str, b: str) -> Candidate | None:
    """A learner holding T-02 creates only one link between a and b."""
    if _link(doc, a, b) or _link(doc, b, a):
        return None
    s, o = a.removeprefix("vnet-"), b.removeprefix("vnet-")
    value = {"name": f"peer-{s}-to-{o}", "from": a, "to": b}
    return Candidate([{"op": "add", "path": "peerings", "value": value}], "T-02")


def _forwarded_on(doc: Doc, links: list[Doc], misconception: str) -> Candidate | None:
    changes = [
        _set_flag(p, "allow_forwarded_traffic")
        for p in links
        if not _flag(p, "allow_forwarded_traffic")
    ]
    return Candidate(changes, misconception) if changes else None


def _vnet_of(doc: Doc, endpoint: str) -> str | None:
    vm = _vm(doc, endpoint)
    return vm["vnet"] if vm else None


def _peering_candidates(doc: Doc, flow: Doc, record: Doc) -> list[Candidate]:
    """The link the fault removed (its value is in the fix) and the link left behind."""
    gone = next(
        (
            m[1]
            for c in record["changes"]
            if c["op"] == "remove" and (m := re.fullmatch(r"peerings\[([^\]]+)\]", c["path"]))
        ),
        None,
    )
    lost = next(
        (
            c["value"]
            for c in record.get("fix", [])
            if c["op"] == "add"
            and isinstance(c.get("value"), dict)
            and c["value"].get("name") == gone
        ),
        None,
    )
    if lost is None:
        return []
    keep = _link(doc, lost["to"], lost["from"])
    if keep is None:
        return []
    fresh = {k: v for k, v in keep.items() if k != "state"}
    again = [
        {"op": "remove", "path": f"peerings[{keep['name']}]"},
        {"op": "add", "path": "peerings", "value": fresh},
    ]
    out = [Candidate(again, "T-02")]
    if record["kind"] == "peering-disconnected":
        out.append(Candidate([{"op": "add", "path": "peerings", "value": lost}], "T-03"))
        forwarded = _forwarded_on(doc, [keep], "T-03")
    else:
        forwarded = _forwarded_on(doc, [keep], "T-02")
    if forwarded:
        out.append(forwarded)
    return out + _no_nsg_candidates(doc, flow)


def _no_nsg_candidates(doc: Doc, flow: Doc) -> list[Candidate]:
    """T-22: the destination has no NSG at all, and a learner thinks that denies inbound."""
    here = _vm(doc, flow["to"])
    if here is None or here.get("nsg") or _subnet(doc, here).get("nsg"):
        return []
    allow = _allow_from_source(doc, flow)
    changes = _allow_rule_at(doc, here, "nic", allow)
    return [Candidate(changes, "T-22")] if changes else []


def _bypass_appliance(doc: Doc, flow: Doc) -> list[Candidate]:
    """T-01: delete the source's routes through the appliance, as if peering were transitive."""
    src = _vm(doc, flow["from"])
    dst_ip = _ip_of(doc, flow["to"])
    if src is None:
        return []
    table = _subnet(doc, src).get("route_table")
    routes = lookup(doc, f"route_tables[{table}].routes") if table else None
    try:
        ip = ip_address(dst_ip)
    except ValueError:
        return []
    hits = [
        r
        for r in routes or []
        if r["next_hop_type"] == "VirtualAppliance" and ip in IPv4Network(r["prefix"])
    ]
    return (
        [
            Candidate(
                [
                    {"op": "remove", "path": f"route_tables[{table}].routes[{r['name']}]"}
                    for r in hits
                ],
                "T-01",
            )
        ]
        if hits
        else []
    )


def _no_route_candidates(doc: Doc, flow: Doc, record: Doc) -> list[Candidate]:
    src, dst = _vnet_of(doc, flow["from"]), _vnet_of(doc, flow["to"])
    if src is None or dst is None:
        return []
    out: list[Candidate] = []
    one = _one_sided_link(doc, src, dst)
    if one:
        out.append(one)
    middles = [
        p["to"] for p in doc.get("peerings", []) if p["from"] == src and _link(doc, dst, p["to"])
    ]
    links = [
        link
        for m in middles[:1]
        for link in (_link(doc, src, m), _link(doc, m, src), _link(doc, dst, m), _link(doc, m, dst))
        if link is not None
    ]
    forwarded = _forwarded_on(doc, links, "T-16")
    if forwarded:
        out.append(forwarded)
    for m in middles[:1]:
        transit = [
            _set_flag(link, "allow_gateway_transit")
            for link in (_link(doc, m, src), _link(doc, m, dst))
            if link is not None and not _flag(link, "allow_gateway_transit")
        ]
        if transit:
            out.append(Candidate(transit, "T-01"))
    out += _appliance_candidates(doc)
    out += _no_nsg_candidates(doc, flow)
    out += _bypass_appliance(doc, flow)
    return out


def _appliance_candidates(doc: Doc) -> list[Candidate]:
    out = []
    for vm in doc.get("vms", []):
        if vm.get("appliance") or vm.get("ip_forwarding"):
            out.append(
                Candidate(
                    [{"op": "set", "path": f"vms[{vm['name']}].ip_forwarding", "value": True}],
                    "T-42",
                    noop_ok=True,
                )
            )
    return out


def _route_none_candidates(doc: Doc, flow: Doc, record: Doc) -> list[Candidate]:
    src, dst = _vnet_of(doc, flow["from"]), _vnet_of(doc, flow["to"])
    if src is None or dst is None:
        return []
    links = [x for x in (_link(doc, src, dst), _link(doc, dst, src)) if x is not None]
    out = []
    forwarded = _forwarded_on(doc, links, "T-16")
    if forwarded:
        out.append(forwarded)
    return out + _no_nsg_candidates(doc, flow)


def _access_candidates(doc: Doc, flow: Doc, record: Doc) -> list[Candidate]:
    here = _vm(doc, flow["to"])
    if here is None:
        return []
    allow = _allow_from_source(doc, flow)
    out = []
    for level in ("nic", "subnet"):
        changes = _allow_rule_at(doc, here, level, allow)
        if changes:
            out.append(Candidate(changes, "T-18"))
    src, dst = _vnet_of(doc, flow["from"]), _vnet_of(doc, flow["to"])
    links = [x for x in (_link(doc, src or "", dst or ""), _link(doc, dst or "", src or "")) if x]
    forwarded = _forwarded_on(doc, links, "T-16")
    if forwarded:
        out.append(forwarded)
    return out


def _transit_candidates(doc: Doc, flow: Doc, record: Doc) -> list[Candidate]:
    spoke = _vnet_of(doc, flow["from"])
    if spoke is None:
        return []
    hubs = [
        p["to"]
        for p in doc.get("peerings", [])
        if p["from"] == spoke and (_vnet(doc, p["to"]) or {}).get("gateway")
    ]
    if not hubs:
        return []
    return gateway_candidates(doc, spoke, hubs[0])


def _appliance_flow_candidates(doc: Doc, flow: Doc, record: Doc, nic: bool) -> list[Candidate]:
    """Traffic through a hub appliance that drops it: forwarded traffic, a one-sided direct
    peering between the two VNets, and (unless it is the fix) IP forwarding on the NIC."""
    out = _appliance_candidates(doc) if nic else []
    out += _route_none_candidates(doc, flow, record)
    out += _bypass_appliance(doc, flow)
    src, dst = _vnet_of(doc, flow["from"]), _vnet_of(doc, flow["to"])
    if src and dst and src != dst:
        one = _one_sided_link(doc, src, dst)
        if one:
            out.append(one)
    return out


CANDIDATES: dict[str, Callable[[Doc, Doc, Doc], list[Candidate]]] = {
    "nsg-deny-inbound": _nsg_candidates,
    "nsg-deny-outbound": _nsg_candidates,
    "peering-not-connected": _peering_candidates,
    "no-route": _no_route_candidates,
    "route-none": _route_none_candidates,
    "vnet-access-disabled": _access_candidates,
    "gateway-transit-not-enabled": _transit_candidates,
    "local-gateway-conflict": _transit_candidates,
    "basic-sku-no-transit": _transit_candidates,
    "gateway-routes-not-propagated": _transit_candidates,
    "ip-forwarding-disabled": lambda d, f, r: _appliance_flow_candidates(d, f, r, nic=False),
    "appliance-not-forwarding": lambda d, f, r: _appliance_flow_candidates(d, f, r, nic=True),
    "next-hop-vm-stopped": lambda d, f, r: _appliance_flow_candidates(d, f, r, nic=True),
}


# --- the family ---


def distractors(
    ctx: Context, doc: Doc, flow: Doc, candidates: list[Candidate], fix: list[Change]
) -> list[tuple[Candidate, str, Doc]]:
    """(candidate, text, reach answer) of the candidates that do not fix the flow."""
    fix_text = describe(doc, fix)
    out, seen = [], {fix_text}
    for c in candidates:
        if not c.noop_ok and not changes_anything(doc, c.changes):
            continue
        try:
            text = describe(doc, c.changes)
        except Unspeakable:
            continue
        if text in seen:
            continue
        answer = try_changes(doc, c.changes, "reach", flow)
        if answer is None or answer["reachable"] or answer["assumptions"]:
            continue
        seen.add(text)
        out.append((c, text, answer))
    return out


def _pick_flow(topo: Any, record: Doc) -> Doc | None:
    for probe in record["probes"]:
        if probe["command"] != "reach" or topo.vm(probe["args"]["from"]) is None:
            continue
        answer = run(topo, "reach", probe["args"])
        if not answer["reachable"] and not answer["assumptions"]:
            return dict(probe["args"])
    return None


def build(ctx: Context) -> Doc | None:
    for _ in range(3):
        doc = _attempt(ctx)
        if doc is not None:
            return doc
        ctx.checks.clear()
    return None


#: The faults whose failure a reach check shows (the can-peer ones are peering-candidates').
KINDS = tuple(k for k, f in CATALOGUE.items() if f.check == "reach" and f.reason in CANDIDATES)


def _attempt(ctx: Context) -> Doc | None:
    s = common.scenario(ctx.rng, faults=[ctx.rng.choice(KINDS)])
    if s is None or len(s.section["faults"]) != 1:
        return None
    record = s.section["faults"][0]
    if record["reason"] not in CANDIDATES:
        return None
    doc = common.topology_of(s)
    topo = common.load(doc)
    flow = _pick_flow(topo, record)
    if flow is None:
        return None
    fix = s.section["fix"]
    record = {**record, "fix": fix}
    try:
        fix_text = describe(doc, fix)
    except Unspeakable:
        return None
    fixed = try_changes(doc, fix, "reach", flow)
    if fixed is None or not fixed["reachable"] or fixed["assumptions"]:
        return None
    found = distractors(ctx, doc, flow, CANDIDATES[record["reason"]](doc, flow, record), fix)
    if len(found) < 3:
        return None
    chosen = ctx.rng.sample(found, 3)
    broken = run(topo, "reach", flow)
    ctx.check("reach", flow, {"reachable": False, "reason": broken["reason"]})
    i = ctx.check("reach", flow, {"reachable": True, "reason": "delivered"}, fix)
    options = [{"text": fix_text, "correct": True, "check": i, "claim": {"reachable": True}}]
    explanation = [" ".join(broken["explanation"][:2])]
    explanation.append(f"Correct: {fix_text} It undoes the cause: {record['summary']}")
    add_wrong_options(ctx, flow, chosen, options, explanation)
    rules = list(record["rules"]) + common.deciding_rules(broken)
    return ctx.question(
        stem_fields={
            "src": common.label(topo, flow["from"]),
            "dst": common.label(topo, flow["to"]),
            "port": flow["port"],
        },
        topology=doc,
        explanation=explanation,
        rules=rules,
        difficulty=2 + len(doc["vnets"]) // 3 + (len(fix) > 1),
        exhibits=common.network_exhibits(doc, topo),
        options=options,
    )


FAMILY = Family(
    "troubleshoot",
    "which single change restores a failing flow in a network with one fault",
    Spec(("fix-it",), frozenset({"src", "dst", "port"}), ()),
    build,
)
