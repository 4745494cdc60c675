"""bitbucket_repository_info: every page, one repository, and the default branch from wherever Bitbucket gives it."""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_repository_info import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import FIRST_PAGE, Call, errors, page

REPOS = "/rest/api/latest/projects/PLAT/repos"


def repo(slug, **fields):
    body = {"slug": slug, "id": 1, "name": slug.title(), "state": "AVAILABLE", "project": {"key": "PLAT"}}
    body.update(fields)
    return body


@pytest.fixture
def run_module(make_context):
    def runner(params, check_mode=False):
        return execute(run, make_context(MODULE_SPEC, dict(params, project="PLAT"), check_mode=check_mode))

    return runner


@pytest.mark.parametrize("check_mode", [False, True])
def test_every_page_with_default_branches(http, run_module, check_mode):
    http.expect(
        Call("GET", REPOS, query=FIRST_PAGE, body=page([repo("api", defaultBranch="main")], next_start=1)),
        Call("GET", REPOS, query=[("start", 1), ("limit", 1000)], body=page([repo("web")], start=1)),
        Call("GET", REPOS + "/web/default-branch", body={"id": "refs/heads/trunk", "displayId": "trunk", "type": "BRANCH"}),
    )

    result = run_module({}, check_mode=check_mode)

    assert result["changed"] is False
    assert [(r["slug"], r["default_branch"]) for r in result["repositories"]] == [("api", "main"), ("web", "trunk")]
    http.assert_done()


def branch(name):
    return {"id": "refs/heads/" + name, "displayId": name, "type": "BRANCH"}


def test_one_by_slug_reads_the_default_branch_endpoint(http, run_module):
    # For one repository, the configured default branch comes from its own endpoint (spec getDefaultBranch_2).
    http.expect(Call("GET", REPOS + "/api", body=repo("api", defaultBranch="main")), Call("GET", REPOS + "/api/default-branch", body=branch("trunk")))
    assert [(r["slug"], r["default_branch"]) for r in run_module(dict(slug="api"))["repositories"]] == [("api", "trunk")]
    http.assert_done()


def test_forks(http, run_module):
    fork = repo("api-fork", project={"key": "SANDBOX"}, origin={"slug": "api", "project": {"key": "PLAT"}})
    http.expect(
        Call("GET", REPOS + "/api", body=repo("api")),
        Call("GET", REPOS + "/api/default-branch", body=branch("main")),
        Call("GET", REPOS + "/api/forks", query=FIRST_PAGE, body=page([fork])),
    )

    result = run_module(dict(slug="api", forks=True))

    assert result["repositories"][0]["forks"] == [fork]
    http.assert_done()


def test_a_missing_one_is_an_empty_list(http, run_module):
    http.expect(Call("GET", REPOS + "/nope", status=404, body=errors("Repository nope does not exist.")))
    assert run_module(dict(slug="nope"))["repositories"] == []
    http.assert_done()


def test_one_by_name_without_a_configured_default_branch(http, run_module):
    http.expect(
        Call("GET", REPOS, query=FIRST_PAGE, body=page([repo("api"), repo("web", defaultBranch="main")])),
        Call("GET", REPOS + "/web/default-branch", status=404, body=errors("No default branch")),
    )

    result = run_module(dict(name="web"))

    assert [(r["slug"], r["default_branch"]) for r in result["repositories"]] == [("web", None)]
    http.assert_done()


def test_a_missing_project_fails(http, run_module):
    http.expect(Call("GET", REPOS, query=FIRST_PAGE, status=404, body=errors("Project PLAT does not exist.")))

    result = run_module({})

    assert result["failed"] is True
    assert "Project PLAT does not exist" in result["msg"]
    http.assert_done()
