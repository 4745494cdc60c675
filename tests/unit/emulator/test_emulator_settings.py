"""Settings that inherit: hooks, auto-decline, auto-merge, pull-request settings (API-MAP 3.19, 3.21, 3.22, section 8)."""

from __future__ import annotations

import pytest

API = "/rest/api/latest"
FORCE_PUSH = "com.atlassian.bitbucket.server.bitbucket-bundled-hooks:force-push-hook"
FILE_SIZE = "com.atlassian.bitbucket.server.bitbucket-bundled-hooks:file-size-hook"
CI_TRIGGER = "com.example.bitbucket.ci:ci-trigger-hook"


@pytest.fixture
def scoped(api):
    api.make_project("SET")
    api.make_repo("SET", "app")
    api.make_repo("SET", "other")
    return api


def project(path):
    return f"{API}/projects/SET/{path}"


def repo(path, slug="app"):
    return f"{API}/projects/SET/repos/{slug}/{path}"


# -- hooks ----------------------------------------------------------------------------------------


def test_the_catalogue_lists_the_hooks_each_scope_supports(scoped):
    project_keys = [hook["details"]["key"] for hook in scoped.get(project("settings/hooks")).json["values"]]
    repo_keys = [hook["details"]["key"] for hook in scoped.get(repo("settings/hooks")).json["values"]]
    assert CI_TRIGGER not in project_keys
    assert set(repo_keys) == set(project_keys) | {CI_TRIGGER}
    merge_checks = scoped.get(project("settings/hooks"), query_string={"type": "PRE_PULL_REQUEST_MERGE"}).json["values"]
    assert [hook["details"]["type"] for hook in merge_checks] == ["PRE_PULL_REQUEST_MERGE"]
    # Only hooks with settings name a configuration form.
    details = {hook["details"]["key"]: hook["details"] for hook in scoped.get(repo("settings/hooks")).json["values"]}
    assert "configFormKey" in details[FILE_SIZE] and "configFormKey" not in details[FORCE_PUSH]


def test_a_repository_inherits_its_projects_hook_until_it_has_its_own(scoped):
    assert scoped.get(repo(f"settings/hooks/{FORCE_PUSH}")).json["scope"] == {"type": "GLOBAL"}
    scoped.put(project(f"settings/hooks/{FORCE_PUSH}/enabled"))
    for slug in ("app", "other"):
        hook = scoped.get(repo(f"settings/hooks/{FORCE_PUSH}", slug)).json
        assert (hook["enabled"], hook["scope"]) == (True, {"type": "PROJECT", "resourceId": 1})
    disabled = scoped.delete(repo(f"settings/hooks/{FORCE_PUSH}/enabled"))
    assert disabled.status_code == 200
    assert (disabled.json["enabled"], disabled.json["scope"]["type"]) == (False, "REPOSITORY")
    assert scoped.get(repo(f"settings/hooks/{FORCE_PUSH}", "other")).json["enabled"] is True
    assert scoped.delete(repo(f"settings/hooks/{FORCE_PUSH}")).status_code == 204
    assert scoped.get(repo(f"settings/hooks/{FORCE_PUSH}")).json["scope"]["type"] == "PROJECT"


def test_a_hook_that_needs_settings_is_enabled_with_them(scoped):
    assert scoped.put(project(f"settings/hooks/{FILE_SIZE}/enabled")).status_code == 400
    enabled = scoped.put(project(f"settings/hooks/{FILE_SIZE}/enabled"), json={"sizeLimit": 10, "includes": "*.iso"})
    assert enabled.status_code == 200
    assert (enabled.json["enabled"], enabled.json["configured"]) == (True, True)
    # The form stores numbers as text (API-MAP 3.19).
    assert scoped.get(project(f"settings/hooks/{FILE_SIZE}/settings")).json == {"sizeLimit": "10", "includes": "*.iso"}
    # A repository inherits the settings, and may enable the hook with them (no settings of its own needed).
    assert scoped.get(repo(f"settings/hooks/{FILE_SIZE}/settings")).json == {"sizeLimit": "10", "includes": "*.iso"}
    assert scoped.put(repo(f"settings/hooks/{FILE_SIZE}/enabled")).status_code == 200


