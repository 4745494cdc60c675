"""Migration jobs (seed 003 "migration"): exports, imports and Mesh migrations over emulator time, their limits and messages."""

from __future__ import annotations

import pytest

MIGRATION = "/rest/api/latest/migration"
EXPORTS = MIGRATION + "/exports"
IMPORTS = MIGRATION + "/imports"
MESH = MIGRATION + "/mesh"
FROZEN = 1767225600000
STEP = 1000


@pytest.fixture
def clock(client):
    """Emulator time frozen; ``clock(n)`` moves it on by n job steps."""
    client.post("/_emulator/clock", json={"freeze_at_ms": FROZEN})

    def move(steps=1):
        client.post("/_emulator/clock", json={"advance_ms": steps * STEP})

    return move


@pytest.fixture
def repos(api):
    """Projects ALPHA (two repositories) and BETA (one)."""
    api.make_project("ALPHA")
    api.make_project("BETA")
    return [api.make_repo("ALPHA", "one"), api.make_repo("ALPHA", "two"), api.make_repo("BETA", "three")]


def export_body(*selectors, location=None):
    body = {"repositoriesRequest": {"includes": [{"projectKey": key, "slug": slug} for key, slug in selectors]}}
    if location is not None:
        body["exportLocation"] = location
    return body


def start(api, path, body, status=200):
    response = api.post(path, json=body)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json


def test_an_export_runs_through_its_states_one_step_at_a_time(api, repos, clock):
    job = start(api, EXPORTS, export_body(("ALPHA", "*"), ("BETA", "*")))
    assert job["state"] == "INITIALISING"
    assert job["type"] == "com.atlassian.bitbucket.migration.export"
    assert job["startDate"] == FROZEN and "endDate" not in job
    assert job["initiator"]["name"] == "admin"
    assert job["nodeId"] == api.get("/rest/api/latest/admin/cluster").json["localNode"]["id"]
    seen = []
    for _step in range(7):
        clock()
        current = api.get(f"{EXPORTS}/{job['id']}").json
        seen.append((current["state"], current["progress"]["percentage"]))
    assert seen == [("RUNNING", 0), ("RUNNING", 33), ("RUNNING", 66), ("RUNNING", 100), ("FINALISING", 100), ("COMPLETED", 100), ("COMPLETED", 100)]
    assert current["endDate"] == FROZEN + 6 * STEP

    messages = api.get(f"{EXPORTS}/{job['id']}/messages").json
    texts = [message["text"] for message in messages["values"]]
    assert "Repository ALPHA/one exported" in texts
    assert texts[-1] == "Export completed: 3 of 3 repositories exported"
    assert any(text.endswith("data/migration/export/Bitbucket_export_1.tar") for text in texts)
    assert all(message["severity"] == "INFO" for message in messages["values"])
    assert [m["subject"] for m in api.get(f"{EXPORTS}/1/messages", query_string={"subject": "BETA/three"}).json["values"]] == ["BETA/three"]


def test_the_export_preview_lists_projects_and_repositories_and_changes_nothing(api, client, repos):
    writes = client.get("/_emulator/counters").json["writes"]
    preview = api.post(f"{EXPORTS}/preview", json=export_body(("ALPHA", "two"), ("BETA", "*"), ("ALPHA", "two")))
    assert preview.status_code == 200
    assert preview.json == {"scopes": [
        {"type": "PROJECT", "resourceId": 1}, {"type": "REPOSITORY", "resourceId": repos[1]["id"]},
        {"type": "PROJECT", "resourceId": 2}, {"type": "REPOSITORY", "resourceId": repos[2]["id"]},
    ]}
    assert client.get("/_emulator/counters").json["writes"] == writes
    assert client.get("/_emulator/state").json["migration_jobs"] == []


def test_a_preview_is_never_answered_by_a_write_then_fail_fault(api, client, repos):
    client.post("/_emulator/faults", json={"write_then_fail": {"count": 1}})
    assert api.post(f"{EXPORTS}/preview", json=export_body(("*", "*"))).status_code == 200
    assert api.post(EXPORTS, json=export_body(("*", "*"))).status_code == 500  # the fault waited for a real write


