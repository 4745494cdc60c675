"""Project and repository SSH access keys (API-MAP 3.8; seeds 000/001)."""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.tests.unit import sshkeygen

KEYS = "/rest/keys/latest"


@pytest.fixture
def scopes(api):
    api.make_project("ALPHA")
    api.make_project("BETA")
    api.make_repo("ALPHA", "app")
    api.make_repo("ALPHA", "web")
    return api


def add(api, scope, line, permission, label=None, auth=("admin", "admin")):
    body = {"key": {"text": line}, "permission": permission}
    if label:
        body["key"]["label"] = label
    return api.post(f"{KEYS}/projects/{scope}/ssh", json=body, auth=auth)


def listed(api, scope, **query):
    return [(entry["key"]["id"], entry["permission"]) for entry in api.get(f"{KEYS}/projects/{scope}/ssh", query_string=query or None).json["values"]]


def test_create_answers_the_key_its_permission_and_its_scope(scopes):
    line = sshkeygen.public_key("ed25519", "deploy@ci")
    created = add(scopes, "ALPHA", line, "PROJECT_READ")
    assert created.status_code == 201
    body = created.json
    assert body["permission"] == "PROJECT_READ"
    assert body["project"]["key"] == "ALPHA"
    assert "repository" not in body
    assert body["key"]["label"] == "deploy@ci"
    assert body["key"]["fingerprint"] == sshkeygen.ssh_keygen_fingerprint(line).split(":", 1)[1]
    repo = add(scopes, "ALPHA/repos/app", sshkeygen.public_key("rsa"), "REPO_WRITE").json
    assert (repo["repository"]["slug"], repo["repository"]["project"]["key"], repo["project"]["key"]) == ("app", "ALPHA", "ALPHA")


def test_one_key_shared_by_several_scopes_keeps_one_id(scopes):
    line = sshkeygen.public_key("ed25519", "shared")
    first = add(scopes, "ALPHA", line, "PROJECT_READ", label="first").json["key"]
    second = add(scopes, "BETA", line, "PROJECT_WRITE", label="ignored").json["key"]
    third = add(scopes, "ALPHA/repos/web", line, "REPO_READ").json["key"]
    assert first["id"] == second["id"] == third["id"]
    assert second["label"] == "first"  # the key object is shared; a second label is not taken
    projects = scopes.get(f"{KEYS}/ssh/{first['id']}/projects").json["values"]
    assert sorted((entry["project"]["key"], entry["permission"]) for entry in projects) == [("ALPHA", "PROJECT_READ"), ("BETA", "PROJECT_WRITE")]
    repos = scopes.get(f"{KEYS}/ssh/{first['id']}/repos").json["values"]
    assert [(entry["repository"]["slug"], entry["permission"]) for entry in repos] == [("web", "REPO_READ")]


def test_revoking_one_scope_keeps_the_others_and_the_last_revoke_removes_the_key(scopes):
    line = sshkeygen.public_key("ed25519")
    key_id = add(scopes, "ALPHA", line, "PROJECT_READ").json["key"]["id"]
    add(scopes, "BETA", line, "PROJECT_READ")
    assert scopes.delete(f"{KEYS}/projects/ALPHA/ssh/{key_id}").status_code == 204
    assert listed(scopes, "ALPHA") == []
    assert listed(scopes, "BETA") == [(key_id, "PROJECT_READ")]
    scopes.delete(f"{KEYS}/projects/BETA/ssh/{key_id}")
    assert scopes.get(f"{KEYS}/ssh/{key_id}/projects").status_code == 404
    # The key is gone from the system, so it may now be a user key.
    assert scopes.post("/rest/ssh/latest/keys", json={"text": line}).status_code == 201


