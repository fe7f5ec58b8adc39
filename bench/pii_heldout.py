"""Write the held-out set `bench/data/pii_heldout.jsonl`, written after tuning stopped.

Run: .venv/bin/python bench/pii_heldout.py
New wording, names, numbers and some formats the tuning corpus never had; the detector
was not changed after this file was written, so its figures here are the honest ones.
"""

from __future__ import annotations

from pathlib import Path

from pii_build import group, iban, luhn_complete, msg, write

OUT = Path(__file__).resolve().parent / "data" / "pii_heldout.jsonl"


def L(kind: str, value: str) -> tuple[str, str]:
    """A labelled part."""
    return (kind, value)


CARD_A = group(luhn_complete("491633850608283"))
CARD_B = group(luhn_complete("542523343010990"))
CARD_C = luhn_complete("400001234567890")
CARD_D = group(luhn_complete("601100099013942"), sep="-")
AMEX = luhn_complete("37873449367100")
LOOKALIKE_16 = "4000123412341234"  # an order number that happens to pass Luhn

MESSAGES: list[tuple[object, ...]] = [
    # phones
    ("sms", "hey it's ", L("N", "Marcus"), " w/ Blue Fin Sushi. reach me ", L("P", "404-555-0178"),
     " anytime"),
    ("whatsapp", "Tel. ", L("P", "(55) 5555-1234"), " ext. 102, preguntar por compras"),
    ("email", "Our GM's direct line is ", L("P", "+1 617 555 0122"), "."),
    ("whatsapp", "WA ", L("P", "+34 699 123 456"), " para confirmar la entrega del viernes"),
    ("whatsapp", "cel ", L("P", "315 678 9012"), " - 6 canastas de huevo"),
    ("email", "Sydney kitchen: ", L("P", "+61 2 9876 5432"), ", deliveries via the lane"),
    ("sms", "mobile: ", L("P", "07400 123456"), " - James at the Camden site"),
    ("whatsapp", "Fone: ", L("P", "(21) 99876-5432"), " qualquer coisa"),
    ("sms", "ring ", L("P", "0207 946 0321"), " before 8am"),
    ("whatsapp", "llamar al ", L("P", "5544332211"), " cuando lleguen"),
    ("email", "Ufficio: ", L("P", "0039 02 1234 5678"), ", consegna entro le 10"),
    ("whatsapp", "Tlf: ", L("P", "91 555 44 33"), " (oficina)"),
    ("sms", "phone ", L("P", "212.555.0147"), " x3 for receiving"),
    ("sms", "text me at ", L("P", "1 (954) 555 0133"), " pls"),
    ("sms", "my cell ", L("P", "(786)555-0145"), " thx"),
    ("whatsapp", "Buenas tardes, favor de comunicarse al ", L("P", "33 3615 2200"),
     " con el encargado"),
    # phone look-alikes
    ("email", "PO #4500077771 and #4500077772 can go on one truck"),
    ("sms", "order 3055550143 is for the Doral store"),
    ("sms", "confirmation code 6125558899"),
    ("email", "Invoice 8095550123 was paid on 10/02"),
    ("sms", "delivery window 0800-1000 tomorrow"),
    ("sms", "need 1000 cups 2000 lids 3000 straws"),
    ("email", "ASN 8472019384 attached for the Friday load"),
    ("sms", "lot number 2291038475 on the recalled spinach?"),
    ("whatsapp", "folio 2024-118-5521, pedido de la semana"),
    ("sms", "bag weights 2.27 kg 4.54 kg 9.07 kg"),
    # emails
    ("sms", "send quotes to ", L("E", "orders.bluefin@gmail.com")),
    ("whatsapp", "correo de la chef: ", L("E", "chef-ana@restaurantesol.com.mx")),
    ("email", "AP mailroom is ", L("E", "accounts+ap@bigbellybbq.com"), " going forward"),
    ("email", "Mail: ", L("E", "KITCHEN@THEGREENFORK.CA")),
    ("sms", "email is ", L("E", "mike at gmail dot com"), " if the link fails"),
    ("email", "Reply-To: ", L("N", "Dana Whitaker"), " <", L("E", "dana.w@harvestmoon.coop"), ">"),
    # cards
    ("sms", "visa ", L("C", CARD_A), " exp 09/27 cvv to follow"),
    ("email", "Charge the deposit on MC ", L("C", CARD_B), "."),
    ("whatsapp", "tarjeta ", L("C", CARD_C), " a mi nombre"),
    ("sms", "card no. ", L("C", AMEX), " thanks"),
    ("email", "Discover ", L("C", CARD_D), " exp 1/28"),
    ("sms", L("C", "4111-1111-1111-1111"), " exp 0925"),
    ("sms", "use the same card as before but the new one ends 4242"),
    ("email", f"Order {LOOKALIKE_16} still shows unpaid"),
    # IBANs
    ("email", "IBAN: ", L("I", iban("NL", "ABNA0123456789", sep=None))),
    ("email", "Refund to ", L("I", iban("DE", "512108001245126199")), " please"),
    ("whatsapp", "cuenta ", L("I", iban("ES", "20770024003102575766")), " (Caixa)"),
    ("email", "Virement sur ", L("I", iban("FR", "30006000011234567890189")), " merci"),
    ("email", "GB account ", L("I", iban("GB", "BUKB20201555555555", sep=None))),
    ("email", "iban ", L("I", iban("IT", "X0542811101000000123456").lower()), " grazie"),
    ("email", "BIC COBADEFFXXX, account holder Brauhaus Schmidt GmbH"),
    # SSNs
    ("email", "Guarantor SSN: ", L("S", "287-65-4321")),
    ("sms", "ss# ", L("S", "345 67 8901"), " for the credit form"),
    ("email", "part 100-44-3271 of the slicer is broken"),
    # IPs
    ("email", "printer at ", L("IP", "192.168.10.254"), " won't print the pick list"),
    ("email", "VPN gateway ", L("IP", "10.20.30.40")),
    ("email", "device link-local ", L("IP", "fe80::1ff:fe23:4567:890a")),
    ("email", "see section 1.2.3.4 of the supply contract"),
    ("sms", "walk-in at 38.5F, freezer -2.1F"),
    # addresses
    ("sms", "deliver: ", L("A", "2250 NW 7th Ave, Miami, FL 33127")),
    ("sms", "we're at ", L("A", "14 Elm Street, Apt 2"), " now"),
    ("email", "Ship to ", L("A", "901 S Congress Ave, Austin TX 78704"), ", dock B"),
    ("sms", "drop at ", L("A", "5 Harbor Way"), " by noon"),
    ("whatsapp", "sucursal ", L("A", "Av. Chapultepec 480, Col. Roma Norte"), ", CDMX"),
    ("whatsapp", "entregar en ", L("A", "Cra. 15 #93-47"), ", Bogotá"),
    ("email", "Dirección de entrega: ", L("A", "Calle de Serrano 41, 4ºD"), ", Madrid"),
    ("sms", "Rua nova: ", L("A", "Rua Oscar Freire 900"), ", Jardins"),
    ("sms", "remit to ", L("A", "P.O. Box 9021"), ", Tampa"),
    ("sms", "ship to ", L("A", "77 Mass Ave"), ", building 7"),
    ("whatsapp", "Tijuana: ", L("A", "Blvd. Agua Caliente 4558"), ", local 12"),
    ("sms", "Main St store needs 5 cs, the airport store 3"),
    ("sms", "3 cases 1st quality tomatoes and 2 cs 2nd"),
    ("sms", "the 42 bus stop is in front, driver can't miss it"),
    # names
    ("sms", "12 cs romaine. -", L("N", "Sam")),
    ("email", "Cheers\n", L("N", "Georgia")),
    ("sms", "thank u ", L("N", "Jenny"), "!!"),
    ("whatsapp", "talk soon, ", L("N", "Raj")),
    ("email", "Atentamente,\nLic. ", L("N", "Fernando Ibarra")),
    ("sms", "pls have ", L("N", "Andrea"), " sign the invoice"),
    ("sms", "my son ", L("N", "Kevin"), " will receive today"),
    ("email", "c/o ", L("N", "Peter Novak"), ", Receiving"),
    ("sms", "ask for chef ", L("N", "Luca")),
    ("email", "ATTN: Accounts Payable / ", L("N", "Maria Lopez")),
    ("sms", L("N", "Greg"), " from the produce team said it's fine"),
    ("email", "Contact person: ", L("N", "Hiroshi Tanaka")),
    ("whatsapp", "Buenas tardes, les saluda ", L("N", "Patricia Gómez"), " del Hotel Mirador"),
    # name look-alikes
    ("sms", "Thanks Team!"),
    ("sms", "can i ask for a receipt this time"),
    ("sms", "deliver to Receiving, not the bar"),
    ("email", "Best Regards,\nSunrise Bakery"),
    ("sms", "call the Pepsi rep about the cooler"),
    ("sms", "2 cs Ben & Jerry's, 4 cs Uncle Ben's rice"),
    ("sms", "Sweet Baby Ray's bbq x6"),
    ("whatsapp", "Saludos, La Cocina de Doña Ana"),
    ("sms", "this is Important: the walk-in is down"),
]


def build() -> list[dict[str, object]]:
    """All held-out messages with ids h-001, h-002, ..."""
    return [msg(f"h-{i:03d}", *spec) for i, spec in enumerate(MESSAGES, start=1)]  # type: ignore[arg-type]


if __name__ == "__main__":
    messages = build()
    write(messages, OUT)
    print(f"{len(messages)} messages, "
          f"{sum(len(m['entities']) for m in messages)} entities -> {OUT}")  # type: ignore[arg-type]
