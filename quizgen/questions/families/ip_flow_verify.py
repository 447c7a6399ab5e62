"""IP flow verify: Access and Rule name for tests against one VM (NW-01, NSG-03, NSG-08, NSG-09).

hotspot, EX-07 style: a VM whose NIC or subnet has one NSG (so IP flow verify names the deciding
rule without the UNCONFIRMED two-NSG case, U-08), with zero to two custom rules; one or two tests
(direction, local and remote IP:port) to read. Blanks: a test's Access, its Rule name as Network
Watcher prints it (securityRules/NAME or defaultSecurityRules/NAME), and optionally a second test's
Rule name. Remote addresses are drawn from the VNet, a peered VNet (NSG-08: VirtualNetwork), the
Internet, and private space outside both (NSG-09: neither tag, so DenyAll decides). The rule
choices are the direction's default rules plus its custom rules: the wrong defaults are what a
learner with T-27 or T-28 reads.
"""

from __future__ import annotations

import random
from typing import Any

from quizgen.checks import run
from quizgen.questions import common
from quizgen.questions.bank import Spec
from quizgen.questions.families import nsg_priority as kit
from quizgen.questions.family import Context, Family

Doc = dict[str, Any]
PORTS = (80, 443, 22, 3389, 1433, 8080)
DEFAULT_NAMES = {
    direction: [kit.qualified(r) for r in rules] for direction, rules in kit.DEFAULT_RULES.items()
}


def _network(rng: random.Random) -> tuple[Doc, Doc, dict[str, kit.End]]:
    reg, code = kit.region(rng)
    wl = kit.workload(rng)
    blocks: list = []
    block = kit.vnet_block(rng, blocks)
    thirds = rng.sample(range(0, 250), 2)
    app, data = kit.subnet_of(block, thirds[0]), kit.subnet_of(block, thirds[1])
    taken: set[str] = set()
    vnet = f"vnet-{wl}-{rng.choice(kit.ENVS)}-{code}"
    role = rng.choice(("web", "app", "api", "jump"))
    nsg = f"nsg-{role}-{wl}"
    vm = {
        "name": f"vm-{role}-0{rng.randrange(1, 4)}",
        "vnet": vnet,
        "subnet": f"snet-{role}",
        "ip": kit.host_in(app, rng, taken),
    }
    subnets = [
        {"name": vm["subnet"], "prefix": str(app)},
        {"name": "snet-data", "prefix": str(data)},
    ]
    if rng.random() < 0.5:
        vm["nsg"] = nsg
    else:
        subnets[0]["nsg"] = nsg
    doc: Doc = {
        "vnets": [{"name": vnet, "region": reg, "address_space": [str(block)], "subnets": subnets}],
        "nsgs": [{"name": nsg, "rules": []}],
        "vms": [vm],
    }
    ends = {
        "local": kit.End("local", kit.host_in(data, rng, taken), kit.LOCAL),
        "public": kit.End("public", kit.public_host(rng, taken), kit.PUBLIC),
    }
    if rng.random() < 0.6:
        _, _, peer_sub = kit.add_peer(doc, rng, blocks, wl, vnet, reg, code)
        ends["peer"] = kit.End("peer", kit.host_in(peer_sub, rng, taken), kit.PEER)
    ends["private"] = kit.End("private", kit.private_outside(rng, blocks, taken), kit.PRIVATE)
    _custom_rules(rng, doc["nsgs"][0], rng.randrange(0, 3))
    return doc, vm, ends


def _custom_rules(rng: random.Random, nsg: Doc, count: int) -> None:
    prio = iter(kit.priorities(rng, 3))
    kinds = rng.sample(["deny-internet-out", "allow-internet-in", "deny-vnet-in"], count)
    for kind in kinds:
        port = rng.choice(PORTS)
        if kind == "deny-internet-out":
            ports = rng.choice(("*", str(port)))
            name = "deny-internet-outbound" if ports == "*" else f"deny-internet-{port}-out"
            r = kit.rule(name, next(prio), "outbound", "deny", "*", "Internet", ports)
        elif kind == "allow-internet-in":
            r = kit.rule(
                f"allow-{port}-from-internet",
                next(prio),
                "inbound",
                "allow",
                "Internet",
                "*",
                str(port),
            )
        else:
            r = kit.rule(
                f"deny-vnet-{port}-in",
                next(prio),
                "inbound",
                "deny",
                "VirtualNetwork",
                "*",
                str(port),
            )
        nsg["rules"].append(r)


def _tests(rng: random.Random, vm: Doc, ends: dict[str, kit.End], nsg: Doc) -> list[tuple]:
    """Candidate tests: (direction, End, port), ports taken from the custom rules when any."""
    ports = [int(r["destination_ports"]) for r in nsg["rules"] if r["destination_ports"] != "*"]
    out = []
    for end in ends.values():
        for direction in ("inbound", "outbound"):
            port = rng.choice(ports) if ports and rng.random() < 0.7 else rng.choice(PORTS)
            out.append((direction, end, port))
    return out


def _describe(vm: Doc, direction: str, end: kit.End, port: int, ephemeral: int) -> list[Any]:
    if direction == "inbound":
        return [direction.title(), "TCP", f"{vm['ip']}:{port}", f"{end.ip}:{ephemeral}"]
    return [direction.title(), "TCP", f"{vm['ip']}:{ephemeral}", f"{end.ip}:{port}"]


