"""Repositories in the emulator: slugs, the irregular statuses, the lifecycle states, archive, rename, move, fork."""

from __future__ import annotations

from bitbucket_emulator.state import REPOSITORY_PENDING_MS

PROJECTS = "/rest/api/latest/projects"


def repos(key):
    return f"{PROJECTS}/{key}/repos"


def test_the_slug_is_derived_from_the_name_and_a_sent_slug_is_ignored(api):
    api.make_project("ALPHA")
    created = api.post(repos("ALPHA"), json={"name": "My Service.v2", "scmId": "git", "slug": "custom"})
    assert created.status_code == 201
    assert created.json["slug"] == "my-service.v2"
    assert created.json["project"]["key"] == "ALPHA"
    assert api.get(f"{repos('ALPHA')}/my-service.v2").json["name"] == "My Service.v2"
    assert api.get(f"{repos('ALPHA')}/custom").status_code == 404


def test_create_uses_only_name_and_scm_id(api):
    # spec createRepository: "The only parameters which will be used are name and scmId" (API-MAP section 7 row 23).
    api.make_project("ALPHA")
    created = api.make_repo("ALPHA", "app", description="ignored", forkable=False, public=True, defaultBranch="develop")
    assert "description" not in created
    assert (created["forkable"], created["public"], created["defaultBranch"]) == (True, False, "main")


def test_a_new_repository_is_initialising_for_a_while(api):
    api.make_project("ALPHA")
    created = api.make_repo("ALPHA", "app")
    assert created["state"] == "INITIALISING"
    # Counted in reads, so that a run makes the same requests every time: the first read still sees it initialising.
    assert api.get(f"{repos('ALPHA')}/app").json["state"] == "INITIALISING"
    assert api.get(f"{repos('ALPHA')}/app").json["state"] == "AVAILABLE"


def test_emulator_time_ends_the_initialisation_too(api):
    api.make_project("ALPHA")
    api.make_repo("ALPHA", "app")
    api.advance_clock(REPOSITORY_PENDING_MS)
    assert api.get(f"{repos('ALPHA')}/app").json["state"] == "AVAILABLE"


def test_create_errors(api):
    api.make_project("ALPHA")
    api.make_repo("ALPHA", "app")
    assert api.post(repos("ALPHA"), json={"name": "APP"}).status_code == 409
    assert api.post(repos("ALPHA"), json={}).status_code == 400
    assert api.post(repos("ALPHA"), json={"name": "-starts-badly"}).status_code == 400
    assert api.post(repos("ALPHA"), json={"name": "ok", "scmId": "hg"}).status_code == 400
    assert api.post(repos("NOPE"), json={"name": "ok"}).status_code == 404
    user = api.make_user("reader")
    assert api.post(repos("ALPHA"), json={"name": "mine"}, auth=user).status_code == 401


def test_list_is_paged_and_shows_what_the_caller_may_read(api):
    api.make_project("ALPHA")
    for name in ("one", "two", "three"):
        api.make_repo("ALPHA", name)
    first = api.get(repos("ALPHA"), query_string={"limit": 2}).json
    assert (first["size"], first["isLastPage"], first["nextPageStart"]) == (2, False, 2)
    rest = api.get(repos("ALPHA"), query_string={"start": 2}).json
    assert [repo["name"] for repo in first["values"] + rest["values"]] == ["one", "three", "two"]
    reader = api.make_user("reader")
    assert api.get(repos("ALPHA"), auth=reader).status_code == 401
    api.put(f"{repos('ALPHA')}/two/permissions/users", query_string={"name": "reader", "permission": "REPO_READ"})
    assert [repo["slug"] for repo in api.get(repos("ALPHA"), auth=reader).json["values"]] == ["two"]


