"""Names as people type them: look-alike and invisible characters never make a second name.

Plain functions, used by the account forms (usernames) and the unit model (unit names).
"""

import re
import unicodedata

# Invisible format characters (Cf: U+200B zero-width space, U+200E, U+FEFF…) and control characters (Cc).
HIDDEN_CATEGORIES = frozenset({"Cf", "Cc"})
# County usernames are pinyin: ASCII letters, digits and . _ - @, nothing that only looks like them.
PLAIN_USERNAME = re.compile(r"[A-Za-z0-9._@-]+\Z")


def nfkc(text: str) -> str:
    """Full-width letters and digits, ligatures and the like in their plain form (ｌｉ → li)."""
    return unicodedata.normalize("NFKC", text)


def hidden_characters(text: str) -> list[str]:
    """The invisible and control characters in `text`, as U+XXXX, in order, each once."""
    found = {f"U+{ord(char):04X}": None for char in text if unicodedata.category(char) in HIDDEN_CATEGORIES}
    return list(found)


def name_key(text: str) -> str:
    """What two names are compared by: NFKC, no hidden characters, no outer spaces, case folded."""
    plain = "".join(char for char in nfkc(text) if unicodedata.category(char) not in HIDDEN_CATEGORIES)
    return plain.strip().casefold()


def is_plain_username(text: str) -> bool:
    return bool(PLAIN_USERNAME.match(text))
