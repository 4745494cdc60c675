#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_access_token_info
short_description: List the HTTP access tokens of a Bitbucket Data Center user, project or repository
version_added: 1.0.0
description:
  - Returns the access tokens of one owner (every page), or the ones with a given name, or one by id.
  - Never returns a token's secret; Bitbucket shows it only when it creates the token.
options:
  name:
    description:
      - Return only the tokens with exactly this name.
    type: str
  token_id:
    description:
      - Return only the token with this id. Mutually exclusive with O(name).
    type: str
extends_documentation_fragment:
  - bitbucket.datacenter.access_token_owner
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes.info_module
  - bitbucket.datacenter.attributes.action_group
notes:
  - An HTTP access token may list tokens; it cannot create or change them.
seealso:
  - module: bitbucket.datacenter.bitbucket_access_token
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Tokens of the platform project
  bitbucket.datacenter.bitbucket_access_token_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
  register: plat_tokens

- name: Tokens that expire within 30 days
  vars:
    in_30_days_ms: "{{ ((now().timestamp() + 30 * 86400) * 1000) | int }}"
  ansible.builtin.debug:
    msg: "{{ plat_tokens.tokens | selectattr('expiryDate', 'defined') | selectattr('expiryDate', 'lt', in_30_days_ms | int) | map(attribute='name') }}"
"""

RETURN = r"""
tokens:
  description: The tokens found, as Bitbucket describes them, without secrets. Dates are epoch milliseconds.
  returned: always
  type: list
  elements: dict
  sample:
    - id: "123456789012"
      name: ci-pipeline
      permissions: [PROJECT_READ, REPO_WRITE]
      createdDate: 1767225600000
      expiryDate: 1774998000000
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._access_tokens import (
    OWNER_ARGUMENT_SPEC,
    OWNER_RULES,
    list_tokens,
    owner_path,
    public_view,
)
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import run_module

MODULE_SPEC = dict(
    argument_spec=dict(
        OWNER_ARGUMENT_SPEC,
        name=dict(type="str"),
        token_id=dict(type="str"),
    ),
    mutually_exclusive=OWNER_RULES["mutually_exclusive"] + [("name", "token_id")],
    required_one_of=OWNER_RULES["required_one_of"],
    required_by=OWNER_RULES["required_by"],
)


def run(context):
    params = context.params
    client = context.client
    if params["token_id"] is not None:
        token = client.get(owner_path(params, params["token_id"]), missing_ok=True)
        return dict(changed=False, tokens=[public_view(token)] if token is not None else [])
    tokens = list_tokens(client, params)
    if params["name"] is not None:
        tokens = [token for token in tokens if token.get("name") == params["name"]]
    return dict(changed=False, tokens=[public_view(token) for token in tokens])


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
