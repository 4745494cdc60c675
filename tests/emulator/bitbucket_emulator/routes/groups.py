"""Groups: the admin endpoints (spec-only, API-MAP §8 bitbucket_group) and the group-name directory."""

from __future__ import annotations

from ..errors import DUPLICATE_ENTITY_EXCEPTION, INTEGRITY_EXCEPTION, PERMISSION_EXCEPTION, ApiError, bad_request
from ..permissions import global_rank, require_global, user_global_rank
from ..state import GLOBAL_PERMISSIONS, User, rank
from ..web import Route, matches_filter, user_matches
from .common import load_group, load_user, required_string, string_list
from .users import apply_membership_change, change_membership, check_membership_change


def list_admin_groups(ctx):
    # spec getGroups_1: LICENSED_USER; "only group names containing the supplied string".
    require_global(ctx.state, ctx.principal, "LICENSED_USER")
    needle = ctx.query("filter")
    groups = [group for group in ctx.state.sorted_groups() if matches_filter(needle, group.name)]
    return 200, ctx.page(groups, lambda group: group.to_rest_detailed())


def create_group(ctx):
    # spec createGroup: ADMIN; the name is a *query* parameter (API-MAP §8); 200 with the group; 409 exists.
    require_global(ctx.state, ctx.principal, "ADMIN")
    name = ctx.required_query("name")
    if name != name.strip() or len(name) > 255:
        raise bad_request("Group names cannot have leading/trailing whitespace or exceed 255 characters.", "name")
    if ctx.state.find_group(name) is not None:
        raise ApiError(409, f"A group named {name} already exists.", DUPLICATE_ENTITY_EXCEPTION)
    return 200, ctx.state.add_group(name).to_rest_detailed()


def delete_group(ctx):
    # spec deleteGroup: ADMIN; 200 with the deleted group; 403 for a group above the caller's level;
    # 409 when it "would lower the authenticated user's permission level".
    require_global(ctx.state, ctx.principal, "ADMIN")
    group = load_group(ctx.state, ctx.required_query("name"))
    state = ctx.state
    if rank(group.global_permission, GLOBAL_PERMISSIONS) > global_rank(state, ctx.principal):
        raise ApiError(403, f"You cannot delete {group.name}: it grants more than your own permission level.", PERMISSION_EXCEPTION)
    caller = ctx.principal.user
    if group.name.lower() in caller.groups:
        before = user_global_rank(state, caller)
        caller.groups.discard(group.name.lower())
        after = user_global_rank(state, caller)
        caller.groups.add(group.name.lower())
        if after < before:
            raise ApiError(409, f"Deleting {group.name} would lower your own permission level.", INTEGRITY_EXCEPTION)
    deleted = group.to_rest_detailed()
    state.remove_group(group)
    return 200, deleted


def add_user_to_group(ctx):
    # spec addUserToGroup (deprecated): UserPickerContext, "context" is the group, "itemName" the user.
    require_global(ctx.state, ctx.principal, "ADMIN")
    body = ctx.json_object()
    group = load_group(ctx.state, required_string(body, "context"))
    user = load_user(ctx.state, required_string(body, "itemName"))
    return change_membership(ctx, user, [group], add=True)


def add_users_to_group(ctx):
    # spec addUsersToGroup: GroupAndUsers {group, users[]} (users required); all or nothing.
    require_global(ctx.state, ctx.principal, "ADMIN")
    body = ctx.json_object()
    group = load_group(ctx.state, required_string(body, "group"))
    users = [load_user(ctx.state, name) for name in string_list(body, "users")]
    check_membership_change(ctx, users, [group], add=True)
    apply_membership_change(users, [group], add=True)
    return 200, None


def remove_user_from_group(ctx):
    # spec removeUserFromGroup (deprecated): UserPickerContext, "context" is the group, "itemName" the user.
    require_global(ctx.state, ctx.principal, "ADMIN")
    body = ctx.json_object()
    group = load_group(ctx.state, required_string(body, "context"))
    user = load_user(ctx.state, required_string(body, "itemName"))
    return change_membership(ctx, user, [group], add=False)


def group_members(ctx):
    # spec findUsersInGroup: `context` is the group; page of RestDetailedUser; LICENSED_USER.
    require_global(ctx.state, ctx.principal, "LICENSED_USER")
    group = load_group(ctx.state, ctx.required_query("context"))
    needle = ctx.query("filter")
    members = [user for user in ctx.state.group_members(group) if user_matches(needle, user)]
    return 200, ctx.page(members, User.to_rest_detailed)


def group_non_members(ctx):
    # spec findUsersNotInGroup: users that are *not* members of the `context` group.
    require_global(ctx.state, ctx.principal, "LICENSED_USER")
    group = load_group(ctx.state, ctx.required_query("context"))
    key = group.name.lower()
    needle = ctx.query("filter")
    others = [user for user in ctx.state.sorted_users() if key not in user.groups and user_matches(needle, user)]
    return 200, ctx.page(others, User.to_rest_detailed)


def list_group_names(ctx):
    # spec getGroups: "a page of group names" -- the values are plain strings.
    require_global(ctx.state, ctx.principal, "LICENSED_USER")
    needle = ctx.query("filter")
    names = [group.name for group in ctx.state.sorted_groups() if matches_filter(needle, group.name)]
    return 200, ctx.page(names)


ROUTES = [
    Route("GET", "/api/latest/admin/groups", list_admin_groups),
    Route("POST", "/api/latest/admin/groups", create_group),
    Route("DELETE", "/api/latest/admin/groups", delete_group),
    Route("POST", "/api/latest/admin/groups/add-user", add_user_to_group),
    Route("POST", "/api/latest/admin/groups/add-users", add_users_to_group),
    Route("POST", "/api/latest/admin/groups/remove-user", remove_user_from_group),
    Route("GET", "/api/latest/admin/groups/more-members", group_members),
    # spec findGroupsForUser (GET /admin/users/more-members). API-MAP §7 #22: the opId and summary say
    # "groups for user" while the description says "users that are not members of a group". We follow
    # the declared parameters and response: `context` is "The group which should be used to locate
    # members", `filter` matches users, the answer is a page of RestDetailedUser: the group's members.
    Route("GET", "/api/latest/admin/users/more-members", group_members),
    Route("GET", "/api/latest/admin/groups/more-non-members", group_non_members),
    Route("GET", "/api/latest/groups", list_group_names),
]
