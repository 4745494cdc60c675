"""Contract checks of Bitbucket Data Center REST traffic against the official 9.4 OpenAPI document.

The document is Atlassian's machine-generated ``bitbucket-dc-9.4-openapi.json`` (OpenAPI 3.0, paths
relative to ``/rest``). It is never copied into this repository: it is read from the path in the
``BITBUCKET_OPENAPI_SPEC`` environment variable, else from ``<repository root>/../shared/api-docs/``
(DESIGN.md, "The emulator": "Contract"). A missing document is an error, never a silent skip.

Usage::

    contract = load_contract()
    violations = contract.check_exchange("PUT", "/rest/api/latest/projects/PRJ/permissions/users",
                                         query={"name": ["alice"], "permission": ["PROJECT_WRITE"]},
                                         status=204)
    assert_no_violations(violations)

Every check returns a list of :class:`Violation` (method, path, status, the part that failed, why);
nothing raises except :func:`assert_no_violations`, which raises one ``AssertionError`` naming all of them.

What is checked, per exchange:

* the path (after ``/rest/``, with or without a context path before it) and the method are a documented
  operation; overlapping templates prefer the most literal one (``/permissions/users`` before
  ``/permissions/{permission}``), segments are URL-decoded before matching;
* path parameters and query parameters against their schemas (query strings are typed: ``limit=25`` is an
  integer, ``allow=true`` a boolean); undeclared query parameter names and missing required ones;
* the JSON request body against the ``requestBody`` schema; a body sent to an operation that takes none;
* the response status is documented (or ``default`` is); the JSON response body against that status's schema;
  a body on a status documented without one.

Operations that only the seed pages document (newer than 9.4) are added from ``seed_operations.py`` and
checked against what their seed page states.

OpenAPI 3.0 schemas are turned into JSON Schema draft 7: ``$ref`` to ``#/components/schemas/*`` resolve through
a ``referencing`` registry, ``nullable`` becomes a ``null`` type, a schema with ``properties`` but no ``type``
is an object (the generator leaves ``type`` out on most beans), ``example`` and friends are dropped, and
``format`` is only checked for the integer ranges ``int32`` / ``int64``. Extra properties are allowed: live
servers return more fields than the 9.4 beans declare (API-MAP section 7 row 10).

The document is wrong in known, systematic ways (API-MAP sections 1.5, 1.6, 1.8 and 7). Those are corrected by
the :data:`KNOWN_SPEC_DEFECTS` table below, and nowhere else; each entry cites its source and says why.
"""

from __future__ import annotations

import copy
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import parse_qsl, unquote

from jsonschema import Draft7Validator, FormatChecker
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from seed_operations import with_seed_operations

SPEC_ENV = "BITBUCKET_OPENAPI_SPEC"
SPEC_FILE_NAME = "bitbucket-dc-9.4-openapi.json"
# Base URI under which the converted components/schemas are registered for $ref resolution.
SPEC_URI = "urn:bitbucket-dc-9.4-openapi"
# Test controls of the emulator (DESIGN.md "The emulator"); never part of the Bitbucket API.
CONTROL_PREFIX = "/_emulator/"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")

# Keys of an OpenAPI schema object that have no JSON Schema meaning and are dropped.
_DROPPED_KEYWORDS = frozenset(("example", "examples", "xml", "externalDocs", "discriminator", "deprecated", "nullable"))
# Keywords whose value is one schema / a list of schemas / a map of schemas.
_SCHEMA_KEYWORDS = frozenset(("items", "additionalProperties", "not"))
_SCHEMA_LIST_KEYWORDS = frozenset(("allOf", "anyOf", "oneOf"))
_PAGE_KEYS = frozenset(("isLastPage", "limit", "size", "start", "values"))
MULTIPART = "multipart/form-data"
_MESSAGE_LIMIT = 300


# --------------------------------------------------------------------------------------------------
# The known defects of the 9.4 document
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SpecDefect:
    """One known defect of the 9.4 OpenAPI document and how the checks correct it.

    ``operations`` lists the ``(METHOD, template)`` pairs an operation-level entry applies to; global entries
    (conversion rules) have none and are recognised by ``key``. The effect fields are data, not code:

    * ``params``: OpenAPI parameter objects added to, or replacing (same ``in`` and ``name``), the declared ones;
    * ``list_of``: the 200 response is a standard page or a JSON array of this component schema;
    * ``patches``: ``(component, property, keywords)`` merged into a converted component property schema;
    * ``statuses``: extra statuses accepted on operations that do not document them, the body checked against
      ``status_schema`` (unchecked when None); everywhere, or, for an entry that lists ``operations``, on those
      operations only, where its ``status_schema`` replaces what the document declares for them.
    * ``responses``: ``(status, schema)`` pairs that give a documented status of the operation the body schema the
      document leaves out; an empty body is checked as JSON ``null`` against it.
    * ``request_content``: ``(media type, schema)`` pairs of request bodies the operation also takes, besides
      the documented ones.
    * ``request_body``: the OpenAPI ``requestBody`` of operations the document declares without one.

    A ``patches`` entry whose property is None merges its keywords into the component schema itself.
    """

    key: str
    source: str
    reason: str
    operations: Tuple[Tuple[str, str], ...] = ()
    params: Tuple[Dict[str, Any], ...] = ()
    list_of: Optional[str] = None
    patches: Tuple[Tuple[str, str, Dict[str, Any]], ...] = ()
    statuses: Tuple[int, ...] = ()
    status_schema: Optional[Dict[str, Any]] = None
    responses: Tuple[Tuple[int, Dict[str, Any]], ...] = ()
    request_body: Optional[Dict[str, Any]] = None
    request_content: Tuple[Tuple[str, Dict[str, Any]], ...] = ()


