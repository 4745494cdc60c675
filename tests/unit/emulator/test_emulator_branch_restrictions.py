"""Branch permissions in the emulator: both POST forms, matchers, exemptions, inherited entries, the version gate, probes."""

from __future__ import annotations

import json

import pytest

BULK = "application/vnd.atl.bitbucket.bulk+json"
PROJECT = "/rest/branch-permissions/latest/projects/ALPHA/restrictions"
REPO = "/rest/branch-permissions/latest/projects/ALPHA/repos/app/restrictions"


def branch(name="main", kind="pull-request-only", **exemptions):
    return {"type": kind, "matcher": {"id": f"refs/heads/{name}", "displayId": name, "type": {"id": "BRANCH", "name": "Branch"}}, **exemptions}


@pytest.fixture
def setup(api):
    api.make_project("ALPHA")
    api.make_repo("ALPHA", "app")
    api.make_user("alice")
    api.post("/rest/api/latest/admin/groups", query_string={"name": "release"})


def test_single_form_answers_the_restriction(api, setup):
    created = api.post(PROJECT, json=branch(userSlugs=["alice"], groupNames=["release"], accessKeyIds=[7]))
    assert created.status_code == 200
    body = created.json
    assert body["type"] == "pull-request-only"
    assert body["matcher"] == {"id": "refs/heads/main", "displayId": "main", "type": {"id": "BRANCH", "name": "Branch"}, "active": True}
    assert [user["slug"] for user in body["users"]] == ["alice"]
    assert body["groups"] == ["release"]
    assert body["accessKeys"] == [{"key": {"id": 7}}]
    assert body["scope"]["type"] == "PROJECT"
    assert api.get(f"{PROJECT}/{body['id']}").json == body


def test_bulk_form_creates_every_item_and_answers_one(api, setup):
    items = [branch(kind="no-deletes"), branch(kind="fast-forward-only")]
    created = api.post(PROJECT, data=json.dumps(items), content_type=BULK)
    assert created.status_code == 200
    # spec createRestrictions declares one RestRefRestriction for the bulk request (API-MAP section 7 row 3).
    assert created.json["type"] == "no-deletes"
    listed = api.get(PROJECT).json["values"]
    assert [r["type"] for r in listed] == ["no-deletes", "fast-forward-only"]
    assert api.post(PROJECT, data=json.dumps(branch()), content_type=BULK).status_code == 400
    assert api.post(PROJECT, data=json.dumps(items), content_type="application/json").status_code == 400


def test_one_invalid_item_creates_nothing(api, setup):
    items = [branch(kind="no-deletes"), branch(kind="not-a-type")]
    assert api.post(PROJECT, data=json.dumps(items), content_type=BULK).status_code == 400
    assert api.get(PROJECT).json["values"] == []


@pytest.mark.parametrize("matcher", [
    {"id": "main", "type": {"id": "BRANCH"}},
    {"id": "refs/heads/main", "type": {"id": "ANY_REF"}},
    {"id": "SPIKE", "type": {"id": "MODEL_CATEGORY"}},
    {"id": "Production", "type": {"id": "MODEL_BRANCH"}},
    {"id": "", "type": {"id": "PATTERN"}},
    {"type": {"id": "BRANCH"}},
    "refs/heads/main",
])
def test_matchers_follow_the_documented_rules(api, setup, matcher):
    answer = api.post(PROJECT, json={"type": "no-deletes", "matcher": matcher})
    assert answer.status_code == 400
    assert answer.json["errors"][0]["context"] == "matcher"


def test_other_matchers(api, setup):
    for matcher, display in (({"id": "release/*", "type": {"id": "PATTERN"}}, "release/*"),
                             ({"id": "HOTFIX", "type": {"id": "MODEL_CATEGORY"}}, "HOTFIX"),
                             ({"id": "production", "type": {"id": "MODEL_BRANCH"}}, "production")):
        created = api.post(PROJECT, json={"type": "read-only", "matcher": matcher}).json
        assert created["matcher"]["displayId"] == display
        assert created["matcher"]["type"]["name"]


def test_exempt_principals_must_exist(api, setup):
    assert api.post(PROJECT, json=branch(userSlugs=["ghost"])).status_code == 400
    assert api.post(PROJECT, json=branch(groupNames=["ghosts"])).status_code == 400
    assert api.post(PROJECT, json=branch(accessKeyIds=["x"])).status_code == 400
    # The alternative forms (API-MAP 3.4): users as objects or plain strings, groups, accessKeys.
    created = api.post(PROJECT, json=branch(users=[{"name": "alice"}], groups=["RELEASE"], accessKeys=[{"key": {"id": 3}}])).json
    assert ([u["name"] for u in created["users"]], created["groups"], created["accessKeys"]) == (["alice"], ["release"], [{"key": {"id": 3}}])


