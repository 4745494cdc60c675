"""bitbucket_access_token_policy: the exact HTTP calls of every scenario, each also in check mode (seed 002; API-MAP 3.6)."""

from __future__ import annotations

import functools

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_access_token_policy
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_access_token_policy import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, Call
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

POLICY = "/rest/access-tokens/latest/admin"
PROPERTIES = "/rest/api/latest/application-properties"


def errors(message):
    return {"errors": [{"context": None, "message": message, "exceptionName": None}]}


def read(days=None, status=None, body=None):
    if status is not None:
        return Call("GET", POLICY, status=status, body=body)
    return Call("GET", POLICY, status=204) if days is None else Call("GET", POLICY, body={"maxExpiryDays": days})


def put(days, status=204, body=None):
    return Call("PUT", POLICY, json={"maxExpiryDays": days}, status=status, body=body)


def remove(status=204, body=None):
    return Call("DELETE", POLICY, status=status, body=body)


def version(number):
    return Call("GET", PROPERTIES, body={"version": number, "buildNumber": "1", "buildDate": "1", "displayName": "Bitbucket"})


@pytest.fixture
def run_module(http, make_context):
    def runner(params, check_mode=False, diff=True):
        result = execute(run, make_context(MODULE_SPEC, params, check_mode=check_mode, diff=diff))
        assert http.closed or not http.calls
        return result

    return runner


def expect(http, calls, check_mode):
    http.expect(*[call for call in calls if not check_mode or call.method == "GET"])


CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])


@CHECK_MODES
def test_set_a_maximum(http, run_module, check_mode):
    expect(http, [read(), put(90)], check_mode)

    result = run_module(dict(max_expiry_days=90), check_mode=check_mode)

    assert result == {"changed": True, "max_expiry_days": 90, "diff": {"before": {"max_expiry_days": None}, "after": {"max_expiry_days": 90}}}
    http.assert_done()


@CHECK_MODES
def test_change_the_maximum(http, run_module, check_mode):
    expect(http, [read(30), put(90)], check_mode)

    result = run_module(dict(max_expiry_days=90), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"]["before"] == {"max_expiry_days": 30}
    http.assert_done()


@CHECK_MODES
def test_the_same_maximum_only_reads(http, run_module, check_mode):
    http.expect(read(90))

    result = run_module(dict(max_expiry_days=90), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_remove_the_maximum(http, run_module, check_mode):
    expect(http, [read(30), remove()], check_mode)

    result = run_module(dict(state="absent"), check_mode=check_mode)

    assert result == {"changed": True, "max_expiry_days": None, "diff": {"before": {"max_expiry_days": 30}, "after": {"max_expiry_days": None}}}
    http.assert_done()


@CHECK_MODES
@pytest.mark.parametrize("unset", [read(), read(status=200, body={}), read(status=200, body={"maxExpiryDays": None})], ids=["204", "empty", "null"])
def test_remove_when_there_is_none_only_reads(http, run_module, check_mode, unset):
    # API-MAP 3.6 (VERIFY): "no value" may be an empty answer, an empty object or a null.
    http.expect(Call(unset.method, unset.path, status=unset.status, body=unset.body))

    result = run_module(dict(state="absent"), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_an_older_server_needs_a_newer_bitbucket_before_any_write(http, run_module, check_mode):
    http.expect(read(status=404, body=errors("No resource found for GET %s." % POLICY)), version("9.4.0"))

    result = run_module(dict(max_expiry_days=90), check_mode=check_mode)

    assert result["failed"] is True
    assert result["changed"] is False
    assert result["msg"] == (
        "The access-token expiry policy (%s) needs a newer Bitbucket: Bitbucket 9.5 or later, and the server at https://bitbucket.example.com "
        "runs 9.4.0" % POLICY
    )
    assert (result["server_version"], result["required_version"]) == ("9.4.0", "9.5")
    assert "http_status" not in result  # never a bare 404
    http.assert_done()


def test_a_newer_server_answering_404_has_no_maximum_and_is_set(http, run_module):
    http.expect(read(status=404, body=errors("No maximum expiry is configured.")), version("9.6.0"), put(60))

    result = run_module(dict(max_expiry_days=60))

    assert result["changed"] is True
    http.assert_done()


def test_a_write_to_a_missing_endpoint_is_explained_with_the_version(http, run_module):
    http.expect(read(status=404, body=errors("Not configured.")), version("9.6.0"), put(60, status=404, body=errors("No resource found.")))

    result = run_module(dict(max_expiry_days=60))

    assert result["failed"] is True
    assert result["msg"].endswith("is not available on this server, which runs Bitbucket 9.6.0")
    http.assert_done()


def test_a_write_that_landed_behind_a_500_is_not_repeated(http, run_module):
    http.expect(read(), put(45, status=500, body=errors("Injected fault: the change was applied but the response failed.")), read(45))

    result = run_module(dict(max_expiry_days=45))

    assert "failed" not in result
    assert result["changed"] is True
    http.assert_done()


def test_a_removal_that_did_not_land_behind_a_500_is_sent_again(http, run_module):
    http.expect(read(30), remove(status=500, body=errors("boom")), read(30), remove())

    result = run_module(dict(state="absent"))

    assert result["changed"] is True
    http.assert_done()


def test_a_refusal_is_reported_with_its_details(http, run_module):
    http.expect(read(30), put(10, status=401, body=errors("You are not permitted to access this resource; SYS_ADMIN permission is required.")))

    result = run_module(dict(max_expiry_days=10))

    assert result["failed"] is True
    assert (result["http_method"], result["http_status"]) == ("PUT", 401)
    assert "SYS_ADMIN" in result["msg"]
    http.assert_done()


@CHECK_MODES
@pytest.mark.parametrize(
    "params, words",
    [(dict(), "required with state=present"), (dict(max_expiry_days=0), "must be 1 or more"),
     (dict(max_expiry_days=30, state="absent"), "only with state=present")],
)
def test_bad_input_is_refused_without_any_call(http, run_module, check_mode, params, words):
    result = run_module(params, check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == "max_expiry_days"
    assert words in result["msg"]
    assert http.calls == []


run_main = functools.partial(main_of, bitbucket_access_token_policy)


def test_main_sets_the_maximum(monkeypatch, capsys, http):
    http.expect(read(), put(30))

    code, output = run_main(monkeypatch, capsys, http, dict(url=BASE_URL, username="root", password="r00t-pw", max_expiry_days=30))

    assert code == 0
    assert output["changed"] is True
    assert output["max_expiry_days"] == 30
    assert http.auth == ("root", "r00t-pw")
    http.assert_done()
