"""The dashboards' cached URL filters give exactly what `reverse()` gives."""

import pytest
from django.urls import reverse

from core.links import link, route


@pytest.mark.parametrize(
    ("name", "argument"),
    [
        ("reporting:dashboard_indicator", 42),
        ("reporting:dashboard_unit", 7),
        ("reporting:dashboard_leader", "张三 副县长"),
        ("reporting:dashboard_leader", "a&b?c"),
    ],
)
def test_a_link_is_the_reversed_url(name, argument):
    assert link(argument, name) == reverse(name, args=[argument])


def test_a_route_is_the_reversed_url():
    assert route("reporting:dashboard_indicators") == reverse("reporting:dashboard_indicators")
