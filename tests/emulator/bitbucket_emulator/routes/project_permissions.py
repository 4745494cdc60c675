"""Project permissions (API-MAP 3.3, seed 004).

The user and group grants are the shared implementation in ``grants.py``; here are the project's own
parts, from API-MAP 3.3 and the spec's operation descriptions:

* Every operation needs PROJECT_ADMIN on the project (or a global ADMIN/SYS_ADMIN).
* Seed 004: a user may not reduce their own permission "unless they have a global permission that
  already implies that permission": a global ADMIN/SYS_ADMIN keeps PROJECT_ADMIN whatever happens.
* ``GET .../permissions/groups/none`` answers 202.
* The default permission for all licensed users, and the search of direct and implied permissions.
"""

from __future__ import annotations

from ..errors import bad_request
from ..permissions import ADMIN_RANK, PROJECT_ADMIN_RANK, require_project, user_global_rank, user_project_rank
from ..state import GLOBAL_PERMISSIONS, PROJECT_PERMISSIONS, rank
from ..web import Route, empty, matches_filter
from .common import load_project
from .grants import GrantTarget, grant_routes


def _admin_project(ctx, project_key):
    project = load_project(ctx.state, project_key)
    require_project(ctx.state, ctx.principal, project, "PROJECT_ADMIN")
    return project


PROJECT = GrantTarget(kind="project", levels=PROJECT_PERMISSIONS, load=_admin_project, effective_rank=user_project_rank, groups_none_status=202)


def _permission_param(value):
    if value not in PROJECT_PERMISSIONS:
        raise bad_request(f"'{value}' is not a project permission. Valid values: {', '.join(PROJECT_PERMISSIONS)}.", "permission")
    return value


# -- search, default permission ---------------------------------------------------------

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
    permission = _permission_param(permission)
    return 200, {"permitted": project.default_permission == permission}


def set_default_permission(ctx, project_key, permission):
    # spec modifyAllUserPermission: `allow=true|false` query parameter; 204. A project has one default
    # permission (the UI offers a single choice): granting a level replaces any other one, revoking a
    # level that is not the default changes nothing.
    project = _admin_project(ctx, project_key)
    permission = _permission_param(permission)
    allow = ctx.query("allow")
    if allow is None or allow.strip().lower() not in ("true", "false"):
        raise bad_request("The allow parameter must be true or false.", "allow")
    if allow.strip().lower() == "true":
        project.default_permission = permission
    elif project.default_permission == permission:
        project.default_permission = None
    return empty(204)


ROUTES = grant_routes(PROJECT, "/api/latest/projects/{projectKey}/permissions") + [
    Route("GET", "/api/latest/projects/{projectKey}/permissions/search", search),
    Route("GET", "/api/latest/projects/{projectKey}/permissions/{permission}/all", get_default_permission),
    Route("POST", "/api/latest/projects/{projectKey}/permissions/{permission}/all", set_default_permission),
]
