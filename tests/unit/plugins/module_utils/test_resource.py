"""ensure() and guarded_write(): present/absent, check mode, compared fields, writes never repeated blindly."""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleContext, ModuleFailure
from ansible_collections.bitbucket.datacenter.plugins.module_utils._resource import Resource, ensure, guarded_delete, guarded_write, known_first, singleton


def no_client(_params, trace=None):
    raise AssertionError("ensure() must go through the resource, never the client")


def context(check_mode=False):
    return ModuleContext({}, check_mode=check_mode, client_factory=no_client)


def landed_error(method="POST"):
    return BitbucketError("%s /x: HTTP 500: boom" % method, method=method, path="/x", status=500, maybe_applied=True)


def project(obj):
    return {"name": obj.get("name"), "description": obj.get("description") or "", "public": bool(obj.get("public", False))}


class FakeResource:
    """A resource whose reads answer from a script and whose writes are recorded.

    ``reads``: the successive answers of ``read()``. ``create``/``update`` answer with ``write_result``
    (a value, or an exception to raise; a list gives one answer per call).
    """

    def __init__(self, reads, create_results=(), update_results=(), delete_results=()):
        self.reads = list(reads)
        self.create_results = list(create_results)
        self.update_results = list(update_results)
        self.delete_results = list(delete_results)
        self.calls = []

    def _answer(self, results):
        result = results.pop(0)
        if isinstance(result, Exception):
            raise result
        return result

    def read(self):
        self.calls.append(("read",))
        if not self.reads:
            raise AssertionError("an unexpected read")
        return self.reads.pop(0)

    def create(self, fields):
        self.calls.append(("create", dict(fields)))
        return self._answer(self.create_results)

    def update(self, current, changes):
        self.calls.append(("update", current, dict(changes)))
        return self._answer(self.update_results)

    def delete(self, current):
        self.calls.append(("delete", current))
        if self.delete_results:
            self._answer(self.delete_results)

    def resource(self):
        return Resource(read=self.read, create=self.create, update=self.update, delete=self.delete, project=project)


CURRENT = {"id": 3, "key": "PLAT", "name": "Platform", "description": "Old", "public": False}


# -- absent -------------------------------------------------------------------------------------


def test_absent_and_existing_is_deleted():
    fake = FakeResource([CURRENT])

    result = ensure(context(), fake.resource(), "absent", {"name": None})

    assert result == (True, project(CURRENT), None, None)
    assert fake.calls == [("read",), ("delete", CURRENT)]


def test_absent_and_existing_in_check_mode_only_reads():
    fake = FakeResource([CURRENT])

    result = ensure(context(check_mode=True), fake.resource(), "absent", {"name": None})

    assert result == (True, project(CURRENT), None, None)
    assert fake.calls == [("read",)]


def test_a_delete_that_landed_behind_a_lost_answer_is_not_repeated():
    # A gateway answered 502 for a delete that ran: the fresh read finds the object gone, which ends it.
    fake = FakeResource([CURRENT, None], delete_results=[landed_error("DELETE")])

    result = ensure(context(), fake.resource(), "absent", {"name": None})

    assert result == (True, project(CURRENT), None, None)
    assert fake.calls == [("read",), ("delete", CURRENT), ("read",)]


def test_a_delete_that_did_not_land_behind_a_lost_answer_is_made_once_more():
    fake = FakeResource([CURRENT, CURRENT], delete_results=[landed_error("DELETE"), None])

    result = ensure(context(), fake.resource(), "absent", {"name": None})

    assert result == (True, project(CURRENT), None, None)
    assert fake.calls == [("read",), ("delete", CURRENT), ("read",), ("delete", CURRENT)]


def test_a_delete_refused_by_the_server_propagates_without_a_read():
    refused = BitbucketError("DELETE /x: HTTP 409: in use", method="DELETE", path="/x", status=409)
    fake = FakeResource([CURRENT], delete_results=[refused])

    with pytest.raises(BitbucketError) as caught:
        ensure(context(), fake.resource(), "absent", {"name": None})

    assert caught.value is refused
    assert fake.calls == [("read",), ("delete", CURRENT)]


@pytest.mark.parametrize("check_mode", [False, True])
def test_absent_and_missing_is_unchanged(check_mode):
    fake = FakeResource([None])

    result = ensure(context(check_mode), fake.resource(), "absent", {"name": "Platform"})

    assert result == (False, None, None, None)
    assert fake.calls == [("read",)]


