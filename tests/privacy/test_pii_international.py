"""Phones as other countries write them, and IBANs in any case, spacing or line wrap."""

from __future__ import annotations

import pytest

from privacy.detect import detect
from privacy.redact import redact, scrub


def found(text: str) -> list[tuple[str, str]]:
    """(type, value) of each finding, in text order."""
    return [(f.type.value, f.value) for f in detect(text)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ring me on +44 7911 123456 after 6", "+44 7911 123456"),
        ("Handy: 0151 23456789", "0151 23456789"),
        ("Tel. 030 1234567 bitte", "030 1234567"),
        ("Telefon 0049-30-1234567", "0049-30-1234567"),
        ("erreichbar unter +49 (0)89 1234567", "+49 (0)89 1234567"),
        ("appelez-moi au 01 42 68 53 00", "01 42 68 53 00"),
        ("+33 (0)1 42 68 53 00 standard", "+33 (0)1 42 68 53 00"),
        ("whatsapp 0033 6 12 34 56 78", "0033 6 12 34 56 78"),
        ("mi móvil +34 612.345.678", "+34 612.345.678"),
        ("(+52) 55 1234 5678 bodega", "(+52) 55 1234 5678"),
        ("fone +55 21 98765-4321", "+55 21 98765-4321"),
        ("mobile no +91 98765 43210", "+91 98765 43210"),
        ("mob 0412 345 678", "0412 345 678"),
        ("phone (02) 9876 5432 Sydney", "(02) 9876 5432"),
    ],
)
def test_phones_in_other_countries_formats_are_found(text: str, value: str) -> None:
    """UK, DE, FR, ES, MX, BR, IN and AU numbers, national or international, + or 00."""
    assert found(text) == [("PHONE_NUMBER", value)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("call me on +44 20 7946\n0958 thanks", "+44 20 7946\n0958"),
        ("text +1\n305 555 0143", "+1\n305 555 0143"),
        ("Handy: 0171\n2345678", "0171\n2345678"),
    ],
)
def test_a_phone_wrapped_over_two_lines_is_found_whole(text: str, value: str) -> None:
    """A mail client's line wrap does not leave half the number in clear."""
    assert found(text) == [("PHONE_NUMBER", value)]
    assert redact(text).count("<PHONE_NUMBER>") == 1


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("PO 4500012345\n305 555 0143 call me", ["305 555 0143"]),
        ("305 555 0143\n786 555 0199", ["305 555 0143", "786 555 0199"]),
        ("call 305 555 0143\n100 cups 2 cs milk", ["305 555 0143"]),
    ],
)
def test_numbers_on_consecutive_lines_stay_apart(text: str, values: list[str]) -> None:
    """A line break may wrap one number, but two lines' numbers are not glued together."""
    assert found(text) == [("PHONE_NUMBER", v) for v in values]


@pytest.mark.parametrize(
    "text",
    [
        "PLZ 10115 Berlin, 2x12 oz, 3 cs",
        "CEP 01310-100 São Paulo",
        "Bestellnummer 4500123456 bitte",
        "facture 2024001234",
        "delivery 8.30-10.00 tomorrow",
        "15.11.2024 - 6 cartons",
        "3 41 518 27 - 12 cans",
        "12 x 330ml and 6 x 1.5 L",
        "€ 1.249,50 total",
        "NSW 2000 Sydney",
        "nota fiscal 123456, CNPJ 12.345.678/0001-90",
    ],
)
def test_order_numbers_that_look_international_are_not_phones(text: str) -> None:
    """Postcodes, references, times, dates, pack sizes and prices stay as they are."""
    assert found(text) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("IBAN de89 3704 0044 0532 0130 00", "de89 3704 0044 0532 0130 00"),
        ("iban de89370400440532013000 please", "de89370400440532013000"),
        ("IBAN: DE89370400440532013000 THANKS", "DE89370400440532013000"),
        ("fr14 2004 1010 0505 0001 3m02 606", "fr14 2004 1010 0505 0001 3m02 606"),
        ("ES91-2100-0418-4502-0005-1332", "ES91-2100-0418-4502-0005-1332"),
        ("BE68 5390 0754 7034.", "BE68 5390 0754 7034"),
        ("ch93 0076 2011 6238 5295 7", "ch93 0076 2011 6238 5295 7"),
        ("NO93 8601 1117 947 BIC DNBANOKK", "NO93 8601 1117 947"),
        ("BR97 0036 0305 0000 1000 9795 493P 1", "BR97 0036 0305 0000 1000 9795 493P 1"),
        ("IT60 X054 2811 1010 0000 0123 456", "IT60 X054 2811 1010 0000 0123 456"),
    ],
)
def test_ibans_in_any_case_and_spacing_are_found(text: str, value: str) -> None:
    """Lower case, compact, dashed, followed by a shouted word: the whole IBAN."""
    assert found(text) == [("IBAN_CODE", value)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("refund to NL91 ABNA\n0417 1643 00 ok", "NL91 ABNA\n0417 1643 00"),
        ("IBAN DE89 3704 0044\n0532 0130 00", "DE89 3704 0044\n0532 0130 00"),
        ("cuenta es91 2100 0418\n4502 0005 1332", "es91 2100 0418\n4502 0005 1332"),
    ],
)
def test_an_iban_wrapped_over_two_lines_is_one_finding(text: str, value: str) -> None:
    """The wrapped tail is part of the IBAN, not a phone number of its own."""
    assert found(text) == [("IBAN_CODE", value)]


@pytest.mark.parametrize(
    "text",
    ["IBAN DE89 3704 0044 0532 0130 01", "BIC DEUTDEFF", "VAT GB123456789", "de89 cajas 2024"],
)
def test_iban_look_alikes_are_not_ibans(text: str) -> None:
    """A wrong check digit, a BIC, a VAT number: no IBAN."""
    assert found(text) == []


def test_the_log_filter_scrubs_lower_case_and_wrapped_ibans() -> None:
    """The cheap wall for logs catches the IBANs the detector catches."""
    text = "iban de89370400440532013000 and NL91 ABNA\n0417 1643 00"
    assert scrub(text) == "iban <IBAN_CODE> and <IBAN_CODE>"
