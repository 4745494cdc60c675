#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_group_info
short_description: List Bitbucket Data Center groups or read one, with their members on request
version_added: 1.0.0
description:
  - Returns one group by name, or every group, optionally filtered (every page, at the largest page size the server grants).
  - With O(include_members), each group comes with the usernames of its members (every page of them).
options:
  name:
    description:
      - Name of the one group to return (exact, without regard to case). When it does not exist, RV(groups) is empty and the task
        does not fail. Mutually exclusive with O(filter).
    type: str
  filter:
    description:
      - Return only groups whose name contains this text (Bitbucket's own filter, case-insensitive).
    type: str
  include_members:
    description:
      - Add to each group the sorted usernames of its members, as RV(groups[].members). Costs one request per group.
    type: bool
    default: false
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes.info_module
  - bitbucket.datacenter.attributes.action_group
seealso:
  - module: bitbucket.datacenter.bitbucket_group
  - module: bitbucket.datacenter.bitbucket_user_info
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: The members of the platform developers
  bitbucket.datacenter.bitbucket_group_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_token }}"
    name: platform-developers
    include_members: true
  register: platform

- name: Show them
  ansible.builtin.debug:
    msg: "{{ platform.groups[0].members | default([]) | join(', ') }}"

- name: Every team group
  bitbucket.datacenter.bitbucket_group_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_token }}"
    filter: developers
  register: teams
"""

RETURN = r"""
groups:
  description: The groups found, as Bitbucket returns them, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    members:
      description: The usernames of the group's members, sorted.
      returned: when O(include_members=true)
      type: list
      elements: str
  sample:
    - name: platform-developers
      deletable: true
      members: [alice, bob]
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._identity import ADMIN_GROUPS, find_group, group_members, sorted_names
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import run_module

MODULE_SPEC = dict(
    argument_spec=dict(
        name=dict(type="str"),
        filter=dict(type="str"),
        include_members=dict(type="bool", default=False),
    ),
    mutually_exclusive=[("name", "filter")],
)


def run(context):
    params = context.params
    client = context.client
    if params["name"] is not None:
        group = find_group(client, params["name"])
        groups = [group] if group is not None else []
    else:
        groups = client.get_paged(ADMIN_GROUPS, params=[("filter", params["filter"])] if params["filter"] is not None else [])
    if params["include_members"]:
        groups = [dict(group, members=sorted_names(user["name"] for user in group_members(client, group["name"]))) for group in groups]
    return dict(changed=False, groups=groups)


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
