"""bitbucket_webhook and its _info: the exact HTTP calls of every scenario, in order, each also in check mode."""

from __future__ import annotations

import json

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_webhook, bitbucket_webhook_info
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, FIRST_PAGE, Call, errors, page
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

HOOKS = "/rest/api/latest/projects/PLAT/webhooks"
REPO_HOOKS = "/rest/api/latest/projects/PLAT/repos/app/webhooks"
CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])
SECRET = "s3cr3t-value"
EVENTS = ["pr:merged", "repo:refs_changed"]


def hook(hid=7, **fields):
    body = {"id": hid, "name": "ci", "createdDate": 1, "updatedDate": 1, "events": list(EVENTS), "configuration": {},
            "url": "https://ci.example.com/hook", "active": True, "sslVerificationRequired": True, "scopeType": "project"}
    body.update(fields)
    return body


def view(webhook):
    return {"name": webhook["name"], "webhook_url": webhook["url"], "events": sorted(webhook["events"]), "active": webhook["active"],
            "ssl_verification": webhook["sslVerificationRequired"]}


def listing(*hooks, path=HOOKS):
    return Call("GET", path, query=FIRST_PAGE, body=page(hooks))


def params(**extra):
    base = dict(project="PLAT", name="ci", webhook_url="https://ci.example.com/hook", events=["repo:refs_changed", "pr:merged"])
    base.update(extra)
    return base


@pytest.fixture
def run_module(http, make_context):
    def runner(task, check_mode=False, module=bitbucket_webhook):
        return execute(module.run, make_context(module.MODULE_SPEC, task, check_mode=check_mode, diff=True))

    return runner


def expect(http, calls, check_mode):
    http.expect(*(calls[:1] if check_mode else calls))