def test_a_user_key_cannot_be_an_access_key_and_the_reverse(scopes):
    user_key = sshkeygen.public_key("ed25519", "alice")
    scopes.post("/rest/ssh/latest/keys", json={"text": user_key})
    refused = add(scopes, "ALPHA", user_key, "PROJECT_READ")
    assert refused.status_code == 409
    assert refused.json["errors"][0]["message"] == "The SSH key already exists on the system."
    access_key = sshkeygen.public_key("ed25519", "deploy")
    add(scopes, "ALPHA", access_key, "PROJECT_READ")
    assert scopes.post("/rest/ssh/latest/keys", json={"text": access_key}).status_code == 409
    assert add(scopes, "ALPHA", access_key, "PROJECT_WRITE").status_code == 409  # this scope has it already


def test_permission_changes_in_place_and_the_id_stays(scopes):
    key_id = add(scopes, "ALPHA", sshkeygen.public_key("ed25519"), "PROJECT_READ").json["key"]["id"]
    changed = scopes.put(f"{KEYS}/projects/ALPHA/ssh/{key_id}/permission/PROJECT_WRITE")
    assert changed.status_code == 200
    assert (changed.json["key"]["id"], changed.json["permission"]) == (key_id, "PROJECT_WRITE")
    assert listed(scopes, "ALPHA") == [(key_id, "PROJECT_WRITE")]
    assert scopes.put(f"{KEYS}/projects/ALPHA/ssh/{key_id}/permission/PROJECT_ADMIN").status_code == 400
    assert scopes.put(f"{KEYS}/projects/BETA/ssh/{key_id}/permission/PROJECT_WRITE").status_code == 404


@pytest.mark.parametrize("scope, permission", [("ALPHA", "REPO_READ"), ("ALPHA", "PROJECT_ADMIN"), ("ALPHA/repos/app", "PROJECT_READ"),
                                               ("ALPHA/repos/app", "REPO_ADMIN"), ("ALPHA", None)])
def test_only_the_scopes_two_levels_are_valid(scopes, scope, permission):
    response = add(scopes, scope, sshkeygen.public_key("ed25519"), permission)
    assert response.status_code == 400
    assert response.json["errors"][0]["context"] == "permission"


def test_a_repository_lists_its_own_keys_unless_effective(scopes):
    project_key = add(scopes, "ALPHA", sshkeygen.public_key("ed25519", "p"), "PROJECT_WRITE").json["key"]["id"]
    repo_key = add(scopes, "ALPHA/repos/app", sshkeygen.public_key("ed25519", "r"), "REPO_READ").json["key"]["id"]
    assert listed(scopes, "ALPHA/repos/app") == [(repo_key, "REPO_READ")]
    assert listed(scopes, "ALPHA/repos/app", effective="false") == [(repo_key, "REPO_READ")]
    assert listed(scopes, "ALPHA/repos/app", effective="true") == [(project_key, "PROJECT_WRITE"), (repo_key, "REPO_READ")]
    assert listed(scopes, "ALPHA/repos/app", effective="true", minimumPermission="REPO_WRITE") == [(project_key, "PROJECT_WRITE")]
    assert listed(scopes, "ALPHA/repos/web") == []
    # A project key is not a key of the repository at repository scope.
    assert scopes.get(f"{KEYS}/projects/ALPHA/repos/app/ssh/{project_key}").status_code == 404


def test_filter_is_a_label_prefix_and_permission_a_minimum(scopes):
    deploy = add(scopes, "ALPHA", sshkeygen.public_key("ed25519"), "PROJECT_READ", label="deploy-web").json["key"]["id"]
    write = add(scopes, "ALPHA", sshkeygen.public_key("ed25519"), "PROJECT_WRITE", label="ci").json["key"]["id"]
    assert listed(scopes, "ALPHA", filter="DEP") == [(deploy, "PROJECT_READ")]
    assert listed(scopes, "ALPHA", filter="web") == []
    assert listed(scopes, "ALPHA", permission="PROJECT_WRITE") == [(write, "PROJECT_WRITE")]
    assert scopes.get(f"{KEYS}/projects/ALPHA/ssh", query_string={"permission": "BOGUS"}).status_code == 400


