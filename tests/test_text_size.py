"""The 大字 (large text) switch: a plain form post that sets a cookie and goes back to the page."""

import pytest
from django.urls import reverse

from accounts.views import TEXT_SIZE_COOKIE

pytestmark = pytest.mark.django_db


def test_it_remembers_large_text_and_goes_back(client, office_user):
    client.force_login(office_user)

    response = client.post(reverse("text_size"), {"size": "large", "next": "/review/?year=2023&month=3"})

    assert response.status_code == 302
    assert response["Location"] == "/review/?year=2023&month=3"
    assert response.cookies[TEXT_SIZE_COOKIE].value == "large"
    assert response.cookies[TEXT_SIZE_COOKIE]["max-age"] == 365 * 24 * 3600


def test_it_puts_the_large_text_class_on_every_page(client, office_user):
    client.force_login(office_user)
    client.cookies[TEXT_SIZE_COOKIE] = "large"

    page = client.get(reverse("reporting:review_list")).content.decode()

    assert '<html lang="zh-hans" class="large-text"' in page
    assert 'name="size" value="normal"' in page


def test_it_offers_large_text_before_login(client):
    page = client.get(reverse("login")).content.decode()

    assert '<html lang="zh-hans" data-scroll-hint' in page
    assert 'name="size" value="large"' in page


def test_it_forgets_large_text(client):
    client.cookies[TEXT_SIZE_COOKIE] = "large"

    response = client.post(reverse("text_size"), {"size": "normal", "next": "/accounts/login/"})

    assert response["Location"] == "/accounts/login/"
    assert response.cookies[TEXT_SIZE_COOKIE].value == ""


def test_it_never_sends_anyone_to_another_site(client):
    response = client.post(reverse("text_size"), {"size": "large", "next": "https://example.com/"})

    assert response["Location"] == reverse("login")


def test_it_refuses_a_get(client):
    assert client.get(reverse("text_size")).status_code == 405
