#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_webhook_info
short_description: List the webhooks of a Bitbucket Data Center project or repository
version_added: 1.0.0
description:
  - Returns the webhooks of a project, or of one repository, every page of them; or the ones with a given O(name).
  - Secrets are never returned.
options:
  project:
    description:
      - Key of the project.
    type: str
    required: true
    aliases: [project_key]
  repository:
    description:
      - Slug of a repository of O(project); without it, the project's webhooks are returned.
    type: str
    aliases: [repository_slug]
  name:
    description:
      - Return only the webhooks with exactly this name.
    type: str
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes.info_module
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs PROJECT_ADMIN on the project, or REPO_ADMIN on the repository.
seealso:
  - module: bitbucket.datacenter.bitbucket_webhook
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Webhooks of the platform project
  bitbucket.datacenter.bitbucket_webhook_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
  register: hooks

- name: Inactive ones
  ansible.builtin.debug:
    msg: "{{ hooks.webhooks | rejectattr('active') | map(attribute='name') | list }}"
"""

RETURN = r"""
webhooks:
  description: The webhooks found, as Bitbucket returns them, with any secret masked.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 7
      name: ci
      url: https://ci.example.com/hooks/bitbucket
      events: [pr:merged, repo:refs_changed]
      active: true
      sslVerificationRequired: true
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._scope import SCOPE_ARGUMENT_SPEC
from ansible_collections.bitbucket.datacenter.plugins.module_utils._webhooks import list_webhooks, public_view

MODULE_SPEC = dict(argument_spec=dict(SCOPE_ARGUMENT_SPEC, name=dict(type="str")))


def run(context):
    webhooks = list_webhooks(context.client, context.params)
    if context.params["name"] is not None:
        webhooks = [hook for hook in webhooks if hook.get("name") == context.params["name"]]
    return dict(changed=False, webhooks=[public_view(hook) for hook in webhooks])


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
