#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_required_builds_info
short_description: List the required-builds merge checks of a Bitbucket Data Center repository
version_added: 1.0.0
description:
  - Returns the required-builds merge checks of one repository, every page of them, as
    M(bitbucket.datacenter.bitbucket_required_builds) takes them.
  - Conditions Bitbucket lists as belonging to a wider scope are returned apart, in RV(inherited_conditions) (Bitbucket 9.4 has
    required builds at repository level only, so that list is empty there).
options:
  project:
    description:
      - Key of the project of the repository.
    type: str
    required: true
    aliases: [project_key]
  repository:
    description:
      - Slug of the repository.
    type: str
    required: true
    aliases: [repository_slug]
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes.info_module
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs REPO_READ on the repository.
seealso:
  - module: bitbucket.datacenter.bitbucket_required_builds
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Which builds must pass before a pull request to the platform API merges
  bitbucket.datacenter.bitbucket_required_builds_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_token }}"
    project: PLAT
    repository: platform-api
  register: required_builds
"""

RETURN = r"""
conditions:
  description:
    - The repository's own conditions, sorted by target and build keys. A target C({}) means any branch; an C(exempt_source) of
      C(null), no exemption.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 3
      build_keys: [PLAT-CI]
      target:
        branch: refs/heads/main
      exempt_source: null
inherited_conditions:
  description: Conditions Bitbucket lists as belonging to a wider scope than the repository; empty on Bitbucket 9.4.
  returned: always
  type: list
  elements: dict
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._required_builds import SCOPE_ARGUMENT_SPEC, condition_key, read_conditions

MODULE_SPEC = dict(argument_spec=dict(SCOPE_ARGUMENT_SPEC))


def ordered(items):
    return sorted(items, key=lambda item: (condition_key(item), item["id"] or 0))


def run(context):
    own, inherited = read_conditions(context.client, context.params)
    return dict(changed=False, conditions=ordered(own), inherited_conditions=ordered(inherited))


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
