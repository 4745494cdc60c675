"""bitbucket_global_permission: the exact HTTP calls of every scenario, in order, each also in check mode.

The grant logic is shared with the project and repository modules (module_utils/_grants.py, tested in
depth through bitbucket_project_permission); here are what the global binding changes: the paths, the
levels, one DELETE per revoked principal (there is no bulk revoke), the caller's own grant, and the
documented refusals (403 licence limit, 409 self-lowering).
"""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_global_permission
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_global_permission import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import FIRST_PAGE, Call, errors, page
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

BASE = "/rest/api/latest/admin/permissions"
USERS = BASE + "/users"
GROUPS = BASE + "/groups"
CALLER = "automation"
CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])


def user(name, permission):
    return {"user": {"name": name, "slug": name.lower(), "displayName": name.title(), "id": 7, "type": "NORMAL", "active": True}, "permission": permission}


def group(name, permission):
    return {"group": {"name": name}, "permission": permission}


def get_users(*grants):
    return Call("GET", USERS, query=FIRST_PAGE, body=page(grants))


def get_groups(*grants):
    return Call("GET", GROUPS, query=FIRST_PAGE, body=page(grants))


def put(kind, permission, *names, status=204, body=None):
    return Call("PUT", BASE + "/" + kind, query=[("permission", permission)] + [("name", name) for name in names], status=status, body=body)


def revoke(kind, name, status=204, body=None):
    return Call("DELETE", BASE + "/" + kind, query=[("name", name)], status=status, body=body)


def grants(*pairs):
    return [{"name": name, "permission": permission} for name, permission in pairs]


@pytest.fixture
def run_module(http, make_context):
    def runner(params, check_mode=False, username=None):
        context = make_context(MODULE_SPEC, params, check_mode=check_mode, diff=True)
        if username is not None:
            context.params.update(token=None, username=username, password="pw")
        return execute(run, context)

    return runner


def expect(http, calls, check_mode):
    http.expect(*[call for call in calls if not check_mode or call.method == "GET"])


@CHECK_MODES
def test_grant_promote_and_purge(http, run_module, check_mode):
    expect(
        http,
        [
            get_users(user("alice", "LICENSED_USER"), user("bob", "PROJECT_CREATE")),
            get_groups(group("stash-users", "LICENSED_USER"), group("old-admins", "ADMIN")),
            put("users", "SYS_ADMIN", "carol"),
            put("users", "ADMIN", "alice"),
            put("groups", "PROJECT_CREATE", "team-leads"),
            # No bulk revoke for global permissions: one request per principal.
            revoke("users", "bob"),
            revoke("groups", "old-admins"),
        ],
        check_mode,
    )

    result = run_module(
        dict(
            users=grants(("alice", "ADMIN"), ("carol", "SYS_ADMIN")),
            groups=grants(("stash-users", "LICENSED_USER"), ("team-leads", "PROJECT_CREATE")),
            purge_users=True,
            purge_groups=True,
        ),
        check_mode=check_mode,
    )

    assert result["changed"] is True
    assert result["users"] == grants(("alice", "ADMIN"), ("carol", "SYS_ADMIN"))
    assert result["groups"] == grants(("stash-users", "LICENSED_USER"), ("team-leads", "PROJECT_CREATE"))
    assert result["diff"]["before"]["groups"] == grants(("old-admins", "ADMIN"), ("stash-users", "LICENSED_USER"))
    http.assert_done()


@CHECK_MODES
def test_no_op_only_reads(http, run_module, check_mode):
    http.expect(get_users(user("alice", "ADMIN"), user("bob", "LICENSED_USER")))

    result = run_module(dict(users=grants(("ALICE", "ADMIN"))), check_mode=check_mode)

    assert result["changed"] is False
    assert result["users"] == grants(("alice", "ADMIN"), ("bob", "LICENSED_USER"))
    http.assert_done()


