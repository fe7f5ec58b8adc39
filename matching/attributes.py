"""Attribute classes (colour, flavour, salted/unsalted, fresh/frozen...) from `data/attributes.tsv`.

Values of one class exclude each other: a line asking for "black lids" does not mean an
item whose name says "White", and a variant named "Salted" replaces its product's
"Unsalted". Used for a conflict signal in scoring and for variant display names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib import resources

from matching.normalize import fold, normalize

Attributes = dict[str, frozenset[str]]


def _lines() -> list[tuple[str, list[str]]]:
    text = resources.files("matching").joinpath("data", "attributes.tsv").read_text("utf-8")
    out = []
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            name, values = line.split("\t")
            out.append(
                (name.strip(), [v.strip().lstrip("*") for v in values.split("|") if v.strip()])
            )
    return out


@cache
def classes() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each class with its values, normalised like all matching text."""
    return tuple(
        (name, tuple(dict.fromkeys(n for v in values if (n := normalize(v)))))
        for name, values in _lines()
    )


def attributes(texts: Iterable[str]) -> Attributes:
    """The attribute values named in normalised texts, by class (only classes present)."""
    starts = _by_first_word()
    found: dict[str, set[str]] = {}
    for text in texts:
        words = text.split()
        for i, word in enumerate(words):
            for name, value, rest in starts.get(word, ()):
                if tuple(words[i + 1 : i + 1 + len(rest)]) == rest:
                    found.setdefault(name, set()).add(value)
    if not found:
        return _NONE  # most names have none: one shared empty mapping, not 50,000
    return {name: frozenset(values) for name, values in found.items()}


_NONE: Attributes = {}


@cache
def _by_first_word() -> dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]]:
    """Each value's first word -> (class, value, the value's other words)."""
    out: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {}
    for name, values in classes():
        for value in values:
            first, *rest = value.split()
            out.setdefault(first, []).append((name, value, tuple(rest)))
    return {k: tuple(v) for k, v in out.items()}


@cache
def defaults() -> dict[str, str]:
    """The unmarked value of the classes that have one ("sugar" unsaid is granulated)."""
    text = resources.files("matching").joinpath("data", "attributes.tsv").read_text("utf-8")
    out = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            name, values = line.split("\t")
            star = next((v for v in values.split("|") if v.strip().startswith("*")), None)
            if star is not None:
                out[name.strip()] = normalize(star.strip().lstrip("*"))
    return out


def marked(asked: Attributes, item: Attributes, words: frozenset[str]) -> float:
    """1 when the item, of a kind with a default (its words include the class name: sugar,
    flour, milk...), has another value of that class and the line names none ("Sugar Brown"
    for a line saying just "sugar"), else 0."""
    for name, default in defaults().items():
        if name in item and name in words and name not in asked and default not in item[name]:
            return 1.0
    return 0.0


def conflicts(asked: Attributes, item: Attributes) -> bool:
    """Whether the item names another value of a class the line names ("white" vs "black")."""
    return any(name in item and values.isdisjoint(item[name]) for name, values in asked.items())


@cache
def _raw_patterns() -> tuple[tuple[re.Pattern[str], ...], ...]:
    """Per class, a pattern for each value as written (longest first)."""
    return tuple(
        tuple(
            re.compile(rf"(?<![\w-]){re.escape(fold(v))}(?![\w-])", re.IGNORECASE)
            for v in sorted(values, key=len, reverse=True)
        )
        for _, values in _lines()
    )


def swap_attribute(product_name: str, variant_name: str) -> tuple[str, str] | None:
    """The product's name with its value of the variant's class replaced by the variant's
    ("Butter Unsalted AA" + "Salted" -> "Butter Salted AA"), and what is left of the
    variant's name; None when the two names share no class."""
    name = product_name if fold(product_name) == product_name.lower() else fold(product_name)
    folded_name, folded_variant = name.lower(), fold(variant_name)
    for patterns in _raw_patterns():
        mine = next((m for p in patterns if (m := p.search(folded_variant))), None)
        if mine is None:
            continue
        theirs = next((m for p in patterns if (m := p.search(folded_name))), None)
        if theirs is None or theirs.group(0) == mine.group(0):
            continue
        value = variant_name[mine.start() : mine.end()]
        if len(variant_name) != len(folded_variant):
            value = mine.group(0)
        rest = f"{variant_name[: mine.start()]} {variant_name[mine.end() :]}".strip()
        return f"{name[: theirs.start()]}{value}{name[theirs.end() :]}", rest
    return None
