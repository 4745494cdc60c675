"""Test controls of the authentication area (listed with the others in controls.py and docs/emulator.md).

``/_emulator/tsv`` enrolls accounts in TOTP two-step verification and gives tests their secrets, from
which the tests compute codes (RFC 6238). Bitbucket's own enrollment is an interactive flow with a
person's authenticator app (API-MAP section 5), so tests cannot go through it.

``/_emulator/sso-login`` stands for a person logging in through an identity provider: with the IdP
enabled and just-in-time provisioning on, the account is created as Bitbucket would create it
(seed 000 getJitProvisionedUsers: "users created and updated automatically when they log in").
"""

from __future__ import annotations

import json

from werkzeug.wrappers import Response

from . import totp
from .auth_state import TotpEnrollment, iso_timestamp
from .state import DEFAULT_GROUP
from .web import parse_json


def _reply(status, body=None):
    if body is None:
        return Response(status=status)
    return Response(json.dumps(body), status=status, content_type="application/json")


def _error(status, message):
    return _reply(status, {"error": message})


def _object(request):
    try:
        body = parse_json(request.get_data(cache=True))
    except (ValueError, UnicodeDecodeError) as exc:
        return None, _error(400, f"invalid JSON: {exc}")
    if not isinstance(body, dict):
        return None, _error(400, "the body must be a JSON object")
    return body, None


def _enrollment_json(user, enrollment):
    return {"user": user.name, "secret": enrollment.secret, "enabled_at": enrollment.enabled_at,
            "enabledAt": iso_timestamp(enrollment.enabled_at)}


def tsv(app, request, method, rest):
    """GET: every enrollment with its secret. POST ``{"user"[, "secret", "enabled_at"]}``: enroll (201).
    DELETE ``/_emulator/tsv/{user}``: remove the enrollment."""
    state = app.state
    if method == "GET" and not rest:
        with app.lock:
            enrollments = [_enrollment_json(state.users[user_id], enrollment)
                           for user_id, enrollment in state.auth.totp.items() if user_id in state.users]
        return _reply(200, {"enrollments": sorted(enrollments, key=lambda entry: entry["user"].lower())})
    if method == "POST" and not rest:
        body, error = _object(request)
        if error:
            return error
        secret = body.get("secret")
        enabled_at = body.get("enabled_at")
        if secret is not None and (not isinstance(secret, str) or not totp.valid_secret(secret)):
            return _error(400, "secret must be a base32 string")
        if enabled_at is not None and (isinstance(enabled_at, bool) or not isinstance(enabled_at, int)):
            return _error(400, "enabled_at must be epoch milliseconds")
        with app.lock:
            user = state.find_user(body.get("user") if isinstance(body.get("user"), str) else None)
            if user is None:
                return _error(404, f"no user {body.get('user')!r}")
            enrollment = TotpEnrollment(secret=secret or totp.new_secret(state.auth.rng),
                                        enabled_at=enabled_at if enabled_at is not None else state.now_ms())
            state.auth.totp[user.id] = enrollment
            return _reply(201, _enrollment_json(user, enrollment))
    if method == "DELETE" and len(rest) == 1:
        with app.lock:
            user = state.find_user(rest[0])
            if user is None or state.auth.totp.pop(user.id, None) is None:
                return _error(404, f"no enrollment of {rest[0]!r}")
        return _reply(204)
    return _error(405, "use GET or POST /_emulator/tsv, or DELETE /_emulator/tsv/{user}")


def sso_login(app, request, method, rest):
    """POST ``{"idp": id or name, "username", "display_name"[, "email"]}``: a login through an IdP.

    200 with the account when the IdP is enabled and provisions just in time (created on the first
    login); 409 when the IdP is disabled or does not provision an unknown account; 404 for no such IdP.
    """
    if method != "POST" or rest:
        return _error(405, "use POST /_emulator/sso-login")
    body, error = _object(request)
    if error:
        return error
    username = body.get("username")
    if not isinstance(username, str) or not username.strip():
        return _error(400, "username is required")
    state = app.state
    with app.lock:
        wanted = body.get("idp")
        idp = next((idp for idp in state.auth.sorted_idps() if wanted in (idp.id, str(idp.id), idp.fields.get("name"))), None)
        if idp is None:
            return _error(404, f"no IdP {wanted!r}")
        if not idp.fields.get("enabled"):
            return _error(409, f"IdP {idp.fields['name']} is disabled")
        user = state.find_user(username)
        created = False
        if user is None:
            if not (idp.fields.get("jit-configuration") or {}).get("user-provisioning-enabled"):
                return _error(409, f"{username} has no account and IdP {idp.fields['name']} does not provision users")
            user = state.add_user(username, body.get("display_name") or username, body.get("email"), None)
            user.groups.add(DEFAULT_GROUP)  # provisioned accounts are licensed users
            state.auth.jit_users[user.id] = idp.id
            created = True
        return _reply(200, {"user": user.name, "created": created, "idp": idp.id, "jit": user.id in state.auth.jit_users})
