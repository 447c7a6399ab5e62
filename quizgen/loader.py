"""Topology file -> model (contracts.md section 1), and back.

Loading checks what makes a file a well-formed topology: fields and their types, CIDR and IP
syntax, enum values, unique names, references that resolve, subnets inside their VNet and VMs
inside their subnet. Whether the configuration breaks an Azure rule (overlaps, priority ranges,
gateway transit...) is ``validate``'s question, not this module's.

Every problem in the file is collected; then one ``TopologyError`` lists them all, each with the
file, the line, where in the document (``vnets[vnet-hub].subnets[app].prefix``: list items by name
when they have one, else by index), the value as written and what was expected.
"""

from __future__ import annotations

import copy
import marshal
import os
from collections import OrderedDict
from collections.abc import Callable, Hashable
from difflib import get_close_matches
from typing import Any, NoReturn

import yaml

from quizgen.errors import InputProblem, TopologyError
from quizgen.fields import (
    ACCESS,
    ADDRESS,
    BOOL,
    CIDR,
    DIRECTION,
    GW_TYPE,
    IP,
    NAME,
    NEXT_HOP,
    PORTS,
    POWER,
    PRIORITY,
    PROTOCOL,
    REGION,
    SKU,
    STATE,
    TEXT,
    Bad,
    Spec,
)
from quizgen.model import (
    ALL_PORTS,
    ANY_ADDRESS,
    AddressItem,
    AnyAddress,
    AsgRef,
    Gateway,
    GatewayType,
    NextHopType,
    Nsg,
    OnPremSite,
    Peering,
    PowerState,
    Protocol,
    Route,
    RouteTable,
    SecurityRule,
    ServiceTag,
    Subnet,
    Topology,
    Vm,
    VNet,
)
from quizgen.source import Issue, LineTable, Path, decode, read_text, render_path, show

__all__ = [
    "dump_yaml",
    "load_topology",
    "parse_topology",
    "topology_from_dict",
    "topology_patched",
    "topology_to_dict",
]

SECTIONS = ("vnets", "peerings", "nsgs", "route_tables", "vms", "onprem")
VNET_FIELDS = ("name", "region", "subscription", "address_space", "subnets", "gateway")
SUBNET_FIELDS = ("name", "prefix", "nsg", "route_table")
GATEWAY_FIELDS = ("name", "type", "sku", "connections")
PEERING_FIELDS = (
    "name", "from", "to", "allow_virtual_network_access", "allow_forwarded_traffic",
    "allow_gateway_transit", "use_remote_gateways", "state", "synced_address_space",
)  # fmt: skip
NSG_FIELDS = ("name", "rules")
RULE_FIELDS = (
    "name", "priority", "direction", "access", "protocol",
    "source", "source_ports", "destination", "destination_ports",
)  # fmt: skip
ROUTE_TABLE_FIELDS = ("name", "propagate_gateway_routes", "routes")
ROUTE_FIELDS = ("name", "prefix", "next_hop_type", "next_hop_ip")
VM_FIELDS = (
    "name", "vnet", "subnet", "ip", "nsg", "ip_forwarding", "appliance", "asgs", "public_ip",
    "power_state",
)  # fmt: skip
ONPREM_FIELDS = ("name", "address_space")

_NOUNS = {
    "vnet": "a VNet",
    "subnet": "a subnet",
    "nsg": "an NSG",
    "route_table": "a route table",
    "vm": "a VM",
    "onprem": "an on-premises site",
    "peering": "a peering",
    "rule": "a rule",
    "route": "a route",
}


# -- public API ----------------------------------------------------------------------------------


def load_topology(path: str | os.PathLike[str]) -> Topology:
    """Read a .yaml, .yml or .json topology file (other names: JSON if the text starts with '{')."""
    filename = os.fspath(path)
    try:
        with open(filename, "rb") as handle:
            raw = handle.read()
    except OSError as err:
        reason = err.strerror or str(err)
        problem = InputProblem(filename, None, "", repr(filename), f"a readable file ({reason})")
        raise TopologyError(f"{filename}: cannot read the topology file", (problem,)) from None
    text = decode(raw)
    if isinstance(text, Issue):
        _raise(filename, [_problem(filename, None, LineTable(), text)])
    return parse_topology(text, filename)


def parse_topology(text: str, filename: str) -> Topology:
    """Read a topology from YAML or JSON text; ``filename`` names it in messages and picks the
    format by its extension."""
    source = read_text(text, filename)
    problems = [_problem(filename, source.data, source.lines, i) for i in source.issues]
    if not source.readable:
        _raise(filename, problems)
    return _build(source.data, filename, source.lines, problems)


def topology_from_dict(doc: object, filename: str = "<dict>", *, remember: bool = True) -> Topology:
    """A topology from plain data shaped like the file (as question documents embed it).

    ``remember=False`` neither reuses nor keeps the objects built from its items (``_BUILT``):
    for a document made fresh, such as a scenario's randomly drawn base, whose items no load is
    likely to meet again soon. Keeping them cost more than they gave back: the keys, and the
    collector's walks over the objects kept (the same Topology either way). Such a document is
    read straight (``_fresh``) when it is in the plain form quizgen writes; anything else, and
    any problem, goes to the plain load.
    """
    if not remember:
        fresh = _fresh(doc)
        if fresh is not None:
            return fresh
    return _build(doc, filename, LineTable(), [], remember)


def topology_patched(
    doc: object, before: dict[str, object], topo: Topology, filename: str = "<dict>"
) -> Topology:
    """``topology_from_dict(doc, filename)`` for a document that ``generator.patch`` made from
    ``before`` (loaded as ``topo``, and not changed since).

    ``patch.apply`` copies only the items its changes touch and shares the others: a top-level
    item that is the very object of ``before`` is ``topo``'s object, unread. Only the other items
    are built, and only what a changed item can break is checked again (its own fields, unique
    names, the references into and out of it, its VMs' addresses). Whatever those checks do not
    clear is loaded the plain way, so every problem is reported as ``topology_from_dict`` reports
    it, and an accepted document gives an equal Topology (tests/test_loader.py).
    """
    fast = _patched(doc, before, topo)
    return fast if fast is not None else topology_from_dict(doc, filename)


