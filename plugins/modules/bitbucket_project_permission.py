#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_project_permission
short_description: Grant and revoke Bitbucket Data Center project permissions for users and groups
version_added: 1.0.0
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
  - Bitbucket does not let a user lower or remove their own project permission unless a global permission (ADMIN or SYS_ADMIN)
    already implies it. When the module authenticates with O(username) and the change would lower or revoke that user's own direct
    grant (for example purging the account that created the project), it asks Bitbucket once whether that user is a global
    administrator; if not, it refuses before writing anything. List that user with V(PROJECT_ADMIN) to keep the grant. With O(token),
    Bitbucket's own refusal is reported.
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

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._grants import GrantScope, caller_has, converge, grants_argument_spec
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import run_module

PERMISSIONS = ["PROJECT_READ", "PROJECT_WRITE", "PROJECT_ADMIN"]

MODULE_SPEC = dict(
    argument_spec=dict(
        project=dict(type="str", required=True, aliases=["project_key"]),
        default_permission=dict(type="str", choices=["none", "PROJECT_READ", "PROJECT_WRITE"]),
        **grants_argument_spec(PERMISSIONS)
    ),
)


def explain_refusal(exc, params):
    """Bitbucket's 403/409 for a self-lowering change, with what to do about it (API-MAP 3.3)."""
    if exc.status in (403, 409):
        exc.message += (
            " - Bitbucket refuses to lower or remove the permission of the user running the task on project %s;"
            " run the task as another administrator." % params["project"]
        )
    return exc


def implied_by_global_permission(client, params, caller, level):
    # Seed 004: the caller may drop its own grant when "a global permission already implies that
    # permission"; ADMIN (and SYS_ADMIN) imply PROJECT_ADMIN on every project, and no lower global
    # permission implies any project level.
    return caller_has(client, caller, "ADMIN")


PROJECT_GRANTS = GrantScope(
    levels=PERMISSIONS,
    base_path=lambda params: rest_path("api", "projects", params["project"], "permissions"),
    label=lambda params: "project %s" % params["project"],
    default_permission=True,
    implied=implied_by_global_permission,
    implied_by="a global ADMIN or SYS_ADMIN permission",
    explain=explain_refusal,
)


def run(context):
    return converge(context, PROJECT_GRANTS)


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
