"""Evaluation of newsqa: Q&A sets, metrics and runners (they call Assistant like any script)."""
