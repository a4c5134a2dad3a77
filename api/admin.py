"""API clients in the admin: the security administrator's alone (三员分立), never the system administrator's.

The token is shown once, on the page that answers the creation, and never again; a client is
revoked by the "吊销" action, effective at its next call.
"""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts import roles
from api import services
from api.models import ApiClient
from core.admin import HistoryAdmin

SCOPE_FIELDS = (
    "name",
    "can_write",
    "write_units",
    "working_view",
    "personal_data",
    "reveal_id_numbers",
    "expires_at",
    "allowed_networks",
    "note",
)


class ApiClientForm(forms.ModelForm):
    class Meta:
        model = ApiClient
        fields = SCOPE_FIELDS


@admin.register(ApiClient)
class ApiClientAdmin(HistoryAdmin):
    form = ApiClientForm
    list_display = [
        "name",
        "can_write",
        "working_view",
        "personal_data",
        "expires_at",
        "revoked_at",
        "token_prefix",
    ]
    list_filter = ["can_write", "working_view", "personal_data"]
    search_fields = ["name"]
    filter_horizontal = ["write_units"]
    readonly_fields = ["token_prefix", "user", "created_at", "created_by", "revoked_at", "revoked_by"]
    actions = ["revoke"]

    def _manages(self, request) -> bool:
        return roles.can_manage_api_clients(request.user)

    def has_module_permission(self, request):
        return self._manages(request)

    def has_view_permission(self, request, obj=None):
        return self._manages(request)

    def has_add_permission(self, request):
        return self._manages(request)

    def has_change_permission(self, request, obj=None):
        return self._manages(request) and (obj is None or not obj.is_revoked)

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the audit log keeps pointing at it

    def get_fields(self, request, obj=None):
        return SCOPE_FIELDS if obj is None else (*SCOPE_FIELDS, *self.readonly_fields)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            obj._change_reason = gettext("修改接口客户端")
            super().save_model(request, obj, form, change)
            return
        data = form.cleaned_data
        client, token = services.create_client(
            created_by=request.user,
            name=data["name"],
            expires_at=data["expires_at"],
            allowed_networks=data["allowed_networks"],
            write_units=list(data["write_units"]),
            **{
                name: data[name]
                for name in ("can_write", "working_view", "personal_data", "reveal_id_numbers")
            },
            note=data.get("note", ""),
        )
        obj.pk, obj.user, obj.token_prefix = client.pk, client.user, client.token_prefix
        request._api_token = token

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)

    def response_add(self, request, obj, post_url_continue=None):
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("接口令牌（只显示这一次）"),
            "client": obj,
            "token": request._api_token,
            "opts": self.model._meta,
        }
        response = TemplateResponse(request, "api/token_created.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("吊销所选客户端的令牌（立即生效）"))
    def revoke(self, request, queryset):
        count = sum(services.revoke_client(client=client, by=request.user) for client in queryset)
        self.message_user(
            request, gettext("已吊销 %(count)s 个客户端。") % {"count": count}, messages.SUCCESS
        )
