"""Changes to a topology document, as data: what a fault does and what its fix undoes.

A change is ``{"op": "set" | "add" | "remove", "path": PATH, "value": ...}`` on the plain document
of a topology file (contracts.md section 1). A path names objects the way the loader's messages
do: ``peerings[hub-to-a].use_remote_gateways``, ``nsgs[nsg-web].rules``,
``vnets[vnet-hub].subnets[app].route_table``. A bracket holds an object's name (or a list index).

- ``set`` writes a field (``value: null`` removes it, so the default applies again);
- ``add`` appends ``value`` to the list at ``path`` (creating the list when missing);
- ``remove`` deletes the named list item at ``path``.

``apply`` never changes its input: it returns the new document and the changes that undo it,
which is how a fault's fix is recorded.
"""

from __future__ import annotations

import copy
import re
from typing import Any

Change = dict[str, Any]

_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\]]+)\])?")


class PatchError(ValueError):
    """A change that does not fit the document (unknown path, missing item)."""


def _split(path: str) -> list[tuple[str, str | None]]:
    parts = []
    for text in path.split("."):
        match = _SEGMENT.fullmatch(text)
        if match is None:
            raise PatchError(f"bad path segment {text!r} in {path!r}")
        parts.append((match[1], match[2]))
    return parts


def _item(items: list[Any], selector: str, path: str) -> int:
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get("name") == selector:
            return index
    if selector.isdigit() and int(selector) < len(items):
        return int(selector)
    raise PatchError(f"{path}: no item named {selector!r}")


def _walk(doc: Any, parts: list[tuple[str, str | None]], path: str) -> Any:
    """The node at ``parts``, copying every container on the way (copy-on-write: the input
    document and the parts of it this change does not touch are shared, never modified)."""
    node = doc
    for key, selector in parts:
        if not isinstance(node, dict) or key not in node:
            raise PatchError(f"{path}: no field {key!r}")
        child = node[key] = _shallow(node[key])
        if selector is not None:
            if not isinstance(child, list):
                raise PatchError(f"{path}: {key!r} is not a list")
            index = _item(child, selector, path)
            child[index] = _shallow(child[index])
            child = child[index]
        node = child
    return node


def _shallow(node: Any) -> Any:
    if isinstance(node, dict):
        return dict(node)
    if isinstance(node, list):
        return list(node)
    return node


def _apply_one(doc: dict[str, Any], change: Change) -> Change:
    """Apply one change in place; the change that undoes it."""
    op, path = change["op"], change["path"]
    parts = _split(path)
    *parents, (key, selector) = parts
    parent = _walk(doc, parents, path)
    if not isinstance(parent, dict):
        raise PatchError(f"{path}: the parent is not an object")
    if op == "set":
        if selector is not None:
            raise PatchError(f"{path}: set takes a field, not a list item")
        missing = key not in parent
        old = copy.deepcopy(parent.get(key))
        if change.get("value") is None:
            parent.pop(key, None)
        else:
            parent[key] = copy.deepcopy(change["value"])
        return {"op": "set", "path": path, "value": None if missing else old}
    if op == "add":
        if selector is not None:
            raise PatchError(f"{path}: add takes a list, not an item")
        created = key not in parent
        items = parent[key] = list(parent.get(key, []))
        value = copy.deepcopy(change["value"])
        items.append(value)
        name = value.get("name") if isinstance(value, dict) else None
        if name is None:
            raise PatchError(f"{path}: added items must have a name")
        if created:  # the list did not exist: the undo removes it whole
            return {"op": "set", "path": path, "value": None}
        return {"op": "remove", "path": f"{path}[{name}]"}
    if op == "remove":
        if selector is None or not isinstance(parent.get(key), list):
            raise PatchError(f"{path}: remove takes a named list item")
        items = parent[key] = list(parent[key])
        removed = items.pop(_item(items, selector, path))
        return {
            "op": "add",
            "path": f"{'.'.join(_join(parents))}{'.' if parents else ''}{key}",
            "value": removed,
        }
    raise PatchError(f"unknown op {op!r}; expected set, add or remove")


def _join(parts: list[tuple[str, str | None]]) -> list[str]:
    return [key if selector is None else f"{key}[{selector}]" for key, selector in parts]


def apply(doc: dict[str, Any], changes: list[Change]) -> tuple[dict[str, Any], list[Change]]:
    """The document with ``changes`` applied, and the changes that undo them (in order)."""
    new = dict(doc)
    undo = [_apply_one(new, change) for change in changes]
    return new, list(reversed(undo))


def touched(changes: list[Change]) -> list[str]:
    """The objects a list of changes touches, e.g. ``peerings[hub-to-a]`` -> ``hub-to-a``."""
    names: list[str] = []
    for change in changes:
        for _, selector in _split(change["path"]):
            if selector is not None and selector not in names:
                names.append(selector)
        value = change.get("value")
        if change["op"] == "add" and isinstance(value, dict) and value.get("name") not in names:
            names.append(value["name"])
    return names
