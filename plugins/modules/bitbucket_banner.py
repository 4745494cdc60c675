#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_banner
short_description: Set or remove the Bitbucket Data Center announcement banner
version_added: 1.0.0
description:
  - Sets the announcement banner that Bitbucket shows at the top of every page, or removes it.
  - Only the options you set are compared and changed; Bitbucket takes the banner whole, so the others are sent as they are.
  - Bitbucket shows a disabled banner to nobody and reads it back as no banner at all. A disabled banner and no banner are therefore
    the same to this module. O(enabled=false) on an instance that shows no banner changes nothing; it does not store the message for
    later. O(state=absent) on an instance that shows no banner changes nothing either. Enabling a banner that was disabled makes
    it anew, so give its O(text) (and O(audience), if not V(ALL)) again.
options:
  text:
    description:
      - The banner text, Bitbucket's C(message) field (Ansible reserves the option name C(message)). Bitbucket renders it as Markdown.
      - Required to create the banner when none is shown.
    type: str
  enabled:
    description:
      - Whether the banner is shown. A new banner is shown unless this is V(false).
    type: bool
  audience:
    description:
      - Who sees the banner. V(ALL) includes people who are not logged in (the login page); V(AUTHENTICATED) only logged-in users.
      - A new banner is shown to V(ALL) unless this is set.
    type: str
    choices: [ALL, AUTHENTICATED]
  state:
    description:
      - V(present) sets the banner; V(absent) removes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs ADMIN.
seealso:
  - name: Bitbucket Data Center REST API, system maintenance
    description: The banner endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-system-maintenance/
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Announce the maintenance window to everyone
  bitbucket.datacenter.bitbucket_banner:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    text: "Bitbucket is **read-only** on Saturday from 08:00 to 10:00 UTC."
    audience: ALL

- name: Hide the banner once the window is over
  bitbucket.datacenter.bitbucket_banner:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    enabled: false

- name: No banner
  bitbucket.datacenter.bitbucket_banner:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    state: absent
"""

RETURN = r"""
banner:
  description:
    - The banner after the run (predicted in check mode). Empty when none is shown.
  returned: always
  type: dict
  sample:
    message: "Bitbucket is **read-only** on Saturday from 08:00 to 10:00 UTC."
    enabled: true
    audience: ALL
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure, invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import ensure, known_first, singleton

MODULE_SPEC = dict(
    argument_spec=dict(
        text=dict(type="str"),
        enabled=dict(type="bool"),
        audience=dict(type="str", choices=["ALL", "AUTHENTICATED"]),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ),
)

BANNER_PATH = rest_path("api", "admin", "banner")


def banner_fields(banner):
    return dict(message=banner.get("message"), enabled=bool(banner.get("enabled", True)), audience=banner.get("audience"))


def run(context):
    params = context.params
    if params["text"] is not None and not params["text"].strip():
        raise invalid_option("text", "must not be empty; use state=absent to remove the banner")
    if params["state"] == "absent" and any(params[option] is not None for option in ("text", "enabled", "audience")):
        raise invalid_option("state", "state=absent removes the banner; text, enabled and audience go with state=present")
    client = context.client

    def read():
        # API-MAP 1.6 / 3.13: 204 with no body means no banner to display.
        return client.get(BANNER_PATH)

    def write(fields):
        client.put(BANNER_PATH, json=fields)  # 204, no body: read it back (API-MAP 1.9)
        shown = read()
        if shown is not None:
            return shown
        if not fields["enabled"]:
            return dict(fields)  # a disabled banner reads as none (API-MAP 3.13 VERIFY): that is the confirmation
        raise ModuleFailure("Bitbucket accepted the banner but does not show it: GET %s answers that there is no banner" % BANNER_PATH)

    def delete(_current):
        client.delete(BANNER_PATH)

    current = read()
    if current is None and params["state"] == "present" and params["enabled"] is False:
        # Nothing is shown, and nothing is wanted shown: a disabled banner and no banner look the same.
        return context.result(False, None, None, banner={})

    resource = singleton(read=known_first(current, read), write=write, project=banner_fields, delete=delete)
    desired = dict(message=params["text"], enabled=params["enabled"], audience=params["audience"])
    if params["state"] == "present" and current is None and params["text"] is None:
        raise invalid_option("text", "required to create the banner, as none is shown")
    changed, before, after, _banner = ensure(
        context, resource, params["state"], desired, defaults=dict(enabled=True, audience="ALL"), label="the banner"
    )
    return context.result(changed, before, after, banner=after or {})


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
