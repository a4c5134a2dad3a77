"""The schema and the Chinese documentation page: served without internet, under the site's strict CSP."""

import re

from django.contrib.staticfiles import finders
from django.test import Client

from tests.test_accounts import INLINE

DOCS = "/api/v1/docs/"
REFERENCE = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


def test_the_schema_is_openapi_3_1_without_a_token(plan_2023):
    response = Client().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response.json()["openapi"] == "3.1.0"
    assert "bearerAuth" in response.json()["components"]["securitySchemes"]


def test_the_docs_page_is_chinese_and_names_no_other_site(plan_2023):
    response = Client().get(DOCS)
    html = response.content.decode()
    assert response.status_code == 200
    assert "数据接口说明" in html and 'lang="zh-CN"' in html
    references = REFERENCE.findall(html)
    assert references
    assert not [ref for ref in references if ref.startswith(("http:", "https:", "//"))]
    assert "http://" not in html and "https://" not in html
    assert not INLINE.findall(html)


def test_every_asset_of_the_docs_page_comes_from_the_installed_packages(plan_2023):
    html = Client().get(DOCS).content.decode()
    assets = [ref for ref in REFERENCE.findall(html) if ref.startswith("/static/")]
    assert len(assets) >= 4
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset


def test_the_start_script_is_a_file_and_the_policy_stays_strict(plan_2023):
    html = Client().get(DOCS).content.decode()
    [script] = [ref for ref in REFERENCE.findall(html) if "script" in ref and not ref.startswith("/static/")]
    response = Client().get(script.replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()
    policy = Client().get(DOCS)["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
