"""The work behind each ``quizgen net`` command: read the values, load, ask the evaluator, shape
the answer.

Every ``run_*`` function takes the command line's values as given (strings and ints) and returns
an :class:`Answer`: the exit status, the text for a person and the JSON document for a script.
Nothing here prints or exits; ``cli.py`` does both. Any :class:`QuizgenError` becomes an answer
with exit status 2, so bad input never shows a traceback, with or without ``--json``.

The loader and the evaluator are imported inside the functions, so that ``quizgen --help``
loads neither them nor the YAML parser.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum
from ipaddress import IPv4Address, IPv4Network, ip_address
from typing import TYPE_CHECKING, Any, NamedTuple, ParamSpec

from quizgen.errors import QueryError, QuizgenError, TopologyError
from quizgen.model import Direction, Protocol

if TYPE_CHECKING:
    from quizgen.model import Topology

#: Exit statuses of the ``net`` commands (contracts.md section 2).
ANSWERED = 0
RULE_BROKEN = 1
BAD_INPUT = 2

#: The client's source port when ``reach`` is not given one (contracts.md section 2).
EPHEMERAL_PORT = 50000


class Answer(NamedTuple):
    """What a command says: ``text`` goes to stderr when ``exit_code`` is BAD_INPUT."""

    exit_code: int
    text: str
    data: Any


class ArgumentError(QuizgenError):
    """A command-line value that cannot be used as given (wrong form, missing, contradictory)."""


# --- errors -> answers -----------------------------------------------------------------------

P = ParamSpec("P")


def error_answer(error: QuizgenError) -> Answer:
    """The answer to bad input: the message for a person, ``{"error", "problems"}`` for a script."""
    data = {"error": error.message, "problems": [p.to_dict() for p in error.problems]}
    return Answer(BAD_INPUT, str(error), data)


def _answers(func: Callable[P, Answer]) -> Callable[P, Answer]:
    """Turn any QuizgenError raised by ``func`` into a BAD_INPUT answer."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Answer:
        try:
            return func(*args, **kwargs)
        except QuizgenError as error:
            return error_answer(error)

    return wrapper


# --- reading values --------------------------------------------------------------------------

_ENDPOINT_FORM = "IP:PORT, an IPv4 address and a port from 0 to 65535, e.g. 10.0.1.4:443"


def parse_ip(option: str, value: str) -> IPv4Address:
    """An IPv4 address given to ``option``; the error names the option, the value and the form."""
    try:
        address = ip_address(value.strip())
    except ValueError:
        raise ArgumentError(
            f"{option}: got {value!r}; expected an IPv4 address, e.g. 10.0.1.4"
        ) from None
    if not isinstance(address, IPv4Address):
        raise ArgumentError(f"{option}: got {value!r}; expected an IPv4 address (not IPv6)")
    return address


def parse_port(option: str, value: str | int) -> int:
    """A TCP/UDP port, 0 to 65535."""
    text = str(value).strip()
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise ArgumentError(f"{option}: got {value!r}; expected a port from 0 to 65535")
    return int(text)


def parse_endpoint(option: str, value: str, *, bare_ip_ok: bool = False) -> tuple[IPv4Address, int]:
    """``IP:PORT`` given to ``option``. With ``bare_ip_ok`` (ICMP) a plain IP means port 0."""
    host, colon, port = value.strip().rpartition(":")
    if not colon:
        if bare_ip_ok:
            return parse_ip(option, value), 0
        raise ArgumentError(f"{option}: got {value!r}; expected {_ENDPOINT_FORM}")
    try:
        return parse_ip(option, host), parse_port(option, port)
    except ArgumentError:
        raise ArgumentError(f"{option}: got {value!r}; expected {_ENDPOINT_FORM}") from None


def parse_subnet_ref(option: str, value: str) -> tuple[str, str]:
    """``VNET/SUBNET``."""
    vnet, slash, subnet = value.partition("/")
    if not slash or not vnet or not subnet or "/" in subnet:
        raise ArgumentError(
            f"{option}: got {value!r}; expected VNET/SUBNET, e.g. vnet-hub/GatewaySubnet"
        )
    return vnet, subnet


