"""The access-token expiry policy (seed 002; API-MAP 3.6): only on versions after 9.4, enforced on token creation."""

from __future__ import annotations

import pytest

POLICY = "/rest/access-tokens/latest/admin"
TOKENS = "/rest/access-tokens/latest/users/admin"


@pytest.fixture
def newer(client):
    assert client.post("/_emulator/reset", json={"version": "9.6.0"}).status_code == 200
    return client


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_the_endpoint_is_an_unknown_path_on_9_4(api, method):
    response = api.call(method, POLICY, json={"maxExpiryDays": 30} if method == "PUT" else None)
    assert response.status_code == 404
    assert response.json["errors"][0]["message"] == f"No resource found for {method} {POLICY}."


def test_version_9_5_has_it(api, client):
    client.post("/_emulator/reset", json={"version": "9.5"})
    assert api.get(POLICY).status_code == 204


def test_set_read_and_remove(api, newer):
    assert api.get(POLICY).status_code == 204
    assert api.put(POLICY, json={"maxExpiryDays": 30}).status_code == 204
    assert api.get(POLICY).json == {"maxExpiryDays": 30}
    assert newer.get("/_emulator/state").json["token_policy"] == {"max_expiry_days": 30}
    assert api.delete(POLICY).status_code == 204
    assert api.get(POLICY).status_code == 204
    assert api.delete(POLICY).status_code == 204


@pytest.mark.parametrize("body", [{}, {"maxExpiryDays": 0}, {"maxExpiryDays": "30"}, {"maxExpiryDays": True}])
def test_bad_maximum_is_400(api, newer, body):
    response = api.put(POLICY, json=body)
    assert response.status_code == 400
    assert response.json["errors"][0]["context"] == "maxExpiryDays"


def test_only_system_administrators_change_it_and_everyone_reads_it(api, newer):
    api.make_user("gina", "gina-pw")
    api.grant_global("gina", "ADMIN")
    api.put(POLICY, json={"maxExpiryDays": 60})
    assert api.get(POLICY, auth=("gina", "gina-pw")).json == {"maxExpiryDays": 60}
    assert api.put(POLICY, json={"maxExpiryDays": 10}, auth=("gina", "gina-pw")).status_code == 401
    assert api.delete(POLICY, auth=("gina", "gina-pw")).status_code == 401


def test_token_creation_enforces_the_maximum(api, newer):
    api.put(POLICY, json={"maxExpiryDays": 30})
    missing = api.put(TOKENS, json={"name": "forever", "permissions": ["PROJECT_READ"]})
    assert missing.status_code == 400
    assert missing.json["errors"][0]["context"] == "expiryDays"
    assert "within 30 days" in missing.json["errors"][0]["message"]
    too_long = api.put(TOKENS, json={"name": "long", "permissions": ["PROJECT_READ"], "expiryDays": 31})
    assert too_long.status_code == 400
    assert api.put(TOKENS, json={"name": "ok", "permissions": ["PROJECT_READ"], "expiryDays": 30}).status_code == 200
    api.delete(POLICY)
    assert api.put(TOKENS, json={"name": "forever", "permissions": ["PROJECT_READ"]}).status_code == 200
