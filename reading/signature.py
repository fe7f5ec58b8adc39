"""Signature and contact blocks at the end of a message, recognised by layout and shape.

A block is the run of short lines after the last order line: a sign-off, a name, a job
title, a company, an address, a phone, an email, a URL, a device footer or a legal
disclaimer. Lines are judged by their shape (capitalised words, digits laid out as a phone
or a street address, an "@"), never by knowing people's names.
"""

from __future__ import annotations

import re

from reading.lexicon import fold, load, words

_LEX = load("signoffs.json")
_SIGN_OFFS = sorted({fold(s) for forms in _LEX["sign_offs"].values() for s in forms},
                    key=len, reverse=True)
_SIGN_OFF = re.compile(
    r"^(?:" + "|".join(re.escape(s) for s in _SIGN_OFFS) + r")\b[\s,.!🙏-]*"
    r"(?:[^\W\d_][\w.'-]*(?:\s+[^\W\d_][\w.'-]*){0,2})?[\s,.!]*$", re.I)
_TITLES = words(_LEX["titles"])
_PHONE = re.compile(r"(?:\+?\d{1,2}[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}\b")
# Bounded repeats: a pasted 20,000-character "word" must not backtrack quadratically.
_EMAIL = re.compile(r"[^\s@]{1,64}@[^\s@]{1,64}\.\w+")
_URL = re.compile(r"\bhttps?://|\bwww\.|(?<![\w.-])[\w.-]{1,64}\.(?:com|net|org|example|co|mx|es)\b",
                  re.I)
_STREET = (r"St|Street|Ave|Avenue|Blvd|Boulevard|Dr|Drive|Rd|Road|Hwy|Highway|Ln|Lane|Way"
           r"|Pkwy|Parkway|Ct|Court|Pl|Place|Trl|Trail|Expy|Expressway|Suite|Ste|Fwy|Cir"
           r"|Calle|Avenida|Av|Col|Colonia|Rua|Via|Rue")
# Capitalised on purpose: "4 cs avocados 48 ct" is an order line, "12 Elm Ct" an address.
_ADDRESS = re.compile(
    rf"^\d+[A-Za-z-]?\s+(?:[NSEW]{{1,2}}\.?\s+)?(?:(?:\d+(?:st|nd|rd|th)|[A-Z][\w.']*)\s+){{0,4}}"
    rf"(?:{_STREET})\b|\b[A-Z]{{2}},?\s+\d{{5}}(?:-\d{{4}})?\b|\bP\.?O\.? Box\b")
_DEVICE = re.compile(r"^(?:-{2,}|_{3,})\s*$|^(?:sent from my|sent via|get outlook for"
                     r"|enviado desde mi|enviado con|obtener outlook|envoyé de mon|inviato da)\b",
                     re.I)
_DISCLAIMER = re.compile(r"confidential|intended recipient|privileged|this e-?mail and any"
                         r"|aviso de confidencialidad|confidencial|unsubscribe", re.I)
_NAME_TOKEN = re.compile(r"^(?:[A-ZÁÉÍÓÚÑÜ][\w.'’&-]*|de|del|la|las|los|y|e|and|of|the|da|do|dos"
                         r"|di|van|von|&|\||[-–—,/]|#\d+|\d+(?:st|nd|rd|th)?)[,]?$")
_COUNTED_CODE = re.compile(r"^\d+(?:[.,]\d+)?\s*[^\W\d_]{1,6}\.?\s+[^\W\d_]*\d[\w-]{3,}\b")
_ORDER_SHAPE = re.compile(r"\d+\s*(?:x\b|cs\b|cases?\b|bags?\b|lbs?\b|#)|\bx\s?\d+\s*$", re.I)


def is_sign_off_line(line: str) -> bool:
    """True for a closing formula, alone or with a name: "Thanks,", "Saludos, Ana", "Grazie"."""
    return bool(_SIGN_OFF.match(fold(line.strip())))


def _strong(line: str) -> bool:
    """A line only a signature has: phone, email, URL, address, device footer, disclaimer."""
    if _DEVICE.match(line) or _DISCLAIMER.search(line) or is_sign_off_line(line):
        return True
    if _EMAIL.search(line) or _URL.search(line):
        return len(line.split()) <= 8
    if _PHONE.search(line):
        return len(re.findall(r"[^\W\d_]{3,}", line)) <= 6
    # "6 CS 11002 MOZZ": a count and a unit before an item number is no state and ZIP code
    return bool(_ADDRESS.search(line)) and len(line) <= 90 and not _COUNTED_CODE.match(line)


def _name_like(line: str) -> bool:
    """A short line of capitalised words: a name, a job title or a company."""
    toks = line.replace(",", " , ").replace("|", " | ").split()
    if not 1 <= len(toks) <= 8 or line.rstrip().endswith((".", ":", "?")):
        return False
    if _ORDER_SHAPE.search(line):
        return False
    if all(_NAME_TOKEN.match(t) for t in toks):
        return any(t[:1].isupper() for t in toks)
    # "Owner, arepa kitchen" is rare; a title word in lower case still marks a title line
    return len(toks) <= 4 and bool({fold(t.strip(",")) for t in toks} & _TITLES)


def strip_contact_block(text: str) -> str:
    """Drop a trailing signature or contact block, judged by the shape of its lines."""
    lines = text.split("\n")
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    start, strong, weak = end, 0, 0
    i = end - 1
    while i >= 0:
        line = lines[i].strip()
        if not line:
            above = next((ln.strip() for ln in reversed(lines[:i]) if ln.strip()), "")
            # Across a blank line the block goes on only to a sign-off or another
            # signature-only line; an order line above a blank ends it.
            if above and (_strong(above) or (_name_like(above) and strong)):
                i -= 1
                continue
            break
        if _strong(line):
            strong += 1
        elif _name_like(line):
            weak += 1
        else:
            break
        start = i
        i -= 1
    if start == end:
        return text
    before = "\n".join(lines[:start]).rstrip()
    if not before:
        return text  # the whole message looks like a signature: leave it for the reader
    after_break = start > 0 and (not lines[start - 1].strip()
                                 or before.endswith((".", "!", "?", ",")))
    if strong or (after_break and weak <= 4):
        return before
    return text
