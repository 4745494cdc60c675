"""bitbucket_migration: the exact HTTP calls of every scenario, in order (seed 003 "migration", API-MAP section 5).

Check mode previews instead of starting (a POST that only reads); cancel and status read the job first.
"""

from __future__ import annotations

import functools
import json

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_migration
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_migration import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, FIRST_PAGE, Call, errors, page
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

MIGRATION = "/rest/api/latest/migration"
EXPORTS = MIGRATION + "/exports"
IMPORTS = MIGRATION + "/imports"
MESH = MIGRATION + "/mesh"
EXPORT_LIMIT = "The export could not be started because the limit of concurrent migration jobs has been reached."


def job(job_id=7, state="RUNNING", percentage=0, message="Working on it...", kind="export", **extra):
    body = {"id": job_id, "state": state, "type": "com.atlassian.bitbucket.migration." + kind, "progress": {"message": message, "percentage": percentage},
            "nodeId": "node-1", "startDate": 1767225600000, "updatedDate": 1767225600000}
    body.update(extra)
    return body


def message(text, severity="INFO", message_id="1", subject="job"):
    return {"subject": subject, "id": message_id, "createdDate": 1767225601000, "severity": severity, "text": text}


def get_job(base, body, status=200):
    return Call("GET", "%s/%s" % (base, body["id"]), body=body, status=status)


def get_messages(base, job_id, *messages, severities=None):
    query = ([("severity", severity) for severity in severities] if severities else []) + FIRST_PAGE
    return Call("GET", "%s/%s/messages" % (base, job_id), query=query, body=page(list(messages)))


EXPORT_BODY = {"repositoriesRequest": {"includes": [{"projectKey": "PLAT", "slug": "*"}, {"projectKey": "WEB", "slug": "*"},
                                                    {"projectKey": "DOCS", "slug": "handbook"}]}, "exportLocation": "nightly"}
EXPORT_PARAMS = dict(type="export", projects=["PLAT", "WEB"], repositories=["DOCS/handbook"], export_location="nightly", poll_interval=0.25)


@pytest.fixture
def run_module(http, make_context):
    def runner(params, check_mode=False):
        result = execute(run, make_context(MODULE_SPEC, params, check_mode=check_mode))
        assert http.closed or not http.calls, "the session of the run was not closed"
        return result

    return runner


# -- exports --------------------------------------------------------------------------------------------


def test_an_export_runs_to_completion_in_one_task(http, run_module, sleeps):
    done = job(state="COMPLETED", percentage=100, message="Export completed", endDate=1767225660000)
    archive = "The export archive is data/migration/export/nightly/Bitbucket_export_7.tar"
    messages = [message("Export of 4 repositories started"), message(archive, message_id="2")]
    http.expect(
        Call("POST", EXPORTS, json=EXPORT_BODY, body=job(state="INITIALISING")),
        get_job(EXPORTS, job(percentage=25, message="Exporting repository 1 of 4")),
        get_job(EXPORTS, job(percentage=25, message="Exporting repository 1 of 4")),
        get_job(EXPORTS, job(percentage=75, message="Exporting repository 3 of 4")),
        get_job(EXPORTS, done),
        get_messages(EXPORTS, 7, *messages),
    )

    result = run_module(EXPORT_PARAMS)

    assert result == {
        "changed": True,
        "job": done,
        "progress_log": [
            {"state": "INITIALISING", "percentage": 0, "message": "Working on it..."},
            {"state": "RUNNING", "percentage": 25, "message": "Exporting repository 1 of 4"},
            {"state": "RUNNING", "percentage": 75, "message": "Exporting repository 3 of 4"},
            {"state": "COMPLETED", "percentage": 100, "message": "Export completed"},
        ],
        "messages": messages,
    }
    assert sleeps == [0.25] * 4
    http.assert_done()


def test_check_mode_previews_the_export(http, run_module):
    preview = {"scopes": [{"type": "PROJECT", "resourceId": 1}, {"type": "REPOSITORY", "resourceId": 11}]}
    http.expect(Call("POST", EXPORTS + "/preview", json=EXPORT_BODY, body=preview))

    result = run_module(EXPORT_PARAMS, check_mode=True)

    assert result == {"changed": True, "preview": preview, "job": {}}
    http.assert_done()


@pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])
def test_operation_preview_starts_nothing_and_changes_nothing(http, run_module, check_mode):
    preview = {"scopes": []}
    http.expect(Call("POST", EXPORTS + "/preview", json={"repositoriesRequest": {"includes": [{"projectKey": "*", "slug": "*"}]}}, body=preview))

    result = run_module(dict(type="export", operation="preview", all_repositories=True), check_mode=check_mode)

    assert result == {"changed": False, "preview": preview}
    http.assert_done()


def test_a_preview_is_not_a_write_and_is_retried_on_a_gateway_error(http, make_context, sleeps):
    http.expect(Call("POST", EXPORTS + "/preview", json=EXPORT_BODY, status=502), Call("POST", EXPORTS + "/preview", json=EXPORT_BODY, body={"scopes": []}))
    context = make_context(MODULE_SPEC, dict(EXPORT_PARAMS, operation="preview"))
    client = context.client  # the run's client: the module uses this one, and it stays readable after the run

    result = execute(run, context)

    assert result["changed"] is False
    assert client.writes == 0
    assert sleeps == [0.5]
    http.assert_done()


def test_start_without_waiting(http, run_module):
    started = job(state="INITIALISING")
    http.expect(Call("POST", EXPORTS, json=EXPORT_BODY, body=started))

    assert run_module(dict(EXPORT_PARAMS, wait=False)) == {"changed": True, "job": started}
    http.assert_done()


def test_a_failed_export_fails_the_task_with_its_errors(http, run_module):
    failed = job(state="FAILED", percentage=50)
    errors_of_job = [message("Repository PLAT/big could not be read", "ERROR", "3"), message("Export failed for 1 of 4 repositories", "ERROR", "4")]
    http.expect(Call("POST", EXPORTS, json=EXPORT_BODY, body=failed), get_messages(EXPORTS, 7, message("started"), *errors_of_job))

    result = run_module(EXPORT_PARAMS)

    assert result["failed"] is True
    assert result["changed"] is True
    assert result["msg"] == "Export job 7 ended as FAILED: Repository PLAT/big could not be read; Export failed for 1 of 4 repositories"
    assert result["job"] == failed
    http.assert_done()


def test_the_errors_are_read_even_when_other_severities_were_asked_for(http, run_module):
    failed = job(state="ABORTED")
    http.expect(
        Call("POST", EXPORTS, json=EXPORT_BODY, body=failed),
        get_messages(EXPORTS, 7, message("a note"), severities=["INFO"]),
        get_messages(EXPORTS, 7, message("disk full", "ERROR"), severities=["ERROR"]),
    )

    result = run_module(dict(EXPORT_PARAMS, message_severities=["INFO"]))

    assert result["msg"] == "Export job 7 ended as ABORTED: disk full"
    assert result["messages"] == [message("a note")]
    http.assert_done()


def test_a_job_that_outlasts_the_timeout_fails_and_runs_on(http, run_module):
    running = job(state="INITIALISING")
    http.expect(Call("POST", EXPORTS, json=EXPORT_BODY, body=running), get_messages(EXPORTS, 7, message("started")))

    result = run_module(dict(EXPORT_PARAMS, wait_timeout=0))

    assert result["failed"] is True
    assert result["changed"] is True
    assert result["msg"] == (
        "Export job 7 INITIALISING (0%: Working on it...) after 0 seconds (wait_timeout); it goes on in Bitbucket: "
        "read it with operation=status and job_id=7, or stop it with operation=cancel"
    )
    assert result["progress_log"] == [{"state": "INITIALISING", "percentage": 0, "message": "Working on it..."}]
    http.assert_done()


def test_the_limit_of_two_exports_per_node_is_explained(http, run_module):
    http.expect(Call("POST", EXPORTS, json=EXPORT_BODY, status=503, body=errors(EXPORT_LIMIT)))

    result = run_module(EXPORT_PARAMS)

    assert result["failed"] is True
    assert result["changed"] is False
    assert result["http_status"] == 503
    assert result["msg"] == (
        "POST %s: HTTP 503: %s - Bitbucket runs at most 2 exports at a time on each cluster node, and the node that took this request runs 2 "
        "already. Wait for it to end, or cancel it (operation=cancel), then start again; nothing was started" % (EXPORTS, EXPORT_LIMIT)
    )
    http.assert_done()


