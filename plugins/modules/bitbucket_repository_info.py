#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_repository_info
short_description: List the repositories of a Bitbucket Data Center project or read one, with its default branch
version_added: 1.0.0
description:
  - Returns the repositories of a project (every page of them), or one repository by O(slug) or O(name).
  - Each repository carries its configured default branch in RV(repositories[].default_branch). For one repository, it is read from
    the repository's default-branch endpoint. In a list, it is taken from each repository, where Bitbucket includes it; when it does not,
    from the endpoint, one request per repository.
options:
  project:
    description:
      - Key of the project.
    type: str
    required: true
    aliases: [project_key]
  slug:
    description:
      - Slug of the one repository to return. When it does not exist, RV(repositories) is empty and the task does not fail.
      - Mutually exclusive with O(name).
    type: str
    aliases: [repository_slug]
  name:
    description:
      - Name of the one repository to return, matched exactly, else without regard to case.
    type: str
  forks:
    description:
      - Also return the direct forks of each repository, in RV(repositories[].forks); one more request per repository.
    type: bool
    default: false
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes.info_module
  - bitbucket.datacenter.attributes.action_group
notes:
  - Only the repositories the credentials may read are listed.
seealso:
  - module: bitbucket.datacenter.bitbucket_repository
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Every repository of the platform project
  bitbucket.datacenter.bitbucket_repository_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_token }}"
    project: PLAT
  register: plat

- name: Repositories whose default branch is not main
  ansible.builtin.debug:
    msg: "{{ plat.repositories | rejectattr('default_branch', 'equalto', 'main') | map(attribute='slug') | list }}"
"""

RETURN = r"""
repositories:
  description: The repositories found, as Bitbucket returns them, each with C(default_branch) added.
  returned: always
  type: list
  elements: dict
  contains:
    default_branch:
      description: The configured default branch, short (V(main)); null when none is configured.
      type: str
    forks:
      description: The repository's direct forks, as Bitbucket returns them.
      type: list
      elements: dict
      returned: when O(forks=true)
  sample:
    - slug: billing-service
      id: 42
      name: billing-service
      state: AVAILABLE
      archived: false
      project:
        key: PLAT
      default_branch: main
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._repositories import (
    configured_default_branch,
    default_branch,
    find_by_name,
    get_repository,
    list_forks,
    list_repositories,
)

MODULE_SPEC = dict(
    argument_spec=dict(
        project=dict(type="str", required=True, aliases=["project_key"]),
        slug=dict(type="str", aliases=["repository_slug"]),
        name=dict(type="str"),
        forks=dict(type="bool", default=False),
    ),
    mutually_exclusive=[("slug", "name")],
)


def run(context):
    params = context.params
    client = context.client
    if params["slug"] is not None:
        found = get_repository(client, params["project"], params["slug"])
        repositories = [found] if found is not None else []
    else:
        repositories = list_repositories(client, params["project"])
        if repositories is None:
            raise ModuleFailure("Project %s does not exist (or the credentials cannot see it)" % params["project"])
        if params["name"] is not None:
            match = find_by_name(repositories, params["name"])
            repositories = [match] if match is not None else []
    single = params["slug"] is not None or params["name"] is not None
    found = []
    for repo in repositories:
        repo = dict(repo, default_branch=configured_default_branch(client, repo) if single else default_branch(client, repo, always=True))
        if params["forks"]:
            repo["forks"] = list_forks(client, repo)
        found.append(repo)
    return dict(changed=False, repositories=found)


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
