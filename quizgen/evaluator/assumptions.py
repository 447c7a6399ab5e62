"""What an answer may lean on that the rule book does not settle.

Every key names an item that azure-rules.md marks UNCONFIRMED (section 13) or that the docs leave
in conflict. An evaluator answer lists the keys it relied on; a question is generated only from
answers with none (the quality bar: never key a question on an unconfirmed rule).
"""

from __future__ import annotations

ASSUMPTIONS: dict[str, str] = {
    "U-01": "allow_forwarded_traffic is enforced, and on the receiving link (PEER-07; section 13 "
    "item 1)",
    "U-02": "allow_virtual_network_access off on one link only, or with no NSG at an end: which "
    "VirtualNetwork tag changes and whether traffic flows (PEER-06; section 13 item 2)",
    "U-04": "the hub gateway advertises a spoke's ranges to on-premises only when the spoke uses "
    "remote gateways (GW-05 item 6; section 13 item 4)",
    "U-05": "the next hop IP Azure shows for a gateway route (RT-06; section 13 item 5)",
    "U-06": "whether a gateway-learned route less specific than a reserved range (e.g. a BGP "
    "0.0.0.0/0) removes the reserved None routes (RT-16; section 13 item 6)",
    "U-07": "a UDR to VirtualNetworkGateway in a VNet with no VPN gateway path drops the packet "
    "(RT-10; section 13 item 7)",
    "U-08": "which rule IP flow verify names when both NSGs allow (NW-01; section 13 item 8)",
    "U-09": "the treatment of 100.64.0.0/10 by the service tags (NSG-09; section 13 item 9)",
    "U-15": "a VM without a public IP reaches the Internet through default outbound access "
    "(section 13 item 15)",
    "ADDR-05": "a range added to a peered VNet is unreachable from the peer until the peer's link "
    "is synced (ADDR-05 is DERIVED and UNCONFIRMED)",
    "FORCED-TUNNEL": "forced-tunnelled traffic leaves Azure through the VPN gateway; what "
    "on-premises does with it is outside the model (RT-10)",
    "TAG-OVERLAP": "an address in both VirtualNetwork and public space: the docs conflict on "
    "whether it is also in the Internet tag (NSG-08, NSG-09; azure-docs #81801)",
    "ICMP-PORTS": "how a rule limited to ports treats ICMP, which has none (not in the rule book)",
    "ASG-PEER": "an ASG in a rule matching a NIC of another (peered) VNet (NSG-12 documents "
    "same-VNet use only)",
    "ASYMMETRIC": "request and reply cross different appliances; a stateful firewall would drop "
    "the reply (NVA-03 and section 10 step 6 are DERIVED)",
    "SMTP": "outbound TCP 25 to the Internet depends on the subscription type (NSG-15)",
    "VNETLOCAL-OUTSIDE": "a user route with next hop VnetLocal for a prefix outside the VNet (no "
    "rule covers it)",
    "RT14-STATE": "how Azure lists a gateway route that a VNet or peering route overrides by RT-14 "
    "(Active or Invalid: no doc shows it)",
}


def describe(keys: set[str] | frozenset[str]) -> list[dict[str, str]]:
    """The keys in registry order, each with its text: the JSON form of an answer's assumptions."""
    return [{"id": k, "text": ASSUMPTIONS[k]} for k in ASSUMPTIONS if k in keys]


def ordered(keys: set[str] | frozenset[str]) -> tuple[str, ...]:
    return tuple(k for k in ASSUMPTIONS if k in keys)


def text_lines(keys: set[str] | frozenset[str] | tuple[str, ...]) -> list[str]:
    """The 'Assumes' paragraph of a text answer; empty when the answer assumes nothing."""
    if not keys:
        return []
    lines = ["", "Assumes (UNCONFIRMED in azure-rules.md, so no question uses this answer):"]
    return lines + [f"  - {k}: {ASSUMPTIONS[k]}" for k in ASSUMPTIONS if k in keys]
