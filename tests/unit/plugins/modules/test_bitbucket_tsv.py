"""bitbucket_tsv and bitbucket_tsv_info: every answer of the unenroll endpoint, and the caller's status (API-MAP 3.12)."""

from __future__ import annotations

import functools
import json

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_tsv, bitbucket_tsv_info
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_tsv import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, Call
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

UNENROLL = "/rest/tsv/latest/totp/unenroll/user/jdoe"
CODE = "492039"
BODY = {"totpCode": CODE}


def unenroll(status=204, message=None):
    return Call("DELETE", UNENROLL, json=BODY, status=status, body={"message": message} if message else None)


@pytest.fixture
def run_module(make_context):
    def runner(params, check_mode=False, username=None):
        context = make_context(MODULE_SPEC, params, check_mode=check_mode)
        if username is not None:
            context.params.update(token=None, username=username, password="pw")
        result = execute(run, context)
        assert CODE not in json.dumps(result)
        return result

    return runner


def test_unenrolling_an_enrolled_user_is_a_change(http, run_module):
    http.expect(unenroll())

    assert run_module(dict(user="jdoe", totp_code=CODE)) == {"changed": True, "unenrolled": True}
    http.assert_done()


def test_no_enrollment_found_means_unchanged(http, run_module):
    http.expect(unenroll(400, "No two-step verification enrollment found for jdoe."))

    result = run_module(dict(user="jdoe", totp_code=CODE))

    assert result == {"changed": False, "unenrolled": False, "server_message": "No two-step verification enrollment found for jdoe."}
    http.assert_done()


def test_check_mode_sends_nothing_and_says_it_cannot_know(http, run_module):
    result = run_module(dict(user="jdoe", totp_code=CODE), check_mode=True)

    assert result["changed"] is False
    assert result["skipped"] is True
    assert "Check mode cannot know whether jdoe is enrolled" in result["msg"]
    assert http.calls == []


@pytest.mark.parametrize(
    "status, message, words",
    [
        (401, "The TOTP code is invalid.", "must be the current code of the administrator running the task (not of jdoe)"),
        (403, "You cannot unenroll yourself.", "does not let an account unenroll itself"),
        (404, "No user matches the supplied username jdoe.", "there is no user named jdoe"),
    ],
)
def test_refusals_are_explained(http, run_module, status, message, words):
    http.expect(unenroll(status, message))

    result = run_module(dict(user="jdoe", totp_code=CODE), username="automation")

    assert result["failed"] is True
    assert result["changed"] is False
    assert result["http_status"] == status
    assert result["server_message"] == message
    assert words in result["msg"]
    http.assert_done()


def test_with_a_token_a_401_may_also_mean_the_token(http, run_module):
    http.expect(unenroll(401, "The TOTP code is invalid."))

    result = run_module(dict(user="jdoe", totp_code=CODE))

    assert "a code is valid for about 30 seconds" in result["msg"]
    assert "may also not accept HTTP access tokens here" in result["msg"]
    http.assert_done()


@pytest.mark.parametrize(
    "params, option",
    [
        (dict(user="automation", totp_code=CODE), "user"),
        (dict(user="AUTOMATION", totp_code=CODE), "user"),
        (dict(user="jdoe", totp_code="12345"), "totp_code"),
        (dict(user="jdoe", totp_code="12a456"), "totp_code"),
        (dict(user=" ", totp_code=CODE), "user"),
    ],
)
def test_bad_input_and_unenrolling_yourself_are_refused_before_any_request(http, run_module, params, option):
    result = run_module(params, username="automation")

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert http.calls == []


def test_a_lost_answer_is_found_out_by_asking_again(http, run_module, sleeps):
    http.expect(unenroll(500, "Internal error"), unenroll(400, "No two-step verification enrollment found for jdoe."))

    result = run_module(dict(user="jdoe", totp_code=CODE))

    assert result == {"changed": True, "unenrolled": True}
    assert sleeps == []  # not a retry: a second question
    http.assert_done()


def test_a_lost_answer_that_cannot_be_found_out_is_reported(http, run_module):
    http.expect(unenroll(502, "Bad gateway"), unenroll(401, "The TOTP code is invalid."))

    result = run_module(dict(user="jdoe", totp_code=CODE))

    assert result["failed"] is True
    assert result["http_status"] == 502
    http.assert_done()


def test_a_rate_limit_is_waited_out(http, run_module, sleeps):
    http.expect(Call("DELETE", UNENROLL, json=BODY, status=429, headers={"Retry-After": "1"}), unenroll())

    assert run_module(dict(user="jdoe", totp_code=CODE))["changed"] is True
    assert sleeps == [1.0]
    http.assert_done()


def test_main_masks_the_code(monkeypatch, capsys, http):
    http.expect(unenroll())

    code, output = functools.partial(main_of, bitbucket_tsv)(
        monkeypatch, capsys, http, dict(url=BASE_URL, username="automation", password="main-pw", user="jdoe", totp_code=CODE)
    )

    assert code == 0
    assert output["changed"] is True
    assert CODE not in json.dumps(output)
    http.assert_done()


# -- bitbucket_tsv_info ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, active",
    [
        ({"twoSVActive": True, "methods": [{"type": "TOTP", "enabled": True, "enabledAt": "2026-01-01T00:00:00.000Z"}]}, True),
        ({"isTwoSVActive": True, "methods": []}, True),  # the writeOnly bean name of StatusDTO, should a server send it
        ({"twoSVActive": False, "methods": [{"type": "TOTP", "enabled": False}]}, False),
    ],
    ids=["twoSVActive", "isTwoSVActive", "not-enrolled"],
)
@pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])
def test_info_reads_the_callers_status(http, make_context, status, active, check_mode):
    http.expect(Call("GET", "/rest/tsv/latest/status", body=status), Call("GET", "/rest/tsv/latest/sso-management-status", body={"isManaged": True}))

    result = execute(bitbucket_tsv_info.run, make_context(bitbucket_tsv_info.MODULE_SPEC, {}, check_mode=check_mode))

    assert result == {"changed": False, "two_step_verification_active": active, "sso_managed": True, "status": status}
    http.assert_done()