# -- present, missing: create -------------------------------------------------------------------


def test_present_and_missing_is_created_with_defaults_and_the_user_fields():
    created = {"id": 9, "key": "PLAT", "name": "Platform", "public": False}
    fake = FakeResource([None], create_results=[created])

    result = ensure(context(), fake.resource(), "present", {"name": "Platform", "description": None, "public": None}, defaults={"key": "PLAT", "public": False})

    assert result == (True, None, project(created), created)
    assert fake.calls == [("read",), ("create", {"key": "PLAT", "name": "Platform", "public": False})]


def test_user_fields_override_defaults_on_create():
    fake = FakeResource([None], create_results=[{"name": "P", "public": True}])

    ensure(context(), fake.resource(), "present", {"name": "P", "public": True}, defaults={"public": False})

    assert fake.calls[1] == ("create", {"name": "P", "public": True})


def test_a_create_answered_without_a_body_is_read_back():
    server = {"id": 9, "name": "Platform"}
    fake = FakeResource([None, server], create_results=[None])

    result = ensure(context(), fake.resource(), "present", {"name": "Platform"})

    assert result == (True, None, project(server), server)
    assert fake.calls == [("read",), ("create", {"name": "Platform"}), ("read",)]


def test_present_and_missing_in_check_mode_predicts_without_writing():
    fake = FakeResource([None])

    result = ensure(context(check_mode=True), fake.resource(), "present", {"name": "Platform", "description": None}, defaults={"public": False})

    predicted = {"name": "Platform", "public": False}
    assert result == (True, None, project(predicted), predicted)
    assert fake.calls == [("read",)]


@pytest.mark.parametrize("check_mode", [False, True])
def test_a_required_field_missing_on_create_fails_before_any_write(check_mode):
    fake = FakeResource([None], create_results=[AssertionError("must not create")])

    with pytest.raises(ModuleFailure) as caught:
        ensure(context(check_mode), fake.resource(), "present", {"name": None, "description": "d"}, required_on_create=("name",))

    assert caught.value.msg == "Option 'name' is required to create the object, which does not exist yet"
    assert caught.value.details == {"missing_options": ["name"]}
    assert fake.calls == [("read",)]


def test_every_missing_required_field_is_named():
    fake = FakeResource([None])

    with pytest.raises(ModuleFailure) as caught:
        ensure(context(), fake.resource(), "present", {"name": None, "email": None}, required_on_create=("name", "email"))

    assert "'name', 'email'" in caught.value.msg
    assert caught.value.details == {"missing_options": ["name", "email"]}


def test_a_default_satisfies_a_required_field():
    fake = FakeResource([None], create_results=[{"name": "Default"}])

    result = ensure(context(), fake.resource(), "present", {"name": None}, defaults={"name": "Default"}, required_on_create=("name",))

    assert result[0] is True
    assert fake.calls[1] == ("create", {"name": "Default"})


def test_required_on_create_does_not_apply_to_an_update():
    fake = FakeResource([CURRENT], update_results=[dict(CURRENT, description="New")])

    result = ensure(context(), fake.resource(), "present", {"name": None, "description": "New"}, required_on_create=("name",))

    assert result[0] is True
    assert fake.calls == [("read",), ("update", CURRENT, {"description": "New"})]


# -- present, existing: update or nothing -------------------------------------------------------


def test_only_the_changed_user_set_fields_are_updated():
    updated = dict(CURRENT, description="New")
    fake = FakeResource([CURRENT], update_results=[updated])

    result = ensure(context(), fake.resource(), "present", {"name": "Platform", "description": "New", "public": None})

    assert result == (True, project(CURRENT), project(updated), updated)
    assert fake.calls == [("read",), ("update", CURRENT, {"description": "New"})]


def test_fields_the_user_did_not_set_are_not_compared():
    # public is True on the server; the user did not set it, so it is left alone.
    current = dict(CURRENT, public=True)
    fake = FakeResource([current])

    result = ensure(context(), fake.resource(), "present", {"name": "Platform", "description": None, "public": None})

    assert result == (False, project(current), project(current), current)
    assert fake.calls == [("read",)]


