"""NSG order: a subnet NSG and a NIC NSG together (NSG-04, NSG-05; EX-08, EX-09, EX-10).

The network is EX-08's: VM1 sits in a subnet with NSG1 and has NSG2 on its NIC, VM2 shares the
subnet without a NIC NSG, VM3 has NSG2 on its NIC in a subnet without one, VM4 has no NSG at all.
Inbound traffic meets the subnet NSG first, outbound the NIC NSG first; a deny in the first ends
it; both must allow.

yes-no-series: three flows, each "X reaches Y on TCP port N" decided by reach; the statements
are the ones a learner with T-17, T-18, T-22 or T-26 gets wrong, where possible.

hotspot: for one flow, the Access and the deciding NSG as IP flow verify reports them, and
optionally the Access for the same Internet traffic at another VM with one NSG or none (T-22).
The flow is allowed or denied with even odds, so the Access is not a pattern to learn. At VM1 a
flow is asked about only when it is denied (a deny names its NSG without any UNCONFIRMED choice;
which rule IP flow verify names when both NSGs allow is U-08); the allowed flows are at VM2
(subnet NSG only) or VM3 (NIC NSG only), where one NSG decides.
"""

from __future__ import annotations

import random
from typing import Any, NamedTuple

from quizgen.checks import run
from quizgen.questions import common
from quizgen.questions.bank import Spec
from quizgen.questions.families import nsg_priority as kit
from quizgen.questions.family import Context, Family

Doc = dict[str, Any]

INBOUND_PORTS = (80, 443, 22, 3389, 8080)
OUTBOUND_PORTS = (80, 443, 8443, 21)
INTERNAL_PORTS = (1433, 5432, 445, 8080, 9000)
ORDER_BELIEFS = ("T-18", "T-26", "T-22", "T-17")


def _network(rng: random.Random) -> tuple[Doc, list[Doc], dict[str, kit.End], dict[str, int]]:
    reg, code = kit.region(rng)
    wl = kit.workload(rng)
    block = kit.vnet_block(rng, [])
    thirds = rng.sample(range(0, 250), 3)
    nets = [kit.subnet_of(block, t) for t in thirds]
    subnets = ["snet-frontend", "snet-backend", "snet-shared"]
    nsg1, nsg2 = f"nsg-{subnets[0]}", f"nsg-nic-{wl}"
    taken: set[str] = set()
    roles = rng.sample(("web", "api", "app", "portal", "jump", "batch", "report"), 4)
    where = [0, 0, 1, 2]
    vnet = f"vnet-{wl}-{rng.choice(kit.ENVS)}-{code}"
    vms = [
        {
            "name": f"vm-{roles[n]}-0{n + 1}",
            "vnet": vnet,
            "subnet": subnets[where[n]],
            "ip": kit.host_in(nets[where[n]], rng, taken),
            "public_ip": kit.public_host(rng, taken, kit.AZURE_PIP_POOLS),
        }
        for n in range(4)
    ]
    vms[0]["nsg"] = nsg2
    vms[2]["nsg"] = nsg2
    ports = {
        "in": rng.choice(INBOUND_PORTS),
        "out": rng.choice(OUTBOUND_PORTS),
    }
    ports["internal"] = rng.choice([p for p in INTERNAL_PORTS if p != ports["in"]])
    doc: Doc = {
        "vnets": [
            {
                "name": vnet,
                "region": reg,
                "address_space": [str(block)],
                "subnets": [
                    {"name": subnets[0], "prefix": str(nets[0]), "nsg": nsg1},
                    {"name": subnets[1], "prefix": str(nets[1])},
                    {"name": subnets[2], "prefix": str(nets[2])},
                ],
            }
        ],
        "nsgs": [{"name": nsg1, "rules": []}, {"name": nsg2, "rules": []}],
        "vms": vms,
    }
    ends = {
        v["name"]: kit.End(
            v["name"],
            v["ip"],
            kit.LOCAL,
            v["public_ip"],
            vm=v["name"],
            subnet=f"{vnet}/{v['subnet']}",
        )
        for v in vms
    }
    for _ in range(2):
        ip = kit.public_host(rng, taken)
        ends[ip] = kit.End(ip, ip, kit.PUBLIC)
    _rules(rng, doc, ports, str(nets[0]))
    return doc, vms, ends, ports


