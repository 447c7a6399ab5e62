"""The fault catalogue: each fault is a pure change to a valid topology document.

A fault kind names the reason code it must cause and the rules behind it. ``targets`` proposes
places to inject it, as lists of changes (quizgen.generator.patch), in random order; the scenario
engine keeps the first placement the evaluator proves: the probe flows it breaks all fail with
exactly this reason, with no UNCONFIRMED assumption, and the recorded fix restores them.

Faults whose effect would rest on a rule marked UNCONFIRMED in azure-rules.md are listed in
``WITHHELD`` with the reason, and never offered.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network
from typing import Any

from quizgen.generator.addressing import gateway_subnet
from quizgen.generator.patch import Change
from quizgen.generator.topologies import SHAPES, Base

Doc = dict[str, Any]


@dataclass(frozen=True)
class Placement:
    changes: list[Change]
    summary: str  # one sentence: what was done, naming the objects
    fix: list[Change] | None = None  # when the plain undo is not how Azure fixes it (PEER-03)
    peer_pair: tuple[str, str] | None = None  # for can-peer faults: the pair to check
    fix_note: str | None = None  # how Azure applies the fix, when the changes alone do not say


@dataclass(frozen=True)
class FaultKind:
    kind: str
    reason: str
    rules: tuple[str, ...]
    summary: str
    targets: Callable[[Base, random.Random], Iterator[Placement]]
    check: str = "reach"  # "can-peer" or "validate" for configurations Azure refuses
    shapes: tuple[str, ...] = SHAPES  # the shapes whose bases have what the fault needs


# --- looking things up in a document ----------------------------------------------------------


def _by_name(items: list[Doc], name: str) -> Doc:
    return next(item for item in items if item["name"] == name)


def _vm(doc: Doc, name: str) -> Doc:
    return _by_name(doc["vms"], name)


def _vnet(doc: Doc, name: str) -> Doc:
    return _by_name(doc["vnets"], name)


def _subnet(doc: Doc, vm: Doc) -> Doc:
    return _by_name(_vnet(doc, vm["vnet"])["subnets"], vm["subnet"])


def _link(doc: Doc, a: str, b: str) -> Doc | None:
    return next((p for p in doc.get("peerings", []) if p["from"] == a and p["to"] == b), None)


def _links_of(doc: Doc, vnet: str) -> list[Doc]:
    return [p for p in doc.get("peerings", []) if vnet in (p["from"], p["to"])]


def _vm_flows(base: Base) -> list[dict[str, Any]]:
    names = {vm["name"] for vm in base.doc.get("vms", [])}
    return [f for f in base.flows if f["from"] in names and f["to"] in names]


def _shuffled(rng: random.Random, items: list[Any]) -> list[Any]:
    items = list(items)
    rng.shuffle(items)
    return items


def _free_priority(nsg: Doc | None, direction: str, below: int, rng: random.Random) -> int:
    used = {r["priority"] for r in (nsg or {}).get("rules", []) if r["direction"] == direction}
    free = [p for p in range(100, max(101, below), 10) if p not in used]
    return rng.choice(free) if free else 100


def _min_priority(nsg: Doc | None, direction: str) -> int:
    return min(
        (r["priority"] for r in (nsg or {}).get("rules", []) if r["direction"] == direction),
        default=4096,
    )


# --- NSG faults -------------------------------------------------------------------------------


def _nsg_deny(
    direction: str, level: str, style: str
) -> Callable[[Base, random.Random], Iterator[Placement]]:
    """A deny rule at the subnet or NIC level of the destination (inbound) or source (outbound).

    ``style``: ``plain`` (the flow's port from the other subnet), ``shadow`` (a wider deny placed
    above an allow for the same traffic) or ``tag`` (a deny naming the VirtualNetwork tag).
    """

    def targets(base: Base, rng: random.Random) -> Iterator[Placement]:
        doc = base.doc
        for flow in _shuffled(rng, _vm_flows(base)):
            here = _vm(doc, flow["to"] if direction == "inbound" else flow["from"])
            there = _vm(doc, flow["from"] if direction == "inbound" else flow["to"])
            there_prefix = _subnet(doc, there)["prefix"]
            port = str(flow["port"])
            changes: list[Change] = []
            if level == "subnet":
                nsg_name = _subnet(doc, here).get("nsg")
                if nsg_name is None:
                    continue
                nsg = _by_name(doc["nsgs"], nsg_name)
            else:
                nsg_name = here.get("nsg") or f"nsg-{here['name']}-nic"
                nsg = next((n for n in doc.get("nsgs", []) if n["name"] == nsg_name), None)
                if nsg is None:
                    changes += [
                        {"op": "add", "path": "nsgs", "value": {"name": nsg_name, "rules": []}},
                        {"op": "set", "path": f"vms[{here['name']}].nsg", "value": nsg_name},
                    ]
            allows = [
                r
                for r in (nsg or {}).get("rules", [])
                if r["direction"] == direction
                and r["access"] == "allow"
                and _covers_port(r.get("destination_ports", "*"), int(port))
            ]
            if style == "shadow" and not allows:
                continue
            below = min([r["priority"] for r in allows] or [_min_priority(nsg, direction)])
            priority = _free_priority(nsg, direction, below, rng)
            peer = "VirtualNetwork" if style == "tag" else there_prefix
            # Name the other side by VNet and subnet: "web" alone could be any VNet's web tier.
            other = (
                "vnets"
                if style == "tag"
                else (
                    f"{_short(there['vnet'])}-{_short(there['subnet'])}"
                    if there["vnet"] != here["vnet"]
                    else _short(there["subnet"])
                )
            )
            way = "from" if direction == "inbound" else "to"
            if style == "shadow":
                ports, name = "0-65535", f"deny-all-{way}-{other}"
            else:
                ports, name = port, f"deny-{port}-{way}-{other}"
            rule = {
                "name": name,
                "priority": priority,
                "direction": direction,
                "access": "deny",
                "protocol": "*" if style == "shadow" else "tcp",
                "source": peer if direction == "inbound" else "*",
                "source_ports": "*",
                "destination": "*" if direction == "inbound" else peer,
                "destination_ports": ports,
            }
            if any(r["name"] == name for r in (nsg or {}).get("rules", [])):
                continue
            changes.append({"op": "add", "path": f"nsgs[{nsg_name}].rules", "value": rule})
            shadowed = (
                f", above {allows[0]['name']} (priority {allows[0]['priority']})"
                if (style == "shadow")
                else ""
            )
            yield Placement(
                changes,
                f"Added {direction} rule {name} (priority {priority}, deny) to "
                f"{nsg_name} on the {level} of {here['name']}{shadowed}.",
            )

    return targets


def _covers_port(ports: Any, port: int) -> bool:
    for part in str(ports).split(","):
        part = part.strip()
        if part == "*":
            return True
        low, _, high = part.partition("-")
        if int(low) <= port <= int(high or low):
            return True
    return False


def _short(name: str) -> str:
    return name.removeprefix("snet-").removeprefix("vnet-")


# --- peering faults ---------------------------------------------------------------------------


def _peered_pairs(base: Base) -> list[tuple[str, str]]:
    doc = base.doc
    return [
        (p["from"], p["to"])
        for p in doc.get("peerings", [])
        if _link(doc, p["to"], p["from"]) is not None
    ]


def _initiated(base: Base, rng: random.Random) -> Iterator[Placement]:
    for a, b in _shuffled(rng, _peered_pairs(base)):
        gone = _link(base.doc, b, a)
        yield Placement(
            [{"op": "remove", "path": f"peerings[{gone['name']}]"}],
            f"Only {a} created its link {_link(base.doc, a, b)['name']}; the reverse "
            f"link {gone['name']} from {b} was never created.",
        )


def _disconnected(base: Base, rng: random.Random) -> Iterator[Placement]:
    for a, b in _shuffled(rng, _peered_pairs(base)):
        keep, gone = _link(base.doc, a, b), _link(base.doc, b, a)
        # Re-create the link that allows gateway transit before the one that uses it (PEER-09).
        links = sorted([dict(keep), dict(gone)], key=lambda p: bool(p.get("use_remote_gateways")))
        fix = [
            {"op": "remove", "path": f"peerings[{keep['name']}]"},
            *({"op": "add", "path": "peerings", "value": link} for link in links),
        ]
        yield Placement(
            [
                {"op": "remove", "path": f"peerings[{gone['name']}]"},
                {"op": "set", "path": f"peerings[{keep['name']}].state", "value": "Disconnected"},
            ],
            f"{gone['name']} was deleted through the API, so {keep['name']} is "
            "Disconnected; it cannot be reconnected, only deleted and re-created with "
            "its reverse (PEER-03).",
            fix=fix,
        )


def _vnet_access_off(base: Base, rng: random.Random) -> Iterator[Placement]:
    for a, b in _shuffled(rng, _peered_pairs(base)):
        if a > b:
            continue
        x, y = _link(base.doc, a, b), _link(base.doc, b, a)
        yield Placement(
            [
                {
                    "op": "set",
                    "path": f"peerings[{x['name']}].allow_virtual_network_access",
                    "value": False,
                },
                {
                    "op": "set",
                    "path": f"peerings[{y['name']}].allow_virtual_network_access",
                    "value": False,
                },
            ],
            f"allow_virtual_network_access is off on both {x['name']} and {y['name']}.",
        )


def _non_transitive(base: Base, rng: random.Random) -> Iterator[Placement]:
    doc = base.doc
    pairs = _peered_pairs(base)
    for a, b in _shuffled(rng, [p for p in pairs if p[0] < p[1]]):
        middles = [m for m in sorted({x for _, x in pairs}) if (a, m) in pairs and (b, m) in pairs]
        if not middles:
            continue
        x, y = _link(doc, a, b), _link(doc, b, a)
        yield Placement(
            [
                {"op": "remove", "path": f"peerings[{x['name']}]"},
                {"op": "remove", "path": f"peerings[{y['name']}]"},
            ],
            f"The direct peering between {a} and {b} is gone; both are still peered "
            f"with {middles[0]}, but peering is not transitive.",
        )
    if base.nva:  # spokes that lost their routes through the hub appliance
        tables = [t for t in doc.get("route_tables", []) if t["name"].startswith("rt-spoke")]
        for table in _shuffled(rng, tables):
            others = [t for t in tables if t is not table]
            if not others:
                continue
            other = rng.choice(others)
            changes = [
                {"op": "remove", "path": f"route_tables[{t['name']}].routes[{r['name']}]"}
                for t in (table, other)
                for r in t["routes"]
            ]
            yield Placement(
                changes,
                f"The routes through the hub appliance are gone from "
                f"{table['name']} and {other['name']}; spoke-to-spoke traffic has no "
                "path, because peering with the hub is not transitive.",
            )


# --- gateway transit faults -------------------------------------------------------------------


def _transit_links(base: Base) -> list[tuple[Doc, Doc]]:
    """(hub -> spoke, spoke -> hub) links of spokes that use a hub's gateway."""
    out = []
    for spoke, hub in base.spokes.items():
        if hub in base.gateway_hubs:
            down, up = _link(base.doc, hub, spoke), _link(base.doc, spoke, hub)
            if down and up and up.get("use_remote_gateways"):
                out.append((down, up))
    return out


