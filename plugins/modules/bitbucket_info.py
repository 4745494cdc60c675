#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_info
short_description: Read the version, build and display name of a Bitbucket Data Center instance
version_added: 1.0.0
description:
  - Returns what Bitbucket says it is, from C(GET /rest/api/latest/application-properties).
  - Every module of the collection that depends on the server version reads the same resource, once per task, and compares the same
    RV(version_info).
options: {}
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes.info_module
  - bitbucket.datacenter.attributes.action_group
notes:
  - Bitbucket answers this resource without authentication; the module still needs the connection's credentials, as every module does.
seealso:
  - name: Bitbucket Data Center REST API, system maintenance
    description: The application-properties resource.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-system-maintenance/#api-api-latest-application-properties-get
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Which Bitbucket is this?
  bitbucket.datacenter.bitbucket_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_token }}"
  register: bitbucket

- name: Stop early on a release the playbook was not written for
  ansible.builtin.assert:
    that: bitbucket.version is ansible.builtin.version('9.4', '>=')
    fail_msg: "Bitbucket {{ bitbucket.version }} is older than 9.4"
"""

RETURN = r"""
version:
  description: The version, as Bitbucket gives it.
  returned: always
  type: str
  sample: 9.4.0
version_info:
  description: The version as numbers (major, minor, patch), the way the collection's version gates compare it.
  returned: always
  type: list
  elements: int
  sample: [9, 4, 0]
build_number:
  description: The build number.
  returned: always
  type: str
  sample: "9004000"
build_date:
  description: The build date, as Bitbucket gives it (epoch milliseconds, in a string).
  returned: always
  type: str
  sample: "1705449600000"
display_name:
  description: The instance's display name.
  returned: always
  type: str
  sample: Bitbucket
url:
  description:
    - The base URL the module talked to (O(url) without a trailing slash), which names the instance in reports.
  returned: always
  type: str
  sample: https://bitbucket.example.com
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._version import application_info

MODULE_SPEC = dict(argument_spec=dict())


def run(context):
    result = dict(changed=False)
    result.update(application_info(context.client))
    # Where the answer came from, for the roles' compliance reports (module_defaults may have set it).
    result["url"] = context.client.base_url
    return result


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
