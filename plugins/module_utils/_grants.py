# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""List-shaped grants: the user and group permissions of a project, a repository or the instance.

Internal to the bitbucket.datacenter collection: this module may change at any time.

Bitbucket grants permissions the same way at three scopes (API-MAP 3.3, its repository variant, and
section 8 ``bitbucket_global_permission``): a page of ``{user|group, permission}`` per kind, a
query-parameter PUT that sets one level for many principals, and DELETEs that revoke. One
implementation serves the three modules; a :class:`GrantScope` holds what differs between them (the
levels, the path, bulk revoke, the project default permission, and what implies a level so that a
caller may drop its own direct grant).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError, rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option
from ansible_collections.bitbucket.datacenter.plugins.module_utils._reconcile import reconcile
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import guarded_write

# Principal kinds: the option (and REST collection) and the key of the principal in a listed grant.
KINDS = (("users", "user"), ("groups", "group"))


class GrantScope:
    """What differs between project, repository and global grants.

    ``levels``: the permissions, lowest first. ``base_path(params)``: the ``.../permissions`` path.
    ``label(params)``: how messages name the scope ("project PLAT"). ``bulk_revoke``: whether
    ``DELETE .../permissions?user=..&group=..`` exists. ``default_permission``: whether the scope has a
    permission for all licensed users (projects only). ``implied(client, params, caller, level)``: whether
    the caller holds ``level`` without its direct grant, so Bitbucket lets it lower or drop that grant;
    ``None`` means never. ``implied_by``: how the docs name what implies a level, for the refusal.
    ``explain(exc, params)``: Bitbucket's refusal of a write, with what to do about it.
    """

    def __init__(self, levels, base_path, label, bulk_revoke=True, default_permission=False, implied=None, implied_by=None, explain=None):
        self.levels = list(levels)
        self.base_path = base_path
        self.label = label
        self.bulk_revoke = bulk_revoke
        self.default_permission = default_permission
        self.implied = implied
        self.implied_by = implied_by
        self.explain = explain or (lambda exc, params: exc)

    def rank(self, permission):
        return self.levels.index(permission) if permission in self.levels else -1


def principal_spec(levels):
    """The argument spec of the ``users`` and ``groups`` options."""
    return dict(
        type="list",
        elements="dict",
        default=[],
        options=dict(
            name=dict(type="str", required=True),
            permission=dict(type="str", choices=list(levels)),
        ),
    )


def grants_argument_spec(levels):
    """The options every grants module shares; a module adds its scope (project, repository...)."""
    return dict(
        users=principal_spec(levels),
        groups=principal_spec(levels),
        purge_users=dict(type="bool", default=False),
        purge_groups=dict(type="bool", default=False),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    )


def grant_key(grant):
    # Bitbucket matches user and group names without regard to case (API-MAP 3.3).
    return grant["name"].lower()


def validate(params, scope):
    present = params["state"] == "present"
    for option, _principal in KINDS:
        seen = set()
        for position, item in enumerate(params[option]):
            if not item["name"] or not item["name"].strip():
                raise invalid_option(option, "item %d has an empty name" % (position + 1))
            if present and item["permission"] is None:
                raise invalid_option(option, "%r needs a permission with state=present" % item["name"])
            if grant_key(item) in seen:
                raise invalid_option(option, "%r is listed more than once" % item["name"])
            seen.add(grant_key(item))
    if not present:
        if scope.default_permission and params.get("default_permission") is not None:
            raise invalid_option("default_permission", "only with state=present")
        for option in ("purge_users", "purge_groups"):
            if params[option]:
                raise invalid_option(option, "only with state=present; state=absent revokes the listed principals")


def read_grants(client, scope, params, option, principal):
    """Every direct grant of one kind, as ``{lower-cased name: {name, permission}}``."""
    grants = client.get_paged(scope.base_path(params) + "/" + option)
    return {entry[principal]["name"].lower(): dict(name=entry[principal]["name"], permission=entry["permission"]) for entry in grants}


