"""reconcile(): desired vs current, keyed, into a plan of creates, updates and deletes."""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._reconcile import DuplicateKeyError, Plan, reconcile


def by_name(item):
    return item["name"]


def group(name, permission):
    return {"name": name, "permission": permission}


def test_every_kind_of_change_in_one_plan():
    current = [group("devs", "PROJECT_READ"), group("ops", "PROJECT_ADMIN"), group("old", "PROJECT_WRITE")]
    desired = [group("new", "PROJECT_READ"), group("devs", "PROJECT_WRITE"), group("ops", "PROJECT_ADMIN")]

    plan = reconcile(desired, current, by_name, purge=True)

    assert plan.create == [group("new", "PROJECT_READ")]
    assert plan.update == [(group("devs", "PROJECT_READ"), group("devs", "PROJECT_WRITE"))]
    assert plan.unchanged == [(group("ops", "PROJECT_ADMIN"), group("ops", "PROJECT_ADMIN"))]
    assert plan.delete == [group("old", "PROJECT_WRITE")]
    assert plan.changed is True


def test_without_purge_nothing_is_deleted():
    current = [group("devs", "PROJECT_READ"), group("old", "PROJECT_WRITE")]
    desired = [group("devs", "PROJECT_READ")]

    plan = reconcile(desired, current, by_name)

    assert plan.delete == []
    assert plan.create == []
    assert plan.update == []
    assert plan.unchanged == [(group("devs", "PROJECT_READ"), group("devs", "PROJECT_READ"))]
    assert plan.changed is False


def test_purge_with_nothing_desired_deletes_everything():
    current = [group("a", "PROJECT_READ"), group("b", "PROJECT_READ")]

    plan = reconcile([], current, by_name, purge=True)

    assert plan.delete == current
    assert plan.changed is True


def test_keep_protects_items_from_purge():
    current = [group("admins", "PROJECT_ADMIN"), group("stale", "PROJECT_READ"), group("me", "PROJECT_ADMIN")]

    plan = reconcile([], current, by_name, purge=True, keep=lambda item: item["permission"] == "PROJECT_ADMIN")

    assert plan.delete == [group("stale", "PROJECT_READ")]


def test_keep_does_not_stop_an_update_of_a_desired_item():
    current = [group("admins", "PROJECT_ADMIN")]
    desired = [group("admins", "PROJECT_WRITE")]

    plan = reconcile(desired, current, by_name, purge=True, keep=lambda item: True)

    assert plan.update == [(group("admins", "PROJECT_ADMIN"), group("admins", "PROJECT_WRITE"))]
    assert plan.delete == []


def test_nothing_to_do_is_unchanged():
    current = [group("a", "PROJECT_READ")]

    plan = reconcile([group("a", "PROJECT_READ")], current, by_name, purge=True)

    assert plan.changed is False
    assert (plan.create, plan.update, plan.delete) == ([], [], [])


def test_empty_everything_is_an_empty_plan():
    plan = reconcile([], [], by_name, purge=True)
    assert plan.changed is False
    assert (plan.create, plan.update, plan.delete, plan.unchanged) == ([], [], [], [])


def test_a_key_listed_twice_is_refused():
    desired = [group("devs", "PROJECT_READ"), group("ops", "PROJECT_READ"), group("devs", "PROJECT_WRITE")]

    with pytest.raises(DuplicateKeyError) as caught:
        reconcile(desired, [], by_name)

    assert caught.value.key == "devs"
    assert "'devs' is listed more than once" in str(caught.value)


def test_a_key_listed_twice_after_normalisation_is_refused():
    desired = [group("Devs", "PROJECT_READ"), group("devs", "PROJECT_READ")]

    with pytest.raises(DuplicateKeyError) as caught:
        reconcile(desired, [], lambda item: item["name"].lower())

    assert caught.value.key == "devs"


def test_duplicate_key_error_is_a_value_error():
    assert issubclass(DuplicateKeyError, ValueError)


