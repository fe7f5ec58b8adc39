"""Tables in a message: a header row names the columns, and each row below it is one line.

Customers paste orders as markdown or pipe tables ("| Item | Pack | Qty |"), or as
columns lined up with spaces ("Item #   Description   Qty"). Which cell is the count is
said by the header, never guessed from the numbers: a "Pack" cell of "150/cs" is no
quantity. Each row becomes a plain order line ("20 cs jasmine rice") before
the rest of the reading sees the text, since lining up columns is lost once spaces are
tidied.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reading.lexicon import fold, load

_ROLES = {fold(word): role for role, words in load("table_headers.json").items()
          if not role.startswith("_") for word in words}
_SEPARATOR_ROW = re.compile(r"^\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_GAP = re.compile(r"\t+| {2,}")
# "6", "2.5", "1/2", "3 cs", "4 bundles": a count, maybe with its unit.
_COUNT = re.compile(r"^(?:\d+(?:[.,]\d+)?|\d+/\d+)(?:\s*[^\W\d_][\w.]{0,12})?$")
# A cell of one token with a digit in it ("21002", "22003-LS"): an item number, not a name.
_CODE = re.compile(r"^(?=[^\s]*\d)[\w#./-]+$")
_MAX_COLUMNS = 8


@dataclass(frozen=True, slots=True)
class _Header:
    """The roles of a table's columns, how its rows are cut, and where each column starts."""

    roles: tuple[str, ...]
    piped: bool
    starts: tuple[int, ...]


def _cells(line: str, piped: bool) -> list[tuple[int, str]]:
    """The cells of a row, each with the column it starts at."""
    if piped:
        inner = line.strip()
        inner = inner[1:] if inner.startswith("|") else inner
        inner = inner[:-1] if inner.endswith("|") else inner
        return [(0, cell.strip()) for cell in inner.split("|")]
    cells, pos = [], 0
    for part in _GAP.split(line.rstrip()):
        start = line.index(part, pos) if part else pos
        pos = start + len(part)
        if part.strip():
            cells.append((start, part.strip()))
    return cells


def _role(cell: str) -> str | None:
    """The role a header cell names ("Qty" -> qty, "Item #" -> code), or None."""
    key = fold(re.sub(r"[\s.:]+$", "", cell.strip()))
    return _ROLES.get(key) or _ROLES.get(re.sub(r"\s*(?:#|no\.?|number)$", " #", key))


def _header(line: str) -> _Header | None:
    """The header a line is, when its cells name a count column and a product column."""
    piped = "|" in line
    cells = _cells(line, piped)
    if not 2 <= len(cells) <= _MAX_COLUMNS:
        return None
    roles = tuple(_role(cell) or "other" for _, cell in cells)
    known = [r for r in roles if r != "other"]
    if "qty" not in roles or not {"name", "code", "item"} & set(roles) \
            or len(known) < len(roles) - 1 or len(known) != len(set(known)):
        return None
    return _Header(roles, piped, tuple(start for start, _ in cells))


def _columns(header: _Header, row: str) -> dict[str, str] | None:
    """A row's cells by role, or None when the row does not fit the header."""
    cells = _cells(row, header.piped)
    if header.piped:
        if len(cells) != len(header.roles):
            return None
        return {role: cell for role, (_, cell) in zip(header.roles, cells, strict=True)}
    if not 2 <= len(cells) <= len(header.roles):
        return None
    out: dict[str, str] = {}
    for start, cell in cells:
        # a value sits under the header cell nearest to where it starts
        col = min(range(len(header.starts)), key=lambda i: abs(header.starts[i] - start))
        role = header.roles[col]
        out[role] = f"{out[role]} {cell}" if role in out else cell
    return out


def _line(cols: dict[str, str], item_is_code: bool) -> str | None:
    """One row as an order line: count, unit, item code, product name (a pack cell such as
    "150/cs" would be read as a count of its own, and the name finds the product without it)."""
    qty = cols.get("qty", "").strip()
    note = ""
    if qty and not _COUNT.match(qty):
        qty, note = "", qty  # "TBD", "as needed": said after the product, as written
    name = cols.get("name", "")
    item = cols.get("item", "")
    if item and not item_is_code:
        name = f"{item} {name}".strip()
    code = cols.get("code", "") or (item if item_is_code else "")
    # "Beans, pinto, dry": the commas of one cell are no list of products
    name = re.sub(r"\s*,\s*", " ", name).strip()
    # the code goes with the name: the matcher takes a code it knows, checked by the name
    name = f"{code} {name}".strip() if _CODE.match(code) else name or code
    if not name:
        return None
    return " ".join(p for p in (qty, cols.get("unit", ""), name, note) if p)


def read_tables(text: str) -> str:
    """The text with each table (a header and the rows under it) as one order line a row."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        header = _header(lines[i]) if not lines[i].startswith(">") else None
        if header is None:
            out.append(lines[i])
            i += 1
            continue
        rows: list[dict[str, str]] = []
        j = i + 1
        while j < len(lines) and lines[j].strip():
            if _SEPARATOR_ROW.match(lines[j].strip()):
                j += 1
                continue
            cols = _columns(header, lines[j])
            if cols is None:
                break
            rows.append(cols)
            j += 1
        if not rows:
            out.append(lines[i])
            i += 1
            continue
        items = [r.get("item", "") for r in rows if r.get("item")]
        item_is_code = bool(items) and all(_CODE.match(v) for v in items)
        out += [line for r in rows if (line := _line(r, item_is_code))]
        i = j
    return "\n".join(out)
