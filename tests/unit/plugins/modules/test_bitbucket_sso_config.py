"""bitbucket_sso_config and bitbucket_sso_config_info: the exact HTTP calls of every scenario (API-MAP 3.10, section 4)."""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_sso_config_info
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_sso_config import MODULE_SPEC, cron_problem, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import Call

SSO = "/rest/authconfig/latest/sso"
IDPS = "/rest/authconfig/latest/idps"
LOGIN_OPTIONS = "/rest/authconfig/latest/login-options"
ALL = [("start", 0), ("limit", -1)]
SHOWN = {"show-login-form": True, "show-login-form-for-jsm": True, "enable-authentication-fallback": False,
         "discovery-refresh-cron": "0 0 1 * * ?", "last-updated": "2026-01-01T00:00:00.000Z"}


def read(config=None):
    return Call("GET", SSO, body=SHOWN if config is None else config)


def update(body, answer):
    return Call("PATCH", SSO, json=body, body=answer)


def idps(*enabled):
    found = [{"id": index + 1, "name": "idp-%d" % index, "enabled": value} for index, value in enumerate(enabled)]
    return Call("GET", IDPS, query=ALL, body={"isLastPage": True, "limit": -1, "size": len(found), "start": 0, "results": found})


@pytest.fixture
def run_module(make_context):
    def runner(params, check_mode=False, diff=True):
        context = make_context(MODULE_SPEC, params, check_mode=check_mode, diff=diff)
        result = execute(run, context)
        result["warnings"] = context.warnings
        return result

    return runner


def expect(http, calls, check_mode):
    http.expect(*[call for call in calls if not check_mode or call.method == "GET"])


CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])


@CHECK_MODES
def test_no_op_only_reads(http, run_module, check_mode):
    http.expect(read())

    result = run_module(dict(show_login_form=True, discovery_refresh_cron="0  0 1 * * ?"), check_mode=check_mode)

    assert result["changed"] is False
    assert result["sso_config"] == SHOWN
    http.assert_done()