def one_location(vm: str | None, subnet: str | None) -> tuple[str, str] | None:
    """Check that exactly one of --vm and --subnet is given; the parsed --subnet if it is."""
    if (vm is None) == (subnet is None):
        got = "both" if vm is not None else "neither"
        raise ArgumentError(f"--vm / --subnet: got {got}; expected exactly one of them")
    return None if subnet is None else parse_subnet_ref("--subnet", subnet)


# --- loading and looking things up ------------------------------------------------------------


def load(path: str) -> Topology:
    """The topology in ``path``; raises TopologyError (the loader's, or its own for an unreadable
    file)."""
    from quizgen.loader import load_topology

    try:
        return load_topology(path)
    except OSError as error:
        reason = error.strerror or str(error)
        raise TopologyError(f"{path}: cannot read the topology file: {reason}") from None


def _choices(names: Iterable[str], limit: int = 10) -> str:
    names = sorted(names)
    if not names:
        return "none is defined"
    shown = ", ".join(names[:limit])
    more = len(names) - limit
    return f"one of {shown}" + (f" (and {more} more)" if more > 0 else "")


def _require_vm(topo: Topology, option: str, name: str) -> None:
    if topo.vm(name) is None:
        raise QueryError(
            f"{option}: got {name!r}; expected a VM of the topology, "
            f"{_choices(v.name for v in topo.vms)}"
        )


def _require_vnet(topo: Topology, option: str, name: str) -> None:
    if topo.vnet(name) is None:
        raise QueryError(
            f"{option}: got {name!r}; expected a VNet of the topology, "
            f"{_choices(v.name for v in topo.vnets)}"
        )


def _require_nsg(topo: Topology, option: str, name: str) -> None:
    if topo.nsg(name) is None:
        raise QueryError(
            f"{option}: got {name!r}; expected an NSG of the topology, "
            f"{_choices(n.name for n in topo.nsgs)}"
        )


def locate(topo: Topology, vm: str | None, subnet: tuple[str, str] | None) -> tuple[str, str, str]:
    """(vnet, subnet, label) of ``--vm VM`` or of the parsed ``--subnet VNET/SUBNET``."""
    if vm is not None:
        _require_vm(topo, "--vm", vm)
        found = topo.vm(vm)
        assert found is not None
        if not found.running:
            raise QueryError(
                f"--vm: {vm} is stopped; Azure shows effective routes and next hop only for a "
                "running VM (RT-02, NW-03); use --subnet VNET/SUBNET to ask about its subnet"
            )
        return found.vnet, found.subnet, f"{found.vnet}/{found.subnet} (VM {vm})"
    assert subnet is not None
    vnet_name, subnet_name = subnet
    _require_vnet(topo, "--subnet", vnet_name)
    if topo.subnet(vnet_name, subnet_name) is None:
        vnet = topo.vnet(vnet_name)
        assert vnet is not None
        raise QueryError(
            f"--subnet: got {vnet_name + '/' + subnet_name!r}; expected a subnet of {vnet_name}, "
            f"{_choices(s.name for s in vnet.subnets)}"
        )
    return vnet_name, subnet_name, f"{vnet_name}/{subnet_name}"


# --- shaping the output ----------------------------------------------------------------------


def _json_default(value: object) -> object:
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, IPv4Address | IPv4Network):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def to_json(data: object) -> str:
    """One JSON document: keys in the order the records give them, indented by 2."""
    return json.dumps(data, indent=2, default=_json_default)


def cell(value: object) -> str:
    """A value as a table cell or a record field shows it."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, list | tuple):
        return ", ".join(cell(v) for v in value) if value else "-"
    if isinstance(value, Mapping):
        return json.dumps(value, default=_json_default)
    return str(value)


def format_table(
    rows: Sequence[Mapping[str, object]], columns: Sequence[tuple[str, str]]
) -> list[str]:
    """Aligned columns: ``columns`` pairs a key of each row with its heading."""
    table = [[heading for _, heading in columns]]
    table += [[cell(row.get(key)) for key, _ in columns] for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
    lines = [
        "  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip()
        for line in table
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return lines


def _label(key: str) -> str:
    text = key.replace("_", " ")
    return text[:1].upper() + text[1:]


def format_record(record: Mapping[str, object]) -> list[str]:
    """``Label: value`` lines, values aligned."""
    labels = {key: _label(key) + ":" for key in record}
    width = max((len(label) for label in labels.values()), default=0)
    return [f"{labels[key].ljust(width)} {cell(value)}" for key, value in record.items()]


def text_of(result: Any) -> list[str]:
    """The result's own ``text_lines()`` when it has them, else its fields, one per line."""
    if hasattr(result, "text_lines"):
        return list(result.text_lines())
    return format_record(result.to_dict())


