#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_project_info
short_description: List Bitbucket Data Center projects or read one
version_added: 1.0.0
description:
  - Returns one project by key, or every project the caller can see, optionally filtered.
  - Reads every page of the listing, at the largest page size the server grants.
options:
  key:
    description:
      - Key of the one project to return. When it does not exist, RV(projects) is empty and the task does not fail.
      - Mutually exclusive with O(name) and O(permission).
    type: str
  name:
    description:
      - Return only projects whose name contains this text (Bitbucket's own filter, case-insensitive).
    type: str
  permission:
    description:
      - Return only projects on which the caller holds at least this permission.
    type: str
    choices: [PROJECT_READ, PROJECT_WRITE, PROJECT_ADMIN]
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes.info_module
  - bitbucket.datacenter.attributes.action_group
seealso:
  - module: bitbucket.datacenter.bitbucket_project
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Read one project
  bitbucket.datacenter.bitbucket_project_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_token }}"
    key: PLAT
  register: plat

- name: Fail when the project is missing
  ansible.builtin.assert:
    that: plat.projects | length == 1

- name: Every project I administer
  bitbucket.datacenter.bitbucket_project_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_token }}"
    permission: PROJECT_ADMIN
  register: administered
"""

RETURN = r"""
projects:
  description: The projects found, as Bitbucket returns them.
  returned: always
  type: list
  elements: dict
  sample:
    - key: PLAT
      id: 12
      name: Platform
      description: Shared platform services
      public: false
      type: NORMAL
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import run_module

MODULE_SPEC = dict(
    argument_spec=dict(
        key=dict(type="str", no_log=False),
        name=dict(type="str"),
        permission=dict(type="str", choices=["PROJECT_READ", "PROJECT_WRITE", "PROJECT_ADMIN"]),
    ),
    mutually_exclusive=[("key", "name"), ("key", "permission")],
)


def run(context):
    params = context.params
    client = context.client
    if params["key"] is not None:
        project = client.get(rest_path("api", "projects", params["key"]), missing_ok=True)
        return dict(changed=False, projects=[project] if project is not None else [])
    query = {}
    if params["name"] is not None:
        query["name"] = params["name"]
    if params["permission"] is not None:
        query["permission"] = params["permission"]
    return dict(changed=False, projects=client.get_paged(rest_path("api", "projects"), params=query))


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
