"""What each field of a topology file accepts (contracts.md section 1).

A ``Spec`` pairs the plain words a message uses for a field ("an IPv4 CIDR such as 10.0.0.0/16 with
host bits zero") with the function that turns a written value into the model's value. Converters
are lenient where the meaning is unambiguous (any case for enum words, ``any`` for ``*``, a port as
a number) and raise ``Bad`` otherwise, saying more when they can ("host bits set: did you mean
10.0.0.0/16?"). Only the standard library is imported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from difflib import get_close_matches
from functools import lru_cache
from ipaddress import IPv4Address, IPv4Network, IPv6Network, ip_network

from quizgen.model import (
    ALL_PORTS,
    ANY_ADDRESS,
    Access,
    AddressItem,
    AsgRef,
    Direction,
    GatewayType,
    NextHopType,
    PeeringState,
    PortRange,
    PowerState,
    Protocol,
    ServiceTag,
)

#: Gateway SKUs Azure offers (VPN, then ExpressRoute; Standard and HighPerformance serve both).
GATEWAY_SKUS = (
    "Basic", *(f"VpnGw{n}" for n in range(1, 6)), *(f"VpnGw{n}AZ" for n in range(1, 6)),
    "Standard", "HighPerformance", "UltraPerformance", "ErGw1AZ", "ErGw2AZ", "ErGw3AZ", "ErGwScale",
)  # fmt: skip

_NAME_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}\Z")
_REGION_RE = re.compile(r"[a-z][a-z0-9]*\Z")
_MAX_PRIORITY = 2**31 - 1  # Azure's field is an int32; the 100..4096 range is validate's (NSG-01)


class Bad(Exception):
    """A value that does not fit; ``expected`` overrides the field's own description."""

    def __init__(self, expected: str | None = None) -> None:
        super().__init__(expected)
        self.expected = expected


@dataclass(frozen=True, slots=True)
class Spec:
    """What one field holds: its description, and how to turn a written value into the model's."""

    expected: str
    convert: Callable[[object], object]


