"""The schema (/api/v1/schema/) and its Chinese documentation page, served without any CDN.

Swagger UI comes from the installed drf-spectacular-sidecar as static files; its start-up script
is a separate file (SpectacularSwaggerSplitView), so the page keeps the site's strict CSP.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


class SchemaView(SpectacularAPIView):
    """The OpenAPI 3.1 schema, readable without a token (it holds no data)."""


class DocsView(SpectacularSwaggerSplitView):
    template_name = "api/docs.html"
    title = _("数据接口说明")
    url_name = "api:schema"
