"""Default-reviewer conditions and webhooks in the emulator."""

from __future__ import annotations

import pytest

CONDITIONS = "/rest/default-reviewers/latest/projects/ALPHA"
REPO_CONDITIONS = "/rest/default-reviewers/latest/projects/ALPHA/repos/app"
HOOKS = "/rest/api/latest/projects/ALPHA/webhooks"
REPO_HOOKS = "/rest/api/latest/projects/ALPHA/repos/app/webhooks"

ANY = {"id": "ANY_REF_MATCHER_ID", "type": {"id": "ANY_REF", "name": "Any branch"}}
MAIN = {"id": "refs/heads/main", "displayId": "main", "type": {"id": "BRANCH", "name": "Branch"}}


@pytest.fixture
def users(api, app):
    api.make_project("ALPHA")
    api.make_repo("ALPHA", "app")
    api.make_user("alice")
    api.make_user("bob")
    return {user.name: user.id for user in app.state.users.values()}


def condition(reviewers, required=1, source=None, target=None):
    return {"sourceMatcher": source or ANY, "targetMatcher": target or MAIN, "reviewers": reviewers, "requiredApprovals": required}


def test_condition_lifecycle(api, users):
    created = api.post(CONDITIONS + "/condition", json=condition([{"id": users["alice"]}, {"id": users["bob"]}], required=2))
    assert created.status_code == 200
    body = created.json
    assert body["sourceRefMatcher"]["type"]["id"] == "ANY_REF"
    assert body["targetRefMatcher"]["id"] == "refs/heads/main"
    assert [user["name"] for user in body["reviewers"]] == ["alice", "bob"]
    assert body["requiredApprovals"] == 2
    assert body["scope"] == {"type": "PROJECT", "resourceId": body["scope"]["resourceId"]}
    # spec getPullRequestConditions: a JSON array.
    assert api.get(CONDITIONS + "/conditions").json == [body]
    updated = api.put(f"{CONDITIONS}/condition/{body['id']}", json=condition([{"name": "bob"}], required=0))
    assert updated.status_code == 200
    assert [user["name"] for user in updated.json["reviewers"]] == ["bob"]
    assert api.delete(f"{CONDITIONS}/condition/{body['id']}").status_code == 204
    assert api.delete(f"{CONDITIONS}/condition/{body['id']}").status_code == 404
    assert api.put(f"{CONDITIONS}/condition/{body['id']}", json=condition([{"name": "bob"}])).status_code == 404


def test_repository_conditions_are_the_repositorys_own(api, users):
    api.post(CONDITIONS + "/condition", json=condition([{"name": "alice"}]))
    own = api.post(REPO_CONDITIONS + "/condition", json=condition([{"name": "bob"}], target=ANY)).json
    assert own["scope"]["type"] == "REPOSITORY"
    assert [c["id"] for c in api.get(REPO_CONDITIONS + "/conditions").json] == [own["id"]]


@pytest.mark.parametrize("body", [
    condition([]),
    condition([{"name": "ghost"}]),
    condition([{"name": "alice"}], required=2),
    condition([{"name": "alice"}], required=-1),
    condition([{"name": "alice"}], source={"id": "main", "type": {"id": "BRANCH"}}),
    {"targetMatcher": MAIN, "reviewers": [{"name": "alice"}]},
])
def test_condition_errors(api, users, body):
    assert api.post(CONDITIONS + "/condition", json=body).status_code == 400


def hook(**fields):
    body = {"name": "ci", "url": "https://ci.example.com/hook", "events": ["repo:refs_changed", "pr:merged"], "active": True}
    body.update(fields)
    return body


def test_webhook_lifecycle_and_the_write_only_secret(api, app, users):
    created = api.post(HOOKS, json=hook(configuration={"secret": "s3cr3t"}))
    assert created.status_code == 200
    body = created.json
    assert (body["name"], body["scopeType"], body["sslVerificationRequired"]) == ("ci", "project", True)
    assert body["events"] == ["pr:merged", "repo:refs_changed"]
    assert "s3cr3t" not in created.get_data(as_text=True)
    first_hash = app.state.webhooks[body["id"]].secret_hash
    assert first_hash and first_hash != "s3cr3t"
    listed = api.get(HOOKS).json
    assert [w["id"] for w in listed["values"]] == [body["id"]]
    assert api.get(HOOKS, query_string={"event": "pr:opened"}).json["values"] == []
    updated = api.put(f"{HOOKS}/{body['id']}", json={"url": "https://ci.example.com/v2", "active": False}).json
    assert (updated["url"], updated["active"], updated["events"]) == ("https://ci.example.com/v2", False, body["events"])
    assert app.state.webhooks[body["id"]].secret_hash == first_hash
    api.put(f"{HOOKS}/{body['id']}", json={"configuration": {"secret": "other"}})
    assert app.state.webhooks[body["id"]].secret_hash not in (None, first_hash)
    assert api.get(f"{HOOKS}/{body['id']}").json["url"] == "https://ci.example.com/v2"
    assert api.delete(f"{HOOKS}/{body['id']}").status_code == 204
    assert api.get(f"{HOOKS}/{body['id']}").status_code == 404


def test_repository_webhooks_are_separate(api, users):
    api.post(HOOKS, json=hook())
    own = api.post(REPO_HOOKS, json=hook(name="deploy")).json
    assert own["scopeType"] == "repository"
    assert [w["name"] for w in api.get(REPO_HOOKS).json["values"]] == ["deploy"]
    assert api.get(f"{HOOKS}/{own['id']}").status_code == 404


@pytest.mark.parametrize("body", [hook(name=""), hook(url="ftp://x"), hook(url="not a url"), hook(events=[]), hook(active="yes"), {"name": "x"}])
def test_webhook_errors(api, users, body):
    assert api.post(HOOKS, json=body).status_code == 400


def test_webhooks_need_admin(api, users):
    assert api.get(HOOKS, auth=("alice", "secret")).status_code == 401
