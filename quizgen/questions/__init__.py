"""Question families, the question bank and the verified-key gate (answers from the evaluator)."""
