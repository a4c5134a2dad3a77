"""Free text as people type or paste it: no control characters.

PostgreSQL cannot store a NUL byte (the insert fails, a 500), and other control characters
(escape sequences, form feeds) pasted from other programs garble exports and pages. Every
free-text field refuses them with a message; multi-line text keeps line breaks and tabs.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext as _

# C0 controls and DEL; multi-line text may hold \t, \n and \r.
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


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
