"""Required-builds merge checks in the emulator (spec *RequiredBuildsMergeCheck*, API-MAP section 8)."""

from __future__ import annotations

import pytest

BASE = "/rest/required-builds/latest/projects/ALPHA/repos/app"
MAIN = {"id": "refs/heads/main", "displayId": "main", "type": {"id": "BRANCH", "name": "Branch"}}
ANY = {"id": "ANY_REF_MATCHER_ID", "type": {"id": "ANY_REF", "name": "Any branch"}}
HOTFIX = {"id": "hotfix/*", "type": {"id": "PATTERN", "name": "Pattern"}}


@pytest.fixture
def repo(api):
    api.make_project("ALPHA")
    api.make_repo("ALPHA", "app")
    api.make_repo("ALPHA", "other")


def condition(keys=("CI",), ref=None, exempt=None):
    body = {"buildParentKeys": list(keys), "refMatcher": ref or MAIN}
    if exempt is not None:
        body["exemptRefMatcher"] = exempt
    return body


def test_condition_lifecycle(api, app, repo):
    created = api.post(BASE + "/condition", json=condition(("CI", "SEC"), exempt=HOTFIX))
    assert created.status_code == 200
    body = created.json
    assert body["buildParentKeys"] == ["CI", "SEC"]
    assert body["refMatcher"]["id"] == "refs/heads/main"
    assert body["exemptRefMatcher"]["type"]["id"] == "PATTERN"
    # spec getPageOfRequiredBuildsMergeChecks: a standard page.
    listed = api.get(BASE + "/conditions").json
    assert listed["values"] == [body]
    assert listed["isLastPage"] is True
    # The PUT replaces the whole condition: the exemption left out is gone.
    updated = api.put(f"{BASE}/condition/{body['id']}", json=condition(("CI",)))
    assert updated.status_code == 200
    assert updated.json["buildParentKeys"] == ["CI"]
    assert "exemptRefMatcher" not in updated.json
    assert app.state.dump()["required_builds"][0]["exempt_ref_matcher"] is None
    assert api.delete(f"{BASE}/condition/{body['id']}").status_code == 204
    # spec: 204 "successfully deleted, or was never present".
    assert api.delete(f"{BASE}/condition/{body['id']}").status_code == 204
    assert api.put(f"{BASE}/condition/{body['id']}", json=condition()).status_code == 404
    assert api.get(BASE + "/conditions").json["values"] == []


def test_list_is_paged(api, repo):
    ids = [api.post(BASE + "/condition", json=condition((f"K{n}",))).json["id"] for n in range(3)]
    first = api.get(BASE + "/conditions", query_string={"limit": 2}).json
    assert [c["id"] for c in first["values"]] == ids[:2]
    assert first["isLastPage"] is False
    rest = api.get(BASE + "/conditions", query_string={"start": first["nextPageStart"], "limit": 2}).json
    assert [c["id"] for c in rest["values"]] == ids[2:]
    assert rest["isLastPage"] is True


def test_conditions_belong_to_one_repository(api, repo):
    own = api.post(BASE + "/condition", json=condition(ref=ANY)).json
    assert own["refMatcher"]["id"] == "ANY_REF_MATCHER_ID"
    other = "/rest/required-builds/latest/projects/ALPHA/repos/other"
    assert api.get(other + "/conditions").json["values"] == []
    assert api.put(f"{other}/condition/{own['id']}", json=condition()).status_code == 404
    # A delete elsewhere leaves it alone (204: nothing there).
    assert api.delete(f"{other}/condition/{own['id']}").status_code == 204
    assert len(api.get(BASE + "/conditions").json["values"]) == 1


def test_no_project_level_variant(api, repo):
    # The 9.4 document has repository-level required builds only.
    assert api.get("/rest/required-builds/latest/projects/ALPHA/conditions").status_code == 404


def test_deleted_with_their_repository(api, app, repo):
    api.post(BASE + "/condition", json=condition())
    project = app.state.find_project("ALPHA")
    app.state.remove_repository(project, project.repos["app"])
    assert app.state.required_builds == {}


@pytest.mark.parametrize("body", [
    condition(()),
    condition(("CI", " ")),
    condition(tuple(f"K{n}" for n in range(101))),
    condition(ref={"id": "main", "type": {"id": "BRANCH"}}),
    condition(ref={"id": "x", "type": {"id": "TAG"}}),
    condition(exempt={"id": "CHORE", "type": {"id": "MODEL_CATEGORY"}}),
    {"buildParentKeys": ["CI"]},
])
def test_condition_errors(api, repo, body):
    answer = api.post(BASE + "/condition", json=body)
    assert answer.status_code == 400
    assert answer.json["errors"][0]["message"]


def test_permissions(api, repo):
    reader = api.make_user("reader")
    api.put("/rest/api/latest/projects/ALPHA/permissions/users", query_string={"name": "reader", "permission": "PROJECT_READ"})
    assert api.get(BASE + "/conditions", auth=reader).status_code == 200
    assert api.post(BASE + "/condition", json=condition(), auth=reader).status_code == 401
    assert api.get(BASE + "/conditions", auth=None).status_code == 401
    assert api.get("/rest/required-builds/latest/projects/ALPHA/repos/nope/conditions").status_code == 404
