"""Pausing Python's cycle collector while a batch of work runs (standard library only).

Generating scenarios and questions allocates millions of short-lived objects and makes next to no
cyclic garbage, while the caches (loaded items, evaluator memo tables, reach records) keep tens of
thousands of objects alive: the collector's passes over them free nothing and cost 7-15% of the
work. Printing a PDF (quizgen.render.pdf) is the other case: WeasyPrint's document is a few
hundred thousand live objects in cycles, walked by every pass until the PDF is written. Memory is
still freed by reference counting; any cycle is collected once the collector runs again.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector, then restore it as it was (also when the work fails); nested
    pauses leave it to the outermost."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
