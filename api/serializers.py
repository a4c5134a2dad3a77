"""What the API answers and accepts: codes, never database ids."""

from rest_framework import serializers

from projects.models import PlanYear


class PlanYearSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanYear
        fields = ["code", "year", "title"]
