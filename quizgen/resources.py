"""Where the data folders that ship with quizgen live.

In a source checkout (or an editable install) ``templates/`` and ``question_bank/`` sit at the
top of the repository, beside the ``quizgen`` package. An installed wheel carries them inside
the package, as ``quizgen/templates`` and ``quizgen/question_bank`` (see pyproject.toml).
Only the standard library is imported.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """The shipped folder ``name``: inside the installed package first, else beside it."""
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"quizgen's {name!r} folder is missing: looked in {_PACKAGE_DIR / name} and "
        f"{_PACKAGE_DIR.parent / name}; reinstall quizgen"
    )


def templates_dir() -> Path:
    """Jinja templates (``templates/``)."""
    return data_dir("templates")


def question_bank_dir() -> Path:
    """Wording of the question families (``question_bank/``)."""
    return data_dir("question_bank")
