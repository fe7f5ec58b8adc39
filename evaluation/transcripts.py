"""The transcript format (`shared/specs/formats.md`) and how a replay is scored.

A transcript file is read whole and rejected whole: one bad line makes the file an
error (exit 2) naming every bad line, because figures from a silently smaller set would
be compared with yesterday's as if they measured the same thing.

Scoring counts (sku, quantity) pairs summed over transcripts. Order lines the agent
could not match to any sku are not items (nothing can be entered for them, which is
also why the expected answers leave such products out); they are listed per transcript
as `unmatched`, and the expected items they stand for count as missed.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

MAX_LISTED = 20  # bad lines named in the error before "and N more"


class TranscriptFileError(ValueError):
    """A transcript file that cannot be replayed; `problems` are `FILE:LINE: reason`."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Customer(_Strict):
    """Who is talking: the identity the channel knows them by."""

    business_name: str | None = None
    phone: str | None = None
    email: str | None = None


class CustomerTurn(_Strict):
    """One customer message; the agent's replies are produced by the replay."""

    role: Literal["customer"]
    text: str

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is blank")
        return value


class Item(_Strict):
    """One order line: a sku and how many of its selling unit."""

    sku: str = Field(min_length=1)
    quantity: Decimal = Field(gt=0)

    @field_validator("quantity", mode="before")
    @classmethod
    def _a_number(cls, value: Any) -> Any:
        # strict JSON mode would take "2" for a Decimal; a quoted quantity is a typo
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise ValueError("must be a number")
        return Decimal(str(value))


class Expected(_Strict):
    """The right answer: how the conversation ends and the order's lines."""

    outcome: Literal["CONFIRMED", "CANCELLED", "HANDOFF", "NONE"]
    items: list[Item]

    @model_validator(mode="after")
    def _consistent(self) -> Expected:
        if self.outcome == "CANCELLED" and self.items:
            raise ValueError("a CANCELLED transcript expects no items")
        skus = [i.sku for i in self.items]
        if len(skus) != len(set(skus)):
            raise ValueError("a sku appears twice in expected.items")
        return self


class Transcript(_Strict):
    """One conversation to replay and its expected result."""

    id: str = Field(min_length=1)
    channel: Literal["whatsapp", "sms", "email"]
    customer: Customer
    turns: list[CustomerTurn] = Field(min_length=1)
    expected: Expected

    @model_validator(mode="after")
    def _has_identity(self) -> Transcript:
        if not self.identity:
            key = "email" if self.channel == "email" else "phone"
            raise ValueError(f"customer.{key} is required for channel {self.channel}")
        return self

    @property
    def identity(self) -> str | None:
        """The sender the channel sees: the email for email, the phone otherwise."""
        return self.customer.email if self.channel == "email" else self.customer.phone


def _reason(exc: ValidationError) -> str:
    errors = exc.errors(include_url=False)
    first = errors[0]
    where = ".".join(str(p) for p in first["loc"])
    msg = first["msg"].removeprefix("Value error, ")
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return (f"{where}: {msg}" if where else msg) + more


