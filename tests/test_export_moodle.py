"""Moodle XML export, parsed back: one question per item, keys recomputed with grading.key,
fractions Moodle accepts and sums as Moodle wants them, feedback and categories."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from fractions import Fraction
from pathlib import Path

import pytest
from export_cases import HOSTILE, hostile_questions, html_tags, html_text, questions

from quizgen.drill import grading
from quizgen.errors import QuizgenError
from quizgen.export import moodle
from quizgen.export.common import items

QTYPE = {
    "single-choice": "multichoice",
    "fix-it": "multichoice",
    "multi-choice": "multichoice",
    "yes-no-series": "matching",
    "hotspot": "gapselect",
    "ordering": "ordering",
}


def parse(docs):
    root = ET.fromstring(moodle.export(docs))
    assert root.tag == "quiz"
    return root


def text(element, path):
    found = element.find(path)
    assert found is not None, path
    return found.text or ""


def fraction(answer) -> float:
    return float(answer.get("fraction")) / 100


def exported(docs):
    """(item, <question>, its category) for each exported question, matched by idnumber."""
    by_id = {item.id: item for item in items(docs)}
    category = None
    found = []
    for question in parse(docs):
        if question.get("type") == "category":
            category = text(question, "category/text")
            continue
        found.append((by_id.pop(text(question, "idnumber")), question, category))
    assert not by_id, f"not exported: {sorted(by_id)}"
    return found


@pytest.mark.parametrize("make", [questions, hostile_questions], ids=["plain", "hostile"])
def test_every_item_is_exported_with_its_key(make):
    docs = make()
    for item, question, category in exported(docs):
        doc = item.doc
        key = grading.key(doc)
        assert question.get("type") == QTYPE[item.item_type]
        assert category == moodle.category_path(item)
        assert category.startswith("$course$/quizgen/")
        assert item.objective in category
        if item.item_type in ("single-choice", "fix-it", "multi-choice"):
            answers = question.findall("answer")
            options = doc["options"]
            assert [html_text(text(a, "text")) for a in answers] == [o["text"] for o in options]
            right = [o["key"] for o, a in zip(options, answers, strict=True) if fraction(a) > 0]
            assert right == ([key] if isinstance(key, str) else key)
            assert text(question, "single") == ("false" if doc["item_type"] == "multi-choice"
                                                 else "true")
        elif item.item_type == "yes-no-series":
            subs = [
                (html_text(text(s, "text")), text(s, "answer/text"))
                for s in question.findall("subquestion")
            ]
            stated = [(t, a) for t, a in subs if t]
            assert stated == [
                (s["text"], "Yes" if v else "No")
                for s, v in zip(doc["statements"], key, strict=True)
            ]
            assert {a for _, a in subs} == {"Yes", "No"}  # both always on offer
        elif item.item_type == "hotspot":
            body = text(question, "questiontext/text")
            choices = [
                (text(o, "text"), int(text(o, "group"))) for o in question.findall("selectoption")
            ]
            gaps = [int(n) for n in re.findall(r"\[\[(\d+)\]\]", body)]
            assert [choices[n - 1][0] for n in gaps] == key
            for group, (n, blank) in enumerate(zip(gaps, doc["blanks"], strict=True), start=1):
                assert choices[n - 1][1] == group
                assert [c for c, g in choices if g == group] == blank["choices"]
        else:  # ordering
            answers = question.findall("answer")
            assert [html_text(text(a, "text")) for a in answers] == doc["ordering"]["answer"]
            assert [a.get("fraction") for a in answers] == [
                f"{n}.0000000" for n in range(1, len(answers) + 1)
            ]
            assert text(question, "gradingtype") == "ALL_OR_NOTHING"
        feedback = html_text(text(question, "generalfeedback/text"))
        for sentence in doc["explanation"]:
            assert sentence in feedback
        assert text(question, "defaultgrade") == str(grading.points(doc))


def test_fractions_are_ones_moodle_accepts_and_sum_as_moodle_wants():
    checked = 0
    for item, question, _ in exported(questions()):
        if question.get("type") != "multichoice":
            continue
        values = [fraction(a) for a in question.findall("answer")]
        for value in values:
            assert any(abs(value - allowed) < 1e-7 for allowed in moodle.ALLOWED_FULL), value
        if item.item_type == "multi-choice":
            assert abs(sum(v for v in values if v > 0) - 1) < 1e-6
            assert sum(values) <= 1e-6  # ticking every box earns nothing
            assert all(v < 0 for v in values if v <= 0)
        else:
            assert values.count(1.0) == 1 and all(v == 0 for v in values if v != 1.0)
        checked += 1
    assert checked >= 6


def test_wrong_options_name_their_misconception():
    for item, question, _ in exported(questions()):
        if question.get("type") != "multichoice":
            continue
        for option, answer in zip(item.doc["options"], question.findall("answer"), strict=True):
            feedback = html_text(text(answer, "feedback/text"))
            if option.get("misconception"):
                assert f"Misconception {option['misconception']}" in feedback
            if option.get("correct"):
                assert feedback.startswith("Correct")


def test_case_studies_get_a_category_of_their_own():
    cases = [d for d in questions() if d["item_type"] == "case-study"]
    found = exported(cases)
    assert len(found) == sum(len(d["questions"]) for d in cases)
    for item, question, category in found:
        assert category.endswith(f"Case study {item.case['id']}")
        assert item.case["stem"] in html_text(text(question, "questiontext/text"))


def test_hostile_text_stays_text():
    root = ET.fromstring(moodle.export(hostile_questions()))  # well formed, "]]>" and all
    fields = [e for e in root.iter() if e.get("format") == "html" and e.find("text") is not None]
    assert len(fields) > 100
    shown = []
    for field in fields:
        fragment = text(field, "text")
        assert "b" not in html_tags(fragment), fragment  # the hostile <b> stayed text
        shown.append(html_text(fragment))
    first_line = HOSTILE.split("\n")[0]
    assert sum(first_line in s for s in shown) > 50


def test_fraction_moodle_has_no_grade_for_is_refused():
    assert moodle.allowed_fraction(Fraction(1, 3)) == 0.3333333
    assert moodle.percent(-0.3333333) == "-33.33333"
    with pytest.raises(QuizgenError, match="not one Moodle accepts"):
        moodle.allowed_fraction(Fraction(1, 11))


def test_diagrams_are_embedded_files(monkeypatch):
    from quizgen.export import media

    monkeypatch.setattr(
        moodle, "diagram", lambda item: media.Media(name="net.svg", data=b"<svg>x</svg>")
    )
    root = parse(questions()[:2])
    for question in root.iterfind("question[@type='multichoice']"):
        body = question.find("questiontext")
        assert '<img src="@@PLUGINFILE@@/net.svg"' in text(body, "text")
        embedded = body.find("file")
        assert embedded.get("name") == "net.svg" and embedded.get("encoding") == "base64"
        assert base64.b64decode(embedded.text) == b"<svg>x</svg>"


def test_real_diagrams_are_the_questions_own_drawings():
    """No stand-in: the exported file is quizgen.render.diagram's drawing of that question,
    which shows only what its exhibits show."""
    from quizgen.render.diagram import question_svg

    docs = questions()[:4]
    root = parse(docs)
    embedded = [
        base64.b64decode(f.text) for f in root.iter("file") if f.get("name", "").endswith(".svg")
    ]
    drawn = [question_svg(d) for d in docs]
    expected = [svg.encode("utf-8") for svg in drawn if svg is not None]
    assert expected, "none of the sample questions has a diagram"
    assert sorted(embedded) == sorted(expected)
    for data in embedded:
        assert ET.fromstring(data).tag.endswith("svg")


def test_multi_choice_scoring_is_what_the_readme_says():
    """README: for "select 2" of 5, one right and one wrong pick score 50% in the drill, the exam
    and QTI (a point per correct pick) but 50% - 33.3% = 16.7% in Moodle and GIFT (positive and
    negative fractions, the total kept between 0 and 1); ticking every box gives 0 in Moodle."""
    from quizgen.export import gift, qti

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "50% - 33.3% = 16.7% in Moodle" in readme
    doc = next(d for d in questions() if d["item_type"] == "multi-choice")
    assert (doc["select"], len(doc["options"])) == (2, 5)
    right = grading.key(doc)[0]
    wrong = next(o["key"] for o in doc["options"] if o["key"] not in grading.key(doc))
    assert grading.grade(doc, sorted([right, wrong])).score == 0.5  # drill and exam

    package = qti.assessment_item(items([doc])[0])
    mapping = package.find(f".//{{{qti.QTI}}}mapping")
    paid = {e.get("mapKey"): float(e.get("mappedValue")) for e in mapping}
    qti_score = (paid[f"choice-{right}"] + paid[f"choice-{wrong}"]) / float(
        mapping.get("upperBound")
    )
    assert qti_score == 0.5

    def moodle_grade(fractions, ticked):  # qtype_multichoice_multi_question::grade_response
        return min(max(0.0, sum(fractions[k] for k in ticked)), 1.0)

    (_, question, _), = exported([doc])
    fractions = {
        o["key"]: fraction(a)
        for o, a in zip(doc["options"], question.findall("answer"), strict=True)
    }
    assert fractions == pytest.approx(moodle.multi_fractions(doc))
    assert round(moodle_grade(fractions, [right, wrong]), 3) == 0.167
    # Every box: 1 - 3 x 0.3333333 (Moodle keeps 7 digits), i.e. 0 to Moodle's precision.
    assert moodle_grade(fractions, list(fractions)) == pytest.approx(0.0, abs=1e-6)
    assert moodle_grade(fractions, grading.key(doc)) == 1.0
    text = gift.export_file([doc]).text  # GIFT carries the same weights
    assert "%50%" in text and "%-33.33333%" in text