def test_update_answers_201_and_changes_the_given_fields(api):
    api.make_project("ALPHA")
    api.make_repo("ALPHA", "app")
    updated = api.put(f"{repos('ALPHA')}/app", json={"description": "The app", "forkable": False, "public": True})
    assert updated.status_code == 201
    assert (updated.json["description"], updated.json["forkable"], updated.json["public"]) == ("The app", False, True)
    assert api.put(f"{repos('ALPHA')}/app", json={"defaultBranch": "develop"}).json["defaultBranch"] == "develop"


def test_rename_changes_the_slug(api):
    api.make_project("ALPHA")
    api.make_repo("ALPHA", "app")
    api.make_repo("ALPHA", "taken")
    renamed = api.put(f"{repos('ALPHA')}/app", json={"name": "New Name"})
    assert (renamed.status_code, renamed.json["slug"]) == (201, "new-name")
    assert api.get(f"{repos('ALPHA')}/app").status_code == 404
    assert api.put(f"{repos('ALPHA')}/new-name", json={"name": "Taken"}).status_code == 409


def test_move_to_another_project_keeps_the_grants_and_tokens(api):
    api.make_project("ALPHA")
    api.make_project("BETA")
    repo = api.make_repo("ALPHA", "app")
    token = api.make_token("projects/ALPHA/repos/app", ["REPO_READ"])
    moved = api.put(f"{repos('ALPHA')}/app", json={"project": {"key": "BETA"}})
    assert (moved.status_code, moved.json["project"]["key"], moved.json["id"]) == (201, "BETA", repo["id"])
    assert api.get(f"{repos('ALPHA')}/app").status_code == 404
    assert api.get(f"{repos('BETA')}/app", auth=None, headers=api.bearer(token["token"])).status_code == 200
    assert api.put(f"{repos('BETA')}/app", json={"project": {"key": "NOPE"}}).status_code == 404
    api.make_repo("ALPHA", "app")
    assert api.put(f"{repos('BETA')}/app", json={"project": {"key": "ALPHA"}}).status_code == 409


def test_an_archived_repository_accepts_only_unarchiving(api):
    api.make_project("ALPHA")
    api.make_repo("ALPHA", "app")
    assert api.put(f"{repos('ALPHA')}/app", json={"archived": True}).json["archived"] is True
    refused = api.put(f"{repos('ALPHA')}/app", json={"description": "changed"})
    assert refused.status_code == 409
    assert "archived" in refused.json["errors"][0]["message"]
    assert api.put(f"{repos('ALPHA')}/app", json={"archived": False, "description": "changed"}).status_code == 409
    # The same values as now are no change, so an unchanged field next to archived=false is fine.
    assert api.put(f"{repos('ALPHA')}/app", json={"archived": False, "name": "app"}).json["archived"] is False
    assert api.put(f"{repos('ALPHA')}/app", json={"description": "changed"}).status_code == 201


def test_delete_is_scheduled_then_done(api):
    api.make_project("ALPHA")
    api.make_repo("ALPHA", "app")
    assert api.delete(f"{repos('ALPHA')}/app").status_code == 202
    # Its name stays taken, and it stays readable once, until the deletion completes (API-MAP 3.2).
    assert api.post(repos("ALPHA"), json={"name": "app"}).status_code == 409
    assert api.delete(f"{repos('ALPHA')}/app").status_code == 202
    assert api.get(f"{repos('ALPHA')}/app").status_code == 200
    assert api.get(f"{repos('ALPHA')}/app").status_code == 404
    assert api.delete(f"{repos('ALPHA')}/app").status_code == 204
    assert api.delete(f"{repos('NOPE')}/app").status_code == 204


def test_emulator_time_ends_a_deletion_too(api):
    api.make_project("ALPHA")
    api.make_repo("ALPHA", "app")
    api.delete(f"{repos('ALPHA')}/app")
    api.advance_clock(REPOSITORY_PENDING_MS)
    assert api.get(f"{repos('ALPHA')}/app").status_code == 404


