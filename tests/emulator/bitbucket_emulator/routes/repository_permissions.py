"""Repository permissions (spec-only, API-MAP 3.3 "Repository variant").

The user and group grants are the shared implementation in ``grants.py``. The repository's own parts:

* Every operation needs REPO_ADMIN on the repository "or a higher project or global permission"
  (spec getUsersWithAnyPermission_2 and siblings).
* spec revokePermissionsForUser_2: "a user may not revoke their own repository permissions if they do
  not have a higher project or global permission": the effective repository rank counts the project
  permission (PROJECT_X implies REPO_X) and global ADMIN.
* ``GET .../permissions/groups/none`` answers 200 here (API-MAP 3.3), not 202 as for projects.
* There is no default ("all licensed users") permission; the repository's ``public`` flag plays that part.
"""

from __future__ import annotations

from ..permissions import require_repo, user_repo_rank
from ..state import REPO_PERMISSIONS
from .common import load_project, load_repository
from .grants import GrantTarget, grant_routes


class _RepositoryGrants:
    """A repository's grants with the project it belongs to, as the effective rank needs both."""

    def __init__(self, project, repo):
        self.project = project
        self.repo = repo

    @property
    def user_grants(self):
        return self.repo.user_grants

    @user_grants.setter
    def user_grants(self, value):
        self.repo.user_grants = value

    @property
    def group_grants(self):
        return self.repo.group_grants

    @group_grants.setter
    def group_grants(self, value):
        self.repo.group_grants = value


def _admin_repository(ctx, project_key, repository_slug):
    project = load_project(ctx.state, project_key)
    repo = load_repository(ctx.state, project, repository_slug)
    require_repo(ctx.state, ctx.principal, project, repo, "REPO_ADMIN")
    return _RepositoryGrants(project, repo)


def _effective_rank(state, user, holder):
    return user_repo_rank(state, user, holder.project, holder.repo)


REPOSITORY = GrantTarget(kind="repository", levels=REPO_PERMISSIONS, load=_admin_repository, effective_rank=_effective_rank)

ROUTES = grant_routes(REPOSITORY, "/api/latest/projects/{projectKey}/repos/{repositorySlug}/permissions")
