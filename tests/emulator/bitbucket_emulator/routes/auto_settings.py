"""Auto-decline (API-MAP 3.21; seed 004 for projects, spec for repositories) and auto-merge (API-MAP
section 8; spec only) at project and repository scope.

Both inherit: a GET answers the nearest explicit settings (the repository's, then its project's),
else the defaults, with ``scope`` naming the level they come from (seed 004 "Get auto decline
settings": "Default settings are returned if no explicit settings have been set"). PUT sets them at
the requested scope and DELETE removes them there (back to inherited).
"""

from __future__ import annotations

from ..errors import ApiError, bad_request
from ..web import Route, empty
from .scopes import at_project, at_repository, effective, rest_scope

# seed 004 getAutoDeclineSettings example: the instance defaults are on, after 4 weeks, at GLOBAL scope.
AUTO_DECLINE_DEFAULT = {"enabled": True, "inactivityWeeks": 4}
# spec setAutoDeclineSettings 400: "inactivityWeeks was not one of 1, 2, 4, 8, or, 12".
INACTIVITY_WEEKS = (1, 2, 4, 8, 12)
# spec RestAutoMergeRestrictedSettings example: auto-merge is off by default.
AUTO_MERGE_DEFAULT = {"enabled": False}
RESTRICTION_ACTIONS = ("CREATE", "DELETE", "NONE")


def _bool_field(body, name, message):
    value = body.get(name)
    if not isinstance(value, bool):
        raise bad_request(message, name)
    return value


# -- auto-decline -----------------------------------------------------------------------------------

def _decline_view(ctx, scope):
    value, origin = effective(ctx.state.settings.auto_decline, scope.chain)
    value = value or AUTO_DECLINE_DEFAULT
    return {"enabled": value["enabled"], "inactivityWeeks": value["inactivityWeeks"], "scope": rest_scope(origin)}


def _decline_get(ctx, scope):
    return 200, _decline_view(ctx, scope)


def _decline_set(ctx, scope):
    # spec setAutoDeclineSettings: 400 when "the enabled parameter was not included" or inactivityWeeks is not allowed.
    body = ctx.json_object()
    enabled = _bool_field(body, "enabled", "The enabled field is required and must be true or false.")
    weeks = body.get("inactivityWeeks")
    if weeks is None:
        weeks = _decline_view(ctx, scope)["inactivityWeeks"]  # not given: what is in force stays
    elif isinstance(weeks, bool) or weeks not in INACTIVITY_WEEKS:
        raise bad_request("inactivityWeeks must be one of 1, 2, 4, 8 or 12.", "inactivityWeeks")
    ctx.state.settings.auto_decline[scope.key] = {"enabled": enabled, "inactivityWeeks": weeks}
    return 200, _decline_view(ctx, scope)


def _decline_delete(ctx, scope):
    # spec deleteAutoDeclineSettings: 204, also when nothing was set.
    ctx.state.settings.auto_decline.pop(scope.key, None)
    return empty(204)


def project_decline(ctx, project_key):
    return _decline_get(ctx, at_project(ctx, project_key, "PROJECT_READ"))


def project_decline_set(ctx, project_key):
    return _decline_set(ctx, at_project(ctx, project_key, "PROJECT_ADMIN"))


def project_decline_delete(ctx, project_key):
    return _decline_delete(ctx, at_project(ctx, project_key, "PROJECT_ADMIN"))


def repo_decline(ctx, project_key, repository_slug):
    return _decline_get(ctx, at_repository(ctx, project_key, repository_slug, "REPO_READ"))


def repo_decline_set(ctx, project_key, repository_slug):
    return _decline_set(ctx, at_repository(ctx, project_key, repository_slug, "REPO_ADMIN"))


def repo_decline_delete(ctx, project_key, repository_slug):
    return _decline_delete(ctx, at_repository(ctx, project_key, repository_slug, "REPO_ADMIN"))


# -- auto-merge -------------------------------------------------------------------------------------

def _restricted(ctx, scope):
    return scope.project.id in ctx.state.settings.auto_merge_restricted


