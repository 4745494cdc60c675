"""bitbucket_user: the exact HTTP calls of every scenario, in order, each also in check mode.

API-MAP 3.25: users are found through GET /admin/users?filter= with an exact match; the create takes query
parameters and answers 204; the password goes through PUT /admin/users/credentials (JSON); group memberships
are read as every group minus /admin/users/more-non-members (section 7 #22).
"""

from __future__ import annotations

import functools
import json

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_user
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_user import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import ANY, BASE_URL, Call
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.modules.identity_calls import (
    ADMIN_USERS,
    API,
    CHECK_MODES,
    RENAME,
    add_groups,
    after_write,
    credentials,
    detailed_user,
    errors,
    every_group,
    expect,
    find_user,
    groups_not_of,
    ldap_user,
    remove_group,
    service_user,
    writes,
)

CALLER = "automation"
CALLER_PASSWORD = "Automation-pw-1"
NEW_PASSWORD = "Alice-New-pw-42"
CREATE = dict(name="alice", display_name="Alice Liddell", email="alice@example.com")
ALICE = detailed_user("alice", "Alice Liddell", "alice@example.com")


@pytest.fixture
def run_module(http, make_context):
    """``run(context)`` through ``execute``; ``username`` switches to basic authentication as that user."""

    def runner(params, check_mode=False, diff=True, username=None):
        context = make_context(MODULE_SPEC, params, check_mode=check_mode, diff=diff)
        if username is not None:
            context.params.update(token=None, username=username, password=CALLER_PASSWORD)
        result = execute(run, context)
        assert http.closed or not http.calls, "the session of the run was not closed"
        return result

    return runner


def create_call():
    return Call("POST", ADMIN_USERS, query=ANY, status=204)


def query_of(recorded):
    return dict(recorded.params)


# -- create -------------------------------------------------------------------------------------


@CHECK_MODES
def test_create_sends_a_throwaway_password_in_the_query_and_the_real_one_in_json(http, run_module, check_mode):
    expect(http, [find_user("alice"), create_call(), after_write(find_user("alice", ALICE)), credentials("alice", NEW_PASSWORD)], check_mode)

    result = run_module(dict(CREATE, user_password=NEW_PASSWORD), check_mode=check_mode)

    assert result["changed"] is True
    assert result["password_updated"] is True
    assert result["renamed"] is False
    assert result["user"]["name"] == "alice"
    assert result["user"]["displayName"] == "Alice Liddell"
    assert result["diff"] == {
        "before": {},
        "after": {"name": "alice", "displayName": "Alice Liddell", "emailAddress": "alice@example.com", "active": True},
    }
    if not check_mode:
        create = query_of(http.calls[1])
        assert {key: create[key] for key in ("name", "displayName", "emailAddress", "addToDefaultGroup")} == {
            "name": "alice",
            "displayName": "Alice Liddell",
            "emailAddress": "alice@example.com",
            "addToDefaultGroup": "true",
        }
        # The real password is never in a URL; the one there is random and long.
        assert create["password"] != NEW_PASSWORD
        assert len(create["password"]) >= 32
        assert http.calls[1].json is None
        assert NEW_PASSWORD not in json.dumps(result)
    http.assert_done()


def test_create_without_a_password_replaces_the_throwaway_with_another_random_one(http, run_module):
    http.expect(find_user("alice"), create_call(), find_user("alice", ALICE), Call("PUT", "/rest/api/latest/admin/users/credentials", json=ANY, status=204))

    result = run_module(dict(CREATE, add_to_default_group=False))

    assert result["changed"] is True
    assert result["password_updated"] is False
    in_query = query_of(http.calls[1])["password"]
    set_later = http.calls[3].json
    assert query_of(http.calls[1])["addToDefaultGroup"] == "false"
    assert set_later["name"] == "alice"
    assert set_later["password"] == set_later["passwordConfirm"]
    assert set_later["password"] != in_query  # the password that went through a URL does not stay valid
    http.assert_done()


