"""Pull-request settings: merge strategies at global, project and repository scope, and a repository's
pull-request requirements (API-MAP 3.22; seed 004 for projects, spec for the instance and repositories).

* The merge configuration in force is the repository's own, else its project's for the SCM, else the
  instance's for the SCM, else the SCM's defaults (spec updatePullRequestSettings_1 "Merge strategy
  configuration deletion"). ``mergeConfig.type`` says which level answered: the spec shows
  ``"repository"``; the other levels are the lower-cased PullRequestMergeConfigType names ``project``,
  ``scm`` and ``default`` (API-MAP 3.22 VERIFY).
* Every strategy is listed with its ``enabled`` flag (API-MAP 3.22 "GET returns all strategies").
* POST ``{"mergeConfig": {}}`` removes the explicit configuration at that scope. On a repository, the
  POST changes only the settings it names (spec updatePullRequestSettings_1: "Only the settings that
  should be updated need to be included in the request").
* The instance-level GET and POST answer the merge configuration itself, not wrapped in
  ``mergeConfig`` (spec getMergeConfig / setMergeConfig: RestPullRequestMergeConfig).
"""

from __future__ import annotations

from ..errors import ApiError, bad_request
from ..permissions import require_global
from ..settings_state import MergeConfig, Requirements
from ..web import Route
from .scopes import at_project, at_repository

# API-MAP 3.22: the strategy ids of git, with the names, descriptions and flags Bitbucket shows (seed 004 example for no-ff).
STRATEGIES = (
    ("no-ff", "Merge commit", "Always create a merge commit", "--no-ff"),
    ("ff", "Fast-forward", "Fast-forward if possible, otherwise create a merge commit", "--ff"),
    ("ff-only", "Fast-forward only", "Never create a merge commit", "--ff-only"),
    ("rebase-no-ff", "Rebase and merge", "Rebase commits from the source branch onto the target branch, then create a merge commit",
     "rebase + merge --no-ff"),
    ("rebase-ff-only", "Rebase and fast-forward", "Rebase commits from the source branch onto the target branch, then fast-forward",
     "rebase + merge --ff-only"),
    ("squash", "Squash", "Combine all commits into one new non-merge commit on the target branch", "--squash"),
    ("squash-ff-only", "Squash, fast-forward only", "Combine all commits into one new commit on the target branch, if it has not changed",
     "--squash --ff-only"),
)
STRATEGY_IDS = tuple(strategy[0] for strategy in STRATEGIES)
SCMS = ("git",)
# The SCM's defaults: a merge commit only; 20 commit summaries (PullRequestMergeConfig.DEFAULT_COMMIT_SUMMARIES).
DEFAULT_CONFIG = MergeConfig(strategies=["no-ff"], default="no-ff", commit_summaries=20)


def _strategy(strategy_id, enabled):
    strategy_id, name, description, flag = next(s for s in STRATEGIES if s[0] == strategy_id)
    return {"enabled": enabled, "name": name, "id": strategy_id, "description": description, "flag": flag}


def _config_view(config, level):
    """RestPullRequestMergeConfig of ``config`` found at ``level`` (repository, project, scm, default)."""
    body = {
        "type": level,
        "strategies": [_strategy(strategy_id, strategy_id in config.strategies) for strategy_id in STRATEGY_IDS],
        "defaultStrategy": _strategy(config.default, True),
        "commitSummaries": config.commit_summaries,
    }
    if config.template:
        body["commitMessageTemplate"] = dict(config.template)
    return body


def _load_scm(scm_id):
    if scm_id not in SCMS:
        raise ApiError(404, f"No SCM with ID {scm_id} is installed.")
    return scm_id


def _in_force(ctx, levels):
    """The nearest explicit configuration among ``levels`` (``[(key, level name)]``), else the defaults."""
    for key, level in levels:
        config = ctx.state.settings.merge_configs.get(key)
        if config is not None:
            return config, level
    return DEFAULT_CONFIG, "default"


def _levels_global(scm):
    return [(("GLOBAL", scm), "scm")]


def _levels_project(project, scm):
    return [(("PROJECT", project.id, scm), "project")] + _levels_global(scm)


def _levels_repository(project, repo):
    return [(("REPOSITORY", repo.id), "repository")] + _levels_project(project, SCMS[0])


