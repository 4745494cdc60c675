"""Users: the admin endpoints (spec-only, API-MAP 3.25) and the user directory (seed 003)."""

from __future__ import annotations

import re

from ..errors import DUPLICATE_ENTITY_EXCEPTION, PERMISSION_EXCEPTION, ApiError, bad_request, no_such_user, not_permitted
from ..licensing import check_room_for
from ..permissions import global_rank, require_global, user_global_rank, user_project_rank, user_repo_rank
from ..state import DEFAULT_GROUP, GLOBAL_PERMISSIONS, PROJECT_PERMISSIONS, REPO_PERMISSIONS, User, hash_secret, rank
from ..web import Route, empty, matches_filter, user_matches
from .common import load_group, load_user, optional_string, required_string, string_list

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
_PERMISSION_ROOT = re.compile(r"^permission(\.\d+)?$")


def _check_email(value, field):
    if not _EMAIL.match(value):
        raise bad_request(f"'{value}' is not a valid e-mail address.", field)


def _guard_read_only_details(user, field="name"):
    # API-MAP 3.25 "Quirks": users of an external directory (LDAP, Crowd) have mutableDetails false.
    # updateUserDetails, updateUserPassword and renameUser document 400, 401 and 404 only; a change
    # the directory refuses is a 400 on the field that names the user.
    if not user.mutable_details:
        raise bad_request(f"{user.name} belongs to the read-only directory {user.directory}: their details cannot be changed in Bitbucket.", field)


def _guard_higher_target(ctx, target):
    # spec updateUserDetails / updateUserPassword / renameUser: 401 when the caller "has a lower
    # permission level than the user being updated".
    if user_global_rank(ctx.state, target) > global_rank(ctx.state, ctx.principal):
        raise not_permitted(f"You cannot modify {target.name}: they have a higher permission level than you.")


# -- /api/latest/admin/users -----------------------------------------------------------

def list_admin_users(ctx):
    # spec getUsers_1: LICENSED_USER may call it; filter on username, display name or e-mail.
    require_global(ctx.state, ctx.principal, "LICENSED_USER")
    needle = ctx.query("filter")
    users = [user for user in ctx.state.sorted_users() if user_matches(needle, user)]
    return 200, ctx.page(users, User.to_rest_detailed)


def create_user(ctx):
    # spec createUser: ADMIN; everything comes as query parameters (API-MAP 3.25); 204 without a body.
    require_global(ctx.state, ctx.principal, "ADMIN")
    name = ctx.required_query("name")
    display_name = ctx.required_query("displayName")
    email = ctx.required_query("emailAddress")
    _check_email(email, "emailAddress")
    notify = ctx.query_bool("notify", False)
    password = ctx.query("password")
    add_to_default = ctx.query_bool("addToDefaultGroup", True)  # spec: default true
    if notify:
        # spec: notify "can only be used if a mail server has been configured"; this emulator has none.
        raise bad_request("Cannot notify the new user: no mail server is configured.", "notify")
    if not password:
        # spec: password is "Required if the notify parameter is not present or is set to false".
        raise bad_request("A password is required when notify is not set.", "password")
    if "/" in name or name != name.strip():
        raise bad_request("Usernames cannot contain '/' or leading/trailing whitespace.", "name")
    if ctx.state.find_user(name) is not None:
        raise ApiError(409, f"A user with the name {name} already exists.", DUPLICATE_ENTITY_EXCEPTION)  # spec: 409
    default_group = ctx.state.find_group(DEFAULT_GROUP) if add_to_default else None
    if default_group is not None:
        # spec createUser 403: "Adding the user to the default group would exceed the server's license limit."
        check_room_for(ctx.state, [None], [default_group], "Adding the user to the default group would exceed the server's license limit.")
    user = ctx.state.add_user(name, display_name, email, password)
    if default_group is not None:
        user.groups.add(DEFAULT_GROUP)
    return empty(204)


