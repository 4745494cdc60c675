#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_auto_decline
short_description: Set or inherit when Bitbucket Data Center declines inactive pull requests
version_added: 1.0.0
description:
  - Manages the auto-decline settings of a project, or of one repository, which say whether Bitbucket declines pull requests that
    have been inactive for O(inactivity_weeks) weeks.
  - The settings inherit. A repository without its own settings follows its project's, and a project without its own follows the
    instance's defaults. So "set here" and "inherited" are different states even when the values are the same.
  - With O(state=present) the settings are set at this scope, even when the values in force are the same but inherited.
    With O(state=absent) the settings of this scope are removed and the level above applies again.
options:
  project:
    description:
      - Key of the project.
    type: str
    required: true
    aliases: [project_key]
  repository:
    description:
      - Slug of a repository of O(project), to manage that repository's own settings instead of the project's.
    type: str
    aliases: [repository_slug]
  enabled:
    description:
      - Whether inactive pull requests are declined. Required with O(state=present).
    type: bool
  inactivity_weeks:
    description:
      - Weeks of inactivity after which a pull request is declined. Bitbucket takes V(1), V(2), V(4), V(8) or V(12); any other
        value is refused before any request.
      - When not set, the number of weeks in force at this scope is kept.
    type: int
  state:
    description:
      - V(present) sets the settings at this scope; V(absent) removes them, so that the project's (for a repository) or the instance's
        (for a project) apply.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs PROJECT_ADMIN on the project, or REPO_ADMIN on the repository, to change the settings.
  - In check mode, removing a project's own settings cannot tell which instance defaults will apply; the prediction says only
    that they will come from the instance. For a repository the project's settings are read and predicted.
seealso:
  - module: bitbucket.datacenter.bitbucket_auto_merge
  - module: bitbucket.datacenter.bitbucket_pull_request_settings
  - name: Bitbucket Data Center REST API, auto-decline settings
    description: The endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-project/#api-api-latest-projects-projectkey-settings-auto-decline-get
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Decline pull requests of the platform project after four weeks without activity
  bitbucket.datacenter.bitbucket_auto_decline:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    enabled: true
    inactivity_weeks: 4

- name: One repository keeps its pull requests open
  bitbucket.datacenter.bitbucket_auto_decline:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    repository: long-lived-branches
    enabled: false

- name: Another repository follows the project again
  bitbucket.datacenter.bitbucket_auto_decline:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    repository: web
    state: absent
"""

RETURN = r"""
auto_decline:
  description:
    - The settings in force at this scope after the run (predicted in check mode).
    - C(scope) says where they come from, V(repository), V(project) or V(global) (the instance's defaults).
  returned: always
  type: dict
  sample:
    enabled: true
    inactivity_weeks: 4
    scope: project
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._scoped import (
    SCOPE_ARGUMENT_SPEC,
    SCOPE_RULES,
    Scope,
    ScopedSetting,
    converge,
    origin,
    refuse_with_inherit,
    require_with_present,
)

# seed 004 / spec setAutoDeclineSettings: 400 when "inactivityWeeks was not one of 1, 2, 4, 8, or, 12".
INACTIVITY_WEEKS = (1, 2, 4, 8, 12)

MODULE_SPEC = dict(
    argument_spec=dict(
        dict(SCOPE_ARGUMENT_SPEC, project=dict(SCOPE_ARGUMENT_SPEC["project"], required=True)),
        enabled=dict(type="bool"),
        inactivity_weeks=dict(type="int"),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ),
    **SCOPE_RULES
)


def validate(params):
    weeks = params["inactivity_weeks"]
    if weeks is not None and weeks not in INACTIVITY_WEEKS:
        raise invalid_option("inactivity_weeks", "%d: Bitbucket declines after 1, 2, 4, 8 or 12 weeks of inactivity" % weeks)
    refuse_with_inherit(params, ("enabled", "inactivity_weeks"))
    require_with_present(params, "enabled")


def settings_fields(answer):
    """RestAutoDeclineSettings as the module's fields, and where they come from (API-MAP 3.21 "check scope")."""
    answer = answer or {}
    return dict(enabled=answer.get("enabled"), inactivity_weeks=answer.get("inactivityWeeks")), origin(answer.get("scope"))


def run(context):
    params = context.params
    validate(params)
    scope = Scope.from_params(params)
    client = context.client

    def read(at):
        return settings_fields(client.get(at.api_path("settings", "auto-decline")))

    def write(at, fields, current):
        body = dict(enabled=fields["enabled"])
        if fields.get("inactivity_weeks") is not None:
            body["inactivityWeeks"] = fields["inactivity_weeks"]
        return settings_fields(client.put(at.api_path("settings", "auto-decline"), json=body).body)

    def remove(at):
        client.delete(at.api_path("settings", "auto-decline"))

    desired = dict(enabled=params["enabled"], inactivity_weeks=params["inactivity_weeks"])
    changed, before, after = converge(context, ScopedSetting(read, write, remove), scope, params["state"], desired)
    return context.result(changed, before, after, auto_decline=after)


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
