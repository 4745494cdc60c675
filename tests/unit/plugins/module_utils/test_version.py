"""Version gates: one cached application-properties read, and failures that name the version found."""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure
from ansible_collections.bitbucket.datacenter.plugins.module_utils._version import (
    application_info,
    check_options_kept,
    explain_missing_endpoint,
    explain_refused_options,
    gate_options,
    require,
    supports,
)
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import Call

PROPERTIES = "/rest/api/latest/application-properties"


def properties(version):
    return Call("GET", PROPERTIES, body={"version": version, "buildNumber": "1", "buildDate": "1", "displayName": "Bitbucket"})


def test_supports_reads_the_version_once_per_run(http, make_client):
    http.expect(properties("9.4.2"))
    client = make_client()
    assert supports(client, (9, 4))
    assert not supports(client, (9, 5))
    assert supports(client, (8, 19, 3))
    http.assert_done()


def test_require_fails_naming_both_versions_before_anything_is_written(http, make_client):
    http.expect(properties("9.4.0"))
    client = make_client()
    with pytest.raises(ModuleFailure) as caught:
        require(client, (9, 6), "The access-token expiry policy")
    assert caught.value.msg == (
        "The access-token expiry policy needs a newer Bitbucket: Bitbucket 9.6 or later, "
        "and the server at https://bitbucket.example.com runs 9.4.0"
    )
    assert caught.value.details == {"server_version": "9.4.0", "required_version": "9.6"}
    assert client.writes == 0


def test_a_missing_endpoint_is_explained_with_the_version_and_other_errors_are_left_alone(http, make_client):
    http.expect(properties("9.4.0"))
    client = make_client()
    missing = BitbucketError("GET /rest/x: HTTP 404: not found", status=404)
    assert "is not available on this server, which runs Bitbucket 9.4.0" in str(explain_missing_endpoint(missing, client, "The policy"))
    refused = BitbucketError("PUT /rest/x: HTTP 400: bad", status=400)
    assert str(explain_missing_endpoint(refused, client, "The policy")) == "PUT /rest/x: HTTP 400: bad"


# -- options only newer servers know ------------------------------------------------------------------


def test_gate_options_reads_nothing_when_none_is_set(http, make_client):
    assert gate_options(make_client(), {"a": None}, ("a",), (9, 5), "Bitbucket 9.4") == []
    assert http.calls == []


def test_gate_options_fails_on_an_older_server_naming_the_options(http, make_client):
    http.expect(properties("9.4.1"))
    with pytest.raises(ModuleFailure) as caught:
        gate_options(make_client(), {"a": True, "b": "x", "c": None}, ("a", "b", "c"), (9, 5), "Bitbucket 9.4")
    assert caught.value.msg.startswith("a, b (not in the Bitbucket 9.4 API) needs a newer Bitbucket: Bitbucket 9.5 or later")
    assert caught.value.details["server_version"] == "9.4.1"


def test_gate_options_lets_a_newer_server_have_them(http, make_client):
    http.expect(properties("9.6.0"))
    assert gate_options(make_client(), {"a": True}, ("a",), (9, 5), "Bitbucket 9.4") == ["a"]


def test_a_refusal_and_a_silent_drop_are_explained_with_the_version(http, make_client):
    http.expect(properties("9.5.0"))
    client = make_client()
    refused = explain_refused_options(BitbucketError("PATCH /x: HTTP 400: nope", status=400), client, ["a"], "Bitbucket 9.4")
    assert str(refused).endswith("the request held a, which are newer than the Bitbucket 9.4 API; this server runs Bitbucket 9.5.0")
    other = BitbucketError("PATCH /x: HTTP 500: boom", status=500)
    assert str(explain_refused_options(other, client, ["a"], "Bitbucket 9.4")) == "PATCH /x: HTTP 500: boom"
    check_options_kept(client, ["a"], {"a": True}, {"a": True})
    with pytest.raises(ModuleFailure) as caught:
        check_options_kept(client, ["a", "b"], {"a": True}, {"a": True, "b": "x"})
    assert caught.value.msg == "Bitbucket 9.5.0 took the change but ignored b: this version does not support it"
    assert caught.value.details["ignored_options"] == ["b"]


def test_application_info_comes_from_the_same_cached_read_as_the_gates(http, make_client):
    http.expect(Call("GET", PROPERTIES, body={"version": "9.4.2-rc1", "buildNumber": "9004002", "buildDate": "1705449600000", "displayName": "Corp"}))
    client = make_client()
    assert application_info(client) == {
        "version": "9.4.2-rc1",
        "version_info": [9, 4, 2],
        "build_number": "9004002",
        "build_date": "1705449600000",
        "display_name": "Corp",
    }
    assert supports(client, (9, 4, 2))  # no second read
    http.assert_done()