#: Documents already loaded, by their exact content (marshal's bytes, as for items: key order
#: and the type of every key and value count, so two documents that load to different
#: Topologies, ``extra`` included, never share one): a Topology is immutable, so one document
#: loaded again (a question's gate re-reading the topology its family evaluated, a scenario's
#: placements) shares one Topology, and with it the evaluator's memo tables.
_LOADED: OrderedDict[bytes, Topology] = OrderedDict()
_LOADED_MAX = 256


def load_document(doc: dict[str, object], filename: str = "<dict>") -> Topology:
    """``topology_from_dict`` with a small cache of the documents loaded most recently."""
    try:
        key = marshal.dumps(doc, 2)
    except ValueError:  # not plain data: loaded, not kept
        return topology_from_dict(doc, filename)
    topo = _LOADED.get(key)
    if topo is None:
        topo = topology_from_dict(doc, filename)
        _LOADED[key] = topo
        if len(_LOADED) > _LOADED_MAX:
            _LOADED.popitem(last=False)
    else:
        _LOADED.move_to_end(key)
    return topo


def topology_to_dict(topo: Topology) -> dict[str, object]:
    """The plain document for ``topo``: the file's key names, prefixes and addresses as strings,
    optional fields at their default left out, ``extra`` sections written back at the end.
    ``topology_from_dict(topology_to_dict(t)) == t`` for any topology the loader accepts."""
    doc: dict[str, object] = {}
    sections = {
        "vnets": [_vnet_doc(v) for v in topo.vnets],
        "peerings": [_peering_doc(p) for p in topo.peerings],
        "nsgs": [_nsg_doc(n) for n in topo.nsgs],
        "route_tables": [_route_table_doc(t) for t in topo.route_tables],
        "vms": [_vm_doc(v) for v in topo.vms],
        "onprem": [{"name": s.name, "address_space": _strs(s.address_space)} for s in topo.onprem],
    }
    doc.update((key, items) for key, items in sections.items() if items)
    doc.update((key, copy.deepcopy(value)) for key, value in topo.extra)
    return doc


def dump_yaml(topo: Topology) -> str:
    """The topology as YAML: block style, keys in the file's order, the same text every time."""
    return yaml.dump(
        topology_to_dict(topo),
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=100,
    )


# -- problems ------------------------------------------------------------------------------------


def _problem(filename: str, data: object, lines: LineTable, issue: Issue) -> InputProblem:
    line = issue.line if issue.line is not None else lines.line(issue.path)
    return InputProblem(filename, line, render_path(data, issue.path), issue.value, issue.expected)


def _raise(filename: str, problems: list[InputProblem]) -> NoReturn:
    problems = sorted(problems, key=lambda p: (p.line is None, p.line or 0))
    count = f"{len(problems)} problem{'' if len(problems) == 1 else 's'}"
    raise TopologyError(f"{filename}: {count} in the topology file", tuple(problems))


_ABSENT = object()


class _Checker:
    """Collects issues, the names each kind defines, and the references to check at the end."""

    def __init__(self, data: object, lines: LineTable, remember: bool = True) -> None:
        self.data = data
        self.lines = lines
        self.remember = remember  # reuse and keep built items (_BUILT)
        self.issues: list[Issue] = []
        self.defined: dict[tuple[str, Path], dict[str, Path]] = {}
        self.refs: list[tuple[str, str, Path, Path | None, str]] = []
        #: Every define and refer, in order: what ``_reused`` replays for an object it reuses.
        self.calls: list[tuple[str, str, str | None, Path, Path | None, str]] = []

    def report(self, path: Path, value: object, expected: str, line: int | None = None) -> None:
        shown = "nothing" if value is _ABSENT else show(value)
        self.issues.append(Issue(path, shown, expected, line))

    def define(self, kind: str, name: str | None, path: Path, scope: Path = ()) -> None:
        """Note a name, reporting it if another object of its kind (in ``scope``) has it."""
        self.calls.append(("define", kind, name, path, scope, ""))
        if name is None:
            return
        names = self.defined.setdefault((kind, scope), {})
        if name in names:
            first = self.lines.line((*names[name], "name"))
            at = f" (also at line {first})" if first else ""
            noun = _NOUNS[kind].split(" ", 1)[1]
            self.report((*path, "name"), name, f"a name no other {noun} uses{at}")
        else:
            names[name] = path

    def refer(
        self, kind: str, name: str | None, path: Path, scope: Path | None = (), owner: str = ""
    ) -> None:
        """Note a reference to check once every name is known; ``owner`` names the scope.
        ``scope=None``: the scope is where the VNet named ``owner`` is defined (found at the end;
        no check when there is no such VNet)."""
        self.calls.append(("refer", kind, name, path, scope, owner))
        if name is not None:
            self.refs.append((kind, name, path, scope, owner))

    def names(self, kind: str, scope: Path = ()) -> dict[str, Path]:
        return self.defined.get((kind, scope), {})

    def resolve(self) -> None:
        for kind, name, path, scope, owner in self.refs:
            if scope is None:
                scope = self.names("vnet").get(owner)
                if scope is None:
                    continue  # the VNet itself is unknown: that reference is reported
            known = self.names(kind, scope)
            if name in known:
                continue
            where = f"of {owner}" if owner else "in this file"
            what = f"the name of {_NOUNS[kind]} {where}"
            self.report(path, name, f"{what} ({_choices(name, list(known))})")


def _choices(value: str, names: list[str], limit: int = 8) -> str:
    if not names:
        return "there are none"
    listed = ", ".join(names[:limit]) + (", ..." if len(names) > limit else "")
    close = get_close_matches(value, names, n=1)
    return (f"did you mean {close[0]}? " if close else "") + f"one of: {listed}"


# -- reading fields ------------------------------------------------------------------------------


