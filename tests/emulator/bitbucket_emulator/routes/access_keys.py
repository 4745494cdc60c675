"""Project and repository SSH access keys (API-MAP 3.8, seeds 000/001)::

    {scope}/ssh                                GET (page), POST (201)
    {scope}/ssh/{keyId}                        GET, DELETE (204, also when nothing matched)
    {scope}/ssh/{keyId}/permission/{perm}      PUT (200, the key id stays)
    /keys/latest/ssh/{keyId}                   DELETE with {"projects": RestProject, "repositories": RestRepository}
    /keys/latest/ssh/{keyId}/projects|repos    GET: every project or repository the key gives access to

where ``{scope}`` is ``/keys/latest/projects/{projectKey}`` or ``.../repos/{repositorySlug}``. Managing the
access keys of a scope needs PROJECT_ADMIN or REPO_ADMIN there (spec: 401 "insufficient permissions").
"""

from __future__ import annotations

from ..errors import ApiError, bad_request, not_permitted
from ..permissions import project_rank, repo_rank, require_project, require_repo
from ..sshkeys import PROJECT_KEY_PERMISSIONS, REPO_KEY_PERMISSIONS
from ..state import PROJECT_PERMISSIONS, REPO_PERMISSIONS, rank
from ..web import Route, empty
from .common import load_project, load_repository
from .ssh_keys import key_conflict, validate_new_key

NO_SUCH_ACCESS_KEY_EXCEPTION = "com.atlassian.bitbucket.ssh.NoSuchAccessKeyException"
ADMIN = 3  # PROJECT_ADMIN / REPO_ADMIN rank


class Scope:
    """A project or a repository that access keys are granted to."""

    def __init__(self, project, repo=None):
        self.project = project
        self.repo = repo

    @property
    def kind(self):
        return "repository" if self.repo is not None else "project"

    @property
    def scope_id(self):
        return self.repo.id if self.repo is not None else self.project.id

    @property
    def permissions(self):
        return REPO_KEY_PERMISSIONS if self.repo is not None else PROJECT_KEY_PERMISSIONS

    def label(self):
        return f"repository {self.project.key}/{self.repo.slug}" if self.repo is not None else f"project {self.project.key}"


def repository_to_rest(ctx, project, repo):
    """RestRepository (spec schema) from the repository record kept in the state."""
    return {
        "slug": repo.slug,
        "id": repo.id,
        "name": repo.name,
        "scmId": "git",
        "state": "AVAILABLE",
        "statusMessage": "Available",
        "forkable": True,
        "project": project.to_rest(ctx.base_url),
        "public": repo.public,
        "archived": False,
    }


def access_key_to_rest(ctx, key, scope, permission):
    """RestSshAccessKey (spec schema, seed 001 example): the key, its permission, and the project or repository."""
    body = {"key": key.to_rest(), "permission": permission, "project": scope.project.to_rest(ctx.base_url)}
    if scope.repo is not None:
        body["repository"] = repository_to_rest(ctx, scope.project, scope.repo)
    return body


def _scope(ctx, project_key, repository_slug=None, check=True):
    state = ctx.state
    state.ssh.prune(state)
    project = load_project(state, project_key)
    if repository_slug is None:
        if check:
            require_project(state, ctx.principal, project, "PROJECT_ADMIN")
        return Scope(project)
    repo = load_repository(state, project, repository_slug)
    if check:
        require_repo(state, ctx.principal, project, repo, "REPO_ADMIN")
    return Scope(project, repo)


def _permission(scope, value, context="permission"):
    # API-MAP 3.8: project keys take PROJECT_READ|PROJECT_WRITE, repository keys REPO_READ|REPO_WRITE.
    if value not in scope.permissions:
        raise bad_request(f"'{value}' is not a valid permission for an access key of a {scope.kind}. "
                          f"Valid values: {', '.join(scope.permissions)}.", context)
    return value


def _level(permission):
    """PROJECT_X implies REPO_X (permissions.py): one scale for comparing project and repository keys."""
    return max(rank(permission, PROJECT_PERMISSIONS), rank(permission, REPO_PERMISSIONS))


def _entries(ctx, scope, effective=False):
    """(key, scope, permission) of the scope's keys, by key id; with ``effective``, the project's keys of a repository too."""
    ssh = ctx.state.ssh
    found = []
    for key in sorted(ssh.keys.values(), key=lambda k: k.id):
        grants = ssh.grants_of(key)
        if (scope.kind, scope.scope_id) in grants:
            found.append((key, scope, grants[(scope.kind, scope.scope_id)]))
        elif effective and ("project", scope.project.id) in grants:
            # spec getForRepository_1 `effective`: "all keys that have access to the repository (including project level keys)".
            found.append((key, Scope(scope.project), grants[("project", scope.project.id)]))
    return found


