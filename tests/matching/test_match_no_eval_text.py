"""No evaluation text in the matcher: no 25+ character line of a set appears in its source.

The lines come from every text field of the bench sets (bench/transcripts, bench/data,
bench/distributors) and of the shared data (../shared/data, when present). The check is
case-insensitive and covers code and data files (lexicons). A failure names the source
file and line, never the set's text (some sets are held out).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SETS = [ROOT / "bench" / "transcripts", ROOT / "bench" / "data", ROOT / "bench" / "distributors",
        ROOT.parent / "shared" / "data"]  # fmt: skip
PACKAGES = ("matching",)
MIN_LINE = 25
SOURCE_SUFFIXES = {".py", ".tsv", ".txt", ".json", ".csv"}


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _texts(path: Path) -> Iterator[str]:
    """Every text a data file holds: JSON string values, CSV/TSV fields and rows, lines."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix in (".jsonl", ".json"):
        rows = text.splitlines() if path.suffix == ".jsonl" else [text]
        for row in rows:
            try:
                yield from _strings(json.loads(row))
            except json.JSONDecodeError:
                yield row
    elif path.suffix in (".csv", ".tsv"):
        delimiter = "\t" if path.suffix == ".tsv" else ","
        for row in csv.reader(text.splitlines(), delimiter=delimiter):
            yield from row
        yield from text.splitlines()
    elif path.suffix == ".txt":
        yield from text.splitlines()


def _set_lines() -> set[str]:
    lines: set[str] = set()
    for folder in SETS:
        if not folder.is_dir():
            continue
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix in (".jsonl", ".json", ".csv", ".tsv", ".txt"):
                for text in _texts(path):
                    for line in text.splitlines():
                        line = line.strip().lower()
                        if len(line) >= MIN_LINE:
                            lines.add(line)
    return lines


@pytest.mark.parametrize("package", PACKAGES)
def test_no_set_line_appears_in_the_source(package: str) -> None:
    """Rules and lexicons describe the language, not the examples: no set line is in them."""
    lines = _set_lines()
    assert lines, "no evaluation set found"
    heads: dict[str, list[str]] = {}
    for line in lines:
        heads.setdefault(line[:MIN_LINE], []).append(line)
    found = []
    for path in sorted((ROOT / package).rglob("*")):
        if not path.is_file() or path.suffix not in SOURCE_SUFFIXES:
            continue
        for no, source in enumerate(path.read_text(encoding="utf-8").lower().splitlines(), 1):
            for start in range(0, max(len(source) - MIN_LINE + 1, 0)):
                candidates = heads.get(source[start : start + MIN_LINE])
                if candidates and any(c in source for c in candidates):
                    found.append(f"{path.relative_to(ROOT)}:{no}")
                    break
    assert not found, f"set lines in source at {found}"
