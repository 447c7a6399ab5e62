"""Address classes as Azure routes and tags them, kept apart from Python's ``is_global``.

RT-03: only 10/8, 172.16/12, 192.168/16 and 100.64/10 are reserved (routed to None); everything
else follows 0.0.0.0/0 to the Internet, documentation ranges such as 203.0.113.0/24 included
(their Internet tag expansion in the Network Watcher quickstart covers them).
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

PRIVATE = tuple(IPv4Network(p) for p in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
SHARED = IPv4Network("100.64.0.0/10")  # RFC 6598; its tag treatment is U-09
#: Never on the Internet: this network, loopback, link-local, multicast and reserved.
NON_ROUTABLE = tuple(
    IPv4Network(p) for p in ("0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/3")
)
#: NSG-11: the platform's own addresses (DNS, DHCP, health probes, IMDS).
PLATFORM = (IPv4Address("168.63.129.16"), IPv4Address("169.254.169.254"))

# The same, as integers: these tests run for every packet a walk sends.
_PLATFORM_INTS = frozenset(int(a) for a in PLATFORM)
_NOT_PUBLIC = tuple(
    (int(n.network_address), int(n.netmask)) for n in (*PRIVATE, SHARED, *NON_ROUTABLE)
)
_SHARED_NET, _SHARED_MASK = int(SHARED.network_address), int(SHARED.netmask)


def is_public(ip: IPv4Address) -> bool:
    """Public address space: what the Internet tag and the Internet next hop cover."""
    n = int(ip)
    if n in _PLATFORM_INTS:
        return False
    return not any(n & mask == net for net, mask in _NOT_PUBLIC)


def is_shared(ip: IPv4Address | None) -> bool:
    return ip is not None and int(ip) & _SHARED_MASK == _SHARED_NET
