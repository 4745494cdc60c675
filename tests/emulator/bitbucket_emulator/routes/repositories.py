"""Repositories (API-MAP 3.2, seed 004; spec getRepositories, createRepository, getRepository,
updateRepository, forkRepository, deleteRepository, getDefaultBranch_2, setDefaultBranch_2).

What is modelled, and from where:

* The slug is derived from the name (spec updateRepository: "The repository's slug is derived from its
  name. If the name changes the slug may also change"); a slug sent on create is ignored.
* Create uses only ``name`` and ``scmId`` (spec createRepository: "The only parameters which will be used
  are name and scmId"; API-MAP section 7 row 23); it answers 201, and the repository is INITIALISING for
  a while (API-MAP 3.2 "New repos may be INITIALISING"; ``state.REPOSITORY_PENDING_READS``). 409 for a
  name in use.
* Update answers 201, not 200 (API-MAP 1.6); it renames, moves (``project.key``), archives and
  unarchives, and sets ``defaultBranch``. An archived repository refuses every other change with 409
  (spec updateRepository 409; API-MAP 3.2 "send {archived: false} alone first"). A name that clashes in
  the target project is 409.
* Delete answers 202 and schedules the deletion: the repository stays readable, and blocks a new one of
  the same name, for a while, then it is gone; 204 when there is no such repository (API-MAP 1.6 and 3.2
  "After 202, the repo can still be GET-able for a while ... poll for 404").
* Fork: POST on the origin; ``name``, ``defaultBranch`` and ``project.key`` are used; an ``scmId``, a
  project without a key, or a name or slug in use in the target project is 400 (spec forkRepository).
  Personal projects are not modelled, so a fork must name its target project.
* ``.../forks`` lists the direct forks (seed 004 "only looks at a given repository's direct forks").
* The default-branch endpoint answers the configured default branch as a RestMinimalRef (spec
  getDefaultBranch_2: "a newly-created repository will have a configured default branch").
"""

from __future__ import annotations

import re

from ..errors import ApiError, bad_request, no_such_project
from ..permissions import READ_RANK, repo_rank, require_project, require_repo
from ..state import slugify_repository
from ..web import Route, empty
from .common import load_project, load_repository

CONFLICT_EXCEPTION = "com.atlassian.bitbucket.repository.DuplicateRepositoryNameException"
ARCHIVED_EXCEPTION = "com.atlassian.bitbucket.repository.ArchivedRepositoryException"
# Bitbucket's rule for repository names: at most 128 characters, starting with a letter or a digit,
# then letters, digits, spaces, '-', '_' and '.'.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,127}$")
_STATUS_MESSAGES = {"AVAILABLE": "Available", "INITIALISING": "Initialising", "INITIALISATION_FAILED": "Initialisation failed", "OFFLINE": "Offline"}


def repository_to_rest(ctx, project, repo, with_origin=True):
    """RestRepository as seed 004's examples show it (``defaultBranch`` included, API-MAP section 7 row 12)."""
    base = ctx.base_url
    body = {
        "slug": repo.slug,
        "id": repo.id,
        "name": repo.name,
        "hierarchyId": repo.hierarchy_id or f"{repo.id:020d}",
        "scmId": repo.scm_id,
        "state": repo.state,
        "statusMessage": _STATUS_MESSAGES.get(repo.state, repo.state),
        "forkable": repo.forkable,
        "defaultBranch": repo.default_branch,
        "project": project.to_rest(base),
        "public": repo.public,
        "archived": repo.archived,
        "links": {
            "clone": [{"href": f"{base}scm/{project.key.lower()}/{repo.slug}.git", "name": "http"}],
            "self": [{"href": f"{base}projects/{project.key}/repos/{repo.slug}/browse"}],
        },
    }
    if repo.description:
        body["description"] = repo.description
    if with_origin and repo.origin_id is not None:
        origin_project, origin = ctx.state.find_repository_by_id(repo.origin_id)
        if origin is not None:
            body["origin"] = repository_to_rest(ctx, origin_project, origin, with_origin=False)
    return body


def _validate_name(value):
    if not isinstance(value, str) or not value.strip():
        raise bad_request("Repository name must be provided.", "name")
    if not _NAME.match(value):
        raise bad_request(
            "Repository names are limited to 128 characters. They must start with a letter or number and may contain spaces, "
            "hyphens, underscores, and periods.",
            "name",
        )
    return value


def _optional(body, field, kind, label):
    value = body.get(field)
    if value is not None and not isinstance(value, kind):
        raise bad_request(f"{field} must be {label}.", field)
    return value


