#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_hook_info
short_description: List the repository hooks and merge checks of a Bitbucket Data Center project or repository
version_added: 1.0.0
description:
  - Returns the hooks and merge checks that can be configured for a project or a repository, each with its state in force there and
    the scope that state comes from, or one hook by its key.
  - Reads every page of the listing, at the largest page size the server grants.
options:
  project:
    description:
      - Key of the project.
    type: str
    required: true
    aliases: [project_key]
  repository:
    description:
      - Slug of a repository of O(project), to list the hooks as that repository has them.
    type: str
    aliases: [repository_slug]
  key:
    description:
      - The full key of the one hook to return. When Bitbucket does not know it at this scope, RV(hooks) is empty and the task does not fail.
    type: str
  type:
    description:
      - Return only the hooks of this type.
    type: str
    choices: [PRE_RECEIVE, PRE_PULL_REQUEST_MERGE, POST_RECEIVE]
  include_settings:
    description:
      - Also read the settings document of each hook that has one (one request per configured hook).
    type: bool
    default: false
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes.info_module
  - bitbucket.datacenter.attributes.action_group
notes:
  - Reading a repository's hooks needs REPO_ADMIN on it; a project's, PROJECT_READ.
seealso:
  - module: bitbucket.datacenter.bitbucket_hook
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Every pre-receive hook of the platform project
  bitbucket.datacenter.bitbucket_hook_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_token }}"
    project: PLAT
    type: PRE_RECEIVE
  register: pre_receive

- name: The enabled ones
  ansible.builtin.debug:
    msg: "{{ pre_receive.hooks | selectattr('enabled') | map(attribute='details.key') | list }}"

- name: One hook of a repository, with its settings
  bitbucket.datacenter.bitbucket_hook_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_token }}"
    project: PLAT
    repository: web
    key: com.atlassian.bitbucket.server.bitbucket-bundled-hooks:file-size-hook
    include_settings: true
  register: file_size
"""

RETURN = r"""
hooks:
  description:
    - The hooks, as Bitbucket describes them at this scope, sorted by name.
    - C(scope.type) says where the state comes from (C(REPOSITORY), C(PROJECT), or C(GLOBAL) when not configured anywhere).
    - C(settings) is the settings document in force (V({}) when there is none); only with O(include_settings).
  returned: always
  type: list
  elements: dict
  sample:
    - enabled: true
      configured: true
      scope:
        type: PROJECT
        resourceId: 12
      details:
        key: com.atlassian.bitbucket.server.bitbucket-bundled-hooks:file-size-hook
        name: Reject large files
        type: PRE_RECEIVE
        supportedScopes: [PROJECT, REPOSITORY]
      settings:
        sizeLimit: "10"
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._hooks import HOOK_TYPES, hook_path, read_hook, read_settings
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._scoped import SCOPE_ARGUMENT_SPEC, SCOPE_RULES, Scope

MODULE_SPEC = dict(
    argument_spec=dict(
        dict(SCOPE_ARGUMENT_SPEC, project=dict(SCOPE_ARGUMENT_SPEC["project"], required=True)),
        key=dict(type="str", no_log=False),
        type=dict(type="str", choices=HOOK_TYPES),
        include_settings=dict(type="bool", default=False),
    ),
    mutually_exclusive=[("key", "type")],
    **SCOPE_RULES
)


def run(context):
    params = context.params
    scope = Scope.from_params(params)
    client = context.client
    if params["key"] is not None:
        try:
            hooks = [read_hook(client, scope, params["key"])]
        except BitbucketError as exc:
            if exc.status != 404:
                raise
            hooks = []
    else:
        query = dict(type=params["type"]) if params["type"] else None
        hooks = client.get_paged(hook_path(scope, None), params=query)
    hooks = sorted(hooks, key=lambda hook: ((hook.get("details") or {}).get("name") or "").lower())
    if params["include_settings"]:
        for hook in hooks:
            # A hook that is not configured has no document: no request for it.
            hook["settings"] = read_settings(client, scope, hook["details"]["key"]) if hook.get("configured") else {}
    return dict(changed=False, hooks=hooks)


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
