"""Large topology documents for benchmarks (standard library only).

Each function returns the plain document of contracts.md section 1 (what the loader reads from
YAML or JSON), so a benchmark can time loading as well as evaluating.
"""

from __future__ import annotations

import random
from typing import Any

HUB = "vnet-hub"
NVA_IP = "10.0.1.4"
ONPREM = "onprem-hq"
ONPREM_SPACE = "192.168.0.0/16"
SPOKE_REGIONS = ("eastus", "eastus", "eastus", "eastus2", "westeurope")  # some global peering
APP_PORTS = ("8080", "8443", "9000-9100", "80,443", "5000")
FIRST_HOST = 4  # Azure reserves .0 to .3 of every subnet (and .255)
HOSTS_PER_SUBNET = 251


def _rule(
    name: str,
    priority: int,
    direction: str,
    access: str,
    protocol: str,
    source: str,
    destination: str,
    destination_ports: str,
) -> dict[str, Any]:
    return {
        "name": name,
        "priority": priority,
        "direction": direction,
        "access": access,
        "protocol": protocol,
        "source": source,
        "source_ports": "*",
        "destination": destination,
        "destination_ports": destination_ports,
    }


def _nsg(name: str, *rules: tuple[str, int, str, str, str, str, str, str]) -> dict[str, Any]:
    """An NSG from rows of (name, priority, direction, access, protocol, source, destination,
    destination ports); source ports are always '*'.
    """
    return {"name": name, "rules": [_rule(*row) for row in rules]}


def _spoke_nsgs(i: int, tag: str, rng: random.Random) -> list[dict[str, Any]]:
    hub, vnet, app_ports = "10.0.0.0/16", "VirtualNetwork", rng.choice(APP_PORTS)
    app = _nsg(
        f"nsg-spoke-{tag}-app",
        ("allow-https-from-vnet", 100, "inbound", "allow", "tcp", vnet, "*", "443"),
        ("allow-ssh-from-hub", 110, "inbound", "allow", "tcp", hub, "*", "22"),
        ("allow-rdp-from-onprem", 120, "inbound", "allow", "tcp", ONPREM_SPACE, "*", "3389"),
        ("allow-app-from-vnet", 130, "inbound", "allow", "tcp", vnet, "*", app_ports),
        ("deny-internet-outbound", 4000, "outbound", "deny", "*", "*", "Internet", "*"),
    )
    data = _nsg(
        f"nsg-spoke-{tag}-data",
        ("allow-sql-from-app", 100, "inbound", "allow", "tcp", f"10.{i}.1.0/24", "*", "1433"),
        ("allow-ssh-from-hub", 110, "inbound", "allow", "tcp", hub, "*", "22"),
        ("deny-vnet-inbound", 4000, "inbound", "deny", "*", vnet, "*", "*"),
    )
    return [app, data]


def _spoke_route_table(tag: str, rng: random.Random) -> dict[str, Any]:
    routes = [
        {
            "name": "to-other-spokes",
            "prefix": "10.0.0.0/8",
            "next_hop_type": "VirtualAppliance",
            "next_hop_ip": NVA_IP,
        },
    ]
    if rng.random() < 0.2:  # some spokes also send Internet traffic through the NVA
        routes.append(
            {
                "name": "default-via-nva",
                "prefix": "0.0.0.0/0",
                "next_hop_type": "VirtualAppliance",
                "next_hop_ip": NVA_IP,
            }
        )
    return {"name": f"rt-spoke-{tag}", "propagate_gateway_routes": True, "routes": routes}


