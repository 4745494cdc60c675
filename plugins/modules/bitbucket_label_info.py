#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_label_info
short_description: List Bitbucket Data Center labels, the repositories that carry one, or the labels of a repository
version_added: 1.0.0
description:
  - Without options, returns every label on the instance; O(prefix) narrows the list.
  - With O(name), returns that label and every repository that carries it and that the caller can see.
  - With O(project) and O(repository), returns the labels applied to that repository.
  - Labels are global objects. One that is no longer applied anywhere still exists, and is still listed.
options:
  name:
    description:
      - The label to return, with the repositories that carry it (RV(repositories)).
      - When no such label exists, RV(labels) and RV(repositories) are empty and the task does not fail.
      - Mutually exclusive with O(prefix) and O(project).
    type: str
  prefix:
    description:
      - Return only the labels whose name starts with this text.
    type: str
  project:
    description:
      - Key of the project of O(repository).
    type: str
    aliases: [project_key]
  repository:
    description:
      - Slug of the repository whose labels to return. Requires O(project).
    type: str
    aliases: [repository_slug]
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes.info_module
  - bitbucket.datacenter.attributes.action_group
notes:
  - Listing labels needs any authenticated account; the repositories of a label are those the caller may read; the labels of one repository
    need REPO_READ on it.
seealso:
  - name: Bitbucket Data Center REST API, labels
    description: The endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-repository/#api-api-latest-labels-get
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Every repository labelled pci-scope
  bitbucket.datacenter.bitbucket_label_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_token }}"
    name: pci-scope
  register: pci

- name: Show them
  ansible.builtin.debug:
    msg: "{{ pci.repositories | map(attribute='project.key') | zip(pci.repositories | map(attribute='slug')) | map('join', '/') | list }}"

- name: The team labels in use
  bitbucket.datacenter.bitbucket_label_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_token }}"
    prefix: team-
  register: team_labels

- name: The labels of one repository
  bitbucket.datacenter.bitbucket_label_info:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_token }}"
    project: PLAT
    repository: deploy-scripts
  register: deploy_labels
"""

RETURN = r"""
labels:
  description: The labels found, as Bitbucket returns them, in Bitbucket's order.
  returned: always
  type: list
  elements: dict
  sample:
    - name: pci-scope
repositories:
  description: The repositories that carry the label O(name), as Bitbucket describes them (with their project).
  returned: when O(name) is set
  type: list
  elements: dict
  sample:
    - slug: payments
      name: payments
      id: 42
      labelableType: REPOSITORY
      project:
        key: PAY
        name: Payments
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import MAX_PAGE_LIMIT, BitbucketError, rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import invalid_option, run_module

MODULE_SPEC = dict(
    argument_spec=dict(
        name=dict(type="str"),
        prefix=dict(type="str"),
        project=dict(type="str", aliases=["project_key"]),
        repository=dict(type="str", aliases=["repository_slug"]),
    ),
    mutually_exclusive=[("name", "prefix"), ("name", "project"), ("prefix", "project")],
    required_together=[("project", "repository")],
)


def repository_labels(client, project, repository):
    """The labels of one repository.

    The 9.4 document declares one ``RestLabel`` for "all labels applied to the given repository"
    (a list declared as a single object, API-MAP 1.8): a page, a JSON array and a lone label are all read.
    """
    path = rest_path("api", "projects", project, "repos", repository, "labels")
    try:
        answer = client.get(path, params=dict(start=0, limit=MAX_PAGE_LIMIT))
    except BitbucketError as exc:
        if exc.status == 404:
            exc.message += " (repository %s/%s does not exist, or the credentials cannot see it)" % (project, repository)
        raise
    if isinstance(answer, list):
        return answer
    if isinstance(answer, dict) and isinstance(answer.get("values"), list):
        if answer.get("isLastPage", True):
            return answer["values"]
        return client.get_paged(path)
    if isinstance(answer, dict) and answer.get("name") is not None:
        return [answer]
    return []


def run(context):
    params = context.params
    client = context.client
    for option in ("name", "prefix", "project", "repository"):
        if params[option] is not None and not params[option].strip():
            raise invalid_option(option, "must not be empty")
    if params["name"] is not None:
        label = client.get(rest_path("api", "labels", params["name"]), missing_ok=True)
        if label is None:
            return dict(changed=False, labels=[], repositories=[])
        # API-MAP section 4: type=REPOSITORY is the only labelable type (400 otherwise).
        labelled = client.get_paged(rest_path("api", "labels", params["name"], "labeled"), params=dict(type="REPOSITORY"))
        return dict(changed=False, labels=[label], repositories=labelled)
    if params["project"] is not None:
        return dict(changed=False, labels=repository_labels(client, params["project"], params["repository"]))
    query = dict(prefix=params["prefix"]) if params["prefix"] else None
    return dict(changed=False, labels=client.get_paged(rest_path("api", "labels"), params=query))


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
