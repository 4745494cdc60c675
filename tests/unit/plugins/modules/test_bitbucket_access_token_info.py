"""bitbucket_access_token_info: the tokens of one owner (every page), by name or by id, never a secret."""

from __future__ import annotations

import functools

import json

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_access_token_info
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_access_token_info import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, FIRST_PAGE, Call, errors, page
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

PROJECT_TOKENS = "/rest/access-tokens/latest/projects/PLAT"
REPO_TOKENS = "/rest/access-tokens/latest/projects/PLAT/repos/deploy"
USER_TOKENS = "/rest/access-tokens/latest/users/alice"
CREATED = 1767225600000
SECRET = "MTExMTExMTExMTExOnNlY3JldC10aGF0LW11c3Qtbm90LWxlYWs="


def token(token_id, name, permissions=("PROJECT_READ", "REPO_READ"), **extra):
    body = {"id": token_id, "createdDate": CREATED, "name": name, "permissions": list(permissions)}
    body.update(extra)
    return body


@pytest.fixture
def run_info(http, make_context):
    def runner(params, check_mode=False):
        context = make_context(MODULE_SPEC, params, check_mode=check_mode)
        result = execute(run, context)
        assert http.closed or not http.calls, "the session of the run was not closed"
        return result

    return runner


CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])


@CHECK_MODES
def test_lists_every_page(http, run_info, check_mode):
    http.expect(
        Call("GET", PROJECT_TOKENS, query=FIRST_PAGE, body=page([token("111111111111", "ci"), token("222222222222", "deploy")], next_start=2)),
        Call("GET", PROJECT_TOKENS, query=[("start", 2), ("limit", 1000)], body=page([token("333333333333", "ci-old")], start=2)),
    )

    result = run_info(dict(project="PLAT"), check_mode=check_mode)

    assert result == {
        "changed": False,
        "tokens": [token("111111111111", "ci"), token("222222222222", "deploy"), token("333333333333", "ci-old")],
    }
    http.assert_done()


@pytest.mark.parametrize(
    "owner, path",
    [
        (dict(project="PLAT", repository="deploy"), REPO_TOKENS),
        (dict(user="alice"), USER_TOKENS),
        (dict(project_key="PLAT", repository_slug="deploy"), REPO_TOKENS),
    ],
    ids=["repository", "user", "aliases"],
)
def test_every_owner(http, run_info, owner, path):
    http.expect(Call("GET", path, query=FIRST_PAGE, body=page([token("111111111111", "ci", permissions=["REPO_READ"])])))

    result = run_info(owner)

    assert result["tokens"] == [token("111111111111", "ci", permissions=["REPO_READ"])]
    http.assert_done()


def test_by_name_matches_the_whole_name_exactly(http, run_info):
    http.expect(
        Call(
            "GET",
            PROJECT_TOKENS,
            query=FIRST_PAGE,
            body=page([token("111111111111", "ci"), token("222222222222", "ci-old"), token("333333333333", "CI"), token("444444444444", "ci")]),
        )
    )

    result = run_info(dict(project="PLAT", name="ci"))

    # Both tokens named "ci" (names are not unique, API-MAP 3.5); not "ci-old", not "CI".
    assert [entry["id"] for entry in result["tokens"]] == ["111111111111", "444444444444"]
    http.assert_done()


def test_by_name_with_no_match_is_an_empty_list(http, run_info):
    http.expect(Call("GET", PROJECT_TOKENS, query=FIRST_PAGE, body=page([token("111111111111", "ci")])))

    assert run_info(dict(project="PLAT", name="nightly")) == {"changed": False, "tokens": []}
    http.assert_done()


@CHECK_MODES
def test_by_id(http, run_info, check_mode):
    http.expect(Call("GET", PROJECT_TOKENS + "/111111111111", body=token("111111111111", "ci")))

    result = run_info(dict(project="PLAT", token_id="111111111111"), check_mode=check_mode)

    assert result == {"changed": False, "tokens": [token("111111111111", "ci")]}
    http.assert_done()


