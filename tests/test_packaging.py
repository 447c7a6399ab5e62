"""What ships: the package list of pyproject.toml, the data folders, and the built wheel."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from quizgen import resources

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
DATA_DIRS = ("templates", "question_bank")


def test_every_package_under_quizgen_is_listed_in_pyproject() -> None:
    listed = set(PYPROJECT["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "quizgen").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    data = {
        ".".join(("quizgen", name, *folder.relative_to(ROOT / name).parts))
        for name in DATA_DIRS
        for folder in [ROOT / name, *(ROOT / name).rglob("*")]
        if folder.is_dir() and "__pycache__" not in folder.parts
    }
    assert on_disk - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    # setuptools warns about a data subfolder that is not named as a package
    assert data - listed == set(), "add these data folders to [tool.setuptools] packages"
    assert listed - data - on_disk == set(), "pyproject.toml lists packages that do not exist"


def test_data_folders_are_found_in_the_source_tree() -> None:
    assert resources.templates_dir() == ROOT / "templates"
    assert resources.question_bank_dir() == ROOT / "question_bank"
    with pytest.raises(FileNotFoundError, match="'nothing-here' folder is missing"):
        resources.data_dir("nothing-here")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the source tree (the tree itself is left untouched)."""
    src = tmp_path_factory.mktemp("src")
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "dist")
    shutil.copy(ROOT / "pyproject.toml", src)
    for name in ("quizgen", *DATA_DIRS):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--wheel-dir",
            str(out),
            str(src),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    (built,) = out.glob("quizgen-*.whl")
    return built


def test_wheel_holds_the_code_the_data_and_the_command(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in (
        "quizgen/__init__.py",
        "quizgen/cli.py",
        "quizgen/resources.py",
        "quizgen/templates/README.md",
        "quizgen/question_bank/README.md",
    ):
        assert name in names
    shipped = {
        f"quizgen/{name}/{path.relative_to(ROOT / name).as_posix()}"
        for name in DATA_DIRS
        for path in (ROOT / name).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert shipped <= names
    assert not any(n.startswith(("templates/", "question_bank/", "tests/")) for n in names)
    (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
    assert "quizgen = quizgen.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_wheel_finds_its_data(wheel: Path, tmp_path: Path) -> None:
    """A pure-Python wheel unpacked is an installed package; resources must look inside it."""
    zipfile.ZipFile(wheel).extractall(tmp_path)
    code = (
        "import quizgen.resources as r; "
        "print(r.templates_dir()); print(r.question_bank_dir()); print(r.__file__)"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(tmp_path)!r}); {code}"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    templates, bank, module = done.stdout.splitlines()
    assert Path(module).is_relative_to(tmp_path)
    assert templates == str(tmp_path / "quizgen" / "templates")
    assert bank == str(tmp_path / "quizgen" / "question_bank")
