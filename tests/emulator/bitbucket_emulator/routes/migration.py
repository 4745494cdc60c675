"""Data Center migration: exports, imports and Mesh migrations (seed 003 "migration"; API-MAP section 5 and
section 6 rows 64-81). The jobs themselves, and how they progress over emulator time, are in jobs.py.

* Exports and imports need ADMIN, Mesh migrations SYS_ADMIN (seed 003, each operation).
* Concurrency limits (seed 003 / spec startExport, startImport, startMeshMigration): 2 exports per cluster
  node, 1 import and 1 Mesh migration per cluster; one more is refused with 503 and the documented reason.
* The previews only enumerate what a job would select: they are POSTs that change nothing (``read_only``).
* An export writes ``Bitbucket_export_<id>.tar``; the emulator treats the archives its exports wrote as if
  an administrator had copied them into ``data/migration/import``, so they can be imported again.
"""

from __future__ import annotations

import posixpath

from ..errors import NO_SUCH_ENTITY_EXCEPTION, ApiError, bad_request
from ..jobs import (
    EXPORTS_PER_NODE,
    IMPORTS_PER_CLUSTER,
    MESH_MIGRATIONS_PER_CLUSTER,
    MIGRATION_STATES,
    SEVERITIES,
    JobItem,
    MigrationJob,
    add_message,
    cancel,
)
from ..mesh import MESH_VERSION
from ..permissions import require_global
from ..web import Route, empty, matches_filter
from .repository_views import repository_rest

SERVICE_UNAVAILABLE_EXCEPTION = "com.atlassian.bitbucket.migration.MigrationJobLimitExceededException"
_PERMISSION = {"export": "ADMIN", "import": "ADMIN", "mesh": "SYS_ADMIN"}
_NOUNS = {"export": "export", "import": "import", "mesh": "Mesh migration"}


def _begin(ctx, kind):
    if kind == "mesh" and not ctx.app.version_at_least(*MESH_VERSION):
        raise ApiError(404, f"No resource found for {ctx.request.method} {ctx.request.path}.")
    require_global(ctx.state, ctx.principal, _PERMISSION[kind])


def _load_job(ctx, kind, job_id):
    job = ctx.state.jobs.get(int(job_id)) if str(job_id).isdigit() else None
    if job is None or job.kind != kind:
        raise ApiError(404, f"No {_NOUNS[kind]} job with ID {job_id} exists.", NO_SUCH_ENTITY_EXCEPTION)
    return job


def _limit_reached(kind):
    # The spec's own 503 descriptions, word for word.
    if kind == "mesh":
        return ApiError(503, "A migration job is already in progress", SERVICE_UNAVAILABLE_EXCEPTION)
    return ApiError(503, f"The {kind} could not be started because the limit of concurrent migration jobs has been reached.",
                    SERVICE_UNAVAILABLE_EXCEPTION)


def _check_limit(ctx, kind):
    state = ctx.state
    active = [job for job in state.jobs.values() if job.kind == kind and job.active]
    if kind == "export":
        local = state.local_cluster_node().id
        if len([job for job in active if job.node_id == local]) >= EXPORTS_PER_NODE:
            raise _limit_reached(kind)
    elif len(active) >= (IMPORTS_PER_CLUSTER if kind == "import" else MESH_MIGRATIONS_PER_CLUSTER):
        raise _limit_reached(kind)


def _relative_path(value, field, directory):
    if not isinstance(value, str) or not value.strip():
        raise bad_request(f"{field} must be provided.", field)
    normalised = posixpath.normpath(value)
    if value.startswith("/") or normalised == ".." or normalised.startswith("../") or "\\" in value:
        raise bad_request(f"{field} must be a relative path within {directory} in the shared home directory.", field)
    return normalised


def _start(ctx, kind, items, **fields):
    state = ctx.state
    job = MigrationJob(id=state.new_job_id(), kind=kind, node_id=state.local_cluster_node().id, initiator=ctx.principal.user.to_rest(),
                       start=state.now_ms(), items=items, **fields)
    job.updated = job.start
    state.jobs[job.id] = job
    add_message(state, job, "INFO", f"{_NOUNS[kind].capitalize()} job {job.id} accepted on node {state.local_cluster_node().name}", job.start)
    return 200, job.to_rest()


