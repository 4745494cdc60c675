# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

"""Data Center migration jobs: the three kinds, the requests that select what they work on, and their limits.

Internal to the bitbucket.datacenter collection: this module may change at any time.

Seed 003 "migration" (API-MAP section 5 and section 6 rows 64-81): an export selects repositories with
``{"projectKey", "slug"}`` selectors (``*`` for every repository of a project, or of the instance), an
import names an archive in ``data/migration/import``, a Mesh migration selects by project and
repository ids. Only 2 exports run at a time per cluster node, 1 import and 1 Mesh migration per cluster;
Bitbucket refuses one more with 503.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import posixpath

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import rest_path
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure, invalid_option
from ansible_collections.bitbucket.datacenter.plugins.module_utils._polling import check_wait_options

PATHS = {"export": "exports", "import": "imports", "mesh": "mesh"}
NOUNS = {"export": "export", "import": "import", "mesh": "Mesh migration"}
LIMITS = {
    "export": "Bitbucket runs at most 2 exports at a time on each cluster node, and the node that took this request runs 2 already",
    "import": "Bitbucket runs 1 import at a time in the whole cluster, and one is running",
    "mesh": "Bitbucket runs 1 Mesh migration at a time in the whole cluster, and one is running",
}
# The options that say what a job works on, by kind; none of them is used to cancel or read a job.
SELECTION = {
    "export": ("projects", "repositories", "all_repositories", "export_location"),
    "import": ("archive_path",),
    "mesh": ("projects", "project_ids", "repository_ids", "all_repositories", "max_bytes_per_second"),
}
ALL_SELECTION = ("projects", "repositories", "all_repositories", "project_ids", "repository_ids", "export_location", "archive_path",
                 "max_bytes_per_second")


def migration_path(kind, *segments):
    return rest_path("api", "migration", PATHS[kind], *segments)


def _is_set(value):
    return value not in (None, [], False)


def _relative(params, option, directory):
    value = params[option]
    normalised = posixpath.normpath(value or "")
    if not (value or "").strip() or value.startswith("/") or "\\" in value or normalised == ".." or normalised.startswith("../"):
        raise invalid_option(option, "%r must be a path relative to %s in the shared home directory" % (value, directory))


def validate(params):
    """Refuse, before any request, options that do not fit the kind of job and the operation, and values that cannot work."""
    kind, operation = params["type"], params["operation"]
    check_wait_options(params)
    allowed = SELECTION[kind] if operation in ("start", "preview") else ()
    for option in ALL_SELECTION:
        if _is_set(params[option]) and option not in allowed:
            if option == "repositories" and kind == "mesh" and operation in ("start", "preview"):
                raise invalid_option(option, "a Mesh migration selects repositories by id: use repository_ids")
            if operation in ("cancel", "status"):
                raise invalid_option(option, "is used to start or preview a job, not with operation=%s" % operation)
            raise invalid_option(option, "is not used by a%s %s" % ("n" if kind in ("export", "import") else "", NOUNS[kind]))
    if operation in ("cancel", "status"):
        if params["job_id"] is None and not (kind == "mesh" and operation == "status"):
            raise invalid_option("job_id", "required with operation=%s" % operation)
        if params["job_id"] is not None and params["job_id"] < 1:
            raise invalid_option("job_id", "must be a positive number")
        return
    if params["job_id"] is not None:
        raise invalid_option("job_id", "is used with operation=cancel or operation=status; a new job gets its id from Bitbucket")
    if kind == "import":
        if operation == "preview":
            raise invalid_option("operation", "Bitbucket cannot preview an import")
        if params["archive_path"] is None:
            raise invalid_option("archive_path", "required to start an import")
        _relative(params, "archive_path", "data/migration/import")
        return
    if not (params["projects"] or params["repositories"] or params["all_repositories"] or params["project_ids"] or params["repository_ids"]):
        options = "projects, repositories or all_repositories" if kind == "export" else "projects, project_ids, repository_ids or all_repositories"
        raise invalid_option("projects", "select what the %s works on: set %s" % (NOUNS[kind], options))
    for key in params["projects"]:
        if not key.strip() or "/" in key or key == "*":
            raise invalid_option("projects", "%r is not a project key (use all_repositories for every project)" % key)
    for name in params["repositories"]:
        key, _sep, slug = name.partition("/")
        if not key.strip() or not slug.strip() or "/" in slug or "*" in name:
            raise invalid_option("repositories", "%r is not PROJECT/slug (use projects for every repository of a project)" % name)
    for option in ("project_ids", "repository_ids"):
        if any(value < 1 for value in params[option]):
            raise invalid_option(option, "ids are positive numbers")
    if params["export_location"] is not None:
        _relative(params, "export_location", "data/migration/export")
    if params["max_bytes_per_second"] is not None and params["max_bytes_per_second"] < 1:
        raise invalid_option("max_bytes_per_second", "must be 1 or more bytes per second")


def _project_id(client, key):
    project = client.get(rest_path("api", "projects", key), missing_ok=True)
    if project is None:
        raise ModuleFailure("Invalid value for option 'projects': project %s does not exist, or the credentials cannot see it" % key,
                            invalid_option="projects")
    return project["id"]


def build_request(client, params):
    """The body that starts (or previews) the job the options describe (seed 003, each start operation)."""
    kind = params["type"]
    if kind == "import":
        return dict(archivePath=params["archive_path"])
    if kind == "export":
        if params["all_repositories"]:
            includes = [dict(projectKey="*", slug="*")]
        else:
            includes = [dict(projectKey=key, slug="*") for key in params["projects"]]
            includes += [dict(projectKey=name.split("/", 1)[0], slug=name.split("/", 1)[1]) for name in params["repositories"]]
        body = dict(repositoriesRequest=dict(includes=includes))
        if params["export_location"] is not None:
            body["exportLocation"] = params["export_location"]
        return body
    # A Mesh migration selects by ids; project keys are looked up (seed 003 startMeshMigration).
    project_ids = [_project_id(client, key) for key in params["projects"]] + list(params["project_ids"])
    body = dict(all=bool(params["all_repositories"]), projectIds=sorted(set(project_ids)), repositoryIds=sorted(set(params["repository_ids"])))
    if params["max_bytes_per_second"] is not None:
        body["maxBytesPerSecond"] = dict(asLong=params["max_bytes_per_second"], present=True)
    return body


def explain_limit(exc, kind):
    """Bitbucket's 503 for one job too many (spec startExport, startImport, startMeshMigration), with what to do."""
    exc.message += " - %s. Wait for it to end, or cancel it (operation=cancel), then start again; nothing was started" % LIMITS[kind]
    return exc
