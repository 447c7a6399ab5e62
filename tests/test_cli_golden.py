"""Golden files for what people see: the text of every net command on the example topologies.

Rewrite them after an intended change with ``pytest --update-golden`` and review the diff.
"""

from __future__ import annotations

import pytest

from tests.support import invoke

CHAIN = "examples/chain-nontransitive.yaml"
HUB = "examples/hub-spoke-transit.yaml"
CORP = "examples/techcorp-dev-prod.yaml"

CASES = {
    "validate-hub": ["validate", HUB],
    "peerings-hub": ["peerings", HUB],
    "can-peer-chain": ["can-peer", CHAIN, "vnet-a", "vnet-c"],
    "routes-hub-spoke-a": ["routes", HUB, "--vm", "vm-a"],
    "next-hop-hub-onprem": ["next-hop", HUB, "--vm", "vm-a", "--dest", "192.168.1.10"],
    "ip-flow-corp-deny": [
        "ip-flow",
        CORP,
        "--vm",
        "prod-storage",
        "--direction",
        "inbound",
        "--protocol",
        "tcp",
        "--local",
        "172.16.2.20:443",
        "--remote",
        "10.0.2.5:50000",
    ],
    "nsg-eval-corp": [
        "nsg-eval",
        CORP,
        "--nsg",
        "nsg-dev-db",
        "--direction",
        "inbound",
        "--protocol",
        "tcp",
        "--source",
        "172.16.1.10:50000",
        "--destination",
        "10.0.2.5:5432",
    ],
    "nsg-rules-corp-dev-db": ["nsg-rules", CORP, "--vm", "dev-db"],
    "reach-chain-nontransitive": [
        "reach",
        CHAIN,
        "--from",
        "vm-a",
        "--to",
        "vm-c",
        "--protocol",
        "tcp",
        "--port",
        "22",
    ],
    "reach-hub-transit": [
        "reach",
        HUB,
        "--from",
        "vm-a",
        "--to",
        "192.168.1.10",
        "--protocol",
        "tcp",
        "--port",
        "443",
    ],
    "reach-hub-no-transit": [
        "reach",
        HUB,
        "--from",
        "vm-b",
        "--to",
        "192.168.1.10",
        "--protocol",
        "tcp",
        "--port",
        "443",
    ],
    "reach-corp-nsg-deny": [
        "reach",
        CORP,
        "--from",
        "dev-db",
        "--to",
        "prod-storage",
        "--protocol",
        "tcp",
        "--port",
        "443",
    ],
}


@pytest.mark.parametrize("name", CASES)
def test_net_command_text(name, golden):
    code, out, err = invoke("net", *CASES[name])
    assert (code, err) == (0, "")
    golden(f"net/{name}.txt", out)
