"""Self-corrections inside one message keep only what the customer meant."""

from __future__ import annotations

import pytest

from reading.corrections import drop_self_corrections
from reading.extract import extract


@pytest.mark.parametrize(("text", "items"), [
    ("pls send 2 cs feta 3 cs pita... no wait 3 cs flour tortillas, 1 cs cucumbers",
     ["2 cs feta", "3 cs flour tortillas", "1 cs cucumbers"]),
    ("2 cs fish... I mean 2 cs tilapia", ["2 cs tilapia"]),
    ("- 2 cs pita... sorry no, 2 cs flour tortillas", ["2 cs flour tortillas"]),
    ("2 cs fish, I mean tilapia", ["2 cs tilapia"]),
    ("3 cajas de leche entera, mejor dicho 3 cajas de leche descremada",
     ["3 cajas de leche descremada"]),
])
def test_the_correction_replaces_the_corrected_line(text: str, items: list[str]) -> None:
    """The corrected item is dropped; its quantity carries over when none is repeated."""
    assert extract(text).items == items


def test_text_without_a_correction_is_untouched() -> None:
    """Nothing changes when there is no correction marker."""
    text = "2 cs whole milk\n3 bags mozz"
    assert drop_self_corrections(text) == text
