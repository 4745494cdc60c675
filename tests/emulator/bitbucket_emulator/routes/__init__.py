"""The router table: every (method, path template) the emulator answers, one module per area."""

from __future__ import annotations

from . import access_tokens, global_permissions, groups, project_permissions, projects, system, users
from . import access_keys, ssh_keys, token_policy

ROUTES = (
    system.ROUTES
    + users.ROUTES
    + groups.ROUTES
    + global_permissions.ROUTES
    + projects.ROUTES
    + project_permissions.ROUTES
    + access_tokens.ROUTES
    + ssh_keys.ROUTES
    + access_keys.ROUTES
    + token_policy.ROUTES
)
