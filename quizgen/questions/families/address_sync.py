"""Address space added to a peered VNet: which link to sync (ADDR-03, ADDR-04, EX-13).

A hand-built pair of peered VNets (or a hub with two spokes where one spoke changes) after a
range was added to one of them: that VNet's link shows RemoteNotInSync and the peer's link
LocalNotInSync. The sync runs on the LocalNotInSync link, the peer's; nothing has to be deleted.

single-choice: which action brings every link back to Connected and FullyInSync; each option is
a change decided by its own ``peerings`` check (T-12: sync the VNet you changed; T-11: delete
and re-create a link, which per PEER-03 leaves the peering Disconnected).

hotspot: the gate reads a blank from a scalar field, and ``peerings`` answers a list, so the
blanks use ``next-hop``: a range peered before the change keeps its peering route (ADDR-03),
and after the sync on the right link the new range has one. Nothing is asked about the new
range before the sync: that rests on ADDR-05, which is UNCONFIRMED (and ``next-hop`` does not
flag it, see the report).
"""

from __future__ import annotations

from typing import Any

from quizgen.checks import run
from quizgen.generator import patch
from quizgen.questions import common
from quizgen.questions.bank import Spec
from quizgen.questions.family import Context, Family

Doc = dict[str, Any]

REGIONS = ("eastus", "eastus2", "westus2", "centralus", "westeurope", "northeurope", "uksouth")
NAMES = ("app", "web", "data", "erp", "crm", "iot", "sap", "bi", "hr", "finance")
NEXT_HOPS = ["VNetPeering", "VNetGlobalPeering", "None", "VnetLocal"]
PEER_ANSWERS = ["address-space-overlap", "overlaps-already-peered-vnet"]


def _short(vnet: str) -> str:
    return vnet.removeprefix("vnet-")


def _draw(ctx: Context) -> tuple[Doc, dict[str, Any], list[Doc]]:
    """The topology after the change, the facts a builder needs and the actions exhibit."""
    rng = ctx.rng
    octets = rng.sample(range(1, 250), 5)
    region = rng.choice(REGIONS)
    hub_variant = rng.random() < 0.4
    names = [f"vnet-{n}" for n in rng.sample(NAMES, 3)]
    if hub_variant:
        names[0] = "vnet-hub"
    count = 3 if hub_variant else 2
    vnets, vms = [], []
    for n in range(count):
        o = octets[n]
        vnets.append(
            {
                "name": names[n],
                "region": region if n == 0 or rng.random() < 0.6 else rng.choice(REGIONS),
                "address_space": [f"10.{o}.0.0/16"],
                "subnets": [{"name": "snet-app", "prefix": f"10.{o}.1.0/24"}],
            }
        )
        vms.append(
            {
                "name": f"vm-{_short(names[n])}",
                "vnet": names[n],
                "subnet": "snet-app",
                "ip": f"10.{o}.1.4",
            }
        )
    pairs = [(names[0], names[1])] + ([(names[0], names[2])] if hub_variant else [])
    peerings = []
    for a, b in pairs:
        peerings += [
            {"name": f"peer-{_short(a)}-to-{_short(b)}", "from": a, "to": b},
            {"name": f"peer-{_short(b)}-to-{_short(a)}", "from": b, "to": a},
        ]
    changed = names[1] if hub_variant else rng.choice(names[:2])
    peer = names[0] if changed != names[0] else names[1]
    vnet = next(v for v in vnets if v["name"] == changed)
    old = list(vnet["address_space"])
    new = f"10.{octets[4]}.0.0/16" if rng.random() < 0.5 else f"172.{rng.randrange(16, 32)}.0.0/16"
    vnet["address_space"] = [*old, new]
    base = new.split("/")[0].rsplit(".", 2)[0]
    vnet["subnets"].append({"name": "snet-new", "prefix": f"{base}.1.0/24"})
    vms.append(
        {
            "name": f"vm-{_short(changed)}-2",
            "vnet": changed,
            "subnet": "snet-new",
            "ip": f"{base}.1.10",
        }
    )
    stale = next(p for p in peerings if p["from"] == peer and p["to"] == changed)
    stale["synced_address_space"] = old
    actions = [f"Peer {a} and {b} (both peering links are created)." for a, b in pairs] + [
        f"Add the address range {new} to {changed}, and then add the subnet snet-new to it."
    ]
    doc = {"vnets": vnets, "peerings": peerings, "vms": vms}
    facts = {
        "changed": changed,
        "peer": peer,
        "new": new,
        "local": stale["name"],  # the peer's link: LocalNotInSync
        "remote": next(p["name"] for p in peerings if p["from"] == changed and p["to"] == peer),
        "pair": [p["name"] for p in peerings if {p["from"], p["to"]} == {changed, peer}],
    }
    rows = [{"step": n, "action": a} for n, a in enumerate(actions, start=1)]
    return doc, facts, rows


