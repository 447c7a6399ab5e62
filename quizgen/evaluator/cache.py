"""Per-topology memo tables.

A Topology is immutable, so answers computed from it can be kept on it. The tables live in the
instance's ``__dict__`` (keyed by identity, never by hashing the whole topology) and vanish with it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from quizgen.model import Topology


def memo(topo: Topology, table: str, key: Hashable, compute: Callable[..., Any]) -> Any:
    """``compute(topo, *key)`` once per topology and key (key is a tuple of arguments)."""
    store: dict[Hashable, Any] = topo.__dict__.setdefault(f"_memo_{table}", {})
    try:
        return store[key]
    except KeyError:
        value = store[key] = compute(topo, *key)
        return value
