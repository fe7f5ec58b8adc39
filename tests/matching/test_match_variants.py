"""The variant a line names: by unit, by a share of the pack, by relative size, by attribute."""

from __future__ import annotations

import pytest

from matching.catalog import variant_display_name
from matching.index import CatalogIndex
from matching.resolve import match_line


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("lemons 2 cs", "30006"),  # the case is the product
        ("lemons 3 bags", "30007"),  # sold by the bag: the 10 lb bag
        ("limones amarillos 2 bolsas", "30007"),
        ("parsley 2 cs", "30004"),
        ("12 bunches parsley", "30005"),
        ("6 manojos de perejil", "30005"),
    ],
)
def test_the_unit_picks_the_variant(erp_index: CatalogIndex, text: str, sku: str) -> None:
    """The unit the customer orders in is how the chosen item is sold."""
    result = match_line(erp_index, text)
    assert result.item is not None and result.item.sku == sku


def test_half_a_sack_is_the_half_size_variant(erp_index: CatalogIndex) -> None:
    """Half a sack ("medio saco") of a 50 lb onion is the 25 lb sack the catalog sells."""
    assert match_line(erp_index, "medio saco de cebolla amarilla").item.sku == "30002"
    assert match_line(erp_index, "2 sacos de cebolla amarilla").item.sku == "30001"


def test_a_relative_size_picks_the_smallest_or_largest(erp_index: CatalogIndex) -> None:
    """Small (chica) hot sauce is the 5 oz bottle; unqualified it is the product."""
    assert match_line(erp_index, "hot sauce small 2 cs").item.sku == "40005"
    assert match_line(erp_index, "salsa picante chica 2 cajas").item.sku == "40005"
    assert match_line(erp_index, "hot sauce 2 cs").item.sku == "40004"


@pytest.mark.parametrize(
    ("text", "sku"),
    [
        ("caramel syrup 2 cs", "50002"),
        ("vanilla syrup 1 cs", "50003"),
        ("hazelnut syrup 1 cs", "50001"),
        ("black dome lids 2 cs", "60002"),
        ("dome lids 2 cs", "60001"),  # nothing said: the product, not the black variant
        ("salted butter 1 cs", "20005"),
        ("unsalted butter 1 cs", "20004"),
        ("medium nitrile gloves 2 cs", "60006"),
        ("16 oz clear cups 1 cs", "60004"),
        ("12 oz clear cups 1 cs", "60003"),
    ],
)
def test_attributes_and_sizes_pick_the_variant(
    erp_index: CatalogIndex, text: str, sku: str
) -> None:
    """A flavour, colour, salted/unsalted or size word picks that variant, else the product."""
    result = match_line(erp_index, text)
    assert result.item is not None and result.item.sku == sku


def test_an_unqualified_line_means_the_plain_kind(erp_index: CatalogIndex) -> None:
    """Plain "sugar" is granulated sugar, not brown sugar."""
    assert match_line(erp_index, "sugar 2 bags").item.sku == "40005X"


def test_variant_names_take_the_place_of_the_product_value() -> None:
    """A variant's flavour, colour or size replaces the product's in its name."""
    assert variant_display_name("BUTTER UNSLTD AA 36/1#", "SALTED") == "BUTTER SALTED AA 36/1#"
    assert variant_display_name("Syrup Vanilla 750ml", "Caramel") == "Syrup Caramel 750ml"
    assert variant_display_name("LID DOME WHITE 1000/CS", "BLACK") == "LID DOME BLACK 1000/CS"
    assert variant_display_name("LIME 200CT 40 LB", "10 LB BAG") == "LIME 200CT 10 LB BAG"
    assert variant_display_name("CREMA 12/15OZ", "4/1 GAL") == "CREMA 4/1 GAL"
    assert variant_display_name("BOX WHITE 10x10x5", "8x8x5") == "BOX WHITE 8x8x5"
    assert variant_display_name("Pan Arepa White 10/1KG", "Yellow 10/1KG") == (
        "Pan Arepa Yellow 10/1KG"
    )
