#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_ssh_settings_info
short_description: Read the SSH settings of a Bitbucket Data Center server
version_added: 1.0.0
description:
  - Returns whether SSH access is on, whether access keys may be used, the SSH port and base URL for clones, and the fingerprint of
    the server's SSH host key, to pin in C(known_hosts).
  - On a mirror, Bitbucket answers with the settings of the upstream server.
options: {}
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes.info_module
  - bitbucket.datacenter.attributes.action_group
seealso:
  - module: bitbucket.datacenter.bitbucket_access_key
  - module: bitbucket.datacenter.bitbucket_ssh_key
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Read the SSH settings
  bitbucket.datacenter.bitbucket_ssh_settings_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_token }}"
  register: ssh

- name: Deploy keys need access keys to be on
  ansible.builtin.assert:
    that:
      - ssh.ssh_settings.enabled
      - ssh.ssh_settings.accessKeysEnabled
"""

RETURN = r"""
ssh_settings:
  description: The settings as Bitbucket gives them.
  returned: always
  type: dict
  contains:
    enabled:
      description: Whether SSH access is on.
      type: bool
    accessKeysEnabled:
      description: Whether SSH access keys of projects and repositories may be used.
      type: bool
    baseUrl:
      description: The base of SSH clone URLs.
      type: str
    port:
      description: The SSH port.
      type: int
    fingerprint:
      description: The fingerprint of the server's SSH host key, C(algorithm) and C(value).
      type: dict
  sample:
    enabled: true
    accessKeysEnabled: true
    baseUrl: ssh://git@bitbucket.example.com:7999
    port: 7999
    fingerprint:
      algorithm: SHA256
      value: 4OdFAkCydvg5z66J5Lrs8zPGOihB+c0yKvHrFzh8z0k
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._access_keys import SETTINGS
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import run_module

MODULE_SPEC = dict(argument_spec=dict())


def run(context):
    return dict(changed=False, ssh_settings=context.client.get(SETTINGS) or {})


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