def _load_entry(ctx, scope, key_id):
    key = ctx.state.ssh.get(key_id)
    permission = ctx.state.ssh.grants_of(key).get((scope.kind, scope.scope_id)) if key is not None else None
    if permission is None:
        # API-MAP 3.8: 404 also when the key exists but has no access here.
        raise ApiError(404, f"No access key with id {key_id} exists for {scope.label()}.", NO_SUCH_ACCESS_KEY_EXCEPTION)
    return key, permission


def _label_filter(ctx, entries):
    # spec getSshKeysForProject `filter`: "only SSH access keys with a label prefixed with the supplied string".
    prefix = ctx.query("filter")
    if not prefix:
        return entries
    return [entry for entry in entries if (entry[0].label or "").lower().startswith(prefix.lower())]


def _minimum(ctx, *names):
    value = next((ctx.query(name) for name in names if ctx.query(name)), None)
    if value is None:
        return 0
    level = _level(value)
    if level == 0:
        raise bad_request(f"'{value}' is not a valid permission.", names[0])
    return level


# -- handlers ---------------------------------------------------------------------------------------

def list_project_keys(ctx, project_key):
    scope = _scope(ctx, project_key)
    minimum = _minimum(ctx, "permission")  # spec: "at least the supplied permission", default PROJECT_READ
    entries = [entry for entry in _label_filter(ctx, _entries(ctx, scope)) if _level(entry[2]) >= minimum]
    return 200, ctx.page(entries, lambda entry: access_key_to_rest(ctx, *entry))


def list_repository_keys(ctx, project_key, repository_slug):
    scope = _scope(ctx, project_key, repository_slug)
    effective = ctx.query_bool("effective", False)  # spec getForRepository_1: "Default is false"
    minimum = _minimum(ctx, "minimumPermission", "permission")
    entries = [entry for entry in _label_filter(ctx, _entries(ctx, scope, effective)) if _level(entry[2]) >= minimum]
    return 200, ctx.page(entries, lambda entry: access_key_to_rest(ctx, *entry))


def add_key(ctx, project_key, repository_slug=None):
    state = ctx.state
    scope = _scope(ctx, project_key, repository_slug)
    if not state.ssh.settings.access_keys_enabled:
        # API-MAP 3.8 (VERIFY): with the global switch off (GET /ssh/latest/settings accessKeysEnabled), a create fails.
        raise bad_request("SSH access keys are disabled on this instance.", "key")
    body = ctx.json_object()
    # seed 001 addForProject: the project/repository objects of the body are ignored, the URL decides.
    key_body = body.get("key")
    if not isinstance(key_body, dict):
        raise bad_request("The access key must hold a key object with the key's text, and a permission.", "key")
    permission = _permission(scope, body.get("permission"))
    parsed, label, expiry_days = validate_new_key(ctx, key_body, "key.")
    key = state.ssh.find(parsed.fingerprint)
    if key is None:
        key = state.ssh.add(parsed, label, expiry_days, state.now_ms())
    elif not state.ssh.is_access_key(key) or (scope.kind, scope.scope_id) in state.ssh.grants_of(key):
        # Brief: one key per system. An access key granted elsewhere is shared (one id); a user key, or a key
        # this scope already has, is a conflict (API-MAP 3.8: "400/409 - VERIFY").
        raise key_conflict()
    state.ssh.grant(key, scope.kind, scope.scope_id, permission)
    return 201, access_key_to_rest(ctx, key, scope, permission)


def get_key(ctx, project_key, key_id, repository_slug=None):
    scope = _scope(ctx, project_key, repository_slug)
    key, permission = _load_entry(ctx, scope, key_id)
    return 200, access_key_to_rest(ctx, key, scope, permission)


def revoke_key(ctx, project_key, key_id, repository_slug=None):
    # seed 001 revokeForProject: "only the access to the project identified in the URL will be revoked";
    # 204 "(or none was found matching the given id)".
    scope = _scope(ctx, project_key, repository_slug)
    key = ctx.state.ssh.get(key_id)
    if key is not None and ctx.state.ssh.is_access_key(key):
        ctx.state.ssh.revoke(key, scope.kind, scope.scope_id)
    return empty(204)


def update_permission(ctx, project_key, key_id, permission, repository_slug=None):
    # Changes the grant in place: the key id stays, so branch-restriction exemptions naming it keep working.
    scope = _scope(ctx, project_key, repository_slug)
    key, _old = _load_entry(ctx, scope, key_id)
    ctx.state.ssh.grant(key, scope.kind, scope.scope_id, _permission(scope, permission))
    return 200, access_key_to_rest(ctx, key, scope, permission)