def _rules(rng: random.Random, doc: Doc, ports: dict[str, int], subnet1: str) -> None:
    """Random settings for the three kinds of traffic in both NSGs (EX-08 variations)."""
    prio = iter(kit.priorities(rng, 8))
    nsg1, nsg2 = doc["nsgs"]
    p_in, p_out, p_int = ports["in"], ports["out"], ports["internal"]
    for nsg in (nsg1, nsg2):
        choice = rng.choice(("allow", "allow", "deny", None))
        if choice:
            src = rng.choice(("*", "Internet"))
            nsg["rules"].append(
                kit.rule(
                    f"{choice}-{p_in}-inbound", next(prio), "inbound", choice, src, "*", str(p_in)
                )
            )
        if rng.random() < 0.5:
            nsg["rules"].append(
                kit.rule(
                    f"deny-internet-{p_out}-out",
                    next(prio),
                    "outbound",
                    "deny",
                    "*",
                    "Internet",
                    str(p_out),
                )
            )
    if rng.random() < 0.7:
        src = rng.choice(("*", "VirtualNetwork", subnet1))
        nsg1["rules"].append(
            kit.rule(f"deny-{p_int}-internal", next(prio), "inbound", "deny", src, "*", str(p_int))
        )
    if rng.random() < 0.5:
        nsg2["rules"].append(
            kit.rule(
                f"allow-{p_int}-internal",
                next(prio),
                "inbound",
                "allow",
                "VirtualNetwork",
                "*",
                str(p_int),
            )
        )
    for nsg in (nsg1, nsg2):
        rng.shuffle(nsg["rules"])


def _flows(vms: list[Doc], ends: dict[str, kit.End], ports: dict[str, int]):
    """Candidate flows: (source End, destination End, port)."""
    internet = [e for e in ends.values() if e.cls == kit.PUBLIC]
    me = [ends[v["name"]] for v in vms]
    out: list[tuple[kit.End, kit.End, int]] = []
    for n in range(4):
        out.append((internet[0], me[n], ports["in"]))
        out.append((me[n], internet[1], ports["out"]))
    for a, b in ((1, 0), (3, 0), (0, 1), (2, 1), (1, 2), (3, 2)):
        out.append((me[a], me[b], ports["internal"]))
    return out


def _statement_text(template: str, src: kit.End, dst: kit.End, port: int) -> str:
    src_label = f"the Internet host {src.ip}" if src.cls == kit.PUBLIC else src.label
    dst_label = f"the Internet host {dst.ip}" if dst.cls == kit.PUBLIC else dst.label
    return kit.sentence(template.format(src=src_label, dst=dst_label, port=port))


def _yes_no(ctx: Context) -> Doc | None:
    rng = ctx.rng
    doc, vms, ends, ports = _network(rng)
    topo = common.load(doc)
    candidates = []
    for src, dst, port in _flows(vms, ends, ports):
        truth = kit.decide_path(doc, "tcp", src, dst, port)
        flow = {"from": src.vm or src.ip, "to": dst.vm or dst.ip, "protocol": "tcp", "port": port}
        answer = run(topo, "reach", flow)
        if not kit.clean(answer) or answer["reachable"] != truth.allowed:
            continue
        wrong = kit.misled(
            lambda b, s=src, d=dst, p=port: kit.decide_path(doc, "tcp", s, d, p, b).allowed,
            truth.allowed,
            not truth.allowed,
            ORDER_BELIEFS,
        )
        candidates.append((src, dst, port, flow, answer, wrong))
    tricky = [c for c in candidates if c[5]]
    rng.shuffle(tricky)
    picked: list = []
    used: set[str] = set()
    for c in tricky:  # one statement per misconception first
        if c[5][0] not in used and len(picked) < 3:
            picked.append(c)
            used.add(c[5][0])
    rest = [c for c in candidates if c not in picked]
    rng.shuffle(rest)
    for c in rest:
        if len(picked) == 3:
            break
        same = len({p[4]["reachable"] for p in picked}) == 1
        if len(picked) == 2 and same and c[4]["reachable"] == picked[0][4]["reachable"]:
            continue
        picked.append(c)
    if len(picked) < 3 or len({p[4]["reachable"] for p in picked}) < 2 or len(tricky) < 1:
        return None
    rng.shuffle(picked)
    template = ctx.wording.phrase("statement", rng)
    statements, explanation, rules = [], [], ["NSG-05", "NSG-04", "NSG-02", "NSG-03"]
    for n, (src, dst, port, flow, answer, wrong) in enumerate(picked, start=1):
        i = ctx.check("reach", flow, {"reachable": answer["reachable"], "reason": answer["reason"]})
        statements.append(
            {
                "text": _statement_text(template, src, dst, port),
                "answer": answer["reachable"],
                "check": i,
                "claim": {"reachable": True},
            }
        )
        line = (
            f"Statement {n}: {'Yes' if answer['reachable'] else 'No'}. {kit.reach_sentence(answer)}"
        )
        line, more = kit.with_belief(line, answer["reachable"], wrong)
        rules += more
        explanation.append(line)
    return ctx.question(
        stem_fields={},
        topology=doc,
        explanation=explanation,
        rules=rules,
        difficulty=2 + sum(bool(p[5]) for p in picked),
        exhibits=_exhibits(doc),
        statements=statements,
    )


