"""Two-step verification: the caller's status and an administrator's unenrollment of another user (API-MAP 3.12).

seed 000 / spec getStatus, getSsoManagementStatus and unenrollUser; everything else under ``/tsv`` is
interactive (API-MAP section 5) and not modelled. Enrollments are TOTP (RFC 6238, ``totp.py``); tests
enroll accounts and read their secrets through ``/_emulator/tsv``.
"""

from __future__ import annotations

from .. import totp
from ..auth_state import iso_timestamp
from ..permissions import ADMIN_RANK, global_rank
from ..web import Route, empty
from .authconfig import entity_object, message_error

TSV = "/tsv/latest"


def status(ctx):
    """spec getStatus: only about the authenticated account (the owner of a user token)."""
    enrollment = ctx.state.auth.totp.get(ctx.principal.user.id)
    method = {"type": "TOTP", "enabled": enrollment is not None}
    if enrollment is not None:
        method["enabledAt"] = iso_timestamp(enrollment.enabled_at)
    return 200, {"twoSVActive": enrollment is not None, "methods": [method]}


def sso_management_status(ctx):
    """spec getSsoManagementStatus: whether the caller's 2SV is left to the identity provider.

    Reading taken (docs/emulator.md): an account that just-in-time provisioning created, and whose IdP
    still exists, signs in through that IdP, which handles its second factor. The route is public so
    that a caller without credentials gets the documented 401 in the plugin's own body.
    """
    if ctx.principal is None:
        raise message_error(401, "Failed to retrieve SSO management status: the user is not authenticated.")
    return 200, {"isManaged": ctx.state.auth.jit_users.get(ctx.principal.user.id) is not None}


def unenroll_user(ctx, user_name):
    """spec unenrollUser: 204; 400 no enrollment; 401 invalid TOTP code; 403 yourself; 404 no such user.

    The body carries the caller's own current code (TotpElevationRestDTO), checked against the caller's
    enrollment, as an elevation for this one request. Needs ADMIN (docs/emulator.md: not documented).
    """
    state, principal = ctx.state, ctx.principal
    if global_rank(state, principal) < ADMIN_RANK:
        raise message_error(401, "You are not permitted to access this resource; ADMIN permission is required.")
    body = entity_object(ctx)
    target = state.find_user(user_name)
    if target is None:
        raise message_error(404, f"No user matches the supplied username {user_name}.")
    if target.id == principal.user.id:
        raise message_error(403, "You cannot unenroll yourself from two-step verification.")
    own = state.auth.totp.get(principal.user.id)
    code = body.get("totpCode")
    if own is None or not totp.verify(own.secret, code, state.now_ms()):
        raise message_error(401, "The TOTP code is invalid.")
    if target.id not in state.auth.totp:
        raise message_error(400, f"No two-step verification enrollment found for {target.name}.")
    del state.auth.totp[target.id]
    return empty(204)


ROUTES = [
    Route("GET", TSV + "/status", status),
    Route("GET", TSV + "/sso-management-status", sso_management_status, public=True),
    Route("DELETE", TSV + "/totp/unenroll/user/{userName}", unenroll_user),
]
