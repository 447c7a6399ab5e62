"""The registry of question families: every module of this package that exposes FAMILY."""

from __future__ import annotations

import pkgutil
from functools import cache
from importlib import import_module

from quizgen.questions.family import Family


@cache
def families() -> dict[str, Family]:
    found = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = import_module(f"{__name__}.{info.name}")
        family = getattr(module, "FAMILY", None)
        if isinstance(family, Family):
            found[family.name] = family
    return found
