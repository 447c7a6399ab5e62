"""NSG priority: which rule of an NSG decides a flow (NSG-01, NSG-02, NSG-03).

single-choice: an NSG whose custom rules are listed out of priority order; "which rule decides
whether X can connect to Y on port N?". The key is IP flow verify's rule (a deny, so no
UNCONFIRMED naming is involved). Distractors: the highest-numbered matching rule, listed first
(T-19: a lower number taken for a lower precedence), the allow in the other NSG on the path
(T-18), and a rule that only looks like it matches: one written for the VM's public IP (T-25) or
for the Internet tag when the other end is a peered VNet (T-28).

multi-choice: five flows to one VM, select the two that are delivered (reach). Every wrong flow
is one a learner holding a misconception would let through; which one is computed by the learner
models below, and each model is first checked against the evaluator's verdict.

This module also holds the helpers the other NSG families share (nsg_order, ip_flow_verify,
nsg_service_tags, asg_rules): drawing names and addresses, the listed-order NSG exhibit, and the
learner models.

Learner models: a small re-implementation of NSG-02/03/05 over topology documents, in which a
*belief* (a set of misconception ids) changes one thing: T-19 reverses the custom rules, T-18
lets an allow in either NSG through, T-17 reads the NIC NSG first inbound, T-22 denies inbound
with no NSG, T-26 ignores the subnet NSG between VMs of one subnet, T-25 lets a rule written for
the VM's public IP match, T-27 shrinks VirtualNetwork to the local VNet, T-28 widens Internet to
everything outside it, T-01 adds the peers of peers to VirtualNetwork. With no belief the model
must agree with the evaluator; a flow where it does not is never used. Keys never come from the
models: only from checks.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, ip_address, ip_network
from typing import Any

from quizgen.checks import run
from quizgen.generator.names import REGION_CODES, WORKLOADS
from quizgen.questions import common
from quizgen.questions.bank import Spec
from quizgen.questions.family import Context, Family

Doc = dict[str, Any]

# --- names and addresses -------------------------------------------------------------------------

REGIONS = ("eastus", "eastus2", "westus2", "centralus", "westeurope", "northeurope", "uksouth")
ENVS = ("prod", "dev", "test", "stage")
#: Public ranges (Microsoft and well-known CDNs) hosts on the Internet are drawn from.
PUBLIC_POOLS = tuple(
    ip_network(p)
    for p in (
        "13.107.0.0/16",
        "20.42.0.0/16",
        "40.76.0.0/16",
        "52.168.0.0/16",
        "104.40.0.0/16",
        "131.253.0.0/16",
        "151.101.0.0/16",
        "185.199.108.0/22",
        "191.235.0.0/16",
        "93.184.216.0/24",
    )
)
#: Public ranges VM public IPs come from (Azure-like).
AZURE_PIP_POOLS = tuple(ip_network(p) for p in ("20.81.0.0/16", "40.114.0.0/16", "52.150.0.0/16"))
#: Well-known service ports and the role of a VM that serves them.
SERVICES = {80: "web", 443: "web", 22: "jump", 3389: "jump", 1433: "sql", 5432: "db", 8080: "app"}
HOST_VIP = "168.63.129.16"


def region(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(REGIONS)
    return name, REGION_CODES[name]


def workload(rng: random.Random, avoid: set[str] | None = None) -> str:
    choices = [w for w in WORKLOADS if w not in (avoid or set())]
    return rng.choice(choices)


def vnet_block(rng: random.Random, taken: list[IPv4Network]) -> IPv4Network:
    """A /16 of private space that overlaps nothing in ``taken`` (added to it)."""
    while True:
        if rng.random() < 0.7:
            block = ip_network(f"10.{rng.randrange(1, 250)}.0.0/16")
        else:
            block = ip_network(f"172.{rng.randrange(16, 32)}.0.0/16")
        if not any(block.overlaps(t) for t in taken):
            taken.append(block)
            return block


def subnet_of(block: IPv4Network, third: int) -> IPv4Network:
    base = int(block.network_address)
    return ip_network(f"{IPv4Address(base + third * 256)}/24")


def add_peer(
    doc: Doc,
    rng: random.Random,
    blocks: list[IPv4Network],
    wl: str,
    vnet: str,
    region: str,
    code: str,
) -> tuple[str, str, IPv4Network]:
    """Add a workload VNet peered both ways with ``vnet``: (its workload, its name, its subnet)."""
    wl2 = workload(rng, {wl})
    peer_block = vnet_block(rng, blocks)
    peer_sub = subnet_of(peer_block, rng.randrange(0, 250))
    peer = f"vnet-{wl2}-prod-{code}"
    doc["vnets"].append(
        {
            "name": peer,
            "region": region,
            "address_space": [str(peer_block)],
            "subnets": [{"name": "snet-workload", "prefix": str(peer_sub)}],
        }
    )
    doc["peerings"] = [
        {"name": f"peer-{wl}-to-{wl2}", "from": vnet, "to": peer},
        {"name": f"peer-{wl2}-to-{wl}", "from": peer, "to": vnet},
    ]
    return wl2, peer, peer_sub


def host_in(net: IPv4Network, rng: random.Random, taken: set[str]) -> str:
    """A host address of ``net`` (not the first four, as Azure reserves them), unused so far."""
    size = net.num_addresses
    while True:
        ip = str(net.network_address + rng.randrange(4, max(5, size - 1)))
        if ip not in taken:
            taken.add(ip)
            return ip


def public_host(rng: random.Random, taken: set[str], pools=PUBLIC_POOLS) -> str:
    return host_in(rng.choice(pools), rng, taken)


def private_outside(rng: random.Random, used: list[IPv4Network], taken: set[str]) -> str:
    """A private address in none of the ``used`` ranges (RFC 1918 only, never 100.64/10)."""
    while True:
        kind = rng.randrange(3)
        if kind == 0:
            net = ip_network(f"10.{rng.randrange(1, 255)}.{rng.randrange(256)}.0/24")
        elif kind == 1:
            net = ip_network(f"172.{rng.randrange(16, 32)}.{rng.randrange(256)}.0/24")
        else:
            net = ip_network(f"192.168.{rng.randrange(256)}.0/24")
        if not any(net.overlaps(u) for u in used):
            return host_in(net, rng, taken)


def priorities(rng: random.Random, count: int, low: int = 100, high: int = 4000) -> list[int]:
    """``count`` distinct, increasing NSG priorities (multiples of 10 mostly, as teams write)."""
    step = rng.choice((10, 10, 50, 100))
    pool = list(range(low, high + 1, step))
    return sorted(rng.sample(pool, count))


def port_field(rng: random.Random, port: int, others: list[int]) -> str:
    """A destination-port field that contains ``port``: the port, a range or a list."""
    kind = rng.randrange(4)
    if kind == 0 or port < 10:
        return str(port)
    if kind == 1:
        low = port - rng.randrange(0, 5)
        return f"{low}-{port + rng.randrange(1, 10)}"
    extra = [p for p in others if p != port]
    if extra and kind == 2:
        items = sorted({port, rng.choice(extra)})
        return ",".join(str(p) for p in items)
    return str(port)


def rule(
    name: str,
    priority: int,
    direction: str,
    access: str,
    source: Any = "*",
    destination: Any = "*",
    ports: str = "*",
    protocol: str = "tcp",
) -> Doc:
    return {
        "name": name,
        "priority": priority,
        "direction": direction,
        "access": access,
        "protocol": protocol,
        "source": source,
        "source_ports": "*",
        "destination": destination,
        "destination_ports": ports,
    }


# --- exhibits ------------------------------------------------------------------------------------


def _cell(value: Any) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value)


def exhibit_nsg_listed(nsg: Doc, association: str | None = None) -> Doc:
    """An NSG's custom rules in the order they are listed (not sorted: the learner sorts)."""
    title = f"NSG {nsg['name']}" + (f" (associated with {association})" if association else "")
    if not nsg.get("rules"):
        title += ": default rules only"
    return {
        "title": title,
        "columns": [
            "Priority",
            "Name",
            "Direction",
            "Access",
            "Protocol",
            "Source",
            "Destination",
            "Destination ports",
        ],
        "rows": [
            [
                r["priority"],
                r["name"],
                r["direction"].title(),
                r["access"].title(),
                {"*": "Any"}.get(r.get("protocol", "*"), r.get("protocol", "*").upper()),
                _cell(r.get("source", "*")),
                _cell(r.get("destination", "*")),
                str(r.get("destination_ports", "*")),
            ]
            for r in nsg.get("rules", [])
        ],
    }


