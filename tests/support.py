"""Helpers shared by the test modules (tests/ is on sys.path while pytest runs)."""

from __future__ import annotations

from click.testing import CliRunner

from quizgen.cli import main


def invoke(*args: str) -> tuple[int, str, str]:
    """Run quizgen in-process: (exit code, stdout, stderr). Unexpected exceptions propagate."""
    try:
        runner = CliRunner(mix_stderr=False)  # click 8.1
    except TypeError:
        runner = CliRunner()  # click 8.2+ keeps stderr apart
    result = runner.invoke(main, list(args), prog_name="quizgen")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr
