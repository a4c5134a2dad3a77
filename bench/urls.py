"""The application's URLs plus the benchmark's floor for pages: a trivial view, same middleware.

Only the benchmark's settings (bench/settings.py) use this URLconf; production never sees the view.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path

from minsheng.urls import handler500  # noqa: F401 - kept for Django
from minsheng.urls import urlpatterns as application

TRIVIAL_PATH = "bench/trivial/"
FRAME_PATH = "bench/frame/"


@login_required
def trivial(request):
    """Logged in, like every page measured; nothing else."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def frame(request):
    """An empty page in the site's frame (header, navigation, context processors): what every page
    pays before its own content. A reference beside the floor, not a floor."""
    return render(request, "base.html")


urlpatterns = [
    path(TRIVIAL_PATH, trivial, name="bench_trivial"),
    path(FRAME_PATH, frame, name="bench_frame"),
    *application,
]
