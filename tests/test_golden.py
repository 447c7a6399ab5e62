"""The ``golden`` fixture and ``--update-golden`` flag of tests/conftest.py, run in a sandbox."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

CONFTEST = Path(__file__).with_name("conftest.py").read_text(encoding="utf-8")

TEST = """
def test_page(golden):
    golden("pages/page.txt", TEXT)
"""


def _project(pytester: pytest.Pytester, text: str) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_page=f"TEXT = {text!r}\n" + TEST)


def test_missing_golden_file_fails_and_says_how_to_create_it(pytester: pytest.Pytester) -> None:
    _project(pytester, "one\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*tests/golden/pages/page.txt does not exist*--update-golden*"])


def test_update_writes_then_compare_passes(pytester: pytest.Pytester) -> None:
    _project(pytester, "one\ntwo\n")
    pytester.runpytest("--update-golden").assert_outcomes(passed=1)
    assert (pytester.path / "golden" / "pages" / "page.txt").read_text() == "one\ntwo\n"
    pytester.runpytest().assert_outcomes(passed=1)


def test_difference_fails_with_a_unified_diff(pytester: pytest.Pytester) -> None:
    _project(pytester, "one\ntwo\n")
    pytester.runpytest("--update-golden").assert_outcomes(passed=1)
    _project(pytester, "one\nTWO\n")
    result = pytester.runpytest()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*--- tests/golden/pages/page.txt*", "*+++ actual*", "*-two", "*+TWO"]
    )
    assert (pytester.path / "golden" / "pages" / "page.txt").read_text() == "one\ntwo\n"