def _exhibits(doc: Doc, topo: Any, actions: list[Doc]) -> list[Doc]:
    return [
        common.exhibit_vnets(doc),
        common.exhibit_peerings(topo),
        common.exhibit_vms(doc),
        {
            "title": "Actions performed, in order",
            "columns": ["Step", "Action"],
            "rows": [[a["step"], a["action"]] for a in actions],
        },
    ]


def _link(doc: Doc, name: str) -> Doc:
    return next(p for p in doc["peerings"] if p["name"] == name)


def _sync(doc: Doc, name: str) -> list[Doc]:
    """Sync-AzVirtualNetworkPeering on a link: its remote address space becomes current."""
    link = _link(doc, name)
    remote = next(v for v in doc["vnets"] if v["name"] == link["to"])
    return [
        {
            "op": "set",
            "path": f"peerings[{name}].synced_address_space",
            "value": list(remote["address_space"]),
        }
    ]


def _recreate(doc: Doc, name: str) -> list[Doc]:
    """Delete a link through the API and create it again: the reverse link is Disconnected."""
    link = _link(doc, name)
    reverse = next(
        p for p in doc["peerings"] if p["from"] == link["to"] and p["to"] == link["from"]
    )
    fresh = {k: v for k, v in link.items() if k not in ("state", "synced_address_space")}
    return [
        {"op": "remove", "path": f"peerings[{name}]"},
        {"op": "set", "path": f"peerings[{reverse['name']}].state", "value": "Disconnected"},
        {"op": "add", "path": "peerings", "value": fresh},
    ]


def _single(ctx: Context) -> Doc | None:
    doc, f, actions = _draw(ctx)
    topo = common.load(doc)
    views = {v["name"]: v for v in run(topo, "peerings", {})["peerings"]}
    if views[f["local"]]["sync_level"] != "LocalNotInSync":
        return None
    local_vnet, remote_vnet = f["peer"], f["changed"]
    sync = ctx.wording.phrase("sync", ctx.rng)  # one wording for every option of the item
    recreate = ctx.wording.phrase("recreate", ctx.rng)
    candidates = [
        (sync.format(link=f["local"], vnet=local_vnet), _sync(doc, f["local"]), None),
        (sync.format(link=f["remote"], vnet=remote_vnet), _sync(doc, f["remote"]), "T-12"),
        (
            recreate.format(link=f["local"], vnet=local_vnet),
            _recreate(doc, f["local"]),
            "T-11",
        ),
        (
            recreate.format(link=f["remote"], vnet=remote_vnet),
            _recreate(doc, f["remote"]),
            "T-11",
        ),
    ]
    claim = {
        "peerings": [
            {"name": n, "state": "Connected", "sync_level": "FullyInSync"} for n in f["pair"]
        ]
    }
    options, explanation = [], []
    for text, changes, misconception in candidates:
        after = run(common.load(patch.apply(doc, changes)[0]), "peerings", {})["peerings"]
        mine = [v for v in after if v["name"] in f["pair"]]
        expect = {
            "peerings": [
                {"name": v["name"], "state": v["state"], "sync_level": v["sync_level"]}
                for v in mine
            ]
        }
        good = all(v["state"] == "Connected" and v["sync_level"] == "FullyInSync" for v in mine)
        if good != (misconception is None):
            return None
        i = ctx.check("peerings", {}, expect, changes)
        option: Doc = {"text": text, "correct": good, "check": i, "claim": claim}
        if misconception:
            option["misconception"] = misconception
        options.append(option)
        states = "; ".join(f"{v['name']}: {v['state']}, {v['sync_level']}" for v in mine)
        explanation.append(f"{text} Afterwards: {states}.")
    explanation.insert(
        0,
        f"Adding {f['new']} to {f['changed']} leaves {f['remote']} RemoteNotInSync and "
        f"{f['local']} LocalNotInSync (ADDR-04, EX-13). The sync runs on the link that shows "
        f"LocalNotInSync, {f['local']} on {f['peer']}, not on the virtual network that changed "
        "(T-12), and the peering does not have to be deleted (ADDR-03; T-11 is outdated): "
        "deleting one link through the API leaves the other Disconnected (PEER-03).",
    )
    return ctx.question(
        stem_fields={"changed": f["changed"], "peer": f["peer"], "new": f["new"]},
        topology=doc,
        explanation=explanation,
        rules=["ADDR-03", "ADDR-04", "PEER-03"],
        difficulty=3 + (len(doc["vnets"]) > 2),
        exhibits=_exhibits(doc, topo, actions),
        options=options,
    )


def _third_vnet(ctx: Context, doc: Doc, f: dict[str, Any]) -> tuple[Doc, str, Doc] | None:
    """A VNet, not peered yet, that overlaps the new range (ADDR-01) or the peer (ADDR-02)."""
    name = "vnet-partner"
    target = f["new"] if ctx.rng.random() < 0.5 else _space(doc, f["peer"])[0]
    octets = target.split("/")[0].split(".")
    prefix = f"{octets[0]}.{octets[1]}.128.0/17"
    other = {
        "name": name,
        "region": _vnet(doc, f["changed"])["region"],
        "address_space": [prefix],
        "subnets": [{"name": "snet-app", "prefix": f"{octets[0]}.{octets[1]}.200.0/24"}],
    }
    changed = {**doc, "vnets": [*doc["vnets"], other]}
    answer = run(common.load(changed), "can-peer", {"vnet_a": f["changed"], "vnet_b": name})
    if answer["ok"] or answer["reason"] not in PEER_ANSWERS:
        return None
    return changed, name, answer


def _vnet(doc: Doc, name: str) -> Doc:
    return next(v for v in doc["vnets"] if v["name"] == name)


def _space(doc: Doc, name: str) -> list[str]:
    return list(_vnet(doc, name)["address_space"])


