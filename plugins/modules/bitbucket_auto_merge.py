#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_auto_merge
short_description: Set or inherit whether Bitbucket Data Center pull requests may merge automatically
version_added: 1.0.0
description:
  - Manages the pull-request auto-merge setting of a project, or of one repository. With auto-merge on, an author can ask Bitbucket to
    merge a pull request as soon as its merge checks pass.
  - The setting inherits. A repository without its own setting follows its project's, and a project without its own follows the
    instance's default (off). So "set here" and "inherited" are different states even when the values are the same.
  - With O(state=present) the setting is set at this scope, even when the value in force is the same but inherited. With
    O(state=absent) the setting of this scope is removed and the level above applies again.
  - A project can stop its repositories from overriding its setting (O(restrict_repositories)).
options:
  project:
    description:
      - Key of the project.
    type: str
    required: true
    aliases: [project_key]
  repository:
    description:
      - Slug of a repository of O(project), to manage that repository's own setting instead of the project's.
    type: str
    aliases: [repository_slug]
  enabled:
    description:
      - Whether pull requests may be merged automatically. Required with O(state=present).
    type: bool
  restrict_repositories:
    description:
      - Project scope only. V(true) makes every repository of the project follow the project's setting (Bitbucket then refuses
        repository-level changes); V(false) lets repositories set their own.
      - Left as it is when not set.
    type: bool
  state:
    description:
      - V(present) sets the setting at this scope; V(absent) removes it, so that the project's (for a repository) or the instance's
        (for a project) applies.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs PROJECT_ADMIN on the project, or REPO_ADMIN on the repository, to change the setting.
  - When the project restricts its repositories, Bitbucket answers a repository's setting with the project's and refuses to change
    it (HTTP 403); the module explains which project holds the restriction.
  - The auto-merge settings are in the 9.4 REST API but not in older releases.
seealso:
  - module: bitbucket.datacenter.bitbucket_auto_decline
  - module: bitbucket.datacenter.bitbucket_pull_request_settings
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Allow auto-merge in every repository of the platform project, and keep it that way
  bitbucket.datacenter.bitbucket_auto_merge:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    enabled: true
    restrict_repositories: true

- name: A repository of another project turns auto-merge off for itself
  bitbucket.datacenter.bitbucket_auto_merge:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: WEB
    repository: storefront
    enabled: false
"""

RETURN = r"""
auto_merge:
  description:
    - The setting in force at this scope after the run (predicted in check mode).
    - C(scope) says where it comes from, V(repository), V(project) or V(global) (the instance's default). C(restrict_repositories)
      is whether the project restricts its repositories' setting.
  returned: always
  type: dict
  sample:
    enabled: true
    restrict_repositories: true
    scope: project
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
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

MODULE_SPEC = dict(
    argument_spec=dict(
        dict(SCOPE_ARGUMENT_SPEC, project=dict(SCOPE_ARGUMENT_SPEC["project"], required=True)),
        enabled=dict(type="bool"),
        restrict_repositories=dict(type="bool"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ),
    **SCOPE_RULES
)


def settings_fields(answer):
    """RestAutoMergeRestrictedSettings as the module's fields, and where they come from (spec get_4, get_5).

    ``restrictionState`` is NONE, or RESTRICTED_MODIFIABLE / RESTRICTED_UNMODIFIABLE when the project restricts it.
    """
    answer = answer or {}
    restriction = answer.get("restrictionState")
    fields = dict(enabled=answer.get("enabled"), restrict_repositories=None if restriction is None else restriction != "NONE")
    return fields, origin(answer.get("scope"))


def explain_restriction(exc, scope):
    if exc.status == 403:
        exc.message += (
            " - project %s restricts the auto-merge setting of its repositories; change it at the project, or lift the restriction there "
            "with restrict_repositories: false" % scope.project
        )
    return exc


def run(context):
    params = context.params
    scope = Scope.from_params(params)
    if scope.kind != PROJECT and params["restrict_repositories"] is not None:
        raise invalid_option("restrict_repositories", "only for a project: a repository cannot restrict anything")
    refuse_with_inherit(params, ("enabled", "restrict_repositories"))
    require_with_present(params, "enabled")
    client = context.client

    def read(at):
        return settings_fields(client.get(at.api_path("settings", "auto-merge")))

    def write(at, fields, current):
        body = dict(enabled=fields["enabled"])
        if at.kind == PROJECT:
            # spec set: the project PUT takes restrictionAction (CREATE, DELETE or NONE) with enabled.
            wanted, restricted = fields.get("restrict_repositories"), bool(current.get("restrict_repositories"))
            body["restrictionAction"] = "NONE" if wanted is None or wanted == restricted else ("CREATE" if wanted else "DELETE")
        try:
            return settings_fields(client.put(at.api_path("settings", "auto-merge"), json=body).body)
        except BitbucketError as exc:
            raise explain_restriction(exc, at) from None

    def remove(at):
        try:
            client.delete(at.api_path("settings", "auto-merge"))
        except BitbucketError as exc:
            raise explain_restriction(exc, at) from None

    setting = ScopedSetting(read, write, remove, inheriting=("enabled",))
    desired = dict(enabled=params["enabled"], restrict_repositories=params["restrict_repositories"])
    changed, before, after = converge(context, setting, scope, params["state"], desired)
    return context.result(changed, before, after, auto_merge=after)


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
