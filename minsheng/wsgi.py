"""
WSGI config for minsheng project.

It exposes the WSGI callable as a module-level variable named ``application``.

Before serving, minsheng.startup refuses to start in production (DEBUG=false) while any active
account still has the public demo password, and drops the pages cached by the previous code.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minsheng.settings")

application = get_wsgi_application()

from minsheng.startup import prepare_to_serve  # noqa: E402 - needs the apps loaded above

prepare_to_serve()
