#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, bitbucket.datacenter contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: bitbucket_migration
short_description: Run Bitbucket Data Center migration jobs (exports, imports, Mesh migrations) to the end
version_added: 1.0.0
description:
  - Starts a Data Center migration job and, by default, waits in the same task until it has ended, keeping a log of its progress
    (RV(progress_log)) and returning its messages (RV(messages)). An export writes the selected projects' and repositories' archive
    into C(data/migration/export) of the shared home; an import reads one from C(data/migration/import); a Mesh migration moves
    repositories onto the Bitbucket Mesh nodes.
  - Also previews what a job would select (O(operation=preview)), cancels a running job (O(operation=cancel)), and reads a job with its
    messages, and for Mesh migrations its summaries and the state of each repository (O(operation=status)).
  - A job that ends in any state but C(COMPLETED) fails the task, with the job's errors in the message.
  - Bitbucket runs at most 2 exports at a time on each cluster node, 1 import and 1 Mesh migration at a time in the cluster. A job
    refused for that reason fails the task with an explanation; nothing is started.
options:
  type:
    description:
      - The kind of job.
    type: str
    required: true
    choices: [export, import, mesh]
  operation:
    description:
      - V(start) starts a job (in check mode, previews it instead); V(preview) lists what the job would select and starts nothing;
        V(cancel) asks the job O(job_id) to stop and waits until it has; V(status) reads the job O(job_id).
      - Bitbucket cannot preview an import.
    type: str
    choices: [start, preview, cancel, status]
    default: start
  job_id:
    description:
      - The job to cancel or read. Required with O(operation=cancel), and with O(operation=status) except for a Mesh migration, where
        the module then reads the active job's summary and the summaries of every Mesh migration.
    type: int
  projects:
    description:
      - Keys of the projects whose every repository is selected. For exports and Mesh migrations.
    type: list
    elements: str
    default: []
  repositories:
    description:
      - Repositories selected one by one, as C(PROJECT/slug). For exports; a Mesh migration selects repositories by O(repository_ids).
    type: list
    elements: str
    default: []
  all_repositories:
    description:
      - Select every repository of the instance. For exports and Mesh migrations.
      - A Mesh migration with nothing selected would move every repository; the module asks for this option to be set instead.
    type: bool
    default: false
  project_ids:
    description:
      - Ids of projects whose every repository a Mesh migration selects, in addition to O(projects).
    type: list
    elements: int
    default: []
  repository_ids:
    description:
      - Ids of repositories a Mesh migration selects.
    type: list
    elements: int
    default: []
  export_location:
    description:
      - Where an export writes its archive, relative to C(data/migration/export) in the shared home directory.
    type: str
  archive_path:
    description:
      - The archive an import reads, relative to C(data/migration/import) in the shared home directory. Required to start an import.
    type: str
  max_bytes_per_second:
    description:
      - The bandwidth a Mesh migration may use, in bytes per second. Without it, Bitbucket does not limit it.
    type: int
  message_severities:
    description:
      - The severities of the job messages to return in RV(messages). All of them when not set.
    type: list
    elements: str
    choices: [INFO, WARN, ERROR]
  wait:
    description:
      - Wait until the job has ended. Without it, a started job is returned as Bitbucket first describes it, and runs on.
    type: bool
    default: true
  wait_timeout:
    description:
      - How many seconds to wait for the job at most. When it is still running then, the task fails; the job goes on in Bitbucket.
    type: int
    default: 3600
  poll_interval:
    description:
      - Seconds between two reads of the job while waiting.
    type: float
    default: 5
extends_documentation_fragment:
  - bitbucket.datacenter.connection
  - bitbucket.datacenter.attributes
  - bitbucket.datacenter.attributes.action_group
attributes:
  check_mode:
    support: partial
    details:
      - O(operation=start) previews the export or Mesh migration in check mode and starts nothing; an import cannot be previewed, and
        is only predicted.
  diff_mode:
    support: none
  idempotent:
    support: partial
    details:
      - Every run with O(operation=start) starts a new job. O(operation=cancel), O(operation=preview) and O(operation=status) change
        nothing once the job has ended.
notes:
  - Exports and imports need the ADMIN global permission, Mesh migrations SYS_ADMIN.
  - When the answer to a start request is lost (a connection dropped, a server error), the job may have started all the same.
    Bitbucket lists no export or import jobs, so the module then fails without starting another one; for a Mesh migration it finds
    the active job and waits for it.
seealso:
  - module: bitbucket.datacenter.bitbucket_mesh_node
  - name: Bitbucket Data Center REST API, migration
    description: The endpoints this module uses.
    link: https://developer.atlassian.com/server/bitbucket/rest/v906/api-group-system-maintenance/#api-api-latest-migration-exports-post
author:
  - Bitbucket Data Center collection maintainers (@bitbucket-datacenter)