def update_user(ctx):
    # spec updateUserDetails: body UserUpdate {name (selects the user), displayName, email} -> 200 RestDetailedUser.
    require_global(ctx.state, ctx.principal, "ADMIN")
    body = ctx.json_object()
    user = load_user(ctx.state, required_string(body, "name"))
    _guard_higher_target(ctx, user)
    if user.type != "NORMAL":
        raise bad_request(f"{user.name} is a service user; its details cannot be changed.", "name")
    _guard_read_only_details(user)
    display_name = optional_string(body, "displayName")
    email = optional_string(body, "email")
    if display_name is not None:
        if not display_name.strip():
            raise bad_request("displayName must not be blank.", "displayName")
        user.display_name = display_name
    if email is not None:
        _check_email(email, "email")
        user.email = email
    return 200, user.to_rest_detailed()


def delete_user(ctx):
    # spec deleteUser: ADMIN; 200 with the deleted user (API-MAP 1.6); 409 deleting yourself;
    # 403 when an ADMIN tries to delete a SYS_ADMIN.
    require_global(ctx.state, ctx.principal, "ADMIN")
    user = load_user(ctx.state, ctx.required_query("name"))
    if user.id == ctx.principal.user.id:
        raise ApiError(409, "You cannot delete yourself.", "com.atlassian.bitbucket.user.UserSelfDeletionException")
    if user_global_rank(ctx.state, user) > global_rank(ctx.state, ctx.principal):
        raise ApiError(403, f"You cannot delete {user.name}: they have a higher permission level than you.", PERMISSION_EXCEPTION)
    if not user.to_rest_detailed()["deletable"]:
        # RestDetailedUser.deletable false (an external directory's user): the closest documented
        # refusal of deleteUser is its 403 "The action was disallowed".
        raise ApiError(403, f"{user.name} belongs to the directory {user.directory} and cannot be deleted in Bitbucket.", PERMISSION_EXCEPTION)
    deleted = user.to_rest_detailed()
    ctx.state.remove_user(user)
    return 200, deleted


def update_credentials(ctx):
    # spec updateUserPassword: body AdminPasswordUpdate {name, password, passwordConfirm} -> 204.
    require_global(ctx.state, ctx.principal, "ADMIN")
    body = ctx.json_object()
    name = required_string(body, "name")
    password = required_string(body, "password")
    confirm = body.get("passwordConfirm")
    if confirm != password:
        raise bad_request("The password confirmation does not match the password.", "passwordConfirm")
    user = load_user(ctx.state, name)
    _guard_higher_target(ctx, user)
    if user.type != "NORMAL":
        raise bad_request(f"{user.name} is a service user and has no password.", "name")
    _guard_read_only_details(user)
    user.password_hash = hash_secret(password)
    return empty(204)


def rename_user(ctx):
    # spec renameUser: body UserRename {name, newName} -> 200 RestDetailedUser; the slug follows the new name.
    require_global(ctx.state, ctx.principal, "ADMIN")
    body = ctx.json_object()
    user = load_user(ctx.state, required_string(body, "name"))
    new_name = required_string(body, "newName")
    _guard_higher_target(ctx, user)
    _guard_read_only_details(user)
    other = ctx.state.find_user(new_name)
    if other is not None and other.id != user.id:
        # spec renameUser documents no 409 (only 400/401/404), so a taken name is a 400 on the field.
        raise bad_request(f"A user with the name {new_name} already exists.", "newName")
    ctx.state.rename_user(user, new_name)
    return 200, user.to_rest_detailed()


def check_membership_change(ctx, users, groups, add):
    """Refuse a membership change before any of it is made (the bulk endpoints are all or nothing).

    spec addUserToGroups & co.: ADMIN; 404 for a missing user or group (the callers' lookups); 403
    when "the groups permissions exceed the authenticated user's permission level" and, for
    additions, when "it would exceed the server's licensing limit".
    """
    caller = global_rank(ctx.state, ctx.principal)
    for group in groups:
        if rank(group.global_permission, GLOBAL_PERMISSIONS) > caller:
            raise ApiError(403, f"You cannot change membership of {group.name}: it grants more than your own permission level.", PERMISSION_EXCEPTION)
    for user in users:
        if not user.mutable_groups or user.type != "NORMAL":
            # RestDetailedUser.mutableGroups false: the directory owns the memberships (API-MAP 3.25 "Quirks");
            # the closest documented refusal of the membership endpoints is their 403 "The action was disallowed".
            raise ApiError(403, f"The group memberships of {user.name} cannot be changed: {_directory_of(user)} is read-only.", PERMISSION_EXCEPTION)
    if add:
        joining_users = [user for user in users if any(group.name.lower() not in user.groups for group in groups)]
        who = ", ".join(user.name for user in joining_users)
        names = ", ".join(group.name for group in groups)
        check_room_for(ctx.state, joining_users, groups, f"Adding {who} to {names} would exceed the server's licensing limit.")


