"""Default-reviewer pull request conditions of a project or a repository (API-MAP section 8, spec-only:
getPullRequestConditions[_1], createPullRequestCondition[_1], updatePullRequestCondition[_1],
deletePullRequestCondition[_1]).

What is modelled, and from where:

* A condition is a source matcher, a target matcher, reviewers and a number of required approvals
  (spec RestDefaultReviewersRequest / RestPullRequestCondition). The request names the matchers
  ``sourceMatcher`` / ``targetMatcher``; the answer ``sourceRefMatcher`` / ``targetRefMatcher`` (spec).
* Matchers as ``ref_matchers.py`` says; ANY_REF (id ``ANY_REF_MATCHER_ID``) is allowed here (API-MAP section 8).
* Reviewers are users, named by ``id`` (or, failing that, ``slug`` or ``name``); each must exist. At least one
  reviewer, and no more required approvals than reviewers (400, spec: "The request was malformed").
* ``GET .../conditions`` answers a JSON array, as the spec's schema declares (its description says "a page").
  A repository lists its own conditions.
* Update is a PUT on ``condition/{id}`` (200); delete answers 204, and 404 for an unknown id (spec).
* PROJECT_ADMIN for the project level, REPO_ADMIN for the repository level.
"""

from __future__ import annotations

from ..errors import ApiError, NO_SUCH_ENTITY_EXCEPTION, bad_request
from ..permissions import require_project, require_repo
from ..state import ReviewerCondition
from ..web import Route, empty
from .common import load_project, load_repository
from .ref_matchers import matcher_to_rest, parse_matcher


def _scope(ctx, project_key, repository_slug=None):
    state = ctx.state
    project = load_project(state, project_key)
    if repository_slug is None:
        require_project(state, ctx.principal, project, "PROJECT_ADMIN")
        return project, None
    repo = load_repository(state, project, repository_slug)
    require_repo(state, ctx.principal, project, repo, "REPO_ADMIN")
    return project, repo


def condition_to_rest(ctx, condition):
    state = ctx.state
    scope = {"type": "REPOSITORY", "resourceId": condition.repo_id} if condition.repo_id is not None else \
        {"type": "PROJECT", "resourceId": condition.project_id}
    return {
        "id": condition.id,
        "scope": scope,
        "sourceRefMatcher": matcher_to_rest(condition.source),
        "targetRefMatcher": matcher_to_rest(condition.target),
        "reviewers": [state.users[uid].to_rest() for uid in condition.reviewer_ids if uid in state.users],
        "requiredApprovals": condition.required_approvals,
    }


def _reviewers(ctx, value):
    if not isinstance(value, list) or not value:
        raise bad_request("At least one default reviewer must be given.", "reviewers")
    ids = []
    for entry in value:
        user = None
        if isinstance(entry, dict):
            if isinstance(entry.get("id"), int) and not isinstance(entry.get("id"), bool):
                user = ctx.state.users.get(entry["id"])
            elif entry.get("slug") or entry.get("name"):
                user = ctx.state.find_user_by_slug(entry.get("slug") or "") or ctx.state.find_user(entry.get("name"))
        if user is None:
            raise bad_request(f"The reviewer {entry!r} is not a user of this instance.", "reviewers")
        if user.id not in ids:
            ids.append(user.id)
    return ids


def _parse(ctx):
    body = ctx.json_object()
    source = parse_matcher(body.get("sourceMatcher"), "sourceMatcher", allow_any_ref=True)
    target = parse_matcher(body.get("targetMatcher"), "targetMatcher", allow_any_ref=True)
    reviewer_ids = _reviewers(ctx, body.get("reviewers"))
    required = body.get("requiredApprovals", 0)
    if isinstance(required, bool) or not isinstance(required, int) or required < 0:
        raise bad_request("requiredApprovals must be a number of approvals, 0 or more.", "requiredApprovals")
    if required > len(reviewer_ids):
        raise bad_request("requiredApprovals cannot be more than the number of default reviewers.", "requiredApprovals")
    return source, target, reviewer_ids, required


def _load(ctx, project, repo, condition_id):
    condition = ctx.state.reviewer_conditions.get(int(condition_id)) if str(condition_id).isdigit() else None
    if condition is None or condition.project_id != project.id or condition.repo_id != (repo.id if repo else None):
        raise ApiError(404, f"No default reviewer condition exists with id {condition_id} here.", NO_SUCH_ENTITY_EXCEPTION)
    return condition


def list_conditions(ctx, project_key, repository_slug=None):
    project, repo = _scope(ctx, project_key, repository_slug)
    repo_id = repo.id if repo is not None else None
    items = sorted((c for c in ctx.state.reviewer_conditions.values() if c.project_id == project.id and c.repo_id == repo_id), key=lambda c: c.id)
    return 200, [condition_to_rest(ctx, condition) for condition in items]


def create_condition(ctx, project_key, repository_slug=None):
    project, repo = _scope(ctx, project_key, repository_slug)
    source, target, reviewer_ids, required = _parse(ctx)
    condition = ReviewerCondition(
        id=ctx.state.new_condition_id(), project_id=project.id, repo_id=repo.id if repo is not None else None,
        source=source, target=target, reviewer_ids=reviewer_ids, required_approvals=required,
    )
    ctx.state.reviewer_conditions[condition.id] = condition
    return 200, condition_to_rest(ctx, condition)


def update_condition(ctx, project_key, repository_slug=None, **path):
    project, repo = _scope(ctx, project_key, repository_slug)
    condition = _load(ctx, project, repo, path["id"])
    condition.source, condition.target, condition.reviewer_ids, condition.required_approvals = _parse(ctx)
    return 200, condition_to_rest(ctx, condition)


def delete_condition(ctx, project_key, repository_slug=None, **path):
    project, repo = _scope(ctx, project_key, repository_slug)
    condition = _load(ctx, project, repo, path["id"])
    del ctx.state.reviewer_conditions[condition.id]
    return empty(204)


_PROJECT = "/default-reviewers/latest/projects/{projectKey}"
_REPO = "/default-reviewers/latest/projects/{projectKey}/repos/{repositorySlug}"

ROUTES = []
for _base in (_PROJECT, _REPO):
    ROUTES += [
        Route("GET", _base + "/conditions", list_conditions),
        Route("POST", _base + "/condition", create_condition),
        Route("PUT", _base + "/condition/{id}", update_condition),
        Route("DELETE", _base + "/condition/{id}", delete_condition),
    ]
