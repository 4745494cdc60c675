#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_rate_limit_info
short_description: Read Bitbucket Data Center rate limiting, its per-user overrides and who was rate limited
version_added: 1.0.0
description:
  - Returns the instance's rate-limit settings, every per-user override and the recent reject history (the users that were rate
    limited, how often and when last), reading every page.
options:
  user:
    description:
      - Read only this user's override, and the instance's settings, by user slug (usually the user name in lower case).
      - Any user may read their own override; an ADMIN may read anyone's but a SYS_ADMIN's.
      - Mutually exclusive with O(user_filter); the reject history is not read.
    type: str
  user_filter:
    description:
      - Return only the overrides of users whose name, display name or e-mail address contains this text (Bitbucket's own filter).
    type: str
  history_order:
    description:
      - V(NEWEST) lists the most recently rejected users first, V(FREQUENCY) the most often rejected.
    type: str
    choices: [NEWEST, FREQUENCY]
    default: NEWEST
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes.info_module
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs ADMIN, but for O(user) (see there).
seealso:
  - module: bitbucket.datacenter.bitbucket_rate_limit
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Who hits the rate limit most
  bitbucket.datacenter.bitbucket_rate_limit_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    history_order: FREQUENCY
  register: rate_limits

- name: Show the top five
  ansible.builtin.debug:
    msg: "{{ rate_limits.history[:5] | map(attribute='user.name') | list }}"
"""

RETURN = r"""
settings:
  description: The instance's rate-limit settings, as Bitbucket returns them.
  returned: always
  type: dict
  sample:
    enabled: true
    defaultSettings:
      capacity: 60
      fillRate: 5
users:
  description:
    - The per-user overrides, sorted by name, as the module compares them. A whitelisted user has no capacity nor fill rate.
    - With O(user), that user's override alone, or nothing when the user has none.
  returned: always
  type: list
  elements: dict
  sample:
    - name: jenkins
      slug: jenkins
      whitelisted: true
history:
  description: The users rate limited recently, as Bitbucket returns them; C(lastRejectTime) is epoch milliseconds.
  returned: unless O(user) is set
  type: list
  elements: dict
  sample:
    - user:
        name: noisy-script
        slug: noisy-script
      rejectCount: 12
      lastRejectTime: 1767225600000
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils import _rate_limits
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import run_module

MODULE_SPEC = dict(
    argument_spec=dict(
        user=dict(type="str"),
        user_filter=dict(type="str"),
        history_order=dict(type="str", choices=_rate_limits.HISTORY_ORDERS, default="NEWEST"),
    ),
    mutually_exclusive=[("user", "user_filter")],
)


def run(context):
    params = context.params
    client = context.client
    if params["user"] is not None:
        # 404: the user has no override, or does not exist (seed 003) - either way, none to return.
        entry = client.get(_rate_limits.user_path(params["user"]), missing_ok=True)
        users = [_rate_limits.override_fields(entry)] if entry else []
        return dict(changed=False, settings=client.get(_rate_limits.SETTINGS_PATH), users=users)
    overrides = [_rate_limits.override_fields(entry) for entry in _rate_limits.read_overrides(client, params["user_filter"])]
    return dict(
        changed=False,
        settings=client.get(_rate_limits.SETTINGS_PATH),
        users=sorted(overrides, key=lambda item: (item["name"] or "").lower()),
        history=client.get_paged(_rate_limits.HISTORY_PATH, params={"order": params["history_order"]}),
    )


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
