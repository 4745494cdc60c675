"""The /_emulator/ test controls: reset, state dump, request log, counters, faults, clock, and the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.request

from werkzeug.test import Client

from bitbucket_emulator import create_app

PROJECTS = "/rest/api/latest/projects"
EMULATOR_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "emulator"))


def test_reset_returns_to_the_seed(api, client):
    api.make_user("temp")
    api.make_project("TMP")
    client.post("/_emulator/faults", json={"latency_ms": 1})
    response = client.post("/_emulator/reset")
    assert response.status_code == 200
    assert response.json == {"reset": True, "max_page_limit": 1000, "version": "9.4.0"}
    state = client.get("/_emulator/state").json
    assert [u["name"] for u in state["users"]] == ["admin"]
    assert state["users"][0]["global_permission"] == "SYS_ADMIN"
    assert [g["name"] for g in state["groups"]] == ["stash-users"]
    assert state["projects"] == []
    assert client.get("/_emulator/faults").json == {"faults": []}
    assert client.get("/_emulator/requests").json == {"requests": []}
    assert client.get("/_emulator/counters").json == {"total": 0, "by_method": {}, "writes": 0}


def test_reset_can_set_and_then_restore_the_page_cap(api, client):
    assert client.post("/_emulator/reset", json={"max_page_limit": 3}).json["max_page_limit"] == 3
    assert api.get(PROJECTS, query_string={"limit": 500}).json["limit"] == 3
    assert client.post("/_emulator/reset").json["max_page_limit"] == 1000
    assert client.post("/_emulator/reset", json={"max_page_limit": 0}).status_code == 400


def test_reset_can_claim_another_version_until_the_next_reset(client):
    properties = "/rest/api/latest/application-properties"
    assert client.post("/_emulator/reset", json={"version": "9.6"}).json["version"] == "9.6.0"
    assert client.get(properties).json["version"] == "9.6.0"
    assert client.get(properties).json["buildNumber"] == "9006000"
    assert client.post("/_emulator/reset").json["version"] == "9.4.0"
    assert client.get(properties).json["version"] == "9.4.0"
    assert client.post("/_emulator/reset", json={"version": "nine"}).status_code == 400


def test_settings_change_the_page_cap_and_the_version_without_a_reset(api, client):
    api.make_project("KEEP")
    assert client.post("/_emulator/settings", json={"max_page_limit": 1, "version": "9.5"}).json == {"max_page_limit": 1, "version": "9.5.0"}
    assert api.get(PROJECTS, query_string={"limit": 500}).json["limit"] == 1
    assert client.get("/rest/api/latest/application-properties").json["version"] == "9.5.0"
    assert [p["key"] for p in client.get("/_emulator/state").json["projects"]] == ["KEEP"]
    assert client.get("/_emulator/settings").json == {"max_page_limit": 1, "version": "9.5.0"}
    for bad in ({}, {"max_page_limit": 0}, {"version": "x"}, {"colour": "blue"}):
        assert client.post("/_emulator/settings", json=bad).status_code == 400
    assert client.post("/_emulator/reset").json["max_page_limit"] == 1000


def test_the_command_line_version_is_the_default_of_every_reset():
    client = Client(create_app(version="8.19.2"))
    assert client.get("/rest/api/latest/application-properties").json["version"] == "8.19.2"
    client.post("/_emulator/reset", json={"version": "10.0"})
    assert client.post("/_emulator/reset").json["version"] == "8.19.2"


def test_the_request_log_names_the_user_agent(api, client):
    client.delete("/_emulator/requests")
    client.get("/rest/api/latest/application-properties", headers={"User-Agent": "bitbucket.datacenter-ansible/0.1.0"})
    client.get("/rest/api/latest/application-properties", headers={"User-Agent": "ansible-httpget"})
    agents = [entry["user_agent"] for entry in client.get("/_emulator/requests").json["requests"]]
    assert agents == ["bitbucket.datacenter-ansible/0.1.0", "ansible-httpget"]


def test_state_dump_shows_token_hashes_never_secrets(api, client):
    api.make_project("DUMP")
    api.make_user("dora")
    api.grant_project("DUMP", "dora", "PROJECT_WRITE")
    token = api.make_token("users/admin", ["PROJECT_READ"])
    raw = client.get("/_emulator/state").get_data(as_text=True)
    assert token["token"] not in raw
    state = json.loads(raw)
    assert state["tokens"][0]["id"] == token["id"]
    assert len(state["tokens"][0]["token_sha256"]) == 64
    assert state["projects"][0]["user_permissions"] == {"admin": "PROJECT_ADMIN", "dora": "PROJECT_WRITE"}
    assert "secret" not in raw  # passwords too


def test_request_log_records_rest_calls_only(api, client):
    api.make_project("LOG")
    api.put("/rest/api/latest/projects/LOG/permissions/users", query_string=[("name", "admin"), ("permission", "PROJECT_ADMIN")])
    api.get(PROJECTS, auth=None)
    client.get("/_emulator/state")
    log = client.get("/_emulator/requests").json["requests"]
    assert [(e["seq"], e["method"], e["path"], e["status"]) for e in log] == [
        (1, "POST", PROJECTS, 201),
        (2, "PUT", "/rest/api/latest/projects/LOG/permissions/users", 204),
        (3, "GET", PROJECTS, 401),
    ]
    create, grant, anonymous = log
    assert create["body"] == {"key": "LOG", "name": "Project LOG"}
    assert create["content_type"] == "application/json"
    assert create["response"]["key"] == "LOG"
    assert create["auth"] == "basic:admin"
    assert create["query"] == {}
    assert create["duration_ms"] >= 0
    assert create["response_content_type"] == "application/json;charset=UTF-8"
    assert grant["query"] == {"name": ["admin"], "permission": ["PROJECT_ADMIN"]}
    assert grant["body"] is None
    assert grant["response"] is None
    assert grant["response_content_type"] is None
    assert anonymous["auth"] is None
    assert anonymous["response"]["errors"][0]["exceptionName"] == "com.atlassian.bitbucket.AuthorisationException"
    assert client.get("/_emulator/counters").json == {"total": 3, "by_method": {"POST": 1, "PUT": 1, "GET": 1}, "writes": 2}
    assert client.delete("/_emulator/requests").status_code == 204
    assert client.get("/_emulator/requests").json == {"requests": []}
    assert client.get("/_emulator/counters").json["total"] == 0


def test_rate_limit_fault_answers_429_with_retry_after(api, client):
    added = client.post("/_emulator/faults", json={"rate_limit": {"count": 2, "retry_after": 3}})
    assert added.status_code == 200
    for _attempt in range(2):
        response = api.get(PROJECTS)
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "3"
        assert set(response.json["errors"][0]) == {"context", "message", "exceptionName"}
    assert api.get(PROJECTS).status_code == 200
    faults = client.get("/_emulator/faults").json["faults"]
    assert faults[0]["type"] == "rate_limit"
    assert faults[0]["remaining"] == 0
    assert faults[0]["fired"] == 2


def test_error_fault_with_count_and_match(api, client):
    client.post("/_emulator/faults", json={"error": {"count": 1, "status": 503, "match": {"method": "POST", "path": "/rest/api/latest/projects"}}})
    assert api.get(PROJECTS).status_code == 200  # GET does not match
    failed = api.post(PROJECTS, json={"key": "F", "name": "F"})
    assert failed.status_code == 503
    assert client.get("/_emulator/state").json["projects"] == []  # an injected error is not applied
    assert api.post(PROJECTS, json={"key": "F", "name": "F"}).status_code == 201


def _error_sequence(seed):
    app = create_app()
    client = Client(app)
    client.post("/_emulator/faults", json={"error": {"rate": 0.5, "status": 502, "seed": seed}})
    statuses = []
    for _attempt in range(20):
        statuses.append(client.get("/rest/api/latest/application-properties").status_code)
    return statuses


def test_error_rate_fault_is_deterministic_with_a_seed():
    first = _error_sequence(7)
    assert first == _error_sequence(7)
    assert set(first) == {200, 502}
    assert first != _error_sequence(8)


def _statuses_of(fault, requests=40, seed=5):
    client = Client(create_app())
    client.post("/_emulator/faults", json={kind: dict(spec, seed=seed) for kind, spec in fault.items()})
    return [client.get("/rest/api/latest/application-properties").status_code for _attempt in range(requests)]


def test_an_error_rate_fault_draws_its_statuses_from_a_list_reproducibly():
    first = _statuses_of({"error": {"rate": 0.5, "statuses": [500, 502, 503, 504]}})
    assert first == _statuses_of({"error": {"rate": 0.5, "statuses": [500, 502, 503, 504]}})
    assert set(first) == {200, 500, 502, 503, 504}


def test_a_rate_limit_fault_with_a_rate_hits_that_share_of_requests_and_never_runs_out():
    statuses = _statuses_of({"rate_limit": {"rate": 0.25, "retry_after": 0}}, requests=200)
    assert 20 < statuses.count(429) < 80
    assert set(statuses) == {200, 429}
    assert statuses == _statuses_of({"rate_limit": {"rate": 0.25, "retry_after": 0}}, requests=200)


def test_a_write_then_fail_rate_lands_every_write_and_fails_a_share_of_the_answers(api, client):
    client.post("/_emulator/faults", json={"write_then_fail": {"rate": 0.5, "statuses": [500, 502], "seed": 3}})
    answers = [api.post(PROJECTS, json={"key": "WR%d" % number, "name": "n%d" % number}).status_code for number in range(20)]
    assert set(answers) == {201, 500, 502}
    # Every write landed, whatever its answer.
    assert len(client.get("/_emulator/state").json["projects"]) == 20
    assert client.get("/_emulator/faults").json["faults"][0]["fired"] == answers.count(500) + answers.count(502)


def test_rate_faults_refuse_a_bad_rate_seed_or_status_list(client):
    for bad in (
        {"rate_limit": {"rate": 1.5}},
        {"write_then_fail": {"rate": -0.1}},
        {"write_then_fail": {"rate": 0.1, "seed": "x"}},
        {"error": {"rate": 0.1, "statuses": []}},
        {"error": {"rate": 0.1, "statuses": [200]}},
        {"write_then_fail": {"count": 1, "statuses": "500"}},
    ):
        assert client.post("/_emulator/faults", json=bad).status_code == 400, bad


def test_write_then_fail_lands_the_change_but_answers_500(api, client):
    client.post("/_emulator/faults", json={"write_then_fail": {"count": 1}})
    assert api.get(PROJECTS).status_code == 200  # reads are not writes: not consumed
    response = api.post(PROJECTS, json={"key": "WTF", "name": "Landed"})
    assert response.status_code == 500
    assert response.json["errors"][0]["message"]
    assert api.get(f"{PROJECTS}/WTF").status_code == 200  # the change is there
    assert api.post(PROJECTS, json={"key": "WTF", "name": "Landed"}).status_code == 409  # a blind retry conflicts


def test_write_then_fail_is_not_consumed_by_failed_writes(api, client):
    client.post("/_emulator/faults", json={"write_then_fail": {"count": 1}})
    assert api.post(PROJECTS, json={"key": "1BAD", "name": "x"}).status_code == 400
    assert api.post(PROJECTS, json={"key": "GOOD", "name": "x"}).status_code == 500


def test_latency_fault_and_global_latency(api, client):
    client.post("/_emulator/faults", json={"latency_ms": 60, "match": {"path": "/rest/api/latest/projects"}})
    started = time.monotonic()
    api.get(PROJECTS)
    assert time.monotonic() - started >= 0.06
    started = time.monotonic()
    api.get("/rest/api/latest/application-properties")
    assert time.monotonic() - started < 0.06
    slow = Client(create_app(latency_ms=40))
    started = time.monotonic()
    slow.get("/rest/api/latest/application-properties")
    assert time.monotonic() - started >= 0.04


def test_fault_document_validation_and_clearing(client):
    for bad in (
        {},
        {"bogus": 1},
        {"rate_limit": {"count": 0}},
        {"error": {"status": 200}},
        {"error": {"rate": 2}},
        {"latency_ms": -1},
        {"error": {"count": 1, "match": {"verb": "GET"}}},
    ):
        assert client.post("/_emulator/faults", json=bad).status_code == 400, bad
    client.post("/_emulator/faults", json={"latency_ms": 5, "error": {"count": 1}})
    assert len(client.get("/_emulator/faults").json["faults"]) == 2
    assert client.delete("/_emulator/faults").status_code == 204
    assert client.get("/_emulator/faults").json == {"faults": []}


def test_clock_and_unknown_controls(client):
    before = client.get("/_emulator/clock").json
    after = client.post("/_emulator/clock", json={"advance_ms": 1000}).json
    assert after["offset_ms"] == 1000
    assert after["now"] >= before["now"] + 1000
    # Repositories are made through the REST API; the old record control is gone.
    assert client.post("/_emulator/repos", json={"project": "NOPE", "slug": "r"}).status_code == 404
    assert client.get("/_emulator/nothing").status_code == 404


def test_concurrent_requests_are_serialised_on_the_state(app):
    def worker(index):
        client = Client(app)
        for number in range(10):
            key = f"T{index}N{number}"
            response = client.post(PROJECTS, json={"key": key, "name": key}, headers={"Authorization": "Basic YWRtaW46YWRtaW4="})
            assert response.status_code == 201

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    state = Client(app).get("/_emulator/state").json
    assert len(state["projects"]) == 80
    assert sorted(p["id"] for p in state["projects"]) == list(range(1, 81))
    log = Client(app).get("/_emulator/requests").json["requests"]
    assert sorted(entry["seq"] for entry in log) == list(range(1, 81))
    assert Client(app).get("/_emulator/counters").json == {"total": 80, "by_method": {"POST": 80}, "writes": 80}


def test_cli_serves_on_a_free_port_and_stops_cleanly():
    env = dict(os.environ, PYTHONPATH=EMULATOR_DIR)
    process = subprocess.Popen(
        [sys.executable, "-m", "bitbucket_emulator", "--host", "127.0.0.1", "--port", "0", "--quiet"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        line = process.stdout.readline().strip()
        assert line.startswith("bitbucket emulator listening on http://127.0.0.1:")
        base = line.rsplit(" ", 1)[1]
        with urllib.request.urlopen(base + "/rest/api/latest/application-properties", timeout=10) as response:
            assert response.status == 200
            assert json.loads(response.read())["version"] == "9.4.0"
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.returncode == 0
    process.stdout.close()
    process.stderr.close()


def test_cli_refuses_a_non_loopback_host():
    env = dict(os.environ, PYTHONPATH=EMULATOR_DIR)
    result = subprocess.run(
        [sys.executable, "-m", "bitbucket_emulator", "--host", "0.0.0.0", "--port", "0"], capture_output=True, env=env, text=True, timeout=30, check=False
    )
    assert result.returncode == 2
    assert "loopback" in result.stderr
    assert result.stdout == ""


def test_cli_claims_the_version_it_is_given_and_refuses_a_bad_one():
    env = dict(os.environ, PYTHONPATH=EMULATOR_DIR)
    process = subprocess.Popen(
        [sys.executable, "-m", "bitbucket_emulator", "--port", "0", "--quiet", "--version", "9.6.1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        base = process.stdout.readline().strip().rsplit(" ", 1)[1]
        with urllib.request.urlopen(base + "/rest/api/latest/application-properties", timeout=10) as response:
            assert json.loads(response.read())["version"] == "9.6.1"
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
        process.stderr.close()
    refused = subprocess.run(
        [sys.executable, "-m", "bitbucket_emulator", "--port", "0", "--version", "latest"], capture_output=True, env=env, text=True, timeout=30, check=False
    )
    assert refused.returncode == 2
    assert "--version" in refused.stderr
