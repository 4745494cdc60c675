#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_basic_auth
short_description: Block basic authentication on Bitbucket Data Center, with exceptions for chosen users and paths
version_added: 1.0.0
description:
  - Sets whether Bitbucket Data Center refuses requests authenticated with a username and password (HTTP basic authentication), and
    which users and URL paths may still use it. People and tools then use personal access tokens or single sign-on.
  - Bitbucket holds this configuration once and replaces it whole on every change; the module sends what is there merged with what
    you set, so options you leave out keep their values.
  - Only the options you set are compared; O(allowed_users) and O(allowed_paths) are compared as sets (order and repeats do not matter)
    and replace the lists that are there.
  - B(Lock-out guard.) When the task itself authenticates with O(username) and O(password), and the change would block basic
    authentication for that very user, the module refuses before writing anything, unless O(force=true). Put the user in
    O(allowed_users), or run the task with an HTTP access token (O(token)), which blocking does not affect.
options:
  block_requests:
    description:
      - Whether Bitbucket refuses basic authentication, except for O(allowed_users) and O(allowed_paths).
    type: bool
  show_warning_message:
    description:
      - Whether Bitbucket warns people who still use basic authentication.
    type: bool
  allowed_users:
    description:
      - Usernames that may keep using basic authentication when it is blocked, for example a break-glass administrator and the account
        that runs automation. The whole list; an empty list allows nobody.
    type: list
    elements: str
  allowed_paths:
    description:
      - URL paths that keep accepting basic authentication when it is blocked, for example C(/rest/api/latest/application-properties).
        The whole list; an empty list allows no path.
      - Bitbucket calls these path patterns but does not document their syntax; Atlassian's examples end in C(*). They are sent and
        compared exactly as given.
    type: list
    elements: str
  force:
    description:
      - Block basic authentication for the user the task authenticates as. Later tasks with that user's password then fail; only an
        HTTP access token, or another allowed user, can change the configuration back.
    type: bool
    default: false
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs the SYS_ADMIN permission.
  - The lock-out guard counts only O(allowed_users) entries that name the user exactly (without regard to case). Entries with C(*) and
    O(allowed_paths) do not count, because how Bitbucket matches them is not documented, and a task calls several REST paths.
  - When Bitbucket answers that another update is in progress (409), the change is tried again after a short wait.
  - Whether Bitbucket lets an HTTP access token change this configuration is not documented. If the server refuses the token, the
    task fails and says so; then run it with the username and password of a system administrator listed in O(allowed_users).
seealso:
  - module: bitbucket.datacenter.bitbucket_access_token
  - module: bitbucket.datacenter.bitbucket_sso_config
  - name: Bitbucket Data Center REST API, authentication
    description: The endpoint this module uses (C(/rest/basicauth/latest/config)).
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-authentication/
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Block basic authentication for everyone but the break-glass account and the automation account
  bitbucket.datacenter.bitbucket_basic_auth:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    block_requests: true
    show_warning_message: true
    allowed_users: [breakglass, automation]

- name: The same, run with an HTTP access token, which blocking does not affect
  bitbucket.datacenter.bitbucket_basic_auth:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    block_requests: true
    allowed_users: [breakglass]
"""

RETURN = r"""
basic_auth:
  description:
    - The configuration after the run, as Bitbucket describes it (kebab-case names); in check mode, the predicted configuration.
  returned: always
  type: dict
  sample:
    block-requests: true
    show-warning-message: true
    allowed-users: [automation, breakglass]
    allowed-paths: []
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils import _authconfig as authconfig
from ansible_collections.bitbucket.datacenter.plugins.module_utils._field_map import Field, FieldMap, as_set
from ansible_collections.bitbucket.datacenter.plugins.module_utils._lockout import FORCE_OPTION, refuse_unless_forced
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import ensure, singleton