@CHECK_MODES
def test_absent_revokes_each_listed_principal(http, run_module, check_mode):
    expect(
        http,
        [
            get_users(user("alice", "ADMIN"), user("bob", "LICENSED_USER")),
            get_groups(group("devs", "PROJECT_CREATE")),
            revoke("users", "bob"),
            revoke("groups", "devs"),
        ],
        check_mode,
    )

    result = run_module(dict(users=[{"name": "bob"}, {"name": "nobody"}], groups=[{"name": "devs"}], state="absent"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["users"] == grants(("alice", "ADMIN"))
    assert result["groups"] == []
    http.assert_done()


def test_a_principal_that_is_gone_meanwhile_is_already_revoked(http, run_module):
    http.expect(get_users(user("bob", "LICENSED_USER")), revoke("users", "bob", status=404, body=errors("User bob does not exist.")))

    result = run_module(dict(users=[{"name": "bob"}], state="absent"))

    assert result["changed"] is True
    http.assert_done()


@CHECK_MODES
def test_lowering_the_callers_own_global_grant_is_refused_without_asking(http, run_module, check_mode):
    # spec revokePermissionsForUser: "a user may not demote their own permission level", without exception:
    # no read can show that something implies it, so none is made.
    http.expect(get_users(user(CALLER, "SYS_ADMIN")))

    result = run_module(dict(users=grants((CALLER, "ADMIN"))), check_mode=check_mode, username=CALLER)

    assert result["failed"] is True
    assert result["invalid_option"] == "users"
    assert "lower the permission of automation, the user running the task, on the instance from SYS_ADMIN to ADMIN" in result["msg"]
    assert "nothing was changed" in result["msg"]
    http.assert_done()


def test_purging_the_callers_own_global_grant_is_refused(http, run_module):
    http.expect(get_users(user(CALLER, "SYS_ADMIN"), user("bob", "ADMIN")))

    result = run_module(dict(users=grants(("bob", "ADMIN")), purge_users=True), username=CALLER)

    assert result["failed"] is True
    assert "revoke the SYS_ADMIN grant of automation" in result["msg"]
    http.assert_done()


def test_a_licence_limit_is_explained(http, run_module):
    message = "The action was disallowed as it would exceed the server's license limits."
    refused = errors(message, "com.atlassian.bitbucket.license.LicenseLimitException")
    http.expect(get_users(), put("users", "LICENSED_USER", "newhire", status=403, body=refused))

    result = run_module(dict(users=grants(("newhire", "LICENSED_USER"))))

    assert result["failed"] is True
    assert result["changed"] is False
    assert result["http_status"] == 403
    assert result["server_message"] == message
    assert "exceed the licence's user limit" in result["msg"]
    http.assert_done()


def test_a_group_change_that_would_lower_the_caller_is_explained(http, run_module):
    message = "The action was disallowed as it would reduce the currently authenticated user's permission level."
    http.expect(get_groups(group("admins", "SYS_ADMIN")), revoke("groups", "admins", status=409, body=errors(message)))

    result = run_module(dict(groups=[{"name": "admins"}], state="absent"))

    assert result["failed"] is True
    assert result["http_status"] == 409
    assert "(directly, or through a group it belongs to)" in result["msg"]
    http.assert_done()


def test_a_level_above_the_callers_is_explained(http, run_module):
    http.expect(get_users(), put("users", "SYS_ADMIN", "alice", status=401, body=errors("You are not permitted to access this resource")))

    result = run_module(dict(users=grants(("alice", "SYS_ADMIN"))))

    assert result["failed"] is True
    assert "needs ADMIN, and at least the level being granted or revoked" in result["msg"]
    http.assert_done()


def test_main_runs_through_ansible_module(monkeypatch, capsys, http):
    http.expect(get_users(), put("users", "PROJECT_CREATE", "alice"))

    code, output = main_of(
        bitbucket_global_permission, monkeypatch, capsys, http,
        {"url": "https://bitbucket.example.com", "token": "t0ken", "users": [{"name": "alice", "permission": "PROJECT_CREATE"}]},
    )

    assert code == 0
    assert output["changed"] is True
    assert output["users"] == grants(("alice", "PROJECT_CREATE"))
    http.assert_done()


def test_a_project_level_is_not_a_global_permission(monkeypatch, capsys, http):
    code, output = main_of(
        bitbucket_global_permission, monkeypatch, capsys, http,
        {"url": "https://bitbucket.example.com", "token": "t0ken", "users": [{"name": "alice", "permission": "PROJECT_ADMIN"}]},
    )

    assert code == 1
    assert "users.permission" in output["msg"] or "permission" in output["msg"]
    assert "PROJECT_ADMIN" in output["msg"]
    assert http.calls == []