def test_defaults_are_not_applied_to_an_existing_object():
    current = dict(CURRENT, public=True)
    fake = FakeResource([current])

    result = ensure(context(), fake.resource(), "present", {"name": "Platform", "public": None}, defaults={"public": False})

    assert result[0] is False
    assert fake.calls == [("read",)]


def test_fields_are_compared_after_projection():
    # No description on the server is the same as an empty one (project() normalises it).
    current = {"name": "Platform", "public": False}
    fake = FakeResource([current])

    result = ensure(context(), fake.resource(), "present", {"name": "Platform", "description": "", "public": False})

    assert result[0] is False
    assert fake.calls == [("read",)]


def test_an_update_in_check_mode_predicts_without_writing():
    fake = FakeResource([CURRENT])

    result = ensure(context(check_mode=True), fake.resource(), "present", {"name": "Platform 2", "description": None, "public": True})

    assert result == (
        True,
        project(CURRENT),
        dict(project(CURRENT), name="Platform 2", public=True),
        dict(CURRENT, name="Platform 2", public=True),
    )
    assert fake.calls == [("read",)]


@pytest.mark.parametrize("check_mode", [False, True])
def test_nothing_to_change_is_unchanged(check_mode):
    fake = FakeResource([CURRENT])

    result = ensure(context(check_mode), fake.resource(), "present", {"name": "Platform", "description": "Old", "public": False})

    assert result == (False, project(CURRENT), project(CURRENT), CURRENT)
    assert fake.calls == [("read",)]


def test_an_update_answered_without_a_body_is_read_back():
    reread = dict(CURRENT, name="Renamed")
    fake = FakeResource([CURRENT, reread], update_results=[None])

    result = ensure(context(), fake.resource(), "present", {"name": "Renamed"})

    assert result == (True, project(CURRENT), project(reread), reread)
    assert fake.calls == [("read",), ("update", CURRENT, {"name": "Renamed"}), ("read",)]


# -- writes that may have landed ----------------------------------------------------------------


def test_a_create_that_landed_despite_the_error_is_not_repeated():
    landed = {"id": 9, "name": "Platform"}
    fake = FakeResource([None, landed], create_results=[landed_error()])

    result = ensure(context(), fake.resource(), "present", {"name": "Platform"})

    assert result == (True, None, project(landed), landed)
    assert fake.calls == [("read",), ("create", {"name": "Platform"}), ("read",)]


def test_a_create_that_did_not_land_is_made_once_more():
    created = {"id": 9, "name": "Platform"}
    fake = FakeResource([None, None], create_results=[landed_error(), created])

    result = ensure(context(), fake.resource(), "present", {"name": "Platform"})

    assert result == (True, None, project(created), created)
    assert fake.calls == [("read",), ("create", {"name": "Platform"}), ("read",), ("create", {"name": "Platform"})]


def test_the_last_failure_propagates_after_every_attempt_and_a_read_after_each():
    last = landed_error()
    fake = FakeResource([None] * 6, create_results=[landed_error()] * 4 + [last])

    with pytest.raises(BitbucketError) as caught:
        ensure(context(), fake.resource(), "present", {"name": "Platform"})

    assert caught.value is last
    # Five attempts (WRITE_ATTEMPTS), each failure followed by a read that finds nothing.
    assert [call[0] for call in fake.calls] == ["read"] + ["create", "read"] * 5


def test_a_retried_create_that_lands_behind_a_second_failure_is_found():
    created = dict(CURRENT, name="Platform")
    fake = FakeResource([None, None, created], create_results=[landed_error(), landed_error()])

    changed, _before, _after, obj = ensure(context(), fake.resource(), "present", {"name": "Platform"})

    assert changed is True
    assert obj == created
    assert [call[0] for call in fake.calls] == ["read", "create", "read", "create", "read"]


def test_a_failure_that_cannot_have_applied_propagates_without_a_read():
    refused = BitbucketError("POST /x: HTTP 400: bad", method="POST", path="/x", status=400, maybe_applied=False)
    fake = FakeResource([None], create_results=[refused])

    with pytest.raises(BitbucketError) as caught:
        ensure(context(), fake.resource(), "present", {"name": "Platform"})

    assert caught.value is refused
    assert fake.calls == [("read",), ("create", {"name": "Platform"})]