def _exhibits(doc: Doc) -> list[Doc]:
    return [common.exhibit_vnets(doc), kit.exhibit_vms_full(doc), *kit.nsg_exhibits(doc)]


def _describe(src: kit.End, dst: kit.End, port: int) -> str:
    if src.cls == kit.PUBLIC:
        return f"TCP {port} from the Internet ({src.ip}) to {dst.label}"
    if dst.cls == kit.PUBLIC:
        return f"TCP {port} from {src.label} to the Internet ({dst.ip})"
    return f"TCP {port} from {src.label} to {dst.label}"


class Asked(NamedTuple):
    """A flow IP flow verify is asked about, at one VM, and its answer."""

    vm: Doc
    src: kit.End
    dst: kit.End
    port: int
    direction: str
    args: Doc
    answer: Doc


def _asked(doc: Doc, topo: Any, vms: list[Doc], ends: dict[str, kit.End], ports) -> list[Asked]:
    """Every flow at a VM with an NSG that IP flow verify reports without an UNCONFIRMED
    choice: at VM1 (both NSGs) only the denied ones (U-08), at VM2 and VM3 (one NSG) all."""
    out = []
    for vm in vms[:3]:  # VM4 has no NSG: IP flow verify names none
        for src, dst, port in _flows(vms, ends, ports):
            if vm["name"] not in (src.vm, dst.vm) or (src.vm and dst.vm and dst.vm != vm["name"]):
                continue
            direction = "inbound" if dst.vm == vm["name"] else "outbound"
            if src.vm and dst.vm:  # VM to VM: only if the source's own NSGs let it out
                out_verdict = kit.decide_nic(
                    doc, _vm(vms, src.vm), "outbound", "tcp", src, dst, port
                )
                if not out_verdict.allowed:
                    continue
            far = src if direction == "inbound" else dst
            args = kit.ip_flow_args(vm, direction, port, far.ip)
            answer = run(topo, "ip-flow", args)
            if not kit.clean(answer):
                continue
            model = kit.decide_nic(doc, vm, direction, "tcp", src, dst, port)
            if model.access != answer["access"] or model.nsg != answer["nsg"]:
                continue
            out.append(Asked(vm, src, dst, port, direction, args, answer))
    return out


def _pick(rng: random.Random, asked: list[Asked], vm1: str, learner) -> Asked:
    """Allow or Deny with even odds (so the access blank is not always Deny), VM1 for most
    denied flows (where the order of its two NSGs decides), then a kind of traffic, then a flow
    a misconception gets wrong where there is one."""
    access = rng.choice(sorted({a.answer["access"] for a in asked}))
    pool = [a for a in asked if a.answer["access"] == access]
    names = sorted({a.vm["name"] for a in pool})
    name = vm1 if vm1 in names and rng.random() < 0.6 else rng.choice(names)
    pool = [a for a in pool if a.vm["name"] == name]

    def kind(a: Asked) -> str:
        return "internal" if a.src.vm and a.dst.vm else a.direction

    picked_kind = rng.choice(sorted({kind(a) for a in pool}))
    same_kind = [a for a in pool if kind(a) == picked_kind]
    tricky = [a for a in same_kind if _score(a, learner)]
    return rng.choice(tricky or same_kind)


def _score(a: Asked, learner) -> int:
    """How many misconceptions get the flow wrong: the access (T-18, T-26) or the NSG (T-17)."""
    wrong = sum(learner(a, b).access != a.answer["access"] for b in ("T-18", "T-26"))
    return wrong + (a.direction == "inbound" and learner(a, "T-17").nsg != a.answer["nsg"])