# -- exports ------------------------------------------------------------------------------------------

def _export_selection(ctx, body):
    """The repositories a RestExportRequest selects, de-duplicated, in project key and slug order (seed 003 startExport)."""
    state = ctx.state
    request = body.get("repositoriesRequest")
    includes = request.get("includes") if isinstance(request, dict) else None
    if not isinstance(includes, list) or not includes:
        raise bad_request("repositoriesRequest.includes must list at least one selector.", "repositoriesRequest")
    selected = {}
    for selector in includes:
        if not isinstance(selector, dict) or not isinstance(selector.get("projectKey"), str) or not isinstance(selector.get("slug"), str):
            raise bad_request("Each selector needs a projectKey and a slug.", "repositoriesRequest.includes")
        key, slug = selector["projectKey"], selector["slug"]
        if key == "*":
            if slug != "*":
                raise bad_request('A selector for every project must select every repository: projectKey "*" with slug "*".',
                                  "repositoriesRequest.includes")
            projects = state.sorted_projects()
        else:
            project = state.find_project(key)
            if project is None:
                raise bad_request(f"Project {key} does not exist.", "repositoriesRequest.includes")
            projects = [project]
        for project in projects:
            repos = list(project.repos.values()) if slug == "*" else [project.repos.get(slug.lower())]
            if repos == [None]:
                raise bad_request(f"Repository {key}/{slug} does not exist.", "repositoriesRequest.includes")
            for repo in repos:
                selected[repo.id] = (project, repo)
    return sorted(selected.values(), key=lambda pair: (pair[0].key, pair[1].slug))


def _export_location(body):
    location = body.get("exportLocation")
    if location is None:
        return None
    return _relative_path(location, "exportLocation", "data/migration/export")


def preview_export(ctx):
    # seed 003 previewExport: the projects and repositories an export would contain, projects as items of their own.
    _begin(ctx, "export")
    body = ctx.json_object()
    _export_location(body)
    selection = _export_selection(ctx, body)
    scopes, seen = [], set()
    for project, repo in selection:
        if project.id not in seen:
            seen.add(project.id)
            scopes.append({"type": "PROJECT", "resourceId": project.id})
        scopes.append({"type": "REPOSITORY", "resourceId": repo.id})
    return 200, {"scopes": scopes}


def start_export(ctx):
    _begin(ctx, "export")
    body = ctx.json_object()
    location = _export_location(body)
    selection = _export_selection(ctx, body)
    if not selection:
        raise bad_request("The selection does not match any repository.", "repositoriesRequest")
    _check_limit(ctx, "export")
    items = [JobItem(project.key, project.name, repo.slug, repo.name, repo.id) for project, repo in selection]
    return _start(ctx, "export", items, export_location=location)


# -- imports ------------------------------------------------------------------------------------------

def start_import(ctx):
    # seed 003 startImport: "The path in the request must point to a valid archive file ... within data/migration/import".
    _begin(ctx, "import")
    body = ctx.json_object()
    path = _relative_path(body.get("archivePath"), "archivePath", "data/migration/import")
    archive = ctx.state.migration_archives.get(posixpath.basename(path))
    if archive is None:
        raise bad_request(f"The archive {path} does not exist in data/migration/import, or is not a valid export archive.", "archivePath")
    _check_limit(ctx, "import")
    items = [JobItem(item.project_key, item.project_name, item.slug, item.name) for item in archive]
    return _start(ctx, "import", items, archive=path)


# -- Mesh migrations ------------------------------------------------------------------------------

def _id_list(body, field):
    value = body.get(field)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, int) and not isinstance(item, bool) for item in value):
        raise bad_request(f"{field} must be a list of ids.", field)
    return value


