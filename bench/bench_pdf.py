"""Printing: seconds per 20-question practice sheet, per version of a 40-question exam set, and
for a whole 4-version 40-question set with keys and diagrams (the issue's target: under 5 s on a
2-core machine; auto-multiple-choice takes about 2.4 s for 4 text-only copies of 40 questions).
"""

from __future__ import annotations

import tempfile
import time

from quizgen.paper import files


def _warm() -> None:
    """Imports, bank files, fonts and the parsed style sheet, as a second run has them."""
    files.sheet(files.SheetSettings(1, 0), "warm.pdf")


def sheet() -> dict[str, tuple[float, str]]:
    _warm()
    started = time.perf_counter()
    printed = files.sheet(files.SheetSettings(20, 1), "sheet.pdf")
    elapsed = time.perf_counter() - started
    return {
        "20-question sheet with key (draw + print)": (elapsed, "s"),
        "20-question sheet size": (len(printed.files["sheet.pdf"]) / 1024, "KiB"),
    }


def exam_set() -> dict[str, tuple[float, str]]:
    _warm()
    settings = files.ExamSettings(4, 40, 1, "Benchmark", 80)
    started = time.perf_counter()
    printed = files.exam_set(settings)
    elapsed = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as folder:
        written = time.perf_counter()
        files.write_files(folder, printed.files, force=False)
        write = time.perf_counter() - written
    pdfs = [len(data) for name, data in printed.files.items() if name.endswith(".pdf")]
    return {
        "4-version 40-question set with keys and diagrams": (elapsed + write, "s"),
        "per version (student + key), wall clock": ((elapsed + write) / 4, "s"),
        "cores used": (float(min(files.workers(), 4)), "cores"),
        "PDF size per document": (sum(pdfs) / len(pdfs) / 1024, "KiB"),
    }


def version() -> dict[str, tuple[float, str]]:
    """One version of a 40-question set, on one core: the cost of a version without help."""
    _warm()
    from quizgen.paper.forms import version_items
    from quizgen.questions.generate import generate

    base = generate(40, 1)
    started = time.perf_counter()
    items = version_items("B", base, 1)
    drawn = time.perf_counter()
    docs = [i.doc for i in items]
    student = files._print_version("student", "Benchmark", "B", 80, "a4", docs)
    printed = time.perf_counter()
    files._print_version("key", "Benchmark", "B", 80, "a4", docs)
    done = time.perf_counter()
    return {
        "draw parallel variants (one version)": (drawn - started, "s"),
        "student PDF of 40 items": (printed - drawn, "s"),
        "key PDF of 40 items": (done - printed, "s"),
        "pages of the student PDF": (float(_pages(student)), "pages"),
    }


def _pages(pdf: bytes) -> int:
    import io

    import pypdf  # in the test extra, which `make bench` installs

    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


BENCHMARKS = [("sheet", sheet), ("version", version), ("exam_set", exam_set)]
