"""The plumbing of quizgen/commands.py: reading values, errors as answers, shaping output."""

from __future__ import annotations

import json
from ipaddress import IPv4Address, IPv4Network

import pytest

from quizgen import commands
from quizgen.commands import ArgumentError, parse_endpoint, parse_ip, parse_port
from quizgen.errors import InputProblem, TopologyError
from quizgen.model import NextHopType


def test_parse_endpoint() -> None:
    assert parse_endpoint("--local", "10.0.1.4:443") == (IPv4Address("10.0.1.4"), 443)
    assert parse_endpoint("--local", " 10.0.1.4:0 ") == (IPv4Address("10.0.1.4"), 0)
    assert parse_endpoint("--source", "10.0.1.4", bare_ip_ok=True) == (IPv4Address("10.0.1.4"), 0)


@pytest.mark.parametrize("value", ["10.0.1.4", "10.0.1.4:65536", "10.0.1.4:-1", "x:1", "1.2.3:4"])
def test_parse_endpoint_refuses(value: str) -> None:
    with pytest.raises(ArgumentError) as caught:
        parse_endpoint("--remote", value)
    assert str(caught.value).startswith(f"--remote: got {value!r}; expected IP:PORT")


def test_parse_ip_and_port() -> None:
    assert parse_ip("--dest", "192.168.1.10") == IPv4Address("192.168.1.10")
    assert parse_port("--port", 65535) == 65535
    with pytest.raises(ArgumentError, match="expected an IPv4 address \\(not IPv6\\)"):
        parse_ip("--dest", "fe80::1")
    with pytest.raises(ArgumentError, match="--port: got 65536; expected a port from 0 to 65535"):
        parse_port("--port", 65536)


def test_errors_become_answers_with_exit_2() -> None:
    problem = InputProblem("t.yaml", 3, "vms[0].ip", "'10.9.9.9'", "an IP inside subnet s1")
    answer = commands.error_answer(TopologyError("t.yaml: 1 problem", (problem,)))
    assert answer.exit_code == commands.BAD_INPUT
    assert answer.text == "t.yaml: 1 problem\n  " + str(problem)
    assert answer.data == {"error": "t.yaml: 1 problem", "problems": [problem.to_dict()]}


def test_run_functions_answer_bad_input_instead_of_raising() -> None:
    answer = commands.run_reach("unused.yaml", "vm-a", "vm-b", "udp")
    assert answer.exit_code == 2 and answer.text.startswith("--port: missing")
    assert answer.data["problems"] == []


def test_to_json_keeps_order_and_writes_addresses_and_enums() -> None:
    data = {"z": IPv4Address("10.0.0.1"), "a": IPv4Network("10.0.0.0/8"), "t": NextHopType.NONE}
    assert commands.to_json(data) == json.dumps(
        {"z": "10.0.0.1", "a": "10.0.0.0/8", "t": "None"}, indent=2
    )


def test_format_table() -> None:
    rows = [
        {
            "prefix": "10.0.0.0/16",
            "next_hop_type": "VnetLocal",
            "next_hop_ip": None,
            "source": "Default",
            "state": "Active",
            "name": None,
        },
        {
            "prefix": "10.2.0.0/16",
            "next_hop_type": "VirtualAppliance",
            "next_hop_ip": "10.0.1.4",
            "source": "User",
            "state": "Active",
            "name": "to-spoke2",
        },
    ]
    assert commands.format_table(rows, commands.ROUTE_COLUMNS) == [
        "Prefix       Next hop type     Next hop IP  Source   State   Name",
        "-----------  ----------------  -----------  -------  ------  ---------",
        "10.0.0.0/16  VnetLocal         -            Default  Active  -",
        "10.2.0.0/16  VirtualAppliance  10.0.1.4     User     Active  to-spoke2",
    ]


def test_format_record() -> None:
    record = {"next_hop_type": "None", "next_hop_ip": None, "route_table": "System Route"}
    assert commands.format_record(record) == [
        "Next hop type: None",
        "Next hop ip:   -",
        "Route table:   System Route",
    ]
    assert commands.format_record({"ok": False, "conflicts": ["10.0.0.0/16"]}) == [
        "Ok:        no",
        "Conflicts: 10.0.0.0/16",
    ]
