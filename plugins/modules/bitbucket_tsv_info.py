#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_tsv_info
short_description: Read the two-step verification status of the account a task runs as, on Bitbucket Data Center
version_added: 1.0.0
description:
  - Returns whether the account the task authenticates as is enrolled in two-step verification (2SV), with which methods, and whether
    its 2SV is managed by single sign-on (the identity provider handles the second factor).
  - Bitbucket only tells an account about itself; there is no way to read another user's status. With an HTTP access token, the
    account is the token's owner.
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes.info_module
  - bitbucket.datacenter.attributes.action_group
seealso:
  - module: bitbucket.datacenter.bitbucket_tsv
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Is the automation account enrolled?
  bitbucket.datacenter.bitbucket_tsv_info:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
  register: tsv

- name: The account can unenroll others only when it is enrolled itself
  ansible.builtin.assert:
    that: tsv.two_step_verification_active
"""

RETURN = r"""
two_step_verification_active:
  description: Whether two-step verification is active for the account.
  returned: always
  type: bool
sso_managed:
  description: Whether the account's two-step verification is managed by single sign-on.
  returned: always
  type: bool
status:
  description: The status as Bitbucket gives it, with its C(methods) (C(type), C(enabled), C(enabledAt)).
  returned: always
  type: dict
  sample:
    twoSVActive: true
    methods:
      - type: TOTP
        enabled: true
        enabledAt: "2026-01-05T10:12:31.000Z"
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils import _authconfig as authconfig
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import run_module

MODULE_SPEC = dict(argument_spec=dict())


@authconfig.explained
def run(context):
    client = context.client
    status = client.get(authconfig.TSV_STATUS) or {}
    management = client.get(authconfig.TSV_SSO_MANAGEMENT) or {}
    # spec StatusDTO has both twoSVActive and a writeOnly isTwoSVActive: a bean whose JSON name varies; take either.
    active = status.get("twoSVActive", status.get("isTwoSVActive"))
    return dict(
        changed=False,
        two_step_verification_active=bool(active),
        sso_managed=bool(management.get("isManaged")),
        status=status,
    )


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
