"""Errors that reach people: each names the file, the place, the value and what was expected."""

from __future__ import annotations

from dataclasses import dataclass


class QuizgenError(Exception):
    """Any error quizgen reports to a user; the CLI prints it and exits 2, no traceback."""

    def __init__(self, message: str, problems: tuple[InputProblem, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        return "\n".join([self.message, *(f"  {p}" for p in self.problems)])


@dataclass(frozen=True, slots=True)
class InputProblem:
    """One problem in an input file."""

    file: str
    line: int | None
    where: str  # a path into the document, e.g. "vnets[0].subnets[1].prefix"
    value: str  # the offending value, as written (repr-like)
    expected: str  # what was expected, in plain words

    def __str__(self) -> str:
        place = f"{self.file}:{self.line}" if self.line is not None else self.file
        where = f" {self.where}:" if self.where else ""
        return f"{place}:{where} got {self.value}; expected {self.expected}"

    def to_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "where": self.where,
            "value": self.value,
            "expected": self.expected,
            "message": str(self),
        }


class TopologyError(QuizgenError):
    """A topology file could not be loaded."""


class QueryError(QuizgenError):
    """A question put to the evaluator does not make sense for this topology (unknown VM, ...)."""
