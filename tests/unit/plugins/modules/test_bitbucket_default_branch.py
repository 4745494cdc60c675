"""bitbucket_default_branch: the exact HTTP calls of every scenario, in order, each also in check mode (API-MAP 3.17)."""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_default_branch
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, Call, errors
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.scenarios import CHECK_MODES, expect, reread, runner

DEFAULT_BRANCH = "/rest/api/latest/admin/default-branch"


def ref(name):
    return {"id": "refs/heads/" + name, "displayId": name, "type": "BRANCH"}


def branch(name):
    return {"name": name, "id": "refs/heads/" + name}


def get(body=None):
    if body is None:
        return Call("GET", DEFAULT_BRANCH, status=404, body=errors("No global default branch has been configured."))
    return Call("GET", DEFAULT_BRANCH, body=body)


def put(name):
    return Call("PUT", DEFAULT_BRANCH, json={"id": "refs/heads/" + name}, status=204)


@pytest.fixture
def run_module(http, make_context):
    return runner(bitbucket_default_branch, http, make_context)


@CHECK_MODES
@pytest.mark.parametrize("given", ["main", "refs/heads/main"])
def test_set(http, run_module, check_mode, given):
    expect(http, [get(), put("main"), reread(get(ref("main")))], check_mode)

    result = run_module(dict(name=given), check_mode=check_mode)

    assert result["changed"] is True
    assert result["default_branch"] == branch("main")
    assert result["diff"] == {"before": {}, "after": branch("main")}
    http.assert_done()


@CHECK_MODES
def test_change(http, run_module, check_mode):
    expect(http, [get(ref("master")), put("main"), reread(get(ref("main")))], check_mode)

    result = run_module(dict(name="main"), check_mode=check_mode)

    assert result["diff"] == {"before": branch("master"), "after": branch("main")}
    http.assert_done()


@CHECK_MODES
@pytest.mark.parametrize(
    "answer",
    [ref("main"), {"id": "refs/heads/main"}, {"id": "main"}, {"displayId": "main"}, "main", "refs/heads/main"],
    ids=["ref", "id-only", "bare-id", "display-id", "string", "string-ref"],
)
def test_every_reading_of_the_undeclared_answer_is_the_same_branch(http, run_module, check_mode, answer):
    # API-MAP 3.17 VERIFY, §7 row 19: GET's schema is undeclared.
    expect(http, [get(answer)], check_mode)

    result = run_module(dict(name="refs/heads/main"), check_mode=check_mode)

    assert result["changed"] is False
    assert result["default_branch"] == branch("main")
    http.assert_done()


@CHECK_MODES
def test_clear(http, run_module, check_mode):
    expect(http, [get(ref("main")), Call("DELETE", DEFAULT_BRANCH, status=204)], check_mode)

    result = run_module(dict(state="absent"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"] == {"before": branch("main"), "after": {}}
    assert result["default_branch"] == {}
    http.assert_done()


@CHECK_MODES
def test_clear_when_none_is_set_only_reads(http, run_module, check_mode):
    expect(http, [get()], check_mode)

    assert run_module(dict(state="absent"), check_mode=check_mode)["changed"] is False
    http.assert_done()


@CHECK_MODES
@pytest.mark.parametrize("name", ["", "refs/heads/", "bad name", "a..b", "ends.lock", "refs/tags/v1", "x~1", "trailing/"])
def test_a_name_that_is_no_branch_is_refused_without_any_call(http, run_module, check_mode, name):
    result = run_module(dict(name=name), check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == "name"
    assert http.calls == []


def test_a_server_that_reads_back_another_branch_is_reported(http, run_module):
    http.expect(get(), put("main"), get(ref("refs/heads/main")))

    result = run_module(dict(name="main"))

    assert result["failed"] is True
    assert result["changed"] is True
    assert "reads it back as 'refs/heads/main'" in result["msg"]
    http.assert_done()


def test_a_put_that_landed_behind_a_500_is_not_repeated(http, run_module):
    http.expect(get(ref("master")), Call("PUT", DEFAULT_BRANCH, json={"id": "refs/heads/main"}, status=500, body=errors("boom")), get(ref("main")))

    result = run_module(dict(name="main"))

    assert "failed" not in result
    assert result["changed"] is True
    http.assert_done()


def test_a_refusal_reports_bitbucket_s_answer(http, run_module):
    http.expect(get(), Call("PUT", DEFAULT_BRANCH, json={"id": "refs/heads/main"}, status=401, body=errors("You are not permitted to access this resource")))

    result = run_module(dict(name="main"))

    assert result["failed"] is True
    assert result["http_status"] == 401
    http.assert_done()


def test_main_needs_a_name_with_state_present(monkeypatch, capsys, http):
    code, output = main_of(bitbucket_default_branch, monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token"))

    assert code == 1
    assert "name" in output["msg"]
    assert http.calls == []


def test_main_takes_the_branch_alias(monkeypatch, capsys, http):
    http.expect(get(ref("main")))

    code, output = main_of(bitbucket_default_branch, monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token", branch="main"))

    assert code == 0
    assert output["changed"] is False
    http.assert_done()
