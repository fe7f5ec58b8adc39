"""Normalisation: both sides of a match end up with the same words."""

from __future__ import annotations

from decimal import Decimal

import pytest

from matching.normalize import fold, normalize
from matching.units import Size


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Half & Half", "hnh"),
        ("half n half", "Half-and-Half"),
        ("JALAPEÑOS", "jalapeno"),
        ("Mozz", "mozzarella"),
        ("Tomatoes", "tomato"),
        ("boxes", "box"),
        ("Coca-Cola", "coke"),
        ("X-Large", "xl"),
        ("extra large", "XL"),
        ("evoo", "extra virgin olive oil"),
        ("chx brst", "chicken breast"),
        ("Hellmann's", "hellmanns"),
        ("pls send the cheese", "cheese"),
        ("por favor queso", "queso"),
        ("strawberries", "strawberry"),
    ],
)
def test_same_normal_form(a: str, b: str) -> None:
    """Case, accents, punctuation, plurals, abbreviations and filler words do not matter."""
    assert normalize(a) == normalize(b)


def test_different_things_stay_different() -> None:
    """Normalisation does not merge products that differ."""
    assert normalize("whole milk") != normalize("skim milk")
    assert normalize("2% milk") != normalize("1% milk")
    assert normalize("Swiss") == "swiss"  # not singularised to "swis"


def test_fold_handles_unicode_fractions_and_quotes() -> None:
    """½ becomes 1/2 and curly quotes become plain ones."""
    assert fold("½ gal") == " 1/2 gal"
    assert fold("1½ cases") == "1 1/2 cases"
    assert fold("Boar’s Head") == "boars head"


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (Size(Decimal("0.5"), "gal"), Size(Decimal(64), "oz"), True),
        (Size(Decimal("16.9"), "oz"), Size(Decimal(500), "ml"), True),
        (Size(Decimal(16), "oz"), Size(Decimal(12), "oz", Decimal(20)), True),
        (Size(Decimal(24), "oz"), Size(Decimal(12), "oz", Decimal(20)), False),
        (Size(Decimal(16), "oz"), Size(Decimal(20), "oz"), False),
        (Size(Decimal(12), "in"), Size(Decimal(12), "oz"), False),
    ],
)
def test_sizes_compare_across_units(a: Size, b: Size, same: bool) -> None:
    """A half gallon is 64 oz; 16.9 oz is 500 ml; 16 oz fits a 12-20 oz lid."""
    assert a.matches(b) is same
