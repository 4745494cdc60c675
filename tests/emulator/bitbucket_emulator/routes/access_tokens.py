"""HTTP access tokens (API-MAP 3.5, seeds 000/001/002).

Three owner scopes share one implementation::

    /access-tokens/latest/users/{userSlug}
    /access-tokens/latest/projects/{projectKey}
    /access-tokens/latest/projects/{projectKey}/repos/{repositorySlug}

Create is a PUT on the collection (200, RestRawAccessToken with the raw secret, the only time it is
shown); update is a POST on the item; GET lists (standard page) and reads; DELETE answers 204.
Writes refuse token authentication (API-MAP 1.2), declared on the routes below.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

from ..errors import NO_SUCH_ENTITY_EXCEPTION, ApiError, bad_request, no_such_user, not_permitted
from ..permissions import ADMIN_RANK, global_rank, require_project, require_repo
from ..state import PROJECT_PERMISSIONS, REPO_PERMISSIONS, AccessToken, hash_secret, rank
from ..web import Route, empty
from .common import load_project, load_repository
from .token_policy import check_token_expiry

TOKEN_PERMISSIONS = PROJECT_PERMISSIONS + REPO_PERMISSIONS
MAX_TOKENS_PER_OWNER = 100  # brief: the per-owner maximum behind the spec's "maximum number of tokens" 400
DAY_MS = 24 * 60 * 60 * 1000


@dataclass
class Owner:
    kind: str  # "user", "project" or "repository"
    user: object = None
    project: object = None
    repo: object = None

    def owns(self, token):
        if self.kind == "user":
            return token.owner_kind == "user" and token.user_id == self.user.id
        if self.kind == "project":
            return token.owner_kind == "project" and token.project_id == self.project.id
        return token.owner_kind == "repository" and token.repo_id == self.repo.id


def _resolve(ctx, user_slug=None, project_key=None, repository_slug=None):
    """Find the owner (404 when missing, spec) and check the caller may manage its tokens (401)."""
    state, principal = ctx.state, ctx.principal
    if user_slug is not None:
        user = state.find_user_by_slug(user_slug)
        if user is None:
            raise no_such_user(user_slug)
        # Users manage their own tokens; admins manage anyone's.
        if principal.user.id != user.id and global_rank(state, principal) < ADMIN_RANK:
            raise not_permitted(f"You are not permitted to manage the access tokens of {user.name}.")
        return Owner("user", user=user)
    project = load_project(state, project_key)
    if repository_slug is None:
        require_project(state, principal, project, "PROJECT_ADMIN")
        return Owner("project", project=project)
    repo = load_repository(state, project, repository_slug)
    require_repo(state, principal, project, repo, "REPO_ADMIN")
    return Owner("repository", project=project, repo=repo)


def _owned_tokens(ctx, owner):
    return sorted((t for t in ctx.state.tokens.values() if owner.owns(t)), key=lambda t: (t.created, t.id))


def _load_token(ctx, owner, token_id):
    token = ctx.state.tokens.get(token_id)
    if token is None or not owner.owns(token):
        raise ApiError(404, f"No access token with id {token_id} exists for this owner.", NO_SUCH_ENTITY_EXCEPTION)
    return token


def token_to_rest(state, token, raw_secret=None):
    """RestAccessToken as live servers send it (API-MAP 3.5 / §7 #10): dates are epoch-ms numbers,
    plus permissions, expiry, lastAuthenticated and the acting user. ``token`` only on create."""
    body = {"id": token.id, "createdDate": token.created, "name": token.name, "permissions": list(token.permissions)}
    if token.expiry_days is not None:
        body["expiryDays"] = token.expiry_days
        body["expiryDate"] = token.expiry_date
    if token.last_authenticated is not None:
        body["lastAuthenticated"] = token.last_authenticated
    user = state.users.get(token.user_id)
    if user is not None:
        body["user"] = user.to_rest()
    if raw_secret is not None:
        body["token"] = raw_secret
    return body


# -- validation -------------------------------------------------------------------------

def _validate_name(body, required):
    name = body.get("name")
    if name is None and not required:
        return None
    if not isinstance(name, str) or not name.strip():
        raise bad_request("The token name must be provided.", "name")  # spec: "does not contain a token name"
    if len(name) > 255:
        raise bad_request("The token name must be at most 255 characters.", "name")
    return name


def _validate_permissions(body, owner, required):
    permissions = body.get("permissions")
    if permissions is None and not required:
        return None
    # spec: 400 when "the request does not contain a list of permissions, or the list ... is empty" or
    # "one of the provided permission levels are unknown".
    if not isinstance(permissions, list) or not permissions:
        raise bad_request("The token must be given a non-empty list of permissions.", "permissions")
    for value in permissions:
        if value not in TOKEN_PERMISSIONS:
            raise bad_request(f"'{value}' is not a valid token permission. Valid values: {', '.join(TOKEN_PERMISSIONS)}.", "permissions")
    unique = sorted(set(permissions), key=TOKEN_PERMISSIONS.index)  # spec: uniqueItems
    project_level = max((rank(p, PROJECT_PERMISSIONS) for p in unique), default=0)
    repo_level = max((rank(p, REPO_PERMISSIONS) for p in unique), default=0)
    if owner.kind == "repository" and project_level:
        # API-MAP 3.5: repository tokens carry REPO_* permissions only.
        raise bad_request("Repository access tokens can only have repository permissions.", "permissions")
    if repo_level and repo_level < project_level:
        # API-MAP 3.5 (Atlassian rule): the repository permission must be at least the project permission.
        raise bad_request("The repository permission must be at least as high as the project permission.", "permissions")
    return unique


def _validate_expiry(body):
    days = body.get("expiryDays")
    if days is None:
        return None
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise bad_request("expiryDays must be a positive whole number of days.", "expiryDays")
    return days


# -- handlers ---------------------------------------------------------------------------

def list_tokens(ctx, **owner_args):
    owner = _resolve(ctx, **owner_args)
    return 200, ctx.page(_owned_tokens(ctx, owner), lambda token: token_to_rest(ctx.state, token))


def create_token(ctx, **owner_args):
    owner = _resolve(ctx, **owner_args)
    state = ctx.state
    body = ctx.json_object()
    name = _validate_name(body, required=True)
    permissions = _validate_permissions(body, owner, required=True)
    expiry_days = _validate_expiry(body)
    check_token_expiry(state, expiry_days)  # seed 002: the administrator's maximum expiry
    if len(_owned_tokens(ctx, owner)) >= MAX_TOKENS_PER_OWNER:
        raise bad_request(f"The maximum number of access tokens ({MAX_TOKENS_PER_OWNER}) has been reached.")
    token_id = state.new_token_id()
    # Shaped like the seed 001 example: base64 of "<id>:" followed by random bytes.
    raw_secret = base64.b64encode(token_id.encode("ascii") + b":" + secrets.token_bytes(20)).decode("ascii")
    now = state.now_ms()
    if owner.kind == "user":
        user_id = owner.user.id
    else:
        # API-MAP 3.5: project/repository tokens act through a generated service user (type SERVICE).
        service = state.add_user(f"{owner.kind}-token-{token_id}", name, None, None, user_type="SERVICE")
        user_id = service.id
    token = AccessToken(
        id=token_id,
        name=name,
        created=now,
        permissions=permissions,
        token_hash=hash_secret(raw_secret),
        owner_kind=owner.kind,
        user_id=user_id,
        project_id=owner.project.id if owner.project else None,
        repo_id=owner.repo.id if owner.repo else None,
        expiry_days=expiry_days,
        expiry_date=now + expiry_days * DAY_MS if expiry_days else None,
    )
    state.tokens[token_id] = token
    return 200, token_to_rest(state, token, raw_secret)  # API-MAP 3.5: 200, not 201


def get_token(ctx, token_id, **owner_args):
    owner = _resolve(ctx, **owner_args)
    return 200, token_to_rest(ctx.state, _load_token(ctx, owner, token_id))


def update_token(ctx, token_id, **owner_args):
    # spec updateAccessToken: "Any fields not specified will not be altered." expiryDays is ignored:
    # Atlassian says an expiry "can't be changed" once set, and the spec's only documented 400 for this
    # call is an unknown permission, so a client resending its create body must not fail.
    owner = _resolve(ctx, **owner_args)
    token = _load_token(ctx, owner, token_id)
    body = ctx.json_object()
    name = _validate_name(body, required=False)
    permissions = _validate_permissions(body, owner, required=False)
    if name is not None:
        token.name = name
        if token.owner_kind != "user":
            service = ctx.state.users.get(token.user_id)
            if service is not None:
                service.display_name = name
    if permissions is not None:
        token.permissions = permissions
    return 200, token_to_rest(ctx.state, token)


def delete_token(ctx, token_id, **owner_args):
    owner = _resolve(ctx, **owner_args)
    ctx.state.remove_token(_load_token(ctx, owner, token_id))
    return empty(204)


_USER = "/access-tokens/latest/users/{userSlug}"
_PROJECT = "/access-tokens/latest/projects/{projectKey}"
_REPO = "/access-tokens/latest/projects/{projectKey}/repos/{repositorySlug}"

ROUTES = []
for _base in (_USER, _PROJECT, _REPO):
    ROUTES += [
        Route("GET", _base, list_tokens),
        Route("PUT", _base, create_token, token_forbidden=True),
        Route("GET", _base + "/{tokenId}", get_token),
        Route("POST", _base + "/{tokenId}", update_token, token_forbidden=True),
        Route("DELETE", _base + "/{tokenId}", delete_token, token_forbidden=True),
    ]