def _parse_config(ctx, body, current):
    """A non-empty ``mergeConfig`` of a POST as a MergeConfig; 400 on a validation error (seed 004:
    "Only the strategies provided will be enabled, the default must be set and included in the set")."""
    if not isinstance(body, dict):
        raise bad_request("mergeConfig must be an object.", "mergeConfig")
    strategies = body.get("strategies")
    if not isinstance(strategies, list) or not strategies or not all(isinstance(s, dict) and isinstance(s.get("id"), str) for s in strategies):
        raise bad_request("At least one merge strategy must be enabled: strategies is a list of objects with an id.", "mergeConfig.strategies")
    ids = [strategy["id"] for strategy in strategies]
    unknown = [strategy_id for strategy_id in ids if strategy_id not in STRATEGY_IDS]
    if unknown:
        raise bad_request(f"Unknown merge strategy: {', '.join(unknown)}. Known: {', '.join(STRATEGY_IDS)}.", "mergeConfig.strategies")
    default = body.get("defaultStrategy")
    default_id = default.get("id") if isinstance(default, dict) else None
    if default_id is None:
        raise bad_request("A default merge strategy must be set.", "mergeConfig.defaultStrategy")
    if default_id not in ids:
        raise bad_request(f"The default merge strategy {default_id} must be one of the enabled strategies.", "mergeConfig.defaultStrategy")
    summaries = body.get("commitSummaries", current.commit_summaries)
    if isinstance(summaries, bool) or not isinstance(summaries, int) or summaries < 0:
        raise bad_request("commitSummaries must be a whole number, 0 or more.", "mergeConfig.commitSummaries")
    # spec setMergeConfig: "The commit message template will not be updated if not provided, and will be deleted
    # if the commitMessageTemplate attribute is empty".
    template = current.template
    if "commitMessageTemplate" in body:
        given = body["commitMessageTemplate"]
        if given is not None and not isinstance(given, dict):
            raise bad_request("commitMessageTemplate must be an object with title and body.", "mergeConfig.commitMessageTemplate")
        given = {key: value for key, value in (given or {}).items() if key in ("title", "body") and value is not None}
        if not all(isinstance(value, str) for value in given.values()):
            raise bad_request("The commit message template title and body are text.", "mergeConfig.commitMessageTemplate")
        template = given or None
    return MergeConfig(strategies=[s for s in STRATEGY_IDS if s in ids], default=default_id, commit_summaries=summaries, template=template)


def _apply(ctx, levels, merge_config):
    """Set (or with ``{}`` remove) the explicit configuration at the first of ``levels``."""
    key = levels[0][0]
    if merge_config == {}:
        ctx.state.settings.merge_configs.pop(key, None)
        return
    current, _level = _in_force(ctx, levels)
    ctx.state.settings.merge_configs[key] = _parse_config(ctx, merge_config, current)


def _body_merge_config(ctx, required):
    body = ctx.json_object()
    if "mergeConfig" not in body:
        if required:
            raise bad_request("mergeConfig is required.", "mergeConfig")
        return body, None
    return body, body["mergeConfig"]


# -- instance (spec-only) -----------------------------------------------------------------------------

def global_get(ctx, scm_id):
    # spec getMergeConfig: "The user must be authenticated"; the config itself, not wrapped.
    levels = _levels_global(_load_scm(scm_id))
    return 200, _config_view(*_in_force(ctx, levels))


def global_set(ctx, scm_id):
    # spec setMergeConfig: ADMIN; {"mergeConfig": {}} restores the defaults.
    require_global(ctx.state, ctx.principal, "ADMIN")
    levels = _levels_global(_load_scm(scm_id))
    _body, merge_config = _body_merge_config(ctx, required=True)
    _apply(ctx, levels, merge_config)
    return 200, _config_view(*_in_force(ctx, levels))


# -- project (seed 004) --------------------------------------------------------------------------------

def project_get(ctx, project_key, scm_id):
    scope = at_project(ctx, project_key, "PROJECT_READ")
    return 200, {"mergeConfig": _config_view(*_in_force(ctx, _levels_project(scope.project, _load_scm(scm_id))))}