def test_a_conflict_on_create_is_reported_when_the_object_is_still_missing():
    conflict = BitbucketError("POST /x: HTTP 409: name taken", method="POST", path="/x", status=409, maybe_applied=False)
    fake = FakeResource([None, None], create_results=[conflict])

    with pytest.raises(BitbucketError) as caught:
        ensure(context(), fake.resource(), "present", {"name": "Platform"})

    assert caught.value is conflict
    assert fake.calls == [("read",), ("create", {"name": "Platform"}), ("read",)]


def test_a_create_lost_to_a_parallel_run_converges_on_what_it_made():
    # Another fork created the object between our read and our create: 409, then it is there.
    conflict = BitbucketError("POST /x: HTTP 409: exists", method="POST", path="/x", status=409, maybe_applied=False)
    theirs = dict(CURRENT, name="Other name")
    updated = dict(CURRENT, name="Platform")
    fake = FakeResource([None, theirs], create_results=[conflict], update_results=[updated])

    changed, before, after, obj = ensure(context(), fake.resource(), "present", {"name": "Platform"})

    assert changed is True
    assert before["name"] == "Other name"
    assert after["name"] == "Platform"
    assert obj == updated
    assert [call[0] for call in fake.calls] == ["read", "create", "read", "update"]


def test_an_update_that_landed_is_not_repeated():
    landed = dict(CURRENT, name="Renamed")
    fake = FakeResource([CURRENT, landed], update_results=[landed_error("PUT")])

    result = ensure(context(), fake.resource(), "present", {"name": "Renamed"})

    assert result == (True, project(CURRENT), project(landed), landed)
    assert fake.calls == [("read",), ("update", CURRENT, {"name": "Renamed"}), ("read",)]


def test_an_update_that_did_not_land_is_made_once_more():
    updated = dict(CURRENT, name="Renamed")
    fake = FakeResource([CURRENT, CURRENT], update_results=[landed_error("PUT"), updated])

    result = ensure(context(), fake.resource(), "present", {"name": "Renamed"})

    assert result == (True, project(CURRENT), project(updated), updated)
    assert fake.calls == [("read",), ("update", CURRENT, {"name": "Renamed"}), ("read",), ("update", CURRENT, {"name": "Renamed"})]


def test_an_update_that_landed_only_in_part_is_made_once_more():
    partly = dict(CURRENT, name="Renamed")
    updated = dict(CURRENT, name="Renamed", public=True)
    fake = FakeResource([CURRENT, partly], update_results=[landed_error("PUT"), updated])

    result = ensure(context(), fake.resource(), "present", {"name": "Renamed", "public": True})

    assert result[2] == project(updated)
    assert [call[0] for call in fake.calls] == ["read", "update", "read", "update"]


def test_guarded_write_returns_the_write_result_when_it_succeeds():
    calls = []

    def write():
        calls.append("write")
        return "written"

    assert guarded_write(write, lambda: calls.append("read"), lambda obj: True) == "written"
    assert calls == ["write"]


def test_guarded_write_returns_the_reread_object_when_the_write_landed():
    calls = []

    def write():
        calls.append("write")
        raise landed_error()

    def read():
        calls.append("read")
        return {"id": 1}

    assert guarded_write(write, read, lambda obj: obj["id"] == 1) == {"id": 1}
    assert calls == ["write", "read"]


def test_guarded_write_writes_again_when_the_reread_does_not_show_it():
    calls = []
    answers = [landed_error(), "second"]

    def write():
        calls.append("write")
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def read():
        calls.append("read")
        return {"id": 2}

    assert guarded_write(write, read, lambda obj: obj["id"] == 1) == "second"
    assert calls == ["write", "read", "write"]


def test_guarded_write_does_not_catch_other_exceptions():
    def write():
        raise KeyError("bug")

    def read():
        raise AssertionError("must not read")

    with pytest.raises(KeyError):
        guarded_write(write, read, lambda obj: True)


# -- singletons written whole ----------------------------------------------------------------------


def test_a_singleton_update_sends_the_whole_document_merged_with_the_changes():
    written = []
    current = {"message": "Maintenance", "enabled": True, "audience": "ALL"}

    def write(fields):
        written.append(fields)
        return dict(fields)

    banner = singleton(read=lambda: current, write=write, project=dict)
    changed, before, after, _obj = ensure(context(), banner, "present", {"message": None, "enabled": False, "audience": None})

    assert changed is True
    assert written == [{"message": "Maintenance", "enabled": False, "audience": "ALL"}]
    assert before == current
    assert after == {"message": "Maintenance", "enabled": False, "audience": "ALL"}