def _text(lines: Iterable[str]) -> str:
    return "\n".join(lines)


# --- the nine commands -----------------------------------------------------------------------

PEERING_COLUMNS = (
    ("name", "Name"),
    ("from", "From"),
    ("to", "To"),
    ("state", "State"),
    ("sync_level", "Sync level"),
    ("gateway_transit", "Gateway transit"),
)

ROUTE_COLUMNS = (
    ("prefix", "Prefix"),
    ("next_hop_type", "Next hop type"),
    ("next_hop_ip", "Next hop IP"),
    ("source", "Source"),
    ("state", "State"),
    ("name", "Name"),
)

NSG_RULE_COLUMNS = (
    ("name", "Name"),
    ("priority", "Priority"),
    ("direction", "Direction"),
    ("access", "Access"),
    ("protocol", "Protocol"),
    ("sourceAddressPrefix", "Source"),
    ("sourcePortRange", "Source ports"),
    ("destinationAddressPrefix", "Destination"),
    ("destinationPortRange", "Destination ports"),
)


def _nsg_block_lines(block: Any) -> list[str]:
    """One NSG's effective rules: a table, then what each service tag expanded to."""
    if hasattr(block, "text_lines"):
        return list(block.text_lines())
    record = block.to_dict()
    rules = record.get("effectiveSecurityRules")
    if not isinstance(rules, list):
        return format_record(record)
    title = f"NSG {record.get('networkSecurityGroup')}"
    if record.get("association"):
        title += f" (associated with the {record['association']})"
    lines = [title, "", *format_table(rules, NSG_RULE_COLUMNS)]
    expanded: dict[str, str] = {}
    for rule in rules:
        for side in ("source", "destination"):
            shown = rule.get(f"{side}AddressPrefix")
            prefixes = rule.get(f"expanded{side.title()}AddressPrefix")
            if isinstance(shown, str) and isinstance(prefixes, list) and prefixes != [shown]:
                expanded.setdefault(shown, cell(prefixes))
    if expanded:
        lines += ["", "Tags expanded:"]
        lines += [f"  {tag} = {prefixes}" for tag, prefixes in expanded.items()]
    return lines


@_answers
def run_validate(path: str) -> Answer:
    """Every problem of the topology; exit 1 when at least one is an error (warnings alone: 0)."""
    topo = load(path)
    from quizgen.validate import check, has_errors

    problems = check(topo)
    errors = has_errors(problems)
    data = {"valid": not errors, "problems": [p.to_dict() for p in problems]}
    if not problems:
        return Answer(ANSWERED, f"{path}: no problems found", data)
    count = sum(p.severity == "error" for p in problems)
    lines = [f"{path}: {count} error(s), {len(problems) - count} warning(s)"]
    for p in problems:
        unsaid = [rule for rule in p.rules if rule not in p.message]
        rules = f" [{', '.join(unsaid)}]" if unsaid else ""
        lines.append(f"  {p.severity} {p.code}: {p.message}{rules}")
    return Answer(RULE_BROKEN if errors else ANSWERED, _text(lines), data)


@_answers
def run_peerings(path: str) -> Answer:
    """Each peering link: state, sync level, gateway transit in effect."""
    topo = load(path)
    from quizgen.evaluator.peering import peering_views

    rows = [view.to_dict() for view in peering_views(topo)]
    if not rows:
        return Answer(ANSWERED, f"{path}: no peerings", rows)
    return Answer(ANSWERED, _text(format_table(rows, PEERING_COLUMNS)), rows)


@_answers
def run_can_peer(path: str, vnet_a: str, vnet_b: str) -> Answer:
    """Whether VNET_A and VNET_B may be peered (ADDR-01, ADDR-02)."""
    topo = load(path)
    _require_vnet(topo, "VNET_A", vnet_a)
    _require_vnet(topo, "VNET_B", vnet_b)
    from quizgen.evaluator.peering import can_peer

    result = can_peer(topo, vnet_a, vnet_b)
    return Answer(ANSWERED, _text(text_of(result)), result.to_dict())