def exhibit_vms_full(doc: Doc, asgs: bool = False) -> Doc:
    columns = ["Name", "Virtual network", "Subnet", "Private IP", "Public IP", "NIC NSG"]
    rows = []
    for v in doc.get("vms", []):
        row = [
            v["name"],
            v["vnet"],
            v["subnet"],
            v["ip"],
            v.get("public_ip") or "None",
            v.get("nsg") or "None",
        ]
        if asgs:
            row.append(", ".join(v.get("asgs", [])) or "None")
        rows.append(row)
    return {
        "title": "Virtual machines",
        "columns": columns + (["Application security groups"] if asgs else []),
        "rows": rows,
    }


def associations(doc: Doc) -> dict[str, str]:
    """Where each NSG is associated, in words for exhibit titles."""
    where: dict[str, list[str]] = {}
    for v in doc.get("vnets", []):
        for s in v.get("subnets", []):
            if s.get("nsg"):
                where.setdefault(s["nsg"], []).append(f"subnet {s['name']}")
    for vm in doc.get("vms", []):
        if vm.get("nsg"):
            where.setdefault(vm["nsg"], []).append(f"the NIC of {vm['name']}")
    return {k: ", ".join(v) for k, v in where.items()}


def nsg_exhibits(doc: Doc) -> list[Doc]:
    places = associations(doc)
    return [exhibit_nsg_listed(n, places.get(n["name"])) for n in doc.get("nsgs", [])]


# --- learner models ------------------------------------------------------------------------------

