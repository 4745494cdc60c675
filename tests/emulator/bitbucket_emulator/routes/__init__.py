"""The router table: every (method, path template) the emulator answers, one module per area."""

from __future__ import annotations

from . import access_tokens, global_permissions, groups, project_permissions, projects, repository_permissions, system, users
from . import banner, default_branch, licenses, loggers, mail_server, rate_limits, repository_policies

ROUTES = (
    system.ROUTES
    + users.ROUTES
    + groups.ROUTES
    + global_permissions.ROUTES
    + projects.ROUTES
    + project_permissions.ROUTES
    + repository_permissions.ROUTES
    + access_tokens.ROUTES
    + banner.ROUTES
    + licenses.ROUTES
    + mail_server.ROUTES
    + rate_limits.ROUTES
    + default_branch.ROUTES
    + repository_policies.ROUTES
    + loggers.ROUTES
)
