"""Project permissions (API-MAP 3.3, seed 004).

Quirks modelled here, all from API-MAP 3.3 and the spec's operation descriptions:

* PUT and DELETE take *query parameters* (``name`` repeatable, ``permission``); a JSON body is
  ignored, so a body-only request fails with 400 for the missing parameters.
* Every operation needs PROJECT_ADMIN on the project (or a global ADMIN/SYS_ADMIN).
* The lists show *direct* grants only, each with the principal's highest direct permission.
* The caller may not lower or remove their own effective permission: 403 on PUT, 409 on DELETE;
  a global ADMIN/SYS_ADMIN keeps PROJECT_ADMIN whatever happens, so they are never refused.
* ``GET .../permissions/groups/none`` answers 202.
"""

from __future__ import annotations

from ..errors import INTEGRITY_EXCEPTION, PERMISSION_EXCEPTION, ApiError, bad_request
from ..permissions import ADMIN_RANK, LICENSED_RANK, PROJECT_ADMIN_RANK, require_project, user_global_rank, user_project_rank
from ..state import GLOBAL_PERMISSIONS, PROJECT_PERMISSIONS, rank
from ..web import Route, empty, matches_filter, user_matches
from .common import load_group, load_project, load_user


def _admin_project(ctx, project_key):
    project = load_project(ctx.state, project_key)
    require_project(ctx.state, ctx.principal, project, "PROJECT_ADMIN")
    return project


def _permission_param(ctx, value):
    if value is None or not value.strip():
        raise bad_request("The permission parameter is required (query parameter, not a JSON body).", "permission")
    if value not in PROJECT_PERMISSIONS:
        raise bad_request(f"'{value}' is not a project permission. Valid values: {', '.join(PROJECT_PERMISSIONS)}.", "permission")
    return value


def _names_param(ctx, param="name"):
    names = ctx.query_list(param)
    if not names:
        raise bad_request(f"The {param} parameter is required (query parameter, not a JSON body).", param)
    return names


def _guard_self(ctx, project, change, status, exception_name):
    """Apply ``change`` to the project's grants; undo it and refuse when the caller's own permission drops.

    spec setPermissionForUsers_1: "a user may not reduce their own permission level unless they have a
    global permission that already implies that permission" (403); the revoke variants answer 409.
    """
    caller = ctx.principal.user
    before = user_project_rank(ctx.state, caller, project)
    saved = (dict(project.user_grants), dict(project.group_grants))
    change()
    if user_project_rank(ctx.state, caller, project) < before:
        project.user_grants, project.group_grants = saved
        raise ApiError(status, "The action was disallowed as it would reduce your own permission level on this project.", exception_name)


# -- users ----------------------------------------------------------------------------

def list_user_grants(ctx, project_key):
    project = _admin_project(ctx, project_key)
    needle = ctx.query("filter")
    users = [user for user in ctx.state.sorted_users() if user.id in project.user_grants and user_matches(needle, user)]
    return 200, ctx.page(users, lambda user: {"user": user.to_rest(), "permission": project.user_grants[user.id]})


def set_user_grant(ctx, project_key):
    project = _admin_project(ctx, project_key)
    permission = _permission_param(ctx, ctx.query("permission"))
    users = [load_user(ctx.state, name) for name in _names_param(ctx)]

    def change():
        for user in users:
            project.user_grants[user.id] = permission  # PUT sets the level, it is not additive

    _guard_self(ctx, project, change, 403, PERMISSION_EXCEPTION)
    return empty(204)


def revoke_user_grant(ctx, project_key):
    project = _admin_project(ctx, project_key)
    users = [load_user(ctx.state, name) for name in _names_param(ctx)]

    def change():
        for user in users:
            project.user_grants.pop(user.id, None)

    _guard_self(ctx, project, change, 409, INTEGRITY_EXCEPTION)
    return empty(204)