def _access_key(ctx, key_id):
    ctx.state.ssh.prune(ctx.state)
    key = ctx.state.ssh.get(key_id)
    if key is None or not ctx.state.ssh.is_access_key(key):
        raise ApiError(404, f"No access key with id {key_id} exists.", NO_SUCH_ACCESS_KEY_EXCEPTION)  # spec getForProjects 404
    return key


def _grant_scopes(ctx, key, kind):
    state = ctx.state
    scopes = []
    for (grant_kind, scope_id), permission in sorted(state.ssh.grants_of(key).items(), key=lambda item: item[0][1]):
        if grant_kind != kind:
            continue
        if kind == "project":
            scopes.append((Scope(state.projects[scope_id]), permission))
        else:
            project, repo = state.find_repository_by_id(scope_id)
            scopes.append((Scope(project, repo), permission))
    return scopes


def key_projects(ctx, key_id):
    # seed 001 / spec getForProjects: "If the current user is not an admin [of] any of the projects the key
    # provides access to, none are returned." The answer's schema is undeclared (API-MAP 1.5): a standard page.
    key = _access_key(ctx, key_id)
    entries = [(key, scope, permission) for scope, permission in _grant_scopes(ctx, key, "project")
               if project_rank(ctx.state, ctx.principal, scope.project) >= ADMIN]
    return 200, ctx.page(entries, lambda entry: access_key_to_rest(ctx, *entry))


def key_repositories(ctx, key_id):
    key = _access_key(ctx, key_id)
    with_restrictions = ctx.query_bool("withRestrictions", False)
    entries = [(key, scope, permission) for scope, permission in _grant_scopes(ctx, key, "repository")
               if repo_rank(ctx.state, ctx.principal, scope.project, scope.repo) >= ADMIN]

    def render(entry):
        body = access_key_to_rest(ctx, *entry)
        if with_restrictions:
            # spec getForRepositories `withRestrictions`: readOnly is true under a settings restriction the caller
            # cannot override; this emulator models no settings restrictions.
            body["readOnly"] = False
        return body

    return 200, ctx.page(entries, render)


def _named_scopes(ctx, body):
    """The scopes named by a revokeMany body (spec: single RestProject / RestRepository objects; API-MAP 3.8 VERIFY)."""
    state = ctx.state
    scopes = []
    project = body.get("projects")
    if project is not None:
        if not isinstance(project, dict) or not isinstance(project.get("key"), str):
            raise bad_request("projects must be a project object with a key.", "projects")
        scopes.append(Scope(load_project(state, project["key"])))
    repository = body.get("repositories")
    if repository is not None:
        owner = repository.get("project") if isinstance(repository, dict) else None
        if not isinstance(owner, dict) or not isinstance(owner.get("key"), str) or not isinstance(repository.get("slug"), str):
            raise bad_request("repositories must be a repository object with a slug and a project key.", "repositories")
        owner_project = load_project(state, owner["key"])
        scopes.append(Scope(owner_project, load_repository(state, owner_project, repository["slug"])))
    return scopes


def revoke_many(ctx, key_id):
    # seed 001 revokeMany: revokes the key from the projects and repositories of the body only; 204 also when none matched.
    key = _access_key(ctx, key_id)
    scopes = _named_scopes(ctx, ctx.json_object())
    for scope in scopes:
        allowed = (repo_rank(ctx.state, ctx.principal, scope.project, scope.repo) if scope.repo is not None
                   else project_rank(ctx.state, ctx.principal, scope.project))
        if allowed < ADMIN:
            raise not_permitted(f"You are not permitted to revoke access keys of {scope.label()}.")
    for scope in scopes:
        ctx.state.ssh.revoke(key, scope.kind, scope.scope_id)
    return empty(204)


_PROJECT = "/keys/latest/projects/{projectKey}/ssh"
_REPO = "/keys/latest/projects/{projectKey}/repos/{repositorySlug}/ssh"

ROUTES = [
    Route("GET", _PROJECT, list_project_keys),
    Route("POST", _PROJECT, add_key),
    Route("GET", _PROJECT + "/{keyId}", get_key),
    Route("DELETE", _PROJECT + "/{keyId}", revoke_key),
    Route("PUT", _PROJECT + "/{keyId}/permission/{permission}", update_permission),
    Route("GET", _REPO, list_repository_keys),
    Route("POST", _REPO, add_key),
    Route("GET", _REPO + "/{keyId}", get_key),
    Route("DELETE", _REPO + "/{keyId}", revoke_key),
    Route("PUT", _REPO + "/{keyId}/permission/{permission}", update_permission),
    Route("DELETE", "/keys/latest/ssh/{keyId}", revoke_many),
    Route("GET", "/keys/latest/ssh/{keyId}/projects", key_projects),
    Route("GET", "/keys/latest/ssh/{keyId}/repos", key_repositories),
]
