"""Labels (seed 003 "labels"; spec getLabels, getLabel, getLabelables; the repository label endpoints of the
9.4 document, API-MAP 3.2: getAllLabelsForRepository, addLabel, removeLabel).

Labels are global objects attached to repositories by repository id (state.repo_labels): a label is
defined the first time it is applied, and "deleting the last use does not delete the label definition"
(API-MAP 3.2 quirks). A repository record that is removed takes its labels' uses with it.
"""

from __future__ import annotations

import re

from ..errors import ApiError, bad_request
from ..permissions import READ_RANK, repo_rank, require_repo
from ..web import Route, empty
from .common import load_project, load_repository
from .repository_views import labelable_rest

NO_SUCH_LABEL_EXCEPTION = "com.atlassian.bitbucket.label.NoSuchLabelException"
# spec addLabel 400: upper case, fewer than 3 or more than 50 characters, characters other than a-z, 0-9 and -.
_LABEL = re.compile(r"^[a-z0-9-]{3,50}$")


def _label_rest(name):
    return {"name": name}


def _labelled_repositories(state, name):
    """(project, repository) pairs that carry label ``name``, in project key and slug order."""
    found = []
    for repo_id, names in state.repo_labels.items():
        if name in names:
            project, repo = state.find_repository_by_id(repo_id)
            if repo is not None:
                found.append((project, repo))
    return sorted(found, key=lambda pair: (pair[0].key, pair[1].slug))


def list_labels(ctx):
    # seed 003: "a paged response of all the labels in the system"; `prefix` filters by name prefix.
    prefix = ctx.query("prefix") or ""
    names = sorted(name for name in ctx.state.labels if name.startswith(prefix.lower()))
    return 200, ctx.page(names, _label_rest)


def get_label(ctx, label_name):
    # spec getLabel: 404 when the label does not exist (API-MAP section 4 bitbucket_label_info).
    if label_name not in ctx.state.labels:
        raise ApiError(404, f"Label {label_name} does not exist.", NO_SUCH_LABEL_EXCEPTION)
    return 200, _label_rest(label_name)


def get_labelables(ctx, label_name):
    # spec getLabelables: `type` REPOSITORY only (400 otherwise); only labelables the caller may view.
    kind = ctx.query("type")
    if kind is not None and kind.upper() != "REPOSITORY":
        raise bad_request(f"The type of labelable {kind} is incorrect, correct values are REPOSITORY.", "type")
    state = ctx.state
    if label_name not in state.labels:
        raise ApiError(404, f"Label {label_name} does not exist.", NO_SUCH_LABEL_EXCEPTION)
    visible = [(project, repo) for project, repo in _labelled_repositories(state, label_name)
               if repo_rank(state, ctx.principal, project, repo) >= READ_RANK]
    return 200, ctx.page(visible, lambda pair: labelable_rest(ctx, *pair))


def _repository(ctx, project_key, repository_slug, permission):
    project = load_project(ctx.state, project_key)
    repo = load_repository(ctx.state, project, repository_slug)
    require_repo(ctx.state, ctx.principal, project, repo, permission)
    return repo


def repository_labels(ctx, project_key, repository_slug):
    # spec getAllLabelsForRepository: REPO_READ. Documented as one RestLabel but described as "all labels applied
    # to the given repository": a standard page, as the document's other lists (API-MAP 1.8; KNOWN_SPEC_DEFECTS).
    repo = _repository(ctx, project_key, repository_slug, "REPO_READ")
    return 200, ctx.page(ctx.state.labels_of(repo.id), _label_rest)


def add_repository_label(ctx, project_key, repository_slug):
    # spec addLabel: REPO_ADMIN; 200 with the label; 400 for an invalid name or a label already applied (API-MAP 3.2).
    repo = _repository(ctx, project_key, repository_slug, "REPO_ADMIN")
    body = ctx.json_object()
    name = body.get("name")
    if not isinstance(name, str) or not _LABEL.match(name):
        raise bad_request("Label names must be 3 to 50 characters long and may only contain lower-case letters, numbers and '-'.", "name")
    applied = ctx.state.repo_labels.setdefault(repo.id, set())
    if name in applied:
        raise bad_request(f"The label {name} is already applied to the repository {repository_slug}.", "name")
    ctx.state.labels.add(name)
    applied.add(name)
    return 200, _label_rest(name)


def remove_repository_label(ctx, project_key, repository_slug, label_name):
    # spec removeLabel: REPO_ADMIN; 204 "the label is no longer associated to the repository", also when it was not.
    repo = _repository(ctx, project_key, repository_slug, "REPO_ADMIN")
    ctx.state.repo_labels.get(repo.id, set()).discard(label_name)
    return empty(204)


ROUTES = [
    Route("GET", "/api/latest/labels", list_labels),
    Route("GET", "/api/latest/labels/{labelName}", get_label),
    Route("GET", "/api/latest/labels/{labelName}/labeled", get_labelables),
    Route("GET", "/api/latest/projects/{projectKey}/repos/{repositorySlug}/labels", repository_labels),
    Route("POST", "/api/latest/projects/{projectKey}/repos/{repositorySlug}/labels", add_repository_label),
    Route("DELETE", "/api/latest/projects/{projectKey}/repos/{repositorySlug}/labels/{labelName}", remove_repository_label),
]