def test_access_keys_need_project_or_repository_admin(scopes):
    scopes.make_user("frank", "frank-pw")
    frank = ("frank", "frank-pw")
    scopes.grant_project("ALPHA", "frank", "PROJECT_WRITE")
    assert scopes.get(f"{KEYS}/projects/ALPHA/ssh", auth=frank).status_code == 401
    assert add(scopes, "ALPHA", sshkeygen.public_key("ed25519"), "PROJECT_READ", auth=frank).status_code == 401
    scopes.grant_project("ALPHA", "frank", "PROJECT_ADMIN")
    key_id = add(scopes, "ALPHA", sshkeygen.public_key("ed25519"), "PROJECT_READ", auth=frank).json["key"]["id"]
    line = sshkeygen.public_key("ed25519")
    add(scopes, "BETA", line, "PROJECT_READ")
    shared = add(scopes, "ALPHA", line, "PROJECT_READ", auth=frank).json["key"]["id"]
    # Only the projects the caller administers are listed for a key.
    assert [entry["project"]["key"] for entry in scopes.get(f"{KEYS}/ssh/{shared}/projects", auth=frank).json["values"]] == ["ALPHA"]
    assert scopes.get(f"{KEYS}/ssh/{key_id}/projects", auth=frank).json["size"] == 1


def test_revoke_many_takes_single_project_and_repository_objects(scopes):
    line = sshkeygen.public_key("ed25519")
    key_id = add(scopes, "ALPHA", line, "PROJECT_READ").json["key"]["id"]
    add(scopes, "BETA", line, "PROJECT_READ")
    add(scopes, "ALPHA/repos/app", line, "REPO_READ")
    body = {"projects": {"key": "ALPHA"}, "repositories": {"slug": "app", "project": {"key": "ALPHA"}}}
    assert scopes.delete(f"{KEYS}/ssh/{key_id}", json=body).status_code == 204
    assert listed(scopes, "ALPHA") == []
    assert listed(scopes, "ALPHA/repos/app") == []
    assert listed(scopes, "BETA") == [(key_id, "PROJECT_READ")]
    # The documented shape is one object each (seed 001, spec revokeMany); lists are not read.
    refused = scopes.delete(f"{KEYS}/ssh/{key_id}", json={"projects": [{"key": "BETA"}]})
    assert refused.status_code == 400
    assert scopes.delete(f"{KEYS}/ssh/99", json={"projects": {"key": "BETA"}}).status_code == 404


def test_grants_follow_their_project_and_repository(scopes, client):
    line = sshkeygen.public_key("ed25519")
    key_id = add(scopes, "ALPHA/repos/app", line, "REPO_READ").json["key"]["id"]
    add(scopes, "BETA", line, "PROJECT_READ")
    # Keyed by repository id: the grant survives the project key changing.
    assert scopes.put("/rest/api/latest/projects/ALPHA", json={"key": "GAMMA"}).status_code == 201
    assert listed(scopes, "GAMMA/repos/app") == [(key_id, "REPO_READ")]
    scopes.delete_repo("GAMMA", "app")
    assert scopes.get(f"{KEYS}/ssh/{key_id}/repos").json["values"] == []
    scopes.delete_repo("GAMMA", "web")
    scopes.delete("/rest/api/latest/projects/BETA")
    assert scopes.get(f"{KEYS}/ssh/{key_id}/projects").status_code == 404


def test_creates_fail_while_access_keys_are_disabled(scopes, client):
    client.post("/_emulator/ssh", json={"access_keys_enabled": False})
    refused = add(scopes, "ALPHA", sshkeygen.public_key("ed25519"), "PROJECT_READ")
    assert refused.status_code == 400
    assert "disabled" in refused.json["errors"][0]["message"]
    assert scopes.get(f"{KEYS}/projects/ALPHA/ssh").status_code == 200
