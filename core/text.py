"""Text as people type or paste it.

- Names: look-alike and invisible characters never make a second name (usernames, unit names).
- Free text: no control characters. PostgreSQL cannot store a NUL byte (the insert fails, a 500),
  and other control characters pasted from other programs garble exports and pages. Every
  free-text field refuses them with a message; multi-line text keeps line breaks and tabs.
"""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


# C0 controls and DEL, and lone surrogates (no database stores them); multi-line text may hold
# \t, \n and \r.
_ANY_CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
_CONTROL_IN_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def control_characters_message(text, *, multiline: bool = True, what: str = "") -> str | None:
    """The message for text holding a control character (naming `what` if given), else None."""
    pattern = _CONTROL_IN_MULTILINE if multiline else _ANY_CONTROL
    if not text or not pattern.search(str(text)):
        return None
    return _("%(what)s含有不可见的控制字符（多为从其他软件复制带入），请删除后重新填写。") % {"what": what}


def no_control_characters(value) -> None:
    """Validator of single-line text."""
    if message := control_characters_message(value, multiline=False):
        raise ValidationError(message, code="control_characters")


def no_control_characters_multiline(value) -> None:
    """Validator of multi-line text: line breaks and tabs allowed."""
    if message := control_characters_message(value, multiline=True):
        raise ValidationError(message, code="control_characters")


def _unstorable(text: str) -> bool:
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, as a JSON body's "\\ud800" decodes to
        return True
    return False


def unstorable_text_in(data) -> bool:
    """Whether a request's parameters or parsed body hold text no database column can take.

    PostgreSQL holds no NUL in text or JSON, and no text is UTF-8 with a lone surrogate: a filter
    or a stored copy of such text fails inside the database driver, so the request is refused
    before anything reads it. Takes a QueryDict, or JSON-like data (dicts, lists, strings).
    """
    if isinstance(data, str):
        return _unstorable(data)
    if hasattr(data, "lists"):  # a QueryDict: every value of every name
        return any(_unstorable(key) or any(map(_unstorable, values)) for key, values in data.lists())
    if isinstance(data, dict):
        return any(unstorable_text_in(key) or unstorable_text_in(value) for key, value in data.items())
    if isinstance(data, list | tuple):
        return any(unstorable_text_in(item) for item in data)
    return False


NULL_CHARACTER_MESSAGE = gettext_lazy(
    "请求中含有不允许的字符（空字符\\0或残缺的Unicode代理字符），请检查链接或提交的内容后重试。"
)


class RefusesControlCharacters:
    """Form mixin: every text field refuses control characters, a Textarea's keeping line breaks.

    It replaces Django's own NUL check on those fields, so the user reads one message.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not isinstance(field, forms.CharField):
                continue
            multiline = isinstance(field.widget, forms.Textarea)
            field.validators = [
                validator
                for validator in field.validators
                if not isinstance(validator, ProhibitNullCharactersValidator)
            ]
            field.validators.append(no_control_characters_multiline if multiline else no_control_characters)


def official_name(name: str) -> str:
    """A person's name as the plan's tables print it: a two-character name spaced to three characters' width.

    李良 → 李  良 (two spaces, the width of one character), so that names line up in a column.
    Names of any other length, and names already spaced, are returned unchanged.
    """
    if len(name) == 2 and all(unicodedata.east_asian_width(char) == "W" for char in name):
        return f"{name[0]}  {name[1]}"
    return name
