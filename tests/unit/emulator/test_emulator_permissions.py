"""Project permissions (API-MAP 3.3, seed 004)."""

from __future__ import annotations

import pytest

BASE = "/rest/api/latest/projects/PERM/permissions"


@pytest.fixture
def project(api):
    api.make_project("PERM")
    for name in ("uma", "vic", "wes"):
        api.make_user(name)
    api.post("/rest/api/latest/admin/groups", query_string={"name": "team"})
    return "PERM"


def _user_grants(api, auth=("admin", "admin")):
    return {g["user"]["name"]: g["permission"] for g in api.get(f"{BASE}/users", auth=auth).json["values"]}


def test_put_takes_query_parameters_and_answers_204(api, project):
    response = api.put(f"{BASE}/users", query_string={"name": "uma", "permission": "PROJECT_WRITE"})
    assert response.status_code == 204
    assert response.get_data() == b""
    assert _user_grants(api)["uma"] == "PROJECT_WRITE"


def test_json_body_is_ignored_so_body_only_put_is_400(api, project):
    response = api.put(f"{BASE}/users", json={"name": "uma", "permission": "PROJECT_WRITE"})
    assert response.status_code == 400
    assert "uma" not in _user_grants(api)


def test_repeated_names_and_set_semantics(api, project):
    api.put(f"{BASE}/users", query_string=[("name", "uma"), ("name", "vic"), ("permission", "PROJECT_ADMIN")])
    api.put(f"{BASE}/users", query_string={"name": "vic", "permission": "PROJECT_READ"})  # a demotion, not additive
    grants = _user_grants(api)
    assert grants["uma"] == "PROJECT_ADMIN"
    assert grants["vic"] == "PROJECT_READ"


@pytest.mark.parametrize(
    "query",
    [
        {"name": "uma"},
        {"permission": "PROJECT_READ"},
        {"name": "uma", "permission": "REPO_READ"},
        {"name": "uma", "permission": "project_read"},
    ],
)
def test_missing_or_invalid_parameters_are_400(api, project, query):
    assert api.put(f"{BASE}/users", query_string=query).status_code == 400


def test_unknown_project_user_or_group_is_404(api, project):
    assert api.put("/rest/api/latest/projects/NOPE/permissions/users", query_string={"name": "uma", "permission": "PROJECT_READ"}).status_code == 404
    assert api.put(f"{BASE}/users", query_string={"name": "ghost", "permission": "PROJECT_READ"}).status_code == 404
    assert api.put(f"{BASE}/groups", query_string={"name": "ghosts", "permission": "PROJECT_READ"}).status_code == 404
    assert api.delete(f"{BASE}/users", query_string={"name": "ghost"}).status_code == 404


def test_lists_show_direct_grants_only(api, project):
    api.put(f"{BASE}/groups", query_string={"name": "team", "permission": "PROJECT_WRITE"})
    api.post("/rest/api/latest/admin/groups/add-users", json={"group": "team", "users": ["wes"]})
    api.put(f"{BASE}/users", query_string={"name": "uma", "permission": "PROJECT_READ"})
    users = _user_grants(api)
    assert users == {"admin": "PROJECT_ADMIN", "uma": "PROJECT_READ"}  # admin: the creator's direct grant; wes only via group
    groups = api.get(f"{BASE}/groups").json["values"]
    assert groups == [{"group": {"name": "team"}, "permission": "PROJECT_WRITE"}]
    filtered = api.get(f"{BASE}/users", query_string={"filter": "UM"}).json["values"]
    assert [g["user"]["name"] for g in filtered] == ["uma"]


def test_none_lists_and_groups_none_is_202(api, project):
    api.put(f"{BASE}/users", query_string={"name": "uma", "permission": "PROJECT_READ"})
    api.make_user("xena", default_group=False)  # unlicensed: not listed
    without = api.get(f"{BASE}/users/none").json["values"]
    assert [u["name"] for u in without] == ["vic", "wes"]
    groups_none = api.get(f"{BASE}/groups/none")
    assert groups_none.status_code == 202
    assert [g["name"] for g in groups_none.json["values"]] == ["stash-users", "team"]


def test_delete_and_bulk_delete(api, project):
    api.put(f"{BASE}/users", query_string=[("name", "uma"), ("name", "vic"), ("permission", "PROJECT_READ")])
    api.put(f"{BASE}/groups", query_string={"name": "team", "permission": "PROJECT_READ"})
    assert api.delete(f"{BASE}/users", query_string={"name": "uma"}).status_code == 204
    assert "uma" not in _user_grants(api)
    assert api.delete(BASE).status_code == 400
    assert api.delete(BASE, query_string=[("user", "vic"), ("group", "nosuch")]).status_code == 404
    assert "vic" in _user_grants(api)  # nothing revoked when a principal is missing
    assert api.delete(BASE, query_string=[("user", "vic"), ("group", "team")]).status_code == 204
    assert "vic" not in _user_grants(api)
    assert api.get(f"{BASE}/groups").json["values"] == []


