"""Write a labelled corpus of international phones and IBANs, split into tune and held-out.

Run: .venv/bin/python bench/make_pii_intl_corpus.py
Writes bench/data/pii_intl_tune.jsonl and bench/data/pii_intl_heldout.jsonl (seeded, so
the same files every run). Then score a half with
`.venv/bin/orderagent eval-pii bench/data/pii_intl_heldout.jsonl` (PHONE_NUMBER, IBAN_CODE).

Phones: valid numbers (checked with phonenumbers) of GB, DE, FR, ES, MX, BR, IN, AU and US,
written as people write them: national or international, "+" or "00", spaces, dots,
dashes, parentheses, "(0)", run together, or broken over two lines. IBANs: valid check
digits for 15 countries, grouped or not, upper or lower case, broken over lines.
Negatives: quantities, SKUs, prices, dates, times, case counts, postcodes, pack sizes,
references, BICs and VAT ids, alone or next to a real phone or IBAN.
"""

from __future__ import annotations

import random
import string
from pathlib import Path

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType
from pii_build import iban, msg, write

SEED = 1506
DATA = Path(__file__).resolve().parent / "data"
TUNE, HELDOUT = DATA / "pii_intl_tune.jsonl", DATA / "pii_intl_heldout.jsonl"

PHONE_REGIONS = ("GB", "DE", "FR", "ES", "MX", "BR", "IN", "AU", "US")

# A phrase before the number (or none), in the region's languages and in English.
PHONE_CUES = {
    "GB": ["ring me on", "my mobile is", "call the kitchen on", "tel:", "phone", ""],
    "DE": ["Handy:", "Telefon", "Tel.", "erreichbar unter", "ruf mich an unter", ""],
    "FR": ["Portable :", "tél :", "appelez-moi au", "mon numéro :", "joignable au", ""],
    "ES": ["llámame al", "mi móvil es el", "tfno.", "whatsapp", "teléfono:", ""],
    "MX": ["cel.", "márcame al", "mi número es", "whats:", "tel. oficina", ""],
    "BR": ["meu celular", "zap:", "ligue para", "fone", "telefone:", ""],
    "IN": ["mobile no", "call me at", "my number", "ph:", "contact", ""],
    "AU": ["mob", "give us a ring on", "call", "phone:", "text me on", ""],
    "US": ["text me at", "cell", "call", "reach me at", "ph", ""],
}
ORDER_BITS = [
    "2 cs whole milk and 3 bags rice", "10 kg tomatoes, 5 kg onions", "4 cajas de aguacate",
    "12 Flaschen Apfelsaft", "6 cartons d'oeufs", "20 pacotes de arroz", "a case of limes",
    "3 x 5 L olive oil", "1 crate of lettuce", "48 cans of tonic", "2 sacks flour 25 kg",
]
CLOSERS = ["thanks", "cheers", "gracias", "danke", "merci", "obrigado", "thx", "ta", ""]

# Countries, BBAN shapes ("n" digit, "a" upper-case letter, "c" either) for the IBANs.
IBAN_SHAPES = {
    "DE": "n" * 18, "GB": "aaaa" + "n" * 14, "FR": "n" * 10 + "c" * 11 + "nn",
    "ES": "n" * 20, "IT": "a" + "n" * 10 + "c" * 12, "NL": "aaaa" + "n" * 10, "BE": "n" * 12,
    "PT": "n" * 21, "CH": "n" * 5 + "c" * 12, "AT": "n" * 16, "PL": "n" * 24,
    "IE": "aaaa" + "n" * 14, "BR": "n" * 23 + "ac", "SE": "n" * 20, "NO": "n" * 11,
}
IBAN_CUES = [
    "IBAN:", "IBAN", "please refund to", "Kontonummer", "mi cuenta es la", "RIB :",
    "bank details", "pay into", "conta", "refund account", "our new account", "",
]

rng = random.Random(SEED)


def digits(n: int) -> str:
    """n random digits."""
    return "".join(rng.choice(string.digits) for _ in range(n))


def random_phone(region: str) -> phonenumbers.PhoneNumber:
    """A valid number of `region`, mobile or fixed line, from a random national number."""
    kind = rng.choice([PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE])
    example = phonenumbers.example_number_for_type(region, kind)
    nsn = str(example.national_number)
    for keep in (1, 1, 1, 2, 3):
        for _ in range(300):
            candidate = nsn[:keep] + digits(len(nsn) - keep)
            if region == "US":
                candidate = candidate[:3] + "555" + candidate[6:]  # fictional exchange
            number = phonenumbers.parse("+" + str(example.country_code) + candidate)
            if phonenumbers.is_valid_number(number):
                return number
    return example


