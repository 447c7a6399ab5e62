"""The ``quizgen`` command: parse options, call the library, print, exit.

The only module that prints or exits. Exit status of the ``net`` commands: 0 answered,
1 the topology breaks an Azure rule (validate), 2 bad input or bad usage. Heavy modules
(the loader and its YAML parser, the evaluator, Jinja, WeasyPrint) are imported only by the
command that needs them, so ``quizgen --help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from quizgen import __version__, commands
from quizgen.export import FORMATS as EXPORT_FORMATS
from quizgen.generator.topologies import SHAPES, SIZES
from quizgen.questions import ITEM_TYPES

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

DIRECTIONS = click.Choice(["inbound", "outbound"], case_sensitive=False)
FLOW_PROTOCOLS = click.Choice(["tcp", "udp"], case_sensitive=False)
PROTOCOLS = click.Choice(["tcp", "udp", "icmp"], case_sensitive=False)
PORT = click.IntRange(0, 65535)


def _finish(answer: commands.Answer, as_json: bool) -> None:
    """Print ``answer`` (JSON on stdout, or text; text of bad input on stderr) and exit."""
    if as_json:
        click.echo(commands.to_json(answer.data))
    elif answer.text:
        click.echo(answer.text, err=answer.exit_code == commands.BAD_INPUT)
    click.get_current_context().exit(answer.exit_code)


def _finish_drawn(answer: commands.Answer, drawn: bool, what: str, output: str | None) -> None:
    """Finish a command that draws from a seed: a drawn seed is printed on stderr (so stdout
    stays the document), and when the document went to a file, only that report is printed."""
    if answer.exit_code == commands.ANSWERED and drawn:
        _print_seed(answer.data["seed"], what)
    if answer.exit_code == commands.ANSWERED and output is not None:
        click.echo(answer.text, err=True)
        return
    _finish(answer, as_json=False)


def _print_seed(seed: int, what: str) -> None:
    click.echo(f"seed: {seed} (pass --seed {seed} to get {what} again)", err=True)


def _file_and_json(func: F) -> F:
    """The FILE argument and the --json flag every ``net`` command takes."""
    func = click.option(
        "--json", "as_json", is_flag=True, help="Print one JSON document instead of text."
    )(func)
    return click.argument("file", metavar="FILE", type=click.Path(dir_okay=False))(func)


def _question_filters(func: F) -> F:
    """--objective, --family, --type and --difficulty, as ``quizgen generate`` takes them."""
    for option in reversed(
        [
            click.option(
                "--objective", metavar="O", help="Only families whose objective contains O."
            ),
            click.option(
                "--family", metavar="F", help="Only this family (see 'quizgen generate --list')."
            ),
            click.option(
                "--type", "item_type", type=click.Choice(ITEM_TYPES), help="Only this item type."
            ),
            click.option(
                "--difficulty", type=click.IntRange(1, 5), metavar="D", help="Only difficulty D."
            ),
        ]
    ):
        func = option(func)
    return func


def _draw_options(default: int, most: int) -> Callable[[F], F]:
    """--count and --seed, then the question filters: what every command that draws questions
    takes."""

    def decorate(func: F) -> F:
        func = _question_filters(func)
        func = click.option(
            "--seed", type=int, metavar="S", help="Seed for the draw; printed when omitted."
        )(func)
        return click.option(
            "--count",
            "-n",
            type=click.IntRange(1, most),
            default=default,
            show_default=True,
            help="How many questions.",
        )(func)

    return decorate


def _location(func: F) -> F:
    """--vm VM or --subnet VNET/SUBNET (exactly one)."""
    func = click.option(
        "--subnet", metavar="VNET/SUBNET", help="A subnet, as VNET/SUBNET (instead of --vm)."
    )(func)
    return click.option("--vm", metavar="VM", help="A VM: its subnet is used.")(func)


class _Group(click.Group):
    """Lists commands in the order they are defined, and the commands of its subgroups too."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows: list[tuple[str, str]] = []
        for name in self.list_commands(ctx):
            command = self.commands[name]
            if command.hidden:
                continue
            rows.append((name, command.get_short_help_str(limit=70)))
            if isinstance(command, click.Group):
                sub_ctx = click.Context(command, parent=ctx, info_name=name)
                for sub in command.list_commands(sub_ctx):
                    subcommand = command.commands[sub]
                    if not subcommand.hidden:
                        rows.append((f"{name} {sub}", subcommand.get_short_help_str(limit=70)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=_Group, context_settings=CONTEXT)
@click.version_option(
    __version__, "-V", "--version", prog_name="quizgen", message="%(prog)s %(version)s"
)
def main() -> None:
    """Verified AZ-104 Azure networking practice.

    Every answer comes from a network evaluator that follows Azure's documented rules.
    """


@main.group(cls=_Group, context_settings=CONTEXT)
def net() -> None:
    """Ask the network evaluator about a topology file.

    Each command reads a topology file (YAML or JSON), never changes it, and prints text,
    or one JSON document with --json. Exit status: 0 answered, 1 the topology breaks an
    Azure rule (validate), 2 bad input or bad usage.
    """


@net.command()
@_file_and_json
def validate(file: str, as_json: bool) -> None:
    """List every configuration problem, each with a code."""
    _finish(commands.run_validate(file), as_json)


@net.command()
@_file_and_json
def peerings(file: str, as_json: bool) -> None:
    """Show each peering link: state, sync level, transit."""
    _finish(commands.run_peerings(file), as_json)


@net.command("can-peer")
@_file_and_json
@click.argument("vnet_a", metavar="VNET_A")
@click.argument("vnet_b", metavar="VNET_B")
def can_peer(file: str, vnet_a: str, vnet_b: str, as_json: bool) -> None:
    """Check whether two VNets may be peered."""
    _finish(commands.run_can_peer(file, vnet_a, vnet_b), as_json)


@net.command()
@_file_and_json
@_location
def routes(file: str, vm: str | None, subnet: str | None, as_json: bool) -> None:
    """Show the effective routes of a VM or subnet."""
    _finish(commands.run_routes(file, vm=vm, subnet=subnet), as_json)


@net.command("next-hop")
@_file_and_json
@_location
@click.option("--dest", required=True, metavar="IP", help="Destination IP address.")
def next_hop(file: str, vm: str | None, subnet: str | None, dest: str, as_json: bool) -> None:
    """Find the next hop towards an IP, like Network Watcher."""
    _finish(commands.run_next_hop(file, dest, vm=vm, subnet=subnet), as_json)


@net.command("ip-flow")
@_file_and_json
@click.option("--vm", required=True, metavar="VM", help="The VM whose NIC is checked.")
@click.option("--direction", required=True, type=DIRECTIONS, help="Direction of the packet.")
@click.option("--protocol", required=True, type=FLOW_PROTOCOLS, help="Protocol of the packet.")
@click.option("--local", required=True, metavar="IP:PORT", help="The VM's address and port.")
@click.option(
    "--remote", required=True, metavar="IP:PORT", help="The other end's address and port."
)
def ip_flow(
    file: str, vm: str, direction: str, protocol: str, local: str, remote: str, as_json: bool
) -> None:
    """Verify whether NSGs allow a flow to or from a VM."""
    _finish(commands.run_ip_flow(file, vm, direction, protocol, local, remote), as_json)


@net.command("nsg-eval")
@_file_and_json
@click.option("--nsg", required=True, metavar="NSG", help="The NSG to evaluate, alone.")
@click.option("--direction", required=True, type=DIRECTIONS, help="Direction of the packet.")
@click.option("--protocol", required=True, type=PROTOCOLS, help="Protocol of the packet.")
@click.option("--source", required=True, metavar="IP:PORT", help="Source address and port.")
@click.option(
    "--destination", required=True, metavar="IP:PORT", help="Destination address and port."
)
@click.option(
    "--vnet", metavar="VNET[/SUBNET]", help="Expand service tags as seen from this VNet or subnet."
)
def nsg_eval(
    file: str,
    nsg: str,
    direction: str,
    protocol: str,
    source: str,
    destination: str,
    vnet: str | None,
    as_json: bool,
) -> None:
    """Evaluate one NSG's rules against a 5-tuple."""
    answer = commands.run_nsg_eval(file, nsg, direction, protocol, source, destination, vnet=vnet)
    _finish(answer, as_json)


@net.command("nsg-rules")
@_file_and_json
@click.option("--vm", required=True, metavar="VM", help="The VM whose NSGs are shown.")
def nsg_rules(file: str, vm: str, as_json: bool) -> None:
    """Show a VM's effective security rules, per NSG."""
    _finish(commands.run_nsg_rules(file, vm), as_json)


@net.command()
@_file_and_json
@click.option("--from", "from_", required=True, metavar="VM|IP", help="Where the packet starts.")
@click.option("--to", required=True, metavar="VM|IP", help="Where the packet goes.")
@click.option("--protocol", required=True, type=PROTOCOLS, help="Protocol of the packet.")
@click.option("--port", type=PORT, metavar="N", help="Destination port (ignored for icmp).")
@click.option(
    "--source-port",
    type=PORT,
    default=commands.EPHEMERAL_PORT,
    show_default=True,
    metavar="N",
    help="The client's source port.",
)
def reach(
    file: str,
    from_: str,
    to: str,
    protocol: str,
    port: int | None,
    source_port: int,
    as_json: bool,
) -> None:
    """Trace a packet hop by hop: delivered, or why not."""
    _finish(commands.run_reach(file, from_, to, protocol, port, source_port), as_json)


@main.command()
@click.option("--seed", type=int, metavar="N", help="Seed for the draw; printed when omitted.")
@click.option("--shape", type=click.Choice(SHAPES), help="Topology shape (drawn when omitted).")
@click.option(
    "--fault",
    "faults",
    multiple=True,
    metavar="KIND",
    help="Fault to inject (repeat to combine; see --list-faults). Drawn when omitted.",
)
@click.option(
    "--size",
    type=click.Choice(SIZES),
    default="small",
    show_default=True,
    help="small: 2-5 VNets; medium: 6-12; large: 20-40 (two-vnets stays 2; chains and "
    "meshes stay under a dozen).",
)
@click.option("-o", "--output", metavar="FILE", help="Write the topology file here (else stdout).")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@click.option(
    "--lab",
    is_flag=True,
    help="Leave out the scenario: section (it names the fault): a file for a learner.",
)
@click.option("--list-faults", is_flag=True, help="List the fault catalogue and exit.")
def scenario(
    seed: int | None,
    shape: str | None,
    faults: tuple[str, ...],
    size: str,
    output: str | None,
    force: bool,
    lab: bool,
    list_faults: bool,
) -> None:
    """Generate a verified topology with injected faults."""
    if list_faults:
        click.echo(commands.fault_catalogue_text())
        return
    answer = commands.run_scenario(seed, shape, faults, size, output, force, lab)
    _finish_drawn(answer, seed is None, "this scenario", output)


@main.command()
@_draw_options(default=10, most=10_000)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl", "md"]),
    default="json",
    show_default=True,
    help="Question documents (JSON, JSON lines) or Markdown text.",
)
@click.option("-o", "--output", metavar="FILE", help="Write here (else stdout).")
@click.option("--force", is_flag=True, help="Replace FILE if it exists.")
@click.option(
    "--id", "question_id", metavar="ID", help="Regenerate one question: FAMILY@VERSION#SEED."
)
@click.option("--list", "list_families", is_flag=True, help="List the question families and exit.")
def generate(
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
    list_families: bool,
) -> None:
    """Generate exam questions whose keys the evaluator has verified."""
    if list_families:
        click.echo(commands.families_text())
        return
    answer = commands.run_generate(
        count, seed, family, item_type, objective, difficulty, fmt, output, force, question_id
    )
    _finish_drawn(answer, seed is None and question_id is None, "these questions", output)


