#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_hook_script_config
short_description: Enable a Bitbucket Data Center hook script for a project or a repository
version_added: 1.0.0
description:
  - Enables a registered hook script (see M(bitbucket.datacenter.bitbucket_hook_script)) for all repositories of a project, or for one
    repository, and sets the events that run it (O(triggers)).
  - A repository also runs the scripts its project enables. With O(state=present) the script is configured for this scope itself, even
    when the project's configuration already runs it with the same triggers; with O(state=absent) this scope's own configuration is
    removed (a repository then still runs the script if its project enables it).
options:
  project:
    description:
      - Key of the project.
    type: str
    required: true
    aliases: [project_key]
  repository:
    description:
      - Slug of a repository of O(project), to enable the script for that repository only.
    type: str
    aliases: [repository_slug]
  script_id:
    description:
      - The id of the hook script, as M(bitbucket.datacenter.bitbucket_hook_script) returns it.
    type: int
    required: true
  triggers:
    description:
      - The events that run the script, compared as a set. Bitbucket's standard ones are V(repo-push), V(branch-create),
        V(branch-delete), V(tag-create), V(tag-delete), V(file-edit) and V(pull-request-merge); apps may add others, and Bitbucket
        refuses ids it does not know.
      - Required with O(state=present).
    type: list
    elements: str
  state:
    description:
      - V(present) enables the script at this scope with O(triggers); V(absent) removes this scope's configuration.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs PROJECT_ADMIN on the project, or REPO_ADMIN on the repository.
  - Deleting a hook script removes every configuration that uses it.
  - Hook scripts are turned off by default since Bitbucket 8.18; the module explains Bitbucket's answer when they are.
seealso:
  - module: bitbucket.datacenter.bitbucket_hook_script
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Run the large-file check on every push to the platform project's repositories
  bitbucket.datacenter.bitbucket_hook_script_config:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    script_id: "{{ reject_large_files_script_id }}"
    triggers: [repo-push, file-edit]

- name: The archive repository runs it on pull-request merges too
  bitbucket.datacenter.bitbucket_hook_script_config:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    repository: archive
    script_id: "{{ reject_large_files_script_id }}"
    triggers: [repo-push, file-edit, pull-request-merge]
"""

RETURN = r"""
hook_script_config:
  description:
    - The configuration of the script in force at this scope after the run (predicted in check mode).
    - C(scope) says where it comes from, V(repository) or V(project); C(triggers) and C(scope) are null when the script is not
      configured here nor above.
  returned: always
  type: dict
  sample:
    script_id: 3
    triggers: [file-edit, repo-push]
    scope: project
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._hook_scripts import config_path, explain, list_configs
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
    require_with_present,
)

# API-MAP 3.20: StandardRepositoryHookTrigger ids.
STANDARD_TRIGGERS = ("repo-push", "branch-create", "branch-delete", "tag-create", "tag-delete", "file-edit", "pull-request-merge")

MODULE_SPEC = dict(
    argument_spec=dict(
        dict(SCOPE_ARGUMENT_SPEC, project=dict(SCOPE_ARGUMENT_SPEC["project"], required=True)),
        script_id=dict(type="int", required=True),
        triggers=dict(type="list", elements="str"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ),
    **SCOPE_RULES
)


def same_triggers(have, want):
    """Triggers compare as a set. API-MAP 3.20 VERIFY: an empty list may mean every trigger, so a server that answers
    every standard trigger for an empty list agrees with it."""
    if have is None:
        return False
    return set(have) == set(want) or (not want and set(STANDARD_TRIGGERS) <= set(have))


def config_fields(script_id, configs, kind):
    """The configuration of the script that applies at a scope of ``kind``: its own, else the inherited one."""
    mine = [config for config in configs if str((config.get("script") or {}).get("id")) == str(script_id)]
    mine.sort(key=lambda config: origin(config.get("scope")) != kind)
    if not mine:
        return dict(triggers=None), None
    return dict(triggers=sorted(mine[0].get("triggerIds") or [])), origin(mine[0].get("scope"))


def run(context):
    params = context.params
    scope = Scope.from_params(params)
    if params["script_id"] < 1:
        raise invalid_option("script_id", "a hook script id is a positive number")
    if params["triggers"] is not None and not all(trigger and trigger.strip() for trigger in params["triggers"]):
        raise invalid_option("triggers", "a trigger id must not be empty")
    refuse_with_inherit(params, ("triggers",))
    require_with_present(params, "triggers")
    client = context.client
    script_id = params["script_id"]

    def read(at):
        return config_fields(script_id, list_configs(client, at), at.kind)

    def write(at, fields, current):
        try:
            answer = client.put(config_path(at, script_id), json=dict(triggerIds=fields["triggers"])).body
        except BitbucketError as exc:
            raise explain(exc) from None
        return config_fields(script_id, [answer] if isinstance(answer, dict) else [], at.kind) if answer else None

    def remove(at):
        try:
            client.delete(config_path(at, script_id), missing_ok=True)
        except BitbucketError as exc:
            raise explain(exc) from None

    def above(at):
        # Hook scripts have no instance-wide configuration in the REST API: above a project there is none.
        return read(at.parent) if at.kind != PROJECT else (dict(triggers=None), None)

    setting = ScopedSetting(read, write, remove, same=dict(triggers=same_triggers), above=above)
    triggers = sorted(set(params["triggers"])) if params["triggers"] is not None else None
    changed, before, after = converge(context, setting, scope, params["state"], dict(triggers=triggers))
    return context.result(changed, before, after, hook_script_config=dict(after, script_id=script_id))


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
