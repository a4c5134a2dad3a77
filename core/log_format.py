"""The log's one format: time, level, logger, message and traceback, with personal numbers masked.

Django's request logger puts the request in the record; this format never prints it, so posted
data stays out of the log. Messages and tracebacks may still quote a value (a database error
names the duplicate key): ID numbers and mobile numbers in them are masked before writing.
"""

import logging
import re

MASK = "***"
# 18-digit ID numbers (last character may be X), the old 15-digit ones, and mainland mobile numbers.
PERSONAL_NUMBERS = re.compile(r"(?<![0-9])(?:\d{17}[0-9Xx]|\d{15}|1[3-9]\d{9})(?![0-9A-Za-z])")


def mask_personal_numbers(text: str) -> str:
    return PERSONAL_NUMBERS.sub(MASK, text)


class RedactingFormatter(logging.Formatter):
    """logging.Formatter whose whole output (message, traceback, stack) has personal numbers masked."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_personal_numbers(super().format(record))
