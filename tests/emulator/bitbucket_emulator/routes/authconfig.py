"""Identity providers, just-in-time users, login options and the SSO configuration (API-MAP 3.9, 3.10, 4).

The authconfig plugin differs from the core API (seed 000; spec getIdps, addIdp, getIdp, updateIdp,
removeIdp, getJitProvisionedUsers, getLoginOptions, getConfig, updateConfig):

* errors are ``{"message": ...}`` (ErrorEntity, API-MAP 1.4), not RestErrors;
* lists are ``{isLastPage, limit, size, start, results}`` pages with no ``nextPageStart``; ``limit``
  defaults to 50 and ``-1`` returns everything (API-MAP 1.5);
* creating an IdP answers 200 (not 201), and deleting one answers 200 with the deleted IdP (API-MAP 1.6);
* IdP fields are kebab-case, except ``buttonText`` (API-MAP 3.9).

Reading taken where the documents are silent (docs/emulator.md): the endpoints need SYS_ADMIN, and an
HTTP access token that carries its owner's global permissions (permissions.global_rank) may call them;
``login-options`` needs no authentication, because the login page lists them before anyone logs in.
"""

from __future__ import annotations

import base64
import binascii
import re

from ..auth_state import iso_timestamp
from ..errors import ApiError
from ..permissions import global_rank
from ..state import GLOBAL_PERMISSIONS, hash_secret, rank
from ..web import Route

AUTHCONFIG = "/authconfig/latest"
SYS_ADMIN_RANK = rank("SYS_ADMIN", GLOBAL_PERMISSIONS)
DEFAULT_RESULTS_LIMIT = 50  # spec getIdps/getLoginOptions: "If not passed, a page size of 50 is used."
SECRET_MASK = "********"

IDP_TYPES = ("GENERIC", "CROWD")  # spec IdpConfigEntity.idp-type
SSO_TYPES = ("NONE", "SAML", "OIDC")  # spec IdpConfigEntity.sso-type
COMMON_FIELDS = ("name", "enabled", "idp-type", "sso-type", "buttonText", "include-customer-logins", "enable-remember-me")
TYPE_FIELDS = {
    "SAML": ("sso-url", "sso-issuer", "certificate", "username-attribute", "jit-configuration"),
    "OIDC": ("issuer-url", "client-id", "discovery-enabled", "authorization-endpoint", "token-endpoint", "userinfo-endpoint",
             "additional-scopes", "username-claim", "jit-configuration"),
    "CROWD": ("crowd-url", "client-id"),
}
# API-MAP 3.9 and section 7 row 2: in the seed (the newest release) but not in the 9.4 document. A
# server older than that does not know them: the emulator drops them there, as a bean without the
# properties would, and keeps them from 9.5 on.
SEED_ONLY_FIELDS = ("sign-authnrequest", "signature-algorithm", "name-id-policy")
SEED_ONLY_SINCE = (9, 5)
BOOLEAN_FIELDS = ("enabled", "include-customer-logins", "enable-remember-me", "discovery-enabled", "sign-authnrequest")
URL_FIELDS = ("sso-url", "issuer-url", "authorization-endpoint", "token-endpoint", "userinfo-endpoint", "crowd-url")
# What each kind of IdP cannot work without (API-MAP 3.9: "the server validates per type (400 with message)").
REQUIRED = {
    "SAML": ("sso-url", "sso-issuer", "certificate"),
    "OIDC": ("issuer-url", "client-id"),
    "CROWD": ("crowd-url", "client-id"),
}
EXPLICIT_OIDC_ENDPOINTS = ("authorization-endpoint", "token-endpoint", "userinfo-endpoint")
JIT_STRINGS = ("mapping-display-name", "mapping-email", "mapping-groups")
PEM_ARMOUR = re.compile(r"-----(BEGIN|END) CERTIFICATE-----")


# -- shared by the authconfig, basicauth and tsv routes ------------------------------------------------

def message_error(status, message):
    """An ErrorEntity answer, ``{"message": ...}`` (API-MAP 1.4: authconfig, basicauth and tsv)."""
    error = ApiError(status, message)
    error.body = {"message": message}
    return error


def require_sys_admin(ctx):
    # API-MAP 1.6: Bitbucket answers 401 for a caller without the permission, in the plugin's own error body.
    if global_rank(ctx.state, ctx.principal) < SYS_ADMIN_RANK:
        raise message_error(401, "You are not permitted to access this resource; SYS_ADMIN permission is required.")


def entity_object(ctx):
    """The JSON object of the request; 400 in the plugin's error body otherwise."""
    raw = ctx.request.get_data(cache=True)
    try:
        body = ctx.json_body(required=True)
    except ApiError:
        raise message_error(400, "The request body must be a JSON object." if raw.strip() else "A JSON request body is required.") from None
    if not isinstance(body, dict):
        raise message_error(400, "The request body must be a JSON object.")
    return body


