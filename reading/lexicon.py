"""Word lists kept as data (reading/data/*.json), loaded once and folded for comparison."""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from importlib import resources
from typing import Any


def fold(text: str) -> str:
    """Lower-case and strip accents, so "Confírmalo" and "confirmalo" are one word."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


@cache
def load(name: str) -> dict[str, Any]:
    """One lexicon file from reading/data/, parsed."""
    return json.loads(resources.files("reading").joinpath("data", name).read_text("utf-8"))


def words(section: dict[str, str] | str) -> frozenset[str]:
    """The folded words of a section, across every language it lists."""
    texts = section.values() if isinstance(section, dict) else [section]
    return frozenset(fold(w) for text in texts for w in text.split())


def patterns(items: list[str]) -> re.Pattern[str]:
    """One case-insensitive alternation of the given regular expressions."""
    return re.compile("|".join(f"(?:{p})" for p in items), re.I)
