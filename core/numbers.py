"""Numbers as people type them: one reading for every form, import and plan file."""

from decimal import Decimal, InvalidOperation

# Thousands separators people type, ASCII and full-width; both are dropped before reading.
SEPARATORS = (",", "，")


class NotANumber(ValueError):
    """The text is not a finite decimal number."""


def read_decimal(raw) -> Decimal | None:
    """The number in `raw` (text or a number), None when blank; raises NotANumber otherwise."""
    text = str(raw if raw is not None else "").strip()
    for separator in SEPARATORS:
        text = text.replace(separator, "")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise NotANumber(raw) from exc
    if not value.is_finite():
        raise NotANumber(raw)
    return value


# The largest id a BigAutoField holds (PostgreSQL bigint, SQLite INTEGER); beyond it a query fails.
MAX_ID = 2**63 - 1


def read_id(raw, *, minimum: int = 1) -> int | None:
    """A record id from an address or a hidden cell: None when blank; NotANumber unless minimum…MAX_ID.

    ASCII digits only: `str.isdigit` takes "٣" and "²", and int() of a huge digit string is slow.
    """
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise NotANumber(raw)
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw).strip()
        if not (text.isascii() and text.isdigit() and len(text) <= len(str(MAX_ID))):
            raise NotANumber(raw)
        value = int(text)
    if not minimum <= value <= MAX_ID:
        raise NotANumber(raw)
    return value
