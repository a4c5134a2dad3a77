"""The application's URLs plus the benchmark's floor for pages: a trivial view, same middleware.

Only the benchmark's settings (bench/settings.py) use this URLconf; production never sees the view.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from minsheng.urls import handler500  # noqa: F401 - kept for Django
from minsheng.urls import urlpatterns as application

TRIVIAL_PATH = "bench/trivial/"


@login_required
def trivial(request):
    """Logged in, like every page measured; nothing else."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path(TRIVIAL_PATH, trivial, name="bench_trivial"), *application]