def test_a_start_whose_answer_was_lost_is_not_repeated(http, run_module):
    http.expect(Call("POST", EXPORTS, json=EXPORT_BODY, status=500, body=errors("Injected fault: the change was applied but the response failed.")))

    result = run_module(EXPORT_PARAMS)

    assert result["failed"] is True
    assert result["changed"] is True
    assert "the export may have started all the same" in result["msg"]
    assert "does not start another one" in result["msg"]
    assert result["http_status"] == 500
    http.assert_done()


def test_a_rate_limited_start_is_retried(http, run_module, sleeps):
    done = job(state="COMPLETED", percentage=100)
    http.expect(
        Call("POST", EXPORTS, json=EXPORT_BODY, status=429, headers={"Retry-After": "1"}),
        Call("POST", EXPORTS, json=EXPORT_BODY, body=done),
        get_messages(EXPORTS, 7),
    )

    assert run_module(EXPORT_PARAMS)["job"] == done
    assert sleeps == [1.0]
    http.assert_done()


def test_a_rejected_selection_is_reported(http, run_module):
    http.expect(Call("POST", EXPORTS, json=EXPORT_BODY, status=400, body=errors("Project WEB does not exist.", context="repositoriesRequest.includes")))

    result = run_module(EXPORT_PARAMS)

    assert result["failed"] is True and result["http_status"] == 400 and "Project WEB does not exist" in result["msg"]
    http.assert_done()


# -- imports ------------------------------------------------------------------------------------------


def test_an_import(http, run_module):
    done = job(8, "COMPLETED", 100, kind="import")
    warning = message("Repository PLAT/api already exists; it was not imported", "WARN", "9", "PLAT/api")
    http.expect(
        Call("POST", IMPORTS, json={"archivePath": "Bitbucket_export_7.tar"}, body=job(8, "INITIALISING", kind="import")),
        get_job(IMPORTS, done),
        get_messages(IMPORTS, 8, warning, severities=["WARN", "ERROR"]),
    )

    result = run_module(dict(type="import", archive_path="Bitbucket_export_7.tar", message_severities=["WARN", "ERROR"], poll_interval=0.1))

    assert (result["changed"], result["job"], result["messages"]) == (True, done, [warning])
    http.assert_done()


def test_an_import_in_check_mode_is_only_predicted(http, run_module):
    assert run_module(dict(type="import", archive_path="Bitbucket_export_7.tar"), check_mode=True) == {"changed": True, "job": {}}
    assert http.calls == []


def test_the_one_import_at_a_time_is_explained(http, run_module):
    limit = "The import could not be started because the limit of concurrent migration jobs has been reached."
    http.expect(Call("POST", IMPORTS, json={"archivePath": "a.tar"}, status=503, body=errors(limit)))

    result = run_module(dict(type="import", archive_path="a.tar"))

    assert "Bitbucket runs 1 import at a time in the whole cluster, and one is running" in result["msg"]
    http.assert_done()


# -- Mesh migrations ----------------------------------------------------------------------------------


def test_a_mesh_migration(http, run_module):
    done = job(9, "COMPLETED", 100, kind="mesh")
    summary = {"queue": {"MIGRATED": 3}, "state": "COMPLETED", "progress": 100, "startTime": 1767225600000, "jobId": 9, "endTime": 1767225660000}
    http.expect(
        Call("GET", "/rest/api/latest/projects/PLAT", body={"key": "PLAT", "id": 4}),
        Call("GET", MESH + "/summary", status=404, body=errors("No active migration job found.")),
        Call("POST", MESH, json={"all": False, "projectIds": [2, 4], "repositoryIds": [11], "maxBytesPerSecond": {"asLong": 1048576, "present": True}},
             body=job(9, "INITIALISING", kind="mesh")),
        get_job(MESH, done),
        get_messages(MESH, 9, message("Repository PLAT/api migrated to Mesh nodes m1")),
        Call("GET", MESH + "/9/summary", body=summary),
    )

    result = run_module(dict(type="mesh", projects=["PLAT"], project_ids=[2], repository_ids=[11], max_bytes_per_second=1048576, poll_interval=0.1))

    assert result["changed"] is True
    assert result["summary"] == summary
    assert result["job"] == done
    http.assert_done()