def test_project_admin_cannot_lower_or_remove_own_permission(api, project):
    uma = ("uma", "secret")
    api.put(f"{BASE}/users", query_string={"name": "uma", "permission": "PROJECT_ADMIN"})
    demote = api.put(f"{BASE}/users", query_string={"name": "uma", "permission": "PROJECT_WRITE"}, auth=uma)
    assert demote.status_code == 403
    assert api.delete(f"{BASE}/users", query_string={"name": "uma"}, auth=uma).status_code == 409
    assert api.delete(BASE, query_string={"user": "uma"}, auth=uma).status_code == 409
    assert _user_grants(api)["uma"] == "PROJECT_ADMIN"  # every refused change was rolled back
    # Managing others is fine.
    assert api.put(f"{BASE}/users", query_string={"name": "vic", "permission": "PROJECT_WRITE"}, auth=uma).status_code == 204


def test_group_demotion_that_lowers_the_caller_is_refused(api, project):
    api.post("/rest/api/latest/admin/groups/add-users", json={"group": "team", "users": ["uma"]})
    api.put(f"{BASE}/groups", query_string={"name": "team", "permission": "PROJECT_ADMIN"})
    uma = ("uma", "secret")
    assert api.put(f"{BASE}/groups", query_string={"name": "team", "permission": "PROJECT_READ"}, auth=uma).status_code == 403
    assert api.delete(f"{BASE}/groups", query_string={"name": "team"}, auth=uma).status_code == 409


def test_global_admin_never_loses_access_so_may_remove_own_grant(api, project):
    assert api.delete(f"{BASE}/users", query_string={"name": "admin"}).status_code == 204
    assert api.get(f"{BASE}/users").status_code == 200


def test_permission_endpoints_need_project_admin(api, project):
    vic = ("vic", "secret")
    api.put(f"{BASE}/users", query_string={"name": "vic", "permission": "PROJECT_WRITE"})
    assert api.get(f"{BASE}/users", auth=vic).status_code == 401
    assert api.put(f"{BASE}/users", query_string={"name": "vic", "permission": "PROJECT_ADMIN"}, auth=vic).status_code == 401
    assert api.get(f"{BASE}/PROJECT_READ/all", auth=vic).status_code == 401


def test_default_permission(api, project):
    def permitted(level):
        return api.get(f"{BASE}/{level}/all").json["permitted"]

    assert [permitted(p) for p in ("PROJECT_READ", "PROJECT_WRITE", "PROJECT_ADMIN")] == [False, False, False]
    assert api.post(f"{BASE}/PROJECT_WRITE/all", query_string={"allow": "true"}).status_code == 204
    assert [permitted(p) for p in ("PROJECT_READ", "PROJECT_WRITE", "PROJECT_ADMIN")] == [False, True, False]
    wes = ("wes", "secret")
    assert api.get("/rest/api/latest/projects/PERM", auth=wes).status_code == 200  # all licensed users
    assert api.post(f"{BASE}/PROJECT_READ/all", query_string={"allow": "false"}).status_code == 204  # not the default: no change
    assert permitted("PROJECT_WRITE") is True
    assert api.post(f"{BASE}/PROJECT_WRITE/all", query_string={"allow": "false"}).status_code == 204
    assert permitted("PROJECT_WRITE") is False
    assert api.get("/rest/api/latest/projects/PERM", auth=wes).status_code == 401
    assert api.post(f"{BASE}/PROJECT_READ/all").status_code == 400
    assert api.get(f"{BASE}/REPO_READ/all").status_code == 400


def test_search_reports_direct_and_implied_permissions(api, project):
    api.put(f"{BASE}/groups", query_string={"name": "team", "permission": "PROJECT_WRITE"})
    api.post("/rest/api/latest/admin/groups/add-users", json={"group": "team", "users": ["wes"]})
    found = api.get(f"{BASE}/search").json["values"]
    by_user = {e["user"]["name"]: e["permission"] for e in found if "user" in e}
    assert by_user == {"admin": "SYS_ADMIN", "wes": "PROJECT_WRITE"}
    groups = [e for e in found if "group" in e]
    assert groups == [{"group": {"name": "team"}, "permission": "PROJECT_WRITE"}]
    only_users = api.get(f"{BASE}/search", query_string={"type": "USER", "permission": "PROJECT_WRITE", "filterText": "we"}).json["values"]
    assert [e["user"]["name"] for e in only_users] == ["wes"]
    assert api.get(f"{BASE}/search", query_string={"type": "ROBOT"}).status_code == 400
