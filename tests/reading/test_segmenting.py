"""How a message is cut into order lines: tables, run-ons, header lines and parentheses."""

from __future__ import annotations

import pytest

from reading import Intent, extract
from reading.tables import read_tables
from reading.text import split_sentences


def _scorer(names: list[str]):
    """A line scorer over a few product names: the best share of shared words (0..1)."""
    products = [set(n.lower().split()) for n in names]

    def score(line: str) -> float:
        words = {w for w in line.lower().split() if not w[0].isdigit() and w not in
                 {"cs", "case", "cases", "and", "x", "lb"}}
        return max((len(words & p) / len(words | p) for p in products), default=0.0) \
            if words else 0.0
    return score


# --- Tables -------------------------------------------------------------------------------

def test_a_markdown_table_takes_the_count_from_the_qty_column() -> None:
    """ "| Item | Pack | Qty |": a pack of "500/cs" is no count; the Qty cell is."""
    text = ("Order for Tuesday:\n\n| Item | Pack | Qty |\n|---|---|---|\n"
            "| Paper napkins | 500/cs | 4 |\n| Deli tubs 16 oz | 240/cs | 2 |\n\nThanks")
    assert extract(text).items == ["4 Paper napkins", "2 Deli tubs 16 oz"]


def test_a_pipe_table_with_uom_and_item_numbers_reads_the_description() -> None:
    """ "QTY | UOM | ITEM | DESCRIPTION": count and unit lead, the item number goes with the
    description (the matcher takes a code it knows, checked by the words)."""
    text = ("QTY | UOM | ITEM | DESCRIPTION\n5 | CS | 40417 | BEANS PINTO DRY\n"
            "1 | BG | 40420 | RICE LONG GRAIN")
    assert extract(text).items == ["5 CS 40417 BEANS PINTO DRY", "1 BG 40420 RICE LONG GRAIN"]


def test_columns_lined_up_with_spaces_are_a_table() -> None:
    """ "Item #   Description   Qty": each row is its count, item number and description."""
    text = ("Item #     Description                Qty\n"
            "80211      Olive oil pomace           3\n"
            "80930-LG   Aprons white large         12\n")
    assert extract(text).items == ["3 80211 Olive oil pomace", "12 80930-LG Aprons white large"]


def test_commas_inside_a_table_cell_are_one_product() -> None:
    """ "Beans, pinto, dry" in the item column is one product, not three lines."""
    text = "QTY  ITEM\n6    Beans, pinto, dry 25 lb\n2    Napkins (cs)"
    assert extract(text).items == ["6 Beans pinto dry 25 lb", "2 Napkins (cs)"]


def test_a_qty_cell_may_carry_its_unit() -> None:
    """ "Item | Qty" with "3 cs" or "8 lb" under Qty: the count keeps its unit."""
    assert read_tables("Item | Qty\nLemons | 3 cs\nGinger root | 8 lb") == \
        "3 cs Lemons\n8 lb Ginger root"


def test_text_without_a_header_row_is_left_alone() -> None:
    """Pipes without a header naming a count column are not taken for a table."""
    text = "2 cs lemons | 3 cs limes\nthanks"
    assert read_tables(text) == text


# --- Run-ons ------------------------------------------------------------------------------

def test_a_run_on_after_an_introduction_is_read() -> None:
    """ "hi its Mara from Blue Fig need 3 cs A 2 cs B 1 case C": every counted line is read,
    the introduction is no line and no greeting."""
    ext = extract("hi its Mara from Blue Fig need 3 cs lemons 2 cs limes 1 case mint thanks")
    assert ext.intent is Intent.ORDER
    assert ext.items == ["3 cs lemons", "2 cs limes", "1 case mint"]
    assert ext.unparsed == []


def test_a_product_word_before_a_run_on_labels_every_line() -> None:
    """ "aprons 2 cs M 1 cs large": both lines are aprons, sizes as single letters too."""
    assert extract("aprons 2 cs M 1 cs large").items == ["2 cs medium aprons",
                                                         "1 cs large aprons"]


