#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_rate_limit
short_description: Configure Bitbucket Data Center rate limiting and its per-user overrides
version_added: 1.0.0
description:
  - Sets the instance's rate limiting (on or off, and the token bucket every user gets) and the per-user overrides, in one task.
  - Every user has a bucket of O(capacity) requests, refilled at O(fill_rate) requests a second; a request that finds it empty is
    answered 429. An override gives a user a bucket of their own, or exempts them (whitelisted), never both.
  - Only the settings you set are compared and changed. The listed users get exactly the listed override; with O(purge), every other
    override is removed, which makes the list authoritative.
  - Users are named by user name, compared without regard to case. Bitbucket's user filter is a substring match and is not relied on.
options:
  enabled:
    description:
      - Whether rate limiting is on.
    type: bool
  capacity:
    description:
      - The size of every user's token bucket, the requests a user may make in a burst. A positive integer.
    type: int
  fill_rate:
    description:
      - The tokens added to every user's bucket each second, the requests a user may make a second in the long run. A positive integer.
    type: int
  users:
    description:
      - Per-user overrides. Each user is whitelisted, or has a capacity and a fill rate of their own.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - The user name (not the slug).
        type: str
        required: true
      whitelisted:
        description:
          - Exempt the user from rate limiting. Do not set O(users[].capacity) or O(users[].fill_rate) with it.
        type: bool
        default: false
      capacity:
        description:
          - The user's own bucket size. Required, with O(users[].fill_rate), unless the user is whitelisted.
        type: int
      fill_rate:
        description:
          - The user's own fill rate. Required, with O(users[].capacity), unless the user is whitelisted.
        type: int
      state:
        description:
          - V(present) gives the user this override; V(absent) removes the user's override, so the instance's settings apply to them.
        type: str
        choices: [present, absent]
        default: present
  purge:
    description:
      - Remove the override of every user that O(users) does not list.
    type: bool
    default: false
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs ADMIN.
  - New overrides that share one setting are made in one request, whatever the list size; each change of an existing override and
    each removal is one request.
  - Whitelist the account that runs your automation, so that a large play is never slowed down by its own rate limit.
seealso:
  - module: bitbucket.datacenter.bitbucket_rate_limit_info
  - name: Bitbucket Data Center REST API, system maintenance
    description: The rate limit endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-system-maintenance/
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Rate limiting on; CI and the automation account exempt; deployers get a larger bucket; no other override
  bitbucket.datacenter.bitbucket_rate_limit:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    enabled: true
    capacity: 60
    fill_rate: 5
    users:
      - name: jenkins
        whitelisted: true
      - name: automation
        whitelisted: true
      - name: deployer
        capacity: 600
        fill_rate: 50
    purge: true

- name: The old build user is rate limited like everyone else again
  bitbucket.datacenter.bitbucket_rate_limit:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    users:
      - name: old-build
        state: absent
"""

RETURN = r"""
settings:
  description: The instance's rate limiting after the run (predicted in check mode), as Bitbucket returns it.
  returned: when O(enabled), O(capacity) or O(fill_rate) is set
  type: dict
  sample:
    enabled: true
    defaultSettings:
      capacity: 60
      fillRate: 5
users:
  description:
    - The per-user overrides after the run (predicted in check mode), sorted by name. A whitelisted user has no capacity nor fill rate.
  returned: when O(users) or O(purge) is set
  type: list
  elements: dict
  sample:
    - name: deployer
      whitelisted: false
      capacity: 600
      fill_rate: 50
    - name: jenkins
      whitelisted: true
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils import _rate_limits
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._reconcile import reconcile
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import ensure, guarded_write, singleton

MODULE_SPEC = dict(
    argument_spec=dict(
        enabled=dict(type="bool"),
        capacity=dict(type="int"),
        fill_rate=dict(type="int"),
        users=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                name=dict(type="str", required=True),
                whitelisted=dict(type="bool", default=False),
                capacity=dict(type="int"),
                fill_rate=dict(type="int"),
                state=dict(type="str", choices=["present", "absent"], default="present"),
            ),
        ),
        purge=dict(type="bool", default=False),
    ),
)


def override_key(item):
    return item["name"].lower()


def validate(params):
    for option in ("capacity", "fill_rate"):
        if params[option] is not None and params[option] < 1:
            raise invalid_option(option, "must be a positive integer, got %d" % params[option])
    seen = set()
    for position, item in enumerate(params["users"]):
        name = item["name"]
        if not name or not name.strip():
            raise invalid_option("users", "item %d has an empty name" % (position + 1))
        if override_key(item) in seen:
            raise invalid_option("users", "%r is listed more than once" % name)
        seen.add(override_key(item))
        bucket = [field for field in ("capacity", "fill_rate") if item[field] is not None]
        if item["state"] == "absent":
            if bucket or item["whitelisted"]:
                raise invalid_option("users", "%r: whitelisted, capacity and fill_rate go with state=present" % name)
            continue
        # Seed 003: "Whitelisted is true, and settings are provided (only one must be provided)" is a 400.
        if item["whitelisted"] and bucket:
            raise invalid_option("users", "%r is whitelisted and has a %s: an override is one or the other, never both" % (name, " and ".join(bucket)))
        if not item["whitelisted"] and len(bucket) < 2:
            raise invalid_option("users", "%r needs both capacity and fill_rate, or whitelisted=true" % name)
        for field in bucket:
            if item[field] < 1:
                raise invalid_option("users", "%r: %s must be a positive integer, got %d" % (name, field, item[field]))


