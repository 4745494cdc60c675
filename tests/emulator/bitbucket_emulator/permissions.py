"""Who may do what: the caller (``Principal``) and their effective permissions.

The model (brief; spec descriptions of each operation):

* Global permissions LICENSED_USER < PROJECT_CREATE < ADMIN < SYS_ADMIN, granted to users and to
  groups; a user holds the highest of their own grant and their groups' grants.
* Project permissions PROJECT_READ < PROJECT_WRITE < PROJECT_ADMIN, granted per project to users,
  to groups and to "all licensed users" (the project default permission, API-MAP 3.3); a public
  project is readable by everyone; ADMIN and SYS_ADMIN imply PROJECT_ADMIN on every project.
* Repository permissions REPO_READ < REPO_WRITE < REPO_ADMIN; PROJECT_X implies REPO_X on the
  project's repositories.
* HTTP access tokens (API-MAP 1.2, 3.5): a token acts with the intersection of its declared
  permissions and its owner's rights. User tokens act as their user, capped; project tokens act
  only on their project; repository tokens only on their repository (and may see its project).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import not_permitted
from .state import GLOBAL_PERMISSIONS, PROJECT_PERMISSIONS, REPO_PERMISSIONS, rank

ADMIN_RANK = rank("ADMIN", GLOBAL_PERMISSIONS)
LICENSED_RANK = rank("LICENSED_USER", GLOBAL_PERMISSIONS)
PROJECT_ADMIN_RANK = rank("PROJECT_ADMIN", PROJECT_PERMISSIONS)
READ_RANK = 1  # PROJECT_READ / REPO_READ


@dataclass
class Principal:
    """The authenticated caller. For project/repository tokens ``user`` is the token's service user."""

    user: object
    token: object = None
    scheme: str = "basic"

    @property
    def label(self):
        """Request-log label: ``basic:<user>`` or ``bearer:<tokenId>``."""
        if self.scheme == "bearer":
            return f"bearer:{self.token.id}"
        return f"basic:{self.user.name}"


# -- plain users ---------------------------------------------------------------

def user_global_rank(state, user):
    """Highest global permission of a user: their own grant or any of their groups' grants."""
    best = rank(user.global_permission, GLOBAL_PERMISSIONS)
    for key in user.groups:
        group = state.groups.get(key)
        if group is not None:
            best = max(best, rank(group.global_permission, GLOBAL_PERMISSIONS))
    return best


def user_project_rank(state, user, project):
    """Effective project permission of a user, from every source (spec: 'direct and implied permissions')."""
    global_rank = user_global_rank(state, user)
    if global_rank >= ADMIN_RANK:
        return PROJECT_ADMIN_RANK  # brief: ADMIN/SYS_ADMIN imply PROJECT_ADMIN everywhere
    if global_rank < LICENSED_RANK:
        return 0  # unlicensed accounts cannot use Bitbucket at all
    best = rank(project.user_grants.get(user.id), PROJECT_PERMISSIONS)
    for key in user.groups:
        best = max(best, rank(project.group_grants.get(key), PROJECT_PERMISSIONS))
    best = max(best, rank(project.default_permission, PROJECT_PERMISSIONS))  # API-MAP 3.3: all licensed users
    if project.public:
        best = max(best, READ_RANK)
    return best


def user_repo_rank(state, user, project, repo):
    best = user_project_rank(state, user, project)  # PROJECT_X implies REPO_X
    if user_global_rank(state, user) < LICENSED_RANK:
        return best
    best = max(best, rank(repo.user_grants.get(user.id), REPO_PERMISSIONS))
    for key in user.groups:
        best = max(best, rank(repo.group_grants.get(key), REPO_PERMISSIONS))
    if repo.public:
        best = max(best, READ_RANK)
    return best


# -- token caps ----------------------------------------------------------------

def token_project_cap(token):
    """Highest project level a token's declared permissions allow.

    API-MAP 3.5 / brief: PROJECT_ADMIN implies all PROJECT_*; REPO_* permissions imply nothing at
    project level except being able to see the project (read).
    """
    best = max((rank(p, PROJECT_PERMISSIONS) for p in token.permissions), default=0)
    if best == 0 and any(p in REPO_PERMISSIONS for p in token.permissions):
        best = READ_RANK
    return best


def token_repo_cap(token):
    """Highest repository level a token allows: its REPO_* permission, or the REPO_X its PROJECT_X implies."""
    repo = max((rank(p, REPO_PERMISSIONS) for p in token.permissions), default=0)
    project = max((rank(p, PROJECT_PERMISSIONS) for p in token.permissions), default=0)
    return max(repo, project)


# -- principals ----------------------------------------------------------------

def global_rank(state, principal):
    """Effective global permission of the caller.

    Choice (the docs are silent): a user token carries its owner's global permissions only when it
    holds PROJECT_ADMIN (an "admin" token); otherwise it is a plain licensed user. Project and
    repository tokens have no global permission at all.
    """
    token = principal.token
    if token is None:
        return user_global_rank(state, principal.user)
    if token.owner_kind != "user":
        return 0
    owner_rank = user_global_rank(state, principal.user)
    if "PROJECT_ADMIN" in token.permissions:
        return owner_rank
    return min(owner_rank, LICENSED_RANK)


def project_rank(state, principal, project):
    token = principal.token
    if token is None:
        return user_project_rank(state, principal.user, project)
    if token.owner_kind == "user":
        return min(user_project_rank(state, principal.user, project), token_project_cap(token))
    if token.project_id != project.id:
        return 0  # brief: project and repository tokens act only on their own project
    if token.owner_kind == "project":
        return token_project_cap(token)
    return READ_RANK  # a repository token may see the project that holds its repository


def repo_rank(state, principal, project, repo):
    token = principal.token
    if token is None:
        return user_repo_rank(state, principal.user, project, repo)
    if token.owner_kind == "user":
        return min(user_repo_rank(state, principal.user, project, repo), token_repo_cap(token))
    if token.owner_kind == "project":
        return token_repo_cap(token) if token.project_id == project.id else 0
    return token_repo_cap(token) if token.repo_id == repo.id else 0


# -- guards used by handlers ---------------------------------------------------

def require_global(state, principal, permission):
    if global_rank(state, principal) < rank(permission, GLOBAL_PERMISSIONS):
        raise not_permitted(f"You are not permitted to access this resource; {permission} permission is required.")


def require_project(state, principal, project, permission):
    if project_rank(state, principal, project) < rank(permission, PROJECT_PERMISSIONS):
        raise not_permitted(f"You are not permitted to access this resource; {permission} permission for project {project.key} is required.")


def require_repo(state, principal, project, repo, permission):
    if repo_rank(state, principal, project, repo) < rank(permission, REPO_PERMISSIONS):
        raise not_permitted(
            f"You are not permitted to access this resource; {permission} permission for repository {project.key}/{repo.slug} is required."
        )
