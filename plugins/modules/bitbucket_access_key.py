#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_access_key
short_description: Manage the SSH access keys (deploy keys) of a Bitbucket Data Center project or repository
version_added: 1.0.0
description:
  - Manages the SSH access keys of one project, or of one repository, the whole list in one task. An access key lets a machine (a CI
    runner, a deployment) clone, and with write permission push, over SSH without a user account.
  - A key is identified by its type and its key data. Its comment and its label never identify it.
  - With O(state=present), every listed key gets access with its permission. A key that has access with another permission is changed
    in place, so it keeps its id and the branch-restriction exemptions that name it keep working. With O(purge), every other access key
    of the project or repository is revoked; new keys are added before old ones are revoked, so rotating a deploy key is one task.
  - With O(state=absent), the listed keys lose their access to the project or repository.
  - At repository scope only the repository's own keys are managed; the keys of its project, which also give access to it, are left
    alone.
  - Bitbucket keeps one key object for every project and repository that use the same key, and cannot change its label. A differing
    O(keys[].label) is reported as a warning.
  - The module refuses, before any change, to revoke a key that a branch restriction of the project or repository exempts, unless
    O(force=true).
options:
  project:
    description:
      - Key of the project, or of the project that holds O(repository).
    type: str
    required: true
    aliases: [project_key]
  repository:
    description:
      - Slug of the repository whose access keys are managed. Without it, the project's access keys are managed.
    type: str
    aliases: [repository_slug]
  keys:
    description:
      - The access keys.
    type: list
    elements: dict
    default: []
    suboptions:
      key:
        description:
          - The public key, one line as in C(id_ed25519.pub) (type, base64 key data and an optional comment).
        type: str
        required: true
      label:
        description:
          - The key's label when it is added. Without it, Bitbucket labels a new key with the key's comment.
          - A key used elsewhere already has its label, which is kept.
        type: str
      permission:
        description:
          - V(PROJECT_READ) or V(PROJECT_WRITE) for a project, V(REPO_READ) or V(REPO_WRITE) for a repository.
          - Without it, a new key gets read access and an existing key keeps its permission. Ignored with O(state=absent).
        type: str
        choices: [PROJECT_READ, PROJECT_WRITE, REPO_READ, REPO_WRITE]
  purge:
    description:
      - Revoke every access key of the project or repository that O(keys) does not list. Only with O(state=present).
      - With an empty O(keys), this revokes every access key, and is refused unless O(force=true).
    type: bool
    default: false
  force:
    description:
      - Revoke keys even when a branch restriction exempts them, or when O(purge) with an empty O(keys) revokes every key.
    type: bool
    default: false
  state:
    description:
      - V(present) grants the listed keys; V(absent) revokes them.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs PROJECT_ADMIN on the project, or REPO_ADMIN on the repository.
  - A key can be registered once on the whole system. A key that is already some user's SSH key cannot be an access key; the module
    then says where the key is used, when the credentials can see it. The same access key may serve several projects and repositories.
  - When Bitbucket's access keys are switched off for the whole instance, a refused create says so.
  - Only the branch restrictions of the managed project or repository are checked before a key is revoked.
seealso:
  - module: bitbucket.datacenter.bitbucket_access_key_info
  - module: bitbucket.datacenter.bitbucket_ssh_key
  - name: Bitbucket Data Center REST API, SSH access keys
    description: The endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-ssh/
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: The platform project's deploy keys, exactly these
  bitbucket.datacenter.bitbucket_access_key:
    url: https://bitbucket.example.com
    username: automation
    password: "{{ bitbucket_automation_password }}"
    project: PLAT
    keys:
      - key: "{{ lookup('ansible.builtin.file', 'keys/ci-2026.pub') }}"
        label: ci
        permission: PROJECT_READ
    purge: true

- name: The release job may push to one repository
  bitbucket.datacenter.bitbucket_access_key:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    repository: release-notes
    keys:
      - key: "{{ release_bot_public_key }}"
        permission: REPO_WRITE
"""

RETURN = r"""
access_keys:
  description:
    - The access keys of the project or repository after the run, as Bitbucket describes them; in check mode, the predicted keys (a key
      to be added has no C(id)). C(key.fingerprint) is as Bitbucket shows it, C(key.fingerprint_sha256) as C(ssh-keygen -lf) prints it.
  returned: always
  type: list
  elements: dict
  sample:
    - key:
        id: 7
        text: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx0... ci@runner
        label: ci
        fingerprint: 1JszP9ojkOb27e3b7oYy5GjME6v84zESGszKFB5Ysdg
        fingerprint_sha256: SHA256:1JszP9ojkOb27e3b7oYy5GjME6v84zESGszKFB5Ysdg
      permission: PROJECT_READ
      project:
        key: PLAT
        id: 12
        name: Platform
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._access_keys import (
    SCOPE_ARGUMENT_SPEC,
    Scope,
    describe_restriction,
    entry_identity,
    entry_view,
    exempting_restrictions,
    explain_failed_create,
)
from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure, invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import guarded_write
from ansible_collections.bitbucket.datacenter.plugins.module_utils._ssh_keys import (
    GONE,
    KEY_ITEM_OPTIONS,
    create_once,
    describe,
    parse_key_items,
    plan_keys,
    refuse_removing_every_key,
)

MODULE_SPEC = dict(
    argument_spec=dict(
        SCOPE_ARGUMENT_SPEC,
        keys=dict(type="list", elements="dict", default=[], no_log=False,
                  options=dict(KEY_ITEM_OPTIONS, permission=dict(type="str", choices=["PROJECT_READ", "PROJECT_WRITE", "REPO_READ", "REPO_WRITE"]))),
        purge=dict(type="bool", default=False),
        force=dict(type="bool", default=False),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ),
)


