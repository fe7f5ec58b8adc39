"""`eval-pii`: corpus checking, the metrics, the report and the exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from evaluation.eval_pii import run_eval_pii, score_messages
from evaluation.pii_corpus import LabelledMessage, load_corpus
from privacy.findings import Finding, PIIType


def write_corpus(path: Path, lines: list[object]) -> Path:
    """Write JSON Lines (strings are written as they are)."""
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n",
        encoding="utf-8",
    )
    return path


def line(ident: str, text: str, *entities: tuple[str, str]) -> dict[str, object]:
    """A corpus line whose entities are located by value."""
    return {"id": ident, "channel": "sms", "text": text, "entities": [
        {"type": kind, "start": text.index(value), "end": text.index(value) + len(value),
         "value": value} for kind, value in entities]}


def console() -> Console:
    """A console recording what eval-pii prints."""
    return Console(record=True, width=120, force_terminal=False)


# A hand-checked corpus, scored with a fake detector so every count is known:
#   m1: phone found (span overlaps, not equal), person missed
#   m2: no PII, one false phone
#   m3: email found, plus a second detection of the same email span (right as well)
#   m4: card found; a PERSON detection where an address is labelled (wrong type: false)
TEXTS = {
    "m1": "call (305) 555-0143 -- Linda",
    "m2": "PO 4500012345",
    "m3": "mail ana@gmail.com",
    "m4": "card 4242424242424242 to 12 Oak St",
}
LABELS = [
    line("m1", TEXTS["m1"], ("PHONE_NUMBER", "(305) 555-0143"), ("PERSON", "Linda")),
    line("m2", TEXTS["m2"]),
    line("m3", TEXTS["m3"], ("EMAIL_ADDRESS", "ana@gmail.com")),
    line("m4", TEXTS["m4"], ("CREDIT_CARD", "4242424242424242"),
         ("STREET_ADDRESS", "12 Oak St")),
]
DETECTIONS = {
    "m1": [(PIIType.PHONE_NUMBER, 6, 19)],
    "m2": [(PIIType.PHONE_NUMBER, 3, 13)],
    "m3": [(PIIType.EMAIL_ADDRESS, 5, 18), (PIIType.EMAIL_ADDRESS, 5, 8)],
    "m4": [(PIIType.CREDIT_CARD, 5, 21), (PIIType.PERSON, 25, 34)],
}


def fake_detect(text: str) -> list[Finding]:
    """The DETECTIONS for one of TEXTS."""
    ident = next(k for k, v in TEXTS.items() if v == text)
    return [Finding(t, s, e, text[s:e], 0.9, "fake") for t, s, e in DETECTIONS[ident]]


@pytest.fixture
def messages(tmp_path: Path) -> list[LabelledMessage]:
    """The hand-checked corpus, loaded."""
    return load_corpus(write_corpus(tmp_path / "tiny.jsonl", LABELS))


def test_metrics_on_a_hand_checked_corpus(messages: list[LabelledMessage]) -> None:
    """Per-type and micro precision/recall follow the overlap rule, counted by hand."""
    metrics = score_messages(messages, fake_detect)["metrics"]
    per_type = metrics["per_type"]
    assert per_type["PHONE_NUMBER"] == {"precision": 0.5, "recall": 1.0, "f1": 0.6667,
                                        "support": 1, "detected": 2}
    assert per_type["EMAIL_ADDRESS"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0,
                                         "support": 1, "detected": 2}
    assert per_type["PERSON"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0,
                                  "support": 1, "detected": 1}
    assert per_type["STREET_ADDRESS"]["recall"] == 0.0
    assert per_type["STREET_ADDRESS"]["precision"] == 1.0  # nothing claimed, nothing wrong
    assert per_type["IBAN_CODE"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0,
                                     "support": 0, "detected": 0}
    # 6 detections, 4 right (m1 phone, both m3 emails, m4 card); 3 of 5 labels found.
    assert metrics["micro_precision"] == 0.6667
    assert metrics["micro_recall"] == 0.6
    assert metrics["messages"] == 4


def test_per_message_found_missed_and_false(messages: list[LabelledMessage]) -> None:
    """Each message lists what was found, missed and wrongly reported."""
    report = {m["id"]: m for m in score_messages(messages, fake_detect)["messages"]}
    assert [e["value"] for e in report["m1"]["found"]] == ["(305) 555-0143"]
    assert [e["value"] for e in report["m1"]["missed"]] == ["Linda"]
    assert [(e["type"], e["value"]) for e in report["m2"]["false"]] == [
        ("PHONE_NUMBER", "4500012345")]
    assert report["m3"]["ok"] is True and report["m1"]["ok"] is False
    assert [e["type"] for e in report["m4"]["false"]] == ["PERSON"]


def test_run_writes_the_report_in_the_documented_shape(tmp_path: Path) -> None:
    """The real detector on a small corpus: exit 0, a table, and formats.md's keys."""
    corpus = write_corpus(tmp_path / "c.jsonl", [
        line("a", "2 cs milk, call me at (305) 555-0143 -- Linda",
             ("PHONE_NUMBER", "(305) 555-0143"), ("PERSON", "Linda")),
        line("b", "PO 4500012345 for order #10293, 3 cs DY-1001 at $27.50"),
    ])
    out = console()
    assert run_eval_pii(corpus, tmp_path / "r.json", console=out) == 0
    report = json.loads((tmp_path / "r.json").read_text())
    metrics = report["metrics"]
    assert metrics["messages"] == 2 and metrics["messages_per_s"] > 0
    assert metrics["micro_precision"] == metrics["micro_recall"] == 1.0
    assert set(metrics["per_type"]) == {t.value for t in PIIType}
    assert set(metrics["per_type"]["PHONE_NUMBER"]) >= {"precision", "recall", "f1", "support"}
    assert [set(m) >= {"id", "found", "missed", "false"} for m in report["messages"]] == [
        True, True]
    printed = out.export_text()
    assert "PHONE_NUMBER" in printed and "messages/s" in printed


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ('{"id": "a", "text": "hi", "entities": []}\n{not json', ":2: not valid JSON"),
        (json.dumps({"id": "a", "text": "call 305", "entities": [
            {"type": "PHONE_NUMBER", "start": 0, "end": 4, "value": "305"}]}),
         ":1, entity 1: text[0:4] is 'call', not the value '305'"),
        (json.dumps({"id": "a", "text": "x", "entities": [], "entites": []}),
         ":1: unknown key 'entites'"),
        (json.dumps({"id": "a", "text": "x", "entities": [
            {"type": "PHONE", "start": 0, "end": 1, "value": "x"}]}), "unknown type 'PHONE'"),
        (json.dumps({"id": "a", "text": "x", "entities": [
            {"type": "PERSON", "start": 0, "end": 9, "value": "x"}]}), "outside the text"),
        (json.dumps({"id": "a", "text": "x"}), ":1: missing ['entities']"),
        (json.dumps({"id": "a", "text": "x", "entities": []}) + "\n"
         + json.dumps({"id": "a", "text": "y", "entities": []}), ":2: id 'a' already used"),
        (json.dumps({"id": "a", "channel": "fax", "text": "x", "entities": []}), "channel"),
        ("\n  \n", "the corpus is empty"),
    ],
)
def test_bad_corpus_lines_exit_2_naming_the_line(tmp_path: Path, content: str, error: str) -> None:
    """A clear error naming the file and line, and exit code 2; no report is written."""
    corpus = tmp_path / "bad.jsonl"
    corpus.write_text(content, encoding="utf-8")
    out = console()
    assert run_eval_pii(corpus, tmp_path / "r.json", console=out) == 2
    assert error in out.export_text().replace("\n", "")
    assert not (tmp_path / "r.json").exists()


def test_a_missing_corpus_file_exits_2(tmp_path: Path) -> None:
    """A path that does not exist is named in the error."""
    out = console()
    assert run_eval_pii(tmp_path / "nope.jsonl", console=out) == 2
    assert "nope.jsonl" in out.export_text()