class _Fields:
    """One mapping of the document, read field by field. Unknown fields are reported; ``ok`` turns
    false when a required field is missing or bad, so the object is not built."""

    def __init__(
        self,
        chk: _Checker,
        value: object,
        path: Path,
        noun: str,
        known: tuple[str, ...],
        keep: Callable[[object], bool] = lambda key: False,
    ) -> None:
        self.chk, self.path = chk, path
        self.ok = self.is_mapping = isinstance(value, dict)
        self.data: dict[object, object] = value if isinstance(value, dict) else {}
        if not self.is_mapping:
            chk.report(path, value, f"{noun}: a mapping with the fields {', '.join(known)}")
        for key in self.data:
            if key not in known and not keep(key):
                self._unknown(key, noun, known)

    def _unknown(self, key: object, noun: str, known: tuple[str, ...]) -> None:
        close = get_close_matches(str(key), known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        expected = f"one of the fields of {noun}: {', '.join(known)}{hint}"
        line = self.chk.lines.keys.get((*self.path, key))
        self.chk.issues.append(Issue(self.path, f"unknown field {show(key)}", expected, line))

    def get(self, key: str, spec: Spec, *, required: bool = False, default: object = None):
        """The converted value of ``key``; ``default`` when absent or null (or bad, reported)."""
        value = self.data.get(key, _ABSENT)
        if value is _ABSENT or value is None:
            if required:
                self.missing(key, value, spec.expected)
            return default
        try:
            return spec.convert(value)
        except Bad as bad:
            self.chk.report((*self.path, key), value, bad.expected or spec.expected)
            self.ok = self.ok and not required
            return default

    def missing(self, key: str, value: object, expected: str) -> None:
        if self.is_mapping:  # else the whole object is already reported
            self.chk.report((*self.path, key), value, f"{expected} (required)")
        self.ok = False

    def items(
        self, key: str, spec: Spec, plural: str, *, required: bool = False, split: bool = False
    ) -> tuple | None:
        """A list field, also written as one bare value (or, with ``split``, a comma-separated
        text); each bad item is reported where it is. None when absent or bad."""
        value = self.data.get(key, _ABSENT)
        if split and isinstance(value, str) and "," in value:
            value = [part for part in value.split(",") if part.strip()]
        if value is _ABSENT or value is None:
            if required:
                self.missing(key, value, f"a list of {plural}")
            return None
        if isinstance(value, dict):
            self.chk.report((*self.path, key), value, f"a list of {plural}")
            self.ok = self.ok and not required
            return None
        single = not isinstance(value, list | tuple)
        written = [value] if single else list(value)
        out, good = [], True
        for i, item in enumerate(written):
            try:
                out.append(spec.convert(item))
            except Bad as bad:
                self.chk.report(self.item_path(key, i), item, bad.expected or spec.expected)
                good = False
        if good and required and not out:
            self.chk.report((*self.path, key), value, f"at least one of {plural}")
            good = False
        self.ok = self.ok and (good or not required)
        return tuple(out) if good else None

    def item_path(self, key: str, index: int) -> Path:
        """Where item ``index`` of a list field is (the field itself when written as one value)."""
        single = not isinstance(self.data.get(key), list | tuple)
        return (*self.path, key) if single else (*self.path, key, index)

    def object(self, key: str, build: Callable) -> object:
        value = self.data.get(key)
        return None if value is None else build(self.chk, value, (*self.path, key))

    def objects(self, key: str, build: Callable, plural: str) -> list:
        """Build each mapping of a list field: ``[(object or None, path), ...]``."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list | tuple):
            self.chk.report((*self.path, key), value, f"a list of {plural}")
            return []
        paths = [(*self.path, key, i) for i in range(len(value))]
        return [(build(self.chk, item, p), p) for item, p in zip(value, paths, strict=True)]


# -- building the model --------------------------------------------------------------------------


def _build(
    doc: object,
    filename: str,
    lines: LineTable,
    problems: list[InputProblem],
    remember: bool = True,
) -> Topology:
    chk = _Checker(doc, lines, remember)
    top = _Fields(chk, doc, (), "a topology", (*SECTIONS, "scenario", "x-..."), _kept)
    vnets = top.objects("vnets", _ITEM_BUILDERS["vnets"], "VNets")
    peerings = top.objects("peerings", _ITEM_BUILDERS["peerings"], "peerings")
    nsgs = top.objects("nsgs", _ITEM_BUILDERS["nsgs"], "NSGs")
    tables = top.objects("route_tables", _ITEM_BUILDERS["route_tables"], "route tables")
    vms = top.objects("vms", _ITEM_BUILDERS["vms"], "VMs")
    sites = top.objects("onprem", _ITEM_BUILDERS["onprem"], "on-premises sites")
    chk.resolve()
    _check_vm_addresses(chk, [v for v, _ in vnets if v], vms)
    problems = problems + [_problem(filename, doc, lines, issue) for issue in chk.issues]
    if problems:
        _raise(filename, problems)
    extra = tuple((k, copy.deepcopy(v)) for k, v in top.data.items() if _kept(k))
    return Topology(
        vnets=tuple(v for v, _ in vnets),
        peerings=tuple(p for p, _ in peerings),
        nsgs=tuple(n for n, _ in nsgs),
        route_tables=tuple(t for t, _ in tables),
        vms=tuple(v for v, _ in vms),
        onprem=tuple(s for s, _ in sites),
        extra=extra,
    )


# -- reusing objects built before ----------------------------------------------------------------

class _Recent:
    """A map that keeps what was stored or read recently: two generations of ``size`` entries.

    A full young generation becomes the old one and the old one is dropped; reading an old entry
    stores it young again. So the entries of the documents loaded lately stay (a scenario's base
    while its placements load, a question's topology while its gate reloads it), and a long run
    does not hold every model object it ever built, which the garbage collector would otherwise
    walk again and again.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.young: dict = {}
        self.old: dict = {}

    def get(self, key: Hashable) -> Any:
        value = self.young.get(key)
        if value is None:
            value = self.old.get(key)
            if value is not None:
                self[key] = value
        return value

    def __setitem__(self, key: Hashable, value: Any) -> None:
        if len(self.young) >= self.size:
            self.old, self.young = self.young, {}
        self.young[key] = value

    def __len__(self) -> int:
        return len(self.young) + len(self.old)

    def clear(self) -> None:
        self.young, self.old = {}, {}


#: Objects built from a well-formed item, by builder and the item's content (marshal's bytes: exact
#: types, so True is not 1 nor a tuple a list), with where the item was and the defines and
#: references its build made. Model objects are immutable, so an item with the same content (a
#: scenario's placements change one or two items of a document) gives the same object, and the
#: evaluator's memo tables can tell an unchanged section by identity. A large scenario's document
#: has about 300 items.
_BUILT = _Recent(2048)


def _reused(build: Callable) -> Callable:
    """``build`` (a top-level item's builder), reusing the object built from equal content.

    Only an item whose build reported nothing is kept, so a reused one has nothing to report
    either; its defines and references are replayed at the item's path, so names are still
    checked for uniqueness and references resolved against this document.
    """

    def reuse(chk: _Checker, value: object, path: Path) -> object:
        if not chk.remember:
            return build(chk, value, path)
        try:
            key = (build, marshal.dumps(value, 2)) if isinstance(value, dict) else None
        except ValueError:  # not plain data (marshal takes exact dict, list, str, int... only)
            key = None
        hit = _BUILT.get(key) if key is not None else None
        if hit is not None:
            built, then, calls = hit
            moved = calls if then == path else _moved(calls, then, path)
            if moved is not None:
                for method, kind, name, where, scope, owner in moved:
                    if method == "define":
                        chk.define(kind, name, where, scope)
                    else:
                        chk.refer(kind, name, where, scope, owner)
                return built
        issues, first_call = len(chk.issues), len(chk.calls)
        built = build(chk, value, path)
        if key is not None and built is not None and len(chk.issues) == issues:
            _BUILT[key] = (built, path, chk.calls[first_call:])
        return built

    return reuse


def _moved(calls: list[tuple], then: Path, now: Path) -> list[tuple] | None:
    """Defines and references made for an item at ``then``, as made for one at ``now``; None
    when one of them points elsewhere than inside the item (it would not mean the same)."""
    n = len(then)
    out = []
    for method, kind, name, where, scope, owner in calls:
        if where[:n] != then:
            return None
        if scope:  # () is the whole document, None the VNet named owner: the same anywhere
            if scope[:n] != then:
                return None
            scope = (*now, *scope[n:])
        out.append((method, kind, name, (*now, *where[n:]), scope, owner))
    return out


#: The kinds of name a reference may point at: the top-level ones, and subnets (a VM's, within
#: its VNet). Peerings, rules and routes are never referred to.
_REFERRED = frozenset({"vnet", "nsg", "route_table", "onprem", "subnet"})
#: The sections whose items' names are referred to, and the kind of those names.
_NAMED = {"vnets": "vnet", "nsgs": "nsg", "route_tables": "route_table", "onprem": "onprem"}


def _patched(doc: object, before: dict[str, object], topo: Topology) -> Topology | None:
    """``topology_patched``'s Topology, or None when the plain load must decide."""
    if not isinstance(doc, dict) or any(k not in SECTIONS and not _kept(k) for k in doc):
        return None
    chk = _Checker(doc, LineTable())
    built: dict[str, tuple] = {}
    changed: set[str] = set()
    vms: list[tuple[Vm, Path]] = []
    for section in SECTIONS:
        items, old = doc.get(section), before.get(section)
        objects = getattr(topo, section)
        if not isinstance(items, list | None) or not isinstance(old, list | None):
            return None
        if len(old or ()) != len(objects):
            return None  # topo is not before's load
        if items is old or not (items or old):
            built[section] = objects  # the very list: no change in this section
            continue
        changed.add(section)
        shared = {id(item): obj for item, obj in zip(old or (), objects, strict=True)}
        out = []
        for i, item in enumerate(items or ()):
            obj = shared.get(id(item))
            if obj is None:
                obj = _ITEM_BUILDERS[section](chk, item, (section, i))
                if obj is None or chk.issues:
                    return None
                if section == "vms":
                    vms.append((obj, (section, i)))
            out.append(obj)
        if len({o.name for o in out}) != len(out):
            return None  # a name used twice: the plain load says where
        built[section] = tuple(out)
    if not _references_hold(chk, built, changed, topo):
        return None
    if "vnets" in changed and any(v is not topo.vnet(v.name) for v in built["vnets"]):
        vms = [(vm, ()) for vm in built["vms"]]  # a VNet built anew: check every VM's address
    _check_vm_addresses(chk, built["vnets"], vms)
    if chk.issues:
        return None
    extra = tuple((k, copy.deepcopy(v)) for k, v in doc.items() if _kept(k))
    return Topology(**built, extra=extra)


def _references_hold(
    chk: _Checker, built: dict[str, tuple], changed: set[str], topo: Topology
) -> bool:
    """Every reference resolves: the new items' (``chk.refs``), and the shared items' (they
    resolved in ``topo``, so they still do when every name there is still defined)."""
    names = {kind: {o.name for o in built[section]} for section, kind in _NAMED.items()}
    for section, kind in _NAMED.items():
        if section in changed and not names[kind] >= {o.name for o in getattr(topo, section)}:
            return False
    subnets = {v.name: {s.name for s in v.subnets} for v in built["vnets"]}
    old_subnets = ((v.name, {s.name for s in v.subnets}) for v in topo.vnets)
    if "vnets" in changed and any(not subnets[n] >= old for n, old in old_subnets):
        return False
    for kind, name, _, scope, owner in chk.refs:
        if kind not in _REFERRED:
            return False
        if scope is None and kind == "subnet":
            if owner in subnets and name not in subnets[owner]:
                return False  # (an unknown owner VNet is that VNet's reference's problem)
        elif scope != () or name not in names.get(kind, ()):
            return False
    return True


def _kept(key: object) -> bool:
    """Top-level sections kept verbatim in ``Topology.extra``: a generator's scenario, x-*."""
    return key == "scenario" or (isinstance(key, str) and key.startswith("x-"))


def _vnet(chk: _Checker, value: object, path: Path) -> VNet | None:
    f = _Fields(chk, value, path, "a VNet", VNET_FIELDS)
    name = f.get("name", NAME, required=True)
    chk.define("vnet", name, path)
    region = f.get("region", REGION, required=True)
    subscription = f.get("subscription", TEXT)
    space = f.items("address_space", CIDR, "IPv4 CIDRs such as 10.0.0.0/16", required=True)
    subnets = f.objects("subnets", _subnet, "subnets")
    for subnet, subnet_path in subnets:
        if subnet and space and not any(subnet.prefix.subnet_of(p) for p in space):
            inside = ", ".join(map(str, space))
            expected = f"a prefix inside the VNet's address space ({inside})"
            chk.report((*subnet_path, "prefix"), str(subnet.prefix), expected)
    gateway = f.object("gateway", _gateway)
    if not f.ok or None in (s for s, _ in subnets):
        return None
    return VNet(name, region, space, tuple(s for s, _ in subnets), gateway, subscription)


def _subnet(chk: _Checker, value: object, path: Path) -> Subnet | None:
    f = _Fields(chk, value, path, "a subnet", SUBNET_FIELDS)
    name = f.get("name", NAME, required=True)
    chk.define("subnet", name, path, scope=path[:-2])  # names are unique within their VNet
    prefix = f.get("prefix", CIDR, required=True)
    nsg = f.get("nsg", NAME)
    table = f.get("route_table", NAME)
    chk.refer("nsg", nsg, (*path, "nsg"))
    chk.refer("route_table", table, (*path, "route_table"))
    if not f.ok:
        return None
    return Subnet(name, prefix, nsg, table)


def _gateway(chk: _Checker, value: object, path: Path) -> Gateway | None:
    f = _Fields(chk, value, path, "a gateway", GATEWAY_FIELDS)
    name = f.get("name", NAME, required=True)
    kind = f.get("type", GW_TYPE, default=GatewayType.VPN)
    sku = f.get("sku", SKU, default="VpnGw1")
    connections = f.items("connections", NAME, "on-premises site names") or ()
    seen: set[str] = set()
    for i, site in enumerate(connections):
        where = f.item_path("connections", i)
        if site in seen:
            chk.report(where, site, "each on-premises site once")
        seen.add(site)
        chk.refer("onprem", site, where)
    return Gateway(name, kind, sku, connections) if f.ok else None


def _peering(chk: _Checker, value: object, path: Path) -> Peering | None:
    f = _Fields(chk, value, path, "a peering", PEERING_FIELDS)
    name = f.get("name", NAME, required=True)
    chk.define("peering", name, path)
    from_vnet = f.get("from", NAME, required=True)
    to_vnet = f.get("to", NAME, required=True)
    chk.refer("vnet", from_vnet, (*path, "from"))
    chk.refer("vnet", to_vnet, (*path, "to"))
    if from_vnet is not None and from_vnet == to_vnet:
        expected = f"a VNet other than the one holding the link ({from_vnet})"
        chk.report((*path, "to"), to_vnet, expected)
    flags = [
        f.get(key, BOOL, default=default)
        for key, default in zip(PEERING_FIELDS[3:7], (True, False, False, False), strict=True)
    ]
    state = f.get("state", STATE)
    synced = f.items("synced_address_space", CIDR, "IPv4 CIDRs such as 10.1.0.0/16")
    if not f.ok:
        return None
    return Peering(name, from_vnet, to_vnet, *flags, state=state, synced_address_space=synced)


def _nsg(chk: _Checker, value: object, path: Path) -> Nsg | None:
    f = _Fields(chk, value, path, "an NSG", NSG_FIELDS)
    name = f.get("name", NAME, required=True)
    chk.define("nsg", name, path)
    rules = f.objects("rules", _rule, "security rules")
    if not f.ok or any(r is None for r, _ in rules):
        return None
    return Nsg(name, tuple(r for r, _ in rules))


def _rule(chk: _Checker, value: object, path: Path) -> SecurityRule | None:
    f = _Fields(chk, value, path, "a security rule", RULE_FIELDS)
    name = f.get("name", NAME, required=True)
    chk.define("rule", name, path, scope=path[:-2])  # unique within the NSG
    priority = f.get("priority", PRIORITY, required=True)
    direction = f.get("direction", DIRECTION, required=True)
    access = f.get("access", ACCESS, required=True)
    protocol = f.get("protocol", PROTOCOL, default=Protocol.ANY)
    source = _addresses(f, "source")
    source_ports = f.get("source_ports", PORTS, default=ALL_PORTS)
    destination = _addresses(f, "destination")
    destination_ports = f.get("destination_ports", PORTS, default=ALL_PORTS)
    if not f.ok:
        return None
    return SecurityRule(
        name, priority, direction, access, protocol,
        source, source_ports, destination, destination_ports, default=False,
    )  # fmt: skip


def _addresses(f: _Fields, key: str) -> tuple[AddressItem, ...]:
    """A rule's source or destination: '*', addresses and CIDRs (a list, or comma-separated),
    or one service tag or ASG alone (NSG-01)."""
    value = f.data.get(key)
    items = f.items(key, ADDRESS, "addresses, CIDRs, a service tag or asg:NAME", split=True)
    if items is None:
        return (ANY_ADDRESS,) if value is None else ()
    if not items:
        f.chk.report((*f.path, key), value, f"{ADDRESS.expected}; an empty list matches nothing")
        return ()
    if len(items) > 1:
        named = [i for i in items if isinstance(i, ServiceTag | AsgRef)]
        if len(named) > 1:
            expected = "one service tag or ASG: one rule may list several IPs or ranges, but not"
            f.chk.report((*f.path, key), value, f"{expected} several service tags or ASGs (NSG-01)")
        elif named:
            expected = (
                f"{named[0]} alone: a service tag or ASG is not mixed with addresses (NSG-01)"
            )
            f.chk.report((*f.path, key), value, expected)
        elif any(isinstance(i, AnyAddress) for i in items):
            f.chk.report((*f.path, key), value, "'*' alone, or a list of addresses without it")
    return items


def _route_table(chk: _Checker, value: object, path: Path) -> RouteTable | None:
    f = _Fields(chk, value, path, "a route table", ROUTE_TABLE_FIELDS)
    name = f.get("name", NAME, required=True)
    chk.define("route_table", name, path)
    propagate = f.get("propagate_gateway_routes", BOOL, default=True)
    routes = f.objects("routes", _route, "routes")
    if not f.ok or any(r is None for r, _ in routes):
        return None
    return RouteTable(name, tuple(r for r, _ in routes), propagate)


def _route(chk: _Checker, value: object, path: Path) -> Route | None:
    f = _Fields(chk, value, path, "a route", ROUTE_FIELDS)
    name = f.get("name", NAME, required=True)
    chk.define("route", name, path, scope=path[:-2])  # unique within the route table
    prefix = f.get("prefix", CIDR, required=True)
    hop = f.get("next_hop_type", NEXT_HOP, required=True)
    hop_ip = f.get("next_hop_ip", IP)  # on other types it is validate's RT-08 problem
    if hop is NextHopType.VIRTUAL_APPLIANCE and f.data.get("next_hop_ip") is None:
        expected = f"{IP.expected}: a VirtualAppliance route needs the appliance's IP"
        chk.report((*path, "next_hop_ip"), f.data.get("next_hop_ip", _ABSENT), expected)
        f.ok = False
    if not f.ok:
        return None
    return Route(name, prefix, hop, hop_ip)


def _vm(chk: _Checker, value: object, path: Path) -> Vm | None:
    f = _Fields(chk, value, path, "a VM", VM_FIELDS)
    name = f.get("name", NAME, required=True)
    chk.define("vm", name, path)
    vnet = f.get("vnet", NAME, required=True)
    subnet = f.get("subnet", NAME, required=True)
    ip = f.get("ip", IP, required=True)
    nsg = f.get("nsg", NAME)
    chk.refer("vnet", vnet, (*path, "vnet"))
    if vnet:
        chk.refer("subnet", subnet, (*path, "subnet"), scope=None, owner=vnet)
    chk.refer("nsg", nsg, (*path, "nsg"))
    forwarding = f.get("ip_forwarding", BOOL, default=False)
    appliance = f.get("appliance", BOOL, default=False)
    asgs = f.items("asgs", NAME, "ASG names") or ()
    public_ip = f.get("public_ip", IP)
    power = f.get("power_state", POWER, default=PowerState.RUNNING)
    if not f.ok:
        return None
    return Vm(name, vnet, subnet, ip, nsg, forwarding, appliance, asgs, public_ip, power)


def _onprem(chk: _Checker, value: object, path: Path) -> OnPremSite | None:
    f = _Fields(chk, value, path, "an on-premises site", ONPREM_FIELDS)
    name = f.get("name", NAME, required=True)
    chk.define("onprem", name, path)
    space = f.items("address_space", CIDR, "IPv4 CIDRs such as 192.168.0.0/16", required=True)
    return OnPremSite(name, space) if f.ok else None


#: Each section's item builder (reusing objects built before), for the plain load and for
#: topology_patched alike.
_ITEM_BUILDERS = {
    "vnets": _reused(_vnet),
    "peerings": _reused(_peering),
    "nsgs": _reused(_nsg),
    "route_tables": _reused(_route_table),
    "vms": _reused(_vm),
    "onprem": _reused(_onprem),
}


def _check_vm_addresses(chk: _Checker, vnets: list[VNet], vms: list) -> None:
    by_name = {}
    for vnet in vnets:
        by_name.setdefault(vnet.name, vnet)
    for vm, path in vms:
        subnet = by_name[vm.vnet].subnet(vm.subnet) if vm and vm.vnet in by_name else None
        if subnet is not None and vm.ip not in subnet.prefix:
            expected = f"an address inside subnet {subnet.name} ({subnet.prefix})"
            chk.report((*path, "ip"), str(vm.ip), expected)


# -- a fresh document, read straight -------------------------------------------------------------


class _NotStraight(Exception):
    """The straight read met something for the plain load to judge (and report, if bad)."""


def _fresh(doc: object) -> Topology | None:
    """``topology_from_dict(doc)``'s Topology for a document made fresh in the plain form quizgen
    writes (a scenario's random base), read straight: every field converted by the Spec the
    plain load uses, with its defaults, and the checks across items (unique names, references,
    subnets inside their VNet, VMs inside their subnet) made on sets. None as soon as anything
    would be reported, or is written in a form this read leaves to the plain load (a tuple of
    items for a section, a VNet's subnets, an NSG's rules or a table's routes; a list field's
    values may be a tuple, as there): the plain load then decides, and reports a problem in
    its own words. A small base reads in about 125 us instead of the plain load's 205 us
    (which keeps each item's path and every name's definition for its messages).
    tests/test_loader.py shows it gives the same Topology or None on every generated base, on
    hypothesis-drawn breaking changes to them and on edge documents.
    """
    if type(doc) is not dict or not all(k in SECTIONS or _kept(k) for k in doc):
        return None
    try:
        vnets = tuple(_straight_vnet(v) for v in _straight_list(doc, "vnets"))
        peerings = tuple(_straight_peering(p) for p in _straight_list(doc, "peerings"))
        nsgs = tuple(_straight_nsg(n) for n in _straight_list(doc, "nsgs"))
        tables = tuple(_straight_route_table(t) for t in _straight_list(doc, "route_tables"))
        vms = tuple(_straight_vm(v) for v in _straight_list(doc, "vms"))
        sites = tuple(_straight_site(s) for s in _straight_list(doc, "onprem"))
    except (_NotStraight, Bad):
        return None
    if not _straight_references(vnets, peerings, nsgs, tables, vms, sites):
        return None
    extra = tuple((k, copy.deepcopy(v)) for k, v in doc.items() if _kept(k))
    return Topology(vnets, peerings, nsgs, tables, vms, sites, extra)


def _straight_references(
    vnets: tuple[VNet, ...],
    peerings: tuple[Peering, ...],
    nsgs: tuple[Nsg, ...],
    tables: tuple[RouteTable, ...],
    vms: tuple[Vm, ...],
    sites: tuple[OnPremSite, ...],
) -> bool:
    """Names unique within their kind and scope; every reference resolves; VMs inside their
    subnet (the plain load's ``define``, ``resolve`` and ``_check_vm_addresses``)."""
    names = {}
    for kind, items in (("vnet", vnets), ("peering", peerings), ("nsg", nsgs),
                        ("route_table", tables), ("vm", vms), ("onprem", sites)):  # fmt: skip
        names[kind] = {i.name for i in items}
        if len(names[kind]) != len(items):
            return False
    if any(not _unique(n.rules) for n in nsgs) or any(not _unique(t.routes) for t in tables):
        return False
    subnets: dict[str, dict[str, Subnet]] = {}
    for vnet in vnets:
        if not _unique(vnet.subnets):
            return False
        subnets[vnet.name] = {s.name: s for s in vnet.subnets}
        for s in vnet.subnets:
            if s.nsg is not None and s.nsg not in names["nsg"]:
                return False
            if s.route_table is not None and s.route_table not in names["route_table"]:
                return False
        if vnet.gateway is not None and not names["onprem"].issuperset(vnet.gateway.connections):
            return False
    if any(p.from_vnet not in names["vnet"] or p.to_vnet not in names["vnet"] for p in peerings):
        return False
    for vm in vms:
        subnet = subnets.get(vm.vnet, {}).get(vm.subnet)
        if subnet is None or vm.ip not in subnet.prefix:
            return False
        if vm.nsg is not None and vm.nsg not in names["nsg"]:
            return False
    return True


def _unique(items: tuple) -> bool:
    return len({i.name for i in items}) == len(items)


def _straight_list(item: dict, key: str) -> list:
    """A list of items (absent or null: none), each a mapping."""
    value = item.get(key)
    if value is None:
        return []
    if type(value) is not list or any(type(i) is not dict for i in value):
        raise _NotStraight
    return value


def _known(item: dict, fields: frozenset[str]) -> dict:
    if not fields.issuperset(item):
        raise _NotStraight  # an unknown field
    return item


def _value(item: dict, key: str, spec: Spec, default: Any = None) -> Any:
    """``_Fields.get``: absent or null gives the default; anything else is converted."""
    value = item.get(key)
    return default if value is None else spec.convert(value)


def _needed(item: dict, key: str, spec: Spec) -> Any:
    value = item.get(key)
    if value is None:
        raise _NotStraight  # a required field is missing
    return spec.convert(value)


def _values(
    item: dict, key: str, spec: Spec, *, required: bool = False, split: bool = False
) -> tuple | None:
    """``_Fields.items``: a list, one bare value or (``split``) a comma-separated text."""
    value = item.get(key)
    if split and isinstance(value, str) and "," in value:
        value = [part for part in value.split(",") if part.strip()]
    if value is None:
        if required:
            raise _NotStraight
        return None
    out = tuple(spec.convert(v) for v in (value if isinstance(value, list | tuple) else [value]))
    if required and not out:
        raise _NotStraight
    return out


_STRAIGHT_FIELDS = {
    name: frozenset(fields)
    for name, fields in (
        ("vnet", VNET_FIELDS), ("subnet", SUBNET_FIELDS), ("gateway", GATEWAY_FIELDS),
        ("peering", PEERING_FIELDS), ("nsg", NSG_FIELDS), ("rule", RULE_FIELDS),
        ("route_table", ROUTE_TABLE_FIELDS), ("route", ROUTE_FIELDS), ("vm", VM_FIELDS),
        ("onprem", ONPREM_FIELDS),
    )
}  # fmt: skip


def _straight_vnet(value: dict) -> VNet:
    v = _known(value, _STRAIGHT_FIELDS["vnet"])
    space = _values(v, "address_space", CIDR, required=True)
    subnets = []
    for s in _straight_list(v, "subnets"):
        s = _known(s, _STRAIGHT_FIELDS["subnet"])
        prefix = _needed(s, "prefix", CIDR)
        if not any(prefix.subnet_of(p) for p in space):
            raise _NotStraight  # a subnet outside the VNet's address space
        nsg, table = _value(s, "nsg", NAME), _value(s, "route_table", NAME)
        subnets.append(Subnet(_needed(s, "name", NAME), prefix, nsg, table))
    gateway = v.get("gateway")
    return VNet(
        _needed(v, "name", NAME),
        _needed(v, "region", REGION),
        space,
        tuple(subnets),
        None if gateway is None else _straight_gateway(gateway),
        _value(v, "subscription", TEXT),
    )


def _straight_gateway(value: object) -> Gateway:
    if type(value) is not dict:
        raise _NotStraight
    g = _known(value, _STRAIGHT_FIELDS["gateway"])
    connections = _values(g, "connections", NAME) or ()
    if len(set(connections)) != len(connections):
        raise _NotStraight  # a site connected twice
    kind, sku = _value(g, "type", GW_TYPE, GatewayType.VPN), _value(g, "sku", SKU, "VpnGw1")
    return Gateway(_needed(g, "name", NAME), kind, sku, connections)


def _straight_peering(value: dict) -> Peering:
    p = _known(value, _STRAIGHT_FIELDS["peering"])
    name, a, b = _needed(p, "name", NAME), _needed(p, "from", NAME), _needed(p, "to", NAME)
    if a == b:
        raise _NotStraight  # a link from a VNet to itself
    flags = [
        _value(p, key, BOOL, default)
        for key, default in zip(PEERING_FIELDS[3:7], (True, False, False, False), strict=True)
    ]
    state, synced = _value(p, "state", STATE), _values(p, "synced_address_space", CIDR)
    return Peering(name, a, b, *flags, state=state, synced_address_space=synced)


def _straight_nsg(value: dict) -> Nsg:
    n = _known(value, _STRAIGHT_FIELDS["nsg"])
    rules = tuple(_straight_rule(r) for r in _straight_list(n, "rules"))
    return Nsg(_needed(n, "name", NAME), rules)


def _straight_rule(value: dict) -> SecurityRule:
    r = _known(value, _STRAIGHT_FIELDS["rule"])
    return SecurityRule(
        _needed(r, "name", NAME),
        _needed(r, "priority", PRIORITY),
        _needed(r, "direction", DIRECTION),
        _needed(r, "access", ACCESS),
        _value(r, "protocol", PROTOCOL, Protocol.ANY),
        _straight_addresses(r, "source"),
        _value(r, "source_ports", PORTS, ALL_PORTS),
        _straight_addresses(r, "destination"),
        _value(r, "destination_ports", PORTS, ALL_PORTS),
        default=False,
    )


def _straight_addresses(r: dict, key: str) -> tuple[AddressItem, ...]:
    """``_addresses``: '*' when absent; one service tag, ASG or '*' alone, else addresses."""
    if r.get(key) is None:
        return (ANY_ADDRESS,)
    items = _values(r, key, ADDRESS, split=True)
    if not items:
        raise _NotStraight  # an empty list matches nothing
    if len(items) > 1 and any(isinstance(i, ServiceTag | AsgRef | AnyAddress) for i in items):
        raise _NotStraight  # NSG-01: a tag, an ASG or '*' stands alone
    return items


def _straight_route_table(value: dict) -> RouteTable:
    t = _known(value, _STRAIGHT_FIELDS["route_table"])
    routes = []
    for r in _straight_list(t, "routes"):
        r = _known(r, _STRAIGHT_FIELDS["route"])
        name, prefix = _needed(r, "name", NAME), _needed(r, "prefix", CIDR)
        hop, hop_ip = _needed(r, "next_hop_type", NEXT_HOP), _value(r, "next_hop_ip", IP)
        if hop is NextHopType.VIRTUAL_APPLIANCE and hop_ip is None:
            raise _NotStraight  # an appliance route without the appliance's IP
        routes.append(Route(name, prefix, hop, hop_ip))
    propagate = _value(t, "propagate_gateway_routes", BOOL, True)
    return RouteTable(_needed(t, "name", NAME), tuple(routes), propagate)


def _straight_vm(value: dict) -> Vm:
    m = _known(value, _STRAIGHT_FIELDS["vm"])
    return Vm(
        _needed(m, "name", NAME),
        _needed(m, "vnet", NAME),
        _needed(m, "subnet", NAME),
        _needed(m, "ip", IP),
        _value(m, "nsg", NAME),
        _value(m, "ip_forwarding", BOOL, False),
        _value(m, "appliance", BOOL, False),
        _values(m, "asgs", NAME) or (),
        _value(m, "public_ip", IP),
        _value(m, "power_state", POWER, PowerState.RUNNING),
    )


def _straight_site(value: dict) -> OnPremSite:
    s = _known(value, _STRAIGHT_FIELDS["onprem"])
    return OnPremSite(_needed(s, "name", NAME), _values(s, "address_space", CIDR, required=True))


# -- writing the document ------------------------------------------------------------------------


def _strs(items: tuple[object, ...]) -> list[str]:
    return [str(i) for i in items]


def _vnet_doc(v: VNet) -> dict[str, object]:
    doc: dict[str, object] = {"name": v.name, "region": v.region}
    if v.subscription is not None:
        doc["subscription"] = v.subscription
    doc["address_space"] = _strs(v.address_space)
    if v.subnets:
        doc["subnets"] = [_subnet_doc(s) for s in v.subnets]
    if v.gateway is not None:
        g = v.gateway
        doc["gateway"] = {"name": g.name, "type": str(g.type), "sku": g.sku}
        if g.connections:
            doc["gateway"]["connections"] = list(g.connections)
    return doc


def _subnet_doc(s: Subnet) -> dict[str, object]:
    doc: dict[str, object] = {"name": s.name, "prefix": str(s.prefix)}
    if s.nsg is not None:
        doc["nsg"] = s.nsg
    if s.route_table is not None:
        doc["route_table"] = s.route_table
    return doc


def _peering_doc(p: Peering) -> dict[str, object]:
    doc: dict[str, object] = {"name": p.name, "from": p.from_vnet, "to": p.to_vnet}
    flags = (
        p.allow_virtual_network_access, p.allow_forwarded_traffic, p.allow_gateway_transit,
        p.use_remote_gateways,
    )  # fmt: skip
    for key, value, default in zip(
        PEERING_FIELDS[3:7], flags, (True, False, False, False), strict=True
    ):
        if value != default:
            doc[key] = value
    if p.state is not None:
        doc["state"] = str(p.state)
    if p.synced_address_space is not None:
        doc["synced_address_space"] = _strs(p.synced_address_space)
    return doc


def _nsg_doc(n: Nsg) -> dict[str, object]:
    """Default rules (``SecurityRule.default``) are Azure's and are not written."""
    doc: dict[str, object] = {"name": n.name}
    rules = [_rule_doc(r) for r in n.rules if not r.default]
    if rules:
        doc["rules"] = rules
    return doc


def _rule_doc(r: SecurityRule) -> dict[str, object]:
    doc: dict[str, object] = {"name": r.name, "priority": r.priority}
    doc.update(direction=str(r.direction), access=str(r.access))
    if r.protocol is not Protocol.ANY:
        doc["protocol"] = str(r.protocol)
    for key, items in (("source", r.source), ("destination", r.destination)):
        if items != (ANY_ADDRESS,):
            doc[key] = str(items[0]) if len(items) == 1 else _strs(items)
    for key, ports in (
        ("source_ports", r.source_ports),
        ("destination_ports", r.destination_ports),
    ):
        if ports != ALL_PORTS:
            doc[key] = ",".join(map(str, ports))
    order = {key: i for i, key in enumerate(RULE_FIELDS)}
    return dict(sorted(doc.items(), key=lambda kv: order[kv[0]]))


def _route_table_doc(t: RouteTable) -> dict[str, object]:
    doc: dict[str, object] = {"name": t.name}
    if not t.propagate_gateway_routes:
        doc["propagate_gateway_routes"] = False
    if t.routes:
        doc["routes"] = [_route_doc(r) for r in t.routes]
    return doc


def _route_doc(r: Route) -> dict[str, object]:
    doc: dict[str, object] = {
        "name": r.name,
        "prefix": str(r.prefix),
        "next_hop_type": str(r.next_hop_type),
    }
    if r.next_hop_ip is not None:
        doc["next_hop_ip"] = str(r.next_hop_ip)
    return doc


def _vm_doc(v: Vm) -> dict[str, object]:
    doc: dict[str, object] = {"name": v.name, "vnet": v.vnet, "subnet": v.subnet, "ip": str(v.ip)}
    if v.nsg is not None:
        doc["nsg"] = v.nsg
    if v.ip_forwarding:
        doc["ip_forwarding"] = True
    if v.appliance:
        doc["appliance"] = True
    if v.asgs:
        doc["asgs"] = list(v.asgs)
    if v.public_ip is not None:
        doc["public_ip"] = str(v.public_ip)
    if v.power_state is not PowerState.RUNNING:
        doc["power_state"] = str(v.power_state)
    return doc


class _Dumper(yaml.SafeDumper):
    """Block style with list items indented under their key, and no anchors or aliases."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: object) -> bool:
        return True
