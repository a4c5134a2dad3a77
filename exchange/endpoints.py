"""POST /api/v1/exchange/receive/: a county's forwarded month, pushed by its installation.

Only an API client registered as a sender (推送来源, the "exchange receive" scope) may call it;
each call is audited by the API's base view. The work is `exchange.inbox.receive`.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from api.base import ApiView
from api.errors import ApiProblem
from api.permissions import IsApiClient, client_of
from api.serializers import ProblemSerializer
from api.views import WRITE_ERRORS
from exchange.inbox import ReceiveRefused, SenderIdentity, receive


def sender_of(request):
    client = client_of(request)
    return getattr(client, "exchange_sender", None) if client is not None else None


class IsExchangeSender(BasePermission):
    message = _("该客户端未登记为推送来源，不能推送数据。")

    def has_permission(self, request, view):
        return sender_of(request) is not None


VALUE_FIELDS = {
    "indicator": serializers.CharField(max_length=100, help_text="接收方的指标编码"),
    "unit": serializers.CharField(max_length=100, help_text="接收方的单位编码"),
    "indicator_name": serializers.CharField(required=False, allow_blank=True),
    "unit_name": serializers.CharField(required=False, allow_blank=True),
    "task_row": serializers.CharField(required=False, allow_blank=True),
    "task_row_title": serializers.CharField(required=False, allow_blank=True),
    "measure": serializers.CharField(required=False, allow_blank=True),
    "value": serializers.CharField(required=False, allow_null=True, help_text='十进制数，如 "120.5"'),
    "stage": serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=10),
    "text": serializers.CharField(required=False, allow_blank=True),
    "additive": serializers.BooleanField(required=False),
    "lead_unit": serializers.BooleanField(required=False),
    "status": serializers.CharField(required=False, allow_blank=True),
    "submitted_at": serializers.DateTimeField(required=False, allow_null=True),
    "verified_at": serializers.DateTimeField(required=False, allow_null=True),
    "forwarded_at": serializers.DateTimeField(required=False, allow_null=True),
    "trail": serializers.ListField(child=serializers.DictField(), required=False),
}
PUSH = inline_serializer(
    "ExchangePush",
    {
        "sender": inline_serializer(
            "ExchangeSender", {"code": serializers.CharField(), "name": serializers.CharField()}
        ),
        "year": serializers.IntegerField(min_value=2000, max_value=2100),
        "month": serializers.IntegerField(min_value=1, max_value=12),
        "forwarded_at": serializers.DateTimeField(required=False, allow_null=True),
        "content_hash": serializers.CharField(required=False),
        "values": inline_serializer("ExchangeValue", VALUE_FIELDS, many=True),
    },
)
ANSWER = inline_serializer(
    "ExchangeAnswer",
    {
        "sender": inline_serializer(
            "ExchangeSenderAnswer", {"code": serializers.CharField(), "name": serializers.CharField()}
        ),
        "year": serializers.IntegerField(),
        "month": serializers.IntegerField(),
        "values": serializers.IntegerField(),
        "created": serializers.IntegerField(),
        "updated": serializers.IntegerField(),
        "unchanged": serializers.IntegerField(),
        "removed": serializers.IntegerField(),
        "replayed": serializers.BooleanField(),
    },
)


class ReceiveView(ApiView):
    permission_classes = [IsApiClient, IsExchangeSender]
    # exchange.inbox refuses control characters (NUL and lone surrogates included) in every text
    # it keeps, naming each item, and stores nothing of a refused push.
    refuses_unstorable_body = False

    @extend_schema(
        summary="接收下级平台推送的整月数据",
        description=(
            "下级平台整月上报后推送该月已核验的数据（manage.py exchange push）。全部接收或全部不接收；"
            "同一 Idempotency-Key 的重复推送返回第一次的结果，不再写入。数据记为该令牌登记的推送来源的数据。"
        ),
        parameters=[OpenApiParameter("Idempotency-Key", str, OpenApiParameter.HEADER, required=True)],
        request=PUSH,
        responses={
            200: ANSWER,
            **WRITE_ERRORS,
            415: OpenApiResponse(ProblemSerializer, description="请求内容不是 JSON"),
        },
    )
    def post(self, request):
        sender = sender_of(request)
        try:
            answer = receive(
                sender=SenderIdentity(code=sender.code, name=sender.name),
                client_name=client_of(request).name,
                idempotency_key=request.headers.get("Idempotency-Key", ""),
                payload=request.data,
            )
        except ReceiveRefused as exc:
            raise ApiProblem(
                str(exc),
                status_code=exc.status_code,
                code="exchange_refused",
                errors=[{"field": None, "message": message} for message in exc.errors] or None,
            ) from None
        self._audit_detail = {
            "sender": sender.code,
            "year": answer["year"],
            "month": answer["month"],
            "values": answer["values"],
            "replayed": answer["replayed"],
        }
        return Response(answer)