def test_a_singleton_not_configured_is_written_with_the_user_fields():
    written = []
    banner = singleton(read=lambda: None, write=lambda fields: written.append(fields) or dict(fields), project=dict)

    changed, before, after, _obj = ensure(context(), banner, "present", {"message": "Hi", "enabled": None}, defaults={"enabled": True})

    assert changed is True
    assert before is None
    assert written == [{"enabled": True, "message": "Hi"}]


def test_a_singleton_that_cannot_be_removed_says_so():
    banner = singleton(read=lambda: {"message": "Hi"}, write=dict, project=dict)

    with pytest.raises(ModuleFailure, match="cannot be removed"):
        ensure(context(), banner, "absent", {})
# -- guarded_delete -------------------------------------------------------------------------------


def scripted(*answers):
    """A callable that returns (or raises) the next answer on each call, and records how often it ran."""
    calls = []

    def call():
        calls.append(len(calls))
        answer = answers[len(calls) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    call.calls = calls
    return call


def test_guarded_delete_that_succeeds_reads_nothing():
    delete, read = scripted(None), scripted()

    guarded_delete(delete, read)

    assert (len(delete.calls), len(read.calls)) == (1, 0)


def test_a_delete_that_landed_behind_a_500_is_not_repeated():
    delete, read = scripted(landed_error("DELETE")), scripted(None)

    guarded_delete(delete, read)

    assert (len(delete.calls), len(read.calls)) == (1, 1)


def test_a_delete_that_did_not_land_is_made_again():
    delete, read = scripted(landed_error("DELETE"), None), scripted({"name": "still here"})

    guarded_delete(delete, read)

    assert (len(delete.calls), len(read.calls)) == (2, 1)


def test_a_delete_that_keeps_failing_is_reported_after_every_attempt():
    failure = landed_error("DELETE")
    delete, read = scripted(*[failure] * 5), scripted(*[{"id": 1}] * 5)

    with pytest.raises(BitbucketError) as raised:
        guarded_delete(delete, read)

    assert raised.value is failure
    assert len(delete.calls) == 5


def test_a_delete_refused_outright_is_not_retried():
    refused = BitbucketError("DELETE /x: HTTP 409: no", method="DELETE", path="/x", status=409)
    delete, read = scripted(refused), scripted()

    with pytest.raises(BitbucketError):
        guarded_delete(delete, read)

    assert (len(delete.calls), len(read.calls)) == (1, 0)


def test_a_precheck_sees_the_planned_fields_and_refuses_before_any_write_in_check_mode_too():
    written, seen = [], []

    def refuse(current, fields):
        seen.append((current, fields))
        raise ModuleFailure("refused")

    current = {"message": "Hi", "enabled": True}
    banner = singleton(read=lambda: current, write=written.append, project=dict)
    for check_mode in (False, True):
        with pytest.raises(ModuleFailure, match="refused"):
            ensure(context(check_mode=check_mode), banner, "present", {"message": "Bye", "enabled": None}, precheck=refuse)
    assert written == []
    assert seen == [(current, {"message": "Bye", "enabled": True})] * 2

    created = singleton(read=lambda: None, write=written.append, project=dict)
    with pytest.raises(ModuleFailure, match="refused"):
        ensure(context(), created, "present", {"message": "New"}, precheck=refuse)
    assert seen[-1] == (None, {"message": "New"})
    assert written == []


def test_a_precheck_is_not_run_when_nothing_changes():
    current = {"message": "Hi"}
    banner = singleton(read=lambda: current, write=dict, project=dict)

    def refuse(_current, _fields):
        raise AssertionError("must not run")

    assert ensure(context(), banner, "present", {"message": "Hi"}, precheck=refuse)[0] is False


def test_known_first_answers_the_value_read_already_then_reads_again():
    reads = []
    read = known_first({"n": 0}, lambda: reads.append(1) or {"n": len(reads)})
    assert read() == {"n": 0}
    assert read() == {"n": 1}
    assert read() == {"n": 2}
    assert known_first(None, lambda: "fresh")() is None
