"""bitbucket_project_permission: the exact HTTP calls of every scenario, in order, each also in check mode.

Check mode makes the same GETs and none of the writes, and predicts the same result (API-MAP 3.3 for the
endpoints: query-parameter PUTs, a bulk DELETE with a per-principal fallback, the default permission as
three GET/POST ``.../{permission}/all`` calls).
"""

from __future__ import annotations

import functools

import json

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_project_permission
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_project_permission import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, FIRST_PAGE, Call, errors, page
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

BASE = "/rest/api/latest/projects/PLAT/permissions"
USERS = BASE + "/users"
GROUPS = BASE + "/groups"
LEVELS = ("PROJECT_READ", "PROJECT_WRITE", "PROJECT_ADMIN")
CALLER = "automation"
SELF_LOWERING_PUT = "The action was disallowed as it would reduce your own permission level on this project."


def user(name, permission):
    """A RestPermittedUser as Bitbucket lists it."""
    return {
        "user": {
            "name": name,
            "slug": name.lower(),
            "displayName": name.title(),
            "emailAddress": "%s@example.com" % name.lower(),
            "id": sum(map(ord, name)),
            "type": "NORMAL",
            "active": True,
        },
        "permission": permission,
    }


def group(name, permission):
    return {"group": {"name": name}, "permission": permission}


def get_users(*grants):
    return Call("GET", USERS, query=FIRST_PAGE, body=page(grants))


def get_groups(*grants):
    return Call("GET", GROUPS, query=FIRST_PAGE, body=page(grants))


def get_defaults(*permitted):
    return [Call("GET", "%s/%s/all" % (BASE, level), body={"permitted": level in permitted}) for level in LEVELS]


def put(kind, permission, *names, status=204, body=None):
    return Call("PUT", BASE + "/" + kind, query=[("permission", permission)] + [("name", name) for name in names], status=status, body=body)


def bulk_revoke(users=(), groups=(), status=204, body=None):
    return Call("DELETE", BASE, query=[("user", name) for name in users] + [("group", name) for name in groups], status=status, body=body)


def caller_is_global_admin(admin, name=CALLER):
    """The one read that says whether a global permission implies the caller's project level (seed 004).

    ``filter`` is a substring match: an answer naming only a longer name means "no".
    """
    values = [user(name, "ADMIN")["user"]] if admin else [user(name + "-other", "ADMIN")["user"]]
    return Call("GET", "/rest/api/latest/users", query=[("filter", name), ("permission", "ADMIN")] + FIRST_PAGE, body=page(values))


def set_default(level, allow):
    return Call("POST", "%s/%s/all" % (BASE, level), query=[("allow", "true" if allow else "false")], status=204)


def grants(*pairs):
    return [{"name": name, "permission": permission} for name, permission in pairs]


@pytest.fixture
def run_module(http, make_context):
    """``run(context)`` through ``execute``, as both execution paths call it.

    ``username`` switches from token authentication to username/password authentication as ``username``.
    """

    def runner(params, check_mode=False, diff=True, verbosity=0, username=None):
        context = make_context(MODULE_SPEC, params, check_mode=check_mode, diff=diff, verbosity=verbosity)
        if username is not None:
            context.params.update(token=None, username=username, password="pw")
        result = execute(run, context)
        assert http.closed or not http.calls, "the session of the run was not closed"
        return result

    return runner


def expect(http, calls, check_mode):
    """The scenario's calls; in check mode only its reads."""
    http.expect(*[call for call in calls if not check_mode or call.method == "GET"])


def writes(http):
    return [(call.method, call.path) for call in http.calls if call.method != "GET"]


CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])


# -- grant --------------------------------------------------------------------------------------


@CHECK_MODES
def test_grant_users_and_groups(http, run_module, check_mode):
    expect(
        http,
        [
            get_users(),
            get_groups(),
            put("users", "PROJECT_WRITE", "alice"),
            put("users", "PROJECT_READ", "bob"),
            put("groups", "PROJECT_WRITE", "developers"),
        ],
        check_mode,
    )

    result = run_module(
        dict(
            project="PLAT",
            users=grants(("bob", "PROJECT_READ"), ("alice", "PROJECT_WRITE")),
            groups=grants(("developers", "PROJECT_WRITE")),
        ),
        check_mode=check_mode,
    )

    after_users = grants(("alice", "PROJECT_WRITE"), ("bob", "PROJECT_READ"))
    after_groups = grants(("developers", "PROJECT_WRITE"))
    assert result == {
        "changed": True,
        "users": after_users,
        "groups": after_groups,
        "diff": {"before": {"users": [], "groups": []}, "after": {"users": after_users, "groups": after_groups}},
    }
    http.assert_done()


def test_grants_are_query_parameters_without_a_json_body(http, run_module):
    http.expect(get_users(), put("users", "PROJECT_ADMIN", "alice"))

    run_module(dict(project="PLAT", users=grants(("alice", "PROJECT_ADMIN"))))

    grant = http.calls[1]
    assert grant.json is None
    assert grant.data == b""  # API-MAP 1.3: an explicit empty body
    assert grant.params == [("permission", "PROJECT_ADMIN"), ("name", "alice")]
    http.assert_done()