def test_a_mesh_migration_in_check_mode_is_previewed(http, run_module):
    preview = {"repositories": [{"slug": "api", "id": 11}]}
    http.expect(
        Call("GET", MESH + "/summary", status=404, body=errors("No active migration job found.")),
        Call("POST", MESH + "/preview", json={"all": True, "projectIds": [], "repositoryIds": []}, body=preview),
    )

    assert run_module(dict(type="mesh", all_repositories=True), check_mode=True) == {"changed": True, "preview": preview, "job": {}}
    http.assert_done()


@pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])
def test_a_running_mesh_migration_is_named_before_another_is_asked_for(http, run_module, check_mode):
    http.expect(Call("GET", MESH + "/summary", body={"jobId": 5, "state": "RUNNING", "progress": 40, "queue": {}}))

    result = run_module(dict(type="mesh", repository_ids=[11]), check_mode=check_mode)

    assert result["failed"] is True
    assert result["msg"] == (
        "Bitbucket runs one Mesh migration at a time, and Mesh migration job 5 is RUNNING (40%); wait for it with operation=status and job_id=5, "
        "or stop it with operation=cancel"
    )
    assert result["active_job_id"] == 5
    http.assert_done()


def test_a_mesh_start_whose_answer_was_lost_follows_the_active_job(http, run_module):
    done = job(9, "COMPLETED", 100, kind="mesh")
    http.expect(
        Call("GET", MESH + "/summary", status=404, body=errors("No active migration job found.")),
        Call("POST", MESH, json={"all": False, "projectIds": [], "repositoryIds": [11]}, status=500, body=errors("Injected fault")),
        Call("GET", MESH + "/summary", body={"jobId": 9, "state": "RUNNING", "progress": 0, "queue": {}}),
        get_job(MESH, job(9, "RUNNING", kind="mesh")),
        get_job(MESH, done),
        get_messages(MESH, 9),
        Call("GET", MESH + "/9/summary", body={"jobId": 9, "state": "COMPLETED"}),
    )

    result = run_module(dict(type="mesh", repository_ids=[11], poll_interval=0.1))

    assert "failed" not in result
    assert result["job"] == done
    http.assert_done()


def test_a_mesh_limit_met_between_the_read_and_the_start_is_explained(http, run_module):
    http.expect(
        Call("GET", MESH + "/summary", status=404, body=errors("No active migration job found.")),
        Call("POST", MESH, json={"all": False, "projectIds": [], "repositoryIds": [11]}, status=503, body=errors("A migration job is already in progress")),
    )

    result = run_module(dict(type="mesh", repository_ids=[11]))

    assert "Bitbucket runs 1 Mesh migration at a time in the whole cluster" in result["msg"]
    http.assert_done()


def test_an_unknown_project_key_is_refused_before_any_write(http, run_module):
    http.expect(Call("GET", "/rest/api/latest/projects/NOPE", status=404, body=errors("Project NOPE does not exist.")))

    result = run_module(dict(type="mesh", projects=["NOPE"]))

    assert result["failed"] is True
    assert result["invalid_option"] == "projects"
    http.assert_done()


# -- cancel ---------------------------------------------------------------------------------------------


def test_cancel_a_running_job_and_wait_for_it(http, run_module):
    canceled = job(state="CANCELED", endDate=1767225660000)
    http.expect(
        get_job(EXPORTS, job()),
        Call("POST", EXPORTS + "/7/cancel", status=204),
        get_job(EXPORTS, job(state="CANCELING")),
        get_job(EXPORTS, canceled),
        get_messages(EXPORTS, 7, message("Cancellation requested by admin")),
    )

    result = run_module(dict(type="export", operation="cancel", job_id=7, poll_interval=0.1))

    assert result["changed"] is True
    assert result["job"] == canceled
    assert [entry["state"] for entry in result["progress_log"]] == ["CANCELING", "CANCELED"]
    http.assert_done()


def test_cancel_in_check_mode_reads_only(http, run_module):
    http.expect(get_job(EXPORTS, job()))

    assert run_module(dict(type="export", operation="cancel", job_id=7), check_mode=True) == {"changed": True, "job": job()}
    http.assert_done()


@pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])
def test_cancel_of_an_ended_job_changes_nothing(http, make_context, check_mode):
    completed = job(state="COMPLETED", percentage=100)
    http.expect(get_job(IMPORTS, dict(completed, type="com.atlassian.bitbucket.migration.import")), get_messages(IMPORTS, 7))
    context = make_context(MODULE_SPEC, dict(type="import", operation="cancel", job_id=7), check_mode=check_mode)

    result = execute(run, context)

    assert result["changed"] is False
    assert context.warnings == ["Import job 7 has already ended as COMPLETED; there is nothing to cancel"]
    http.assert_done()


