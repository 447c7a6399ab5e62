"""The question bank: each family's wording, in question_bank/FAMILY.yaml.

A bank file holds what a writer changes without touching code:

```yaml
family: peering-nontransitive      # must match the file name
version: 1                         # part of every question id: family@version#seed
objective: Configure and manage virtual networking   # the AZ-104 skill
learn: https://learn.microsoft.com/...                # the Microsoft Learn page
stems:                             # per item type, one or more phrasings
  yes-no-series: ["..."]
phrases:                           # named sentences the family fills in
  statement: ["{src} can connect to {dst} on TCP port {port}."]
```

Placeholders are ``{name}`` fields; each family declares the ones it fills in. A file with a
mistake (unknown key, missing stem, a placeholder the family does not know, not YAML) is refused
at load with the file, line, value and what was expected.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quizgen.errors import InputProblem, QuizgenError
from quizgen.questions import ITEM_TYPES  # noqa: F401  (re-exported for families)
from quizgen.resources import question_bank_dir
from quizgen.source import read_text, render_path, show

_KEYS = ("family", "version", "objective", "learn", "stems", "phrases")


class BankError(QuizgenError):
    """A question bank file could not be loaded."""


@dataclass(frozen=True)
class Wording:
    family: str
    version: int
    objective: str
    learn: str
    stems: dict[str, tuple[str, ...]]
    phrases: dict[str, tuple[str, ...]]

    def stem(self, item_type: str, rng: Any) -> str:
        return rng.choice(self.stems[item_type])

    def phrase(self, name: str, rng: Any) -> str:
        return rng.choice(self.phrases[name])


@dataclass(frozen=True)
class Spec:
    """What a family's code needs from its bank file."""

    item_types: tuple[str, ...]
    fields: frozenset[str]  # placeholders the family fills in
    phrases: tuple[str, ...]  # phrase names it uses


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def parse_bank(text: str, filename: str, spec: Spec) -> Wording:
    source = read_text(text, filename)
    problems: list[InputProblem] = []

    def problem(path: tuple, value: object, expected: str) -> None:
        where = render_path(source.data, path) if source.readable else ""
        problems.append(
            InputProblem(filename, source.lines.line(path), where, show(value), expected)
        )

    for issue in source.issues:
        problems.append(
            InputProblem(
                filename,
                issue.line or source.lines.line(issue.path),
                "",
                issue.value,
                issue.expected,
            )
        )
    data = source.data if isinstance(source.data, dict) else None
    if source.readable and data is None:
        problem((), source.data, "a mapping with the keys " + ", ".join(_KEYS))
    data = data or {}
    for key in data:
        if key not in _KEYS:
            problem((key,), key, "one of the keys " + ", ".join(_KEYS))
    family = Path(filename).stem
    if data.get("family") != family:
        problem(("family",), data.get("family"), f"the family of the file's name, {family!r}")
    if not isinstance(data.get("version"), int) or data.get("version", 0) < 1:
        problem(("version",), data.get("version"), "a whole number of 1 or more")
    for key in ("objective", "learn"):
        if not isinstance(data.get(key), str) or not data.get(key):
            problem((key,), data.get(key), "a non-empty text")
    if isinstance(data.get("learn"), str) and not data["learn"].startswith("https://learn."):
        problem(
            ("learn",), data["learn"], "a Microsoft Learn address (https://learn.microsoft.com/...)"
        )
    stems = _texts(data, "stems", spec.item_types, problem, spec.fields)
    phrases = _texts(data, "phrases", spec.phrases, problem, spec.fields)
    if problems:
        raise BankError(
            f"{filename}: {len(problems)} problem(s) in the question bank file", tuple(problems)
        )
    return Wording(family, data["version"], data["objective"], data["learn"], stems, phrases)


def _texts(data: dict, key: str, names: tuple[str, ...], problem, fields) -> dict:
    block = data.get(key)
    if not isinstance(block, dict):
        problem((key,), block, f"a mapping of {', '.join(names)} to lists of texts")
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for name in block:
        if name not in names:
            problem((key, name), name, f"one of {', '.join(names)}")
    for name in names:
        texts = block.get(name)
        if (
            not isinstance(texts, list)
            or not texts
            or not all(isinstance(t, str) and t.strip() for t in texts)
        ):
            problem((key, name), texts, "a list of one or more non-empty texts")
            continue
        for n, text in enumerate(texts):
            try:
                unknown = _placeholders(text) - fields
            except ValueError as error:
                problem((key, name, n), text, f"text with well-formed {{fields}} ({error})")
                continue
            if unknown:
                problem(
                    (key, name, n),
                    text,
                    f"only the fields {', '.join(sorted(fields))} "
                    f"(not {', '.join(sorted(unknown))})",
                )
        out[name] = tuple(texts)
    return out


def load_wording(family: str, spec: Spec, directory: Path | None = None) -> Wording:
    path = (directory or question_bank_dir()) / f"{family}.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise BankError(f"{path}: cannot read the question bank file: {error.strerror}") from None
    return parse_bank(text, str(path), spec)
