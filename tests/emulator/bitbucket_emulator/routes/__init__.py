"""The router table: every (method, path template) the emulator answers, one module per area."""

from __future__ import annotations

from . import access_keys, access_tokens, authconfig, banner, basic_auth, default_branch, global_permissions, groups, licenses
from . import loggers, mail_server, project_permissions, projects, rate_limits, repository_permissions, repository_policies
from . import ssh_keys, system, token_policy, tsv, user_settings, users
from . import auto_settings, hook_scripts, hooks, pull_request_settings
from . import cluster, labels, mesh, migration
from . import branch_restrictions, default_reviewers, repositories, webhooks
from . import required_builds

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
    + authconfig.ROUTES
    + basic_auth.ROUTES
    + tsv.ROUTES
    + hooks.ROUTES
    + hook_scripts.ROUTES
    + auto_settings.ROUTES
    + pull_request_settings.ROUTES
    + cluster.ROUTES
    + mesh.ROUTES
    + labels.ROUTES
    + migration.ROUTES
    + repositories.ROUTES
    + branch_restrictions.ROUTES
    + default_reviewers.ROUTES
    + webhooks.ROUTES
    + required_builds.ROUTES
)