@CHECK_MODES
def test_create_with_notify_sends_no_password_at_all(http, run_module, check_mode):
    expect(http, [find_user("alice"), create_call(), after_write(find_user("alice", ALICE))], check_mode)

    result = run_module(dict(CREATE, notify=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["password_updated"] is False
    if not check_mode:
        assert query_of(http.calls[1])["notify"] == "true"
        assert "password" not in query_of(http.calls[1])
    http.assert_done()


def test_notify_without_a_mail_server_is_explained(http, run_module):
    http.expect(find_user("alice"), Call("POST", ADMIN_USERS, query=ANY, status=400, body=errors("No mail server is configured.", context="notify")))

    result = run_module(dict(CREATE, notify=True))

    assert result["failed"] is True
    assert result["http_status"] == 400
    assert "notify=true needs Bitbucket to have a mail server configured" in result["msg"]
    http.assert_done()


@CHECK_MODES
def test_create_needs_display_name_and_email_and_writes_nothing(http, run_module, check_mode):
    http.expect(find_user("alice"))

    result = run_module(dict(name="alice", display_name="Alice"), check_mode=check_mode)

    assert result["failed"] is True
    assert result["missing_options"] == ["email"]
    assert "Option 'email' is required to create user alice" in result["msg"]
    assert writes(http) == []
    http.assert_done()


def test_create_at_the_licence_limit_is_explained(http, run_module):
    message = "Adding the user to the default group would exceed the server's license limit."
    http.expect(find_user("alice"), Call("POST", ADMIN_USERS, query=ANY, status=403, body=errors(message)))

    result = run_module(CREATE)

    assert result["failed"] is True
    assert result["changed"] is False
    assert result["http_status"] == 403
    assert result["server_message"] == message
    assert "add_to_default_group=false" in result["msg"]
    http.assert_done()


def test_a_user_created_meanwhile_is_converged_on(http, run_module):
    # 409: another run created the user between the read and the create (DESIGN "reliability").
    http.expect(
        find_user("alice"),
        Call("POST", ADMIN_USERS, query=ANY, status=409, body=errors("A user with the name alice already exists.")),
        find_user("alice", detailed_user("alice", "Someone Else", "alice@example.com")),
        Call("PUT", ADMIN_USERS, json={"name": "alice", "displayName": "Alice Liddell"}, body=ALICE),
    )

    result = run_module(CREATE)

    assert "failed" not in result
    assert result["changed"] is True
    assert result["user"]["displayName"] == "Alice Liddell"
    http.assert_done()


def test_a_create_whose_answer_was_lost_is_not_repeated(http, run_module):
    http.expect(
        find_user("alice"),
        Call("POST", ADMIN_USERS, query=ANY, status=500, body=errors("the change was applied but the response failed")),
        find_user("alice", ALICE),  # it landed
        find_user("alice", ALICE),
        credentials("alice", NEW_PASSWORD),
    )

    result = run_module(dict(CREATE, user_password=NEW_PASSWORD))

    assert "failed" not in result
    assert result["changed"] is True
    assert [call.method for call in http.calls].count("POST") == 1
    http.assert_done()


def test_a_password_whose_answer_was_lost_is_sent_again(http, run_module):
    http.expect(
        find_user("alice", ALICE),
        credentials("alice", NEW_PASSWORD, status=500, body=errors("boom")),
        credentials("alice", NEW_PASSWORD),
    )

    result = run_module(dict(name="alice", user_password=NEW_PASSWORD, update_password="always"))

    assert "failed" not in result
    assert result["password_updated"] is True
    http.assert_done()


def test_with_a_token_a_refused_create_is_explained(http, run_module):
    http.expect(find_user("alice"), Call("POST", ADMIN_USERS, query=ANY, status=401, body=errors("HTTP access tokens cannot be used for this operation")))

    result = run_module(CREATE)

    assert result["failed"] is True
    assert result["http_status"] == 401
    assert "does not let an HTTP access token change user accounts; authenticate with username and password" in result["msg"]
    http.assert_done()


# -- update -------------------------------------------------------------------------------------


@CHECK_MODES
def test_update_changes_only_the_fields_that_differ(http, run_module, check_mode):
    old = detailed_user("alice", "Alice", "alice@example.com")
    expect(http, [find_user("alice", old), Call("PUT", ADMIN_USERS, json={"name": "alice", "displayName": "Alice Liddell"}, body=ALICE)], check_mode)

    result = run_module(dict(CREATE, user_password=NEW_PASSWORD), check_mode=check_mode)

    assert result["changed"] is True
    assert result["password_updated"] is False  # update_password=on_create: an existing user keeps theirs
    assert result["user"]["displayName"] == "Alice Liddell"
    assert result["diff"]["before"]["displayName"] == "Alice"
    assert result["diff"]["after"]["displayName"] == "Alice Liddell"
    http.assert_done()


@CHECK_MODES
def test_no_op_only_reads(http, run_module, check_mode):
    http.expect(find_user("ALICE", ALICE))

    result = run_module(dict(CREATE, name="ALICE", user_password=NEW_PASSWORD), check_mode=check_mode)

    assert result == {
        "changed": False,
        "user": ALICE,
        "password_updated": False,
        "renamed": False,
        "diff": {"before": dict(name="alice", displayName="Alice Liddell", emailAddress="alice@example.com", active=True),
                 "after": dict(name="alice", displayName="Alice Liddell", emailAddress="alice@example.com", active=True)},
    }
    http.assert_done()


def test_a_name_is_matched_exactly_not_by_substring(http, run_module):
    # The admin filter is a substring match on username, display name and e-mail (API-MAP 1.5).
    http.expect(find_user("al", detailed_user("alice"), detailed_user("sally", email="al@example.com")), create_call(),
                find_user("al", detailed_user("al")), Call("PUT", "/rest/api/latest/admin/users/credentials", json=ANY, status=204))

    result = run_module(dict(name="al", display_name="Al", email="al2@example.com"))

    assert result["changed"] is True
    assert result["user"]["name"] == "al"
    http.assert_done()


@CHECK_MODES
def test_the_callers_own_details_go_through_the_self_service_endpoint(http, run_module, check_mode):
    me = detailed_user(CALLER, "Automation", "old@example.com")
    answer = {"name": CALLER, "displayName": "Automation", "emailAddress": "bots@example.com", "id": me["id"], "slug": CALLER, "type": "NORMAL", "active": True}
    expect(http, [find_user(CALLER, me), Call("PUT", API + "/users", json={"email": "bots@example.com", "password": CALLER_PASSWORD}, body=answer)], check_mode)

    result = run_module(dict(name=CALLER, email="bots@example.com"), check_mode=check_mode, username=CALLER)

    assert result["changed"] is True
    assert result["user"]["emailAddress"] == "bots@example.com"
    assert result["user"]["directoryName"] == "Bitbucket Internal Directory"  # the detailed fields are kept
    http.assert_done()


# -- password -----------------------------------------------------------------------------------


@CHECK_MODES
def test_update_password_always_sends_it_and_reports_a_change(http, run_module, check_mode):
    expect(http, [find_user("alice", ALICE), credentials("alice", NEW_PASSWORD)], check_mode)

    result = run_module(dict(name="alice", user_password=NEW_PASSWORD, update_password="always"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["password_updated"] is True
    assert NEW_PASSWORD not in json.dumps(result)
    http.assert_done()


@CHECK_MODES
def test_the_callers_own_password_is_known_so_the_same_one_is_no_change(http, run_module, check_mode):
    http.expect(find_user(CALLER, detailed_user(CALLER)))

    result = run_module(dict(name=CALLER, user_password=CALLER_PASSWORD, update_password="always"), check_mode=check_mode, username=CALLER)

    assert result["changed"] is False
    assert result["password_updated"] is False
    http.assert_done()


@CHECK_MODES
def test_another_password_for_the_caller_is_refused(http, run_module, check_mode):
    http.expect(find_user(CALLER, detailed_user(CALLER)))

    refused = run_module(dict(name=CALLER, user_password=NEW_PASSWORD, update_password="always"), check_mode=check_mode, username=CALLER)

    assert refused["failed"] is True
    assert refused["invalid_option"] == "user_password"
    assert "gives automation, the user running the task, another password" in refused["msg"]
    assert "set force=true" in refused["msg"]
    assert writes(http) == []
    http.assert_done()


@CHECK_MODES
def test_another_password_for_the_caller_is_set_when_forced(http, run_module, check_mode):
    expect(http, [find_user(CALLER, detailed_user(CALLER)), credentials(CALLER, NEW_PASSWORD)], check_mode)

    forced = run_module(dict(name=CALLER, user_password=NEW_PASSWORD, update_password="always", force=True), check_mode=check_mode, username=CALLER)

    assert forced["changed"] is True
    assert forced["password_updated"] is True
    http.assert_done()


# -- rename -------------------------------------------------------------------------------------


@CHECK_MODES
def test_rename_from_renames_instead_of_creating(http, run_module, check_mode):
    bob = detailed_user("bob", "Robert Tables", "robert@example.com")
    robert = dict(bob, name="robert", slug="robert")
    expect(http, [find_user("robert"), find_user("bob", bob), Call("POST", RENAME, json={"name": "bob", "newName": "robert"}, body=robert)], check_mode)

    result = run_module(dict(name="robert", rename_from="bob", display_name="Robert Tables"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["renamed"] is True
    assert result["user"]["name"] == "robert"
    assert result["diff"]["before"]["name"] == "bob"
    assert result["diff"]["after"]["name"] == "robert"
    http.assert_done()


@CHECK_MODES
def test_rename_and_update_and_groups_in_one_task(http, run_module, check_mode):
    bob = detailed_user("bob", "Bob", "bob@example.com")
    robert = dict(bob, name="robert", slug="robert")
    robert_updated = dict(robert, displayName="Robert Tables")
    # In check mode the memberships are read under the old name, which is the one that still exists.
    reads_as = "bob" if check_mode else "robert"
    expect(
        http,
        [
            find_user("robert"),
            find_user("bob", bob),
            Call("POST", RENAME, json={"name": "bob", "newName": "robert"}, body=robert),
            Call("PUT", ADMIN_USERS, json={"name": "robert", "displayName": "Robert Tables"}, body=robert_updated),
            every_group("devs", "ops", "stash-users"),
            groups_not_of(reads_as, "ops"),
            add_groups("robert", "ops"),
        ],
        check_mode,
    )

    result = run_module(dict(name="robert", rename_from="bob", display_name="Robert Tables", groups=["ops"]), check_mode=check_mode)

    assert result["changed"] is True
    assert result["groups"] == ["devs", "ops", "stash-users"]
    assert result["diff"]["before"]["groups"] == ["devs", "stash-users"]
    assert result["user"]["displayName"] == "Robert Tables"
    http.assert_done()


@CHECK_MODES
def test_a_finished_rename_is_not_repeated(http, run_module, check_mode):
    http.expect(find_user("robert", detailed_user("robert")))

    result = run_module(dict(name="robert", rename_from="bob"), check_mode=check_mode)

    assert result["changed"] is False
    assert result["renamed"] is False
    http.assert_done()


def test_renaming_a_user_that_does_not_exist_creates_the_new_name(http, run_module):
    http.expect(find_user("robert"), find_user("bob"), create_call(), find_user("robert", detailed_user("robert")),
                Call("PUT", "/rest/api/latest/admin/users/credentials", json=ANY, status=204))

    result = run_module(dict(name="robert", rename_from="bob", display_name="Robert", email="robert@example.com"))

    assert result["changed"] is True
    assert result["renamed"] is False
    http.assert_done()


@CHECK_MODES
def test_renaming_the_caller_is_refused_unless_forced(http, run_module, check_mode):
    http.expect(find_user("bot2"), find_user(CALLER, detailed_user(CALLER)))

    result = run_module(dict(name="bot2", rename_from=CALLER), check_mode=check_mode, username=CALLER)

    assert result["failed"] is True
    assert result["invalid_option"] == "rename_from"
    assert "renames automation, the user running the task" in result["msg"]
    assert writes(http) == []
    http.assert_done()


# -- groups -------------------------------------------------------------------------------------


@CHECK_MODES
def test_groups_are_added_in_one_request_and_others_kept(http, run_module, check_mode):
    expect(http, [find_user("alice", ALICE), every_group("auditors", "devs", "ops", "stash-users"), groups_not_of("alice", "auditors", "devs", "ops"),
                  add_groups("alice", "devs", "OPS")], check_mode)

    result = run_module(dict(name="alice", groups=["devs", "OPS", "stash-users"]), check_mode=check_mode)

    assert result["changed"] is True
    assert result["groups"] == ["devs", "OPS", "stash-users"]
    assert result["diff"]["before"]["groups"] == ["stash-users"]
    assert result["diff"]["after"]["groups"] == ["devs", "OPS", "stash-users"]
    http.assert_done()


@CHECK_MODES
def test_purge_groups_removes_every_unlisted_membership(http, run_module, check_mode):
    expect(
        http,
        [
            find_user("alice", ALICE),
            every_group("auditors", "devs", "ops", "stash-users"),
            groups_not_of("alice", "auditors"),
            remove_group("alice", "devs"),
            remove_group("alice", "ops"),
        ],
        check_mode,
    )

    result = run_module(dict(name="alice", groups=["Stash-Users"], purge_groups=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["groups"] == ["stash-users"]
    http.assert_done()


@CHECK_MODES
def test_groups_already_right_only_read(http, run_module, check_mode):
    http.expect(find_user("alice", ALICE), every_group("devs", "stash-users"), groups_not_of("alice"))

    result = run_module(dict(name="alice", groups=["devs"], purge_groups=False), check_mode=check_mode)

    assert result["changed"] is False
    assert result["groups"] == ["devs", "stash-users"]
    http.assert_done()


@CHECK_MODES
def test_a_new_user_joins_its_groups_after_the_create(http, run_module, check_mode):
    expect(
        http,
        [
            find_user("alice"),
            create_call(),
            after_write(find_user("alice", ALICE)),
            Call("PUT", "/rest/api/latest/admin/users/credentials", json=ANY, status=204),
            after_write(every_group("devs", "stash-users")),
            after_write(groups_not_of("alice", "devs")),
            add_groups("alice", "devs"),
        ],
        check_mode,
    )

    result = run_module(dict(CREATE, groups=["devs"]), check_mode=check_mode)

    assert result["changed"] is True
    # Bitbucket puts a new user in its default group, whose name the API does not give: check mode cannot predict it.
    assert result["groups"] == (["devs"] if check_mode else ["devs", "stash-users"])
    http.assert_done()


@CHECK_MODES
def test_removing_the_caller_from_its_groups_is_refused(http, run_module, check_mode):
    http.expect(find_user(CALLER, detailed_user(CALLER)), every_group("admins", "stash-users"), groups_not_of(CALLER))

    refused = run_module(dict(name=CALLER, groups=["stash-users"], purge_groups=True), check_mode=check_mode, username=CALLER)

    assert refused["failed"] is True
    assert refused["invalid_option"] == "purge_groups"
    assert "removes automation, the user running the task, from admins" in refused["msg"]
    assert writes(http) == []
    http.assert_done()


@CHECK_MODES
def test_removing_the_caller_from_its_groups_is_done_when_forced(http, run_module, check_mode):
    expect(http, [find_user(CALLER, detailed_user(CALLER)), every_group("admins", "stash-users"), groups_not_of(CALLER), remove_group(CALLER, "admins")],
           check_mode)

    forced = run_module(dict(name=CALLER, groups=["stash-users"], purge_groups=True, force=True), check_mode=check_mode, username=CALLER)

    assert forced["changed"] is True
    assert forced["groups"] == ["stash-users"]
    http.assert_done()


def test_a_membership_change_whose_answer_was_lost_finishes_what_is_left(http, run_module):
    http.expect(
        find_user("alice", ALICE),
        every_group("devs", "ops", "stash-users"),
        groups_not_of("alice", "devs"),
        add_groups("alice", "devs", status=500, body=errors("applied, answer lost")),
        # Read again: devs landed, ops is still to go.
        every_group("devs", "ops", "stash-users"),
        groups_not_of("alice"),
        remove_group("alice", "ops"),
    )

    result = run_module(dict(name="alice", groups=["devs", "stash-users"], purge_groups=True))

    assert "failed" not in result
    assert result["groups"] == ["devs", "stash-users"]
    http.assert_done()


# -- users the module must not change -----------------------------------------------------------


@CHECK_MODES
def test_a_read_only_directory_user_is_refused_naming_the_directory(http, run_module, check_mode):
    http.expect(find_user("lee", ldap_user("lee")))

    result = run_module(dict(name="lee", display_name="Lee Changed"), check_mode=check_mode)

    assert result["failed"] is True
    assert result["directory"] == "Corporate LDAP"
    assert "lee belongs to the read-only directory Corporate LDAP" in result["msg"]
    assert writes(http) == []
    http.assert_done()


@CHECK_MODES
def test_read_only_group_memberships_are_refused_naming_the_directory(http, run_module, check_mode):
    http.expect(find_user("lee", ldap_user("lee")), every_group("devs", "stash-users"), groups_not_of("lee", "devs"))

    result = run_module(dict(name="lee", groups=["devs"]), check_mode=check_mode)

    assert result["failed"] is True
    assert "The group memberships of lee come from the read-only directory Corporate LDAP" in result["msg"]
    assert writes(http) == []
    http.assert_done()


@CHECK_MODES
def test_a_read_only_directory_user_that_needs_no_change_is_fine(http, run_module, check_mode):
    lee = ldap_user("lee", displayName="Lee")
    http.expect(find_user("lee", lee), every_group("stash-users"), groups_not_of("lee"))

    result = run_module(dict(name="lee", display_name="Lee", groups=["stash-users"]), check_mode=check_mode)

    assert result["changed"] is False
    assert result["user"]["directoryName"] == "Corporate LDAP"
    http.assert_done()


@CHECK_MODES
def test_service_users_are_never_changed(http, run_module, check_mode):
    http.expect(find_user("project-token-1", service_user("project-token-1")))

    result = run_module(dict(name="project-token-1", state="absent"), check_mode=check_mode)

    assert result["failed"] is True
    assert result["user_type"] == "SERVICE"
    assert "service user" in result["msg"]
    assert "bitbucket_access_token" in result["msg"]
    assert writes(http) == []
    http.assert_done()


# -- delete -------------------------------------------------------------------------------------


@CHECK_MODES
def test_delete(http, run_module, check_mode):
    expect(http, [find_user("alice", ALICE), Call("DELETE", ADMIN_USERS, query=[("name", "alice")], status=200, body=ALICE)], check_mode)

    result = run_module(dict(name="alice", state="absent"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["user"] == {}
    assert result["diff"]["before"]["name"] == "alice"
    assert result["diff"]["after"] == {}
    http.assert_done()


@CHECK_MODES
def test_delete_absent_only_reads(http, run_module, check_mode):
    http.expect(find_user("alice"))

    result = run_module(dict(name="alice", state="absent"), check_mode=check_mode)

    assert result == {"changed": False, "user": {}, "password_updated": False, "renamed": False, "diff": {"before": {}, "after": {}}}
    http.assert_done()


@CHECK_MODES
def test_deleting_the_caller_is_refused_before_any_write(http, run_module, check_mode):
    http.expect(find_user("AUTOMATION", detailed_user(CALLER)))

    result = run_module(dict(name="AUTOMATION", state="absent", force=True), check_mode=check_mode, username=CALLER)

    assert result["failed"] is True
    assert "automation is the user running the task, and Bitbucket does not let a user delete themselves" in result["msg"]
    assert writes(http) == []
    http.assert_done()


def test_with_a_token_bitbuckets_refusal_to_delete_yourself_is_explained(http, run_module):
    http.expect(
        find_user("lead", detailed_user("lead")),
        Call("DELETE", ADMIN_USERS, query=[("name", "lead")], status=409,
             body=errors("You cannot delete yourself.", "com.atlassian.bitbucket.user.UserSelfDeletionException")),
    )

    result = run_module(dict(name="lead", state="absent"))

    assert result["failed"] is True
    assert result["http_status"] == 409
    assert result["server_message"] == "You cannot delete yourself."
    assert "this is the user the access token acts for" in result["msg"]
    http.assert_done()


@CHECK_MODES
def test_a_user_bitbucket_cannot_delete_is_refused(http, run_module, check_mode):
    http.expect(find_user("lee", ldap_user("lee")))

    result = run_module(dict(name="lee", state="absent"), check_mode=check_mode)

    assert result["failed"] is True
    assert "lee belongs to the directory Corporate LDAP and cannot be deleted in Bitbucket" in result["msg"]
    assert writes(http) == []
    http.assert_done()


def test_a_delete_whose_answer_was_lost_is_checked_not_repeated(http, run_module):
    http.expect(
        find_user("alice", ALICE),
        Call("DELETE", ADMIN_USERS, query=[("name", "alice")], status=500, body=errors("applied, answer lost")),
        find_user("alice"),
    )

    result = run_module(dict(name="alice", state="absent"))

    assert "failed" not in result
    assert result["changed"] is True
    http.assert_done()


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params, option",
    [
        (dict(name="alice", email="not-an-address"), "email"),
        (dict(name="alice", email="a@b@c"), "email"),
        (dict(name=" alice"), "name"),
        (dict(name="a/b"), "name"),
        (dict(name="alice", rename_from="ALICE"), "rename_from"),
        (dict(name="alice", display_name="  "), "display_name"),
        (dict(name="alice", user_password=""), "user_password"),
        (dict(name="alice", groups=["devs", "DEVS"]), "groups"),
        (dict(name="alice", groups=["devs", ""]), "groups"),
        (dict(name="alice", groups=["devs"], state="absent"), "groups"),
        (dict(name="alice", purge_groups=True, state="absent"), "purge_groups"),
        (dict(name="alice", rename_from="bob", state="absent"), "rename_from"),
    ],
)
def test_bad_input_fails_before_any_request(http, run_module, params, option):
    result = run_module(params)

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert "'%s'" % option in result["msg"]
    assert http.calls == []


# -- main(): the ordinary module path ---------------------------------------------------------------


run_main = functools.partial(main_of, bitbucket_user)


def test_main_masks_the_password_and_reads_only_in_check_mode(monkeypatch, capsys, http):
    http.expect(find_user("alice"))

    code, output = run_main(
        monkeypatch,
        capsys,
        http,
        dict(url=BASE_URL, username=CALLER, password=CALLER_PASSWORD, user_password=NEW_PASSWORD, _ansible_check_mode=True, _ansible_diff=True, **CREATE),
    )

    assert code == 0
    assert output["changed"] is True
    assert output["password_updated"] is True
    assert NEW_PASSWORD not in json.dumps(output)
    assert CALLER_PASSWORD not in json.dumps(output)
    http.assert_done()


@pytest.mark.parametrize(
    "args, words",
    [
        (dict(user_password="Some-long-pw-9", notify=True), "mutually exclusive"),
        (dict(update_password="sometimes"), "update_password"),
        (dict(groups="devs,ops", colour="blue"), "colour"),
    ],
)
def test_main_refuses_invalid_options_without_any_call(monkeypatch, capsys, http, args, words):
    code, output = run_main(monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token", name="alice", **args))

    assert code == 1
    assert words in output["msg"]
    assert "Traceback" not in json.dumps(output)
    assert http.calls == []


def test_main_accepts_the_update_user_password_alias(monkeypatch, capsys, http):
    http.expect(find_user("alice", ALICE))

    code, output = run_main(
        monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token", name="alice", user_password=NEW_PASSWORD, update_user_password="always",
                                        _ansible_check_mode=True)
    )

    assert code == 0
    assert output["password_updated"] is True
    http.assert_done()
