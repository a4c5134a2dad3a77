"""The endpoints of /api/v1/: thin views over api.selectors (reads) and reporting's write service."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from api import serializers
from api.base import ApiView
from projects.models import PlanYear


class PlanYearList(ApiView):
    csv_columns = ["code", "year", "title"]

    @extend_schema(summary="方案年度", responses=serializers.PlanYearSerializer(many=True))
    def get(self, request):
        years = PlanYear.objects.order_by("year")
        return Response({"results": serializers.PlanYearSerializer(years, many=True).data})
