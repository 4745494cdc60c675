#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_ssh_key_info
short_description: List the SSH keys of a Bitbucket Data Center user
version_added: 1.0.0
description:
  - Returns the SSH keys of one user (every page) with their SHA-256 fingerprints, or the one key that matches a public key, or one
    key by its id.
options:
  user:
    description:
      - The name of the user. Without it, the user the module authenticates as. Reading another user's keys needs ADMIN.
      - Mutually exclusive with O(key_id).
    type: str
  key:
    description:
      - Return only the key that is this public key (type and key data; the comment does not matter).
    type: str
  key_id:
    description:
      - Return only the key with this id, whoever it belongs to. Bitbucket documents that this needs ADMIN.
    type: int
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes.info_module
  - bitbucket.datacenter.attributes.action_group
seealso:
  - module: bitbucket.datacenter.bitbucket_ssh_key
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Alice's keys
  bitbucket.datacenter.bitbucket_ssh_key_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    user: alice
  register: alice_keys

- name: Their fingerprints, as ssh-keygen -lf prints them
  ansible.builtin.debug:
    msg: "{{ alice_keys.ssh_keys | map(attribute='fingerprint_sha256') }}"
"""

RETURN = r"""
ssh_keys:
  description:
    - The keys found, as Bitbucket describes them. C(fingerprint) is as Bitbucket shows it (SHA-256, base64 without padding),
      C(fingerprint_sha256) as C(ssh-keygen -lf) prints it. Dates are epoch milliseconds.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 17
      text: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx0... alice@laptop
      label: alice@laptop
      algorithmType: ED25519
      bitLength: 256
      fingerprint: 1JszP9ojkOb27e3b7oYy5GjME6v84zESGszKFB5Ysdg
      fingerprint_sha256: SHA256:1JszP9ojkOb27e3b7oYy5GjME6v84zESGszKFB5Ysdg
      createdDate: 1767225600000
      expiryDays: 365
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._ssh_keys import check_key_id, identity_of, parse_public_key, public_view

MODULE_SPEC = dict(
    argument_spec=dict(
        user=dict(type="str"),
        key=dict(type="str", no_log=False),
        key_id=dict(type="int"),
    ),
    mutually_exclusive=[("user", "key_id")],
)


def run(context):
    params = context.params
    check_key_id(params["key_id"])
    wanted = None
    if params["key"] is not None:
        try:
            wanted = parse_public_key(params["key"]).fingerprint
        except ValueError as exc:
            raise invalid_option("key", "the key %s" % exc) from None
    client = context.client
    if params["key_id"] is not None:
        found = client.get(rest_path("ssh", "keys", str(params["key_id"])), missing_ok=True)
        keys = [found] if found is not None else []
    else:
        keys = client.get_paged(rest_path("ssh", "keys"), params={"userName": params["user"]} if params["user"] else None)
    if wanted is not None:
        keys = [key for key in keys if identity_of(key) == wanted]
    return dict(changed=False, ssh_keys=[public_view(key) for key in keys])


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