def _name_in_use(state, project, name, ignore=None):
    """A repository of ``project`` whose name or derived slug ``name`` would take (deleting ones included)."""
    slug = slugify_repository(name)
    for repo in project.repos.values():
        if repo is not ignore and (repo.name.lower() == name.lower() or repo.slug == slug):
            return repo
    return None


def _conflict(project, name):
    return ApiError(409, f"This repository URL is already taken by '{name}' in project {project.key}.", CONFLICT_EXCEPTION, "name")


def _short_branch(value, field):
    if not isinstance(value, str) or not value.strip():
        raise bad_request(f"{field} must name a branch.", field)
    return value[len("refs/heads/"):] if value.startswith("refs/heads/") else value


def list_repositories(ctx, project_key):
    # spec getRepositories: a page of the project's repositories the caller may read.
    state = ctx.state
    project = load_project(state, project_key)
    repos = [repo for repo in sorted(project.repos.values(), key=lambda r: (r.name.lower(), r.id))
             if repo_rank(state, ctx.principal, project, repo) >= READ_RANK]
    if not repos:
        require_project(state, ctx.principal, project, "PROJECT_READ")
    return 200, ctx.page(repos, lambda repo: _read(ctx, project, repo))


def _read(ctx, project, repo):
    ctx.state.note_repository_read(repo)
    return repository_to_rest(ctx, project, repo)


def create_repository(ctx, project_key):
    # spec createRepository: REPO_CREATE on the project (PROJECT_ADMIN implies it); only name and scmId are used.
    state = ctx.state
    project = load_project(state, project_key)
    require_project(state, ctx.principal, project, "PROJECT_ADMIN")
    body = ctx.json_object()
    name = _validate_name(body.get("name"))
    scm_id = body.get("scmId")
    if scm_id is not None and scm_id != "git":
        raise bad_request(f"'{scm_id}' is not a supported SCM; use git.", "scmId")
    if _name_in_use(state, project, name) is not None:
        raise _conflict(project, name)
    repo = state.create_repository(project, name)
    return 201, repository_to_rest(ctx, project, repo)


def get_repository(ctx, project_key, repository_slug):
    project = load_project(ctx.state, project_key)
    repo = load_repository(ctx.state, project, repository_slug)
    require_repo(ctx.state, ctx.principal, project, repo, "REPO_READ")
    return 200, _read(ctx, project, repo)


def update_repository(ctx, project_key, repository_slug):
    # spec updateRepository: REPO_ADMIN; partial body; 201; 409 name clash in the target or archived.
    state = ctx.state
    project = load_project(state, project_key)
    repo = load_repository(state, project, repository_slug)
    require_repo(state, ctx.principal, project, repo, "REPO_ADMIN")
    body = ctx.json_object()
    name = _validate_name(body["name"]) if body.get("name") is not None else None
    description = _optional(body, "description", str, "a string")
    forkable = _optional(body, "forkable", bool, "true or false")
    public = _optional(body, "public", bool, "true or false")
    archived = _optional(body, "archived", bool, "true or false")
    default_branch = _short_branch(body["defaultBranch"], "defaultBranch") if body.get("defaultBranch") is not None else None
    target = project
    moved = body.get("project")
    if moved is not None:
        if not isinstance(moved, dict) or not isinstance(moved.get("key"), str):
            raise bad_request("project must be an object with the key of the target project.", "project")
        target = state.find_project(moved["key"])
        if target is None:
            raise no_such_project(moved["key"])
    changes = {
        "name": name if name is not None and name != repo.name else None,
        "description": description if description is not None and description != repo.description else None,
        "forkable": forkable if forkable is not None and forkable != repo.forkable else None,
        "public": public if public is not None and public != repo.public else None,
        "default_branch": default_branch if default_branch is not None and default_branch != repo.default_branch else None,
        "project": target if target is not project else None,
    }
    if repo.archived and any(value is not None for value in changes.values()):
        # Unarchiving alone is the one change an archived repository accepts.
        raise ApiError(409, f"Repository {project.key}/{repo.slug} is archived; unarchive it before changing it.", ARCHIVED_EXCEPTION)
    if changes["project"] is not None:
        require_project(state, ctx.principal, target, "PROJECT_ADMIN")
    final_name = name if name is not None else repo.name
    if (changes["name"] is not None or changes["project"] is not None) and _name_in_use(state, target, final_name, ignore=repo) is not None:
        raise _conflict(target, final_name)
    if changes["name"] is not None:
        state.rename_repository(project, repo, name)
    if changes["project"] is not None:
        state.move_repository(repo, project, target)
    for field in ("description", "forkable", "public", "default_branch"):
        if changes[field] is not None:
            setattr(repo, field, changes[field])
    if archived is not None:
        repo.archived = archived
    return 201, repository_to_rest(ctx, target, repo)


