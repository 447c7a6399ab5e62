"""Exam forms without printing: arrangements, keys as printed, parallel versions, the manifest.

A wrong key is the worst bug: every arranged document must still pass the verified-key gate,
and every key the manifest records must be the one ``grading.key`` reads from the arranged
document.
"""

from __future__ import annotations

import copy
import json
import random
from functools import cache
from pathlib import Path

import pytest

from quizgen.drill.grading import grade, key
from quizgen.paper import files
from quizgen.paper.forms import (
    FormError,
    arrange,
    draw_arrangement,
    identity,
    printed_key,
    version_codes,
    version_items,
)
from quizgen.paper.manifest import (
    manifest,
    manifest_text,
    read_manifest,
    rebuild_items,
)
from quizgen.questions import ITEM_TYPES
from quizgen.questions.gate import problems
from quizgen.questions.generate import generate
from tests.support import invoke


@cache
def docs(item_type: str) -> tuple[dict, ...]:
    return tuple(generate(3, 11, item_type=item_type))


def all_docs() -> list[dict]:
    return [doc for kind in ITEM_TYPES for doc in docs(kind)]


def questions(doc: dict) -> list[dict]:
    return doc["questions"] if doc["item_type"] == "case-study" else [doc]


def _correct_texts(doc: dict) -> list:
    """What the key means, independent of letters and order."""
    out = []
    for q in questions(doc):
        if q.get("options"):
            out.append(sorted(o["text"] for o in q["options"] if o["correct"]))
        elif q.get("statements"):
            out.append([s["answer"] for s in q["statements"]])
        elif q.get("blanks"):
            out.append([b["answer"] for b in q["blanks"]])
        else:
            out.append(list(q["ordering"]["answer"]))
    return out


@pytest.mark.parametrize("item_type", ITEM_TYPES)
def test_an_arranged_document_passes_the_gate_and_keeps_its_meaning(item_type: str) -> None:
    for n, doc in enumerate(docs(item_type)):
        for attempt in range(3):
            arrangement = draw_arrangement(doc, random.Random(f"{n}#{attempt}"))
            printed = arrange(doc, arrangement)
            assert problems(printed) == [], printed["id"]
            assert _correct_texts(printed) == _correct_texts(doc)
            assert grade(printed, key(printed)).correct
            for q in questions(printed):
                if q.get("options"):
                    assert [o["key"] for o in q["options"]] == list("ABCDEFGH"[: len(q["options"])])
                    assert q["answer"] == ", ".join(o["key"] for o in q["options"] if o["correct"])


def test_arranging_does_not_touch_the_original() -> None:
    doc = docs("multi-choice")[0]
    before = copy.deepcopy(doc)
    arrange(doc, {"options": list(reversed(range(len(doc["options"]))))})
    assert doc == before


def test_the_key_follows_the_options_when_they_move() -> None:
    doc = docs("single-choice")[0]
    right = next(i for i, o in enumerate(doc["options"]) if o["correct"])
    for position in range(len(doc["options"])):
        order = [i for i in range(len(doc["options"])) if i != right]
        order.insert(position, right)
        printed = arrange(doc, {"options": order})
        assert key(printed) == "ABCDEFGH"[position] == printed_key(printed)


def test_printed_keys_of_every_item_type() -> None:
    hotspot = arrange(docs("hotspot")[0], identity(docs("hotspot")[0]))
    letters = printed_key(hotspot)
    for blank, letter in zip(hotspot["blanks"], letters, strict=True):
        assert blank["choices"]["ABCDEFGH".index(letter)] == blank["answer"]
    ordering = docs("ordering")[0]
    steps = ordering["ordering"]["steps"]
    assert [steps["ABCDEFGH".index(x)] for x in printed_key(ordering)] == ordering["ordering"][
        "answer"
    ]
    yes_no = docs("yes-no-series")[0]
    assert printed_key(yes_no) == ["Yes" if s["answer"] else "No" for s in yes_no["statements"]]
    case = docs("case-study")[0]
    assert printed_key(case) == [printed_key(q) for q in case["questions"]]


@pytest.mark.parametrize(
    "arrangement",
    [{"options": [0, 0, 1, 2]}, {"options": [0, 1]}, {"options": "ABCD"}, {}, [1, 2]],
    ids=["repeat", "short", "letters", "missing", "not-an-object"],
)
def test_an_arrangement_that_does_not_fit_is_refused(arrangement: object) -> None:
    with pytest.raises(FormError):
        arrange(docs("single-choice")[0], arrangement)  # type: ignore[arg-type]


def test_version_codes() -> None:
    assert version_codes(4) == ["A", "B", "C", "D"]
    assert version_codes(28)[-3:] == ["Z", "AA", "AB"]


@cache
def small_set() -> dict[str, list]:
    base = generate(6, 21)
    return {code: version_items(code, base, 21) for code in version_codes(3)}


def test_versions_are_parallel_forms() -> None:
    versions = small_set()
    slots = {code: {i.slot: i for i in items} for code, items in versions.items()}
    assert all(sorted(s) == list(range(1, 7)) for s in slots.values())
    for slot in range(1, 7):
        a = slots["A"][slot].doc
        for code in ("B", "C"):
            item = slots[code][slot]
            assert item.doc["family"] == a["family"]
            assert item.doc["item_type"] == a["item_type"]
            if item.variant == "parallel":
                assert item.doc["difficulty"] == a["difficulty"]
                assert item.doc["id"] != a["id"]
    ids = [
        i.doc["id"] for items in versions.values() for i in items if i.variant != "same-question"
    ]
    assert len(ids) == len(set(ids)), "a fresh variant is never used twice in a set"


