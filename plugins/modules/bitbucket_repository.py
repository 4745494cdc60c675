#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_repository
short_description: Create, fork, update, rename, move, archive and delete Bitbucket Data Center repositories
version_added: 1.0.0
description:
  - Makes a repository of a project exist with the given settings, or makes it not exist.
  - The repository is found by O(slug), or by its O(name) in the project's list. The module never works out a slug itself;
    Bitbucket derives it from the name, and a rename may change it. The result returns the slug and project after the run.
  - Only the fields you set are compared and changed; a second run with the same arguments changes nothing.
  - A new repository is created (or forked, with O(fork_from)), the module waits until Bitbucket has initialised it, and then sets
    the fields that the create did not take.
  - Bitbucket refuses every change to an archived repository but unarchiving. The module unarchives it first, makes the
    changes, and archives it again last (or archives a repository last, when O(archived=true) is new).
  - Bitbucket deletes a repository in the background. The module waits, up to O(wait_timeout), until it is gone.
options:
  project:
    description:
      - Key of the project that holds the repository.
    type: str
    required: true
    aliases: [project_key]
  name:
    description:
      - The repository's name. Required to create it; Bitbucket derives the slug from it.
      - Without O(slug), the repository is looked up by this name in the project (exactly, else without regard to case).
      - With O(slug), a different name renames the repository, which may change its slug.
    type: str
  slug:
    description:
      - The slug of the repository to manage, when it is known. It is never used to create a repository.
    type: str
    aliases: [repository_slug]
  description:
    description:
      - The description. An empty string clears it.
    type: str
  forkable:
    description:
      - Whether the repository may be forked.
    type: bool
  public:
    description:
      - Whether the repository allows public (anonymous) read access.
    type: bool
  default_branch:
    description:
      - The configured default branch, as V(main) or V(refs/heads/main). The branch need not exist yet.
    type: str
  archived:
    description:
      - Whether the repository is archived (read-only). Bitbucket refuses to archive a repository with open pull requests.
    type: bool
  fork_from:
    description:
      - Create the repository as a fork of this one. It is forked into O(project) (or O(move_to_project)).
      - When the repository already exists, it must be a fork of this one; Bitbucket cannot turn a repository into a fork.
    type: dict
    suboptions:
      project:
        description:
          - Key of the project of the repository to fork.
        type: str
        required: true
      repository:
        description:
          - Slug of the repository to fork.
        type: str
        required: true
  rename_from:
    description:
      - The current name (or slug) of a repository of O(project) to rename to O(name). Once renamed, the repository is found
        by O(name) and nothing more happens. When neither exists, the repository is created with O(name).
    type: str
  move_to_project:
    description:
      - Key of the project the repository should be in. A repository found in O(project) is moved there; once moved, it is found
        there and nothing more happens. When it exists in neither, it is created in O(move_to_project).
    type: str
  wait_timeout:
    description:
      - Seconds to wait for a new repository to finish initialising, and for a deleted one to be gone. V(0) does not wait.
    type: int
    default: 120
  force:
    description:
      - Deleting a repository deletes its history, pull requests and settings. O(state=absent) is refused unless this is V(true).
    type: bool
    default: false
  state:
    description:
      - V(present) creates or updates the repository; V(absent) deletes it (with O(force=true)).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
notes:
  - Creating a repository needs PROJECT_ADMIN (or the REPO_CREATE permission) on the project; changing it needs REPO_ADMIN, and
    moving it PROJECT_ADMIN on the target project too. Who may delete or archive repositories is set by the repository policies.
  - Renaming or moving a repository changes its clone URLs.
seealso:
  - module: bitbucket.datacenter.bitbucket_repository_info
  - module: bitbucket.datacenter.bitbucket_repository_permission
  - module: bitbucket.datacenter.bitbucket_branch_restriction
  - name: Bitbucket Data Center REST API, repositories
    description: The endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-project/#api-api-latest-projects-projectkey-repos-get
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: The service repository exists with main as its default branch
  bitbucket.datacenter.bitbucket_repository:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    name: billing-service
    description: Billing API
    default_branch: main
    forkable: false
  register: billing

- name: Use the slug Bitbucket derived
  ansible.builtin.debug:
    msg: "git clone https://bitbucket.example.com/scm/plat/{{ billing.slug }}.git"

- name: A personal sandbox forked from it
  bitbucket.datacenter.bitbucket_repository:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: SANDBOX
    name: billing-service-experiments
    fork_from:
      project: PLAT
      repository: billing-service

