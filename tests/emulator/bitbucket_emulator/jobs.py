"""Migration jobs: exports, imports and Mesh migrations that progress over emulator time.

Sources: seed 003 "migration" (start, preview, job, cancel, messages for each kind; the concurrency
limits), spec RestJob / RestJobMessage / RestMeshMigrationSummary / RestMigrationRepository, API-MAP
section 5 (the note on migration jobs).

A job works through its repositories one step at a time, each step ``STEP_MS`` of emulator time
(``State.now_ms``: the wall clock as moved by ``/_emulator/clock``, which tests freeze and make tick
per request, so that a job advances exactly one step per request):

=============  ==============================================================
step 1         INITIALISING -> RUNNING
steps 2..n+1   one repository each; ``progress.percentage`` = done / n
step n+2       RUNNING -> FINALISING (an export writes its archive)
step n+3       FINALISING -> COMPLETED (or FAILED when a repository failed)
=============  ==============================================================

Seed 003 cancel: "There might be a small delay between accepting the request and actually cancelling
the job": a cancelled job is CANCELING until its next step, then CANCELED. Every job takes the steps
that are due before each request is handled (REST or control), so what a request sees, or changes,
comes after them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .mesh import REPLICATION_FACTOR

STEP_MS = 1000
# spec RestJob.state; READY is never used by these jobs.
TERMINAL_STATES = frozenset(("COMPLETED", "FAILED", "CANCELED", "TIMED_OUT", "ABORTED"))
# seed 003 / spec: "Only 2 concurrent exports are supported per cluster node", "Only 1 import at a time is
# supported per cluster", "Only 1 job is supported per cluster" (Mesh).
EXPORTS_PER_NODE = 2
IMPORTS_PER_CLUSTER = 1
MESH_MIGRATIONS_PER_CLUSTER = 1
# The seed's examples give every kind the type of the export example; the import and Mesh names follow it.
JOB_TYPES = {
    "export": "com.atlassian.bitbucket.migration.export",
    "import": "com.atlassian.bitbucket.migration.import",
    "mesh": "com.atlassian.bitbucket.migration.mesh",
}
# (noun at the start of a sentence, noun inside one, -ing form, past participle)
_WORDS = {
    "export": ("Export", "export", "Exporting", "exported"),
    "import": ("Import", "import", "Importing", "imported"),
    "mesh": ("Mesh migration", "Mesh migration", "Migrating", "migrated"),
}
# spec RestMigrationRepository.migrationState.
MIGRATION_STATES = ("QUEUED", "STAGING", "STAGED", "MIGRATED", "FAILED", "CANCELED", "SKIPPED")
SEVERITIES = ("INFO", "WARN", "ERROR")


@dataclass
class JobItem:
    """One repository a job works on: where it is (or goes) and what became of it."""

    project_key: str
    project_name: str
    slug: str
    name: str
    repo_id: int | None = None
    outcome: str = "QUEUED"


@dataclass
class MigrationJob:
    id: int
    kind: str                 # export, import or mesh
    node_id: str
    initiator: dict           # RestApplicationUser of whoever started it
    start: int
    items: list
    state: str = "INITIALISING"
    done: int = 0             # items processed
    steps: int = 0            # steps taken
    updated: int = 0
    end: int | None = None
    messages: list = field(default_factory=list)
    archive: str | None = None          # export: the archive it writes; import: the archive it reads
    export_location: str | None = None
    max_bandwidth: int | None = None    # mesh: bytes per second, when limited

    @property
    def active(self):
        return self.state not in TERMINAL_STATES

    @property
    def percentage(self):
        if self.state in ("FINALISING", "COMPLETED"):
            return 100
        return (100 * self.done) // len(self.items) if self.items else 0

    def progress_message(self):
        title, noun, verb, done_word = _WORDS[self.kind]
        if self.state == "INITIALISING":
            return f"Preparing the {noun}"
        if self.state == "RUNNING" and self.done < len(self.items):
            item = self.items[self.done]
            return f"{verb} repository {self.done + 1} of {len(self.items)} ({item.project_key}/{item.slug})"
        if self.state == "RUNNING":
            return f"{len(self.items)} of {len(self.items)} repositories {done_word}"
        if self.state == "FINALISING":
            return "Writing the export archive" if self.kind == "export" else f"Finishing the {noun}"
        if self.state == "CANCELING":
            return f"Cancelling the {noun}"
        return f"{title} {self.state.lower().replace('_', ' ')}"

    def to_rest(self):
        """RestJob (spec; seed 003 example): endDate only once the job has ended."""
        body = {
            "id": self.id,
            "state": self.state,
            "type": JOB_TYPES[self.kind],
            "progress": {"message": self.progress_message(), "percentage": self.percentage},
            "nodeId": self.node_id,
            "initiator": self.initiator,
            "startDate": self.start,
            "updatedDate": self.updated,
        }
        if self.end is not None:
            body["endDate"] = self.end
        return body

    def summary(self):
        """RestMeshMigrationSummary (spec; seed 003 example) of a Mesh migration."""
        queue = {}
        for item in self.items:
            queue[item.outcome] = queue.get(item.outcome, 0) + 1
        body = {"queue": queue, "state": self.state, "progress": self.percentage, "startTime": self.start, "jobId": self.id}
        if self.end is not None:
            body["endTime"] = self.end
        if self.max_bandwidth is not None:
            body["maxBandwidth"] = self.max_bandwidth
        return body


def add_message(state, job, severity, text, at, subject="job"):
    """A RestJobMessage; ``createdDate`` is epoch ms like every date of a live server (API-MAP 1.8)."""
    job.messages.append({"subject": subject, "id": str(state.next_job_message_id()), "createdDate": at, "severity": severity, "text": text})


def cancel(state, job, principal_name, now):
    """Mark a running job for cancellation; the next step cancels it (seed 003 cancel)."""
    job.state = "CANCELING"
    job.updated = now
    add_message(state, job, "INFO", f"Cancellation requested by {principal_name}", now)


def advance(state, job, now):
    """Take every step of ``job`` that is due at ``now``."""
    while job.active:
        due = job.start + (job.steps + 1) * STEP_MS
        if due > now:
            return
        job.steps += 1
        job.updated = due
        _step(state, job, due)


def _step(state, job, at):
    title, noun, _verb, done_word = _WORDS[job.kind]
    if job.state == "CANCELING":
        for item in job.items[job.done:]:
            item.outcome = "CANCELED"
        _finish(state, job, "CANCELED", at, f"The {noun} was canceled after {job.done} of {len(job.items)} repositories")
        return
    if job.state == "INITIALISING":
        job.state = "RUNNING"
        add_message(state, job, "INFO", f"{title} of {len(job.items)} repositories started", at)
        return
    if job.state == "RUNNING" and job.done < len(job.items):
        item = job.items[job.done]
        _PROCESS[job.kind](state, job, item, at, done_word)
        job.done += 1
        return
    if job.state == "RUNNING":
        job.state = "FINALISING"
        if job.kind == "export":
            job.archive = f"Bitbucket_export_{job.id}.tar"
            exported = [item for item in job.items if item.outcome == "MIGRATED"]
            state.migration_archives[job.archive] = [JobItem(i.project_key, i.project_name, i.slug, i.name) for i in exported]
            location = "data/migration/export/" + (job.export_location.strip("/") + "/" if job.export_location else "")
            add_message(state, job, "INFO", f"The export archive is {location}{job.archive}", at)
        return
    failed = [item for item in job.items if item.outcome == "FAILED"]
    if failed:
        _finish(state, job, "FAILED", at, f"{title} failed for {len(failed)} of {len(job.items)} repositories", "ERROR")
    else:
        migrated = len([item for item in job.items if item.outcome == "MIGRATED"])
        _finish(state, job, "COMPLETED", at, f"{title} completed: {migrated} of {len(job.items)} repositories {done_word}")


def _finish(state, job, final_state, at, text, severity="INFO"):
    job.state = final_state
    job.end = at
    add_message(state, job, severity, text, at)


def _export_item(state, job, item, at, done_word):
    project = state.find_project(item.project_key)
    repo = project.repos.get(item.slug) if project else None
    if repo is None:
        item.outcome = "SKIPPED"
        add_message(state, job, "WARN", f"Repository {item.project_key}/{item.slug} was deleted before it could be exported; skipped", at,
                    subject=f"{item.project_key}/{item.slug}")
        return
    item.outcome = "MIGRATED"
    add_message(state, job, "INFO", f"Repository {item.project_key}/{item.slug} {done_word}", at, subject=f"{item.project_key}/{item.slug}")


def _import_item(state, job, item, at, done_word):
    subject = f"{item.project_key}/{item.slug}"
    project = state.find_project(item.project_key)
    if project is not None and item.slug in project.repos:
        item.outcome = "SKIPPED"
        add_message(state, job, "WARN", f"Repository {subject} already exists; it was not imported", at, subject=subject)
        return
    if project is None:
        project = state.add_project(item.project_key, item.project_name)
        add_message(state, job, "INFO", f"Project {project.key} {done_word}", at, subject=project.key)
    repo = state.add_repository(project, item.slug, item.name)
    item.repo_id = repo.id
    item.outcome = "MIGRATED"
    add_message(state, job, "INFO", f"Repository {subject} {done_word}", at, subject=subject)


def _mesh_item(state, job, item, at, done_word):
    subject = f"{item.project_key}/{item.slug}"
    project, repo = state.find_repository_by_id(item.repo_id)
    if repo is None:
        item.outcome = "SKIPPED"
        add_message(state, job, "WARN", f"Repository {subject} was deleted before it could be migrated; skipped", at, subject=subject)
        return
    nodes = [node for node in state.sorted_mesh_nodes() if node.state == "AVAILABLE"][:REPLICATION_FACTOR]
    if not nodes:
        item.outcome = "FAILED"
        add_message(state, job, "ERROR", f"Repository {subject} could not be migrated: no Mesh node is available", at, subject=subject)
        return
    for node in nodes:
        node.repo_ids.add(repo.id)
    item.outcome = "MIGRATED"
    add_message(state, job, "INFO", f"Repository {subject} {done_word} to Mesh nodes {', '.join(node.name for node in nodes)}", at, subject=subject)


_PROCESS = {"export": _export_item, "import": _import_item, "mesh": _mesh_item}