@CHECK_MODES
def test_every_principal_of_one_level_is_granted_in_one_request_highest_level_first(http, run_module, check_mode):
    expect(
        http,
        [
            get_users(),
            put("users", "PROJECT_ADMIN", "dora"),
            put("users", "PROJECT_WRITE", "alice", "carol", "erin"),
            put("users", "PROJECT_READ", "bob"),
        ],
        check_mode,
    )

    result = run_module(
        dict(
            project="PLAT",
            users=grants(("alice", "PROJECT_WRITE"), ("bob", "PROJECT_READ"), ("carol", "PROJECT_WRITE"), ("dora", "PROJECT_ADMIN"), ("erin", "PROJECT_WRITE")),
        ),
        check_mode=check_mode,
    )

    assert result["changed"] is True
    assert [grant["name"] for grant in result["users"]] == ["alice", "bob", "carol", "dora", "erin"]
    http.assert_done()


def test_only_the_kinds_that_are_given_are_read(http, run_module):
    http.expect(get_groups(), put("groups", "PROJECT_READ", "auditors"))

    result = run_module(dict(project="PLAT", groups=grants(("auditors", "PROJECT_READ"))))

    assert result["changed"] is True
    assert result["groups"] == grants(("auditors", "PROJECT_READ"))
    assert result["diff"] == {"before": {"groups": []}, "after": {"groups": grants(("auditors", "PROJECT_READ"))}}
    assert "users" not in result
    assert "default_permission" not in result
    http.assert_done()


def test_nothing_given_makes_no_call(http, run_module):
    result = run_module(dict(project="PLAT"))

    assert result["changed"] is False
    assert http.calls == []


# -- update -------------------------------------------------------------------------------------


@CHECK_MODES
def test_update_promotes_and_demotes(http, run_module, check_mode):
    expect(
        http,
        [
            get_users(user("alice", "PROJECT_READ"), user("bob", "PROJECT_ADMIN"), user("carol", "PROJECT_WRITE")),
            get_groups(group("developers", "PROJECT_READ")),
            put("users", "PROJECT_WRITE", "alice", "bob"),
            put("groups", "PROJECT_ADMIN", "developers"),
        ],
        check_mode,
    )

    result = run_module(
        dict(
            project="PLAT",
            users=grants(("alice", "PROJECT_WRITE"), ("bob", "PROJECT_WRITE"), ("carol", "PROJECT_WRITE")),
            groups=grants(("developers", "PROJECT_ADMIN")),
        ),
        check_mode=check_mode,
    )

    assert result["changed"] is True
    assert result["diff"]["before"] == {
        "users": grants(("alice", "PROJECT_READ"), ("bob", "PROJECT_ADMIN"), ("carol", "PROJECT_WRITE")),
        "groups": grants(("developers", "PROJECT_READ")),
    }
    assert result["diff"]["after"] == {
        "users": grants(("alice", "PROJECT_WRITE"), ("bob", "PROJECT_WRITE"), ("carol", "PROJECT_WRITE")),
        "groups": grants(("developers", "PROJECT_ADMIN")),
    }
    assert result["users"] == result["diff"]["after"]["users"]
    http.assert_done()


# -- no-op --------------------------------------------------------------------------------------


@CHECK_MODES
def test_no_op_only_reads(http, run_module, check_mode):
    current_users = (user("alice", "PROJECT_WRITE"), user("bob", "PROJECT_READ"), user("carol", "PROJECT_ADMIN"))
    http.expect(get_users(*current_users), get_groups(group("developers", "PROJECT_WRITE")))

    result = run_module(
        dict(project="PLAT", users=grants(("bob", "PROJECT_READ"), ("alice", "PROJECT_WRITE")), groups=grants(("developers", "PROJECT_WRITE"))),
        check_mode=check_mode,
    )

    # Without purge, carol's grant is left alone and still reported.
    every_user = grants(("alice", "PROJECT_WRITE"), ("bob", "PROJECT_READ"), ("carol", "PROJECT_ADMIN"))
    assert result == {
        "changed": False,
        "users": every_user,
        "groups": grants(("developers", "PROJECT_WRITE")),
        "diff": {
            "before": {"users": every_user, "groups": grants(("developers", "PROJECT_WRITE"))},
            "after": {"users": every_user, "groups": grants(("developers", "PROJECT_WRITE"))},
        },
    }
    http.assert_done()


# -- exact, case-insensitive name matching -----------------------------------------------------


@CHECK_MODES
def test_a_name_is_not_matched_by_a_longer_name_that_contains_it(http, run_module, check_mode):
    # Bitbucket's filter is a substring match (API-MAP 1.5): "al" would find "alice". The module must not.
    expect(
        http,
        [get_users(user("alice", "PROJECT_WRITE"), user("sally", "PROJECT_READ")), put("users", "PROJECT_WRITE", "al"), bulk_revoke(users=["sally"])],
        check_mode,
    )

    result = run_module(
        dict(project="PLAT", users=grants(("al", "PROJECT_WRITE"), ("alice", "PROJECT_WRITE")), purge_users=True),
        check_mode=check_mode,
    )

    assert result["changed"] is True
    assert result["users"] == grants(("al", "PROJECT_WRITE"), ("alice", "PROJECT_WRITE"))
    http.assert_done()