def _transit_fault(variant: str) -> Callable[[Base, random.Random], Iterator[Placement]]:
    def targets(base: Base, rng: random.Random) -> Iterator[Placement]:
        for down, up in _shuffled(rng, _transit_links(base)):
            d, u = f"peerings[{down['name']}]", f"peerings[{up['name']}]"
            if variant == "hub":
                yield Placement(
                    [{"op": "set", "path": f"{d}.allow_gateway_transit", "value": False}],
                    f"allow_gateway_transit is off on the hub's link {down['name']}.",
                )
            elif variant == "spoke":
                yield Placement(
                    [{"op": "set", "path": f"{u}.use_remote_gateways", "value": False}],
                    f"use_remote_gateways is off on the spoke's link {up['name']}.",
                )
            elif variant == "swapped":
                yield Placement(
                    [
                        {"op": "set", "path": f"{d}.allow_gateway_transit", "value": False},
                        {"op": "set", "path": f"{d}.use_remote_gateways", "value": True},
                        {"op": "set", "path": f"{u}.use_remote_gateways", "value": False},
                        {"op": "set", "path": f"{u}.allow_gateway_transit", "value": True},
                    ],
                    f"The transit flags are swapped: use_remote_gateways is on the hub's "
                    f"link {down['name']} and allow_gateway_transit on the spoke's link "
                    f"{up['name']}.",
                )
            elif variant == "own-gateway":
                spoke = _vnet(base.doc, up["from"])
                block = IPv4Network(spoke["address_space"][0])
                yield Placement(
                    [
                        {
                            "op": "add",
                            "path": f"vnets[{spoke['name']}].subnets",
                            "value": {
                                "name": "GatewaySubnet",
                                "prefix": str(gateway_subnet(block)),
                            },
                        },
                        {
                            "op": "set",
                            "path": f"vnets[{spoke['name']}].gateway",
                            "value": {
                                "name": f"vgw-{_short(spoke['name'])}",
                                "type": "vpn",
                                "sku": "VpnGw1",
                            },
                        },
                    ],
                    f"{spoke['name']} got a VPN gateway of its own while its link "
                    f"{up['name']} still asks to use the hub's.",
                )
            elif variant == "propagation":
                yield from _propagation_off(base, up["from"])

    return targets


