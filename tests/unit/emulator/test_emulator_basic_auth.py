"""Basic-authentication blocking: the configuration (API-MAP 3.11) and its enforcement on every Basic request."""

from __future__ import annotations

import pytest

CONFIG = "/rest/basicauth/latest/config"
PROJECTS = "/rest/api/latest/projects"


def block(api, **config):
    body = {"block-requests": True, "show-warning-message": False, "allowed-users": [], "allowed-paths": []}
    body.update(config)
    response = api.put(CONFIG, json=body)
    assert response.status_code == 204, response.get_data(as_text=True)


def test_nothing_is_blocked_out_of_the_box(api):
    assert api.get(CONFIG).json == {"block-requests": False, "show-warning-message": False, "allowed-users": [], "allowed-paths": []}


def test_put_answers_204_without_a_body_and_replaces_the_whole_configuration(api):
    block(api, **{"show-warning-message": True, "allowed-users": ["admin", "ops", "admin"]})
    assert api.get(CONFIG).json == {"block-requests": True, "show-warning-message": True, "allowed-users": ["admin", "ops"], "allowed-paths": []}
    response = api.put(CONFIG, json={"block-requests": False})
    assert response.status_code == 204
    assert response.get_data() == b""
    # "Store a new configuration": the keys left out are back at their defaults.
    assert api.get(CONFIG).json == {"block-requests": False, "show-warning-message": False, "allowed-users": [], "allowed-paths": []}


@pytest.mark.parametrize(
    "body, needle",
    [
        ({"block-requests": "yes"}, "block-requests"),
        ({"allowed-users": "admin"}, "allowed-users"),
        ({"allowed-users": [""]}, "allowed-users"),
        ({"allowed-paths": [7]}, "allowed-paths"),
    ],
)
def test_bad_configurations_are_400_in_the_plugin_error_body(api, body, needle):
    response = api.put(CONFIG, json=body)
    assert response.status_code == 400
    assert set(response.json) == {"message"}
    assert needle in response.json["message"]
    assert api.get(CONFIG).json["block-requests"] is False


def test_the_configuration_needs_sys_admin(api):
    api.make_user("alice")
    api.grant_global("alice", "ADMIN")
    response = api.get(CONFIG, auth=("alice", "secret"))
    assert response.status_code == 401
    assert set(response.json) == {"message"}
    assert api.put(CONFIG, json={"block-requests": True}, auth=("alice", "secret")).status_code == 401


def test_a_blocked_user_is_refused_with_401_in_the_core_error_body(api):
    api.make_user("alice")
    block(api, **{"allowed-users": ["admin"]})
    response = api.get(PROJECTS, auth=("alice", "secret"))
    assert response.status_code == 401
    error = response.json["errors"][0]
    assert "Basic authentication is blocked for alice" in error["message"]
    assert error["exceptionName"] == "com.atlassian.bitbucket.AuthorisationException"


def test_allowed_users_are_matched_without_regard_to_case(api):
    api.make_user("Alice")
    block(api, **{"allowed-users": ["ADMIN", "alice"]})
    assert api.get(PROJECTS, auth=("alice", "secret")).status_code == 200
    assert api.get(PROJECTS, auth=("admin", "admin")).status_code == 200


def test_allowed_paths_are_patterns_where_a_star_is_any_run_of_characters(api):
    api.make_user("alice")
    block(api, **{"allowed-paths": ["/rest/api/latest/application-properties", "/rest/api/*/projects"]})
    assert api.get("/rest/api/latest/application-properties", auth=("alice", "secret")).status_code == 200
    assert api.get(PROJECTS, auth=("alice", "secret")).status_code == 200
    assert api.get(PROJECTS + "/X", auth=("alice", "secret")).status_code == 401  # the whole path must match
    assert api.get("/rest/api/latest/users", auth=("alice", "secret")).status_code == 401


def test_the_blocked_configuration_locks_out_even_its_author(api):
    block(api)
    assert api.get(CONFIG).status_code == 401
    assert api.put(CONFIG, json={"block-requests": False}).status_code == 401


def test_bearer_tokens_still_work_and_a_token_sent_as_a_basic_password_does_not(api):
    token = api.make_token("users/admin", ["PROJECT_ADMIN", "REPO_ADMIN"])["token"]
    block(api)
    assert api.get(PROJECTS, auth=None, headers=api.bearer(token)).status_code == 200
    assert api.get(PROJECTS, auth=None, headers=api.basic("admin", token)).status_code == 401
    # The token may undo the blocking (the emulator's reading: admin tokens may call the plugin).
    assert api.put(CONFIG, json={"block-requests": False}, auth=None, headers=api.bearer(token)).status_code == 204
    assert api.get(PROJECTS).status_code == 200


def test_bad_credentials_stay_bad_credentials_while_blocked(api):
    block(api)
    response = api.get(PROJECTS, auth=("admin", "wrong"))
    assert response.status_code == 401
    assert "Authentication failed" in response.json["errors"][0]["message"]


def test_the_emulator_controls_work_whatever_the_blocking_says(api, client):
    block(api)
    assert client.get("/_emulator/state").json["auth"]["basic_auth"]["block-requests"] is True
    assert client.post("/_emulator/reset").status_code == 200
    assert api.get(PROJECTS).status_code == 200
