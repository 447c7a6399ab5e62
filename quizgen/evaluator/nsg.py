"""NSG evaluation (azure-rules.md section 5) and the Network Watcher views of it (NW-01, NW-04).

NSG-02 first match by priority; NSG-03 default rules; NSG-05 subnet/NIC order; NSG-08/09/10 tags,
PEER-06 (allow_virtual_network_access changes only the VirtualNetwork tag); NSG-12 ASGs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network

from quizgen.errors import QueryError
from quizgen.evaluator.addresses import is_public, is_shared
from quizgen.evaluator.assumptions import describe
from quizgen.evaluator.assumptions import text_lines as assumption_lines
from quizgen.evaluator.cache import memo
from quizgen.evaluator.peering import gateway_path, is_established, peered_ranges
from quizgen.model import (
    ANY_ADDRESS,
    HOST_VIRTUAL_IP,
    Access,
    AddressItem,
    AnyAddress,
    AsgRef,
    Direction,
    Nsg,
    Protocol,
    SecurityRule,
    ServiceTag,
    Topology,
    Vm,
    quick_init,
)


def _default(
    name: str, priority: int, direction: Direction, access: Access, src, dst
) -> SecurityRule:
    return SecurityRule(
        name, priority, direction, access, Protocol.ANY, (src,), destination=(dst,), default=True
    )


#: NSG-03, with the exact ARM names.
DEFAULT_RULES: tuple[SecurityRule, ...] = (
    _default(
        "AllowVnetInBound",
        65000,
        Direction.INBOUND,
        Access.ALLOW,
        ServiceTag.VIRTUAL_NETWORK,
        ServiceTag.VIRTUAL_NETWORK,
    ),
    _default(
        "AllowAzureLoadBalancerInBound",
        65001,
        Direction.INBOUND,
        Access.ALLOW,
        ServiceTag.AZURE_LOAD_BALANCER,
        ANY_ADDRESS,
    ),
    _default("DenyAllInBound", 65500, Direction.INBOUND, Access.DENY, ANY_ADDRESS, ANY_ADDRESS),
    _default(
        "AllowVnetOutBound",
        65000,
        Direction.OUTBOUND,
        Access.ALLOW,
        ServiceTag.VIRTUAL_NETWORK,
        ServiceTag.VIRTUAL_NETWORK,
    ),
    _default(
        "AllowInternetOutBound",
        65001,
        Direction.OUTBOUND,
        Access.ALLOW,
        ANY_ADDRESS,
        ServiceTag.INTERNET,
    ),
    _default("DenyAllOutBound", 65500, Direction.OUTBOUND, Access.DENY, ANY_ADDRESS, ANY_ADDRESS),
)


@quick_init
@dataclass(frozen=True, slots=True)
class Flow:
    """A 5-tuple. ``src_ip`` None stands for an unknown public address (a VM's outbound SNAT)."""

    protocol: Protocol
    src_ip: IPv4Address | None
    src_port: int
    dst_ip: IPv4Address
    dst_port: int


@quick_init
@dataclass(frozen=True, slots=True)
class TagView:
    """How the service tags expand for one subnet (NSG-08/09/10), or for a VNet as a whole."""

    virtual_network: tuple[IPv4Network, ...]
    #: Peer ranges left out because this VNet's link has allow_virtual_network_access off (PEER-06).
    access_disabled: tuple[IPv4Network, ...] = ()
    #: Ranges of peers whose two links disagree on allow_virtual_network_access (U-02).
    one_sided: tuple[IPv4Network, ...] = ()
    vnet: str | None = None
    #: NSG verdicts reached with this view (``evaluate_nsg``); a cache, not part of the value.
    verdicts: dict = field(default_factory=dict, compare=False, repr=False)
    #: ``virtual_network`` as (network address, netmask) integers, for the per-packet test.
    _ranges: tuple[tuple[int, int], ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        ranges = tuple((int(p.network_address), int(p.netmask)) for p in self.virtual_network)
        object.__setattr__(self, "_ranges", ranges)

    def in_virtual_network(self, ip: IPv4Address | None) -> bool:
        if ip is None:  # an unknown public address: only a 0.0.0.0/0 UDR puts it in the tag
            return any(p.prefixlen == 0 for p in self.virtual_network)
        n = int(ip)
        return any(n & mask == net for net, mask in self._ranges)

    def in_internet(self, ip: IPv4Address | None) -> bool:
        """NSG-09: public address space (a fixed set, as the Network Watcher expansion shows)."""
        return ip is None or is_public(ip)

    def in_both(self, ip: IPv4Address | None) -> bool:
        """In VirtualNetwork and in public space: where the docs conflict (TAG-OVERLAP)."""
        return self.in_internet(ip) and self.in_virtual_network(ip)

    def is_one_sided(self, ip: IPv4Address | None) -> bool:
        return ip is not None and any(ip in p for p in self.one_sided)

    def expand(self, tag: ServiceTag) -> list[str]:
        if tag is ServiceTag.VIRTUAL_NETWORK:
            return [str(p) for p in self.virtual_network]
        if tag is ServiceTag.AZURE_LOAD_BALANCER:
            return [str(HOST_VIRTUAL_IP)]
        return [
            "public address space (all but 10/8, 172.16/12, 192.168/16, 100.64/10 and "
            "non-routable ranges)"
        ]


def _tag_view(
    topo: Topology, vnet_name: str, subnet_name: str | None, honour_access: bool
) -> TagView:
    vnet = topo.vnet(vnet_name)
    if vnet is None:
        return TagView((HOST_VIRTUAL_IP,))
    prefixes: list[IPv4Network] = list(vnet.address_space)
    excluded: list[IPv4Network] = []
    one_sided: list[IPv4Network] = []
    for link in topo.links_from(vnet_name):
        if not is_established(topo, link):
            continue
        ranges = peered_ranges(topo, link)
        if link.allow_virtual_network_access or not honour_access:
            prefixes += ranges
        else:
            excluded += ranges
        reverse = topo.link(link.to_vnet, link.from_vnet)
        if reverse is not None and (
            reverse.allow_virtual_network_access != link.allow_virtual_network_access
        ):
            one_sided += ranges
    path = gateway_path(topo, vnet_name)
    if path is not None:  # NSG-08: on-premises spaces connected through the gateway
        for site_name in path.gateway.connections:
            site = topo.site(site_name)
            if site is not None:
                prefixes += site.address_space
    prefixes.append(HOST_VIRTUAL_IP)
    subnet = vnet.subnet(subnet_name) if subnet_name else None
    table = topo.route_table(subnet.route_table) if subnet else None
    if table is not None:  # NSG-08 [OBS I-124192]: UDR prefixes of this subnet's table
        prefixes += [r.prefix for r in table.routes]
    return TagView(tuple(dict.fromkeys(prefixes)), tuple(excluded), tuple(one_sided), vnet_name)


def tag_view(
    topo: Topology, vnet_name: str, subnet_name: str | None = None, honour_access: bool = True
) -> TagView:
    return memo(topo, "tags", (vnet_name, subnet_name, honour_access), _tag_view)


def _address_matches(
    items: tuple[AddressItem, ...], ip: IPv4Address | None, view: TagView, topo: Topology
) -> bool:
    for item in items:
        if isinstance(item, AnyAddress):
            return True
        if isinstance(item, IPv4Network):
            if ip is not None and ip in item:
                return True
        elif isinstance(item, ServiceTag):
            if item is ServiceTag.VIRTUAL_NETWORK and view.in_virtual_network(ip):
                return True
            if item is ServiceTag.INTERNET and view.in_internet(ip):
                return True
            if item is ServiceTag.AZURE_LOAD_BALANCER and ip is not None and ip in HOST_VIRTUAL_IP:
                return True
        elif (  # NSG-12: only member NICs match
            isinstance(item, AsgRef)
            and ip is not None
            and any(item.name in vm.asgs for vm in topo.vms_with_ip(ip))
        ):
            return True
    return False


def _field_notes(
    items: tuple[AddressItem, ...], ip: IPv4Address | None, view: TagView, topo: Topology
) -> set[str]:
    """Assumptions a rule field's verdict on ``ip`` rests on (see assumptions.py)."""
    notes: set[str] = set()
    for item in items:
        if isinstance(item, ServiceTag):
            if is_shared(ip):
                notes.add("U-09")
            if item in (ServiceTag.INTERNET, ServiceTag.VIRTUAL_NETWORK) and view.in_both(ip):
                notes.add("TAG-OVERLAP")
            if item is ServiceTag.VIRTUAL_NETWORK and view.is_one_sided(ip):
                notes.add("U-02")
        elif (
            isinstance(item, AsgRef)
            and ip is not None
            and any(vm.vnet != view.vnet and item.name in vm.asgs for vm in topo.vms_with_ip(ip))
        ):
            notes.add("ASG-PEER")
    return notes


def rule_notes(rule: SecurityRule, flow: Flow, view: TagView, topo: Topology) -> set[str]:
    notes = _field_notes(rule.source, flow.src_ip, view, topo)
    notes |= _field_notes(rule.destination, flow.dst_ip, view, topo)
    limited = not all(r.is_all for r in (*rule.source_ports, *rule.destination_ports))
    if (
        flow.protocol is Protocol.ICMP
        and limited
        and rule.protocol in (Protocol.ANY, Protocol.ICMP)
    ):
        notes.add("ICMP-PORTS")
    return notes


def _ports_match(ranges, port: int) -> bool:
    return any(port in r for r in ranges)


def rule_matches(rule: SecurityRule, flow: Flow, view: TagView, topo: Topology) -> bool:
    if rule.protocol is not Protocol.ANY and rule.protocol is not flow.protocol:
        return False
    if flow.protocol is not Protocol.ICMP and not (
        _ports_match(rule.source_ports, flow.src_port)
        and _ports_match(rule.destination_ports, flow.dst_port)
    ):
        return False
    if (
        flow.protocol is Protocol.ICMP
        and rule.protocol is Protocol.ANY
        and not (
            all(r.is_all for r in rule.source_ports)
            and all(r.is_all for r in rule.destination_ports)
        )
    ):
        return False  # ICMP has no ports: a rule limited to ports does not match it
    return _address_matches(rule.source, flow.src_ip, view, topo) and _address_matches(
        rule.destination, flow.dst_ip, view, topo
    )


def ordered_rules(nsg: Nsg, direction: Direction) -> tuple[SecurityRule, ...]:
    """NSG-02/03: custom and default rules by priority number first; listing order ignored."""
    rules = [r for r in (*nsg.rules, *DEFAULT_RULES) if r.direction is direction]
    return tuple(sorted(rules, key=lambda r: (r.priority, r.default, r.name)))


@quick_init
@dataclass(frozen=True, slots=True)
class NsgVerdict:
    """One NSG's decision on a flow: the first matching rule (NSG-02)."""

    nsg: str
    direction: Direction
    access: Access
    rule: SecurityRule
    considered: int  # how many rules were looked at, the deciding one included
    assumptions: frozenset[str] = frozenset()

    @property
    def allowed(self) -> bool:
        return self.access is Access.ALLOW

    def describe(self) -> str:
        r = self.rule
        kind = "default rule" if r.default else "rule"
        verb = "allows" if self.allowed else "denies"
        return f"{self.nsg} {kind} {r.name} (priority {r.priority}) {verb} it"


def evaluate_nsg(
    topo: Topology, nsg: Nsg, direction: Direction, flow: Flow, view: TagView
) -> NsgVerdict:
    """NSG-02: the first rule that matches, with the assumptions of the rules looked at.

    A verdict reads only the NSG's rules, the flow, the tag view and, for rules naming ASGs, the
    VMs holding the flow's addresses. So it is kept on the view (which is shared by topologies
    with the same routing) per NSG object and flow, with those VMs when they matter: a fault
    elsewhere leaves it valid, and a changed NSG is a new object.
    """
    key = (id(nsg), direction, flow)
    kept = view.verdicts.get(key)
    if kept is not None:
        kept_nsg, members, verdict = kept
        if kept_nsg is nsg and (members is None or members == _asg_members(topo, flow)):
            return verdict
    verdict = _first_match(topo, nsg, direction, flow, view)
    members = _asg_members(topo, flow) if _names_asgs(nsg) else None
    view.verdicts[key] = (nsg, members, verdict)  # the NSG is held, so its id is not reused
    return verdict


def _names_asgs(nsg: Nsg) -> bool:
    return any(isinstance(i, AsgRef) for r in nsg.rules for i in (*r.source, *r.destination))


def _asg_members(topo: Topology, flow: Flow) -> tuple[tuple[Vm, ...], tuple[Vm, ...]]:
    """The VMs an ASG rule reads for this flow (NSG-12): those holding its two addresses."""
    src = () if flow.src_ip is None else topo.vms_with_ip(flow.src_ip)
    return src, topo.vms_with_ip(flow.dst_ip)


def _first_match(
    topo: Topology, nsg: Nsg, direction: Direction, flow: Flow, view: TagView
) -> NsgVerdict:
    rules = ordered_rules(nsg, direction)
    notes: set[str] = set()
    for index, rule in enumerate(rules, start=1):
        notes |= rule_notes(rule, flow, view, topo)
        if rule_matches(rule, flow, view, topo):
            return NsgVerdict(nsg.name, direction, rule.access, rule, index, frozenset(notes))
    raise AssertionError("the default Deny rule matches every flow")  # pragma: no cover


def nic_nsgs(topo: Topology, vm: Vm, direction: Direction) -> list[tuple[str, Nsg]]:
    """NSG-05: inbound subnet then NIC; outbound NIC then subnet. Pairs of (association, NSG)."""
    subnet = topo.subnet(vm.vnet, vm.subnet)
    pairs = [
        ("Subnet", topo.nsg(subnet.nsg if subnet else None)),
        ("NetworkInterface", topo.nsg(vm.nsg)),
    ]
    if direction is Direction.OUTBOUND:
        pairs.reverse()
    return [(kind, n) for kind, n in pairs if n is not None]


@quick_init
@dataclass(frozen=True, slots=True)
class NicVerdict:
    """The NSGs at one NIC for one direction: every NSG present must allow (NSG-05)."""

    vm: str
    direction: Direction
    verdicts: tuple[NsgVerdict, ...]  # in evaluation order; stops at the first deny
    access_disabled_cause: bool = False  # denied only because PEER-06 removed the peer from the tag
    one_sided_access: bool = False  # ...and that rests on the UNCONFIRMED one-sided case

    @property
    def allowed(self) -> bool:
        return all(v.allowed for v in self.verdicts)

    @property
    def assumptions(self) -> frozenset[str]:
        notes: set[str] = set().union(*(v.assumptions for v in self.verdicts))
        if self.one_sided_access:
            notes.add("U-02")
        return frozenset(notes)

    @property
    def deciding(self) -> NsgVerdict | None:
        """The first deny, else the last NSG's allow (NW-01 as contracts.md fixes it)."""
        for v in self.verdicts:
            if not v.allowed:
                return v
        return self.verdicts[-1] if self.verdicts else None


def _run_nsgs(topo: Topology, vm: Vm, direction: Direction, flow: Flow, view: TagView):
    verdicts = []
    for _, nsg in nic_nsgs(topo, vm, direction):
        verdict = evaluate_nsg(topo, nsg, direction, flow, view)
        verdicts.append(verdict)
        if not verdict.allowed:
            break
    return tuple(verdicts)


def evaluate_nic(topo: Topology, vm: Vm, direction: Direction, flow: Flow) -> NicVerdict:
    view = tag_view(topo, vm.vnet, vm.subnet)
    verdicts = _run_nsgs(topo, vm, direction, flow, view)
    result = NicVerdict(vm.name, direction, verdicts)
    if not result.allowed and view.access_disabled:
        # PEER-06: would the flow pass if the peer were still in VirtualNetwork?
        relaxed = tag_view(topo, vm.vnet, vm.subnet, honour_access=False)
        if all(v.allowed for v in _run_nsgs(topo, vm, direction, flow, relaxed)):
            one_sided = view.is_one_sided(flow.src_ip) or view.is_one_sided(flow.dst_ip)
            result = NicVerdict(vm.name, direction, verdicts, True, one_sided)
    return result


# --- Network Watcher views -----------------------------------------------------------------


def _vm(topo: Topology, name: str) -> Vm:
    vm = topo.vm(name)
    if vm is None:
        known = ", ".join(v.name for v in topo.vms) or "none"
        raise QueryError(f"unknown VM {name!r}; expected one of: {known}")
    return vm


def _protocol(text: str, allowed: Iterable[Protocol], what: str) -> Protocol:
    allowed = tuple(allowed)
    try:
        protocol = Protocol(text.lower())
    except ValueError:
        protocol = None
    if protocol not in allowed:
        names = " or ".join(p.value for p in allowed)
        raise QueryError(f"{what}: protocol {text!r} is not supported; expected {names}")
    return protocol


@dataclass(frozen=True, slots=True)
class IpFlowResult:
    """IP flow verify (NW-01): access and the deciding rule on one NIC."""

    access: Access
    rule: str | None
    nsg: str | None
    nic: NicVerdict
    assumptions: frozenset[str] = frozenset()

    def to_dict(self) -> dict[str, object]:
        return {
            "access": self.access.title,
            "rule": self.rule,
            "nsg": self.nsg,
            "assumptions": describe(self.assumptions),
        }

    def text_lines(self) -> list[str]:
        if self.nsg is None:
            return [
                f"Access: {self.access.title}",
                f"No NSG is associated with {self.nic.vm}'s NIC or subnet: "
                "all traffic is allowed (NSG-05).",
            ]
        lines = [f"Access: {self.access.title}", f"Rule: {self.rule}", f"NSG: {self.nsg}"]
        lines += [f"  {v.describe()}" for v in self.nic.verdicts]
        return lines + assumption_lines(self.assumptions)


def ip_flow(
    topo: Topology,
    vm_name: str,
    direction: str,
    protocol: str,
    local_ip: IPv4Address,
    local_port: int,
    remote_ip: IPv4Address,
    remote_port: int,
) -> IpFlowResult:
    vm = _vm(topo, vm_name)
    proto = _protocol(protocol, (Protocol.TCP, Protocol.UDP), "IP flow verify (NW-01)")
    if local_ip != vm.ip:
        raise QueryError(f"--local {local_ip} is not an IP of {vm.name}; expected {vm.ip} (NW-01)")
    if not vm.running:
        raise QueryError(f"{vm.name} is stopped; IP flow verify needs a running VM (NW-01)")
    d = Direction(direction.lower())
    if d is Direction.INBOUND:
        flow = Flow(proto, remote_ip, remote_port, local_ip, local_port)
    else:
        flow = Flow(proto, local_ip, local_port, remote_ip, remote_port)
    nic = evaluate_nic(topo, vm, d, flow)
    deciding = nic.deciding
    if deciding is None:
        return IpFlowResult(Access.ALLOW, None, None, nic)
    notes = set(nic.assumptions)
    if len(nic.verdicts) == 2 and nic.allowed:
        notes.add("U-08")  # the contract names the last NSG's rule; Azure's choice is unconfirmed
    return IpFlowResult(
        deciding.access, deciding.rule.qualified_name, deciding.nsg, nic, frozenset(notes)
    )


@dataclass(frozen=True, slots=True)
class NsgEvalResult:
    verdict: NsgVerdict

    def to_dict(self) -> dict[str, object]:
        return {
            "access": self.verdict.access.title,
            "rule": self.verdict.rule.qualified_name,
            "assumptions": describe(self.verdict.assumptions),
        }

    def text_lines(self) -> list[str]:
        v = self.verdict
        return [
            f"Access: {v.access.title}",
            f"Rule: {v.rule.qualified_name}",
            f"Decided by rule {v.considered} in priority order (NSG-02).",
            *assumption_lines(v.assumptions),
        ]


def _associations(topo: Topology, nsg_name: str) -> list[tuple[str, str]]:
    places = [
        (vnet.name, subnet.name)
        for vnet in topo.vnets
        for subnet in vnet.subnets
        if subnet.nsg == nsg_name
    ]
    places += [(vm.vnet, vm.subnet) for vm in topo.vms if vm.nsg == nsg_name]
    return list(dict.fromkeys(places))


def nsg_eval(
    topo: Topology,
    nsg_name: str,
    direction: str,
    protocol: str,
    src_ip: IPv4Address,
    src_port: int,
    dst_ip: IPv4Address,
    dst_port: int,
    vnet: str | None = None,
) -> NsgEvalResult:
    nsg = topo.nsg(nsg_name)
    if nsg is None:
        known = ", ".join(n.name for n in topo.nsgs) or "none"
        raise QueryError(f"unknown NSG {nsg_name!r}; expected one of: {known}")
    proto = _protocol(protocol, (Protocol.TCP, Protocol.UDP, Protocol.ICMP), "nsg-eval")
    flow = Flow(proto, src_ip, src_port, dst_ip, dst_port)
    d = Direction(direction.lower())
    if vnet is not None:
        vnet_name, _, subnet_name = vnet.partition("/")
        if topo.vnet(vnet_name) is None or (
            subnet_name and not topo.subnet(vnet_name, subnet_name)
        ):
            raise QueryError(f"--vnet {vnet!r} is not a VNet (or VNET/SUBNET) of this topology")
        views = [tag_view(topo, vnet_name, subnet_name or None)]
    else:
        places = _associations(topo, nsg_name)
        if not places:
            raise QueryError(
                f"NSG {nsg_name!r} is not associated with any subnet or NIC, so its service tags "
                "have no meaning yet; pass --vnet VNET to say where they expand from"
            )
        views = [tag_view(topo, v, s) for v, s in places]
    verdicts = {evaluate_nsg(topo, nsg, d, flow, view) for view in views}
    if len(verdicts) > 1:
        raise QueryError(
            f"NSG {nsg_name!r} is associated in places where its service tags expand differently "
            "and the answer depends on it; pass --vnet VNET or --vnet VNET/SUBNET"
        )
    return NsgEvalResult(verdicts.pop())


@dataclass(frozen=True, slots=True)
class EffectiveNsg:
    """One block of effective security rules (NW-04)."""

    nsg: str
    association: str  # Subnet | NetworkInterface
    rules: tuple[SecurityRule, ...]
    view: TagView

    def _field(self, items: tuple[AddressItem, ...]) -> tuple[str, list[str]]:
        if len(items) == 1 and isinstance(items[0], AnyAddress):
            return "0.0.0.0/0", ["0.0.0.0/0"]
        shown, expanded = [], []
        for item in items:
            shown.append(str(item))
            expanded += self.view.expand(item) if isinstance(item, ServiceTag) else [str(item)]
        return ",".join(shown), expanded

    def rule_dict(self, rule: SecurityRule) -> dict[str, object]:
        src, src_expanded = self._field(rule.source)
        dst, dst_expanded = self._field(rule.destination)
        proto = {"tcp": "Tcp", "udp": "Udp", "icmp": "Icmp", "*": "All"}[rule.protocol.value]
        return {
            "name": rule.qualified_name,
            "priority": rule.priority,
            "direction": rule.direction.title,
            "access": rule.access.title,
            "protocol": proto,
            "sourceAddressPrefix": src,
            "sourcePortRange": ",".join(str(p) for p in rule.source_ports),
            "destinationAddressPrefix": dst,
            "destinationPortRange": ",".join(str(p) for p in rule.destination_ports),
            "expandedSourceAddressPrefix": src_expanded,
            "expandedDestinationAddressPrefix": dst_expanded,
        }

    def to_dict(self) -> dict[str, object]:
        return {
            "networkSecurityGroup": self.nsg,
            "association": self.association,
            "effectiveSecurityRules": [self.rule_dict(r) for r in self.rules],
        }


def effective_security_rules(topo: Topology, vm_name: str) -> tuple[EffectiveNsg, ...]:
    """NW-04: one block per associated NSG (subnet first), default rules included in each."""
    vm = _vm(topo, vm_name)
    if not vm.running:
        raise QueryError(
            f"{vm.name} is stopped; effective security rules need a running VM (NW-04)"
        )
    view = tag_view(topo, vm.vnet, vm.subnet)
    blocks = []
    for association, nsg in nic_nsgs(topo, vm, Direction.INBOUND):
        rules = ordered_rules(nsg, Direction.INBOUND) + ordered_rules(nsg, Direction.OUTBOUND)
        blocks.append(EffectiveNsg(nsg.name, association, rules, view))
    return tuple(blocks)