# BasicAuthConfigEntity (seed 000; API-MAP 3.11): all four keys are always sent, with these when unknown.
BASIC_AUTH_FIELDS = FieldMap([
    Field("block_requests", "block-requests"),
    Field("show_warning_message", "show-warning-message"),
    Field("allowed_users", "allowed-users", normalise=as_set),
    Field("allowed_paths", "allowed-paths", normalise=as_set),
])
DEFAULTS = dict(block_requests=False, show_warning_message=False, allowed_users=[], allowed_paths=[])
# API-MAP 3.11: "409 another update in progress (retry with back-off)".
ANOTHER_UPDATE_IN_PROGRESS = 409

MODULE_SPEC = dict(
    argument_spec=dict(
        block_requests=dict(type="bool"),
        show_warning_message=dict(type="bool"),
        allowed_users=dict(type="list", elements="str"),
        allowed_paths=dict(type="list", elements="str"),
        force=FORCE_OPTION,
    ),
)


def validate(params):
    for option in ("allowed_users", "allowed_paths"):
        if params[option] is not None and not all(item.strip() for item in params[option]):
            raise invalid_option(option, "holds an empty entry")


def whole(config):
    """Every managed field, unknown ones at their defaults: what a PUT must carry (API-MAP 3.11)."""
    return {option: (value if value is not None else DEFAULTS[option]) for option, value in config.items()}


def blocks_caller(context, after):
    """Whether the configuration ``after`` (by option name) blocks the basic-auth user the task runs as."""
    params = context.params
    if params["token"] is not None or not after["block_requests"]:
        return False
    caller = params["username"].lower()
    return not any(user.lower() == caller for user in after["allowed_users"])


def guard_self_block(context, after):
    """Refuse, before any write, to block basic authentication for the user the task runs as (API-MAP 3.11)."""
    user = context.params["username"]
    patterns = [entry for entry in after["allowed_users"] if "*" in entry]
    uncounted = " (the entries %s do not count: Bitbucket does not document how it matches them)" % ", ".join(patterns) if patterns else ""
    refuse_unless_forced(
        context,
        "basic_auth_self_block",
        "this would block basic authentication for %s, the user this task authenticates as, so the next request with its password "
        "would be refused%s" % (user, uncounted),
        "List %s in allowed_users, or run the task with an HTTP access token instead of a password: create one for a system "
        "administrator with bitbucket.datacenter.bitbucket_access_token (permissions PROJECT_ADMIN and REPO_ADMIN), then set token "
        "(or BITBUCKET_TOKEN) and leave username and password unset; Bearer tokens are not blocked." % user,
    )


@authconfig.explained
def run(context):
    params = context.params
    validate(params)
    client = context.client
    current = client.get(authconfig.BASIC_AUTH) or {}
    reads = [current]
    desired = BASIC_AUTH_FIELDS.desired(params)
    before = whole(BASIC_AUTH_FIELDS.project(current))
    after = dict(before, **{option: value for option, value in desired.items() if value is not None})
    locks_self_out = after != before and blocks_caller(context, after)
    if locks_self_out:
        guard_self_block(context, after)

    def write(fields):
        body = BASIC_AUTH_FIELDS.to_api(whole(fields))
        # PUT "stores a new configuration" and answers 204 with no body (API-MAP 3.11); 409 is retried.
        client.request("PUT", authconfig.BASIC_AUTH, json=body, retry_statuses=(ANOTHER_UPDATE_IN_PROGRESS,))
        # Read back, unless this very change blocked the task's own credentials (force=true).
        return body if locks_self_out else None

    resource = singleton(read=lambda: reads.pop() if reads else client.get(authconfig.BASIC_AUTH), write=write, project=BASIC_AUTH_FIELDS.project)
    changed, before, after, config = ensure(context, resource, "present", desired, label="the basic authentication configuration")
    if context.check_mode and changed:
        config = BASIC_AUTH_FIELDS.to_api(whole(after))
    elif locks_self_out and changed:
        context.warn("Basic authentication is now blocked for %s; the configuration was not read back" % params["username"])
    return context.result(changed, before, after, basic_auth=config or {})


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
