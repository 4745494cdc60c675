#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_user_info
short_description: List Bitbucket Data Center users or read one
version_added: 1.0.0
description:
  - Returns one user by username or by slug, or every user that matches the filters given (every page, at the largest page size
    the server grants), optionally with the groups each one belongs to.
  - Users found by O(name), or listed with at most O(filter), come from the administration listing and carry their directory
    (C(directoryName), C(mutableDetails), C(mutableGroups), C(deletable)); users found by O(slug), O(group) or O(permission) come
    from the user directory, which gives the basic fields only.
options:
  name:
    description:
      - Username of the one user to return (exact, without regard to case). When it does not exist, RV(users) is empty and the
        task does not fail.
      - Mutually exclusive with the other selections.
    type: str
  slug:
    description:
      - Slug of the one user to return. The slug is not always the username. Mutually exclusive with the other selections.
    type: str
  filter:
    description:
      - Return only users whose username, display name or e-mail address contains this text (Bitbucket's own filter, case-insensitive).
    type: str
  group:
    description:
      - Return only the members of this group.
    type: str
  permission:
    description:
      - Return only users who hold at least this permission, from any source (directly, through a group, or implied).
      - A project permission needs O(project); a repository permission needs O(project) and O(repository).
    type: str
    choices: [LICENSED_USER, PROJECT_CREATE, ADMIN, SYS_ADMIN, PROJECT_READ, PROJECT_WRITE, PROJECT_ADMIN, REPO_READ, REPO_WRITE, REPO_ADMIN]
  project:
    description:
      - Key of the project of a project or repository O(permission).
    type: str
  repository:
    description:
      - Slug of the repository of a repository O(permission).
    type: str
  include_groups:
    description:
      - Add to each user the names of the groups it belongs to, as RV(users[].groups).
      - Costs one listing of every group and then one request per user (or per group, when there are fewer groups than users).
    type: bool
    default: false
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes.info_module
  - bitbucket.datacenter.attributes.action_group
seealso:
  - module: bitbucket.datacenter.bitbucket_user
  - module: bitbucket.datacenter.bitbucket_group_info
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Read one user with their groups
  bitbucket.datacenter.bitbucket_user_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_token }}"
    name: alice
    include_groups: true
  register: alice

- name: Fail when alice is missing or not a platform developer
  ansible.builtin.assert:
    that:
      - alice.users | length == 1
      - "'platform-developers' in alice.users[0].groups"

- name: Everyone who may administer the platform project
  bitbucket.datacenter.bitbucket_user_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_token }}"
    permission: PROJECT_ADMIN
    project: PLAT
  register: plat_admins

- name: Every user
  bitbucket.datacenter.bitbucket_user_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_token }}"
  register: everyone

- name: Users that an external directory manages
  ansible.builtin.debug:
    msg: "{{ everyone.users | rejectattr('mutableDetails') | map(attribute='name') | list }}"
"""

RETURN = r"""
users:
  description: The users found, as Bitbucket returns them, sorted as Bitbucket sorts them.
  returned: always
  type: list
  elements: dict
  contains:
    groups:
      description: The names of the groups the user belongs to, sorted.
      returned: when O(include_groups=true)
      type: list
      elements: str
  sample:
    - name: alice
      slug: alice
      id: 101
      displayName: Alice Liddell
      emailAddress: alice@example.com
      active: true
      type: NORMAL
      directoryName: Bitbucket Internal Directory
      mutableDetails: true
      mutableGroups: true
      deletable: true
      groups: [platform-developers, stash-users]
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._identity import ADMIN_USERS, find_user, memberships
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option, run_module

GLOBAL_PERMISSIONS = ["LICENSED_USER", "PROJECT_CREATE", "ADMIN", "SYS_ADMIN"]
PROJECT_PERMISSIONS = ["PROJECT_READ", "PROJECT_WRITE", "PROJECT_ADMIN"]
REPO_PERMISSIONS = ["REPO_READ", "REPO_WRITE", "REPO_ADMIN"]
SELECTIONS = ("name", "slug", "filter", "group", "permission")

MODULE_SPEC = dict(
    argument_spec=dict(
        name=dict(type="str"),
        slug=dict(type="str"),
        filter=dict(type="str"),
        group=dict(type="str"),
        permission=dict(type="str", choices=GLOBAL_PERMISSIONS + PROJECT_PERMISSIONS + REPO_PERMISSIONS),
        project=dict(type="str"),
        repository=dict(type="str"),
        include_groups=dict(type="bool", default=False),
    ),
    mutually_exclusive=[("name", other) for other in SELECTIONS[1:]] + [("slug", other) for other in SELECTIONS[2:]],
    required_by=dict(project="permission", repository="permission"),
)


def directory_query(params):
    """The query of GET /api/latest/users (seed 003): filter, group and one permission filter with its resource."""
    permission = params["permission"]
    if permission in GLOBAL_PERMISSIONS and (params["project"] or params["repository"]):
        raise invalid_option("project" if params["project"] else "repository", "a global permission applies to no project or repository")
    if permission in PROJECT_PERMISSIONS + REPO_PERMISSIONS and not params["project"]:
        raise invalid_option("project", "required with the %s permission" % permission)
    if permission in REPO_PERMISSIONS and not params["repository"]:
        raise invalid_option("repository", "required with the %s permission" % permission)
    if permission in PROJECT_PERMISSIONS and params["repository"]:
        raise invalid_option("repository", "a project permission applies to the project; use a REPO_* permission for a repository")
    query = [(option, params[option]) for option in ("filter", "group") if params[option] is not None]
    if permission is not None:
        query.append(("permission", permission))
        if params["project"]:
            query.append(("permission.projectKey", params["project"]))
        if params["repository"]:
            query.append(("permission.repositorySlug", params["repository"]))
    return query


def find_users(client, params):
    if params["name"] is not None:
        user = find_user(client, params["name"])
        return [user] if user is not None else []
    if params["slug"] is not None:
        user = client.get(rest_path("api", "users", params["slug"]), missing_ok=True)
        return [user] if user is not None else []
    if params["group"] is not None or params["permission"] is not None:
        return client.get_paged(rest_path("api", "users"), params=directory_query(params))
    query = [("filter", params["filter"])] if params["filter"] is not None else []
    return client.get_paged(ADMIN_USERS, params=query)


def run(context):
    params = context.params
    client = context.client
    users = find_users(client, params)
    if params["include_groups"] and users:
        groups = memberships(client, [user["name"] for user in users])
        users = [dict(user, groups=groups[user["name"]]) for user in users]
    return dict(changed=False, users=users)


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
