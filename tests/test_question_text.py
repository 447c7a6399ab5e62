"""Golden files of the rendered text for fixed ids of every family and item type, and the
duplicate check over many generated questions."""

from __future__ import annotations

import json
import os

import pytest

from quizgen.questions.families import families
from quizgen.questions.gate import problems
from quizgen.questions.generate import question, wording
from quizgen.render import markdown


def _fixed_ids() -> list[str]:
    """For each family and item type, the first seed that gives a question of that type."""
    ids = []
    for name, family in sorted(families().items()):
        for item_type in family.spec.item_types:
            for seed in range(200):
                doc = question(name, seed)
                if doc is not None and doc["item_type"] == item_type:
                    ids.append(doc["id"])
                    break
            else:
                ids.append(f"{name}@{item_type}#none")
    return ids


IDS = _fixed_ids()


@pytest.mark.parametrize("qid", IDS)
def test_rendered_text(qid, golden):
    assert not qid.endswith("#none"), f"no seed below 200 gives this item type: {qid}"
    family, rest = qid.split("@")
    seed = int(rest.split("#")[1])
    doc = question(family, seed)
    assert doc is not None and wording(family).version == int(rest.split("#")[0])
    golden(f"questions/{qid.replace('@', '-v').replace('#', '-')}.md", markdown([doc]))


def test_no_duplicate_items_and_every_one_passes_the_gate():
    """Among 5,000 generated questions (500 outside CI), every one passes the gate, and no two
    have the same stem, exhibits and options or statements: the families draw fresh variants."""
    count = 5_000 if os.environ.get("CI") else 500
    names = sorted(families())
    seen, built = set(), 0
    for seed in range(count):
        doc = question(names[seed % len(names)], seed)
        if doc is None:
            continue
        built += 1
        assert problems(doc) == [], (doc["id"], problems(doc))
        key = json.dumps(
            [
                doc["stem"],
                doc["exhibits"],
                doc.get("options"),
                doc.get("statements"),
                doc.get("blanks"),
            ],
            sort_keys=True,
        )
        assert key not in seen, f"duplicate question {doc['id']}"
        seen.add(key)
    assert built >= count // 3