def _propagation_off(base: Base, spoke: str) -> Iterator[Placement]:
    vnet = _vnet(base.doc, spoke)
    subnet = next(s for s in vnet["subnets"] if s["name"] != "GatewaySubnet")
    table = subnet.get("route_table")
    if table is not None:
        yield Placement(
            [
                {
                    "op": "set",
                    "path": f"route_tables[{table}].propagate_gateway_routes",
                    "value": False,
                }
            ],
            f"Route table {table} of {spoke} has propagate_gateway_routes off.",
        )
        return
    name = f"rt-{_short(spoke)}-{_short(subnet['name'])}"
    yield Placement(
        [
            {
                "op": "add",
                "path": "route_tables",
                "value": {"name": name, "propagate_gateway_routes": False, "routes": []},
            },
            {
                "op": "set",
                "path": f"vnets[{spoke}].subnets[{subnet['name']}].route_table",
                "value": name,
            },
        ],
        f"A route table {name} with propagate_gateway_routes off is attached to "
        f"{spoke}/{subnet['name']}.",
    )


def _basic_sku(base: Base, rng: random.Random) -> Iterator[Placement]:
    hubs = {down["from"] for down, _ in _transit_links(base)}
    for hub in _shuffled(rng, sorted(hubs)):
        yield Placement(
            [{"op": "set", "path": f"vnets[{hub}].gateway.sku", "value": "Basic"}],
            f"The gateway of {hub} is a Basic SKU gateway.",
            fix_note="A Basic SKU gateway cannot be resized to a VpnGw SKU: delete it and create "
            "the gateway again with VpnGw1 or higher (GW-03).",
        )