@pytest.mark.parametrize("body, words", [
    ({}, "repositoriesRequest"),
    (export_body(), "at least one selector"),
    (export_body(("NOPE", "*")), "Project NOPE does not exist"),
    (export_body(("ALPHA", "nope")), "ALPHA/nope does not exist"),
    (export_body(("*", "one")), "every project"),
    (export_body(("ALPHA", "*"), location="/etc"), "relative path"),
    (export_body(("ALPHA", "*"), location="../up"), "relative path"),
])
def test_invalid_exports_are_400(api, repos, body, words):
    for path in (EXPORTS, f"{EXPORTS}/preview"):
        response = api.post(path, json=body)
        assert response.status_code == 400, path
        assert words in response.json["errors"][0]["message"]


def test_an_export_of_nothing_is_refused(api):
    api.make_project("EMPTY")
    assert api.post(f"{EXPORTS}/preview", json=export_body(("EMPTY", "*"))).json == {"scopes": []}
    assert api.post(EXPORTS, json=export_body(("EMPTY", "*"))).status_code == 400


def test_two_exports_per_node_and_one_import_and_one_mesh_migration_per_cluster(api, client, repos, clock):
    first = start(api, EXPORTS, export_body(("ALPHA", "*")))
    start(api, EXPORTS, export_body(("BETA", "*")))
    third = api.post(EXPORTS, json=export_body(("ALPHA", "one")))
    assert third.status_code == 503
    assert third.json["errors"][0]["message"] == "The export could not be started because the limit of concurrent migration jobs has been reached."
    assert api.post(f"{EXPORTS}/{first['id']}/cancel").status_code == 204
    assert api.post(EXPORTS, json=export_body(("ALPHA", "one"))).status_code == 503  # CANCELING still counts
    clock()
    assert api.get(f"{EXPORTS}/{first['id']}").json["state"] == "CANCELED"
    start(api, EXPORTS, export_body(("ALPHA", "one")))

    clock(10)
    start(api, IMPORTS, {"archivePath": "Bitbucket_export_2.tar"})
    refused = api.post(IMPORTS, json={"archivePath": "Bitbucket_export_3.tar"})
    assert refused.status_code == 503
    assert "import could not be started" in refused.json["errors"][0]["message"]

    api.post("/rest/api/latest/admin/git/mesh/nodes", json={"name": "m", "rpcUrl": "http://m:7777"})
    start(api, MESH, {"repositoryIds": [repos[0]["id"]]})
    busy = api.post(MESH, json={"repositoryIds": [repos[1]["id"]]})
    assert busy.status_code == 503
    assert busy.json["errors"][0]["message"] == "A migration job is already in progress"


def test_cancel_is_asynchronous_and_refused_once_the_job_ended(api, repos, clock):
    job = start(api, EXPORTS, export_body(("ALPHA", "*")))
    clock(2)
    assert api.post(f"{EXPORTS}/{job['id']}/cancel").status_code == 204
    assert api.get(f"{EXPORTS}/{job['id']}").json["state"] == "CANCELING"
    assert api.post(f"{EXPORTS}/{job['id']}/cancel").status_code == 409  # already canceled before
    clock()
    canceled = api.get(f"{EXPORTS}/{job['id']}").json
    assert canceled["state"] == "CANCELED" and canceled["endDate"] == FROZEN + 3 * STEP
    assert api.post(f"{EXPORTS}/{job['id']}/cancel").status_code == 409
    texts = [m["text"] for m in api.get(f"{EXPORTS}/{job['id']}/messages").json["values"]]
    assert "Cancellation requested by admin" in texts
    assert texts[-1] == "The export was canceled after 1 of 2 repositories"
    assert api.post(f"{EXPORTS}/999/cancel").status_code == 404


def test_job_ids_belong_to_their_kind(api, repos):
    job = start(api, EXPORTS, export_body(("ALPHA", "one")))
    assert api.get(f"{IMPORTS}/{job['id']}").status_code == 404
    assert api.get(f"{MESH}/{job['id']}").status_code == 404
    assert api.get(f"{EXPORTS}/not-a-number").status_code == 404
    assert api.get(f"{EXPORTS}/{job['id']}/messages").status_code == 200
    assert api.get(f"{IMPORTS}/{job['id']}/messages").status_code == 404


