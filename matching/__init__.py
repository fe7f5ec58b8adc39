"""Matching an order line to the catalog: index, normalisation, quantities, fuzzy + LLM (pure).

Where new code goes: scoring and catalog understanding here; no database, no HTTP (the LLM
is injected). Evaluation of the matcher lives in `evaluation/eval_match.py`.

Modules: `catalog` (items, variant display names), `index` (surfaces, postings, sizes,
units, attributes per item), `normalize` + `lexicon` (abbreviations, Spanish -> English,
English synonyms; word lists in `data/`), `packs` (ERP pack notation, selling units),
`attributes` (colour/flavour/... classes), `query` (a line as slots of candidate words),
`variants` (which family member a line names), `resolve` (scoring, features, the
decision), `confidence` (the logistic model in `data/match_model.json`, or the file named
by ORDERAGENT_MATCH_MODEL), `parse` + `numbers` + `units` (quantities and sizes), `llm`.
"""