def _hotspot(ctx: Context) -> Doc | None:
    rng = ctx.rng
    doc, vms, ends, ports = _network(rng)
    topo = common.load(doc)
    nsg1, nsg2 = (n["name"] for n in doc["nsgs"])
    asked = _asked(doc, topo, vms, ends, ports)
    if not asked:
        return None

    def learner(a: Asked, belief: str) -> kit.Verdict:
        return kit.decide_nic(
            doc, a.vm, a.direction, "tcp", a.src, a.dst, a.port, frozenset({belief})
        )

    chosen = _pick(rng, asked, vms[0]["name"], learner)
    best = _score(chosen, learner)
    vm, src, dst, port, direction, args, answer = chosen
    what = _describe(src, dst, port)
    expect = {"access": answer["access"], "nsg": answer["nsg"]}
    blanks = [
        {
            "key": "1",
            "prompt": ctx.phrase("access-prompt", flow=what),
            "choices": ["Allow", "Deny"],
            "answer": answer["access"],
            "check": ctx.check("ip-flow", args, expect),
            "field": "access",
        },
        {
            "key": "2",
            "prompt": ctx.phrase("nsg-prompt", flow=what),
            "choices": [nsg1, nsg2],
            "answer": answer["nsg"],
            "check": ctx.check("ip-flow", args, expect),
            "field": "nsg",
        },
    ]
    if all(kit.nsgs_at(doc, vm)):
        order = f"so {kit.ORDER_TEXT[direction]}"
    else:
        order = f"and {answer['nsg']} is the only NSG {vm['name']} has, so it alone decides"
    explanation = [f"{what}: {direction} traffic, {order} (NSG-05). {kit.ip_flow_sentence(answer)}"]
    rules = ["NSG-05", "NSG-04", "NSG-02", "NW-01"]
    why = {
        "T-18": "A deny in either NSG blocks the flow",
        "T-26": "The subnet NSG filters traffic between VMs of its own subnet too",
    }
    for belief in ("T-18", "T-26"):
        wrong = learner(chosen, belief)
        if wrong.access != answer["access"]:
            explanation.append(
                f"{why[belief]} (NSG-05); {kit.belief_note(belief)} would select {wrong.access}."
            )
    t17 = learner(chosen, "T-17")
    if direction == "inbound" and t17.nsg != answer["nsg"]:
        explanation.append(
            f"Both NSGs deny it, but the subnet NSG {answer['nsg']} is evaluated first and "
            f"{t17.nsg} is never consulted; {kit.belief_note('T-17')} would select {t17.nsg}."
        )
    if src.cls == kit.PUBLIC or dst.cls == kit.PUBLIC:
        third = _third_blank(ctx, doc, topo, vms, ends, chosen)
        if third is not None:
            blank, line, t22 = third
            blanks.append(blank)
            explanation.append(line)
            best += t22
    return ctx.question(
        stem_fields={},
        topology=doc,
        explanation=explanation,
        rules=rules,
        difficulty=2 + best + (len(blanks) == 3),
        exhibits=_exhibits(doc),
        blanks=blanks,
    )


def _vm(vms: list[Doc], name: str) -> Doc:
    return next(v for v in vms if v["name"] == name)


def _third_blank(ctx, doc, topo, vms, ends, first: Asked):
    """The same Internet traffic at another VM with one NSG or none (NSG-05; T-22)."""
    if ctx.rng.random() < 0.25:
        return None
    src, dst, port, direction = first.src, first.dst, first.port, first.direction
    other = ctx.rng.choice([v for v in vms[1:] if v["name"] != first.vm["name"]])
    me = ends[other["name"]]
    o_src, o_dst = (src, me) if direction == "inbound" else (me, dst)
    far = src if direction == "inbound" else dst
    args = kit.ip_flow_args(other, direction, port, far.ip)
    answer = run(topo, "ip-flow", args)
    model = kit.decide_nic(doc, other, direction, "tcp", o_src, o_dst, port)
    if not kit.clean(answer) or model.access != answer["access"]:
        return None
    what = _describe(o_src, o_dst, port)
    blank = {
        "key": "3",
        "prompt": ctx.phrase("access-prompt", flow=what),
        "choices": ["Allow", "Deny"],
        "answer": answer["access"],
        "check": ctx.check("ip-flow", args, {"access": answer["access"]}),
        "field": "access",
    }
    line = f"{what}: {kit.ip_flow_sentence(answer)}"
    t22 = kit.decide_nic(doc, other, direction, "tcp", o_src, o_dst, port, frozenset({"T-22"}))
    if t22.access != answer["access"]:
        line += f" {kit.sentence(kit.belief_note('T-22'))} would select Deny."
    return blank, line, int(t22.access != answer["access"])


def build(ctx: Context) -> Doc | None:
    if ctx.item_type == "yes-no-series":
        return _yes_no(ctx)
    return _hotspot(ctx)


FAMILY = Family(
    "nsg-order",
    "a subnet NSG and a NIC NSG together: which is evaluated first, and both must allow",
    Spec(
        ("yes-no-series", "hotspot"),
        frozenset({"src", "dst", "port", "flow"}),
        ("statement", "access-prompt", "nsg-prompt"),
    ),
    build,
)
