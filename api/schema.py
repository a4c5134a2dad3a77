"""How the schema describes the token, and that every refusal is application/problem+json."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from api.errors import PROBLEM_MEDIA_TYPE


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer <令牌>"}


def problem_media_type(result, generator, request, public):
    """Answers 4xx are problem+json (RFC 9457), whatever format the client asked for."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content")
                if str(status).startswith("4") and content:
                    schema = next(iter(content.values()))["schema"]
                    response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": schema}}
    return result
