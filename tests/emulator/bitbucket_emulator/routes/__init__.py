"""The router table: every (method, path template) the emulator answers, one module per area."""

from __future__ import annotations

from . import access_tokens, global_permissions, groups, project_permissions, projects, repository_permissions, system, users
from . import cluster, labels, mesh, migration

ROUTES = (
    system.ROUTES
    + users.ROUTES
    + groups.ROUTES
    + global_permissions.ROUTES
    + projects.ROUTES
    + project_permissions.ROUTES
    + repository_permissions.ROUTES
    + access_tokens.ROUTES
    + cluster.ROUTES
    + mesh.ROUTES
    + labels.ROUTES
    + migration.ROUTES
)
