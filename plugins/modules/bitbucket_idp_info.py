#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_idp_info
short_description: List the identity providers of Bitbucket Data Center and the users they provisioned
version_added: 1.0.0
description:
  - Returns the SAML, OpenID Connect and Crowd identity providers (IdPs) of Bitbucket Data Center, every one or those of one name,
    without their client secrets.
  - Returns the users that just-in-time provisioning created when they first logged in through an IdP.
options:
  name:
    description:
      - Return only the IdPs of this name (exact). Bitbucket allows several of one name; all are returned.
      - Mutually exclusive with O(id).
    type: str
  id:
    description:
      - Return only the IdP of this id (the C(id) Bitbucket gives each of RV(idps)), read directly. When there is none, RV(idps) is empty
        and the task does not fail.
    type: int
  jit_users:
    description:
      - Whether to read the just-in-time-provisioned users too (one more request).
    type: bool
    default: true
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes.info_module
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs the SYS_ADMIN permission.
seealso:
  - module: bitbucket.datacenter.bitbucket_idp
  - module: bitbucket.datacenter.bitbucket_sso_config_info
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Read the identity providers
  bitbucket.datacenter.bitbucket_idp_info:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
  register: sso

- name: Fail unless exactly one IdP is enabled
  ansible.builtin.assert:
    that: sso.idps | selectattr('enabled') | list | length == 1

- name: One IdP by its id
  bitbucket.datacenter.bitbucket_idp_info:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    id: 3
    jit_users: false
  register: one

- name: Who has been provisioned so far
  ansible.builtin.debug:
    msg: "{{ sso.jit_users | map(attribute='username') | list }}"
"""

RETURN = r"""
idps:
  description:
    - The IdPs as Bitbucket describes them, without their client secrets, in Bitbucket's order (by id).
    - Bitbucket's field names, in kebab-case, except C(buttonText).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 3
      name: Corporate SSO
      enabled: true
      idp-type: GENERIC
      sso-type: OIDC
      issuer-url: https://login.example.com/realms/corp
      client-id: bitbucket
      jit-configuration:
        user-provisioning-enabled: true
jit_users:
  description: The users created by just-in-time provisioning, as Bitbucket lists them.
  returned: when O(jit_users=true)
  type: list
  elements: dict
  sample:
    - username: jdoe
      display-name: Jane Doe
      email: jdoe@example.com
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils import _authconfig as authconfig
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option, run_module

MODULE_SPEC = dict(
    argument_spec=dict(
        name=dict(type="str"),
        id=dict(type="int"),
        jit_users=dict(type="bool", default=True),
    ),
    mutually_exclusive=[("name", "id")],
)


@authconfig.explained
def run(context):
    params = context.params
    if params["id"] is not None and params["id"] < 1:
        raise invalid_option("id", "%s is not an IdP id: ids are positive numbers" % params["id"])
    client = context.client
    if params["id"] is not None:
        # API-MAP 3.9: 404 is not in the document, but it is what an unknown id gets.
        idp = client.get(authconfig.idp_path(params["id"]), missing_ok=True)
        idps = [authconfig.idp_view(idp)] if idp else []
    else:
        idps = [authconfig.idp_view(idp) for idp in authconfig.list_idps(client)]
    if params["name"] is not None:
        idps = [idp for idp in idps if idp.get("name") == params["name"]]
    result = dict(changed=False, idps=idps)
    if params["jit_users"]:
        result["jit_users"] = authconfig.list_jit_users(client)
    return result


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