def test_pounds_written_with_a_hash_start_lines() -> None:
    """ "30# onions 20# carrots": two weighed lines."""
    assert extract("30# yellow onions 20# carrots").items == ["30 lb yellow onions",
                                                              "20 lb carrots"]


def test_a_pack_count_inside_a_name_is_no_new_line() -> None:
    """ "swiss 120 slice" is a pack; the catalog is not asked to cut there."""
    score = _scorer(["swiss cheese 120 slice", "ham smoked", "slice tool"])
    items = extract("2 cs swiss cheese 120 slice 1 cs ham smoked", line_score=score).items
    assert items == ["2 cs swiss cheese 120 slice", "1 cs ham smoked"]


@pytest.mark.parametrize(("text", "lines"), [
    ("3 cases of oat milk to bags of rye flour", ["3 cases of oat milk", "2 bags of rye flour"]),
    ("1 case of tahini too boxes of dates", ["1 case of tahini", "2 boxes of dates"]),
])
def test_a_dictated_two_before_a_unit_is_a_count(text: str, lines: list[str]) -> None:
    """Dictation writes "two" as "to" or "too" before "bags", "boxes", "cases"."""
    assert extract(text).items == lines


def test_a_change_of_unit_keeps_its_to() -> None:
    """ "switch the rye to bags" asks for another unit: no count of two appears."""
    ext = extract("switch the rye to bags")
    assert all(not item.startswith("2 ") for item in ext.items)


# --- Lines that are no order lines ----------------------------------------------------------

def test_purchase_order_and_delivery_lines_are_not_order_lines() -> None:
    """ "PO 55120 - north campus", "Ship to: 14 Birch Rd": detail around the order."""
    text = "PO 55120 - North campus cafe\nShip to: 14 Birch Rd, side door\n\n2 cs lemons\n1 cs mint"
    ext = extract(text)
    assert ext.items == ["2 cs lemons", "1 cs mint"]
    assert ext.unparsed == []


def test_a_line_announcing_the_list_is_no_line() -> None:
    """ "Sending the list for Monday, bill to unit 7:" only announces what follows."""
    ext = extract("Sending the list for Monday, bill to unit 7:\n\nRye flour - 2 bags")
    assert ext.items == ["2 bags Rye flour"]


def test_a_delivery_header_is_no_label() -> None:
    """ "pls add to friday's truck: 2 cs A, 1 cs B": the truck names no product."""
    ext = extract("pls add to friday's truck: 2 cs oat milk, 1 cs dates")
    assert ext.items == ["2 cs oat milk", "1 cs dates"]


# --- Commas and parentheses -----------------------------------------------------------------

def test_a_product_with_modifiers_and_a_dash_count_is_one_line() -> None:
    """ "Lamb shoulder, boneless - 30 lbs" is one product with its modifier."""
    text = "- Lamb shoulder, boneless - 30 lbs\n- Ham, smoked, sliced - 2 cases"
    assert extract(text).items == ["Lamb shoulder boneless - 30 lbs",
                                   "2 cases Ham smoked sliced"]


def test_counts_in_parentheses_share_out_the_line() -> None:
    """ "2 cs cola (1 regular, 1 diet)": one case of each, not two of one."""
    assert extract("2 cs cola (1 regular, 1 diet)").items == ["1 cs cola regular",
                                                              "1 cs cola diet"]


def test_a_note_in_parentheses_stays_whole() -> None:
    """ "tahini 3 tubs (the 2kg one)": the count leads, the note keeps its closing paren."""
    assert extract("tahini 3 tubs (the 2kg one), dates 1 box").items == [
        "3 tubs tahini (the 2kg one)", "1 box dates"]


