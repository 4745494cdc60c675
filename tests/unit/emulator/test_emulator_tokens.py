"""HTTP access tokens (API-MAP 3.5, seeds 000/001/002) and token-scoped authorisation."""

from __future__ import annotations

import base64

import pytest

TOKENS = "/rest/access-tokens/latest"
PROJECTS = "/rest/api/latest/projects"


@pytest.fixture
def projects(api):
    api.make_project("ALPHA")
    api.make_project("BETA")
    api.make_repo("ALPHA", "app")
    return ("ALPHA", "BETA")


def _as(api, secret):
    return {"auth": None, "headers": api.bearer(secret)}


def test_create_is_put_200_with_raw_secret_once(api):
    response = api.put(f"{TOKENS}/users/admin", json={"name": "ci", "permissions": ["PROJECT_READ", "REPO_READ"], "expiryDays": 30})
    assert response.status_code == 200
    token = response.json
    assert token["id"].isdigit() and len(token["id"]) == 12
    assert token["name"] == "ci"
    assert isinstance(token["createdDate"], int)
    assert token["permissions"] == ["PROJECT_READ", "REPO_READ"]
    assert token["expiryDays"] == 30
    assert token["expiryDate"] == token["createdDate"] + 30 * 86400000
    assert token["user"]["name"] == "admin"
    assert base64.b64decode(token["token"]).startswith(token["id"].encode() + b":")  # shaped like the seed 001 example
    assert "lastAuthenticated" not in token

    listed = api.get(f"{TOKENS}/users/admin").json
    assert listed["size"] == 1
    assert "token" not in listed["values"][0]
    single = api.get(f"{TOKENS}/users/admin/{token['id']}").json
    assert "token" not in single
    assert single["id"] == token["id"]


def test_bearer_token_authenticates_and_records_last_use(api, client):
    secret = api.make_token("users/admin", ["PROJECT_ADMIN", "REPO_ADMIN"])
    assert api.get(PROJECTS, **_as(api, secret["token"])).status_code == 200
    after = api.get(f"{TOKENS}/users/admin/{secret['id']}").json
    assert isinstance(after["lastAuthenticated"], int)
    log = client.get("/_emulator/requests").json["requests"]
    assert [entry["auth"] for entry in log if entry["path"] == PROJECTS] == [f"bearer:{secret['id']}"]


def test_read_token_cannot_write(api, projects):
    secret = api.make_token("users/admin", ["PROJECT_READ"])["token"]
    assert api.get(f"{PROJECTS}/ALPHA", **_as(api, secret)).status_code == 200
    denied = api.put(f"{PROJECTS}/ALPHA", json={"description": "x"}, **_as(api, secret))
    assert denied.status_code == 401
    assert denied.json["errors"][0]["exceptionName"] == "com.atlassian.bitbucket.AuthorisationException"
    assert api.post(PROJECTS, json={"key": "NEW", "name": "New"}, **_as(api, secret)).status_code == 401
    assert api.get(f"{PROJECTS}/ALPHA/permissions/users", **_as(api, secret)).status_code == 401


def test_user_token_is_capped_by_its_owner(api, projects):
    yuri = api.make_user("yuri")
    api.grant_project("ALPHA", "yuri", "PROJECT_READ")
    secret = api.make_token("users/yuri", ["PROJECT_ADMIN"], auth=yuri)["token"]
    assert api.get(f"{PROJECTS}/ALPHA", **_as(api, secret)).status_code == 200
    assert api.put(f"{PROJECTS}/ALPHA", json={"name": "x"}, **_as(api, secret)).status_code == 401
    assert api.get(f"{PROJECTS}/BETA", **_as(api, secret)).status_code == 401


def test_token_cannot_manage_tokens(api, projects):
    token = api.make_token("users/admin", ["PROJECT_ADMIN", "REPO_ADMIN"])
    secret = token["token"]
    assert api.put(f"{TOKENS}/users/admin", json={"name": "x", "permissions": ["PROJECT_READ"]}, **_as(api, secret)).status_code == 401
    assert api.post(f"{TOKENS}/users/admin/{token['id']}", json={"name": "y"}, **_as(api, secret)).status_code == 401
    assert api.delete(f"{TOKENS}/users/admin/{token['id']}", **_as(api, secret)).status_code == 401
    assert api.get(f"{TOKENS}/users/admin", **_as(api, secret)).status_code == 200  # reading is allowed