"""

EXAMPLES = r"""
- name: Export two projects to the shared home, and wait for it
  bitbucket.datacenter.bitbucket_migration:
    url: https://bitbucket.example.com
    username: admin
    password: "{{ bitbucket_admin_password }}"
    type: export
    projects: [PLAT, WEB]
    repositories: [DOCS/handbook]
    export_location: nightly
    poll_interval: 30
    wait_timeout: 7200
  register: export

- name: The archive it wrote
  ansible.builtin.debug:
    msg: "{{ export.messages | map(attribute='text') | select('search', 'archive') | list }}"

- name: Import that archive on the new instance
  bitbucket.datacenter.bitbucket_migration:
    url: https://bitbucket-new.example.com
    username: admin
    password: "{{ new_admin_password }}"
    type: import
    archive_path: "Bitbucket_export_{{ export.job.id }}.tar"

- name: Move one project onto Mesh, limited to 50 MB/s, without waiting
  bitbucket.datacenter.bitbucket_migration:
    url: https://bitbucket.example.com
    username: sysadmin
    password: "{{ bitbucket_sysadmin_password }}"
    type: mesh
    projects: [PLAT]
    max_bytes_per_second: 52428800
    wait: false
  register: mesh_job

- name: Later, how far it got
  bitbucket.datacenter.bitbucket_migration:
    url: https://bitbucket.example.com
    username: sysadmin
    password: "{{ bitbucket_sysadmin_password }}"
    type: mesh
    operation: status
    job_id: "{{ mesh_job.job.id }}"
    message_severities: [WARN, ERROR]
"""

RETURN = r"""
job:
  description:
    - The job as Bitbucket describes it at the end of the task (dates in epoch milliseconds). Empty in check mode for O(operation=start).
  returned: except with O(operation=preview), and O(operation=status) of a Mesh migration without O(job_id)
  type: dict
  sample:
    id: 12
    state: COMPLETED
    type: com.atlassian.bitbucket.migration.export
    progress: {percentage: 100, message: Export completed}
    nodeId: d4fde8b1-2504-4998-a0ba-14fbe98edd4d
    startDate: 1767225600000
    endDate: 1767225660000
progress_log:
  description: What the job reported while the module waited, one entry each time its state, percentage or message changed.
  returned: when the module waited for the job
  type: list
  elements: dict
  sample:
    - {state: INITIALISING, percentage: 0, message: Preparing the export}
    - {state: RUNNING, percentage: 50, message: Exporting repository 2 of 4 (PLAT/api)}
    - {state: COMPLETED, percentage: 100, message: Export completed}
messages:
  description: The job's messages (of O(message_severities)), as Bitbucket gives them (C(createdDate) in epoch milliseconds).
  returned: when the job has ended, and with O(operation=status)
  type: list
  elements: dict
  sample:
    - {id: "617", severity: WARN, subject: PLAT/old, text: "Repository PLAT/old already exists; it was not imported", createdDate: 1767225630000}
preview:
  description: What the job would select. For an export C(scopes) (projects and repositories by id), for a Mesh migration C(repositories).
  returned: with O(operation=preview), and with O(operation=start) in check mode (except imports)
  type: dict
  sample:
    scopes:
      - {type: PROJECT, resourceId: 1}
      - {type: REPOSITORY, resourceId: 11}
summary:
  description: The Mesh migration's summary (C(state), C(progress), C(queue) of repository states, C(startTime), C(endTime)).
    Without O(job_id), the active Mesh migration's; empty when none is active.
  returned: for Mesh migrations, except in check mode and with O(operation=preview)
  type: dict
summaries:
  description: The summaries of every Mesh migration, newest first.
  returned: with O(operation=status) of a Mesh migration without O(job_id)
  type: list
  elements: dict
repositories:
  description: The repositories of the Mesh migration with their C(migrationState), or every repository when no migration is active.
  returned: with O(operation=status) of a Mesh migration
  type: list
  elements: dict
http_trace:
  description: The HTTP requests the module made (method, path, query with secrets masked, status, duration). No bodies.
  returned: when Ansible runs with C(-vvv) or more
  type: list
  elements: dict