@CHECK_MODES
def test_update_patches_only_the_properties_that_differ(http, run_module, check_mode):
    answer = dict(SHOWN, **{"enable-authentication-fallback": True, "discovery-refresh-cron": "0 0 */6 * * ?"})
    expect(http, [read(), update({"enable-authentication-fallback": True, "discovery-refresh-cron": "0 0 */6 * * ?"}, answer)], check_mode)

    result = run_module(dict(show_login_form=True, enable_authentication_fallback=True, discovery_refresh_cron="0 0 */6 * * ?"),
                        check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"]["before"]["enable_authentication_fallback"] is False
    assert result["diff"]["after"]["enable_authentication_fallback"] is True
    assert result["diff"]["after"]["discovery_refresh_cron"] == "0 0 */6 * * ?"
    assert result["sso_config"] == answer  # the prediction of check mode is the answer of the real run
    http.assert_done()


@CHECK_MODES
def test_hiding_the_form_with_an_enabled_idp(http, run_module, check_mode):
    hidden = dict(SHOWN, **{"show-login-form": False})
    expect(http, [read(), idps(False, True), update({"show-login-form": False}, hidden)], check_mode)

    result = run_module(dict(show_login_form=False), check_mode=check_mode)

    assert result["changed"] is True
    assert result["sso_config"]["show-login-form"] is False
    http.assert_done()


@CHECK_MODES
def test_hiding_the_form_without_an_enabled_idp_is_refused(http, run_module, check_mode):
    http.expect(read(), idps(False))

    result = run_module(dict(show_login_form=False, enable_authentication_fallback=True), check_mode=check_mode)

    assert result["failed"] is True
    assert result["changed"] is False
    assert result["lockout_guard"] == "sso_hidden_login_form"
    assert "no identity provider is enabled" in result["msg"]
    assert "only the authentication fallback" in result["msg"]
    assert "Enable an identity provider first" in result["msg"]
    http.assert_done()


def test_force_hides_the_form_anyway_and_warns(http, run_module):
    hidden = dict(SHOWN, **{"show-login-form": False})
    http.expect(read(), idps(), update({"show-login-form": False}, hidden))

    result = run_module(dict(show_login_form=False, force=True))

    assert result["changed"] is True
    assert "nobody a way to log in" in result["warnings"][0]
    http.assert_done()


def test_a_form_that_is_hidden_already_needs_no_idp_read(http, run_module):
    http.expect(read(dict(SHOWN, **{"show-login-form": False})))

    assert run_module(dict(show_login_form=False))["changed"] is False
    http.assert_done()


@pytest.mark.parametrize(
    "cron, words",
    [
        ("0 0 * * *", "has 5"),
        ("0 0 1 * * * 2027", "exactly one of the day-of-month"),  # seven fields are fine, two '*' day fields are not
        ("0 0 1 ? * ?", "exactly one of the day-of-month and day-of-week fields must be '?'"),
        ("0 61 1 * * ?", "minutes field"),
        ("? 0 1 * * ?", "only allowed in the day-of-month and day-of-week"),
        ("0 0 1 * FOO ?", "month field"),
        ("0 0/0 1 * * ?", "step after '/' must be a positive number"),
    ],
)
def test_a_bad_cron_expression_is_refused_before_any_request(http, run_module, cron, words):
    result = run_module(dict(discovery_refresh_cron=cron))

    assert result["failed"] is True
    assert result["invalid_option"] == "discovery_refresh_cron"
    assert words in result["msg"]
    assert http.calls == []


@pytest.mark.parametrize("cron", ["0 0 1 * * ?", "0 */15 * * * ?", "0 0 12 ? * MON-FRI", "0 30 2 L * ?", "0 0 9 ? * 6#3", "0 0 0 1 JAN ? 2027",
                                  "15,45 0-30/5 8-18 ? * SUN,SAT", "0 0 6 15W * ?"])
def test_quartz_expressions_are_accepted(cron):
    assert cron_problem(cron) is None


def test_a_refused_update_is_reported(http, run_module):
    http.expect(read(), Call("PATCH", SSO, json={"discovery-refresh-cron": "0 0 2 * * ?"}, status=400, body={"message": "Invalid cron."}))

    result = run_module(dict(discovery_refresh_cron="0 0 2 * * ?"))

    assert result["failed"] is True
    assert result["server_message"] == "Invalid cron."
    http.assert_done()


def test_a_server_that_refuses_tokens_is_explained(http, run_module):
    http.expect(Call("GET", SSO, status=401, body={"message": "You are not permitted to access this resource"}))

    result = run_module(dict(show_login_form=True))

    assert "may not accept HTTP access tokens" in result["msg"]
    http.assert_done()


def test_an_update_whose_answer_is_lost_is_found_by_reading_again(http, run_module):
    answer = dict(SHOWN, **{"enable-authentication-fallback": True})
    http.expect(read(), Call("PATCH", SSO, json={"enable-authentication-fallback": True}, status=500, body={"message": "boom"}), read(answer))

    result = run_module(dict(enable_authentication_fallback=True))

    assert result["changed"] is True
    assert result["sso_config"] == answer
    http.assert_done()


# -- bitbucket_sso_config_info --------------------------------------------------------------------------


@pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])
def test_info_reads_the_configuration_and_the_enabled_login_options(http, make_context, check_mode):
    options = [{"type": "LOGIN_FORM"}, {"id": 3, "type": "IDP", "buttonText": "Corp SSO", "loginLink": "https://b/plugins/servlet/external-login/3"}]
    http.expect(read(), Call("GET", LOGIN_OPTIONS, query=ALL, body={"isLastPage": True, "limit": -1, "size": 2, "start": 0, "results": options}))

    result = execute(bitbucket_sso_config_info.run, make_context(bitbucket_sso_config_info.MODULE_SPEC, {}, check_mode=check_mode))

    assert result == {"changed": False, "sso_config": SHOWN, "login_options": options}
    http.assert_done()
