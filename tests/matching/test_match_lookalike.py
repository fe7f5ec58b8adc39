"""Not in the catalog: a look-alike is offered for review, never accepted on its own."""

from __future__ import annotations

import pytest

from matching.index import CatalogIndex
from matching.resolve import match_line


@pytest.mark.parametrize(
    "text",
    [
        "diet cola 2 cs",  # a word the item does not explain
        "chicken tenders 2 cs",
        "black nitrile gloves 1 cs",  # the gloves are blue
        "8 oz clear cups 1 cs",  # the cups are 12 and 16 oz
        "onion powder 2",
        "frijol pinto 2 sacos",  # the catalog has black and kidney beans
        "2 cs queso cotija",
    ],
)
def test_look_alikes_are_never_auto_accepted(erp_index: CatalogIndex, text: str) -> None:
    """An item that leaves a word unexplained, contradicts an attribute or is another size."""
    result = match_line(erp_index, text)
    assert result.needs_review
    assert result.confidence < 0.8


def test_a_tie_is_never_sure(erp_index: CatalogIndex) -> None:
    """When several items fit as well, the matcher asks instead of picking one."""
    result = match_line(erp_index, "boneless skinless chicken 2 cs")  # breast or thigh?
    assert result.needs_review


def test_the_real_item_is_still_accepted(erp_index: CatalogIndex) -> None:
    """The same words with the item's own attribute are accepted."""
    result = match_line(erp_index, "blue nitrile gloves large 1 cs")
    assert result.item is not None and result.item.sku == "60005"
    assert not result.needs_review
