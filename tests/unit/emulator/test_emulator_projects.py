"""Projects (API-MAP 3.1, seed 004)."""

from __future__ import annotations

import pytest

PROJECTS = "/rest/api/latest/projects"


def test_create_returns_201_and_the_project(api):
    response = api.post(PROJECTS, json={"key": "demo", "name": "Demo"})
    assert response.status_code == 201
    assert response.json == {
        "key": "DEMO",
        "id": 1,
        "name": "Demo",
        "public": False,
        "type": "NORMAL",
        "links": {"self": [{"href": "http://bitbucket.test:7990/projects/DEMO"}]},
    }


def test_description_is_returned_only_when_set(api):
    created = api.make_project("DESC", description="Team docs", public=True)
    assert created["description"] == "Team docs"
    assert created["public"] is True
    cleared = api.put(f"{PROJECTS}/DESC", json={"description": ""})
    assert cleared.status_code == 200
    assert "description" not in cleared.json


@pytest.mark.parametrize("key", ["1ABC", "A-B", "A B", "~ADMIN", "A" * 129, ""])
def test_invalid_keys_are_400(api, key):
    response = api.post(PROJECTS, json={"key": key, "name": "Bad"})
    assert response.status_code == 400
    assert response.json["errors"][0]["context"] == "key"


def test_name_is_required(api):
    response = api.post(PROJECTS, json={"key": "NONAME"})
    assert response.status_code == 400
    assert response.json["errors"][0]["context"] == "name"


def test_key_and_name_clashes_are_409(api):
    api.make_project("ONE", "First")
    key_clash = api.post(PROJECTS, json={"key": "one", "name": "Other"})
    assert key_clash.status_code == 409
    assert [e["context"] for e in key_clash.json["errors"]] == ["key"]
    name_clash = api.post(PROJECTS, json={"key": "TWO", "name": "FIRST"})
    assert name_clash.status_code == 409
    assert name_clash.json["errors"][0]["context"] == "name"
    assert "already taken" in name_clash.json["errors"][0]["message"]
    both = api.post(PROJECTS, json={"key": "ONE", "name": "First"})
    assert sorted(e["context"] for e in both.json["errors"]) == ["key", "name"]


def test_lookup_is_case_insensitive_and_missing_is_404(api):
    api.make_project("CASE")
    assert api.get(f"{PROJECTS}/case").json["key"] == "CASE"
    missing = api.get(f"{PROJECTS}/NOPE")
    assert missing.status_code == 404
    assert missing.json["errors"][0]["exceptionName"] == "com.atlassian.bitbucket.project.NoSuchProjectException"


def test_update_keeps_key_200_and_rename_key_201(api):
    api.make_project("OLD", "Old name", description="d")
    same = api.put(f"{PROJECTS}/OLD", json={"name": "New name"})
    assert same.status_code == 200
    assert same.json["name"] == "New name"
    assert same.json["description"] == "d"  # fields not sent are kept
    renamed = api.put(f"{PROJECTS}/old", json={"key": "NEWKEY"})
    assert renamed.status_code == 201
    assert renamed.json["key"] == "NEWKEY"
    assert renamed.json["links"]["self"][0]["href"].endswith("/projects/NEWKEY")
    assert api.get(f"{PROJECTS}/OLD").status_code == 404
    assert api.get(f"{PROJECTS}/NEWKEY").status_code == 200
    assert api.put(f"{PROJECTS}/NEWKEY", json={"public": "yes"}).status_code == 400
    assert api.put(f"{PROJECTS}/MISSING", json={"name": "x"}).status_code == 404


def test_update_to_taken_name_or_key_is_400(api):
    # spec updateProject documents no 409: a clash is its "validation error" 400.
    api.make_project("AAA", "Alpha")
    api.make_project("BBB", "Beta")
    name_clash = api.put(f"{PROJECTS}/BBB", json={"name": "alpha"})
    assert name_clash.status_code == 400
    assert name_clash.json["errors"][0]["context"] == "name"
    assert api.put(f"{PROJECTS}/BBB", json={"key": "AAA"}).status_code == 400
    assert api.get(f"{PROJECTS}/BBB").json["name"] == "Beta"


