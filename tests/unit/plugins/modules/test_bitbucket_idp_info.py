"""bitbucket_idp_info: the IdPs without their secrets, and the JIT users in every shape the documents allow."""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_idp_info import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import FIRST_PAGE, Call, page

IDPS = "/rest/authconfig/latest/idps"
JIT = "/rest/authconfig/latest/jit-users"
ALL = [("start", 0), ("limit", -1)]
JDOE = {"username": "jdoe", "display-name": "Jane Doe", "email": "jdoe@example.com"}
ROE = {"username": "roe", "display-name": "Richard Roe"}


def results(*items, last=True):
    return {"isLastPage": last, "limit": -1, "size": len(items), "start": 0, "results": list(items)}


def idp(idp_id, name, **fields):
    return dict({"id": idp_id, "name": name, "enabled": True, "idp-type": "GENERIC", "sso-type": "OIDC", "client-secret": "shown-by-server"}, **fields)


@pytest.fixture
def run_module(make_context):
    def runner(params, check_mode=False):
        return execute(run, make_context(MODULE_SPEC, params, check_mode=check_mode))

    return runner


@pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])
def test_idps_without_secrets_and_the_jit_users(http, run_module, check_mode):
    http.expect(Call("GET", IDPS, query=ALL, body=results(idp(1, "Corp"), idp(2, "Okta"))), Call("GET", JIT, body=[JDOE]))

    result = run_module({}, check_mode=check_mode)

    assert result == {
        "changed": False,
        "idps": [{key: value for key, value in idp(1, "Corp").items() if key != "client-secret"},
                 {key: value for key, value in idp(2, "Okta").items() if key != "client-secret"}],
        "jit_users": [JDOE],
    }
    assert "shown-by-server" not in str(result)
    http.assert_done()


def test_name_keeps_every_idp_of_that_name_and_jit_users_can_be_skipped(http, run_module):
    http.expect(Call("GET", IDPS, query=ALL, body=results(idp(1, "Corp"), idp(2, "Okta"), idp(3, "Corp"))))

    result = run_module(dict(name="Corp", jit_users=False))

    assert [found["id"] for found in result["idps"]] == [1, 3]
    assert "jit_users" not in result
    http.assert_done()


def test_idps_are_read_through_every_authconfig_page(http, run_module):
    """A server that ignores limit=-1 and pages anyway: start moves on by the size of each page."""
    http.expect(
        Call("GET", IDPS, query=ALL, body=results(idp(1, "Corp"), last=False)),
        Call("GET", IDPS, query=[("start", 1), ("limit", -1)], body=dict(results(idp(2, "Okta")), start=1)),
    )

    result = run_module(dict(jit_users=False))

    assert [found["name"] for found in result["idps"]] == ["Corp", "Okta"]
    http.assert_done()


@pytest.mark.parametrize(
    "answers, expected",
    [
        ([[JDOE, ROE]], [JDOE, ROE]),  # a JSON array (the emulator's reading, API-MAP section 7 row 18)
        ([page([JDOE, ROE])], [JDOE, ROE]),  # a standard page
        ([results(JDOE, ROE)], [JDOE, ROE]),  # an authconfig page
        ([JDOE], [JDOE]),  # one JitUserEntity, as the 9.4 document literally declares
        ([[]], []),
    ],
    ids=["array", "standard-page", "results-page", "single-object", "empty"],
)
def test_jit_users_in_every_documented_shape(http, run_module, answers, expected):
    http.expect(Call("GET", IDPS, query=ALL, body=results()), *[Call("GET", JIT, body=answer) for answer in answers])

    assert run_module({})["jit_users"] == expected
    http.assert_done()


def test_a_standard_page_of_jit_users_that_is_not_the_last_is_read_to_the_end(http, run_module):
    http.expect(
        Call("GET", IDPS, query=ALL, body=results()),
        Call("GET", JIT, body=page([JDOE], next_start=1)),
        Call("GET", JIT, query=FIRST_PAGE, body=page([JDOE], next_start=1)),
        Call("GET", JIT, query=[("start", 1), ("limit", 1000)], body=page([ROE], start=1)),
    )

    assert run_module({})["jit_users"] == [JDOE, ROE]
    http.assert_done()


def test_an_answer_that_is_no_list_of_users_fails_loudly(http, run_module):
    http.expect(Call("GET", IDPS, query=ALL, body=results()), Call("GET", JIT, body={"something": "else"}))

    result = run_module({})

    assert result["failed"] is True
    assert "expected a list of users" in result["msg"]
    http.assert_done()


@pytest.mark.parametrize("found", [True, False], ids=["found", "missing"])
def test_id_reads_one_idp_directly_and_a_missing_one_is_an_empty_list(http, run_module, found):
    answer = Call("GET", IDPS + "/7", body=idp(7, "Corp")) if found else Call("GET", IDPS + "/7", status=404, body={"message": "No IdP 7"})
    http.expect(answer)

    result = run_module(dict(id=7, jit_users=False))

    assert result["idps"] == ([{key: value for key, value in idp(7, "Corp").items() if key != "client-secret"}] if found else [])
    http.assert_done()


@pytest.mark.parametrize("idp_id", [0, -7])
def test_an_id_that_cannot_exist_is_refused_before_any_request(http, run_module, idp_id):
    result = run_module(dict(id=idp_id))

    assert result["failed"] is True
    assert result["invalid_option"] == "id"
    assert http.calls == []