def test_a_missing_id_is_an_empty_list(http, run_info):
    http.expect(Call("GET", PROJECT_TOKENS + "/999999999999", status=404, body=errors("No access token with id 999999999999 exists.")))

    assert run_info(dict(project="PLAT", token_id="999999999999")) == {"changed": False, "tokens": []}
    http.assert_done()


@pytest.mark.parametrize(
    "params, call",
    [
        (dict(project="PLAT"), Call("GET", PROJECT_TOKENS, query=FIRST_PAGE, body=page([token("111111111111", "ci", token=SECRET)]))),
        (dict(project="PLAT", name="ci"), Call("GET", PROJECT_TOKENS, query=FIRST_PAGE, body=page([token("111111111111", "ci", token=SECRET)]))),
        (dict(project="PLAT", token_id="111111111111"), Call("GET", PROJECT_TOKENS + "/111111111111", body=token("111111111111", "ci", token=SECRET))),
    ],
    ids=["listing", "by-name", "by-id"],
)
def test_never_returns_a_secret_even_if_the_server_sent_one(http, run_info, params, call):
    http.expect(call)

    result = run_info(params)

    assert result["tokens"] == [token("111111111111", "ci")]
    assert SECRET not in json.dumps(result)
    http.assert_done()


def test_numeric_ids_are_returned_as_strings(http, run_info):
    http.expect(Call("GET", PROJECT_TOKENS, query=FIRST_PAGE, body=page([token(111111111111, "ci")])))

    assert run_info(dict(project="PLAT"))["tokens"][0]["id"] == "111111111111"
    http.assert_done()


def test_a_missing_owner_is_a_failure_that_names_it(http, run_info):
    http.expect(Call("GET", "/rest/access-tokens/latest/projects/NOPE", query=FIRST_PAGE, status=404, body=errors("Project NOPE does not exist.")))

    result = run_info(dict(project="NOPE"))

    assert result["failed"] is True
    assert result["http_status"] == 404
    assert "Project NOPE does not exist" in result["msg"]
    http.assert_done()


def test_a_refused_listing_names_method_path_and_status(http, run_info):
    http.expect(Call("GET", PROJECT_TOKENS, query=FIRST_PAGE, status=401, body=errors("You are not permitted to access this resource")))

    result = run_info(dict(project="PLAT"))

    assert result["failed"] is True
    assert (result["http_method"], result["http_path"], result["http_status"]) == ("GET", PROJECT_TOKENS, 401)
    assert result["server_message"] == "You are not permitted to access this resource"
    http.assert_done()


# -- main(): the ordinary module path through AnsibleModule ------------------------------------


run_main = functools.partial(main_of, bitbucket_access_token_info)


def test_main_lists_with_a_token(monkeypatch, capsys, http):
    http.expect(Call("GET", PROJECT_TOKENS, query=FIRST_PAGE, body=page([token("111111111111", "ci")])))

    code, output = run_main(monkeypatch, capsys, http, dict(url=BASE_URL, token="info-unit-token", project="PLAT", _ansible_check_mode=True))

    assert code == 0
    assert output["changed"] is False
    assert output["tokens"] == [token("111111111111", "ci")]
    assert http.headers["Authorization"] == "Bearer info-unit-token"
    http.assert_done()


@pytest.mark.parametrize(
    "args, words",
    [
        (dict(project="PLAT", name="ci", token_id="1"), "mutually exclusive: name|token_id"),
        (dict(user="alice", project="PLAT"), "mutually exclusive: user|project"),
        (dict(), "one of the following is required: user, project"),
        (dict(user="alice", repository="deploy"), "required by 'repository': project"),
    ],
)
def test_main_refuses_invalid_options_without_any_call(monkeypatch, capsys, http, args, words):
    code, output = run_main(monkeypatch, capsys, http, dict(url=BASE_URL, token="info-unit-token", **args))

    assert code == 1
    assert words in output["msg"]
    assert http.calls == []
