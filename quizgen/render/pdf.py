"""HTML pages from the PDF templates, printed to PDF with WeasyPrint.

Safety: the HTML is built from escaped text (the environment autoescapes ``*.html.j2``) and
WeasyPrint fetches through :func:`asset_fetcher`, which serves only files under the shipped
``templates/`` folder and the diagrams quizgen drew (``data:image/svg+xml`` URLs, which carry
their content and reach nothing) and refuses everything else: other local files, http(s), other
data: URLs. So a crafted question bank or topology, whose names end up in the page (escaped, in
the text or in a diagram), can neither pull a local file nor reach the network. The style sheets
are handed to WeasyPrint parsed, so a page fetches nothing but its diagrams.

Fonts: the pages are set in quizgen's own fonts (``templates/pdf/fonts``: DejaVu cut to the
characters quizgen prints), loaded through ``@font-face`` rules (``fonts.css``) from the same
shipped folder. WeasyPrint subsets every font it embeds, at a cost that grows with the font's
glyph count: a few hundred glyphs instead of DejaVu's 6,000 save several tenths of a second per
PDF, and the pages no longer depend on the fonts a machine has. The system's DejaVu and any other
font stay behind them for a character they lack.

Reproducible: a document's dates are fixed (:data:`PRINTED`, or ``SOURCE_DATE_EPOCH`` when
set), so the same seed gives the same bytes.

WeasyPrint is imported inside the functions that print: ``quizgen --help`` never loads it.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from quizgen import __version__
from quizgen.collector import collector_paused
from quizgen.errors import QuizgenError
from quizgen.render import environment
from quizgen.resources import templates_dir

Doc = dict[str, Any]

#: The creation and modification date written into every PDF (a fixed date: the same input
#: gives the same file). ``SOURCE_DATE_EPOCH`` replaces it, as reproducible builds expect.
PRINTED = "2024-01-01T00:00:00Z"
PAPERS = {"a4": "A4", "letter": "letter"}
STYLESHEET = "pdf/print.css"
FONTS = "pdf/fonts.css"  # the @font-face rules of quizgen's fonts (templates/pdf/fonts)
#: How the diagrams' images start (quizgen.render.paper.svg_image): the SVG follows, in base64.
SVG_DATA = "data:image/svg+xml;base64,"


class AssetRefused(ValueError):
    """WeasyPrint asked for something that is not one of quizgen's own assets."""


class PrintError(QuizgenError):
    """WeasyPrint could not print part of a page (it would have left it out, saying so only in
    its log): the PDF is not written."""


def printed_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return PRINTED


def page_html(template: str, page: Doc, **context: Any) -> str:
    """The HTML of one document: ``page`` holds its title, header text and the like."""
    page = {"quizgen": __version__, "printed": printed_date(), "code": "", "is_key": False,
            **page}  # fmt: skip
    return environment().get_template(template).render(page=page, **context)


def asset_path(url: str) -> Path | None:
    """The shipped template asset a ``file:`` URL names, or None when it names anything else."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    root = templates_dir().resolve()
    try:
        path = Path(unquote(parts.path)).resolve()
    except (OSError, ValueError):
        return None
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


@cache
def _weasyprint() -> Any:
    """WeasyPrint, imported on first use, with its SVG text drawn a line at a time
    (:mod:`quizgen.render.svgtext`). Without the system's HarfBuzz-Subset it warns at
    import that a future version will need it (it subsets fonts with fontTools meanwhile):
    nothing for a quizgen user to act on, so the warning is not shown."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "HarfBuzz-Subset", DeprecationWarning)
        import weasyprint
        import weasyprint.urls

    from quizgen.render import svgtext

    svgtext.install(weasyprint)  # diagram text drawn a line at a time (see svgtext)
    return weasyprint