def test_cancel_of_a_job_already_canceled_is_silent(http, make_context):
    http.expect(get_job(EXPORTS, job(state="CANCELED")), get_messages(EXPORTS, 7))
    context = make_context(MODULE_SPEC, dict(type="export", operation="cancel", job_id=7))

    assert execute(run, context)["changed"] is False
    assert context.warnings == []
    http.assert_done()


def test_a_job_that_ends_before_the_cancel_arrives(http, make_context):
    http.expect(
        get_job(EXPORTS, job(percentage=99)),
        Call("POST", EXPORTS + "/7/cancel", status=409, body=errors("The export job 7 is COMPLETED and can no longer be canceled.")),
        get_job(EXPORTS, job(state="COMPLETED", percentage=100)),
        get_messages(EXPORTS, 7),
    )
    context = make_context(MODULE_SPEC, dict(type="export", operation="cancel", job_id=7))

    result = execute(run, context)

    assert "failed" not in result
    assert result["changed"] is False
    assert context.warnings == ["Export job 7 ended as COMPLETED before the cancellation took effect"]
    http.assert_done()


def test_a_cancel_whose_answer_was_lost_is_confirmed_by_reading_the_job(http, run_module):
    http.expect(
        get_job(MESH, job(kind="mesh")),
        Call("POST", MESH + "/7/cancel", status=500, body=errors("Injected fault")),
        get_job(MESH, job(state="CANCELING", kind="mesh")),
        get_job(MESH, job(state="CANCELING", kind="mesh")),
        get_job(MESH, job(state="CANCELED", kind="mesh")),
        get_messages(MESH, 7),
        Call("GET", MESH + "/7/summary", body={"jobId": 7, "state": "CANCELED"}),
    )

    result = run_module(dict(type="mesh", operation="cancel", job_id=7, poll_interval=0.1))

    assert "failed" not in result
    assert result["changed"] is True
    assert result["job"]["state"] == "CANCELED"
    http.assert_done()


def test_a_cancel_already_asked_for_is_waited_for_not_repeated(http, run_module):
    http.expect(get_job(EXPORTS, job(state="CANCELING")), get_job(EXPORTS, job(state="CANCELED")), get_messages(EXPORTS, 7))

    result = run_module(dict(type="export", operation="cancel", job_id=7, poll_interval=0.1))

    assert (result["changed"], result["job"]["state"]) == (False, "CANCELED")
    http.assert_done()


def test_cancel_of_an_unknown_job_fails(http, run_module):
    http.expect(Call("GET", EXPORTS + "/99", status=404, body=errors("No export job with ID 99 exists.")))

    result = run_module(dict(type="export", operation="cancel", job_id=99))

    assert result["failed"] is True
    assert result["msg"] == "Export job 99 does not exist"
    http.assert_done()


# -- status -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])
def test_status_of_an_export(http, run_module, check_mode):
    running = job(percentage=50)
    http.expect(get_job(EXPORTS, running), get_messages(EXPORTS, 7, message("w", "WARN"), severities=["WARN"]))

    result = run_module(dict(type="export", operation="status", job_id=7, message_severities=["WARN"]), check_mode=check_mode)

    assert result == {"changed": False, "job": running, "messages": [message("w", "WARN")]}
    http.assert_done()


def test_status_of_a_mesh_migration(http, run_module):
    summary = {"jobId": 9, "state": "RUNNING", "progress": 50, "queue": {"MIGRATED": 1, "QUEUED": 1}}
    repos = [{"repository": {"slug": "api"}, "migrationState": "MIGRATED"}, {"repository": {"slug": "web"}, "migrationState": "QUEUED"}]
    http.expect(
        get_job(MESH, job(9, kind="mesh")),
        get_messages(MESH, 9),
        Call("GET", MESH + "/9/summary", body=summary),
        Call("GET", MESH + "/repos", query=[("migrationId", "9")] + FIRST_PAGE, body=page(repos)),
    )

    result = run_module(dict(type="mesh", operation="status", job_id=9))

    assert (result["summary"], result["repositories"], result["messages"]) == (summary, repos, [])
    http.assert_done()


