"""bitbucket_repository_permission: the exact HTTP calls of every scenario, in order, each also in check mode.

The grant logic is shared with the project and global modules (module_utils/_grants.py, tested in depth
through bitbucket_project_permission); here are what the repository binding changes: the paths, the
levels, and the caller's own grant, which a project (or global) permission may imply.
"""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_repository_permission
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_repository_permission import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import FIRST_PAGE, Call, errors, page
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

BASE = "/rest/api/latest/projects/PLAT/repos/deploy/permissions"
USERS = BASE + "/users"
GROUPS = BASE + "/groups"
CALLER = "automation"
CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])
SCOPE = dict(project="PLAT", repository="deploy")


def user(name, permission):
    return {"user": {"name": name, "slug": name.lower(), "displayName": name.title(), "id": 7, "type": "NORMAL", "active": True}, "permission": permission}


def get_users(*grants):
    return Call("GET", USERS, query=FIRST_PAGE, body=page(grants))


def get_groups(*grants):
    return Call("GET", GROUPS, query=FIRST_PAGE, body=page(grants))


def put(kind, permission, *names, status=204, body=None):
    return Call("PUT", BASE + "/" + kind, query=[("permission", permission)] + [("name", name) for name in names], status=status, body=body)


def bulk_revoke(users=(), groups=(), status=204, body=None):
    return Call("DELETE", BASE, query=[("user", name) for name in users] + [("group", name) for name in groups], status=status, body=body)


def caller_holds_on_project(level, holds):
    """The read that says whether the caller's project (or global) permission implies its repository level."""
    values = [{"name": CALLER, "slug": CALLER, "id": 3}] if holds else []
    query = [("filter", CALLER), ("permission", level), ("permission.projectKey", "PLAT")] + FIRST_PAGE
    return Call("GET", "/rest/api/latest/users", query=query, body=page(values))


def grants(*pairs):
    return [{"name": name, "permission": permission} for name, permission in pairs]


@pytest.fixture
def run_module(http, make_context):
    def runner(params, check_mode=False, username=None):
        context = make_context(MODULE_SPEC, dict(SCOPE, **params), check_mode=check_mode, diff=True)
        if username is not None:
            context.params.update(token=None, username=username, password="pw")
        return execute(run, context)

    return runner


def expect(http, calls, check_mode):
    http.expect(*[call for call in calls if not check_mode or call.method == "GET"])


@CHECK_MODES
def test_grant_and_purge(http, run_module, check_mode):
    expect(
        http,
        [
            get_users(user("alice", "REPO_READ"), user("bob", "REPO_WRITE")),
            get_groups({"group": {"name": "old-team"}, "permission": "REPO_WRITE"}),
            put("users", "REPO_ADMIN", "alice"),
            put("groups", "REPO_WRITE", "release-team"),
            bulk_revoke(users=["bob"], groups=["old-team"]),
        ],
        check_mode,
    )

    result = run_module(
        dict(users=grants(("alice", "REPO_ADMIN")), groups=grants(("release-team", "REPO_WRITE")), purge_users=True, purge_groups=True),
        check_mode=check_mode,
    )

    assert result["changed"] is True
    assert result["users"] == grants(("alice", "REPO_ADMIN"))
    assert result["groups"] == grants(("release-team", "REPO_WRITE"))
    assert result["diff"]["before"]["users"] == grants(("alice", "REPO_READ"), ("bob", "REPO_WRITE"))
    http.assert_done()


@CHECK_MODES
def test_no_op_only_reads(http, run_module, check_mode):
    http.expect(get_users(user("alice", "REPO_ADMIN")))

    result = run_module(dict(users=grants(("alice", "REPO_ADMIN"))), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_a_project_administrator_may_drop_its_own_repository_grant(http, run_module, check_mode):
    expect(http, [get_users(user(CALLER, "REPO_ADMIN")), caller_holds_on_project("PROJECT_ADMIN", True), bulk_revoke(users=[CALLER])], check_mode)

    result = run_module(dict(users=[{"name": CALLER}], state="absent"), check_mode=check_mode, username=CALLER)

    assert result["changed"] is True
    assert result["users"] == []
    http.assert_done()


@CHECK_MODES
def test_lowering_the_callers_own_grant_without_a_project_permission_is_refused(http, run_module, check_mode):
    http.expect(get_users(user(CALLER, "REPO_WRITE")), caller_holds_on_project("PROJECT_WRITE", False))

    result = run_module(dict(users=grants((CALLER, "REPO_READ"))), check_mode=check_mode, username=CALLER)

    assert result["failed"] is True
    assert result["invalid_option"] == "users"
    assert "on repository PLAT/deploy from REPO_WRITE to REPO_READ and nothing else (a project or global permission)" in result["msg"]
    http.assert_done()


def test_with_a_token_the_servers_refusal_is_explained(http, run_module):
    message = "The action was disallowed as it would reduce the currently authenticated user's permission level."
    http.expect(get_users(user("lead", "REPO_ADMIN")), put("users", "REPO_READ", "lead", status=403, body=errors(message)))

    result = run_module(dict(users=grants(("lead", "REPO_READ"))))

    assert result["failed"] is True
    assert result["http_status"] == 403
    assert "on repository PLAT/deploy unless a project or global permission already gives it that level" in result["msg"]
    http.assert_done()


def test_a_missing_repository_is_reported(http, run_module):
    http.expect(Call("GET", USERS, query=FIRST_PAGE, status=404, body=errors("Repository deploy does not exist.")))

    result = run_module(dict(users=grants(("alice", "REPO_READ"))))

    assert result["failed"] is True
    assert result["http_status"] == 404
    assert result["http_path"] == USERS
    http.assert_done()


def test_main_refuses_a_project_level_without_any_call(monkeypatch, capsys, http):
    code, output = main_of(
        bitbucket_repository_permission, monkeypatch, capsys, http,
        dict(SCOPE, url="https://bitbucket.example.com", token="t0ken", users=[{"name": "alice", "permission": "PROJECT_WRITE"}]),
    )

    assert code == 1
    assert "PROJECT_WRITE" in output["msg"]
    assert http.calls == []
