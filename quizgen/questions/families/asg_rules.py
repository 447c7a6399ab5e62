"""Application security groups: which connections an NSG with ASG rules allows (NSG-12, EX-11).

The network is EX-11's: web NICs in a web ASG, a logic NIC in a logic ASG, a database NIC in a
database ASG, all in one VNet (ASG members never span VNets: ASG-PEER), one NSG on both subnets
with rules written for the ASGs. Variations: the database deny listed below the logic allow (as
in EX-11) or a narrow deny listed above a broad allow (T-19); a NIC NSG on one VM (T-18); a VM in
the database subnet that is not in the database ASG (NSG-12: ASG rules skip it); a VM in a
peered VNet, outside every ASG (T-27: it is still VirtualNetwork). Every VM has a public IP, so
traffic from the Internet meets only the NSGs.

single-choice: which connection succeeds (or is blocked); each wrong option is one a learner with
a misconception (T-18, T-19, T-26, T-27) gets wrong, by the learner models of nsg_priority.
yes-no-series: three connections, judged by reach.
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
WEB_PORTS = (80, 443)
DB_PORTS = (1433, 5432, 3306)
APP_PORTS = (8080, 8443, 9000)
OTHER_PORTS = (22, 3389, 8081, 5000)
ASG_BELIEFS = ("T-18", "T-19", "T-26", "T-27")


def _network(rng: random.Random):
    reg, code = kit.region(rng)
    wl = kit.workload(rng)
    blocks: list = []
    block = kit.vnet_block(rng, blocks)
    thirds = rng.sample(range(0, 250), 2)
    front, back = kit.subnet_of(block, thirds[0]), kit.subnet_of(block, thirds[1])
    vnet = f"vnet-{wl}-{rng.choice(kit.ENVS)}-{code}"
    taken: set[str] = set()
    style = rng.randrange(3)
    asg = {
        role: (f"asg-{wl}-{role}", f"Asg{role.title()}", f"asg-{role}")[style]
        for role in ("web", "logic", "db")
    }
    ports = {
        "web": rng.choice(WEB_PORTS),
        "db": rng.choice(DB_PORTS),
        "app": rng.choice(APP_PORTS),
        "other": rng.choice(OTHER_PORTS),
    }
    nsg_name = f"nsg-{wl}-app"

    def vm(name: str, subnet: str, net, asgs: list[str]) -> Doc:
        return {
            "name": name,
            "vnet": vnet,
            "subnet": subnet,
            "ip": kit.host_in(net, rng, taken),
            "public_ip": kit.public_host(rng, taken, kit.AZURE_PIP_POOLS),
            "asgs": asgs,
        }

    vms = [
        vm("vm-web-01", "snet-frontend", front, [asg["web"]]),
        vm("vm-web-02", "snet-frontend", front, [asg["web"]]),
        vm("vm-logic-01", "snet-backend", back, [asg["logic"]]),
        vm("vm-db-01", "snet-backend", back, [asg["db"]]),
    ]
    if rng.random() < 0.6:  # NSG-12: in the db subnet, not in the db ASG
        vms.append(vm(f"vm-{rng.choice(('backup', 'report', 'etl'))}-01", "snet-backend", back, []))
    for v in vms:
        if not v["asgs"]:
            del v["asgs"]
    doc: Doc = {
        "vnets": [
            {
                "name": vnet,
                "region": reg,
                "address_space": [str(block)],
                "subnets": [
                    {"name": "snet-frontend", "prefix": str(front), "nsg": nsg_name},
                    {"name": "snet-backend", "prefix": str(back), "nsg": nsg_name},
                ],
            }
        ],
        "nsgs": [{"name": nsg_name, "rules": _rules(rng, asg, ports)}],
        "vms": vms,
    }
    if rng.random() < 0.4:  # T-18: a NIC NSG on one VM, default rules only or one deny
        target = rng.choice(vms[:4])
        nic = {"name": f"nsg-{target['name']}", "rules": []}
        if rng.random() < 0.5:
            port = ports["db"] if "db" in target["name"] else ports["app"]
            nic["rules"].append(
                kit.rule(
                    f"deny-{port}-inbound",
                    rng.choice((100, 200, 300)),
                    "inbound",
                    "deny",
                    "*",
                    "*",
                    str(port),
                )
            )
        target["nsg"] = nic["name"]
        doc["nsgs"].append(nic)
    ends = {
        v["name"]: kit.End(
            v["name"],
            v["ip"],
            kit.LOCAL,
            v["public_ip"],
            frozenset(v.get("asgs", [])),
            vm=v["name"],
            subnet=f"{vnet}/{v['subnet']}",
        )
        for v in vms
    }
    if rng.random() < 0.5:  # a partner VNet, peered, with a VM in no ASG
        wl2, peer, peer_sub = kit.add_peer(doc, rng, blocks, wl, vnet, reg, code)
        used = {v["name"] for v in vms}
        number = 1  # the partner's workload may be one this VNet's VMs are named after
        while f"vm-{wl2}-{number:02d}" in used:
            number += 1
        partner = {
            "name": f"vm-{wl2}-{number:02d}",
            "vnet": peer,
            "subnet": "snet-workload",
            "ip": kit.host_in(peer_sub, rng, taken),
        }
        doc["vms"].append(partner)
        ends[partner["name"]] = kit.End(
            partner["name"], partner["ip"], kit.PEER, vm=partner["name"]
        )
    ip = kit.public_host(rng, taken)
    ends[ip] = kit.End(ip, ip, kit.PUBLIC)
    return doc, ends, ports


def _rules(rng: random.Random, asg: dict[str, str], ports: dict[str, int]) -> list[Doc]:
    web, logic, db = (f"asg:{asg[r]}" for r in ("web", "logic", "db"))
    p = kit.priorities(rng, 6)
    rules = [
        kit.rule(
            f"allow-web-{ports['web']}",
            p[0],
            "inbound",
            "allow",
            "Internet",
            web,
            str(ports["web"]),
        )
    ]
    if rng.random() < 0.5:  # EX-11: the allow for the logic tier, then a deny for the rest
        rules += [
            kit.rule("allow-logic-to-db", p[1], "inbound", "allow", logic, db, str(ports["db"])),
            kit.rule("deny-all-to-db", p[2], "inbound", "deny", "*", db, str(ports["db"]), "*"),
        ]
    else:  # a narrow deny above a broad allow
        rules += [
            kit.rule("deny-web-to-db", p[1], "inbound", "deny", web, db, str(ports["db"])),
            kit.rule(
                "allow-vnet-to-db",
                p[2],
                "inbound",
                "allow",
                "VirtualNetwork",
                db,
                str(ports["db"]),
            ),
        ]
    if rng.random() < 0.7:
        if rng.random() < 0.5:
            rules += [
                kit.rule(
                    "allow-web-to-logic", p[3], "inbound", "allow", web, logic, str(ports["app"])
                ),
                kit.rule(
                    "deny-all-to-logic", p[4], "inbound", "deny", "*", logic, str(ports["app"])
                ),
            ]
        else:
            rules += [
                kit.rule(
                    "deny-vnet-to-logic",
                    p[3],
                    "inbound",
                    "deny",
                    "VirtualNetwork",
                    logic,
                    str(ports["app"]),
                ),
                kit.rule(
                    "allow-web-to-logic", p[4], "inbound", "allow", web, logic, str(ports["app"])
                ),
            ]
    rng.shuffle(rules)
    return rules


def _candidates(rng: random.Random, doc: Doc, ends: dict[str, kit.End], ports: dict[str, int]):
    """Every flow worth asking about, with the learner model's verdict (cheap: reach runs only
    on the flows a question picks, in _confirm)."""
    vms = [e for e in ends.values() if e.vm]
    internet = [e for e in ends.values() if e.cls == kit.PUBLIC]
    flows = [(internet[0], e, ports["web"]) for e in vms if e.cls == kit.LOCAL]
    for src in vms:
        for dst in vms:
            if src is dst or dst.cls != kit.LOCAL:
                continue
            for port in (ports["db"], ports["app"], ports["other"]):
                flows.append((src, dst, port))
    out = []
    for src, dst, port in rng.sample(flows, min(48, len(flows))):
        flow = {"from": src.vm or src.ip, "to": dst.vm, "protocol": "tcp", "port": port}
        out.append((src, dst, port, flow, kit.decide_path(doc, "tcp", src, dst, port).allowed))
    return out


def _confirm(doc: Doc, picks: list) -> list[Doc] | None:
    """The evaluator's answers for the picked flows; None if one leans on an assumption or
    disagrees with the learner model (then the model's misconception tags cannot be trusted)."""
    topo = common.load(doc)
    answers = []
    for pick in picks:
        answer = run(topo, "reach", pick[3])
        if not kit.clean(answer) or answer["reachable"] != pick[4]:
            return None
        answers.append(answer)
    return answers


def _beliefs(doc: Doc, src: kit.End, dst: kit.End, port: int, truth: bool, wanted: bool):
    return kit.misled(
        lambda b: kit.decide_path(doc, "tcp", src, dst, port, b).allowed, truth, wanted, ASG_BELIEFS
    )


def _label(end: kit.End) -> str:
    return end.label if end.vm else f"the Internet host {end.ip}"


def _note(doc: Doc, src: kit.End, dst: kit.End, port: int, answer: Doc) -> str:
    text = kit.reach_sentence(answer)
    members = {e for e in (src, dst) if e.vm}
    outsiders = [e.label for e in members if not e.asgs and e.cls == kit.LOCAL]
    if outsiders:
        text += (
            f" {outsiders[0]} is in no application security group, so rules written for ASGs do "
            "not apply to it, even though the NSG is on its subnet (NSG-12)."
        )
    return text


def _single(ctx: Context, doc: Doc, ends, ports) -> Doc | None:
    rng = ctx.rng
    answered = _candidates(rng, doc, ends, ports)
    polarities = [True, True, False]
    rng.shuffle(polarities)
    for want in dict.fromkeys(polarities):
        right = [a for a in answered if a[4] == want]
        wrong = []
        for a in answered:
            beliefs = _beliefs(doc, a[0], a[1], a[2], a[4], want)
            if beliefs:
                wrong.append((*a, beliefs[0]))
        if right and len(wrong) >= 3:
            break
    else:
        return None
    picks = [(*rng.choice(right), None)]
    rng.shuffle(wrong)
    used: set[str] = set()
    for w in wrong:  # different misconceptions first
        if w[5] not in used and len(picks) < 4:
            picks.append(w)
            used.add(w[5])
    for w in wrong:
        if len(picks) < 4 and w not in picks:
            picks.append(w)
    answers = _confirm(doc, picks)
    if answers is None:
        return None
    options, explanation, rules = [], [], ["NSG-12", "NSG-02", "NSG-05", "NSG-03"]
    template = ctx.wording.phrase("flow-option", rng)
    for (src, dst, port, flow, _, belief), answer in zip(picks, answers, strict=True):
        text = kit.sentence(template.format(src=_label(src), dst=dst.label, port=port))
        expect = {"reachable": answer["reachable"], "reason": answer["reason"]}
        option: Doc = {
            "text": text,
            "correct": belief is None,
            "check": ctx.check("reach", flow, expect),
            "claim": {"reachable": want},
        }
        verdict = "succeeds" if answer["reachable"] else "fails"
        line = f"{text}: {verdict}. {_note(doc, src, dst, port, answer)}"
        if belief:
            option["misconception"] = belief
            line += f" {kit.sentence(kit.belief_note(belief))} would select it."
            rules += kit.BELIEF_RULES[belief]
        options.append(option)
        explanation.append(line)
    return ctx.question(
        stem_fields={"ask": ctx.phrase("ask-allowed" if want else "ask-blocked")},
        topology=doc,
        explanation=explanation,
        rules=rules,
        difficulty=2 + len(used) // 2 + len(doc["nsgs"]) - 1 + (len(doc["vnets"]) > 1),
        exhibits=_exhibits(doc),
        options=options,
    )


def _yes_no(ctx: Context, doc: Doc, ends, ports) -> Doc | None:
    rng = ctx.rng
    scored = []
    for a in _candidates(rng, doc, ends, ports):
        beliefs = _beliefs(doc, a[0], a[1], a[2], a[4], not a[4])
        nonmember = a[1].cls == kit.LOCAL and not a[1].asgs
        scored.append((*a, beliefs, nonmember))
    rng.shuffle(scored)
    picked: list = [s for s in scored if s[6]][:1]  # an NSG-12 case first
    used: set[str] = set()
    for s in scored:  # then one statement per misconception
        if s[5] and s[5][0] not in used and len(picked) < 3 and s not in picked:
            picked.append(s)
            used.add(s[5][0])
    for s in scored:
        if len(picked) >= 3:
            break
        same = len({p[4] for p in picked}) == 1
        if s in picked or (len(picked) == 2 and same and s[4] == picked[0][4]):
            continue
        picked.append(s)
    if len(picked) < 3 or len({p[4] for p in picked}) < 2:
        return None
    rng.shuffle(picked)
    answers = _confirm(doc, picked)
    if answers is None:
        return None
    template = ctx.wording.phrase("statement", rng)
    statements, explanation, rules = [], [], ["NSG-12", "NSG-02", "NSG-05", "NSG-03"]
    for n, ((src, dst, port, flow, _, beliefs, _), answer) in enumerate(
        zip(picked, answers, strict=True), start=1
    ):
        expect = {"reachable": answer["reachable"], "reason": answer["reason"]}
        statements.append(
            {
                "text": kit.sentence(template.format(src=_label(src), dst=dst.label, port=port)),
                "answer": answer["reachable"],
                "check": ctx.check("reach", flow, expect),
                "claim": {"reachable": True},
            }
        )
        verdict = "Yes" if answer["reachable"] else "No"
        line = f"Statement {n}: {verdict}. {_note(doc, src, dst, port, answer)}"
        line, more = kit.with_belief(line, answer["reachable"], beliefs)
        rules += more
        explanation.append(line)
    return ctx.question(
        stem_fields={},
        topology=doc,
        explanation=explanation,
        rules=rules,
        difficulty=2 + sum(bool(p[5]) for p in picked) + (len(doc["nsgs"]) > 1),
        exhibits=_exhibits(doc),
        statements=statements,
    )


def _exhibits(doc: Doc) -> list[Doc]:
    out = [common.exhibit_vnets(doc)]
    if doc.get("peerings"):
        out.append(common.exhibit_peerings(common.load(doc)))
    return [*out, kit.exhibit_vms_full(doc, asgs=True), *kit.nsg_exhibits(doc)]


def build(ctx: Context) -> Doc | None:
    doc, ends, ports = _network(ctx.rng)
    if ctx.item_type == "single-choice":
        return _single(ctx, doc, ends, ports)
    return _yes_no(ctx, doc, ends, ports)


FAMILY = Family(
    "asg-rules",
    "NSG rules written for application security groups: which NICs they apply to",
    Spec(
        ("single-choice", "yes-no-series"),
        frozenset({"src", "dst", "port", "ask"}),
        ("statement", "flow-option", "ask-allowed", "ask-blocked"),
    ),
    build,
)
