"""quizgen export: every format to its default file in output/, the drawn seed, --force, -o,
and json/markdown equal to what generate prints."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
import zipfile

import pytest
from support import invoke

from quizgen.export import BINARY, FORMATS


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_each_format_goes_to_its_default_file(fmt, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke("export", "--format", fmt, "--count", "3", "--seed", "11")
    assert code == 0, err
    path = tmp_path / "output" / f"quizgen-11.{FORMATS[fmt]}"
    assert path.is_file()
    assert f"wrote output/quizgen-11.{FORMATS[fmt]}: 3 question(s) as {fmt}, seed 11" in err
    assert "seed:" not in err and out == ""
    data = path.read_bytes()
    if fmt in ("qti", "anki"):
        assert zipfile.is_zipfile(path)
    elif fmt == "moodle":
        ET.fromstring(data)


def test_json_and_markdown_are_what_generate_prints(tmp_path):
    for fmt, generated in (("json", "json"), ("markdown", "md")):
        target = tmp_path / f"set.{fmt}"
        code, _, err = invoke(
            "export", "--format", fmt, "-n", "4", "--seed", "5", "-o", str(target)
        )
        assert code == 0, err
        _, printed, _ = invoke("generate", "-n", "4", "--seed", "5", "--format", generated)
        assert target.read_text(encoding="utf-8").rstrip("\n") == printed.rstrip("\n")
    assert len(json.loads((tmp_path / "set.json").read_text(encoding="utf-8"))) == 4


def test_drawn_seed_is_printed_and_reproduces(tmp_path):
    code, _, err = invoke("export", "--format", "json", "-n", "2", "-o", str(tmp_path / "a.json"))
    assert code == 0, err
    seed = int(err.split("seed: ", 1)[1].split()[0])
    again = tmp_path / "b.json"
    invoke("export", "--format", "json", "-n", "2", "--seed", str(seed), "-o", str(again))
    assert again.read_text() == (tmp_path / "a.json").read_text()


def test_an_existing_file_is_kept_without_force(tmp_path):
    target = tmp_path / "quiz.xml"
    target.write_text("mine", encoding="utf-8")
    code, _, err = invoke("export", "--format", "moodle", "--seed", "1", "-o", str(target))
    assert code == 2 and "already exists; pass --force" in err and "Traceback" not in err
    assert target.read_text(encoding="utf-8") == "mine"
    code, _, err = invoke("export", "--format", "moodle", "--seed", "1", "-o", str(target),
                          "--force")
    assert code == 0, err
    assert target.read_text(encoding="utf-8").startswith("<?xml")


def test_gift_notes_go_to_stderr(tmp_path):
    code, _, err = invoke("export", "--format", "gift", "--type", "hotspot", "-n", "2",
                          "--seed", "3", "-o", str(tmp_path / "q.txt"))
    assert code == 0, err
    assert "note: 2 hotspot(s) written as one multiple-choice question per blank" in err


def test_bad_filters_and_formats_exit_2(tmp_path):
    code, _, err = invoke("export", "--format", "moodle", "--family", "nope",
                          "-o", str(tmp_path / "x.xml"))
    assert code == 2 and "no family matches" in err
    assert not (tmp_path / "x.xml").exists()
    code, _, err = invoke("export", "--format", "docx")
    assert code == 2 and "docx" in err


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f not in BINARY])
def test_dash_writes_a_text_format_to_standard_output(fmt, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke("export", "--format", fmt, "-n", "3", "--seed", "11", "-o", "-")
    assert code == 0, err
    assert not (tmp_path / "-").exists() and not (tmp_path / "output").exists()
    assert "wrote" not in err and "seed:" not in err
    # The same bytes as the file the same export writes.
    code, _, err = invoke("export", "--format", fmt, "-n", "3", "--seed", "11")
    assert code == 0, err
    assert out == (tmp_path / "output" / f"quizgen-11.{FORMATS[fmt]}").read_text(encoding="utf-8")


def test_dash_keeps_notes_and_the_drawn_seed_on_stderr(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke("export", "--format", "gift", "--type", "hotspot", "-n", "2",
                            "-o", "-")
    assert code == 0, err
    assert out.startswith("$CATEGORY:")
    assert "seed: " in err and "note: 2 hotspot(s) written as one multiple-choice" in err
    assert "seed" not in out.split("\n", 1)[0]


@pytest.mark.parametrize("fmt", sorted(BINARY))
def test_dash_is_refused_for_zip_packages(fmt, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = invoke("export", "--format", fmt, "-n", "2", "--seed", "4", "-o", "-")
    assert code == 2 and out == "" and "Traceback" not in err
    assert "cannot go to standard output" in err
    assert f"quizgen.{FORMATS[fmt]}" in err  # a file name to use instead
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args, starts",
    [
        (("--family", "nope"), "no family matches"),
        (("-o", ""), "-o: got an empty path; expected a file name such as quizgen.moodle.xml"),
        (("-o", " "), "-o: got an empty path; expected a file name such as quizgen.moodle.xml"),
        (("-o", "."), "-o: . is not a regular file"),
        (("--format", "qti", "-o", "-"), "-o -: qti writes a zip package, which cannot go to "
                                          "standard output"),
    ],
)
def test_errors_name_the_command(args, starts, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    args = args if "--format" in args else ("--format", "moodle", *args)
    code, out, err = invoke("export", "--seed", "3", *args)
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.startswith(f"quizgen export: {starts}"), err
    assert "lab.yaml" not in err  # a scenario file name is no example for an export
    assert list(tmp_path.iterdir()) == []


def test_an_existing_file_error_names_the_command(tmp_path):
    target = tmp_path / "quiz.txt"
    target.write_text("mine", encoding="utf-8")
    code, _, err = invoke("export", "--format", "gift", "--seed", "1", "-o", str(target))
    assert code == 2
    assert err.startswith(f"quizgen export: -o: {target} already exists; pass --force")
    assert target.read_text(encoding="utf-8") == "mine"