def test_custom_equal_decides_what_needs_an_update():
    # Only the permission is managed; the server adds fields the user never gives.
    current = [{"name": "devs", "permission": "PROJECT_READ", "id": 7}, {"name": "ops", "permission": "PROJECT_READ", "id": 8}]
    desired = [group("devs", "PROJECT_READ"), group("ops", "PROJECT_ADMIN")]

    plan = reconcile(desired, current, by_name, equal=lambda have, want: have["permission"] == want["permission"])

    assert plan.unchanged == [(current[0], desired[0])]
    assert plan.update == [(current[1], desired[1])]


def test_default_equal_is_plain_equality():
    current = [{"name": "devs", "permission": "PROJECT_READ", "id": 7}]

    plan = reconcile([group("devs", "PROJECT_READ")], current, by_name)

    assert plan.update == [(current[0], group("devs", "PROJECT_READ"))]


def test_keys_are_compared_as_the_key_function_normalises_them():
    # Bitbucket compares group names case-insensitively.
    current = [group("Developers", "PROJECT_READ"), group("OPS", "PROJECT_WRITE")]
    desired = [group("developers", "PROJECT_READ"), group("ops", "PROJECT_WRITE")]

    plan = reconcile(
        desired,
        current,
        lambda item: item["name"].lower(),
        equal=lambda have, want: have["permission"] == want["permission"],
        purge=True,
    )

    assert plan.create == []
    assert plan.delete == []
    assert [have["name"] for have, _want in plan.unchanged] == ["Developers", "OPS"]


def test_without_normalisation_case_matters():
    plan = reconcile([group("devs", "PROJECT_READ")], [group("DEVS", "PROJECT_READ")], by_name, purge=True)

    assert plan.create == [group("devs", "PROJECT_READ")]
    assert plan.delete == [group("DEVS", "PROJECT_READ")]


def test_plan_lists_keep_the_order_of_the_desired_items():
    current = [group(name, "PROJECT_READ") for name in ("e", "d", "c")]
    desired = [group(name, "PROJECT_WRITE") for name in ("c", "z", "e", "a", "d", "y")]

    plan = reconcile(desired, current, by_name)

    assert [item["name"] for item in plan.create] == ["z", "a", "y"]
    assert [want["name"] for _have, want in plan.update] == ["c", "e", "d"]


def test_deletes_keep_the_order_of_the_current_items():
    current = [group(name, "PROJECT_READ") for name in ("q", "b", "x", "a")]

    plan = reconcile([group("x", "PROJECT_READ")], current, by_name, purge=True)

    assert [item["name"] for item in plan.delete] == ["q", "b", "a"]


def test_a_duplicated_current_key_is_compared_with_its_first_item():
    current = [group("devs", "PROJECT_READ"), group("devs", "PROJECT_ADMIN")]

    plan = reconcile([group("devs", "PROJECT_READ")], current, by_name)

    assert plan.unchanged == [(group("devs", "PROJECT_READ"), group("devs", "PROJECT_READ"))]
    assert plan.update == []


def test_reconcile_does_not_change_its_inputs():
    current = [group("a", "PROJECT_READ")]
    desired = [group("b", "PROJECT_READ")]

    reconcile(desired, current, by_name, purge=True)

    assert current == [group("a", "PROJECT_READ")]
    assert desired == [group("b", "PROJECT_READ")]


def test_plan_changed_reflects_each_list():
    plan = Plan()
    assert plan.changed is False
    plan.unchanged.append(("x", "x"))
    assert plan.changed is False
    for name in ("create", "update", "delete"):
        plan = Plan()
        getattr(plan, name).append("item")
        assert plan.changed is True, name


def test_plan_repr_names_every_list():
    text = repr(reconcile([group("a", "R")], [], by_name))
    for name in ("create=", "update=", "delete=", "unchanged="):
        assert name in text
