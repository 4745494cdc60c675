"""bitbucket_group: the exact HTTP calls of every scenario, in order, each also in check mode.

API-MAP section 8 bitbucket_group: GET /admin/groups?filter= (exact match made here), POST /admin/groups?name=
(200 with the group), DELETE /admin/groups?name= (200 with the deleted group); members read through
/admin/groups/more-members?context=, added with add-users (one request), removed with /admin/users/remove-group.
"""

from __future__ import annotations

import functools
import json

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_group
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_group import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, Call
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.modules.identity_calls import (
    ADMIN_GROUPS,
    CHECK_MODES,
    add_users,
    after_write,
    detailed_user,
    errors,
    expect,
    find_group,
    group,
    ldap_user,
    members_of,
    remove_group,
    writes,
)

CALLER = "automation"


@pytest.fixture
def run_module(http, make_context):
    def runner(params, check_mode=False, diff=True, username=None):
        context = make_context(MODULE_SPEC, params, check_mode=check_mode, diff=diff)
        if username is not None:
            context.params.update(token=None, username=username, password="Automation-pw-1")
        result = execute(run, context)
        assert http.closed or not http.calls, "the session of the run was not closed"
        return result

    return runner


def create(name):
    return Call("POST", ADMIN_GROUPS, query=[("name", name)], body=group(name))


def delete(name, **answer):
    answer.setdefault("body", group(name))
    return Call("DELETE", ADMIN_GROUPS, query=[("name", name)], **answer)


# -- create -------------------------------------------------------------------------------------


@CHECK_MODES
def test_create(http, run_module, check_mode):
    expect(http, [find_group("devs"), create("devs")], check_mode)

    result = run_module(dict(name="devs"), check_mode=check_mode)

    assert result == {"changed": True, "group": group("devs"), "diff": {"before": {}, "after": {"name": "devs"}}}
    http.assert_done()


@CHECK_MODES
def test_create_with_members_adds_them_in_one_request_without_reading_the_new_group(http, run_module, check_mode):
    expect(http, [find_group("devs"), create("devs"), add_users("devs", "bob", "alice")], check_mode)

    result = run_module(dict(name="devs", members=["bob", "alice"]), check_mode=check_mode)

    assert result["changed"] is True
    assert result["members"] == ["alice", "bob"]
    assert result["diff"] == {"before": {}, "after": {"name": "devs", "members": ["alice", "bob"]}}
    http.assert_done()


def test_a_group_created_meanwhile_is_converged_on(http, run_module):
    http.expect(
        find_group("devs"),
        Call("POST", ADMIN_GROUPS, query=[("name", "devs")], status=409, body=errors("A group named devs already exists.")),
        find_group("devs", "devs"),
    )

    result = run_module(dict(name="devs"))

    assert "failed" not in result
    assert result["changed"] is True
    assert result["group"]["name"] == "devs"
    http.assert_done()


def test_a_create_whose_answer_was_lost_is_not_repeated(http, run_module):
    http.expect(
        find_group("devs"),
        Call("POST", ADMIN_GROUPS, query=[("name", "devs")], status=500, body=errors("applied, answer lost")),
        find_group("devs", "devs"),
    )

    result = run_module(dict(name="devs"))

    assert "failed" not in result
    assert result["group"] == group("devs")
    assert [call.method for call in http.calls].count("POST") == 1
    http.assert_done()


# -- members ------------------------------------------------------------------------------------


@CHECK_MODES
def test_no_op_only_reads(http, run_module, check_mode):
    http.expect(find_group("DEVS", "devs"), members_of("devs", detailed_user("alice"), detailed_user("bob")))

    result = run_module(dict(name="DEVS", members=["ALICE"]), check_mode=check_mode)

    assert result == {
        "changed": False,
        "group": group("devs"),
        "members": ["alice", "bob"],
        "diff": {"before": {"name": "devs", "members": ["alice", "bob"]}, "after": {"name": "devs", "members": ["alice", "bob"]}},
    }
    http.assert_done()


@CHECK_MODES
def test_members_are_added_and_others_kept(http, run_module, check_mode):
    expect(http, [find_group("devs", "devs"), members_of("devs", detailed_user("bob")), add_users("devs", "alice", "carol")], check_mode)

    result = run_module(dict(name="devs", members=["alice", "bob", "carol"]), check_mode=check_mode)

    assert result["changed"] is True
    assert result["members"] == ["alice", "bob", "carol"]
    assert result["diff"]["before"]["members"] == ["bob"]
    http.assert_done()