def test_an_import_reads_an_archive_an_export_wrote(api, client, repos, clock):
    start(api, EXPORTS, export_body(("ALPHA", "*"), ("BETA", "*")))
    clock(6)
    api.delete_repo("BETA", "three")
    job = start(api, IMPORTS, {"archivePath": "Bitbucket_export_1.tar"})
    assert job["type"] == "com.atlassian.bitbucket.migration.import"
    clock(6)
    assert api.get(f"{IMPORTS}/{job['id']}").json["state"] == "COMPLETED"
    warnings = api.get(f"{IMPORTS}/{job['id']}/messages", query_string={"severity": "WARN"}).json["values"]
    assert [m["text"] for m in warnings] == [
        "Repository ALPHA/one already exists; it was not imported",
        "Repository ALPHA/two already exists; it was not imported",
    ]
    both = api.get(f"{IMPORTS}/{job['id']}/messages", query_string=[("severity", "WARN"), ("severity", "ERROR")]).json["values"]
    assert len(both) == 2
    assert "three" in [repo["slug"] for project in client.get("/_emulator/state").json["projects"] for repo in project["repos"]]


@pytest.mark.parametrize("body, words", [
    ({}, "archivePath must be provided"),
    ({"archivePath": "/data/x.tar"}, "relative path"),
    ({"archivePath": "../x.tar"}, "relative path"),
    ({"archivePath": "Bitbucket_export_42.tar"}, "does not exist"),
])
def test_invalid_imports_are_400(api, body, words):
    response = api.post(IMPORTS, json=body)
    assert response.status_code == 400
    assert words in response.json["errors"][0]["message"]


def test_an_import_into_a_new_instance_creates_projects(api, client, repos, clock):
    start(api, EXPORTS, export_body(("BETA", "*")))
    clock(4)
    api.delete_repo("BETA", "three")
    assert api.delete("/rest/api/latest/projects/BETA").status_code == 204
    job = start(api, IMPORTS, {"archivePath": "sub/dir/Bitbucket_export_1.tar"})
    clock(4)
    assert api.get(f"{IMPORTS}/{job['id']}").json["state"] == "COMPLETED"
    assert api.get("/rest/api/latest/projects/BETA").status_code == 200


def test_a_mesh_migration_moves_repositories_onto_the_nodes(api, client, repos, clock):
    assert api.post(MESH, json={}).json["errors"][0]["message"].startswith("No Mesh node is available")
    for name in ("m1", "m2"):
        api.post("/rest/api/latest/admin/git/mesh/nodes", json={"name": name, "rpcUrl": f"http://{name}:7777"})
    preview = api.post(f"{MESH}/preview", json={"projectIds": [2], "repositoryIds": [repos[0]["id"]]})
    assert [repo["slug"] for repo in preview.json["repositories"]] == ["one", "three"]
    assert api.get(f"{MESH}/summary").status_code == 404
    everything = api.get(f"{MESH}/repos").json["values"]
    assert [entry["repository"]["slug"] for entry in everything] == ["one", "two", "three"]
    assert all("migrationState" not in entry for entry in everything)

    job = start(api, MESH, {"projectIds": [2], "repositoryIds": [repos[0]["id"]], "maxBytesPerSecond": {"asLong": 1048576, "present": True}})
    assert job["type"] == "com.atlassian.bitbucket.migration.mesh"
    clock(2)
    summary = api.get(f"{MESH}/summary").json
    assert summary == {"queue": {"MIGRATED": 1, "QUEUED": 1}, "state": "RUNNING", "progress": 50, "startTime": FROZEN, "jobId": job["id"],
                       "maxBandwidth": 1048576}
    in_migration = api.get(f"{MESH}/repos").json["values"]
    assert [(entry["repository"]["slug"], entry["migrationState"]) for entry in in_migration] == [("one", "MIGRATED"), ("three", "QUEUED")]
    assert [e["repository"]["slug"] for e in api.get(f"{MESH}/repos", query_string={"state": "QUEUED"}).json["values"]] == ["three"]
    assert [e["repository"]["slug"] for e in api.get(f"{MESH}/repos", query_string={"remote": "true"}).json["values"]] == ["one"]
    assert api.get(f"{MESH}/repos", query_string={"state": "LOST"}).status_code == 400
    clock(3)
    done = api.get(f"{MESH}/{job['id']}/summary").json
    assert (done["state"], done["progress"], done["endTime"]) == ("COMPLETED", 100, FROZEN + 5 * STEP)
    assert api.get(f"{MESH}/summary").status_code == 404
    assert [s["jobId"] for s in api.get(f"{MESH}/summaries").json["values"]] == [job["id"]]
    after = [(e["repository"]["slug"], e["migrationState"]) for e in api.get(f"{MESH}/repos", query_string={"migrationId": job["id"]}).json["values"]]
    assert after == [("one", "MIGRATED"), ("three", "MIGRATED")]
    assert api.get(f"{MESH}/repos", query_string={"migrationId": 999}).status_code == 404
    hosted = {node["name"]: node["repository_ids"] for node in client.get("/_emulator/state").json["mesh_nodes"]}
    assert hosted == {"m1": [repos[0]["id"], repos[2]["id"]], "m2": [repos[0]["id"], repos[2]["id"]]}
    messages = api.get(f"{MESH}/{job['id']}/messages").json["values"]
    assert "Repository ALPHA/one migrated to Mesh nodes m1, m2" in [m["text"] for m in messages]


