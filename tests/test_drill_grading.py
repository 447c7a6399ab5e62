"""Grading: the key grades right, every wrong pick grades wrong with its misconception, typed
answers parse forgivingly and fail only with AnswerError."""

from __future__ import annotations

import copy
import itertools
from functools import cache

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quizgen.drill.grading import (
    CHOICE_TYPES,
    AnswerError,
    DocumentError,
    Grade,
    check,
    describe,
    grade,
    key,
    offered,
    parse,
    points,
)
from quizgen.questions import ITEM_TYPES
from quizgen.questions.generate import generate
from tests.strategies import typed_answers

PER_TYPE = 12


@cache
def docs(item_type: str) -> tuple[dict, ...]:
    return tuple(generate(PER_TYPE, 7, item_type=item_type))


def all_docs() -> list[dict]:
    return [doc for kind in ITEM_TYPES for doc in docs(kind)]


def questions(doc: dict) -> list[dict]:
    """The doc itself, or a case study's questions."""
    return doc["questions"] if doc["item_type"] == "case-study" else [doc]


def one(item_type: str) -> dict:
    return copy.deepcopy(docs(item_type)[0])


@pytest.mark.parametrize("item_type", ITEM_TYPES)
def test_the_key_grades_right_with_full_score(item_type: str) -> None:
    for doc in docs(item_type):
        expected = key(doc)
        graded = grade(doc, expected)
        assert graded.correct, doc["id"]
        assert graded.score == 1.0
        assert all(graded.parts) and len(graded.parts) == points(doc)
        assert graded.misconceptions == ()
        assert graded.expected == expected


@pytest.mark.parametrize("item_type", ITEM_TYPES)
def test_the_key_survives_json(item_type: str) -> None:
    import json

    for doc in docs(item_type):
        assert grade(doc, json.loads(json.dumps(key(doc)))).correct


def test_the_key_matches_the_documents_own_answer_text() -> None:
    """describe(key) reads as the document's "answer" (hotspot answers also name each blank)."""
    for doc in all_docs():
        if any(q["item_type"] == "hotspot" for q in questions(doc)):
            continue
        assert describe(doc, key(doc)) == doc["answer"], doc["id"]


def test_hotspot_key_is_each_blanks_answer() -> None:
    for doc in docs("hotspot"):
        assert key(doc) == [b["answer"] for b in doc["blanks"]]
        assert describe(doc, key(doc)) == "; ".join(b["answer"] for b in doc["blanks"])


@pytest.mark.parametrize("item_type", ["single-choice", "fix-it"])
def test_every_wrong_option_grades_wrong_with_its_misconception(item_type: str) -> None:
    for doc in docs(item_type):
        wrong = [o for o in doc["options"] if not o["correct"]]
        assert len(wrong) == len(doc["options"]) - 1
        for option in wrong:
            graded = grade(doc, option["key"])
            assert not graded.correct and graded.score == 0.0 and graded.parts == (False,)
            assert graded.misconceptions == tuple(filter(None, [option.get("misconception")]))
            assert graded.expected != option["key"]


def test_multi_choice_gives_a_point_per_correct_option_picked() -> None:
    for doc in docs("multi-choice"):
        right = key(doc)
        assert len(right) == doc["select"]
        wrong = [o for o in doc["options"] if not o["correct"]]
        for option in wrong:
            for dropped in right:
                picked = sorted({*right} - {dropped} | {option["key"]})
                graded = grade(doc, picked)
                assert not graded.correct
                assert graded.parts == tuple(k != dropped for k in right)
                assert graded.score == (len(right) - 1) / len(right)
                assert graded.misconceptions == tuple(
                    filter(None, [option.get("misconception")])
                )
        # every wrong pick: no point, every wrong option's misconception once, in option order
        if len(wrong) >= len(right):
            picked = [o["key"] for o in wrong[: len(right)]]
            graded = grade(doc, picked)
            assert graded.score == 0.0 and not any(graded.parts)
            expected = dict.fromkeys(o["misconception"] for o in wrong[: len(right)]
                                     if o.get("misconception"))
            assert graded.misconceptions == tuple(expected)


