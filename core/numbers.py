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
