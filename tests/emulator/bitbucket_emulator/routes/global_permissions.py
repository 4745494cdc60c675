"""Global permissions (spec-only, API-MAP §8 bitbucket_global_permission).

Not in the brief's list, but the permission model needs a way to make a user PROJECT_CREATE or
ADMIN through the API, and these endpoints follow the same "query parameters, not a body" pattern
as project permissions: ``PUT /api/latest/admin/permissions/users?name=..&permission=..`` -> 204.
"""

from __future__ import annotations

from ..errors import INTEGRITY_EXCEPTION, PERMISSION_EXCEPTION, ApiError, bad_request, not_permitted
from ..licensing import licensed_user_count
from ..permissions import global_rank, require_global, user_global_rank
from ..state import GLOBAL_PERMISSIONS, rank
from ..web import Route, check_global_permission_name, empty, matches_filter, user_matches
from .common import load_group, load_user


def _names(ctx):
    names = ctx.query_list("name")
    if not names:
        raise bad_request("At least one name must be provided.", "name")
    return names


def _apply_guarded(ctx, change):
    """Run ``change()`` and undo it when it lowers the caller's own global permission (spec: 409), or
    when it licenses more users than the licence allows (spec setPermissionForUsers/-Groups: 403 "would
    exceed the server's license limits"; the limit is licensing.py's)."""
    caller = ctx.principal.user
    before = user_global_rank(ctx.state, caller)
    licensed_before = licensed_user_count(ctx.state)
    undo = change()
    if user_global_rank(ctx.state, caller) < before:
        undo()
        raise ApiError(409, "The change would reduce your own permission level.", INTEGRITY_EXCEPTION)
    limit = ctx.state.licensed_user_limit
    licensed_after = licensed_user_count(ctx.state)
    if limit is not None and licensed_after > licensed_before and licensed_after > limit:
        undo()
        raise ApiError(403, f"The action was disallowed as it would exceed the server's license limits ({limit} licensed users).", PERMISSION_EXCEPTION)


def _guard_level(ctx, current, wanted_rank=0):
    # spec setPermissionForUsers: 401 when the caller "doesn't have the specified permission they are
    # attempting to grant"; the same applies to changing a principal that holds more than the caller.
    caller_rank = global_rank(ctx.state, ctx.principal)
    if wanted_rank > caller_rank or rank(current, GLOBAL_PERMISSIONS) > caller_rank:
        raise not_permitted("You cannot grant or revoke a global permission higher than your own.")


def list_user_grants(ctx):
    # spec getUsersWithAnyPermission: ADMIN; direct grants with the highest global permission.
    require_global(ctx.state, ctx.principal, "ADMIN")
    needle = ctx.query("filter")
    users = [u for u in ctx.state.sorted_users() if u.global_permission and user_matches(needle, u)]
    return 200, ctx.page(users, lambda user: {"user": user.to_rest(), "permission": user.global_permission})


def list_users_without_grant(ctx):
    require_global(ctx.state, ctx.principal, "ADMIN")
    needle = ctx.query("filter")
    users = [u for u in ctx.state.sorted_users() if not u.global_permission and u.type == "NORMAL" and user_matches(needle, u)]
    return 200, ctx.page(users, lambda user: user.to_rest())


def _set_grants(ctx, load):
    """Give the named users or groups (``load`` finds one by name) the global permission of the query."""
    require_global(ctx.state, ctx.principal, "ADMIN")
    names = _names(ctx)
    permission = ctx.required_query("permission")
    wanted = check_global_permission_name(permission)
    holders = [load(ctx.state, name) for name in names]
    for holder in holders:
        _guard_level(ctx, holder.global_permission, wanted)

    def change():
        previous = [holder.global_permission for holder in holders]
        for holder in holders:
            holder.global_permission = permission

        def undo():
            for holder, permission_before in zip(holders, previous):
                holder.global_permission = permission_before
        return undo

    _apply_guarded(ctx, change)
    return empty(204)


def _revoke_grant(ctx, load):
    require_global(ctx.state, ctx.principal, "ADMIN")
    holder = load(ctx.state, ctx.required_query("name"))
    _guard_level(ctx, holder.global_permission)

    def change():
        previous = holder.global_permission
        holder.global_permission = None

        def undo():
            holder.global_permission = previous
        return undo

    _apply_guarded(ctx, change)
    return empty(204)


def set_user_grant(ctx):
    # spec setPermissionForUsers: query `name` (array) and `permission`; 204; 404 unknown user.
    return _set_grants(ctx, load_user)


def revoke_user_grant(ctx):
    return _revoke_grant(ctx, load_user)


def list_group_grants(ctx):
    require_global(ctx.state, ctx.principal, "ADMIN")
    needle = ctx.query("filter")
    groups = [g for g in ctx.state.sorted_groups() if g.global_permission and matches_filter(needle, g.name)]
    return 200, ctx.page(groups, lambda group: {"group": {"name": group.name}, "permission": group.global_permission})


def list_groups_without_grant(ctx):
    require_global(ctx.state, ctx.principal, "ADMIN")
    needle = ctx.query("filter")
    groups = [g for g in ctx.state.sorted_groups() if not g.global_permission and matches_filter(needle, g.name)]
    return 200, ctx.page(groups, lambda group: group.to_rest_detailed())


def set_group_grant(ctx):
    return _set_grants(ctx, load_group)


def revoke_group_grant(ctx):
    return _revoke_grant(ctx, load_group)


ROUTES = [
    Route("GET", "/api/latest/admin/permissions/users", list_user_grants),
    Route("PUT", "/api/latest/admin/permissions/users", set_user_grant),
    Route("DELETE", "/api/latest/admin/permissions/users", revoke_user_grant),
    Route("GET", "/api/latest/admin/permissions/users/none", list_users_without_grant),
    Route("GET", "/api/latest/admin/permissions/groups", list_group_grants),
    Route("PUT", "/api/latest/admin/permissions/groups", set_group_grant),
    Route("DELETE", "/api/latest/admin/permissions/groups", revoke_group_grant),
    Route("GET", "/api/latest/admin/permissions/groups/none", list_groups_without_grant),
]
