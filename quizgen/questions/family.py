"""What a question family is, and the context its builder works in.

A family builds question documents (contracts.md section 4) for a seed: it draws a topology
(usually a generated scenario), asks the evaluator, and turns the answers into options,
statements, blanks or an ordering, each tied to the check that decides it (see gate.py). The
wording comes from the family's bank file. A builder returns None when the draw does not give a
good question (for instance all three statements would be true); the generator then moves on.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from quizgen.questions.bank import Spec, Wording

Doc = dict[str, Any]
KEYS = "ABCDEFGH"


@dataclass(frozen=True)
class Family:
    name: str
    topic: str  # what it drills, one line
    spec: Spec
    build: Callable[[Context], Doc | None]


@dataclass
class Context:
    family: Family
    wording: Wording
    seed: int
    item_type: str
    rng: random.Random
    checks: list[Doc] = field(default_factory=list)

    @property
    def id(self) -> str:
        return f"{self.family.name}@{self.wording.version}#{self.seed}"

    def check(self, command: str, args: Doc, expect: Doc, changes: list[Doc] | None = None) -> int:
        """Register a check (the evaluator query and its true answer); its index."""
        entry: Doc = {"command": command, "args": args, "expect": expect}
        if changes:
            entry["changes"] = changes
        self.checks.append(entry)
        return len(self.checks) - 1

    def text(self, template: str, **fields: Any) -> str:
        return template.format(**fields)

    def phrase(self, name: str, **fields: Any) -> str:
        return self.wording.phrase(name, self.rng).format(**fields)

    def question(
        self,
        *,
        stem_fields: Doc,
        topology: Doc,
        explanation: list[str],
        rules: list[str],
        difficulty: int,
        exhibits: list[Doc] | None = None,
        options: list[Doc] | None = None,
        statements: list[Doc] | None = None,
        blanks: list[Doc] | None = None,
        ordering: Doc | None = None,
        select: int | None = None,
    ) -> Doc:
        """The question document, with options shuffled and keyed A, B, C..."""
        doc: Doc = {
            "id": self.id,
            "family": self.family.name,
            "item_type": self.item_type,
            "objective": self.wording.objective,
            "difficulty": max(1, min(5, difficulty)),
            "stem": self.wording.stem(self.item_type, self.rng).format(**stem_fields),
            "topology": topology,
            "exhibits": exhibits or [],
        }
        if options is not None:
            options = list(options)
            self.rng.shuffle(options)
            for key, option in zip(KEYS, options, strict=False):
                option["key"] = key
            doc["options"] = [
                {"key": o["key"], **{k: v for k, v in o.items() if k != "key"}} for o in options
            ]
            if select is not None:
                doc["select"] = select
            doc["answer"] = ", ".join(o["key"] for o in doc["options"] if o["correct"])
        if statements is not None:
            doc["statements"] = statements
            doc["answer"] = ", ".join("Yes" if s["answer"] else "No" for s in statements)
        if blanks is not None:
            doc["blanks"] = blanks
            doc["answer"] = "; ".join(f"{b['prompt']}: {b['answer']}" for b in blanks)
        if ordering is not None:
            doc["ordering"] = ordering
            doc["answer"] = " -> ".join(str(step) for step in ordering["answer"])
        doc["explanation"] = [*explanation, f"Learn more: {self.wording.learn}"]
        doc["rules"] = list(dict.fromkeys(rules))
        doc["checks"] = self.checks
        return doc