@_answers
def run_routes(path: str, vm: str | None = None, subnet: str | None = None) -> Answer:
    """The effective routes of a VM's subnet, or of VNET/SUBNET."""
    where = one_location(vm, subnet)
    topo = load(path)
    vnet_name, subnet_name, label = locate(topo, vm, where)
    from quizgen.evaluator.routes import effective_routes

    rows = [route.to_dict() for route in effective_routes(topo, vnet_name, subnet_name)]
    lines = [f"Effective routes of {label}", "", *format_table(rows, ROUTE_COLUMNS)]
    return Answer(ANSWERED, _text(lines), rows)


@_answers
def run_next_hop(path: str, dest: str, vm: str | None = None, subnet: str | None = None) -> Answer:
    """The next hop from a VM's subnet (or VNET/SUBNET) towards ``dest``."""
    where = one_location(vm, subnet)
    dest_ip = parse_ip("--dest", dest)
    topo = load(path)
    vnet_name, subnet_name, _ = locate(topo, vm, where)
    from quizgen.evaluator.routes import next_hop

    result = next_hop(topo, vnet_name, subnet_name, dest_ip)
    return Answer(ANSWERED, _text(text_of(result)), result.to_dict())


@_answers
def run_ip_flow(
    path: str, vm: str, direction: str, protocol: str, local: str, remote: str
) -> Answer:
    """Network Watcher's IP flow verify for one VM's NIC."""
    local_ip, local_port = parse_endpoint("--local", local)
    remote_ip, remote_port = parse_endpoint("--remote", remote)
    topo = load(path)
    _require_vm(topo, "--vm", vm)
    from quizgen.evaluator.nsg import ip_flow

    result = ip_flow(
        topo,
        vm,
        Direction(direction),
        Protocol(protocol),
        local_ip,
        local_port,
        remote_ip,
        remote_port,
    )
    return Answer(ANSWERED, _text(text_of(result)), result.to_dict())


@_answers
def run_nsg_eval(
    path: str,
    nsg: str,
    direction: str,
    protocol: str,
    source: str,
    destination: str,
    vnet: str | None = None,
) -> Answer:
    """One NSG alone against a 5-tuple; ``vnet`` (VNET or VNET/SUBNET) says where tags expand."""
    proto = Protocol(protocol)
    icmp = proto is Protocol.ICMP
    src_ip, src_port = parse_endpoint("--source", source, bare_ip_ok=icmp)
    dst_ip, dst_port = parse_endpoint("--destination", destination, bare_ip_ok=icmp)
    topo = load(path)
    _require_nsg(topo, "--nsg", nsg)
    from quizgen.evaluator.nsg import nsg_eval

    result = nsg_eval(
        topo, nsg, Direction(direction), proto, src_ip, src_port, dst_ip, dst_port, vnet=vnet
    )
    return Answer(ANSWERED, _text(text_of(result)), result.to_dict())


@_answers
def run_nsg_rules(path: str, vm: str) -> Answer:
    """The effective security rules of a VM, per NSG, tags expanded."""
    topo = load(path)
    _require_vm(topo, "--vm", vm)
    from quizgen.evaluator.nsg import effective_security_rules

    groups = effective_security_rules(topo, vm)
    if not groups:
        return Answer(ANSWERED, f"{vm}: no NSG on its NIC or subnet", [])
    lines: list[str] = []
    for group in groups:
        if lines:
            lines.append("")
        lines += _nsg_block_lines(group)
    return Answer(ANSWERED, _text(lines), [group.to_dict() for group in groups])


@_answers
def run_reach(
    path: str,
    from_: str,
    to: str,
    protocol: str,
    port: int | None = None,
    source_port: int = EPHEMERAL_PORT,
) -> Answer:
    """Whether a packet gets from ``from_`` to ``to``, hop by hop."""
    proto = Protocol(protocol)
    if port is None:
        if proto is not Protocol.ICMP:
            raise ArgumentError(
                f"--port: missing; expected the destination port (0 to 65535) for {proto.value}"
            )
        port = 0
    port = parse_port("--port", port)
    source_port = parse_port("--source-port", source_port)
    topo = load(path)
    from quizgen.evaluator.trace import reach

    result = reach(topo, from_.strip(), to.strip(), proto, port, source_port=source_port)
    return Answer(ANSWERED, _text(text_of(result)), result.to_dict())


