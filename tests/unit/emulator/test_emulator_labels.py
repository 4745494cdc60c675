"""Labels (seed 003 "labels"; the repository label endpoints of the 9.4 document, API-MAP 3.2)."""

from __future__ import annotations

import pytest

LABELS = "/rest/api/latest/labels"


def repo_labels(key, slug):
    return f"/rest/api/latest/projects/{key}/repos/{slug}/labels"


@pytest.fixture
def labelled(api):
    api.make_project("LAB")
    api.make_project("OTHER")
    one = api.make_repo("LAB", "one")
    two = api.make_repo("LAB", "two")
    three = api.make_repo("OTHER", "three")
    for key, slug, name in (("LAB", "one", "team-a"), ("LAB", "two", "team-a"), ("LAB", "two", "legacy"), ("OTHER", "three", "team-b")):
        response = api.post(repo_labels(key, slug), json={"name": name})
        assert response.status_code == 200, response.get_data(as_text=True)
        assert response.json == {"name": name}
    return one, two, three


def test_labels_are_listed_and_filtered_by_prefix(api, labelled):
    everything = api.get(LABELS).json
    assert [label["name"] for label in everything["values"]] == ["legacy", "team-a", "team-b"]
    assert everything["isLastPage"] is True
    assert [label["name"] for label in api.get(LABELS, query_string={"prefix": "team"}).json["values"]] == ["team-a", "team-b"]
    paged = api.get(LABELS, query_string={"limit": 2}).json
    assert (paged["size"], paged["isLastPage"], paged["nextPageStart"]) == (2, False, 2)


def test_one_label_and_404_for_an_unknown_one(api, labelled):
    assert api.get(f"{LABELS}/team-a").json == {"name": "team-a"}
    assert api.get(f"{LABELS}/nope").status_code == 404
    assert api.get(f"{LABELS}/nope/labeled").status_code == 404


def test_the_repositories_with_a_label(api, labelled):
    answer = api.get(f"{LABELS}/team-a/labeled", query_string={"type": "REPOSITORY"})
    assert answer.status_code == 200
    values = answer.json["values"]
    assert [(repo["project"]["key"], repo["slug"]) for repo in values] == [("LAB", "one"), ("LAB", "two")]
    assert all(repo["labelableType"] == "REPOSITORY" and repo["scmId"] == "git" for repo in values)
    bad = api.get(f"{LABELS}/team-a/labeled", query_string={"type": "PROJECT"})
    assert bad.status_code == 400
    assert bad.json["errors"][0]["context"] == "type"


def test_only_repositories_the_caller_can_see_are_listed(api, labelled):
    reader = api.make_user("rita")
    api.grant_project("LAB", "rita", "PROJECT_READ")
    assert [repo["slug"] for repo in api.get(f"{LABELS}/team-a/labeled", auth=reader).json["values"]] == ["one", "two"]
    assert api.get(f"{LABELS}/team-b/labeled", auth=reader).json["values"] == []
    assert api.get(LABELS, auth=None).status_code == 401


def test_repository_labels_are_a_page(api, labelled):
    page = api.get(repo_labels("LAB", "two")).json
    assert page["values"] == [{"name": "legacy"}, {"name": "team-a"}]
    assert api.get(repo_labels("LAB", "nope")).status_code == 404
    assert api.get(repo_labels("NOPE", "one")).status_code == 404


@pytest.mark.parametrize("name", ["UPPER", "ab", "x" * 51, "with space", "under_score", None, 7])
def test_invalid_label_names_are_400(api, labelled, name):
    response = api.post(repo_labels("LAB", "one"), json={"name": name})
    assert response.status_code == 400
    assert response.json["errors"][0]["context"] == "name"


def test_a_label_applied_twice_is_400(api, labelled):
    again = api.post(repo_labels("LAB", "one"), json={"name": "team-a"})
    assert again.status_code == 400
    assert "already applied" in again.json["errors"][0]["message"]


def test_removing_the_last_use_keeps_the_label(api, labelled):
    assert api.delete(f"{repo_labels('LAB', 'two')}/legacy").status_code == 204
    assert api.delete(f"{repo_labels('LAB', 'two')}/legacy").status_code == 204  # "no longer associated" either way
    assert api.get(repo_labels("LAB", "two")).json["values"] == [{"name": "team-a"}]
    assert api.get(f"{LABELS}/legacy").status_code == 200  # API-MAP 3.2: the definition outlives its last use
    assert api.get(f"{LABELS}/legacy/labeled").json["values"] == []


def test_writing_labels_needs_repo_admin(api, labelled):
    reader = api.make_user("walt")
    api.grant_project("LAB", "walt", "PROJECT_WRITE")
    assert api.get(repo_labels("LAB", "one"), auth=reader).status_code == 200
    assert api.post(repo_labels("LAB", "one"), json={"name": "mine"}, auth=reader).status_code == 401
    assert api.delete(f"{repo_labels('LAB', 'one')}/team-a", auth=reader).status_code == 401


def test_a_removed_repository_takes_its_labels_uses_along(api, client, labelled):
    api.delete_repo("LAB", "one")
    assert [repo["slug"] for repo in api.get(f"{LABELS}/team-a/labeled").json["values"]] == ["two"]
    assert client.get("/_emulator/state").json["labels"] == ["legacy", "team-a", "team-b"]
