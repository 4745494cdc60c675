#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_ssh_key
short_description: Manage the SSH keys of a Bitbucket Data Center user
version_added: 1.0.0
description:
  - Manages the SSH keys of one user, the whole list in one task.
  - A key is identified by its type and its key data. Its comment and its label never identify it, so the same key with another
    comment is the same key, and two keys with the same label are two keys.
  - With O(state=present), every listed key is added if the user does not have it. With O(purge), every other key of the user is
    removed, which makes the list authoritative; new keys are added before old ones are removed, so rotating a key is one task.
  - With O(state=absent), the listed keys are removed.
  - Bitbucket cannot change the label or the expiry of a key. A listed key whose O(keys[].label) or O(keys[].expiry_days) differs is
    reported with a warning, or replaced with O(recreate_on_change=true); the replacement gets a new key id.
  - Bitbucket registers a key once on the whole system, as a user key or as an access key. When it refuses a key for that reason,
    the module looks for where the key is used (the user keys of every user and the access keys of every project and repository that
    the credentials may read) and says so.
options:
  user:
    description:
      - The name of the user whose keys are managed. Without it, the keys of the user the module authenticates as.
      - Managing the keys of another user needs ADMIN.
    type: str
  keys:
    description:
      - The keys.
    type: list
    elements: dict
    default: []
    suboptions:
      key:
        description:
          - The public key, one line as in C(id_ed25519.pub) or C(id_rsa.pub) (type, base64 key data and an optional comment).
          - Bitbucket accepts RSA, DSA, ECDSA and Ed25519 keys of the lengths its SSH key policy allows.
        type: str
        required: true
      label:
        description:
          - The key's label in Bitbucket. Without it, Bitbucket labels a new key with the key's comment.
          - Only compared when set.
        type: str
      expiry_days:
        description:
          - Days until the key expires, counted from when it is added. Only compared when set.
        type: int
  purge:
    description:
      - Remove every key of the user that O(keys) does not list. Only with O(state=present).
      - With an empty O(keys), this removes every key of the user, in one request when the user's name is known, and is refused unless
        O(force=true).
    type: bool
    default: false
  recreate_on_change:
    description:
      - Replace a listed key whose label or expiry differs from O(keys[].label) or O(keys[].expiry_days) (removed, then added again
        with a new key id). Without it, the difference is reported as a warning and the key is kept.
    type: bool
    default: false
  force:
    description:
      - Allow O(purge) with an empty O(keys) to remove every key of the user.
    type: bool
    default: false
  state:
    description:
      - V(present) adds the listed keys; V(absent) removes them.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Bitbucket documents that removing a single key by its id, and reading one key by its id, need ADMIN. A user without it may add
    keys to their own account and remove all of them (O(purge) with an empty O(keys) and O(force)), but not remove one key.
  - A replaced key (O(recreate_on_change)) is removed before it is added again, because Bitbucket refuses a key it already has. If
    adding it fails, the module adds the old key back.
seealso:
  - module: bitbucket.datacenter.bitbucket_ssh_key_info
  - module: bitbucket.datacenter.bitbucket_access_key
  - name: Bitbucket Data Center REST API, SSH keys
    description: The endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-ssh/
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Alice's keys, exactly these
  bitbucket.datacenter.bitbucket_ssh_key:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    user: alice
    keys:
      - key: "{{ lookup('ansible.builtin.file', 'keys/alice-laptop.pub') }}"
        label: laptop
      - key: "{{ lookup('ansible.builtin.file', 'keys/alice-yubikey.pub') }}"
        label: yubikey
        expiry_days: 365
    purge: true

- name: A key that left with its laptop
  bitbucket.datacenter.bitbucket_ssh_key:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    user: alice
    keys:
      - key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPGvfmPhiCf4xDH/b78Hg6/qrswag1201UCSStpxT8Uw alice@old-laptop
    state: absent