def read_transcripts(path: str | Path) -> list[Transcript]:
    """Read a transcript JSONL file; raise TranscriptFileError naming every bad line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise TranscriptFileError(f"{path}: cannot read: {exc}") from None
    out: list[Transcript] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            continue  # a blank line (often the last) carries nothing
        try:
            t = Transcript.model_validate_json(line)
        except ValidationError as exc:
            if exc.errors()[0]["type"] == "json_invalid":
                problems.append(f"{path}:{no}: invalid JSON: {exc.errors()[0]['ctx']['error']}")
            else:
                problems.append(f"{path}:{no}: {_reason(exc)}")
            continue
        if t.id in seen:
            problems.append(f"{path}:{no}: id {t.id!r} already used on line {seen[t.id]}")
            continue
        seen[t.id] = no
        out.append(t)
    if problems:
        listed = ", ".join(_line_of(p) for p in problems[:8])
        more = f" and {len(problems) - 8} more" if len(problems) > 8 else ""
        raise TranscriptFileError(
            f"{path}: {len(problems)} bad line(s) ({listed}{more}); nothing replayed",
            problems[:MAX_LISTED] + ([f"... and {len(problems) - MAX_LISTED} more"]
                                     if len(problems) > MAX_LISTED else []))
    if not out:
        raise TranscriptFileError(f"{path}: no transcripts (the file is empty)")
    return out


def _line_of(problem: str) -> str:
    """"dev.jsonl:12: reason" -> "line 12"."""
    head = problem.split(": ", 1)[0]
    return "line " + head.rsplit(":", 1)[-1]


# --- scoring ---------------------------------------------------------------------------

def number(q: Decimal) -> int | float:
    """A quantity as JSON shows it: 2, not 2.000; 2.5 as 2.5."""
    q = Decimal(q).normalize()
    return int(q) if q == q.to_integral_value() else float(q)


def item_dicts(items: list[tuple[str, Decimal]]) -> list[dict[str, Any]]:
    """Items as report rows, one per sku, sorted so the same order always prints the same.

    Two lines of one sku (a replacement can land on a product already ordered) are one
    line of their sum, as an order-taker would type it.
    """
    total: dict[str, Decimal] = {}
    for sku, q in items:
        total[sku] = total.get(sku, Decimal(0)) + Decimal(q)
    return [{"sku": s, "quantity": number(q)} for s, q in sorted(total.items())]


def pairs(items: list[dict[str, Any]]) -> Counter[tuple[str, Decimal]]:
    """(sku, quantity) pairs of report rows, quantities normalised (2 == 2.000)."""
    return Counter((i["sku"], Decimal(str(i["quantity"])).normalize()) for i in items)


def diff(expected: dict[str, Any], outcome: str, items: list[dict[str, Any]]) -> str:
    """A compact diff: `CONFIRMED→NONE -DY-1001×2 +DY-1002×2 ~CH-2003×3→4`."""
    head = "" if outcome == expected["outcome"] else f"{expected['outcome']}→{outcome}"
    return " ".join(p for p in (head, item_diff(expected["items"], items)) if p)


def item_diff(expected: list[dict[str, Any]], items: list[dict[str, Any]]) -> str:
    """Items missing (-), extra (+) and with another quantity (~), by sku."""
    parts = []
    want = {i["sku"]: i["quantity"] for i in expected}
    got = {i["sku"]: i["quantity"] for i in items}
    for sku in sorted(want.keys() | got.keys()):
        if sku not in got:
            parts.append(f"-{sku}×{want[sku]}")
        elif sku not in want:
            parts.append(f"+{sku}×{got[sku]}")
        elif Decimal(str(want[sku])) != Decimal(str(got[sku])):
            parts.append(f"~{sku}×{want[sku]}→{got[sku]}")
    return " ".join(parts)


def _ratio(num: int, den: int, *, empty: float) -> float:
    return round(num / den, 4) if den else empty


def _f1(p: float, r: float) -> float:
    return round(2 * p * r / (p + r), 4) if p + r else 0.0


def _prf(got: list[Counter], want: list[Counter]) -> tuple[float, float, float]:
    """Precision, recall, F1 over items summed across transcripts."""
    tp = sum(sum((g & w).values()) for g, w in zip(got, want, strict=True))
    n_got = sum(sum(g.values()) for g in got)
    n_want = sum(sum(w.values()) for w in want)
    # nothing predicted and nothing expected is perfect, not undefined
    p = _ratio(tp, n_got, empty=1.0 if n_want == 0 else 0.0)
    r = _ratio(tp, n_want, empty=1.0 if n_got == 0 else 0.0)
    return p, r, _f1(p, r)


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) with linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = q * (len(ordered) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


@dataclass
class Usage:
    """LLM use during the replay (rows of `ai_responses` not written by the rules)."""

    calls: int = 0
    tokens: int = 0
    cost_usd: Decimal = field(default_factory=Decimal)


def metrics(entries: list[dict[str, Any]], latencies: list[float], usage: Usage
            ) -> dict[str, Any]:
    """The report's metrics, exactly the keys of formats.md, from the transcript entries."""
    got = [pairs(e["items"]) for e in entries]
    want = [pairs(e["expected"]["items"]) for e in entries]
    p, r, f1 = _prf(got, want)
    sku = [Counter({s: 1 for s, _ in c}) for c in got]
    sku_want = [Counter({s: 1 for s, _ in c}) for c in want]
    n = len(entries)
    return {
        "transcripts": n,
        "item_precision": p,
        "item_recall": r,
        "item_f1": f1,
        "sku_f1": _prf(sku, sku_want)[2],
        "order_exact_match": _ratio(sum(e["ok"] for e in entries), n, empty=0.0),
        "outcome_accuracy": _ratio(sum(e["outcome"] == e["expected"]["outcome"]
                                       for e in entries), n, empty=0.0),
        "llm_calls": usage.calls,
        "llm_tokens": usage.tokens,
        "llm_cost_usd": round(float(usage.cost_usd), 6),
        "latency_ms_p50": round(percentile(latencies, 0.5), 1),
        "latency_ms_p99": round(percentile(latencies, 0.99), 1),
    }


def entry(t: Transcript, outcome: str, items: list[tuple[str, Decimal]], replies: list[str],
          *, unmatched: list[str] | None = None, error: str | None = None) -> dict[str, Any]:
    """One transcript's row of the report: what happened, what was expected, ok or not."""
    got = item_dicts(items)
    expected = {"outcome": t.expected.outcome,
                "items": item_dicts([(i.sku, i.quantity) for i in t.expected.items])}
    ok = error is None and outcome == expected["outcome"] and pairs(got) == pairs(
        expected["items"])
    return {"id": t.id, "outcome": outcome, "items": got, "expected": expected,
            "replies": replies, "ok": ok, "diff": "" if ok else diff(expected, outcome, got),
            "unmatched": sorted(unmatched or []), "error": error}


def load_report(path: str | Path) -> dict[str, Any]:
    """A replay report read back (for --compare); TranscriptFileError if it is not one."""
    path = Path(path)
    try:
        report = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise TranscriptFileError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise TranscriptFileError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    if not (isinstance(report, dict) and isinstance(report.get("metrics"), dict)
            and isinstance(report.get("transcripts"), list)):
        raise TranscriptFileError(f"{path}: not a replay report (no metrics/transcripts)")
    return report