def read_default(client, scope, params):
    """The highest level that all licensed users have, or "none" (API-MAP 3.3 "Default permission")."""
    permitted = []
    for permission in scope.levels:
        answer = client.get(scope.base_path(params) + "/" + permission + "/all")
        if answer and answer.get("permitted"):
            permitted.append(permission)
    return (max(permitted, key=scope.rank) if permitted else "none"), permitted


def plan_kind(params, option, current):
    """Desired vs current for one kind: ``(grants by permission, grants to revoke, grants after)``."""
    desired = [dict(name=item["name"], permission=item["permission"]) for item in params[option]]
    absent = params["state"] == "absent"
    listed = {grant_key(item) for item in desired}
    plan = reconcile(
        [] if absent else desired,
        list(current.values()),
        key=grant_key,
        equal=lambda have, want: have["permission"] == want["permission"],
        purge=absent or params["purge_" + option],
        # state=absent revokes the listed principals only: keep every grant not listed.
        keep=(lambda have: grant_key(have) not in listed) if absent else None,
    )
    grants = {}
    for item in plan.create + [want for _have, want in plan.update]:
        grants.setdefault(item["permission"], []).append(item)
    after = dict(current)
    for items in grants.values():
        for item in items:
            after[grant_key(item)] = dict(item)
    for item in plan.delete:
        after.pop(grant_key(item), None)
    return grants, plan.delete, after


class Reading:
    """The current grants of the managed kinds, the plan of each, and the default permission."""

    def __init__(self, current, plans, default_before, permitted, wanted_default):
        self.current = current
        self.plans = plans
        self.default_before = default_before
        self.permitted = permitted
        self.wanted_default = wanted_default

    @property
    def default_changes(self):
        return self.wanted_default is not None and self.default_before != self.wanted_default

    @property
    def changed(self):
        return any(grants or revokes for grants, revokes, _after in self.plans.values()) or self.default_changes

    def plan(self, option):
        return self.plans.get(option, ({}, [], {}))


def read_and_plan(client, scope, params):
    current, plans = {}, {}
    for option, principal in KINDS:
        if params[option] or params["purge_" + option]:
            current[option] = read_grants(client, scope, params, option, principal)
            plans[option] = plan_kind(params, option, current[option])
    wanted_default = params.get("default_permission") if scope.default_permission else None
    default_before, permitted = None, []
    if wanted_default is not None:
        default_before, permitted = read_default(client, scope, params)
    return Reading(current, plans, default_before, permitted, wanted_default)


def own_grant_change(scope, caller, reading):
    """``(current level, new level or None)`` when the plan lowers or revokes the caller's direct grant."""
    if caller is None:
        return None
    key = caller.lower()
    have = reading.current.get("users", {}).get(key)
    if have is None:
        return None
    user_grants, user_revokes, _after = reading.plan("users")
    for permission, items in user_grants.items():
        if any(grant_key(item) == key for item in items) and scope.rank(permission) < scope.rank(have["permission"]):
            return have["permission"], permission
    if any(grant_key(item) == key for item in user_revokes):
        return have["permission"], None
    return None


def check_own_access(client, scope, params, caller, reading):
    """Refuse, before any write, to lower or revoke the caller's own direct grant, unless something else implies it.

    Seed 004: a user may not reduce their own permission "unless they have a global permission that
    already implies that permission". The question costs one read, asked only when the plan touches
    the caller's own grant.
    """
    change = own_grant_change(scope, caller, reading)
    if change is None:
        return
    have, wanted = change
    if scope.implied is not None and scope.implied(client, params, caller, have):
        return
    where = scope.label(params)
    kept_by = " and nothing else (%s) gives it that level" % scope.implied_by if scope.implied_by else ""
    if wanted is not None:
        problem = "this would lower the permission of %s, the user running the task, on %s from %s to %s%s" % (caller, where, have, wanted, kept_by)
    else:
        problem = "this would revoke the %s grant of %s, the user running the task, on %s%s" % (have, caller, where, kept_by)
    raise invalid_option(
        "users",
        "%s; Bitbucket refuses that, so nothing was changed. List %s in users with %s to keep it, or run the task as another administrator."
        % (problem, caller, have),
    )


