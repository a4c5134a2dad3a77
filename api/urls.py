from django.urls import path

from api import docs, views

app_name = "api"

urlpatterns = [
    path("schema/", docs.SchemaView.as_view(), name="schema"),
    path("docs/", docs.DocsView.as_view(), name="docs"),
    path("years/", views.PlanYearList.as_view(), name="years"),
    path("tiers/", views.TierList.as_view(), name="tiers"),
    path("projects/", views.ProjectList.as_view(), name="projects"),
    path("task-rows/", views.TaskRowList.as_view(), name="task-rows"),
    path("indicators/", views.IndicatorList.as_view(), name="indicators"),
    path("units/", views.UnitList.as_view(), name="units"),
    path("data-values/", views.DataValues.as_view(), name="data-values"),
    path("completeness/", views.Completeness.as_view(), name="completeness"),
    path("beneficiaries/", views.Beneficiaries.as_view(), name="beneficiaries"),
]
