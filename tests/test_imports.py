"""Layering: what each module pulls in when imported alone (style.md, "dependencies point inward").

Every module under quizgen/ is checked, each in a fresh interpreter so nothing imported by other
tests hides a leak. A module may use only the standard library unless LAYERS gives its package
more; a new module that needs a third-party package must be added there, on purpose.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "quizgen"

#: module or package -> the top-level third-party packages it may import (style.md).
LAYERS: dict[str, frozenset[str]] = {
    "quizgen.cli": frozenset({"click"}),
    "quizgen.loader": frozenset({"yaml"}),
    "quizgen.source": frozenset({"yaml"}),  # the loader's YAML reader, with line numbers
    "quizgen.render": frozenset({"jinja2", "markupsafe"}),
    "quizgen.generator.names": frozenset({"faker"}),
    # The scenario engine loads the documents it builds into the model, through the loader.
    "quizgen.generator.scenario": frozenset({"yaml"}),
    # Questions read their bank files and embed topologies: YAML through source and loader.
    "quizgen.questions": frozenset({"yaml"}),
    # The progress store finds the user's data directory.
    "quizgen.drill.store": frozenset({"platformdirs"}),
    # The full-screen exam; Textual itself loads rich, typing_extensions and platformdirs.
    "quizgen.drill.exam_app": frozenset({"textual", "rich", "typing_extensions", "platformdirs"}),
    # quizgen exam opens the progress store.
    "quizgen.drill.exam_cli": frozenset({"platformdirs"}),
    # Spaced repetition (fsrs brings typing_extensions) over the store.
    "quizgen.drill.schedule": frozenset({"fsrs", "typing_extensions", "platformdirs"}),
    # The drill reads the misconception table (YAML) and schedules with fsrs; its terminal text
    # (quizgen.render.terminal) is standard library only.
    "quizgen.drill.misconceptions": frozenset({"yaml"}),
    "quizgen.drill.report": frozenset({"yaml", "platformdirs", "jinja2", "markupsafe"}),
    "quizgen.drill.practice": frozenset(
        {"yaml", "platformdirs", "jinja2", "markupsafe", "fsrs", "typing_extensions"}
    ),
    # Exports read the misconception table (YAML) and grade keys; Anki decks need genanki
    # (which brings chevron and cached_property, and YAML again).
    "quizgen.export": frozenset({"yaml"}),
    "quizgen.export.anki": frozenset({"genanki", "chevron", "cached_property"}),
    "quizgen.drill.cli_support": frozenset(
        {"yaml", "platformdirs", "jinja2", "markupsafe", "fsrs", "typing_extensions"}
    ),
    # Practice sheets and exam sets render through quizgen.render (Jinja's packages); WeasyPrint
    # is imported only inside quizgen.render.pdf.write_pdf, never when a module is imported.
    "quizgen.paper": frozenset({"jinja2", "markupsafe"}),
}

#: Never loaded just to show help: they are for the commands that need them.
HEAVY = ("weasyprint", "faker", "hypothesis", "jinja2", "yaml", "markupsafe", "textual", "rich")


def _modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = path.relative_to(PACKAGE_DIR.parent).with_suffix("").parts
        if parts[-1] == "__main__":  # runs the command when imported
            continue
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def allowed(module: str) -> frozenset[str]:
    """What ``module`` may import: the union of the LAYERS entries of it and its parents."""
    granted: frozenset[str] = frozenset()
    for layer, packages in LAYERS.items():
        if module == layer or module.startswith(layer + "."):
            granted |= packages
    return granted


# Left out: names starting with "_" (private stdlib modules, the hooks that .pth files load at
# startup such as setuptools' _distutils_hack and an editable install's finder) and
# cython_runtime, which any Cython-built extension (PyYAML's _yaml) creates.
_REPORT = """
import json, sys
def third_party():
    names = {name.partition(".")[0] for name in list(sys.modules)}
    return sorted(n for n in names
                  if n not in sys.stdlib_module_names and not n.startswith("_")
                  and n not in ("quizgen", "cython_runtime"))
"""


def _third_party_after(code: str) -> list[str]:
    script = _REPORT + textwrap.dedent(code) + "\nprint(json.dumps(third_party()), file=sys.stderr)"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stderr.strip().splitlines()[-1])


def test_the_layers_are_known_modules() -> None:
    modules = _modules()
    assert {"quizgen", "quizgen.model", "quizgen.errors", "quizgen.cli"} <= set(modules)
    assert allowed("quizgen.render.pdf") == {"jinja2", "markupsafe"}
    assert allowed("quizgen.model") == frozenset()


def test_the_probe_sees_third_party_imports() -> None:
    assert _third_party_after("import json, yaml, click") == ["click", "yaml"]


@pytest.mark.parametrize("module", _modules())
def test_module_imports_only_what_its_layer_allows(module: str) -> None:
    pulled = set(_third_party_after(f"import {module}"))
    assert pulled <= allowed(module), f"{module} imports {sorted(pulled - allowed(module))}"


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        ["--version"],
        ["net", "--help"],
        ["net", "reach", "--help"],
        ["exam", "--help"],
        ["export", "--help"],
        ["sheet", "--help"],
        ["exam-set", "--help"],
    ],
    ids=" ".join,
)
def test_help_loads_nothing_heavy(argv: list[str]) -> None:
    pulled = _third_party_after(
        f"""
        import sys
        from quizgen.cli import main
        try:
            main({argv!r}, prog_name="quizgen")
        except SystemExit as stop:
            assert stop.code == 0, stop.code
        """
    )
    assert not set(pulled) & set(HEAVY), pulled
    assert set(pulled) <= {"click"}, pulled
