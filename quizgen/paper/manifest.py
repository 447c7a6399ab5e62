"""The manifest of an exam set: everything needed to print the same set again, and to mark it.

``manifest.json`` holds the seed and the options the set was made with, and for each version,
in printed order, every item's id (``family@version#seed``), its arrangement (the order of its
options, steps and choices: quizgen.paper.forms), how it matches version A's slot, and its key
twice: as printed (letters, Yes/No) and in the response form of ``quizgen.drill.grading``.

``quizgen exam-set --manifest FILE`` rebuilds the set from the ids and arrangements alone and
checks every key it computes against the manifest: a manifest that was edited, or that a
quizgen with other question families made, is refused rather than printed with a wrong key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from quizgen import __version__
from quizgen.errors import QuizgenError
from quizgen.paper.files import ExamSettings, Filters, PaperError

Doc = dict[str, Any]
FORMAT = "quizgen exam set"
FORMAT_VERSION = 1
_MISSING = object()


def manifest(settings: ExamSettings, drawn: Mapping[str, list[Doc]]) -> Doc:
    """The manifest of a set whose versions (code -> items as drawn) are ``drawn``."""
    from quizgen.drill.grading import key
    from quizgen.paper.forms import printed_key

    f = settings.filters
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "quizgen": __version__,
        "seed": settings.seed,
        "options": {
            "versions": settings.versions,
            "count": settings.count,
            "title": settings.title,
            "minutes": settings.minutes,
            "paper": settings.paper,
            "family": f.family,
            "type": f.item_type,
            "objective": f.objective,
            "difficulty": f.difficulty,
        },
        "versions": [
            {
                "code": code,
                "files": {"student": f"version-{code}.pdf", "key": f"version-{code}-key.pdf"},
                "items": [
                    {
                        "number": number,
                        "slot": item["slot"],
                        "id": item["doc"]["id"],
                        "family": item["doc"]["family"],
                        "item_type": item["doc"]["item_type"],
                        "difficulty": item["doc"]["difficulty"],
                        "variant": item["variant"],
                        "arrangement": item["arrangement"],
                        "key": printed_key(item["doc"]),
                        "key_response": key(item["doc"]),
                    }
                    for number, item in enumerate(items, start=1)
                ],
            }
            for code, items in drawn.items()
        ],
    }


def manifest_text(document: Doc) -> str:
    """The manifest as JSON, indented by 2, with lists of plain values (arrangements, keys)
    kept on one line."""

    def dump(value: Any, indent: str) -> str:
        inner = indent + "  "
        if isinstance(value, dict) and value:
            fields = [f"{inner}{json.dumps(k)}: {dump(v, inner)}" for k, v in value.items()]
            return "{\n" + ",\n".join(fields) + "\n" + indent + "}"
        if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
            if all(isinstance(v, list) and not any(isinstance(w, dict) for w in v) for v in value):
                return json.dumps(value)
            return "[\n" + ",\n".join(inner + dump(v, inner) for v in value) + "\n" + indent + "]"
        return json.dumps(value)

    return dump(document, "") + "\n"


# -- reading -----------------------------------------------------------------------------------


def _field(
    data: Mapping[str, Any], name: str, kind: type | tuple[type, ...], where: str, path: str
) -> Any:
    value = data.get(name) if isinstance(data, Mapping) else None
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        wanted = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise PaperError(f"{path}: {where}{name}: got {json.dumps(value)}; expected a {wanted}")
    return value


def read_manifest(path: str) -> tuple[ExamSettings, dict[str, list[Doc]]]:
    """The settings and, per version code, the item entries of the manifest at ``path``."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise PaperError(f"--manifest: cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise PaperError(f"--manifest: {path} is not UTF-8 text; expected manifest.json") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise PaperError(
            f"{path}:{error.lineno}: not JSON ({error.msg}, column {error.colno}); expected the "
            "manifest.json that quizgen exam-set wrote"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        got = json.dumps(data.get("format") if isinstance(data, dict) else data)[:60]
        raise PaperError(
            f"{path}: format: got {got}; "
            f"expected {json.dumps(FORMAT)} (the manifest.json that quizgen exam-set wrote)"
        )
    if data.get("format_version") != FORMAT_VERSION:
        raise PaperError(
            f"{path}: format_version: got {json.dumps(data.get('format_version'))}; expected "
            f"{FORMAT_VERSION}"
        )
    seed = _field(data, "seed", int, "", path)
    options = _field(data, "options", dict, "", path)
    from quizgen.render.pdf import PAPERS

    paper = _field(options, "paper", str, "options.", path)
    if paper not in PAPERS:
        raise PaperError(f"{path}: options.paper: got {json.dumps(paper)}; expected a4 or letter")
    difficulty = options.get("difficulty")
    settings = ExamSettings(
        versions=_field(options, "versions", int, "options.", path),
        count=_field(options, "count", int, "options.", path),
        seed=seed,
        title=_field(options, "title", str, "options.", path),
        minutes=_field(options, "minutes", int, "options.", path),
        paper=paper,
        filters=Filters(
            options.get("family") if isinstance(options.get("family"), str) else None,
            options.get("type") if isinstance(options.get("type"), str) else None,
            options.get("objective") if isinstance(options.get("objective"), str) else None,
            difficulty if isinstance(difficulty, int) else None,
        ),
    )
    versions = _field(data, "versions", list, "", path)
    entries: dict[str, list[Doc]] = {}
    for n, version in enumerate(versions):
        code = _field(version, "code", str, f"versions[{n}].", path)
        items = _field(version, "items", list, f"versions[{n}].", path)
        for i, item in enumerate(items):
            where = f"versions[{n}].items[{i}]."
            _field(item, "id", str, where, path)
            _field(item, "slot", int, where, path)
            _field(item, "arrangement", dict, where, path)
            _field(item, "variant", str, where, path)
        if not code.isalpha() or not code.isupper() or code in entries:
            raise PaperError(
                f"{path}: versions[{n}].code: got {json.dumps(code)}; expected a new version "
                "code in capital letters"
            )
        entries[code] = items
    if len(entries) != settings.versions or not entries:
        raise PaperError(
            f"{path}: versions: got {len(entries)} version(s); expected options.versions "
            f"({settings.versions})"
        )
    return settings, entries


def rebuild_items(path: str, code: str, entries: list[Doc]) -> list[Doc]:
    """The items of version ``code`` as the manifest records them, each key checked."""
    from quizgen.drill.grading import key
    from quizgen.paper.forms import arrange, printed_key
    from quizgen.questions.generate import by_id

    items = []
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: version {code} item {number} ({entry['id']})"
        try:
            doc = arrange(by_id(entry["id"]), entry["arrangement"])
        except QuizgenError as error:
            raise PaperError(f"{where}: {error.message}") from None
        for name, computed in (("key", printed_key(doc)), ("key_response", key(doc))):
            if entry.get(name, _MISSING) != computed:
                raise PaperError(
                    f"{where}: {name}: the manifest says {json.dumps(entry[name])} but the "
                    f"evaluator gives {json.dumps(computed)} for this arrangement; the manifest "
                    "was changed or made by another version of quizgen, so it is not printed"
                )
        items.append(
            {
                "slot": entry["slot"],
                "doc": doc,
                "arrangement": entry["arrangement"],
                "variant": entry["variant"],
            }
        )
    return items
