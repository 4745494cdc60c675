"""Repository hooks and merge checks at project and repository scope (API-MAP 3.19; seed 004, spec).

The catalogue below is what the emulator has installed: a few of Bitbucket's bundled hooks and merge
checks, one bundled hook that needs settings, and the hook of an example app that can only be
configured per repository. Each hook's state is kept per scope (settings_state.HookConfig) and
inherited: a repository without its own configuration answers with its project's, a project without
one answers disabled at GLOBAL scope.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Callable, Optional

from ..errors import NO_SUCH_ENTITY_EXCEPTION, ApiError, bad_request
from ..settings_state import HookConfig
from ..web import Route, empty
from .scopes import at_project, at_repository, effective, rest_scope

BUNDLED = "com.atlassian.bitbucket.server.bitbucket-bundled-hooks"
# spec setSettings: "The service will reject any settings which are too large, the current limit is 32KB once serialized."
SETTINGS_LIMIT = 32 * 1024
HOOK_TYPES = ("PRE_RECEIVE", "PRE_PULL_REQUEST_MERGE", "POST_RECEIVE")
_URL = re.compile(r"^https?://[^\s/]+(/\S*)?$")


def _file_size_settings(document):
    """The settings of the file-size hook. Its form stores every value as a string (API-MAP 3.19:
    "Some plugins store numbers as strings"), so ``sizeLimit: 10`` is answered as ``"10"``."""
    limit = document.get("sizeLimit")
    if isinstance(limit, bool) or not re.fullmatch(r"\s*[1-9][0-9]*\s*", str(limit if limit is not None else "")):
        raise bad_request("A size limit in megabytes (a whole number of at least 1) is required.", "sizeLimit")
    stored = {"sizeLimit": str(int(str(limit).strip()))}
    for name in ("includes", "excludes"):
        value = document.get(name)
        if value is not None:
            if not isinstance(value, str):
                raise bad_request(f"{name} must be a comma-separated list of file patterns.", name)
            stored[name] = value
    return stored


def _ci_trigger_settings(document):
    url = document.get("url")
    if not isinstance(url, str) or not _URL.match(url):
        raise bad_request("An http:// or https:// URL to notify is required.", "url")
    branches = document.get("branches")
    if branches is not None and not isinstance(branches, str):
        raise bad_request("branches must be a branch name pattern.", "branches")
    return dict(document)


@dataclass(frozen=True)
class HookDefinition:
    """RepositoryHookDetails (spec) and what the hook does with a settings document.

    ``settings``: validates a document and returns it as stored (a 400 when invalid), or None for a hook
    that stores any document unchanged. ``needs_settings``: it cannot be enabled without valid settings
    (API-MAP 3.19: "Hooks that need configuration return 400 when enabled without settings").
    """

    key: str
    name: str
    type: str
    description: str
    scopes: tuple = ("PROJECT", "REPOSITORY")
    settings: Optional[Callable] = None
    needs_settings: bool = False
    version: str = "9.4.0"

    def details(self):
        body = {
            "key": self.key,
            "name": self.name,
            "type": self.type,
            "description": self.description,
            "version": self.version,
            "supportedScopes": list(self.scopes),
        }
        if self.settings is not None:
            body["configFormKey"] = self.key.split(":")[-1] + ".config"
        return body


CATALOGUE = {
    hook.key: hook
    for hook in (
        # API-MAP 1.1 and 3.19 name this key; Atlassian "Using repository hooks" lists the bundled hooks.
        HookDefinition(f"{BUNDLED}:force-push-hook", "Reject Force Push", "PRE_RECEIVE", "Reject all force pushes (git push --force) to this repository"),
        HookDefinition(f"{BUNDLED}:verify-committer-hook", "Verify Committer", "PRE_RECEIVE",
                       "Reject commits not committed by the user pushing to the repository"),
        HookDefinition(f"{BUNDLED}:incomplete-tasks-merge-check", "No incomplete tasks", "PRE_PULL_REQUEST_MERGE",
                       "Require all tasks of a pull request to be resolved before it can be merged"),
        HookDefinition(f"{BUNDLED}:file-size-hook", "Reject large files", "PRE_RECEIVE", "Reject pushes that add files larger than a limit",
                       settings=_file_size_settings, needs_settings=True),
        # An example app's hook: a plugin-defined document, and no project scope (API-MAP 3.19: "A hook whose
        # supportedScopes lacks PROJECT cannot be managed at project scope").
        HookDefinition("com.example.bitbucket.ci:ci-trigger-hook", "CI trigger (example app)", "POST_RECEIVE",
                       "Notify a CI server after every push", scopes=("REPOSITORY",), settings=_ci_trigger_settings, needs_settings=True,
                       version="2.1.0"),
    )
}


def _definition(scope, hook_key):
    hook = CATALOGUE.get(hook_key)
    if hook is None:
        raise ApiError(404, f"Repository hook {hook_key} does not exist.", NO_SUCH_ENTITY_EXCEPTION)
    if scope.kind not in hook.scopes:
        # spec getRepositoryHook: 404 "The specified repository hook does not exist for the given project".
        raise ApiError(404, f"Repository hook {hook_key} cannot be configured for a {scope.kind.lower()}; it supports "
                            f"{', '.join(s.lower() for s in hook.scopes)} scope only.", NO_SUCH_ENTITY_EXCEPTION)
    return hook


def _own(ctx, scope):
    return ctx.state.settings.hooks.setdefault(scope.key, {})


def _state(ctx, scope, hook_key, keys=None):
    """``(config, origin key)`` of the hook: the nearest level of ``keys`` (default: the scope's chain) that configures it."""
    levels = {key: configs[hook_key] for key, configs in ctx.state.settings.hooks.items() if hook_key in configs}
    return effective(levels, keys if keys is not None else scope.chain)


def _settings_of(ctx, scope, hook_key):
    """The settings in force at ``scope``: the nearest level that has a settings document, else None."""
    for key in scope.chain:
        config = ctx.state.settings.hooks.get(key, {}).get(hook_key)
        if config is not None and config.settings is not None:
            return config.settings
    return None


def _view(ctx, scope, hook):
    """RestRepositoryHook: the enabled state in force and the scope it comes from (seed 004 examples)."""
    config, origin = _state(ctx, scope, hook.key)
    return {
        "enabled": bool(config and config.enabled),
        "details": hook.details(),
        "scope": rest_scope(origin),
        "configured": _settings_of(ctx, scope, hook.key) is not None,
    }


def _validated(hook, document):
    if not isinstance(document, dict):
        raise bad_request("The hook settings must be a JSON object.")
    if len(json.dumps(document)) > SETTINGS_LIMIT:
        raise bad_request("The settings are too large: the limit is 32KB once serialized.")
    return hook.settings(document) if hook.settings is not None else dict(document)


# -- handlers shared by both scopes --------------------------------------------------------------

def _list(ctx, scope):
    # spec getRepositoryHooks: a page of the hooks with their enabled state; optional `type` filter.
    wanted = ctx.query("type")
    hooks = [hook for hook in CATALOGUE.values() if scope.kind in hook.scopes and (not wanted or hook.type == wanted)]
    return 200, ctx.page(sorted(hooks, key=lambda hook: hook.name.lower()), lambda hook: _view(ctx, scope, hook))


def _get(ctx, scope, hook_key):
    return 200, _view(ctx, scope, _definition(scope, hook_key))


def _enable(ctx, scope, hook_key):
    # spec enableHook: "Enable a repository hook ... and optionally apply new configuration"; 400 "The settings specified are invalid".
    hook = _definition(scope, hook_key)
    body = ctx.json_body(required=False)
    own = _own(ctx, scope)
    config = own.get(hook.key)
    if body is not None:
        settings = _validated(hook, body)
    else:
        settings = config.settings if config is not None else None
        if hook.needs_settings and _settings_of(ctx, scope, hook.key) is None:
            raise bad_request(f"The hook {hook.name} needs settings: enable it with its settings document.")
    own[hook.key] = HookConfig(True, settings)
    return 200, _view(ctx, scope, hook)


def _disable(ctx, scope, hook_key):
    # spec disableHook: 200 with the hook (a body, not 204; API-MAP 3.19). Disabling keeps the settings.
    hook = _definition(scope, hook_key)
    own = _own(ctx, scope)
    config = own.get(hook.key)
    own[hook.key] = HookConfig(False, config.settings if config is not None else None)
    return 200, _view(ctx, scope, hook)


def _get_settings(ctx, scope, hook_key):
    # spec getSettings: the settings document (ExampleSettings is a placeholder; API-MAP 3.19); {} when there is none.
    hook = _definition(scope, hook_key)
    return 200, dict(_settings_of(ctx, scope, hook.key) or {})


def _set_settings(ctx, scope, hook_key):
    # spec setSettings: replaces the whole document (API-MAP 3.19: "PUT settings replaces ... not a merge");
    # "Setting settings does not change enabled".
    hook = _definition(scope, hook_key)
    settings = _validated(hook, ctx.json_body())
    own = _own(ctx, scope)
    config = own.get(hook.key)
    if config is None:
        inherited, _origin = _state(ctx, scope, hook.key, scope.parent_chain)
        config = HookConfig(bool(inherited and inherited.enabled), None)
    own[hook.key] = HookConfig(config.enabled, settings)
    return 200, dict(settings)


# -- project scope (seed 004) ---------------------------------------------------------------------

def project_hooks(ctx, project_key):
    return _list(ctx, at_project(ctx, project_key, "PROJECT_READ"))


def project_hook(ctx, project_key, hook_key):
    return _get(ctx, at_project(ctx, project_key, "PROJECT_READ"), hook_key)


def project_enable(ctx, project_key, hook_key):
    return _enable(ctx, at_project(ctx, project_key, "PROJECT_ADMIN"), hook_key)


def project_disable(ctx, project_key, hook_key):
    return _disable(ctx, at_project(ctx, project_key, "PROJECT_ADMIN"), hook_key)


def project_settings(ctx, project_key, hook_key):
    return _get_settings(ctx, at_project(ctx, project_key, "PROJECT_READ"), hook_key)


def project_set_settings(ctx, project_key, hook_key):
    return _set_settings(ctx, at_project(ctx, project_key, "PROJECT_ADMIN"), hook_key)


# -- repository scope (spec-only; every operation needs REPO_ADMIN, spec getRepositoryHooks_1 and siblings) --

def repo_hooks(ctx, project_key, repository_slug):
    return _list(ctx, at_repository(ctx, project_key, repository_slug, "REPO_ADMIN"))


def repo_hook(ctx, project_key, repository_slug, hook_key):
    return _get(ctx, at_repository(ctx, project_key, repository_slug, "REPO_ADMIN"), hook_key)


def repo_enable(ctx, project_key, repository_slug, hook_key):
    return _enable(ctx, at_repository(ctx, project_key, repository_slug, "REPO_ADMIN"), hook_key)


def repo_disable(ctx, project_key, repository_slug, hook_key):
    return _disable(ctx, at_repository(ctx, project_key, repository_slug, "REPO_ADMIN"), hook_key)


def repo_settings(ctx, project_key, repository_slug, hook_key):
    return _get_settings(ctx, at_repository(ctx, project_key, repository_slug, "REPO_ADMIN"), hook_key)


def repo_set_settings(ctx, project_key, repository_slug, hook_key):
    return _set_settings(ctx, at_repository(ctx, project_key, repository_slug, "REPO_ADMIN"), hook_key)


def repo_inherit(ctx, project_key, repository_slug, hook_key):
    # spec deleteRepositoryHook: 204, the repository's own configuration is removed (API-MAP 3.19: back to inherited).
    scope = at_repository(ctx, project_key, repository_slug, "REPO_ADMIN")
    hook = _definition(scope, hook_key)
    _own(ctx, scope).pop(hook.key, None)
    return empty(204)


_PROJECT = "/api/latest/projects/{projectKey}/settings/hooks"
_REPO = "/api/latest/projects/{projectKey}/repos/{repositorySlug}/settings/hooks"

ROUTES = [
    Route("GET", _PROJECT, project_hooks),
    Route("GET", _PROJECT + "/{hookKey}", project_hook),
    Route("PUT", _PROJECT + "/{hookKey}/enabled", project_enable),
    Route("DELETE", _PROJECT + "/{hookKey}/enabled", project_disable),
    Route("GET", _PROJECT + "/{hookKey}/settings", project_settings),
    Route("PUT", _PROJECT + "/{hookKey}/settings", project_set_settings),
    Route("GET", _REPO, repo_hooks),
    Route("GET", _REPO + "/{hookKey}", repo_hook),
    Route("DELETE", _REPO + "/{hookKey}", repo_inherit),
    Route("PUT", _REPO + "/{hookKey}/enabled", repo_enable),
    Route("DELETE", _REPO + "/{hookKey}/enabled", repo_disable),
    Route("GET", _REPO + "/{hookKey}/settings", repo_settings),
    Route("PUT", _REPO + "/{hookKey}/settings", repo_set_settings),
]