@cache
def _fetcher_class() -> type:
    urls = _weasyprint().urls
    URLFetcher, URLFetcherResponse = urls.URLFetcher, urls.URLFetcherResponse

    class AssetFetcher(URLFetcher):
        """Serves quizgen's own assets under templates/ and SVG data URLs, refuses every other
        URL; ``asked`` lists every URL WeasyPrint asked for, ``refused`` those it did not get."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=("file",), allow_redirects=False)
            self.asked: list[str] = []
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            self.asked.append(url)
            if url.startswith(SVG_DATA):
                svg = _svg_data(url)
                if svg is not None:
                    return URLFetcherResponse(url, svg, {"Content-Type": "image/svg+xml"})
            path = asset_path(url)
            if path is None:
                self.refused.append(url)
                raise AssetRefused(f"quizgen prints only its own assets; refused {url[:80]!r}")
            return URLFetcherResponse(path.as_uri(), path.read_bytes())

    return AssetFetcher


def _svg_data(url: str) -> bytes | None:
    """The SVG in a ``data:image/svg+xml;base64,`` URL, or None when it is not base64."""
    from base64 import b64decode
    from binascii import Error

    try:
        return b64decode(url.removeprefix(SVG_DATA), validate=True)
    except (Error, ValueError):
        return None


def asset_fetcher() -> Any:
    """A new WeasyPrint URL fetcher that serves only quizgen's own assets."""
    return _fetcher_class()()


@cache
def _stylesheets(paper: str) -> tuple[Any, ...]:
    """The print style sheet and the page size, parsed once per process and shared."""
    CSS = _weasyprint().CSS

    path = templates_dir() / STYLESHEET
    fetcher = asset_fetcher()
    return (
        CSS(filename=str(path), url_fetcher=fetcher),
        CSS(string=f"@page {{ size: {PAPERS[paper]}; }}", url_fetcher=fetcher),
    )


@contextmanager
def _fonts() -> Iterator[tuple[Any, Any]]:
    """A font configuration with quizgen's fonts, and the style sheet that loaded them.

    WeasyPrint registers an ``@font-face`` font only in the configuration given when its sheet
    is parsed, so each document gets both anew (a small sheet: the print style sheet is parsed
    once per process). Each font is copied into a temporary folder that WeasyPrint removes when
    the configuration is collected; a document's objects keep it in reference cycles, which a
    pool worker ending with ``os._exit`` never collects, so it is removed here once the PDF is
    written, by the configuration's own clean-up."""
    weasyprint = _weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    try:
        sheet = weasyprint.CSS(
            filename=str(templates_dir() / FONTS), url_fetcher=asset_fetcher(), font_config=config
        )
        yield config, sheet
    finally:
        config.__del__()  # removes the copied fonts (again when collected: nothing left)


def write_pdf(html: str, paper: str = "a4", fetcher: Any = None) -> bytes:
    """The PDF of ``html``. Only quizgen's assets are ever fetched (see the module doc)."""
    HTML = _weasyprint().HTML

    fetcher = fetcher if fetcher is not None else asset_fetcher()
    document = HTML(
        string=html,
        base_url=(templates_dir() / "pdf").as_uri() + "/",
        url_fetcher=fetcher,
    )
    # The cycle collector is paused while WeasyPrint works: a document is a few hundred thousand
    # live objects (boxes, styles, text layouts) that its passes would walk again and again and
    # cannot free before the document is done. Made while it was paused, they are all still in
    # the young generation, so its first pass afterwards frees them at once. A 40-item exam
    # version and its key print in about a sixth less time.
    with (
        collector_paused(),
        _fixed_font_dates(),
        _failures() as failures,
        _fonts() as (config, fonts),
    ):
        pdf = document.write_pdf(stylesheets=[fonts, *_stylesheets(paper)], font_config=config)
    if failures:
        raise PrintError(
            f"WeasyPrint could not print part of the page ({failures[0][:160]}); no PDF was "
            "written. This is a fault in quizgen: please report it with the command you ran"
        )
    return pdf


@contextmanager
def _failures() -> Iterator[list[str]]:
    """The errors WeasyPrint logs while printing (an image it could not draw, a file it could
    not load): it goes on without that part, which a printed exam must not."""
    import logging

    failures: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            failures.append(record.getMessage())

    handler = Collect(logging.ERROR)
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield failures
    finally:
        logger.removeHandler(handler)


@contextmanager
def _fixed_font_dates() -> Iterator[None]:
    """The embedded font subsets carry a modification date that fontTools takes from
    ``SOURCE_DATE_EPOCH`` when set, else from the clock: fix it to :func:`printed_date`."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    if before is None:
        stamp = datetime.strptime(printed_date(), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        os.environ["SOURCE_DATE_EPOCH"] = str(int(stamp.timestamp()))
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