# --- scenario ---------------------------------------------------------------------------------


def fault_catalogue_text() -> str:
    from quizgen.generator.faults import CATALOGUE, WITHHELD

    rows = [
        {"kind": f.kind, "reason": f.reason, "rules": ", ".join(f.rules), "summary": f.summary}
        for f in CATALOGUE.values()
    ]
    lines = format_table(
        rows,
        [
            ("kind", "Fault"),
            ("reason", "Reason code"),
            ("rules", "Rules"),
            ("summary", "What it does"),
        ],
    )
    lines += ["", "Not offered (they would rest on an UNCONFIRMED rule):"]
    lines += [f"  {kind}: {why}" for kind, why in WITHHELD.items()]
    return _text(lines)


#: The ``-o`` value that means standard output (``quizgen export``).
STDOUT = "-"


def _check_output(output: str, force: bool, example: str = "output/lab.yaml") -> None:
    """Refuse an output path that would lose something: never replace what is not a regular file
    (a folder, a symlink, a device), and a regular file only with ``force``. ``example`` is the
    file name the message for an empty path suggests."""
    import os

    if not output.strip():
        raise ArgumentError(f"-o: got an empty path; expected a file name such as {example}")
    if os.path.islink(output) or (os.path.exists(output) and not os.path.isfile(output)):
        raise ArgumentError(
            f"-o: {output} is not a regular file (a folder, link or device); "
            "expected a path to a new or existing file"
        )
    if os.path.exists(output) and not force:
        raise ArgumentError(f"-o: {output} already exists; pass --force to replace it")


def _write(output: str, text: str | bytes, force: bool) -> None:
    """Write ``text`` (or bytes) to ``output`` atomically (a crash never leaves half a file)."""
    import os
    import tempfile

    _check_output(output, force)
    folder = os.path.dirname(os.path.abspath(output))
    handle = None
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        os.makedirs(folder, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=folder, delete=False, suffix=".tmp") as handle:
            handle.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(handle.name, 0o666 & ~umask)  # as a plain open() would create it
        os.replace(handle.name, output)
    except OSError as error:
        if handle is not None and os.path.exists(handle.name):
            os.unlink(handle.name)
        raise ArgumentError(f"-o: cannot write {output}: {error.strerror or error}") from None


def families_text() -> str:
    from quizgen.questions.families import families
    from quizgen.questions.generate import wording

    rows = [
        {
            "name": f.name,
            "types": ", ".join(f.spec.item_types),
            "objective": wording(f.name).objective,
        }
        for f in families().values()
    ]
    return _text(
        format_table(
            rows, [("name", "Family"), ("types", "Item types"), ("objective", "AZ-104 objective")]
        )
    )


@_answers
def run_generate(
    count: int,
    seed: int | None,
    family: str | None,
    item_type: str | None,
    objective: str | None,
    difficulty: int | None,
    fmt: str,
    output: str | None,
    force: bool,
    question_id: str | None,
) -> Answer:
    """Verified questions as JSON, JSON lines or Markdown."""
    import random

    from quizgen.questions.generate import by_id, generate
    from quizgen.render import markdown

    if seed is None:
        seed = random.SystemRandom().randrange(2**31)
    if output is not None:
        _check_output(output, force)
    if question_id is not None:
        questions = [by_id(question_id)]
    else:
        questions = generate(count, seed, family, item_type, objective, difficulty)
    if fmt == "json":
        text = to_json(questions)
    elif fmt == "jsonl":
        text = "\n".join(json.dumps(q) for q in questions)
    else:
        text = markdown(questions)
    data = {"seed": seed, "count": len(questions), "output": output}
    if output is None:
        return Answer(ANSWERED, text.rstrip("\n"), data)
    _write(output, text if text.endswith("\n") else text + "\n", force)
    return Answer(ANSWERED, f"wrote {output}: {len(questions)} question(s), seed {seed}", data)


@_answers
def run_export(
    fmt: str,
    count: int,
    seed: int | None,
    family: str | None,
    item_type: str | None,
    objective: str | None,
    difficulty: int | None,
    output: str | None,
    force: bool,
) -> Answer:
    """Verified questions exported to a file for an LMS or Anki (quizgen/export/); ``data``
    holds the seed, the counts and notes on what a format had to split or leave out. With
    ``output`` "-" the answer's text is the file's content, for standard output (text formats
    only: a zip package, qti or anki, is refused there)."""
    import random

    from quizgen.export import BINARY, FORMATS
    from quizgen.questions.generate import generate

    if seed is None:
        seed = random.SystemRandom().randrange(2**31)
    to_stdout = output == STDOUT
    if to_stdout and fmt in BINARY:
        raise ArgumentError(
            f"-o -: {fmt} writes a zip package, which cannot go to standard output; expected a "
            f"file name such as quizgen.{FORMATS[fmt]}, or no -o for "
            f"output/quizgen-SEED.{FORMATS[fmt]} (standard output takes the text formats: "
            f"{', '.join(f for f in FORMATS if f not in BINARY)})"
        )
    if output is None:
        output = f"output/quizgen-{seed}.{FORMATS[fmt]}"
    if not to_stdout:
        _check_output(output, force, example=f"quizgen.{FORMATS[fmt]}")
    questions = generate(count, seed, family, item_type, objective, difficulty)
    notes: tuple[str, ...] = ()
    if fmt == "json":
        content: str | bytes = to_json(questions) + "\n"
    elif fmt == "markdown":
        from quizgen.render import markdown

        content = markdown(questions)
    elif fmt == "gift":
        from quizgen.export import gift

        exported = gift.export_file(questions)
        content, notes = exported.text, exported.notes
    else:
        import importlib

        content = importlib.import_module(f"quizgen.export.{fmt}").export(questions)
    data = {"seed": seed, "format": fmt, "count": len(questions), "output": output,
            "notes": list(notes)}
    if to_stdout:
        text = content.decode("utf-8") if isinstance(content, bytes) else content
        return Answer(ANSWERED, text, data)  # exactly what the file would hold
    _write(output, content, force)
    lines = [f"wrote {output}: {len(questions)} question(s) as {fmt}, seed {seed}"]
    lines += [f"note: {note}" for note in notes]
    return Answer(ANSWERED, _text(lines), data)


@_answers
def run_scenario(
    seed: int | None,
    shape: str | None,
    faults: Sequence[str],
    size: str,
    output: str | None,
    force: bool,
    lab: bool = False,
) -> Answer:
    """A verified scenario as a topology file; ``data`` holds the seed and where it went.

    With ``lab`` the file is the topology alone, for a learner to troubleshoot: the scenario
    section, which names the fault and its fix, is left out (the seed regenerates it)."""
    import random

    from quizgen.generator.scenario import generate
    from quizgen.loader import dump_yaml, topology_from_dict

    if seed is None:
        seed = random.SystemRandom().randrange(2**31)
    if output is not None:
        _check_output(output, force)
    scenario = generate(seed, shape, list(faults), size)
    doc = {k: v for k, v in scenario.doc.items() if k != "scenario"} if lab else scenario.doc
    text = dump_yaml(topology_from_dict(doc, "scenario"))
    data = {
        "seed": seed,
        "shape": scenario.shape,
        "size": size,
        "faults": [f["kind"] for f in scenario.section["faults"]],
        "output": output,
    }
    if output is None:
        return Answer(ANSWERED, text.rstrip("\n"), data)
    _write(output, text, force)
    faults_text = ", ".join(data["faults"])
    return Answer(
        ANSWERED,
        f"wrote {output}: {scenario.shape} ({size}), fault {faults_text}, seed {seed}",
        data,
    )


# --- paper: practice sheets and exam sets ------------------------------------------------------


def _paper_seed(seed: int | None) -> int:
    import random

    return random.SystemRandom().randrange(2**31) if seed is None else seed


