# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""A project, or one repository of it: the scope of branch restrictions, default reviewers and webhooks.

Internal to the bitbucket.datacenter collection: this module may change at any time.

The same settings exist at both levels under parallel paths (``.../projects/{key}/...`` and
``.../projects/{key}/repos/{slug}/...``, API-MAP 3.4 and section 8). At repository level Bitbucket may
also list what the project sets (``scope.type`` PROJECT, API-MAP 3.4): such entries are inherited, shown
but never changed by a repository-level task.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import rest_path

SCOPE_ARGUMENT_SPEC = dict(
    project=dict(type="str", required=True, aliases=["project_key"]),
    repository=dict(type="str", aliases=["repository_slug"]),
)


def scope_path(plugin, params, *segments):
    """``/rest/<plugin>/latest/projects/{key}[/repos/{slug}]/<segments>``, every segment encoded."""
    parts = ["projects", params["project"]]
    if params.get("repository"):
        parts += ["repos", params["repository"]]
    return rest_path(plugin, *(parts + list(segments)))


def scope_label(params):
    if params.get("repository"):
        return "repository %s/%s" % (params["project"], params["repository"])
    return "project %s" % params["project"]


def scope_type(params):
    return "REPOSITORY" if params.get("repository") else "PROJECT"


def inherited(item, params):
    """Whether a listed entry belongs to a wider scope than the task's (a project's, seen from a repository).

    An entry without ``scope`` is taken as the task's own: the list was asked of that scope.
    """
    scope = item.get("scope") if isinstance(item, dict) else None
    kind = scope.get("type") if isinstance(scope, dict) else None
    return kind is not None and kind != scope_type(params)