# --- routing and appliance faults -------------------------------------------------------------


def _udr_missing_one_spoke(base: Base, rng: random.Random) -> Iterator[Placement]:
    tables = [t for t in base.doc.get("route_tables", []) if t["name"].startswith("rt-spoke")]
    for table in _shuffled(rng, tables):
        changes = [
            {"op": "remove", "path": f"route_tables[{table['name']}].routes[{r['name']}]"}
            for r in table["routes"]
        ]
        if changes:
            yield Placement(
                changes,
                f"{table['name']} lost its routes through the hub appliance: its spoke has no "
                "route to the other spokes, and replies to what they send through the appliance "
                "have no way back.",
            )


def _udr_to_none(base: Base, rng: random.Random) -> Iterator[Placement]:
    doc = base.doc
    for flow in _shuffled(rng, _vm_flows(base)):
        src, dst = _vm(doc, flow["from"]), _vm(doc, flow["to"])
        if src["vnet"] == dst["vnet"]:
            continue
        prefix = next(
            p
            for p in _vnet(doc, dst["vnet"])["address_space"]
            if IPv4Address(dst["ip"]) in IPv4Network(p)
        )
        subnet = _subnet(doc, src)
        route = {"name": f"drop-{_short(dst['vnet'])}", "prefix": prefix, "next_hop_type": "None"}
        table_name = subnet.get("route_table")
        if table_name is None:
            table_name = f"rt-{_short(src['vnet'])}-{_short(src['subnet'])}"
            changes = [
                {
                    "op": "add",
                    "path": "route_tables",
                    "value": {"name": table_name, "routes": [route]},
                },
                {
                    "op": "set",
                    "path": f"vnets[{src['vnet']}].subnets[{subnet['name']}].route_table",
                    "value": table_name,
                },
            ]
        else:
            table = _by_name(doc["route_tables"], table_name)
            same = next((r for r in table["routes"] if r["prefix"] == prefix), None)
            if same is not None:
                changes = [
                    {
                        "op": "set",
                        "path": f"route_tables[{table_name}].routes[{same['name']}].next_hop_type",
                        "value": "None",
                    },
                    {
                        "op": "set",
                        "path": f"route_tables[{table_name}].routes[{same['name']}].next_hop_ip",
                        "value": None,
                    },
                ]
            else:
                changes = [
                    {"op": "add", "path": f"route_tables[{table_name}].routes", "value": route}
                ]
        yield Placement(
            changes, f"Route table {table_name} sends {prefix} ({dst['vnet']}) to next hop None."
        )


