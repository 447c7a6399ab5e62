"""Printing practice sheets and exam sets: draw, render in parallel, write the files safely.

:func:`sheet` and :func:`exam_set` return the files to write (name -> bytes) and what to report;
:func:`write_files` writes them. Nothing is written until every PDF of a set has been printed,
each file is replaced atomically, and an existing file is replaced only with ``force``.

Exam set versions are drawn and printed in worker processes (one per core): drawing a
version's parallel variants and printing its two PDFs depend on nothing but the settings and
version A's draw, so each job is a plain function of plain data. One pool serves the whole set,
and a version's PDFs are queued as soon as it is drawn, so no core waits for the last draw.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from quizgen.errors import QuizgenError

Doc = dict[str, Any]
Progress = Callable[[int], None]


class PaperError(QuizgenError):
    """Settings or files of a sheet or an exam set that cannot be used."""


@dataclass(frozen=True)
class Filters:
    family: str | None = None
    item_type: str | None = None
    objective: str | None = None
    difficulty: int | None = None

    def describe(self) -> str:
        said = [
            f"{name.replace('_', ' ')} {value}"
            for name, value in asdict(self).items()
            if value is not None
        ]
        return ", ".join(said)


@dataclass(frozen=True)
class SheetSettings:
    count: int
    seed: int
    paper: str = "a4"
    key_separate: bool = False
    filters: Filters = field(default_factory=Filters)


@dataclass(frozen=True)
class ExamSettings:
    versions: int
    count: int
    seed: int
    title: str
    minutes: int
    paper: str = "a4"
    filters: Filters = field(default_factory=Filters)


@dataclass
class Printed:
    """Files to write (name -> content) and what a person is told about them."""

    files: dict[str, bytes]
    summary: str
    data: Doc


def _no_progress(_: int) -> None:
    pass


# -- practice sheets ---------------------------------------------------------------------------


def sheet(settings: SheetSettings, name: str) -> Printed:
    """A practice sheet PDF called ``name`` (and ``<stem>-key.pdf`` with a separate key)."""
    from quizgen.paper.documents import sheet_html, sheet_key_html
    from quizgen.questions.generate import generate
    from quizgen.render.pdf import write_pdf

    f = settings.filters
    docs = generate(settings.count, settings.seed, f.family, f.item_type, f.objective, f.difficulty)
    said = f.describe()
    subtitle = f"{len(docs)} questions - seed {settings.seed}" + (f" - {said}" if said else "")
    files = {
        name: write_pdf(
            sheet_html(docs, subtitle=subtitle, with_key=not settings.key_separate),
            settings.paper,
        )
    }
    if settings.key_separate:
        files[key_name(name)] = write_pdf(sheet_key_html(docs, subtitle=subtitle), settings.paper)
    data = {
        "seed": settings.seed,
        "count": len(docs),
        "files": list(files),
        "ids": [d["id"] for d in docs],
    }
    plural = "" if len(docs) == 1 else "s"
    return Printed(files, f"{len(docs)} question{plural}, seed {settings.seed}", data)


def key_name(name: str) -> str:
    path = Path(name)
    return str(path.with_name(f"{path.stem}-key{path.suffix or '.pdf'}"))


# -- exam sets ---------------------------------------------------------------------------------


def exam_set(settings: ExamSettings, progress: Progress = _no_progress) -> Printed:
    """Every version of an exam set (student PDF and key PDF) and its manifest."""
    from quizgen.paper.forms import version_codes
    from quizgen.questions.generate import generate

    f = settings.filters
    base = generate(settings.count, settings.seed, f.family, f.item_type, f.objective, f.difficulty)
    jobs = {code: (settings.seed, code, base) for code in version_codes(settings.versions)}
    return _draw_and_print(settings, _draw_version, jobs, progress)


def rebuild(path: str, progress: Progress = _no_progress) -> tuple[Printed, ExamSettings]:
    """The exam set a manifest describes, item by item: regenerated from the ids, arranged as
    recorded, each key checked against the manifest."""
    from quizgen.paper.manifest import read_manifest

    settings, entries = read_manifest(path)
    jobs = {code: (path, code, items) for code, items in entries.items()}
    return _draw_and_print(settings, _rebuild_version, jobs, progress), settings


def total_steps(versions: int) -> int:
    """How many steps :func:`exam_set` reports to ``progress``: a draw and two PDFs a version."""
    return 3 * versions


def _print_job(kind: str, settings: ExamSettings, code: str, items: list[Doc]) -> tuple:
    docs = [i["doc"] for i in items]
    return (kind, settings.title, code, settings.minutes, settings.paper, docs)


def _draw_and_print(
    settings: ExamSettings,
    draw: Callable[..., list[Doc]],
    jobs: dict[str, tuple],
    progress: Progress,
) -> Printed:
    """Draw every version (``draw(*job)``) and print its PDFs on one pool. A version's student
    PDF is queued as soon as it is drawn; the keys, several times quicker to print, are queued
    after every student PDF so that they fill the cores at the end."""
    with _executor(3 * len(jobs)) as pool:
        draws = {code: pool.submit(draw, *job) for code, job in jobs.items()}
        drawn: dict[str, list[Doc]] = {}
        students: dict[str, Future] = {}
        for code, future in draws.items():
            drawn[code] = future.result()
            progress(1)
            job = _print_job("student", settings, code, drawn[code])
            students[code] = pool.submit(_print_version, *job)
        keys = {
            code: pool.submit(_print_version, *_print_job("key", settings, code, items))
            for code, items in drawn.items()
        }
        pdfs = {}
        for kind, futures in (("student", students), ("key", keys)):
            for code, future in futures.items():
                pdfs[kind, code] = future.result()
                progress(1)
    return _assemble(settings, drawn, pdfs)


def print_set(
    settings: ExamSettings, drawn: dict[str, list[Doc]], progress: Progress = _no_progress
) -> Printed:
    """The PDFs and the manifest of a set whose versions are drawn (code -> items, each a dict
    of slot, doc as printed, arrangement and variant)."""
    # The student PDFs (items, exhibits, diagrams) take several times longer than the keys:
    # handing them out first keeps every core busy to the end.
    jobs = [
        _print_job(kind, settings, code, items)
        for kind in ("student", "key")
        for code, items in drawn.items()
    ]
    pdfs = dict(
        zip(
            [(job[0], job[2]) for job in jobs],
            _parallel(_print_version, jobs, progress),
            strict=True,
        )
    )
    return _assemble(settings, drawn, pdfs)


def _assemble(
    settings: ExamSettings, drawn: dict[str, list[Doc]], pdfs: dict[tuple[str, str], bytes]
) -> Printed:
    from quizgen.paper.manifest import manifest, manifest_text

    files: dict[str, bytes] = {}
    for code in drawn:
        files[f"version-{code}.pdf"] = pdfs["student", code]
        files[f"version-{code}-key.pdf"] = pdfs["key", code]
    document = manifest(settings, drawn)
    files["manifest.json"] = manifest_text(document).encode()
    fallbacks = sum(i["variant"] not in ("drawn", "parallel") for v in drawn.values() for i in v)
    summary = f"{len(drawn)} version(s) of {settings.count} items, seed {settings.seed}" + (
        f"; {fallbacks} item(s) without an exact parallel variant" if fallbacks else ""
    )
    data = {"seed": settings.seed, "versions": list(drawn), "files": list(files)}
    return Printed(files, summary, data)


# -- jobs (run in worker processes: module-level functions of plain data) ----------------------


def _draw_version(seed: int, code: str, base: list[Doc]) -> list[Doc]:
    from quizgen.paper.forms import version_items

    return [
        {"slot": i.slot, "doc": i.doc, "arrangement": i.arrangement, "variant": i.variant}
        for i in version_items(code, base, seed)
    ]


def _rebuild_version(path: str, code: str, entries: list[Doc]) -> list[Doc]:
    from quizgen.paper.manifest import rebuild_items

    return rebuild_items(path, code, entries)


def _print_version(
    kind: str, title: str, code: str, minutes: int, paper: str, docs: list[Doc]
) -> bytes:
    from quizgen.paper.documents import key_html, student_html
    from quizgen.render.pdf import write_pdf

    make = student_html if kind == "student" else key_html
    pdf = write_pdf(make(docs, title=title, code=code, minutes=minutes), paper)
    _printed_in_worker()
    return pdf


#: A pool worker frees the cyclic garbage its PDFs leave every PRINTS_PER_COLLECTION documents,
#: not after each: WeasyPrint leaves a 40-item version's few hundred thousand objects in
#: cycles, which a pass of the collector takes about 0.45 s to free, and a worker that ends
#: never needs them freed. Four documents' garbage is about 350 MB at most.
PRINTS_PER_COLLECTION = 4
_worker = {"on": False, "printed": 0}


def _worker_start() -> None:
    """Set up a pool worker: its cycle collector runs only when _printed_in_worker says."""
    gc.disable()
    _worker.update(on=True, printed=0)


def _printed_in_worker() -> None:
    if not _worker["on"]:
        return  # printed in the main process: its collector is left as it is
    _worker["printed"] += 1
    if _worker["printed"] >= PRINTS_PER_COLLECTION:
        gc.collect()
        _worker["printed"] = 0


def workers() -> int:
    return max(1, os.cpu_count() or 1)


class _InProcess(Executor):
    """Runs each job as it is submitted, here: one core, or one job."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:  # raised by future.result(), as it was (Ctrl-C at once)
            future.set_exception(error)
        return future


