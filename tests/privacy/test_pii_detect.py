"""The detector: what it finds in customer messages and what it leaves alone."""

from __future__ import annotations

import pytest

from privacy.detect import PIIDetector, detect, get_detector
from privacy.findings import Finding, PIIType


def found(text: str) -> list[tuple[str, str]]:
    """(type, value) of each finding, in text order."""
    return [(f.type.value, f.value) for f in detect(text)]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2 cs whole milk, call me at (305) 555-0143 thx", "(305) 555-0143"),
        ("my cell is 786-555-0199", "786-555-0199"),
        ("text 3055550162 when the truck leaves", "3055550162"),
        ("questions call +1 305 555 0188", "+1 305 555 0188"),
        ("Llámame al 55 1234 5678", "55 1234 5678"),
        ("mi whats es +52 1 33 1234 5678", "+52 1 33 1234 5678"),
        ("Mi móvil 612 34 56 78", "612 34 56 78"),
        ("Contact 020 7946 0958 for access", "020 7946 0958"),
        ("Telefon 030 12345678", "030 12345678"),
        ("Mon portable: 06 12 34 56 78", "06 12 34 56 78"),
        ("Meu zap (11) 98765-4321", "(11) 98765-4321"),
        ("Cel 301 234 5678", "301 234 5678"),
        ("My number 98765 43210", "98765 43210"),
        ("Lima: +51 987 654 321 - 5 cajas", "+51 987 654 321"),
        ("call me at 555-0143 when close", "555-0143"),
        ("new # +1.305.555.0190 - pls update", "+1.305.555.0190"),
        ("call 305-555-0143/305-555-0144", "305-555-0143"),
    ],
)
def test_phone_numbers_in_several_countries_formats_are_found(text: str, value: str) -> None:
    """Phones in the served regions' national formats and in international format."""
    assert found(text)[0] == ("PHONE_NUMBER", value)
    assert {kind for kind, _ in found(text)} == {"PHONE_NUMBER"}


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("email me the list: linda.gomez@gmail.com", "EMAIL_ADDRESS", "linda.gomez@gmail.com"),
        ("correo facturas@elfaro.es, gracias", "EMAIL_ADDRESS", "facturas@elfaro.es"),
        ("put it on my card 4242 4242 4242 4242 exp 12/27", "CREDIT_CARD", "4242 4242 4242 4242"),
        ("amex 3782 822463 10005", "CREDIT_CARD", "3782 822463 10005"),
        ("mastercard 2223-0031-2200-3222", "CREDIT_CARD", "2223-0031-2200-3222"),
        ("Diners 3056 930902 5904", "CREDIT_CARD", "3056 930902 5904"),
        ("refund IBAN DE89 3704 0044 0532 0130 00.", "IBAN_CODE", "DE89 3704 0044 0532 0130 00"),
        ("iban gb82 west 1234 5698 7654 32", "IBAN_CODE", "gb82 west 1234 5698 7654 32"),
        ("owner SSN 536-22-8741 for the credit app", "US_SSN", "536-22-8741"),
        ("ssn 536228741", "US_SSN", "536228741"),
        ("the tablet is at 192.168.1.20", "IP_ADDRESS", "192.168.1.20"),
        ("deliver to 1200 Brickell Ave Suite 300, Miami FL 33131 pls", "STREET_ADDRESS",
         "1200 Brickell Ave Suite 300, Miami FL 33131"),
        ("entregar en Calle 5 #12-34, Bogotá", "STREET_ADDRESS", "Calle 5 #12-34"),
        ("Dirección: Av. Insurgentes Sur 1602", "STREET_ADDRESS", "Av. Insurgentes Sur 1602"),
        ("mail it to PO Box 1234", "STREET_ADDRESS", "PO Box 1234"),
    ],
)
def test_each_type_is_found_with_its_exact_span(text: str, kind: str, value: str) -> None:
    """One finding of the right type whose span is exactly the PII."""
    assert found(text) == [(kind, value)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("2 cs milk -- Linda", "Linda"),
        ("Thanks, Mike", "Mike"),
        ("Saludos, Carlos Méndez", "Carlos Méndez"),
        ("ask for maria at the back door", "maria"),
        ("deliver to John at the side door", "John"),
        ("this is Tom from Harbor Grill", "Tom"),
        ("Regards,\nMichael O'Brien\nThe Dubliner Pub", "Michael O'Brien"),
        ("pregunta por doña Carmen en la entrada", "Carmen"),
        ("Hola, soy Daniela de Café Luna", "Daniela"),
        ("my wife Ana will pick up", "Ana"),
    ],
)
def test_names_pointed_at_by_a_cue_are_found(text: str, name: str) -> None:
    """Signatures, "ask for", delivery instructions and introductions give the name."""
    assert ("PERSON", name) in found(text)


