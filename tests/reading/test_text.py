"""Cleaning what the agent reads: history, signatures, greetings, emoji, language, splitting."""

from __future__ import annotations

import pytest

from reading.text import (
    Language,
    clean,
    compound_pattern,
    detect_language,
    front_quantity,
    is_greeting_line,
    normalize,
    split_clauses,
    split_run_on,
    split_sentences,
    strip_name_lines,
    strip_quoted,
    strip_signature,
)

GMAIL_REPLY = (
    "Yes, please go ahead.\n\n"
    "On Tue, Mar 3, 2026 at 9:14 AM Harbor Foods Wholesale <orders@harborfoods.example>\n"
    "wrote:\n> Here is your order:\n> 4 x Shredded Mozzarella\n> Reply YES to confirm."
)
OUTLOOK_REPLY = (
    "Approved.\n\nFrom: Harbor Foods Wholesale <orders@harborfoods.example>\n"
    "Sent: Thursday, March 5, 2026 8:30 AM\nTo: Rob\nSubject: Your order\n\n4 x French Fries"
)
SPANISH_REPLY = (
    "Sí, confirmo.\n\nEl mar, 3 mar 2026 a las 9:14, Harbor Foods <orders@harbor.example> "
    "escribió:\n> Su pedido:\n> 3 x Pechuga de pollo"
)


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        (GMAIL_REPLY, "Yes, please go ahead."),
        (OUTLOOK_REPLY, "Approved."),
        (SPANISH_REPLY, "Sí, confirmo."),
        ("add 2 cs eggs\n-----Original Message-----\nFrom: x\n2 cs milk", "add 2 cs eggs"),
        ("ok\n> 2 x Whole Milk\n> 3 x Mozz", "ok"),
        ("2 cs milk\n________________________________\nFrom: Harbor\nSent: Monday", "2 cs milk"),
    ],
)
def test_quoted_history_is_dropped(raw: str, kept: str) -> None:
    """The order summary quoted under a reply never reaches the extractor."""
    assert strip_quoted(normalize(raw)) == kept


def test_a_line_mentioning_from_is_not_a_header() -> None:
    """'From: ...' starts history only when Sent/Date/To headers follow."""
    text = "From: the kitchen\n2 cs milk\n3 bags mozz"
    assert strip_quoted(text) == text


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("2 cs milk\n\nSent from my iPhone", "2 cs milk"),
        ("2 cajas de leche\n\nEnviado desde mi Samsung", "2 cajas de leche"),
        ("2 cs milk\n-- \nMario Rossi\nMario's Pizzeria", "2 cs milk"),
        ("- 4 bags mozz\n\nThanks,\nMaria Lopez\nPurchasing | Luigi's\n(201) 555-0147",
         "- 4 bags mozz"),
        ("3 cajas de pollo\n\nSaludos,\nCarlos Méndez\nTel. 201-555-0133", "3 cajas de pollo"),
        ("20 lbs salmon\n\nBest regards,\nChef Antoine\nOceanview Bistro\n12 Harbor Rd, Newark",
         "20 lbs salmon"),
    ],
)
def test_signatures_are_dropped(raw: str, kept: str) -> None:
    """Sign-offs, names, titles, phones and device footers are not order lines."""
    assert strip_signature(normalize(raw)) == kept


def test_sign_off_followed_by_more_items_is_kept() -> None:
    """A 'thanks' in the middle of a list does not cut the items after it."""
    text = "2 cs milk\nthanks\n3 bags mozz"
    assert strip_signature(text) == text


def test_thanks_alone_is_kept() -> None:
    """A message that is only 'Thanks!' keeps its one line."""
    assert strip_signature("Thanks!") == "Thanks!"


def test_closing_name_after_a_blank_line_is_dropped() -> None:
    """'Yes, go ahead.\\n\\nMaria' answers yes; Maria is the sender."""
    assert strip_name_lines("Yes, go ahead.\n\nMaria") == "Yes, go ahead."
    assert strip_name_lines("Looks good.\n\nJen\nGreen Leaf Catering") == "Looks good."
    assert strip_name_lines("2 cs milk\n3 bags mozz") == "2 cs milk\n3 bags mozz"


@pytest.mark.parametrize(
    "line",
    ["Hi team,", "Hola!", "Good morning Mike!", "Hello Harbor Foods team,", "buenos días",
     "Hope you're well.", "hi, how are you?", "Espero que estén bien."],
)
def test_greeting_lines(line: str) -> None:
    """Greetings and pleasantries carry no items."""
    assert is_greeting_line(line)


@pytest.mark.parametrize("line", ["hi can i get 2 cs milk", "hola me mandas leche", "2 cs milk"])
def test_requests_are_not_greetings(line: str) -> None:
    """A greeting word at the head of a request leaves the request in place."""
    assert not is_greeting_line(line)


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("hi can i get 2 cs whole milk", "can i get 2 cs whole milk"),
        ("Hi Mike, 3 bags mozz", "3 bags mozz"),
        ("Hola! me mandas 2 cajas de leche", "me mandas 2 cajas de leche"),
        ("Good morning! Hope all is well, 2 cs milk", "2 cs milk"),
        ("Hi team,\n\nHope you're well.\n\n- 2 cs milk\n\nThanks,\nMaria", "- 2 cs milk"),
        ("hi", ""),
    ],
)
def test_clean_keeps_only_what_matters(raw: str, cleaned: str) -> None:
    """clean() removes greeting, pleasantries, signature and history, in one call."""
    assert clean(raw) == cleaned


