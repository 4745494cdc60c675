"""The router table: every (method, path template) the emulator answers, one module per area."""

from __future__ import annotations

from . import access_tokens, global_permissions, groups, project_permissions, projects, repository_permissions, system, users
from . import branch_restrictions, default_reviewers, repositories, webhooks

ROUTES = (
    system.ROUTES
    + users.ROUTES
    + groups.ROUTES
    + global_permissions.ROUTES
    + projects.ROUTES
    + project_permissions.ROUTES
    + repository_permissions.ROUTES
    + access_tokens.ROUTES
    + repositories.ROUTES
    + branch_restrictions.ROUTES
    + default_reviewers.ROUTES
    + webhooks.ROUTES
)
