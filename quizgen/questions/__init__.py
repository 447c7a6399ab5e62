"""Question families, the question bank and the verified-key gate (answers from the evaluator).

Importing this package imports nothing else: the CLI reads ITEM_TYPES at start-up.
"""

#: The AZ-104 item types, as question documents spell them.
ITEM_TYPES = (
    "single-choice",
    "multi-choice",
    "yes-no-series",
    "hotspot",
    "ordering",
    "fix-it",
    "case-study",
)
