"""What goes on paper: the items of each exam version, their order and their keys as printed.

An *arrangement* says how one question document is laid out on paper, as indices into the
document as generated:

- ``options``: the order of its options (they are then lettered A, B, C... again);
- ``steps``: the order of an ordering item's steps (lettered A, B, C... on paper);
- ``choices``: for each hotspot blank, the order of its choices;
- ``questions``: a case study's arrangement of each of its questions.

Statements, blanks and a case study's questions keep their order: explanations refer to them by
number. :func:`arrange` applies an arrangement and recomputes everything that names a letter
(``answer``), so the key of the printed document is read from the printed document
(``grading.key``) and never carried over from the document as generated.

Exam sets are *parallel forms*: version A is a draw of ``count`` verified questions; every
other version has, for each slot of version A, a fresh variant of the same family, item type and
difficulty (:func:`variant` says how it falls back when there is none), and each version shows
its items and their options in its own order. Case studies go last, so that a scenario and its
questions stay together after the single items.
"""

from __future__ import annotations

import copy
import json
import random
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from quizgen.errors import QuizgenError

Doc = dict[str, Any]
Arrangement = dict[str, Any]
LETTERS = string.ascii_uppercase
#: Seeds looked at (cheaply, by the item type they draw) and questions built, per variant.
SEEDS_LOOKED_AT = 600
BUILDS = 40


class FormError(QuizgenError):
    """An arrangement or a manifest entry that does not fit its question document."""


# -- arranging one document --------------------------------------------------------------------


def draw_arrangement(doc: Doc, rng: random.Random) -> Arrangement:
    """A random arrangement of ``doc`` (options, steps and hotspot choices shuffled)."""
    if doc["item_type"] == "case-study":
        return {"questions": [draw_arrangement(sub, rng) for sub in doc["questions"]]}
    out: Arrangement = {}
    if doc.get("options"):
        out["options"] = _shuffled(len(doc["options"]), rng)
    if doc.get("ordering"):
        out["steps"] = _shuffled(len(doc["ordering"]["steps"]), rng)
    if doc.get("blanks"):
        out["choices"] = [_shuffled(len(b["choices"]), rng) for b in doc["blanks"]]
    return out


def identity(doc: Doc) -> Arrangement:
    """The arrangement that shows ``doc`` as generated."""
    if doc["item_type"] == "case-study":
        return {"questions": [identity(sub) for sub in doc["questions"]]}
    out: Arrangement = {}
    if doc.get("options"):
        out["options"] = list(range(len(doc["options"])))
    if doc.get("ordering"):
        out["steps"] = list(range(len(doc["ordering"]["steps"])))
    if doc.get("blanks"):
        out["choices"] = [list(range(len(b["choices"]))) for b in doc["blanks"]]
    return out


def arrange(doc: Doc, arrangement: Arrangement) -> Doc:
    """``doc`` as printed under ``arrangement``: a new document, options lettered again from A
    and ``answer`` recomputed. FormError when the arrangement does not fit the document."""
    out = copy.deepcopy(doc)
    _arrange_into(out, arrangement, doc.get("id", "?"))
    return out


def _arrange_into(doc: Doc, arrangement: Arrangement, name: str) -> None:
    if not isinstance(arrangement, dict):
        raise FormError(f"{name}: arrangement {arrangement!r} is not an object")
    if doc["item_type"] == "case-study":
        subs = arrangement.get("questions")
        if not isinstance(subs, list) or len(subs) != len(doc["questions"]):
            raise FormError(
                f"{name}: expected one arrangement per question of the case study "
                f"({len(doc['questions'])}), got {subs!r}"
            )
        for n, (sub, sub_arrangement) in enumerate(zip(doc["questions"], subs, strict=True), 1):
            _arrange_into(sub, sub_arrangement, f"{name} question {n}")
        return
    if doc.get("options"):
        order = _permutation(arrangement.get("options"), len(doc["options"]), name, "options")
        options = [doc["options"][i] for i in order]
        for letter, option in zip(LETTERS, options, strict=False):
            option["key"] = letter
        doc["options"] = options
        doc["answer"] = ", ".join(o["key"] for o in options if o["correct"])
    if doc.get("ordering"):
        steps = doc["ordering"]["steps"]
        order = _permutation(arrangement.get("steps"), len(steps), name, "steps")
        doc["ordering"]["steps"] = [steps[i] for i in order]
    if doc.get("blanks"):
        orders = arrangement.get("choices")
        if not isinstance(orders, list) or len(orders) != len(doc["blanks"]):
            raise FormError(f"{name}: expected one choice order per blank, got {orders!r}")
        for n, (blank, order) in enumerate(zip(doc["blanks"], orders, strict=True), 1):
            order = _permutation(order, len(blank["choices"]), name, f"choices of blank {n}")
            blank["choices"] = [blank["choices"][i] for i in order]


def _shuffled(n: int, rng: random.Random) -> list[int]:
    order = list(range(n))
    rng.shuffle(order)
    return order


