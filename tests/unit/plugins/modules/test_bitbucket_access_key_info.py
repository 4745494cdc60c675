"""bitbucket_access_key_info: a scope's access keys, and every project and repository of one key (API-MAP 3.8, section 4)."""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.module_utils._ssh_keys import parse_public_key
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_access_key_info import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit import sshkeygen
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import Call

PROJECT = "/rest/keys/latest/projects/PLAT/ssh"
REPO = "/rest/keys/latest/projects/PLAT/repos/app/ssh"
FIRST_PAGE = [("start", 0), ("limit", 1000)]
CI = sshkeygen.cached_key("info ci") + " ci"
OTHER = sshkeygen.cached_key("info other") + " other"


def entry(line, key_id, permission, project="PLAT", slug=None):
    parsed = parse_public_key(line)
    body = {"key": {"id": key_id, "text": parsed.line, "label": parsed.comment, "fingerprint": parsed.fingerprint}, "permission": permission,
            "project": {"key": project}}
    if slug:
        body["repository"] = {"slug": slug, "project": {"key": project}}
    return body


def page(values):
    return {"size": len(values), "limit": 1000, "start": 0, "isLastPage": True, "values": list(values)}


def used_in(key_id, projects, repositories, as_array=False):
    def answer(values):
        return list(values) if as_array else page(values)

    return [
        Call("GET", "/rest/keys/latest/ssh/%d/projects" % key_id, query=FIRST_PAGE, body=answer(projects)),
        Call("GET", "/rest/keys/latest/ssh/%d/repos" % key_id, query=FIRST_PAGE, body=answer(repositories)),
    ]


@pytest.fixture
def run_module(http, make_context):
    def runner(params, check_mode=False):
        return execute(run, make_context(MODULE_SPEC, params, check_mode=check_mode))

    return runner


@pytest.mark.parametrize("check_mode", [False, True])
def test_the_keys_of_a_project(http, run_module, check_mode):
    http.expect(Call("GET", PROJECT, query=FIRST_PAGE, body=page([entry(CI, 7, "PROJECT_READ"), entry(OTHER, 8, "PROJECT_WRITE")])))

    result = run_module(dict(project="PLAT"), check_mode=check_mode)

    assert result["changed"] is False
    assert [(item["key"]["id"], item["permission"]) for item in result["access_keys"]] == [(7, "PROJECT_READ"), (8, "PROJECT_WRITE")]
    assert result["access_keys"][0]["key"]["fingerprint_sha256"] == sshkeygen.ssh_keygen_fingerprint(CI)
    assert "projects" not in result
    http.assert_done()


@pytest.mark.parametrize("effective", [False, True])
def test_a_repository_lists_its_own_keys_unless_effective(http, run_module, effective):
    http.expect(Call("GET", REPO, query=[("effective", "true" if effective else "false")] + FIRST_PAGE, body=page([])))

    assert run_module(dict(project="PLAT", repository="app", effective=effective))["access_keys"] == []
    http.assert_done()


@pytest.mark.parametrize("as_array", [False, True], ids=["page", "array"])
def test_where_a_key_is_used(http, run_module, as_array):
    # API-MAP 1.5 / section 7 row 19: the answer of .../projects and .../repos is undeclared; a page or an array is read.
    http.expect(
        Call("GET", PROJECT, query=FIRST_PAGE, body=page([entry(OTHER, 8, "PROJECT_WRITE"), entry(CI, 7, "PROJECT_READ")])),
        *used_in(7, [entry(CI, 7, "PROJECT_READ"), entry(CI, 7, "PROJECT_WRITE", project="OPS")], [entry(CI, 7, "REPO_WRITE", slug="app")], as_array),
    )

    result = run_module(dict(project="PLAT", key=CI))

    assert [item["key"]["id"] for item in result["access_keys"]] == [7]
    assert [(item["project"]["key"], item["permission"]) for item in result["projects"]] == [("PLAT", "PROJECT_READ"), ("OPS", "PROJECT_WRITE")]
    assert [item["repository"]["slug"] for item in result["repositories"]] == ["app"]
    http.assert_done()


def test_a_key_the_scope_does_not_have_is_used_nowhere_we_know(http, run_module):
    http.expect(Call("GET", PROJECT, query=FIRST_PAGE, body=page([entry(OTHER, 8, "PROJECT_WRITE")])))

    result = run_module(dict(project="PLAT", key=CI))

    assert result == {"changed": False, "access_keys": [], "projects": [], "repositories": []}
    http.assert_done()


def test_a_key_id_alone_gives_where_it_is_used(http, run_module):
    http.expect(*used_in(7, [entry(CI, 7, "PROJECT_READ")], []))

    result = run_module(dict(key_id=7))

    assert result["access_keys"] == []
    assert len(result["projects"]) == 1
    http.assert_done()


def test_a_key_id_in_a_scope_is_read_by_id(http, run_module):
    http.expect(Call("GET", REPO + "/7", body=entry(CI, 7, "REPO_READ", slug="app")), *used_in(7, [], [entry(CI, 7, "REPO_READ", slug="app")]))

    result = run_module(dict(project="PLAT", repository="app", key_id=7))

    assert [item["permission"] for item in result["access_keys"]] == ["REPO_READ"]
    http.assert_done()


def test_an_unknown_key_id_is_empty(http, run_module):
    missing = {"errors": [{"context": None, "message": "No access key with id 99 exists.", "exceptionName": None}]}
    http.expect(Call("GET", PROJECT + "/99", status=404, body=missing),
                Call("GET", "/rest/keys/latest/ssh/99/projects", query=FIRST_PAGE, status=404, body=missing),
                Call("GET", "/rest/keys/latest/ssh/99/repos", query=FIRST_PAGE, status=404, body=missing))

    result = run_module(dict(project="PLAT", key_id=99))

    assert result == {"changed": False, "access_keys": [], "projects": [], "repositories": []}
    http.assert_done()


@pytest.mark.parametrize("params, option", [(dict(project="PLAT", effective=True), "effective"), (dict(project="PLAT", key="nope"), "key")])
def test_bad_input_is_refused_without_any_call(http, run_module, params, option):
    result = run_module(params)

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert http.calls == []
