#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_tsv
short_description: Reset another user's two-step verification on Bitbucket Data Center
version_added: 1.0.0
description:
  - Unenrolls a user from two-step verification (2SV), as an administrator does when someone has lost their authenticator app. The
    user enrolls again at their next login.
  - Bitbucket asks the administrator running the task for their own current one-time code (O(totp_code)), and cannot tell anyone
    whether another user is enrolled. So the module finds out by asking Bitbucket to unenroll the user; "no enrollment found" means
    there was nothing to do, and the task reports no change.
  - Enrolling, the login flow and an account's own 2SV settings are interactive (a person's authenticator app, a browser session)
    and cannot be automated; see M(bitbucket.datacenter.bitbucket_tsv_info) for the status of the account the task runs as.
options:
  user:
    description:
      - The username of the account to unenroll. It cannot be the account the task runs as; Bitbucket refuses that.
    type: str
    required: true
  totp_code:
    description:
      - The current six-digit code of the authenticator app of the administrator running the task (not of O(user)).
      - A code is valid for about 30 seconds; compute it just before the task, for example with a lookup from your secrets manager.
    type: str
    required: true
  state:
    description:
      - V(unenrolled) makes O(user) not enrolled in two-step verification.
    type: str
    choices: [unenrolled]
    default: unenrolled
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
attributes:
  check_mode:
    support: partial
    details:
      - Bitbucket has no way to read another user's enrollment, so check mode cannot know whether the task would change anything. It
        sends nothing and reports the task as skipped, saying so.
  diff_mode:
    support: none
  idempotent:
    support: partial
    details:
      - A second run reports no change, but it still sends the unenroll request; Bitbucket's "no enrollment found" answer is how the
        module learns that there was nothing to do.
notes:
  - Needs a global administrator who is enrolled in two-step verification; Bitbucket checks that administrator's code.
  - If the answer to the request is lost (a server error after it was sent), the module sends it once more to find out; "no
    enrollment found" then means the first one worked.
seealso:
  - module: bitbucket.datacenter.bitbucket_tsv_info
  - name: Bitbucket Data Center REST API, two-step verification
    description: The endpoint this module uses (C(/rest/tsv/latest/totp/unenroll/user/{userName})).
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-authentication/
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Reset the two-step verification of someone who lost their phone
  bitbucket.datacenter.bitbucket_tsv:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    user: jdoe
    # The administrator's own current code, read just before the task from your secrets manager; with HashiCorp
    # Vault's TOTP engine and the community.hashi_vault collection, for example:
    #   lookup('community.hashi_vault.vault_read', 'totp/code/bitbucket-automation').data.code
    totp_code: "{{ bitbucket_automation_totp_code }}"
"""

RETURN = r"""
unenrolled:
  description: Whether this run unenrolled the user; V(false) when Bitbucket found no enrollment.
  returned: when not in check mode
  type: bool
server_message:
  description: Bitbucket's answer when it found no enrollment.
  returned: when Bitbucket found no enrollment
  type: str
  sample: No two-step verification enrollment found for jdoe.
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

import re

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError, rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option, run_module

MODULE_SPEC = dict(
    argument_spec=dict(
        user=dict(type="str", required=True),
        totp_code=dict(type="str", required=True, no_log=True),
        state=dict(type="str", choices=["unenrolled"], default="unenrolled"),
    ),
)

# spec unenrollUser: 204 unenrolled; 400 no enrollment found; 401 invalid TOTP code; 403 yourself; 404 no such user.
NO_ENROLLMENT = 400
# RFC 6238 codes as authenticator apps show them (Bitbucket's are six digits).
CODE_PATTERN = re.compile(r"^[0-9]{6}$")


def validate(params):
    if not params["user"].strip():
        raise invalid_option("user", "must not be empty")
    if not CODE_PATTERN.match(params["totp_code"].strip()):
        raise invalid_option("totp_code", "must be the six digits of a current one-time code")
    if params["token"] is None and params["user"].lower() == (params["username"] or "").lower():
        raise invalid_option(
            "user",
            "%s is the account this task runs as; Bitbucket does not let an account unenroll itself here. Run the task as another "
            "administrator" % params["user"],
        )


def explain(exc, params):
    """Bitbucket's refusals of an unenrollment, with what to do about them (API-MAP 3.12)."""
    user = params["user"]
    if exc.status == 401:
        exc.message += (
            " - Bitbucket refused the one-time code, or the credentials: totp_code must be the current code of the administrator running"
            " the task (not of %s), that administrator must be enrolled in two-step verification, and a code is valid for about 30 seconds"
            % user
        )
        if params["token"]:
            exc.message += "; this server may also not accept HTTP access tokens here (run the task with a username and password)"
    elif exc.status == 403:
        exc.message += " - Bitbucket does not let an account unenroll itself here; run the task as another administrator"
    elif exc.status == 404:
        exc.message += " - there is no user named %s" % user
    return exc


def unenroll(client, path, code):
    """``(unenrolled, server message)``; a lost answer is found out by asking again."""
    body = {"totpCode": code}
    try:
        # Not repeated blindly on a 5xx (idempotent=False): a second answer would be "no enrollment" either way.
        client.request("DELETE", path, json=body, idempotent=False)
        return True, None
    except BitbucketError as exc:
        if exc.status == NO_ENROLLMENT:
            return False, exc.server_message
        if not exc.maybe_applied:
            raise
        lost = exc
    try:
        client.request("DELETE", path, json=body, idempotent=False)
    except BitbucketError as exc:
        if exc.status != NO_ENROLLMENT:
            raise lost from None
    # Either the first request landed (now there is nothing left) or this one did: the user is unenrolled.
    return True, None


def run(context):
    params = context.params
    validate(params)
    if context.check_mode:
        return dict(
            changed=False,
            skipped=True,
            msg="Check mode cannot know whether %s is enrolled in two-step verification: Bitbucket offers no way to read another "
            "user's enrollment, and asking it to unenroll the user is the only way to find out" % params["user"],
        )
    path = rest_path("tsv", "totp", "unenroll", "user", params["user"])
    try:
        unenrolled, message = unenroll(context.client, path, params["totp_code"].strip())
    except BitbucketError as exc:
        raise explain(exc, params) from None
    result = dict(changed=unenrolled, unenrolled=unenrolled)
    if message is not None:
        result["server_message"] = message
    return result


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