def project_set(ctx, project_key, scm_id):
    # seed 004 updatePullRequestSettings: PROJECT_ADMIN; "An explicitly set ... configuration can be deleted by
    # POSTing a document with an empty mergeConfig attribute".
    scope = at_project(ctx, project_key, "PROJECT_ADMIN")
    levels = _levels_project(scope.project, _load_scm(scm_id))
    _body, merge_config = _body_merge_config(ctx, required=True)
    _apply(ctx, levels, merge_config)
    return 200, {"mergeConfig": _config_view(*_in_force(ctx, levels))}


# -- repository (spec-only) -------------------------------------------------------------------------

def _count(value, name):
    """A requirement count: a digit string in the schema (API-MAP 3.22: "count fields are strings"); a number is taken too."""
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())):
        raise bad_request(f"{name}.count must be a whole number, 0 or more.", name)
    return int(value)


def _requirement(body, name, current_enabled, current_count):
    value = body[name]
    if not isinstance(value, dict):
        raise bad_request(f"{name} must be an object with enabled and count.", name)
    enabled = value.get("enabled", current_enabled)
    if not isinstance(enabled, bool):
        raise bad_request(f"{name}.enabled must be true or false.", name)
    count = _count(value["count"], name) if "count" in value else current_count
    if enabled and count < 1:
        raise bad_request(f"{name}.count must be at least 1 when the check is enabled.", name)
    return enabled, count


def _repo_view(ctx, scope):
    requirements = ctx.state.settings.requirements.get(scope.repo.id) or Requirements()
    return {
        "mergeConfig": _config_view(*_in_force(ctx, _levels_repository(scope.project, scope.repo))),
        "requiredAllApprovers": requirements.all_approvers,
        "requiredAllTasksComplete": requirements.all_tasks_complete,
        "requiredApprovers": {"enabled": requirements.approvers_enabled, "count": str(requirements.approvers_count)},
        "requiredApproversDeprecated": requirements.approvers_count if requirements.approvers_enabled else 0,
        "requiredSuccessfulBuilds": {"enabled": requirements.builds_enabled, "count": str(requirements.builds_count)},
        "requiredSuccessfulBuildsDeprecated": requirements.builds_count if requirements.builds_enabled else 0,
    }


def repo_get(ctx, project_key, repository_slug):
    return 200, _repo_view(ctx, at_repository(ctx, project_key, repository_slug, "REPO_READ"))


def repo_set(ctx, project_key, repository_slug):
    # spec updatePullRequestSettings_1: REPO_ADMIN; partial update; {"mergeConfig": {}} makes the merge configuration inherit.
    scope = at_repository(ctx, project_key, repository_slug, "REPO_ADMIN")
    body, merge_config = _body_merge_config(ctx, required=False)
    current = ctx.state.settings.requirements.get(scope.repo.id) or Requirements()
    changed = Requirements(**vars(current))
    for name, attribute in (("requiredAllApprovers", "all_approvers"), ("requiredAllTasksComplete", "all_tasks_complete")):
        if name in body:
            if not isinstance(body[name], bool):
                raise bad_request(f"{name} must be true or false.", name)
            setattr(changed, attribute, body[name])
    if "requiredApprovers" in body:
        changed.approvers_enabled, changed.approvers_count = _requirement(body, "requiredApprovers", current.approvers_enabled, current.approvers_count)
    if "requiredSuccessfulBuilds" in body:
        changed.builds_enabled, changed.builds_count = _requirement(body, "requiredSuccessfulBuilds", current.builds_enabled, current.builds_count)
    if merge_config is not None:
        # Validated before anything is stored: a 400 changes nothing (spec: "If any fragment fails validations ... no
        # fragments will execute").
        _apply(ctx, _levels_repository(scope.project, scope.repo), merge_config)
    ctx.state.settings.requirements[scope.repo.id] = changed
    return 200, _repo_view(ctx, scope)


ROUTES = [
    Route("GET", "/api/latest/admin/pull-requests/{scmId}", global_get),
    Route("POST", "/api/latest/admin/pull-requests/{scmId}", global_set),
    Route("GET", "/api/latest/projects/{projectKey}/settings/pull-requests/{scmId}", project_get),
    Route("POST", "/api/latest/projects/{projectKey}/settings/pull-requests/{scmId}", project_set),
    Route("GET", "/api/latest/projects/{projectKey}/repos/{repositorySlug}/settings/pull-requests", repo_get),
    Route("POST", "/api/latest/projects/{projectKey}/repos/{repositorySlug}/settings/pull-requests", repo_set),
]