def list_users_without_grant(ctx, project_key):
    # spec getUsersWithoutPermission: "a page of *licensed* users that have no granted permissions".
    project = _admin_project(ctx, project_key)
    needle = ctx.query("filter")
    state = ctx.state
    users = [
        user for user in state.sorted_users()
        if user.id not in project.user_grants and user.type == "NORMAL"
        and user_global_rank(state, user) >= LICENSED_RANK and user_matches(needle, user)
    ]
    return 200, ctx.page(users, lambda user: user.to_rest())


# -- groups ---------------------------------------------------------------------------

def list_group_grants(ctx, project_key):
    project = _admin_project(ctx, project_key)
    needle = ctx.query("filter")
    groups = [g for g in ctx.state.sorted_groups() if g.name.lower() in project.group_grants and matches_filter(needle, g.name)]
    return 200, ctx.page(groups, lambda group: {"group": {"name": group.name}, "permission": project.group_grants[group.name.lower()]})


def set_group_grant(ctx, project_key):
    project = _admin_project(ctx, project_key)
    permission = _permission_param(ctx, ctx.query("permission"))
    groups = [load_group(ctx.state, name) for name in _names_param(ctx)]

    def change():
        for group in groups:
            project.group_grants[group.name.lower()] = permission

    _guard_self(ctx, project, change, 403, PERMISSION_EXCEPTION)
    return empty(204)


def revoke_group_grant(ctx, project_key):
    project = _admin_project(ctx, project_key)
    groups = [load_group(ctx.state, name) for name in _names_param(ctx)]

    def change():
        for group in groups:
            project.group_grants.pop(group.name.lower(), None)

    _guard_self(ctx, project, change, 409, INTEGRITY_EXCEPTION)
    return empty(204)


def list_groups_without_grant(ctx, project_key):
    # spec getGroupsWithoutAnyPermission_1 / API-MAP 1.6: a GET that answers 202.
    project = _admin_project(ctx, project_key)
    needle = ctx.query("filter")
    groups = [g for g in ctx.state.sorted_groups() if g.name.lower() not in project.group_grants and matches_filter(needle, g.name)]
    return 202, ctx.page(groups, lambda group: group.to_rest_detailed())


# -- bulk revoke, search, default permission --------------------------------------------

def revoke_all(ctx, project_key):
    # spec revokePermissions: `user` and `group` repeatable; 400 when neither is given; 404 when the
    # project or any listed principal is missing; 409 when it would revoke the caller's own permission.
    project = _admin_project(ctx, project_key)
    user_names = ctx.query_list("user")
    group_names = ctx.query_list("group")
    if not user_names and not group_names:
        raise bad_request("No users or groups were provided.")
    users = [load_user(ctx.state, name) for name in user_names]
    groups = [load_group(ctx.state, name) for name in group_names]

    def change():
        for user in users:
            project.user_grants.pop(user.id, None)
        for group in groups:
            project.group_grants.pop(group.name.lower(), None)

    _guard_self(ctx, project, change, 409, INTEGRITY_EXCEPTION)
    return empty(204)


