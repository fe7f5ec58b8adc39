"""Checksums and shapes (no presidio import: the log filter uses them at startup)."""

from __future__ import annotations

# (number prefixes, lengths allowed) for the card brands we accept.
_BRANDS: tuple[tuple[tuple[str, ...], tuple[int, ...]], ...] = (
    (("4",), (13, 16, 19)),  # Visa
    ((*(str(p) for p in range(51, 56)), *(str(p) for p in range(2221, 2721))), (16,)),  # MC
    (("34", "37"), (15,)),  # Amex
    (("6011", "65", *(str(p) for p in range(644, 650))), (16, 17, 18, 19)),  # Discover
    (tuple(str(p) for p in range(3528, 3590)), (16, 17, 18, 19)),  # JCB
    (("300", "301", "302", "303", "304", "305", "36", "38", "39"), (14, 15, 16)),  # Diners
    (("62",), (16, 17, 18, 19)),  # UnionPay
    # Maestro also issues 12-15 digit cards, rare enough that we leave them to cut
    # Luhn-lucky 12-digit references starting 50/56-58.
    (("50", "56", "57", "58", "63", "67"), (16, 17, 18, 19)),  # Maestro
)


def luhn_ok(digits: str) -> bool:
    """True when the digit string passes the Luhn checksum."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def card_brand_ok(digits: str) -> bool:
    """True when the number starts like a card brand and has that brand's length."""
    return any(
        len(digits) in lengths and digits.startswith(prefixes)
        for prefixes, lengths in _BRANDS
    )


def iban_ok(candidate: str) -> bool:
    """True when the candidate (spaces allowed) passes the IBAN mod-97 check."""
    s = candidate.replace(" ", "").upper()
    if not s.isalnum() or len(s) < 15:
        return False
    digits = "".join(str(int(c, 36)) for c in s[4:] + s[:4])
    return int(digits) % 97 == 1
