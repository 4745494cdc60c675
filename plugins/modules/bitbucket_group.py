#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_group
short_description: Create and delete Bitbucket Data Center groups and manage their members
version_added: 1.0.0
description:
  - Makes a group of Bitbucket's internal directory exist, with the given members, or makes it not exist.
  - The group is identified by O(name), compared without regard to case as Bitbucket does.
  - With O(members), the listed users are added; with O(purge_members) too, every other member is removed, which makes the list
    authoritative. Members are listed in one task, whatever their number; additions are sent in one request.
  - Users of a read-only directory (LDAP, Crowd) and service users cannot be removed from a group here; the module fails, naming
    the directory, before anything is written.
options:
  name:
    description:
      - The group name, its identity. Bitbucket does not rename groups.
    type: str
    required: true
  members:
    description:
      - Usernames (not slugs) that must be members of the group, compared without regard to case.
      - Bitbucket refuses the whole addition when one of them does not exist.
    type: list
    elements: str
  purge_members:
    description:
      - Remove every member that O(members) does not list. Without O(members), every member is removed.
    type: bool
    default: false
  force:
    description:
      - Allow changes that can lock the account running the task out, which the module otherwise refuses before writing anything
        when it authenticates with O(username).
      - Those changes are removing that account from the group, and deleting a group it belongs to; the group may hold the
        permissions it runs with.
    type: bool
    default: false
  state:
    description:
      - V(present) creates the group and manages its members; V(absent) deletes it.
      - Bitbucket deletes a group that still holds permissions (global, project or repository grants) without asking, and those
        grants go with it. Look them up first (bitbucket.datacenter.bitbucket_project_permission_info, for example) when that matters.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs the global ADMIN permission. Bitbucket refuses to change the members of a group that grants more than the account running
    the task has, to delete the last group that makes that account an administrator, and to add members past the licensed-user limit
    when the group grants the licence; its answer is reported.
seealso:
  - module: bitbucket.datacenter.bitbucket_group_info
  - module: bitbucket.datacenter.bitbucket_user
  - name: Bitbucket Data Center REST API, permission management
    description: The admin group endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-permission-management/
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: The platform developers, exactly
  bitbucket.datacenter.bitbucket_group:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    name: platform-developers
    members: [alice, bob]
    purge_members: true

- name: Add a contractor to the auditors, leaving the other members alone
  bitbucket.datacenter.bitbucket_group:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    name: auditors
    members: [erin]

- name: Retire a group (its grants go with it)
  bitbucket.datacenter.bitbucket_group:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    name: legacy-team
    state: absent
"""

RETURN = r"""
group:
  description: The group as Bitbucket describes it after the run; in check mode, the predicted group. Empty when it does not exist.
  returned: always
  type: dict
  sample:
    name: platform-developers
    deletable: true
members:
  description: The usernames of the members after the run (predicted in check mode), sorted.
  returned: when O(members) or O(purge_members) is set
  type: list
  elements: str
  sample: [alice, bob]
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._identity import (
    ADMIN_GROUPS,
    GROUP_MEMBERS,
    add_users_to_group,
    caller_name,
    check_changeable,
    find_group,
    group_members,
    is_caller,
    name_key,
    refuse_lockout,
    remove_user_from_group,
    sync_membership,
    validate_name,
    validate_names,
)
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure, invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import guarded_delete, guarded_write

MODULE_SPEC = dict(
    argument_spec=dict(
        name=dict(type="str", required=True),
        members=dict(type="list", elements="str"),
        purge_members=dict(type="bool", default=False),
        force=dict(type="bool", default=False),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ),
)


def validate(params):
    validate_name("name", params["name"])
    validate_names("members", params["members"])
    if params["state"] == "absent":
        if params["members"] is not None:
            raise invalid_option("members", "only with state=present")
        if params["purge_members"]:
            raise invalid_option("purge_members", "only with state=present")


def explain(exc, group):
    """Bitbucket's refusals of a group change, with their documented reasons (spec deleteGroup, addUsersToGroup)."""
    if exc.status == 409:
        exc.message += " - Bitbucket refuses to delete %s because that would lower the permissions of the user running the task." % group
    elif exc.status == 403:
        exc.message += (
            " - Bitbucket refuses changes to a group that grants more than the user running the task has, and additions past the"
            " licensed-user limit."
        )
    return exc


def caller_is_member(client, group, caller):
    if caller is None:
        return False
    return any(name_key(user.get("name", "")) == name_key(caller) for user in client.get_paged(GROUP_MEMBERS, params=dict(context=group, filter=caller)))


def delete(context, group, caller):
    params = context.params
    client = context.client
    if group.get("deletable") is False:
        raise ModuleFailure("Bitbucket cannot delete %s, a group of an external directory; nothing was changed." % group["name"])
    if caller_is_member(client, group["name"], caller):
        refuse_lockout(
            params["force"], "state", "%s, the user running the task, is a member of %s, which may hold the permissions it runs with" % (caller, group["name"])
        )
    if not context.check_mode:
        guarded_delete(lambda: client.delete(ADMIN_GROUPS, params=[("name", group["name"])], missing_ok=True), lambda: find_group(client, group["name"]))


def create(context):
    client = context.client
    name = context.params["name"]
    if context.check_mode:
        return dict(name=name, deletable=True)
    try:
        # The name is a query parameter; the answer is the new group (spec createGroup).
        return guarded_write(lambda: client.post(ADMIN_GROUPS, params=[("name", name)]).body, lambda: find_group(client, name), lambda _group: True)
    except BitbucketError as exc:
        if exc.status != 409:
            raise
    return find_group(client, name)  # created meanwhile by another run: converge on it


def converge_members(context, group, created, caller):
    """Make the members right: ``(before, after, changed)`` as sorted usernames."""
    params = context.params
    client = context.client
    name = group["name"]
    current = {} if created else {name_key(user["name"]): user for user in group_members(client, name)}

    def check(_to_add, to_remove):
        for username in to_remove:
            check_changeable(current[name_key(username)], "groups")
            if is_caller(caller, username):
                refuse_lockout(
                    params["force"],
                    "purge_members",
                    "this removes %s, the user running the task, from %s, which may hold the permissions it runs with" % (caller, name),
                )

    return sync_membership(
        context,
        [user["name"] for user in current.values()],
        params["members"] or [],
        params["purge_members"],
        add=lambda users: add_users_to_group(client, name, users),
        remove=lambda username: remove_user_from_group(client, username, name),
        reread=lambda: [user["name"] for user in group_members(client, name)],
        check=check,
    )


def converge(context):
    params = context.params
    client = context.client
    caller = caller_name(params)
    group = find_group(client, params["name"])
    before = dict(name=group["name"]) if group is not None else None
    if params["state"] == "absent":
        if group is None:
            return context.result(False, None, None, group={})
        try:
            delete(context, group, caller)
        except BitbucketError as exc:
            raise explain(exc, group["name"]) from None
        return context.result(True, before, None, group={})

    created = group is None
    if created:
        group = create(context)
    after = dict(name=group["name"])
    values = dict(group=group)
    changed = created
    if params["members"] is not None or params["purge_members"]:
        try:
            members_before, members_after, members_changed = converge_members(context, group, created, caller)
        except BitbucketError as exc:
            raise explain(exc, group["name"]) from None
        changed = changed or members_changed
        if before is not None:
            before["members"] = members_before
        after["members"] = values["members"] = members_after
    return context.result(changed, before, after, **values)


def run(context):
    validate(context.params)
    return converge(context)


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
