"""Password rules Django does not have: a mix of character classes, never the demo password (in any
case), never the username, and never the current password or one of the last five; and Django's
minimum length, with its message in Chinese."""

import unicodedata
from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth import password_validation
from django.contrib.auth.hashers import check_password, is_password_usable
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.passwords import DEMO_PASSWORD


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def character_classes(password: str) -> int:
    """How many of upper case, lower case, digits and symbols the password uses."""
    return sum(
        (
            any(char.isupper() for char in password),
            any(char.islower() for char in password),
            any(char.isdigit() for char in password),
            any(not char.isalnum() for char in password),
        )
    )


class CharacterClassesValidator:
    """At least `min_classes` of: upper-case letters, lower-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字和符号中的至少%(min)d类。"),
                code="password_too_simple",
                params={"min": self.min_classes},
            )

    def get_help_text(self):
        return _("密码须包含大写字母、小写字母、数字和符号中的至少%(min)d类。") % {"min": self.min_classes}


class NotDemoPasswordValidator:
    """The demo password is printed in the README: nobody may choose it."""

    def validate(self, password, user=None):
        if _folded(password) == _folded(DEMO_PASSWORD):
            raise ValidationError(_("不能使用演示账号的公开密码。"), code="password_is_demo")

    def get_help_text(self):
        return _("不能使用演示账号的公开密码。")


class PasswordHistoryValidator:
    """Not the current password (the temporary one at first login), nor one of the last `kept`."""

    def __init__(self, kept: int = 5):
        self.kept = kept

    def _message(self) -> str:
        return _("新密码不能与当前密码或最近%(kept)d次使用过的密码相同。") % {"kept": self.kept}

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        from accounts.models import PasswordHistory

        earlier = PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)
        encoded = [user.password, *earlier[: self.kept]]
        encoded = [value for value in encoded if is_password_usable(value)]
        # The hasher is slow by design and releases the interpreter lock: all at once.
        with ThreadPoolExecutor(max_workers=max(len(encoded), 1)) as pool:
            used = any(pool.map(lambda value: check_password(password, value), encoded))
        if used:
            raise ValidationError(self._message(), code="password_reused")

    def get_help_text(self):
        return self._message()


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's rule; its message of Django 5.2 has no Chinese translation yet."""

    def get_error_message(self):
        return _("密码长度不能少于%(min)d个字符。") % {"min": self.min_length}

    def get_help_text(self):
        return self.get_error_message()


class UsernameInPasswordValidator:
    """The username anywhere in the password, in any case (Django's similarity rule misses long ones)."""

    MIN_USERNAME = 3

    def validate(self, password, user=None):
        username = _folded(getattr(user, "username", "") or "")
        if len(username) >= self.MIN_USERNAME and username in _folded(password):
            raise ValidationError(_("密码不能包含用户名。"), code="password_contains_username")

    def get_help_text(self):
        return _("密码不能包含用户名。")