def test_settings_replace_the_document_and_keep_the_enabled_state(scoped):
    scoped.put(project(f"settings/hooks/{FILE_SIZE}/enabled"), json={"sizeLimit": 10, "includes": "*.iso"})
    assert scoped.put(project(f"settings/hooks/{FILE_SIZE}/settings"), json={"sizeLimit": 20}).json == {"sizeLimit": "20"}
    assert scoped.get(project(f"settings/hooks/{FILE_SIZE}")).json["enabled"] is True
    scoped.delete(project(f"settings/hooks/{FILE_SIZE}/enabled"))
    # Disabling keeps the settings.
    assert scoped.get(project(f"settings/hooks/{FILE_SIZE}/settings")).json == {"sizeLimit": "20"}
    # Settings set at a repository make its own configuration, with the enabled state it inherited.
    scoped.put(project(f"settings/hooks/{FILE_SIZE}/enabled"))
    scoped.put(repo(f"settings/hooks/{FILE_SIZE}/settings"), json={"sizeLimit": 1})
    hook = scoped.get(repo(f"settings/hooks/{FILE_SIZE}")).json
    assert (hook["enabled"], hook["scope"]["type"]) == (True, "REPOSITORY")


@pytest.mark.parametrize(
    "key, document, field",
    [(FILE_SIZE, {"sizeLimit": 0}, "sizeLimit"), (FILE_SIZE, {"sizeLimit": True}, "sizeLimit"), (FILE_SIZE, {"sizeLimit": 1, "includes": 3}, "includes"),
     (CI_TRIGGER, {"url": "ftp://ci"}, "url"), (CI_TRIGGER, {"url": "https://ci.example.com", "branches": ["main"]}, "branches")],
)
def test_invalid_settings_are_400_naming_the_field(scoped, key, document, field):
    answer = scoped.put(repo(f"settings/hooks/{key}/settings"), json=document)
    assert answer.status_code == 400
    assert answer.json["errors"][0]["context"] == field


def test_settings_larger_than_32kb_are_refused(scoped):
    answer = scoped.put(project(f"settings/hooks/{FORCE_PUSH}/settings"), json={"blob": "x" * (32 * 1024)})
    assert answer.status_code == 400
    assert "32KB" in answer.json["errors"][0]["message"]
    assert scoped.put(project(f"settings/hooks/{FORCE_PUSH}/settings"), json=["not", "an", "object"]).status_code == 400


def test_unknown_and_unsupported_hooks_are_404(scoped):
    assert scoped.get(project("settings/hooks/com.example:nothing")).status_code == 404
    answer = scoped.get(project(f"settings/hooks/{CI_TRIGGER}"))
    assert answer.status_code == 404
    assert "supports repository scope only" in answer.json["errors"][0]["message"]
    assert scoped.put(project(f"settings/hooks/{CI_TRIGGER}/enabled"), json={"url": "https://ci"}).status_code == 404
    assert scoped.get(repo(f"settings/hooks/{FORCE_PUSH}", "missing")).status_code == 404


def test_hook_permissions(scoped):
    reader = scoped.make_user("hooky")
    scoped.grant_project("SET", "hooky", "PROJECT_READ")
    assert scoped.get(project(f"settings/hooks/{FORCE_PUSH}"), auth=reader).status_code == 200
    assert scoped.put(project(f"settings/hooks/{FORCE_PUSH}/enabled"), auth=reader).status_code == 401
    assert scoped.get(repo("settings/hooks"), auth=reader).status_code == 401
    scoped.grant_project("SET", "hooky", "PROJECT_ADMIN")
    assert scoped.put(project(f"settings/hooks/{FORCE_PUSH}/enabled"), auth=reader).status_code == 200
    assert scoped.get(repo("settings/hooks"), auth=reader).status_code == 200


# -- auto-decline ---------------------------------------------------------------------------------


def test_auto_decline_defaults_project_and_repository(scoped):
    assert scoped.get(repo("settings/auto-decline")).json == {"enabled": True, "inactivityWeeks": 4, "scope": {"type": "GLOBAL"}}
    scoped.put(project("settings/auto-decline"), json={"enabled": True, "inactivityWeeks": 12})
    assert scoped.get(repo("settings/auto-decline")).json == {"enabled": True, "inactivityWeeks": 12, "scope": {"type": "PROJECT", "resourceId": 1}}
    # Weeks not given: those in force stay.
    assert scoped.put(repo("settings/auto-decline"), json={"enabled": False}).json["inactivityWeeks"] == 12
    scoped.delete(project("settings/auto-decline"))
    assert scoped.get(repo("settings/auto-decline")).json["scope"]["type"] == "REPOSITORY"
    assert scoped.get(repo("settings/auto-decline", "other")).json["scope"] == {"type": "GLOBAL"}