def change_membership(ctx, user, groups, add):
    """Add a user to groups or remove them (shared with routes/groups.py); 200 with no body (spec)."""
    check_membership_change(ctx, [user], groups, add)
    apply_membership_change([user], groups, add)
    return empty(200)


def apply_membership_change(users, groups, add):
    for user in users:
        for group in groups:
            if add:
                user.groups.add(group.name.lower())
            else:
                user.groups.discard(group.name.lower())


def _directory_of(user):
    return "a service user's directory" if user.type != "NORMAL" else f"the directory {user.directory}"


def add_group_to_user(ctx):
    # spec addGroupToUser (deprecated): GroupPickerContext, "context" is the user, "itemName" the group.
    require_global(ctx.state, ctx.principal, "ADMIN")
    body = ctx.json_object()
    user = load_user(ctx.state, required_string(body, "context"))
    group = load_group(ctx.state, required_string(body, "itemName"))
    return change_membership(ctx, user, [group], add=True)


def add_user_to_groups(ctx):
    # spec addUserToGroups: UserAndGroups {user, groups[]} (groups required).
    require_global(ctx.state, ctx.principal, "ADMIN")
    body = ctx.json_object()
    user = load_user(ctx.state, required_string(body, "user"))
    groups = [load_group(ctx.state, name) for name in string_list(body, "groups")]
    return change_membership(ctx, user, groups, add=True)


def remove_group_from_user(ctx):
    # spec removeGroupFromUser: GroupPickerContext, "context" is the user, "itemName" the group.
    require_global(ctx.state, ctx.principal, "ADMIN")
    body = ctx.json_object()
    user = load_user(ctx.state, required_string(body, "context"))
    group = load_group(ctx.state, required_string(body, "itemName"))
    return change_membership(ctx, user, [group], add=False)


def users_more_non_members(ctx):
    # spec findOtherGroupsForUser: `context` is "The user which should be used to locate groups";
    # answer: a page of RestDetailedGroup the user is *not* a member of, `filter` on group names.
    require_global(ctx.state, ctx.principal, "LICENSED_USER")
    user = load_user(ctx.state, ctx.required_query("context"))
    needle = ctx.query("filter")
    groups = [group for group in ctx.state.sorted_groups()
              if group.name.lower() not in user.groups and matches_filter(needle, group.name)]
    return 200, ctx.page(groups, lambda group: group.to_rest_detailed())


# -- /api/latest/users -----------------------------------------------------------------

def _permission_filters(ctx):
    """Parse spec getUsers_2 permission filters: permission, permission.N (+ .projectKey/.projectId/.repositorySlug)."""
    filters = []
    for root in sorted(key for key in ctx.request.args if _PERMISSION_ROOT.match(key)):
        permission = ctx.query(root)
        if permission in GLOBAL_PERMISSIONS:
            filters.append(("global", permission, None, None))
            continue
        if permission not in PROJECT_PERMISSIONS and permission not in REPO_PERMISSIONS:
            raise bad_request(f"'{permission}' is not a valid permission.", root)
        project_id = ctx.query(f"{root}.projectId")
        project_key = ctx.query(f"{root}.projectKey")
        if permission in PROJECT_PERMISSIONS:
            project = _project_for_filter(ctx, root, project_id, project_key)
            filters.append(("project", permission, project, None))
            continue
        # spec: for repositories "[root].projectId - specifies the repository ID", or projectKey + repositorySlug.
        repo_slug = ctx.query(f"{root}.repositorySlug")
        project = repo = None
        if project_id is not None:
            try:
                project, repo = ctx.state.find_repository_by_id(int(project_id))
            except ValueError:
                project = repo = None
        elif project_key is not None and repo_slug is not None:
            project = ctx.state.find_project(project_key)
            repo = project.repos.get(repo_slug.lower()) if project else None
        else:
            raise bad_request(f"The {permission} filter needs {root}.projectKey and {root}.repositorySlug.", root)
        if repo is None:
            raise bad_request(f"The repository for the {root} filter does not exist.", root)
        filters.append(("repo", permission, project, repo))
    return filters


