"""Required-builds merge checks of a repository (API-MAP section 8, spec-only: getPageOfRequiredBuildsMergeChecks,
createRequiredBuildsMergeCheck, updateRequiredBuildsMergeCheck, deleteRequiredBuildsMergeCheck).

What is modelled, and from where:

* The 9.4 document has these checks at repository level only (``/required-builds/latest/projects/{projectKey}/
  repos/{repositorySlug}/...``); it has no project-level variant, so there is none here and nothing to inherit:
  a repository lists its own conditions, and a project-level path answers 404 like any unknown path.
* A condition is ``buildParentKeys``, a ``refMatcher`` (the target branch) and an optional ``exemptRefMatcher``
  (source branches exempt from the check), spec RestRequiredBuildConditionSetRequest / RestRequiredBuildCondition.
  Its id is an int64 (spec ``id`` path parameter and ``RestRequiredBuildCondition.id``).
* 400 (spec "The request was malformed") when the build parent key list is empty ("A non-empty list", although
  the schema says minItems 0) or longer than 100 (maxItems), or when either matcher has an unrecognised type or
  cannot be made from its type and id; matcher types are the spec's five, ANY_REF included for both matchers
  (the operation's description lists all five for each); matchers are checked as ``ref_matchers.py`` says.
* ``GET .../conditions`` answers a standard page (spec: isLastPage, limit, nextPageStart, size, start, values),
  ``start`` and ``limit`` as everywhere (API-MAP 1.5).
* Create is a POST on ``condition`` and answers 200 with the condition (spec); update is a PUT on
  ``condition/{id}`` with the whole condition, which it replaces (same request schema as the create, so an
  exemption left out is removed), 200; an unknown id answers 404 with a RestErrors body (API-MAP 1.6).
* Delete answers 204 "successfully deleted, or was never present" (spec), so an unknown id is 204 too.
* REPO_READ to list, REPO_ADMIN to create, update and delete; 401 otherwise (spec).
"""

from __future__ import annotations

from ..errors import ApiError, NO_SUCH_ENTITY_EXCEPTION, bad_request
from ..permissions import require_repo
from ..state import RequiredBuildCondition
from ..web import Route, empty
from .common import load_project, load_repository
from .ref_matchers import matcher_to_rest, parse_matcher

MAX_BUILD_PARENT_KEYS = 100  # spec RestRequiredBuildConditionSetRequest.buildParentKeys maxItems


def _repository(ctx, project_key, repository_slug, permission):
    state = ctx.state
    project = load_project(state, project_key)
    repo = load_repository(state, project, repository_slug)
    require_repo(state, ctx.principal, project, repo, permission)
    return project, repo


def condition_to_rest(condition):
    """spec RestRequiredBuildCondition; ``exemptRefMatcher`` only when the condition has one."""
    body = {
        "id": condition.id,
        "buildParentKeys": list(condition.build_parent_keys),
        "refMatcher": matcher_to_rest(condition.ref_matcher),
    }
    if condition.exempt_ref_matcher is not None:
        body["exemptRefMatcher"] = matcher_to_rest(condition.exempt_ref_matcher)
    return body


def _build_parent_keys(value):
    if not isinstance(value, list) or not value:
        raise bad_request("At least one build parent key must be provided.", "buildParentKeys")
    if len(value) > MAX_BUILD_PARENT_KEYS:
        raise bad_request(f"At most {MAX_BUILD_PARENT_KEYS} build parent keys may be provided.", "buildParentKeys")
    keys = []
    for key in value:
        if not isinstance(key, str) or not key.strip():
            raise bad_request("Build parent keys must be non-blank strings.", "buildParentKeys")
        if key not in keys:
            keys.append(key)
    return keys


def _parse(ctx):
    body = ctx.json_object()
    keys = _build_parent_keys(body.get("buildParentKeys"))
    ref_matcher = parse_matcher(body.get("refMatcher"), "refMatcher", allow_any_ref=True)
    exempt = body.get("exemptRefMatcher")
    exempt_matcher = parse_matcher(exempt, "exemptRefMatcher", allow_any_ref=True) if exempt is not None else None
    return keys, ref_matcher, exempt_matcher


def _find(ctx, repo, condition_id):
    condition = ctx.state.required_builds.get(int(condition_id)) if str(condition_id).isdigit() else None
    if condition is None or condition.repo_id != repo.id:
        return None
    return condition


def list_conditions(ctx, project_key, repository_slug):
    _project, repo = _repository(ctx, project_key, repository_slug, "REPO_READ")
    items = sorted((c for c in ctx.state.required_builds.values() if c.repo_id == repo.id), key=lambda c: c.id)
    return 200, ctx.page(items, condition_to_rest)


def create_condition(ctx, project_key, repository_slug):
    project, repo = _repository(ctx, project_key, repository_slug, "REPO_ADMIN")
    keys, ref_matcher, exempt_matcher = _parse(ctx)
    condition = RequiredBuildCondition(
        id=ctx.state.new_required_build_id(), project_id=project.id, repo_id=repo.id,
        build_parent_keys=keys, ref_matcher=ref_matcher, exempt_ref_matcher=exempt_matcher,
    )
    ctx.state.required_builds[condition.id] = condition
    return 200, condition_to_rest(condition)


def update_condition(ctx, project_key, repository_slug, **path):
    _project, repo = _repository(ctx, project_key, repository_slug, "REPO_ADMIN")
    condition = _find(ctx, repo, path["id"])
    if condition is None:
        raise ApiError(404, f"No required builds merge check exists with id {path['id']} in this repository.", NO_SUCH_ENTITY_EXCEPTION)
    condition.build_parent_keys, condition.ref_matcher, condition.exempt_ref_matcher = _parse(ctx)
    return 200, condition_to_rest(condition)


def delete_condition(ctx, project_key, repository_slug, **path):
    _project, repo = _repository(ctx, project_key, repository_slug, "REPO_ADMIN")
    condition = _find(ctx, repo, path["id"])
    if condition is not None:
        del ctx.state.required_builds[condition.id]
    return empty(204)


_REPO = "/required-builds/latest/projects/{projectKey}/repos/{repositorySlug}"

ROUTES = [
    Route("GET", _REPO + "/conditions", list_conditions),
    Route("POST", _REPO + "/condition", create_condition),
    Route("PUT", _REPO + "/condition/{id}", update_condition),
    Route("DELETE", _REPO + "/condition/{id}", delete_condition),
]
