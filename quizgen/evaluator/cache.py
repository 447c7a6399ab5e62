"""Per-VNet memo tables, shared by topologies in which that VNet's routing is the same.

A Topology is immutable, so answers computed from it can be kept on it. The tables live in the
instance's ``__dict__`` (keyed by identity, never by hashing the whole topology) and vanish with it.

Every table (``TABLES``) is keyed by a VNet name first, and what it keeps for VNet X is a function
of X's routing alone (``routing_of``): X itself, the links X holds, the link back on each and the
VNet at its far end, the route tables X's subnets name, and the on-premises sites. None reads an
NSG, a VM, or another VNet's links. So a topology in which X's routing is the same as in one
evaluated recently takes over X's tables: a fault that changes an NSG or a VM (most of them)
leaves every route and tag view computed before it valid, and one that changes a peering or a
route table leaves those of the VNets it does not touch valid. A new table must read only X's
routing too, or it must not use ``memo``.
"""

from __future__ import annotations

import weakref
from collections import deque
from collections.abc import Callable, Hashable
from typing import Any

from quizgen.model import Topology

#: The memo tables (evaluator.routes and evaluator.nsg).
TABLES = frozenset({"system", "gateway", "routes", "lookup", "chosen", "tags"})
#: Where a partition keeps the routing it was made for (not a table name).
_ROUTING = "routing"

Tables = dict[str, Any]
#: Topologies whose tables were made recently: where a VNet of a new topology looks for its routing.
#: A scenario tries up to 8 placements of a fault on one base, so the base stays in view.
_RECENT: deque[weakref.ref[Topology]] = deque(maxlen=16)


def routing_of(topo: Topology, vnet_name: str) -> tuple:
    """Everything the tables of ``vnet_name`` read: model objects, compared by value."""
    vnet = topo.vnet(vnet_name)
    links = topo.links_from(vnet_name)
    return (
        vnet,
        links,
        tuple(topo.link(link.to_vnet, link.from_vnet) for link in links),
        tuple(topo.vnet(link.to_vnet) for link in links),
        tuple(topo.route_table(s.route_table) for s in vnet.subnets) if vnet else (),
        topo.onprem,
    )


def memo(topo: Topology, table: str, key: tuple, compute: Callable[..., Any]) -> Any:
    """``compute(topo, *key)`` once per routing of VNet ``key[0]`` and key."""
    assert table in TABLES, f"memo table {table!r} must be declared in TABLES"
    try:
        parts = topo.__dict__["_memo"]
    except KeyError:
        parts = topo.__dict__["_memo"] = {}
        _RECENT.append(weakref.ref(topo))
    vnet = key[0]
    tables = parts.get(vnet)
    if tables is None:
        tables = parts[vnet] = _tables_for(topo, vnet)
    store = tables.get(table)
    if store is None:
        store = tables[table] = {}
    try:
        return store[key]
    except KeyError:
        value = store[key] = compute(topo, *key)
        return value


def _tables_for(topo: Topology, vnet: Hashable) -> Tables:
    """The tables of ``vnet`` in a recent topology where its routing is the same, else new ones."""
    routing = routing_of(topo, vnet)
    for ref in reversed(list(_RECENT)):  # a copy: other threads may append meanwhile
        other = ref()
        if other is None or other is topo:
            continue
        tables = other.__dict__.get("_memo", {}).get(vnet)
        if tables is not None and tables[_ROUTING] == routing:
            return tables
    return {_ROUTING: routing}