def _mesh_selection(ctx, body):
    """The repositories a RestMeshMigrationRequest selects (seed 003 startMeshMigration: additive lists; both empty, or all, selects all)."""
    state = ctx.state
    if body.get("all") is not None and not isinstance(body.get("all"), bool):
        raise bad_request("all must be true or false.", "all")
    project_ids = _id_list(body, "projectIds")
    repository_ids = _id_list(body, "repositoryIds")
    selected = {}
    if body.get("all") or not (project_ids or repository_ids):
        for project in state.projects.values():
            for repo in project.repos.values():
                selected[repo.id] = (project, repo)
    for project_id in project_ids:
        project = state.projects.get(project_id)
        if project is None:
            raise bad_request(f"No project with ID {project_id} exists.", "projectIds")
        for repo in project.repos.values():
            selected[repo.id] = (project, repo)
    for repo_id in repository_ids:
        project, repo = state.find_repository_by_id(repo_id)
        if repo is None:
            raise bad_request(f"No repository with ID {repo_id} exists.", "repositoryIds")
        selected[repo.id] = (project, repo)
    return sorted(selected.values(), key=lambda pair: (pair[0].key, pair[1].slug))


def _bandwidth(body):
    limit = body.get("maxBytesPerSecond")
    if limit is None:
        return None
    if not isinstance(limit, dict) or (limit.get("present") and not (isinstance(limit.get("asLong"), int) and limit["asLong"] > 0)):
        raise bad_request("maxBytesPerSecond must hold asLong, the bytes per second (above 0), and present true.", "maxBytesPerSecond")
    return limit["asLong"] if limit.get("present") else None


def preview_mesh(ctx):
    # seed 003 previewMeshMigration: {"repositories": [RestRepository...]}.
    _begin(ctx, "mesh")
    body = ctx.json_object()
    _bandwidth(body)
    return 200, {"repositories": [repository_rest(ctx, project, repo) for project, repo in _mesh_selection(ctx, body)]}


def start_mesh(ctx):
    _begin(ctx, "mesh")
    state = ctx.state
    body = ctx.json_object()
    bandwidth = _bandwidth(body)
    selection = _mesh_selection(ctx, body)
    _check_limit(ctx, "mesh")
    if not any(node.state == "AVAILABLE" for node in state.mesh_nodes.values()):
        raise bad_request("No Mesh node is available to migrate repositories to; register one first.")
    if not selection:
        raise bad_request("The selection does not match any repository.")
    items = [JobItem(project.key, project.name, repo.slug, repo.name, repo.id) for project, repo in selection]
    return _start(ctx, "mesh", items, max_bandwidth=bandwidth)


def _active_mesh_job(state):
    active = [job for job in state.jobs.values() if job.kind == "mesh" and job.active]
    return active[0] if active else None


def mesh_summary(ctx):
    # spec getActiveMeshMigrationSummary: 404 "No active migration job found".
    _begin(ctx, "mesh")
    job = _active_mesh_job(ctx.state)
    if job is None:
        raise ApiError(404, "No active migration job found.", NO_SUCH_ENTITY_EXCEPTION)
    return 200, job.summary()


def mesh_summaries(ctx):
    # seed 003 getAllMeshMigrationSummaries: "ordered by when they were started, newest first".
    _begin(ctx, "mesh")
    jobs = sorted((job for job in ctx.state.jobs.values() if job.kind == "mesh"), key=lambda job: job.id, reverse=True)
    return 200, ctx.page(jobs, lambda job: job.summary())


def mesh_job_summary(ctx, job_id):
    _begin(ctx, "mesh")
    return 200, _load_job(ctx, "mesh", job_id).summary()