def hub_and_spoke(n_vnets: int = 100, n_vms: int = 1000, seed: int = 0) -> dict[str, Any]:
    """A hub (VPN gateway to one on-premises site, an NVA) and ``n_vnets - 1`` peered spokes.

    Address plan: the hub is 10.0.0.0/16, spoke i is 10.i.0.0/16 with subnets app (10.i.1.0/24)
    and data (10.i.2.0/24), each with its NSG and the spoke's route table sending 10.0.0.0/8 to
    the NVA (10.0.1.4). Each spoke is peered both ways with the hub, using its gateway (transit).
    The ``n_vms`` VMs are the NVA, a hub jump host and ``n_vms - 2`` VMs spread over the spokes;
    ``seed`` picks regions, some rules, a few public IPs and stopped VMs.
    """
    if not 2 <= n_vnets <= 256:
        raise ValueError(f"n_vnets: got {n_vnets}; expected 2 to 256 (10.<i>.0.0/16 plan)")
    n_spokes = n_vnets - 1
    if not 2 <= n_vms <= 2 + n_spokes * 2 * HOSTS_PER_SUBNET:
        raise ValueError(f"n_vms: got {n_vms}; expected 2 to {2 + n_spokes * 2 * HOSTS_PER_SUBNET}")
    rng = random.Random(seed)
    tags = [f"{i:03d}" for i in range(n_vnets)]

    vnets: list[dict[str, Any]] = [
        {
            "name": HUB,
            "region": "eastus",
            "subscription": "sub-connectivity",
            "address_space": ["10.0.0.0/16"],
            "subnets": [
                {"name": "nva", "prefix": "10.0.1.0/24"},
                {"name": "shared", "prefix": "10.0.2.0/24", "nsg": "nsg-hub-shared"},
                {"name": "GatewaySubnet", "prefix": "10.0.255.0/27", "route_table": "rt-gateway"},
            ],
            "gateway": {"name": "vgw-hub", "type": "vpn", "sku": "VpnGw2", "connections": [ONPREM]},
        }
    ]
    peerings: list[dict[str, Any]] = []
    nsgs = [
        _nsg(
            "nsg-hub-shared",
            ("allow-ssh-from-onprem", 100, "inbound", "allow", "tcp", ONPREM_SPACE, "*", "22"),
        )
    ]
    gateway_routes = []
    route_tables: list[dict[str, Any]] = []
    for i in range(1, n_vnets):
        tag, name = tags[i], f"vnet-spoke-{tags[i]}"
        vnets.append(
            {
                "name": name,
                "region": rng.choice(SPOKE_REGIONS),
                "subscription": f"sub-workload-{(i - 1) // 25 + 1}",
                "address_space": [f"10.{i}.0.0/16"],
                "subnets": [
                    {
                        "name": "app",
                        "prefix": f"10.{i}.1.0/24",
                        "nsg": f"nsg-spoke-{tag}-app",
                        "route_table": f"rt-spoke-{tag}",
                    },
                    {
                        "name": "data",
                        "prefix": f"10.{i}.2.0/24",
                        "nsg": f"nsg-spoke-{tag}-data",
                        "route_table": f"rt-spoke-{tag}",
                    },
                ],
            }
        )
        peerings.append(
            {
                "name": f"hub-to-spoke-{tag}",
                "from": HUB,
                "to": name,
                "allow_virtual_network_access": True,
                "allow_forwarded_traffic": True,
                "allow_gateway_transit": True,
                "use_remote_gateways": False,
            }
        )
        peerings.append(
            {
                "name": f"spoke-{tag}-to-hub",
                "from": name,
                "to": HUB,
                "allow_virtual_network_access": True,
                "allow_forwarded_traffic": True,
                "allow_gateway_transit": False,
                "use_remote_gateways": True,
            }
        )
        nsgs += _spoke_nsgs(i, tag, rng)
        route_tables.append(_spoke_route_table(tag, rng))
        gateway_routes.append(
            {
                "name": f"spoke-{tag}-via-nva",
                "prefix": f"10.{i}.0.0/16",
                "next_hop_type": "VirtualAppliance",
                "next_hop_ip": NVA_IP,
            }
        )
    route_tables.insert(
        0, {"name": "rt-gateway", "propagate_gateway_routes": True, "routes": gateway_routes}
    )

    vms: list[dict[str, Any]] = [
        {
            "name": "nva-01",
            "vnet": HUB,
            "subnet": "nva",
            "ip": NVA_IP,
            "ip_forwarding": True,
            "appliance": True,
        },
        {"name": "vm-hub-jump", "vnet": HUB, "subnet": "shared", "ip": "10.0.2.4"},
    ]
    used_public: set[str] = set()
    per_spoke = [0] * n_vnets
    for j in range(n_vms - 2):
        i = 1 + j % n_spokes
        k = per_spoke[i]
        per_spoke[i] += 1
        subnet, third = ("app", 1) if k % 2 == 0 else ("data", 2)
        vm: dict[str, Any] = {
            "name": f"vm-{tags[i]}-{k:03d}",
            "vnet": f"vnet-spoke-{tags[i]}",
            "subnet": subnet,
            "ip": f"10.{i}.{third}.{FIRST_HOST + k // 2}",
        }
        if subnet == "app" and rng.random() < 0.05:
            public = f"20.{rng.randint(1, 254)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
            if public not in used_public:
                used_public.add(public)
                vm["public_ip"] = public
        if rng.random() < 0.02:
            vm["power_state"] = "stopped"
        vms.append(vm)

    return {
        "vnets": vnets,
        "peerings": peerings,
        "nsgs": nsgs,
        "route_tables": route_tables,
        "vms": vms,
        "onprem": [{"name": ONPREM, "address_space": [ONPREM_SPACE]}],
    }
