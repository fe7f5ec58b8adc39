"""Write the second held-out set `bench/data/pii_heldout2.jsonl`.

Run: .venv/bin/python bench/pii_heldout2.py
The first held-out set was looked at (and the detector fixed) after its blind run; this
one was written after those fixes and scored once, so it is the blind figure now.
"""

from __future__ import annotations

from pathlib import Path

from pii_build import iban, msg, write

OUT = Path(__file__).resolve().parent / "data" / "pii_heldout2.jsonl"


def L(kind: str, value: str) -> tuple[str, str]:
    """A labelled part."""
    return (kind, value)


MESSAGES: list[tuple[object, ...]] = [
    ("sms", "new # ", L("P", "+1.305.555.0190"), " - pls update the account"),
    ("sms", L("P", "305 555-0111"), " (cell) if nobody at the door"),
    ("whatsapp", "tel: ", L("P", "+52-81-8123-4567"), " Monterrey"),
    ("whatsapp", "☎ ", L("P", "786 555 0175")),
    ("whatsapp", "Para Madrid: ", L("P", "(+34) 612 345 678")),
    ("email", "London office ", L("P", "+44 (0)20 7946 0011"), ", ask reception"),
    ("email", "Portable ", L("P", "07 81 23 45 67"), ", livraison le matin"),
    ("sms", "Ph: ", L("P", "612-555-0193"), " (Minneapolis store)"),
    ("whatsapp", "wats ", L("P", "55 3456 7890"), " para dudas del pedido"),
    ("email", "Handy: ", L("P", "0176 12345678")),
    ("sms", "qty 3055 on the invoice is wrong, should be 305"),
    ("sms", "route 1-95 closed, truck will be late"),
    ("email", "Account 0011223344 in our books shows a credit"),
    ("email", "Tax ID 12-3456789 for the W-9"),
    ("sms", "case of 24 / 12 oz cans x 10"),
    ("email", "Send statements to ", L("E", "Ana.Torres@Lacocina.MX")),
    ("email", "cc ", L("E", "bob_smith@sub.domain.co.uk"), "; thanks"),
    ("sms", "orders go to ", L("E", "orders@bistro-42.com"), ";"),
    ("sms", "tag us @mariospizza on instagram for the promo"),
    ("sms", "twitter @harborgrill posted the menu"),
    ("sms", L("C", "5555 5555 5555 4444"), " exp 1/26 for the COD balance"),
    ("whatsapp", "card: ", L("C", "4000 0566 5566 5556")),
    ("email", "Please run ", L("C", "378282246310005"), " for invoice 7781"),
    ("sms", "the last 4 are 4242, same card as always"),
    ("email", "Refund IBAN ", L("I", iban("PL", "109010140000071219812874"))),
    ("email", "Konto: ", L("I", iban("AT", "1904300234573201", sep=" "))),
    ("email", "SWIFT BOFAUS3N, routing 026009593"),
    ("email", "SSN is ", L("S", "432-11-8765"), " (owner, for the credit line)"),
    ("email", "server ", L("IP", "172.31.5.10"), " handles the EDI feed"),
    ("email", "price list rev 3.1.2.0 attached"),
    ("sms", "deliver to ", L("A", "1234 Ocean Dr, Miami Beach, FL 33139")),
    ("sms", "we moved: ", L("A", "300 E 57th St"), ", apt 5B"),
    ("whatsapp", "Lima: ", L("A", "Calle Los Olivos 234"), ", Miraflores"),
    ("whatsapp", "sucursal ", L("A", "Av. Pardo 620"), ", piso 2"),
    ("whatsapp", "Entregar na ", L("A", "Rua da Consolação 2000")),
    ("email", "West coast site: ", L("A", "4400 Sunset Blvd"), ", LA"),
    ("whatsapp", "Entrega na ", L("A", "Praça da Sé 1"), ", centro"),
    ("email", "Barcelona: ", L("A", "Carrer de Mallorca 401")),
    ("email", "Lieferung an ", L("A", "Schönhauser Allee 12"), ", Berlin"),
    ("sms", "Ocean Dr location needs 6 cs, Calle 8 store 2 cs"),
    ("email", "Best,\n", L("N", "Tom"), " & ", L("N", "Lisa")),
    ("sms", "thanks!! -", L("N", "jose")),
    ("sms", L("N", "Luis Fernando"), " will be at the dock at 6"),
    ("sms", "pls let ", L("N", "Carla"), " know the truck is late"),
    ("email", "Saludos cordiales\n\n", L("N", "María José Pérez"), "\nGerente de Compras"),
    ("email", "I'm ", L("N", "Nadia"), ", the new buyer at Olive & Fig"),
    ("email", "cc: ", L("N", "Brian")),
    ("sms", "Manager on duty: ", L("N", "Kim Lee")),
    ("email", "Thanks, Olive & Fig"),
    ("sms", "ask for the Kitchen Manager when you arrive"),
    ("sms", "this is Wednesday's order, same as last week"),
    ("email", "Regards,\nThe Purchasing Team"),
]


def build() -> list[dict[str, object]]:
    """All messages with ids g-001, g-002, ..."""
    return [msg(f"g-{i:03d}", *spec) for i, spec in enumerate(MESSAGES, start=1)]  # type: ignore[arg-type]


if __name__ == "__main__":
    messages = build()
    write(messages, OUT)
    print(f"{len(messages)} messages, "
          f"{sum(len(m['entities']) for m in messages)} entities -> {OUT}")  # type: ignore[arg-type]
