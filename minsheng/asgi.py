"""
ASGI config for minsheng project.

It exposes the ASGI callable as a module-level variable named ``application``.

For more information on this file, see
https://docs.djangoproject.com/en/5.2/howto/deployment/asgi/
"""

import os

from django.core.asgi import get_asgi_application
from django.db import connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")

application = get_asgi_application()

from accounts.checks import refuse_unsafe_start  # noqa: E402 - needs the apps loaded above

refuse_unsafe_start()
# That check ran in this process, before a server that preloads the application (gunicorn --preload)
# forks its workers: a connection left open here would be inherited, and shared, by every worker.
connections.close_all()
