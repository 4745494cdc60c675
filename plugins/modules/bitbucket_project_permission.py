#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_project_permission
short_description: Grant and revoke Bitbucket Data Center project permissions for users and groups
version_added: 0.1.0
description:
  - Manages the direct project permissions of users and groups, and the project's default permission for all licensed users, in one task.
  - With O(state=present), every listed user and group gets exactly the listed permission. With O(purge_users) or O(purge_groups), every
    other direct grant is revoked, which makes the lists authoritative.
  - With O(state=absent), every listed user and group loses its direct grant.
  - Only direct grants are managed. Access a user gets through a group, through the default permission or through a global permission
    (ADMIN, SYS_ADMIN) is not listed by Bitbucket and is not touched.
  - User names and group names are matched exactly, without regard to case; Bitbucket's own filter is a substring match and is not relied on.
options:
  project:
    description:
      - Key of the project.
    type: str
    required: true
    aliases: [project_key]
  users:
    description:
      - Users and the permission each one should have.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - The user name (not the slug).
        type: str
        required: true
      permission:
        description:
          - The permission. Required with O(state=present); ignored with O(state=absent).
        type: str
        choices: [PROJECT_READ, PROJECT_WRITE, PROJECT_ADMIN]
  groups:
    description:
      - Groups and the permission each one should have.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - The group name.
        type: str
        required: true
      permission:
        description:
          - The permission. Required with O(state=present); ignored with O(state=absent).
        type: str
        choices: [PROJECT_READ, PROJECT_WRITE, PROJECT_ADMIN]
  default_permission:
    description:
      - The permission every licensed user has on the project. V(none) gives them none.
      - Left as it is when not set. Only with O(state=present).
    type: str
    choices: [none, PROJECT_READ, PROJECT_WRITE]
  purge_users:
    description:
      - Revoke the direct grant of every user that O(users) does not list. Only with O(state=present).
    type: bool
    default: false
  purge_groups:
    description:
      - Revoke the direct grant of every group that O(groups) does not list. Only with O(state=present).
    type: bool
    default: false
  state:
    description:
      - V(present) grants the listed permissions; V(absent) revokes the listed users' and groups' grants.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs PROJECT_ADMIN on the project.
  - Bitbucket does not let a user lower or remove their own project permission. When the module authenticates with O(username), it
    refuses, before writing anything, a change that would lower or revoke that user's own direct grant (for example purging the
    account that created the project); list that user with V(PROJECT_ADMIN) instead. With O(token), Bitbucket's own refusal is reported.
  - Grants of one permission level are sent in one request, and purged principals are revoked in one request, whatever the list sizes.
seealso:
  - module: bitbucket.datacenter.bitbucket_project
  - name: Bitbucket Data Center REST API, project permissions
    description: The endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-project/#api-api-latest-projects-projectkey-permissions-users-put
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: The platform team's project access, authoritatively
  bitbucket.datacenter.bitbucket_project_permission:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    project: PLAT
    users:
      - name: automation
        permission: PROJECT_ADMIN
      - name: alice
        permission: PROJECT_ADMIN
    groups:
      - name: platform-developers
        permission: PROJECT_WRITE
      - name: auditors
        permission: PROJECT_READ
    default_permission: none
    purge_users: true
    purge_groups: true

- name: Someone left the team
  bitbucket.datacenter.bitbucket_project_permission:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    users:
      - name: bob
    state: absent
"""

RETURN = r"""
users:
  description: The direct user grants after the run (predicted in check mode), sorted by name.
  returned: when O(users) or O(purge_users) is set
  type: list
  elements: dict
  sample:
    - name: alice
      permission: PROJECT_ADMIN
groups:
  description: The direct group grants after the run (predicted in check mode), sorted by name.
  returned: when O(groups) or O(purge_groups) is set
  type: list
  elements: dict
  sample:
    - name: platform-developers
      permission: PROJECT_WRITE
