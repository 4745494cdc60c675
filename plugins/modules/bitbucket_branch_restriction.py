#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_branch_restriction
short_description: Declare the branch restrictions (branch permissions) of a Bitbucket Data Center project or repository
version_added: 1.0.0
description:
  - Manages the branch restrictions of one scope, a project or one repository, in one task.
  - A restriction is identified by what it matches and its type, for example "no-deletes on branch main". Each restriction
    listed in O(restrictions) ends up existing once, with exactly the listed exemptions. Exemptions are compared as sets.
  - With O(purge=true), every other restriction of the scope is deleted, which makes the list authoritative.
    With O(state=absent), the listed restrictions are deleted.
  - Bitbucket cannot change a restriction. To change one, the module creates the new restriction first and deletes the old one
    afterwards, so the branches are never unprotected during the run.
  - If the scope holds several restrictions with the identity of a listed one (left by an interrupted run, or made by hand), the
    module keeps one, with the listed exemptions, and deletes the others.
  - At repository level, Bitbucket also lists the restrictions the project sets. The module never changes or deletes those, and
    O(purge) does not touch them; manage them with a project-level task.
options:
  project:
    description:
      - Key of the project.
    type: str
    required: true
    aliases: [project_key]
  repository:
    description:
      - Slug of a repository of O(project). Without it, the module manages the project's restrictions, which apply to every
        repository of the project.
    type: str
    aliases: [repository_slug]
  restrictions:
    description:
      - The restrictions of the scope. Each one sets O(restrictions[].type) and exactly one of O(restrictions[].branch),
        O(restrictions[].pattern), O(restrictions[].model_category) and O(restrictions[].model_branch).
    type: list
    elements: dict
    default: []
    suboptions:
      type:
        description:
          - V(read-only) lets nobody push (except the exempt), V(no-deletes) prevents deleting the branch,
            V(fast-forward-only) prevents rewriting history, V(pull-request-only) allows changes only through pull requests,
            V(no-creates) prevents creating matching branches.
          - Exemptions exempt from the one restriction they belong to; for V(pull-request-only) they let the exempt push directly,
            for V(no-deletes) delete the branch.
          - V(no-creates) needs Bitbucket 9.4 or later; the module checks the version before writing anything.
        type: str
        required: true
        choices: [read-only, no-deletes, fast-forward-only, pull-request-only, no-creates]
      branch:
        description:
          - One branch, as V(main) or V(refs/heads/main). Bitbucket takes the qualified name; the module adds C(refs/heads/).
        type: str
      pattern:
        description:
          - A branch permission pattern, for example V(release/*).
        type: str
      model_category:
        description:
          - A category of the branching model; it matches the branches with that category's prefix.
        type: str
        choices: [FEATURE, BUGFIX, HOTFIX, RELEASE]
      model_branch:
        description:
          - The development or production branch of the branching model.
        type: str
        choices: [development, production]
      exempt_users:
        description:
          - User names (not slugs) exempt from the restriction. They must exist.
        type: list
        elements: str
        default: []
      exempt_groups:
        description:
          - Group names exempt from the restriction. They must exist.
        type: list
        elements: str
        default: []
      exempt_access_keys:
        description:
          - SSH access keys exempt from the restriction, each given by its id (V(12)) or by its public key text
            (V(ssh-ed25519 AAAA... deploy)). The key must have access to the project or repository.
          - A key given by its text is looked up in the access keys of the scope (for a repository, with the project's keys).
        type: list
        elements: str
        default: []
  purge:
    description:
      - Delete every restriction of the scope that O(restrictions) does not list. Only with O(state=present).
      - With an empty O(restrictions), this deletes every restriction of the scope.
    type: bool
    default: false
  state:
    description:
      - V(present) makes the listed restrictions exist as listed; V(absent) deletes them (their exemptions are then ignored).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Needs PROJECT_ADMIN on the project, or REPO_ADMIN on the repository.
  - Each restriction is created with its own request, as one JSON object; a server that only takes the bulk form of the request
    is sent a one-item array instead.
seealso:
  - module: bitbucket.datacenter.bitbucket_branch_restriction_info
  - module: bitbucket.datacenter.bitbucket_default_reviewers
  - name: Bitbucket Data Center REST API, branch permissions
    description: The endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-project/#api-branch-permissions-latest-projects-projectkey-restrictions-get
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Changes to main go through pull requests, and main cannot be deleted, in every repository of the project
  bitbucket.datacenter.bitbucket_branch_restriction:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    restrictions:
      - type: pull-request-only
        branch: main
        exempt_users: [release-bot]
      - type: no-deletes
        branch: main
        exempt_groups: [platform-admins]
      - type: fast-forward-only
        pattern: release/*
    purge: true

- name: One repository's own restriction, exempting a deploy key
  bitbucket.datacenter.bitbucket_branch_restriction:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    repository: deploy-scripts
    restrictions:
      - type: read-only
        model_branch: production
        exempt_access_keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHv3cNE3ZBnD7aq4cqJ4g8pQmCzx9f8y1rB2v1sYcGdP deployer"]

- name: Stop protecting hotfix branches
  bitbucket.datacenter.bitbucket_branch_restriction:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    restrictions:
      - type: read-only
        model_category: HOTFIX
    state: absent
"""

RETURN = r"""
restrictions:
  description:
    - The restrictions of the scope after the run, sorted by what they match and their type; in check mode, the prediction, where a
      restriction yet to be created has no id. At repository level, those inherited from the project are not listed.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 12
      type: pull-request-only
      branch: refs/heads/main
      exempt_users: [release-bot]
      exempt_groups: []
      exempt_access_keys: []
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._access_keys import Scope as AccessKeyScope
from ansible_collections.bitbucket.datacenter.plugins.module_utils._access_keys import entry_identity
from ansible_collections.bitbucket.datacenter.plugins.module_utils._branch_matchers import from_option, matcher_suboptions
from ansible_collections.bitbucket.datacenter.plugins.module_utils._branch_restrictions import (
    NO_CREATES,
    NO_CREATES_SINCE,
    TYPES,
    describe,
    matcher_of,
    post_restriction,
    read_restrictions,
    restriction_key,
    restrictions_path,
)
from ansible_collections.bitbucket.datacenter.plugins.module_utils._ssh_keys import parse_public_key
from ansible_collections.bitbucket.datacenter.plugins.module_utils._item_set import ItemSet, converge
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._scope import SCOPE_ARGUMENT_SPEC, scope_label
from ansible_collections.bitbucket.datacenter.plugins.module_utils._user_lookup import UserDirectory
from ansible_collections.bitbucket.datacenter.plugins.module_utils._version import require

RESTRICTION_OPTIONS = dict(
    type=dict(type="str", required=True, choices=TYPES),
    exempt_users=dict(type="list", elements="str", default=[]),
    exempt_groups=dict(type="list", elements="str", default=[]),
    exempt_access_keys=dict(type="list", elements="str", default=[], no_log=False),
    **matcher_suboptions()
)

MODULE_SPEC = dict(
    argument_spec=dict(
        SCOPE_ARGUMENT_SPEC,
        restrictions=dict(type="list", elements="dict", default=[], options=RESTRICTION_OPTIONS),
        purge=dict(type="bool", default=False),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ),
)


def desired_items(params):
    """The listed restrictions, normalised; bad input fails here, before any request."""
    items, seen = [], set()
    for position, entry in enumerate(params["restrictions"], 1):
        item = dict(type=entry["type"])
        item.update(from_option(entry, "restrictions", position).to_option())
        for option in ("exempt_users", "exempt_groups", "exempt_access_keys"):
            values = [value.strip() for value in entry[option]]
            if any(not value for value in values):
                raise invalid_option("restrictions", "item %d has an empty name in %s" % (position, option))
            item[option] = values
        for value in item["exempt_access_keys"]:
            if not value.isdigit() and len(value.split()) < 2:
                raise invalid_option("restrictions", "item %d: %r is neither an access key id nor a public key text" % (position, value))
        if restriction_key(item) in seen:
            raise invalid_option("restrictions", "item %d: %s is listed more than once" % (position, describe(item)))
        seen.add(restriction_key(item))
        items.append(item)
    if params["state"] == "absent" and params["purge"]:
        raise invalid_option("purge", "only with state=present; state=absent deletes the listed restrictions")
    return items


def resolve_access_keys(client, params, items):
    """Replace public key texts by the ids of the scope's access keys with that key (one read, only if needed).

    A key is the same key whatever its comment: matched by fingerprint, as the access-key modules match it.
    """
    wanted = {}
    for position, item in enumerate(items, 1):
        for value in item["exempt_access_keys"]:
            if not value.isdigit():
                try:
                    wanted[value] = parse_public_key(value).fingerprint
                except ValueError as exc:
                    raise invalid_option("restrictions", "item %d: the access key %s" % (position, exc)) from None
    by_fingerprint = {}
    if wanted:
        # Project keys count at repository scope too: a restriction may exempt them (effective listing).
        for entry in AccessKeyScope(client, params["project"], params["repository"]).list(effective=True):
            by_fingerprint.setdefault(entry_identity(entry), entry["key"]["id"])
    for position, item in enumerate(items, 1):
        ids = []
        for value in item["exempt_access_keys"]:
            if value.isdigit():
                ids.append(int(value))
                continue
            match = by_fingerprint.get(wanted[value])
            if match is None:
                raise invalid_option(
                    "restrictions",
                    "item %d: no access key of %s has the public key %s... (SHA256:%s)" % (position, scope_label(params), value[:40], wanted[value]),
                )
            ids.append(int(match))
        item["exempt_access_keys"] = sorted(set(ids))


def run(context):
    params = context.params
    items = desired_items(params)
    client = context.client
    absent = params["state"] == "absent"
    if not absent and any(item["type"] == NO_CREATES for item in items):
        require(client, NO_CREATES_SINCE, "The %s restriction type" % NO_CREATES)
    if not absent:
        resolve_access_keys(client, params, items)
    directory = UserDirectory(client)

    def exemptions(item):
        # Compared as sets; user and group names without regard to case (API-MAP 3.4 "Compare").
        return (
            {directory.canonical(name) for name in item["exempt_users"]},
            {name.lower() for name in item["exempt_groups"]},
            set(item["exempt_access_keys"]),
        )

    def equal(have, want):
        return exemptions(have) == exemptions(want)

    def create(want):
        body = dict(
            type=want["type"],
            matcher=matcher_of(want).to_request(),
            userSlugs=[directory.find(name, "restrictions")["slug"] for name in want["exempt_users"]],
            groupNames=list(want["exempt_groups"]),
            accessKeyIds=list(want["exempt_access_keys"]),
        )
        return post_restriction(client, params, body)

    restriction_set = ItemSet(
        read=lambda: read_restrictions(client, params, learn=directory.learn)[0],
        key=restriction_key,
        equal=equal,
        create=create,
        delete=lambda have: client.delete(restrictions_path(params, str(have["id"])), missing_ok=True),
        describe=describe,
    )
    changed, before, after = converge(context, restriction_set, items, purge=params["purge"], absent=absent)
    return context.result(changed, dict(restrictions=before), dict(restrictions=after), restrictions=after)


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