def build(ctx: Context) -> Doc | None:
    rng = ctx.rng
    doc, vm, ends = _network(rng)
    nsg = doc["nsgs"][0]
    topo = common.load(doc)
    me = kit.End(vm["name"], vm["ip"], kit.LOCAL, vm=vm["name"])
    answered = []
    for direction, end, port in _tests(rng, vm, ends, nsg):
        ephemeral = rng.choice((60000, rng.randrange(49152, 65535)))
        args = kit.ip_flow_args(vm, direction, port, end.ip, ephemeral)
        answer = run(topo, "ip-flow", args)
        src, dst = (end, me) if direction == "inbound" else (me, end)
        model = kit.decide_nic(doc, vm, direction, "tcp", src, dst, port)
        if not kit.clean(answer) or (model.access, model.rule) != (
            answer["access"],
            answer["rule"],
        ):
            continue
        wrong = {
            b: kit.decide_nic(doc, vm, direction, "tcp", src, dst, port, frozenset({b})).rule
            for b in ("T-27", "T-28", "T-01", "T-19")
        }
        wrong = {b: r for b, r in wrong.items() if r != answer["rule"]}
        answered.append((direction, end, port, ephemeral, args, answer, wrong))
    if not answered:
        return None
    rng.shuffle(answered)
    # the first test: a trap where possible (a learner's rule differs), else any
    traps = [a for a in answered if a[6] or a[5]["rule"].startswith("securityRules/")]
    first = traps[0] if traps and rng.random() < 0.6 else answered[0]
    second = next((a for a in answered[1:] if (a[1].cls, a[0]) != (first[1].cls, first[0])), None)
    tests = [first] + ([second] if second is not None and rng.random() < 0.6 else [])
    exhibit = {
        "title": "IP flow verify tests",
        "columns": ["Test", "Direction", "Protocol", "Local IP:port", "Remote IP:port"],
        "rows": [[n, *_describe(vm, t[0], t[1], t[2], t[3])] for n, t in enumerate(tests, start=1)],
    }
    blanks, explanation, rules = [], [], ["NW-01", "NSG-03", "NSG-02"]
    for n, (direction, end, _, _, args, answer, wrong) in enumerate(tests, start=1):
        expect = {"access": answer["access"], "rule": answer["rule"]}
        if n == 1:
            blanks.append(
                {
                    "key": str(len(blanks) + 1),
                    "prompt": ctx.phrase("access-prompt", test=n),
                    "choices": ["Allow", "Deny"],
                    "answer": answer["access"],
                    "check": ctx.check("ip-flow", args, expect),
                    "field": "access",
                }
            )
        custom = [kit.qualified(r) for r in nsg["rules"] if r["direction"] == direction]
        choices = DEFAULT_NAMES[direction] + custom
        if answer["rule"] not in choices:
            return None
        blanks.append(
            {
                "key": str(len(blanks) + 1),
                "prompt": ctx.phrase("rule-prompt", test=n),
                "choices": choices,
                "answer": answer["rule"],
                "check": ctx.check("ip-flow", args, expect),
                "field": "rule",
            }
        )
        explanation.append(f"Test {n}: {_why(end, direction, answer)}")
        rules += _rules_of(end)
        for belief, rule in wrong.items():
            explanation.append(
                f"Test {n}: {kit.sentence(kit.belief_note(belief))} would select {rule}."
            )
            rules += kit.BELIEF_RULES[belief]
    return ctx.question(
        stem_fields={"vm": vm["name"]},
        topology=doc,
        explanation=explanation,
        rules=rules,
        difficulty=1 + len(tests) + len(nsg["rules"]) // 2 + any(t[6] for t in tests),
        exhibits=[
            common.exhibit_vnets(doc),
            *([common.exhibit_peerings(topo)] if doc.get("peerings") else []),
            kit.exhibit_vms_full(doc),
            *kit.nsg_exhibits(doc),
            exhibit,
        ],
        blanks=blanks,
    )


WHERE = {
    kit.LOCAL: "is in the VM's own VNet, so it is in VirtualNetwork",
    kit.PEER: "is in a peered VNet, which the VirtualNetwork tag includes (NSG-08)",
    kit.PUBLIC: "is a public address: Internet, not VirtualNetwork (NSG-09)",
    kit.PRIVATE: (
        "is private space outside the VNet and its peers: neither VirtualNetwork nor Internet "
        "(NSG-09), as 10.10.10.10 is in the IP flow verify quickstart"
    ),
}


def _why(end: kit.End, direction: str, answer: Doc) -> str:
    return f"{end.ip} {WHERE[end.cls]}. {kit.ip_flow_sentence(answer)}"


def _rules_of(end: kit.End) -> list[str]:
    return {kit.LOCAL: ["NSG-08"], kit.PEER: ["NSG-08"], kit.PUBLIC: ["NSG-09"]}.get(
        end.cls, ["NSG-09", "NSG-08"]
    )


FAMILY = Family(
    "ip-flow-verify",
    "reading IP flow verify: Access and the deciding rule, default rules and service tags",
    Spec(("hotspot",), frozenset({"vm", "test"}), ("access-prompt", "rule-prompt")),
    build,
)
