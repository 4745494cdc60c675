"""Hook scripts: the registry, the feature switch, multipart with the XSRF check, configurations (API-MAP 3.20)."""

from __future__ import annotations

import io

import pytest

API = "/rest/api/latest"
SCRIPTS = f"{API}/hook-scripts"
XSRF = {"X-Atlassian-Token": "no-check"}
FEATURE = "feature.hook.scripts"


def form(**fields):
    """Multipart fields; the content goes as a file part, as a browser (and the collection) uploads it."""
    data = {"name": "reject-large", "type": "PRE", "description": "Large files"}
    data.update(fields)
    if "content" not in fields:
        data["content"] = (io.BytesIO(b"#!/bin/sh\nexit 0\n"), "reject-large.sh", "text/plain")
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def scripts_on(api, client):
    assert client.post("/_emulator/features", json={FEATURE: True}).json == {FEATURE: True}
    api.make_project("HSC")
    api.make_repo("HSC", "app")
    return api


def create(api, **fields):
    answer = api.post(SCRIPTS, headers=XSRF, data=form(**fields))
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.json


# -- the feature switch ------------------------------------------------------------------------------


def test_hook_scripts_are_off_by_default_on_918_and_later(api, client):
    assert client.get("/_emulator/features").json == {FEATURE: False}
    answer = api.post(SCRIPTS, headers=XSRF, data=form())
    assert answer.status_code == 404
    assert answer.json["errors"][0]["exceptionName"] == "com.atlassian.bitbucket.FeatureDisabledException"
    api.make_project("OFF")
    assert api.get(f"{API}/projects/OFF/hook-scripts").status_code == 404


def test_before_818_they_are_on_by_default(api, client):
    client.post("/_emulator/settings", json={"version": "8.17.0"})
    assert client.get("/_emulator/features").json == {FEATURE: True}
    assert api.post(SCRIPTS, headers=XSRF, data=form()).status_code == 200


def test_the_switch_is_set_reset_and_validated(client):
    assert client.post("/_emulator/features", json={FEATURE: True}).json == {FEATURE: True}
    assert client.post("/_emulator/features", json={FEATURE: None}).json == {FEATURE: False}
    client.post("/_emulator/features", json={FEATURE: True})
    client.post("/_emulator/reset")
    assert client.get("/_emulator/features").json == {FEATURE: False}
    assert client.post("/_emulator/features", json={FEATURE: "yes"}).status_code == 400
    assert client.post("/_emulator/features", json={"feature.forking": True}).status_code == 400
    assert client.delete("/_emulator/features").status_code == 405


# -- the registry -----------------------------------------------------------------------------------------


def test_create_read_update_delete(scripts_on):
    created = create(scripts_on)
    assert {key: created[key] for key in ("id", "name", "type", "description", "version")} == {
        "id": 1, "name": "reject-large", "type": "PRE", "description": "Large files", "version": 0}
    assert isinstance(created["createdDate"], int)
    content = scripts_on.get(f"{SCRIPTS}/1/content")
    assert (content.status_code, content.mimetype, content.get_data(as_text=True)) == (200, "text/plain", "#!/bin/sh\nexit 0\n")
    # Plain fields and file parts are read alike.
    updated = scripts_on.put(f"{SCRIPTS}/1", headers=XSRF, data={"content": "exit 1\n", "name": "reject-huge"}, content_type="multipart/form-data")
    assert (updated.status_code, updated.json["name"], updated.json["version"]) == (200, "reject-huge", 1)
    assert scripts_on.get(f"{SCRIPTS}/1/content").get_data(as_text=True) == "exit 1\n"
    assert scripts_on.delete(f"{SCRIPTS}/1").status_code == 204
    for method in ("get", "delete"):
        assert getattr(scripts_on, method)(f"{SCRIPTS}/1").status_code == 404
    assert scripts_on.get(f"{SCRIPTS}/abc").status_code == 404


def test_the_forms_need_the_xsrf_header_and_multipart(scripts_on):
    refused = scripts_on.post(SCRIPTS, data=form())
    assert refused.status_code == 403
    assert refused.json["errors"][0]["message"] == "XSRF check failed"
    assert scripts_on.post(SCRIPTS, headers=XSRF, json={"name": "x", "type": "PRE", "content": "x"}).status_code == 415
    create(scripts_on)
    assert scripts_on.put(f"{SCRIPTS}/1", data={"description": "x"}, content_type="multipart/form-data").status_code == 403


