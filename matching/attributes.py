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
def defaults() -> dict[str, frozenset[str]]:
    """The unmarked values of the classes that have them ("sugar" unsaid is granulated; a
    cucumber unsaid is a select or slicing one)."""
    text = resources.files("matching").joinpath("data", "attributes.tsv").read_text("utf-8")
    out = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            name, values = line.split("\t")
            stars = [normalize(v.strip().lstrip("*")) for v in values.split("|")
                     if v.strip().startswith("*")]  # fmt: skip
            if stars:
                out[name.strip()] = frozenset(stars)
    return out


@cache
def changing_words() -> frozenset[str]:
    """Words that change what a product is (`data/modifiers.tsv`: "broken", "diced",
    "smoked", "imitation"), normalised; never a class's plain value ("granulated")."""
    text = resources.files("matching").joinpath("data", "modifiers.tsv").read_text("utf-8")
    words = {normalize(line.strip()) for line in text.splitlines()
             if line.strip() and not line.startswith("#")}  # fmt: skip
    plain = {w for values in defaults().values() for v in values for w in v.split()}
    return frozenset(w for w in words if w and " " not in w and w not in plain)


def marked(asked: Attributes, item: Attributes, words: frozenset[str]) -> float:
    """1 when the item, of a kind with a default (its words include the class name: sugar,
    flour, milk...), has another value of that class and the line names none ("Sugar Brown"
    for a line saying just "sugar"), else 0."""
    for name, plain in defaults().items():
        if name in item and name in words and name not in asked and item[name].isdisjoint(plain):
            return 1.0
    return 0.0


def conflicts(asked: Attributes, item: Attributes) -> bool:
    """Whether the item names another value of a class the line names ("white" vs "black")."""
    return any(name in item and values.isdisjoint(item[name]) for name, values in asked.items())


_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


def _values_at(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, class, value) for each attribute value written in a raw name, reading
    each word as the matcher does ("UNSLTD" is unsalted, "CLR" clear)."""
    words = [(m.start(), m.end(), normalize(m.group(0)).split()) for m in _WORD.finditer(text)]
    starts = _by_first_word()
    out = []
    for i, (start, _, tokens) in enumerate(words):
        if not tokens:
            continue
        # the tokens from this word on, and the word each token came from
        ahead = [(t, j) for j in range(i, len(words)) for t in words[j][2]][:4]
        for name, value, rest in starts.get(tokens[0], ()):
            if tuple(t for t, _ in ahead[1 : 1 + len(rest)]) == rest:
                last_word = ahead[len(rest)][1]
                out.append((start, words[last_word][1], name, value))
    return out


def swap_attribute(product_name: str, variant_name: str) -> tuple[str, str] | None:
    """The product's name with its value of the variant's class replaced by the variant's
    ("Butter Unsalted 4/1 lb" + "Salted" -> "Butter Salted 4/1 lb"), and what is left of the
    variant's name; None when the two names share no class."""
    if len(fold(product_name)) != len(product_name) or len(fold(variant_name)) != len(variant_name):
        return None  # accents folded away would shift the spans: leave such names be
    mine = _values_at(variant_name)
    theirs = _values_at(product_name)
    for v_start, v_end, name, value in sorted(mine, key=lambda m: m[0] - m[1]):
        other = next((t for t in theirs if t[2] == name and t[3] != value), None)
        if other is None or any(t[2] == name and t[3] == value for t in theirs):
            continue
        start, end = other[0], other[1]
        rest = f"{variant_name[:v_start]} {variant_name[v_end:]}".strip()
        written = variant_name[v_start:v_end]
        return f"{product_name[:start]}{written}{product_name[end:]}", rest
    return None