def test_status_of_mesh_migrations_without_a_job(http, run_module):
    summaries = [{"jobId": 9, "state": "COMPLETED"}, {"jobId": 3, "state": "FAILED"}]
    http.expect(
        Call("GET", MESH + "/summary", status=404, body=errors("No active migration job found.")),
        Call("GET", MESH + "/summaries", query=FIRST_PAGE, body=page(summaries)),
        Call("GET", MESH + "/repos", query=FIRST_PAGE, body=page([{"repository": {"slug": "api"}}])),
    )

    result = run_module(dict(type="mesh", operation="status"))

    assert result == {"changed": False, "summary": {}, "summaries": summaries, "repositories": [{"repository": {"slug": "api"}}]}
    http.assert_done()


# -- bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("params, option, words", [
    (dict(type="export"), "projects", "select what the export works on"),
    (dict(type="export", projects=["PLAT"], archive_path="a.tar"), "archive_path", "is not used by an export"),
    (dict(type="export", projects=["PLAT"], repository_ids=[1]), "repository_ids", "is not used by an export"),
    (dict(type="export", repositories=["PLAT"]), "repositories", "is not PROJECT/slug"),
    (dict(type="export", repositories=["PLAT/a/b"]), "repositories", "is not PROJECT/slug"),
    (dict(type="export", projects=["*"]), "projects", "all_repositories"),
    (dict(type="export", projects=["PLAT"], export_location="/abs"), "export_location", "relative"),
    (dict(type="export", projects=["PLAT"], export_location="a/../../up"), "export_location", "relative"),
    (dict(type="export", projects=["PLAT"], job_id=3), "job_id", "new job gets its id"),
    (dict(type="import"), "archive_path", "required to start an import"),
    (dict(type="import", archive_path="../x.tar"), "archive_path", "relative"),
    (dict(type="import", archive_path="x.tar", operation="preview"), "operation", "cannot preview an import"),
    (dict(type="import", archive_path="x.tar", projects=["PLAT"]), "projects", "is not used by an import"),
    (dict(type="mesh"), "projects", "project_ids, repository_ids or all_repositories"),
    (dict(type="mesh", repositories=["PLAT/api"]), "repositories", "use repository_ids"),
    (dict(type="mesh", repository_ids=[0]), "repository_ids", "positive"),
    (dict(type="mesh", all_repositories=True, max_bytes_per_second=0), "max_bytes_per_second", "1 or more"),
    (dict(type="mesh", all_repositories=True, export_location="x"), "export_location", "is not used by a Mesh migration"),
    (dict(type="export", operation="cancel"), "job_id", "required with operation=cancel"),
    (dict(type="export", operation="status"), "job_id", "required with operation=status"),
    (dict(type="export", operation="status", job_id=0), "job_id", "positive"),
    (dict(type="export", operation="cancel", job_id=3, projects=["PLAT"]), "projects", "not with operation=cancel"),
    (dict(type="export", projects=["PLAT"], poll_interval=0), "poll_interval", "more than 0"),
    (dict(type="export", projects=["PLAT"], wait_timeout=-5), "wait_timeout", "0 or more"),
])
@pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])
def test_bad_input_is_refused_without_any_call(http, run_module, params, option, words, check_mode):
    result = run_module(params, check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert words in result["msg"]
    assert http.calls == []


run_main = functools.partial(main_of, bitbucket_migration)


def test_main_in_check_mode_previews(monkeypatch, capsys, http):
    http.expect(Call("POST", EXPORTS + "/preview", json={"repositoriesRequest": {"includes": [{"projectKey": "PLAT", "slug": "*"}]}}, body={"scopes": []}))

    code, output = run_main(monkeypatch, capsys, http, dict(url=BASE_URL, username="admin-user", password="s3cret-pw", type="export",
                                                            projects=["PLAT"], _ansible_check_mode=True))

    assert code == 0
    assert output["changed"] is True
    assert output["preview"] == {"scopes": []}
    assert "s3cret-pw" not in json.dumps(output)
    http.assert_done()


def test_main_refuses_an_unknown_type_without_any_call(monkeypatch, capsys, http):
    code, output = run_main(monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token", type="backup"))

    assert code == 1
    assert "type" in output["msg"]
    assert http.calls == []