def test_a_mesh_migration_fails_when_its_nodes_go_away(api, client, repos, clock):
    api.post("/rest/api/latest/admin/git/mesh/nodes", json={"name": "m1", "rpcUrl": "http://m1:7777"})
    job = start(api, MESH, {"repositoryIds": [repos[0]["id"]]})
    client.post("/_emulator/mesh", json={"node": "m1", "offline": True})
    clock(4)
    failed = api.get(f"{MESH}/{job['id']}").json
    assert failed["state"] == "FAILED"
    errors = api.get(f"{MESH}/{job['id']}/messages", query_string={"severity": "ERROR"}).json["values"]
    assert [m["text"] for m in errors] == [
        "Repository ALPHA/one could not be migrated: no Mesh node is available",
        "Mesh migration failed for 1 of 1 repositories",
    ]


@pytest.mark.parametrize("body", [{"projectIds": [99]}, {"repositoryIds": ["1"]}, {"all": "yes"},
                                  {"maxBytesPerSecond": {"asLong": 0, "present": True}}])
def test_invalid_mesh_migrations_are_400(api, repos, body):
    api.post("/rest/api/latest/admin/git/mesh/nodes", json={"name": "m1", "rpcUrl": "http://m1:7777"})
    assert api.post(MESH, json=body).status_code == 400
    assert api.post(f"{MESH}/preview", json=body).status_code == 400


def test_permissions(api, repos):
    admin = api.make_user("erin")
    api.grant_global("erin", "ADMIN")
    plain = api.make_user("fred")
    assert api.post(f"{EXPORTS}/preview", json=export_body(("ALPHA", "*")), auth=admin).status_code == 200
    assert api.post(f"{EXPORTS}/preview", json=export_body(("ALPHA", "*")), auth=plain).status_code == 401
    assert api.post(IMPORTS, json={"archivePath": "x.tar"}, auth=plain).status_code == 401
    assert api.post(f"{MESH}/preview", json={}, auth=admin).status_code == 401  # Mesh needs SYS_ADMIN
    assert api.get(f"{MESH}/summaries", auth=admin).status_code == 401


def test_a_job_advances_over_real_time_too(api, repos, client):
    """Without a frozen clock, a job moves on with the wall clock: advancing the clock is the same as waiting."""
    job = start(api, EXPORTS, export_body(("ALPHA", "one")))
    client.post("/_emulator/clock", json={"advance_ms": 10 * STEP})
    assert api.get(f"{EXPORTS}/{job['id']}").json["state"] == "COMPLETED"


def test_a_job_ticks_one_step_per_request_when_the_clock_ticks(api, repos, client):
    client.post("/_emulator/clock", json={"freeze_at_ms": FROZEN, "tick_ms": STEP})
    job = start(api, EXPORTS, export_body(("ALPHA", "one")))
    states = [api.get(f"{EXPORTS}/{job['id']}").json["state"] for _poll in range(4)]
    assert states == ["RUNNING", "RUNNING", "FINALISING", "COMPLETED"]
