"""Direct user and group grants on a project or a repository: one implementation, two bindings.

Both scopes behave the same way (API-MAP 3.3 and its repository variant; spec operations
setPermissionForUsers_1 / setPermissionForUser and their siblings):

* PUT and DELETE take *query parameters* (``name`` repeatable, ``permission``); a JSON body is
  ignored, so a body-only request fails with 400 for the missing parameters.
* The lists show *direct* grants only, each with the principal's highest direct permission.
* PUT sets the level (promote or demote); it is not additive.
* The caller may not lower or remove their own effective permission: 403 on PUT, 409 on DELETE.
  Effective means from every source, so a permission that something else implies (a global
  ADMIN, or for a repository a project permission) is never refused.
* The bulk ``DELETE .../permissions?user=..&group=..`` answers 400 without principals and 404 when
  the target or any listed principal is missing.

What differs (the levels, how the target is found, the effective rank, the status of
``groups/none``) is a :class:`GrantTarget`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..errors import INTEGRITY_EXCEPTION, PERMISSION_EXCEPTION, ApiError, bad_request
from ..permissions import LICENSED_RANK, user_global_rank
from ..web import Route, empty, matches_filter, user_matches
from .common import load_group, load_user


@dataclass(frozen=True)
class GrantTarget:
    """``load(ctx, **path_args)`` finds the project or repository and checks the caller may administer
    it; ``effective_rank(state, user, target)`` is a user's permission from every source; ``levels``
    lowest first; ``kind`` names the target in messages."""

    kind: str
    levels: tuple
    load: Callable
    effective_rank: Callable
    groups_none_status: int = 200


def _permission_param(target, ctx):
    value = ctx.query("permission")
    if value is None or not value.strip():
        raise bad_request("The permission parameter is required (query parameter, not a JSON body).", "permission")
    if value not in target.levels:
        raise bad_request(f"'{value}' is not a {target.kind} permission. Valid values: {', '.join(target.levels)}.", "permission")
    return value


def _names_param(ctx, param="name"):
    names = ctx.query_list(param)
    if not names:
        raise bad_request(f"The {param} parameter is required (query parameter, not a JSON body).", param)
    return names


def _guard_self(target, ctx, grants_of, change, status, exception_name):
    """Apply ``change`` to the grants; undo it and refuse when the caller's own effective permission drops."""
    caller = ctx.principal.user
    before = target.effective_rank(ctx.state, caller, grants_of)
    saved = (dict(grants_of.user_grants), dict(grants_of.group_grants))
    change()
    if target.effective_rank(ctx.state, caller, grants_of) < before:
        grants_of.user_grants, grants_of.group_grants = saved
        raise ApiError(status, f"The action was disallowed as it would reduce your own permission level on this {target.kind}.", exception_name)


def grant_routes(target, template):
    """The grant routes of ``target`` under ``template`` (the ``.../permissions`` path)."""

    def list_user_grants(ctx, **path_args):
        holder = target.load(ctx, **path_args)
        needle = ctx.query("filter")
        users = [user for user in ctx.state.sorted_users() if user.id in holder.user_grants and user_matches(needle, user)]
        return 200, ctx.page(users, lambda user: {"user": user.to_rest(), "permission": holder.user_grants[user.id]})

    def set_user_grant(ctx, **path_args):
        holder = target.load(ctx, **path_args)
        permission = _permission_param(target, ctx)
        users = [load_user(ctx.state, name) for name in _names_param(ctx)]

        def change():
            for user in users:
                holder.user_grants[user.id] = permission

        _guard_self(target, ctx, holder, change, 403, PERMISSION_EXCEPTION)
        return empty(204)

    def revoke_user_grant(ctx, **path_args):
        holder = target.load(ctx, **path_args)
        users = [load_user(ctx.state, name) for name in _names_param(ctx)]

        def change():
            for user in users:
                holder.user_grants.pop(user.id, None)

        _guard_self(target, ctx, holder, change, 409, INTEGRITY_EXCEPTION)
        return empty(204)

    def list_users_without_grant(ctx, **path_args):
        # spec getUsersWithoutPermission(_1): "a page of *licensed* users that have no granted permissions".
        holder = target.load(ctx, **path_args)
        needle = ctx.query("filter")
        state = ctx.state
        users = [
            user for user in state.sorted_users()
            if user.id not in holder.user_grants and user.type == "NORMAL"
            and user_global_rank(state, user) >= LICENSED_RANK and user_matches(needle, user)
        ]
        return 200, ctx.page(users, lambda user: user.to_rest())

    def list_group_grants(ctx, **path_args):
        holder = target.load(ctx, **path_args)
        needle = ctx.query("filter")
        groups = [g for g in ctx.state.sorted_groups() if g.name.lower() in holder.group_grants and matches_filter(needle, g.name)]
        return 200, ctx.page(groups, lambda group: {"group": {"name": group.name}, "permission": holder.group_grants[group.name.lower()]})

    def set_group_grant(ctx, **path_args):
        holder = target.load(ctx, **path_args)
        permission = _permission_param(target, ctx)
        groups = [load_group(ctx.state, name) for name in _names_param(ctx)]

        def change():
            for group in groups:
                holder.group_grants[group.name.lower()] = permission

        _guard_self(target, ctx, holder, change, 403, PERMISSION_EXCEPTION)
        return empty(204)

    def revoke_group_grant(ctx, **path_args):
        holder = target.load(ctx, **path_args)
        groups = [load_group(ctx.state, name) for name in _names_param(ctx)]

        def change():
            for group in groups:
                holder.group_grants.pop(group.name.lower(), None)

        _guard_self(target, ctx, holder, change, 409, INTEGRITY_EXCEPTION)
        return empty(204)

    def list_groups_without_grant(ctx, **path_args):
        # API-MAP 1.6 / 3.3: the project variant answers 202, the repository variant 200.
        holder = target.load(ctx, **path_args)
        needle = ctx.query("filter")
        groups = [g for g in ctx.state.sorted_groups() if g.name.lower() not in holder.group_grants and matches_filter(needle, g.name)]
        return target.groups_none_status, ctx.page(groups, lambda group: group.to_rest_detailed())

    def revoke_all(ctx, **path_args):
        # spec revokePermissions(_1): `user` and `group` repeatable; 400 when neither is given; 404 when the
        # target or any listed principal is missing; 409 when it would revoke the caller's own permission.
        holder = target.load(ctx, **path_args)
        user_names = ctx.query_list("user")
        group_names = ctx.query_list("group")
        if not user_names and not group_names:
            raise bad_request("No users or groups were provided.")
        users = [load_user(ctx.state, name) for name in user_names]
        groups = [load_group(ctx.state, name) for name in group_names]

        def change():
            for user in users:
                holder.user_grants.pop(user.id, None)
            for group in groups:
                holder.group_grants.pop(group.name.lower(), None)

        _guard_self(target, ctx, holder, change, 409, INTEGRITY_EXCEPTION)
        return empty(204)

    return [
        Route("GET", template + "/users", list_user_grants),
        Route("PUT", template + "/users", set_user_grant),
        Route("DELETE", template + "/users", revoke_user_grant),
        Route("GET", template + "/users/none", list_users_without_grant),
        Route("GET", template + "/groups", list_group_grants),
        Route("PUT", template + "/groups", set_group_grant),
        Route("DELETE", template + "/groups", revoke_group_grant),
        Route("GET", template + "/groups/none", list_groups_without_grant),
        Route("DELETE", template, revoke_all),
    ]