@pytest.mark.parametrize(
    "body", [{"enabled": True, "inactivityWeeks": 3}, {"inactivityWeeks": 4}, {"enabled": "yes"}, {"enabled": True, "inactivityWeeks": True}]
)
def test_auto_decline_validation(scoped, body):
    assert scoped.put(project("settings/auto-decline"), json=body).status_code == 400
    assert scoped.get(project("settings/auto-decline")).json["scope"]["type"] == "GLOBAL"


def test_auto_decline_needs_admin_to_change(scoped):
    user = scoped.make_user("decliner")
    scoped.grant_project("SET", "decliner", "PROJECT_WRITE")
    assert scoped.get(project("settings/auto-decline"), auth=user).status_code == 200
    assert scoped.put(project("settings/auto-decline"), auth=user, json={"enabled": False}).status_code == 401
    assert scoped.delete(repo("settings/auto-decline"), auth=user).status_code == 401


# -- auto-merge ---------------------------------------------------------------------------------------


def test_auto_merge_restriction(scoped):
    scoped.put(repo("settings/auto-merge"), json={"enabled": True})
    assert scoped.put(project("settings/auto-merge"), json={"enabled": False, "restrictionAction": "SOMETIMES"}).status_code == 400
    scoped.put(project("settings/auto-merge"), json={"enabled": False, "restrictionAction": "CREATE"})
    # The project's settings answer for its repositories, even one that has its own.
    answer = scoped.get(repo("settings/auto-merge")).json
    assert answer == {"enabled": False, "restrictionState": "RESTRICTED_UNMODIFIABLE", "scope": {"type": "PROJECT", "resourceId": 1}}
    assert scoped.put(repo("settings/auto-merge"), json={"enabled": True}).status_code == 403
    # NONE leaves the restriction; DELETE lifts it, and the repository's own setting applies again.
    scoped.put(project("settings/auto-merge"), json={"enabled": True, "restrictionAction": "NONE"})
    assert scoped.get(project("settings/auto-merge")).json["restrictionState"] == "RESTRICTED_MODIFIABLE"
    scoped.put(project("settings/auto-merge"), json={"enabled": True, "restrictionAction": "DELETE"})
    assert scoped.get(repo("settings/auto-merge")).json == {"enabled": True, "restrictionState": "NONE", "scope": {"type": "REPOSITORY", "resourceId": 1}}


# -- pull-request settings --------------------------------------------------------------------------------


def enabled_ids(config):
    return [strategy["id"] for strategy in config["strategies"] if strategy["enabled"]]


def test_merge_configuration_inherits_through_every_level(scoped):
    instance = f"{API}/admin/pull-requests/git"
    assert scoped.get(repo("settings/pull-requests")).json["mergeConfig"]["type"] == "default"
    scoped.post(instance, json={"mergeConfig": {"strategies": [{"id": "ff"}], "defaultStrategy": {"id": "ff"}}})
    assert scoped.get(repo("settings/pull-requests")).json["mergeConfig"]["type"] == "scm"
    scoped.post(project("settings/pull-requests/git"), json={"mergeConfig": {"strategies": [{"id": "squash"}, {"id": "no-ff"}],
                                                                             "defaultStrategy": {"id": "squash"}}})
    config = scoped.get(repo("settings/pull-requests")).json["mergeConfig"]
    assert (config["type"], enabled_ids(config), config["defaultStrategy"]["id"]) == ("project", ["no-ff", "squash"], "squash")
    # Every strategy is listed, with its flag (API-MAP 3.22).
    assert len(config["strategies"]) == 7
    scoped.post(project("settings/pull-requests/git"), json={"mergeConfig": {}})
    assert scoped.get(repo("settings/pull-requests")).json["mergeConfig"]["type"] == "scm"
    scoped.post(instance, json={"mergeConfig": {}})
    assert scoped.get(instance).json["type"] == "default"


def test_the_template_is_kept_unless_given(scoped):
    path = project("settings/pull-requests/git")
    base = {"strategies": [{"id": "no-ff"}], "defaultStrategy": {"id": "no-ff"}}
    scoped.post(path, json={"mergeConfig": dict(base, commitMessageTemplate={"title": "PR #${id}", "body": "b"})})
    assert scoped.post(path, json={"mergeConfig": dict(base, commitSummaries=3)}).json["mergeConfig"]["commitMessageTemplate"] == {
        "title": "PR #${id}", "body": "b"}
    answer = scoped.post(path, json={"mergeConfig": dict(base, commitMessageTemplate={})}).json["mergeConfig"]
    assert "commitMessageTemplate" not in answer
    assert answer["commitSummaries"] == 3


