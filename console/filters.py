"""Template filters: times, money, confidence, statuses."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any


def when(value: datetime | None) -> str:
    """A time as the desk reads it: `14:05` today, `3 Mar 14:05` before (UTC)."""
    if value is None:
        return ""
    value = value.astimezone(UTC)
    if value.date() == datetime.now(UTC).date():
        return value.strftime("%H:%M")
    return value.strftime("%-d %b %H:%M")


def money(value: Decimal | float | None, currency: str = "USD") -> str:
    """`$27.50` (or `27.50 EUR`); empty when unknown."""
    if value is None:
        return "—"
    amount = Decimal(value).quantize(Decimal("0.01"))
    return f"${amount:,}" if currency == "USD" else f"{amount:,} {currency}"


def pct(value: float | Decimal | None) -> str:
    """A confidence as a percentage."""
    return "—" if value is None else f"{float(value) * 100:.0f}%"


def qty(value: Any) -> str:
    """A quantity without trailing zeros."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"


def label(value: Any) -> str:
    """An enum value as a word: `NEEDS_REVIEW` -> `needs review`."""
    return str(value or "").replace("_", " ").lower()


FILTERS = {"when": when, "money": money, "pct": pct, "qty": qty, "label": label}