def _executor(jobs: int) -> Executor:
    """A pool of worker processes, one per core (no more than ``jobs``), or, with one core or
    one job, an executor that runs the jobs in this process."""
    count = min(workers(), jobs)
    if count <= 1:
        return _InProcess()
    return ProcessPoolExecutor(max_workers=count, initializer=_worker_start)


def _parallel(function: Callable[..., Any], jobs: Sequence[tuple], progress: Progress) -> list:
    """``function(*job)`` for every job, in order; on the available cores when there are
    several jobs and cores. A QuizgenError in a job is raised here, as it was."""
    with _executor(len(jobs)) as pool:
        futures = [pool.submit(function, *job) for job in jobs]
        results = []
        for future in futures:
            results.append(future.result())
            progress(1)
        return results


# -- writing -----------------------------------------------------------------------------------


def check_targets(paths: Sequence[str], force: bool) -> None:
    """Refuse to replace what is not a regular file, and a file without ``force`` (all of the
    problems at once)."""
    problems = []
    for path in paths:
        if os.path.islink(path) or (os.path.exists(path) and not os.path.isfile(path)):
            problems.append(f"{path} is not a regular file (a folder, link or device)")
        elif os.path.exists(path) and not force:
            problems.append(f"{path} already exists")
    if problems:
        more = "" if force else "; pass --force to replace existing files"
        raise PaperError("-o: " + "; ".join(problems) + more)


