"""No question gives its answer away by a pattern a learner can pick up without the rule.

A key can be right and still be learnable by heart: a blank whose answer is always the second
choice, or always "None", or an option set that is offered only when one answer is right. A
learner who drills repeatedly then learns "blank 1 is always None" instead of why. This test
generates every family over a range of seeds and looks, for each family, item type and place
(a hotspot blank, the correct option, a statement, the first step of an ordering), for the
patterns below. A blank's place includes which blanks the hotspot asks: a blank asked only for
some answers gives them away by being there (next-hop asked the next hop IP only for
VirtualAppliance, so its route table blank was always the user route table).

(a) the answer at the same position among the choices in SAME_PLACE or more of the samples;
(b) the same answer value in SAME_VALUE or more of the samples (a constant answer);
(c) a choice set that determines the answer: two different choice sets, each seen SET_SEEN
    times or more with one single answer, and those answers differ;
(d) for multi-choice items, a position that is correct in SAME_PLACE or more of the samples,
    or never correct.

(a), (b) and (d) need MIN_SAMPLES samples of the place. (b) has no exception for choice sets
that change with the topology: a constant answer is a pattern whatever the other choices are.
The detectors are tested on their own (the patterns a review found) so that the test cannot
pass by detecting nothing; on the code before that review, (a) and (b) fail for next-hop,
nsg-order and peering-state, and (c) for the "no-route" choice of 0d02002.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest

from quizgen.questions.families import families
from quizgen.questions.generate import question

Doc = dict[str, Any]

#: Seeds 0..SEEDS-1 of every family (question() gives None for some). Fewer would leave the
#: rarer hotspot layouts under MIN_SAMPLES (next-hop's old VirtualAppliance layout: 20 at 120).
SEEDS = 120
#: A case study asks two or three questions and costs as much as a dozen other draws: fewer
#: seeds give it as many samples (about 12 s of CPU in all, instead of 17).
FEWER_SEEDS = {"case-study": 40}
MIN_SAMPLES = 20
SAME_PLACE = 0.9
SAME_VALUE = 0.95
SET_SEEN = 8


@dataclass(frozen=True)
class Sample:
    position: Hashable  # the answer's index among the choices (a tuple for multi-choice)
    answer: str | None  # the answer's value, when the place has one (a blank, a statement)
    choices: tuple[str, ...] = ()


Place = tuple[str, str, str]  # (family, item type, what: "blank 1 (access) of [...]", ...)


def places(family: str, doc: Doc) -> Iterable[tuple[Place, Sample]]:
    """The answer-bearing places of one question document, with what the learner sees."""
    if doc["item_type"] == "case-study":
        for sub in doc["questions"]:
            for (_, item_type, what), sample in places(family, sub):
                yield (family, f"case-study/{item_type}", what), sample
        return
    item_type = doc["item_type"]
    blanks = doc.get("blanks", [])
    area = ", ".join(b["field"] for b in blanks)  # which blanks are asked shows, so it counts
    for blank in blanks:
        choices = tuple(map(str, blank["choices"]))
        yield (
            (family, item_type, f"blank {blank['key']} ({blank['field']}) of [{area}]"),
            Sample(blank["choices"].index(blank["answer"]), str(blank["answer"]), choices),
        )
    options = doc.get("options", [])
    correct = tuple(n for n, o in enumerate(options) if o["correct"])
    keys = tuple(o["key"] for o in options)
    if options and item_type == "multi-choice":
        yield (family, item_type, "correct options"), Sample(correct, None, keys)
    elif options:
        yield (family, item_type, "correct option"), Sample(correct[0], None, keys)
    for n, statement in enumerate(doc.get("statements", []), start=1):
        answer = "Yes" if statement["answer"] else "No"
        yield (
            (family, item_type, f"statement {n}"),
            Sample(int(not statement["answer"]), answer, ("Yes", "No")),
        )
    ordering = doc.get("ordering")
    if ordering is not None:
        first = ordering["steps"].index(ordering["answer"][0])
        yield (family, item_type, "first step"), Sample(first, None)


# --- the detectors -----------------------------------------------------------------------------


def fixed_position(samples: list[Sample]) -> str | None:
    """(a) The answer sits at one position in SAME_PLACE of the samples or more."""
    if len(samples) < MIN_SAMPLES:
        return None
    position, seen = Counter(s.position for s in samples).most_common(1)[0]
    if seen >= SAME_PLACE * len(samples):
        return f"the answer is at position {position} in {seen} of {len(samples)} samples"
    return None


def constant_answer(samples: list[Sample]) -> str | None:
    """(b) The answer is one value in SAME_VALUE of the samples or more."""
    values = [s.answer for s in samples if s.answer is not None]
    if len(values) < MIN_SAMPLES:
        return None
    value, seen = Counter(values).most_common(1)[0]
    if seen >= SAME_VALUE * len(values):
        return f"the answer is {value!r} in {seen} of {len(values)} samples"
    return None


def telling_choices(samples: list[Sample]) -> str | None:
    """(c) Two choice sets, each seen SET_SEEN times or more with one answer, answers differ."""
    answers: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for s in samples:
        if s.answer is not None and s.choices:
            answers[s.choices][s.answer] += 1
    telling = {
        choices: next(iter(count))
        for choices, count in answers.items()
        if len(count) == 1 and sum(count.values()) >= SET_SEEN
    }
    if len(set(telling.values())) < 2:
        return None
    return "the choices offered give the answer: " + "; ".join(
        f"{list(choices)} -> {answer!r} ({answers[choices][answer]} times)"
        for choices, answer in sorted(telling.items(), key=lambda item: item[1])
    )


def fixed_multi_positions(samples: list[Sample]) -> str | None:
    """(d) Multi-choice: one set of correct positions, or a position always or never correct."""
    if len(samples) < MIN_SAMPLES:
        return None
    found = fixed_position(samples)
    if found:
        return found
    for position in range(max(len(s.choices) for s in samples)):
        correct = sum(position in s.position for s in samples)
        if correct == 0 or correct >= SAME_PLACE * len(samples):
            return f"position {position} is correct in {correct} of {len(samples)} samples"
    return None


# --- the detectors catch what the review found -------------------------------------------------


def _blank(position: int, answer: str, choices: tuple[str, ...]) -> Sample:
    assert choices[position] == answer
    return Sample(position, answer, choices)


def test_detectors_catch_the_reviewed_patterns():
    # next-hop: the route table blank after a next hop IP was always the user route table
    route_table = [_blank(1, "RT1", ("System Route", "RT1"))] * 25
    assert fixed_position(route_table) and constant_answer(route_table)
    # peering-state: "now" was always None, third of four fixed choices
    hops = ("VNetPeering", "VNetGlobalPeering", "None", "VnetLocal")
    assert constant_answer([_blank(2, "None", hops)] * 81)
    # nsg-order: the access blank was always Deny
    assert fixed_position([_blank(1, "Deny", ("Allow", "Deny"))] * 79)
    # "no-route" offered only when the answer was "delivered"
    with_no_route = ("delivered", "no-route", "peering-not-connected")
    without = ("delivered", "peering-not-connected")
    leaky = [_blank(0, "delivered", with_no_route)] * 10 + [
        _blank(1, "peering-not-connected", without)
    ] * 10
    assert telling_choices(leaky)
    # a multi-choice item whose first option is always correct
    five = tuple("ABCDE")
    assert fixed_multi_positions([Sample((0, n % 3 + 1), None, five) for n in range(30)])
    # ... or whose last option is never correct
    assert fixed_multi_positions([Sample((n % 3, n % 3 + 1), None, five) for n in range(30)])


def test_detectors_accept_a_varied_place():
    choices = ("Allow", "Deny")
    varied = [_blank(n % 2, choices[n % 2], choices) for n in range(40)]
    assert not (fixed_position(varied) or constant_answer(varied) or telling_choices(varied))
    # choice sets that change with the topology, not with the answer
    mixed = [
        _blank(n % 2, ("a", "b")[n % 2], ("a", "b", "c" if n % 4 < 2 else "d")) for n in range(40)
    ]
    assert not telling_choices(mixed)
    multi = [
        Sample(tuple(sorted({n % 5, (n * 3 + 1) % 5})), None, tuple("ABCDE")) for n in range(40)
    ]
    assert not fixed_multi_positions(multi)


# --- every family ------------------------------------------------------------------------------


@cache
def collected() -> dict[Place, list[Sample]]:
    out: dict[Place, list[Sample]] = defaultdict(list)
    for family in families():
        for seed in range(FEWER_SEEDS.get(family, SEEDS)):
            doc = question(family, seed)
            if doc is None:
                continue
            for place, sample in places(family, doc):
                out[place].append(sample)
    return dict(out)


def test_every_item_type_of_every_family_is_sampled_enough():
    enough = {
        (family, item_type.partition("/")[0])
        for (family, item_type, _), samples in collected().items()
        if len(samples) >= MIN_SAMPLES
    }
    wanted = {(name, t) for name, f in families().items() for t in f.spec.item_types}
    assert wanted <= enough, f"under {MIN_SAMPLES} samples: {sorted(wanted - enough)}"


@pytest.mark.parametrize(
    "detector", [fixed_position, constant_answer, telling_choices], ids=["a", "b", "c"]
)
def test_no_answer_by_pattern(detector):
    found = [
        f"{family} {item_type}, {what}: {result}"
        for (family, item_type, what), samples in sorted(collected().items())
        if what != "correct options" and (result := detector(samples))
    ]
    assert not found, "\n".join(found)


def test_multi_choice_correct_positions_vary():
    multi = {p: s for p, s in collected().items() if p[2] == "correct options"}
    assert multi
    found = [
        f"{family} {item_type}: {result}"
        for (family, item_type, _), samples in sorted(multi.items())
        if (result := fixed_multi_positions(samples))
    ]
    assert not found, "\n".join(found)
