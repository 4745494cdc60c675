#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_access_token_policy
short_description: Set the maximum expiry of Bitbucket Data Center HTTP access tokens
version_added: 1.0.0
description:
  - Sets, or removes, the administrator's limit on how long HTTP access tokens may live (the instance's "HTTP access token expiry"
    setting). With a limit, Bitbucket requires new tokens to expire within it; tokens that exist keep their expiry.
  - Bitbucket added this setting after 9.4. On a server without it, the module fails before changing anything, naming the version
    the server runs.
options:
  max_expiry_days:
    description:
      - The longest lifetime of a new access token, in days. Required with O(state=present).
    type: int
  state:
    description:
      - V(present) sets the limit to O(max_expiry_days); V(absent) removes the limit, so tokens may again be made without an expiry.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Changing the limit needs SYS_ADMIN.
  - The module uses the setting whenever the server answers for it, whatever version it reports; only when the server does not, its
    version is read to explain why.
  - M(bitbucket.datacenter.bitbucket_access_token) reads the limit before it creates a token and refuses an
    O(bitbucket.datacenter.bitbucket_access_token#module:expiry_days) above it.
seealso:
  - module: bitbucket.datacenter.bitbucket_access_token
  - name: Bitbucket Data Center REST API, access tokens
    description: The endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-authentication/
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Access tokens live at most 90 days
  bitbucket.datacenter.bitbucket_access_token_policy:
    url: https://bitbucket.example.com
    username: admin
    password: "{{ bitbucket_admin_password }}"
    max_expiry_days: 90

- name: No limit on access tokens
  bitbucket.datacenter.bitbucket_access_token_policy:
    url: https://bitbucket.example.com
    username: admin
    password: "{{ bitbucket_admin_password }}"
    state: absent
"""

RETURN = r"""
max_expiry_days:
  description: The limit after the run (predicted in check mode), in days; null when there is none.
  returned: always
  type: int
  sample: 90
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import guarded_write
from ansible_collections.bitbucket.datacenter.plugins.module_utils._token_policy import FEATURE, POLICY, read_max_expiry
from ansible_collections.bitbucket.datacenter.plugins.module_utils._version import explain_missing_endpoint

MODULE_SPEC = dict(
    argument_spec=dict(
        max_expiry_days=dict(type="int"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ),
)


def validate(params):
    if params["state"] == "present":
        if params["max_expiry_days"] is None:
            raise invalid_option("max_expiry_days", "required with state=present; state=absent removes the limit")
        if params["max_expiry_days"] < 1:
            raise invalid_option("max_expiry_days", "must be 1 or more")
    elif params["max_expiry_days"] is not None:
        raise invalid_option("max_expiry_days", "only with state=present; state=absent removes the limit")


def run(context):
    params = context.params
    validate(params)
    client = context.client
    current = read_max_expiry(client)
    wanted = params["max_expiry_days"] if params["state"] == "present" else None
    changed = current != wanted
    if changed and not context.check_mode:
        def write():
            if wanted is None:
                return client.delete(POLICY)
            return client.put(POLICY, json=dict(maxExpiryDays=wanted))

        try:
            # A write whose answer is lost is checked by reading the setting again (DESIGN "reliability").
            guarded_write(write, lambda: read_max_expiry(client) == wanted or None, landed=lambda _same: True)
        except BitbucketError as exc:
            raise explain_missing_endpoint(exc, client, FEATURE) from None
    return context.result(changed, dict(max_expiry_days=current), dict(max_expiry_days=wanted), max_expiry_days=wanted)


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
