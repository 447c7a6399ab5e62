"""Benchmarks: ``python bench/run.py`` (or ``make bench``) runs every ``bench_*.py`` module here."""
