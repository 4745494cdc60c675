#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_access_token
short_description: Create, update, rotate and delete Bitbucket Data Center HTTP access tokens
version_added: 1.0.0
description:
  - Manages an HTTP access token of a user, a project or a repository, identified by its owner and its O(name).
  - A token whose permissions differ is updated in place and keeps its id and its secret.
  - Bitbucket shows a token's secret once, when it creates the token. The module returns it as RV(secret) only in the run that
    created the token; later runs cannot return it. Ansible hides the output of that one task, as if it had C(no_log), so that the
    secret is not printed or logged; C(register) the result to use it.
  - Bitbucket cannot change a token's expiry. O(recreate) replaces the token, and with it the secret, when that is wanted.
options:
  name:
    description:
      - The token's name, its identity within its owner. Bitbucket allows two tokens of the same name; the module then fails and
        lists their ids, rather than guess.
    type: str
    required: true
  permissions:
    description:
      - The token's permissions, at most one project level and one repository level. Required to create the token.
      - A repository token takes repository levels only. A project level needs a repository level at least as high
        (V(PROJECT_WRITE) goes with V(REPO_WRITE) or V(REPO_ADMIN)).
      - Compared as a set; a difference is updated in place.
    type: list
    elements: str
    choices: [PROJECT_READ, PROJECT_WRITE, PROJECT_ADMIN, REPO_READ, REPO_WRITE, REPO_ADMIN]
  expiry_days:
    description:
      - Days until the token expires, counted from its creation. Without it, the token does not expire, unless an administrator's
        policy requires an expiry.
      - Used when the token is created. For an existing token, a different value only matters with O(recreate=on_change).
      - When an administrator limits the expiry of tokens (M(bitbucket.datacenter.bitbucket_access_token_policy)), a value above the
        limit is refused before anything is created, and Bitbucket's refusal of a token without an expiry is explained.
    type: int
  recreate:
    description:
      - When to replace an existing token with a new one (a new id and a new secret).
      - V(never) keeps it; a different O(expiry_days) is reported as a warning.
      - V(on_change) replaces it when its expiry differs from O(expiry_days).
      - V(expiring) replaces it when it expires within O(recreate_within_days) days, or has expired. Use it to rotate tokens on a schedule.
      - V(always) replaces it on every run, so the task always reports a change.
    type: str
    choices: [never, on_change, expiring, always]
    default: never
  recreate_within_days:
    description:
      - With O(recreate=expiring), replace the token when it expires within this many days.
    type: int
  state:
    description:
      - V(present) makes the token exist with the given permissions; V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - bitbucket.datacenter.access_token_owner
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
attributes:
  idempotent:
    support: partial
    details:
      - With O(recreate=always), every run replaces the token.