"""

RETURN = r"""
ssh_keys:
  description:
    - The user's keys after the run, as Bitbucket describes them; in check mode, the predicted keys (a key to be added has no C(id)).
    - C(fingerprint) is as Bitbucket shows it, C(fingerprint_sha256) as C(ssh-keygen -lf) prints it. Dates are epoch milliseconds.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 17
      text: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx0... alice@laptop
      label: laptop
      algorithmType: ED25519
      bitLength: 256
      fingerprint: 1JszP9ojkOb27e3b7oYy5GjME6v84zESGszKFB5Ysdg
      fingerprint_sha256: SHA256:1JszP9ojkOb27e3b7oYy5GjME6v84zESGszKFB5Ysdg
      createdDate: 1767225600000
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError, rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import guarded_write
from ansible_collections.bitbucket.datacenter.plugins.module_utils._ssh_keys import (
    GONE,
    KEY_ITEM_OPTIONS,
    create_once,
    delete_once,
    describe,
    explain_conflict,
    identity_of,
    parse_key_items,
    plan_keys,
    public_view,
    refuse_removing_every_key,
)

MODULE_SPEC = dict(
    argument_spec=dict(
        user=dict(type="str"),
        keys=dict(type="list", elements="dict", default=[], no_log=False, options=dict(KEY_ITEM_OPTIONS, expiry_days=dict(type="int"))),
        purge=dict(type="bool", default=False),
        recreate_on_change=dict(type="bool", default=False),
        force=dict(type="bool", default=False),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ),
)

KEYS = rest_path("ssh", "keys")


def validate(params):
    if params["user"] is not None and not params["user"].strip():
        raise invalid_option("user", "must not be empty; leave it out for the user running the task")
    for position, item in enumerate(params["keys"], start=1):
        if item["label"] is not None and not item["label"].strip():
            raise invalid_option("keys", "item %d: the label must not be empty; leave it out to use the key's comment" % position)
        if item["expiry_days"] is not None and item["expiry_days"] < 1:
            raise invalid_option("keys", "item %d: expiry_days must be 1 or more" % position)
    if params["state"] == "absent" and params["purge"]:
        raise invalid_option("purge", "only with state=present; state=absent removes the listed keys")
    return parse_key_items(params["keys"])


def differences(entry, item):
    """The fields of a listed key that Bitbucket holds otherwise, as ``{field: (have, want)}``; only those the user set."""
    found = {}
    if item["label"] is not None and entry.get("label") != item["label"]:
        found["label"] = (entry.get("label"), item["label"])
    if item["expiry_days"] is not None and entry.get("expiryDays") != item["expiry_days"]:
        found["expiry_days"] = (entry.get("expiryDays"), item["expiry_days"])
    return found


def predicted(item, pk):
    key = dict(text=pk.line, fingerprint=pk.fingerprint)
    label = item["label"] or pk.comment  # Bitbucket labels a key with its comment by default (API-MAP 3.7)
    if label:
        key["label"] = label
    if item["expiry_days"] is not None:
        key["expiryDays"] = item["expiry_days"]
    return key


def diff_view(keys):
    return sorted(
        (dict(fingerprint=view["fingerprint_sha256"], text=view.get("text"), label=view.get("label"), expiry_days=view.get("expiryDays"))
         for view in (public_view(key) for key in keys)),
        key=lambda key: key["fingerprint"],
    )


