# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Repositories: finding one, its default branch, and waiting for what Bitbucket does on its own.

Internal to the bitbucket.datacenter collection: this module may change at any time.
Shared by bitbucket_repository and bitbucket_repository_info (API-MAP 3.2).

* A repository is found by its slug, or by its name in the project's list; a slug is never computed
  (Bitbucket derives it from the name, and its rules are its own).
* The default branch is read from the repository when Bitbucket includes it (``defaultBranch``, seed 004's
  examples, API-MAP section 7 row 12), else from ``.../default-branch``, whose 404 means that no branch is
  configured (spec getDefaultBranch_2).
* Changes are written in the order an archived repository needs (:func:`apply_changes`): it refuses every
  change but unarchiving (409, API-MAP 3.2), so it is unarchived first and archived again last.
* A new repository may be INITIALISING, and a deleted one stays readable for a while after the 202
  (API-MAP 3.2): :func:`wait_until_available` and :func:`wait_until_gone` read until it is done.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError, rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import guarded_write
from ansible_collections.bitbucket.datacenter.plugins.module_utils._polling import wait_with_backoff

BRANCH_PREFIX = "refs/heads/"
INITIALISING = "INITIALISING"
INITIALISATION_FAILED = "INITIALISATION_FAILED"
# The fields a repository PUT changes besides archived, the default branch and the project (spec updateRepository).
FIELDS = ("name", "description", "forkable", "public")


def repository_path(project, *segments):
    return rest_path("api", "projects", project, "repos", *segments)


def get_repository(client, project, slug):
    """The repository, or ``None`` when it (or its project) does not exist."""
    return client.get(repository_path(project, slug), missing_ok=True)


def list_repositories(client, project):
    """Every repository of ``project`` (all pages), or ``None`` when the project does not exist."""
    return client.get_paged(repository_path(project), missing_ok=True)


def find_by_name(repositories, name, or_slug=False):
    """The repository named ``name`` (exactly, else without regard to case), or with that slug when ``or_slug``.

    Bitbucket refuses two names that differ only in case (they would have one slug), so a match without
    regard to case is the same repository.
    """
    repositories = repositories or []
    candidates = (
        [repo for repo in repositories if repo.get("name") == name],
        [repo for repo in repositories if (repo.get("name") or "").lower() == name.lower()],
        [repo for repo in repositories if or_slug and repo.get("slug") == name],
    )
    return next((matches[0] for matches in candidates if matches), None)


def short_branch(ref):
    if ref is None:
        return None
    return ref[len(BRANCH_PREFIX):] if ref.startswith(BRANCH_PREFIX) else ref


def configured_default_branch(client, repository):
    """The default branch from ``.../default-branch`` (spec getDefaultBranch_2); None when it answers 404."""
    ref = client.get(repository_path(repository["project"]["key"], repository["slug"], "default-branch"), missing_ok=True)
    return short_branch(ref.get("displayId") or ref.get("id")) if isinstance(ref, dict) else None


def default_branch(client, repository, always=False):
    """The repository's configured default branch, short (``main``), or None.

    Read from the repository itself when it says; otherwise, when ``always``, from the default-branch endpoint.
    """
    if repository.get("defaultBranch"):
        return short_branch(repository["defaultBranch"])
    return configured_default_branch(client, repository) if always else None


def list_forks(client, repository):
    """The repository's direct forks (seed 004 ``.../forks``), every page."""
    return client.get_paged(repository_path(repository["project"]["key"], repository["slug"], "forks"))


def label(repository):
    return "repository %s/%s" % (repository["project"]["key"], repository["slug"])