def test_deleting_a_repository_removes_what_hangs_off_it(api, app):
    api.make_project("ALPHA")
    api.make_repo("ALPHA", "app")
    api.make_token("projects/ALPHA/repos/app", ["REPO_READ"])
    restriction = {"type": "no-deletes", "matcher": {"id": "refs/heads/main", "type": {"id": "BRANCH"}}}
    assert api.post("/rest/branch-permissions/latest/projects/ALPHA/repos/app/restrictions", json=restriction).status_code == 200
    api.delete(f"{repos('ALPHA')}/app")
    api.get(f"{repos('ALPHA')}/app")
    dump = api.client.get("/_emulator/state").json
    assert dump["tokens"] == [] and dump["restrictions"] == []


def test_default_branch_endpoint(api):
    api.make_project("ALPHA")
    api.make_repo("ALPHA", "app")
    branch = f"{repos('ALPHA')}/app/default-branch"
    assert api.get(branch).json == {"id": "refs/heads/main", "displayId": "main", "type": "BRANCH"}
    assert api.put(branch, json={"id": "refs/heads/develop"}).status_code == 204
    assert api.get(branch).json["displayId"] == "develop"
    assert api.get(f"{repos('ALPHA')}/app").json["defaultBranch"] == "develop"
    assert api.put(branch, json={}).status_code == 400
    assert api.get(f"{repos('ALPHA')}/nope/default-branch").status_code == 404


def test_fork(api):
    api.make_project("ALPHA")
    api.make_project("BETA")
    api.make_repo("ALPHA", "app")
    api.put(f"{repos('ALPHA')}/app/default-branch", json={"id": "refs/heads/develop"})
    fork = api.post(f"{repos('ALPHA')}/app", json={"name": "app-fork", "project": {"key": "BETA"}})
    assert fork.status_code == 201
    assert (fork.json["slug"], fork.json["project"]["key"], fork.json["defaultBranch"]) == ("app-fork", "BETA", "develop")
    assert fork.json["origin"]["slug"] == "app"
    assert fork.json["origin"]["project"]["key"] == "ALPHA"
    same_name = api.post(f"{repos('ALPHA')}/app", json={"project": {"key": "BETA"}})
    assert same_name.status_code == 201 and same_name.json["name"] == "app"
    # spec forkRepository: a collision, an scmId, or a project without a key is 400.
    assert api.post(f"{repos('ALPHA')}/app", json={"name": "app-fork", "project": {"key": "BETA"}}).status_code == 400
    assert api.post(f"{repos('ALPHA')}/app", json={"name": "x", "scmId": "git", "project": {"key": "BETA"}}).status_code == 400
    assert api.post(f"{repos('ALPHA')}/app", json={"name": "x", "project": {}}).status_code == 400
    assert api.post(f"{repos('ALPHA')}/app", json={"name": "x", "project": {"key": "NOPE"}}).status_code == 404
    forks = api.get(f"{repos('ALPHA')}/app/forks").json
    assert sorted((r["project"]["key"], r["slug"]) for r in forks["values"]) == [("BETA", "app"), ("BETA", "app-fork")]
    assert api.get(f"{repos('BETA')}/app-fork/forks").json["values"] == []


def test_state_dump_lists_the_repository_fields(api):
    api.make_project("ALPHA")
    api.make_repo("ALPHA", "app")
    repo = api.client.get("/_emulator/state").json["projects"][0]["repos"][0]
    assert repo["slug"] == "app" and repo["default_branch"] == "main" and repo["archived"] is False


def test_a_clock_put_back_does_not_hold_a_repository_up(api):
    api.make_project("ALPHA")
    api.advance_clock(3_600_000)
    api.make_repo("ALPHA", "app")
    assert api.delete(f"{repos('ALPHA')}/app").status_code == 202
    api.advance_clock(-3_600_000)
    assert api.get(f"{repos('ALPHA')}/app").status_code == 404