def mesh_repositories(ctx):
    # seed 003 searchMeshMigrationRepos: with a migration (given, or the active one), only its repositories, with their
    # migrationState; without, every repository and no state ("Filtering by state is ignored when no migration is
    # currently in progress"). `remote`: "Whether the repository has been fully migrated to Mesh".
    _begin(ctx, "mesh")
    state = ctx.state
    migration_id = ctx.query("migrationId")
    job = _load_job(ctx, "mesh", migration_id) if migration_id else _active_mesh_job(state)
    states = [value.upper() for value in ctx.query_list("state")]
    unknown = [value for value in states if value not in MIGRATION_STATES]
    if unknown:
        raise bad_request(f"{unknown[0]} is not a migration state; use one of {', '.join(MIGRATION_STATES)}.", "state")
    remote = ctx.query("remote")
    if remote is not None and remote.lower() not in ("true", "false"):
        raise bad_request(f"The value '{remote}' of 'remote' is not a boolean.", "remote")
    hosted = {repo_id for node in state.mesh_nodes.values() for repo_id in node.repo_ids}
    if job is not None:
        rows = []
        for item in job.items:
            project, repo = state.find_repository_by_id(item.repo_id)
            if repo is not None:
                rows.append((project, repo, item.outcome))
    else:
        rows = [(project, repo, None) for project in state.sorted_projects() for repo in sorted(project.repos.values(), key=lambda r: r.slug)]
    keys = {key.upper() for key in ctx.query_list("projectKey")}
    rows = [
        row for row in rows
        if (not keys or row[0].key in keys)
        and matches_filter(ctx.query("name"), row[1].name)
        and (job is None or not states or row[2] in states)
        and (remote is None or (row[1].id in hosted) == (remote.lower() == "true"))
    ]

    def to_rest(row):
        project, repo, outcome = row
        body = {"repository": repository_rest(ctx, project, repo)}
        if outcome is not None:
            body["migrationState"] = outcome
        return body

    return 200, ctx.page(rows, to_rest)


# -- what every kind has -----------------------------------------------------------------------------

def _job_routes(kind, prefix):
    def get_job(ctx, job_id):
        _begin(ctx, kind)
        return 200, _load_job(ctx, kind, job_id).to_rest()

    def cancel_job(ctx, job_id):
        # seed 003 cancel: 204 when the job still runs; an error (409 in the spec) once it has finished or was cancelled before.
        _begin(ctx, kind)
        job = _load_job(ctx, kind, job_id)
        if not job.active or job.state == "CANCELING":
            raise ApiError(409, f"The {_NOUNS[kind]} job {job.id} is {job.state} and can no longer be canceled.")
        cancel(ctx.state, job, ctx.principal.user.name, ctx.state.now_ms())
        return empty(204)

    def job_messages(ctx, job_id):
        # seed 003 messages: every message, or those of the repeated `severity` parameter (INFO, WARN, ERROR); `subject` filters too.
        _begin(ctx, kind)
        job = _load_job(ctx, kind, job_id)
        severities = {value.upper() for value in ctx.query_list("severity")} & set(SEVERITIES) if ctx.query_list("severity") else set(SEVERITIES)
        subject = ctx.query("subject")
        messages = [message for message in job.messages if message["severity"] in severities and (subject is None or message["subject"] == subject)]
        return 200, ctx.page(messages)

    return [
        Route("GET", f"{prefix}/{{jobId}}", get_job),
        Route("POST", f"{prefix}/{{jobId}}/cancel", cancel_job),
        Route("GET", f"{prefix}/{{jobId}}/messages", job_messages),
    ]


MIGRATION = "/api/latest/migration"

ROUTES = [
    Route("POST", f"{MIGRATION}/exports", start_export),
    Route("POST", f"{MIGRATION}/exports/preview", preview_export, read_only=True),
    *_job_routes("export", f"{MIGRATION}/exports"),
    Route("POST", f"{MIGRATION}/imports", start_import),
    *_job_routes("import", f"{MIGRATION}/imports"),
    Route("POST", f"{MIGRATION}/mesh", start_mesh),
    Route("POST", f"{MIGRATION}/mesh/preview", preview_mesh, read_only=True),
    Route("GET", f"{MIGRATION}/mesh/repos", mesh_repositories),
    Route("GET", f"{MIGRATION}/mesh/summaries", mesh_summaries),
    Route("GET", f"{MIGRATION}/mesh/summary", mesh_summary),
    *_job_routes("mesh", f"{MIGRATION}/mesh"),
    Route("GET", f"{MIGRATION}/mesh/{{jobId}}/summary", mesh_job_summary),
]
