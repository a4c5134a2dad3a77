"""A `core.errors.BadRequest` raised by a view, answered as a 400 page with its message."""

from django.shortcuts import render

from core.errors import BadRequest


class RefusedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, BadRequest):
            context = {"messages_list": exception.messages}
            return render(request, "400.html", context, status=exception.status_code)
        return None
