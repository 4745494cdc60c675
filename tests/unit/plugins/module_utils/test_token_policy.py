"""The access-token expiry policy: the shapes of its answer and the version behind a missing endpoint (seed 002; API-MAP 3.6)."""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure
from ansible_collections.bitbucket.datacenter.plugins.module_utils._token_policy import (
    check_token_expiry,
    explain_refused_token,
    known_max_expiry,
    max_expiry_of,
    read_max_expiry,
)
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import Call

POLICY = "/rest/access-tokens/latest/admin"
PROPERTIES = "/rest/api/latest/application-properties"
MISSING = {"errors": [{"context": None, "message": "No resource found for GET %s." % POLICY, "exceptionName": None}]}


def version(number):
    return Call("GET", PROPERTIES, body={"version": number, "buildNumber": "1", "buildDate": "1", "displayName": "Bitbucket"})


@pytest.mark.parametrize(
    "body, expected",
    [({"maxExpiryDays": 90}, 90), (None, None), ({}, None), ({"maxExpiryDays": None}, None), (30, 30), ({"maxExpiryDays": 0}, None),
     ({"maxExpiryDays": True}, None), (True, None), ("90", None)],
)
def test_every_reading_of_the_answer(body, expected):
    assert max_expiry_of(body) == expected


def test_a_missing_endpoint_on_9_4_needs_a_newer_bitbucket(http, make_client):
    http.expect(Call("GET", POLICY, status=404, body=MISSING), version("9.4.2"))
    client = make_client()
    with pytest.raises(ModuleFailure) as caught:
        read_max_expiry(client)
    assert caught.value.msg == (
        "The access-token expiry policy (%s) needs a newer Bitbucket: Bitbucket 9.5 or later, and the server at "
        "https://bitbucket.example.com runs 9.4.2" % POLICY
    )
    assert caught.value.details == {"server_version": "9.4.2", "required_version": "9.5"}


def test_a_405_is_a_missing_endpoint_too(http, make_client):
    http.expect(Call("GET", POLICY, status=405, body=MISSING), version("8.19.0"))
    with pytest.raises(ModuleFailure):
        read_max_expiry(make_client())


def test_a_404_from_a_newer_server_means_no_maximum(http, make_client):
    http.expect(Call("GET", POLICY, status=404, body={"errors": [{"context": None, "message": "Not set", "exceptionName": None}]}), version("9.6.0"))
    assert read_max_expiry(make_client()) is None


def test_an_older_server_that_has_the_endpoint_is_used(http, make_client):
    # The version is only read to explain a missing endpoint: a server that answers is used whatever it says it is.
    http.expect(Call("GET", POLICY, body={"maxExpiryDays": 45}))
    assert read_max_expiry(make_client()) == 45


def test_other_failures_are_raised(http, make_client):
    http.expect(Call("GET", POLICY, status=401, body={"errors": [{"context": None, "message": "no", "exceptionName": None}]}))
    with pytest.raises(BitbucketError):
        read_max_expiry(make_client())


@pytest.mark.parametrize("status", [401, 403, 404, 405])
def test_a_token_creator_who_cannot_read_the_policy_knows_no_maximum(http, make_client, status):
    http.expect(Call("GET", POLICY, status=status, body={"errors": [{"context": None, "message": "no", "exceptionName": None}]}))
    assert known_max_expiry(make_client()) is None


def test_checks_before_and_explanations_after_a_create():
    assert check_token_expiry(30, 31).startswith("31 days is longer than the 30 days an administrator allows")
    assert check_token_expiry(30, 30) is None
    assert check_token_expiry(30, None) is None
    assert check_token_expiry(None, 999) is None
    refused = BitbucketError("PUT /x: HTTP 400: Too many tokens.", status=400, server_message="Too many tokens.")
    assert str(explain_refused_token(refused, 30, 10)) == "PUT /x: HTTP 400: Too many tokens."
    other = BitbucketError("PUT /x: HTTP 401: no", status=401)
    assert str(explain_refused_token(other, 30, None)) == "PUT /x: HTTP 401: no"