# --- paper: practice sheets and exam sets ------------------------------------------------------

PAPERS = click.Choice(["a4", "letter"], case_sensitive=False)


class _Progress:
    """A progress bar on stderr, shown only when stderr is a terminal."""

    def __init__(self, label: str) -> None:
        import sys

        self.label = label
        self.shown = sys.stderr.isatty()
        self.bar: Any = None

    def __call__(self, advance: int, total: int) -> None:
        if not self.shown:
            return
        if self.bar is None:
            self.bar = click.progressbar(
                length=total, label=self.label, file=click.get_text_stream("stderr")
            )
            self.bar.__enter__()
        self.bar.update(advance)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@main.command()
@_draw_options(default=20, most=500)
@click.option("--paper", type=PAPERS, default="a4", show_default=True, help="Page size.")
@click.option(
    "--key-separate",
    is_flag=True,
    help="Print the answer key in FILE-key.pdf instead of at the end.",
)
@click.option(
    "-o", "--output", metavar="FILE", help="The PDF to write (default: output/sheet-SEED.pdf)."
)
@click.option("--force", is_flag=True, help="Replace the PDF(s) if they exist.")
def sheet(
    count: int,
    seed: int | None,
    objective: str | None,
    family: str | None,
    item_type: str | None,
    difficulty: int | None,
    paper: str,
    key_separate: bool,
    output: str | None,
    force: bool,
) -> None:
    """Print a practice sheet PDF, with its answer key and explanations."""
    answer = commands.run_sheet(
        count,
        seed,
        family,
        item_type,
        objective,
        difficulty,
        paper.lower(),
        key_separate,
        output,
        force,
    )
    _finish_drawn(answer, seed is None, "this sheet", "")