LOCAL, PEER, ONPREM, UDR, TRANSIT, PRIVATE, PUBLIC = (
    "local",
    "peer",
    "onprem",
    "udr",
    "transit",
    "private",
    "public",
)
IN_VIRTUAL_NETWORK = {LOCAL, PEER, ONPREM, UDR}

DEFAULT_RULES = {
    "inbound": [
        rule("AllowVnetInBound", 65000, "inbound", "allow", "VirtualNetwork", "VirtualNetwork"),
        rule("AllowAzureLoadBalancerInBound", 65001, "inbound", "allow", "AzureLoadBalancer"),
        rule("DenyAllInBound", 65500, "inbound", "deny"),
    ],
    "outbound": [
        rule("AllowVnetOutBound", 65000, "outbound", "allow", "VirtualNetwork", "VirtualNetwork"),
        rule("AllowInternetOutBound", 65001, "outbound", "allow", "*", "Internet"),
        rule("DenyAllOutBound", 65500, "outbound", "deny"),
    ],
}
for _rules in DEFAULT_RULES.values():
    for _r in _rules:
        _r["protocol"] = "*"
        _r["default"] = True


@dataclass(frozen=True)
class End:
    """One end of a flow as the models see it, classed relative to the VNet whose NSGs judge it:
    LOCAL (that VNet), PEER, ONPREM (through its gateway), UDR (a prefix of its route table),
    TRANSIT (a peer of a peer), PRIVATE (any other private space), PUBLIC."""

    label: str
    ip: str
    cls: str
    public_ip: str | None = None
    asgs: frozenset[str] = frozenset()
    vm: str | None = None
    subnet: str | None = None  # "vnet/subnet" of a VM


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    nsg: str | None  # the deciding NSG (None: no NSG at all)
    rule: str | None  # its rule, qualified as Network Watcher prints it
    chain: tuple[tuple[str, str, bool], ...] = field(default=())  # (nsg, rule, allowed) in order

    @property
    def access(self) -> str:
        return "Allow" if self.allowed else "Deny"


def _ports(text: Any) -> tuple[tuple[int, int], ...]:
    return _parse_ports(str(text))


@functools.lru_cache(maxsize=4096)
def _parse_ports(text: str) -> tuple[tuple[int, int], ...]:
    out = []
    for part in text.split(","):
        part = part.strip()
        if part == "*":
            out.append((0, 65535))
        elif "-" in part:
            a, b = part.split("-")
            out.append((int(a), int(b)))
        else:
            out.append((int(part), int(part)))
    return tuple(out)


