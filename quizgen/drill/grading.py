"""Grading answers to question documents: the key, the grade, typed answers and their wording.

A *response* is what a learner answered, in a JSON-friendly form (the store keeps it as JSON):

================  =====================================================================
item type         response
================  =====================================================================
single-choice     the option key, e.g. ``"B"``
fix-it            the option key, e.g. ``"B"``
multi-choice      the picked option keys in option order, e.g. ``["A", "E"]``; exactly
                  ``doc["select"]`` of them
yes-no-series     one bool per statement, e.g. ``[True, False, True]``
hotspot           one chosen string per blank, in ``doc["blanks"]`` order, each one of that
                  blank's ``choices``
ordering          indices into ``doc["ordering"]["steps"]`` (the steps as displayed, shuffled)
                  in the learner's order; right when the steps they name read
                  ``doc["ordering"]["answer"]``
case-study        one sub-response per ``doc["questions"][i]``, each in its own item type's
                  form, or None for a sub-question left unanswered
================  =====================================================================

``None`` as a whole response means "not answered" (an exam item the learner never touched): it
grades as wrong in every part, with no misconceptions.

Scoring is exam-style partial credit, one point per *part*:

- single-choice, fix-it, ordering: one part, all or nothing;
- multi-choice: one part per correct option, right when the learner picked it. AZ-104 gives a
  point per correct selection; over-selecting cannot happen because exactly ``select`` options
  are picked (``select`` is the number of correct options), so every wrong pick is a correct
  option missed and costs exactly one point - nothing more is subtracted;
- yes-no-series: one part per statement; hotspot: one part per blank;
- case-study: the parts of its sub-questions, one after the other (``Grade.subgrades`` has the
  grade of each).

``score`` is the fraction of parts right; ``correct`` is true when every part is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from quizgen.errors import QuizgenError
from quizgen.questions import ITEM_TYPES

Doc = dict[str, Any]
Response = Any  # str | list[str] | list[bool] | list[int] | list[Response | None] | None

CHOICE_TYPES = ("single-choice", "fix-it")
YES = ("y", "yes", "t", "true", "1")
NO = ("n", "no", "f", "false", "0")
_NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
#: What separates the parts of a typed answer: spaces and the punctuation people put between
#: choices ("A, E", "3 -> 1 -> 2", "a) c)", "1. 2."). Letters and digits are never separators.
_SEPARATORS = re.compile(r"[\s,;/+&>().:\-]+")
_TOKEN = re.compile(r"[A-Za-z]+|[0-9]+")


class AnswerError(QuizgenError):
    """A typed answer (or a stored response) that cannot be understood; the message says what
    was expected, e.g. "expected two letters from A to E, e.g. A B"."""


class DocumentError(QuizgenError):
    """A question document that cannot be graded (its key is inconsistent or it is unknown)."""


@dataclass(frozen=True, slots=True)
class Grade:
    """How a response fares against the key (see the module docstring for the parts)."""

    correct: bool  # every part right
    score: float  # fraction of parts right, 0..1
    parts: tuple[bool, ...]  # per statement / blank / correct option / sub-question part
    misconceptions: tuple[str, ...]  # T-ids of the wrong options picked, in order, no repeats
    expected: Any  # the key in response form: what key(doc) returns
    subgrades: tuple[Grade, ...] = ()  # a case study's grade per sub-question, else ()


# -- the key ------------------------------------------------------------------------------------


def key(doc: Doc) -> Response:
    """The correct response to ``doc``, in response form."""
    kind = _item_type(doc)
    if kind in CHOICE_TYPES:
        right = _correct_keys(doc)
        if len(right) != 1:
            raise DocumentError(f"{_name(doc)}: {len(right)} correct options; expected exactly 1")
        return right[0]
    if kind == "multi-choice":
        right = _correct_keys(doc)
        if len(right) != _select(doc):
            raise DocumentError(
                f"{_name(doc)}: {len(right)} correct options but select is {_select(doc)}"
            )
        return right
    if kind == "yes-no-series":
        return [bool(s["answer"]) for s in doc["statements"]]
    if kind == "hotspot":
        return [b["answer"] for b in doc["blanks"]]
    if kind == "ordering":
        return _ordering_key(doc)
    return [key(sub) for sub in doc["questions"]]  # case-study


def points(doc: Doc) -> int:
    """How many parts ``doc`` is scored in (the length of every grade's ``parts``)."""
    kind = _item_type(doc)
    if kind in (*CHOICE_TYPES, "ordering"):
        return 1
    if kind == "multi-choice":
        return _select(doc)
    if kind == "yes-no-series":
        return len(doc["statements"])
    if kind == "hotspot":
        return len(doc["blanks"])
    return sum(points(sub) for sub in doc["questions"])


# -- grading ------------------------------------------------------------------------------------


def grade(doc: Doc, response: Response) -> Grade:
    """Grade ``response`` against ``doc``'s key; AnswerError when it is not a response to it."""
    expected = key(doc)
    if response is None:
        return _graded((False,) * points(doc), (), expected)
    check(doc, response)
    kind = _item_type(doc)
    if kind in CHOICE_TYPES:
        return _graded((response == expected,), _misconceptions(doc, [response]), expected)
    if kind == "multi-choice":
        parts = tuple(k in response for k in expected)
        return _graded(parts, _misconceptions(doc, _in_option_order(doc, response)), expected)
    if kind in ("yes-no-series", "hotspot"):
        return _graded(tuple(a == b for a, b in zip(response, expected, strict=True)), (), expected)
    if kind == "ordering":
        steps = doc["ordering"]["steps"]
        named = [steps[i] for i in response]
        return _graded((named == list(doc["ordering"]["answer"]),), (), expected)
    subgrades = tuple(grade(sub, r) for sub, r in zip(doc["questions"], response, strict=True))
    seen: dict[str, None] = {}
    for sub in subgrades:
        seen.update(dict.fromkeys(sub.misconceptions))
    parts = tuple(p for sub in subgrades for p in sub.parts)
    return _graded(parts, tuple(seen), expected, subgrades)


def check(doc: Doc, response: Response) -> None:
    """AnswerError unless ``response`` has the shape of a response to ``doc`` (None is not)."""
    kind = _item_type(doc)
    if kind in CHOICE_TYPES:
        if not isinstance(response, str) or response not in _keys(doc):
            raise AnswerError(f"got {response!r}; expected one of {', '.join(_keys(doc))}")
        return
    if kind == "case-study":
        subs = doc["questions"]
        if not _is_list(response) or len(response) != len(subs):
            raise AnswerError(
                f"got {response!r}; expected a list of {len(subs)} answers, one per question"
            )
        for number, (sub, r) in enumerate(zip(subs, response, strict=True), 1):
            if r is not None:
                try:
                    check(sub, r)
                except AnswerError as error:
                    raise AnswerError(f"question {number}: {error.message}") from None
        return
    if not _is_list(response):
        raise AnswerError(f"got {response!r}; expected a list")
    if kind == "multi-choice":
        wanted = _select(doc)
        if (
            len(response) != wanted
            or not all(isinstance(r, str) and r in _keys(doc) for r in response)
            or len(set(response)) != len(response)
        ):
            raise AnswerError(
                f"got {response!r}; expected {_count(wanted)} different option keys "
                f"from {', '.join(_keys(doc))}"
            )
    elif kind == "yes-no-series":
        n = len(doc["statements"])
        if len(response) != n or not all(isinstance(r, bool) for r in response):
            raise AnswerError(f"got {response!r}; expected {_count(n)} true/false values")
    elif kind == "hotspot":
        blanks = doc["blanks"]
        if len(response) != len(blanks) or not all(
            isinstance(r, str) and r in b["choices"] for r, b in zip(response, blanks, strict=True)
        ):
            raise AnswerError(
                f"got {response!r}; expected {_count(len(blanks))} choices, one per blank, "
                "each one of that blank's choices"
            )
    else:  # ordering
        n = len(doc["ordering"]["steps"])
        indices = [r if isinstance(r, int) and not isinstance(r, bool) else -1 for r in response]
        if sorted(indices) != list(range(n)):
            raise AnswerError(
                f"got {response!r}; expected the step indices 0 to {n - 1}, each once"
            )


def offered(doc: dict[str, Any]) -> list[str]:
    """The misconceptions ``doc``'s wrong options stand for (a case study's questions too), in
    order, each once."""
    found: dict[str, None] = {}
    for question in doc.get("questions") or [doc]:
        for option in question.get("options", ()):
            if not option.get("correct") and option.get("misconception"):
                found[option["misconception"]] = None
    return list(found)


# -- typed answers (plain mode) -------------------------------------------------------------------


def parse(doc: Doc, text: str) -> Response:
    """The response a learner typed in plain mode; AnswerError (saying what was expected) when
    it cannot be understood. Forgiving about case, spaces and separators:

    - single-choice, fix-it: a letter or the option's number, "b", "B", "2";
    - multi-choice: exactly ``select`` different options, "A,E", "a e", "ae", "1 5";
    - yes-no-series: one answer per statement, "y n y", "yny", "yes no yes", "1 0 1";
    - hotspot: the number of the choice for each blank (1-based), "2 1 3";
    - ordering: the step numbers (1-based) in order, each once, "3 1 4 2".

    A case study is not typed as one answer: its questions are asked one by one.
    """
    kind = _item_type(doc)
    if not isinstance(text, str):
        raise AnswerError(f"got {text!r}; expected typed text")
    if kind == "case-study":
        raise AnswerError(
            "a case study is answered one question at a time; parse each of its questions"
        )
    tokens = _tokens(text, _expected_text(doc))
    if kind in CHOICE_TYPES:
        if len(tokens) != 1:
            raise AnswerError(f"{_count(len(tokens))} given; {_expected_text(doc)}")
        return _option(doc, tokens[0])
    if kind == "multi-choice":
        if (
            len(tokens) == 1
            and len(tokens[0]) > 1
            and (tokens[0].isalpha() or len(doc["options"]) < 10)
        ):
            tokens = list(tokens[0])  # "ae", "15"
        picked = [_option(doc, t) for t in tokens]
        for k in picked:
            if picked.count(k) > 1:
                raise AnswerError(f"{k} is given twice; {_expected_text(doc)}")
        if len(picked) != _select(doc):
            raise AnswerError(f"{_count(len(picked))} given; {_expected_text(doc)}")
        return _in_option_order(doc, picked)
    if kind == "yes-no-series":
        word = tokens[0].lower()
        if len(tokens) == 1 and word not in (*YES, *NO) and set(word) <= set("yn10"):
            tokens = list(tokens[0])  # "yny", "101"
        answers = []
        for token in tokens:
            if token.lower() not in (*YES, *NO):
                raise AnswerError(f"{token!r} is not yes or no; {_expected_text(doc)}")
            answers.append(token.lower() in YES)
        if len(answers) != len(doc["statements"]):
            raise AnswerError(f"{_count(len(answers))} given; {_expected_text(doc)}")
        return answers
    if kind == "hotspot":
        blanks = doc["blanks"]
        numbers = _numbers(doc, tokens, len(blanks), max(len(b["choices"]) for b in blanks))
        chosen = []
        for blank_number, (n, blank) in enumerate(zip(numbers, blanks, strict=True), 1):
            if not 1 <= n <= len(blank["choices"]):
                raise AnswerError(
                    f"blank {blank_number} has choices 1 to {len(blank['choices'])}, not {n}; "
                    + _expected_text(doc)
                )
            chosen.append(blank["choices"][n - 1])
        return chosen
    steps = doc["ordering"]["steps"]
    numbers = _numbers(doc, tokens, len(steps), len(steps))
    for n in numbers:
        if not 1 <= n <= len(steps):
            raise AnswerError(f"there is no step {n}; {_expected_text(doc)}")
        if numbers.count(n) > 1:
            raise AnswerError(f"step {n} is given twice; {_expected_text(doc)}")
    return [n - 1 for n in numbers]


def describe(doc: Doc, response: Response) -> str:
    """``response`` in words, for feedback: "B", "A, E", "Yes, No, Yes", "VirtualAppliance;
    VNetPeering", ordering steps joined with " -> ", a case study's "Question 1: ...; ..."."""
    if response is None:
        return "no answer"
    check(doc, response)
    kind = _item_type(doc)
    if kind in CHOICE_TYPES:
        return response
    if kind == "multi-choice":
        return ", ".join(_in_option_order(doc, response))
    if kind == "yes-no-series":
        return ", ".join("Yes" if r else "No" for r in response)
    if kind == "hotspot":
        return "; ".join(response)
    if kind == "ordering":
        return " -> ".join(doc["ordering"]["steps"][i] for i in response)
    return "; ".join(
        f"Question {n}: {describe(sub, r)}"
        for n, (sub, r) in enumerate(zip(doc["questions"], response, strict=True), 1)
    )


# -- helpers ------------------------------------------------------------------------------------


def _graded(
    parts: tuple[bool, ...],
    misconceptions: tuple[str, ...],
    expected: Response,
    subgrades: tuple[Grade, ...] = (),
) -> Grade:
    score = sum(parts) / len(parts) if parts else 0.0
    return Grade(bool(parts) and all(parts), score, parts, misconceptions, expected, subgrades)


def _item_type(doc: Doc) -> str:
    kind = doc.get("item_type")
    if kind not in ITEM_TYPES:
        raise DocumentError(f"{_name(doc)}: cannot grade item type {kind!r}")
    return kind


def _name(doc: Doc) -> str:
    return f"question {doc.get('id', doc.get('family', '?'))}"


def _keys(doc: Doc) -> list[str]:
    return [o["key"] for o in doc["options"]]


def _correct_keys(doc: Doc) -> list[str]:
    return [o["key"] for o in doc["options"] if o["correct"]]


def _select(doc: Doc) -> int:
    return int(doc.get("select", len(_correct_keys(doc))))


def _in_option_order(doc: Doc, picked: Sequence[str]) -> list[str]:
    return [k for k in _keys(doc) if k in picked]


def _misconceptions(doc: Doc, picked: Sequence[str]) -> tuple[str, ...]:
    by_key = {o["key"]: o for o in doc["options"]}
    found: dict[str, None] = {}
    for k in picked:
        option = by_key[k]
        if not option["correct"] and option.get("misconception"):
            found[option["misconception"]] = None
    return tuple(found)


def _ordering_key(doc: Doc) -> list[int]:
    steps = list(doc["ordering"]["steps"])
    free = list(range(len(steps)))
    order = []
    for text in doc["ordering"]["answer"]:
        index = next((i for i in free if steps[i] == text), None)
        if index is None:
            raise DocumentError(f"{_name(doc)}: ordering answer step {text!r} is not a step")
        free.remove(index)
        order.append(index)
    if free:
        raise DocumentError(f"{_name(doc)}: the ordering answer leaves steps out")
    return order


def _is_list(value: object) -> bool:
    return isinstance(value, list | tuple)


def _count(n: int) -> str:
    return _NUMBERS[n] if 0 <= n < len(_NUMBERS) else str(n)


def _tokens(text: str, expected: str) -> list[str]:
    tokens = [t for t in _SEPARATORS.split(text.strip()) if t]
    if not tokens:
        raise AnswerError(f"no answer given; {expected}")
    for token in tokens:
        if not _TOKEN.fullmatch(token):
            raise AnswerError(f"{token!r} is not understood; {expected}")
    return tokens


def _option(doc: Doc, token: str) -> str:
    keys = _keys(doc)
    if token.isdigit():
        n = int(token) if len(token) <= 9 else 0  # int() refuses thousands of digits
        if 1 <= n <= len(keys):
            return keys[n - 1]
    elif token.upper() in keys:
        return token.upper()
    raise AnswerError(f"{token!r} is not an option; {_expected_text(doc)}")


def _numbers(doc: Doc, tokens: list[str], wanted: int, largest: int) -> list[int]:
    if len(tokens) == 1 and wanted > 1 and largest < 10 and len(tokens[0]) == wanted:
        tokens = list(tokens[0])  # "213"
    for token in tokens:
        if not token.isdigit() or len(token) > 9:
            raise AnswerError(f"{token!r} is not one of the numbers shown; {_expected_text(doc)}")
    if len(tokens) != wanted:
        raise AnswerError(f"{_count(len(tokens))} given; {_expected_text(doc)}")
    return [int(t) for t in tokens]


def _expected_text(doc: Doc) -> str:
    """What a typed answer to ``doc`` looks like, with an example that is never derived from
    the key (it is the same for every question of the shape)."""
    kind = _item_type(doc)
    if kind in ("single-choice", "fix-it", "multi-choice"):
        keys = _keys(doc)
        span = f"from {keys[0]} to {keys[-1]}"
        if kind != "multi-choice":
            return f"expected one letter {span} (or its number), e.g. {keys[min(1, len(keys) - 1)]}"
        n = _select(doc)
        example = " ".join(keys[::2][:n] if len(keys[::2]) >= n else keys[:n])
        return f"expected {_count(n)} letters {span}, e.g. {example}"
    if kind == "yes-no-series":
        n = len(doc["statements"])
        example = " ".join("yn"[i % 2] for i in range(n))
        return f"expected yes or no for each of the {_count(n)} statements, e.g. {example}"
    if kind == "hotspot":
        blanks = doc["blanks"]
        ranges = ", ".join(f"blank {i}: 1-{len(b['choices'])}" for i, b in enumerate(blanks, 1))
        example = " ".join(str(min(len(b["choices"]), 2 - i % 2)) for i, b in enumerate(blanks))
        return (
            f"expected the number of a choice for each of the {_count(len(blanks))} blanks "
            f"({ranges}), e.g. {example}"
        )
    if kind == "ordering":
        n = len(doc["ordering"]["steps"])
        example = " ".join(str(i) for i in range(n, 0, -1))
        return f"expected the {_count(n)} step numbers in order, each once, e.g. {example}"
    return "expected the answers to the case study's questions one at a time"
