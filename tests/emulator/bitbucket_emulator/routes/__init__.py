"""The router table: every (method, path template) the emulator answers, one module per area."""

from __future__ import annotations

from . import access_keys, access_tokens, banner, default_branch, global_permissions, groups, licenses, loggers, mail_server
from . import project_permissions, projects, rate_limits, repository_permissions, repository_policies, ssh_keys, system
from . import token_policy, user_settings, users

ROUTES = (
    system.ROUTES
    + users.ROUTES
    + groups.ROUTES
    + global_permissions.ROUTES
    + projects.ROUTES
    + project_permissions.ROUTES
    + repository_permissions.ROUTES
    + access_tokens.ROUTES
    + user_settings.ROUTES
    + ssh_keys.ROUTES
    + access_keys.ROUTES
    + token_policy.ROUTES
    + banner.ROUTES
    + licenses.ROUTES
    + mail_server.ROUTES
    + rate_limits.ROUTES
    + default_branch.ROUTES
    + repository_policies.ROUTES
    + loggers.ROUTES
)