@pytest.mark.parametrize(
    "merge_config",
    [
        {"strategies": [], "defaultStrategy": {"id": "no-ff"}},
        {"strategies": [{"id": "no-ff"}]},
        {"strategies": [{"id": "no-ff"}], "defaultStrategy": {"id": "squash"}},
        {"strategies": [{"id": "no-ff"}], "defaultStrategy": {"id": "no-ff"}, "commitSummaries": -1},
        {"strategies": "no-ff", "defaultStrategy": {"id": "no-ff"}},
    ],
)
def test_merge_configuration_validation(scoped, merge_config):
    assert scoped.post(project("settings/pull-requests/git"), json={"mergeConfig": merge_config}).status_code == 400
    assert scoped.get(project("settings/pull-requests/git")).json["mergeConfig"]["type"] == "default"


def test_repository_requirements_are_partial_updates_with_string_counts(scoped):
    path = repo("settings/pull-requests")
    scoped.post(path, json={"requiredApprovers": {"enabled": True, "count": "2"}})
    answer = scoped.post(path, json={"requiredSuccessfulBuilds": {"enabled": True, "count": 1}, "requiredAllApprovers": True}).json
    assert answer["requiredApprovers"] == {"enabled": True, "count": "2"}
    assert answer["requiredSuccessfulBuilds"] == {"enabled": True, "count": "1"}
    assert (answer["requiredApproversDeprecated"], answer["requiredSuccessfulBuildsDeprecated"], answer["requiredAllApprovers"]) == (2, 1, True)
    assert scoped.get(repo("settings/pull-requests", "other")).json["requiredApprovers"] == {"enabled": False, "count": "0"}
    # A POST that fails validation changes nothing.
    bad = scoped.post(path, json={"requiredAllTasksComplete": True, "mergeConfig": {"strategies": [{"id": "zip"}], "defaultStrategy": {"id": "zip"}}})
    assert bad.status_code == 400
    assert scoped.get(path).json["requiredAllTasksComplete"] is False
    assert scoped.post(path, json={"requiredApprovers": {"enabled": True, "count": "x"}}).status_code == 400


def test_pull_request_permissions(scoped):
    user = scoped.make_user("merger")
    scoped.grant_project("SET", "merger", "PROJECT_WRITE")
    assert scoped.get(f"{API}/admin/pull-requests/git", auth=user).status_code == 200
    assert scoped.post(f"{API}/admin/pull-requests/git", auth=user, json={"mergeConfig": {}}).status_code == 401
    assert scoped.post(project("settings/pull-requests/git"), auth=user, json={"mergeConfig": {}}).status_code == 401
    assert scoped.get(repo("settings/pull-requests"), auth=user).status_code == 200


# -- state ------------------------------------------------------------------------------------------------


def test_the_state_dump_names_each_setting_by_scope_and_forgets_deleted_projects(scoped, client):
    scoped.put(project("settings/auto-decline"), json={"enabled": False})
    scoped.put(repo(f"settings/hooks/{FORCE_PUSH}/enabled"))
    scoped.post(repo("settings/pull-requests"), json={"requiredApprovers": {"enabled": True, "count": "1"}})
    settings = client.get("/_emulator/state").json["settings"]
    assert settings["auto_decline"] == {"project:SET": {"enabled": False, "inactivityWeeks": 4}}
    assert settings["hooks"] == {"repository:SET/app": {FORCE_PUSH: {"enabled": True, "settings": None}}}
    assert settings["pull_request_requirements"]["SET/app"]["approvers_count"] == 1
    for slug in ("app", "other"):
        scoped.delete_repo("SET", slug)
    scoped.delete(f"{API}/projects/SET")
    settings = client.get("/_emulator/state").json["settings"]
    assert settings["auto_decline"] == {} and settings["hooks"] == {} and settings["pull_request_requirements"] == {}
    # A project made again under the same key has a new id, and none of the old settings.
    scoped.make_project("SET")
    assert scoped.get(project("settings/auto-decline")).json["scope"] == {"type": "GLOBAL"}