- name: Rename a repository and move it to the archive project, archived
  bitbucket.datacenter.bitbucket_repository:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    rename_from: old-billing
    name: billing-legacy
    move_to_project: ATTIC
    archived: true

- name: Delete a repository, history and all
  bitbucket.datacenter.bitbucket_repository:
    url: https://bitbucket.example.com
    token: "{{ bitbucket_admin_token }}"
    project: PLAT
    name: scratch
    state: absent
    force: true
"""

RETURN = r"""
repository:
  description:
    - The repository as Bitbucket returns it after the run, with its C(slug) and C(project); in check mode, the prediction (without
      the slug and id of a repository yet to be created). Empty when the repository does not exist.
  returned: always
  type: dict
  sample:
    slug: billing-service
    id: 42
    name: billing-service
    description: Billing API
    state: AVAILABLE
    forkable: false
    public: false
    archived: false
    defaultBranch: main
    project:
      key: PLAT
slug:
  description: The repository's slug after the run (it changes with a rename). Empty when it is unknown (check mode) or absent.
  returned: always
  type: str
  sample: billing-service
project_key:
  description: The key of the project that holds the repository after the run (it changes with a move).
  returned: always
  type: str
  sample: PLAT
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

import re

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure, changed_fields, invalid_option, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._repositories import (
    FIELDS,
    apply_changes,
    default_branch,
    delete_repository,
    explain,
    find_by_name,
    get_repository,
    label,
    list_repositories,
    repository_path,
    short_branch,
    wait_until_available,
)
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import guarded_write

MODULE_SPEC = dict(
    argument_spec=dict(
        project=dict(type="str", required=True, aliases=["project_key"]),
        name=dict(type="str"),
        slug=dict(type="str", aliases=["repository_slug"]),
        description=dict(type="str"),
        forkable=dict(type="bool"),
        public=dict(type="bool"),
        default_branch=dict(type="str"),
        archived=dict(type="bool"),
        fork_from=dict(type="dict", options=dict(project=dict(type="str", required=True), repository=dict(type="str", required=True))),
        rename_from=dict(type="str"),
        move_to_project=dict(type="str"),
        wait_timeout=dict(type="int", default=120),
        force=dict(type="bool", default=False),
        state=dict(type="str", choices=["present", "absent"], default="present"),
    ),
    required_one_of=[("name", "slug")],
    mutually_exclusive=[("fork_from", "rename_from")],
)

# Bitbucket's rule for repository names: at most 128 characters, a letter or digit first, then letters,
# digits, spaces, '-', '_' and '.'.
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,127}$")


def validate(params):
    for option in ("name", "rename_from"):
        if params[option] is not None and not NAME_PATTERN.match(params[option]):
            raise invalid_option(option, "%r is not a repository name: at most 128 letters, digits, spaces, '-', '_' and '.', "
                                         "starting with a letter or digit" % params[option])
    branch = params["default_branch"]
    if branch is not None and not short_branch(branch.strip()):
        raise invalid_option("default_branch", "must name a branch")
    if params["wait_timeout"] < 0:
        raise invalid_option("wait_timeout", "must be 0 or more seconds")
    if params["state"] == "absent":
        for option in ("fork_from", "rename_from", "move_to_project"):
            if params[option]:
                raise invalid_option(option, "only with state=present")


def managed_fields(repository, branch):
    if not repository:
        return None
    fields = dict(
        project=repository.get("project", {}).get("key"),
        slug=repository.get("slug"),
        name=repository.get("name"),
        description=repository.get("description") or "",
        forkable=bool(repository.get("forkable", True)),
        public=bool(repository.get("public", False)),
        archived=bool(repository.get("archived", False)),
    )
    if branch is not None:
        fields["default_branch"] = branch
    return fields


def locate(client, params):
    """The repository the task is about, wherever a rename or move may already have put it; ``None`` when there is none."""
    if params["slug"] is not None:
        found = get_repository(client, params["project"], params["slug"])
        if found is not None or not (params["rename_from"] or params["move_to_project"]):
            return found
    listing = list_repositories(client, params["project"])
    if listing is None:
        if params["state"] == "absent":
            return None
        raise ModuleFailure("Project %s does not exist (or the credentials cannot see it)" % params["project"])
    found = find_by_name(listing, params["name"]) if params["name"] else None
    if found is None and params["rename_from"]:
        found = find_by_name(listing, params["rename_from"], or_slug=True)
    if found is None and params["move_to_project"]:
        target = list_repositories(client, params["move_to_project"]) or []
        found = find_by_name(target, params["name"] or params["slug"], or_slug=params["name"] is None)
    return found