def _items(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [v.strip() for v in str(value).split(",")]


def _in_vnet(end: End, belief: frozenset[str]) -> bool:
    if "T-27" in belief:
        return end.cls == LOCAL
    members = IN_VIRTUAL_NETWORK | ({TRANSIT} if "T-01" in belief else set())
    return end.cls in members or end.ip == HOST_VIP


def _in_internet(end: End, belief: frozenset[str]) -> bool:
    if "T-28" in belief:
        return end.cls != LOCAL
    return end.cls == PUBLIC


@functools.lru_cache(maxsize=4096)
def _network_of(text: str) -> IPv4Network:
    return ip_network(text, strict=False)


@functools.lru_cache(maxsize=4096)
def _address(text: str) -> IPv4Address:
    return ip_address(text)


def _address_match(value: Any, end: End, belief: frozenset[str]) -> bool:
    for item in _items(value):
        if item == "*":
            return True
        if item == "VirtualNetwork":
            if _in_vnet(end, belief):
                return True
        elif item == "Internet":
            if _in_internet(end, belief):
                return True
        elif item == "AzureLoadBalancer":
            if end.ip == HOST_VIP:
                return True
        elif item.startswith("asg:"):
            if item[4:] in end.asgs:
                return True
        else:
            net = _network_of(item)
            if _address(end.ip) in net:
                return True
            if "T-25" in belief and end.public_ip and _address(end.public_ip) in net:
                return True
    return False


def matches(r: Doc, proto: str, src: End, dst: End, dport: int, belief=frozenset()) -> bool:
    if r.get("protocol", "*") not in ("*", proto):
        return False
    if not any(a <= 50000 <= b for a, b in _ports(r.get("source_ports", "*"))):
        return False
    if not any(a <= dport <= b for a, b in _ports(r.get("destination_ports", "*"))):
        return False
    return _address_match(r.get("source", "*"), src, belief) and _address_match(
        r.get("destination", "*"), dst, belief
    )


def ordered(nsg: Doc, direction: str, belief=frozenset()) -> list[Doc]:
    custom = sorted(
        (r for r in nsg.get("rules", []) if r["direction"] == direction),
        key=lambda r: r["priority"],
        reverse="T-19" in belief,
    )
    return custom + DEFAULT_RULES[direction]


def qualified(r: Doc) -> str:
    return ("defaultSecurityRules/" if r.get("default") else "securityRules/") + r["name"]


def decide_nsg(
    nsg: Doc, direction: str, proto: str, src: End, dst: End, dport: int, belief=frozenset()
) -> tuple[bool, Doc]:
    """NSG-02: the first matching rule (in the order the belief reads them)."""
    for r in ordered(nsg, direction, belief):
        if matches(r, proto, src, dst, dport, belief):
            return r["access"] == "allow", r
    raise AssertionError("DenyAll matches every flow")  # pragma: no cover


def nsgs_at(doc: Doc, vm: Doc) -> tuple[Doc | None, Doc | None]:
    """The (subnet NSG, NIC NSG) documents of a VM."""
    by_name = {n["name"]: n for n in doc.get("nsgs", [])}
    vnet = next(v for v in doc["vnets"] if v["name"] == vm["vnet"])
    subnet = next(s for s in vnet["subnets"] if s["name"] == vm["subnet"])
    return by_name.get(subnet.get("nsg") or ""), by_name.get(vm.get("nsg") or "")


def decide_nic(
    doc: Doc,
    vm: Doc,
    direction: str,
    proto: str,
    src: End,
    dst: End,
    dport: int,
    belief=frozenset(),
) -> Verdict:
    """NSG-05 at one VM's NIC: inbound subnet then NIC, outbound NIC then subnet; every NSG
    present must allow; no NSG lets everything through."""
    subnet_nsg, nic_nsg = nsgs_at(doc, vm)
    other = dst if direction == "outbound" else src
    if "T-26" in belief and other.subnet == f"{vm['vnet']}/{vm['subnet']}":
        subnet_nsg = None
    order = [subnet_nsg, nic_nsg]
    if direction == "outbound" or "T-17" in belief:
        order.reverse()
    present = [n for n in order if n is not None]
    if not present:
        return Verdict(not ("T-22" in belief and direction == "inbound"), None, None)
    chain = []
    for nsg in present:
        allowed, r = decide_nsg(nsg, direction, proto, src, dst, dport, belief)
        chain.append((nsg["name"], qualified(r), allowed))
        if not allowed and "T-18" not in belief:
            break
    if "T-18" in belief and any(a for _, _, a in chain):
        name, r, _ = next(c for c in chain if c[2])
        return Verdict(True, name, r, tuple(chain))
    for name, r, allowed in chain:
        if not allowed:
            return Verdict(False, name, r, tuple(chain))
    name, r, _ = chain[-1]
    return Verdict(True, name, r, tuple(chain))


def decide_path(
    doc: Doc, proto: str, src: End, dst: End, dport: int, belief=frozenset()
) -> Verdict:
    """A whole flow as far as NSGs go: the source VM's outbound NSGs, then the destination's
    inbound ones (Internet hosts and VMs without NSGs add nothing)."""
    vms = {v["name"]: v for v in doc.get("vms", [])}
    if src.vm in vms:
        out = decide_nic(doc, vms[src.vm], "outbound", proto, src, dst, dport, belief)
        if not out.allowed:
            return out
    if dst.vm in vms:
        return decide_nic(doc, vms[dst.vm], "inbound", proto, src, dst, dport, belief)
    return Verdict(True, None, None)


#: The beliefs a distractor may stand for, in the order a family prefers them.
#: The most specific belief first: a rule written for the public IP is T-25 before T-18.
BELIEFS = ("T-25", "T-18", "T-19", "T-28", "T-27", "T-01", "T-26", "T-22", "T-17")


def misled(verdict_of, truth: Any, wanted: Any, beliefs=BELIEFS) -> list[str]:
    """The misconceptions whose learner would answer ``wanted`` where the truth is ``truth``:
    ``verdict_of(belief)`` gives the learner's answer under one belief."""
    if truth == wanted:
        return []
    return [b for b in beliefs if verdict_of(frozenset({b})) == wanted]


# --- evaluator helpers ---------------------------------------------------------------------------


def ip_flow_args(vm: Doc, direction: str, port: int, remote: str, remote_port: int = 50000):
    if direction == "inbound":
        local, far = f"{vm['ip']}:{port}", f"{remote}:{remote_port}"
    else:
        local, far = f"{vm['ip']}:{remote_port}", f"{remote}:{port}"
    return {
        "vm": vm["name"],
        "direction": direction,
        "protocol": "tcp",
        "local": local,
        "remote": far,
    }


def ip_flow_sentence(answer: Doc) -> str:
    if answer["nsg"] is None:
        return "No NSG is associated with the NIC or its subnet, so IP flow verify allows it."
    return f"IP flow verify answers {answer['access']} with {answer['rule']} of {answer['nsg']}."


def reach_sentence(answer: Doc) -> str:
    return " ".join(answer["explanation"][:3])


def clean(answer: Doc) -> bool:
    return not answer.get("assumptions")


BELIEF_TEXT = {
    "T-01": "peering is transitive, so a peer's peer is in VirtualNetwork",
    "T-17": "the NIC NSG is evaluated before the subnet NSG for inbound traffic",
    "T-18": "an allow in either NSG is enough",
    "T-19": "a higher priority number wins",
    "T-22": "a VM with no NSG denies inbound traffic",
    "T-25": "NSG rules see the VM's public IP",
    "T-26": "a subnet NSG does not filter traffic inside its subnet",
    "T-27": "VirtualNetwork means only the local VNet",
    "T-28": "Internet means every address outside the VNet",
}


ORDER_TEXT = {
    "inbound": "the subnet NSG is evaluated first, then the NIC NSG",
    "outbound": "the NIC NSG is evaluated first, then the subnet NSG",
}

#: The rule each misconception gets wrong (azure-rules.md section 12).
BELIEF_RULES = {
    "T-01": ["PEER-04", "NSG-08"],
    "T-17": ["NSG-05"],
    "T-18": ["NSG-05"],
    "T-19": ["NSG-02"],
    "T-22": ["NSG-05"],
    "T-25": ["NSG-07"],
    "T-26": ["NSG-05"],
    "T-27": ["NSG-08"],
    "T-28": ["NSG-09"],
}


def sentence(text: str) -> str:
    """``text`` with its first letter capitalised, unless it starts with a resource name
    (``vm-web-01`` keeps its case)."""
    first = text.split(" ", 1)[0]
    return text[:1].upper() + text[1:] if first.isalpha() else text


def belief_note(misconception: str) -> str:
    return f"a learner who thinks {BELIEF_TEXT[misconception]} ({misconception})"


def with_belief(line: str, truth: bool, beliefs: list[str]) -> tuple[str, list[str]]:
    """A yes/no explanation line, followed by what the first misled learner would answer, and
    the rules that learner gets wrong."""
    if not beliefs:
        return line, []
    other = "No" if truth else "Yes"
    return (
        f"{line} {sentence(belief_note(beliefs[0]))} would answer {other}.",
        list(BELIEF_RULES[beliefs[0]]),
    )


# --- the nsg-priority network --------------------------------------------------------------------


@dataclass
class Net:
    doc: Doc
    target: Doc  # the VM whose NSGs decide
    ends: dict[str, End]  # label -> End (classed relative to the target's VNet)
    main: str  # the NSG with the rule table the question is about
    other: str | None  # the NSG at the other level, if any
    main_level: str  # "subnet" | "NIC"


def _network(rng: random.Random, port: int, two_nsgs: bool) -> Net:
    reg, code = region(rng)
    wl = workload(rng)
    wl2 = workload(rng, {wl})
    taken_blocks: list[IPv4Network] = []
    block, peer_block = vnet_block(rng, taken_blocks), vnet_block(rng, taken_blocks)
    thirds = rng.sample(range(0, 250), 2)
    role = SERVICES.get(port, "app")
    front, back = subnet_of(block, thirds[0]), subnet_of(block, thirds[1])
    peer_sub = subnet_of(peer_block, rng.randrange(0, 250))
    taken: set[str] = set()
    vnet, peer_vnet = f"vnet-{wl}-{rng.choice(ENVS)}-{code}", f"vnet-{wl2}-prod-{code}"
    target = {
        "name": f"vm-{role}-0{rng.randrange(1, 4)}",
        "vnet": vnet,
        "subnet": f"snet-{role}",
        "ip": host_in(front, rng, taken),
        "public_ip": public_host(rng, taken, AZURE_PIP_POOLS),
    }
    source = {
        "name": f"vm-{rng.choice(('mgmt', 'batch', 'ops'))}-01",
        "vnet": vnet,
        "subnet": "snet-internal",
        "ip": host_in(back, rng, taken),
    }
    peer_vm = {
        "name": f"vm-{wl2}-01",
        "vnet": peer_vnet,
        "subnet": "snet-workload",
        "ip": host_in(peer_sub, rng, taken),
    }
    main_level = rng.choice(("subnet", "NIC"))
    subnet_nsg, nic_nsg = f"nsg-snet-{role}", f"nsg-{target['name']}"
    doc: Doc = {
        "vnets": [
            {
                "name": vnet,
                "region": reg,
                "address_space": [str(block)],
                "subnets": [
                    {"name": target["subnet"], "prefix": str(front)},
                    {"name": source["subnet"], "prefix": str(back)},
                ],
            },
            {
                "name": peer_vnet,
                "region": reg,
                "address_space": [str(peer_block)],
                "subnets": [{"name": peer_vm["subnet"], "prefix": str(peer_sub)}],
            },
        ],
        "peerings": [
            {"name": f"peer-{wl}-to-{wl2}", "from": vnet, "to": peer_vnet},
            {"name": f"peer-{wl2}-to-{wl}", "from": peer_vnet, "to": vnet},
        ],
        "nsgs": [],
        "vms": [target, source, peer_vm],
    }
    if main_level == "subnet" or two_nsgs:
        doc["vnets"][0]["subnets"][0]["nsg"] = subnet_nsg
        doc["nsgs"].append({"name": subnet_nsg, "rules": []})
    if main_level == "NIC" or two_nsgs:
        target["nsg"] = nic_nsg
        doc["nsgs"].append({"name": nic_nsg, "rules": []})
    main = subnet_nsg if main_level == "subnet" else nic_nsg
    other = (nic_nsg if main_level == "subnet" else subnet_nsg) if two_nsgs else None
    where = f"{vnet}/{target['subnet']}"
    ends = {
        target["name"]: End(
            target["name"],
            target["ip"],
            LOCAL,
            target["public_ip"],
            vm=target["name"],
            subnet=where,
        ),
        source["name"]: End(
            source["name"],
            source["ip"],
            LOCAL,
            vm=source["name"],
            subnet=f"{vnet}/{source['subnet']}",
        ),
        peer_vm["name"]: End(peer_vm["name"], peer_vm["ip"], PEER, vm=peer_vm["name"]),
    }
    for _ in range(2):
        ip = public_host(rng, taken)
        ends[ip] = End(ip, ip, PUBLIC)
    return Net(doc, target, ends, main, other, main_level)


def _nsg(doc: Doc, name: str) -> Doc:
    return next(n for n in doc["nsgs"] if n["name"] == name)


def _far_field(rng: random.Random, end: End, peer_block: str) -> Any:
    """A source (or destination) field that covers the far end, in the ways admins write it."""
    if end.cls == PUBLIC:
        net = ip_network(f"{end.ip}/{rng.choice((16, 24))}", strict=False)
        return rng.choice(("*", "Internet", str(net)))
    return rng.choice(("*", "VirtualNetwork", peer_block, end.ip))


def _near_field(rng: random.Random, net: Net) -> Any:
    front = net.doc["vnets"][0]["subnets"][0]["prefix"]
    return rng.choice(("*", net.target["ip"], front))


def _sides(direction: str, near: Any, far: Any) -> tuple[Any, Any]:
    """(source, destination) fields: the far end is the source of inbound traffic."""
    return (far, near) if direction == "inbound" else (near, far)


def _flow_ends(net: Net, direction: str, far: End) -> tuple[End, End]:
    me = net.ends[net.target["name"]]
    return (far, me) if direction == "inbound" else (me, far)


def _single(ctx: Context) -> Doc | None:
    rng = ctx.rng
    port = rng.choice(sorted(SERVICES))
    other_ports = [p for p in SERVICES if p != port]
    net = _network(rng, port, two_nsgs=True)
    doc, target = net.doc, net.target
    direction = rng.choice(("inbound", "inbound", "outbound"))
    far_kind = rng.choice((PUBLIC, PEER))
    far = next(e for e in net.ends.values() if e.cls == far_kind)
    src, dst = _flow_ends(net, direction, far)
    peer_block = doc["vnets"][1]["address_space"][0]
    p_decoy, p_win, p_mid, p_t19 = priorities(rng, 4)
    verb = {"inbound": "in", "outbound": "out"}[direction]
    svc = f"{SERVICES[port]}-{port}"
    # the decoy only looks like it matches: the VM's public IP (T-25) or Internet for a peer
    access = rng.choice(("allow", "deny"))
    if far_kind == PUBLIC:
        decoy_belief = "T-25"
        decoy = rule(
            f"{access}-{svc}-pip",
            p_decoy,
            direction,
            access,
            *_sides(direction, target["public_ip"], "*"),
            ports=str(port),
        )
    else:
        decoy_belief = "T-28"
        decoy = rule(
            f"{access}-internet-{verb}-{port}",
            p_decoy,
            direction,
            access,
            *_sides(direction, _near_field(rng, net), "Internet"),
            ports=str(port),
        )
    win = rule(
        f"deny-{svc}-{verb}",
        p_win,
        direction,
        "deny",
        *_sides(direction, _near_field(rng, net), _far_field(rng, far, peer_block)),
        ports=port_field(rng, port, other_ports),
    )
    t19 = rule(
        f"allow-{svc}-any" if rng.random() < 0.5 else f"allow-{verb}-{port}",
        p_t19,
        direction,
        "allow",
        *_sides(direction, "*", "*"),
        ports=rng.choice((str(port), "*")),
    )
    noise_port = rng.choice(other_ports)
    noise_access = rng.choice(("allow", "deny"))
    noise = rule(
        f"{noise_access}-{SERVICES[noise_port]}-{noise_port}",
        p_mid,
        direction,
        noise_access,
        ports=str(noise_port),
    )
    main = _nsg(doc, net.main)
    rest = [decoy, win, noise]
    rng.shuffle(rest)
    main["rules"] = [t19, *rest]  # the highest number first: what a T-19 learner reads first
    other_nsg = _nsg(doc, net.other or "")
    o_rule = rule(
        f"allow-{svc}-{verb}",
        priorities(rng, 1)[0],
        direction,
        "allow",
        *_sides(direction, "*", _far_field(rng, far, peer_block)),
        ports=str(port),
    )
    if o_rule["name"] in {r["name"] for r in main["rules"]}:
        o_rule["name"] += "-nic" if net.main_level == "subnet" else "-subnet"
    other_nsg["rules"] = [o_rule]
    # the models must see what the question claims
    ok, r = decide_nsg(main, direction, "tcp", src, dst, port)
    if ok or r is not win:
        return None
    if decide_nsg(main, direction, "tcp", src, dst, port, frozenset({"T-19"}))[1] is not t19:
        return None
    if (
        decide_nsg(main, direction, "tcp", src, dst, port, frozenset({decoy_belief}))[1]
        is not decoy
    ):
        return None
    if decide_nsg(other_nsg, direction, "tcp", src, dst, port)[1] is not o_rule:
        return None
    args = ip_flow_args(target, direction, port, far.ip)
    answer = run(common.load(doc), "ip-flow", args)
    if not clean(answer) or answer["access"] != "Deny":
        return None
    expect = {"access": answer["access"], "rule": answer["rule"], "nsg": answer["nsg"]}
    picks = [
        (win, net.main, None),
        (t19, net.main, "T-19"),
        (o_rule, net.other, "T-18"),
        (decoy, net.main, decoy_belief),
    ]
    option_text = ctx.wording.phrase("rule-option", ctx.rng)
    options, explanation = (
        [],
        [
            f"The flow is {direction}, so {ORDER_TEXT[direction]} (NSG-05); inside an NSG, rules "
            "are processed from the lowest priority number up and the first match decides "
            f"(NSG-02). {ip_flow_sentence(answer)}"
        ],
    )
    for r, nsg_name, misconception in picks:
        i = ctx.check("ip-flow", args, expect)
        option: Doc = {
            "text": option_text.format(rule=r["name"], nsg=nsg_name, priority=r["priority"]),
            "correct": misconception is None,
            "check": i,
            "claim": {"rule": qualified(r), "nsg": nsg_name},
        }
        if misconception:
            option["misconception"] = misconception
        options.append(option)
    explanation += [
        f"{t19['name']} (priority {t19['priority']}) is listed first and also matches, but a "
        f"higher number means a lower precedence; only {belief_note('T-19')} picks it.",
        f"{o_rule['name']} in {net.other} allows the flow, but every NSG on the path must allow "
        f"it and {answer['nsg']} denies it; only {belief_note('T-18')} picks it.",
        f"{decoy['name']} has the lowest number but does not match: "
        + (
            "NSGs see the VM's private IP, since Azure translates the public IP before inbound "
            "rules and after outbound ones (NSG-07)."
            if decoy_belief == "T-25"
            else f"{far.ip} is in a peered VNet, which is VirtualNetwork, not Internet (NSG-08, "
            "NSG-09)."
        )
        + f" Only {belief_note(decoy_belief)} picks it.",
    ]
    far_label = far.label
    fields = {
        "src": far_label if direction == "inbound" else target["name"],
        "dst": target["name"] if direction == "inbound" else far_label,
        "port": port,
        "vm": target["name"],
        "nsg": net.main,
    }
    return ctx.question(
        stem_fields=fields,
        topology=doc,
        explanation=explanation,
        rules=["NSG-02", "NSG-01", "NSG-05", "NSG-03", "NW-01"]
        + (["NSG-07"] if decoy_belief == "T-25" else ["NSG-08", "NSG-09"]),
        difficulty=2 + (direction == "outbound") + (far_kind == PEER),
        exhibits=_exhibits(doc),
        options=options,
    )


def _exhibits(doc: Doc) -> list[Doc]:
    peerings = [common.exhibit_peerings(common.load(doc))] if doc.get("peerings") else []
    return [common.exhibit_vnets(doc), *peerings, exhibit_vms_full(doc), *nsg_exhibits(doc)]


# --- multi-choice: which two flows are delivered -------------------------------------------------


def _multi(ctx: Context) -> Doc | None:
    rng = ctx.rng
    ports = rng.sample(sorted(SERVICES), 3)
    two = rng.random() < 0.6
    net = _network(rng, ports[0], two_nsgs=two)
    doc, target = net.doc, net.target
    main = _nsg(doc, net.main)
    peer_block = doc["vnets"][1]["address_space"][0]
    publics = [e for e in net.ends.values() if e.cls == PUBLIC]
    me = net.ends[target["name"]]
    prio = iter(priorities(rng, 12))
    rules: list[Doc] = []
    other_rules: list[Doc] = []
    patterns = ["t19", "t25", "t28", "open"] + (["t18"] if two else [])
    rng.shuffle(patterns)
    for port, pattern in zip(ports, patterns, strict=False):
        svc = f"{SERVICES[port]}-{port}"
        if pattern == "t19":  # a narrow deny below a broad allow
            who = rng.choice([*publics, net.ends[doc["vms"][2]["name"]]])
            narrow = f"{who.ip}/32" if who.cls == PUBLIC else peer_block
            rules.append(
                rule(
                    f"deny-{svc}-{'partner' if who.cls == PUBLIC else 'peer'}",
                    next(prio),
                    "inbound",
                    "deny",
                    narrow,
                    "*",
                    str(port),
                )
            )
            rules.append(rule(f"allow-{svc}", next(prio), "inbound", "allow", "*", "*", str(port)))
        elif pattern == "t25":  # written for the public IP: never matches
            rules.append(
                rule(
                    f"allow-{svc}-pip",
                    next(prio),
                    "inbound",
                    "allow",
                    "*",
                    target["public_ip"],
                    str(port),
                )
            )
        elif pattern == "t28":  # Internet only, then a deny for the rest
            rules.append(
                rule(
                    f"allow-{svc}-internet",
                    next(prio),
                    "inbound",
                    "allow",
                    "Internet",
                    "*",
                    str(port),
                )
            )
            rules.append(
                rule(f"deny-{svc}-other", next(prio), "inbound", "deny", "*", "*", str(port))
            )
        elif pattern == "open":
            rules.append(
                rule(
                    f"allow-{svc}",
                    next(prio),
                    "inbound",
                    "allow",
                    "*",
                    _near_field(rng, net),
                    port_field(rng, port, ports),
                )
            )
        elif pattern == "t18":  # open here, closed in the other NSG
            rules.append(rule(f"allow-{svc}", next(prio), "inbound", "allow", "*", "*", str(port)))
            other_rules.append(
                rule(
                    f"deny-{svc}-nic" if net.main_level == "subnet" else f"deny-{svc}-subnet",
                    next(prio),
                    "inbound",
                    "deny",
                    "*",
                    "*",
                    str(port),
                )
            )
    if two:
        other_level = "nic" if net.main_level == "subnet" else "subnet"
        # the other NSG opens everything the main one mentions, except what t18 closes
        opened = {int(r["destination_ports"]) for r in rules if r["destination_ports"].isdigit()}
        closed = {int(r["destination_ports"]) for r in other_rules}
        for port in sorted(opened - closed):
            other_rules.append(
                rule(
                    f"allow-{SERVICES[port]}-{port}-{other_level}",
                    next(prio),
                    "inbound",
                    "allow",
                    "*",
                    "*",
                    str(port),
                )
            )
        _nsg(doc, net.other or "")["rules"] = rng.sample(other_rules, len(other_rules))
    rng.shuffle(rules)
    if [r["priority"] for r in rules] == sorted(r["priority"] for r in rules):
        rules.reverse()  # listed out of priority order: the learner has to sort them
    main["rules"] = rules
    topo = common.load(doc)
    sources = [e for e in net.ends.values() if e.vm != target["name"]]
    allowed, denied = [], []
    for far in sources:
        for port in ports:
            truth = decide_path(doc, "tcp", far, me, port)
            flow = {"from": far.vm or far.ip, "to": target["name"], "protocol": "tcp", "port": port}
            answer = run(topo, "reach", flow)
            if not clean(answer) or answer["reachable"] != truth.allowed:
                continue
            if answer["reachable"]:
                allowed.append((far, port, flow, answer, None))
                continue
            wrong = misled(
                lambda b, far=far, port=port: decide_path(doc, "tcp", far, me, port, b).allowed,
                False,
                True,
            )
            if wrong:
                denied.append((far, port, flow, answer, wrong))
    if len(allowed) < 2 or len(denied) < 3:
        return None
    right = rng.sample(allowed, 2)
    # prefer distractors that stand for different misconceptions
    rng.shuffle(denied)
    wrong_picks, used = [], set()
    for item in denied:
        if item[4][0] not in used:
            wrong_picks.append(item)
            used.add(item[4][0])
    for item in denied:
        if len(wrong_picks) >= 3:
            break
        if item not in wrong_picks:
            wrong_picks.append(item)
    wrong_picks = wrong_picks[:3]
    options, explanation = [], []
    option_text = ctx.wording.phrase("flow-option", ctx.rng)
    rules_cited = ["NSG-02", "NSG-01", "NSG-05", "NSG-03"]
    for far, port, flow, answer, beliefs in [*right, *wrong_picks]:
        i = ctx.check("reach", flow, {"reachable": answer["reachable"], "reason": answer["reason"]})
        text = option_text.format(src=far.label, dst=target["name"], port=port)
        option: Doc = {
            "text": text,
            "correct": answer["reachable"],
            "check": i,
            "claim": {"reachable": True},
        }
        line = f"{text}: {'succeeds' if answer['reachable'] else 'fails'}. {reach_sentence(answer)}"
        if beliefs:
            option["misconception"] = beliefs[0]
            line += f" Only {belief_note(beliefs[0])} would select it."
            rules_cited += BELIEF_RULES[beliefs[0]]
        options.append(option)
        explanation.append(line)
    return ctx.question(
        stem_fields={"vm": target["name"], "nsg": net.main},
        topology=doc,
        explanation=explanation,
        rules=rules_cited,
        difficulty=2 + two + len({w[4][0] for w in wrong_picks}) // 2,
        exhibits=_exhibits(doc),
        options=options,
        select=2,
    )


def build(ctx: Context) -> Doc | None:
    if ctx.item_type == "single-choice":
        return _single(ctx)
    return _multi(ctx)


FAMILY = Family(
    "nsg-priority",
    "which NSG rule decides a flow when custom rules are listed out of priority order",
    Spec(
        ("single-choice", "multi-choice"),
        frozenset({"src", "dst", "port", "vm", "nsg", "rule", "priority"}),
        ("rule-option", "flow-option"),
    ),
    build,
)
