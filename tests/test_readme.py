"""Docs that run: the README's tables are the code's vocabularies, and its tour is real output.

- The reason, validate and assumption tables between <!-- NAME:start/end --> markers must equal
  what the code defines; ``pytest --update-golden`` rewrites them.
- Every ``$ quizgen ...`` line of a ```console block is run; the lines after it must be its
  output, where a line ``...`` stands for the rest.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from quizgen.evaluator.assumptions import ASSUMPTIONS
from quizgen.evaluator.trace import REASON_TEXT
from quizgen.validate import CODES

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def _table(header: tuple[str, str], rows: list[tuple[str, str]]) -> str:
    lines = [f"| {header[0]} | {header[1]} |", "|---|---|"]
    lines += [f"| `{key}` | {text} |" for key, text in rows]
    return "\n".join(lines)


TABLES = {
    "reasons": _table(("code", "meaning"), [(r.value, t) for r, t in REASON_TEXT.items()]),
    "validate": _table(("code", "meaning"), list(CODES.items())),
    "assumptions": _table(("id", "what the answer leans on"), list(ASSUMPTIONS.items())),
}


@pytest.mark.parametrize("name", TABLES)
def test_readme_table_matches_code(name, request):
    text = README.read_text(encoding="utf-8")
    pattern = re.compile(rf"(<!-- {name}:start -->\n)(.*?)(<!-- {name}:end -->)", re.S)
    match = pattern.search(text)
    assert match, f"README.md lacks the <!-- {name}:start --> ... <!-- {name}:end --> markers"
    wanted = TABLES[name] + "\n"
    if request.config.getoption("--update-golden"):
        README.write_text(pattern.sub(lambda m: m[1] + wanted + m[3], text), encoding="utf-8")
        return
    assert match[2] == wanted, f"README's {name} table is stale: run pytest --update-golden"


def _console_commands():
    blocks = re.findall(r"```console\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    for block in blocks:
        command, expected = None, []
        for line in block.splitlines():
            if line.startswith("$ "):
                if command:
                    yield command, expected
                command, expected = line[2:], []
            else:
                expected.append(line)
        if command:
            yield command, expected


TOUR = list(_console_commands())


def test_readme_has_a_tour():
    assert len(TOUR) >= 5


@pytest.mark.parametrize(("command", "expected"), TOUR, ids=[c for c, _ in TOUR])
def test_readme_tour_is_real_output(command, expected):
    argv = shlex.split(command)
    assert argv[0] == "quizgen"
    done = subprocess.run(
        [sys.executable, "-m", "quizgen", *argv[1:]],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    actual = done.stdout.splitlines()
    if expected and expected[-1] == "...":
        expected = expected[:-1]
        actual = actual[: len(expected)]
    assert actual == expected


def test_every_net_command_has_help_and_is_documented():
    from quizgen.cli import main

    net = main.commands["net"]
    text = README.read_text(encoding="utf-8")
    for name, command in net.commands.items():
        assert command.get_short_help_str().strip(), f"net {name} has no help text"
        assert f"quizgen net {name}" in text, f"README does not document net {name}"


def test_every_command_has_help_and_is_documented():
    from quizgen.cli import main

    text = README.read_text(encoding="utf-8")
    for name, command in main.commands.items():
        assert command.get_short_help_str().strip(), f"{name} has no help text"
        assert f"quizgen {name}" in text, f"README does not document quizgen {name}"
