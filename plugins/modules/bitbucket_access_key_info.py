#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_access_key_info
short_description: List the SSH access keys of a Bitbucket Data Center project or repository, and where a key is used
version_added: 1.0.0
description:
  - Returns the access keys of one project or repository (every page).
  - For one key, given by O(key) or O(key_id), also returns every project and every repository that the key gives access to (of those
    the credentials administer).
options:
  project:
    description:
      - Key of the project, or of the project that holds O(repository). Required unless O(key_id) is given.
    type: str
    aliases: [project_key]
  repository:
    description:
      - Slug of the repository. Requires O(project).
    type: str
    aliases: [repository_slug]
  effective:
    description:
      - At repository scope, also list the project's keys, which give access to the repository too.
    type: bool
    default: false
  key:
    description:
      - Only this public key (type and key data; the comment does not matter), found among the keys of O(project) or O(repository).
    type: str
  key_id:
    description:
      - Only the access key with this id. With O(project), the key as the project or repository has it; without, only where it is used.
    type: int
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes.info_module
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs PROJECT_ADMIN on the project, or REPO_ADMIN on the repository. Bitbucket lists a key's projects and repositories only among
    those the credentials administer.
seealso:
  - module: bitbucket.datacenter.bitbucket_access_key
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Deploy keys of the platform project
  bitbucket.datacenter.bitbucket_access_key_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
  register: plat_keys

- name: Where else is the CI key used?
  bitbucket.datacenter.bitbucket_access_key_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    key: "{{ lookup('ansible.builtin.file', 'keys/ci.pub') }}"
  register: ci_key

- name: Show them
  ansible.builtin.debug:
    msg: "{{ ci_key.projects | map(attribute='project.key') }} {{ ci_key.repositories | map(attribute='repository.slug') }}"
"""

RETURN = r"""
access_keys:
  description:
    - The access keys found in O(project) or O(repository), as Bitbucket describes them (C(key), C(permission), C(project) and, for a
      repository, C(repository)). C(key.fingerprint) is as Bitbucket shows it, C(key.fingerprint_sha256) as C(ssh-keygen -lf) prints it.
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
projects:
  description: For one key, its access to every project, in the same form as RV(access_keys).
  returned: when O(key) or O(key_id) names a key
  type: list
  elements: dict
repositories:
  description: For one key, its access to every repository, in the same form as RV(access_keys).
  returned: when O(key) or O(key_id) names a key
  type: list
  elements: dict
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._access_keys import Scope, entry_identity, entry_view
from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._ssh_keys import check_key_id, parse_public_key

MODULE_SPEC = dict(
    argument_spec=dict(
        project=dict(type="str", aliases=["project_key"]),
        repository=dict(type="str", aliases=["repository_slug"]),
        effective=dict(type="bool", default=False),
        key=dict(type="str", no_log=False),
        key_id=dict(type="int"),
    ),
    required_one_of=[("project", "key_id")],
    required_by=dict(repository="project", key="project"),
    mutually_exclusive=[("key", "key_id")],
)


def usage(client, key_id):
    """Every project and repository the key gives access to. API-MAP 1.5: the answer's shape is undeclared
    (a page or an array, both read); 404: the key is not an access key."""
    found = {}
    for kind, segment in (("projects", "projects"), ("repositories", "repos")):
        found[kind] = [entry_view(entry) for entry in client.get_paged(rest_path("keys", "ssh", str(key_id), segment), missing_ok=True) or []]
    return found


def run(context):
    params = context.params
    if params["effective"] and not params["repository"]:
        raise invalid_option("effective", "only with repository: it adds the project's keys to a repository's")
    check_key_id(params["key_id"])
    wanted = None
    if params["key"] is not None:
        try:
            wanted = parse_public_key(params["key"]).fingerprint
        except ValueError as exc:
            raise invalid_option("key", "the key %s" % exc) from None
    client = context.client
    result = dict(changed=False, access_keys=[])
    if params["project"]:
        scope = Scope(client, params["project"], params["repository"])
        if params["key_id"] is not None:
            entry = scope.get(params["key_id"])
            keys = [entry] if entry is not None else []
        else:
            keys = scope.list(effective=params["effective"])
        if wanted is not None:
            keys = [entry for entry in keys if entry_identity(entry) == wanted]
        result["access_keys"] = [entry_view(entry) for entry in keys]
    key_id = params["key_id"]
    if wanted is not None:
        key_id = result["access_keys"][0]["key"]["id"] if result["access_keys"] else None
        result.update(projects=[], repositories=[])
    if key_id is not None:
        result.update(usage(client, key_id))
    return result


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