def _merge_view(ctx, scope):
    """RestAutoMergeRestrictedSettings. spec get_5: "If the repository's project has restricted its auto-merge
    settings, then the settings of the project will be returned"."""
    restricted = _restricted(ctx, scope)
    chain = scope.parent_chain if scope.kind == "REPOSITORY" and restricted else scope.chain
    value, origin = effective(ctx.state.settings.auto_merge, chain)
    value = value or AUTO_MERGE_DEFAULT
    if not restricted:
        state = "NONE"
    else:
        # The project's own administrators may still change the project's settings; its repositories may not.
        state = "RESTRICTED_MODIFIABLE" if scope.kind == "PROJECT" else "RESTRICTED_UNMODIFIABLE"
    return {"enabled": value["enabled"], "restrictionState": state, "scope": rest_scope(origin)}


def _refuse_restricted(ctx, scope):
    if scope.kind == "REPOSITORY" and _restricted(ctx, scope):
        # spec set_1 / delete_5: 403 "cannot be modified due to a restriction enforced by the supplied repository's project".
        raise ApiError(403, f"The pull request auto-merge settings of {scope.label} cannot be modified: project {scope.project.key} restricts them.")


def _merge_set(ctx, scope):
    _refuse_restricted(ctx, scope)
    body = ctx.json_object()
    if scope.kind == "PROJECT":
        # spec set: 400 "The 'enabled' and 'restrictionAction' fields were not provided correctly".
        enabled = _bool_field(body, "enabled", "The 'enabled' and 'restrictionAction' fields were not provided correctly.")
        action = body.get("restrictionAction")
        if action not in RESTRICTION_ACTIONS:
            raise bad_request("The 'enabled' and 'restrictionAction' fields were not provided correctly.", "restrictionAction")
        if action == "CREATE":
            ctx.state.settings.auto_merge_restricted.add(scope.project.id)
        elif action == "DELETE":
            ctx.state.settings.auto_merge_restricted.discard(scope.project.id)
    else:
        # spec set_1: 400 "The 'enabled' field was not provided correctly".
        enabled = _bool_field(body, "enabled", "The 'enabled' field was not provided correctly.")
    ctx.state.settings.auto_merge[scope.key] = {"enabled": enabled}
    return 200, _merge_view(ctx, scope)


def _merge_delete(ctx, scope):
    _refuse_restricted(ctx, scope)
    ctx.state.settings.auto_merge.pop(scope.key, None)
    return empty(204)


def project_merge(ctx, project_key):
    # spec get_4: PROJECT_VIEW.
    return 200, _merge_view(ctx, at_project(ctx, project_key, "PROJECT_READ"))


def project_merge_set(ctx, project_key):
    return _merge_set(ctx, at_project(ctx, project_key, "PROJECT_ADMIN"))


def project_merge_delete(ctx, project_key):
    return _merge_delete(ctx, at_project(ctx, project_key, "PROJECT_ADMIN"))


def repo_merge(ctx, project_key, repository_slug):
    return 200, _merge_view(ctx, at_repository(ctx, project_key, repository_slug, "REPO_READ"))


def repo_merge_set(ctx, project_key, repository_slug):
    return _merge_set(ctx, at_repository(ctx, project_key, repository_slug, "REPO_ADMIN"))


def repo_merge_delete(ctx, project_key, repository_slug):
    return _merge_delete(ctx, at_repository(ctx, project_key, repository_slug, "REPO_ADMIN"))


_PROJECT = "/api/latest/projects/{projectKey}/settings"
_REPO = "/api/latest/projects/{projectKey}/repos/{repositorySlug}/settings"

ROUTES = [
    Route("GET", _PROJECT + "/auto-decline", project_decline),
    Route("PUT", _PROJECT + "/auto-decline", project_decline_set),
    Route("DELETE", _PROJECT + "/auto-decline", project_decline_delete),
    Route("GET", _REPO + "/auto-decline", repo_decline),
    Route("PUT", _REPO + "/auto-decline", repo_decline_set),
    Route("DELETE", _REPO + "/auto-decline", repo_decline_delete),
    Route("GET", _PROJECT + "/auto-merge", project_merge),
    Route("PUT", _PROJECT + "/auto-merge", project_merge_set),
    Route("DELETE", _PROJECT + "/auto-merge", project_merge_delete),
    Route("GET", _REPO + "/auto-merge", repo_merge),
    Route("PUT", _REPO + "/auto-merge", repo_merge_set),
    Route("DELETE", _REPO + "/auto-merge", repo_merge_delete),
]
