"""Interactive practice: grading answers, the progress store and the spaced-repetition schedule.

Importing this package imports nothing else; ``grading`` and ``store`` use the standard library
only, ``schedule`` uses the ``fsrs`` package.
"""