@CHECK_MODES
def test_create_sends_the_secret(http, run_module, check_mode):
    created = hook()
    expect(http, [
        listing(hook(3, name="other")),
        Call("POST", HOOKS, json={"url": "https://ci.example.com/hook", "events": EVENTS, "active": True, "sslVerificationRequired": True,
                                  "configuration": {"secret": SECRET}, "name": "ci"}, body=created),
    ], check_mode)

    result = run_module(params(secret=SECRET), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"]["before"] == {}
    assert result["secret_sent"] is (not check_mode)
    if check_mode:
        assert result["webhook"] == {"url": "https://ci.example.com/hook", "events": EVENTS, "name": "ci", "active": True, "sslVerificationRequired": True}
        assert result["diff"]["after"] == view(created)
    else:
        assert result["webhook"] == created
        assert result["diff"]["after"] == view(created)
    assert SECRET not in json.dumps(result)
    http.assert_done()


@CHECK_MODES
def test_no_op_does_not_send_the_secret(http, run_module, check_mode):
    http.expect(listing(hook()))

    result = run_module(params(secret=SECRET, active=True, ssl_verification=True), check_mode=check_mode)

    assert result["changed"] is False
    assert result["secret_sent"] is False
    http.assert_done()


@CHECK_MODES
def test_update_sends_the_whole_webhook_with_the_secret(http, run_module, check_mode):
    updated = hook(active=False, events=["pr:opened"])
    expect(http, [
        listing(hook()),
        Call("PUT", HOOKS + "/7", json={"url": "https://ci.example.com/hook", "events": ["pr:opened"], "active": False,
                                        "sslVerificationRequired": True, "configuration": {"secret": SECRET}, "name": "ci"}, body=updated),
    ], check_mode)

    result = run_module(params(events=["pr:opened"], active=False, secret=SECRET), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"] == {"before": view(hook()), "after": view(updated)}
    assert result["webhook"]["active"] is False
    assert result["webhook"]["events"] == ["pr:opened"]
    http.assert_done()


@CHECK_MODES
def test_update_secret_always_sends_it_every_run(http, run_module, check_mode):
    expect(http, [
        listing(hook()),
        Call("PUT", HOOKS + "/7", json={"url": "https://ci.example.com/hook", "events": EVENTS, "active": True, "sslVerificationRequired": True,
                                        "configuration": {"secret": SECRET}, "name": "ci"}, body=hook()),
    ], check_mode)

    result = run_module(params(secret=SECRET, update_secret="always"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["secret_sent"] is (not check_mode)
    http.assert_done()


@CHECK_MODES
def test_delete(http, run_module, check_mode):
    expect(http, [listing(hook()), Call("DELETE", HOOKS + "/7", status=204)], check_mode)

    result = run_module(dict(project="PLAT", name="ci", state="absent"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["webhook"] == {}
    assert result["diff"] == {"before": view(hook()), "after": {}}
    http.assert_done()


@CHECK_MODES
def test_delete_absent(http, run_module, check_mode):
    http.expect(listing())

    result = run_module(dict(project="PLAT", name="ci", state="absent"), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


def test_a_repository_webhook(http, run_module):
    created = hook(scopeType="repository")
    http.expect(listing(path=REPO_HOOKS),
                Call("POST", REPO_HOOKS, json={"url": "https://ci.example.com/hook", "events": EVENTS, "active": True, "sslVerificationRequired": True,
                                               "name": "ci"}, body=created))

    result = run_module(params(repository="app"))

    assert result["webhook"]["scopeType"] == "repository"
    http.assert_done()


def test_a_secret_in_an_answer_is_masked(http, run_module):
    http.expect(listing(hook(configuration={"secret": SECRET})))

    result = run_module(params())

    assert result["webhook"]["configuration"] == {"secret": "********"}
    http.assert_done()


def test_two_webhooks_of_one_name_fail(http, run_module):
    http.expect(listing(hook(7), hook(9)))

    result = run_module(params())

    assert result["failed"] is True
    assert "project PLAT has 2 webhooks named 'ci' (ids 7, 9)" in result["msg"]
    http.assert_done()


def test_a_create_that_landed_despite_a_500_is_not_repeated(http, run_module):
    http.expect(
        listing(),
        Call("POST", HOOKS, json={"url": "https://ci.example.com/hook", "events": EVENTS, "active": True, "sslVerificationRequired": True,
                                  "name": "ci"}, status=500, body=errors("boom")),
        listing(hook()),
    )

    result = run_module(params())

    assert result["changed"] is True
    assert result["webhook"] == hook()
    http.assert_done()


@CHECK_MODES
def test_create_without_a_url_fails_before_writing(http, run_module, check_mode):
    http.expect(listing())

    result = run_module(dict(project="PLAT", name="ci", events=["pr:merged"]), check_mode=check_mode)

    assert result["failed"] is True
    assert result["missing_options"] == ["webhook_url"]
    http.assert_done()


@pytest.mark.parametrize(("task", "option"), [
    (params(webhook_url="ftp://ci.example.com"), "webhook_url"),
    (params(webhook_url="ci.example.com/hook"), "webhook_url"),
    (params(webhook_url="http://exa mple.com/"), "webhook_url"),
    (params(webhook_url="https://"), "webhook_url"),
    (params(events=[]), "events"),
    (params(events=["pr:merged", " "]), "events"),
    (params(name=" "), "name"),
])
def test_bad_input_fails_before_any_request(http, run_module, task, option):
    result = run_module(task)

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert http.calls == []


@CHECK_MODES
def test_info_masks_and_filters(http, run_module, check_mode):
    http.expect(listing(hook(configuration={"secret": SECRET}), hook(9, name="deploy")))

    result = run_module(dict(project="PLAT", name="ci"), check_mode=check_mode, module=bitbucket_webhook_info)

    assert result["changed"] is False
    assert [h["id"] for h in result["webhooks"]] == [7]
    assert SECRET not in json.dumps(result)
    http.assert_done()


def test_main_masks_the_secret(monkeypatch, capsys, http):
    http.expect(listing(), Call("POST", HOOKS, json={"url": "https://ci.example.com/hook", "events": EVENTS, "active": True,
                                                     "sslVerificationRequired": True, "configuration": {"secret": SECRET}, "name": "ci"}, body=hook()))

    code, output = main_of(bitbucket_webhook, monkeypatch, capsys, http, dict(params(secret=SECRET), url=BASE_URL, token="t0ken"))

    assert code == 0
    assert output["changed"] is True
    assert SECRET not in json.dumps(output)
    http.assert_done()