def test_versions_show_items_in_their_own_order_case_studies_last() -> None:
    versions = small_set()
    orders = {code: [i.slot for i in items] for code, items in versions.items()}
    assert len(set(map(tuple, orders.values()))) > 1
    for items in versions.values():
        kinds = [i.doc["item_type"] == "case-study" for i in items]
        assert kinds == sorted(kinds)


def test_drawing_a_version_is_deterministic() -> None:
    base = generate(4, 5)
    first = version_items("B", base, 5)
    again = version_items("B", base, 5)
    assert [(i.doc, i.arrangement, i.variant) for i in first] == [
        (i.doc, i.arrangement, i.variant) for i in again
    ]


def _settings(versions: int = 3, count: int = 6, seed: int = 21) -> files.ExamSettings:
    return files.ExamSettings(versions, count, seed, "Midterm <b>&</b>", 30)


def _drawn() -> dict[str, list[dict]]:
    return {
        code: [
            {"slot": i.slot, "doc": i.doc, "arrangement": i.arrangement, "variant": i.variant}
            for i in items
        ]
        for code, items in small_set().items()
    }


def test_every_manifest_key_is_the_key_of_the_printed_document() -> None:
    drawn = _drawn()
    document = manifest(_settings(), drawn)
    for version in document["versions"]:
        for entry, item in zip(version["items"], drawn[version["code"]], strict=True):
            doc = item["doc"]
            assert problems(doc) == []
            assert entry["key_response"] == key(doc)
            assert entry["key"] == printed_key(doc)
            assert entry["id"] == doc["id"]
            # the key read again from the id and the arrangement alone
            from quizgen.questions.generate import by_id

            assert key(arrange(by_id(entry["id"]), entry["arrangement"])) == entry["key_response"]


def test_the_manifest_rebuilds_the_same_documents(tmp_path: Path) -> None:
    drawn = _drawn()
    path = tmp_path / "manifest.json"
    path.write_text(manifest_text(manifest(_settings(), drawn)))
    assert json.loads(path.read_text()) == manifest(_settings(), drawn)
    settings, entries = read_manifest(str(path))
    assert settings == _settings()
    for code, items in entries.items():
        assert rebuild_items(str(path), code, items) == drawn[code]


def _write_manifest(tmp_path: Path, change) -> str:  # type: ignore[no-untyped-def]
    document = manifest(_settings(), _drawn())
    change(document)
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(document))
    return str(path)


def test_a_manifest_whose_key_was_changed_is_refused(tmp_path: Path) -> None:
    def tamper(document: dict) -> None:
        entry = next(e for e in document["versions"][1]["items"] if "options" in e["arrangement"])
        right = entry["key"] if isinstance(entry["key"], list) else [entry["key"]]
        wrong = next(x for x in "ABCD" if x not in right)
        entry["key"] = [wrong, *right[1:]] if isinstance(entry["key"], list) else wrong

    path = _write_manifest(tmp_path, tamper)
    code, _, err = invoke("exam-set", "--manifest", path, "-o", str(tmp_path / "again"))
    assert code == 2, err
    assert "version B item" in err and "the manifest says" in err and "Traceback" not in err
    assert not (tmp_path / "again").exists()


def test_a_manifest_whose_arrangement_was_changed_is_refused(tmp_path: Path) -> None:
    def tamper(document: dict) -> None:
        entry = next(e for e in document["versions"][0]["items"] if "options" in e["arrangement"])
        entry["arrangement"]["options"] = entry["arrangement"]["options"][::-1]

    path = _write_manifest(tmp_path, tamper)
    code, _, err = invoke("exam-set", "--manifest", path, "-o", str(tmp_path / "again"))
    assert code == 2 and "disagrees" not in err
    assert "the evaluator gives" in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "manifest.json:1: not JSON"),
        ('{"format": "something else"}', 'format: got "something else"'),
        (
            '{"format": "quizgen exam set", "format_version": 1, "seed": "x"}',
            'seed: got "x"; expected a int',
        ),
    ],
)
def test_a_bad_manifest_is_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(text)
    code, _, err = invoke("exam-set", "--manifest", str(path))
    assert code == 2
    assert message in err and "Traceback" not in err


def test_manifest_and_set_options_do_not_mix(tmp_path: Path) -> None:
    code, _, err = invoke("exam-set", "--manifest", str(tmp_path / "m.json"), "--versions", "2")
    assert code == 2 and "--versions" in err and "--manifest alone" in err


def test_an_exam_set_needs_versions_and_count() -> None:
    code, _, err = invoke("exam-set", "--count", "3")
    assert code == 2 and "--versions: missing" in err


def test_an_exam_set_never_replaces_files_without_force(tmp_path: Path) -> None:
    (tmp_path / "version-B.pdf").write_bytes(b"keep me")
    code, _, err = invoke(
        "exam-set", "--versions", "2", "--count", "2", "--seed", "1", "-o", str(tmp_path)
    )
    assert code == 2 and "version-B.pdf already exists" in err and "--force" in err
    assert (tmp_path / "version-B.pdf").read_bytes() == b"keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["version-B.pdf"]


def test_a_sheet_never_replaces_a_file_without_force(tmp_path: Path) -> None:
    target = tmp_path / "mine.pdf"
    target.write_bytes(b"keep me")
    code, _, err = invoke("sheet", "-n", "1", "--seed", "1", "-o", str(target))
    assert code == 2 and "already exists" in err
    assert target.read_bytes() == b"keep me"
    code, _, err = invoke("sheet", "-n", "1", "--seed", "1", "-o", str(tmp_path))
    assert code == 2 and "not a regular file" in err