class UserKeys:
    """The keys of one user: GET and DELETE name the user with ``userName``, POST with ``user`` (API-MAP 3.7)."""

    def __init__(self, context):
        self.client = context.client
        self.user = context.params["user"]
        # Who the keys belong to by name, for the whole-user DELETE, which is never sent without userName.
        self.name = self.user or (context.params["username"] if context.params["token"] is None else None)
        self.owner = "user %s" % self.user if self.user else "the user running the task"

    def list(self):
        try:
            return self.client.get_paged(KEYS, params={"userName": self.user} if self.user else None)
        except BitbucketError as exc:
            if exc.status == 404:
                exc.message += " (no user %s)" % self.user
            raise

    def create(self, item, pk):
        body = dict(text=pk.line)
        if item["label"] is not None:
            body["label"] = item["label"]
        if item["expiry_days"] is not None:
            body["expiryDays"] = item["expiry_days"]

        def post():
            return self.client.post(KEYS, params={"user": self.user} if self.user else None, json=body).body

        try:
            return create_once(post, self.list, identity_of, pk.fingerprint)
        except BitbucketError as exc:
            if exc.status != 409:
                raise
            # Added meanwhile to this very user (a parallel run): converge on it. Otherwise say where it is.
            mine = next((entry for entry in self.list() if identity_of(entry) == pk.fingerprint), None)
            if mine is None:
                raise explain_conflict(exc, self.client, pk) from None
            return mine

    def delete(self, entry):
        def send():
            try:
                self.client.delete(rest_path("ssh", "keys", str(entry["id"])))
            except BitbucketError as exc:
                if exc.status == 401:
                    exc.message += " - Bitbucket lets only administrators (ADMIN) remove a single SSH key"
                raise

        delete_once(send, self.list, identity_of, identity_of(entry))

    def delete_all(self, entries):
        if self.name is None:
            for entry in entries:
                self.delete(entry)
            return
        # API-MAP 3.7: without userName this DELETE wipes the caller's keys, so it always names the user.
        guarded_write(
            lambda: self.client.delete(KEYS, params={"userName": self.name}),
            lambda: GONE if not self.list() else None,
            landed=lambda _gone: True,
        )


def run(context):
    params = context.params
    parsed = validate(params)
    keys = UserKeys(context)
    current = keys.list()
    plan = plan_keys(parsed, current, identity_of, lambda entry, item: bool(differences(entry, item)),
                     purge=params["purge"], absent=params["state"] == "absent")
    refuse_removing_every_key(plan, parsed, current, params["force"], keys.owner)

    recreate = []
    for entry, (item, pk) in plan.update:
        changes = differences(entry, item)
        if params["recreate_on_change"]:
            # The replacement keeps what the task does not set: only the fields that differ change.
            kept = dict(label=entry.get("label"), expiry_days=entry.get("expiryDays"))
            recreate.append((entry, dict(item, **{name: item[name] if item[name] is not None else kept[name] for name in kept}), pk))
            continue
        found = ", ".join("%s %r, not %r" % (name, have, want) for name, (have, want) in sorted(changes.items()))
        context.warn(
            "SSH key %s of %s has %s; Bitbucket cannot change a key's label or expiry. Set recreate_on_change=true to replace the key "
            "(it gets a new id)." % (describe(pk), keys.owner, found)
        )
    deleted = {id(entry) for entry in plan.delete} | {id(entry) for entry, _item, _pk in recreate}
    changed = bool(plan.create or recreate or plan.delete)
    after = [entry for entry in current if id(entry) not in deleted]

    if context.check_mode or not changed:
        after += [predicted(item, pk) for item, pk in plan.create] + [predicted(item, pk) for _entry, item, pk in recreate]
    else:
        # New keys first, so that a rotation never leaves the user without a working key.
        after += [keys.create(item, pk) for item, pk in plan.create]
        for entry, item, pk in recreate:
            after.append(replace(keys, entry, item, pk))
        if plan.delete and not parsed and len(plan.delete) == len(current):
            keys.delete_all(plan.delete)
        else:
            for entry in plan.delete:
                keys.delete(entry)
    return context.result(changed, dict(ssh_keys=diff_view(current)), dict(ssh_keys=diff_view(after)), ssh_keys=[public_view(key) for key in after])


def replace(keys, entry, item, pk):
    """Remove a key and add it again with the new label or expiry; if adding fails, put the old one back.

    Bitbucket refuses a key it already has (API-MAP 3.7), so the old key must go first.
    """
    keys.delete(entry)
    try:
        return keys.create(item, pk)
    except BitbucketError as exc:
        try:
            keys.create(dict(label=entry.get("label"), expiry_days=entry.get("expiryDays")), pk)
        except BitbucketError as again:
            exc.message += " - the key was removed to be replaced, and adding it back failed too: %s" % again
        else:
            exc.message += " - the key was added back as it was (with a new id)"
        raise


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