def _project_for_filter(ctx, root, project_id, project_key):
    project = None
    if project_id is not None:
        try:
            project = ctx.state.projects.get(int(project_id))
        except ValueError:
            project = None
    elif project_key is not None:
        project = ctx.state.find_project(project_key)
    else:
        raise bad_request(f"The project permission filter needs {root}.projectKey or {root}.projectId.", root)
    if project is None:
        raise bad_request(f"The project for the {root} filter does not exist.", root)
    return project


def _passes(ctx, user, filters):
    state = ctx.state
    for kind, permission, project, repo in filters:
        if kind == "global" and user_global_rank(state, user) < rank(permission, GLOBAL_PERMISSIONS):
            return False
        if kind == "project" and user_project_rank(state, user, project) < rank(permission, PROJECT_PERMISSIONS):
            return False
        if kind == "repo" and user_repo_rank(state, user, project, repo) < rank(permission, REPO_PERMISSIONS):
            return False
    return True


def list_users(ctx):
    # spec getUsers_2 ("Only authenticated users may call this resource"); API-MAP §7 #17: a standard
    # page even though the spec declares a single RestApplicationUser.
    needle = ctx.query("filter")
    group_name = ctx.query("group")
    group = ctx.state.find_group(group_name) if group_name else None
    filters = _permission_filters(ctx)
    users = []
    for user in ctx.state.sorted_users():
        if not user_matches(needle, user):
            continue
        if group_name and (group is None or group.name.lower() not in user.groups):
            continue
        if _passes(ctx, user, filters):
            users.append(user)
    return 200, ctx.page(users, User.to_rest)


def get_user(ctx, user_slug):
    # spec getUser: by slug; 404 when missing.
    user = ctx.state.find_user_by_slug(user_slug)
    if user is None:
        raise no_such_user(user_slug)
    return 200, user.to_rest()


def update_self(ctx):
    # spec updateUserDetails_1 / API-MAP 3.25: "always the calling user"; `name` in the body is ignored.
    body = ctx.json_object()
    user = ctx.principal.user
    _guard_read_only_details(user)
    display_name = optional_string(body, "displayName")
    email = optional_string(body, "email")
    if display_name is not None:
        if not display_name.strip():
            raise bad_request("displayName must not be blank.", "displayName")
        user.display_name = display_name
    if email is not None:
        _check_email(email, "email")
        user.email = email
    return 200, user.to_rest()


ROUTES = [
    Route("GET", "/api/latest/admin/users", list_admin_users),
    Route("POST", "/api/latest/admin/users", create_user, token_forbidden=True),
    Route("PUT", "/api/latest/admin/users", update_user, token_forbidden=True),
    Route("DELETE", "/api/latest/admin/users", delete_user, token_forbidden=True),
    Route("PUT", "/api/latest/admin/users/credentials", update_credentials, token_forbidden=True),
    Route("POST", "/api/latest/admin/users/rename", rename_user, token_forbidden=True),
    Route("POST", "/api/latest/admin/users/add-group", add_group_to_user),
    Route("POST", "/api/latest/admin/users/add-groups", add_user_to_groups),
    Route("POST", "/api/latest/admin/users/remove-group", remove_group_from_user),
    Route("GET", "/api/latest/admin/users/more-non-members", users_more_non_members),
    Route("GET", "/api/latest/users", list_users),
    Route("PUT", "/api/latest/users", update_self, token_forbidden=True),
    Route("GET", "/api/latest/users/{userSlug}", get_user),
]
