#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_license_info
short_description: Read the Bitbucket Data Center licence's dates, user limit and status
version_added: 1.0.0
description:
  - Returns the installed licence as Bitbucket describes it, its dates, user limit, support entitlement number and the number of users
    licensed now, or that no licence is installed.
  - Never returns the licence text itself.
options: {}
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes.info_module
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs ADMIN.
seealso:
  - module: bitbucket.datacenter.bitbucket_license
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Read the licence
  bitbucket.datacenter.bitbucket_license_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
  register: licence

- name: Warn a month before it expires
  ansible.builtin.debug:
    msg: "The Bitbucket licence expires in {{ licence.license.numberOfDaysBeforeExpiry }} days"
  when: licence.installed and licence.license.numberOfDaysBeforeExpiry | default(999) < 30

- name: Seats left
  ansible.builtin.debug:
    msg: "{{ licence.license.maximumNumberOfUsers - licence.license.status.currentNumberOfUsers }} seats left"
  when: licence.installed and not licence.license.unlimitedNumberOfUsers
"""

RETURN = r"""
installed:
  description: Whether a licence is installed.
  returned: always
  type: bool
  sample: true
license:
  description:
    - The licence as Bitbucket returns it, without the licence text; dates are epoch milliseconds. Empty when none is installed.
  returned: always
  type: dict
  sample:
    maximumNumberOfUsers: 500
    unlimitedNumberOfUsers: false
    creationDate: 1767225600000
    expiryDate: 4102358400000
    maintenanceExpiryDate: 4102358400000
    numberOfDaysBeforeExpiry: 26692
    supportEntitlementNumber: SEN-L0000001
    serverId: B1A2-C3D4-E5F6-G7H8
    status:
      serverId: B1A2-C3D4-E5F6-G7H8
      currentNumberOfUsers: 212
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils import _license
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import run_module

MODULE_SPEC = dict(argument_spec=dict())


def run(context):
    current = _license.read(context.client)
    return dict(changed=False, installed=current is not None, license=_license.public_view(current) or {})


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
