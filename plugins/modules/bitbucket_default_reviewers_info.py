#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_default_reviewers_info
short_description: List the default-reviewer conditions of a Bitbucket Data Center project or repository
version_added: 1.0.0
description:
  - Returns the default-reviewer conditions of a project, or of one repository, as M(bitbucket.datacenter.bitbucket_default_reviewers)
    takes them.
  - At repository level, conditions Bitbucket lists as the project's are returned apart, in RV(inherited_conditions).
options:
  project:
    description:
      - Key of the project.
    type: str
    required: true
    aliases: [project_key]
  repository:
    description:
      - Slug of a repository of O(project); without it, the project's conditions are returned.
    type: str
    aliases: [repository_slug]
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes.info_module
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs PROJECT_ADMIN on the project, or REPO_ADMIN on the repository.
seealso:
  - module: bitbucket.datacenter.bitbucket_default_reviewers
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Who reviews the platform project's pull requests by default
  bitbucket.datacenter.bitbucket_default_reviewers_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
  register: reviewers
"""

RETURN = r"""
conditions:
  description: The scope's own conditions, sorted by source and target. A matcher C({}) means any branch.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 3
      source: {}
      target:
        branch: refs/heads/main
      reviewers: [alice, bob]
      required_approvals: 1
inherited_conditions:
  description: At repository level, conditions Bitbucket lists as the project's; empty otherwise.
  returned: always
  type: list
  elements: dict
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._default_reviewers import condition_key, read_conditions
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._scope import SCOPE_ARGUMENT_SPEC

MODULE_SPEC = dict(argument_spec=dict(SCOPE_ARGUMENT_SPEC))


def ordered(items):
    return sorted(items, key=lambda item: (condition_key(item), item["id"]))


def run(context):
    own, inherited = read_conditions(context.client, context.params)
    return dict(changed=False, conditions=ordered(own), inherited_conditions=ordered(inherited))


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
