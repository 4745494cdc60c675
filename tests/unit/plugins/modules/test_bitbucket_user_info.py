"""bitbucket_user_info and bitbucket_group_info: the exact reads of each selection, every page."""

from __future__ import annotations

import functools

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_group_info, bitbucket_user_info
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, Call
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.modules.identity_calls import (
    ADMIN_GROUPS,
    ADMIN_USERS,
    API,
    PAGE,
    detailed_user,
    every_group,
    find_group,
    find_user,
    group,
    groups_not_of,
    members_of,
    page,
)


def basic_user(name):
    """A RestApplicationUser, as the user directory (GET /api/latest/users) lists it."""
    user = detailed_user(name)
    return {key: user[key] for key in ("name", "emailAddress", "active", "displayName", "id", "slug", "type")}


@pytest.fixture
def run_info(http, make_context):
    def runner(module, params):
        context = make_context(module.MODULE_SPEC, params, check_mode=True)
        result = execute(module.run, context)
        assert all(call.method == "GET" for call in http.calls)
        return result

    return runner


# -- users --------------------------------------------------------------------------------------


def test_one_user_by_name_is_matched_exactly(http, run_info):
    http.expect(find_user("al", detailed_user("alice"), detailed_user("al")))

    result = run_info(bitbucket_user_info, dict(name="al"))

    assert result == {"changed": False, "users": [detailed_user("al")]}
    http.assert_done()


def test_a_missing_user_is_an_empty_list(http, run_info):
    http.expect(find_user("ghost", detailed_user("ghostwriter")))

    assert run_info(bitbucket_user_info, dict(name="ghost")) == {"changed": False, "users": []}
    http.assert_done()


def test_one_user_by_slug(http, run_info):
    http.expect(Call("GET", API + "/users/jane.doe_corp", body=basic_user("Jane.Doe@corp")))

    result = run_info(bitbucket_user_info, dict(slug="jane.doe_corp"))

    assert [user["name"] for user in result["users"]] == ["Jane.Doe@corp"]
    http.assert_done()


def test_a_missing_slug_is_an_empty_list(http, run_info):
    missing = {"errors": [{"context": None, "message": "User ghost does not exist.", "exceptionName": None}]}
    http.expect(Call("GET", API + "/users/ghost", status=404, body=missing))

    assert run_info(bitbucket_user_info, dict(slug="ghost"))["users"] == []
    http.assert_done()


def test_every_user_every_page(http, run_info):
    http.expect(
        Call("GET", ADMIN_USERS, query=dict(PAGE), body=page([detailed_user("admin"), detailed_user("alice")], next_start=2)),
        Call("GET", ADMIN_USERS, query={"start": 2, "limit": 1000}, body=page([detailed_user("bob")], start=2)),
    )

    result = run_info(bitbucket_user_info, {})

    assert [user["name"] for user in result["users"]] == ["admin", "alice", "bob"]
    http.assert_done()


def test_a_filter_uses_bitbuckets_substring_match(http, run_info):
    http.expect(Call("GET", ADMIN_USERS, query=dict(PAGE, filter="ali"), body=page([detailed_user("alice"), detailed_user("kalinda")])))

    result = run_info(bitbucket_user_info, dict(filter="ali"))

    assert [user["name"] for user in result["users"]] == ["alice", "kalinda"]
    http.assert_done()


@pytest.mark.parametrize(
    "params, query",
    [
        (dict(group="devs"), [("group", "devs")]),
        (dict(group="devs", filter="a"), [("filter", "a"), ("group", "devs")]),
        (dict(permission="ADMIN"), [("permission", "ADMIN")]),
        (dict(permission="PROJECT_WRITE", project="PLAT"), [("permission", "PROJECT_WRITE"), ("permission.projectKey", "PLAT")]),
        (
            dict(permission="REPO_ADMIN", project="PLAT", repository="app"),
            [("permission", "REPO_ADMIN"), ("permission.projectKey", "PLAT"), ("permission.repositorySlug", "app")],
        ),
    ],
)
def test_group_and_permission_filters_use_the_user_directory(http, run_info, params, query):
    http.expect(Call("GET", API + "/users", query=query + [("start", 0), ("limit", 1000)], body=page([basic_user("alice")])))

    result = run_info(bitbucket_user_info, params)

    assert result["users"] == [basic_user("alice")]
    http.assert_done()


