"""Branch permissions ("ref restrictions") of a project or a repository (API-MAP 3.4; seed 004 for the project
level; spec getRestrictions[_1], createRestrictions[_1], getRestriction[_1], deleteRestriction[_1]).

What is modelled, and from where:

* There is no update: a restriction is created and deleted (API-MAP 3.4 "There is no PUT"). Creating one
  with the identity of an existing one makes a second restriction (spec: "Create a restriction"); the
  module deletes the old one afterwards.
* POST takes one ``RestRestrictionRequest`` as ``application/json`` (seed 004) and answers that restriction;
  or an array of them as ``application/vnd.atl.bitbucket.bulk+json`` (the only form in the 9.4 spec), whose
  answer is declared as one ``RestRefRestriction``: the first of those created (API-MAP section 7 row 3).
* The restriction types are the four of seed 004, and ``no-creates`` from Bitbucket 9.4 (the 9.4 spec enum;
  API-MAP section 7 row 4): an emulator claiming an older version answers 400 for it.
* Matchers as ``ref_matchers.py`` says; ANY_REF is refused.
* Exempt users (``userSlugs`` or ``users``) and groups (``groupNames`` or ``groups``) must exist (API-MAP 3.4:
  "Users/groups referenced must exist (400 otherwise)"); exempt access keys (``accessKeyIds`` or
  ``accessKeys``) are kept as given (access keys are modelled with the keys API).
* A repository's list also shows the restrictions of its project, with ``scope.type`` PROJECT (API-MAP 3.4:
  "A repository-level GET may include restrictions inherited from the project"); they cannot be read or
  deleted by id through the repository.
* ``matcherId`` requires ``matcherType`` (spec getRestrictions: "Requires the matcherType parameter").
* PROJECT_ADMIN for the project level, REPO_ADMIN for the repository level (seed 004; spec).
"""

from __future__ import annotations

from ..errors import ApiError, NO_SUCH_ENTITY_EXCEPTION, bad_request
from ..permissions import require_project, require_repo
from ..web import Route, empty
from .common import load_project, load_repository
from .ref_matchers import matcher_to_rest, parse_matcher

BULK_MEDIA_TYPE = "application/vnd.atl.bitbucket.bulk+json"
TYPES = ("read-only", "no-deletes", "fast-forward-only", "pull-request-only")
NO_CREATES = "no-creates"
NO_CREATES_SINCE = (9, 4)
MATCHER_TYPES = ("BRANCH", "PATTERN", "MODEL_CATEGORY", "MODEL_BRANCH")


def _types(ctx):
    return TYPES + ((NO_CREATES,) if ctx.app.version_at_least(*NO_CREATES_SINCE) else ())


def _scope(ctx, project_key, repository_slug=None):
    state = ctx.state
    project = load_project(state, project_key)
    if repository_slug is None:
        require_project(state, ctx.principal, project, "PROJECT_ADMIN")
        return project, None
    repo = load_repository(state, project, repository_slug)
    require_repo(state, ctx.principal, project, repo, "REPO_ADMIN")
    return project, repo


def _visible(ctx, project, repo):
    """The scope's restrictions: a repository's own, after its project's (inherited)."""
    items = [r for r in ctx.state.restrictions.values() if r.project_id == project.id and r.repo_id is None]
    if repo is not None:
        items += [r for r in ctx.state.restrictions.values() if r.repo_id == repo.id]
    return sorted(items, key=lambda r: (r.repo_id is not None, r.id))


def restriction_to_rest(ctx, restriction):
    state = ctx.state
    users = [state.users[uid].to_rest() for uid in restriction.user_ids if uid in state.users]
    scope = {"type": "REPOSITORY", "resourceId": restriction.repo_id} if restriction.repo_id is not None else \
        {"type": "PROJECT", "resourceId": restriction.project_id}
    matcher = {"type": restriction.matcher_type, "id": restriction.matcher_id, "displayId": restriction.matcher_display_id}
    return {
        "id": restriction.id,
        "type": restriction.type,
        "matcher": matcher_to_rest(matcher),
        "users": users,
        "groups": list(restriction.groups),
        "accessKeys": [{"key": {"id": key_id}} for key_id in restriction.access_key_ids],
        "scope": scope,
    }


def _string_list(body, field):
    value = body.get(field)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise bad_request(f"{field} must be a list of names.", field)
    return list(value)


def _exempt_users(ctx, body):
    names = _string_list(body, "userSlugs")
    users = body.get("users") or []
    if not isinstance(users, list):
        raise bad_request("users must be a list of users.", "users")
    for user in users:
        # API-MAP 3.4: RestApplicationUser objects, or plain strings from older clients.
        name = user if isinstance(user, str) else (user.get("slug") or user.get("name")) if isinstance(user, dict) else None
        if not name:
            raise bad_request("Every exempt user needs a slug or a name.", "users")
        names.append(name)
    ids = []
    for name in names:
        user = ctx.state.find_user_by_slug(name) or ctx.state.find_user(name)
        if user is None:
            raise bad_request(f"User '{name}' does not exist.", "userSlugs")
        if user.id not in ids:
            ids.append(user.id)
    return ids


