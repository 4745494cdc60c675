"""Repository permissions (spec-only, API-MAP 3.3 "Repository variant")."""

from __future__ import annotations

import pytest

BASE = "/rest/api/latest/projects/RPERM/repos/app/permissions"


@pytest.fixture
def repository(api):
    api.make_project("RPERM")
    api.make_repo("RPERM", "app")
    for name in ("uma", "vic"):
        api.make_user(name)
    api.post("/rest/api/latest/admin/groups", query_string={"name": "team"})
    return BASE


def _grants(api, kind, auth=("admin", "admin")):
    principal = kind[:-1]
    return {g[principal]["name"]: g["permission"] for g in api.get(f"{BASE}/{kind}", auth=auth).json["values"]}


def test_grants_are_query_parameters_with_repository_levels(api, repository):
    assert api.put(f"{BASE}/users", query_string=[("name", "uma"), ("name", "vic"), ("permission", "REPO_WRITE")]).status_code == 204
    assert api.put(f"{BASE}/groups", query_string={"name": "team", "permission": "REPO_READ"}).status_code == 204
    assert _grants(api, "users") == {"uma": "REPO_WRITE", "vic": "REPO_WRITE"}
    assert _grants(api, "groups") == {"team": "REPO_READ"}
    # A project permission is not a repository permission.
    assert api.put(f"{BASE}/users", query_string={"name": "uma", "permission": "PROJECT_READ"}).status_code == 400
    assert api.put(f"{BASE}/users", json={"name": "uma", "permission": "REPO_READ"}).status_code == 400


def test_groups_none_answers_200_unlike_the_project_variant(api, repository):
    response = api.get(f"{BASE}/groups/none")
    assert response.status_code == 200
    assert "team" in [group["name"] for group in response.json["values"]]
    assert api.get("/rest/api/latest/projects/RPERM/permissions/groups/none").status_code == 202


def test_bulk_revoke_and_its_errors(api, repository):
    api.put(f"{BASE}/users", query_string=[("name", "uma"), ("name", "vic"), ("permission", "REPO_READ")])
    api.put(f"{BASE}/groups", query_string={"name": "team", "permission": "REPO_READ"})
    assert api.delete(BASE).status_code == 400
    assert api.delete(BASE, query_string=[("user", "uma"), ("user", "ghost")]).status_code == 404
    assert _grants(api, "users") == {"uma": "REPO_READ", "vic": "REPO_READ"}
    assert api.delete(BASE, query_string=[("user", "uma"), ("group", "team")]).status_code == 204
    assert _grants(api, "users") == {"vic": "REPO_READ"}
    assert _grants(api, "groups") == {}


def test_a_missing_repository_is_404(api, repository):
    assert api.get("/rest/api/latest/projects/RPERM/repos/nope/permissions/users").status_code == 404
    assert api.put("/rest/api/latest/projects/RPERM/repos/nope/permissions/users", query_string={"name": "uma", "permission": "REPO_READ"}).status_code == 404


def test_needs_repo_admin(api, repository):
    api.put(f"{BASE}/users", query_string={"name": "uma", "permission": "REPO_WRITE"})
    assert api.get(f"{BASE}/users", auth=("uma", "secret")).status_code == 401
    api.put(f"{BASE}/users", query_string={"name": "uma", "permission": "REPO_ADMIN"})
    assert api.get(f"{BASE}/users", auth=("uma", "secret")).status_code == 200


def test_a_repository_administrator_cannot_lower_or_revoke_its_own_grant(api, repository):
    api.put(f"{BASE}/users", query_string={"name": "uma", "permission": "REPO_ADMIN"})
    lowered = api.put(f"{BASE}/users", query_string={"name": "uma", "permission": "REPO_READ"}, auth=("uma", "secret"))
    assert lowered.status_code == 403
    assert "reduce your own permission level on this repository" in lowered.json["errors"][0]["message"]
    assert api.delete(f"{BASE}/users", query_string={"name": "uma"}, auth=("uma", "secret")).status_code == 409
    assert api.delete(BASE, query_string={"user": "uma"}, auth=("uma", "secret")).status_code == 409
    assert _grants(api, "users") == {"uma": "REPO_ADMIN"}


def test_a_project_administrator_may_drop_its_own_repository_grant(api, repository):
    # spec revokePermissionsForUser_2: refused only "if they do not have a higher project or global permission".
    api.grant_project("RPERM", "uma", "PROJECT_ADMIN")
    api.put(f"{BASE}/users", query_string={"name": "uma", "permission": "REPO_ADMIN"})
    assert api.delete(f"{BASE}/users", query_string={"name": "uma"}, auth=("uma", "secret")).status_code == 204
    assert _grants(api, "users") == {}
