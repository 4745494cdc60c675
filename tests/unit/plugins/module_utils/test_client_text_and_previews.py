"""Client additions: text/plain answers, POSTs that only read (previews), and the pause between polls."""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import Call, errors

PEM_PATH = "/rest/api/latest/admin/git/mesh/config/control-plane.pem"
PEM = "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n"
PREVIEW = "/rest/api/latest/migration/exports/preview"


def test_get_text_asks_for_text_plain_and_returns_the_text(http, make_client):
    http.expect(Call("GET", PEM_PATH, text=PEM, headers={"Content-Type": "text/plain"}))
    client = make_client()
    assert client.get_text(PEM_PATH) == PEM
    assert http.calls[0].headers["Accept"].startswith("text/plain")
    assert client.session.headers["Accept"] == "application/json"  # only that request


def test_get_text_of_a_missing_resource(http, make_client):
    http.expect(Call("GET", PEM_PATH, status=404, body=errors("nope")))
    assert make_client().get_text(PEM_PATH, missing_ok=True) is None


def test_a_read_only_post_is_not_a_write_and_is_retried(http, make_client, sleeps):
    http.expect(Call("POST", PREVIEW, json={"a": 1}, status=502), Call("POST", PREVIEW, json={"a": 1}, body={"scopes": []}))
    client = make_client()
    assert client.post(PREVIEW, json={"a": 1}, read_only=True).body == {"scopes": []}
    assert client.writes == 0
    assert sleeps == [0.5]


def test_a_read_only_post_failing_is_not_maybe_applied(http, make_client):
    http.expect(Call("POST", PREVIEW, json={}, status=500, body=errors("boom")))
    with pytest.raises(BitbucketError) as caught:
        make_client(max_retries=0).post(PREVIEW, json={}, read_only=True)
    assert caught.value.maybe_applied is False


def test_an_ordinary_post_is_a_write_and_is_not_retried(http, make_client):
    http.expect(Call("POST", "/rest/api/latest/migration/exports", json={}, status=502))
    client = make_client()
    with pytest.raises(BitbucketError) as caught:
        client.post("/rest/api/latest/migration/exports", json={})
    assert caught.value.maybe_applied is True
    http.expect(Call("POST", "/rest/api/latest/migration/exports", json={}, body={"id": 1}))
    client.post("/rest/api/latest/migration/exports", json={})
    assert client.writes == 1


def test_pause_uses_the_clients_sleep(make_client, sleeps):
    make_client().pause(2.5)
    assert sleeps == [2.5]
