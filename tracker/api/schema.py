"""OpenAPI additions: the token scheme, and the error responses every operation can give."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": "A list of messages per field (non_field_errors for the whole input).",
    "additionalProperties": {
        "anyOf": [
            {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}]}},
            {"type": "string"},
            {"type": "object"},
        ]
    },
}
ERRORS = {
    "400": (
        "Invalid input: a message per field, in the language of Accept-Language.",
        FIELD_ERRORS,
    ),
    "401": ("No credentials, or a revoked or unknown token.", ERROR),
    "403": ("Not allowed: another department's record, or a read-only token writing.", ERROR),
    "404": ("No such record.", ERROR),
    "429": (
        "Too many requests with this token; retry after the Retry-After header's seconds.",
        ERROR,
    ),
}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tracker.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A token created by a supervisor in the admin (API tokens); "
            "read-only or read-write.",
        }


def add_error_responses(result, generator, request, public):
    """Postprocessing hook: document the error answers of every operation."""
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            for code, (description, schema) in ERRORS.items():
                if code == "400" and method == "get" and "{id}" in str(path_item):
                    continue
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": schema}},
                    },
                )
    return result