@CHECK_MODES
def test_absent_does_not_revoke_a_longer_name(http, run_module, check_mode):
    http.expect(get_users(user("alice", "PROJECT_WRITE")), get_groups(group("dev-team", "PROJECT_READ")))

    result = run_module(dict(project="PLAT", users=[{"name": "al"}], groups=[{"name": "dev"}], state="absent"), check_mode=check_mode)

    assert result["changed"] is False
    assert result["users"] == grants(("alice", "PROJECT_WRITE"))
    assert result["groups"] == grants(("dev-team", "PROJECT_READ"))
    http.assert_done()


@CHECK_MODES
def test_names_match_without_regard_to_case(http, run_module, check_mode):
    http.expect(get_users(user("alice", "PROJECT_WRITE")), get_groups(group("Developers", "PROJECT_READ")))

    result = run_module(
        dict(project="PLAT", users=grants(("ALICE", "PROJECT_WRITE")), groups=grants(("developers", "PROJECT_READ")), purge_users=True, purge_groups=True),
        check_mode=check_mode,
    )

    assert result["changed"] is False
    http.assert_done()


def test_a_differently_cased_name_is_updated_not_granted_twice(http, run_module):
    http.expect(get_groups(group("Developers", "PROJECT_READ")), put("groups", "PROJECT_WRITE", "developers"))

    result = run_module(dict(project="PLAT", groups=grants(("developers", "PROJECT_WRITE")), purge_groups=True))

    # One grant for the group, none revoked: the purge saw "developers" as listed.
    assert result["changed"] is True
    assert len(result["groups"]) == 1
    assert result["groups"][0]["permission"] == "PROJECT_WRITE"
    http.assert_done()


# -- revoke (state=absent) ----------------------------------------------------------------------


@CHECK_MODES
def test_absent_revokes_the_listed_principals_in_one_request(http, run_module, check_mode):
    expect(
        http,
        [
            get_users(user("alice", "PROJECT_WRITE"), user("bob", "PROJECT_READ"), user("carol", "PROJECT_ADMIN")),
            get_groups(group("developers", "PROJECT_WRITE"), group("ops", "PROJECT_ADMIN")),
            bulk_revoke(users=["bob", "carol"], groups=["developers"]),
        ],
        check_mode,
    )

    result = run_module(
        # A permission given with state=absent is ignored.
        dict(project="PLAT", users=[{"name": "bob"}, {"name": "carol", "permission": "PROJECT_READ"}], groups=[{"name": "developers"}], state="absent"),
        check_mode=check_mode,
    )

    assert result == {
        "changed": True,
        "users": grants(("alice", "PROJECT_WRITE")),
        "groups": grants(("ops", "PROJECT_ADMIN")),
        "diff": {
            "before": {
                "users": grants(("alice", "PROJECT_WRITE"), ("bob", "PROJECT_READ"), ("carol", "PROJECT_ADMIN")),
                "groups": grants(("developers", "PROJECT_WRITE"), ("ops", "PROJECT_ADMIN")),
            },
            "after": {"users": grants(("alice", "PROJECT_WRITE")), "groups": grants(("ops", "PROJECT_ADMIN"))},
        },
    }
    http.assert_done()


@CHECK_MODES
def test_absent_for_principals_without_a_grant_only_reads(http, run_module, check_mode):
    http.expect(get_users(user("alice", "PROJECT_WRITE")), get_groups())

    result = run_module(dict(project="PLAT", users=[{"name": "zed"}], groups=[{"name": "ghosts"}], state="absent"), check_mode=check_mode)

    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]
    http.assert_done()


# -- purge --------------------------------------------------------------------------------------


@CHECK_MODES
def test_purge_revokes_every_unlisted_direct_grant_in_one_request(http, run_module, check_mode):
    expect(
        http,
        [
            get_users(user("alice", "PROJECT_READ"), user("bob", "PROJECT_READ"), user("carol", "PROJECT_ADMIN")),
            get_groups(group("developers", "PROJECT_WRITE"), group("ops", "PROJECT_ADMIN")),
            put("users", "PROJECT_WRITE", "alice"),
            put("groups", "PROJECT_READ", "auditors"),
            bulk_revoke(users=["bob", "carol"], groups=["developers", "ops"]),
        ],
        check_mode,
    )

    result = run_module(
        dict(project="PLAT", users=grants(("alice", "PROJECT_WRITE")), groups=grants(("auditors", "PROJECT_READ")), purge_users=True, purge_groups=True),
        check_mode=check_mode,
    )

    assert result["changed"] is True
    assert result["users"] == grants(("alice", "PROJECT_WRITE"))
    assert result["groups"] == grants(("auditors", "PROJECT_READ"))
    http.assert_done()


