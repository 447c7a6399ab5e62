"""Exports of verified question sets to the tools people already use: Moodle XML, GIFT, QTI 2.1
(Canvas and other QTI players), Anki, and the plain JSON and Markdown of ``quizgen generate``.

One module per format; each has ``export(questions) -> bytes`` (GIFT also reports what it had to
leave out). How each item type maps is in each module's docstring. Importing this package
imports nothing else: the CLI reads FORMATS at start-up.
"""

#: Format name -> file extension of its default output file.
FORMATS = {
    "moodle": "moodle.xml",
    "gift": "gift.txt",
    "qti": "qti.zip",
    "anki": "apkg",
    "json": "json",
    "markdown": "md",
}

#: Formats whose file is a zip package: they cannot be written to standard output (``-o -``).
BINARY = frozenset({"qti", "anki"})