def test_yes_no_series_scores_each_statement() -> None:
    for doc in docs("yes-no-series"):
        right = key(doc)
        for i in range(len(right)):
            answer = [*right]
            answer[i] = not answer[i]
            graded = grade(doc, answer)
            assert not graded.correct
            assert graded.parts == tuple(j != i for j in range(len(right)))
            assert graded.score == pytest.approx((len(right) - 1) / len(right))
        assert grade(doc, [not a for a in right]).score == 0.0


def test_hotspot_scores_each_blank() -> None:
    for doc in docs("hotspot"):
        right = key(doc)
        for i, blank in enumerate(doc["blanks"]):
            for choice in blank["choices"]:
                answer = [*right]
                answer[i] = choice
                graded = grade(doc, answer)
                assert graded.parts[i] == (choice == blank["answer"])
                assert graded.correct == (choice == blank["answer"])


def test_ordering_is_right_only_in_the_answers_order() -> None:
    for doc in docs("ordering"):
        steps, answer = doc["ordering"]["steps"], doc["ordering"]["answer"]
        assert [steps[i] for i in key(doc)] == answer
        for order in itertools.permutations(range(len(steps))):
            graded = grade(doc, list(order))
            assert graded.correct == ([steps[i] for i in order] == answer)
            assert graded.parts == (graded.correct,)


def test_a_case_study_grades_each_question_and_joins_their_misconceptions() -> None:
    for doc in docs("case-study"):
        right = key(doc)
        subs = doc["questions"]
        assert len(right) == len(subs)
        choice = next(i for i, q in enumerate(subs) if q["item_type"] in CHOICE_TYPES)
        for option in subs[choice]["options"]:
            if option["correct"]:
                continue
            answer = [*right]
            answer[choice] = option["key"]
            graded = grade(doc, answer)
            assert not graded.correct
            assert len(graded.subgrades) == len(subs)
            assert [g.correct for g in graded.subgrades] == [i != choice for i in range(len(subs))]
            assert graded.parts == tuple(p for g in graded.subgrades for p in g.parts)
            assert graded.score == pytest.approx(sum(graded.parts) / len(graded.parts))
            assert graded.misconceptions == tuple(filter(None, [option.get("misconception")]))


def test_case_study_misconceptions_are_the_union_in_question_order() -> None:
    doc = next(d for d in docs("case-study") if len(d["questions"]) == 3)
    answer = [key(doc)[0]]
    expected: dict[str, None] = {}
    for sub in doc["questions"][1:]:
        wrong = [o for o in sub["options"] if not o["correct"] and o.get("misconception")]
        answer.append(wrong[0]["key"])
        expected[wrong[0]["misconception"]] = None
    assert grade(doc, answer).misconceptions == tuple(expected)


@pytest.mark.parametrize("item_type", ITEM_TYPES)
def test_no_answer_grades_wrong_in_every_part(item_type: str) -> None:
    doc = one(item_type)
    graded = grade(doc, None)
    assert graded == Grade(False, 0.0, (False,) * points(doc), (), key(doc), graded.subgrades)
    assert describe(doc, None) == "no answer"


def test_a_case_study_question_left_unanswered_scores_nothing() -> None:
    doc = one("case-study")
    answer = [None, *key(doc)[1:]]
    graded = grade(doc, answer)
    assert not graded.subgrades[0].correct and all(g.correct for g in graded.subgrades[1:])
    assert describe(doc, answer).startswith("Question 1: no answer; Question 2: ")


# -- malformed responses --------------------------------------------------------------------------

