"""The router table: every (method, path template) the emulator answers, one module per area."""

from __future__ import annotations

from . import access_keys, access_tokens, global_permissions, groups, project_permissions, projects, repository_permissions, ssh_keys, system, token_policy
from . import user_settings, users
from . import auto_settings, hook_scripts, hooks, pull_request_settings

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
    + hooks.ROUTES
    + hook_scripts.ROUTES
    + auto_settings.ROUTES
    + pull_request_settings.ROUTES
)
