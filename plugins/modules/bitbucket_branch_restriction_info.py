#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_branch_restriction_info
short_description: List the branch restrictions of a Bitbucket Data Center project or repository
version_added: 1.0.0
description:
  - Returns the branch restrictions (branch permissions) of a project, or of one repository, every page of them.
  - Each restriction is shown as M(bitbucket.datacenter.bitbucket_branch_restriction) takes it, so that the list can be fed back to it.
  - At repository level, the restrictions the repository inherits from its project are returned apart, in RV(inherited_restrictions).
options:
  project:
    description:
      - Key of the project.
    type: str
    required: true
    aliases: [project_key]
  repository:
    description:
      - Slug of a repository of O(project); without it, the project's restrictions are returned.
    type: str
    aliases: [repository_slug]
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes.info_module
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs PROJECT_ADMIN on the project, or REPO_ADMIN on the repository.
seealso:
  - module: bitbucket.datacenter.bitbucket_branch_restriction
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Read the restrictions of a repository
  bitbucket.datacenter.bitbucket_branch_restriction_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    repository: deploy-scripts
  register: found

- name: Fail when main can be deleted
  ansible.builtin.assert:
    that: >-
      (found.restrictions + found.inherited_restrictions)
      | selectattr('type', 'equalto', 'no-deletes') | selectattr('branch', 'defined')
      | selectattr('branch', 'equalto', 'refs/heads/main') | list | length > 0
"""

RETURN = r"""
restrictions:
  description: The scope's own restrictions, sorted by what they match and their type.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 12
      type: no-deletes
      branch: refs/heads/main
      exempt_users: []
      exempt_groups: [release-managers]
      exempt_access_keys: []
inherited_restrictions:
  description: At repository level, the restrictions of the project that apply to the repository; empty at project level.
  returned: always
  type: list
  elements: dict
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._branch_restrictions import read_restrictions, restriction_key
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._scope import SCOPE_ARGUMENT_SPEC

MODULE_SPEC = dict(argument_spec=dict(SCOPE_ARGUMENT_SPEC))


def ordered(items):
    return sorted(items, key=lambda item: (restriction_key(item), item["id"]))


def run(context):
    own, inherited = read_restrictions(context.client, context.params)
    return dict(changed=False, restrictions=ordered(own), inherited_restrictions=ordered(inherited))


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
