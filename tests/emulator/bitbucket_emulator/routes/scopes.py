"""Scopes of the settings that inherit: a project, or a repository inside it (API-MAP 3.19 to 3.22).

A setting is looked up at the requested scope first, then at the project that holds a repository,
then at the instance-wide level; the first level that holds it answers, and its ``scope`` tells the
caller where the value came from (seed 004 "Get auto decline settings": "Default settings are
returned if no explicit settings have been set").
"""

from __future__ import annotations

from dataclasses import dataclass

from ..permissions import require_project, require_repo
from ..settings_state import GLOBAL_SCOPE
from .common import load_project, load_repository


@dataclass(frozen=True)
class SettingScope:
    """A project or a repository, as the scope of a setting."""

    kind: str  # "PROJECT" or "REPOSITORY"
    project: object
    repo: object = None

    @property
    def key(self):
        return (self.kind, self.repo.id if self.kind == "REPOSITORY" else self.project.id)

    @property
    def chain(self):
        """The scope keys a value is inherited through, nearest first."""
        keys = [self.key]
        if self.kind == "REPOSITORY":
            keys.append(("PROJECT", self.project.id))
        keys.append(GLOBAL_SCOPE)
        return keys

    @property
    def parent_chain(self):
        return self.chain[1:]

    @property
    def label(self):
        if self.kind == "REPOSITORY":
            return f"repository {self.project.key}/{self.repo.slug}"
        return f"project {self.project.key}"


def at_project(ctx, project_key, permission):
    """The project scope; 404 when the project is missing, 401 without ``permission`` (PROJECT_*)."""
    project = load_project(ctx.state, project_key)
    require_project(ctx.state, ctx.principal, project, permission)
    return SettingScope("PROJECT", project)


def at_repository(ctx, project_key, repository_slug, permission):
    """The repository scope; 404 when the project or repository is missing, 401 without ``permission`` (REPO_*)."""
    project = load_project(ctx.state, project_key)
    repo = load_repository(ctx.state, project, repository_slug)
    require_repo(ctx.state, ctx.principal, project, repo, permission)
    return SettingScope("REPOSITORY", project, repo)


def rest_scope(key):
    """RestScope (spec): ``{"type", "resourceId"}``; the instance-wide level has no resource id."""
    kind, resource_id = key
    if resource_id is None:
        return {"type": kind}
    return {"type": kind, "resourceId": resource_id}


def effective(store, keys):
    """``(value, scope key)`` of the nearest level in ``keys`` that ``store`` holds, or ``(None, GLOBAL_SCOPE)``."""
    for key in keys:
        if key in store:
            return store[key], key
    return None, GLOBAL_SCOPE
