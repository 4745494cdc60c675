#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_sso_config
short_description: Set the single sign-on login options of Bitbucket Data Center
version_added: 1.0.0
description:
  - Sets the instance-wide single sign-on configuration of Bitbucket Data Center, which Bitbucket holds once and always has -
    whether the login form is shown (to users and to Jira Service Management customers), whether authentication falls back to the
    login form, and how often OpenID Connect discovery documents are read again.
  - Only the options you set are compared and changed; a second run with the same arguments changes nothing.
  - Hiding the login form while no identity provider is enabled would leave nobody a way to log in; the module refuses that unless
    O(force=true). Enable an IdP with M(bitbucket.datacenter.bitbucket_idp) first.
options:
  show_login_form:
    description:
      - Whether the login page shows the username and password form. Hide it once people log in through an identity provider.
    type: bool
  show_login_form_for_jsm:
    description:
      - Whether the login page shows the form to Jira Service Management customers.
    type: bool
  enable_authentication_fallback:
    description:
      - Whether administrators can still log in with a username and password, through the fallback login page, when the form is hidden
        or the identity provider is down. Keep it on while you harden an instance.
    type: bool
  discovery_refresh_cron:
    description:
      - When Bitbucket reads the OpenID Connect discovery documents again, as a Quartz cron expression - six or seven fields, seconds
        first (seconds, minutes, hours, day of month, month, day of week, and optionally year), with C(?) in exactly one of the two
        day fields. For example C(0 0 1 * * ?), every day at 01:00.
      - Checked before anything is sent; a five-field Unix cron expression is refused.
    type: str
  force:
    description:
      - Hide the login form even though no identity provider is enabled. Without it the module refuses, before writing anything.
    type: bool
    default: false
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs the SYS_ADMIN permission.
  - Whether Bitbucket lets an HTTP access token change its authentication configuration is not documented. If the server refuses the
    token, the task fails and says so; authenticate with the username and password of a system administrator instead.
seealso:
  - module: bitbucket.datacenter.bitbucket_sso_config_info
  - module: bitbucket.datacenter.bitbucket_idp
  - module: bitbucket.datacenter.bitbucket_basic_auth
  - name: Bitbucket Data Center REST API, authentication
    description: The endpoint this module uses (C(/rest/authconfig/latest/sso)).
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-authentication/
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Log in through the identity provider only, with the fallback kept for administrators
  bitbucket.datacenter.bitbucket_sso_config:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    show_login_form: false
    show_login_form_for_jsm: false
    enable_authentication_fallback: true

- name: Read the OIDC discovery documents every six hours
  bitbucket.datacenter.bitbucket_sso_config:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    discovery_refresh_cron: 0 0 */6 * * ?
"""

RETURN = r"""
sso_config:
  description:
    - The configuration after the run, as Bitbucket describes it (kebab-case names); in check mode, the predicted configuration.
  returned: always
  type: dict
  sample:
    show-login-form: false
    show-login-form-for-jsm: false
    enable-authentication-fallback: true
    discovery-refresh-cron: 0 0 1 * * ?
    last-updated: "2026-01-05T10:12:31.000Z"
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

import re

from ansible_collections.bitbucket.datacenter.plugins.module_utils import _authconfig as authconfig
from ansible_collections.bitbucket.datacenter.plugins.module_utils._field_map import Field, FieldMap
from ansible_collections.bitbucket.datacenter.plugins.module_utils._lockout import FORCE_OPTION, refuse_unless_forced
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import ensure, singleton

# SsoConfigEntity (seed 000 getConfig; API-MAP 3.10).
SSO_FIELDS = FieldMap([
    Field("show_login_form", "show-login-form"),
    Field("show_login_form_for_jsm", "show-login-form-for-jsm"),
    Field("enable_authentication_fallback", "enable-authentication-fallback"),
    Field("discovery_refresh_cron", "discovery-refresh-cron", normalise=lambda cron: " ".join(cron.split())),
])

MODULE_SPEC = dict(
    argument_spec=dict(
        show_login_form=dict(type="bool"),
        show_login_form_for_jsm=dict(type="bool"),
        enable_authentication_fallback=dict(type="bool"),
        discovery_refresh_cron=dict(type="str"),
        force=FORCE_OPTION,
    ),
)

MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
# Quartz cron fields: (name, lowest, highest, names for the values from lowest on).
CRON_FIELDS = [
    ("seconds", 0, 59, None),
    ("minutes", 0, 59, None),
    ("hours", 0, 23, None),
    ("day-of-month", 1, 31, None),
    ("month", 1, 12, MONTHS),
    ("day-of-week", 1, 7, DAYS),
    ("year", 1970, 2099, None),
]
DAY_OF_MONTH = 3
DAY_OF_WEEK = 5


def _cron_value(text, low, high, names):
    if names and text.upper() in names:
        return True
    return text.isdigit() and low <= int(text) <= high


def _cron_item_problem(item, index):
    name, low, high, names = CRON_FIELDS[index]
    if index == DAY_OF_MONTH and re.match(r"^(L(-\d{1,2})?|LW|\d{1,2}W)$", item):
        return None  # last day (minus n), last weekday, nearest weekday to day n
    if index == DAY_OF_WEEK and re.match(r"^(L|[1-7]L|[1-7]#[1-5]|[A-Za-z]{3}#[1-5])$", item):
        return None  # last day of week, last given day of the month, n-th given day of the month
    base, _slash, step = item.partition("/")
    if _slash and not (step.isdigit() and int(step) > 0):
        return "%r: the step after '/' must be a positive number" % item
    if base == "*":
        return None
    bounds = base.split("-")
    if len(bounds) > 2 or not all(_cron_value(bound, low, high, names) for bound in bounds):
        return "%r is not a %s value (%d-%d%s), range or step" % (item, name, low, high, " or %s-%s" % (names[0], names[-1]) if names else "")
    return None


def cron_problem(expression):
    """What is wrong with a Quartz cron expression (Atlassian's scheduler), or None."""
    parts = expression.split()
    if len(parts) not in (6, 7):
        return (
            "a Quartz cron expression has 6 or 7 fields (seconds minutes hours day-of-month month day-of-week [year]), "
            "for example '0 0 1 * * ?'; %r has %d" % (expression, len(parts))
        )
    for index, part in enumerate(parts):
        if part == "?":
            if index not in (DAY_OF_MONTH, DAY_OF_WEEK):
                return "'?' is only allowed in the day-of-month and day-of-week fields"
            continue
        for item in part.split(","):
            problem = _cron_item_problem(item, index)
            if problem:
                return "%s field: %s" % (CRON_FIELDS[index][0], problem)
    if (parts[DAY_OF_MONTH] == "?") == (parts[DAY_OF_WEEK] == "?"):
        return "exactly one of the day-of-month and day-of-week fields must be '?' (give the other one)"
    return None


def guard_hidden_form(context, client, current):
    """Refuse to hide the login form while no IdP is enabled (API-MAP 3.10 "Lockout trap")."""
    if context.params["show_login_form"] is not False or current.get("show-login-form") is False:
        return
    if authconfig.enabled_idps(authconfig.list_idps(client)):
        return
    fallback = context.params["enable_authentication_fallback"]
    if fallback is None:
        fallback = current.get("enable-authentication-fallback")
    refuse_unless_forced(
        context,
        "sso_hidden_login_form",
        "hiding the login form while no identity provider is enabled %s"
        % ("would leave people only the authentication fallback to log in" if fallback
           else "and authentication fallback is off would leave nobody a way to log in"),
        "Enable an identity provider first (bitbucket_idp enabled=true).",
    )


@authconfig.explained
def run(context):
    params = context.params
    if params["discovery_refresh_cron"] is not None:
        problem = cron_problem(params["discovery_refresh_cron"])
        if problem:
            raise invalid_option("discovery_refresh_cron", problem)
    client = context.client
    current = client.get(authconfig.SSO) or {}
    guard_hidden_form(context, client, current)
    reads = [current]

    def patch(changes):
        # API-MAP 3.10: PATCH takes a partial configuration; only the differing properties are sent.
        return client.patch(authconfig.SSO, json=SSO_FIELDS.to_api(changes)).body

    resource = singleton(read=lambda: reads.pop() if reads else client.get(authconfig.SSO), write=patch, project=SSO_FIELDS.project)
    resource.update = lambda _current, changes: patch(changes)
    desired = SSO_FIELDS.desired(params)
    changed, before, after, sso = ensure(context, resource, "present", desired, label="the SSO configuration")
    if context.check_mode:
        sso = dict(current)
        sso.update(SSO_FIELDS.to_api({option: value for option, value in after.items() if before.get(option) != value}))
    return context.result(changed, before, after, sso_config=sso or {})


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