def test_a_closing_note_qualifies_every_labelled_line() -> None:
    """ "aprons: S x1, M x2 (the blue ones)": each size is a blue apron."""
    assert extract("aprons: S x1, M x2 (the blue ones)").items == [
        "1 small aprons blue ones", "2 medium aprons blue ones"]


def test_talk_before_a_run_on_is_reported_and_the_lines_read() -> None:
    """ "start me off w/ 3 cs A 2 B": the counted lines are cut; the talk is left over."""
    ext = extract("start me off w/ 3 cs kale 2 leeks")
    assert ext.items == ["3 cs kale", "2 leeks"]
    assert ext.unparsed == ["start me off w/"]


def test_a_count_range_is_no_trailing_count() -> None:
    """ "10lb 21-25": the weight leads; "21-25" is a size range, not a count of 25."""
    assert extract("need 10lb 21-25 prawns").items == ["10lb 21-25 prawns"]


@pytest.mark.parametrize("text", [
    "annyeong haseyo, order pls: 2 cs napa cabbage",
    "chi oi, 2 cs napa cabbage",
    "sawasdee ka, 2 cs napa cabbage",
    "xin chao, 2 cs napa cabbage",
])
def test_greetings_in_more_languages_are_no_lines(text: str) -> None:
    """Korean, Vietnamese and Thai greetings before an order are dropped like "hi"."""
    ext = extract(text)
    assert ext.items == ["2 cs napa cabbage"]
    assert ext.unparsed == []


def test_french_request_words_are_no_part_of_a_line() -> None:
    """ "pour demain svp : 2 caisses X, et 2 Y": the delivery day, "please" and "and" go."""
    items = extract("pour demain svp : 2 caisses de lait, et 3 sacs de farine").items
    assert items == ["2 caisses de lait", "3 sacs de farine"]


@pytest.mark.parametrize(("text", "sentences"), [
    ("10 Black rect. container 24 oz", ["10 Black rect. container 24 oz"]),
    ("order for the (Main St. kitchen)", ["order for the (Main St. kitchen)"]),
    ("2 cs milk. thanks", ["2 cs milk.", "thanks"]),
    ("2 cs limes 5 lb. eggs 3", ["2 cs limes 5 lb.", "eggs 3"]),
])
def test_an_abbreviation_with_a_period_does_not_end_a_sentence(text: str,
                                                              sentences: list[str]) -> None:
    """ "rect. container": a name's abbreviation before a lower-case word runs on."""
    assert split_sentences(text) == sentences


def test_a_name_signed_after_a_confirmation_on_the_same_line_is_no_line() -> None:
    """ "Yes that's correct. Rosa": the name signs the answer; it orders nothing."""
    ext = extract("Yes that's correct. Rosa")
    assert ext.intent is Intent.CONFIRM
    assert ext.items == [] and ext.unparsed == []


@pytest.mark.parametrize(("text", "lines"), [
    ("aprons: S x1, L x2", ["1 small aprons", "2 large aprons"]),
    ("1) vinyl aprons M x2\n2) vinyl aprons S x1", ["2 vinyl aprons medium",
                                                    "1 vinyl aprons small"]),
    ("2 cs cola 1.5 L", ["2 cs cola 1.5 L"]),
])
def test_a_garment_size_letter_is_spelled_out(text: str, lines: list[str]) -> None:
    """S, M and L alone are small, medium and large; "1.5 L" stays litres."""
    assert extract(text).items == lines


def test_a_count_and_unit_before_an_item_number_is_no_address() -> None:
    """ "6 CS 40417 ...": "CS 40417" is shaped like a state and ZIP code, yet the row is an
    order line, not the sender's contact block."""
    text = ("Ship to: 18 Mill Rd, dock 3\n\nQTY | UOM | ITEM | DESCRIPTION\n"
            "5 | CS | 40417 | BEANS PINTO DRY\n1 | BG | 40420 | RICE LONG GRAIN")
    assert extract(text).items == ["5 CS 40417 BEANS PINTO DRY", "1 BG 40420 RICE LONG GRAIN"]
