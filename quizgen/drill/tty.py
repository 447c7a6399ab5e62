"""The terminal the practice commands talk to: whether it is plain, and reading a typed line."""

from __future__ import annotations

import os
import sys


def plain_mode(plain: bool) -> bool:
    """Plain when asked, or when input or output is not a terminal, or TERM=dumb."""
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    return plain or not interactive or os.environ.get("TERM") == "dumb"


def read_line(prompt: str) -> str:
    """Prompt, then one line of standard input (no readline tricks); EOFError at its end."""
    sys.stdout.write(prompt)
    sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line.rstrip("\n")
