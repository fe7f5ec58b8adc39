"""Matching an order line to the catalog: index, normalisation, quantities, fuzzy + LLM (pure).

Where new code goes: scoring and catalog understanding here; no database, no HTTP (the LLM
is injected). Evaluation of the matcher lives in `evaluation/eval_match.py`.
"""
