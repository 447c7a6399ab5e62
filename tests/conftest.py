"""Shared test settings: hypothesis profiles and golden files.

Hypothesis profile: $HYPOTHESIS_PROFILE when set, else ``ci`` when $CI is set (derandomized, so
CI is repeatable), else ``dev``.

Golden files: the ``golden`` fixture compares text with a file under tests/golden/;
``pytest --update-golden`` rewrites the files instead, to be reviewed with ``git diff``.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

GOLDEN_DIR = Path(__file__).parent / "golden"

settings.register_profile("ci", derandomize=True, max_examples=200, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite the files under tests/golden/ with what the tests now produce.",
    )


GoldenCheck = Callable[[str, str], None]


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> GoldenCheck:
    """``golden(name, text)``: ``text`` must equal tests/golden/``name``.

    With ``--update-golden`` the file is (re)written instead. Otherwise a missing file or any
    difference fails the test with a unified diff (expected = the file, actual = ``text``).
    """
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = GOLDEN_DIR / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
            return
        if not path.exists():
            pytest.fail(
                f"golden file tests/golden/{name} does not exist; "
                "run pytest --update-golden to create it, then review it",
                pytrace=False,
            )
        expected = path.read_text(encoding="utf-8")
        if text != expected:
            diff = difflib.unified_diff(
                expected.splitlines(keepends=True),
                text.splitlines(keepends=True),
                fromfile=f"tests/golden/{name}",
                tofile="actual",
            )
            pytest.fail(
                f"output differs from tests/golden/{name} "
                "(run pytest --update-golden if the change is intended):\n" + "".join(diff),
                pytrace=False,
            )

    return check