@_answers
def run_sheet(
    count: int,
    seed: int | None,
    family: str | None,
    item_type: str | None,
    objective: str | None,
    difficulty: int | None,
    paper: str,
    key_separate: bool,
    output: str | None,
    force: bool,
) -> Answer:
    """A practice sheet PDF (and its key apart with ``key_separate``)."""
    from quizgen.paper.files import Filters, SheetSettings, check_targets, key_name, sheet
    from quizgen.paper.files import write_files as write_all

    seed = _paper_seed(seed)
    name = output if output is not None else os.path.join("output", f"sheet-{seed}.pdf")
    if not name.strip():
        raise ArgumentError("-o: got an empty path; expected a file name such as sheet.pdf")
    check_targets([name, key_name(name)] if key_separate else [name], force)
    settings = SheetSettings(
        count, seed, paper, key_separate, Filters(family, item_type, objective, difficulty)
    )
    printed = sheet(settings, name)
    written = write_all("", printed.files, force)
    where = " and ".join(written)
    key = "" if key_separate else " (answer key at the end)"
    return Answer(ANSWERED, f"wrote {where}: {printed.summary}{key}", printed.data)


@_answers
def run_exam_set(
    versions: int | None,
    count: int | None,
    seed: int | None,
    title: str | None,
    minutes: int | None,
    paper: str | None,
    output: str | None,
    force: bool,
    manifest: str | None = None,
    filters: Mapping[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Answer:
    """An exam set: per version a student PDF and a key PDF, and manifest.json; with
    ``manifest``, the set that manifest describes, rebuilt."""
    from quizgen.paper import files
    from quizgen.paper.documents import EXAM_TITLE

    def advance(total: int) -> Callable[[int], None]:
        return (lambda n: progress(n, total)) if progress is not None else (lambda n: None)

    if manifest is not None:
        given = {"--versions": versions, "--count": count, "--seed": seed, "--title": title,
                 "--minutes": minutes, "--paper": paper}  # fmt: skip
        given.update({f"--{k.replace('_', '-')}": v for k, v in (filters or {}).items()})
        clash = [option for option, value in given.items() if value is not None]
        if clash:
            raise ArgumentError(
                f"{', '.join(clash)}: the manifest gives the set's options; expected "
                "--manifest alone (with -o and --force)"
            )
        from quizgen.paper.manifest import read_manifest

        settings, _ = read_manifest(manifest)
        folder = output if output is not None else os.path.dirname(manifest) or "."
        printed, settings = files.rebuild(manifest, advance(files.total_steps(settings.versions)))
        if os.path.abspath(os.path.join(folder, "manifest.json")) == os.path.abspath(manifest):
            del printed.files["manifest.json"]  # the manifest it was rebuilt from stays as it is
    else:
        if versions is None or count is None:
            missing = "--versions" if versions is None else "--count"
            raise ArgumentError(
                f"{missing}: missing; expected --versions V --count N (or --manifest FILE to "
                "rebuild a set)"
            )
        seed = _paper_seed(seed)
        settings = files.ExamSettings(
            versions=versions,
            count=count,
            seed=seed,
            title=title if title is not None else EXAM_TITLE,
            minutes=minutes if minutes is not None else 2 * count,
            paper=paper or "a4",
            filters=files.Filters(**(filters or {})),
        )
        if not settings.title.strip():
            raise ArgumentError("--title: got an empty title; expected the exam's name")
        folder = output if output is not None else os.path.join("output", f"exam-{seed}")
        names = [f"version-{c}{s}.pdf" for c in _codes(versions) for s in ("", "-key")]
        files.check_targets([os.path.join(folder, n) for n in [*names, "manifest.json"]], force)
        printed = files.exam_set(settings, advance(files.total_steps(versions)))
    files.check_targets([os.path.join(folder, n) for n in printed.files], force)
    # A smaller set printed over a larger one: the earlier set's other versions would be left
    # beside a manifest that no longer lists them, so they go (only files that manifest named).
    stale = files.earlier_set_files(folder, list(printed.files)) if force else []
    written = files.write_files(folder, printed.files, force)
    removed = files.remove_files(folder, stale)
    data = {**printed.data, "seed": settings.seed, "folder": folder, "files": written,
            "removed": removed}  # fmt: skip
    said = f"wrote {len(written)} files to {folder}: {printed.summary}"
    if removed:
        names = ", ".join(os.path.basename(p) for p in removed)
        said += f"; removed {len(removed)} file(s) of the set printed there before ({names})"
    return Answer(ANSWERED, said, data)


def _codes(versions: int) -> list[str]:
    from quizgen.paper.forms import version_codes

    return version_codes(versions)
