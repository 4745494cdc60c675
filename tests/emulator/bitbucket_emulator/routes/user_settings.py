"""User settings: a map of plugin-defined keys per user (seed 003; spec getUserSettings / updateSettings; API-MAP 3.26)."""

from __future__ import annotations

from ..errors import bad_request, no_such_user, not_permitted
from ..permissions import ADMIN_RANK, global_rank
from ..web import Route, empty


def _load(ctx, user_slug):
    # spec getUserSettings 404: "The specified ... does not exist"; users are addressed by slug.
    user = ctx.state.find_user_by_slug(user_slug)
    if user is None:
        raise no_such_user(user_slug)
    return user


def _require_self_or_admin(ctx, user):
    # API-MAP 3.26: "Caller must be the user or ADMIN"; spec getUserSettings 401: "does not have
    # permission to view the settings of this user" (401 for forbidden, API-MAP 1.6).
    if ctx.principal.user.id != user.id and global_rank(ctx.state, ctx.principal) < ADMIN_RANK:
        raise not_permitted(f"You are not permitted to access the settings of {user.name}.")


def _is_setting_value(value):
    # seed 003 / spec ExampleSettingsMap: values are strings, booleans or numbers ("long key": 10).
    return isinstance(value, (str, bool, int, float))


def get_settings(ctx, user_slug):
    user = _load(ctx, user_slug)
    _require_self_or_admin(ctx, user)
    return 200, dict(sorted(user.settings.items()))


def update_settings(ctx, user_slug):
    # seed 003: "A map with the UserSettings entries which must be updated" -> 204: a merge, keys not in
    # the map are left alone (API-MAP 3.26).
    user = _load(ctx, user_slug)
    _require_self_or_admin(ctx, user)
    body = ctx.json_object()
    for key, value in body.items():
        if not key.strip():
            raise bad_request("A setting key must not be blank.")
        if value is not None and not _is_setting_value(value):
            raise bad_request(f"The value of {key} must be a string, a boolean or a number.", key)
    for key, value in body.items():
        if value is None:
            # API-MAP 3.26 VERIFY: the documents do not say what a null does. This emulator takes the
            # reading that null removes the key; the collection copes with the others (a null kept, or
            # ignored) and tests them in its unit tests.
            user.settings.pop(key, None)
        else:
            user.settings[key] = value
    return empty(204)


ROUTES = [
    Route("GET", "/api/latest/users/{userSlug}/settings", get_settings),
    Route("POST", "/api/latest/users/{userSlug}/settings", update_settings),
]