def search(ctx, project_key):
    # spec searchPermissions: "direct and implied permissions of principals"; undeclared schema
    # (API-MAP §7 #19), answered as a standard page of {"user"|"group", "permission"} entries where
    # permission is the highest one that applies (a global ADMIN/SYS_ADMIN shows as such).
    project = _admin_project(ctx, project_key)
    state = ctx.state
    wanted = ctx.query_list("permission")
    for value in wanted:
        if value not in PROJECT_PERMISSIONS and value not in GLOBAL_PERMISSIONS:
            raise bad_request(f"'{value}' is not a project or global permission.", "permission")
    kind = (ctx.query("type") or "").upper()
    if kind not in ("", "USER", "GROUP"):
        raise bad_request("type must be USER or GROUP.", "type")
    needle = ctx.query("filterText")
    entries = []
    if kind in ("", "USER"):
        for user in state.sorted_users():
            global_level = user_global_rank(state, user)
            project_level = user_project_rank(state, user, project)
            if project_level == 0 or not matches_filter(needle, user.name, user.display_name):
                continue
            if _search_matches(wanted, global_level, project_level):
                entries.append({"user": user.to_rest(), "permission": _highest(global_level, project_level)})
    if kind in ("", "GROUP"):
        for group in state.sorted_groups():
            global_level = rank(group.global_permission, GLOBAL_PERMISSIONS)
            project_level = rank(project.group_grants.get(group.name.lower()), PROJECT_PERMISSIONS)
            if global_level >= ADMIN_RANK:
                project_level = PROJECT_ADMIN_RANK
            if project_level == 0 or not matches_filter(needle, group.name):
                continue
            if _search_matches(wanted, global_level, project_level):
                entries.append({"group": {"name": group.name}, "permission": _highest(global_level, project_level)})
    return 200, ctx.page(entries)


def _highest(global_level, project_level):
    if global_level >= ADMIN_RANK:
        return GLOBAL_PERMISSIONS[global_level - 1]
    return PROJECT_PERMISSIONS[project_level - 1]


def _search_matches(wanted, global_level, project_level):
    """A principal matches when it holds (directly or implied) any of the permissions asked for."""
    if not wanted:
        return True
    for value in wanted:
        if value in GLOBAL_PERMISSIONS and global_level >= rank(value, GLOBAL_PERMISSIONS):
            return True
        if value in PROJECT_PERMISSIONS and project_level >= rank(value, PROJECT_PERMISSIONS):
            return True
    return False


def get_default_permission(ctx, project_key, permission):
    # spec hasAllUserPermission: "Check whether the specified permission is the default permission".
    # Choice: true only for the level that is the default (not for lower levels it implies), so the
    # API-MAP 3.3 algorithm (the effective default is the highest level reporting true) reads it back.
    project = _admin_project(ctx, project_key)
    permission = _permission_param(ctx, permission)
    return 200, {"permitted": project.default_permission == permission}


def set_default_permission(ctx, project_key, permission):
    # spec modifyAllUserPermission: `allow=true|false` query parameter; 204. A project has one default
    # permission (the UI offers a single choice): granting a level replaces any other one, revoking a
    # level that is not the default changes nothing.
    project = _admin_project(ctx, project_key)
    permission = _permission_param(ctx, permission)
    allow = ctx.query("allow")
    if allow is None or allow.strip().lower() not in ("true", "false"):
        raise bad_request("The allow parameter must be true or false.", "allow")
    if allow.strip().lower() == "true":
        project.default_permission = permission
    elif project.default_permission == permission:
        project.default_permission = None
    return empty(204)


ROUTES = [
    Route("GET", "/api/latest/projects/{projectKey}/permissions/users", list_user_grants),
    Route("PUT", "/api/latest/projects/{projectKey}/permissions/users", set_user_grant),
    Route("DELETE", "/api/latest/projects/{projectKey}/permissions/users", revoke_user_grant),
    Route("GET", "/api/latest/projects/{projectKey}/permissions/users/none", list_users_without_grant),
    Route("GET", "/api/latest/projects/{projectKey}/permissions/groups", list_group_grants),
    Route("PUT", "/api/latest/projects/{projectKey}/permissions/groups", set_group_grant),
    Route("DELETE", "/api/latest/projects/{projectKey}/permissions/groups", revoke_group_grant),
    Route("GET", "/api/latest/projects/{projectKey}/permissions/groups/none", list_groups_without_grant),
    Route("DELETE", "/api/latest/projects/{projectKey}/permissions", revoke_all),
    Route("GET", "/api/latest/projects/{projectKey}/permissions/search", search),
    Route("GET", "/api/latest/projects/{projectKey}/permissions/{permission}/all", get_default_permission),
    Route("POST", "/api/latest/projects/{projectKey}/permissions/{permission}/all", set_default_permission),
]
