# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pull-request settings documents: the merge configuration and a repository's requirements, read and written.

Internal to the bitbucket.datacenter collection: this module may change at any time.

API-MAP 3.22. A read answers every strategy with its ``enabled`` flag; a write names the enabled ones. The
instance's GET answers the merge configuration itself, the project's and repository's wrap it in
``mergeConfig`` (spec getMergeConfig, getPullRequestSettings[_1]). A repository's counted merge checks come
in two readings of the same document: the schema's ``{"enabled", "count": "<digits>"}`` objects under
``requiredApprovers`` and ``requiredSuccessfulBuilds``, or (spec updatePullRequestSettings_1's text) plain
numbers under those keys and the objects under the bundled checks' plugin keys. Both are read, and a write
uses the reading the server showed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

MERGE_FIELDS = ("merge_strategies", "default_strategy", "commit_summaries", "commit_message_template")
REQUIREMENT_FIELDS = ("required_all_approvers", "required_all_tasks_complete", "required_approvers", "required_successful_builds")
COUNTED_CHECKS = {
    "required_approvers": ("requiredApprovers", "com.atlassian.bitbucket.server.bundled-hooks.requiredApproversMergeHook"),
    "required_successful_builds": ("requiredSuccessfulBuilds", "com.atlassian.bitbucket.server.bitbucket-build.requiredBuildsMergeCheck"),
}
# The reading of a counted check: the schema's object under the old key, or the object under the plugin key.
SCHEMA_FORM, PLUGIN_FORM = "object", "plugin"


def template_fields(template):
    """A commit message template as compared: its non-empty parts; ``{}`` for no template."""
    return {part: value for part, value in (template or {}).items() if part in ("title", "body") and value}


def merge_config_of(answer):
    """The RestPullRequestMergeConfig in an answer, wrapped in ``mergeConfig`` or not."""
    answer = answer or {}
    config = answer.get("mergeConfig") if "mergeConfig" in answer else answer
    return config if isinstance(config, dict) else {}


def merge_fields(config):
    """A merge configuration as the module's fields (API-MAP 3.22: compare the set of enabled ids)."""
    strategies = config.get("strategies")
    enabled = None
    if strategies is not None:
        # Every strategy is listed with its enabled flag; one without the flag is listed because it is enabled.
        enabled = sorted(strategy.get("id") for strategy in strategies if strategy.get("enabled", True))
    return dict(
        merge_strategies=enabled,
        default_strategy=(config.get("defaultStrategy") or {}).get("id"),
        commit_summaries=config.get("commitSummaries"),
        commit_message_template=template_fields(config.get("commitMessageTemplate")),
    )


def counted_check(answer, field):
    """``(count, reading)`` of a counted merge check; the count is 0 when the check is off."""
    old_key, plugin_key = COUNTED_CHECKS[field]
    value = answer.get(old_key)
    if isinstance(value, dict):
        return (int(value.get("count") or 0) if value.get("enabled") else 0), SCHEMA_FORM
    plugin = answer.get(plugin_key)
    if isinstance(plugin, dict):
        return (int(plugin.get("count") or 0) if plugin.get("enabled") else 0), PLUGIN_FORM
    if isinstance(value, int) and not isinstance(value, bool):
        return value, PLUGIN_FORM
    deprecated = answer.get(old_key + "Deprecated")
    return (deprecated if isinstance(deprecated, int) else None), SCHEMA_FORM


def requirement_fields(answer):
    """A repository's requirements as the module's fields, and the reading of each counted check."""
    fields = dict(required_all_approvers=answer.get("requiredAllApprovers"), required_all_tasks_complete=answer.get("requiredAllTasksComplete"))
    readings = {}
    for field in COUNTED_CHECKS:
        fields[field], readings[field] = counted_check(answer, field)
    return fields, readings


def merge_config_body(fields, template_managed):
    """The ``mergeConfig`` of a write: the enabled strategies, the default, and the rest when known.

    spec setMergeConfig: an empty ``commitMessageTemplate`` deletes the template and a missing one keeps it, so the
    template goes when it is managed or there is one to keep.
    """
    config = dict(strategies=[dict(id=strategy) for strategy in fields["merge_strategies"]], defaultStrategy=dict(id=fields["default_strategy"]))
    if fields.get("commit_summaries") is not None:
        config["commitSummaries"] = fields["commit_summaries"]
    if template_managed or fields.get("commit_message_template"):
        config["commitMessageTemplate"] = fields.get("commit_message_template") or {}
    return config


def requirements_body(fields, readings):
    """Every requirement of a repository, counts as strings (API-MAP 3.22), in the reading the server showed."""
    body = dict(requiredAllApprovers=bool(fields["required_all_approvers"]), requiredAllTasksComplete=bool(fields["required_all_tasks_complete"]))
    for field, (old_key, plugin_key) in COUNTED_CHECKS.items():
        count = fields[field] or 0
        if readings.get(field) == PLUGIN_FORM:
            body[plugin_key] = dict(enabled=count > 0, count=count)
        else:
            body[old_key] = dict(enabled=count > 0, count=str(count))
    return body