@pytest.mark.parametrize(
    "params, option",
    [
        (dict(permission="PROJECT_READ"), "project"),
        (dict(permission="REPO_READ", project="PLAT"), "repository"),
        (dict(permission="ADMIN", project="PLAT"), "project"),
        (dict(permission="PROJECT_READ", project="PLAT", repository="app"), "repository"),
    ],
)
def test_incomplete_permission_filters_fail_before_any_request(http, run_info, params, option):
    result = run_info(bitbucket_user_info, params)

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert http.calls == []


def test_groups_on_request_one_read_per_user(http, run_info):
    http.expect(
        Call("GET", ADMIN_USERS, query=dict(PAGE, filter="a"), body=page([detailed_user("alice"), detailed_user("dave")])),
        every_group("devs", "ops", "stash-users"),
        groups_not_of("alice", "ops"),
        groups_not_of("dave", "devs", "ops", "stash-users"),
    )

    result = run_info(bitbucket_user_info, dict(filter="a", include_groups=True))

    assert [(user["name"], user["groups"]) for user in result["users"]] == [("alice", ["devs", "stash-users"]), ("dave", [])]
    http.assert_done()


def test_groups_on_request_one_read_per_group_when_groups_are_fewer(http, run_info):
    http.expect(
        Call("GET", ADMIN_USERS, query=dict(PAGE), body=page([detailed_user(name) for name in ("admin", "alice", "bob")])),
        every_group("devs", "stash-users"),
        members_of("devs", detailed_user("bob"), detailed_user("zed")),
        members_of("stash-users", detailed_user("admin"), detailed_user("Bob")),
    )

    result = run_info(bitbucket_user_info, dict(include_groups=True))

    assert {user["name"]: user["groups"] for user in result["users"]} == {"admin": ["stash-users"], "alice": [], "bob": ["devs", "stash-users"]}
    http.assert_done()


def test_no_users_no_membership_reads(http, run_info):
    http.expect(find_user("ghost"))

    assert run_info(bitbucket_user_info, dict(name="ghost", include_groups=True))["users"] == []
    http.assert_done()


def test_main_refuses_two_selections(monkeypatch, capsys, http):
    code, output = functools.partial(main_of, bitbucket_user_info)(monkeypatch, capsys, http, dict(url=BASE_URL, token="t0k3n-value", name="a", slug="a"))

    assert code == 1
    assert "mutually exclusive" in output["msg"]
    assert http.calls == []


# -- groups -------------------------------------------------------------------------------------


def test_one_group_by_name_is_matched_exactly(http, run_info):
    http.expect(find_group("dev", "devs", "dev"))

    assert run_info(bitbucket_group_info, dict(name="dev")) == {"changed": False, "groups": [group("dev")]}
    http.assert_done()


def test_every_group_every_page_with_members(http, run_info):
    http.expect(
        Call("GET", ADMIN_GROUPS, query=dict(PAGE), body=page([group("devs")], next_start=1)),
        Call("GET", ADMIN_GROUPS, query={"start": 1, "limit": 1000}, body=page([group("ops")], start=1)),
        members_of("devs", detailed_user("bob"), detailed_user("Alice")),
        members_of("ops"),
    )

    result = run_info(bitbucket_group_info, dict(include_members=True))

    assert result["groups"] == [dict(group("devs"), members=["Alice", "bob"]), dict(group("ops"), members=[])]
    http.assert_done()


def test_groups_filtered(http, run_info):
    http.expect(Call("GET", ADMIN_GROUPS, query=dict(PAGE, filter="dev"), body=page([group("devs"), group("web-dev")])))

    result = run_info(bitbucket_group_info, dict(filter="dev"))

    assert [g["name"] for g in result["groups"]] == ["devs", "web-dev"]
    http.assert_done()


def test_a_missing_group_is_an_empty_list(http, run_info):
    http.expect(find_group("ghosts"))

    assert run_info(bitbucket_group_info, dict(name="ghosts", include_members=True))["groups"] == []
    http.assert_done()


def test_the_user_directory_as_a_bare_list_is_accepted_too(http, run_info):
    # API-MAP section 7 #17: the 9.4 document declares GET /api/latest/users as one RestApplicationUser; servers
    # answer a standard page. A JSON array is taken as the whole answer as well (API-MAP 1.5 "bare list").
    http.expect(Call("GET", API + "/users", query=[("group", "devs"), ("start", 0), ("limit", 1000)], body=[basic_user("alice"), basic_user("bob")]))

    result = run_info(bitbucket_user_info, dict(group="devs"))

    assert [user["name"] for user in result["users"]] == ["alice", "bob"]
    http.assert_done()