@main.command("exam-set")
@click.option(
    "--versions", type=click.IntRange(1, 26), metavar="V", help="How many versions (1-26)."
)
@click.option("--count", "-n", type=click.IntRange(1, 200), metavar="N", help="Items per version.")
@click.option("--seed", type=int, metavar="S", help="Seed for the draw; printed when omitted.")
@click.option("--title", metavar="T", help="Title on every page (default: AZ-104 networking exam).")
@click.option(
    "--minutes",
    type=click.IntRange(1, 1000),
    metavar="M",
    help="Time allowed (default: 2 per item).",
)
@_question_filters
@click.option("--paper", type=PAPERS, help="Page size: a4 (default) or letter.")
@click.option(
    "-o", "--output", metavar="DIR", help="Folder for the files (default: output/exam-SEED)."
)
@click.option("--force", is_flag=True, help="Replace files that exist in DIR.")
@click.option(
    "--manifest",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Rebuild the set a manifest.json describes (into its folder unless -o is given).",
)
def exam_set(
    versions: int | None,
    count: int | None,
    seed: int | None,
    title: str | None,
    minutes: int | None,
    objective: str | None,
    family: str | None,
    item_type: str | None,
    difficulty: int | None,
    paper: str | None,
    output: str | None,
    force: bool,
    manifest: str | None,
) -> None:
    """Print an exam set: versions, keys with marking grids, and a manifest."""
    filters = {
        "family": family,
        "item_type": item_type,
        "objective": objective,
        "difficulty": difficulty,
    }
    progress = _Progress("Printing the exam set")
    try:
        answer = commands.run_exam_set(
            versions,
            count,
            seed,
            title,
            minutes,
            paper.lower() if paper else None,
            output,
            force,
            manifest,
            filters if manifest is None else {k: v for k, v in filters.items() if v is not None},
            progress,
        )
    finally:
        progress.close()
    _finish_drawn(answer, seed is None and manifest is None, "this exam set", "")


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(list(EXPORT_FORMATS)),
    required=True,
    help="moodle (Moodle XML), gift, qti (QTI 2.1 zip for Canvas and others), anki (.apkg), "
    "json or markdown.",
)
@_draw_options(default=10, most=10_000)
@click.option(
    "-o",
    "--output",
    metavar="PATH",
    help="Write here (default: output/quizgen-SEED.EXT, EXT from the format); - writes a "
    "text format (moodle, gift, json, markdown) to standard output.",
)
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
def export(
    fmt: str,
    count: int,
    seed: int | None,
    family: str | None,
    item_type: str | None,
    objective: str | None,
    difficulty: int | None,
    output: str | None,
    force: bool,
) -> None:
    """Export verified questions to Moodle, GIFT, QTI (Canvas), Anki, JSON or Markdown."""
    answer = commands.run_export(
        fmt, count, seed, family, item_type, objective, difficulty, output, force
    )
    if answer.exit_code == commands.BAD_INPUT:  # named as drill, review, stats and exam do
        answer = answer._replace(text=f"quizgen export: {answer.text}")
    if answer.exit_code == commands.ANSWERED and output == commands.STDOUT:
        # Standard output gets exactly what the file would hold; the drawn seed and the notes
        # of what a format split or left out go to stderr.
        if seed is None:
            _print_seed(answer.data["seed"], "these questions")
        for note in answer.data["notes"]:
            click.echo(f"note: {note}", err=True)
        click.echo(answer.text, nl=False)
        return
    # To a file, only the report (with the notes) is printed, on stderr.
    _finish_drawn(answer, seed is None, "these questions", output or "output/")