def fork_repository(ctx, project_key, repository_slug):
    # spec forkRepository: REPO_READ on the origin, PROJECT_ADMIN on the target; 201; 400 for the documented mistakes.
    state = ctx.state
    project = load_project(state, project_key)
    origin = load_repository(state, project, repository_slug)
    require_repo(state, ctx.principal, project, origin, "REPO_READ")
    body = ctx.json_object(required=False)
    if body.get("scmId") is not None:
        raise bad_request("An SCM type cannot be given for a fork; it is the origin's.", "scmId")
    wanted = body.get("project")
    if wanted is None:
        raise bad_request("The emulator does not model personal projects: name the fork's target project with project.key.", "project")
    if not isinstance(wanted, dict) or not isinstance(wanted.get("key"), str) or not wanted["key"].strip():
        raise bad_request("A project given for the fork must have a key.", "project")
    target = state.find_project(wanted["key"])
    if target is None:
        raise no_such_project(wanted["key"])
    require_project(state, ctx.principal, target, "PROJECT_ADMIN")
    name = _validate_name(body["name"]) if body.get("name") is not None else origin.name
    if _name_in_use(state, target, name) is not None:
        raise bad_request(f"The name or slug of the fork '{name}' collides with another repository in project {target.key}.", "name")
    fork = state.create_repository(target, name, origin=origin)
    if body.get("defaultBranch") is not None:
        fork.default_branch = _short_branch(body["defaultBranch"], "defaultBranch")
    return 201, repository_to_rest(ctx, target, fork)


def delete_repository(ctx, project_key, repository_slug):
    # spec deleteRepository: 202 scheduled, 204 when there is no such repository (API-MAP 1.6).
    state = ctx.state
    project = state.find_project(project_key)
    repo = project.repos.get(repository_slug.lower()) if project is not None else None
    if repo is None:
        return empty(204)
    require_repo(state, ctx.principal, project, repo, "REPO_ADMIN")
    state.schedule_repository_deletion(repo)
    return empty(202)


def list_forks(ctx, project_key, repository_slug):
    # seed 004 / spec getForkedRepositories: a page of the repository's direct forks the caller may read.
    state = ctx.state
    project = load_project(state, project_key)
    origin = load_repository(state, project, repository_slug)
    require_repo(state, ctx.principal, project, origin, "REPO_READ")
    forks = []
    for other_project in state.sorted_projects():
        for repo in sorted(other_project.repos.values(), key=lambda r: (r.name.lower(), r.id)):
            if repo.origin_id == origin.id and repo_rank(state, ctx.principal, other_project, repo) >= READ_RANK:
                forks.append((other_project, repo))
    return 200, ctx.page(forks, lambda pair: repository_to_rest(ctx, pair[0], pair[1]))


def get_default_branch(ctx, project_key, repository_slug):
    project = load_project(ctx.state, project_key)
    repo = load_repository(ctx.state, project, repository_slug)
    require_repo(ctx.state, ctx.principal, project, repo, "REPO_READ")
    return 200, {"id": f"refs/heads/{repo.default_branch}", "displayId": repo.default_branch, "type": "BRANCH"}


def set_default_branch(ctx, project_key, repository_slug):
    # spec setDefaultBranch_2: body RestBranch {"id": "refs/heads/main"}; 204.
    project = load_project(ctx.state, project_key)
    repo = load_repository(ctx.state, project, repository_slug)
    require_repo(ctx.state, ctx.principal, project, repo, "REPO_ADMIN")
    body = ctx.json_object()
    repo.default_branch = _short_branch(body.get("id"), "id")
    return empty(204)


_REPOS = "/api/latest/projects/{projectKey}/repos"
_REPO = _REPOS + "/{repositorySlug}"

ROUTES = [
    Route("GET", _REPOS, list_repositories),
    Route("POST", _REPOS, create_repository),
    Route("GET", _REPO, get_repository),
    Route("PUT", _REPO, update_repository),
    Route("POST", _REPO, fork_repository),
    Route("DELETE", _REPO, delete_repository),
    Route("GET", _REPO + "/forks", list_forks),
    Route("GET", _REPO + "/default-branch", get_default_branch),
    Route("PUT", _REPO + "/default-branch", set_default_branch),
]