def _permutation(order: object, n: int, name: str, what: str) -> list[int]:
    if (
        not isinstance(order, list)
        or any(isinstance(i, bool) or not isinstance(i, int) for i in order)
        or sorted(order) != list(range(n))
    ):
        raise FormError(
            f"{name}: {what} order {order!r} is not the numbers 0 to {n - 1}, each once"
        )
    return order


# -- keys as printed ---------------------------------------------------------------------------


def printed_key(doc: Doc) -> Any:
    """The key of a printed document the way the paper shows it: option letters ("B",
    ["A", "D"]), "Yes"/"No" per statement, the letter of each blank's choice, the step letters
    in order; a list of those for a case study. Read from ``grading.key(doc)``."""
    from quizgen.drill.grading import key

    return _letters(doc, key(doc))


def _letters(doc: Doc, response: Any) -> Any:
    kind = doc["item_type"]
    if kind in ("single-choice", "fix-it", "multi-choice"):
        return response
    if kind == "yes-no-series":
        return ["Yes" if r else "No" for r in response]
    if kind == "hotspot":
        return [
            LETTERS[b["choices"].index(r)] for b, r in zip(doc["blanks"], response, strict=True)
        ]
    if kind == "ordering":
        return [LETTERS[i] for i in response]
    return [_letters(sub, r) for sub, r in zip(doc["questions"], response, strict=True)]


# -- parallel forms ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Item:
    """One item of one version: the document as printed, and how it came to be."""

    slot: int  # the item's number in version A's draw (1-based): parallel items share it
    doc: Doc  # as printed (arranged)
    arrangement: Arrangement
    variant: str  # how it matches its slot: see VARIANTS


#: How a version's item matches the slot of version A it stands in for.
VARIANTS = {
    "drawn": "version A's own draw",
    "parallel": "a fresh variant: same family, item type and difficulty",
    "near-difficulty": "a fresh variant of the same family and item type; no variant of the "
    "same difficulty was found, so the nearest difficulty is used",
    "same-question": "no fresh variant was found: version A's question, in another order",
}


def version_codes(versions: int) -> list[str]:
    """A, B, C... (then AA, AB... past Z)."""
    codes = []
    for n in range(versions):
        code = ""
        n += 1
        while n:
            n, rest = divmod(n - 1, 26)
            code = LETTERS[rest] + code
        codes.append(code)
    return codes


def fingerprint(doc: Doc) -> str:
    """What makes two questions the same question (stem, exhibits, statements, options)."""
    return json.dumps(
        [
            doc["stem"],
            doc["exhibits"],
            doc.get("statements"),
            doc.get("options"),
            doc.get("questions"),
        ],
        sort_keys=True,
        default=str,
    )


def variant(base: Doc, rng: random.Random, taken: set[str]) -> tuple[Doc, str]:
    """A fresh question standing in for ``base``: same family, item type and difficulty when one
    is found, else the nearest difficulty, else ``base`` itself. ``taken`` holds the fingerprints
    already used in the set (the result's is added)."""
    from quizgen.questions.families import families
    from quizgen.questions.gate import problems
    from quizgen.questions.generate import question

    family = families()[base["family"]]
    nearest: tuple[int, Doc] | None = None
    builds = 0
    for _ in range(SEEDS_LOOKED_AT):
        seed = rng.randrange(2**31)
        if (
            random.Random(f"{family.name}#{seed}").choice(family.spec.item_types)
            != base["item_type"]
        ):
            continue  # question() would draw another item type: not worth building
        builds += 1
        doc = question(family.name, seed)
        if doc is not None and fingerprint(doc) not in taken and not problems(doc):
            distance = abs(doc["difficulty"] - base["difficulty"])
            if distance == 0:
                taken.add(fingerprint(doc))
                return doc, "parallel"
            if nearest is None or distance < nearest[0]:
                nearest = (distance, doc)
        if builds >= BUILDS:
            break
    if nearest is not None:
        taken.add(fingerprint(nearest[1]))
        return nearest[1], "near-difficulty"
    return base, "same-question"


def version_items(
    code: str, base: Sequence[Doc], seed: int, taken: Iterable[str] = ()
) -> list[Item]:
    """The items of version ``code`` of the exam set whose version A draw is ``base``: parallel
    variants (version A: ``base`` itself), options and items shuffled, case studies last.
    Deterministic in (``seed``, ``code``, ``base``)."""
    used = set(taken) | {fingerprint(doc) for doc in base}
    items = []
    for slot, doc in enumerate(base, start=1):
        rng = random.Random(f"exam-set#{seed}#{code}#{slot}")
        if code == "A":
            chosen, how = doc, "drawn"
        else:
            chosen, how = variant(doc, rng, used)
        arrangement = draw_arrangement(chosen, rng)
        items.append(Item(slot, arrange(chosen, arrangement), arrangement, how))
    random.Random(f"exam-set#{seed}#{code}#order").shuffle(items)
    items.sort(key=lambda item: item.doc["item_type"] == "case-study")  # stable
    return items
