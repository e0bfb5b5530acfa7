"""OpenAPI additions: the error responses every operation can give, and the limits the API
enforces beyond what serializers and filters say (a postprocessing hook)."""

from ..api_guard import MAX_QUERY_VALUE_LENGTH

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


# Concurrency answers of a change to a project or task (see the If-Match / version rules).
CONFLICTS = {
    "409": ("The record changed since it was read (a stale `version`); read it again.", ERROR),
    "412": ("The record changed since it was read (a stale `If-Match` ETag).", ERROR),
}
NEGOTIATION = {
    "406": ("No answer in the format asked for (Accept header).", ERROR),
}
BODY_ERRORS = {
    "415": ("A body in a media type the operation does not read.", ERROR),
}
# Money in 万元: up to 12 digits before the point and 2 after, never negative (the models'
# MONEY), written as DRF reads it.
MONEY_PATTERN = r"^\d{1,12}(?:\.\d{1,2})?$"
NO_NUL_PATTERN = r"^[^\u0000]*$"


def response(description, schema):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


# Query parameters whose empty value is a 400 or 404, not "not given".
EMPTY_IS_AN_ERROR = {"page", "page_size", "format"}


def document_query_limits(operation):
    """What core.api_guard and core.rest.pagination refuse, as the schema's limits."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") != "query":
            continue
        schema = parameter.setdefault("schema", {})
        if parameter["name"] == "page_size":
            # Larger sizes are accepted and give MAX_PAGE_SIZE rows.
            schema.update({"type": "integer", "minimum": 1})
        elif parameter["name"] == "page":
            schema.update({"type": "integer", "minimum": 1})
        elif schema.get("type") == "string" and "enum" not in schema:
            schema.setdefault("maxLength", MAX_QUERY_VALUE_LENGTH)
            if "format" not in schema:
                # core.rest.viewsets.CleanQueryMixin refuses NUL characters.
                schema.setdefault("pattern", NO_NUL_PATTERN)
        elif schema.get("type") == "integer":
            # Ids and years are filtered as bigint; beyond is a 400 (core.rest.fields).
            schema.setdefault("minimum", -(2**63))
            schema.setdefault("maximum", 2**63 - 1)
        if parameter["name"] not in EMPTY_IS_AN_ERROR and not parameter.get("required"):
            # Filters, search and ordering read ``?year=`` as "not given" (as a browser's
            # filter form sends it); page numbers and formats refuse it.
            parameter["allowEmptyValue"] = True


IF_NONE_MATCH = {
    "name": "If-None-Match",
    "in": "header",
    "required": False,
    "description": "The ETag of an answer already held: 304 with no body when it still "
    "matches (weak comparison; * matches any).",
    "schema": {"type": "string"},
}
ETAG = {
    "description": "The answer's strong ETag (an MD5 of the body; a versioned record's "
    'is "v<version>.<md5>", and If-Match still compares the version).',
    "required": False,
    "schema": {"type": "string"},
}
NOT_MODIFIED = {"description": "Not modified: If-None-Match matched the ETag; no body."}


def document_conditional_get(operation):
    """core.rest.conditional: every GET may carry If-None-Match and answer 304, and a 200
    carries an ETag (not required: a view's own ETag, as on files, may stand instead)."""
    parameters = operation.setdefault("parameters", [])
    if not any(p.get("in") == "header" and p.get("name") == "If-None-Match" for p in parameters):
        parameters.append(dict(IF_NONE_MATCH))
    responses = operation.setdefault("responses", {})
    if "200" in responses:
        responses["200"].setdefault("headers", {})["ETag"] = dict(ETAG)
    responses.setdefault("304", dict(NOT_MODIFIED))


def document_money(components):
    for component in components.get("schemas", {}).values():
        for prop in component.get("properties", {}).values():
            if prop.get("type") == "string" and prop.get("format") == "decimal":
                prop["pattern"] = MONEY_PATTERN


def add_error_responses(result, generator, request, public):
    """Postprocessing hook: document the error answers of every operation, and the limits
    the API enforces beyond what the serializers say."""
    document_money(result.get("components", {}))
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            document_query_limits(operation)
            if method == "get" and path.startswith("/api/v1/"):
                document_conditional_get(operation)
            responses = operation.setdefault("responses", {})
            errors = dict(ERRORS)
            errors.update(NEGOTIATION)
            if "requestBody" in operation:
                errors.update(BODY_ERRORS)
            if method in ("put", "patch") and path.startswith(
                ("/api/v1/projects/", "/api/v1/tasks/", "/api/v1/cooperation-items/")
            ):
                errors.update(CONFLICTS)
            for code, (description, schema) in errors.items():
                responses.setdefault(code, response(description, schema))
    return result
