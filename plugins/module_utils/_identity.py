# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Users and groups: lookups by name, group memberships, and the guards around them.

Internal to the bitbucket.datacenter collection: this module may change at any time.
Shared by bitbucket_user, bitbucket_user_info, bitbucket_group, bitbucket_group_info and
bitbucket_user_settings (API-MAP 3.25, 3.26 and section 8 bitbucket_group).

- Users are found by username, never by slug ("this may not be the user's username"), and groups
  by name, through the admin listings, whose ``filter`` is a substring match: the exact match, without
  regard to case as Bitbucket compares names, is made here.
- Memberships are read through the endpoints whose parameters, descriptions and answers agree:
  ``/admin/groups/more-members?context=<group>`` (the users of a group) and
  ``/admin/users/more-non-members?context=<user>`` (the groups a user is not in). The descriptions
  of ``/admin/users/more-members`` are swapped in the 9.4 document (API-MAP section 7 #22, VERIFY),
  so the collection never calls it.
- Memberships change with ``/admin/users/add-groups`` and ``/admin/groups/add-users`` (many at once),
  and ``/admin/users/remove-group``, the removal that is not deprecated (one at a time).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure, invalid_option
from ansible_collections.bitbucket.datacenter.plugins.module_utils._reconcile import reconcile
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import guarded_write

ADMIN_USERS = rest_path("api", "admin", "users")
ADMIN_GROUPS = rest_path("api", "admin", "groups")
GROUP_MEMBERS = rest_path("api", "admin", "groups", "more-members")
GROUPS_NOT_OF_USER = rest_path("api", "admin", "users", "more-non-members")
ADD_GROUPS_TO_USER = rest_path("api", "admin", "users", "add-groups")
ADD_USERS_TO_GROUP = rest_path("api", "admin", "groups", "add-users")
REMOVE_GROUP_FROM_USER = rest_path("api", "admin", "users", "remove-group")

INTERNAL_DIRECTORY = "Bitbucket Internal Directory"


def name_key(name):
    """Bitbucket compares user and group names without regard to case."""
    return name.lower()


def sorted_names(names):
    return sorted(names, key=name_key)


def find_user(client, name):
    """The user (RestDetailedUser) whose username is ``name``, or None."""
    for user in client.get_paged(ADMIN_USERS, params={"filter": name}):
        if name_key(user.get("name", "")) == name_key(name):
            return user
    return None


def find_group(client, name):
    """The group (RestDetailedGroup) named ``name``, or None."""
    for group in client.get_paged(ADMIN_GROUPS, params={"filter": name}):
        if name_key(group.get("name", "")) == name_key(name):
            return group
    return None


def group_members(client, group):
    """The members (RestDetailedUser) of ``group``, every page."""
    return client.get_paged(GROUP_MEMBERS, params={"context": group})


def every_group_name(client):
    return [group["name"] for group in client.get_paged(ADMIN_GROUPS)]


def groups_of_user(client, username, every_group=None):
    """The names of the groups ``username`` belongs to: every group but the ones the user is not in.

    Every group is read first, so that a group created in between is not taken for a membership.
    """
    if every_group is None:
        every_group = every_group_name(client)
    others = {name_key(group["name"]) for group in client.get_paged(GROUPS_NOT_OF_USER, params={"context": username})}
    return sorted_names(name for name in every_group if name_key(name) not in others)


def memberships(client, usernames):
    """``{username: [group names]}`` with the fewest reads: every group once, then one read per user or per group."""
    every_group = every_group_name(client)
    if not usernames:
        return {}
    if len(every_group) < len(usernames):
        found = {name_key(name): [] for name in usernames}
        for group in every_group:
            for member in group_members(client, group):
                found.get(name_key(member.get("name", "")), []).append(group)
        return {name: sorted_names(found[name_key(name)]) for name in usernames}
    return {name: groups_of_user(client, name, every_group) for name in usernames}


# -- set membership -------------------------------------------------------------------------------


def plan_membership(current, desired, purge):
    """``(to_add, to_remove, after)`` that make the names ``current`` hold ``desired``, and only them with ``purge``."""
    plan = reconcile(list(desired), list(current), key=name_key, equal=lambda _have, _want: True, purge=purge)
    removed = {name_key(name) for name in plan.delete}
    after = [name for name in current if name_key(name) not in removed] + plan.create
    return plan.create, plan.delete, sorted_names(after)


def converge_membership(to_add, to_remove, add, remove, replan):
    """Add ``to_add`` (one request) and remove ``to_remove`` (one request each).

    A write whose answer was lost may have landed (DESIGN "reliability"): then ``replan()`` reads
    again and returns what is still ``(to_add, to_remove)``, and only that is written.
    """
    pending = [list(to_add), list(to_remove)]

    def write():
        if pending[0]:
            add(pending[0])
        for name in pending[1]:
            remove(name)

    def read_what_is_left():
        pending[:] = [list(part) for part in replan()]
        return not (pending[0] or pending[1])

    guarded_write(write, read_what_is_left, landed=lambda done: done)


def sync_membership(context, current, desired, purge, add, remove, reread, check=None):
    """Make a membership set hold ``desired`` (only it with ``purge``): ``(before, after, changed)`` as sorted names.

    ``current``: the names now; ``add(names)`` and ``remove(name)`` write; ``reread()`` gives the names again after
    a write whose answer was lost. ``check(to_add, to_remove)`` runs before any write, in check mode too, to refuse
    what must not be done (a read-only directory, the lock-out guards).
    """
    to_add, to_remove, after = plan_membership(current, desired, purge)
    if not (to_add or to_remove):
        return sorted_names(current), after, False
    if check is not None:
        check(to_add, to_remove)
    if not context.check_mode:
        converge_membership(to_add, to_remove, add, remove, replan=lambda: plan_membership(reread(), desired, purge)[:2])
    return sorted_names(current), after, True


def add_groups_to_user(client, username, groups):
    client.post(ADD_GROUPS_TO_USER, json=dict(user=username, groups=list(groups)))


def add_users_to_group(client, group, usernames):
    client.post(ADD_USERS_TO_GROUP, json=dict(group=group, users=list(usernames)))


def remove_user_from_group(client, username, group):
    # GroupPickerContext: the context is the user, the item the group (spec removeGroupFromUser).
    client.post(REMOVE_GROUP_FROM_USER, json=dict(context=username, itemName=group))


def validate_name(option, name, username=False):
    """A user or group name as Bitbucket takes it: not empty, no surrounding spaces; a username has no '/' either."""
    if name is None:
        return
    if not name.strip() or name != name.strip():
        raise invalid_option(option, "%r is not a valid name: it must not be empty nor start or end with a space" % name)
    if username and "/" in name:
        raise invalid_option(option, "%r is not a valid username: it must not contain '/'" % name)


def validate_names(option, names):
    """A list of user or group names: none empty, none twice (in any case)."""
    seen = set()
    for position, name in enumerate(names or []):
        if not name or not name.strip():
            raise invalid_option(option, "item %d is empty" % (position + 1))
        if name_key(name) in seen:
            raise invalid_option(option, "%r is listed more than once" % name)
        seen.add(name_key(name))


# -- who may be changed -----------------------------------------------------------------------------


def caller_name(params):
    """The username the task authenticates as, or None with a token (Bitbucket does not say whose it is)."""
    return params.get("username") if params.get("token") is None else None


def is_caller(caller, name):
    return caller is not None and name is not None and name_key(caller) == name_key(name)


def directory_of(user):
    return user.get("directoryName") or "an external directory"


def check_changeable(user, part):
    """Fail before any write when Bitbucket cannot, or the collection must not, change ``part`` of ``user``.

    ``part``: ``details`` (display name, e-mail, password, name), ``groups`` or ``delete``. Service users back
    project and repository access tokens and are never changed (API-MAP 3.25). Users of a read-only
    directory (LDAP, Crowd) carry ``mutableDetails`` / ``mutableGroups`` false and ``deletable`` false.
    """
    name = user.get("name")
    if user.get("type") == "SERVICE":
        raise ModuleFailure(
            "%s is a service user, the account behind a project or repository access token; the collection never changes service users. "
            "Manage the token with bitbucket.datacenter.bitbucket_access_token instead." % name,
            user_type="SERVICE",
        )
    if part == "details" and user.get("mutableDetails") is False:
        raise ModuleFailure(
            "%s belongs to the read-only directory %s: their name, display name, e-mail address and password are managed there, "
            "not in Bitbucket; nothing was changed." % (name, directory_of(user)),
            directory=user.get("directoryName"),
        )
    if part == "groups" and user.get("mutableGroups") is False:
        raise ModuleFailure(
            "The group memberships of %s come from the read-only directory %s and cannot be changed in Bitbucket; nothing was changed."
            % (name, directory_of(user)),
            directory=user.get("directoryName"),
        )
    if part == "delete" and user.get("deletable") is False:
        raise ModuleFailure(
            "%s belongs to the directory %s and cannot be deleted in Bitbucket (the directory would bring them back); "
            "remove them from that directory instead. Nothing was changed." % (name, directory_of(user)),
            directory=user.get("directoryName"),
        )


def refuse_lockout(force, option, what):
    """The guard for a change that can lock the account running the task out: refused unless ``force``."""
    if not force:
        raise invalid_option(option, "%s. Nothing was changed; set force=true to do it anyway." % what)


def explain_token_refusal(exc, params):
    """Bitbucket's 401 for an HTTP access token on a user-account change, with what to do about it (API-MAP 1.2)."""
    if exc.status == 401 and params.get("token") is not None:
        exc.message += " - Bitbucket does not let an HTTP access token change user accounts; authenticate with username and password."
    return exc