@pytest.mark.parametrize(
    "text",
    [
        "PO 4500012345 for order #10293, 3 cs DY-1001 at $27.50",
        "add 4 cs CH-2003 and 2 DY-1001-HG to order 10294",
        "order number 2024111500123 still pending?",
        "PO: 4500012345 / 4500012346",
        "Invoice INV-2024-00123 shows $1,249.00 but we agreed $1,149.00",
        "total $1.249.000 pesos, pedido 5567",
        "deliver 11/15 at 10:30, 16oz cups x 500",
        "can we move delivery to 2024-11-20 between 10:00-12:00",
        "#10 can tomatoes x 6, 2 cs 16oz deli cups",
        "zip is 33131 for the delivery fee?",
        "tracking 1Z999AA10123456784 says delivered",
        "USPS 9400 1000 0000 0000 0000 00 hasn't moved",
        "FedEx tracking 7749 1234 5678",
        "delivery window 0800-1000 tomorrow",
        "UPC 012345678905 is scanning wrong",
        "el pedido 3001234567 llegó incompleto",
        "pedido 55 1234 5678 no ha llegado",
        "ref no 3055550143 from last week",
        "order 4111111111111112 sorry wrong paste",
        "version 2.3.1.4 of the app crashes",
        "24 ct straws, 3 cs 12oz lids, 5 cases Dr Pepper",
        "get 10 of those in the way",
        "para la sucursal Plaza Norte 2 cajas más",
        "Thanks again!",
        "this is Harbor Grill, 2 more cs lemons",
        "Deliver to Mario's Pizzeria at 5pm",
        "call Sysco about the truck",
        "2 cs Jose Cuervo gold",
        "orders@harbor please (no domain)",
    ],
)
def test_look_alikes_are_not_pii(text: str) -> None:
    """SKUs, order/PO/invoice/tracking numbers, prices, dates, quantities, zips, businesses."""
    assert found(text) == []


def test_a_luhn_valid_number_after_order_is_still_a_card() -> None:
    """No reference exception: a card pasted after "order #" or "item" is masked too."""
    assert found("order # 4111111111111111") == [("CREDIT_CARD", "4111111111111111")]
    assert found("item 4242424242424242 scanned wrong") == [("CREDIT_CARD", "4242424242424242")]
    assert found("order 4111111111111112 sorry wrong paste") == []  # fails Luhn


def test_an_iban_is_one_finding_not_also_a_card_or_phone() -> None:
    """Overlaps resolve to the most specific, best-scored finding."""
    text = "Cuenta para el reembolso: ES35 0182 1234 5612 3456 7890 titular Luis Navarro"
    assert found(text) == [
        ("IBAN_CODE", "ES35 0182 1234 5612 3456 7890"),
        ("PERSON", "Luis Navarro"),
    ]


def test_findings_carry_offsets_score_and_recognizer() -> None:
    """Each finding says where it is, how sure we are and who found it."""
    text = "call (305) 555-0143 or mike@gmail.com"
    phone, email = detect(text)
    assert phone == Finding(PIIType.PHONE_NUMBER, 5, 19, "(305) 555-0143", phone.score,
                            "PhoneNumberRecognizer")
    assert text[email.start : email.end] == email.value == "mike@gmail.com"
    assert 0.4 <= phone.score <= 1.0 and email.recognizer == "EmailRecognizer"


def test_a_finding_does_not_show_its_value_in_logs() -> None:
    """repr() of a finding (as in a log line or traceback) leaves the PII out."""
    (finding,) = detect("card 4242 4242 4242 4242")
    assert "4242" not in repr(finding) and "CREDIT_CARD" in repr(finding)


def test_a_higher_threshold_keeps_only_surer_findings() -> None:
    """An unformatted national number without context scores under 0.9; a card does not."""
    strict = PIIDetector(threshold=0.9)
    text = "new number 3055550177 and card 4242424242424242"
    assert [f.type for f in strict.detect(text)] == [PIIType.CREDIT_CARD]
    assert len(detect(text)) == 2


def test_the_shared_detector_is_built_once() -> None:
    """get_detector() returns the same (expensive) detector every time."""
    assert get_detector() is get_detector()


def test_blank_text_has_no_findings() -> None:
    """Empty and whitespace-only messages are fine."""
    assert detect("") == [] and detect("  \n") == []