def _hotspot(ctx: Context) -> Doc | None:
    doc, f, actions = _draw(ctx)
    third = _third_vnet(ctx, doc, f)
    if third is not None:  # an unpeered VNet, asked about last; every check runs on this doc
        doc = third[0]
    topo = common.load(doc)
    peer_vm = next(v for v in doc["vms"] if v["vnet"] == f["peer"])
    old_vm = next(v for v in doc["vms"] if v["vnet"] == f["changed"] and v["subnet"] == "snet-app")
    new_vm = next(v for v in doc["vms"] if v["vnet"] == f["changed"] and v["subnet"] == "snet-new")
    blanks, explanation = [], []
    args = {"vm": peer_vm["name"], "dest": old_vm["ip"]}
    answer = run(topo, "next-hop", args)
    if answer["assumptions"]:
        return None
    i = ctx.check("next-hop", args, {"next_hop_type": answer["next_hop_type"]})
    blanks.append(
        {
            "key": "1",
            "prompt": ctx.phrase("old_range", src=peer_vm["name"], ip=old_vm["ip"]),
            "choices": NEXT_HOPS,
            "answer": answer["next_hop_type"],
            "check": i,
            "field": "next_hop_type",
        }
    )
    explanation.append(
        f"Blank 1: {answer['next_hop_type']}. Ranges peered before the change keep their "
        "peering route while the address space changes: no downtime and no need to delete the "
        "peering (ADDR-03; T-11 is outdated)."
    )
    sync = _sync(doc, f["local"])
    args = {"vm": peer_vm["name"], "dest": new_vm["ip"]}
    changed = common.load(patch.apply(doc, sync)[0])
    answer = run(changed, "next-hop", args)
    if answer["assumptions"]:
        return None
    i = ctx.check("next-hop", args, {"next_hop_type": answer["next_hop_type"]}, sync)
    blanks.append(
        {
            "key": "2",
            "prompt": ctx.phrase(
                "after_sync",
                link=f["local"],
                vnet=f["peer"],
                src=peer_vm["name"],
                ip=new_vm["ip"],
            ),
            "choices": NEXT_HOPS,
            "answer": answer["next_hop_type"],
            "check": i,
            "field": "next_hop_type",
        }
    )
    explanation.append(
        f"Blank 2: {answer['next_hop_type']}. {f['local']} showed LocalNotInSync; the sync on "
        f"it makes {f['changed']}'s whole address space, {f['new']} included, peered, so "
        f"{f['peer']} gets a peering route to it (ADDR-04, RT-05). Syncing the link of the "
        f"virtual network that changed instead would leave {f['local']} LocalNotInSync (T-12)."
    )
    if third is not None:
        _, other, answer = third
        args = {"vnet_a": f["changed"], "vnet_b": other}
        i = ctx.check("can-peer", args, {"ok": answer["ok"], "reason": answer["reason"]})
        blanks.append(
            {
                "key": "3",
                "prompt": ctx.phrase("peer_other", vnet=other, changed=f["changed"]),
                "choices": PEER_ANSWERS,
                "answer": answer["reason"],
                "check": i,
                "field": "reason",
            }
        )
        conflict = answer["conflicts"][0]
        if answer["reason"] == "address-space-overlap":
            why = (
                f"{other} ({conflict['prefix']}) overlaps {conflict['overlaps']}, a range of "
                f"{f['changed']}: the added range counts like any other (ADDR-01, ADDR-03)."
            )
        else:
            why = (
                f"{other} ({conflict['overlaps']}) overlaps {conflict['vnet']} "
                f"({conflict['prefix']}), which is already peered with {f['changed']}: "
                f"{f['changed']} cannot be peered with a VNet that overlaps one of its existing "
                "peers (ADDR-02)."
            )
        explanation.append(f"Blank 3: {answer['reason']}. {why}")
    return ctx.question(
        stem_fields={"changed": f["changed"], "peer": f["peer"], "new": f["new"]},
        topology=doc,
        explanation=explanation,
        rules=["ADDR-03", "ADDR-04", "RT-05", *(["ADDR-01", "ADDR-02"] if third else [])],
        difficulty=2 + (len(doc["vnets"]) > 2),
        exhibits=_exhibits(doc, topo, actions),
        blanks=blanks,
    )


def build(ctx: Context) -> Doc | None:
    return _single(ctx) if ctx.item_type == "single-choice" else _hotspot(ctx)


FAMILY = Family(
    "address-sync",
    "an address range added to a peered VNet: sync levels and which link to sync",
    Spec(
        ("single-choice", "hotspot"),
        frozenset({"changed", "peer", "new", "link", "vnet", "src", "ip"}),
        ("sync", "recreate", "old_range", "after_sync", "peer_other"),
    ),
    build,
)