def test_no_creates_exists_from_9_4(api, client, setup):
    assert api.post(PROJECT, json=branch(kind="no-creates")).status_code == 200
    client.post("/_emulator/reset", json={"version": "9.3.2"})
    api.make_project("ALPHA")
    refused = api.post(PROJECT, json=branch(kind="no-creates"))
    assert refused.status_code == 400
    assert refused.json["errors"][0]["context"] == "type"
    assert api.get(PROJECT, query_string={"type": "no-creates"}).status_code == 400


def test_a_repository_lists_its_projects_restrictions_as_inherited(api, setup):
    inherited = api.post(PROJECT, json=branch(kind="no-deletes")).json
    own = api.post(REPO, json=branch(kind="read-only")).json
    assert own["scope"]["type"] == "REPOSITORY"
    listed = api.get(REPO).json["values"]
    assert [(r["id"], r["scope"]["type"]) for r in listed] == [(inherited["id"], "PROJECT"), (own["id"], "REPOSITORY")]
    assert [r["id"] for r in api.get(PROJECT).json["values"]] == [inherited["id"]]
    # Inherited entries are not the repository's: neither readable nor deletable by id through it.
    assert api.get(f"{REPO}/{inherited['id']}").status_code == 404
    assert api.delete(f"{REPO}/{inherited['id']}").status_code == 404
    assert api.delete(f"{REPO}/{own['id']}").status_code == 204
    assert api.get(f"{REPO}/{own['id']}").status_code == 404


def test_filters(api, setup):
    api.post(PROJECT, json=branch(kind="no-deletes"))
    api.post(PROJECT, json=branch("develop", kind="no-deletes"))
    api.post(PROJECT, json={"type": "read-only", "matcher": {"id": "release/*", "type": {"id": "PATTERN"}}})
    found = api.get(PROJECT, query_string={"matcherType": "BRANCH", "matcherId": "refs/heads/main", "type": "no-deletes"}).json["values"]
    assert [r["matcher"]["displayId"] for r in found] == ["main"]
    assert len(api.get(PROJECT, query_string={"matcherType": "PATTERN"}).json["values"]) == 1
    assert api.get(PROJECT, query_string={"matcherId": "refs/heads/main"}).status_code == 400


def test_the_same_identity_twice_makes_two_restrictions(api, setup):
    first = api.post(PROJECT, json=branch()).json
    second = api.post(PROJECT, json=branch(userSlugs=["alice"])).json
    assert first["id"] != second["id"]
    assert len(api.get(PROJECT).json["values"]) == 2


def test_permissions(api, setup):
    reader = api.make_user("reader")
    assert api.get(PROJECT, auth=reader).status_code == 401
    api.put("/rest/api/latest/projects/ALPHA/repos/app/permissions/users", query_string={"name": "reader", "permission": "REPO_ADMIN"})
    assert api.get(REPO, auth=reader).status_code == 200
    assert api.get(PROJECT, auth=reader).status_code == 401
    assert api.get("/rest/branch-permissions/latest/projects/NOPE/restrictions").status_code == 404


def test_a_probe_reads_before_the_matching_request(api, client, setup):
    old = api.post(PROJECT, json=branch()).json
    probe = client.post("/_emulator/probes", json={"path": PROJECT + "?limit=100", "match": {"method": "DELETE", "path": PROJECT + "/"}})
    assert probe.status_code == 200
    new = api.post(PROJECT, json=branch(userSlugs=["alice"])).json
    assert api.delete(f"{PROJECT}/{old['id']}").status_code == 204
    captured = client.get("/_emulator/probes").json["probes"][0]["captured"]
    assert len(captured) == 1
    assert captured[0]["before"] == f"DELETE {PROJECT}/{old['id']}"
    assert captured[0]["status"] == 200
    assert [r["id"] for r in captured[0]["body"]["values"]] == [old["id"], new["id"]]
    # The probe's own read is neither logged nor counted.
    assert [entry["method"] for entry in client.get("/_emulator/requests").json["requests"]][-1] == "DELETE"
    assert client.delete("/_emulator/probes").status_code == 204
    assert client.get("/_emulator/probes").json == {"probes": []}


@pytest.mark.parametrize("bad", [
    {"path": "/nope", "match": {"method": "DELETE"}},
    {"path": PROJECT},
    {"path": PROJECT, "match": {}},
    {"path": PROJECT, "match": {"method": "DELETE"}, "count": 0},
    {"path": PROJECT, "match": {"method": "DELETE"}, "extra": 1},
    [],
])
def test_bad_probes_are_refused(client, bad):
    assert client.post("/_emulator/probes", json=bad).status_code == 400