def wanted_override(item):
    fields = dict(name=item["name"], whitelisted=item["whitelisted"])
    if not item["whitelisted"]:
        fields.update(capacity=item["capacity"], fill_rate=item["fill_rate"])
    return fields


def same_override(have, want):
    if have["whitelisted"] != want["whitelisted"]:
        return False
    return want["whitelisted"] or (have.get("capacity"), have.get("fill_rate")) == (want["capacity"], want["fill_rate"])


def plan_overrides(client, params):
    """``(current by key, overrides to create, overrides to update, overrides to remove)``."""
    current = {override_key(item): item for item in map(_rate_limits.override_fields, _rate_limits.read_overrides(client))}
    wanted = [wanted_override(item) for item in params["users"] if item["state"] == "present"]
    plan = reconcile(wanted, list(current.values()), key=override_key, equal=same_override, purge=params["purge"])
    removals = {override_key(item): item for item in plan.delete}
    for item in params["users"]:
        if item["state"] == "absent" and override_key(item) in current:
            removals.setdefault(override_key(item), current[override_key(item)])
    # An update names the user as Bitbucket does (the user's spelling may differ in case), by the slug it listed.
    updates = [dict(want, name=have["name"], slug=have["slug"]) for have, want in plan.update]
    return current, plan.create, updates, list(removals.values())


def override_body(item):
    """The update request of seed 003: whitelisted, or the user's own bucket, never both."""
    if item["whitelisted"]:
        return dict(whitelisted=True)
    return dict(settings=dict(capacity=item["capacity"], fillRate=item["fill_rate"]))


def write_overrides(client, creates, updates, removals):
    # New overrides that share a setting are made in one request, by user name (the bulk resource, API-MAP 3.16). An
    # existing override is changed on its own resource, by the slug Bitbucket listed (API-MAP 3.16: prefer it). Setting
    # an override is idempotent, so a gateway error may be retried.
    groups = {}
    for item in creates:
        groups.setdefault((item["whitelisted"], item.get("capacity"), item.get("fill_rate")), []).append(item["name"])
    for (whitelisted, capacity, fill_rate), names in sorted(groups.items(), key=lambda pair: (not pair[0][0], pair[0][1] or 0, pair[0][2] or 0)):
        body = dict(usernames=names)
        body.update(override_body(dict(whitelisted=whitelisted, capacity=capacity, fill_rate=fill_rate)))
        client.post(_rate_limits.USERS_PATH, json=body, idempotent=True)
    for item in updates:
        client.put(_rate_limits.user_path(item["slug"]), json=override_body(item))
    for item in removals:
        client.delete(_rate_limits.user_path(item["slug"]), missing_ok=True)  # 404: already gone (API-MAP 3.16)


def listed(overrides):
    """The overrides as returned and diffed: sorted by name, without the slug (unknown for a user not yet listed)."""
    items = [{key: value for key, value in item.items() if key != "slug"} for item in overrides.values()]
    return sorted(items, key=lambda item: item["name"].lower())


def converge_overrides(context):
    client = context.client
    params = context.params
    current, creates, updates, removals = plan_overrides(client, params)
    after = dict(current)
    for item in creates:
        after[override_key(item)] = item
    for item in updates:
        after[override_key(item)] = item
    for item in removals:
        after.pop(override_key(item), None)
    changed = bool(creates or updates or removals)
    if changed and not context.check_mode:
        pending = [(creates, updates, removals)]

        def write_pending():
            write_overrides(client, *pending[0])

        def read_what_is_left():
            # A write may land behind a lost answer: read again and make only what is still missing.
            pending[0] = plan_overrides(client, params)[1:]
            return any(pending[0])

        guarded_write(write_pending, read_what_is_left, landed=lambda still_changed: not still_changed)
    return changed, listed(current), listed(after)


def converge_settings(context):
    client = context.client
    params = context.params

    def write(fields):
        body = dict(enabled=fields["enabled"], defaultSettings=dict(capacity=fields["capacity"], fillRate=fields["fill_rate"]))
        return client.put(_rate_limits.SETTINGS_PATH, json=body).body  # the whole document (API-MAP 3.16)

    resource = singleton(read=lambda: client.get(_rate_limits.SETTINGS_PATH), write=write, project=_rate_limits.settings_fields)
    desired = dict(enabled=params["enabled"], capacity=params["capacity"], fill_rate=params["fill_rate"])
    changed, before, after, _obj = ensure(context, resource, "present", desired, label="the rate limit settings")
    return changed, before, after


def run(context):
    params = context.params
    validate(params)
    changed, before, after, values = False, {}, {}, {}
    if any(params[option] is not None for option in ("enabled", "capacity", "fill_rate")):
        changed, before["settings"], after["settings"] = converge_settings(context)
        values["settings"] = dict(enabled=after["settings"]["enabled"],
                                  defaultSettings=dict(capacity=after["settings"]["capacity"], fillRate=after["settings"]["fill_rate"]))
    if params["users"] or params["purge"]:
        users_changed, before["users"], after["users"] = converge_overrides(context)
        changed = changed or users_changed
        values["users"] = after["users"]
    if not values:
        raise invalid_option("enabled", "set enabled, capacity, fill_rate, users or purge: there is nothing to manage")
    return context.result(changed, before, after, **values)


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