# --- practice: drill, review, stats -------------------------------------------------------------


def _practice_options(func: F) -> F:
    """Options shared by the practice commands: the store and the terminal mode."""
    func = click.option(
        "--plain",
        is_flag=True,
        help="No colour and no box drawing; numbered choices typed at a prompt (for screen "
        "readers and pipes). Also on when NO_COLOR is set or the terminal is not interactive.",
    )(func)
    return click.option(
        "--db",
        metavar="PATH",
        type=click.Path(dir_okay=False),
        help="Progress database (default: $QUIZGEN_DB, else progress.sqlite3 in your user "
        "data folder).",
    )(func)


def _filter_options(func: F) -> F:
    for option in reversed(
        [
            click.option(
                "--family",
                "families",
                metavar="F",
                multiple=True,
                help="Only this family (repeat for more; see 'quizgen generate --list').",
            ),
            click.option("--objective", metavar="O", help="Only objectives containing O."),
            click.option(
                "--type", "item_type", type=click.Choice(ITEM_TYPES), help="Only this item type."
            ),
            click.option(
                "--difficulty", type=click.IntRange(1, 5), metavar="D", help="Only difficulty D."
            ),
            click.option("--seed", type=int, metavar="S", help="Seed for the variants drawn."),
        ]
    ):
        func = option(func)
    return func