BAD_RESPONSES = {
    "single-choice": ["Z", "b", ["A"], 1, ""],
    "fix-it": ["E", ["A"], True],
    "multi-choice": ["A", ["A"], ["A", "A"], ["A", "B", "C"], ["A", "Z"], [1, 2], "AE"],
    "yes-no-series": [[True], [1, 0, 1], "yny", [True, False, None], [True] * 4],
    "hotspot": [["nope", "nope", "nope"], [], "VirtualAppliance", [1, 2, 3]],
    "ordering": [[0, 1, 2], [0, 0, 1, 2], [1, 2, 3, 4], [True, False, 2, 3], "0123", [0.0, 1, 2]],
    "case-study": ["A", [], [None], [["A"], None, None]],
}


@pytest.mark.parametrize(
    ("item_type", "response"),
    [(kind, r) for kind, bad in BAD_RESPONSES.items() for r in bad],
    ids=repr,
)
def test_a_malformed_response_is_an_answer_error(item_type: str, response: object) -> None:
    doc = one(item_type)
    if item_type == "hotspot":
        doc["blanks"] = doc["blanks"][:3] + [doc["blanks"][0]] * (3 - len(doc["blanks"]))
    with pytest.raises(AnswerError, match="expected"):
        grade(doc, response)
    with pytest.raises(AnswerError):
        describe(doc, response)
    with pytest.raises(AnswerError):
        check(doc, response)


def test_an_unknown_item_type_is_a_document_error() -> None:
    doc = one("single-choice") | {"item_type": "essay"}
    with pytest.raises(DocumentError, match="essay"):
        grade(doc, "A")


def test_an_inconsistent_key_is_a_document_error() -> None:
    doc = one("single-choice")
    for option in doc["options"]:
        option["correct"] = True
    with pytest.raises(DocumentError, match="4 correct options"):
        key(doc)
    ordering = one("ordering")
    ordering["ordering"]["answer"][0] = "something else"
    with pytest.raises(DocumentError, match="not a step"):
        key(ordering)


# -- typed answers ------------------------------------------------------------------------------


def typed(doc: dict, response: object) -> list[str]:
    """Ways a learner may type ``response`` to ``doc``."""
    kind = doc["item_type"]
    if kind in ("single-choice", "fix-it"):
        number = [o["key"] for o in doc["options"]].index(response) + 1
        return [response, response.lower(), f" {response} ", str(number), f"{response})"]
    if kind == "multi-choice":
        numbers = [str([o["key"] for o in doc["options"]].index(k) + 1) for k in response]
        return [
            ",".join(response),
            " ".join(response).lower(),
            "".join(response).lower(),
            " ".join(numbers),
            ", ".join(reversed(response)),
        ]
    if kind == "yes-no-series":
        return [
            " ".join("y" if a else "n" for a in response),
            "".join("Y" if a else "N" for a in response),
            " ".join("yes" if a else "no" for a in response),
            " ".join("1" if a else "0" for a in response),
            ", ".join("Yes" if a else "No" for a in response),
        ]
    if kind == "hotspot":
        pairs = zip(response, doc["blanks"], strict=True)
        numbers = [str(b["choices"].index(r) + 1) for r, b in pairs]
        return [" ".join(numbers), ",".join(numbers)]
    numbers = [str(i + 1) for i in response]
    return [" ".join(numbers), " -> ".join(numbers), "".join(numbers)]


def responses(doc: dict) -> list[object]:
    """The key and some wrong responses of ``doc``."""
    kind = doc["item_type"]
    if kind in ("single-choice", "fix-it"):
        return [o["key"] for o in doc["options"]]
    if kind == "multi-choice":
        keys = [o["key"] for o in doc["options"]]
        return [list(c) for c in itertools.combinations(keys, doc["select"])]
    if kind == "yes-no-series":
        return [list(p) for p in itertools.product([True, False], repeat=len(doc["statements"]))]
    if kind == "hotspot":
        return [list(p) for p in itertools.product(*(b["choices"] for b in doc["blanks"]))]
    return [list(p) for p in itertools.permutations(range(len(doc["ordering"]["steps"])))]


