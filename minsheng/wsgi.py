"""
WSGI config for minsheng project.

It exposes the WSGI callable as a module-level variable named ``application``.

Before serving, it refuses to start in production (DEBUG=false) while any active
account still has the public demo password (accounts.checks).
"""

import os

from django.core.wsgi import get_wsgi_application
from django.db import connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")

application = get_wsgi_application()

from accounts.checks import refuse_unsafe_start  # noqa: E402 - needs the apps loaded above

refuse_unsafe_start()
# That check ran in this process, before a server that preloads the application (gunicorn --preload)
# forks its workers: a connection left open here would be inherited, and shared, by every worker.
connections.close_all()