_PAGING_PARAMS = (
    {"name": "start", "in": "query", "schema": {"type": "integer", "minimum": 0}},
    {"name": "limit", "in": "query", "schema": {"type": "integer"}},
)
_PROJECT_PERMISSIONS = ["PROJECT_READ", "PROJECT_WRITE", "PROJECT_ADMIN"]
_PROJECT = "/api/latest/projects/{projectKey}"
# TRACE|DEBUG|INFO|WARN|ERROR in any case (JSON Schema patterns have no case-insensitive flag).
_LOG_LEVEL_ANY_CASE = "^(%s)$" % "|".join("".join("[%s%s]" % (c, c.lower()) for c in level) for level in ("TRACE", "DEBUG", "INFO", "WARN", "ERROR"))
_AUTHCONFIG = "/authconfig/latest"
_REPO = _PROJECT + "/repos/{repositorySlug}"
_REST_ERRORS = {"type": "object", "required": ["errors"],
                "properties": {"errors": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/RestErrorMessage"}}}}

KNOWN_SPEC_DEFECTS = (
    SpecDefect(
        key="ignore-read-write-only",
        source="API-MAP 1.8; section 7 rows 11 and 12",
        reason="readOnly/writeOnly flags are generated wrongly: project name/description/public and repository "
               "description/forkable/public/archived are writable, repository defaultBranch is returned although "
               "writeOnly. The flags are dropped, so they constrain neither requests nor responses.",
    ),
    SpecDefect(
        key="date-time-is-epoch-ms",
        source="API-MAP 1.8; section 7 row 10",
        reason="Fields declared string(date-time) (access token createdDate, lastAuthenticated, ...) are "
               "epoch-millisecond numbers on live servers: an integer is accepted wherever the document says "
               "string(date-time).",
    ),
    SpecDefect(
        key="standard-page-shape",
        source="API-MAP 1.5",
        reason="The document declares no required keys on pages, but every client pages on them: a standard page "
               "must carry isLastPage, limit, size, start and values, and nextPageStart (an integer) whenever "
               "isLastPage is false ('fail loudly on a page that claims more but gives no next start').",
    ),
    SpecDefect(
        key="error-fields-nullable",
        source="API-MAP 1.4",
        reason="RestErrorMessage declares context and exceptionName as strings, but the core error body always "
               "carries its three keys, null when not applicable: {\"errors\":[{\"context\":null|\"field\",...}]}; "
               "a field-validation error has a context and no exception name. null is accepted for both.",
        patches=(
            ("RestErrorMessage", "context", {"type": ["string", "null"]}),
            ("RestErrorMessage", "exceptionName", {"type": ["string", "null"]}),
        ),
    ),
    SpecDefect(
        key="access-token-id-digit-string",
        source="API-MAP 1.8; section 3.5",
        reason="Token ids are declared as any string; they are digit strings (example \"252973515069\"), used as the "
               "{tokenId} path segment, never numbers. Pinned so an emulator or client drifting to ints is caught.",
        patches=(
            ("RestAccessToken", "id", {"type": "string", "pattern": "^[0-9]+$"}),
            ("RestRawAccessToken", "id", {"type": "string", "pattern": "^[0-9]+$"}),
        ),
    ),
    SpecDefect(
        key="users-list-is-page",
        source="API-MAP section 7 row 17; 1.5; 3.25",
        reason="GET /api/latest/users is declared as one RestApplicationUser but returns a standard page, so it "
               "is paged with start/limit, and the permission filters take .projectKey/.repositorySlug/.projectId "
               "suffixes (permission.N is the document's own placeholder for permission.1, permission.2, ...).",
        operations=(("GET", "/api/latest/users"),),
        list_of="RestApplicationUser",
        params=_PAGING_PARAMS + tuple(
            {"name": "permission%s.%s" % (prefix, suffix), "in": "query", "schema": {"type": "string"}}
            for prefix in ("", ".N") for suffix in ("projectKey", "repositorySlug", "projectId")
        ),
    ),
    SpecDefect(
        key="mesh-nodes-is-list",
        source="API-MAP section 7 row 7; 1.5",
        reason="GET /api/latest/admin/git/mesh/nodes is declared as one RestMeshNode; it is a list (array or page). "
               "A client pages it with start/limit in case it is a page (API-MAP 1.5 'accept either'), so both are accepted.",
        operations=(("GET", "/api/latest/admin/git/mesh/nodes"),),
        list_of="RestMeshNode",
        params=_PAGING_PARAMS,
    ),
    SpecDefect(
        key="repository-labels-is-list",
        source="API-MAP 1.8 ('several list endpoints are declared as returning a single object'); spec getAllLabelsForRepository",
        reason="GET .../repos/{repositorySlug}/labels is declared as one RestLabel but described as 'Get all labels applied to "
               "the given repository': a page (or an array) of RestLabel, paged with start/limit.",
        operations=(("GET", _PROJECT + "/repos/{repositorySlug}/labels"),),
        list_of="RestLabel",
        params=_PAGING_PARAMS,
    ),
    SpecDefect(
        key="jit-users-is-list",
        source="API-MAP section 7 row 18; 1.5",
        reason="GET /authconfig/latest/jit-users is declared as one JitUserEntity but described as 'A list of JIT "
               "users': an array or a page is accepted.",
        operations=(("GET", "/authconfig/latest/jit-users"),),
        list_of="JitUserEntity",
    ),
    SpecDefect(
        key="permission-search-is-paged",
        source="API-MAP section 7 row 19",
        reason="GET .../permissions/search has no response schema ('default' response) and declares no paging "
               "parameters; it is treated as a page, so start/limit are accepted.",
        operations=(("GET", _PROJECT + "/permissions/search"),),
        params=_PAGING_PARAMS,
    ),
    SpecDefect(
        key="project-grant-params-required",
        source="API-MAP 3.3 (top trap 1)",
        reason="PUT .../permissions/users|groups takes its arguments as query parameters; the server answers 400 "
               "without them. The document marks neither 'name' nor 'permission' required and lists the permission "
               "values only in prose (the repository variant declares both required with an enum): restored here.",
        operations=(("PUT", _PROJECT + "/permissions/users"), ("PUT", _PROJECT + "/permissions/groups")),
        params=(
            {"name": "name", "in": "query", "required": True, "schema": {"type": "string", "minLength": 1}},
            {"name": "permission", "in": "query", "required": True, "schema": {"type": "string", "enum": _PROJECT_PERMISSIONS}},
        ),
    ),
    SpecDefect(
        key="project-default-permission-values",
        source="API-MAP 3.3",
        reason="The {permission} of .../permissions/{permission}/all is one of PROJECT_READ|PROJECT_WRITE|"
               "PROJECT_ADMIN (listed in the description only), and POST takes allow=true|false, declared as a "
               "free string: both enums restored, allow required.",
        operations=(("GET", _PROJECT + "/permissions/{permission}/all"), ("POST", _PROJECT + "/permissions/{permission}/all")),
        params=(
            {"name": "permission", "in": "path", "required": True, "schema": {"type": "string", "enum": _PROJECT_PERMISSIONS}},
        ),
    ),
    SpecDefect(
        key="project-default-permission-allow",
        source="API-MAP 3.3",
        reason="POST .../permissions/{permission}/all?allow=true|false: 'allow' is declared an optional free string.",
        operations=(("POST", _PROJECT + "/permissions/{permission}/all"),),
        params=({"name": "allow", "in": "query", "required": True, "schema": {"type": "boolean"}},),
    ),
    SpecDefect(
        key="groups-none-is-202",
        source="API-MAP 1.6; section 7 row 20; top trap 4",
        reason="Not relaxed, pinned: GET .../permissions/groups/none (project) really answers 202, as the document "
               "says, and a 200 is reported. (The repository variant documents 200.)",
        operations=(("GET", _PROJECT + "/permissions/groups/none"),),
    ),
    SpecDefect(
        key="sender-address-is-a-json-string",
        source="API-MAP 3.15 and top trap 9; section 7 row 19; seed 003 (PUT --data '\"<string>\"')",
        reason="GET and PUT .../mail-server/sender-address answer 200 with no schema ('any'); the address travels as a "
               "bare JSON string both ways, and GET answers an empty body when no address is set. Restored: a string "
               "(GET: or nothing).",
        operations=(("GET", "/api/latest/admin/mail-server/sender-address"),),
        responses=((200, {"type": ["string", "null"]}),),
    ),
    SpecDefect(
        key="sender-address-put-answers-the-string",
        source="API-MAP 3.15; seed 003",
        reason="PUT .../mail-server/sender-address answers 200 'The from address used in notification emails' with no "
               "schema: the address as a JSON string.",
        operations=(("PUT", "/api/latest/admin/mail-server/sender-address"),),
        responses=((200, {"type": "string"}),),
    ),
    SpecDefect(
        key="log-level-values",
        source="API-MAP 3.23; spec setLevel/setRootLevel descriptions",
        reason="{levelName} is declared a free string; the descriptions list 'TRACE, DEBUG, INFO, WARN or ERROR' and "
               "Atlassian's own examples send them in lower case: restored as those five, in any case.",
        operations=(("PUT", "/api/latest/logs/logger/{loggerName}/{levelName}"), ("PUT", "/api/latest/logs/rootLogger/{levelName}")),
        params=({"name": "levelName", "in": "path", "required": True, "schema": {"type": "string", "pattern": _LOG_LEVEL_ANY_CASE}},),
    ),
    SpecDefect(
        key="no-content-is-empty",
        source="API-MAP 1.6; RFC 9110 section 15.3.5",
        reason="A 204 never carries a body, whatever the document declares (it puts a RestErrors schema on the 204 "
               "'no such repository' of DELETE .../repos/{repositorySlug}): 204 responses must be empty and their "
               "declared schema is ignored.",
    ),
    SpecDefect(
        key="transport-statuses",
        source="DESIGN.md 'The shared client' (retries on 429, 502/503/504); API-MAP 3.16 (rate limiting)",
        reason="Rate limiting (429 with Retry-After) and gateway errors (502/503/504) can answer any operation but "
               "are documented on none; they are accepted everywhere with the body unchecked. 500 is not: an "
               "undocumented 500 is reported.",
        statuses=(429, 502, 503, 504),
    ),
    SpecDefect(
        key="missing-resource-404",
        source="API-MAP 1.6 ('404 = absent') and 3.5 ('spec lists no 404' for the token update)",
        reason="Bitbucket answers 404 with a RestErrors body when a resource named in the request does not exist "
               "(a token id, the group or user named by 'context'), also on the operations whose generated "
               "document leaves 404 out. Accepted everywhere with that body.",
        statuses=(404,),
        status_schema=_REST_ERRORS,
    ),
    SpecDefect(
        key="user-settings-malformed-400",
        source="seed 003 (user settings: 'string', 'boolean', 'number' values); API-MAP 3.26",
        reason="POST /api/latest/users/{userSlug}/settings documents only 204 and 401, but its body is a map of string, "
               "boolean or number values: a map holding another value (an object, a list) or a blank key is refused "
               "with 400 and a RestErrors body, as the core API refuses malformed input everywhere else. Accepted on "
               "that operation only.",
        operations=(("POST", "/api/latest/users/{userSlug}/settings"),),
        statuses=(400,),
        status_schema=_REST_ERRORS,
    ),
    SpecDefect(
        key="authentication-401",
        source="API-MAP 1.2 and 1.6 ('401 is used for forbidden as well as unauthenticated')",
        reason="Credentials are checked before any resource runs, so failed or missing authentication answers 401 "
               "on every protected operation, including the few that do not document 401 (GET /api/latest/projects "
               "documents only 200 and 400). Accepted there with a RestErrors body.",
        statuses=(401,),
        status_schema=_REST_ERRORS,
    ),
    SpecDefect(
        key="access-keys-of-a-key-are-a-list",
        source="API-MAP 1.5 ('bare list / undeclared') and section 7 row 19; seed 001",
        reason="GET /keys/latest/ssh/{keyId}/projects and .../repos declare no response schema and no paging "
               "parameters, but answer the access keys of the key (RestSshAccessKey), as a standard page or an "
               "array: both accepted, start/limit accepted.",
        operations=(("GET", "/keys/latest/ssh/{keyId}/projects"), ("GET", "/keys/latest/ssh/{keyId}/repos")),
        list_of="RestSshAccessKey",
        params=_PAGING_PARAMS,
    ),
    SpecDefect(
        key="access-key-conflict-409",
        source="API-MAP 3.7 ('409 is global') and 3.8 ('400/409 - VERIFY'); spec addSshKey 409",
        reason="A key is registered once on the system, as a user key or as an access key. Adding, as an access "
               "key, a key that is a user key (or that the scope already has) answers 409 'The SSH key already "
               "exists on the system', as addSshKey documents; addForProject/addForRepository leave 409 out.",
        operations=(("POST", "/keys/latest/projects/{projectKey}/ssh"), ("POST", "/keys/latest/projects/{projectKey}/repos/{repositorySlug}/ssh")),
        statuses=(409,),
        status_schema=_REST_ERRORS,
    ),
    SpecDefect(
        key="access-key-permission-per-scope",
        source="API-MAP 3.8 ('project keys PROJECT_READ | PROJECT_WRITE; repository keys REPO_READ | REPO_WRITE')",
        reason="The {permission} of .../ssh/{keyId}/permission/{permission} is a free string in the document (and the "
               "body enum of RestSshAccessKey lists all 13 permissions); only the scope's two levels are valid, and "
               "another one is refused with 400, which the operations do not document.",
        operations=(("PUT", "/keys/latest/projects/{projectKey}/ssh/{keyId}/permission/{permission}"),
                    ("PUT", "/keys/latest/projects/{projectKey}/repos/{repositorySlug}/ssh/{keyId}/permission/{permission}")),
        statuses=(400,),
        status_schema=_REST_ERRORS,
    ),
    SpecDefect(
        key="error-entity-message",
        source="API-MAP 1.4",
        reason="The authconfig, basicauth and tsv plugins answer errors as {\"message\": ...} (ErrorEntity); the document "
               "declares no property required, so any object, a RestErrors body included, would pass. Pinned: an "
               "ErrorEntity carries its message.",
        patches=(("ErrorEntity", None, {"required": ["message"]}),),
    ),
    SpecDefect(
        key="unreadable-body-400",
        source="API-MAP 3.11; seed 000 put (basicauth)",
        reason="PUT /basicauth/latest/config documents 204 and 409 only, but a body whose values have the wrong types "
               "cannot be read into BasicAuthConfigEntity, and the REST framework answers 400 before the resource runs. "
               "Accepted there with the plugin's error body.",
        operations=(("PUT", "/basicauth/latest/config"),),
        statuses=(400,),
        status_schema={"$ref": "#/components/schemas/ErrorEntity"},
    ),
    SpecDefect(
        key="auth-plugin-refusals",
        source="API-MAP 1.4, 1.6 ('401 is used for forbidden as well'), 3.9 ('404 undocumented'), 3.12",
        reason="On the authconfig, basicauth and tsv operations a refusal comes in one of two bodies: a failed or "
               "missing authentication (or blocked basic authentication, 3.11) is answered by the core before the "
               "plugin runs, as RestErrors; the plugin's own refusals (a missing SYS_ADMIN permission, an invalid TOTP "
               "code, an unknown IdP id, which the document leaves out) as ErrorEntity. 401 and 404 take either.",
        operations=tuple(("GET", path) for path in (_AUTHCONFIG + "/idps", _AUTHCONFIG + "/idps/{id}", _AUTHCONFIG + "/jit-users",
                                                    _AUTHCONFIG + "/login-options", _AUTHCONFIG + "/sso", "/basicauth/latest/config",
                                                    "/tsv/latest/status", "/tsv/latest/sso-management-status"))
        + (("POST", _AUTHCONFIG + "/idps"), ("PATCH", _AUTHCONFIG + "/idps/{id}"), ("DELETE", _AUTHCONFIG + "/idps/{id}"),
           ("PATCH", _AUTHCONFIG + "/sso"), ("PUT", "/basicauth/latest/config"), ("DELETE", "/tsv/latest/totp/unenroll/user/{userName}")),
        statuses=(401, 404),
        status_schema={"anyOf": [_REST_ERRORS, {"$ref": "#/components/schemas/ErrorEntity"}]},
    ),
    SpecDefect(
        key="hook-enable-takes-settings",
        source="seed 004 enableHook ('A JSON document may be provided to use as the settings for the hook'); API-MAP 3.19",
        reason="PUT .../settings/hooks/{hookKey}/enabled enables a hook and optionally applies its settings document in the "
               "same request (a hook that needs settings is enabled that way), but the document declares no request body "
               "for either scope. The body is a plugin-defined JSON object.",
        operations=(("PUT", _PROJECT + "/settings/hooks/{hookKey}/enabled"), ("PUT", _REPO + "/settings/hooks/{hookKey}/enabled")),
        request_body={"required": False, "content": {"application/json": {"schema": {"type": "object"}}}},
    ),
    SpecDefect(
        key="repository-hook-settings-400",
        source="spec setSettings_1 and enableHook (400 'The settings specified are invalid'); API-MAP 3.19",
        reason="The repository variant of enableHook documents no 400, although it takes the same settings document that "
               "its project variant and setSettings_1 answer 400 for when it is invalid, and a hook that needs settings "
               "cannot be enabled without. 400 with a RestErrors body is accepted there.",
        operations=(("PUT", _REPO + "/settings/hooks/{hookKey}/enabled"),),
        statuses=(400,),
        status_schema=_REST_ERRORS,
    ),
    SpecDefect(
        key="hook-script-form-checks",
        source="API-MAP 1.3 (multipart endpoints need X-Atlassian-Token: no-check) and 3.20; section 7 row 15",
        reason="createHookScript and updateHookScript take multipart/form-data. Like every Atlassian form endpoint they "
               "refuse a form without the XSRF header with 403, and the framework answers another content type with "
               "415, before the resource runs; neither status is documented. Both are accepted there with a RestErrors body.",
        operations=(("POST", "/api/latest/hook-scripts"), ("PUT", "/api/latest/hook-scripts/{scriptId}")),
        statuses=(403, 415),
        status_schema=_REST_ERRORS,
    ),
    SpecDefect(
        key="restrictions-single-form",
        source="seed 004 createRestrictions; API-MAP 3.4 and section 7 row 3",
        reason="POST .../restrictions takes one RestRestrictionRequest as application/json (seed 004, the current docs); "
               "the 9.4 document lists only the bulk form, an array as application/vnd.atl.bitbucket.bulk+json. Both exist "
               "on real servers: the single form is accepted too, checked against RestRestrictionRequest.",
        operations=(("POST", "/branch-permissions/latest/projects/{projectKey}/restrictions"),
                    ("POST", "/branch-permissions/latest/projects/{projectKey}/repos/{repositorySlug}/restrictions")),
        request_content=(("application/json", {"$ref": "#/components/schemas/RestRestrictionRequest"}),),
    ),
    SpecDefect(
        key="webhooks-list-is-page",
        source="spec findWebhooks / findWebhooks_1 ('A page of webhooks'); API-MAP 1.5",
        reason="GET .../webhooks is described as 'A page of webhooks' but declares no schema and no paging parameters: "
               "it is a standard page of RestWebhook, paged with start/limit like every page.",
        operations=(("GET", _PROJECT + "/webhooks"), ("GET", _PROJECT + "/repos/{repositorySlug}/webhooks")),
        list_of="RestWebhook",
        params=_PAGING_PARAMS,
    ),
    SpecDefect(
        key="required-build-keys-non-empty",
        source="spec createRequiredBuildsMergeCheck / updateRequiredBuildsMergeCheck; API-MAP section 8",
        reason="RestRequiredBuildConditionSetRequest.buildParentKeys is described as 'A non-empty list' and both operations "
               "answer 400 when 'the build parent key list is empty', but the schema says minItems 0: restored as minItems 1.",
        patches=(("RestRequiredBuildConditionSetRequest", "buildParentKeys", {"minItems": 1}),),
    ),
)


# --------------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Violation:
    """One way a request or a response departs from the contract."""

    method: str
    path: str
    status: Optional[int]
    part: str  # operation, path, query, request-body, status, response-body
    message: str
    template: Optional[str] = None

    def __str__(self):
        status = " -> %s" % self.status if self.status is not None else ""
        template = " (%s)" % self.template if self.template else ""
        return "%s %s%s%s [%s] %s" % (self.method, self.path, status, template, self.part, self.message)


def format_violations(violations, title="OpenAPI contract violations"):
    """All violations, one per line, under a title with their count."""
    lines = ["%s: %d" % (title, len(violations))]
    lines.extend("  - %s" % violation for violation in violations)
    return "\n".join(lines)


def assert_no_violations(violations, title="OpenAPI contract violations"):
    """Raise one AssertionError that lists every violation (do nothing when there are none)."""
    violations = list(violations)
    if violations:
        raise AssertionError(format_violations(violations, title))


class SpecNotFoundError(AssertionError):
    """The OpenAPI document is missing: the contract tests must fail, not skip."""


# --------------------------------------------------------------------------------------------------
# Locating and loading the document
# --------------------------------------------------------------------------------------------------

def repo_root():
    """The collection root: the nearest directory above this file that holds galaxy.yml."""
    here = Path(__file__).resolve().parent
    for candidate in (here,) + tuple(here.parents):
        if (candidate / "galaxy.yml").is_file():
            return candidate
    return here.parents[1]


def default_spec_path():
    """``<repository root>/../shared/api-docs/bitbucket-dc-9.4-openapi.json`` (DESIGN.md, "The emulator")."""
    return repo_root().parent / "shared" / "api-docs" / SPEC_FILE_NAME


def spec_path():
    """The document to use: ``$BITBUCKET_OPENAPI_SPEC`` when set, else the default beside the repository."""
    configured = os.environ.get(SPEC_ENV, "").strip()
    return Path(configured).expanduser() if configured else default_spec_path()


_LOADED = {}


def load_contract(path=None):
    """The :class:`Contract` for ``path`` (default :func:`spec_path`), parsed once per process.

    Raises :class:`SpecNotFoundError` (an AssertionError) naming the path and the environment variable when the
    document is missing or unreadable.
    """
    path = Path(path) if path is not None else spec_path()
    key = str(path)
    if key not in _LOADED:
        if not path.is_file():
            raise SpecNotFoundError(
                "OpenAPI document not found: %s. Set %s to the path of the Bitbucket DC 9.4 OpenAPI JSON "
                "(default <repository root>/../shared/api-docs/%s). Contract tests fail rather than skip "
                "without it." % (path, SPEC_ENV, SPEC_FILE_NAME)
            )
        try:
            with path.open(encoding="utf-8") as handle:
                spec = json.load(handle)
        except (OSError, ValueError) as exc:
            raise SpecNotFoundError("OpenAPI document %s (from %s or its default) is unreadable: %s" % (path, SPEC_ENV, exc)) from exc
        _LOADED[key] = Contract(spec, source=key)
    return _LOADED[key]


# --------------------------------------------------------------------------------------------------
# OpenAPI 3.0 schema -> JSON Schema draft 7
# --------------------------------------------------------------------------------------------------

FORMAT_CHECKER = FormatChecker(formats=())


def _int_range_checker(bits):
    low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1

    def check(value):
        if isinstance(value, bool) or not isinstance(value, int):
            return True
        return low <= value <= high

    return check


FORMAT_CHECKER.checks("int32")(_int_range_checker(32))
FORMAT_CHECKER.checks("int64")(_int_range_checker(64))


def _page_schema(item_schema):
    """A standard page (API-MAP 1.5) of ``item_schema``, with the keys every pager relies on required."""
    return {
        "type": "object",
        "properties": {
            "isLastPage": {"type": "boolean"},
            "limit": {"type": "number"},
            "nextPageStart": {"type": "integer"},
            "size": {"type": "number"},
            "start": {"type": "integer"},
            "values": {"type": "array", "items": item_schema},
        },
        "required": sorted(_PAGE_KEYS),
        "if": {"properties": {"isLastPage": {"const": False}}, "required": ["isLastPage"]},
        "then": {"required": ["nextPageStart"]},
    }


class _Converter:
    """Turns OpenAPI 3.0 schema objects into JSON Schema draft 7, applying the global defect rules."""

    def __init__(self, rules):
        self.rules = rules

    def convert(self, node):
        if isinstance(node, list):
            return [self.convert(item) for item in node]
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            ref = node["$ref"]
            return {"$ref": SPEC_URI + ref if ref.startswith("#/") else ref}
        out = {}
        for key, value in node.items():
            if key in _DROPPED_KEYWORDS:
                continue
            if key in ("readOnly", "writeOnly") and "ignore-read-write-only" in self.rules:
                continue
            if key == "properties" and isinstance(value, dict):
                out[key] = {name: self.convert(sub) for name, sub in value.items()}
            elif key in _SCHEMA_KEYWORDS and isinstance(value, dict):
                out[key] = self.convert(value)
            elif key in _SCHEMA_LIST_KEYWORDS:
                out[key] = [self.convert(sub) for sub in value]
            else:
                out[key] = copy.deepcopy(value)
        if "type" not in out and "properties" in out and not any(k in out for k in _SCHEMA_LIST_KEYWORDS):
            out["type"] = "object"  # generated beans leave "type": "object" out
        if out.get("type") == "string" and out.get("format") == "date-time" and "date-time-is-epoch-ms" in self.rules:
            out["type"] = ["string", "integer"]
        if node.get("nullable") is True and "type" in out:
            types = out["type"] if isinstance(out["type"], list) else [out["type"]]
            out["type"] = types + ["null"] if "null" not in types else types
            if "enum" in out and None not in out["enum"]:
                out["enum"] = list(out["enum"]) + [None]
        if "standard-page-shape" in self.rules and _PAGE_KEYS.issubset(out.get("properties", ())):
            out = dict(_page_schema(out["properties"]["values"].get("items", {})), properties=out["properties"])
        return out


# --------------------------------------------------------------------------------------------------
# Paths
# --------------------------------------------------------------------------------------------------

_PARAM_RE = re.compile(r"\{([^}/]+)\}")


class _Route:
    """One path template of the document, matched segment by segment."""

    def __init__(self, template, item):
        self.template = template
        self.item = item
        self.segments = template.strip("/").split("/")
        self.names = []
        last = len(self.segments) - 1
        self.patterns = [self._compile(segment, index == last) for index, segment in enumerate(self.segments)]
        # A trailing {path} (browse/{path}, diff{path}) spans the rest of the URL, slashes included.
        self.greedy = bool(self.segments) and "{path}" in self.segments[-1]
        # Literal segments rank above partly literal ones (pull-requests/{id}.diff) above pure parameters.
        self.rank = tuple(2 if "{" not in s else (0 if _PARAM_RE.fullmatch(s) else 1) for s in self.segments)

    def _compile(self, segment, last):
        names = []

        def group(match):
            names.append(match.group(1))
            return "(.*)" if match.group(1) == "path" and last else "([^/]+)"

        pattern = re.compile(_PARAM_RE.sub(group, re.escape(segment).replace(r"\{", "{").replace(r"\}", "}")) + r"\Z")
        self.names.append(names)
        return pattern

    def match(self, segments):
        if self.greedy and len(segments) >= len(self.segments):
            head = len(self.segments) - 1
            segments = list(segments[:head]) + ["/".join(segments[head:])]
        if len(segments) != len(self.segments):
            return None
        params = {}
        for pattern, names, segment in zip(self.patterns, self.names, segments):
            found = pattern.match(segment)
            if found is None:
                return None
            params.update(zip(names, found.groups()))
        return params

    def methods(self):
        return [method.upper() for method in self.item if method in HTTP_METHODS]


def _rest_candidates(path):
    """Decoded path segments after each ``/rest/`` in ``path`` (a context path may come before it)."""
    raw = path.split("?", 1)[0].split("#", 1)[0]
    segments = raw.split("/")
    return [[unquote(segment) for segment in segments[index + 1:]] for index, segment in enumerate(segments) if segment == "rest"]


def normalize_query(query):
    """A query as ``{name: [values...]}`` from a dict (scalar or list values), pairs, or a query string."""
    if not query:
        return {}
    if isinstance(query, (bytes, str)):
        text = query.decode("utf-8") if isinstance(query, bytes) else query
        pairs = parse_qsl(text.lstrip("?"), keep_blank_values=True)
    elif isinstance(query, dict):
        pairs = []
        for name, value in query.items():
            values = value if isinstance(value, (list, tuple)) else [value]
            pairs.extend((name, item) for item in values)
    else:
        pairs = list(query)
    result = {}
    for name, value in pairs:
        result.setdefault(str(name), []).append(_query_text(value))
    return result


def _query_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _coerce(text, schema):
    """A query/path string read as the type its schema declares, or the string itself when it does not parse."""
    types = schema.get("type")
    types = types if isinstance(types, list) else [types]
    if "integer" in types and re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    if "number" in types:
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() and re.fullmatch(r"[+-]?\d+", text) else number
    if "boolean" in types and text.lower() in ("true", "false"):
        return text.lower() == "true"
    return text


_NO_BODY = object()


def _is_empty(body):
    return body is None or body is _NO_BODY or (isinstance(body, (str, bytes)) and not body.strip())


def _parse_body(body):
    """A recorded body as JSON: parsed values pass through, JSON text is decoded, other text stays text."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        try:
            return json.loads(body)
        except ValueError:
            return body
    return body


def _media_base(media_type):
    return (media_type or "").split(";", 1)[0].strip().lower()


def _is_json_media(media_type):
    base = _media_base(media_type)
    return base == "application/json" or base.endswith("+json")


def _media_matches(actual, declared):
    actual, declared = _media_base(actual), _media_base(declared)
    if declared in ("*/*", ""):
        return True
    if declared.endswith("/*"):
        return actual.startswith(declared[:-1])
    return actual == declared


def _short(text, limit=_MESSAGE_LIMIT):
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --------------------------------------------------------------------------------------------------
# The contract
# --------------------------------------------------------------------------------------------------

@dataclass
class Operation:
    """A documented operation matched by a concrete request."""

    method: str
    template: str
    spec: Dict[str, Any]
    path_params: Dict[str, str]
    parameters: List[Dict[str, Any]] = field(default_factory=list)
    defects: Tuple[SpecDefect, ...] = ()

    @property
    def operation_id(self):
        return self.spec.get("operationId")


class Contract:
    """The OpenAPI document, compiled for checking concrete requests and responses."""

    def __init__(self, spec, source="<memory>", defects=KNOWN_SPEC_DEFECTS):
        self.spec = spec
        self.source = source
        self.defects = tuple(defects)
        self._rules = frozenset(defect.key for defect in self.defects)
        self._converter = _Converter(self._rules)
        # Statuses of a defect without operations are accepted everywhere; with operations, only there.
        self._extra_statuses = {status: defect for defect in self.defects if not defect.operations for status in defect.statuses}
        self._by_operation = {}
        for defect in self.defects:
            for method, template in defect.operations:
                self._by_operation.setdefault((method.upper(), template), []).append(defect)
        components = {name: self._converter.convert(schema) for name, schema in spec.get("components", {}).get("schemas", {}).items()}
        for defect in self.defects:
            for component, prop, keywords in defect.patches:
                schema = components.setdefault(component, {"type": "object", "properties": {}})
                if prop is None:
                    schema.update(keywords)
                    continue
                schema.setdefault("properties", {}).setdefault(prop, {}).update(keywords)
        self.components = components
        resource = Resource(contents={"components": {"schemas": components}}, specification=DRAFT7)
        self._registry = Registry().with_resource(SPEC_URI, resource)
        # Seed-only operations (seed_operations.py) are checked against their seed page.
        self._routes = [_Route(template, item) for template, item in with_seed_operations(spec.get("paths", {})).items()]
        self._validators = {}

    # -- matching ---------------------------------------------------------------------------------

    def match(self, method, path):
        """The :class:`Operation` a request is routed to, or an explanation (str) of why there is none.

        Among the templates that match the path, the most literal one is tried first (``/permissions/users``
        before ``/permissions/{permission}``); when it does not document the method, the next one that does is
        used (``GET /users/credentials`` is ``GET /users/{userSlug}``).
        """
        method = method.upper()
        candidates = _rest_candidates(path)
        if not candidates:
            return "not a REST path: no /rest/ segment (paths are relative to <base URL>/rest)"
        for segments in candidates:
            matches = [(route, params) for route in self._routes for params in (route.match(segments),) if params is not None]
            if not matches:
                continue
            matches.sort(key=lambda pair: (pair[0].rank, not pair[0].greedy), reverse=True)
            for route, params in matches:
                spec = route.item.get(method.lower())
                if spec is not None:
                    return self._operation(method, route, spec, params)
            best = matches[0][0]
            return "method %s is not documented for %s (documented: %s)" % (method, best.template, ", ".join(best.methods()) or "none")
        return "no documented path matches /%s" % "/".join(candidates[0])

    def _operation(self, method, route, spec, params):
        defects = tuple(self._by_operation.get((method, route.template), ()))
        declared = {}
        for parameter in list(route.item.get("parameters", [])) + list(spec.get("parameters", [])):
            parameter = self._deref(parameter)
            declared[(parameter.get("in"), parameter.get("name"))] = parameter
        for defect in defects:
            for parameter in defect.params:
                declared[(parameter["in"], parameter["name"])] = parameter
        return Operation(method, route.template, spec, params, list(declared.values()), defects)

    def _deref(self, node):
        while isinstance(node, dict) and "$ref" in node and node["$ref"].startswith("#/"):
            target = self.spec
            for part in node["$ref"][2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def _validator(self, key, schema):
        validator = self._validators.get(key)
        if validator is None:
            validator = Draft7Validator(self._converter.convert(schema), registry=self._registry, format_checker=FORMAT_CHECKER)
            self._validators[key] = validator
        return validator

    def _schema_problems(self, validator, instance):
        problems = []
        for error in sorted(validator.iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path]):
            message = error.message
            if error.context:
                closest = best_match(error.context)
                message = "%s; closest: %s: %s" % (error.validator, closest.json_path, closest.message)
            problems.append("%s: %s" % (error.json_path, _short(message)))
        return problems

    # -- checks -----------------------------------------------------------------------------------

    def check_request(self, method, path, query=None, body=None, content_type=None, operation=None):
        """Violations of one request: operation, path and query parameters, request body."""
        method = method.upper()
        operation = operation if operation is not None else self.match(method, path)
        if isinstance(operation, str):
            return [Violation(method, path, None, "operation", operation)]
        found = []

        def report(part, message):
            found.append(Violation(method, path, None, part, message, operation.template))

        query = normalize_query(query)
        path_query = path.split("?", 1)[1] if "?" in path else ""
        for name, values in normalize_query(path_query).items():
            query.setdefault(name, []).extend(values)

        declared_query = {}
        for parameter in operation.parameters:
            location, name = parameter.get("in"), parameter.get("name")
            if location == "path":
                value = operation.path_params.get(name)
                if value is None:
                    report("path", "path parameter %r is declared but not in the template" % name)
                    continue
                for problem in self._param_problems(operation, parameter, [value]):
                    report("path", "path parameter %r: %s" % (name, problem))
            elif location == "query":
                declared_query[name] = parameter
        patterns = [(re.compile(re.escape(name).replace(r"\.N", r"\.[1-9][0-9]*") + r"\Z"), p) for name, p in declared_query.items() if ".N" in name]
        for name, values in query.items():
            parameter = declared_query.get(name)
            if parameter is None:
                parameter = next((p for pattern, p in patterns if pattern.match(name)), None)
            if parameter is None:
                report("query", "undeclared query parameter %r (declared: %s)" % (name, ", ".join(sorted(declared_query)) or "none"))
                continue
            for problem in self._param_problems(operation, parameter, values):
                report("query", "query parameter %r: %s" % (name, problem))
        for name, parameter in declared_query.items():
            if parameter.get("required") and name not in query:
                report("query", "required query parameter %r is missing" % name)

        request_body = operation.spec.get("requestBody")
        if request_body is None:
            request_body = next((defect.request_body for defect in operation.defects if defect.request_body), None)
        if request_body is not None:
            request_body = self._deref(request_body)
        extra_content = {media: {"schema": schema} for defect in operation.defects for media, schema in defect.request_content}
        if extra_content:
            request_body = dict(request_body or {})
            request_body["content"] = dict(request_body.get("content", {}), **extra_content)
        if _is_empty(body):
            if request_body is not None and request_body.get("required"):
                report("request-body", "the operation requires a request body; none was sent")
            return found
        if request_body is None:
            report("request-body", "the operation takes no request body, but one was sent: %s" % _short(json.dumps(_parse_body(body), default=str), 120))
            return found
        content = request_body.get("content", {})
        if content_type and content and not any(_media_matches(content_type, declared) for declared in content):
            report("request-body", "content type %r is not documented (documented: %s)" % (content_type, ", ".join(content)))
        media = next((m for m in content if _is_json_media(m) and (not content_type or _media_matches(content_type, m))), None)
        if media is None and _is_json_media(content_type) and "*/*" in content:
            # A JSON body sent where the document declares "*/*" (the required-builds conditions): checked against that schema.
            media = "*/*"
        if media is None and _media_base(content_type) == MULTIPART and isinstance(body, dict):
            # A multipart form recorded as {field: text} (the emulator's log): its fields against the form's schema.
            media = next((m for m in content if _media_matches(content_type, m)), None)
        if media is None:
            return found  # not JSON nor a recorded form: the schema cannot be checked here
        schema = content[media].get("schema")
        if schema is not None:
            validator = self._validator(("request", method, operation.template, media), schema)
            for problem in self._schema_problems(validator, _parse_body(body)):
                report("request-body", problem)
        return found

    def _param_problems(self, operation, parameter, values):
        schema = parameter.get("schema")
        if schema is None:
            return []  # content-typed parameters (API-MAP section 7 row 16) are plain strings in practice
        schema = self._deref(schema)
        item_schema = self._deref(schema.get("items", {})) if schema.get("type") == "array" else schema
        key = ("param", operation.method, operation.template, parameter.get("in"), parameter.get("name"), id(parameter))
        validator = self._validator(key, item_schema)
        problems = []
        for value in values:
            problems.extend(problem.split(": ", 1)[-1] for problem in self._schema_problems(validator, _coerce(value, item_schema)))
        return problems

    def check_response(self, method, path, status, body=None, content_type=None, operation=None):
        """Violations of one response: documented status, body presence, JSON body against the schema."""
        method = method.upper()
        operation = operation if operation is not None else self.match(method, path)
        if isinstance(operation, str):
            return [Violation(method, path, status, "operation", operation)]
        found = []

        def report(part, message):
            found.append(Violation(method, path, status, part, message, operation.template))

        responses = operation.spec.get("responses", {})
        response = responses.get(str(status))
        # An entry that lists the operation applies its statuses there even where the document declares them
        # (its schema replaces the document's); the entries without operations only fill undocumented ones.
        extra = next((defect for defect in operation.defects if int(status) in defect.statuses), None)
        if extra is None and response is None:
            extra = self._extra_statuses.get(int(status))
        if extra is not None:
            if extra.status_schema is not None:
                validator = self._validator(("extra", extra.key, int(status)), extra.status_schema)
                for problem in self._schema_problems(validator, _parse_body(body)):
                    report("response-body", problem)
            return found
        if response is None:
            response = responses.get("default")
        if response is None:
            report("status", "status %s is not documented (documented: %s)" % (status, ", ".join(responses) or "none"))
            return found
        response = self._deref(response)
        content = response.get("content") or {}
        empty = _is_empty(body)
        if int(status) == 204 and "no-content-is-empty" in self._rules:
            if not empty:
                report("response-body", "a 204 response must be empty, got: %s" % _short(json.dumps(_parse_body(body), default=str), 120))
            return found
        restored = next((schema for defect in operation.defects for code, schema in defect.responses if code == int(status)), None)
        if restored is not None:
            validator = self._validator(("restored", method, operation.template, int(status)), restored)
            for problem in self._schema_problems(validator, None if empty else _parse_body(body)):
                report("response-body", problem)
            return found
        if not content:
            if not empty:
                report("response-body", "status %s is documented without a body, got: %s" % (status, _short(json.dumps(_parse_body(body), default=str), 120)))
            return found
        if empty:
            if any("schema" in media for media in content.values()):
                report("response-body", "status %s is documented with a body (%s), the response is empty" % (status, ", ".join(content)))
            return found
        if content_type and not any(_media_matches(content_type, declared) for declared in content):
            report("response-body", "content type %r is not documented (documented: %s)" % (content_type, ", ".join(content)))
        media = next((m for m in content if _is_json_media(m)), None)
        schema = content[media].get("schema") if media else None
        if str(status) == "200" and any(defect.list_of for defect in operation.defects):
            list_of = next(defect.list_of for defect in operation.defects if defect.list_of)
            item = {"$ref": "#/components/schemas/" + list_of}
            schema = {"anyOf": [_page_schema(item), {"type": "array", "items": item}]}
        if schema is None:
            return found
        validator = self._validator(("response", method, operation.template, str(status)), schema)
        for problem in self._schema_problems(validator, _parse_body(body)):
            report("response-body", problem)
        return found

    def check_exchange(self, method, path, query=None, request_body=None, status=None, response_body=None,
                       request_content_type=None, response_content_type=None):
        """Violations of one request and its response (the operation is matched once)."""
        method = method.upper()
        operation = self.match(method, path)
        if isinstance(operation, str):
            return [Violation(method, path, status, "operation", operation)]
        found = [
            Violation(v.method, v.path, status, v.part, v.message, v.template)
            for v in self.check_request(method, path, query, request_body, request_content_type, operation=operation)
        ]
        if status is not None:
            found.extend(self.check_response(method, path, status, response_body, response_content_type, operation=operation))
        return found

    def check_record(self, record):
        """Violations of one entry of the emulator's request log (``GET /_emulator/requests``).

        An entry is ``{"seq", "method", "path", "query": {name: [values]}, "content_type", "body", "status",
        "response", ...}``; ``response_content_type`` is used when present.
        """
        return self.check_exchange(
            record.get("method", "GET"),
            record.get("path", ""),
            query=record.get("query"),
            request_body=record.get("body"),
            status=record.get("status"),
            response_body=record.get("response"),
            request_content_type=record.get("content_type"),
            response_content_type=record.get("response_content_type"),
        )


def is_control_path(path):
    """True for the emulator's own test controls (``/_emulator/...``), which the contract does not cover."""
    return (path or "").split("?", 1)[0].startswith(CONTROL_PREFIX)
