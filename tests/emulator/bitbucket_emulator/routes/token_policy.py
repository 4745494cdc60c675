"""The administrator's maximum expiry for HTTP access tokens (seed 002; API-MAP 3.6 and section 7 row 1)::

    GET|PUT|DELETE /access-tokens/latest/admin        PUT body {"maxExpiryDays": <integer>}

Seed 002 documents each operation with a "default response" of any shape, and the 9.4 document does
not have them at all, so the endpoint exists only on versions after 9.4: on older ones it answers as
an unknown path does. Seed 002 names no first version; this emulator reads it as 9.5 (POLICY_SINCE).
The shapes it answers with are the API map's expected reading (3.6, VERIFY): GET is
``{"maxExpiryDays": N}`` when a maximum is set and an empty 204 when none is; writes answer 204.
Reading the policy is open to every user (token creators need it); changing it needs SYS_ADMIN
(API-MAP 3.6: "Probably needs SYS_ADMIN").
"""

from __future__ import annotations

from ..errors import ApiError, bad_request, error_body
from ..permissions import require_global
from ..web import Route, empty

POLICY_SINCE = (9, 5)


def _exists(ctx):
    if not ctx.app.version_at_least(*POLICY_SINCE):
        # The same answer as a path the router does not know (app.py _dispatch).
        request = ctx.request
        error = ApiError(404, "")
        error.body = error_body(f"No resource found for {request.method.upper()} {request.path}.")
        raise error


def get_policy(ctx):
    _exists(ctx)
    maximum = ctx.state.token_max_expiry_days
    if maximum is None:
        return empty(204)
    return 200, {"maxExpiryDays": maximum}


def set_policy(ctx):
    _exists(ctx)
    require_global(ctx.state, ctx.principal, "SYS_ADMIN")
    days = ctx.json_object().get("maxExpiryDays")
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise bad_request("maxExpiryDays must be a positive whole number of days.", "maxExpiryDays")
    ctx.state.token_max_expiry_days = days
    return empty(204)


def remove_policy(ctx):
    _exists(ctx)
    require_global(ctx.state, ctx.principal, "SYS_ADMIN")
    ctx.state.token_max_expiry_days = None
    return empty(204)


def check_token_expiry(state, expiry_days):
    """A new token's expiry against the policy (API-MAP 3.5: without expiryDays or above the maximum, 400)."""
    maximum = state.token_max_expiry_days
    if maximum is None:
        return
    if expiry_days is None:
        raise bad_request(f"An expiry is required: an administrator requires access tokens to expire within {maximum} days.", "expiryDays")
    if expiry_days > maximum:
        raise bad_request(f"The expiry of {expiry_days} days is longer than the {maximum} days an administrator allows for access tokens.",
                          "expiryDays")


ROUTES = [
    Route("GET", "/access-tokens/latest/admin", get_policy),
    Route("PUT", "/access-tokens/latest/admin", set_policy),
    Route("DELETE", "/access-tokens/latest/admin", remove_policy),
]