def results_page(ctx, items):
    """An authconfig page (API-MAP 1.5): ``start``, ``limit`` (default 50, ``-1`` = every result)."""
    start = _number_query(ctx, "start", 0)
    limit = _number_query(ctx, "limit", DEFAULT_RESULTS_LIMIT)
    start = max(start, 0)
    if limit == -1:
        chunk = items[start:]
    else:
        # A positive limit is capped like every page (the emulator's max_page_limit); -1 is not.
        limit = min(max(limit, 1), ctx.app.max_page_limit)
        chunk = items[start:start + limit]
    return {
        "isLastPage": start + len(chunk) >= len(items),
        "limit": limit,
        "results": chunk,
        "size": len(chunk),
        "start": start,
    }


def _number_query(ctx, name, default):
    value = ctx.query(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise message_error(400, f"The value '{value}' of '{name}' is not a number.") from None


# -- IdPs --------------------------------------------------------------------------------------------------

def idp_to_rest(ctx, idp):
    """IdpConfigEntity as seed 000 shows it: the fields set, the id, last-updated and the secret masked.

    API-MAP 3.9 (VERIFY): the schema is shared with requests, so a secret may come back; this server
    never returns it in clear but says that one is set (``client-secret`` masked), and omits it when none is.
    """
    body = dict(idp.fields, id=idp.id)
    body["last-updated"] = iso_timestamp(idp.last_updated)
    if idp.secret_hash is not None:
        body["client-secret"] = SECRET_MASK
    return body


def _load_idp(ctx, idp_id):
    # spec getIdp: the path id is a string whose value is the int64 id (API-MAP section 7 row 21).
    idp = ctx.state.auth.idps.get(int(idp_id)) if idp_id.isdigit() else None
    if idp is None:
        # API-MAP 3.9: 404 is not in the document; the plugin answers it in its own error body.
        raise message_error(404, f"No IdP configuration with ID {idp_id} exists.")
    return idp


def _kind(fields):
    return "CROWD" if fields.get("idp-type") == "CROWD" else fields.get("sso-type")


def _check_types(body):
    for name in BOOLEAN_FIELDS:
        if name in body and body[name] is not None and not isinstance(body[name], bool):
            raise message_error(400, f"{name} must be true or false.")
    for name in ("name", "buttonText", "certificate", "client-id", "client-secret", "sso-issuer", "username-attribute",
                 "username-claim", "signature-algorithm", "name-id-policy") + URL_FIELDS:
        if name in body and body[name] is not None and not isinstance(body[name], str):
            raise message_error(400, f"{name} must be a string.")
    scopes = body.get("additional-scopes")
    if scopes is not None and (not isinstance(scopes, list) or not all(isinstance(scope, str) and scope.strip() for scope in scopes)):
        raise message_error(400, "additional-scopes must be a list of scope names.")
    jit = body.get("jit-configuration")
    if jit is not None:
        if not isinstance(jit, dict):
            raise message_error(400, "jit-configuration must be an object.")
        enabled = jit.get("user-provisioning-enabled")
        if enabled is not None and not isinstance(enabled, bool):
            raise message_error(400, "jit-configuration.user-provisioning-enabled must be true or false.")
        for name in JIT_STRINGS:
            if jit.get(name) is not None and not isinstance(jit[name], str):
                raise message_error(400, f"jit-configuration.{name} must be a string.")
    for name in ("idp-type", "sso-type"):
        allowed = IDP_TYPES if name == "idp-type" else SSO_TYPES
        if body.get(name) is not None and body[name] not in allowed:
            raise message_error(400, f"{name} must be one of {', '.join(allowed)}.")


def _validate(fields, has_secret):
    """The merged IdP must be usable as its kind (API-MAP 3.9: per-type validation, 400 with a message)."""
    if not isinstance(fields.get("name"), str) or not fields["name"].strip():
        raise message_error(400, "The IdP name must not be empty.")
    if fields.get("idp-type") == "CROWD" and fields.get("sso-type") != "NONE":
        raise message_error(400, "A Crowd IdP takes sso-type NONE.")
    if fields.get("idp-type") == "GENERIC" and fields.get("sso-type") not in ("SAML", "OIDC"):
        raise message_error(400, "A GENERIC IdP takes sso-type SAML or OIDC.")
    kind = _kind(fields)
    missing = [name for name in REQUIRED[kind] if not (fields.get(name) or "").strip()]
    if kind == "OIDC" and not fields.get("discovery-enabled"):
        # API-MAP 3.9: "endpoints needed when discovery is disabled".
        missing += [name for name in EXPLICIT_OIDC_ENDPOINTS if not (fields.get(name) or "").strip()]
    if kind in ("OIDC", "CROWD") and not has_secret:
        missing.append("client-secret")
    if missing:
        raise message_error(400, f"A {kind} IdP needs {', '.join(missing)}.")
    for name in URL_FIELDS:
        if fields.get(name) and not re.match(r"^https?://[^/\s]+", fields[name]):
            raise message_error(400, f"{name} must be an http or https URL.")
    if fields.get("certificate"):
        bare = re.sub(r"\s+", "", PEM_ARMOUR.sub("", fields["certificate"]))
        try:
            valid = bool(bare) and bool(base64.b64decode(bare, validate=True))
        except (binascii.Error, ValueError):
            valid = False
        if not valid:
            raise message_error(400, "The certificate is not a valid X.509 certificate in PEM format.")


def _accepted_fields(ctx, body, kind):
    """The fields of ``body`` that the claimed version knows for this kind of IdP."""
    known = COMMON_FIELDS + TYPE_FIELDS[kind]
    if kind == "SAML" and ctx.app.version_at_least(*SEED_ONLY_SINCE):
        known += SEED_ONLY_FIELDS
    if "jit-configuration" in body and body["jit-configuration"] is not None and "jit-configuration" not in known:
        raise message_error(400, "Just-in-time provisioning is only available for SAML and OpenID Connect IdPs.")
    return {name: body[name] for name in known if name in body and body[name] is not None}


def list_idps(ctx):
    require_sys_admin(ctx)
    # spec getIdps: "no guarantees to ordering besides the ordering being consistent": by id.
    return 200, results_page(ctx, [idp_to_rest(ctx, idp) for idp in ctx.state.auth.sorted_idps()])


def create_idp(ctx):
    require_sys_admin(ctx)
    body = entity_object(ctx)
    if body.get("id") is not None:
        raise message_error(400, "The ID of a new IdP configuration must be null.")  # spec addIdp
    _check_types(body)
    body.setdefault("idp-type", "GENERIC")
    body.setdefault("sso-type", "NONE" if body["idp-type"] == "CROWD" else None)
    if body["idp-type"] == "GENERIC" and body.get("sso-type") not in ("SAML", "OIDC"):
        raise message_error(400, "A GENERIC IdP takes sso-type SAML or OIDC.")
    kind = _kind(body)
    fields = _accepted_fields(ctx, body, kind)
    for name in ("enabled", "include-customer-logins", "enable-remember-me"):
        fields.setdefault(name, False)
    if kind != "CROWD":
        jit = {"user-provisioning-enabled": False}
        jit.update({key: value for key, value in (fields.get("jit-configuration") or {}).items() if value is not None})
        fields["jit-configuration"] = jit
    if kind == "OIDC":
        fields.setdefault("discovery-enabled", False)
    secret = body.get("client-secret")
    _validate(fields, has_secret=bool(secret))
    state = ctx.state
    idp = state.auth.add_idp(fields, hash_secret(secret) if secret and kind != "SAML" else None, state.now_ms())
    return 200, idp_to_rest(ctx, idp)  # API-MAP 1.6: 200, not 201


def get_idp(ctx, id):
    require_sys_admin(ctx)
    return 200, idp_to_rest(ctx, _load_idp(ctx, id))


def update_idp(ctx, id):
    require_sys_admin(ctx)
    idp = _load_idp(ctx, id)
    body = entity_object(ctx)
    if body.get("id") is not None and str(body["id"]) != str(idp.id):
        raise message_error(400, "The ID in the request must be null or the ID in the path.")  # spec updateIdp
    _check_types(body)
    merged = dict(idp.fields)
    for name in ("idp-type", "sso-type"):
        if body.get(name) is not None:
            merged[name] = body[name]
    kind = _kind(merged)
    if kind is None:
        raise message_error(400, "A GENERIC IdP takes sso-type SAML or OIDC.")
    # spec updateIdp: "Only the provided properties will be applied"; the emulator reads that as
    # applying to the properties inside jit-configuration too.
    changes = _accepted_fields(ctx, body, kind)
    if "jit-configuration" in changes:
        jit = dict(merged.get("jit-configuration") or {"user-provisioning-enabled": False})
        jit.update({key: value for key, value in changes.pop("jit-configuration").items() if value is not None})
        merged["jit-configuration"] = jit
    merged.update(changes)
    if kind != _kind(idp.fields):
        # Another kind of IdP: the fields of the old kind no longer apply.
        keep = COMMON_FIELDS + TYPE_FIELDS[kind] + (SEED_ONLY_FIELDS if kind == "SAML" else ())
        merged = {name: value for name, value in merged.items() if name in keep}
        if kind != "CROWD":
            merged.setdefault("jit-configuration", {"user-provisioning-enabled": False})
    secret_hash = idp.secret_hash if kind != "SAML" else None
    if body.get("client-secret"):
        secret_hash = hash_secret(body["client-secret"])
    _validate(merged, has_secret=secret_hash is not None)
    idp.fields = merged
    idp.secret_hash = secret_hash
    idp.last_updated = ctx.state.now_ms()
    return 200, idp_to_rest(ctx, idp)


def delete_idp(ctx, id):
    require_sys_admin(ctx)
    idp = _load_idp(ctx, id)
    answer = idp_to_rest(ctx, idp)
    state = ctx.state
    del state.auth.idps[idp.id]
    # Users it provisioned stay (they are Bitbucket users now); they are just no longer managed by it.
    for user_id in [user_id for user_id, idp_id in state.auth.jit_users.items() if idp_id == idp.id]:
        state.auth.jit_users[user_id] = None
    return 200, answer  # API-MAP 1.6: 200 with the deleted entity


# -- JIT users, login options ----------------------------------------------------------------------------

def jit_user_to_rest(user):
    body = {"username": user.name, "display-name": user.display_name}
    if user.email:
        body["email"] = user.email
    return body


def list_jit_users(ctx):
    require_sys_admin(ctx)
    state = ctx.state
    users = [state.users[user_id] for user_id in state.auth.jit_users if user_id in state.users]
    # API-MAP section 7 row 18: documented as one JitUserEntity, described as "A list of JIT users": a list.
    return 200, [jit_user_to_rest(user) for user in sorted(users, key=lambda user: user.name.lower())]


def login_options(ctx):
    """seed 000 getLoginOptions: "Only enabled login options will be returned" - the form, then each enabled IdP."""
    state = ctx.state
    options = []
    if state.auth.sso["show-login-form"]:
        options.append({"type": "LOGIN_FORM", "buttonText": "Log in with username and password", "loginLink": ctx.base_url + "login"})
    for idp in state.auth.sorted_idps():
        if idp.fields.get("enabled"):
            options.append({
                "id": idp.id,
                "type": "IDP",
                "buttonText": idp.fields.get("buttonText") or idp.fields["name"],
                "loginLink": f"{ctx.base_url}plugins/servlet/external-login/{idp.id}",
            })
    return 200, results_page(ctx, options)


# -- SSO configuration --------------------------------------------------------------------------------------

SSO_BOOLEANS = ("show-login-form", "show-login-form-for-jsm", "enable-authentication-fallback")
# A Quartz-style cron expression (seconds first, 6 or 7 fields), as Atlassian's scheduler takes it.
CRON_FIELD = re.compile(r"^[0-9A-Za-z*?/,#LW-]+$")


def sso_to_rest(state):
    body = dict(state.auth.sso)
    if state.auth.sso_last_updated is not None:
        body["last-updated"] = iso_timestamp(state.auth.sso_last_updated)
    return body


def get_sso(ctx):
    require_sys_admin(ctx)
    return 200, sso_to_rest(ctx.state)


def update_sso(ctx):
    require_sys_admin(ctx)
    body = entity_object(ctx)
    changes = {}
    for name in SSO_BOOLEANS:
        if body.get(name) is not None:
            if not isinstance(body[name], bool):
                raise message_error(400, f"{name} must be true or false.")
            changes[name] = body[name]
    cron = body.get("discovery-refresh-cron")
    if cron is not None:
        fields = cron.split() if isinstance(cron, str) else []
        if not 6 <= len(fields) <= 7 or not all(CRON_FIELD.match(part) for part in fields):
            raise message_error(400, f"'{cron}' is not a valid cron expression.")  # spec updateConfig: 400
        changes["discovery-refresh-cron"] = cron
    state = ctx.state
    # spec updateConfig: a partial SsoConfigEntity; the properties sent are applied, the others kept.
    state.auth.sso.update(changes)
    state.auth.sso_last_updated = state.now_ms()
    return 200, sso_to_rest(state)


ROUTES = [
    Route("GET", AUTHCONFIG + "/idps", list_idps),
    Route("POST", AUTHCONFIG + "/idps", create_idp),
    Route("GET", AUTHCONFIG + "/idps/{id}", get_idp),
    Route("PATCH", AUTHCONFIG + "/idps/{id}", update_idp),
    Route("DELETE", AUTHCONFIG + "/idps/{id}", delete_idp),
    Route("GET", AUTHCONFIG + "/jit-users", list_jit_users),
    Route("GET", AUTHCONFIG + "/login-options", login_options, public=True),
    Route("GET", AUTHCONFIG + "/sso", get_sso),
    Route("PATCH", AUTHCONFIG + "/sso", update_sso),
]
