"""Rate-limit settings, per-user overrides and the reject history (seed 003; spec getSettings_2, setSettings_2,
getAllRateLimitSettings, set_2, get_6, set_3, delete_8, getHistory; API-MAP 3.16). Enforcement: rate_limiting.py."""

from __future__ import annotations

from ..errors import ApiError, bad_request, no_such_user, not_permitted
from ..permissions import global_rank, require_global, user_global_rank
from ..system_settings import UserRateLimit
from ..web import Route, empty, user_matches

HISTORY_ORDERS = ("NEWEST", "FREQUENCY")


def _positive(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _bucket(body, field):
    """``{capacity, fillRate}``, both positive integers (seed 003: "does not contain both capacity and fillRate",
    "are not positive integers")."""
    settings = body.get(field)
    if not isinstance(settings, dict) or "capacity" not in settings or "fillRate" not in settings:
        raise bad_request(f"{field} must contain both capacity and fillRate.", field)
    if not _positive(settings["capacity"]) or not _positive(settings["fillRate"]):
        raise bad_request("capacity and fillRate must be positive integers.", field)
    return settings["capacity"], settings["fillRate"]


def settings_to_rest(rate):
    return {"enabled": rate.enabled, "defaultSettings": {"capacity": rate.capacity, "fillRate": rate.fill_rate}}


def get_settings(ctx):
    # spec getSettings_2: "The user must be authenticated".
    if ctx.principal is None:
        raise not_permitted()
    return 200, settings_to_rest(ctx.state.rate_limits)


def set_settings(ctx):
    # spec setSettings_2: ADMIN; 400 when the request is empty, enabled is not a boolean, defaultSettings lacks
    # capacity or fillRate, or they are not positive integers. Fields left out are left as they are.
    require_global(ctx.state, ctx.principal, "ADMIN")
    body = ctx.json_body(required=False)
    if not isinstance(body, dict) or not body:
        raise bad_request("The request is empty.")
    rate = ctx.state.rate_limits
    if "enabled" in body and not isinstance(body["enabled"], bool):
        raise bad_request("enabled must be a boolean.", "enabled")
    capacity = fill_rate = None
    if "defaultSettings" in body:
        capacity, fill_rate = _bucket(body, "defaultSettings")
    if "enabled" in body:
        rate.enabled = body["enabled"]
    if capacity is not None:
        rate.capacity, rate.fill_rate = capacity, fill_rate
    return 200, settings_to_rest(rate)


def _override(body):
    """A UserRateLimit from an update request: whitelisted, or settings, never both (seed 003 400 cases)."""
    if not body:
        raise bad_request("The request is empty.")
    whitelisted = body.get("whitelisted", False)
    if not isinstance(whitelisted, bool):
        raise bad_request("whitelisted must be a boolean.", "whitelisted")
    if whitelisted:
        if body.get("settings") is not None:
            raise bad_request("Either whitelisted or settings must be provided, not both: only one must be provided.", "settings")
        return UserRateLimit(whitelisted=True)
    if body.get("settings") is None:
        raise bad_request("settings must be provided when the user is not whitelisted.", "settings")
    capacity, fill_rate = _bucket(body, "settings")
    return UserRateLimit(whitelisted=False, capacity=capacity, fill_rate=fill_rate)


def override_to_rest(user, override):
    """RestUserRateLimitSettings: the user, whitelisted, and the settings when the override has its own."""
    body = {"user": user.to_rest(), "whitelisted": override.whitelisted}
    if not override.whitelisted:
        body["settings"] = {"capacity": override.capacity, "fillRate": override.fill_rate}
    return body


def _set_override(state, user, override):
    state.rate_limits.overrides[user.id] = override
    state.rate_limits.buckets.pop(user.id, None)  # a new bucket starts full


def list_overrides(ctx):
    # spec getAllRateLimitSettings: ADMIN; "filtered by the optional filter" (a substring match, API-MAP 1.5).
    require_global(ctx.state, ctx.principal, "ADMIN")
    needle = ctx.query("filter")
    rate = ctx.state.rate_limits
    entries = []
    for user in ctx.state.sorted_users():  # overrides of deleted users are gone with them
        if user.id in rate.overrides and user_matches(needle, user):
            entries.append(override_to_rest(user, rate.overrides[user.id]))
    return 200, ctx.page(entries)


def set_overrides(ctx):
    # spec set_2: ADMIN; body {usernames, whitelisted?, settings?}; user *names*, not slugs (API-MAP 3.16); 400 when
    # no users are given or one is invalid. The spec and the seed answer one RestUserRateLimitSettings (API-MAP 3.16
    # VERIFY "likely a list"): the documented reading, the first user's.
    require_global(ctx.state, ctx.principal, "ADMIN")
    body = ctx.json_body(required=False)
    if not isinstance(body, dict) or not body:
        raise bad_request("The request is empty.")
    names = body.get("usernames")
    if not isinstance(names, list) or not names or not all(isinstance(name, str) for name in names):
        raise bad_request("No users are provided in the request.", "usernames")
    override = _override({key: value for key, value in body.items() if key != "usernames"})
    users = []
    for name in names:
        user = ctx.state.find_user(name)
        if user is None:
            raise bad_request(f"The user {name} is invalid: no such user.", "usernames")
        users.append(user)
    for user in users:
        _set_override(ctx.state, user, UserRateLimit(**vars(override)))
    return 200, override_to_rest(users[0], ctx.state.rate_limits.overrides[users[0].id])


def _user_by_slug(ctx, user_slug):
    user = ctx.state.find_user_by_slug(user_slug)
    if user is None:
        raise no_such_user(user_slug)
    return user


def get_override(ctx, user_slug):
    # spec get_6: ADMIN, or the user themselves; "A user with ADMIN permission cannot get the settings of a user
    # with SYS_ADMIN permission" (401); 404 "does not exist, or has no settings".
    user = _user_by_slug(ctx, user_slug)
    if ctx.principal.user.id != user.id:
        require_global(ctx.state, ctx.principal, "ADMIN")
        if user_global_rank(ctx.state, user) > global_rank(ctx.state, ctx.principal):
            raise not_permitted(f"You cannot read the rate limit settings of {user.name}: they have a higher permission level than you.")
    override = ctx.state.rate_limits.overrides.get(user.id)
    if override is None:
        raise ApiError(404, f"{user.name} has no user-specific rate limit settings.", "com.atlassian.bitbucket.NoSuchEntityException")
    return 200, override_to_rest(user, override)


def set_override(ctx, user_slug):
    # spec set_3: ADMIN; body {whitelisted?, settings?} with the rules of set_2.
    require_global(ctx.state, ctx.principal, "ADMIN")
    body = ctx.json_body(required=False)
    if not isinstance(body, dict):
        raise bad_request("The request is empty.")
    override = _override(body)
    user = _user_by_slug(ctx, user_slug)
    _set_override(ctx.state, user, override)
    return 200, override_to_rest(user, override)


def delete_override(ctx, user_slug):
    # spec delete_8: ADMIN; 204; 404 "does not exist, or has no settings" (API-MAP 3.16: already absent).
    require_global(ctx.state, ctx.principal, "ADMIN")
    user = _user_by_slug(ctx, user_slug)
    if ctx.state.rate_limits.overrides.pop(user.id, None) is None:
        raise ApiError(404, f"{user.name} has no user-specific rate limit settings.", "com.atlassian.bitbucket.NoSuchEntityException")
    ctx.state.rate_limits.buckets.pop(user.id, None)
    return empty(204)


def get_history(ctx):
    # spec getHistory: ADMIN; "order": NEWEST | FREQUENCY, "in descending order"; 400 for another order.
    require_global(ctx.state, ctx.principal, "ADMIN")
    order = ctx.query("order", "NEWEST")
    if order not in HISTORY_ORDERS:
        raise bad_request(f"order must be one of {', '.join(HISTORY_ORDERS)}.", "order")
    users = ctx.state.users
    counters = [(users[uid], counter) for uid, counter in ctx.state.rate_limits.history.items() if uid in users]
    if order == "NEWEST":
        counters.sort(key=lambda pair: (-pair[1].last_reject_time, pair[0].name.lower()))
    else:
        counters.sort(key=lambda pair: (-pair[1].count, -pair[1].last_reject_time, pair[0].name.lower()))
    entries = [{"user": user.to_rest(), "lastRejectTime": counter.last_reject_time, "rejectCount": counter.count} for user, counter in counters]
    return 200, ctx.page(entries)


ROUTES = [
    Route("GET", "/api/latest/admin/rate-limit/settings", get_settings),
    Route("PUT", "/api/latest/admin/rate-limit/settings", set_settings),
    Route("GET", "/api/latest/admin/rate-limit/settings/users", list_overrides),
    Route("POST", "/api/latest/admin/rate-limit/settings/users", set_overrides),
    Route("GET", "/api/latest/admin/rate-limit/settings/users/{userSlug}", get_override),
    Route("PUT", "/api/latest/admin/rate-limit/settings/users/{userSlug}", set_override),
    Route("DELETE", "/api/latest/admin/rate-limit/settings/users/{userSlug}", delete_override),
    Route("GET", "/api/latest/admin/rate-limit/history", get_history),
]
