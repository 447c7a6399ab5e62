"""YAML or JSON text -> plain Python data, remembering the line where each value was written.

The loaders of quizgen's input files build on this: they get plain dicts, lists and scalars to check
field by field, a ``LineTable`` to say where each value was written, and ``Issue`` records for what
was wrong with the text itself (not YAML, not UTF-8, a key given twice, an alias bomb...).
Nothing here raises on malformed text. Only the standard library and PyYAML are imported.
"""

from __future__ import annotations

import json
import reprlib
from dataclasses import dataclass, field
from pathlib import PurePath

import yaml

#: A path into a document: mapping keys and list indices, from the top.
Path = tuple[object, ...]

#: More values than this (counting every use of an alias) and the document is refused.
MAX_NODES = 200_000
#: Deeper nesting than this and the document is refused.
MAX_DEPTH = 100

_MERGE_TAG = "tag:yaml.org,2002:merge"
_VALUE_TAG = "tag:yaml.org,2002:value"
_TRUNCATE = 60


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found at ``path``; ``line`` overrides what the line table says."""

    path: Path
    value: str
    expected: str
    line: int | None = None


@dataclass(slots=True)
class LineTable:
    """Line numbers (1-based) of the values, and of the keys that hold them, by path."""

    values: dict[Path, int] = field(default_factory=dict)
    keys: dict[Path, int] = field(default_factory=dict)

    def line(self, path: Path) -> int | None:
        """Where the value at ``path`` was written, else its key, else the nearest enclosing one."""
        for end in range(len(path), -1, -1):
            prefix = path[:end]
            found = self.values.get(prefix) or self.keys.get(prefix)
            if found is not None:
                return found
        return None


@dataclass(slots=True)
class Source:
    """What came out of a text: the data (``None`` when unreadable), its lines, and its issues."""

    data: object
    lines: LineTable
    issues: list[Issue]
    readable: bool = True


def show(value: object) -> str:
    """A value as a message shows it: YAML words for scalars, repr-like, at most 60 characters."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    try:
        text = _REPR.repr(value)
    except ValueError:  # an integer too long to print (sys.int_info.str_digits_check_threshold)
        text = "a number too long to print"
    return text if len(text) <= _TRUNCATE else text[: _TRUNCATE - 3] + "..."


_REPR = reprlib.Repr()
_REPR.maxstring = _TRUNCATE
_REPR.maxother = _TRUNCATE
_REPR.maxlevel = 3