def wait_until_available(client, repository, timeout):
    """The repository once it is no longer INITIALISING; a failed initialisation is explained."""
    if repository.get("state") == INITIALISING and timeout:
        project, slug = repository["project"]["key"], repository["slug"]
        repository = wait_with_backoff(
            client,
            lambda: get_repository(client, project, slug),
            lambda current: current is None or current.get("state") != INITIALISING,
            timeout,
            "%s to finish initialising" % label(repository),
        )
        if repository is None:
            raise ModuleFailure("Repository %s/%s disappeared while it was initialising" % (project, slug))
    if repository.get("state") == INITIALISATION_FAILED:
        raise ModuleFailure(
            "Bitbucket could not initialise %s (%s); delete it, or retry with POST .../recreate, and run the task again"
            % (label(repository), repository.get("statusMessage") or INITIALISATION_FAILED),
            repository_state=INITIALISATION_FAILED,
        )
    return repository


def delete_repository(client, repository, timeout):
    """Schedule the deletion (202; 204 when already gone, API-MAP 1.6) and wait until the repository answers 404.

    A DELETE whose answer is lost is sent again while the repository is still there: it only schedules
    the same deletion once more.
    """
    gone = object()

    def read():
        return get_repository(client, repository["project"]["key"], repository["slug"]) or gone

    guarded_write(lambda: client.delete(repository_path(repository["project"]["key"], repository["slug"])), read, landed=lambda current: current is gone)
    wait_until_gone(client, repository, timeout)


def wait_until_gone(client, repository, timeout):
    """Read until the repository answers 404: a 202 only schedules the deletion (API-MAP 1.6, 3.2)."""
    if not timeout:
        return
    project, slug = repository["project"]["key"], repository["slug"]
    wait_with_backoff(client, lambda: get_repository(client, project, slug), lambda current: current is None, timeout, "%s to be deleted" % label(repository))


def explain(exc, where):
    """Bitbucket's refusals of a repository write, with what they mean (spec updateRepository, createRepository)."""
    if exc.status == 403:
        exc.message += " - Bitbucket cannot archive %s while it has open pull requests; merge or decline them first" % where
    elif exc.status == 409:
        exc.message += (" - a repository with that name already exists in the target project, or %s is archived "
                        "(it accepts no change before it is unarchived)" % where)
    return exc


def update(client, repository, body):
    """One PUT (201, API-MAP 1.6); a lost answer is checked by reading the repository where it should now be."""
    key, slug = repository["project"]["key"], repository["slug"]
    where_now = body.get("project", {}).get("key", key)

    def read_back():
        found = get_repository(client, key, slug) if not relocates else None
        return found or find_by_name(list_repositories(client, where_now) or [], body.get("name", repository["name"]))

    def landed(found):
        return found is not None and all(found.get(field) == value for field, value in body.items() if field != "project")

    # A rename or a move changes the repository's URL: repeating it blindly would answer 404, so it is
    # checked by reading instead.
    relocates = "name" in body or "project" in body
    try:
        updated = guarded_write(lambda: client.put(repository_path(key, slug), json=body, idempotent=not relocates).body, read_back, landed)
    except BitbucketError as exc:
        raise explain(exc, label(repository)) from None
    return updated if isinstance(updated, dict) and updated.get("slug") else read_back()


def apply_changes(client, repository, changes):
    """Make the changes in the order an archived repository needs: unarchive, change, archive last."""
    archived = bool(repository.get("archived"))
    final_archived = changes.get("archived", archived)
    body = {field: changes[field] for field in FIELDS if field in changes}
    if "project" in changes:
        body["project"] = dict(key=changes["project"])
    if archived and (body or "default_branch" in changes):
        repository = update(client, repository, dict(archived=False))
        archived = False
    if body:
        repository = update(client, repository, body)
    if "default_branch" in changes:
        # spec setDefaultBranch_2: PUT .../default-branch {"id": "refs/heads/<name>"}, 204.
        branch = changes["default_branch"]
        guarded_write(
            lambda: client.put(repository_path(repository["project"]["key"], repository["slug"], "default-branch"), json=dict(id=BRANCH_PREFIX + branch)),
            lambda: default_branch(client, dict(repository, defaultBranch=None), always=True),
            landed=lambda current: current == branch,
        )
        repository = dict(repository, defaultBranch=branch)
    if final_archived != archived:
        repository = update(client, repository, dict(archived=final_archived))
    return repository
