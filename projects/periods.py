"""The plan year a page is asked for, by the one rule of `core.periods`."""

from core.periods import choose_year, requested_year
from projects.models import PlanYear


def chosen_plan_year(request) -> PlanYear:
    """The requested plan year, else this year's, else the latest; Http404 when none is loaded. One query."""
    plan_years = {plan_year.year: plan_year for plan_year in PlanYear.objects.all()}
    return plan_years[choose_year(plan_years, requested=requested_year(request))]
