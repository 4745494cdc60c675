"""bitbucket_banner: the exact HTTP calls of every scenario, in order, each also in check mode (API-MAP 3.13)."""

from __future__ import annotations

import functools

import pytest

from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_banner
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, Call, errors
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.scenarios import CHECK_MODES, expect, reread, runner

BANNER = "/rest/api/latest/admin/banner"


def banner(message="Upgrade tonight", enabled=True, audience="ALL"):
    return {"message": message, "enabled": enabled, "audience": audience}


def get(body=None):
    """GET the banner: 200 with it, or 204 with no body when none is shown (API-MAP 3.13)."""
    return Call("GET", BANNER, status=200 if body else 204, body=body)


def put(body):
    return Call("PUT", BANNER, json=body, status=204)


@pytest.fixture
def run_module(http, make_context):
    return runner(bitbucket_banner, http, make_context)


@CHECK_MODES
def test_create_with_the_documented_defaults(http, run_module, check_mode):
    expect(http, [get(), put(banner()), reread(get(banner()))], check_mode)

    result = run_module(dict(text="Upgrade tonight"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["banner"] == banner()
    assert result["diff"] == {"before": {}, "after": banner()}
    http.assert_done()


@CHECK_MODES
def test_update_sends_the_whole_banner(http, run_module, check_mode):
    changed = banner(audience="AUTHENTICATED")
    expect(http, [get(banner()), put(changed), reread(get(changed))], check_mode)

    result = run_module(dict(audience="AUTHENTICATED"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"] == {"before": banner(), "after": changed}
    http.assert_done()


@CHECK_MODES
def test_no_op_only_reads(http, run_module, check_mode):
    expect(http, [get(banner())], check_mode)

    result = run_module(dict(text="Upgrade tonight", enabled=True, audience="ALL"), check_mode=check_mode)

    assert result["changed"] is False
    assert result["banner"] == banner()
    http.assert_done()


@CHECK_MODES
def test_disabling_a_shown_banner_is_confirmed_by_the_204_that_follows(http, run_module, check_mode):
    # API-MAP 3.13: a disabled banner may read back as 204; that is the confirmation, not a failure.
    expect(http, [get(banner()), put(banner(enabled=False)), reread(get())], check_mode)

    result = run_module(dict(enabled=False), check_mode=check_mode)

    assert result["changed"] is True
    assert result["banner"] == banner(enabled=False)
    assert result["diff"]["after"] == banner(enabled=False)
    http.assert_done()


@CHECK_MODES
def test_a_disabled_banner_that_reads_as_none_does_not_flap(http, run_module, check_mode):
    expect(http, [get()], check_mode)

    result = run_module(dict(text="Upgrade tonight", enabled=False), check_mode=check_mode)

    assert result["changed"] is False
    assert result["banner"] == {}
    http.assert_done()


@CHECK_MODES
def test_a_disabled_banner_that_the_server_returns_is_compared_like_any_other(http, run_module, check_mode):
    # The other reading of API-MAP 3.13: GET answers the disabled banner itself.
    expect(http, [get(banner(enabled=False))], check_mode)

    result = run_module(dict(text="Upgrade tonight", enabled=False), check_mode=check_mode)

    assert result["changed"] is False
    assert result["banner"] == banner(enabled=False)
    http.assert_done()


@CHECK_MODES
def test_delete(http, run_module, check_mode):
    expect(http, [get(banner()), Call("DELETE", BANNER, status=204)], check_mode)

    result = run_module(dict(state="absent"), check_mode=check_mode)

    assert result == {"changed": True, "banner": {}, "diff": {"before": banner(), "after": {}}, "warnings": []}
    http.assert_done()


@CHECK_MODES
def test_delete_when_none_is_shown_only_reads(http, run_module, check_mode):
    expect(http, [get()], check_mode)

    result = run_module(dict(state="absent"), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


@CHECK_MODES
@pytest.mark.parametrize(
    "params, option, words",
    [
        (dict(text="  "), "text", "must not be empty"),
        (dict(text="x", state="absent"), "state", "state=absent removes the banner"),
    ],
)
def test_bad_input_is_refused_without_any_call(http, run_module, check_mode, params, option, words):
    result = run_module(params, check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert words in result["msg"]
    assert http.calls == []


@CHECK_MODES
def test_a_new_banner_needs_a_message(http, run_module, check_mode):
    http.expect(get())

    result = run_module(dict(audience="ALL"), check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == "text"
    assert "required to create the banner" in result["msg"]
    http.assert_done()


def test_a_banner_the_server_does_not_show_after_setting_it_enabled_fails(http, run_module):
    http.expect(get(), put(banner()), get())

    result = run_module(dict(text="Upgrade tonight"))

    assert result["failed"] is True
    assert result["changed"] is True  # the PUT succeeded
    assert "does not show it" in result["msg"]
    http.assert_done()


def test_a_refused_banner_reports_the_servers_answer(http, run_module):
    http.expect(get(), Call("PUT", BANNER, json=banner(), status=400, body=errors("audience must be provided", context="audience")))

    result = run_module(dict(text="Upgrade tonight"))

    assert result["failed"] is True
    assert result["msg"] == "PUT %s: HTTP 400: audience: audience must be provided" % BANNER
    assert result["http_status"] == 400
    http.assert_done()


def test_a_put_that_landed_behind_a_500_is_not_repeated(http, run_module):
    http.expect(get(), Call("PUT", BANNER, json=banner(), status=500, body=errors("boom")), get(banner()))

    result = run_module(dict(text="Upgrade tonight"))

    assert "failed" not in result
    assert result["changed"] is True
    assert result["banner"] == banner()
    http.assert_done()


def test_a_put_retried_after_a_gateway_error(http, run_module, sleeps):
    http.expect(get(), Call("PUT", BANNER, json=banner(), status=503), put(banner()), get(banner()))

    result = run_module(dict(text="Upgrade tonight"))

    assert result["changed"] is True
    assert sleeps == [0.5]
    http.assert_done()


run_main = functools.partial(main_of, bitbucket_banner)


def test_main_runs_through_ansible_module(monkeypatch, capsys, http):
    http.expect(get(banner()), put(banner(message="New")), get(banner(message="New")))

    code, output = run_main(monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token", text="New", _ansible_diff=True))

    assert code == 0
    assert output["changed"] is True
    assert output["diff"]["after"]["message"] == "New"
    http.assert_done()


def test_main_refuses_an_unknown_audience(monkeypatch, capsys, http):
    code, output = run_main(monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token", text="x", audience="EVERYONE"))

    assert code == 1
    assert "audience" in output["msg"]
    assert http.calls == []
