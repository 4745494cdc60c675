"""Operations the seed pages document and the 9.4 OpenAPI document does not have (API-MAP section 6 "In 9.4
spec: no", section 7 row 1), written as OpenAPI path items so that openapi_contract checks them like the rest.

Each entry cites its seed page and says only what the page says: where the page gives a body, its fields and
types are the schema; where the page says "default response / any", any status and any body are accepted,
so nothing is checked that the page does not state.
"""

from __future__ import annotations

_ANY_RESPONSE = {"default": {"description": "default response (seed: 'any')", "content": {"application/json": {}}}}

SEED_ONLY_PATHS = {
    # seed 002: GET, PUT and DELETE /rest/access-tokens/latest/admin, "This request has no parameters", every answer a
    # "default response" of "any"; the PUT example body is {"maxExpiryDays": 2154}, its one field an "integer".
    "/access-tokens/latest/admin": {
        "get": {"operationId": "seed002-getAccessTokenPolicy", "responses": _ANY_RESPONSE},
        "put": {
            "operationId": "seed002-setAccessTokenPolicy",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {"maxExpiryDays": {"type": "integer", "format": "int32"}},
                    "required": ["maxExpiryDays"],
                }}},
            },
            "responses": _ANY_RESPONSE,
        },
        "delete": {"operationId": "seed002-deleteAccessTokenPolicy", "responses": _ANY_RESPONSE},
    },
}


def with_seed_operations(paths, seed_paths=None):
    """``paths`` of the document plus the seed-only operations (never replacing a documented one)."""
    merged = {template: dict(item) for template, item in paths.items()}
    for template, item in (SEED_ONLY_PATHS if seed_paths is None else seed_paths).items():
        target = merged.setdefault(template, {})
        for method, operation in item.items():
            target.setdefault(method, operation)
    return merged
