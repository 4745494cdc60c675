"""bitbucket_branch_restriction_info: one paged read, own and inherited restrictions apart."""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_branch_restriction_info import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import FIRST_PAGE, Call, errors, page

REPO_BASE = "/rest/branch-permissions/latest/projects/PLAT/repos/app/restrictions"


def raw(rid, kind, scope, **matcher):
    return {"id": rid, "type": kind, "matcher": matcher, "users": [{"name": "alice", "slug": "alice"}], "groups": ["devs"],
            "accessKeys": [{"key": {"id": 4}}], "scope": {"type": scope, "resourceId": 1}}


@pytest.fixture
def run_module(make_context):
    def runner(params, check_mode=False):
        return execute(run, make_context(MODULE_SPEC, params, check_mode=check_mode))

    return runner


@pytest.mark.parametrize("check_mode", [False, True])
def test_all_pages_and_the_inherited_apart(http, run_module, check_mode):
    first = raw(2, "read-only", "REPOSITORY", id="release/*", type={"id": "PATTERN"})
    second = raw(1, "no-deletes", "PROJECT", id="refs/heads/main", displayId="main", type={"id": "BRANCH"})
    third = raw(3, "no-deletes", "REPOSITORY", id="main", type={"id": "BRANCH"})
    http.expect(
        Call("GET", REPO_BASE, query=FIRST_PAGE, body=page([first, second], next_start=2)),
        Call("GET", REPO_BASE, query=[("start", 2), ("limit", 1000)], body=page([third], start=2)),
    )

    result = run_module(dict(project="PLAT", repository="app"), check_mode=check_mode)

    assert result["changed"] is False
    assert [(r["id"], r.get("branch") or r.get("pattern")) for r in result["restrictions"]] == [(3, "refs/heads/main"), (2, "release/*")]
    assert result["inherited_restrictions"] == [{
        "id": 1, "type": "no-deletes", "branch": "refs/heads/main", "exempt_users": ["alice"], "exempt_groups": ["devs"], "exempt_access_keys": [4],
    }]
    http.assert_done()


def test_a_missing_project_is_reported(http, run_module):
    http.expect(Call("GET", "/rest/branch-permissions/latest/projects/NOPE/restrictions", query=FIRST_PAGE, status=404,
                     body=errors("Project NOPE does not exist.")))

    result = run_module(dict(project="NOPE"))

    assert result["failed"] is True
    assert result["http_status"] == 404
    http.assert_done()