def test_avatar_must_be_a_base64_data_uri(api):
    assert api.post(PROJECTS, json={"key": "AV", "name": "Av", "avatar": "data:image/png;charset=utf-8;base64,AAAA"}).status_code == 400
    assert api.post(PROJECTS, json={"key": "AV", "name": "Av", "avatar": "data:image/png;base64,iVBORw0KGgo="}).status_code == 201


def test_delete_is_204_and_409_while_repositories_exist(api, client):
    api.make_project("GONE")
    api.make_repo("GONE", "repo1")
    blocked = api.delete(f"{PROJECTS}/GONE")
    assert blocked.status_code == 409
    # API-MAP 3.1: a repository deletion is scheduled (202); the project stays blocked until it is done.
    assert api.delete(f"{PROJECTS}/GONE/repos/repo1").status_code == 202
    assert api.delete(f"{PROJECTS}/GONE").status_code == 409
    assert api.get(f"{PROJECTS}/GONE/repos/repo1").status_code == 200  # readable once more, then gone
    assert api.delete(f"{PROJECTS}/GONE").status_code == 204
    assert api.get(f"{PROJECTS}/GONE").status_code == 404
    assert api.delete(f"{PROJECTS}/GONE").status_code == 404


def test_creator_becomes_project_admin(api):
    rita = api.make_user("rita")
    api.grant_global("rita", "PROJECT_CREATE")
    api.make_project("RITA", auth=rita)
    grants = api.get(f"{PROJECTS}/RITA/permissions/users", auth=rita).json["values"]
    assert [(g["user"]["name"], g["permission"]) for g in grants] == [("rita", "PROJECT_ADMIN")]
    assert api.put(f"{PROJECTS}/RITA", json={"description": "mine"}, auth=rita).status_code == 200


def test_list_shows_only_visible_projects(api):
    sam = api.make_user("sam")
    api.make_project("HIDDEN")
    api.make_project("PUB", public=True)
    api.make_project("GRANTED")
    api.make_project("DEFAULT")
    api.grant_project("GRANTED", "sam", "PROJECT_WRITE")
    assert api.post(f"{PROJECTS}/DEFAULT/permissions/PROJECT_READ/all", query_string={"allow": "true"}).status_code == 204
    visible = api.get(PROJECTS, auth=sam).json["values"]
    assert sorted(p["key"] for p in visible) == ["DEFAULT", "GRANTED", "PUB"]
    assert api.get(f"{PROJECTS}/HIDDEN", auth=sam).status_code == 401
    writable = api.get(PROJECTS, query_string={"permission": "PROJECT_WRITE"}, auth=sam).json["values"]
    assert [p["key"] for p in writable] == ["GRANTED"]
    assert api.get(PROJECTS, query_string={"permission": "REPO_READ"}, auth=sam).status_code == 400
    by_name = api.get(PROJECTS, query_string={"name": "project pu"}, auth=sam).json["values"]
    assert [p["key"] for p in by_name] == ["PUB"]


def test_write_permission_does_not_allow_update_or_delete(api):
    tom = api.make_user("tom")
    api.make_project("WR")
    api.grant_project("WR", "tom", "PROJECT_WRITE")
    assert api.get(f"{PROJECTS}/WR", auth=tom).status_code == 200
    assert api.put(f"{PROJECTS}/WR", json={"name": "x"}, auth=tom).status_code == 401
    assert api.delete(f"{PROJECTS}/WR", auth=tom).status_code == 401


def test_projects_page_across_a_small_server_limit(api, client):
    client.post("/_emulator/reset", json={"max_page_limit": 2})
    for index in range(5):
        api.make_project(f"P{index}", f"Project {index}")
    first = api.get(PROJECTS, query_string={"limit": 50}).json
    assert first["limit"] == 2
    assert first["size"] == 2
    assert first["isLastPage"] is False
    assert first["nextPageStart"] == 2
    last = api.get(PROJECTS, query_string={"start": 4, "limit": 50}).json
    assert last["isLastPage"] is True
    assert "nextPageStart" not in last
    assert [p["key"] for p in last["values"]] == ["P4"]
    assert api.get(PROJECTS, query_string={"start": "x"}).status_code == 400
