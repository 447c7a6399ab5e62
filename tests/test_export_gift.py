"""GIFT export, read back with a small parser that follows Moodle's (qformat_gift::readquestion:
escaped characters are set aside first, then the name, the answer block, the general feedback
and the answers are split out): question count, keys, weights and feedback, escaping."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from export_cases import HOSTILE, hostile_questions, html_tags, html_text, questions

from quizgen.drill import grading
from quizgen.export import gift
from quizgen.export.common import items

ESCAPED = {"\\\\": "\x00", "\\:": "\x01", "\\#": "\x02", "\\=": "\x03", "\\{": "\x04",
           "\\}": "\x05", "\\~": "\x06", "\\n": "\x07"}
PLAIN = {"\x00": "\\", "\x01": ":", "\x02": "#", "\x03": "=", "\x04": "{", "\x05": "}",
         "\x06": "~", "\x07": "\n"}


def hide(text: str) -> str:
    return re.sub(r"\\[\\:#={}~n]", lambda m: ESCAPED[m[0]], text)


def show(text: str) -> str:
    return "".join(PLAIN.get(c, c) for c in text)


@dataclass
class Question:
    name: str
    text: str
    answers: list[tuple[str, str, str]]  # (mark: "=", "~" or "%w%", text, feedback)
    feedback: str
    raw_answer: str


def parse(source: str) -> tuple[list[str], list[Question]]:
    categories, found = [], []
    for block in source.strip().split("\n\n"):
        lines = [line for line in block.split("\n") if not line.startswith("//")]
        text = hide("\n".join(lines))
        if text.startswith("$CATEGORY:"):
            categories.append(text[len("$CATEGORY:"):].strip())
            continue
        assert text.startswith("::"), block
        name, _, text = text[2:].partition("::")
        start, end = text.index("{"), text.rindex("}")
        body, answer = text[:start], text[start + 1 : end].strip()
        feedback = ""
        if "####" in answer:
            answer, _, feedback = answer.rpartition("####")
        answers = []
        if answer.startswith(("=", "~")):
            for part in re.split(r"\s*(?=[=~])", answer.strip()):
                if not part:
                    continue
                mark, rest = part[0], part[1:]
                weight = re.match(r"%(-?[0-9.]+)%", rest)
                if weight:
                    mark, rest = weight[0], rest[weight.end():]
                value, _, note = rest.partition("#")
                answers.append((mark, show(value).strip(), show(note).strip()))
        assert body.startswith("[html]")
        found.append(Question(show(name), show(body[6:]), answers,
                              show(feedback.removeprefix("[html]")), show(answer)))
    return categories, found


@pytest.mark.parametrize("make", [questions, hostile_questions], ids=["plain", "hostile"])
def test_questions_read_back_with_their_keys(make):
    docs = make()
    exported = gift.export_file(docs)
    categories, found = parse(exported.text)
    assert len(found) == exported.count
    assert categories and all(c.startswith("$course$/quizgen/") for c in categories)
    by_name = {q.name: q for q in found}
    for item in items(docs):
        doc, key = item.doc, grading.key(item.doc)
        if item.item_type in ("single-choice", "fix-it", "multi-choice"):
            question = by_name.pop(item.title)
            texts = [html_text(t) for _, t, _ in question.answers]
            assert texts == [o["text"] for o in doc["options"]]
            if item.item_type == "multi-choice":
                weights = [float(m.strip("%")) for m, _, _ in question.answers]
                right = [o["key"] for o, w in zip(doc["options"], weights, strict=True) if w > 0]
                assert right == key
                assert abs(sum(w for w in weights if w > 0) - 100) < 1e-3
                assert sum(weights) <= 1e-3
            else:
                marks = [m for m, _, _ in question.answers]
                assert marks.count("=") == 1
                assert doc["options"][marks.index("=")]["key"] == key
            for option, (_, _, note) in zip(doc["options"], question.answers, strict=True):
                if option.get("misconception"):
                    assert option["misconception"] in note
        elif item.item_type == "yes-no-series":
            for n, value in enumerate(key, start=1):
                question = by_name.pop(f"{item.title} statement {n}")
                assert question.raw_answer.split("#")[0] == ("TRUE" if value else "FALSE")
                assert doc["statements"][n - 1]["text"] in html_text(question.text)
        elif item.item_type == "hotspot":
            for n, (blank, value) in enumerate(zip(doc["blanks"], key, strict=True), start=1):
                question = by_name.pop(f"{item.title} blank {n}")
                assert [html_text(t) for _, t, _ in question.answers] == blank["choices"]
                assert [html_text(t) for m, t, _ in question.answers if m == "="] == [value]
        else:
            name = item.title
            if name not in by_name:  # left out: a brace in its text (the hostile set)
                assert any(item.id in note for note in exported.notes)
                continue
            question = by_name.pop(name)
            header, *steps = question.raw_answer.split("\n")
            assert header.startswith(f">{len(key)} ALL VERTICAL ALL_OR_NOTHING")
            assert [html_text(s) for s in steps] == doc["ordering"]["answer"]
            continue
        for sentence in doc["explanation"]:
            assert sentence in html_text(question.feedback)
    assert not by_name, sorted(by_name)


def test_special_characters_are_escaped():
    assert gift.escape("a~b=c#d{e}f:g\\h\ni") == "a\\~b\\=c\\#d\\{e\\}f\\:g\\\\h\\ni"
    assert show(hide(gift.escape(HOSTILE))) == HOSTILE


def test_hostile_text_cannot_break_out():
    exported = gift.export_file(hostile_questions())
    _, found = parse(exported.text)
    for question in found:
        assert "b" not in html_tags(question.text)
        assert HOSTILE.split("\n")[0].strip() in html_text(question.text)
    assert any("left out" in note for note in exported.notes)


def test_notes_say_what_was_split():
    notes = gift.export_file(questions()).notes
    assert any("true/false question per statement" in n for n in notes)
    assert any("per blank" in n for n in notes)


def test_option_feedback_is_html_like_the_question(monkeypatch):
    """The question is [html], so Moodle reads each option's feedback as HTML too: a
    misconception text holding <, > or & must arrive as text, not markup."""
    from quizgen.export import common

    monkeypatch.setattr(common, "belief", lambda tid: (f"wrong{HOSTILE}", f"rule{HOSTILE}"))
    docs = [d for d in questions() if d["item_type"] in ("single-choice", "multi-choice")]
    _, found = parse(gift.export_file(docs).text)
    notes = [note for q in found for _, _, note in q.answers if "Misconception" in note]
    assert notes
    for note in notes:
        assert "b" not in html_tags(note)
        shown = html_text(note)
        assert f"wrong{HOSTILE}".rstrip(".") in shown and f"rule{HOSTILE}" in shown
        assert "<b>" not in note and "&amp;amp;" in note  # escaped once, as HTML


def test_ordering_has_no_general_feedback_and_a_note_says_so():
    """GIFT ordering questions carry no ####: the ordering plugin before Moodle 4.4 reads the
    raw lines up to the brace and would make the feedback one more step (see gift's docstring)."""
    docs = [d for d in questions() if d["item_type"] == "ordering"]
    exported = gift.export_file(docs)
    blocks = [b for b in exported.text.split("\n\n") if not b.startswith("$CATEGORY")]
    assert len(blocks) == len(docs) == exported.count
    for block, doc in zip(blocks, docs, strict=True):
        assert "####" not in block
        body = hide(block.split("\n", 1)[1])  # past the // quizgen comment
        steps = body[body.index("{") + 1 : body.rindex("}")].strip().split("\n")[1:]
        assert [html_text(s) for s in steps] == doc["ordering"]["answer"]
    assert f"{len(docs)} ordering question(s) written without the explanation" in "\n".join(
        exported.notes
    )
    assert not any("ordering" in n for n in gift.export_file(
        [d for d in questions() if d["item_type"] == "single-choice"]).notes)