def caller_has(client, caller, permission, **resource):
    """Whether ``caller`` holds ``permission`` from any source (direct, group, implied by a global one).

    ``GET /api/latest/users`` with a permission filter (seed 003): the filter root names a global,
    project or repository permission, and ``permission.projectKey``/``.repositorySlug`` the resource.
    ``filter`` is a substring match, so the answer is matched exactly (API-MAP 1.5).
    """
    query = [("filter", caller), ("permission", permission)]
    for name, value in sorted(resource.items()):
        query.append(("permission." + name, value))
    users = client.get_paged(rest_path("api", "users"), params=query)
    return any(user.get("name", "").lower() == caller.lower() for user in users)


def write(client, scope, params, reading):
    base = scope.base_path(params)
    # Grants first, highest level first, so that a purge never leaves the scope without its new
    # administrators.
    for option, _principal in KINDS:
        grants = reading.plan(option)[0]
        for permission in sorted(grants, key=scope.rank, reverse=True):
            names = [item["name"] for item in grants[permission]]
            # Query parameters, not a JSON body; repeated name= sets many at once (API-MAP 3.3).
            try:
                client.put(base + "/" + option, params=[("permission", permission)] + [("name", name) for name in names])
            except BitbucketError as exc:
                raise scope.explain(exc, params) from None
    revoke_users = [item["name"] for item in reading.plan("users")[1]]
    revoke_groups = [item["name"] for item in reading.plan("groups")[1]]
    revoke(client, scope, params, revoke_users, revoke_groups)
    if reading.default_changes:
        set_default(client, scope, params, reading.wanted_default, reading.permitted)


def revoke(client, scope, params, users, groups):
    """Revoke direct grants: one bulk request where the scope has it, else (or on 404) one per principal."""
    if not users and not groups:
        return
    base = scope.base_path(params)
    if scope.bulk_revoke:
        query = [("user", name) for name in users] + [("group", name) for name in groups]
        try:
            client.delete(base, params=query)
            return
        except BitbucketError as exc:
            if exc.status != 404:
                raise scope.explain(exc, params) from None
        # API-MAP 3.3: the bulk revoke answers 404 when any listed principal is gone; revoke one by one.
    for option, names in (("users", users), ("groups", groups)):
        for name in names:
            try:
                client.delete(base + "/" + option, params=[("name", name)], missing_ok=True)
            except BitbucketError as exc:
                raise scope.explain(exc, params) from None


def set_default(client, scope, params, desired, permitted):
    """Make ``desired`` the default permission: allow it, then disallow every other level that was allowed."""
    base = scope.base_path(params)
    if desired != "none":
        client.post(base + "/" + desired + "/all", params=[("allow", "true")])
    for permission in permitted:
        if permission != desired:
            client.post(base + "/" + permission + "/all", params=[("allow", "false")])


def sorted_grants(grants):
    return sorted(grants.values(), key=lambda grant: grant["name"].lower())


def converge(context, scope):
    """``run(context)`` of a grants module."""
    params = context.params
    validate(params, scope)
    client = context.client
    caller = params["username"] if params["token"] is None else None

    reading = read_and_plan(client, scope, params)
    check_own_access(client, scope, params, caller, reading)

    if reading.changed and not context.check_mode:
        # A write may land although its answer fails (a 5xx): then read again and make only the
        # changes still missing (DESIGN "reliability"; never a blind repeat).
        pending = [reading]

        def write_pending():
            write(client, scope, params, pending[0])

        def read_what_is_left():
            pending[0] = read_and_plan(client, scope, params)
            return pending[0].changed

        guarded_write(write_pending, read_what_is_left, landed=lambda still_changed: not still_changed)

    # Only the kinds the task manages are read, and so only they are returned and diffed.
    before, after = {}, {}
    for option in reading.plans:
        before[option] = sorted_grants(reading.current[option])
        after[option] = sorted_grants(reading.plans[option][2])
    if reading.wanted_default is not None:
        before["default_permission"] = reading.default_before
        after["default_permission"] = reading.wanted_default
    return context.result(reading.changed, before, after, **after)