def create(client, params):
    """Create (or fork) the repository, and wait until it is initialised; the create need not take every field."""
    target = params["move_to_project"] or params["project"]
    if params["name"] is None:
        raise invalid_option("name", "required to create the repository, which does not exist yet")
    body = dict(name=params["name"])
    if params["fork_from"]:
        # spec forkRepository: name, defaultBranch and project.key are used; an scmId is refused (400).
        path = repository_path(params["fork_from"]["project"], params["fork_from"]["repository"])
        body["project"] = dict(key=target)
    else:
        path = repository_path(target)
        body["scmId"] = "git"
        body.update((field, params[field]) for field in ("description", "forkable", "public") if params[field] is not None)
    if params["default_branch"] is not None:
        body["defaultBranch"] = short_branch(params["default_branch"].strip())

    def find_created():
        return find_by_name(list_repositories(client, target) or [], params["name"])

    try:
        created = guarded_write(lambda: client.post(path, json=body).body, find_created, landed=lambda found: True)
    except BitbucketError as exc:
        # 409 (400 for a fork): perhaps a parallel run made it meanwhile; converge on it, else explain.
        created = find_created() if exc.status in (400, 409) else None
        if created is None:
            raise explain(exc, "repository %r of project %s" % (params["name"], target)) from None
    return wait_until_available(client, created, params["wait_timeout"])


def run(context):
    params = context.params
    validate(params)
    client = context.client
    repository = locate(client, params)

    if params["state"] == "absent":
        if repository is None:
            return context.result(False, None, None, repository={}, slug="", project_key=params["project"])
        before = managed_fields(repository, default_branch(client, repository))
        if not params["force"]:
            raise ModuleFailure("Refusing to delete %s: that deletes its history, pull requests and settings. Set force: true to delete it"
                                % label(repository), invalid_option="force")
        if not context.check_mode:
            delete_repository(client, repository, params["wait_timeout"])
        return context.result(True, before, None, repository={}, slug="", project_key=repository["project"]["key"])

    if repository is not None and params["fork_from"]:
        origin = repository.get("origin") or {}
        wanted = (params["fork_from"]["project"].upper(), params["fork_from"]["repository"].lower())
        if ((origin.get("project") or {}).get("key", "").upper(), (origin.get("slug") or "").lower()) != wanted:
            raise invalid_option("fork_from", "%s exists and is not a fork of %s/%s; Bitbucket cannot make an existing repository a fork"
                                 % (label(repository), params["fork_from"]["project"], params["fork_from"]["repository"]))
    desired = {field: params[field] for field in FIELDS + ("archived",)}
    if params["default_branch"] is not None:
        desired["default_branch"] = short_branch(params["default_branch"].strip())
    if params["move_to_project"] is not None:
        desired["project"] = params["move_to_project"].upper()
    wants_branch = params["default_branch"] is not None

    if repository is None:
        predicted = {field: value for field, value in desired.items() if value is not None and field != "project"}
        predicted.update(project=dict(key=(params["move_to_project"] or params["project"]).upper()), state="AVAILABLE")
        if context.check_mode:
            if params["name"] is None:
                raise invalid_option("name", "required to create the repository, which does not exist yet")
            if "default_branch" in predicted:
                predicted["defaultBranch"] = predicted.pop("default_branch")
            return context.result(True, None, managed_fields(predicted, desired.get("default_branch")), repository=predicted, slug="",
                                  project_key=predicted["project"]["key"])
        repository = create(client, params)
        branch = default_branch(client, repository, always=wants_branch)
        before = None
    else:
        branch = default_branch(client, repository, always=wants_branch)
        before = managed_fields(repository, branch)

    current = managed_fields(repository, branch)
    changes = changed_fields(current, desired)
    if changes and context.check_mode:
        predicted = dict(repository)
        predicted.update((field, value) for field, value in changes.items() if field in FIELDS + ("archived",))
        if "project" in changes:
            predicted["project"] = dict(repository.get("project") or {}, key=changes["project"])
        if "default_branch" in changes:
            predicted["defaultBranch"] = changes["default_branch"]
        after = dict(current, **changes)
        return context.result(True, before, after, repository=predicted, slug=predicted["slug"] if "name" not in changes else "",
                              project_key=predicted["project"]["key"])
    if changes:
        repository = apply_changes(client, repository, changes)
    after = managed_fields(repository, default_branch(client, repository) or changes.get("default_branch", branch))
    return context.result(before is None or bool(changes), before, after, repository=repository, slug=repository["slug"],
                          project_key=repository["project"]["key"])


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
