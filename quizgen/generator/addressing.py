"""Address plans that Azure accepts by construction.

Every VNet gets blocks that overlap no other VNet or on-premises site (ADDR-01, ADDR-02, ADDR-08);
subnets are /24s inside their VNet, never overlapping (ADDR-07); the last /24 of a VNet's first
block is kept free for a GatewaySubnet (/27, GW-02); VM addresses avoid the five that Azure
reserves in every subnet (ADDR-07). Plans draw from 10/8, 172.16/12 or 192.168/16.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network

#: (family, VNet block length) with weights: 10/8 in /16s, the others in /20s.
FAMILIES = (
    (IPv4Network("10.0.0.0/8"), 16, 6),
    (IPv4Network("172.16.0.0/12"), 20, 3),
    (IPv4Network("192.168.0.0/16"), 20, 1),
)


@dataclass
class AddressPlan:
    """Hands out non-overlapping blocks from one private family (and a second one on demand)."""

    rng: random.Random
    family: IPv4Network
    length: int
    # Blocks not handed out yet, as (network address, length): most are never used, so the
    # IPv4Network is made only when a block is handed out.
    _free: list[tuple[int, int]] = field(default_factory=list)
    _other: list[tuple[int, int]] = field(default_factory=list)

    @classmethod
    def draw(cls, rng: random.Random, blocks_needed: int) -> AddressPlan:
        choices = [(f, n, w) for f, n, w in FAMILIES if 2 ** (n - f.prefixlen) >= blocks_needed + 2]
        family, length, _ = rng.choices(choices, weights=[w for *_, w in choices])[0]
        plan = cls(rng, family, length)
        plan._free = _blocks(family, length, rng, blocks_needed + 8)
        others = [f for f, _, _ in FAMILIES if f != family]
        plan._other = [b for f in others for b in _blocks(f, max(16, f.prefixlen + 4), rng, 8)]
        rng.shuffle(plan._other)
        return plan

    def block(self) -> IPv4Network:
        """A fresh VNet block from the plan's family."""
        return IPv4Network(self._free.pop())

    def extra_block(self) -> IPv4Network:
        """A second prefix for a VNet: from the same family when it has room, else another."""
        if len(self._free) > 4 and self.rng.random() < 0.5:
            return IPv4Network(self._free.pop())
        return IPv4Network(self._other.pop())

    def site(self) -> IPv4Network:
        """An on-premises range outside every VNet block (a /16 or /20 of another family)."""
        return IPv4Network(self._other.pop())


def _blocks(
    family: IPv4Network, length: int, rng: random.Random, count: int
) -> list[tuple[int, int]]:
    """``count`` distinct random blocks of ``length`` inside ``family`` (or all, if fewer), as
    (network address, length)."""
    total = 2 ** (length - family.prefixlen)
    picks = rng.sample(range(total), min(count, total))
    base, step = int(family.network_address), 2 ** (32 - length)
    return [(base + i * step, length) for i in picks]


def subnets_of(block: IPv4Network, count: int, rng: random.Random) -> list[IPv4Network]:
    """``count`` distinct /24s of ``block``, avoiding its last /24 (kept for a GatewaySubnet)."""
    available = 2 ** (24 - block.prefixlen) - 1
    start = rng.randrange(0, max(1, min(8, available - count)))
    base = int(block.network_address)
    return [IPv4Network((base + (start + i) * 256, 24)) for i in range(count)]


def nth_24(block: IPv4Network, n: int) -> IPv4Network:
    """``list(block.subnets(new_prefix=24))[n]``, without making the others."""
    if not 0 <= n < 2 ** (24 - block.prefixlen):
        raise IndexError(f"{block} has no /24 number {n}")
    return IPv4Network((int(block.network_address) + n * 256, 24))


def gateway_subnet(block: IPv4Network) -> IPv4Network:
    """The /27 at the start of the block's last /24 (GW-02: /27 or larger)."""
    return IPv4Network((int(block.broadcast_address) - 255, 27))


def host(subnet: IPv4Network, rng: random.Random, taken: set[IPv4Address]) -> IPv4Address:
    """A free address of ``subnet`` outside the five Azure reserves (.0-.3 and the last)."""
    first, last = int(subnet.network_address) + 4, int(subnet.broadcast_address) - 1
    for _ in range(64):
        candidate = IPv4Address(rng.randint(first, min(last, first + 60)))
        if candidate not in taken:
            taken.add(candidate)
            return candidate
    candidate = next(IPv4Address(n) for n in range(first, last + 1) if IPv4Address(n) not in taken)
    taken.add(candidate)
    return candidate
