"""Context words around a candidate: what tells a phone number from a PO number.

The no-op NLP engine gives presidio no tokens, so its own context enhancer sees nothing;
these helpers look at the raw characters around a span instead.
"""

from __future__ import annotations

import re


def _wordset(words: str) -> frozenset[str]:
    """A set from whitespace-separated words (easier to read and edit than a list literal)."""
    return frozenset(words.split())


_WORD = re.compile(r"[#№]|(?:[^\W\d_]\.){2,}|[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)

# Words that, just before a number, say it is a reference or a postcode, not PII.
REFERENCE_WORDS = _wordset(
    """
    po p.o pos purchase order orders ord pedido pedidos orden ordenes invoice invoices inv
    factura facturas fact ref reference referencia conf confirmation confirmación
    confirmacion ticket case tracking track guia guía envio envío shipment awb lot lote
    batch sku item items articulo artículo upc ean gtin barcode plu model modelo serial
    acct account cuenta customer cliente cust id folio remito albaran albarán
    rma quote cotizacion cotización presupuesto contract contrato route ruta truck camion
    camión store tienda dept bol pro claim reclamo voucher cupon cupón code codigo código
    part parte pieza asn window ventana bestellnummer bestellung bestell rechnung
    rechnungsnummer auftrag auftragsnummer lieferschein kundennummer artikel commande
    facture référence devis encomenda fatura nota fiscal nf fattura ordine cep
    plz zip postcode postal cp cnpj cpf nif vat ust gstin siret siren rfc cuit
    """
)

PHONE_WORDS = _wordset(
    """
    call calling called phone ph tel telephone cell cel cellphone mobile mob text txt sms
    whatsapp wa whats wapp fax reach contact callback llamar llama llamame
    llámame llamen marcar marca teléfono telefono tlf tfno tfn celular móvil movil
    contacto fijo oficina office portable handy telefone ligue ligar zap joignable
    appelez appeler appelle rappeler tél erreichbar erreichen anrufen ruf rufen mobil
    telefon telefonnummer handynummer mobilnummer ring rung telemóvel telemovel fone
    """
)

# "number", "no." and "#" take their meaning from the word before them: "order number"
# is a reference, "cell #" a phone. Alone, "number" leans to a phone and "no." to a
# reference; a free-standing "#" says nothing ("new # +1 305 ...", "# 4500012345"), and
# one glued to the digits never reaches here (the candidate patterns refuse "#4500...").
_WEAK = {"number": "pos", "número": "pos", "numero": "pos", "numéro": "pos", "nummer": "pos",
         "num": "neg", "no": "neg", "nº": "neg", "nro": "neg", "№": "neg"}

SSN_WORDS = _wordset("ssn ss social security seguro itin tin")

# "version 2.3.1.4" is shaped like an IP address.
VERSION_WORDS = _wordset(
    "version ver v build release firmware versión versao versão section sección clause article"
)

# A sentence end needs two letters before the stop, so "P.O. 4500012345" stays one context.
# "Tel." and its kin end no sentence: they are the cue itself.
_CUT = re.compile(
    r"[\n;]|(?<=[^\W\d_]{2})(?<!(?i:tel))(?<!(?i:cel))(?<!(?i:mob))(?<!(?i:tfno))"
    r"(?<!(?i:tlf))(?<!(?i:ph))[.!?](?:\s|$)"
)


def words_before(text: str, start: int, n: int = 3, window: int = 40) -> list[str]:
    """The last `n` words before `start` (nearest last), lower-cased, in a short window."""
    chunk = text[max(0, start - window) : start]
    # A line break or a sentence end cuts the context: the words before it speak of
    # something else ("... PO 123.\nCall me at ...").
    chunk = _CUT.split(chunk)[-1]
    return [w.lower() for w in _WORD.findall(chunk)][-n:]


def words_after(text: str, end: int, n: int = 2, window: int = 25) -> list[str]:
    """The first `n` words after `end`, lower-cased."""
    chunk = re.split(r"[\n;]", text[end : end + window])[0]
    return [w.lower() for w in _WORD.findall(chunk)][:n]


def nearest_cue(words: list[str], positive: frozenset[str]) -> str | None:
    """'pos' or 'neg' for the keyword nearest the span, None when neither is there."""
    weak: str | None = None
    for distance, word in enumerate(reversed(words)):
        bare = word.rstrip(".")
        if bare in positive:
            return "pos"
        if bare in REFERENCE_WORDS:
            return "neg"
        # Alone, a weak word counts only right before the number: "my # is 305..." is a phone.
        if bare in _WEAK and distance == 0:
            weak = _WEAK[bare]
    return weak