"""

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._jobs import SEVERITIES, cancel_job, follow_job, has_ended, job_messages
from ansible_collections.bitbucket.datacenter.plugins.module_utils._migration import (
    NOUNS,
    build_request,
    explain_limit,
    migration_path,
    validate,
)
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure, run_module
from ansible_collections.bitbucket.datacenter.plugins.module_utils._polling import wait_argument_spec

MODULE_SPEC = dict(
    argument_spec=dict(
        type=dict(type="str", required=True, choices=["export", "import", "mesh"]),
        operation=dict(type="str", choices=["start", "preview", "cancel", "status"], default="start"),
        job_id=dict(type="int"),
        projects=dict(type="list", elements="str", default=[]),
        repositories=dict(type="list", elements="str", default=[]),
        all_repositories=dict(type="bool", default=False),
        project_ids=dict(type="list", elements="int", default=[]),
        repository_ids=dict(type="list", elements="int", default=[]),
        export_location=dict(type="str"),
        archive_path=dict(type="str"),
        max_bytes_per_second=dict(type="int"),
        message_severities=dict(type="list", elements="str", choices=SEVERITIES),
        **wait_argument_spec(wait_timeout=3600, poll_interval=5.0)
    ),
)


def run(context):
    params = context.params
    validate(params)
    operation = params["operation"]
    if operation == "status":
        return status(context)
    if operation == "cancel":
        return cancel(context)
    kind = params["type"]
    client = context.client
    body = build_request(client, params)
    if kind == "mesh" and operation == "start":
        refuse_while_a_mesh_migration_runs(client)
    if operation == "preview" or (context.check_mode and kind != "import"):
        # The previews only enumerate the selection (seed 003): a POST that changes nothing.
        preview = client.post(migration_path(kind, "preview"), json=body, read_only=True).body or {}
        return dict(changed=operation == "start", preview=preview, job={}) if operation == "start" else dict(changed=False, preview=preview)
    if context.check_mode:
        return dict(changed=True, job={})
    return follow(context, start(context, kind, body))


def refuse_while_a_mesh_migration_runs(client):
    """One Mesh migration at a time per cluster (seed 003): say which one runs, before asking for another."""
    active = client.get(migration_path("mesh", "summary"), missing_ok=True)
    if active is not None and active.get("jobId") is not None and not has_ended(active):
        raise ModuleFailure(
            "Bitbucket runs one Mesh migration at a time, and Mesh migration job %s is %s (%s%%); wait for it with operation=status and "
            "job_id=%s, or stop it with operation=cancel" % (active["jobId"], active.get("state"), active.get("progress"), active["jobId"]),
            active_job_id=active["jobId"],
        )


def start(context, kind, body):
    client = context.client
    try:
        return client.post(migration_path(kind), json=body).body
    except BitbucketError as exc:
        if exc.status == 503:
            explain_limit(exc, kind)
            raise
        if not exc.maybe_applied:
            raise
        failure = exc
    if kind == "mesh":
        # The answer is lost, but Bitbucket runs one Mesh migration at a time and shows it: follow it if it is the one just started.
        active = client.get(migration_path("mesh", "summary"), missing_ok=True)
        if active is not None and active.get("jobId") is not None:
            context.warn("The answer to the start of the Mesh migration was lost (%s); following the active Mesh migration, job %s"
                         % (failure, active["jobId"]))
            return client.get(migration_path("mesh", str(active["jobId"])))
    raise ModuleFailure(
        "%s - the %s may have started all the same. Bitbucket lists no %s jobs, so the module does not start another one: look for it "
        "in Administration > Migration before running the task again" % (failure, NOUNS[kind], NOUNS[kind]),
        changed=True,
        **failure.details()
    )


def follow(context, job, expect="COMPLETED"):
    kind = context.params["type"]
    path = migration_path(kind, str(job["id"]))
    return follow_job(context, path, NOUNS[kind], job, expect, extra=mesh_summary(context.client, path) if kind == "mesh" else None)


def mesh_summary(client, job_path):
    def add(result):
        result["summary"] = client.get(job_path + "/summary") or {}

    return add


def cancel(context):
    params = context.params
    kind = params["type"]
    path = migration_path(kind, str(params["job_id"]))
    job = read_job(context.client, kind, params["job_id"])
    return cancel_job(context, path, NOUNS[kind], job, extra=mesh_summary(context.client, path) if kind == "mesh" else None)


def read_job(client, kind, job_id):
    job = client.get(migration_path(kind, str(job_id)), missing_ok=True)
    if job is None:
        raise ModuleFailure("%s job %s does not exist" % (NOUNS[kind].capitalize(), job_id), job_id=job_id)
    return job


def status(context):
    params = context.params
    client = context.client
    kind = params["type"]
    severities = params["message_severities"]
    if kind == "mesh" and params["job_id"] is None:
        active = client.get(migration_path("mesh", "summary"), missing_ok=True) or {}
        return dict(
            changed=False,
            summary=active,
            summaries=client.get_paged(migration_path("mesh", "summaries")),
            repositories=client.get_paged(migration_path("mesh", "repos")),
        )
    job = read_job(client, kind, params["job_id"])
    path = migration_path(kind, str(job["id"]))
    result = dict(changed=False, job=job, messages=job_messages(client, path, severities))
    if kind == "mesh":
        result["summary"] = client.get(path + "/summary") or {}
        result["repositories"] = client.get_paged(migration_path("mesh", "repos"), params=dict(migrationId=str(job["id"])))
    return result


def main():
    run_module(MODULE_SPEC, run)


if __name__ == "__main__":
    main()
