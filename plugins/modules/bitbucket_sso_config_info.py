#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_sso_config_info
short_description: Read the single sign-on configuration of Bitbucket Data Center and its enabled login options
version_added: 1.0.0
description:
  - Returns the instance-wide single sign-on configuration (login form shown or hidden, authentication fallback, OpenID Connect
    discovery refresh) and the login options the login page offers - the form and the enabled identity providers.
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes.info_module
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs the SYS_ADMIN permission for the configuration; Bitbucket lists the login options to anyone, because the login page shows them.
seealso:
  - module: bitbucket.datacenter.bitbucket_sso_config
  - module: bitbucket.datacenter.bitbucket_idp_info
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Read the SSO configuration and the login options
  bitbucket.datacenter.bitbucket_sso_config_info:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
  register: sso

- name: The login page offers the identity provider
  ansible.builtin.assert:
    that: sso.login_options | selectattr('type', 'equalto', 'IDP') | list | length > 0
"""

RETURN = r"""
sso_config:
  description: The configuration as Bitbucket describes it (kebab-case names).
  returned: always
  type: dict
  sample:
    show-login-form: false
    show-login-form-for-jsm: false
    enable-authentication-fallback: true
    discovery-refresh-cron: 0 0 1 * * ?
login_options:
  description: The enabled login options, as Bitbucket lists them for the login page (C(type) V(LOGIN_FORM), V(IDP) or V(LEGACY_LOGIN_FORM)).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 3
      type: IDP
      buttonText: Log in with Corporate SSO
      loginLink: https://bitbucket.example.com/plugins/servlet/external-login/3
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
    return dict(
        changed=False,
        sso_config=client.get(authconfig.SSO) or {},
        # API-MAP section 4: authconfig paging (results, limit=-1); only enabled options are listed.
        login_options=client.get_results(authconfig.LOGIN_OPTIONS),
    )


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