def _nva_setting(field: str, value: Any, what: str) -> Callable[..., Iterator[Placement]]:
    def targets(base: Base, rng: random.Random) -> Iterator[Placement]:
        if base.nva:
            yield Placement(
                [{"op": "set", "path": f"vms[{base.nva}].{field}", "value": value}],
                f"The hub appliance {base.nva} {what}.",
            )

    return targets


# --- address-space faults (checked with can-peer) -----------------------------------------------


def _linked(doc: Doc, vnet: str) -> set[str]:
    """The VNets with a peering link to or from ``vnet``."""
    return {p["to"] if p["from"] == vnet else p["from"] for p in _links_of(doc, vnet)}


def _unpeer_and_reuse(doc: Doc, vnet: str, owner: str) -> tuple[list[Change], str]:
    """Remove ``vnet``'s peering links and add ``owner``'s first range to its address space:
    the changes, and the range now used twice."""
    wanted = _vnet(doc, owner)["address_space"][0]
    changes = [{"op": "remove", "path": f"peerings[{p['name']}]"} for p in _links_of(doc, vnet)]
    changes.append(
        {
            "op": "set",
            "path": f"vnets[{vnet}].address_space",
            "value": [*_vnet(doc, vnet)["address_space"], wanted],
        }
    )
    return changes, wanted