notes:
  - Bitbucket does not let an HTTP access token create, change or delete access tokens. Authenticate with O(username) and
    O(password) for any change; a token is enough to find out that nothing needs to change.
  - Project and repository tokens need a Data Center licence and PROJECT_ADMIN (or REPO_ADMIN) on their owner.
  - In check mode nothing is created, so no secret is returned.
  - A create whose answer is lost (a 5xx, a gateway's 502, 503 or 504, or a connection dropped after the request was sent)
    may have made a token whose secret nobody received. The module lists the owner's tokens again, deletes any token of this
    O(name) that was not there before (with a warning naming its id) and creates the token once more, so the run ends with one
    working token and its secret, and no orphan. It tries five times in all.
seealso:
  - module: bitbucket.datacenter.bitbucket_access_token_info
  - name: Bitbucket Data Center REST API, access tokens
    description: The endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-authentication/
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: CI token of the platform project, rotated when it has less than 30 days left
  bitbucket.datacenter.bitbucket_access_token:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    project: PLAT
    name: ci-pipeline
    permissions: [PROJECT_READ, REPO_WRITE]
    expiry_days: 90
    recreate: expiring
    recreate_within_days: 30
  register: ci_token

- name: Store a new secret in the CI system
  ansible.builtin.debug:
    msg: "A new token was issued; store it"
  when: ci_token.secret is defined
  no_log: true

- name: Deploy token of one repository
  bitbucket.datacenter.bitbucket_access_token:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    project: PLAT
    repository: deploy-scripts
    name: deployer
    permissions: [REPO_READ]

- name: Remove a personal token
  bitbucket.datacenter.bitbucket_access_token:
    url: https://bitbucket.example.com
    username: alice
    password: "{{ alice_password }}"
    user: alice
    name: laptop
    state: absent
"""

RETURN = r"""
token:
  description:
    - The token after the run as Bitbucket describes it, without its secret; in check mode, the predicted token. Empty when absent.
    - Dates are epoch milliseconds, as Bitbucket gives them.
  returned: always
  type: dict
  sample:
    id: "123456789012"
    name: ci-pipeline
    permissions: [PROJECT_READ, REPO_WRITE]
    createdDate: 1767225600000
    expiryDate: 1774998000000
secret:
  description: The secret of the token, to send in an C(Authorization) header as a Bearer token. Bitbucket shows it once.
  returned: only in the run that created or recreated the token (never in check mode)
  type: str
recreated:
  description: Whether an existing token was replaced by a new one.
  returned: always
  type: bool
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

import time

from ansible_collections.bitbucket.datacenter.plugins.module_utils._access_tokens import (
    OWNER_ARGUMENT_SPEC,
    OWNER_RULES,
    PERMISSIONS,
    list_tokens,
    owner_label,
    owner_path,
    public_view,
)
from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure, invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import guarded_write
from ansible_collections.bitbucket.datacenter.plugins.module_utils._token_policy import check_token_expiry, explain_refused_token, known_max_expiry

DAY_MS = 24 * 60 * 60 * 1000

# Result keys that carry a secret Bitbucket shows once: a result holding one is hidden from
# display and logs like a no_log task's, on either execution path (plugins/plugin_utils/_runner.py).
ONE_TIME_SECRETS = ("secret",)

MODULE_SPEC = dict(
    argument_spec=dict(
        OWNER_ARGUMENT_SPEC,
        name=dict(type="str", required=True),
        permissions=dict(type="list", elements="str", choices=PERMISSIONS),
        expiry_days=dict(type="int"),
        recreate=dict(type="str", choices=["never", "on_change", "expiring", "always"], default="never"),
        recreate_within_days=dict(type="int"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ),
    required_if=[("recreate", "expiring", ["recreate_within_days"])],
    **OWNER_RULES
)


def level(permission):
    return permission.split("_", 1)[1]


def validate(params):
    if not params["name"].strip():
        raise invalid_option("name", "must not be empty")
    permissions = params["permissions"]
    if permissions is not None:
        if not permissions:
            raise invalid_option("permissions", "give at least one permission")
        order = ["READ", "WRITE", "ADMIN"]
        project_levels = [level(p) for p in set(permissions) if p.startswith("PROJECT_")]
        repo_levels = [level(p) for p in set(permissions) if p.startswith("REPO_")]
        if len(project_levels) > 1 or len(repo_levels) > 1:
            raise invalid_option("permissions", "at most one PROJECT_* and one REPO_* level, got %s" % ", ".join(sorted(set(permissions))))
        if params["repository"] and project_levels:
            raise invalid_option("permissions", "a repository token takes REPO_* permissions only")
        if project_levels and (not repo_levels or order.index(repo_levels[0]) < order.index(project_levels[0])):
            # Atlassian: a token's repository permission is at least its project permission (API-MAP 3.5).
            raise invalid_option(
                "permissions", "PROJECT_%s needs a repository permission at least as high (REPO_%s or above)" % (project_levels[0], project_levels[0])
            )
    if params["expiry_days"] is not None and params["expiry_days"] < 1:
        raise invalid_option("expiry_days", "must be 1 or more")
    if params["recreate_within_days"] is not None and params["recreate_within_days"] < 0:
        raise invalid_option("recreate_within_days", "must be 0 or more")


def find_token(client, params):
    """The one token of the owner with this name, or None; two of the same name are an error."""
    tokens = list_tokens(client, params)
    matches = [token for token in tokens if token.get("name") == params["name"]]
    if len(matches) > 1:
        ids = ", ".join(sorted(str(token.get("id")) for token in matches))
        raise ModuleFailure(
            "%s has %d access tokens named %r (ids %s); delete the extra ones so the name identifies one token"
            % (owner_label(params), len(matches), params["name"], ids),
            token_ids=sorted(str(token.get("id")) for token in matches),
        )
    return (matches[0] if matches else None), tokens


def token_expiry_days(token):
    """The token's lifetime in days, from ``expiryDays`` or from its dates (epoch ms, API-MAP 1.8)."""
    if token.get("expiryDays") is not None:
        return int(token["expiryDays"])
    if isinstance(token.get("expiryDate"), (int, float)) and isinstance(token.get("createdDate"), (int, float)):
        return int(round((token["expiryDate"] - token["createdDate"]) / float(DAY_MS)))
    return None


def recreate_reason(context, token):
    params = context.params
    mode = params["recreate"]
    if mode == "always":
        return "recreate=always"
    if mode == "expiring":
        expiry = token.get("expiryDate")
        if isinstance(expiry, (int, float)) and expiry - time.time() * 1000 <= params["recreate_within_days"] * DAY_MS:
            return "it expires within %d days" % params["recreate_within_days"]
        return None
    wanted = params["expiry_days"]
    if wanted is not None and token_expiry_days(token) != wanted:
        if mode == "on_change":
            return "its expiry differs from expiry_days"
        context.warn(
            "Access token %r of %s expires %s days after its creation, not %d; Bitbucket cannot change an expiry. "
            "Set recreate=on_change to replace the token." % (params["name"], owner_label(params), token_expiry_days(token), wanted)
        )
    return None


def managed_fields(token):
    if token is None:
        return None
    fields = dict(name=token.get("name"), permissions=sorted(token.get("permissions") or []))
    if token_expiry_days(token) is not None:
        fields["expiry_days"] = token_expiry_days(token)
    return fields


def require_password_auth(params):
    if params["token"] is not None:
        raise ModuleFailure(
            "Access token %r of %s needs a change, but Bitbucket does not let an HTTP access token create, change or delete access tokens; "
            "authenticate with username and password" % (params["name"], owner_label(params))
        )


def create_token(client, params, known_ids):
    """Create the token; after a failure that may have created one, remove it (its secret is lost) and create again."""
    body = dict(name=params["name"], permissions=sorted(set(params["permissions"])))
    if params["expiry_days"] is not None:
        body["expiryDays"] = params["expiry_days"]
    warnings = []

    def create():
        # Create is a PUT on the collection (API-MAP 3.5): not idempotent, never repeated by the client.
        return client.put(owner_path(params), json=body, idempotent=False).body

    def remove_orphans():
        # The answer was lost: a token may have been made, and nobody has its secret. Re-read first.
        for token in client.get_paged(owner_path(params)):
            if token.get("name") == params["name"] and str(token.get("id")) not in known_ids:
                client.delete(owner_path(params, str(token["id"])), missing_ok=True)
                warnings.append("Removed access token %s, created by a request whose answer was lost, and created it again" % token["id"])
        # Never "landed": a token whose secret is lost is of no use, so it is made again.

    return guarded_write(create, remove_orphans, landed=lambda _current: False), warnings


def run(context):
    params = context.params
    validate(params)
    client = context.client
    current, tokens = find_token(client, params)
    known_ids = {str(token.get("id")) for token in tokens}
    before = managed_fields(current)

    if params["state"] == "absent":
        if current is None:
            return context.result(False, None, None, token={}, recreated=False)
        require_password_auth(params)
        if not context.check_mode:
            client.delete(owner_path(params, str(current["id"])), missing_ok=True)
        return context.result(True, before, None, token={}, recreated=False)

    reason = recreate_reason(context, current) if current is not None else None
    if current is None or reason:
        if params["permissions"] is None:
            raise invalid_option("permissions", "required to create access token %r of %s" % (params["name"], owner_label(params)))
        require_password_auth(params)
        # An administrator's maximum expiry (seed 002), when it can be read: an expiry above it is refused before any write.
        maximum = known_max_expiry(client)
        problem = check_token_expiry(maximum, params["expiry_days"])
        if problem:
            raise invalid_option("expiry_days", problem)
        predicted = dict(name=params["name"], permissions=sorted(set(params["permissions"])))
        if params["expiry_days"] is not None:
            predicted["expiryDays"] = params["expiry_days"]
        if context.check_mode:
            return context.result(True, before, managed_fields(predicted), token=predicted, recreated=current is not None)
        try:
            created, warnings = create_token(client, params, known_ids)
        except BitbucketError as exc:
            raise explain_refused_token(exc, maximum, params["expiry_days"]) from None
        if current is not None:
            # The old token goes only once the new one exists: a failed rotation leaves a working token.
            client.delete(owner_path(params, str(current["id"])), missing_ok=True)
        for warning in warnings:
            context.warn(warning)
        return context.result(
            True, before, managed_fields(created), token=public_view(created), recreated=current is not None, secret=created.get("token")
        )

    wanted = set(params["permissions"]) if params["permissions"] is not None else None
    # Compare permissions only when the server lists them (API-MAP 3.5, §7 #10).
    if wanted is None or current.get("permissions") is None or set(current["permissions"]) == wanted:
        return context.result(False, before, before, token=public_view(current), recreated=False)
    require_password_auth(params)
    if context.check_mode:
        predicted = dict(current, permissions=sorted(wanted))
        return context.result(True, before, managed_fields(predicted), token=public_view(predicted), recreated=False)
    item = owner_path(params, str(current["id"]))
    # Update is a POST on the item; fields not sent are not altered, the id and secret stay (API-MAP 3.5).
    # An answer lost after the update landed is found by reading the token again.
    updated = guarded_write(
        lambda: client.post(item, json=dict(permissions=sorted(wanted))).body,
        lambda: client.get(item, missing_ok=True),
        landed=lambda token: set(token.get("permissions") or []) == wanted,
    )
    if not isinstance(updated, dict) or "id" not in updated:
        updated = client.get(item)
    return context.result(True, before, managed_fields(updated), token=public_view(updated), recreated=False)


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