def decode(raw: bytes) -> str | Issue:
    """UTF-8 text (a byte-order mark is dropped), or the issue that says where it is not UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        bad = raw[err.start : err.end]
        return Issue((), show(bad), "UTF-8 text (save the file as UTF-8)", line)


def read_text(text: str, filename: str) -> Source:
    """Parse ``text`` as JSON or YAML, by the file's extension; else JSON if it starts with '{'."""
    text = text.removeprefix("\ufeff")
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".json":
        return read_json(text)
    if suffix in (".yaml", ".yml") or not text.lstrip().startswith("{"):
        return read_yaml(text)
    as_json = read_json(text)
    if as_json.readable:
        return as_json
    as_yaml = read_yaml(text)
    return as_yaml if as_yaml.readable else as_json


def read_yaml(text: str) -> Source:
    """Parse YAML (safe tags only) keeping lines; duplicate keys and alias bombs are issues."""
    root = _compose(text)
    if isinstance(root, Issue):
        return Source(None, LineTable(), [root], readable=False)
    if root is None:
        empty = Issue((), "an empty file", "a topology: a mapping with sections such as vnets", 1)
        return Source(None, LineTable(), [empty], readable=False)
    walker = _Walker()
    try:
        data = walker.walk(root, (), 0)
    except _Refused as refused:
        return Source(None, walker.lines, [refused.issue], readable=False)
    return Source(data, walker.lines, walker.issues)


def read_json(text: str) -> Source:
    """Parse JSON exactly as JSON; lines come from reading the same text as YAML, when it can."""
    try:
        pairs = json.loads(text, object_pairs_hook=_Pairs)
    except json.JSONDecodeError as err:
        snippet = text[err.pos : err.pos + 20] or "the end of the file"
        expected = f"valid JSON ({err.msg} at column {err.colno})"
        return Source(None, LineTable(), [Issue((), show(snippet), expected, err.lineno)], False)
    except RecursionError:
        return Source(None, LineTable(), [_too_deep(())], readable=False)
    except ValueError as err:  # e.g. an integer with more digits than Python will convert
        return Source(
            None, LineTable(), [Issue((), "the file", f"valid JSON ({err})", None)], False
        )
    lines = _lines_of(text)
    issues: list[Issue] = []
    try:
        data = _from_pairs(pairs, (), 0, lines, issues)
    except _Refused as refused:
        return Source(None, lines, [refused.issue], readable=False)
    return Source(data, lines, issues)


def render_path(data: object, path: Path) -> str:
    """``vnets[vnet-hub].subnets[app].prefix``: list items by their ``name`` when they have a
    text one, else by index."""
    out: list[str] = []
    node = data
    for step in path:
        child = _child(node, step)
        if isinstance(step, int) and not isinstance(step, bool) and isinstance(node, list | tuple):
            name = child.get("name") if isinstance(child, dict) else None
            label = name if isinstance(name, str) and name else str(step)
            out.append(f"[{label}]")
        else:
            out.append(("." if out else "") + (step if isinstance(step, str) else show(step)))
        node = child
    return "".join(out)


def _child(node: object, step: object) -> object:
    if isinstance(node, dict):
        return node.get(step)
    if isinstance(node, list | tuple) and isinstance(step, int) and 0 <= step < len(node):
        return node[step]
    return None


# -- YAML ----------------------------------------------------------------------------------------


class _Refused(Exception):
    """The whole document is refused (too big, too deep): stop walking."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(issue.expected)
        self.issue = issue


def _too_deep(path: Path, line: int | None = None) -> Issue:
    value = f"nesting deeper than {MAX_DEPTH} levels"
    return Issue(path, value, f"at most {MAX_DEPTH} levels of nested lists and mappings", line)


def _compose(text: str) -> yaml.Node | Issue | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as err:
        return _yaml_issue(text, err)
    except yaml.reader.ReaderError as err:
        line = text.count("\n", 0, err.position) + 1
        return Issue((), show(chr(err.character)), "printable text (no control characters)", line)
    except yaml.YAMLError as err:
        return Issue((), "the file", f"valid YAML ({err})", None)
    except RecursionError:
        return _too_deep(())


def _yaml_issue(text: str, err: yaml.MarkedYAMLError) -> Issue:
    mark = err.problem_mark or err.context_mark
    problem = err.problem or err.context or "not YAML"
    hint = ""
    if "\\t" in problem or "'\\t'" in problem or "tab" in problem:
        hint = "; indent with spaces, not tabs"
    if mark is None:
        return Issue((), "the file", f"valid YAML ({problem}{hint})", None)
    lines = text.splitlines()
    written = lines[mark.line].strip() if mark.line < len(lines) else ""
    value = show(written) if written else "the end of the file"
    expected = f"valid YAML ({problem} at column {mark.column + 1}{hint})"
    return Issue((), value, expected, mark.line + 1)


class _Walker:
    """Turns a composed YAML node graph into plain data, noting lines, counting every node."""

    def __init__(self) -> None:
        self.lines = LineTable()
        self.issues: list[Issue] = []
        self.count = 0
        self._active: set[int] = set()
        self._reported: set[int] = set()
        self._constructor = yaml.SafeLoader("")

    def walk(self, node: yaml.Node, path: Path, depth: int) -> object:
        line = node.start_mark.line + 1
        self.count += 1
        if self.count > MAX_NODES:
            expected = f"at most {MAX_NODES} values, counting each use of an alias"
            raise _Refused(Issue((), "a document that expands too far", expected, line))
        if depth > MAX_DEPTH:
            raise _Refused(_too_deep(path, line))
        if id(node) in self._active:
            self._report(
                node,
                Issue(path, "an alias of itself", "a value that does not contain itself", line),
            )
            return None
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                value: object = self._mapping(node, path, depth)
            elif isinstance(node, yaml.SequenceNode):
                value = [
                    self.walk(item, (*path, i), depth + 1) for i, item in enumerate(node.value)
                ]
            else:
                value = self._scalar(node, path)
        finally:
            self._active.discard(id(node))
        self.lines.values[path] = line
        return value

    def _report(self, node: yaml.Node, issue: Issue) -> None:
        if id(node) not in self._reported:  # an aliased node is reported once, where written
            self._reported.add(id(node))
            self.issues.append(issue)

    def _scalar(self, node: yaml.Node, path: Path) -> object:
        if node.tag == _VALUE_TAG:  # a bare '=', which PyYAML cannot construct
            return node.value
        try:
            return self._constructor.construct_object(node)
        except Exception as err:  # any constructor failure is the file's problem
            detail = getattr(err, "problem", None) or str(err).splitlines()[0]
            expected = f"a plain value ({node.tag}: {detail})"
            self._report(node, Issue(path, show(node.value), expected, node.start_mark.line + 1))
            return None

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[object, object]:
        merged: dict[object, object] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.update(self._merge(value_node, path, depth))
        result: dict[object, object] = {}
        first_line: dict[object, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self._key(key_node, path)
            if key is _NO_KEY:
                continue
            key_line = key_node.start_mark.line + 1
            if key in first_line:
                expected = f"each key once in a mapping (it is also at line {first_line[key]})"
                self._report(key_node, Issue((*path, key), show(key), expected, key_line))
                self.lines.keys[(*path, key)] = key_line
                continue
            first_line[key] = key_line
            self.lines.keys[(*path, key)] = key_line
            result[key] = self.walk(value_node, (*path, key), depth + 1)
        return {**{k: v for k, v in merged.items() if k not in result}, **result}

    def _merge(self, node: yaml.Node, path: Path, depth: int) -> dict[object, object]:
        sources = node.value if isinstance(node, yaml.SequenceNode) else [node]
        merged: dict[object, object] = {}
        for source in reversed(sources):  # earlier mappings win (YAML merge key)
            if not isinstance(source, yaml.MappingNode):
                expected = "a mapping, or a list of mappings, to merge with <<"
                issue = Issue(path, show(getattr(source, "value", "?")), expected, _line(source))
                self._report(source, issue)
                continue
            value = self.walk(source, path, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
        return merged

    def _key(self, node: yaml.Node, path: Path) -> object:
        if not isinstance(node, yaml.ScalarNode):
            expected = "a plain key such as name, not a list or mapping"
            self._report(node, Issue(path, "a complex key", expected, _line(node)))
            return _NO_KEY
        key = self._scalar(node, path)
        try:
            hash(key)
        except TypeError:
            return _NO_KEY
        return key


_NO_KEY = object()


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


# -- JSON ----------------------------------------------------------------------------------------


class _Pairs(list):
    """A JSON object as its (key, value) pairs, so that duplicate keys can be seen."""


def _lines_of(text: str) -> LineTable:
    """The lines of a JSON text, found by reading it as YAML; none if that fails."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        walker = _Walker()
        if root is not None:
            walker.walk(root, (), 0)
        return walker.lines
    except Exception:  # lines are a courtesy; the JSON parse is what counts
        return LineTable()


def _from_pairs(value: object, path: Path, depth: int, lines: LineTable, issues: list[Issue]):
    if depth > MAX_DEPTH:
        raise _Refused(_too_deep(path, lines.line(path)))
    if isinstance(value, _Pairs):
        result: dict[object, object] = {}
        for key, item in value:
            if key in result:
                first = lines.values.get((*path, key))
                also = f" (it is also at line {first})" if first else ""
                expected = f"each key once in a mapping{also}"
                issues.append(
                    Issue((*path, key), show(key), expected, lines.keys.get((*path, key)))
                )
                continue
            result[key] = _from_pairs(item, (*path, key), depth + 1, lines, issues)
        return result
    if isinstance(value, list):
        return [
            _from_pairs(item, (*path, i), depth + 1, lines, issues) for i, item in enumerate(value)
        ]
    return value