def test_normalize_emoji_and_punctuation() -> None:
    """Decorative emoji go, meaningful ones stay and lose their skin tone; dashes straighten."""
    assert normalize("2 cs milk 🥛🍕 👍🏽") == "2 cs milk 👍"
    assert normalize("mozz — 3 bags") == "mozz - 3 bags"
    assert normalize("milk ×2") == "milk x2"
    assert normalize("2\u00a0cs  milk\r\n\r\n\r\n\r\n3 mozz") == "2 cs milk\n\n3 mozz"
    assert normalize("it\u2019s ok\u200b") == "it's ok"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("me mandas 2 cajas de leche porfa", Language.ES),
        ("2 cajas de whole milk y 3 bolsas de mozz", Language.ES),
        ("sí", Language.ES),
        ("quita la coca", Language.ES),
        ("can I get 2 cs milk and 3 bags mozz", Language.EN),
        ("make the milk 3", Language.EN),
        ("yes please", Language.EN),
    ],
)
def test_language(text: str, lang: Language) -> None:
    """Function words decide en/es, including Spanglish with Spanish structure."""
    assert detect_language(text) is lang


def test_language_falls_back_to_default() -> None:
    """No evidence either way keeps the distributor's language."""
    assert detect_language("2 cs 16oz", default=Language.ES) is Language.ES
    assert detect_language("👍") is Language.EN


def test_numbered_list_markers_are_removed_only_in_sequence() -> None:
    """'1. 2. 3.' is a list; a lone '2.' could be a quantity and stays."""
    assert split_sentences("1. whole milk x2\n2. mozz x3") == ["whole milk x2", "mozz x3"]
    assert split_sentences("- 2 cs milk\n• 3 bags mozz\n* eggs") == [
        "2 cs milk", "3 bags mozz", "eggs"]


def test_sentences_split_without_breaking_decimals() -> None:
    """'1.5 lb' and 'oz.' do not end a sentence; '. ' after a word does."""
    assert split_sentences("2 cs milk. Please deliver before 10am") == [
        "2 cs milk.", "Please deliver before 10am"]
    assert split_sentences("1.5 lb sliced mozz") == ["1.5 lb sliced mozz"]


@pytest.mark.parametrize(
    ("sentence", "clauses"),
    [
        ("2 cs milk, 3 bags mozz, and 16oz lids", ["2 cs milk", "3 bags mozz", "16oz lids"]),
        ("leche y huevos", ["leche", "huevos"]),
        ("2 cs milk & 1 cs eggs + 3 mozz; 1 coke", ["2 cs milk", "1 cs eggs", "3 mozz", "1 coke"]),
        ("2 half and half and 1 mac & cheese", ["2 half and half", "1 mac & cheese"]),
        ("salt & pepper, half n half", ["salt & pepper", "half n half"]),
        ("1,000 napkins", ["1,000 napkins"]),
    ],
)
def test_clauses_respect_compound_names(sentence: str, clauses: list[str]) -> None:
    """'and' splits items except inside product names such as 'half and half'."""
    assert split_clauses(sentence, compound_pattern()) == clauses


def test_catalog_names_become_compounds() -> None:
    """A catalog name with 'and' in it is never split."""
    pattern = compound_pattern(["Calamari Tubes and Tentacles", "A&W Root Beer"])
    assert split_clauses("2 cs tubes and tentacles and 1 cs coke", pattern) == [
        "2 cs tubes and tentacles", "1 cs coke"]


@pytest.mark.parametrize(
    ("clause", "pieces"),
    [
        ("2 cs whole milk 3 mozz", ["2 cs whole milk", "3 mozz"]),
        ("3 cs eggs 2 bacon 1 cs fries", ["3 cs eggs", "2 bacon", "1 cs fries"]),
        ("2 american cheese 1 provo 5 lb ham", ["2 american cheese", "1 provo", "5 lb ham"]),
        ("milk 2 eggs 3", ["milk 2", "eggs 3"]),
        ("2 cs milk 1 gal", ["2 cs milk 1 gal"]),
        ("2 cs coke 12 oz cans", ["2 cs coke 12 oz cans"]),
        ("3 bags 5 lb mozz", ["3 bags 5 lb mozz"]),
        ("shrimp 16/20 x 4 bags", ["shrimp 16/20 x 4 bags"]),
        ("4 cs of the 1/3 lb patties", ["4 cs of the 1/3 lb patties"]),
        ("4 bundles 16 inch pizza boxes 2 bundles 12 inch pizza boxes",
         ["4 bundles 16 inch pizza boxes", "2 bundles 12 inch pizza boxes"]),
    ],
)
def test_run_on_lines_split_at_each_quantity(clause: str, pieces: list[str]) -> None:
    """Terse SMS without separators still gives one line per product; sizes stay put."""
    assert split_run_on(clause) == pieces


@pytest.mark.parametrize(
    ("line", "fronted"),
    [
        ("milk x2", "2 milk"),
        ("lox x2", "2 lox"),
        ("mozz - 3 bags", "3 bags mozz"),
        ("whole milk: 2 cases", "2 cases whole milk"),
        ("mozz (3)", "3 mozz"),
        ("2x whole milk", "2 whole milk"),
        ("whole milk 1 gallon", "whole milk 1 gallon"),
        ("tomatoes #10", "tomatoes #10"),
        ("PO 4521", "PO 4521"),
        ("2% milk", "2% milk"),
    ],
)
def test_trailing_quantity_moves_to_the_front(line: str, fronted: str) -> None:
    """Quantities written after the product lead the line; sizes and PO numbers do not."""
    assert front_quantity(line) == fronted
