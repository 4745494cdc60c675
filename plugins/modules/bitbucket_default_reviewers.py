#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_default_reviewers
short_description: Declare the default-reviewer conditions of a Bitbucket Data Center project or repository
version_added: 1.0.0
description:
  - Manages the default reviewers of one scope, a project or one repository, in one task.
  - A condition adds its reviewers to the pull requests from the branches its O(conditions[].source) matches to those its
    O(conditions[].target) matches, and requires some of them to approve. It is identified by its source and target.
  - Each condition listed in O(conditions) ends up existing once, with exactly the listed reviewers (compared as a set) and number
    of required approvals; a different one is updated in place. With O(purge=true), every other condition of the scope is deleted.
    With O(state=absent), the listed conditions are deleted.
  - At repository level, conditions the project sets are never changed.
options:
  project:
    description:
      - Key of the project.
    type: str
    required: true
    aliases: [project_key]
  repository:
    description:
      - Slug of a repository of O(project). Without it, the module manages the project's conditions.
    type: str
    aliases: [repository_slug]
  conditions:
    description:
      - The default-reviewer conditions of the scope.
    type: list
    elements: dict
    default: []
    suboptions:
      source:
        description:
          - The branches pull requests come from, as one of C(branch), C(pattern), C(model_category) and C(model_branch), like the
            matchers of M(bitbucket.datacenter.bitbucket_branch_restriction). Omitted or empty, any branch.
        type: dict
        suboptions:
          branch:
            description: One branch, as V(main) or V(refs/heads/main).
            type: str
          pattern:
            description: A branch pattern, for example V(feature/*).
            type: str
          model_category:
            description: A category of the branching model.
            type: str
            choices: [FEATURE, BUGFIX, HOTFIX, RELEASE]
          model_branch:
            description: The development or production branch of the branching model.
            type: str
            choices: [development, production]
      target:
        description:
          - The branches pull requests go to, as O(conditions[].source). Omitted or empty, any branch.
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
      reviewers:
        description:
          - User names (not slugs) of the default reviewers; at least one with O(state=present). They must exist.
        type: list
        elements: str
        default: []
      required_approvals:
        description:
          - How many of the reviewers must approve; at most as many as there are reviewers.
        type: int
        default: 0
  purge:
    description:
      - Delete every condition of the scope that O(conditions) does not list. Only with O(state=present).
    type: bool
    default: false
  state:
    description:
      - V(present) makes the listed conditions exist as listed; V(absent) deletes them (their reviewers are then ignored).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs PROJECT_ADMIN on the project, or REPO_ADMIN on the repository.
  - Bitbucket takes reviewers by user id; the module finds the id of a reviewer it has not seen in the scope's conditions with one
    read of the user directory, and only when a condition is to be written.
seealso:
  - module: bitbucket.datacenter.bitbucket_default_reviewers_info
  - module: bitbucket.datacenter.bitbucket_branch_restriction
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Two platform leads review every pull request to main; one must approve
  bitbucket.datacenter.bitbucket_default_reviewers:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    conditions:
      - target:
          branch: main
        reviewers: [alice, bob]
        required_approvals: 1
      - source:
          model_category: HOTFIX
        target:
          model_branch: production
        reviewers: [carol]
    purge: true
"""

RETURN = r"""
conditions:
  description:
    - The conditions of the scope after the run; in check mode, the prediction, where a condition yet to be created has no id.
      A matcher C({}) means any branch.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 3
      source: {}
      target:
        branch: refs/heads/main
      reviewers: [alice, bob]
      required_approvals: 1
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._branch_matchers import from_option, matcher_suboptions
from ansible_collections.bitbucket.datacenter.plugins.module_utils._default_reviewers import (
    condition_key,
    conditions_path,
    describe,
    normalize,
    read_conditions,
)
from ansible_collections.bitbucket.datacenter.plugins.module_utils._item_set import ItemSet, condition_writes, converge
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._scope import SCOPE_ARGUMENT_SPEC
from ansible_collections.bitbucket.datacenter.plugins.module_utils._user_lookup import UserDirectory

MODULE_SPEC = dict(
    argument_spec=dict(
        SCOPE_ARGUMENT_SPEC,
        conditions=dict(
            type="list",
            elements="dict",
            default=[],
            options=dict(
                source=dict(type="dict", options=matcher_suboptions()),
                target=dict(type="dict", options=matcher_suboptions()),
                reviewers=dict(type="list", elements="str", default=[]),
                required_approvals=dict(type="int", default=0),
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
            source=from_option(entry["source"], "conditions", position, allow_any=True).to_option(),
            target=from_option(entry["target"], "conditions", position, allow_any=True).to_option(),
            reviewers=[name.strip() for name in entry["reviewers"]],
            required_approvals=entry["required_approvals"],
        )
        if item["required_approvals"] < 0:
            raise invalid_option("conditions", "item %d: required_approvals must be 0 or more" % position)
        if any(not name for name in item["reviewers"]):
            raise invalid_option("conditions", "item %d has an empty reviewer name" % position)
        if present and not item["reviewers"]:
            raise invalid_option("conditions", "item %d needs at least one reviewer" % position)
        if present and not 0 <= item["required_approvals"] <= len(item["reviewers"]):
            raise invalid_option("conditions", "item %d: required_approvals must be between 0 and the number of reviewers (%d)"
                                 % (position, len(item["reviewers"])))
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
    directory = UserDirectory(client)

    def equal(have, want):
        return ({directory.canonical(name) for name in have["reviewers"]} == {directory.canonical(name) for name in want["reviewers"]}
                and have["required_approvals"] == want["required_approvals"])

    def body(want):
        # spec RestDefaultReviewersRequest: the matchers as sourceMatcher/targetMatcher, reviewers by id.
        return dict(
            sourceMatcher=from_option(want["source"], "conditions", allow_any=True).to_request(),
            targetMatcher=from_option(want["target"], "conditions", allow_any=True).to_request(),
            reviewers=[dict(id=directory.find(name, "conditions")["id"]) for name in want["reviewers"]],
            requiredApprovals=want["required_approvals"],
        )

    condition_set = ItemSet(
        read=lambda: read_conditions(client, params, learn=directory.learn)[0],
        key=condition_key,
        equal=equal,
        describe=describe,
        **condition_writes(client, lambda *segments: conditions_path(params, *segments), body, normalize)
    )
    changed, before, after = converge(context, condition_set, items, purge=params["purge"], absent=params["state"] == "absent")
    return context.result(changed, dict(conditions=before), dict(conditions=after), conditions=after)


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
