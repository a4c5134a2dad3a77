"""Password rules Django does not have: a mix of character classes, and never the demo password."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.passwords import DEMO_PASSWORD


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
        if password == DEMO_PASSWORD:
            raise ValidationError(_("不能使用演示账号的公开密码。"), code="password_is_demo")

    def get_help_text(self):
        return _("不能使用演示账号的公开密码。")
