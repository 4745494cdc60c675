"""State of the settings that inherit (global, project, repository) and of the hook-script registry.

API-MAP 3.19 to 3.22 and section 8 (auto-merge). Per-project state is keyed by project id and
per-repository state by repository id, so it survives a change of how repositories are stored, and a
project or repository created again under the same key starts with no settings (ids are never reused).

A *scope key* is ``("PROJECT", project_id)`` or ``("REPOSITORY", repo_id)``; the instance-wide level is
``("GLOBAL", None)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

GLOBAL_SCOPE = ("GLOBAL", None)

# bitbucket.properties switch of hook scripts (API-MAP 1.7 and 3.20: off by default since 8.18).
HOOK_SCRIPTS_FEATURE = "feature.hook.scripts"
HOOK_SCRIPTS_DEFAULT_OFF_SINCE = (8, 18, 0)


@dataclass
class HookConfig:
    """A hook's own configuration at one scope: its enabled state and its settings document (None: none)."""

    enabled: bool
    settings: dict | None = None


@dataclass
class HookScript:
    """RestHookScript (spec): the registry entry; ``content`` is kept as the text that was uploaded."""

    id: int
    name: str
    type: str
    content: str
    description: str = ""
    version: int = 0
    created: int = 0
    updated: int = 0


@dataclass
class MergeConfig:
    """An explicit pull-request merge configuration (API-MAP 3.22): enabled strategy ids and the rest."""

    strategies: list
    default: str
    commit_summaries: int
    template: dict | None = None


@dataclass
class Requirements:
    """A repository's pull-request requirements (spec RestRepositoryPullRequestSettings)."""

    all_approvers: bool = False
    all_tasks_complete: bool = False
    approvers_enabled: bool = False
    approvers_count: int = 0
    builds_enabled: bool = False
    builds_count: int = 0


@dataclass
class SettingsState:
    hooks: dict = field(default_factory=dict)               # scope key -> {hook key: HookConfig}
    hook_scripts: dict = field(default_factory=dict)        # id -> HookScript
    script_configs: dict = field(default_factory=dict)      # scope key -> {script id: [trigger ids]}
    auto_decline: dict = field(default_factory=dict)        # scope key -> {"enabled", "inactivityWeeks"}
    auto_merge: dict = field(default_factory=dict)          # scope key -> {"enabled"}
    auto_merge_restricted: set = field(default_factory=set)  # project ids whose repositories may not override
    merge_configs: dict = field(default_factory=dict)       # ("GLOBAL", scm) | ("PROJECT", id, scm) | ("REPOSITORY", id) -> MergeConfig
    requirements: dict = field(default_factory=dict)        # repo id -> Requirements
    features: dict = field(default_factory=dict)            # bitbucket.properties switches set through /_emulator/features
    next_script_id: int = 1

    def remove_script(self, script_id):
        """spec deleteHookScript / API-MAP 3.20: deleting a script removes every configuration that uses it."""
        self.hook_scripts.pop(script_id, None)
        for configs in self.script_configs.values():
            configs.pop(script_id, None)

    def dump(self, live_projects, live_repos):
        """JSON-ready snapshot for /_emulator/state; settings of deleted projects and repositories are left out."""

        def live(scope):
            kind, resource_id = scope[0], scope[1]
            return kind == "GLOBAL" or (kind == "PROJECT" and resource_id in live_projects) or (kind == "REPOSITORY" and resource_id in live_repos)

        def name(scope):
            kind, resource_id = scope[0], scope[1]
            if kind == "PROJECT":
                return "project:" + live_projects[resource_id]
            if kind == "REPOSITORY":
                return "repository:" + live_repos[resource_id]
            return "global"

        def merge_name(key):
            suffix = ":" + key[2] if key[0] == "PROJECT" else (":" + key[1] if key[0] == "GLOBAL" else "")
            return name(key[:2] if key[0] != "GLOBAL" else GLOBAL_SCOPE) + suffix

        return {
            "hooks": {name(scope): {key: {"enabled": c.enabled, "settings": c.settings} for key, c in sorted(hooks.items())}
                      for scope, hooks in self.hooks.items() if live(scope) and hooks},
            "hook_scripts": [{"id": s.id, "name": s.name, "type": s.type, "description": s.description, "version": s.version,
                              "content_length": len(s.content)} for s in sorted(self.hook_scripts.values(), key=lambda s: s.id)],
            "hook_script_configs": {name(scope): {str(script_id): sorted(triggers) for script_id, triggers in sorted(configs.items())}
                                    for scope, configs in self.script_configs.items() if live(scope) and configs},
            "auto_decline": {name(scope): dict(value) for scope, value in self.auto_decline.items() if live(scope)},
            "auto_merge": {name(scope): dict(value) for scope, value in self.auto_merge.items() if live(scope)},
            "auto_merge_restricted": sorted(live_projects[pid] for pid in self.auto_merge_restricted if pid in live_projects),
            "merge_configs": {merge_name(key): {"strategies": list(c.strategies), "default": c.default, "commitSummaries": c.commit_summaries,
                                                "commitMessageTemplate": c.template}
                              for key, c in self.merge_configs.items() if live(key[:2] if key[0] != "GLOBAL" else GLOBAL_SCOPE)},
            "pull_request_requirements": {live_repos[rid]: vars(r) for rid, r in self.requirements.items() if rid in live_repos},
            "features": dict(self.features),
        }