@pytest.mark.parametrize(
    "fields, context",
    [({"name": None}, "name"), ({"name": " "}, "name"), ({"name": "x" * 256}, "name"), ({"type": "MIDDLE"}, "type"), ({"type": None}, "type"),
     ({"content": ""}, "content")],
)
def test_create_validation(scripts_on, fields, context):
    answer = scripts_on.post(SCRIPTS, headers=XSRF, data=form(**fields), content_type="multipart/form-data")
    assert answer.status_code == 400
    assert answer.json["errors"][0]["context"] == context


def test_names_are_unique(scripts_on):
    create(scripts_on)
    # API-MAP 3.20 VERIFY: the status of a duplicate create is not documented; the documented 400 is used.
    duplicate = scripts_on.post(SCRIPTS, headers=XSRF, data=form(name="REJECT-LARGE"))
    assert duplicate.status_code == 400
    create(scripts_on, name="second")
    assert scripts_on.put(f"{SCRIPTS}/2", headers=XSRF, data={"name": "reject-large"}, content_type="multipart/form-data").status_code == 409
    assert scripts_on.put(f"{SCRIPTS}/2", headers=XSRF, data={"type": "POST"}, content_type="multipart/form-data").status_code == 422


def test_the_registry_needs_sys_admin(scripts_on):
    admin = scripts_on.make_user("projadmin")
    scripts_on.grant_global("projadmin", "ADMIN")
    assert scripts_on.post(SCRIPTS, headers=XSRF, data=form(), auth=admin).status_code == 401
    create(scripts_on)
    assert scripts_on.get(f"{SCRIPTS}/1", auth=admin).status_code == 401


# -- configurations --------------------------------------------------------------------------------------


def test_configurations_at_both_scopes_and_deleting_the_script_removes_them(scripts_on, client):
    create(scripts_on)
    project_configs, repo_configs = f"{API}/projects/HSC/hook-scripts", f"{API}/projects/HSC/repos/app/hook-scripts"
    answer = scripts_on.put(f"{project_configs}/1", json={"triggerIds": ["repo-push", "file-edit", "repo-push"]})
    assert answer.json["triggerIds"] == ["repo-push", "file-edit"]
    scripts_on.put(f"{repo_configs}/1", json={"triggerIds": ["tag-create"]})
    listed = scripts_on.get(repo_configs).json["values"]
    assert [(config["scope"]["type"], config["triggerIds"]) for config in listed] == [("REPOSITORY", ["tag-create"]), ("PROJECT", ["repo-push", "file-edit"])]
    assert [config["scope"]["type"] for config in scripts_on.get(project_configs).json["values"]] == ["PROJECT"]
    assert scripts_on.delete(f"{repo_configs}/1").status_code == 204
    assert scripts_on.delete(f"{repo_configs}/1").status_code == 204
    scripts_on.put(f"{repo_configs}/1", json={"triggerIds": []})
    assert client.get("/_emulator/state").json["settings"]["hook_script_configs"] == {"project:HSC": {"1": ["file-edit", "repo-push"]},
                                                                                      "repository:HSC/app": {"1": []}}
    scripts_on.delete(f"{SCRIPTS}/1")
    assert client.get("/_emulator/state").json["settings"]["hook_script_configs"] == {}


def test_configuration_errors(scripts_on):
    create(scripts_on)
    configs = f"{API}/projects/HSC/hook-scripts"
    assert scripts_on.put(f"{configs}/1", json={"triggerIds": ["repo-push", "on-a-whim"]}).status_code == 400
    assert scripts_on.put(f"{configs}/1", json={"triggerIds": "repo-push"}).status_code == 400
    assert scripts_on.put(f"{configs}/99", json={"triggerIds": ["repo-push"]}).status_code == 404
    assert scripts_on.get(f"{API}/projects/NOPE/hook-scripts").status_code == 404
    writer = scripts_on.make_user("writer")
    scripts_on.grant_project("HSC", "writer", "PROJECT_WRITE")
    assert scripts_on.get(configs, auth=writer).status_code == 401


def test_the_request_log_records_the_form_fields(scripts_on, client):
    create(scripts_on)
    entry = [e for e in client.get("/_emulator/requests").json["requests"] if e["path"] == SCRIPTS][-1]
    assert entry["body"] == {"name": "reject-large", "type": "PRE", "description": "Large files", "content": "#!/bin/sh\nexit 0\n"}
    assert entry["content_type"].startswith("multipart/form-data")