def _exempt_groups(ctx, body):
    names = []
    for name in _string_list(body, "groupNames") + _string_list(body, "groups"):
        group = ctx.state.find_group(name)
        if group is None:
            raise bad_request(f"Group '{name}' does not exist.", "groupNames")
        if group.name not in names:
            names.append(group.name)
    return names


def _exempt_keys(body):
    ids = []
    key_ids = list(body.get("accessKeyIds") or [])
    keys = body.get("accessKeys") or []
    if not isinstance(key_ids, list) or not all(isinstance(item, int) and not isinstance(item, bool) for item in key_ids):
        raise bad_request("accessKeyIds must be a list of access key ids.", "accessKeyIds")
    if not isinstance(keys, list):
        raise bad_request("accessKeys must be a list of access keys.", "accessKeys")
    for key in keys:
        key_id = key.get("key", {}).get("id") if isinstance(key, dict) and isinstance(key.get("key"), dict) else None
        if not isinstance(key_id, int) or isinstance(key_id, bool):
            raise bad_request("Every access key in accessKeys needs key.id.", "accessKeys")
        key_ids.append(key_id)
    for key_id in key_ids:
        if key_id not in ids:
            ids.append(key_id)
    return ids


def _parse_request(ctx, body):
    if not isinstance(body, dict):
        raise bad_request("Each restriction must be a JSON object.")
    kind = body.get("type")
    allowed = _types(ctx)
    if kind not in allowed:
        raise bad_request(f"type must be one of {', '.join(allowed)}.", "type")
    matcher = parse_matcher(body.get("matcher"), "matcher", allow_any_ref=False)
    return kind, matcher, _exempt_users(ctx, body), _exempt_groups(ctx, body), _exempt_keys(body)


def list_restrictions(ctx, project_key, repository_slug=None):
    project, repo = _scope(ctx, project_key, repository_slug)
    matcher_type = ctx.query("matcherType")
    matcher_id = ctx.query("matcherId")
    kind = ctx.query("type")
    if matcher_type is not None and matcher_type not in MATCHER_TYPES:
        raise bad_request(f"matcherType must be one of {', '.join(MATCHER_TYPES)}.", "matcherType")
    if matcher_id is not None and matcher_type is None:
        raise bad_request("matcherId requires matcherType.", "matcherId")
    if kind is not None and kind not in _types(ctx):
        raise bad_request(f"type must be one of {', '.join(_types(ctx))}.", "type")
    items = [
        r for r in _visible(ctx, project, repo)
        if (matcher_type is None or r.matcher_type == matcher_type)
        and (matcher_id is None or r.matcher_id == matcher_id)
        and (kind is None or r.type == kind)
    ]
    return 200, ctx.page(items, lambda r: restriction_to_rest(ctx, r))


def create_restrictions(ctx, project_key, repository_slug=None):
    project, repo = _scope(ctx, project_key, repository_slug)
    bulk = (ctx.request.mimetype or "") == BULK_MEDIA_TYPE
    body = ctx.json_body()
    if bulk and not isinstance(body, list):
        raise bad_request(f"A {BULK_MEDIA_TYPE} request takes a JSON array of restrictions.")
    if not bulk and not isinstance(body, dict):
        raise bad_request(f"An application/json request takes one restriction; send an array as {BULK_MEDIA_TYPE}.")
    requests = body if bulk else [body]
    if not requests:
        raise bad_request("At least one restriction must be given.")
    parsed = [_parse_request(ctx, item) for item in requests]  # all validated before any is created
    created = []
    for kind, matcher, user_ids, groups, key_ids in parsed:
        restriction = ctx.state.add_restriction(
            project, repo, kind, matcher["type"], matcher["id"], matcher["displayId"], user_ids, groups, key_ids,
        )
        created.append(restriction)
    return 200, restriction_to_rest(ctx, created[0])


def _own(ctx, project, repo, restriction_id):
    restriction = ctx.state.restrictions.get(int(restriction_id)) if str(restriction_id).isdigit() else None
    if restriction is None or restriction.project_id != project.id or restriction.repo_id != (repo.id if repo else None):
        raise ApiError(404, f"No restriction exists with id {restriction_id} here.", NO_SUCH_ENTITY_EXCEPTION)
    return restriction


def get_restriction(ctx, project_key, repository_slug=None, **path):
    project, repo = _scope(ctx, project_key, repository_slug)
    return 200, restriction_to_rest(ctx, _own(ctx, project, repo, path["id"]))


def delete_restriction(ctx, project_key, repository_slug=None, **path):
    project, repo = _scope(ctx, project_key, repository_slug)
    restriction = _own(ctx, project, repo, path["id"])
    del ctx.state.restrictions[restriction.id]
    return empty(204)


_PROJECT = "/branch-permissions/latest/projects/{projectKey}/restrictions"
_REPO = "/branch-permissions/latest/projects/{projectKey}/repos/{repositorySlug}/restrictions"

ROUTES = []
for _base in (_PROJECT, _REPO):
    ROUTES += [
        Route("GET", _base, list_restrictions),
        Route("POST", _base, create_restrictions),
        Route("GET", _base + "/{id}", get_restriction),
        Route("DELETE", _base + "/{id}", delete_restriction),
    ]