@CHECK_MODES
def test_purge_members_removes_every_unlisted_member(http, run_module, check_mode):
    expect(
        http,
        [
            find_group("devs", "devs"),
            members_of("devs", detailed_user("alice"), detailed_user("bob"), detailed_user("carol")),
            add_users("devs", "dora"),
            remove_group("bob", "devs"),
            remove_group("carol", "devs"),
        ],
        check_mode,
    )

    result = run_module(dict(name="devs", members=["alice", "dora"], purge_members=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["members"] == ["alice", "dora"]
    http.assert_done()


@CHECK_MODES
def test_purge_without_members_empties_the_group(http, run_module, check_mode):
    expect(http, [find_group("devs", "devs"), members_of("devs", detailed_user("alice")), remove_group("alice", "devs")], check_mode)

    result = run_module(dict(name="devs", purge_members=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["members"] == []
    http.assert_done()


def test_members_are_only_read_when_managed(http, run_module):
    http.expect(find_group("devs", "devs"))

    result = run_module(dict(name="devs"))

    assert result == {"changed": False, "group": group("devs"), "diff": {"before": {"name": "devs"}, "after": {"name": "devs"}}}
    http.assert_done()


def test_a_group_name_is_matched_exactly(http, run_module):
    http.expect(find_group("dev", "devs", "web-dev-team"), create("dev"))

    result = run_module(dict(name="dev"))

    assert result["changed"] is True
    http.assert_done()


@CHECK_MODES
def test_removing_the_caller_is_refused(http, run_module, check_mode):
    http.expect(find_group("admins", "admins"), members_of("admins", detailed_user(CALLER), detailed_user("bob")))

    result = run_module(dict(name="admins", members=["bob"], purge_members=True), check_mode=check_mode, username=CALLER)

    assert result["failed"] is True
    assert result["invalid_option"] == "purge_members"
    assert "removes automation, the user running the task, from admins" in result["msg"]
    assert "set force=true" in result["msg"]
    assert writes(http) == []
    http.assert_done()


@CHECK_MODES
def test_removing_the_caller_is_done_when_forced(http, run_module, check_mode):
    expect(http, [find_group("admins", "admins"), members_of("admins", detailed_user(CALLER)), remove_group(CALLER, "admins")], check_mode)

    result = run_module(dict(name="admins", purge_members=True, force=True), check_mode=check_mode, username=CALLER)

    assert result["changed"] is True
    assert result["members"] == []
    http.assert_done()


@CHECK_MODES
def test_removing_a_read_only_directory_user_is_refused_naming_the_directory(http, run_module, check_mode):
    http.expect(find_group("devs", "devs"), members_of("devs", ldap_user("lee"), detailed_user("alice")))

    result = run_module(dict(name="devs", members=["alice"], purge_members=True), check_mode=check_mode)

    assert result["failed"] is True
    assert "The group memberships of lee come from the read-only directory Corporate LDAP" in result["msg"]
    assert writes(http) == []
    http.assert_done()


def test_an_unknown_member_is_reported_with_bitbuckets_answer(http, run_module):
    http.expect(find_group("devs", "devs"), members_of("devs"), add_users("devs", "ghost", status=404, body=errors("User ghost does not exist.")))

    result = run_module(dict(name="devs", members=["ghost"]))

    assert result["failed"] is True
    assert result["http_status"] == 404
    assert result["msg"] == "POST /rest/api/latest/admin/groups/add-users: HTTP 404: User ghost does not exist."
    http.assert_done()


def test_a_refused_addition_is_explained(http, run_module):
    message = "Adding carol to devs would exceed the server's licensing limit."
    http.expect(find_group("devs", "devs"), members_of("devs"), add_users("devs", "carol", status=403, body=errors(message)))

    result = run_module(dict(name="devs", members=["carol"]))

    assert result["failed"] is True
    assert result["server_message"] == message
    assert "additions past the licensed-user limit" in result["msg"]
    http.assert_done()


def test_a_membership_change_whose_answer_was_lost_finishes_what_is_left(http, run_module):
    http.expect(
        find_group("devs", "devs"),
        members_of("devs", detailed_user("bob")),
        add_users("devs", "alice", status=500, body=errors("applied, answer lost")),
        members_of("devs", detailed_user("alice"), detailed_user("bob")),
        remove_group("bob", "devs"),
    )

    result = run_module(dict(name="devs", members=["alice"], purge_members=True))

    assert "failed" not in result
    assert result["members"] == ["alice"]
    http.assert_done()


# -- delete -------------------------------------------------------------------------------------


@CHECK_MODES
def test_delete(http, run_module, check_mode):
    expect(http, [find_group("devs", "devs"), delete("devs")], check_mode)

    result = run_module(dict(name="devs", state="absent"), check_mode=check_mode)

    assert result == {"changed": True, "group": {}, "diff": {"before": {"name": "devs"}, "after": {}}}
    http.assert_done()


@CHECK_MODES
def test_delete_absent_only_reads(http, run_module, check_mode):
    http.expect(find_group("devs"))

    result = run_module(dict(name="devs", state="absent"), check_mode=check_mode)

    assert result == {"changed": False, "group": {}, "diff": {"before": {}, "after": {}}}
    http.assert_done()


@CHECK_MODES
def test_deleting_a_group_of_the_caller_is_refused_unless_forced(http, run_module, check_mode):
    http.expect(find_group("admins", "admins"), members_of("admins", detailed_user(CALLER), filter=CALLER))

    result = run_module(dict(name="admins", state="absent"), check_mode=check_mode, username=CALLER)

    assert result["failed"] is True
    assert result["invalid_option"] == "state"
    assert "automation, the user running the task, is a member of admins" in result["msg"]
    assert writes(http) == []
    http.assert_done()


@CHECK_MODES
def test_deleting_a_group_the_caller_is_not_in_is_allowed(http, run_module, check_mode):
    # The filter is a substring match: automation-2 is not the caller.
    expect(http, [find_group("devs", "devs"), members_of("devs", detailed_user("automation-2"), filter=CALLER), delete("devs")], check_mode)

    result = run_module(dict(name="devs", state="absent"), check_mode=check_mode, username=CALLER)

    assert result["changed"] is True
    http.assert_done()


def test_bitbuckets_refusal_to_lower_the_callers_permissions_is_explained(http, run_module):
    message = "Deleting admins would lower your own permission level."
    http.expect(find_group("admins", "admins"), delete("admins", status=409, body=errors(message, "com.atlassian.bitbucket.IntegrityException")))

    result = run_module(dict(name="admins", state="absent"))

    assert result["failed"] is True
    assert result["http_status"] == 409
    assert "would lower the permissions of the user running the task" in result["msg"]
    http.assert_done()


@CHECK_MODES
def test_a_group_bitbucket_cannot_delete_is_refused(http, run_module, check_mode):
    http.expect(Call("GET", ADMIN_GROUPS, query={"filter": "ldap-team", "start": 0, "limit": 1000},
                     body={"size": 1, "limit": 1000, "start": 0, "isLastPage": True, "values": [{"name": "ldap-team", "deletable": False}]}))

    result = run_module(dict(name="ldap-team", state="absent"), check_mode=check_mode)

    assert result["failed"] is True
    assert "cannot delete ldap-team" in result["msg"]
    assert writes(http) == []
    http.assert_done()


def test_a_delete_whose_answer_was_lost_is_checked_not_repeated(http, run_module):
    http.expect(find_group("devs", "devs"), delete("devs", status=500, body=errors("applied, answer lost")), after_write(find_group("devs")))

    result = run_module(dict(name="devs", state="absent"))

    assert "failed" not in result
    assert result["changed"] is True
    http.assert_done()


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, option",
    [
        (dict(name=" devs"), "name"),
        (dict(name=""), "name"),
        (dict(name="devs", members=["alice", "Alice"]), "members"),
        (dict(name="devs", members=["alice"], state="absent"), "members"),
        (dict(name="devs", purge_members=True, state="absent"), "purge_members"),
    ],
)
def test_bad_input_fails_before_any_request(http, run_module, params, option):
    result = run_module(params)

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert http.calls == []


run_main = functools.partial(main_of, bitbucket_group)


def test_main_in_check_mode_reads_only(monkeypatch, capsys, http):
    http.expect(find_group("devs", "devs"), members_of("devs", detailed_user("bob")))

    code, output = run_main(
        monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token", name="devs", members=["alice"], purge_members=True, _ansible_check_mode=True)
    )

    assert code == 0
    assert output["changed"] is True
    assert output["members"] == ["alice"]
    assert "Traceback" not in json.dumps(output)
    http.assert_done()
