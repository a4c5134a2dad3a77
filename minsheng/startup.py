"""What the WSGI and ASGI entry points do once, after loading the application and before serving."""

from django.db import connections

from accounts import checks
from core import data_version


def prepare_to_serve() -> None:
    checks.refuse_unsafe_start()
    # Pages cached by the code that ran before this start may differ from what this code renders.
    data_version.renew()
    # The check ran in this process, before a server that preloads the application (gunicorn
    # --preload) forks its workers: a connection left open here would be shared by every worker.
    connections.close_all()
