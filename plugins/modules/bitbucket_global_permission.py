#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_global_permission
short_description: Grant and revoke Bitbucket Data Center global permissions for users and groups
version_added: 1.0.0
description:
  - Manages who holds the instance-wide permissions V(LICENSED_USER), V(PROJECT_CREATE), V(ADMIN) and V(SYS_ADMIN), for users and
    groups, in one task.
  - With O(state=present), every listed user and group gets exactly the listed permission (higher or lower than before). With
    O(purge_users) or O(purge_groups), every other direct grant is revoked, which makes the lists authoritative.
  - With O(state=absent), every listed user and group loses its global permissions.
  - Only direct grants are managed. A user that is licensed through a group (by default the C(stash-users) group holds
    V(LICENSED_USER)) is not listed among the users and is not touched by O(purge_users).
  - User names and group names are matched exactly, without regard to case; Bitbucket's own filter is a substring match and is not relied on.
options:
  users:
    description:
      - Users and the global permission each one should have.
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
        choices: [LICENSED_USER, PROJECT_CREATE, ADMIN, SYS_ADMIN]
  groups:
    description:
      - Groups and the global permission each one should have.
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
        choices: [LICENSED_USER, PROJECT_CREATE, ADMIN, SYS_ADMIN]
  purge_users:
    description:
      - Revoke the global permissions of every user that O(users) does not list. Only with O(state=present).
      - Users that lose their direct V(LICENSED_USER) grant and are not licensed through a group can no longer log in.
    type: bool
    default: false
  purge_groups:
    description:
      - Revoke the global permissions of every group that O(groups) does not list. Only with O(state=present).
      - Purging the default group's V(LICENSED_USER) grant unlicenses every user who is licensed through it.
    type: bool
    default: false
  state:
    description:
      - V(present) grants the listed permissions; V(absent) revokes the listed users' and groups' global permissions.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs ADMIN, and at least the level granted or revoked; only a SYS_ADMIN may grant or revoke V(SYS_ADMIN).
  - Bitbucket does not let a user lower their own global permission. When the module authenticates with O(username), it refuses,
    before writing anything, a change that would lower or revoke that user's own direct grant. With O(token), or when a group change
    would lower the caller's level, Bitbucket's own refusal (HTTP 409) is reported and explained.
  - Granting V(LICENSED_USER) or higher to more users than the licence allows is refused by Bitbucket (HTTP 403); the message says so.
  - Grants of one permission level are sent in one request, whatever the list sizes. Bitbucket has no bulk revoke for global
    permissions, so each revoked user or group is one request.
seealso:
  - module: bitbucket.datacenter.bitbucket_project_permission
  - module: bitbucket.datacenter.bitbucket_repository_permission
  - name: Bitbucket Data Center REST API, global permissions
    description: The endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-permission-management/
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Who administers the instance, authoritatively
  bitbucket.datacenter.bitbucket_global_permission:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    users:
      - name: automation
        permission: SYS_ADMIN
      - name: break-glass
        permission: SYS_ADMIN
    groups:
      - name: stash-users
        permission: LICENSED_USER
      - name: bitbucket-admins
        permission: ADMIN
      - name: team-leads
        permission: PROJECT_CREATE
    purge_users: true
    purge_groups: true

- name: A contractor's account no longer counts against the licence
  bitbucket.datacenter.bitbucket_global_permission:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    users:
      - name: contractor
    state: absent
"""

RETURN = r"""
users:
  description: The direct global grants of users after the run (predicted in check mode), sorted by name.
  returned: when O(users) or O(purge_users) is set
  type: list
  elements: dict
  sample:
    - name: automation
      permission: SYS_ADMIN
groups:
  description: The global grants of groups after the run (predicted in check mode), sorted by name.
  returned: when O(groups) or O(purge_groups) is set
  type: list
  elements: dict
  sample:
    - name: stash-users
      permission: LICENSED_USER
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._grants import GrantScope, converge, grants_argument_spec
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import run_module

PERMISSIONS = ["LICENSED_USER", "PROJECT_CREATE", "ADMIN", "SYS_ADMIN"]

MODULE_SPEC = dict(argument_spec=grants_argument_spec(PERMISSIONS))


def explain_refusal(exc, params):
    """The documented refusals of the global-permission writes (spec setPermissionForUsers and friends)."""
    if exc.status == 403:
        exc.message += (
            " - Bitbucket refuses a global permission that would exceed the licence's user limit;"
            " free a licence (revoke LICENSED_USER from someone) or install a licence for more users."
        )
    elif exc.status == 409:
        exc.message += (
            " - Bitbucket refuses a change that would lower the global permission of the user running the task"
            " (directly, or through a group it belongs to); run the task as another administrator."
        )
    elif exc.status == 401:
        exc.message += " - granting or revoking a global permission needs ADMIN, and at least the level being granted or revoked."
    return exc


GLOBAL_GRANTS = GrantScope(
    levels=PERMISSIONS,
    base_path=lambda params: rest_path("api", "admin", "permissions"),
    label=lambda params: "the instance",
    # spec revokePermissionsForUser / revokePermissionsForGroup: one principal per request, no bulk form.
    bulk_revoke=False,
    # spec revokePermissionsForUser: "a user may not demote their own permission level", without exception.
    implied=None,
    explain=explain_refusal,
)


def run(context):
    return converge(context, GLOBAL_GRANTS)


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