def write_phone(number: phonenumbers.PhoneNumber, region: str) -> str:
    """The number in one of the ways people type it."""
    intl = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    national = phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    e164 = phonenumbers.format_number(number, PhoneNumberFormat.E164)
    cc = str(number.country_code)
    style = rng.choice([
        "intl", "intl", "national", "national", "e164", "00", "dots", "dashes", "paren0",
        "bare_national", "intl_paren", "split",
    ])
    if style == "intl":
        return intl
    if style == "national":
        return national
    if style == "e164":
        return e164
    if style == "00":
        return "00" + intl[1:]
    if style == "dots":
        return rng.choice([intl, national]).replace(" ", ".").replace("-", ".")
    if style == "dashes":
        return rng.choice([intl, national]).replace(" ", "-")
    if style == "paren0":
        rest = intl[len(cc) + 2 :]
        return f"+{cc} (0){rest}" if region in ("GB", "DE", "FR", "AU") else f"(+{cc}) {rest}"
    if style == "bare_national":
        return "".join(c for c in national if c.isdigit())
    if style == "intl_paren":
        groups = intl.split(" ")
        if len(groups) >= 3:
            return f"{groups[0]} ({groups[1]}) {' '.join(groups[2:])}"
        return intl
    # split: broken over two lines at a space, as a narrow phone screen or email wraps it
    shown = rng.choice([intl, national])
    spaces = [i for i, c in enumerate(shown) if c == " "]
    if not spaces:
        return shown
    cut = rng.choice(spaces[len(spaces) // 2 :])
    return shown[:cut] + "\n" + shown[cut + 1 :]


def random_iban(country: str) -> str:
    """A valid, compact IBAN of `country`."""
    bban = "".join(
        rng.choice(string.digits) if s == "n" else rng.choice(string.ascii_uppercase)
        if s == "a" else rng.choice(string.digits + string.ascii_uppercase)
        for s in IBAN_SHAPES[country]
    )
    return iban(country, bban, sep=None)  # type: ignore[arg-type]


def write_iban(compact: str) -> str:
    """The IBAN grouped or not, upper or lower case, maybe broken over two lines."""
    grouped = " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
    style = rng.choice(["grouped", "grouped", "compact", "lower_grouped", "lower_compact",
                        "split", "lower_split"])
    shown = compact if "compact" in style else grouped
    if "split" in style:
        spaces = [i for i, c in enumerate(shown) if c == " "]
        cut = rng.choice(spaces[1:-1] or spaces)
        shown = shown[:cut] + "\n" + shown[cut + 1 :]
    return shown.lower() if style.startswith("lower") else shown


def look_alike() -> str:
    """A number-bearing phrase that is no phone and no IBAN."""
    kind = rng.choice([
        "qty", "sku", "price", "date", "time", "cases", "zip", "pack", "ref", "bic", "vat",
        "weights", "window", "multi",
    ])
    if kind == "qty":
        return f"{rng.randint(100, 5000)} cups {rng.randint(100, 5000)} lids"
    if kind == "sku":
        sku = f"SKU {rng.choice('ABCDEFGH')}{rng.choice('XYZ')}-{digits(4)}-{digits(2)}"
        return rng.choice([sku, f"art. {digits(6)}", f"item {digits(3)}-{digits(3)}-{digits(3)}"])
    if kind == "price":
        return rng.choice([f"€ {rng.randint(1, 9)}.{digits(3)},{digits(2)}",
                           f"R$ {rng.randint(1, 99)}.{digits(3)},{digits(2)}",
                           f"${rng.randint(1, 9)},{digits(3)}.{digits(2)}",
                           f"£{rng.randint(10, 999)}.{digits(2)}",
                           f"₹ {rng.randint(1, 9)},{digits(2)},{digits(3)}"])
    if kind == "date":
        d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2024, 2027)
        return rng.choice([f"{d:02d}/{m:02d}/{y}", f"{y}-{m:02d}-{d:02d}", f"{d:02d}.{m:02d}.{y}",
                           f"{m}/{d}/{y % 100:02d}", f"{d:02d}-{m:02d}-{y}"])
    if kind == "time":
        h = rng.randint(6, 20)
        return rng.choice([f"{h}:30", f"{h:02d}h30", f"{h:02d}00-{h + 2:02d}00",
                           f"{h}.30-{h + 1}.45", f"{h:02d}:00 - {h + 3:02d}:00"])
    if kind == "cases":
        return rng.choice([f"{rng.randint(2, 40)} cs 6/#10", f"case of 24/{rng.choice([12, 16])}oz",
                           f"{rng.randint(2, 9)} x {rng.randint(6, 24)} x 250 g",
                           f"{rng.randint(2, 12)}x12 oz"])
    if kind == "zip":
        return rng.choice([f"{digits(5)} Madrid", f"CEP {digits(5)}-{digits(3)}",
                           f"PLZ {digits(5)}", f"PIN {rng.randint(1, 8)}{digits(5)}",
                           f"NSW {rng.randint(2000, 2999)}", f"SW1A {rng.randint(1, 9)}AA",
                           f"CP {digits(5)}"])
    if kind == "pack":
        return rng.choice(["2x12 oz", "6 x 1.5 L", "24 ct / 355 ml", "4/5 lb", "12 x 330ml"])
    if kind == "ref":
        return rng.choice([f"PO {digits(10)}", f"pedido {digits(8)}", f"invoice {digits(9)}",
                           f"Bestellnummer {digits(10)}", f"commande n° {digits(9)}",
                           f"nota fiscal {digits(6)}", f"order # {digits(7)}"])
    if kind == "bic":
        return rng.choice(["BIC DEUTDEFF", "SWIFT BBVAESMM", "BIC BNPAFRPP", "swift code NWBKGB2L"])
    if kind == "vat":
        return rng.choice([f"VAT GB{digits(9)}", f"USt-IdNr. DE{digits(9)}", f"NIF B{digits(8)}",
                           f"CNPJ {digits(2)}.{digits(3)}.{digits(3)}/0001-{digits(2)}",
                           f"GSTIN {digits(2)}ABCDE{digits(4)}F1Z5"])
    if kind == "weights":
        return f"{rng.randint(1, 9)}.{digits(2)} kg {rng.randint(1, 9)}.{digits(2)} kg"
    if kind == "window":
        return f"delivery window {rng.randint(6, 9):02d}00-{rng.randint(10, 12)}00"
    a, b, c, d = rng.randint(2, 9), rng.randint(10, 99), rng.randint(100, 999), rng.randint(10, 99)
    return f"{a} {b} {c} {d}"


def phone_message(ident: str) -> dict[str, object]:
    """An order line, a cue and a phone; sometimes a look-alike too."""
    region = rng.choice(PHONE_REGIONS)
    shown = write_phone(random_phone(region), region)
    cue = rng.choice(PHONE_CUES[region])
    head = f"{rng.choice(ORDER_BITS)}. " if rng.random() < 0.7 else ""
    tail = f", {look_alike()}" if rng.random() < 0.4 else ""
    closer = rng.choice(CLOSERS)
    parts: list[object] = [head + (f"{cue} " if cue else ""), ("P", shown),
                           f"{tail} {closer}".rstrip()]
    if rng.random() < 0.3:
        parts = [f"{look_alike()} - ", *parts]
    return msg(ident, rng.choice(["sms", "whatsapp", "email"]), *parts)  # type: ignore[arg-type]


def iban_message(ident: str) -> dict[str, object]:
    """A refund or payment line with an IBAN; sometimes a BIC or a look-alike."""
    shown = write_iban(random_iban(rng.choice(list(IBAN_SHAPES))))
    cue = rng.choice(IBAN_CUES)
    head = rng.choice(["", "Refund for the damaged crates. ", "Nueva cuenta para pagos: ",
                       "For the credit note: "])
    tail = rng.choice(["", " BIC DEUTDEFF", " thanks", f", {look_alike()}", " (company account)"])
    return msg(ident, "email", head + (f"{cue} " if cue else ""), ("I", shown), tail)


def negative_message(ident: str) -> dict[str, object]:
    """An order with look-alikes only."""
    bits = [rng.choice(ORDER_BITS), look_alike()]
    if rng.random() < 0.6:
        bits.append(look_alike())
    rng.shuffle(bits)
    return msg(ident, rng.choice(["sms", "whatsapp", "email"]), ", ".join(bits))


def main() -> None:
    """Generate 600 messages, shuffle, and write the two halves."""
    makers = [(phone_message, 300), (iban_message, 150), (negative_message, 150)]
    messages = [make(f"intl-{m.__name__[0]}{k:03d}") for m, n in makers
                for k in range(n) for make in [m]]
    rng.shuffle(messages)
    half = len(messages) // 2
    write(messages[:half], TUNE)
    write(messages[half:], HELDOUT)
    print(f"wrote {half} messages to {TUNE.name} and {len(messages) - half} to {HELDOUT.name}")


if __name__ == "__main__":
    main()
