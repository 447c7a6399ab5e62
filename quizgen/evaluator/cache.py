"""Per-topology memo tables, shared by topologies whose routing is the same.

A Topology is immutable, so answers computed from it can be kept on it. The tables live in the
instance's ``__dict__`` (keyed by identity, never by hashing the whole topology) and vanish with it.

Every table (``TABLES``) is a function of the routing sections alone (``ROUTING``: VNets, peerings,
route tables, on-premises sites); none reads an NSG or a VM. So a topology whose routing sections
equal those of one evaluated recently takes over its tables: a fault that changes an NSG or a VM
(most of them) leaves every route and tag view computed before it valid. A new table must read
only ``ROUTING`` too, or it must not use ``memo``.
"""

from __future__ import annotations

import weakref
from collections import deque
from collections.abc import Callable, Hashable
from typing import Any

from quizgen.model import Topology

#: The sections of a Topology that the memo tables read.
ROUTING = ("vnets", "peerings", "route_tables", "onprem")
#: The memo tables (evaluator.routes and evaluator.nsg).
TABLES = frozenset({"system", "gateway", "routes", "lookup", "chosen", "tags"})

Tables = dict[str, dict[Hashable, Any]]
#: Topologies whose tables were made recently: where a new topology looks for its routing.
_RECENT: deque[weakref.ref[Topology]] = deque(maxlen=8)


def memo(topo: Topology, table: str, key: Hashable, compute: Callable[..., Any]) -> Any:
    """``compute(topo, *key)`` once per routing and key (key is a tuple of arguments)."""
    assert table in TABLES, f"memo table {table!r} must be declared in TABLES"
    try:
        tables = topo.__dict__["_memo"]
    except KeyError:
        tables = topo.__dict__["_memo"] = _tables_for(topo)
    store = tables.get(table)
    if store is None:
        store = tables[table] = {}
    try:
        return store[key]
    except KeyError:
        value = store[key] = compute(topo, *key)
        return value


def _tables_for(topo: Topology) -> Tables:
    """The tables of a recent topology with the same routing sections, else new ones."""
    for ref in reversed(list(_RECENT)):  # a copy: other threads may append meanwhile
        other = ref()
        if other is not None and all(getattr(other, s) == getattr(topo, s) for s in ROUTING):
            return other.__dict__["_memo"]
    _RECENT.append(weakref.ref(topo))
    return {}