def _text(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Bad
    return value


def _name(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise Bad("a name written as text (quote it: it reads as a number)")
    if not isinstance(value, str) or not _NAME_RE.match(value):
        raise Bad
    return value


def _region(value: object) -> str:
    if not isinstance(value, str) or not _REGION_RE.match(value):
        guess = re.sub(r"[^a-z0-9]", "", value.lower()) if isinstance(value, str) else ""
        sensible = _REGION_RE.match(guess) and len(guess) <= 40
        raise Bad(f"{REGION.expected} (did you mean {guess}?)" if sensible else None)
    return value


def _bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise Bad
    return value


def _priority(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_PRIORITY:
        raise Bad
    return value


# Parsed addresses are immutable, and generated documents repeat the same strings many times:
# parsing each text once is worth it (the scenario engine loads a document per fault placement).
@lru_cache(maxsize=65536)
def _parse_ip(text: str) -> IPv4Address:
    return IPv4Address(text)


@lru_cache(maxsize=65536)
def _parse_cidr(text: str) -> IPv4Network:
    return IPv4Network(text)


def _ip(value: object) -> IPv4Address:
    if not isinstance(value, str):
        raise Bad
    try:
        return _parse_ip(value.strip())
    except ValueError:
        raise Bad from None


def _cidr(value: object) -> IPv4Network:
    if not isinstance(value, str):
        raise Bad
    text = value.strip()
    if "/" not in text:
        raise Bad(f"{CIDR.expected} (the /length is missing)")
    try:
        return _parse_cidr(text)
    except ValueError:
        pass
    try:
        loose = ip_network(text, strict=False)
    except ValueError:
        raise Bad from None
    if isinstance(loose, IPv6Network):
        raise Bad(f"{CIDR.expected} (IPv6 is not modelled)")
    raise Bad(f"{CIDR.expected}; host bits set: did you mean {loose}?")


def _by_text(convert: Callable[[object], object]) -> Callable[[object], object]:
    """``convert``, remembering what it made of each text (its results are immutable; a text it
    refuses is not remembered, so the refusal is raised again in the same words)."""
    made: dict[str, object] = {}

    def remembered(value: object) -> object:
        if type(value) is not str:
            return convert(value)
        result = made.get(value, _NOTHING)
        if result is _NOTHING:
            result = convert(value)
            if len(made) < 4096:
                made[value] = result
        return result

    return remembered


_NOTHING = object()


def _choice(words: str, table: dict[str, object]) -> Spec:
    """A case-insensitive choice among ``table``'s keys (spaces, '-' and '_' ignored)."""

    def convert(value: object) -> object:
        if isinstance(value, bool):
            raise Bad(f"{words} (YAML reads yes, no, on and off as true or false: quote the word)")
        if not isinstance(value, str):
            raise Bad
        key = re.sub(r"[\s_-]", "", value).lower()
        if key in table:
            return table[key]
        close = get_close_matches(key, list(table), n=1)
        raise Bad(f"{words} (did you mean {table[close[0]]}?)" if close else None)

    return Spec(words, _by_text(convert))


#: Next hop types only Azure's system routes use (RT-08).
_AZURE_ONLY_HOPS = ("vnetpeering", "vnetglobalpeering", "virtualnetworkserviceendpoint")


def _next_hop_type(value: object) -> NextHopType:
    if isinstance(value, str) and value.lower() in _AZURE_ONLY_HOPS:
        raise Bad(
            f"{NEXT_HOP.expected}; a route cannot use {value}: only Azure creates those (RT-08)"
        )
    return _UDR_HOP.convert(value)


def _state(value: object) -> PeeringState:
    if isinstance(value, str) and value.lower() == "disconnected":
        return PeeringState.DISCONNECTED
    raise Bad


def _ports(value: object) -> tuple[PortRange, ...]:
    if isinstance(value, list | tuple) and value:
        parts = [_port_parts(item) for item in value]
        return _join_ports([p for part in parts for p in part])
    return _join_ports(_port_parts(value))


def _port_parts(value: object) -> list[PortRange | None]:
    """PortRanges, with None standing for '*'."""
    if isinstance(value, int) and not isinstance(value, bool):
        return [_port_range(value, value)]
    if not isinstance(value, str) or not value.strip():
        raise Bad
    out: list[PortRange | None] = []
    for part in value.split(","):
        part = part.strip()
        if part.lower() in ("*", "any"):
            out.append(None)
            continue
        match = re.fullmatch(r"(\d{1,5})(?:\s*-\s*(\d{1,5}))?", part)
        if not match:
            raise Bad
        low = int(match[1])
        out.append(_port_range(low, int(match[2]) if match[2] else low))
    return out


def _port_range(low: int, high: int) -> PortRange:
    if not (0 <= low <= 65535 and 0 <= high <= 65535):
        raise Bad(f"{PORTS.expected}; ports go from 0 to 65535")
    if low > high:
        raise Bad(f"{PORTS.expected}; a range runs from low to high: {high}-{low}?")
    return PortRange(low, high)


def _join_ports(parts: list[PortRange | None]) -> tuple[PortRange, ...]:
    if None in parts:
        if len(parts) > 1:
            raise Bad(f"{PORTS.expected}; '*' stands alone")
        return ALL_PORTS
    return tuple(p for p in parts if p is not None)


_TAGS = {tag.lower(): tag for tag in ServiceTag}


def _address(value: object) -> AddressItem:
    if not isinstance(value, str) or not value.strip():
        raise Bad
    text = value.strip()
    if text.lower() in ("*", "any"):
        return ANY_ADDRESS
    if text.lower().startswith("asg:"):
        try:
            return AsgRef(_name(text[4:].strip()))
        except Bad:
            raise Bad(f"{ADDRESS.expected}; after asg: comes the ASG's name") from None
    if text.lower() in _TAGS:
        return _TAGS[text.lower()]
    if "/" in text:
        return _cidr(text)
    if text[:1].isdigit():
        return IPv4Network(f"{_ip(text)}/32")
    close = get_close_matches(text.lower(), list(_TAGS), n=1)
    raise Bad(f"{ADDRESS.expected} (did you mean {_TAGS[close[0]]}?)" if close else None)


TEXT = Spec("text", _text)
NAME = Spec("a name such as vnet-hub (letters, digits, '_', '.', '-'; at most 80)", _name)
REGION = Spec("a lowercase Azure region id such as eastus", _region)
BOOL = Spec("true or false", _bool)
PRIORITY = Spec("a whole number such as 100 (rules use 100 to 4096)", _priority)
IP = Spec("an IPv4 address such as 10.0.1.4", _ip)
CIDR = Spec("an IPv4 CIDR such as 10.0.0.0/16 with host bits zero", _cidr)
GW_TYPE = _choice("vpn or expressroute", {t: t for t in GatewayType})
SKU = _choice(f"a gateway SKU: {', '.join(GATEWAY_SKUS)}", {s.lower(): s for s in GATEWAY_SKUS})
DIRECTION = _choice("inbound or outbound", {d: d for d in Direction})
ACCESS = _choice("allow or deny", {a: a for a in Access})
PROTOCOL = _choice("tcp, udp, icmp or '*' (any)", {**{p: p for p in Protocol}, "any": Protocol.ANY})
POWER = _choice("running or stopped", {p: p for p in PowerState})
_UDR_HOPS = ("VirtualAppliance", "VirtualNetworkGateway", "VnetLocal", "Internet", "None")
_UDR_HOP = _choice(f"one of {', '.join(_UDR_HOPS)}", {t.lower(): NextHopType(t) for t in _UDR_HOPS})
NEXT_HOP = Spec(_UDR_HOP.expected, _next_hop_type)
STATE = Spec("the state is derived: omit it, or write Disconnected (PEER-03)", _state)
PORTS = Spec(
    "'*', a port such as 443, a range such as 80-90, or a mix: 80,443,8000-8100", _by_text(_ports)
)
ADDRESS = Spec(
    "'*', an IPv4 address or CIDR, a service tag (VirtualNetwork, Internet, AzureLoadBalancer)"
    " or asg:NAME",
    _by_text(_address),
)
