#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_repository_permission
short_description: Grant and revoke Bitbucket Data Center repository permissions for users and groups
version_added: 1.0.0
description:
  - Manages the direct permissions of users and groups on one repository, in one task.
  - With O(state=present), every listed user and group gets exactly the listed permission. With O(purge_users) or O(purge_groups), every
    other direct grant is revoked, which makes the lists authoritative.
  - With O(state=absent), every listed user and group loses its direct grant.
  - Only direct grants on the repository are managed. Access a user gets from the project (a project permission implies the same
    repository level), through a group or through a global permission is not listed by Bitbucket and is not touched.
  - Repositories have no permission for all licensed users; make a repository readable by everyone with its C(public) flag
    (the repository's own setting, not a grant).
  - User names and group names are matched exactly, without regard to case; Bitbucket's own filter is a substring match and is not relied on.
options:
  project:
    description:
      - Key of the project that holds the repository.
    type: str
    required: true
    aliases: [project_key]
  repository:
    description:
      - Slug of the repository.
    type: str
    required: true
    aliases: [repository_slug]
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
        choices: [REPO_READ, REPO_WRITE, REPO_ADMIN]
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
        choices: [REPO_READ, REPO_WRITE, REPO_ADMIN]
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
  - Needs REPO_ADMIN on the repository (or a higher project or global permission).
  - Bitbucket does not let a user lower or remove their own repository permission unless a project or global permission already
    gives them that level. When the module authenticates with O(username) and the change would lower or revoke that user's own
    direct grant, it asks Bitbucket once whether that user holds the level on the project (a global ADMIN counts); if not, it refuses
    before writing anything. With O(token), Bitbucket's own refusal is reported.
  - Grants of one permission level are sent in one request, and purged principals are revoked in one request, whatever the list sizes.
seealso:
  - module: bitbucket.datacenter.bitbucket_project_permission
  - module: bitbucket.datacenter.bitbucket_global_permission
  - name: Bitbucket Data Center REST API, repository permissions
    description: The endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-repository/
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Only the release team may administer the deployment repository
  bitbucket.datacenter.bitbucket_repository_permission:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    project: PLAT
    repository: deploy
    users:
      - name: alice
        permission: REPO_ADMIN
    groups:
      - name: release-team
        permission: REPO_WRITE
      - name: auditors
        permission: REPO_READ
    purge_users: true
    purge_groups: true

- name: A contractor no longer writes to the website
  bitbucket.datacenter.bitbucket_repository_permission:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: WEB
    repository: website
    users:
      - name: contractor
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
      permission: REPO_ADMIN
groups:
  description: The direct group grants after the run (predicted in check mode), sorted by name.
  returned: when O(groups) or O(purge_groups) is set
  type: list
  elements: dict
  sample:
    - name: release-team
      permission: REPO_WRITE
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._grants import GrantScope, caller_has, converge, grants_argument_spec
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import run_module

PERMISSIONS = ["REPO_READ", "REPO_WRITE", "REPO_ADMIN"]

MODULE_SPEC = dict(
    argument_spec=dict(
        project=dict(type="str", required=True, aliases=["project_key"]),
        repository=dict(type="str", required=True, aliases=["repository_slug"]),
        **grants_argument_spec(PERMISSIONS)
    ),
)


def explain_refusal(exc, params):
    """Bitbucket's 403/409 for a self-lowering change, with what to do about it (API-MAP 3.3, repository variant)."""
    if exc.status in (403, 409):
        exc.message += (
            " - Bitbucket refuses to lower or remove the permission of the user running the task on repository %s/%s"
            " unless a project or global permission already gives it that level; run the task as another administrator."
            % (params["project"], params["repository"])
        )
    return exc


def implied_by_project_permission(client, params, caller, level):
    # spec revokePermissionsForUser_2: "a user may not revoke their own repository permissions if they do
    # not have a higher project or global permission". PROJECT_X implies REPO_X, and a global ADMIN
    # implies PROJECT_ADMIN, so one question covers both: does the caller hold PROJECT_X on the project?
    return caller_has(client, caller, level.replace("REPO_", "PROJECT_"), projectKey=params["project"])


REPOSITORY_GRANTS = GrantScope(
    levels=PERMISSIONS,
    base_path=lambda params: rest_path("api", "projects", params["project"], "repos", params["repository"], "permissions"),
    label=lambda params: "repository %s/%s" % (params["project"], params["repository"]),
    implied=implied_by_project_permission,
    implied_by="a project or global permission",
    explain=explain_refusal,
)


def run(context):
    return converge(context, REPOSITORY_GRANTS)


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
