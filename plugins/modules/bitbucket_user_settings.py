#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_user_settings
short_description: Set and remove the settings of a Bitbucket Data Center user
version_added: 1.0.0
description:
  - Manages keys of a user's settings, the map in which Bitbucket and its apps keep per-user preferences.
  - A merge. Only the keys in O(settings) and O(remove) are compared and changed; every other key is left as it is.
  - Keys are defined by Bitbucket and its apps, and are not documented; read them first with O(settings={}) (which changes
    nothing and returns the whole map).
options:
  user:
    description:
      - Username (not slug) of the user whose settings these are.
    type: str
    required: true
  settings:
    description:
      - Keys and the values they must have. Values are strings, booleans or numbers, and are compared with their type
        (V(true) is not V("true")).
    type: dict
    default: {}
  remove:
    description:
      - Keys that must not be set. A key that is not set is no change.
      - Bitbucket documents no way to remove a key. The module sends the key with a C(null) value, the one way the API offers,
        and reads the settings again. A key that comes back with a C(null) value counts as removed. A key that comes back with
        its value fails the task, saying that this Bitbucket keeps keys it is sent C(null) for.
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - The user themselves, or an administrator, may read and change a user's settings.
seealso:
  - module: bitbucket.datacenter.bitbucket_user
  - name: Bitbucket Data Center REST API, users
    description: The endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-system-maintenance/
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Read alice's settings without changing them
  bitbucket.datacenter.bitbucket_user_settings:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    user: alice
  register: alice_settings

- name: Set two keys and remove one, leaving the others alone
  bitbucket.datacenter.bitbucket_user_settings:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    user: alice
    settings:
      example.plugin.theme: dark
      example.plugin.page-size: 50
    remove:
      - example.plugin.legacy-view
"""

RETURN = r"""
settings:
  description:
    - The user's whole settings map after the run; in check mode, the predicted map. Keys whose value is C(null) are left out.
  returned: always
  type: dict
  sample:
    example.plugin.theme: dark
    example.plugin.page-size: 50
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._identity import find_user
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure, invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import guarded_write

MODULE_SPEC = dict(
    argument_spec=dict(
        user=dict(type="str", required=True),
        settings=dict(type="dict", default={}),
        remove=dict(type="list", elements="str", default=[]),
    ),
)

NUMBERS = (int, float)


def is_value(value):
    """seed 003: setting values are strings, booleans or numbers."""
    return isinstance(value, (str, bool) + NUMBERS)


def kind_of(value):
    # Named by kind: Ansible may hand values over as subclasses of dict and list.
    if value is None:
        return "null"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    return type(value).__name__


def same_value(have, want):
    """Equal with the type: True is not 1, "1" is not 1; 10 and 10.0 are the same number."""
    if isinstance(have, bool) or isinstance(want, bool):
        return isinstance(have, bool) and isinstance(want, bool) and have == want
    if isinstance(have, NUMBERS) and isinstance(want, NUMBERS):
        return have == want
    # isinstance, not type(): Ansible may hand values over as subclasses of str (templated, tagged values).
    return isinstance(have, str) and isinstance(want, str) and have == want


def validate(params):
    if not params["user"].strip():
        raise invalid_option("user", "must not be empty")
    for key, value in params["settings"].items():
        if not key.strip():
            raise invalid_option("settings", "a key must not be empty")
        if not is_value(value):
            raise invalid_option("settings", "the value of %r must be a string, a boolean or a number, not %s" % (key, kind_of(value)))
    for key in params["remove"]:
        if not key.strip():
            raise invalid_option("remove", "a key must not be empty")
        if key in params["settings"]:
            raise invalid_option("remove", "%r is also in settings; a key is either set or removed" % key)


def effective(settings):
    """The keys that are set: a key whose value is null counts as removed (one reading of API-MAP 3.26 VERIFY)."""
    return {key: value for key, value in (settings or {}).items() if value is not None}


def run(context):
    params = context.params
    validate(params)
    client = context.client
    user = find_user(client, params["user"])
    if user is None:
        raise ModuleFailure("User %s does not exist (or the credentials cannot see it)" % params["user"])
    path = rest_path("api", "users", user["slug"], "settings")
    before = effective(client.get(path))
    changes = {key: value for key, value in params["settings"].items() if key not in before or not same_value(before[key], value)}
    changes.update((key, None) for key in params["remove"] if key in before)
    if not changes:
        return context.result(False, before, before, settings=before)
    merged = dict(before)
    merged.update(changes)
    predicted = effective(merged)
    if context.check_mode:
        return context.result(True, before, predicted, settings=predicted)

    # The POST merges the given entries and answers 204 (seed 003); the map is read again for the result.
    # A merge is idempotent, so after an answer lost it is read again and sent again only if it did not land.
    def landed(current):
        current = effective(current)
        return all(same_value(current.get(key), value) if value is not None else key not in current for key, value in changes.items())

    guarded_write(lambda: client.post(path, json=changes), lambda: client.get(path), landed)
    after = effective(client.get(path))
    kept = sorted(key for key, value in changes.items() if value is None and key in after)
    if kept:
        raise ModuleFailure(
            "Bitbucket kept the settings %s of %s after they were sent with a null value: this Bitbucket does not remove settings "
            "through its REST API, so they cannot be removed here" % (", ".join(kept), user["name"]),
            settings=after,
        )
    for key, value in changes.items():
        if value is not None and not same_value(after.get(key), value):
            context.warn("Bitbucket stored the setting %s of %s as %r, not %r; the next run will try again" % (key, user["name"], after.get(key), value))
    return context.result(True, before, after, settings=after)


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
