"""No evaluation text in source: no customer line of an evaluation set is written into
reading/, agent/ or matching/ (code or data), where it would score itself.

Every line of 25 characters or more of the texts in bench/ sets (transcript turns, match
queries, any JSONL `text`) and of ../shared/data/distributors (when present) is looked
for, case-insensitively, in those packages' files. A hit names the set file, its line
number and the source file, never the text: some of the sets are held out.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "distributors"
PACKAGES = ("reading", "agent", "matching")
SOURCE_SUFFIXES = {".py", ".json", ".tsv", ".txt", ".csv", ".md", ".yaml", ".yml"}
MIN_CHARS = 25


def set_files() -> list[Path]:
    """Every JSONL set under bench/ and the shared distributors folder."""
    files = sorted((ROOT / "bench").rglob("*.jsonl"))
    if SHARED.is_dir():
        files += sorted(SHARED.rglob("*.jsonl"))
    return files


def _texts(row: object) -> Iterator[str]:
    """The customer texts of one JSONL row: `text` fields, at any depth."""
    if isinstance(row, dict):
        for key, value in row.items():
            if key == "text" and isinstance(value, str):
                yield value
            else:
                yield from _texts(value)
    elif isinstance(row, list):
        for value in row:
            yield from _texts(value)


def evaluation_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number in the file, one text line of 25+ characters, lower-cased)."""
    for no, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        for text in _texts(json.loads(raw)):
            for line in text.splitlines():
                line = line.strip().lower()
                if len(line) >= MIN_CHARS:
                    yield no, line


def source_files() -> dict[Path, str]:
    """The text of every source and data file of the checked packages, lower-cased."""
    out = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*")):
            if path.is_file() and path.suffix in SOURCE_SUFFIXES and "__pycache__" not in \
                    path.parts:
                out[path] = path.read_text(encoding="utf-8", errors="replace").lower()
    return out


def find_copies(sets: list[Path], sources: dict[Path, str]) -> list[str]:
    """`set file:line -> source file` for each evaluation line found in a source file."""
    whole = "\n".join(sources.values())
    hits = []
    for path in sets:
        for no, line in evaluation_lines(path):
            if line not in whole:
                continue
            where = [str(p.relative_to(ROOT)) for p, text in sources.items() if line in text]
            hits.append(f"{path.name}:{no} -> {', '.join(where)}")
    return hits


def test_no_line_of_an_evaluation_set_is_in_reading_agent_or_matching() -> None:
    """The check over every set and every source file; hits are named, not quoted."""
    sets = set_files()
    assert sets, "no evaluation sets found under bench/"
    hits = find_copies(sets, source_files())
    assert not hits, f"{len(hits)} evaluation line(s) copied into source: {hits[:20]}"


def test_the_check_finds_a_copied_line(tmp_path) -> None:
    """A set line pasted (in another case) into a source file is reported by location."""
    line = "Two cases of the Smoked Paprika tins for friday please"
    data = tmp_path / "set.jsonl"
    data.write_text(json.dumps({"id": "x", "turns": [{"role": "customer",
                                                       "text": f"hi\n{line}"}]}) + "\n")
    planted = ROOT / "agent" / "zz_planted_for_test.py"
    sources = {planted: f"RULE = {line.upper()!r}\n".lower()}
    assert find_copies([data], sources) == ["set.jsonl:1 -> agent/zz_planted_for_test.py"]
    assert find_copies([data], {planted: "rule = 'smoked paprika'\n"}) == []


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} is not present on this machine")
def test_the_shared_distributor_sets_are_checked_too() -> None:
    """When the shared data is here, its transcripts and match queries are among the sets."""
    names = {p.name for p in set_files() if SHARED in p.parents}
    assert {"transcripts.jsonl", "match_queries.jsonl"} <= names