def _overlap(base: Base, rng: random.Random) -> Iterator[Placement]:
    doc = base.doc
    for a, b in _shuffled(rng, _peered_pairs(base)):
        if _linked(doc, b) != {a}:
            continue  # b must have no other peer, or ADDR-02 would fire too
        changes, wanted = _unpeer_and_reuse(doc, b, a)
        yield Placement(
            changes,
            f"{b} now also uses {wanted}, which {a} uses, so the peering "
            f"between {a} and {b} is refused.",
            peer_pair=(a, b),
        )


def _overlap_already_peered(base: Base, rng: random.Random) -> Iterator[Placement]:
    doc = base.doc
    by_hub: dict[str, list[str]] = {}
    for spoke, hub in base.spokes.items():
        by_hub.setdefault(hub, []).append(spoke)
    for hub, spokes in _shuffled(rng, sorted(by_hub.items())):
        if len(spokes) < 2:
            continue
        s1, s2 = rng.sample(spokes, 2)
        if _linked(doc, s2) != {hub}:
            continue
        changes, wanted = _unpeer_and_reuse(doc, s2, s1)
        yield Placement(
            changes,
            f"{s2} now also uses {wanted}, which {s1} uses; {s1} is already "
            f"peered with {hub}, so peering {s2} with {hub} is refused.",
            peer_pair=(hub, s2),
        )


# --- the catalogue ------------------------------------------------------------------------------

_HUB_GW = ("hub-spoke-gateway", "hub-spoke-gateway-nva", "multi-region-hubs")
_NVA = ("hub-spoke-nva", "hub-spoke-gateway-nva")
_HUBS = (
    "hub-spoke",
    "hub-spoke-gateway",
    "hub-spoke-nva",
    "hub-spoke-gateway-nva",
    "multi-region-hubs",
)

