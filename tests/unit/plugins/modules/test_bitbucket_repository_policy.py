"""bitbucket_repository_policy: the exact HTTP calls of every scenario, in order, each also in check mode (API-MAP 3.18)."""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_repository_policy
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, Call, errors
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.scenarios import CHECK_MODES, expect, runner

POLICIES = "/rest/policies/latest/admin/repos/"


def get(policy, permission):
    return Call("GET", POLICIES + policy, body={"permission": permission})


def put(policy, permission):
    return Call("PUT", POLICIES + policy, json={"permission": permission}, body={"permission": permission})


@pytest.fixture
def run_module(http, make_context):
    return runner(bitbucket_repository_policy, http, make_context)


@CHECK_MODES
def test_set_both(http, run_module, check_mode):
    expect(http, [get("delete", "REPO_ADMIN"), put("delete", "ADMIN"), get("archive", "REPO_ADMIN"), put("archive", "PROJECT_ADMIN")], check_mode)

    result = run_module(dict(delete_permission="ADMIN", archive_permission="PROJECT_ADMIN"), check_mode=check_mode)

    assert result["changed"] is True
    assert (result["delete_permission"], result["archive_permission"]) == ("ADMIN", "PROJECT_ADMIN")
    assert result["diff"] == {
        "before": {"delete_permission": "REPO_ADMIN", "archive_permission": "REPO_ADMIN"},
        "after": {"delete_permission": "ADMIN", "archive_permission": "PROJECT_ADMIN"},
    }
    http.assert_done()


@CHECK_MODES
def test_only_the_policy_given_is_read(http, run_module, check_mode):
    expect(http, [get("archive", "REPO_ADMIN"), put("archive", "SYS_ADMIN")], check_mode)

    result = run_module(dict(archive_permission="SYS_ADMIN"), check_mode=check_mode)

    assert result["changed"] is True
    assert "delete_permission" not in result
    http.assert_done()


@CHECK_MODES
def test_no_op_only_reads(http, run_module, check_mode):
    expect(http, [get("delete", "ADMIN"), get("archive", "PROJECT_ADMIN")], check_mode)

    result = run_module(dict(delete_permission="ADMIN", archive_permission="PROJECT_ADMIN"), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_one_changes_the_other_does_not(http, run_module, check_mode):
    expect(http, [get("delete", "ADMIN"), get("archive", "REPO_ADMIN"), put("archive", "ADMIN")], check_mode)

    result = run_module(dict(delete_permission="ADMIN", archive_permission="ADMIN"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"]["before"] == {"delete_permission": "ADMIN", "archive_permission": "REPO_ADMIN"}
    http.assert_done()


def test_a_refusal_reports_bitbucket_s_answer(http, run_module):
    http.expect(get("delete", "REPO_ADMIN"), Call("PUT", POLICIES + "delete", json={"permission": "ADMIN"}, status=401, body=errors("SYS_ADMIN is required")))

    result = run_module(dict(delete_permission="ADMIN"))

    assert result["failed"] is True
    assert result["http_status"] == 401
    assert result["http_path"] == POLICIES + "delete"
    http.assert_done()


def test_a_put_that_landed_behind_a_500_is_not_repeated(http, run_module):
    failing = Call("PUT", POLICIES + "delete", json={"permission": "ADMIN"}, status=500, body=errors("boom"))
    http.expect(get("delete", "REPO_ADMIN"), failing, get("delete", "ADMIN"))

    result = run_module(dict(delete_permission="ADMIN"))

    assert "failed" not in result
    assert result["delete_permission"] == "ADMIN"
    http.assert_done()


@pytest.mark.parametrize("args, words", [(dict(), "one of the following is required"), (dict(delete_permission="PROJECT_WRITE"), "delete_permission")])
def test_main_refuses_bad_input_without_any_call(monkeypatch, capsys, http, args, words):
    code, output = main_of(bitbucket_repository_policy, monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token", **args))

    assert code == 1
    assert words in output["msg"]
    assert http.calls == []
