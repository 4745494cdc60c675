#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_required_builds
short_description: Declare the required-builds merge checks of a Bitbucket Data Center repository
version_added: 1.0.0
description:
  - Manages the required-builds merge checks of one repository in one task.
  - A condition stops a pull request to the branches its O(conditions[].target) matches from merging until the builds of every
    key in O(conditions[].build_keys) are green on its latest commit, unless the pull request comes from a branch its
    O(conditions[].exempt_source) matches.
  - A condition is identified by its target and its set of build keys; several conditions may share a target. Each condition
    listed in O(conditions) ends up existing once, with exactly the listed exemption; a different exemption is updated in place.
  - With O(purge=true), every other condition of the repository is deleted; where a listed condition is new and an unlisted one
    has the same target (the build keys of a branch changed), the unlisted one is rewritten in place instead, keeping its id.
    Without O(purge), a condition whose build keys changed is a new condition, and the old one stays.
  - With O(state=absent), the listed conditions (target and build keys) are deleted.
  - Bitbucket Data Center 9.4 has required builds at repository level only.
options:
  project:
    description:
      - Key of the project of the repository.
    type: str
    required: true
    aliases: [project_key]
  repository:
    description:
      - Slug of the repository.
    type: str
    required: true
    aliases: [repository_slug]
  conditions:
    description:
      - The required-builds merge checks of the repository.
    type: list
    elements: dict
    default: []
    suboptions:
      build_keys:
        description:
          - The build parent keys that must have green builds, for example the key of a Bamboo plan (V(PROJ-PLAN)) or the key a CI
            server reports as the build's C(parent). Compared as a set, case-sensitively; 1 to 100 keys with O(state=present).
        type: list
        elements: str
        default: []
      target:
        description:
          - The target branches of the pull requests the check applies to, as one of C(branch), C(pattern), C(model_category) and
            C(model_branch), like the matchers of M(bitbucket.datacenter.bitbucket_branch_restriction). Omitted or empty, any branch.
        type: dict
        suboptions:
          branch:
            description: One branch, as V(main) or V(refs/heads/main).
            type: str
          pattern:
            description: A branch pattern, for example V(release/*).
            type: str
          model_category:
            description: A category of the branching model.
            type: str
            choices: [FEATURE, BUGFIX, HOTFIX, RELEASE]
          model_branch:
            description: The development or production branch of the branching model.
            type: str
            choices: [development, production]
      exempt_source:
        description:
          - Pull requests from the source branches this matcher names are exempt from the check, as O(conditions[].target).
            Omitted or empty, none is exempt.
        type: dict
        suboptions:
          branch:
            description: One branch, as V(main) or V(refs/heads/main).
            type: str
          pattern:
            description: A branch pattern, for example V(hotfix/*).
            type: str
          model_category:
            description: A category of the branching model.
            type: str
            choices: [FEATURE, BUGFIX, HOTFIX, RELEASE]
          model_branch:
            description: The development or production branch of the branching model.
            type: str
            choices: [development, production]
  purge:
    description:
      - Delete every condition of the repository that O(conditions) does not list. Only with O(state=present).
    type: bool
    default: false
  state:
    description:
      - V(present) makes the listed conditions exist as listed; V(absent) deletes them (their exemptions are then ignored).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs REPO_ADMIN on the repository.
  - The check waits for builds reported with a C(parent) key through the build status API
    (C(/rest/api/latest/projects/{projectKey}/repos/{repositorySlug}/commits/{commitId}/builds)).
  - M(bitbucket.datacenter.bitbucket_pull_request_settings) can require a number of successful builds instead, without naming them.
seealso:
  - module: bitbucket.datacenter.bitbucket_required_builds_info
  - module: bitbucket.datacenter.bitbucket_branch_restriction
  - module: bitbucket.datacenter.bitbucket_default_reviewers
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Pull requests to main wait for the CI and the security scan; hotfixes wait for the CI only
  bitbucket.datacenter.bitbucket_required_builds:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    repository: platform-api
    conditions:
      - target:
          branch: main
        build_keys: [PLAT-CI]
      - target:
          branch: main
        build_keys: [PLAT-SEC]
        exempt_source:
          pattern: hotfix/*
      - target:
          model_branch: production
        build_keys: [PLAT-CI, PLAT-E2E]
    purge: true

- name: No more security scan on main
  bitbucket.datacenter.bitbucket_required_builds:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    repository: platform-api
    conditions:
      - target:
          branch: main
        build_keys: [PLAT-SEC]
    state: absent
"""

RETURN = r"""
conditions:
  description:
    - The conditions of the repository after the run, sorted by target and build keys; in check mode, the prediction, where a
      condition yet to be created has no id. A target C({}) means any branch; an O(conditions[].exempt_source) of C(null), no exemption.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 3
      build_keys: [PLAT-CI]
      target:
        branch: refs/heads/main
      exempt_source:
        pattern: hotfix/*
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._branch_matchers import from_option, matcher_suboptions
from ansible_collections.bitbucket.datacenter.plugins.module_utils._item_set import ItemSet, condition_writes, converge
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._required_builds import (
    SCOPE_ARGUMENT_SPEC,
    build_keys_option,
    condition_equal,
    condition_key,
    condition_slot,
    conditions_path,
    describe,
    exemption_option,
    normalize,
    read_conditions,
    request_body,
)

MODULE_SPEC = dict(
    argument_spec=dict(
        SCOPE_ARGUMENT_SPEC,
        conditions=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                build_keys=dict(type="list", elements="str", default=[], no_log=False),
                target=dict(type="dict", options=matcher_suboptions()),
                exempt_source=dict(type="dict", options=matcher_suboptions()),
            ),
        ),
        purge=dict(type="bool", default=False),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ),
)


def desired_items(params):
    items, seen = [], set()
    present = params["state"] == "present"
    for position, entry in enumerate(params["conditions"], 1):
        item = dict(
            build_keys=build_keys_option(entry["build_keys"], position, required=True),
            target=from_option(entry["target"], "conditions", position, allow_any=True).to_option(),
            exempt_source=exemption_option(entry["exempt_source"], position) if present else None,
        )
        if condition_key(item) in seen:
            raise invalid_option("conditions", "item %d: %s are listed more than once" % (position, describe(item)))
        seen.add(condition_key(item))
        items.append(item)
    if not present and params["purge"]:
        raise invalid_option("purge", "only with state=present; state=absent deletes the listed conditions")
    return items


def run(context):
    params = context.params
    items = desired_items(params)
    client = context.client

    condition_set = ItemSet(
        read=lambda: read_conditions(client, params)[0],
        key=condition_key,
        slot=condition_slot,
        equal=condition_equal,
        describe=describe,
        # spec createRequiredBuildsMergeCheck answers 200 with the new condition; update and delete take its id;
        # spec deleteRequiredBuildsMergeCheck: 204 "successfully deleted, or was never present".
        **condition_writes(client, lambda *segments: conditions_path(params, *segments), request_body, normalize)
    )
    changed, before, after = converge(context, condition_set, items, purge=params["purge"], absent=params["state"] == "absent")
    return context.result(changed, dict(conditions=before), dict(conditions=after), conditions=after)


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