def test_project_token_acts_only_on_its_project(api, projects):
    token = api.make_token("projects/ALPHA", ["PROJECT_ADMIN", "REPO_ADMIN"])
    assert token["user"]["type"] == "SERVICE"
    secret = token["token"]
    assert api.get(f"{PROJECTS}/ALPHA", **_as(api, secret)).status_code == 200
    assert api.put(f"{PROJECTS}/ALPHA", json={"description": "by token"}, **_as(api, secret)).status_code == 200
    assert api.get(f"{PROJECTS}/ALPHA/permissions/users", **_as(api, secret)).status_code == 200
    assert api.get(f"{PROJECTS}/BETA", **_as(api, secret)).status_code == 401
    assert api.put(f"{PROJECTS}/BETA", json={"description": "x"}, **_as(api, secret)).status_code == 401
    listed = api.get(PROJECTS, **_as(api, secret)).json["values"]
    assert [p["key"] for p in listed] == ["ALPHA"]
    assert api.get("/rest/api/latest/admin/users", **_as(api, secret)).status_code == 401
    # Basic auth cannot use a project token (it has no user of its own to name).
    assert api.get(PROJECTS, auth=(token["user"]["name"], secret)).status_code == 401


def test_repository_token_sees_its_project_but_cannot_change_it(api, projects):
    token = api.make_token("projects/ALPHA/repos/app", ["REPO_ADMIN"])
    secret = token["token"]
    assert api.get(f"{PROJECTS}/ALPHA", **_as(api, secret)).status_code == 200
    assert api.put(f"{PROJECTS}/ALPHA", json={"description": "x"}, **_as(api, secret)).status_code == 401
    assert api.get(f"{PROJECTS}/BETA", **_as(api, secret)).status_code == 401
    assert api.get(f"{TOKENS}/projects/ALPHA/repos/app", **_as(api, secret)).status_code == 200
    assert api.get(f"{TOKENS}/projects/ALPHA", **_as(api, secret)).status_code == 401


def test_missing_owners_are_404(api, projects):
    body = {"name": "x", "permissions": ["REPO_READ"]}
    assert api.put(f"{TOKENS}/users/ghost", json=body).status_code == 404
    assert api.put(f"{TOKENS}/projects/NOPE", json=body).status_code == 404
    assert api.put(f"{TOKENS}/projects/ALPHA/repos/missing", json=body).status_code == 404
    assert api.get(f"{TOKENS}/users/admin/123456789012").status_code == 404


@pytest.mark.parametrize(
    "owner, body",
    [
        ("users/admin", {"permissions": ["PROJECT_READ"]}),
        ("users/admin", {"name": "  ", "permissions": ["PROJECT_READ"]}),
        ("users/admin", {"name": "x"}),
        ("users/admin", {"name": "x", "permissions": []}),
        ("users/admin", {"name": "x", "permissions": ["PROJECT_OWNER"]}),
        ("users/admin", {"name": "x", "permissions": ["PROJECT_WRITE", "REPO_READ"]}),
        ("users/admin", {"name": "x", "permissions": ["PROJECT_READ"], "expiryDays": 0}),
        ("projects/ALPHA/repos/app", {"name": "x", "permissions": ["PROJECT_READ", "REPO_READ"]}),
    ],
)
def test_create_validation_is_400(api, projects, owner, body):
    response = api.put(f"{TOKENS}/{owner}", json=body)
    assert response.status_code == 400
    assert response.json["errors"][0]["message"]


def test_per_owner_maximum_of_100_tokens(api):
    for index in range(100):
        api.make_token("users/admin", ["PROJECT_READ"], name=f"t{index}")
    response = api.put(f"{TOKENS}/users/admin", json={"name": "one-too-many", "permissions": ["PROJECT_READ"]})
    assert response.status_code == 400
    assert "maximum" in response.json["errors"][0]["message"]
    page = api.get(f"{TOKENS}/users/admin", query_string={"limit": 30}).json
    assert page["size"] == 30
    assert page["nextPageStart"] == 30