@CHECK_MODES
def test_purge_with_empty_lists_revokes_everything_of_that_kind(http, run_module, check_mode):
    expect(http, [get_groups(group("developers", "PROJECT_WRITE"), group("ops", "PROJECT_ADMIN")), bulk_revoke(groups=["developers", "ops"])], check_mode)

    result = run_module(dict(project="PLAT", purge_groups=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["groups"] == []
    assert result["diff"]["before"]["groups"] == grants(("developers", "PROJECT_WRITE"), ("ops", "PROJECT_ADMIN"))
    http.assert_done()


@CHECK_MODES
def test_purge_of_one_kind_leaves_the_other_alone(http, run_module, check_mode):
    expect(http, [get_users(user("alice", "PROJECT_READ"), user("bob", "PROJECT_READ")), bulk_revoke(users=["bob"])], check_mode)

    result = run_module(dict(project="PLAT", users=grants(("alice", "PROJECT_READ")), purge_users=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["users"] == grants(("alice", "PROJECT_READ"))
    http.assert_done()


@CHECK_MODES
def test_purge_when_only_listed_grants_exist_only_reads(http, run_module, check_mode):
    http.expect(get_users(user("alice", "PROJECT_READ")), get_groups(group("developers", "PROJECT_WRITE")))

    result = run_module(
        dict(project="PLAT", users=grants(("alice", "PROJECT_READ")), groups=grants(("developers", "PROJECT_WRITE")), purge_users=True, purge_groups=True),
        check_mode=check_mode,
    )

    assert result["changed"] is False
    http.assert_done()


# -- paging -------------------------------------------------------------------------------------


@CHECK_MODES
def test_grants_are_read_across_every_page(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", USERS, query=FIRST_PAGE, body=page([user("alice", "PROJECT_READ"), user("bob", "PROJECT_READ")], next_start=2)),
            # The next start comes from nextPageStart, not start + size (API-MAP 1.5).
            Call(
                "GET",
                USERS,
                query=[("start", 2), ("limit", 1000)],
                body=page([user("carol", "PROJECT_WRITE"), user("dora", "PROJECT_READ")], start=2, next_start=5),
            ),
            Call("GET", USERS, query=[("start", 5), ("limit", 1000)], body=page([user("erin", "PROJECT_ADMIN")], start=5)),
            bulk_revoke(users=["bob", "dora"]),
        ],
        check_mode,
    )

    result = run_module(
        dict(project="PLAT", users=grants(("alice", "PROJECT_READ"), ("carol", "PROJECT_WRITE"), ("erin", "PROJECT_ADMIN")), purge_users=True),
        check_mode=check_mode,
    )

    # carol and erin, on later pages, are found: no grant for them, and the purge revokes only bob and dora.
    assert result["changed"] is True
    assert result["users"] == grants(("alice", "PROJECT_READ"), ("carol", "PROJECT_WRITE"), ("erin", "PROJECT_ADMIN"))
    http.assert_done()


# -- default permission -------------------------------------------------------------------------


@CHECK_MODES
def test_set_a_default_permission(http, run_module, check_mode):
    expect(http, [*get_defaults(), set_default("PROJECT_READ", True)], check_mode)

    result = run_module(dict(project="PLAT", default_permission="PROJECT_READ"), check_mode=check_mode)

    # Only what the task manages is read, returned and diffed.
    assert result == {
        "changed": True,
        "default_permission": "PROJECT_READ",
        "diff": {"before": {"default_permission": "none"}, "after": {"default_permission": "PROJECT_READ"}},
    }
    http.assert_done()


@CHECK_MODES
def test_change_the_default_permission_allows_the_new_level_then_disallows_the_old(http, run_module, check_mode):
    expect(http, [*get_defaults("PROJECT_WRITE"), set_default("PROJECT_READ", True), set_default("PROJECT_WRITE", False)], check_mode)

    result = run_module(dict(project="PLAT", default_permission="PROJECT_READ"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["default_permission"] == "PROJECT_READ"
    assert result["diff"]["before"]["default_permission"] == "PROJECT_WRITE"
    http.assert_done()


@CHECK_MODES
def test_unset_the_default_permission(http, run_module, check_mode):
    expect(http, [*get_defaults("PROJECT_WRITE"), set_default("PROJECT_WRITE", False)], check_mode)

    result = run_module(dict(project="PLAT", default_permission="none"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["default_permission"] == "none"
    assert result["diff"]["before"]["default_permission"] == "PROJECT_WRITE"
    assert result["diff"]["after"]["default_permission"] == "none"
    http.assert_done()


@CHECK_MODES
@pytest.mark.parametrize(
    "wanted, permitted",
    [("none", ()), ("PROJECT_READ", ("PROJECT_READ",)), ("PROJECT_WRITE", ("PROJECT_WRITE",)), ("PROJECT_WRITE", ("PROJECT_READ", "PROJECT_WRITE"))],
)
def test_an_unchanged_default_permission_only_reads(http, run_module, check_mode, wanted, permitted):
    # The last case is a server that also reports the levels the default implies: the highest one counts.
    http.expect(*get_defaults(*permitted))

    result = run_module(dict(project="PLAT", default_permission=wanted), check_mode=check_mode)

    assert result["changed"] is False
    assert result["default_permission"] == wanted
    http.assert_done()


@CHECK_MODES
def test_lowering_a_default_that_implies_lower_levels_disallows_every_higher_level(http, run_module, check_mode):
    # A server that reports READ and WRITE permitted for a WRITE default (API-MAP 3.3 VERIFY): both readings are handled.
    expect(http, [*get_defaults("PROJECT_READ", "PROJECT_WRITE"), set_default("PROJECT_READ", True), set_default("PROJECT_WRITE", False)], check_mode)

    result = run_module(dict(project="PLAT", default_permission="PROJECT_READ"), check_mode=check_mode)

    assert result["changed"] is True
    http.assert_done()


@CHECK_MODES
def test_grants_purge_and_default_in_one_task(http, run_module, check_mode):
    expect(
        http,
        [
            get_users(user("bob", "PROJECT_READ")),
            get_groups(),
            *get_defaults(),
            put("users", "PROJECT_ADMIN", "alice"),
            put("groups", "PROJECT_WRITE", "developers"),
            bulk_revoke(users=["bob"]),
            set_default("PROJECT_WRITE", True),
        ],
        check_mode,
    )

    result = run_module(
        dict(
            project="PLAT",
            users=grants(("alice", "PROJECT_ADMIN")),
            groups=grants(("developers", "PROJECT_WRITE")),
            purge_users=True,
            default_permission="PROJECT_WRITE",
        ),
        check_mode=check_mode,
    )

    assert result["changed"] is True
    assert result["users"] == grants(("alice", "PROJECT_ADMIN"))
    assert result["default_permission"] == "PROJECT_WRITE"
    http.assert_done()


# -- bad input: refused before any request -------------------------------------------------------


@CHECK_MODES
@pytest.mark.parametrize(
    "params, option, words",
    [
        (dict(users=grants(("alice", "PROJECT_READ"), ("alice", "PROJECT_WRITE"))), "users", "alice' is listed more than once"),
        (dict(users=grants(("alice", "PROJECT_READ"), ("ALICE", "PROJECT_READ"))), "users", "alice' is listed more than once"),
        (dict(groups=grants(("devs", "PROJECT_READ"), ("Devs", "PROJECT_WRITE"))), "groups", "devs' is listed more than once"),
        (dict(users=[{"name": "bob"}, {"name": "Bob"}], state="absent"), "users", "bob' is listed more than once"),
    ],
    ids=["same-name", "same-name-other-case", "same-group-other-case", "duplicate-with-state-absent"],
)
def test_duplicate_names_are_refused_without_any_call(http, run_module, check_mode, params, option, words):
    result = run_module(dict(project="PLAT", **params), check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert result["msg"].startswith("Invalid value for option '%s'" % option)
    assert words in result["msg"].lower()
    assert http.calls == []


@CHECK_MODES
@pytest.mark.parametrize(
    "params, option, words",
    [
        (dict(users=[{"name": "alice"}]), "users", "'alice' needs a permission with state=present"),
        (dict(groups=[{"name": "developers"}]), "groups", "'developers' needs a permission with state=present"),
        (dict(users=grants(("", "PROJECT_READ"))), "users", "empty name"),
        (dict(groups=grants(("  ", "PROJECT_READ"))), "groups", "empty name"),
        (dict(users=[{"name": "alice"}], purge_users=True, state="absent"), "purge_users", "only with state=present"),
        (dict(groups=[{"name": "devs"}], purge_groups=True, state="absent"), "purge_groups", "only with state=present"),
        (dict(default_permission="none", state="absent"), "default_permission", "only with state=present"),
    ],
)
def test_bad_input_is_refused_without_any_call(http, run_module, check_mode, params, option, words):
    result = run_module(dict(project="PLAT", **params), check_mode=check_mode)

    assert result["failed"] is True
    assert result["changed"] is False
    assert result["invalid_option"] == option
    assert result["msg"].startswith("Invalid value for option '%s'" % option)
    assert words in result["msg"]
    assert http.calls == []


# -- the caller's own access ----------------------------------------------------------------------


@CHECK_MODES
def test_lowering_the_callers_own_grant_is_refused_before_any_write(http, run_module, check_mode):
    http.expect(get_users(user(CALLER, "PROJECT_ADMIN"), user("alice", "PROJECT_READ")), caller_is_global_admin(False))

    result = run_module(dict(project="PLAT", users=grants(("alice", "PROJECT_ADMIN"), (CALLER, "PROJECT_WRITE"))), check_mode=check_mode, username=CALLER)

    assert result["failed"] is True
    assert result["invalid_option"] == "users"
    assert "lower the permission of automation, the user running the task, on project PLAT from PROJECT_ADMIN to PROJECT_WRITE" in result["msg"]
    assert "nothing else (a global ADMIN or SYS_ADMIN permission) gives it that level" in result["msg"]
    assert "nothing was changed" in result["msg"]
    assert writes(http) == []
    http.assert_done()


@CHECK_MODES
def test_purging_the_callers_own_grant_is_refused_before_any_write(http, run_module, check_mode):
    http.expect(get_users(user(CALLER, "PROJECT_ADMIN"), user("bob", "PROJECT_READ")), caller_is_global_admin(False))

    result = run_module(dict(project="PLAT", users=grants(("alice", "PROJECT_ADMIN")), purge_users=True), check_mode=check_mode, username=CALLER)

    assert result["failed"] is True
    assert result["invalid_option"] == "users"
    assert "revoke the PROJECT_ADMIN grant of automation, the user running the task, on project PLAT" in result["msg"]
    assert "List automation in users with PROJECT_ADMIN" in result["msg"]
    assert writes(http) == []
    http.assert_done()


@CHECK_MODES
def test_revoking_the_callers_own_grant_is_refused_before_any_write(http, run_module, check_mode):
    # The user name is matched without regard to case here too.
    http.expect(get_users(user("Automation", "PROJECT_WRITE"), user("bob", "PROJECT_READ")), caller_is_global_admin(False))

    result = run_module(dict(project="PLAT", users=[{"name": "bob"}, {"name": "AUTOMATION"}], state="absent"), check_mode=check_mode, username=CALLER)

    assert result["failed"] is True
    assert "revoke the PROJECT_WRITE grant of automation" in result["msg"]
    assert writes(http) == []
    http.assert_done()


@CHECK_MODES
def test_a_global_administrator_may_purge_its_own_grant(http, run_module, check_mode):
    # The defect: a system administrator creates a project (Bitbucket grants it PROJECT_ADMIN on it)
    # and then purges that grant. Seed 004 allows it, because ADMIN already implies PROJECT_ADMIN.
    expect(
        http,
        [
            get_users(user(CALLER, "PROJECT_ADMIN"), user("bob", "PROJECT_READ")),
            caller_is_global_admin(True),
            put("users", "PROJECT_ADMIN", "alice"),
            bulk_revoke(users=[CALLER, "bob"]),
        ],
        check_mode,
    )

    result = run_module(dict(project="PLAT", users=grants(("alice", "PROJECT_ADMIN")), purge_users=True), check_mode=check_mode, username=CALLER)

    assert result["changed"] is True
    assert result["users"] == grants(("alice", "PROJECT_ADMIN"))
    http.assert_done()


@CHECK_MODES
def test_a_global_administrator_may_lower_its_own_grant(http, run_module, check_mode):
    expect(http, [get_users(user(CALLER, "PROJECT_ADMIN")), caller_is_global_admin(True), put("users", "PROJECT_READ", CALLER)], check_mode)

    result = run_module(dict(project="PLAT", users=grants((CALLER, "PROJECT_READ"))), check_mode=check_mode, username=CALLER)

    assert result["changed"] is True
    assert result["users"] == grants((CALLER, "PROJECT_READ"))
    http.assert_done()


def test_the_global_permission_is_asked_only_when_the_plan_touches_the_callers_grant(http, run_module):
    http.expect(get_users(user(CALLER, "PROJECT_ADMIN"), user("bob", "PROJECT_READ")), put("users", "PROJECT_WRITE", "bob"))

    result = run_module(dict(project="PLAT", users=grants(("bob", "PROJECT_WRITE"))), username=CALLER)

    assert result["changed"] is True
    http.assert_done()


@CHECK_MODES
def test_the_caller_listed_at_its_level_is_kept_while_others_are_purged(http, run_module, check_mode):
    expect(
        http,
        [get_users(user(CALLER, "PROJECT_ADMIN"), user("bob", "PROJECT_READ")), put("users", "PROJECT_WRITE", "alice"), bulk_revoke(users=["bob"])],
        check_mode,
    )

    result = run_module(
        dict(project="PLAT", users=grants((CALLER, "PROJECT_ADMIN"), ("alice", "PROJECT_WRITE")), purge_users=True), check_mode=check_mode, username=CALLER
    )

    assert result["changed"] is True
    assert result["users"] == grants(("alice", "PROJECT_WRITE"), (CALLER, "PROJECT_ADMIN"))
    http.assert_done()


@CHECK_MODES
def test_raising_the_callers_own_grant_is_allowed(http, run_module, check_mode):
    expect(http, [get_users(user(CALLER, "PROJECT_WRITE")), put("users", "PROJECT_ADMIN", CALLER)], check_mode)

    result = run_module(dict(project="PLAT", users=grants((CALLER, "PROJECT_ADMIN"))), check_mode=check_mode, username=CALLER)

    assert result["changed"] is True
    assert result["users"] == grants((CALLER, "PROJECT_ADMIN"))
    http.assert_done()


def test_a_caller_without_a_direct_grant_may_purge(http, run_module):
    # A global administrator has no direct grant to protect.
    http.expect(get_users(user("bob", "PROJECT_READ")), bulk_revoke(users=["bob"]))

    result = run_module(dict(project="PLAT", purge_users=True), username=CALLER)

    assert result["changed"] is True
    assert result["users"] == []
    http.assert_done()


def test_with_a_token_the_servers_refusal_to_lower_the_caller_is_explained(http, run_module):
    http.expect(
        get_users(user("lead", "PROJECT_ADMIN")),
        put("users", "PROJECT_READ", "lead", status=403, body=errors(SELF_LOWERING_PUT, "com.atlassian.bitbucket.permission.PermissionException")),
    )

    result = run_module(dict(project="PLAT", users=grants(("lead", "PROJECT_READ"))))

    assert result["failed"] is True
    assert result["changed"] is False
    assert result["http_method"] == "PUT"
    assert result["http_path"] == USERS
    assert result["http_status"] == 403
    assert result["server_message"] == SELF_LOWERING_PUT
    assert result["msg"].startswith("PUT %s: HTTP 403: %s" % (USERS, SELF_LOWERING_PUT))
    assert "refuses to lower or remove the permission of the user running the task on project PLAT" in result["msg"]
    assert "another administrator" in result["msg"]
    http.assert_done()


def test_with_a_token_the_servers_refusal_to_revoke_the_caller_is_explained(http, run_module):
    message = "The action was disallowed as it would reduce your own permission level on this project."
    http.expect(
        get_users(user("lead", "PROJECT_ADMIN"), user("bob", "PROJECT_READ")),
        bulk_revoke(users=["lead", "bob"], status=409, body=errors(message, "com.atlassian.bitbucket.IntegrityException")),
    )

    result = run_module(dict(project="PLAT", purge_users=True))

    assert result["failed"] is True
    assert result["http_method"] == "DELETE"
    assert result["http_path"] == BASE
    assert result["http_status"] == 409
    assert result["msg"].startswith("DELETE %s: HTTP 409: %s" % (BASE, message))
    assert "refuses to lower or remove the permission of the user running the task" in result["msg"]
    http.assert_done()


# -- bulk revoke fallback -----------------------------------------------------------------------


def test_a_bulk_revoke_answered_404_falls_back_to_one_request_per_principal(http, run_module):
    # API-MAP 3.3: the bulk DELETE answers 404 when any listed principal no longer exists.
    http.expect(
        get_users(user("alice", "PROJECT_READ"), user("bob", "PROJECT_READ"), user("gone", "PROJECT_WRITE")),
        get_groups(group("old-team", "PROJECT_READ")),
        bulk_revoke(users=["bob", "gone"], groups=["old-team"], status=404, body=errors("User gone does not exist.", "NoSuchUserException")),
        Call("DELETE", USERS, query=[("name", "bob")], status=204),
        Call("DELETE", USERS, query=[("name", "gone")], status=404, body=errors("User gone does not exist.")),
        Call("DELETE", GROUPS, query=[("name", "old-team")], status=204),
    )

    result = run_module(dict(project="PLAT", users=grants(("alice", "PROJECT_READ")), purge_users=True, purge_groups=True))

    assert "failed" not in result
    assert result["changed"] is True
    assert result["users"] == grants(("alice", "PROJECT_READ"))
    assert result["groups"] == []
    http.assert_done()


def test_a_refusal_during_the_per_principal_fallback_is_explained(http, run_module):
    message = "The action was disallowed as it would reduce your own permission level on this project."
    http.expect(
        get_users(user("lead", "PROJECT_ADMIN"), user("gone", "PROJECT_READ")),
        bulk_revoke(users=["lead", "gone"], status=404, body=errors("User gone does not exist.")),
        Call("DELETE", USERS, query=[("name", "lead")], status=409, body=errors(message)),
    )

    result = run_module(dict(project="PLAT", purge_users=True))

    assert result["failed"] is True
    assert result["http_status"] == 409
    assert result["http_path"] == USERS
    assert "refuses to lower or remove the permission" in result["msg"]
    http.assert_done()


def test_a_bulk_revoke_failing_otherwise_is_reported_without_fallback(http, run_module):
    http.expect(get_users(user("bob", "PROJECT_READ")), bulk_revoke(users=["bob"], status=400, body=errors("No users or groups were provided.")))

    result = run_module(dict(project="PLAT", purge_users=True))

    assert result["failed"] is True
    assert result["http_status"] == 400
    assert result["msg"] == "DELETE %s: HTTP 400: No users or groups were provided." % BASE
    http.assert_done()


# -- API failures -------------------------------------------------------------------------------


@CHECK_MODES
def test_a_missing_project_is_reported_with_method_path_status_and_message(http, run_module, check_mode):
    path = "/rest/api/latest/projects/NOPE/permissions/users"
    http.expect(Call("GET", path, query=FIRST_PAGE, status=404, body=errors("Project NOPE does not exist.", "NoSuchProjectException")))

    result = run_module(dict(project="NOPE", users=grants(("alice", "PROJECT_READ"))), check_mode=check_mode)

    assert result == {
        "failed": True,
        "changed": False,
        "msg": "GET %s: HTTP 404: Project NOPE does not exist." % path,
        "http_method": "GET",
        "http_path": path,
        "http_status": 404,
        "server_message": "Project NOPE does not exist.",
    }
    http.assert_done()


def test_granting_an_unknown_user_reports_the_servers_answer(http, run_module):
    http.expect(get_users(), put("users", "PROJECT_READ", "nobody", status=404, body=errors("User nobody does not exist.", "NoSuchUserException")))

    result = run_module(dict(project="PLAT", users=grants(("nobody", "PROJECT_READ"))))

    assert result["failed"] is True
    assert result["msg"] == "PUT %s: HTTP 404: User nobody does not exist." % USERS
    assert result["http_status"] == 404
    http.assert_done()


def test_a_grant_retried_after_a_gateway_error_converges(http, run_module, sleeps):
    http.expect(get_users(), put("users", "PROJECT_READ", "alice", status=502), put("users", "PROJECT_READ", "alice"))

    result = run_module(dict(project="PLAT", users=grants(("alice", "PROJECT_READ"))))

    assert result["changed"] is True
    assert sleeps == [0.5]
    http.assert_done()


def test_a_project_key_is_one_url_segment(http, run_module):
    path = "/rest/api/latest/projects/~ALICE/permissions/users"
    http.expect(Call("GET", path, query=FIRST_PAGE, body=page([])), Call("PUT", path, query=[("permission", "PROJECT_READ"), ("name", "bob")], status=204))

    result = run_module(dict(project="~ALICE", users=grants(("bob", "PROJECT_READ"))))

    assert result["changed"] is True
    http.assert_done()


def test_the_trace_at_verbosity_3_lists_every_call(http, run_module):
    http.expect(get_users(user("bob", "PROJECT_READ")), put("users", "PROJECT_WRITE", "alice"), bulk_revoke(users=["bob"]))

    result = run_module(dict(project="PLAT", users=grants(("alice", "PROJECT_WRITE")), purge_users=True), verbosity=3)

    assert [(entry["method"], entry["path"], entry["status"]) for entry in result["http_trace"]] == [
        ("GET", USERS, 200),
        ("PUT", USERS, 204),
        ("DELETE", BASE, 204),
    ]
    http.assert_done()


# -- main(): the ordinary module path through AnsibleModule ------------------------------------


run_main = functools.partial(main_of, bitbucket_project_permission)


def test_main_in_check_mode_reads_only(monkeypatch, capsys, http):
    http.expect(get_users(user("bob", "PROJECT_READ")))

    code, output = run_main(
        monkeypatch,
        capsys,
        http,
        dict(
            url=BASE_URL,
            username=CALLER,
            password="s3cret-pw",
            project="PLAT",
            users=[{"name": "alice", "permission": "PROJECT_WRITE"}],
            purge_users=True,
            _ansible_check_mode=True,
            _ansible_diff=True,
        ),
    )

    assert code == 0
    assert output["changed"] is True
    assert output["users"] == grants(("alice", "PROJECT_WRITE"))
    assert output["diff"]["before"]["users"] == grants(("bob", "PROJECT_READ"))
    assert http.auth == (CALLER, "s3cret-pw")
    assert "s3cret-pw" not in json.dumps(output)
    http.assert_done()


@pytest.mark.parametrize(
    "args, words",
    [
        (dict(users=[{"name": "alice", "permission": "REPO_READ"}]), "permission"),
        (dict(default_permission="PROJECT_ADMIN"), "default_permission"),
        (dict(users=[{"permission": "PROJECT_READ"}]), "name"),
        (dict(users=[{"name": "alice", "permission": "PROJECT_READ", "colour": "blue"}]), "colour"),
        (dict(state="gone"), "state"),
    ],
)
def test_main_refuses_invalid_options_without_any_call(monkeypatch, capsys, http, args, words):
    code, output = run_main(monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token", project="PLAT", **args))

    assert code == 1
    assert output["failed"] is True
    assert words in output["msg"]
    assert "Traceback" not in json.dumps(output)
    assert http.calls == []


def test_main_reports_an_api_failure_with_its_details(monkeypatch, capsys, http):
    http.expect(Call("GET", USERS, query=FIRST_PAGE, status=401, body=errors("You are not permitted to access this resource")))

    code, output = run_main(
        monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token", project="PLAT", users=[{"name": "a", "permission": "PROJECT_READ"}])
    )

    assert code == 1
    assert output["http_method"] == "GET"
    assert output["http_path"] == USERS
    assert output["http_status"] == 401
    assert "missing permissions" in output["msg"]
    http.assert_done()


# -- a write answered 5xx may have landed: read again, finish only what is left -------------------


def test_a_revoke_that_landed_behind_a_500_is_not_repeated(http, run_module):
    http.expect(
        get_users(user("alice", "PROJECT_READ"), user("bob", "PROJECT_WRITE")),
        bulk_revoke(users=["bob"], status=500, body=errors("the change was applied but the response failed")),
        # Read again: bob is gone, so nothing is left to do.
        get_users(user("alice", "PROJECT_READ")),
    )

    result = run_module(dict(project="PLAT", users=[{"name": "bob"}], state="absent"))

    assert "failed" not in result
    assert result["changed"] is True
    assert result["users"] == grants(("alice", "PROJECT_READ"))
    http.assert_done()


def test_a_grant_that_did_not_land_behind_a_500_is_made_once_more(http, run_module):
    http.expect(
        get_users(),
        get_groups(),
        put("users", "PROJECT_WRITE", "alice", status=500, body=errors("boom")),
        # Read again: alice has no grant yet, the group grant was never sent; both are made now.
        get_users(),
        get_groups(),
        put("users", "PROJECT_WRITE", "alice"),
        put("groups", "PROJECT_READ", "devs"),
    )

    result = run_module(
        dict(project="PLAT", users=[{"name": "alice", "permission": "PROJECT_WRITE"}], groups=[{"name": "devs", "permission": "PROJECT_READ"}])
    )

    assert "failed" not in result
    assert result["changed"] is True
    http.assert_done()


def test_a_write_that_fails_every_attempt_is_reported(http, run_module):
    failing = put("users", "PROJECT_WRITE", "alice", status=500, body=errors("still broken"))
    # Five attempts (WRITE_ATTEMPTS), each failure followed by a read that shows the grant still missing.
    http.expect(get_users(), *[failing, get_users()] * 5)

    result = run_module(dict(project="PLAT", users=[{"name": "alice", "permission": "PROJECT_WRITE"}]))

    assert result["failed"] is True
    assert result["http_status"] == 500
    assert "still broken" in result["msg"]
    http.assert_done()


def test_main_names_the_option_when_a_list_of_grants_holds_a_string(monkeypatch, capsys, http):
    # Ansible's first validation error here is a NoLogError that names no option; the message is the next one.
    code, output = main_of(
        bitbucket_project_permission, monkeypatch, capsys, http,
        {"url": BASE_URL, "token": "t0ken", "project": "PLAT", "users": ["alice"]},
    )

    assert code == 1
    assert "Elements value for option 'users'" in output["msg"]
    assert http.calls == []