default_permission:
  description: The default permission for all licensed users after the run; V(none) when there is none. Only read when O(default_permission) is set.
  returned: when O(default_permission) is set
  type: str
  sample: PROJECT_READ
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError, rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._reconcile import reconcile
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import guarded_write

PERMISSIONS = ["PROJECT_READ", "PROJECT_WRITE", "PROJECT_ADMIN"]
PRINCIPAL_SPEC = dict(
    type="list",
    elements="dict",
    default=[],
    options=dict(
        name=dict(type="str", required=True),
        permission=dict(type="str", choices=PERMISSIONS),
    ),
)

MODULE_SPEC = dict(
    argument_spec=dict(
        project=dict(type="str", required=True, aliases=["project_key"]),
        users=PRINCIPAL_SPEC,
        groups=PRINCIPAL_SPEC,
        default_permission=dict(type="str", choices=["none", "PROJECT_READ", "PROJECT_WRITE"]),
        purge_users=dict(type="bool", default=False),
        purge_groups=dict(type="bool", default=False),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ),
)

# Principal kinds: option name, REST collection, the key of the principal in a listed grant,
# and the query parameter of the bulk revoke (API-MAP 3.3).
KINDS = (("users", "user"), ("groups", "group"))


def rank(permission):
    return PERMISSIONS.index(permission) if permission in PERMISSIONS else -1


def validate(params):
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
        for option in ("default_permission",):
            if params[option] is not None:
                raise invalid_option(option, "only with state=present")
        for option in ("purge_users", "purge_groups"):
            if params[option]:
                raise invalid_option(option, "only with state=present; state=absent revokes the listed principals")


def read_grants(client, project, option, principal):
    """Every direct grant of one kind, as ``{name: permission}`` keyed by lower-cased name."""
    grants = client.get_paged(rest_path("api", "projects", project, "permissions", option))
    return {entry[principal]["name"].lower(): dict(name=entry[principal]["name"], permission=entry["permission"]) for entry in grants}


def read_default(client, project):
    """The highest level that all licensed users have, or "none" (API-MAP 3.3 "Default permission")."""
    permitted = []
    for permission in PERMISSIONS:
        answer = client.get(rest_path("api", "projects", project, "permissions", permission, "all"))
        if answer and answer.get("permitted"):
            permitted.append(permission)
    return (max(permitted, key=rank) if permitted else "none"), permitted


def grant_key(grant):
    # Bitbucket matches user and group names without regard to case (API-MAP 3.3).
    return grant["name"].lower()


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


def check_own_access(caller, project, user_grants, user_revokes, current_users):
    """Refuse, before any write, to lower or revoke the caller's own direct grant."""
    if caller is None:
        return
    key = caller.lower()
    have = current_users.get(key)
    if have is None:
        return
    for permission, items in user_grants.items():
        if any(item["name"].lower() == key for item in items) and rank(permission) < rank(have["permission"]):
            raise invalid_option(
                "users",
                "this would lower the permission of %s, the user running the task, on project %s from %s to %s; "
                "Bitbucket refuses that, so nothing was changed. Run it as another administrator." % (caller, project, have["permission"], permission),
            )
    if any(item["name"].lower() == key for item in user_revokes):
        raise invalid_option(
            "users",
            "this would revoke the %s grant of %s, the user running the task, on project %s; Bitbucket refuses that, so nothing was changed. "
            "List %s in users with %s to keep it." % (have["permission"], caller, project, caller, have["permission"]),
        )


def sorted_grants(grants):
    return sorted(grants.values(), key=lambda grant: grant["name"].lower())


def explain_self_lowering(exc, project):
    """Bitbucket's 403/409 for a self-lowering change, with what to do about it (API-MAP 3.3)."""
    if exc.status in (403, 409):
        exc.message += (
            " - Bitbucket refuses to lower or remove the permission of the user running the task on project %s;"
            " run the task as another administrator." % project
        )
    return exc