#: The PDF names an exam set's manifest may list (anything else it lists is never touched).
SET_PDF = re.compile(r"version-[A-Z]{1,3}(-key)?\.pdf")


def earlier_set_files(folder: str, keep: Sequence[str]) -> list[str]:
    """The PDFs of the exam set printed in ``folder`` before, as the manifest.json there lists
    them, that are not in ``keep`` and are still there as regular files: what replacing that set
    with a smaller one (``--force``) would leave behind. None without a readable manifest."""
    import json

    try:
        with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as handle:
            versions = json.load(handle)["versions"]
        listed = [name for version in versions for name in version["files"].values()]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []
    return [
        name
        for name in dict.fromkeys(listed)
        if isinstance(name, str)
        and SET_PDF.fullmatch(name)
        and name not in keep
        and os.path.isfile(os.path.join(folder, name))
        and not os.path.islink(os.path.join(folder, name))
    ]


def remove_files(folder: str, names: Sequence[str]) -> list[str]:
    """Remove ``names`` from ``folder``; the paths removed."""
    removed = []
    for name in names:
        path = os.path.join(folder, name)
        try:
            os.unlink(path)
        except FileNotFoundError:
            continue
        except OSError as error:
            raise PaperError(f"-o: cannot remove {path}: {error.strerror or error}") from None
        removed.append(path)
    return removed


def write_files(folder: str, files: dict[str, bytes], force: bool) -> list[str]:
    """Write every file under ``folder`` atomically; the paths written."""
    import tempfile

    paths = [os.path.join(folder, name) for name in files]
    check_targets(paths, force)
    written = []
    for path, data in zip(paths, files.values(), strict=True):
        directory = os.path.dirname(os.path.abspath(path))
        handle = None
        try:
            os.makedirs(directory, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=directory, delete=False, suffix=".tmp") as handle:
                handle.write(data)
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(handle.name, 0o666 & ~umask)
            os.replace(handle.name, path)
        except OSError as error:
            if handle is not None and os.path.exists(handle.name):
                os.unlink(handle.name)
            raise PaperError(f"-o: cannot write {path}: {error.strerror or error}") from None
        written.append(path)
    return written