@pytest.mark.parametrize("item_type", [t for t in ITEM_TYPES if t != "case-study"])
def test_typed_answers_parse_back_to_the_response(item_type: str) -> None:
    for doc in docs(item_type)[:4]:
        assert key(doc) in responses(doc)
        for response in responses(doc):
            for text in typed(doc, response):
                assert parse(doc, text) == response, (doc["id"], text)


def test_case_study_questions_are_parsed_one_by_one() -> None:
    doc = one("case-study")
    with pytest.raises(AnswerError, match="one question at a time"):
        parse(doc, "A")
    answer = [parse(sub, typed(sub, key(sub))[0]) for sub in doc["questions"]]
    assert grade(doc, answer).correct


@pytest.mark.parametrize(
    ("item_type", "text", "message"),
    [
        ("single-choice", "", "no answer given; expected one letter from A to D"),
        ("single-choice", "F", "'F' is not an option; expected one letter from A to D"),
        ("single-choice", "5", "'5' is not an option"),
        ("single-choice", "a b", "two given; expected one letter from A to D"),
        ("single-choice", "a?", "'a\\?' is not understood"),
        ("fix-it", "0", "'0' is not an option"),
        ("multi-choice", "A", "one given; expected two letters from A to E, e.g. A C"),
        ("multi-choice", "a a", "A is given twice; expected two letters from A to E"),
        ("multi-choice", "a b c", "three given; expected two letters"),
        ("multi-choice", "a f", "'f' is not an option; expected two letters from A to E"),
        ("yes-no-series", "y n", "two given; expected yes or no for each of the three statements"),
        ("yes-no-series", "y n maybe", "'maybe' is not yes or no"),
        ("yes-no-series", "", "no answer given"),
        ("hotspot", "9 1 1", "blank 1 has choices 1 to"),
        ("hotspot", "1", "one given; expected the number of a choice for each of the"),
        ("hotspot", "x 1 1", "'x' is not one of the numbers shown"),
        ("ordering", "1 2 3", "three given; expected the four step numbers in order, each once"),
        ("ordering", "1 1 2 3", "step 1 is given twice"),
        ("ordering", "1 2 3 5", "there is no step 5"),
        ("ordering", "1 2 3 99999999999999999999", "is not one of the numbers shown"),
    ],
)
def test_a_typed_answer_that_cannot_be_understood_says_what_was_expected(
    item_type: str, text: str, message: str
) -> None:
    with pytest.raises(AnswerError, match=message):
        parse(one(item_type), text)


def test_the_example_in_a_message_does_not_give_the_key_away() -> None:
    """The example is the same for every question of a shape, whatever its key."""
    for kind in ("single-choice", "multi-choice", "yes-no-series", "ordering"):
        messages = set()
        for doc in docs(kind):
            with pytest.raises(AnswerError) as caught:
                parse(doc, "")
            messages.add(caught.value.message)
        assert len(messages) == 1, messages


@cache
def fuzz_docs() -> tuple[dict, ...]:
    return tuple(
        q for kind in ITEM_TYPES for doc in docs(kind)[:2] for q in [doc, *questions(doc)]
    )


@given(st.data(), typed_answers())
def test_parse_fails_only_with_answer_error(data: st.DataObject, text: str) -> None:
    doc = data.draw(st.sampled_from(fuzz_docs()))
    try:
        response = parse(doc, text)
    except AnswerError as error:
        assert error.message.strip()
        return
    check(doc, response)  # whatever parses is a well-formed response
    assert isinstance(grade(doc, response), Grade)


def test_offered_lists_the_misconceptions_of_the_wrong_options() -> None:
    for doc in all_docs():
        expected = dict.fromkeys(
            o["misconception"]
            for q in questions(doc)
            for o in q.get("options", ())
            if not o["correct"] and o.get("misconception")
        )
        assert offered(doc) == list(expected)
        assert set(grade(doc, key(doc)).misconceptions) <= set(offered(doc))
