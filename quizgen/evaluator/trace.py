"""The hop-by-hop packet walk behind ``quizgen net reach`` (azure-rules.md section 10).

Order of checks, as contracts.md fixes it: outbound NSGs at the sender, route selection, the
peering / NVA / gateway checks of the chosen next hop, inbound NSGs at the receiver. The first
failing check is the ``reason``; the walk then goes on as if that check had passed, so later
failures are reported too (a learner sees every cause). When the request arrives, the reply is
walked back (NSGs are stateful, NSG-06, but routing is evaluated again from the other side, RT-20).

Every hop names the object and rule IDs that decided it. Whenever an answer leans on a rule that
azure-rules.md marks UNCONFIRMED, the result lists it in ``assumptions``; questions are never
generated from such results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from ipaddress import IPv4Address
from typing import NamedTuple

from quizgen.errors import QueryError
from quizgen.evaluator.addresses import PLATFORM, is_public
from quizgen.evaluator.assumptions import describe, ordered
from quizgen.evaluator.assumptions import text_lines as assumption_lines
from quizgen.evaluator.nsg import Flow, NicVerdict, evaluate_nic
from quizgen.evaluator.peering import (
    Transit,
    gateway_path,
    is_established,
    peered_ranges,
    peers_of,
    transit,
)
from quizgen.evaluator.routes import EffectiveRoute, chosen_route, route_lookup
from quizgen.model import (
    GATEWAY_SUBNET,
    Direction,
    GatewayType,
    NextHopType,
    OnPremSite,
    Peering,
    Protocol,
    RouteSource,
    Topology,
    Vm,
    VNet,
    quick_init,
)


class Reason(StrEnum):
    """contracts.md section 3, plus the codes marked 'extension' (documented in the README)."""

    DELIVERED = "delivered"
    NO_ROUTE = "no-route"
    ROUTE_NONE = "route-none"
    PEERING_NOT_CONNECTED = "peering-not-connected"
    VNET_ACCESS_DISABLED = "vnet-access-disabled"
    FORWARDED_TRAFFIC_NOT_ALLOWED = "forwarded-traffic-not-allowed"
    IP_FORWARDING_DISABLED = "ip-forwarding-disabled"
    APPLIANCE_NOT_FORWARDING = "appliance-not-forwarding"
    NSG_DENY_OUTBOUND = "nsg-deny-outbound"
    NSG_DENY_INBOUND = "nsg-deny-inbound"
    GATEWAY_TRANSIT_NOT_ENABLED = "gateway-transit-not-enabled"
    GATEWAY_ROUTES_NOT_PROPAGATED = "gateway-routes-not-propagated"
    NO_PUBLIC_IP = "no-public-ip"
    NEXT_HOP_VM_STOPPED = "next-hop-vm-stopped"
    ROUTING_LOOP = "routing-loop"
    LOCAL_GATEWAY_CONFLICT = "local-gateway-conflict"
    MULTIPLE_REMOTE_GATEWAYS = "multiple-remote-gateways"
    BASIC_SKU_NO_TRANSIT = "basic-sku-no-transit"
    # extensions
    SOURCE_VM_STOPPED = "source-vm-stopped"
    DESTINATION_VM_STOPPED = "destination-vm-stopped"
    NO_HOST = "no-host"
    NEXT_HOP_UNREACHABLE = "next-hop-unreachable"
    ASYMMETRIC_ROUTING = "asymmetric-routing"
    PUBLIC_IP_CLOSED = "public-ip-closed"
    GATEWAY_NOT_WORKING = "gateway-not-working"


REASON_TEXT: dict[Reason, str] = {
    Reason.DELIVERED: "the packet arrives (and the reply finds its way back)",
    Reason.NO_ROUTE: "nothing but a system drop route (reserved range) or no route covers the "
    "destination: e.g. non-transitive peering (PEER-04), unsynced range (ADDR-05)",
    Reason.ROUTE_NONE: "a user-defined route with next hop None drops it (RT-08)",
    Reason.PEERING_NOT_CONNECTED: "the peering that would carry it is Initiated or Disconnected "
    "(PEER-02, PEER-03)",
    Reason.VNET_ACCESS_DISABLED: "denied because allow_virtual_network_access=false took the peer "
    "out of the VirtualNetwork tag (PEER-06)",
    Reason.FORWARDED_TRAFFIC_NOT_ALLOWED: "forwarded traffic refused by the receiving link "
    "(PEER-07)",
    Reason.IP_FORWARDING_DISABLED: "the next-hop NVA's NIC has IP forwarding off (NVA-01)",
    Reason.APPLIANCE_NOT_FORWARDING: "the next-hop VM does not forward in its OS (NVA-02)",
    Reason.NSG_DENY_OUTBOUND: "an outbound NSG rule denies it; the answer names the NSG and rule",
    Reason.NSG_DENY_INBOUND: "an inbound NSG rule denies it; the answer names the NSG and rule",
    Reason.GATEWAY_TRANSIT_NOT_ENABLED: "the spoke cannot use the hub gateway: a transit flag is "
    "missing on one side (PEER-08, PEER-09)",
    Reason.GATEWAY_ROUTES_NOT_PROPAGATED: "the route table disables gateway route propagation "
    "(RT-18)",
    Reason.NO_PUBLIC_IP: "inbound Internet traffic to a VM without a public IP",
    Reason.NEXT_HOP_VM_STOPPED: "the route's next hop is an appliance VM that is not running",
    Reason.ROUTING_LOOP: "the packet revisits a hop",
    Reason.LOCAL_GATEWAY_CONFLICT: "use_remote_gateways on a VNet that has its own gateway "
    "(PEER-09, PEER-10)",
    Reason.MULTIPLE_REMOTE_GATEWAYS: "more than one link of a VNet sets use_remote_gateways "
    "(PEER-09)",
    Reason.BASIC_SKU_NO_TRANSIT: "gateway transit through a Basic SKU gateway (GW-03)",
    Reason.SOURCE_VM_STOPPED: "extension: the source VM is stopped, so it sends nothing",
    Reason.DESTINATION_VM_STOPPED: "extension: the destination VM is stopped, so nothing answers",
    Reason.NO_HOST: "extension: the route delivers into a VNet, but no VM there has the address",
    Reason.NEXT_HOP_UNREACHABLE: "extension: a VirtualAppliance next hop is not a VM NIC in the "
    "same or a directly peered VNet (RT-09)",
    Reason.ASYMMETRIC_ROUTING: "extension: the reply to an Internet client leaves by another path "
    "than the request came in (RT-17), so the connection fails",
    Reason.PUBLIC_IP_CLOSED: "extension: inbound Internet traffic to a Standard public IP with no "
    "NSG on the NIC or subnet; Standard public IPs are closed to inbound traffic until an NSG "
    "allows it (docs: public IP addresses; Basic SKU retired 2025-09-30)",
    Reason.GATEWAY_NOT_WORKING: "extension: the gateway cannot work: no GatewaySubnet, or its "
    "route table disables propagation or holds 0.0.0.0/0 (GW-02, RT-19)",
}

_TRANSIT_REASON = {
    Transit.NOT_REQUESTED: Reason.GATEWAY_TRANSIT_NOT_ENABLED,
    Transit.NOT_ALLOWED: Reason.GATEWAY_TRANSIT_NOT_ENABLED,
    Transit.NOT_CONNECTED: Reason.PEERING_NOT_CONNECTED,
    Transit.LOCAL_GATEWAY_CONFLICT: Reason.LOCAL_GATEWAY_CONFLICT,
    Transit.MULTIPLE_REMOTE_GATEWAYS: Reason.MULTIPLE_REMOTE_GATEWAYS,
    Transit.BASIC_SKU: Reason.BASIC_SKU_NO_TRANSIT,
    Transit.REMOTE_GATEWAY_MISSING: Reason.GATEWAY_TRANSIT_NOT_ENABLED,
}


class Step(StrEnum):
    SOURCE = "source"
    NSG_OUTBOUND = "nsg-outbound"
    ROUTE = "route"
    PEERING = "peering"
    APPLIANCE = "appliance"
    GATEWAY = "gateway"
    INTERNET = "internet"
    ONPREM = "on-premises"
    NSG_INBOUND = "nsg-inbound"
    DELIVER = "deliver"


#: A hop's sentence, or a function that writes it: most walks (a scenario's probes) read only
#: the verdict, so the sentences, which format addresses and routes, are written when first read.
Said = str | Callable[[], str]


@quick_init
@dataclass(frozen=True, slots=True, eq=False)
class Hop:
    step: Step
    at: str  # the object the check happened at: a VM, VNET/SUBNET, a peering link, a gateway
    ok: bool
    said: Said  # one plain sentence (read it as ``text``)
    rules: tuple[str, ...] = ()
    said_by: Said | None = None  # decided_by, e.g. "nsg-app/securityRules/deny-rdp" or a route
    reason: Reason | None = None  # set on failing hops
    leg: str = "request"  # request | reply

    @property
    def text(self) -> str:
        return self._written("said")

    @property
    def decided_by(self) -> str | None:
        return None if self.said_by is None else self._written("said_by")

    def _written(self, name: str) -> str:
        value = getattr(self, name)
        if not isinstance(value, str):
            value = value()
            object.__setattr__(self, name, value)  # written once; the hop stays as it reads
        return value

    def _key(self) -> tuple:
        return (self.step, self.at, self.ok, self.text, self.rules, self.decided_by, self.reason,
                self.leg)

    def __eq__(self, other: object) -> bool:
        return self._key() == other._key() if isinstance(other, Hop) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())

    def to_dict(self) -> dict[str, object]:
        return {
            "step": self.step.value,
            "leg": self.leg,
            "at": self.at,
            "ok": self.ok,
            "reason": None if self.reason is None else self.reason.value,
            "decided_by": self.decided_by,
            "rules": list(self.rules),
            "text": self.text,
        }


class HopRecord(NamedTuple):
    """A hop as a walk records it, with Hop's fields: a plain tuple is cheap to make, and most
    results are read for their verdict alone, so a Hop is made from it only when hops are read."""

    step: Step
    at: str
    ok: bool
    said: Said
    rules: tuple[str, ...]
    said_by: Said | None
    reason: Reason | None
    leg: str


@quick_init
@dataclass(frozen=True, slots=True)
class Endpoint:
    kind: str  # vm | onprem | internet | address
    ip: IPv4Address
    vm: Vm | None = None
    site: OnPremSite | None = None
    via_public_ip: bool = False

    @property
    def label(self) -> str:
        if self.vm is not None:
            return self.vm.name
        if self.site is not None:
            return f"{self.ip} ({self.site.name})"
        return str(self.ip)


@quick_init
@dataclass(frozen=True, slots=True, eq=False)
class ReachResult:
    source: Endpoint
    destination: Endpoint
    protocol: Protocol
    port: int
    reachable: bool
    reason: Reason
    records: tuple[HopRecord, ...]  # the hops as recorded; read them as ``hops``
    also: tuple[Reason, ...]  # later checks that fail too
    assumptions: tuple[str, ...]  # keys of ASSUMPTIONS the answer leans on
    asymmetric: bool
    _hops: tuple[Hop, ...] | None = field(default=None, init=False, repr=False)

    @property
    def hops(self) -> tuple[Hop, ...]:
        if self._hops is None:
            object.__setattr__(self, "_hops", tuple(Hop(*r) for r in self.records))
        return self._hops

    def _key(self) -> tuple:
        return (self.source, self.destination, self.protocol, self.port, self.reachable,
                self.reason, self.hops, self.also, self.assumptions, self.asymmetric)

    def __eq__(self, other: object) -> bool:
        return self._key() == other._key() if isinstance(other, ReachResult) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())

    @property
    def explanation(self) -> tuple[str, ...]:
        """The answer in sentences: the first failure and the later ones, or the checks passed."""
        failures = [h for h in self.hops if not h.ok]
        what = _proto_label(self.protocol, self.port)
        if self.reachable:
            head = f"{self.source.label} reaches {self.destination.label} on {what}: delivered."
        else:
            head = (
                f"{self.source.label} cannot reach {self.destination.label} on {what}: "
                f"{self.reason.value}."
            )
        explanation = [head]
        if failures:
            explanation.append(_sentence(failures[0]))
            for h in failures[1:]:
                explanation.append(f"Even with that fixed: {_sentence(h)}")
        else:
            explanation += [
                h.text
                for h in self.hops
                if h.step in (Step.ROUTE, Step.NSG_INBOUND, Step.APPLIANCE, Step.GATEWAY)
                and h.leg == "request"
            ]
        if self.asymmetric:
            explanation.append(
                "The reply takes a different path from the request (route tables act only on "
                "traffic leaving their subnet, RT-20); a stateful firewall on either path would "
                "drop it."
            )
        return tuple(explanation)

    @property
    def rules(self) -> tuple[str, ...]:
        """The rule IDs of every hop, in order, each once."""
        return tuple(dict.fromkeys(r for h in self.hops for r in h.rules))

    @property
    def confirmed(self) -> bool:
        """True when no UNCONFIRMED rule was needed: only then may a question use this answer."""
        return not self.assumptions

    def verdict(self) -> dict[str, object]:
        """The verdict fields of :meth:`to_dict`, written the same way, without the hops and the
        explanation: enough to choose flows by, and far cheaper than the whole answer."""
        return {
            "reachable": self.reachable,
            "reason": self.reason.value,
            "also_failing": [r.value for r in self.also],
            "assumptions": describe(frozenset(self.assumptions)),
        }

    def to_dict(self) -> dict[str, object]:
        first = self.first_failure
        return {
            "reachable": self.reachable,
            "reason": self.reason.value,
            "from": self.source.label,
            "to": self.destination.label,
            "protocol": self.protocol.value,
            "port": self.port,
            "hops": [
                {**h.to_dict(), "hypothetical": first is not None and n > first}
                for n, h in enumerate(self.hops)
            ],
            "explanation": list(self.explanation),
            "also_failing": [r.value for r in self.also],
            "rules": list(self.rules),
            "assumptions": describe(frozenset(self.assumptions)),
            "asymmetric": self.asymmetric,
        }

    @property
    def first_failure(self) -> int | None:
        """The index of the hop that decided ``reason``; later hops are hypothetical."""
        return next((n for n, h in enumerate(self.hops) if not h.ok), None)

    def text_lines(self) -> list[str]:
        lines = [*self.explanation, "", "Hops:"]
        first = self.first_failure
        for n, hop in enumerate(self.hops, start=1):
            mark = "ok " if hop.ok else "FAIL"
            leg = "" if hop.leg == "request" else " (reply)"
            if first is not None and n - 1 > first:
                leg += " (if fixed)"
            lines.append(f"  {n:>2}. [{mark}] {hop.step.value}{leg} at {hop.at}: {hop.text}")
        if first is not None and first + 1 < len(self.hops):
            lines.append("  Hops marked (if fixed) are checked as if the first failure were fixed.")
        return lines + assumption_lines(self.assumptions)


def _proto_label(protocol: Protocol, port: int) -> str:
    return "ICMP" if protocol is Protocol.ICMP else f"{protocol.value.upper()} port {port}"


@dataclass
class _Walk:
    """Mutable state of one walk (request or reply)."""

    topo: Topology
    flow: Flow
    leg: str
    skip_nsg: frozenset[str] = frozenset()  # VMs whose flow record lets the reply through (NSG-06)
    hops: list[HopRecord] = field(default_factory=list)
    assumptions: set[str] = field(default_factory=set)
    appliances: list[str] = field(default_factory=list)  # NVAs and gateways crossed, in order
    arrived: Endpoint | None = None
    exit_gateway: str | None = None  # the VNet whose gateway took the packet to on-premises
    via_public: bool = False  # the request went out to the Internet and in through a public IP
    crossed: list[Peering] = field(default_factory=list)  # peering links crossed

    # -- recording ---------------------------------------------------------------------------

    def ok(self, step: Step, at: str, text: Said, rules=(), decided_by=None) -> None:
        self.hops.append(HopRecord(step, at, True, text, tuple(rules), decided_by, None, self.leg))

    def fail(self, step: Step, at: str, reason: Reason, text: Said, rules=(), decided_by=None):
        self.hops.append(
            HopRecord(step, at, False, text, tuple(rules), decided_by, reason, self.leg)
        )

    @property
    def failures(self) -> list[HopRecord]:
        return [h for h in self.hops if not h.ok]

    # -- NSGs --------------------------------------------------------------------------------

    def nsgs(self, vm: Vm, direction: Direction) -> None:
        step = Step.NSG_INBOUND if direction is Direction.INBOUND else Step.NSG_OUTBOUND
        if vm.name in self.skip_nsg:
            self.ok(
                step,
                vm.name,
                f"The reply belongs to a flow {vm.name}'s NSGs already allowed; "
                "NSGs are stateful, so no rule is needed for it.",
                ("NSG-06",),
            )
            return
        verdict = evaluate_nic(self.topo, vm, direction, self.flow)
        self.assumptions |= verdict.assumptions
        self._record_nsgs(vm, direction, step, verdict)

    def _record_nsgs(self, vm: Vm, direction: Direction, step: Step, nic: NicVerdict) -> None:
        order = "subnet then NIC" if direction is Direction.INBOUND else "NIC then subnet"
        if not nic.verdicts:
            self.ok(
                step,
                vm.name,
                f"Neither {vm.name}'s NIC nor its subnet has an NSG, so "
                f"{direction.value} traffic is allowed.",
                ("NSG-05",),
            )
            return
        deciding = nic.deciding
        assert deciding is not None

        def rule() -> str:
            return f"{deciding.nsg}/{deciding.rule.qualified_name}"

        def evaluated() -> str:
            return ", then ".join(v.describe() for v in nic.verdicts)

        def at_nic(later: str = "") -> str:
            return f"{direction.title} NSGs at {vm.name} ({order}): {evaluated()}.{later}"

        if nic.allowed:
            self.ok(step, vm.name, at_nic, ("NSG-02", "NSG-05"), rule)
            return
        if nic.access_disabled_cause:
            if nic.one_sided_access:
                self.assumptions.add("U-02")
            reason = Reason.VNET_ACCESS_DISABLED

            def text() -> str:
                return (
                    f"{evaluated()}: with allow_virtual_network_access off on the peering, the "
                    "peer's ranges are no longer in the VirtualNetwork tag, so AllowVnet rules "
                    "do not match."
                )

            rules = ("PEER-06", "NSG-08", "NSG-02")
        else:
            reason = (
                Reason.NSG_DENY_INBOUND
                if direction is Direction.INBOUND
                else (Reason.NSG_DENY_OUTBOUND)
            )
            skipped = len(nic.verdicts) == 1 and len(_present_nsgs(self.topo, vm)) == 2
            later = " The other NSG is never consulted." if skipped else ""

            def text() -> str:
                return at_nic(later)

            rules = ("NSG-02", "NSG-05")
        self.fail(step, vm.name, reason, text, rules, rule)

    # -- the request's journey ---------------------------------------------------------------

    def send_from_vm(self, vm: Vm, dest: Endpoint) -> None:
        if not vm.running:
            self.fail(
                Step.SOURCE,
                vm.name,
                Reason.SOURCE_VM_STOPPED,
                f"{vm.name} is stopped, so it sends nothing.",
            )
            return
        self.ok(Step.SOURCE, vm.name, lambda: f"{vm.name} ({vm.ip}) sends to {dest.label}.")
        self.nsgs(vm, Direction.OUTBOUND)
        self.route_from(vm.vnet, vm.subnet, dest, forwarded=False, visited=set())

    def route_from(
        self, vnet_name: str, subnet_name: str, dest: Endpoint, forwarded: bool, visited: set[str]
    ) -> None:
        topo = self.topo
        vnet = topo.vnet(vnet_name)
        assert vnet is not None
        at = f"{vnet_name}/{subnet_name}"
        route, notes = chosen_route(topo, vnet_name, subnet_name, dest.ip)
        if route is not None:  # U-05 (the IP shown for a gateway route) does not decide delivery
            self.assumptions |= notes
            self.assumptions.discard("U-05")
        if route is None:
            self.fail(
                Step.ROUTE, at, Reason.NO_ROUTE, f"No route in {at} covers {dest.ip}.", ("RT-12",)
            )
            return

        def text() -> str:
            return f"Route {route.describe()} is chosen for {dest.ip} (longest prefix match)."

        def decided() -> str:
            where = route.route_table if route.source is RouteSource.USER else "System Route"
            return f"{route.prefix} {route.next_hop_type.value} ({where})"

        rules = ("RT-12", "RT-13", *route.rules)
        hop = route.next_hop_type
        if hop is NextHopType.NONE:
            if route.source is RouteSource.USER:
                self.fail(
                    Step.ROUTE,
                    at,
                    Reason.ROUTE_NONE,
                    lambda: f"{text()} A user-defined route with next hop None drops the packet.",
                    rules,
                    decided,
                )
            else:
                self._diagnose_drop(vnet, subnet_name, dest, text(), rules, decided())
            return
        self.ok(Step.ROUTE, at, text, rules, decided)
        if hop is NextHopType.VNET_LOCAL:
            self._arrive_in(vnet, dest)
        elif hop in (NextHopType.VNET_PEERING, NextHopType.VNET_GLOBAL_PEERING):
            link = next(p for p in topo.links_from(vnet_name) if p.name == route.via)
            self._cross_peering(link, dest.ip, forwarded)
            remote = topo.vnet(link.to_vnet)
            assert remote is not None
            self._arrive_in(remote, dest)
        elif hop is NextHopType.VIRTUAL_APPLIANCE:
            self._to_appliance(vnet, subnet_name, route, dest, forwarded, visited)
        elif hop is NextHopType.VIRTUAL_NETWORK_GATEWAY:
            self._to_gateway(vnet, subnet_name, route, dest, visited)
        elif hop is NextHopType.INTERNET:
            self._to_internet(at, dest, vnet, subnet_name)

    def _arrive_in(self, vnet: VNet, dest: Endpoint) -> None:
        target = self.topo.vm_at(vnet.name, dest.ip)
        if target is None:
            self.fail(
                Step.DELIVER,
                vnet.name,
                Reason.NO_HOST,
                f"No VM in {vnet.name} has the address {dest.ip}.",
                ("RT-03",),
            )
            return
        self.deliver(target)

    def deliver(self, target: Vm) -> None:
        if self.leg == "reply":
            self.ok(Step.DELIVER, target.name, f"The reply reaches {target.name}.")
            self.arrived = Endpoint("vm", target.ip, target)
            return
        if not target.running:
            self.fail(
                Step.DELIVER,
                target.name,
                Reason.DESTINATION_VM_STOPPED,
                f"{target.name} is stopped, so nothing answers.",
            )
        self.nsgs(target, Direction.INBOUND)
        if target.running:
            self.ok(
                Step.DELIVER,
                target.name,
                lambda: f"The packet reaches {target.name} ({target.ip}).",
            )
        self.arrived = Endpoint("vm", target.ip, target)

    def _cross_peering(self, link: Peering, dst_ip: IPv4Address, forwarded: bool) -> None:
        """PEER-02 (Connected, guaranteed by the route's existence) and PEER-07 when forwarded."""
        topo = self.topo
        self.crossed.append(link)
        allows = ""  # with forwarded traffic: which link lets it through
        src = self.flow.src_ip
        local = topo.vnet(link.from_vnet)
        if forwarded and (src is None or local is None or not local.contains(src)):
            reverse = topo.link(link.to_vnet, link.from_vnet)
            assert reverse is not None
            if not (reverse.allow_forwarded_traffic and link.allow_forwarded_traffic):
                # PEER-07's enforcement, and which link it reads (docs vs REST wording), are
                # UNCONFIRMED; with the flag on both links the answer holds either way.
                self.assumptions.add("U-01")
            if not reverse.allow_forwarded_traffic:
                self.fail(
                    Step.PEERING,
                    reverse.name,
                    Reason.FORWARDED_TRAFFIC_NOT_ALLOWED,
                    f"The packet was forwarded by an appliance in {link.from_vnet}, but "
                    f"{reverse.name} ({link.to_vnet}'s link) has allow_forwarded_traffic "
                    "off, so the forwarded traffic is refused.",
                    ("PEER-07",),
                    f"{reverse.name}.allow_forwarded_traffic",
                )
                return
            allows = f" {reverse.name} allows forwarded traffic."

        def text() -> str:
            kind = "global " if _is_global(topo, link) else ""
            ends = f"{link.from_vnet} -> {link.to_vnet}"
            return (
                f"The packet crosses the {kind}peering {link.name} ({ends}), "
                f"which is Connected on both sides.{allows}"
            )

        self.ok(
            Step.PEERING,
            link.name,
            text,
            ("PEER-02", "RT-05", "PEER-07") if forwarded else ("PEER-02", "RT-05"),
        )

    def _to_appliance(
        self,
        vnet: VNet,
        subnet_name: str,
        route: EffectiveRoute,
        dest: Endpoint,
        forwarded: bool,
        visited: set[str],
    ) -> None:
        topo = self.topo
        nva_ip = route.next_hop_ip
        at = f"{vnet.name}/{subnet_name}"
        if nva_ip is None:
            self.fail(
                Step.APPLIANCE,
                at,
                Reason.NEXT_HOP_UNREACHABLE,
                "The VirtualAppliance route has no next hop IP.",
                ("RT-08",),
            )
            return
        # RT-09: the appliance must sit in this VNet or a directly peered one; Azure hands the
        # packet to that NIC directly, whatever the routes say about the appliance's own address.
        nva: Vm | None = topo.vm_at(vnet.name, nva_ip) if vnet.contains(nva_ip) else None
        if nva is None:
            for link in topo.links_from(vnet.name):
                if is_established(topo, link) and any(
                    nva_ip in p for p in peered_ranges(topo, link)
                ):
                    nva = topo.vm_at(link.to_vnet, nva_ip)
                    if nva is not None:
                        self._cross_peering(link, nva_ip, forwarded)
                        break
        if nva is None:
            self.fail(
                Step.APPLIANCE,
                str(nva_ip),
                Reason.NEXT_HOP_UNREACHABLE,
                f"The next hop {nva_ip} is not the NIC of a VM in {vnet.name} or in a VNet "
                "directly peered with it, so the packet cannot be handed to it.",
                ("RT-09",),
            )
            return
        if nva.ip == dest.ip:  # the packet is addressed to the appliance itself
            self.deliver(nva)
            return
        if nva.name in visited:
            self.fail(
                Step.APPLIANCE,
                nva.name,
                Reason.ROUTING_LOOP,
                f"The packet comes back to {nva.name}: the routes form a loop.",
                ("RT-09",),
            )
            return
        visited = visited | {nva.name}
        self.appliances.append(nva.name)
        if not nva.running:
            self.fail(
                Step.APPLIANCE,
                nva.name,
                Reason.NEXT_HOP_VM_STOPPED,
                f"The next hop {nva.name} ({nva_ip}) is stopped, so it forwards nothing.",
                ("RT-09",),
            )
            return
        if not nva.ip_forwarding:
            self.fail(
                Step.APPLIANCE,
                nva.name,
                Reason.IP_FORWARDING_DISABLED,
                f"{nva.name}'s NIC has IP forwarding off, so Azure drops a packet addressed "
                f"to {dest.ip} at it.",
                ("NVA-01",),
                f"{nva.name}.ip_forwarding",
            )
        if not nva.appliance:
            self.fail(
                Step.APPLIANCE,
                nva.name,
                Reason.APPLIANCE_NOT_FORWARDING,
                f"{nva.name}'s operating system does not forward packets, so it drops them "
                "(next hop still shows VirtualAppliance).",
                ("NVA-02", "NW-02"),
                f"{nva.name}.appliance",
            )
        if nva.ip_forwarding and nva.appliance:
            self.ok(
                Step.APPLIANCE,
                nva.name,
                lambda: f"{nva.name} ({nva_ip}) forwards the packet: IP "
                "forwarding is on for its NIC and in its OS.",
                ("NVA-01", "NVA-02"),
            )
        self.nsgs(nva, Direction.INBOUND)
        self.nsgs(nva, Direction.OUTBOUND)
        self.route_from(nva.vnet, nva.subnet, dest, forwarded=True, visited=visited)

    def _to_gateway(
        self, vnet: VNet, subnet_name: str, route: EffectiveRoute, dest: Endpoint, visited: set[str]
    ) -> None:
        topo = self.topo
        path = gateway_path(topo, vnet.name)
        if path is None:
            self.assumptions.add("U-07")
            self.fail(
                Step.GATEWAY,
                vnet.name,
                Reason.NO_ROUTE,
                f"{vnet.name} has no VPN gateway of its own or through gateway transit, so "
                "the route to VirtualNetworkGateway leads nowhere.",
                ("RT-10",),
            )
            return
        gw = path.gateway
        if not self.gateway_works(path.vnet):
            return
        if route.source is RouteSource.USER and gw.type is GatewayType.EXPRESSROUTE:
            self.fail(
                Step.GATEWAY,
                gw.name,
                Reason.NO_ROUTE,
                f"{gw.name} is an ExpressRoute gateway, which cannot be the target of a "
                "user-defined route.",
                ("RT-10", "GW-08"),
            )
            return
        via = f" through gateway transit over {path.via.name}" if path.via else ""
        site = next(
            (
                topo.site(s)
                for s in gw.connections
                if topo.site(s) and topo.site(s).contains(dest.ip)
            ),
            None,
        )
        if site is not None:
            self.ok(
                Step.GATEWAY,
                gw.name,
                f"The packet goes to {gw.name} in {path.vnet.name}"
                f"{via}, which connects {site.name}.",
                path.rules,
            )
            self._reach_onprem(gw.name, path.vnet, site, dest)
            return
        if gw.name in visited:
            self.fail(
                Step.GATEWAY,
                gw.name,
                Reason.ROUTING_LOOP,
                f"The packet comes back to {gw.name}: the routes form a loop.",
                ("RT-10",),
            )
            return
        if is_public(dest.ip) and not topo.vnets_containing(dest.ip):
            self.assumptions.add("FORCED-TUNNEL")
            self.ok(
                Step.GATEWAY,
                gw.name,
                f"The packet is forced-tunnelled to {gw.name}{via} and "
                "leaves Azure towards on-premises.",
                ("RT-10", "RT-17"),
            )
            self.arrived = dest
            return
        self.ok(
            Step.GATEWAY,
            gw.name,
            f"{gw.name} in {path.vnet.name}{via} receives the packet "
            "and routes it on with the routes of GatewaySubnet.",
            ("RT-10", "GW-07"),
        )
        self.appliances.append(gw.name)
        self.route_from(
            path.vnet.name, GATEWAY_SUBNET, dest, forwarded=False, visited=visited | {gw.name}
        )

    def gateway_works(self, hub: VNet) -> bool:
        """GW-02, RT-19: a gateway needs a GatewaySubnet whose table keeps propagation on and
        holds no 0.0.0.0/0 route; otherwise it does not work and the packet stops here."""
        gw = hub.gateway
        assert gw is not None
        gateway_subnet = hub.subnet(GATEWAY_SUBNET)
        table = self.topo.route_table(gateway_subnet.route_table if gateway_subnet else None)
        if gateway_subnet is None:
            why, rules = f"{hub.name} has no subnet named GatewaySubnet", ("GW-02",)
        elif table is not None and not table.propagate_gateway_routes:
            why, rules = (
                f"route table {table.name} on GatewaySubnet disables gateway route propagation",
                ("RT-19",),
            )
        elif table is not None and any(r.prefix.prefixlen == 0 for r in table.routes):
            why, rules = (
                f"route table {table.name} on GatewaySubnet holds a 0.0.0.0/0 route",
                ("RT-19",),
            )
        else:
            return True
        self.fail(
            Step.GATEWAY,
            gw.name,
            Reason.GATEWAY_NOT_WORKING,
            f"{gw.name} cannot work: {why}.",
            rules,
        )
        return False

    def _reach_onprem(self, gw_name: str, hub: VNet, site: OnPremSite, dest: Endpoint) -> None:
        """GW-05 item 6: on-premises must know the way back to the source (the model's reading)."""
        src = self.flow.src_ip
        if self.leg == "request" and src is not None and not _advertised(self.topo, hub, src):
            self.assumptions.add("U-04")
            spoke = next((v for v in self.topo.vnets_containing(src)), None)
            reason = (
                Reason.GATEWAY_TRANSIT_NOT_ENABLED
                if spoke is not None and spoke.name in peers_of(self.topo, hub.name)
                else Reason.NO_ROUTE
            )
            self.fail(
                Step.ONPREM,
                site.name,
                reason,
                f"{gw_name} does not advertise {src} to {site.name}, so the reply has no way back.",
                ("GW-05",),
            )
            return
        self.ok(
            Step.ONPREM,
            site.name,
            f"The packet leaves Azure through {gw_name} and reaches {site.name} ({dest.ip}).",
            ("GW-05", "RT-06"),
        )
        self.arrived = dest
        self.exit_gateway = hub.name

    def _to_internet(self, at: str, dest: Endpoint, vnet: VNet, subnet_name: str) -> None:
        topo = self.topo
        if not is_public(dest.ip):
            self.fail(
                Step.INTERNET,
                at,
                Reason.NO_ROUTE,
                f"{dest.ip} is not a public address, so sending it to the Internet loses it.",
                ("RT-03",),
            )
            return
        owned = [v for v in topo.vnets_containing(dest.ip) if v.name != vnet.name]
        if owned or topo.sites_containing(dest.ip):
            # A VNet or site in public address space is not reached through the Internet route:
            # the Internet delivers to whoever owns that public range.
            text = (
                f"Route 0.0.0.0/0 -> Internet is chosen for {dest.ip}, which hands it to the "
                "public owner of that address, not to the network of this topology."
            )
            self._diagnose_drop(
                vnet, subnet_name, dest, text, ("RT-03", "RT-12"), "0.0.0.0/0 Internet", ""
            )
            return
        if self.leg == "request":
            src_vm = _vm_by_ip(topo, self.flow.src_ip)
            if src_vm is not None and src_vm.public_ip is None:
                self.assumptions.add("U-15")
            if self.flow.protocol is Protocol.TCP and self.flow.dst_port == 25:
                self.assumptions.add("SMTP")
        target = next(iter(topo.vms_with_public_ip(dest.ip)), None)
        if target is None:
            self.ok(
                Step.INTERNET,
                at,
                f"The packet leaves Azure for the Internet address {dest.ip} "
                "(what happens beyond Azure is outside the model).",
                ("RT-03", "RT-17"),
            )
            self.arrived = dest
            return
        self.ok(
            Step.INTERNET,
            at,
            f"The packet goes out to the Internet and comes back in to "
            f"{target.name}'s public IP {dest.ip}, translated to {target.ip}.",
            ("NSG-07",),
        )
        if self.leg == "reply":
            self.deliver(target)
            return
        self.via_public = True
        self.flow = Flow(
            self.flow.protocol,
            _public_source(topo, self.flow.src_ip),
            self.flow.src_port,
            target.ip,
            self.flow.dst_port,
        )
        self.enter_from_internet(target)

    def enter_from_internet(self, target: Vm) -> None:
        """Inbound through a public IP: the NSGs see the private IP (NSG-07), and a Standard public
        IP stays closed unless an NSG on the NIC or subnet allows the traffic."""
        if not _present_nsgs(self.topo, target):
            self.fail(
                Step.NSG_INBOUND,
                target.name,
                Reason.PUBLIC_IP_CLOSED,
                f"Neither {target.name}'s NIC nor its subnet has an NSG; a Standard public IP is "
                "closed to inbound traffic until an NSG allows it (Basic SKU public IPs were "
                "retired on 2025-09-30).",
                ("NSG-07",),
            )
        self.deliver(target)

    # -- why a packet was dropped ------------------------------------------------------------

    def _diagnose_drop(
        self,
        vnet: VNet,
        subnet_name: str,
        dest: Endpoint,
        text: str,
        rules: tuple[str, ...],
        decided: str,
        dropped: str = "The system route drops it.",
    ) -> None:
        topo = self.topo
        at = f"{vnet.name}/{subnet_name}"
        ip = dest.ip
        drop = f"{text} {dropped}"
        sites = topo.sites_containing(ip)
        if sites:
            reason, why, more = self._why_no_gateway_route(vnet, subnet_name, sites, ip)
            self.fail(Step.ROUTE, at, reason, f"{drop} {why}", (*rules, *more), decided)
            return
        for other in topo.vnets_containing(ip):
            if other.name == vnet.name:
                continue
            link, reverse = topo.link(vnet.name, other.name), topo.link(other.name, vnet.name)
            if (link or reverse) and not (link and is_established(topo, link)):
                held = link or reverse
                self.fail(
                    Step.ROUTE,
                    at,
                    Reason.PEERING_NOT_CONNECTED,
                    f"{drop} The peering between {vnet.name} and {other.name} is not "
                    f"Connected on both sides ({_states(topo, vnet.name, other.name)}), so "
                    "it gives no route.",
                    (*rules, "PEER-02", "PEER-03"),
                    held.name,
                )
                return
            if link is not None and not any(ip in p for p in peered_ranges(topo, link)):
                self.assumptions.add("ADDR-05")
                self.fail(
                    Step.ROUTE,
                    at,
                    Reason.NO_ROUTE,
                    f"{drop} {ip} is in a range of {other.name} that {link.name} has not "
                    "synced yet, so no peering route covers it.",
                    (*rules, "ADDR-04", "ADDR-05"),
                    link.name,
                )
                return
            middle = [m for m in peers_of(topo, vnet.name) if m in peers_of(topo, other.name)]
            hint = (
                f" {vnet.name} and {other.name} are both peered with {middle[0]}, but peering "
                "is not transitive."
                if middle
                else f" {vnet.name} is not peered with {other.name}."
            )
            self.fail(Step.ROUTE, at, Reason.NO_ROUTE, drop + hint, (*rules, "PEER-04"), decided)
            return
        self.fail(
            Step.ROUTE,
            at,
            Reason.NO_ROUTE,
            f"{drop} {ip} is outside every VNet, peer and on-premises range known here.",
            rules,
            decided,
        )

    def _why_no_gateway_route(self, vnet: VNet, subnet_name: str, sites, ip: IPv4Address):
        topo = self.topo
        names = {s.name for s in sites}
        subnet = vnet.subnet(subnet_name)
        table = topo.route_table(subnet.route_table if subnet else None)
        path = gateway_path(topo, vnet.name)
        if (
            path is not None
            and names & set(path.gateway.connections)
            and table is not None
            and not table.propagate_gateway_routes
        ):
            return (
                Reason.GATEWAY_ROUTES_NOT_PROPAGATED,
                f"Route table {table.name} has propagate_gateway_routes off, so the "
                f"subnet gets no routes from {path.gateway.name}.",
                ("RT-18",),
            )
        if path is not None and names & set(path.gateway.connections):
            # The gateway route exists but a reserved None route is more specific (RT-12).
            # Whether a wide BGP/static prefix removes those None routes is section 13 item 6.
            self.assumptions.add("U-06")
            return (
                Reason.NO_ROUTE,
                f"{path.gateway.name} does offer a route towards {ip}, but it is less specific "
                "than the reserved None route, which wins by longest prefix.",
                ("RT-06", "RT-12", "RT-16"),
            )
        for link in topo.links_from(vnet.name):
            hub = topo.vnet(link.to_vnet)
            if hub is None or hub.gateway is None or not names & set(hub.gateway.connections):
                continue
            status = transit(topo, link)
            if status is Transit.ACTIVE:
                continue
            reverse = topo.link(link.to_vnet, link.from_vnet)
            detail = {
                Transit.NOT_REQUESTED: f"{link.name} has use_remote_gateways off",
                Transit.NOT_ALLOWED: f"{_link_label(reverse, hub.name)} has "
                "allow_gateway_transit off",
                Transit.NOT_CONNECTED: f"the peering with {hub.name} is not Connected",
                Transit.LOCAL_GATEWAY_CONFLICT: f"{vnet.name} has its own gateway, so it cannot "
                f"also use {hub.name}'s",
                Transit.MULTIPLE_REMOTE_GATEWAYS: f"more than one peering of {vnet.name} sets "
                "use_remote_gateways",
                Transit.BASIC_SKU: f"{hub.gateway.name} is a Basic SKU gateway",
                Transit.REMOTE_GATEWAY_MISSING: f"{hub.name} has no gateway",
            }[status]
            return (
                _TRANSIT_REASON[status],
                f"{hub.gateway.name} in {hub.name} connects the destination, but "
                f"{vnet.name} cannot use it: {detail}.",
                status.rules,
            )
        return (
            Reason.NO_ROUTE,
            f"No gateway path of {vnet.name} connects the destination.",
            ("RT-06",),
        )


def _link_label(link: Peering | None, vnet_name: str) -> str:
    return link.name if link is not None else f"{vnet_name}'s link"


def _present_nsgs(topo: Topology, vm: Vm) -> list[str]:
    subnet = topo.subnet(vm.vnet, vm.subnet)
    return [n for n in (subnet.nsg if subnet else None, vm.nsg) if n]


def nsg_readers(result: ReachResult) -> frozenset[str]:
    """The VMs whose NSGs ``result`` read. Of the NSG section, and of the VMs' ``nsg`` field, an
    answer reads only the NSGs associated with these VMs (on their subnet or NIC): NSG rules are
    evaluated at NSG hops alone (``_Walk.nsgs``, recorded at the VM's name), and whether a VM has
    an NSG at all is asked of the VMs at NSG hops and of the two ends. So on a topology that
    differs only in other NSGs, or in the NIC NSG of other VMs, the answer is the same."""
    names = {r.at for r in result.records if r.step in _NSG_STEPS}
    names.update(e.vm.name for e in (result.source, result.destination) if e.vm is not None)
    return frozenset(names)


_NSG_STEPS = (Step.NSG_INBOUND, Step.NSG_OUTBOUND)


def _is_global(topo: Topology, link: Peering) -> bool:
    a, b = topo.vnet(link.from_vnet), topo.vnet(link.to_vnet)
    return a is not None and b is not None and a.region != b.region


def _states(topo: Topology, a: str, b: str) -> str:
    from quizgen.evaluator.peering import link_state

    parts = []
    for x, y in ((a, b), (b, a)):
        link = topo.link(x, y)
        parts.append(
            f"{link.name}: {link_state(topo, link).value}" if link else f"{x} has no link to {y}"
        )
    return "; ".join(parts)


def _vm_by_ip(topo: Topology, ip: IPv4Address | None) -> Vm | None:
    if ip is None:
        return None
    vms = topo.vms_with_ip(ip)
    return vms[0] if len(vms) == 1 else None


def _public_source(topo: Topology, src: IPv4Address | None) -> IPv4Address | None:
    """The address a VM's outbound Internet traffic carries: its public IP, else unknown (None)."""
    vm = _vm_by_ip(topo, src)
    if vm is None:
        return src
    return vm.public_ip


def _advertised(topo: Topology, hub: VNet, ip: IPv4Address) -> bool:
    """GW-05 item 6 as modelled: the hub's ranges and those of spokes using its gateway."""
    if hub.contains(ip):
        return True
    for vnet in topo.vnets_containing(ip):
        path = gateway_path(topo, vnet.name)
        if path is not None and path.vnet.name == hub.name:
            return True
    return False


# --- entry point ----------------------------------------------------------------------------


def resolve_endpoint(topo: Topology, spec: str, role: str) -> Endpoint:
    vm = topo.vm(spec)
    if vm is not None:
        return Endpoint("vm", vm.ip, vm)
    try:
        ip = IPv4Address(spec)
    except ValueError:
        known = ", ".join(v.name for v in topo.vms) or "none"
        raise QueryError(
            f"--{role} {spec!r} is neither a VM of this topology nor an IPv4 address; "
            f"expected a VM name (one of: {known}) or an IP"
        ) from None
    vms = topo.vms_with_ip(ip)
    if len(vms) > 1:
        names = ", ".join(v.name for v in vms)
        raise QueryError(f"--{role} {ip} is the address of several VMs ({names}); name the VM")
    if vms:
        return Endpoint("vm", ip, vms[0])
    public = topo.vms_with_public_ip(ip)
    if public:
        return Endpoint("vm", public[0].ip, public[0], via_public_ip=True)
    if ip in PLATFORM:
        raise QueryError(
            f"--{role} {ip} is an Azure platform address (DNS, DHCP, health probes, IMDS); its "
            "traffic is not subject to NSGs (NSG-11), so reach does not model it. Use "
            "'quizgen net ip-flow' or 'nsg-eval' to read the rules that name it"
        )
    sites = topo.sites_containing(ip)
    if sites:
        return Endpoint("onprem", ip, site=sites[0])
    if is_public(ip):
        return Endpoint("internet", ip)
    return Endpoint("address", ip)


def reach(
    topo: Topology, src: str, dst: str, protocol: str, port: int, source_port: int = 50000
) -> ReachResult:
    try:
        proto = Protocol(protocol.lower())
    except ValueError:
        proto = None
    if proto not in (Protocol.TCP, Protocol.UDP, Protocol.ICMP):
        raise QueryError(f"--protocol {protocol!r} is not supported; expected tcp, udp or icmp")
    for name, value in (("--port", port), ("--source-port", source_port)):
        if not 0 <= value <= 65535:
            raise QueryError(f"{name} {value} is out of range; expected 0 to 65535")
    if proto is Protocol.ICMP:
        port = source_port = 0
    source = resolve_endpoint(topo, src, "from")
    dest = resolve_endpoint(topo, dst, "to")
    if source.kind == "address":
        raise QueryError(f"--from {src}: no VM, on-premises site or Internet address has this IP")
    if source.vm is not None and dest.vm is not None and source.vm.name == dest.vm.name:
        raise QueryError(f"--from and --to are the same VM ({source.vm.name})")
    if source.kind == "internet":
        return _from_internet(topo, source, dest, proto, port, source_port)
    if source.kind == "onprem":
        return _from_onprem(topo, source, dest, proto, port, source_port)
    assert source.vm is not None
    if dest.via_public_ip:
        assert dest.vm is not None and dest.vm.public_ip is not None
        dest = Endpoint("internet", dest.vm.public_ip)
    flow = Flow(proto, source.vm.ip, source_port, dest.ip, port)
    walk = _Walk(topo, flow, "request")
    walk.send_from_vm(source.vm, dest)
    reply = _reply(topo, walk, source, proto, port, source_port)
    return _result(topo, source, dest, proto, port, walk, reply)


def _from_internet(topo, source, dest, proto, port, source_port) -> ReachResult:
    if dest.vm is None:
        raise QueryError("--from an Internet address can only reach a VM (through its public IP)")
    target = dest.vm
    walk = _Walk(topo, Flow(proto, source.ip, source_port, target.ip, port), "request")
    at = target.name
    if target.public_ip is None:
        walk.fail(
            Step.INTERNET,
            at,
            Reason.NO_PUBLIC_IP,
            f"{target.name} has no public IP, so nothing on the Internet can address it.",
            ("NSG-07",),
        )
    else:
        walk.ok(
            Step.INTERNET,
            at,
            f"{source.ip} sends to {target.name}'s public IP "
            f"{target.public_ip}; Azure translates it to {target.ip} before the NSGs see it.",
            ("NSG-07",),
        )
        walk.enter_from_internet(target)
    reply = _reply(topo, walk, source, proto, port, source_port)
    return _result(topo, source, dest, proto, port, walk, reply)


def _from_onprem(topo, source, dest, proto, port, source_port) -> ReachResult:
    site = source.site
    walk = _Walk(topo, Flow(proto, source.ip, source_port, dest.ip, port), "request")
    hubs = [v for v in topo.vnets if v.gateway is not None and site.name in v.gateway.connections]
    if not hubs:
        walk.fail(
            Step.ONPREM,
            site.name,
            Reason.NO_ROUTE,
            f"No gateway in the topology connects {site.name}.",
            ("GW-04",),
        )
        return _result(topo, source, dest, proto, port, walk, None)
    hub = next((h for h in hubs if _advertised(topo, h, dest.ip)), hubs[0])
    gw = hub.gateway
    if not _advertised(topo, hub, dest.ip):
        spoke = next((v for v in topo.vnets_containing(dest.ip)), None)
        if spoke is not None and spoke.name in peers_of(topo, hub.name):
            walk.assumptions.add("U-04")
            link = topo.link(spoke.name, hub.name)
            status = transit(topo, link) if link else Transit.NOT_REQUESTED
            walk.fail(
                Step.ONPREM,
                site.name,
                _TRANSIT_REASON.get(status, Reason.GATEWAY_TRANSIT_NOT_ENABLED),
                f"{gw.name} does not advertise {spoke.name}'s ranges to {site.name}: "
                f"{spoke.name} does not use it through gateway transit.",
                ("GW-05", *status.rules),
            )
        else:
            walk.fail(
                Step.ONPREM,
                site.name,
                Reason.NO_ROUTE,
                f"{site.name} has no route to {dest.ip} through {gw.name}.",
                ("GW-05",),
            )
        return _result(topo, source, dest, proto, port, walk, None)
    walk.ok(
        Step.ONPREM,
        site.name,
        f"{source.ip} in {site.name} sends through {gw.name} in "
        f"{hub.name}, which advertises {dest.ip}'s range.",
        ("GW-04", "GW-05"),
    )
    if walk.gateway_works(hub):
        walk.route_from(hub.name, GATEWAY_SUBNET, dest, forwarded=False, visited={gw.name})
    reply = _reply(topo, walk, source, proto, port, source_port)
    return _result(topo, source, dest, proto, port, walk, reply)


def _reply(topo, walk: _Walk, source: Endpoint, proto, port, source_port) -> _Walk | None:
    """Walk the answer back once the request has arrived (RT-20; NSG-06 for the NSGs)."""
    arrived = walk.arrived
    if arrived is None:
        return None
    skip = {*walk.appliances}
    if source.vm is not None:
        skip.add(source.vm.name)
    if arrived.vm is None:
        if walk.exit_gateway is None or source.vm is None:
            return None  # an Internet host answers from outside the model
        # The answer from on-premises enters Azure at the gateway: GatewaySubnet's routes apply.
        hub = topo.vnet(walk.exit_gateway)
        reply = _Walk(
            topo, Flow(proto, arrived.ip, port, source.ip, source_port), "reply", frozenset(skip)
        )
        reply.ok(
            Step.ONPREM,
            arrived.label,
            f"{arrived.ip} answers through {hub.gateway.name}.",
            ("GW-05",),
        )
        back = Endpoint("vm", source.ip, source.vm)
        reply.route_from(
            hub.name, GATEWAY_SUBNET, back, forwarded=False, visited={hub.gateway.name}
        )
        return reply
    target = arrived.vm
    skip.add(target.name)
    back_to = source.ip
    if walk.via_public and source.vm is not None:
        if source.vm.public_ip is None:
            return None  # the client's SNAT address is unknown (U-15 already noted)
        back_to = source.vm.public_ip
    reply = _Walk(
        topo, Flow(proto, target.ip, port, back_to, source_port), "reply", frozenset(skip)
    )
    if source.kind == "internet":
        route = route_lookup(topo, target.vnet, target.subnet).select(back_to)
        at = f"{target.vnet}/{target.subnet}"
        if route is None or route.next_hop_type is not NextHopType.INTERNET:
            what = route.describe() if route else "no route"
            reply.fail(
                Step.ROUTE,
                at,
                Reason.ASYMMETRIC_ROUTING,
                f"The reply to {back_to} follows {what} instead of going straight back out "
                "through the public IP, so the client never sees it.",
                ("RT-17", "RT-20"),
            )
        else:
            reply.ok(
                Step.ROUTE,
                at,
                f"The reply follows {route.describe()} back to {back_to}.",
                ("RT-17",),
            )
        return reply
    if source.kind == "onprem":
        endpoint = source
    else:
        endpoint = Endpoint("vm", back_to, source.vm, via_public_ip=walk.via_public)
    reply.ok(Step.SOURCE, target.name, lambda: f"{target.name} answers {endpoint.label}.")
    reply.route_from(target.vnet, target.subnet, endpoint, forwarded=False, visited=set())
    return reply


def _peering_notes(topo: Topology, walks: list[_Walk], ends: list[Vm]) -> set[str]:
    """PEER-06 / section 13 item 2: one-sided access, or access off with no NSG at an end."""
    notes: set[str] = set()
    for link in (link for w in walks for link in w.crossed):
        reverse = topo.link(link.to_vnet, link.from_vnet)
        if reverse is None:
            continue
        if link.allow_virtual_network_access != reverse.allow_virtual_network_access or (
            not link.allow_virtual_network_access
            and any(not _present_nsgs(topo, vm) for vm in ends)
        ):
            notes.add("U-02")
    return notes


def _result(topo, source, dest, proto, port, walk: _Walk, reply: _Walk | None) -> ReachResult:
    hops = [*walk.hops, *(reply.hops if reply else ())]
    failures = [h for h in hops if not h.ok]
    walks = [walk, *([reply] if reply else [])]
    ends = [e.vm for e in (source, dest, walk.arrived) if e is not None and e.vm is not None]
    assumptions = set().union(*(w.assumptions for w in walks)) | _peering_notes(topo, walks, ends)
    reachable = not failures
    reason = failures[0].reason if failures else Reason.DELIVERED
    assert reason is not None
    also = tuple(dict.fromkeys(h.reason for h in failures[1:] if h.reason is not None))
    asymmetric = (
        reply is not None
        and not reply.failures
        and (walk.appliances != list(reversed(reply.appliances)))
    )
    if asymmetric:
        assumptions.add("ASYMMETRIC")
    return ReachResult(
        source,
        dest,
        proto,
        port,
        reachable,
        reason,
        tuple(hops),
        also,
        ordered(assumptions),
        asymmetric,
    )


def _sentence(hop: Hop) -> str:
    leg = "On the way back: " if hop.leg == "reply" else ""
    ids = f" ({', '.join(hop.rules)})" if hop.rules else ""
    return f"{leg}{hop.text}{ids}"
