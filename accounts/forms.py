"""The admin's account forms: a refused grant is a form error, not a server error."""

from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.signals import refuse_for_admin_role


class AccountChangeForm(UserChangeForm):
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
