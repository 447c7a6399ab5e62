"""The ``quizgen`` command line: help, version, options of contracts.md section 2, exit codes
and the messages of bad input, as text and with --json."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from support import invoke

import quizgen
from quizgen.cli import net

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = str(ROOT / "examples" / "chain-nontransitive.yaml")

#: contracts.md section 2: each net command and the options it takes (besides --json).
NET_COMMANDS = {
    "validate": set(),
    "peerings": set(),
    "can-peer": set(),
    "routes": {"--vm", "--subnet"},
    "next-hop": {"--vm", "--subnet", "--dest"},
    "ip-flow": {"--vm", "--direction", "--protocol", "--local", "--remote"},
    "nsg-eval": {"--nsg", "--direction", "--protocol", "--source", "--destination", "--vnet"},
    "nsg-rules": {"--vm"},
    "reach": {"--from", "--to", "--protocol", "--port", "--source-port"},
}


def assert_bad_input(code: int, out: str, err: str, *fragments: str) -> None:
    assert code == 2, (out, err)
    assert "Traceback" not in out + err
    for fragment in fragments:
        assert fragment in err, err


# --- version and help -------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag: str) -> None:
    assert invoke(flag) == (0, f"quizgen {quizgen.__version__}\n", "")


def test_the_net_group_has_exactly_the_commands_of_the_contract() -> None:
    assert list(net.commands) == list(NET_COMMANDS)


@pytest.mark.parametrize("name", list(NET_COMMANDS))
def test_each_net_command_takes_the_options_of_the_contract(name: str) -> None:
    command = net.commands[name]
    options = {opt for p in command.params if isinstance(p, click.Option) for opt in p.opts}
    assert options - {"-h", "--help"} == NET_COMMANDS[name] | {"--json"}
    assert isinstance(command.params[0], click.Argument) and command.params[0].name == "file"


def test_reach_source_port_defaults_to_an_ephemeral_port() -> None:
    source_port = next(p for p in net.commands["reach"].params if p.name == "source_port")
    assert source_port.default == 50000


def test_help_lists_every_command_with_a_description() -> None:
    code, out, _ = invoke("--help")
    assert code == 0
    lines = out.splitlines()
    for name, command in net.commands.items():
        row = next((line for line in lines if line.split()[:2] == ["net", name]), None)
        assert row is not None, f"net {name} missing from quizgen --help"
        description = row.split(None, 2)[2]
        assert description and command.help and description in command.help


@pytest.mark.parametrize("name", list(NET_COMMANDS))
def test_each_command_has_help(name: str) -> None:
    code, out, _ = invoke("net", name, "--help")
    assert code == 0
    assert out.startswith(f"Usage: quizgen net {name} [OPTIONS] FILE")
    for option in NET_COMMANDS[name] | {"--json"}:
        assert option in out


def test_installed_console_script() -> None:
    script = shutil.which("quizgen", path=str(Path(sys.executable).parent))
    assert script, "the quizgen console script is not installed beside this Python"
    done = subprocess.run([script, "--version"], capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout) == (0, f"quizgen {quizgen.__version__}\n")


def test_python_dash_m() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "quizgen", "net", "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0 and "Usage: quizgen net" in done.stdout


# --- usage errors: click's own checks ---------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["frobnicate"], "No such command"),
        (["net", "reach"], "Missing argument 'FILE'"),
        (["net", "reach", EXAMPLE, "--to", "vm-c", "--protocol", "tcp"], "--from"),
        (["net", "reach", EXAMPLE, "--from", "a", "--to", "b", "--protocol", "http"], "http"),
        (
            [
                "net",
                "reach",
                EXAMPLE,
                "--from",
                "a",
                "--to",
                "b",
                "--protocol",
                "tcp",
                "--port",
                "70000",
            ],
            "70000",
        ),
        (
            [
                "net",
                "ip-flow",
                EXAMPLE,
                "--vm",
                "a",
                "--direction",
                "sideways",
                "--protocol",
                "tcp",
                "--local",
                "1.1.1.1:1",
                "--remote",
                "2.2.2.2:2",
            ],
            "sideways",
        ),
        (
            [
                "net",
                "ip-flow",
                EXAMPLE,
                "--vm",
                "a",
                "--direction",
                "inbound",
                "--protocol",
                "icmp",
                "--local",
                "1.1.1.1:1",
                "--remote",
                "2.2.2.2:2",
            ],
            "icmp",
        ),
        (["net", "can-peer", EXAMPLE, "vnet-a"], "VNET_B"),
        (["net", "next-hop", EXAMPLE, "--vm", "vm-a"], "--dest"),
    ],
)
def test_usage_errors_exit_2(args: list[str], fragment: str) -> None:
    code, out, err = invoke(*args)
    assert_bad_input(code, out, err, fragment)


# --- bad values: quizgen's own checks, which also answer in JSON -------------------------------

IP_FLOW = ["net", "ip-flow", EXAMPLE, "--vm", "vm-a", "--direction", "inbound", "--protocol", "tcp"]


@pytest.mark.parametrize(
    "value",
    [
        "10.0.1.4",
        "10.0.1.300:22",
        "10.0.1.4:ssh",
        "10.0.1.4:70000",
        "10.0.1.4:",
        ":22",
        "::1:22",
        "vm-a:22",
    ],
)
def test_bad_ip_port_names_the_option_value_and_form(value: str) -> None:
    code, out, err = invoke(*IP_FLOW, "--local", value, "--remote", "10.1.1.4:50000")
    assert_bad_input(code, out, err, "--local", repr(value), "IP:PORT", "e.g. 10.0.1.4:443")
    assert out == ""


def test_bad_ip_port_with_json_is_a_json_error() -> None:
    code, out, err = invoke(*IP_FLOW, "--local", "10.0.1.4:1", "--remote", "nowhere", "--json")
    assert code == 2 and err == ""
    document = json.loads(out)
    assert list(document) == ["error", "problems"]
    assert "--remote" in document["error"] and "'nowhere'" in document["error"]
    assert document["problems"] == []


def test_nsg_eval_takes_a_bare_ip_only_for_icmp() -> None:
    args = ["net", "nsg-eval", EXAMPLE, "--nsg", "nsg-x", "--direction", "inbound"]
    code, out, err = invoke(
        *args, "--protocol", "tcp", "--source", "10.0.1.4", "--destination", "10.1.1.4:22"
    )
    assert_bad_input(code, out, err, "--source", "'10.0.1.4'", "IP:PORT")


def test_bad_dest_ip() -> None:
    code, out, err = invoke("net", "next-hop", EXAMPLE, "--vm", "vm-a", "--dest", "10.2.1")
    assert_bad_input(code, out, err, "--dest", "'10.2.1'", "IPv4 address")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ([], "got neither"),
        (["--vm", "vm-a", "--subnet", "vnet-a/s1"], "got both"),
        (["--subnet", "vnet-a"], "expected VNET/SUBNET"),
        (["--subnet", "vnet-a/s1/x"], "expected VNET/SUBNET"),
    ],
)
def test_routes_needs_exactly_one_location(args: list[str], fragment: str) -> None:
    code, out, err = invoke("net", "routes", EXAMPLE, *args)
    assert_bad_input(code, out, err, fragment)


def test_reach_needs_a_port_for_tcp() -> None:
    code, out, err = invoke(
        "net", "reach", EXAMPLE, "--from", "vm-a", "--to", "vm-c", "--protocol", "tcp"
    )
    assert_bad_input(code, out, err, "--port: missing", "tcp")


# --- a file that cannot be read (needs quizgen.loader) -----------------------------------------


@pytest.mark.parametrize("name", ["validate", "peerings", "nsg-rules"])
def test_missing_file_is_bad_input(name: str, tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.yaml")
    args = ["net", name, missing] + (["--vm", "vm-a"] if name == "nsg-rules" else [])
    code, out, err = invoke(*args)
    assert_bad_input(code, out, err, missing)
    assert out == ""


def test_missing_file_with_json(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.yaml")
    code, out, err = invoke("net", "validate", missing, "--json")
    assert code == 2 and "Traceback" not in out + err
    document = json.loads(out)
    assert list(document) == ["error", "problems"] and missing in json.dumps(document)


def test_missing_file_from_the_real_command(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.yaml")
    done = subprocess.run(
        [sys.executable, "-m", "quizgen", "net", "peerings", missing],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert missing in done.stderr and "Traceback" not in done.stderr