def validate(params, scope):
    for position, item in enumerate(params["keys"], start=1):
        if params["state"] == "present":
            scope.check_permission("keys", item["permission"], "item %d" % position)
        if item["label"] is not None and not item["label"].strip():
            raise invalid_option("keys", "item %d: the label must not be empty; leave it out to use the key's comment" % position)
    if params["state"] == "absent" and params["purge"]:
        raise invalid_option("purge", "only with state=present; state=absent revokes the listed keys")
    return parse_key_items(params["keys"])


def view(entry):
    key = entry.get("key") or {}
    return dict(fingerprint="SHA256:%s" % entry_identity(entry), label=key.get("label"), permission=entry.get("permission"))


def diff_view(entries):
    return sorted((view(entry) for entry in entries), key=lambda item: item["fingerprint"])


def check_exemptions(scope, plan, force):
    """Refuse to revoke a key that a branch restriction of the scope exempts (API-MAP 3.4: they name it by id)."""
    if not plan.delete or force:
        return
    exempted = exempting_restrictions(scope, [entry["key"]["id"] for entry in plan.delete])
    if exempted is None:
        raise ModuleFailure("Cannot read the branch restrictions of %s to make sure no restriction exempts the keys to revoke; nothing was "
                            "changed. Set force: true to revoke them anyway." % scope.label)
    if exempted:
        named = ["%s, exempted by %s" % (describe(entry), ", ".join(describe_restriction(r) for r in exempted[str(entry["key"]["id"])]))
                 for entry in plan.delete if str(entry["key"]["id"]) in exempted]
        raise ModuleFailure(
            "Revoking would take access keys out of branch restrictions of %s: %s. Nothing was changed: add the replacement key to those "
            "restrictions first, or set force: true." % (scope.label, "; ".join(named)),
            invalid_option="keys",
        )


def create(scope, item, pk):
    body = dict(key=dict(text=pk.line), permission=item["permission"] or scope.permissions[0])
    if item["label"] is not None:
        body["key"]["label"] = item["label"]
    try:
        return create_once(lambda: scope.client.post(scope.path(), json=body).body, scope.list, entry_identity, pk.fingerprint)
    except BitbucketError as exc:
        # Granted meanwhile by a parallel run: converge on it. Otherwise say why Bitbucket refused.
        mine = next((entry for entry in scope.list() if entry_identity(entry) == pk.fingerprint), None) if exc.status == 409 else None
        if mine is None:
            raise explain_failed_create(exc, scope.client, pk) from None
        return mine


def set_permission(scope, entry, permission):
    """Change the permission in place: the key id stays (API-MAP 3.8), so restriction exemptions keep working."""
    key_id = str(entry["key"]["id"])
    return guarded_write(
        lambda: scope.client.put(scope.path(key_id, "permission", permission)).body,
        lambda: scope.get(key_id),
        landed=lambda found: found.get("permission") == permission,
    ) or dict(entry, permission=permission)


def revoke(scope, entry):
    key_id = str(entry["key"]["id"])
    # 204 also when nothing matched (API-MAP 1.6); after a lost answer, a 404 on the key says the revoke landed.
    guarded_write(lambda: scope.client.delete(scope.path(key_id)), lambda: GONE if scope.get(key_id) is None else None, landed=lambda _gone: True)


def run(context):
    params = context.params
    scope = Scope(context.client, params["project"], params["repository"])
    parsed = validate(params, scope)
    current = scope.list()
    plan = plan_keys(
        parsed, current, entry_identity,
        lambda entry, item: item["permission"] is not None and entry.get("permission") != item["permission"],
        purge=params["purge"], absent=params["state"] == "absent",
    )
    refuse_removing_every_key(plan, parsed, current, params["force"], scope.label)
    check_exemptions(scope, plan, params["force"])
    for entry, (item, pk) in plan.update + plan.unchanged:
        if item["label"] is not None and (entry.get("key") or {}).get("label") != item["label"]:
            context.warn("Access key %s of %s is labelled %r, not %r; Bitbucket cannot change the label of a key."
                         % (describe(pk), scope.label, (entry.get("key") or {}).get("label"), item["label"]))

    changed = plan.changed
    revoked = {id(entry) for entry in plan.delete}
    updated = {id(entry): item["permission"] for entry, (item, _pk) in plan.update}
    if context.check_mode or not changed:
        after = [dict(entry, permission=updated.get(id(entry), entry.get("permission"))) for entry in current if id(entry) not in revoked]
        after += [predicted(scope, item, pk) for item, pk in plan.create]
    else:
        # New keys first, so that a rotation never leaves the project without a working key.
        created = [create(scope, item, pk) for item, pk in plan.create]
        after = [set_permission(scope, entry, updated[id(entry)]) if id(entry) in updated else entry for entry in current if id(entry) not in revoked]
        for entry in plan.delete:
            revoke(scope, entry)
        after += created
    return context.result(changed, dict(access_keys=diff_view(current)), dict(access_keys=diff_view(after)), access_keys=[entry_view(entry) for entry in after])


def predicted(scope, item, pk):
    key = dict(text=pk.line, fingerprint=pk.fingerprint)
    if item["label"] or pk.comment:
        key["label"] = item["label"] or pk.comment  # Bitbucket labels a key with its comment by default (API-MAP 3.7)
    return dict(key=key, permission=item["permission"] or scope.permissions[0])


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
