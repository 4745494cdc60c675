#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_license
short_description: Install the Bitbucket Data Center licence
version_added: 1.0.0
description:
  - Makes the given licence the instance's licence. Nothing is sent when it is installed already.
  - The licence text is compared with all whitespace removed, so the line breaks of a licence pasted into a vault do not matter.
  - The licence text is a secret. It is never returned, shown in a diff or written to the request trace; the module returns the
    licence's dates, user limit and status instead, as M(bitbucket.datacenter.bitbucket_license_info) does.
  - Bitbucket accepts a licence for fewer users than it licenses now, and then disables pushing for everyone until enough users
    lose their licence. Before installing a licence, the module reads how many users are licensed and refuses a licence for fewer,
    unless O(allow_downgrade=true).
  - A licence cannot be removed through the API, so the module has no C(state) option.
options:
  license:
    description:
      - The encoded licence text, as Atlassian issues it. Whitespace and line breaks anywhere in it are ignored.
      - Keep it in a vault; the option is C(no_log).
    type: str
    required: true
  allow_downgrade:
    description:
      - Install the licence even when it is for fewer users than Bitbucket licenses now, which disables pushing until the licensed
        user count is brought within the new limit.
      - Also needed for a licence whose user limit the module cannot read from its text (a licence in another format than
        Atlassian's version-2 licences), which the module cannot check.
    type: bool
    default: false
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Installing a licence needs SYS_ADMIN; reading it (which every run does) needs ADMIN.
  - The user limit of the new licence is read from the licence text itself (its C(NumberOfUsers) property); the number of licensed
    users from the installed licence's status, or, when there is none, from the users that hold the LICENSED_USER permission.
  - Should Bitbucket answer the installed licence in another encoding than the one given, the module compares what the licence
    declares (user limit, dates, server ID, support entitlement number) instead of the text, so a second run still changes nothing.
seealso:
  - module: bitbucket.datacenter.bitbucket_license_info
  - name: Bitbucket Data Center REST API, system maintenance
    description: The licence endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-system-maintenance/
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: The instance runs on this year's licence
  bitbucket.datacenter.bitbucket_license:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    license: "{{ vault_bitbucket_license }}"

- name: Move to a smaller licence, knowing that pushing stops until enough users are unlicensed
  bitbucket.datacenter.bitbucket_license:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_sysadmin_token }}"
    license: "{{ vault_bitbucket_small_license }}"
    allow_downgrade: true
"""

RETURN = r"""
license:
  description:
    - The installed licence after the run, as Bitbucket describes it, without the licence text. In check mode, the licence as it
      would be.
  returned: always
  type: dict
  sample:
    maximumNumberOfUsers: 500
    unlimitedNumberOfUsers: false
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
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure, invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import guarded_write

MODULE_SPEC = dict(
    argument_spec=dict(
        license=dict(type="str", required=True, no_log=True),
        allow_downgrade=dict(type="bool", default=False),
    ),
)

# What a licence declares about itself, compared when the texts cannot be (and shown in the diff).
IDENTITY = ("maximumNumberOfUsers", "unlimitedNumberOfUsers", "creationDate", "purchaseDate", "expiryDate", "maintenanceExpiryDate",
            "serverId", "supportEntitlementNumber")
DATES = ("creationDate", "purchaseDate", "expiryDate", "maintenanceExpiryDate")
DAY_MS = 24 * 60 * 60 * 1000


def identity(licence):
    return {key: licence[key] for key in IDENTITY if licence.get(key) is not None} if licence else {}


def same_licence(current, declared):
    """Whether the installed licence is the one given although their texts differ (API-MAP 3.14 VERIFY: the
    server may answer another encoding): every field the given licence declares matches, dates to the day."""
    if current is None or not declared or declared.get("maximumNumberOfUsers") is None:
        return False
    for key, value in declared.items():
        have = current.get(key)
        if key in DATES:
            if not isinstance(have, (int, float)) or abs(have - value) >= DAY_MS:
                return False
        elif have != value:
            return False
    return True


def check_user_limit(context, current, declared):
    """Refuse, before any write, a licence for fewer users than are licensed now (seed 003 update warning)."""
    params = context.params
    if params["allow_downgrade"]:
        return
    if not declared or declared.get("maximumNumberOfUsers") is None:
        raise invalid_option(
            "license",
            "its user limit cannot be read from it (it is not in the format of Atlassian's version-2 licences), so the module cannot "
            "check that it licenses every user Bitbucket licenses now; nothing was changed. Set allow_downgrade=true to install it anyway",
        )
    if declared["unlimitedNumberOfUsers"]:
        return
    licensed = _license.licensed_users(context.client, current)
    limit = declared["maximumNumberOfUsers"]
    if limit < licensed:
        raise ModuleFailure(
            "Refusing to install a licence for %d users: Bitbucket licenses %d users now, and with fewer licensed seats than licensed users "
            "it disables pushing until the count is brought down. Nothing was changed. Unlicense users first, or set allow_downgrade=true"
            % (limit, licensed),
            licensed_users=licensed,
            license_user_limit=limit,
        )


def run(context):
    params = context.params
    if not params["license"].strip():
        raise invalid_option("license", "must not be empty")
    client = context.client
    wanted = _license.normalise(params["license"])
    current = _license.read(client)
    declared = _license.declared(params["license"])
    before = identity(current) if current is not None else None

    if current is not None and (_license.normalise(current.get("license")) == wanted or same_licence(current, declared)):
        return context.result(False, before, before, license=_license.public_view(current))

    check_user_limit(context, current, declared)
    if context.check_mode:
        predicted = dict(_license.public_view(current) or {})
        predicted.update(declared or {})
        return context.result(True, before, identity(declared), license=predicted)

    def landed(licence):
        return _license.normalise(licence.get("license")) == wanted or same_licence(licence, declared)

    # A POST that lands behind a lost answer is found by reading the licence again (DESIGN "reliability").
    installed = guarded_write(lambda: client.post(_license.LICENSE_PATH, json={"license": params["license"]}).body, lambda: _license.read(client), landed)
    if not isinstance(installed, dict) or "maximumNumberOfUsers" not in installed:
        installed = _license.read(client) or {}
    status = installed.get("status") or {}
    if (
        not installed.get("unlimitedNumberOfUsers")
        and isinstance(installed.get("maximumNumberOfUsers"), int)
        and isinstance(status.get("currentNumberOfUsers"), int)
        and status["currentNumberOfUsers"] > installed["maximumNumberOfUsers"]
    ):
        context.warn(
            "The licence installed is for %d users and Bitbucket licenses %d: pushing is disabled until the licensed user count is "
            "brought within the licence" % (installed["maximumNumberOfUsers"], status["currentNumberOfUsers"])
        )
    return context.result(True, before, identity(installed), license=_license.public_view(installed))


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
