"""Message layout: signature blocks, run-ons, list lines, and the catalog deciding splits."""

from __future__ import annotations

import pytest

from reading import Intent, extract
from reading.signature import is_sign_off_line, strip_contact_block

SIGNED = (
    "Please send for Monday:\n- 3 cs romaine\n- 2 cs carrots\n\nBest,\nOlga Petrenko\n"
    "Sous Chef | Blue Door Bistro\n418 Harbor Blvd, Tacoma, WA 98402\n(253) 555-0177"
)


def test_signature_block_after_the_last_item_is_not_read_as_lines() -> None:
    """Name, title, company, address and phone after the items add no order lines."""
    ext = extract(SIGNED)
    assert ext.items == ["3 cs romaine", "2 cs carrots"]
    assert ext.unparsed == []


@pytest.mark.parametrize("block", [
    "Tomasz Nowak\nNowak Deli #3\n77 Elm Ct, Salem OR 97301\n503-555-0101",
    "Tomasz Nowak | Owner | Nowak Deli | 503.555.0101",
    "Sent from my iPhone",
    "--\nAna Ruiz\nana@deli.example",
    "Thanks,\nAna\n\nCONFIDENTIALITY NOTICE: this message may contain privileged information.",
    "Grazie\nMarco",
    "Obrigado!",
    "Cordialement,\nJulie",
])
def test_contact_blocks_by_shape(block: str) -> None:
    """Each block after an order line is dropped, and the order line stays."""
    assert strip_contact_block(f"2 cs limes\n\n{block}") == "2 cs limes"


def test_a_name_after_a_closing_sentence_is_dropped() -> None:
    """ "...please hold the order.\\nKim" drops the name line."""
    assert strip_contact_block("Please go ahead with it.\nKim") == "Please go ahead with it."


@pytest.mark.parametrize("text", [
    "2 cs limes\n4 cs avocados 48 ct",
    "Order:\n2 cs Milk\nEggs",
    "1 cs Cuban Bread\n2 cs Sliced Ham",
])
def test_order_lines_are_never_taken_for_a_signature(text: str) -> None:
    """Order lines, even capitalised or ending in "ct", stay."""
    assert strip_contact_block(text) == text


@pytest.mark.parametrize("line", ["Saludos", "Grazie mille", "Merci beaucoup", "Obrigada",
                                  "Thanks so much, Li", "Un abrazo"])
def test_sign_offs_in_five_languages(line: str) -> None:
    """Closing formulas are recognised in English, Spanish, Portuguese, Italian and French."""
    assert is_sign_off_line(line)


def test_confirmation_followed_by_a_signature_confirms() -> None:
    """ "Confirmed." and a two-line signature is a confirmation, not two order lines."""
    ext = extract("Confirmed.\n\nTomasz Nowak\nNowak Deli #3")
    assert ext.intent is Intent.CONFIRM and not ext.items


@pytest.mark.parametrize(("text", "lines"), [
    ("4cs romaine 2cs carrots 1 cs celery", ["4 cs romaine", "2 cs carrots", "1 cs celery"]),
    ("2 sacos arroz 3cajas aceite", ["2 sacos arroz", "3 cajas aceite"]),
    ("Monin: 3 mint, 2 peach, 4 coconut", ["3 mint Monin", "2 peach Monin", "4 coconut Monin"]),
    ("- Rice, jasmine: 3 bags\n- Flour, bread: 2 bags",
     ["3 bags Rice jasmine", "2 bags Flour bread"]),
    ("- Whole milk, 6 cases\n- Cane sugar 25 lb, 4 bags",
     ["6 cases Whole milk", "4 bags Cane sugar 25 lb"]),
])
def test_run_ons_and_list_lines(text: str, lines: list[str]) -> None:
    """Glued counts, labels over several lines and "product, qty" lines read one line each."""
    assert extract(text).items == lines


def _scorer(names: list[str]):
    """A line scorer over a few product names: the best share of shared words (0..1).

    `line_score` is the caller's contract (the agent passes the matcher's confidence); a
    plain word-overlap scorer keeps these tests about reading, whatever the matcher becomes.
    """
    products = [set(n.lower().split()) for n in names]

    def score(line: str) -> float:
        words = {w for w in line.lower().split() if not w[0].isdigit() and w not in
                 {"cs", "case", "cases", "and", "x"}}
        return max((len(words & p) / len(words | p) for p in products), default=0.0) \
            if words else 0.0
    return score


_CATALOG = ["italian oil vinegar dressing", "canola oil", "white vinegar",
            "monin syrup vanilla", "monin syrup hazelnut", "hazelnut spread"]


def test_the_catalog_keeps_a_product_named_with_and() -> None:
    """ "oil and vinegar dressing" stays one line when the catalog sells it as one product."""
    text = "3 cs italian oil and vinegar dressing"
    assert extract(text, line_score=_scorer(_CATALOG)).items == [text]


def test_the_catalog_splits_two_products_joined_by_and() -> None:
    """ "2 cs canola oil and white vinegar" is two products when the catalog says so."""
    items = extract("2 cs canola oil and white vinegar", line_score=_scorer(_CATALOG)).items
    assert items == ["2 cs canola oil", "white vinegar"]


def test_the_catalog_splits_a_run_on_where_a_number_hides_in_a_name() -> None:
    """Without a unit, "3 monin vanilla 2 hazelnut spread" splits where the catalog reads best."""
    items = extract("3 monin syrup vanilla 2 hazelnut spread", line_score=_scorer(_CATALOG)).items
    assert items == ["3 monin syrup vanilla", "2 hazelnut spread"]


def test_a_bare_flavour_takes_the_label_of_the_line_before() -> None:
    """ "monin vanilla x6, hazelnut x4": the hazelnut is Monin's when the catalog agrees."""
    items = extract("monin syrup vanilla x6, hazelnut x4", line_score=_scorer(_CATALOG)).items
    assert items == ["6 monin syrup vanilla", "4 hazelnut monin"]
