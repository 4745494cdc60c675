#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_hook
short_description: Enable, disable and configure Bitbucket Data Center repository hooks and merge checks
version_added: 1.0.0
description:
  - Manages whether one repository hook or merge check (pre-receive, post-receive or pull-request merge check) is enabled, and its
    settings, for all repositories of a project or for one repository.
  - A hook's state inherits. A repository without its own configuration follows its project's. So "set here" and "inherited" are
    different states even when they match. With O(state=present) the hook is configured at this scope, even when the state in force is
    the same but inherited; with O(state=inherited) a repository's own configuration is removed and the project's applies again.
  - A hook that needs settings is enabled and configured in one request.
options:
  project:
    description:
      - Key of the project.
    type: str
    required: true
    aliases: [project_key]
  repository:
    description:
      - Slug of a repository of O(project), to configure the hook for that repository only.
    type: str
    aliases: [repository_slug]
  key:
    description:
      - The hook's full key, C(<plugin key>:<module key>), for example C(com.atlassian.bitbucket.server.bitbucket-bundled-hooks:force-push-hook).
      - M(bitbucket.datacenter.bitbucket_hook_info) lists the hooks installed, with their keys and the scopes they support.
    type: str
    required: true
  enabled:
    description:
      - Whether the hook runs. Disabling a hook keeps its settings.
    type: bool
    default: true
  settings:
    description:
      - The hook's settings document, whose fields the app that provides the hook defines. It replaces the whole document.
      - Compared with light type coercion, because many apps store numbers and booleans as text (V(10) and V("10") are the same).
      - Left as it is when not set. Bitbucket shows settings to anyone who can read the project or repository, and so does this
        module (in its result and diff), so keep secrets out of them.
    type: dict
  state:
    description:
      - V(present) configures the hook at this scope. V(inherited) removes a repository's own configuration, so that the project's
        applies; a project's configuration cannot be removed, only disabled.
    type: str
    choices: [present, inherited]
    default: present
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs PROJECT_ADMIN on the project, or REPO_ADMIN on the repository (also to read a repository's hooks).
  - A hook can be configured only at the scopes it supports. For a hook Bitbucket does not know at that scope it answers 404, which the
    module explains.
seealso:
  - module: bitbucket.datacenter.bitbucket_hook_info
  - module: bitbucket.datacenter.bitbucket_hook_script_config
  - name: Bitbucket Data Center REST API, repository hooks
    description: The endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-project/#api-api-latest-projects-projectkey-settings-hooks-get
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: No force pushes anywhere in the platform project
  bitbucket.datacenter.bitbucket_hook:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    key: com.atlassian.bitbucket.server.bitbucket-bundled-hooks:force-push-hook

- name: A hook with settings, enabled and configured in one request
  bitbucket.datacenter.bitbucket_hook:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    key: com.atlassian.bitbucket.server.bitbucket-bundled-hooks:file-size-hook
    settings:
      sizeLimit: 10

- name: The sandbox repository allows force pushes
  bitbucket.datacenter.bitbucket_hook:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    repository: sandbox
    key: com.atlassian.bitbucket.server.bitbucket-bundled-hooks:force-push-hook
    enabled: false

- name: Another repository follows the project's hook again
  bitbucket.datacenter.bitbucket_hook:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    repository: web
    key: com.atlassian.bitbucket.server.bitbucket-bundled-hooks:force-push-hook
    state: inherited
"""

RETURN = r"""
hook:
  description:
    - The hook's state in force at this scope after the run (predicted in check mode); C(settings) only when O(settings) is set.
    - C(scope) says where the state comes from, V(repository), V(project) or V(global) (not configured anywhere).
  returned: always
  type: dict
  sample:
    key: com.atlassian.bitbucket.server.bitbucket-bundled-hooks:file-size-hook
    enabled: true
    settings:
      sizeLimit: "10"
    scope: project
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._hooks import explain_missing, hook_path, read_hook, read_settings, same_settings
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._scoped import (
    PROJECT,
    SCOPE_ARGUMENT_SPEC,
    SCOPE_RULES,
    Scope,
    ScopedSetting,
    converge,
    origin,
    refuse_with_inherit,
)

MODULE_SPEC = dict(
    argument_spec=dict(
        dict(SCOPE_ARGUMENT_SPEC, project=dict(SCOPE_ARGUMENT_SPEC["project"], required=True)),
        key=dict(type="str", required=True, no_log=False),
        enabled=dict(type="bool", default=True),
        settings=dict(type="dict"),
        state=dict(type="str", choices=["present", "inherited"], default="present"),
    ),
    **SCOPE_RULES
)


def validate(params, scope):
    key = params["key"]
    if ":" not in key or key.startswith(":") or key.endswith(":") or key != key.strip():
        raise invalid_option("key", "%r is not a hook's full key, which is '<plugin key>:<module key>'" % key)
    if params["state"] == "inherited" and scope.kind == PROJECT:
        raise invalid_option(
            "state", "inherited removes a repository's own configuration; give repository, or disable the project's hook with enabled: false"
        )
    refuse_with_inherit(params, ("settings",), state_value="inherited")


def run(context):
    params = context.params
    scope = Scope.from_params(params)
    validate(params, scope)
    client = context.client
    key = params["key"]
    managed_settings = params["settings"] is not None

    def read(at):
        hook = read_hook(client, at, key) or {}
        fields = dict(enabled=bool(hook.get("enabled")))
        if managed_settings:
            fields["settings"] = read_settings(client, at, key)
        return fields, origin(hook.get("scope"))

    def send(at, method, *segments, **kwargs):
        try:
            return client.request(method, hook_path(at, key, *segments), **kwargs)
        except BitbucketError as exc:
            if exc.status == 400 and method == "PUT" and segments == ("enabled",) and kwargs.get("json") is None:
                exc.message += " - the hook %s needs settings to be enabled: give them in the settings option" % key
            raise explain_missing(exc, at, key) from None

    def write(at, fields, current):
        here = current["scope"] == at.kind
        new_settings = managed_settings and not same_settings(current.get("settings"), fields["settings"])
        if fields["enabled"]:
            if new_settings and current["enabled"] and here:
                send(at, "PUT", "settings", json=fields["settings"])
            elif new_settings:
                # seed 004 enableHook: enable and configure in one request (a hook that needs settings refuses to be enabled without).
                send(at, "PUT", "enabled", json=fields["settings"])
            else:
                send(at, "PUT", "enabled")
        else:
            if new_settings:
                send(at, "PUT", "settings", json=fields["settings"])
            if current["enabled"] or not here:
                # API-MAP 3.19: DELETE .../enabled answers the hook (200 with a body), and keeps the settings.
                send(at, "DELETE", "enabled")
        # No answer holds both the state and the settings: the hook is read again.

    def remove(at):
        # spec deleteRepositoryHook: 204, the repository's own configuration is gone and the project's applies.
        send(at, "DELETE")

    setting = ScopedSetting(read, write, remove, same=dict(settings=same_settings))
    state = "absent" if params["state"] == "inherited" else "present"
    desired = dict(enabled=params["enabled"] if state == "present" else None, settings=params["settings"])
    changed, before, after = converge(context, setting, scope, state, desired)
    return context.result(changed, before, after, hook=dict(after, key=key))


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