def test_names_are_not_unique(api):
    first = api.make_token("users/admin", ["PROJECT_READ"], name="same")
    second = api.make_token("users/admin", ["PROJECT_READ"], name="same")
    assert first["id"] != second["id"]
    assert [t["name"] for t in api.get(f"{TOKENS}/users/admin").json["values"]] == ["same", "same"]


def test_update_is_post_on_item_and_keeps_unspecified_fields(api):
    token = api.make_token("users/admin", ["PROJECT_READ"], name="before", expiryDays=10)
    renamed = api.post(f"{TOKENS}/users/admin/{token['id']}", json={"name": "after"})
    assert renamed.status_code == 200
    assert renamed.json["name"] == "after"
    assert renamed.json["permissions"] == ["PROJECT_READ"]
    assert "token" not in renamed.json
    repermitted = api.post(f"{TOKENS}/users/admin/{token['id']}", json={"permissions": ["PROJECT_WRITE", "REPO_WRITE"], "expiryDays": 99})
    assert repermitted.json["permissions"] == ["PROJECT_WRITE", "REPO_WRITE"]
    assert repermitted.json["expiryDays"] == 10  # expiry cannot be changed: ignored
    assert repermitted.json["expiryDate"] == token["expiryDate"]
    assert api.post(f"{TOKENS}/users/admin/{token['id']}", json={"permissions": ["NOPE"]}).status_code == 400


def test_delete_is_204_and_the_secret_stops_working(api):
    token = api.make_token("users/admin", ["PROJECT_READ"])
    assert api.delete(f"{TOKENS}/users/admin/{token['id']}").status_code == 204
    assert api.get(PROJECTS, **_as(api, token["token"])).status_code == 401
    assert api.delete(f"{TOKENS}/users/admin/{token['id']}").status_code == 404


def test_expired_token_is_rejected(api, client):
    token = api.make_token("users/admin", ["PROJECT_READ"], expiryDays=1)
    assert api.get(PROJECTS, **_as(api, token["token"])).status_code == 200
    client.post("/_emulator/clock", json={"advance_ms": 86400000 + 1})
    assert api.get(PROJECTS, **_as(api, token["token"])).status_code == 401


def test_users_manage_own_tokens_admins_manage_all(api, projects):
    zoe = api.make_user("zoe")
    ann = api.make_user("ann")
    mine = api.make_token("users/zoe", ["PROJECT_READ"], auth=zoe)
    assert api.get(f"{TOKENS}/users/zoe", auth=ann).status_code == 401
    assert api.put(f"{TOKENS}/users/zoe", json={"name": "x", "permissions": ["PROJECT_READ"]}, auth=ann).status_code == 401
    assert api.get(f"{TOKENS}/users/zoe/{mine['id']}").status_code == 200  # admin
    assert api.put(f"{TOKENS}/projects/ALPHA", json={"name": "x", "permissions": ["PROJECT_READ"]}, auth=zoe).status_code == 401
    api.grant_project("ALPHA", "zoe", "PROJECT_ADMIN")
    assert api.put(f"{TOKENS}/projects/ALPHA", json={"name": "x", "permissions": ["PROJECT_READ"]}, auth=zoe).status_code == 200
    assert api.put(f"{TOKENS}/projects/ALPHA/repos/app", json={"name": "x", "permissions": ["REPO_READ"]}, auth=zoe).status_code == 200


def test_service_users_appear_and_go_with_their_token(api, projects):
    token = api.make_token("projects/ALPHA", ["PROJECT_READ"], name="deploy")
    service = token["user"]
    users = api.get("/rest/api/latest/users").json["values"]
    assert {"name": service["name"], "type": "SERVICE", "displayName": "deploy"}.items() <= next(u for u in users if u["name"] == service["name"]).items()
    api.delete(f"{TOKENS}/projects/ALPHA/{token['id']}")
    assert service["name"] not in [u["name"] for u in api.get("/rest/api/latest/users").json["values"]]


def test_deleting_a_project_removes_its_tokens(api, projects, client):
    token = api.make_token("projects/BETA", ["PROJECT_READ"])
    assert api.delete(f"{PROJECTS}/BETA").status_code == 204
    assert api.get(PROJECTS, **_as(api, token["token"])).status_code == 401
    assert client.get("/_emulator/state").json["tokens"] == []