CATALOGUE: dict[str, FaultKind] = {
    f.kind: f
    for f in (
        FaultKind(
            "address-space-overlap",
            "address-space-overlap",
            ("ADDR-01",),
            "two VNets to be peered overlap",
            _overlap,
            "can-peer",
            tuple(s for s in SHAPES if s != "mesh"),
        ),
        FaultKind(
            "overlap-already-peered",
            "overlaps-already-peered-vnet",
            ("ADDR-02",),
            "a spoke overlaps another spoke already peered with the hub",
            _overlap_already_peered,
            "can-peer",
            _HUBS,
        ),
        FaultKind(
            "nsg-deny-inbound",
            "nsg-deny-inbound",
            ("NSG-02", "NSG-05"),
            "a subnet NSG denies the flow inbound",
            _nsg_deny("inbound", "subnet", "plain"),
        ),
        FaultKind(
            "nsg-deny-inbound-nic",
            "nsg-deny-inbound",
            ("NSG-02", "NSG-05"),
            "a NIC NSG denies the flow inbound",
            _nsg_deny("inbound", "nic", "plain"),
        ),
        FaultKind(
            "nsg-deny-outbound",
            "nsg-deny-outbound",
            ("NSG-02", "NSG-05"),
            "a subnet NSG denies the flow outbound",
            _nsg_deny("outbound", "subnet", "plain"),
        ),
        FaultKind(
            "nsg-deny-outbound-nic",
            "nsg-deny-outbound",
            ("NSG-02", "NSG-05"),
            "a NIC NSG denies the flow outbound",
            _nsg_deny("outbound", "nic", "plain"),
        ),
        FaultKind(
            "nsg-deny-shadows-allow",
            "nsg-deny-inbound",
            ("NSG-02",),
            "a wider deny with a smaller priority number shadows an allow",
            _nsg_deny("inbound", "subnet", "shadow"),
        ),
        FaultKind(
            "nsg-deny-service-tag",
            "nsg-deny-inbound",
            ("NSG-02", "NSG-08"),
            "a deny naming the VirtualNetwork service tag",
            _nsg_deny("inbound", "subnet", "tag"),
        ),
        FaultKind(
            "peering-initiated",
            "peering-not-connected",
            ("PEER-02",),
            "the reverse peering link was never created (Initiated)",
            _initiated,
        ),
        FaultKind(
            "peering-disconnected",
            "peering-not-connected",
            ("PEER-03",),
            "the reverse link was deleted (Disconnected)",
            _disconnected,
        ),
        FaultKind(
            "non-transitive",
            "no-route",
            ("PEER-04",),
            "spokes or VNets rely on transitive peering",
            _non_transitive,
            shapes=("mesh", *_NVA),
        ),
        FaultKind(
            "vnet-access-off",
            "vnet-access-disabled",
            ("PEER-06", "NSG-08"),
            "allow_virtual_network_access off on both links",
            _vnet_access_off,
        ),
        FaultKind(
            "hub-transit-off",
            "gateway-transit-not-enabled",
            ("PEER-08",),
            "allow_gateway_transit off on the hub's link",
            _transit_fault("hub"),
            shapes=_HUB_GW,
        ),
        FaultKind(
            "spoke-remote-gateways-off",
            "gateway-transit-not-enabled",
            ("PEER-09",),
            "use_remote_gateways off on the spoke's link",
            _transit_fault("spoke"),
            shapes=_HUB_GW,
        ),
        FaultKind(
            "transit-flags-swapped",
            "remote-gateway-missing",
            ("PEER-08", "PEER-09"),
            "the transit flags swapped: use_remote_gateways on the hub's link is refused",
            _transit_fault("swapped"),
            check="validate",
            shapes=_HUB_GW,
        ),
        FaultKind(
            "spoke-own-gateway",
            "local-gateway-conflict",
            ("PEER-09", "PEER-10"),
            "a spoke with its own gateway asks to use the hub's (refused)",
            _transit_fault("own-gateway"),
            check="validate",
            shapes=_HUB_GW,
        ),
        FaultKind(
            "basic-sku-gateway",
            "basic-sku-no-transit",
            ("GW-03",),
            "the hub gateway is Basic SKU",
            _basic_sku,
            shapes=_HUB_GW,
        ),
        FaultKind(
            "propagation-disabled",
            "gateway-routes-not-propagated",
            ("RT-18",),
            "a spoke's route table disables gateway route propagation",
            _transit_fault("propagation"),
            shapes=_HUB_GW,
        ),
        FaultKind(
            "udr-missing-one-spoke",
            "no-route",
            ("NVA-03", "RT-20"),
            "one spoke lacks its route through the hub appliance",
            _udr_missing_one_spoke,
            shapes=_NVA,
        ),
        FaultKind(
            "udr-to-none",
            "route-none",
            ("RT-08",),
            "a user-defined route sends the destination to None",
            _udr_to_none,
        ),
        FaultKind(
            "nva-ip-forwarding-off",
            "ip-forwarding-disabled",
            ("NVA-01",),
            "the appliance NIC has IP forwarding off",
            _nva_setting("ip_forwarding", False, "has IP forwarding off on its NIC"),
            shapes=_NVA,
        ),
        FaultKind(
            "nva-os-not-forwarding",
            "appliance-not-forwarding",
            ("NVA-02",),
            "the appliance OS does not forward packets",
            _nva_setting("appliance", False, "does not forward packets in its OS"),
            shapes=_NVA,
        ),
        FaultKind(
            "nva-stopped",
            "next-hop-vm-stopped",
            ("RT-09",),
            "the appliance VM is stopped",
            _nva_setting("power_state", "stopped", "is stopped"),
            shapes=_NVA,
        ),
    )
}

#: Faults the issue names that would rest on an UNCONFIRMED rule (azure-rules.md section 13).
WITHHELD: dict[str, str] = {
    "forwarded-traffic-off": "allow_forwarded_traffic enforcement and direction are UNCONFIRMED "
    "(PEER-07; section 13 item 1)",
    "address-space-not-synced": "routing to an unsynced range is DERIVED and UNCONFIRMED (ADDR-05)",
}
