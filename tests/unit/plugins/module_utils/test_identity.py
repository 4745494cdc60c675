"""_identity: exact lookups, memberships read without the ambiguous endpoint, set plans and the guards."""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._identity import (
    caller_name,
    check_changeable,
    converge_membership,
    explain_token_refusal,
    find_user,
    groups_of_user,
    memberships,
    plan_membership,
    refuse_lockout,
    validate_name,
    validate_names,
)
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleFailure
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.modules.identity_calls import (
    PAGE,
    detailed_user,
    every_group,
    find_user as find_user_call,
    groups_not_of,
    ldap_user,
    members_of,
    service_user,
)
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import Call


def test_find_user_follows_every_page_for_the_exact_name(http, make_client):
    client = make_client()
    later = {"size": 1, "limit": 1000, "start": 1, "isLastPage": True, "values": [detailed_user("Al")]}
    first = {"size": 1, "limit": 1000, "start": 0, "isLastPage": False, "nextPageStart": 1, "values": [detailed_user("alice")]}
    http.expect(
        Call("GET", "/rest/api/latest/admin/users", query=dict(PAGE, filter="al"), body=first),
        Call("GET", "/rest/api/latest/admin/users", query={"filter": "al", "start": 1, "limit": 1000}, body=later),
    )

    assert find_user(client, "al")["name"] == "Al"
    http.assert_done()


def test_find_user_is_none_when_only_longer_names_match(http, make_client):
    http.expect(find_user_call("bob", detailed_user("bobby"), detailed_user("jim", email="bob@example.com")))

    assert find_user(make_client(), "bob") is None
    http.assert_done()


def test_a_users_groups_are_every_group_but_the_ones_it_is_not_in(http, make_client):
    # API-MAP section 7 #22 (VERIFY): /admin/users/more-members has swapped descriptions (its operation says
    # "groups for user", its parameters and answer say "users of a group"). Whichever reading a server follows,
    # the collection's answer does not depend on it: it never calls that endpoint. The exact calls below are all
    # it makes, and FakeSession fails on any other.
    http.expect(every_group("Devs", "ops", "stash-users"), groups_not_of("alice", "OPS"))

    assert groups_of_user(make_client(), "alice") == ["Devs", "stash-users"]
    http.assert_done()


def test_memberships_of_many_users_read_per_user_when_groups_are_as_many(http, make_client):
    http.expect(every_group("a", "b"), groups_not_of("u1", "b"), groups_not_of("u2"))

    assert memberships(make_client(), ["u1", "u2"]) == {"u1": ["a"], "u2": ["a", "b"]}
    http.assert_done()


def test_memberships_of_many_users_read_per_group_when_groups_are_fewer(http, make_client):
    http.expect(every_group("a"), members_of("a", detailed_user("U2"), detailed_user("other")))

    assert memberships(make_client(), ["u1", "u2", "u3"]) == {"u1": [], "u2": ["a"], "u3": []}
    http.assert_done()


@pytest.mark.parametrize(
    "current, desired, purge, expected",
    [
        (["a", "b"], ["B", "c"], False, (["c"], [], ["a", "b", "c"])),
        (["a", "b"], ["B", "c"], True, (["c"], ["a"], ["b", "c"])),
        (["a"], [], True, ([], ["a"], [])),
        ([], [], True, ([], [], [])),
        (["Zed", "alpha"], ["ALPHA"], False, ([], [], ["alpha", "Zed"])),
    ],
)
def test_plan_membership(current, desired, purge, expected):
    assert plan_membership(current, desired, purge) == expected


def test_converge_membership_writes_additions_at_once_and_removals_one_by_one():
    done = []

    converge_membership(["a", "b"], ["c", "d"], add=lambda names: done.append(("add", names)), remove=lambda name: done.append(("remove", name)),
                        replan=lambda: pytest.fail("nothing to re-read"))

    assert done == [("add", ["a", "b"]), ("remove", "c"), ("remove", "d")]


def test_converge_membership_after_a_lost_answer_writes_only_what_is_left():
    done = []
    lost = BitbucketError("POST /x: HTTP 500: boom", method="POST", path="/x", status=500, maybe_applied=True)

    def add(names):
        done.append(("add", names))
        if len(done) == 1:
            raise lost

    converge_membership(["a"], ["c"], add=add, remove=lambda name: done.append(("remove", name)), replan=lambda: ([], ["c"]))

    assert done == [("add", ["a"]), ("remove", "c")]


def test_validate_names():
    validate_names("members", ["a", "b"])
    validate_names("members", None)
    with pytest.raises(ModuleFailure, match="'A' is listed more than once"):
        validate_names("members", ["a", "A"])
    with pytest.raises(ModuleFailure, match="item 2 is empty"):
        validate_names("members", ["a", " "])


def test_check_changeable():
    check_changeable(detailed_user("alice"), "details")
    check_changeable(detailed_user("alice"), "delete")
    check_changeable({"name": "fields-missing"}, "groups")  # a server that does not say is not refused
    with pytest.raises(ModuleFailure, match="service user") as raised:
        check_changeable(service_user("project-token-7"), "groups")
    assert raised.value.details == {"user_type": "SERVICE"}
    for part, words in (("details", "read-only directory Corporate LDAP"), ("groups", "read-only directory Corporate LDAP"), ("delete", "cannot be deleted")):
        with pytest.raises(ModuleFailure, match=words) as raised:
            check_changeable(ldap_user("lee"), part)
        assert raised.value.details == {"directory": "Corporate LDAP"}
    check_changeable(ldap_user("lee", mutableGroups=True), "groups")


def test_caller_name_is_known_only_with_basic_authentication():
    assert caller_name({"username": "bot", "token": None}) == "bot"
    assert caller_name({"username": None, "token": "t"}) is None


def test_refuse_lockout():
    refuse_lockout(True, "purge_groups", "anything")
    with pytest.raises(ModuleFailure) as raised:
        refuse_lockout(False, "purge_groups", "this removes bot from admins")
    assert raised.value.msg == "Invalid value for option 'purge_groups': this removes bot from admins. Nothing was changed; set force=true to do it anyway."


def test_explain_token_refusal_only_for_a_401_with_a_token():
    exc = BitbucketError("POST /x: HTTP 401: no", status=401)
    assert "authenticate with username and password" in explain_token_refusal(exc, {"token": "t"}).message
    other = BitbucketError("POST /x: HTTP 401: no", status=401)
    assert explain_token_refusal(other, {"token": None, "username": "u"}).message == "POST /x: HTTP 401: no"


def test_validate_name():
    validate_name("name", None)
    validate_name("name", "team/a")  # a group name may hold a slash
    with pytest.raises(ModuleFailure, match="must not contain '/'"):
        validate_name("name", "team/a", username=True)
    for bad in ("", " lead", "trail "):
        with pytest.raises(ModuleFailure, match="must not be empty nor start or end with a space"):
            validate_name("name", bad)