def _run_practice(mode: str, **kwargs: Any) -> None:
    """Open the store and run a drill or review; bad input and store problems exit 2."""
    from quizgen.drill import cli_support
    from quizgen.errors import QuizgenError

    try:
        code = cli_support.practice(mode, **kwargs)
    except QuizgenError as error:
        click.echo(f"quizgen {mode}: {error}", err=True)
        raise SystemExit(2) from None
    raise SystemExit(code)


@main.command()
@click.option(
    "--count", "-n", type=click.IntRange(1, 1000), help="Stop after N answers (default: until q)."
)
@_filter_options
@_practice_options
def drill(**kwargs: Any) -> None:
    """Practise with immediate feedback; weak and overdue topics come back sooner."""
    _run_practice("drill", **kwargs)


@main.command()
@click.option(
    "--count", "-n", type=click.IntRange(1, 1000), help="At most N questions (default: one "
    "fresh variant per family you got wrong)."
)
@click.option("--seed", type=int, metavar="S", help="Seed for the variants drawn.")
@_practice_options
def review(**kwargs: Any) -> None:
    """Your past mistakes again, as fresh variants of the same families."""
    _run_practice("review", **kwargs)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead of text.")
@click.option("--days", type=click.IntRange(1, 3650), default=14, show_default=True,
              help="How many days of history to show.")  # fmt: skip
@click.option(
    "--db", metavar="PATH", type=click.Path(dir_okay=False), help="Progress database."
)
@click.option("--plain", is_flag=True, help="ASCII tables (also when not printing to a terminal).")
def stats(as_json: bool, days: int, db: str | None, plain: bool) -> None:
    """Your progress over time, per objective and misconception, with the weakest areas."""
    from quizgen.drill import cli_support
    from quizgen.errors import QuizgenError

    try:
        click.echo(cli_support.stats_text(db, days, as_json, plain))
    except QuizgenError as error:
        click.echo(f"quizgen stats: {error}", err=True)
        raise SystemExit(2) from None


@main.command()
@click.option(
    "--count",
    "-n",
    type=click.IntRange(1, 200),
    default=40,
    show_default=True,
    help="How many questions (the real AZ-104 has 40-60).",
)
@click.option(
    "--minutes",
    type=click.IntRange(1, 1000),
    metavar="M",
    help="Time allowed, in minutes (default: 2 per question).",
)
@click.option("--seed", type=int, metavar="S", help="Seed for the draw; printed when omitted.")
@click.option("--family", metavar="F", help="Only this family (see 'quizgen generate --list').")
@click.option("--objective", metavar="O", help="Only families whose AZ-104 objective contains O.")
@click.option(
    "--difficulty", type=click.IntRange(1, 5), metavar="D", help="Only difficulty D (1-5)."
)
@click.option(
    "--resume",
    is_flag=True,
    help="Resume the unfinished exam as it was started (the default when there is one and "
    "no option above asks for another exam).",
)
@click.option("--new", is_flag=True, help="Abandon the unfinished exam and start a new one.")
@_practice_options
@click.pass_context
def exam(ctx: click.Context, resume: bool, new: bool, **kwargs: Any) -> None:
    """Sit a timed mock exam: no feedback until you submit, then your score and report.

    Flag questions for review, review before submitting; a yes/no series is locked once
    answered and left, as on the real exam. Every answer is saved when given: stop with q or
    Ctrl-C and run quizgen exam again to resume. Exit status: 0 submitted or stopped with q,
    1 input ended first (--plain), 130 Ctrl-C, 2 bad input.
    """
    from click.core import ParameterSource

    from quizgen.drill import exam_cli
    from quizgen.errors import QuizgenError

    if resume and new:
        raise click.UsageError("--resume and --new contradict each other; give one of them")
    given = {
        name: kwargs[name]
        for name in exam_cli.SELECTION
        if ctx.get_parameter_source(name) not in (ParameterSource.DEFAULT, None)
    }
    wanted = True if resume else (False if new else None)
    try:
        code = exam_cli.sit(resume_wanted=wanted, given=given, **kwargs)
    except QuizgenError as error:
        click.echo(f"quizgen exam: {error}", err=True)
        raise SystemExit(2) from None
    raise SystemExit(code)