def read_and_plan(client, params):
    """Current grants of the managed kinds, the plan for each, and the default permission."""
    current, plans = {}, {}
    for option, principal in KINDS:
        if params[option] or params["purge_" + option]:
            current[option] = read_grants(client, params["project"], option, principal)
            plans[option] = plan_kind(params, option, current[option])
    default_before, permitted = None, []
    if params["default_permission"] is not None:
        default_before, permitted = read_default(client, params["project"])
    changed = any(grants or revokes for grants, revokes, _after in plans.values())
    changed = changed or (params["default_permission"] is not None and default_before != params["default_permission"])
    return current, plans, default_before, permitted, changed


def write(client, params, plans, default_before, permitted):
    project = params["project"]
    base = rest_path("api", "projects", project, "permissions")
    # Grants first, highest level first, so that a purge never leaves the project without its
    # new administrators.
    for option, _principal in KINDS:
        grants = plans.get(option, ({}, [], {}))[0]
        for permission in sorted(grants, key=rank, reverse=True):
            names = [item["name"] for item in grants[permission]]
            # Query parameters, not a JSON body; repeated name= sets many at once (API-MAP 3.3).
            try:
                client.put(base + "/" + option, params=[("permission", permission)] + [("name", name) for name in names])
            except BitbucketError as exc:
                raise explain_self_lowering(exc, project) from None
    revoke_users = [item["name"] for item in plans.get("users", ({}, [], {}))[1]]
    revoke_groups = [item["name"] for item in plans.get("groups", ({}, [], {}))[1]]
    revoke(client, base, project, revoke_users, revoke_groups)
    if params["default_permission"] is not None and default_before != params["default_permission"]:
        set_default(client, project, params["default_permission"], permitted)


def run(context):
    params = context.params
    validate(params)
    client = context.client
    caller = params["username"] if params["token"] is None else None

    current, plans, default_before, permitted, changed = read_and_plan(client, params)
    user_grants, user_revokes, _after = plans.get("users", ({}, [], {}))
    check_own_access(caller, params["project"], user_grants, user_revokes, current.get("users", {}))

    if changed and not context.check_mode:
        # A write may land although its answer fails (a 5xx): then read again and make only the
        # changes still missing (DESIGN "reliability"; never a blind repeat).
        pending = [plans, default_before, permitted]

        def write_pending():
            write(client, params, *pending)

        def read_what_is_left():
            _current, left, left_default, left_permitted, still_changed = read_and_plan(client, params)
            pending[:] = [left, left_default, left_permitted]
            return still_changed

        guarded_write(write_pending, read_what_is_left, landed=lambda still_changed: not still_changed)

    # Only the kinds the task manages are read, and so only they are returned and diffed.
    before, after = {}, {}
    for option in plans:
        before[option] = sorted_grants(current[option])
        after[option] = sorted_grants(plans[option][2])
    if params["default_permission"] is not None:
        before["default_permission"] = default_before
        after["default_permission"] = params["default_permission"]
    return context.result(changed, before, after, **after)


def revoke(client, base, project, users, groups):
    """Revoke direct grants: one bulk request, or one per principal if one of them no longer exists."""
    if not users and not groups:
        return
    query = [("user", name) for name in users] + [("group", name) for name in groups]
    try:
        client.delete(base, params=query)
        return
    except BitbucketError as exc:
        if exc.status != 404:
            raise explain_self_lowering(exc, project) from None
    # API-MAP 3.3: the bulk revoke answers 404 when any listed principal is gone; revoke one by one.
    for option, names in (("users", users), ("groups", groups)):
        for name in names:
            try:
                client.delete(base + "/" + option, params=[("name", name)], missing_ok=True)
            except BitbucketError as exc:
                raise explain_self_lowering(exc, project) from None


def set_default(client, project, desired, permitted):
    """Make ``desired`` the default permission: allow it, then disallow every other level that was allowed."""
    if desired != "none":
        client.post(rest_path("api", "projects", project, "permissions", desired, "all"), params=[("allow", "true")])
    for permission in permitted:
        if permission != desired:
            client.post(rest_path("api", "projects", project, "permissions", permission, "all"), params=[("allow", "false")])


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
