"""The admin's account forms: a refused grant is a form error, not a server error; usernames are plain."""

from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.signals import refuse_for_admin_role
from core.text import is_plain_username, nfkc


class PlainUsernameMixin:
    """Usernames in NFKC and of ASCII letters, digits and . _ - @ only, so no look-alike of another."""

    def clean_username(self):
        parent = getattr(super(), "clean_username", None)
        username = nfkc(parent() if parent else self.cleaned_data.get("username") or "")
        if self.instance.pk is not None and username == self.instance.username:
            return username  # unchanged: an older name is kept as it is
        if not is_plain_username(username):
            raise ValidationError(
                _(
                    "用户名只能使用英文字母、数字和“.”“_”“-”“@”（请用拼音），不能含有全角字符、其他文字的字母或不可见字符。"
                ),
                code="username_not_plain",
            )
        return username


class AccountChangeForm(PlainUsernameMixin, UserChangeForm):
    """The rules of separated duties (accounts.signals) checked before saving, where the form can say so."""

    def clean(self):
        cleaned = super().clean()
        refusals = (
            ("is_superuser", _("同时是超级用户")),
            ("groups", _("加入用户组或直接授予权限")),
            ("user_permissions", _("加入用户组或直接授予权限")),
        )
        for field, what in refusals:
            if field in self.fields and cleaned.get(field):
                try:
                    refuse_for_admin_role(self.instance, what)
                except ValidationError as error:
                    self.add_error(field, error)
        return cleaned


class AccountCreationForm(PlainUsernameMixin, AdminUserCreationForm):
    pass
