#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_repository_policy
short_description: Set who may delete and who may archive Bitbucket Data Center repositories
version_added: 1.0.0
description:
  - Sets the lowest permission that may delete repositories, and the lowest that may archive them, for the whole instance.
  - Only the policies you set are read and changed.
  - The policies always exist, so the module has no C(state) option. Bitbucket's default for deleting is V(REPO_ADMIN); set that to return to it.
options:
  delete_permission:
    description:
      - Who may delete repositories, from the highest level to the lowest. V(SYS_ADMIN) and V(ADMIN) are global permissions,
        V(PROJECT_ADMIN) is an administrator of the repository's project, V(REPO_ADMIN) an administrator of the repository.
    type: str
    choices: [SYS_ADMIN, ADMIN, PROJECT_ADMIN, REPO_ADMIN]
  archive_permission:
    description:
      - Who may archive repositories (and unarchive them), with the same levels as O(delete_permission).
    type: str
    choices: [SYS_ADMIN, ADMIN, PROJECT_ADMIN, REPO_ADMIN]
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs SYS_ADMIN to change a policy; any user may read them.
seealso:
  - name: Bitbucket Data Center REST API, repository policies
    description: The endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-repository-policies/
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Only global administrators delete repositories; project administrators archive them
  bitbucket.datacenter.bitbucket_repository_policy:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_sysadmin_token }}"
    delete_permission: ADMIN
    archive_permission: PROJECT_ADMIN
"""

RETURN = r"""
delete_permission:
  description: Who may delete repositories after the run (predicted in check mode).
  returned: when O(delete_permission) is set
  type: str
  sample: ADMIN
archive_permission:
  description: Who may archive repositories after the run (predicted in check mode).
  returned: when O(archive_permission) is set
  type: str
  sample: PROJECT_ADMIN
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import ensure, singleton

PERMISSIONS = ["SYS_ADMIN", "ADMIN", "PROJECT_ADMIN", "REPO_ADMIN"]

MODULE_SPEC = dict(
    argument_spec=dict(
        delete_permission=dict(type="str", choices=PERMISSIONS),
        archive_permission=dict(type="str", choices=PERMISSIONS),
    ),
    required_one_of=[("delete_permission", "archive_permission")],
)

# option -> the policy it sets (API-MAP 3.18: one resource per policy, each {"permission": ...}).
POLICIES = (("delete_permission", "delete"), ("archive_permission", "archive"))


def run(context):
    params = context.params
    client = context.client
    changed, before, after, values = False, {}, {}, {}
    for option, policy in POLICIES:
        if params[option] is None:
            continue
        path = rest_path("policies", "admin", "repos", policy)
        resource = singleton(
            read=lambda path=path: client.get(path),
            write=lambda fields, path=path: client.put(path, json={"permission": fields["permission"]}).body,
            project=lambda answer: dict(permission=(answer or {}).get("permission")),
        )
        policy_changed, policy_before, policy_after, _obj = ensure(
            context, resource, "present", dict(permission=params[option]), label="the repository %s policy" % policy
        )
        changed = changed or policy_changed
        before[option], after[option] = policy_before["permission"], policy_after["permission"]
        values[option] = policy_after["permission"]
    return context.result(changed, before, after, **values)


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
