"""bitbucket_project: the exact HTTP calls of every scenario, in order, each also in check mode."""

from __future__ import annotations

import functools

import json

import pytest
import requests

from ansible_collections.bitbucket.datacenter.plugins.module_utils import _client
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_project
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_project import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, Call, read_timeout
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

COLLECTION = "/rest/api/latest/projects"
ITEM = "/rest/api/latest/projects/PLAT"
NO_SUCH_PROJECT = {
    "errors": [{"context": None, "message": "Project PLAT does not exist.", "exceptionName": "com.atlassian.bitbucket.project.NoSuchProjectException"}]
}


def server_project(**changes):
    project = {
        "key": "PLAT",
        "id": 12,
        "name": "Platform",
        "description": "Shared platform services",
        "public": False,
        "type": "NORMAL",
        "links": {"self": [{"href": BASE_URL + "/projects/PLAT"}]},
    }
    project.update(changes)
    return project


def fields(project):
    return {key: project[key] for key in ("key", "name", "description", "public")}


@pytest.fixture
def run_module(http, make_context):
    """``run(context)`` through ``execute``, as both execution paths call it."""

    def runner(params, check_mode=False, diff=True, verbosity=0):
        context = make_context(MODULE_SPEC, params, check_mode=check_mode, diff=diff, verbosity=verbosity)
        result = execute(run, context)
        assert http.closed or not http.calls, "the session of the run was not closed"
        return result

    return runner


def get_missing():
    return Call("GET", ITEM, status=404, body=NO_SUCH_PROJECT)


def get_existing(**changes):
    return Call("GET", ITEM, body=server_project(**changes))


# -- create -------------------------------------------------------------------------------------


def test_create(http, run_module):
    http.expect(
        get_missing(),
        Call(
            "POST",
            COLLECTION,
            json={"key": "PLAT", "name": "Platform", "description": "Shared platform services", "public": False},
            status=201,
            body=server_project(),
        ),
    )

    result = run_module(dict(key="PLAT", name="Platform", description="Shared platform services"))

    assert result == {
        "changed": True,
        "project": server_project(),
        "diff": {"before": {}, "after": fields(server_project())},
    }
    assert http.calls[1].data is None
    http.assert_done()


def test_create_sends_only_what_the_user_set_plus_the_private_default(http, run_module):
    http.expect(
        get_missing(), Call("POST", COLLECTION, json={"key": "PLAT", "name": "Platform", "public": False}, status=201, body=server_project(description=None))
    )

    result = run_module(dict(key="PLAT", name="Platform"))

    assert result["changed"] is True
    assert result["diff"]["after"] == {"key": "PLAT", "name": "Platform", "description": "", "public": False}
    http.assert_done()


def test_create_public(http, run_module):
    created = server_project(public=True)
    http.expect(get_missing(), Call("POST", COLLECTION, json={"key": "PLAT", "name": "Platform", "public": True}, status=201, body=created))

    result = run_module(dict(key="PLAT", name="Platform", public=True))

    assert result["project"] == created
    http.assert_done()


def test_create_in_check_mode_only_reads(http, run_module):
    http.expect(get_missing())

    result = run_module(dict(key="PLAT", name="Platform", description="Shared platform services"), check_mode=True)

    predicted = {"key": "PLAT", "name": "Platform", "description": "Shared platform services", "public": False}
    assert result == {"changed": True, "project": predicted, "diff": {"before": {}, "after": predicted}}
    http.assert_done()


def test_without_diff_mode_there_is_no_diff(http, run_module):
    http.expect(get_missing())

    result = run_module(dict(key="PLAT", name="Platform"), check_mode=True, diff=False)

    assert "diff" not in result
    assert result["changed"] is True
    http.assert_done()


# -- update -------------------------------------------------------------------------------------


def test_update_sends_only_the_changed_fields_and_keeps_the_key(http, run_module):
    updated = server_project(description="New text")
    http.expect(get_existing(), Call("PUT", ITEM, json={"description": "New text", "key": "PLAT"}, body=updated))

    result = run_module(dict(key="PLAT", name="Platform", description="New text"))

    assert result == {
        "changed": True,
        "project": updated,
        "diff": {"before": fields(server_project()), "after": fields(updated)},
    }
    http.assert_done()


def test_update_of_several_fields(http, run_module):
    updated = server_project(name="Platform Team", public=True)
    http.expect(get_existing(), Call("PUT", ITEM, json={"name": "Platform Team", "public": True, "key": "PLAT"}, body=updated))

    result = run_module(dict(key="PLAT", name="Platform Team", public=True))

    assert result["changed"] is True
    assert result["diff"]["after"]["name"] == "Platform Team"
    assert result["diff"]["after"]["public"] is True
    http.assert_done()


def test_an_empty_description_clears_it(http, run_module):
    updated = server_project(description=None)
    http.expect(get_existing(), Call("PUT", ITEM, json={"description": "", "key": "PLAT"}, body=updated))

    result = run_module(dict(key="PLAT", description=""))

    assert result["diff"] == {"before": fields(server_project()), "after": dict(fields(server_project()), description="")}
    http.assert_done()


def test_update_in_check_mode_only_reads(http, run_module):
    http.expect(get_existing())

    result = run_module(dict(key="PLAT", name="Platform", description="New text", public=True), check_mode=True)

    assert result == {
        "changed": True,
        "project": server_project(description="New text", public=True),
        "diff": {"before": fields(server_project()), "after": dict(fields(server_project()), description="New text", public=True)},
    }
    http.assert_done()


def test_a_lower_case_key_finds_the_project_and_never_renames_it(http, run_module):
    # Keys compare case-insensitively; a key in the PUT body unlike the path renames the project (API-MAP 3.1).
    http.expect(
        Call("GET", "/rest/api/latest/projects/plat", body=server_project()),
        Call("PUT", ITEM, json={"name": "Renamed", "key": "PLAT"}, body=server_project(name="Renamed")),
    )

    result = run_module(dict(key="plat", name="Renamed"))

    assert result["changed"] is True
    assert result["project"]["key"] == "PLAT"
    http.assert_done()


# -- no-op --------------------------------------------------------------------------------------


@pytest.mark.parametrize("check_mode", [False, True])
def test_no_op_makes_one_get(http, run_module, check_mode):
    http.expect(get_existing())

    result = run_module(dict(key="PLAT", name="Platform", description="Shared platform services", public=False), check_mode=check_mode)

    assert result == {"changed": False, "project": server_project(), "diff": {"before": fields(server_project()), "after": fields(server_project())}}
    http.assert_done()


@pytest.mark.parametrize("check_mode", [False, True])
def test_only_the_key_is_a_no_op(http, run_module, check_mode):
    http.expect(get_existing(public=True, description=None))

    result = run_module(dict(key="PLAT"), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


def test_a_missing_description_equals_an_empty_one(http, run_module):
    http.expect(Call("GET", ITEM, body={k: v for k, v in server_project().items() if k != "description"}))

    result = run_module(dict(key="PLAT", description=""))

    assert result["changed"] is False
    http.assert_done()


# -- delete -------------------------------------------------------------------------------------


def test_delete(http, run_module):
    http.expect(get_existing(), Call("DELETE", ITEM, status=204))

    result = run_module(dict(key="PLAT", state="absent"))

    assert result == {"changed": True, "project": {}, "diff": {"before": fields(server_project()), "after": {}}}
    assert http.calls[1].data == b""
    http.assert_done()


def test_delete_in_check_mode_only_reads(http, run_module):
    http.expect(get_existing())

    result = run_module(dict(key="PLAT", state="absent"), check_mode=True)

    assert result == {"changed": True, "project": {}, "diff": {"before": fields(server_project()), "after": {}}}
    http.assert_done()


def test_delete_ignores_the_other_fields(http, run_module):
    http.expect(get_existing(), Call("DELETE", ITEM, status=204))

    result = run_module(dict(key="PLAT", name="Something else", state="absent"))

    assert result["changed"] is True
    http.assert_done()


def test_a_project_deleted_by_someone_else_meanwhile_is_fine(http, run_module):
    http.expect(get_existing(), Call("DELETE", ITEM, status=404, body=NO_SUCH_PROJECT))

    result = run_module(dict(key="PLAT", state="absent"))

    assert result["changed"] is True
    assert "failed" not in result
    http.assert_done()


@pytest.mark.parametrize("check_mode", [False, True])
def test_delete_absent_makes_one_get(http, run_module, check_mode):
    http.expect(get_missing())

    result = run_module(dict(key="PLAT", state="absent"), check_mode=check_mode)

    assert result == {"changed": False, "project": {}, "diff": {"before": {}, "after": {}}}
    http.assert_done()


def test_delete_refused_because_of_repositories_is_reported(http, run_module):
    message = 'The project "PLAT" cannot be deleted because it has repositories.'
    http.expect(
        get_existing(),
        Call("DELETE", ITEM, status=409, body={"errors": [{"context": None, "message": message, "exceptionName": "ProjectHasRepositoriesException"}]}),
    )

    result = run_module(dict(key="PLAT", state="absent"))

    assert result == {
        "failed": True,
        "changed": False,
        "msg": "DELETE %s: HTTP 409: %s" % (ITEM, message),
        "http_method": "DELETE",
        "http_path": ITEM,
        "http_status": 409,
        "server_message": message,
    }
    http.assert_done()


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["1PLAT", "~alice", "PL-AT", "PL AT", "", "P" * 129, "PLAT/x", "../admin"])
@pytest.mark.parametrize("check_mode", [False, True])
def test_a_bad_key_is_rejected_without_any_call(http, run_module, key, check_mode):
    result = run_module(dict(key=key, name="Platform"), check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == "key"
    assert result["msg"].startswith("Invalid value for option 'key': %r is not a project key" % key)
    assert http.calls == []
    http.assert_done()


@pytest.mark.parametrize("key", ["P", "plat", "PLAT_2", "A" * 128])
def test_good_keys_are_accepted(http, run_module, key):
    http.expect(Call("GET", "/rest/api/latest/projects/" + key, status=404, body=NO_SUCH_PROJECT))

    result = run_module(dict(key=key, state="absent"))

    assert result["changed"] is False
    http.assert_done()


@pytest.mark.parametrize("name", ["", "   ", "~Platform"])
def test_a_bad_name_is_rejected_without_any_call(http, run_module, name):
    result = run_module(dict(key="PLAT", name=name))

    assert result["failed"] is True
    assert result["invalid_option"] == "name"
    assert "Invalid value for option 'name'" in result["msg"]
    assert http.calls == []


@pytest.mark.parametrize("check_mode", [False, True])
def test_create_without_a_name_fails_after_the_get_and_writes_nothing(http, run_module, check_mode):
    http.expect(get_missing())

    result = run_module(dict(key="PLAT", description="No name given"), check_mode=check_mode)

    assert result == {
        "failed": True,
        "changed": False,
        "msg": "Option 'name' is required to create project PLAT, which does not exist yet",
        "missing_options": ["name"],
    }
    http.assert_done()


# -- writes that fail mid-flight ----------------------------------------------------------------


def test_a_create_that_landed_despite_a_500_is_not_repeated(http, run_module):
    http.expect(
        get_missing(),
        Call(
            "POST", COLLECTION, json={"key": "PLAT", "name": "Platform", "public": False}, status=500, body={"errors": [{"message": "Internal server error"}]}
        ),
        get_existing(),
    )

    result = run_module(dict(key="PLAT", name="Platform"))

    assert result["changed"] is True
    assert result["project"] == server_project()
    assert "failed" not in result
    http.assert_done()


def test_a_create_whose_answer_was_lost_is_not_repeated_when_it_landed(http, run_module):
    http.expect(get_missing(), Call("POST", COLLECTION, json={"key": "PLAT", "name": "Platform", "public": False}, raises=read_timeout()), get_existing())

    result = run_module(dict(key="PLAT", name="Platform"))

    assert result["changed"] is True
    assert result["project"] == server_project()
    http.assert_done()


def test_a_create_that_did_not_land_is_made_once_more(http, run_module):
    post = Call("POST", COLLECTION, json={"key": "PLAT", "name": "Platform", "public": False}, status=503)
    http.expect(
        get_missing(),
        post,
        get_missing(),
        Call("POST", COLLECTION, json={"key": "PLAT", "name": "Platform", "public": False}, status=201, body=server_project()),
    )

    result = run_module(dict(key="PLAT", name="Platform"))

    assert result["changed"] is True
    assert result["project"] == server_project()
    http.assert_done()


def test_a_create_that_fails_every_attempt_is_reported(http, run_module):
    post = Call("POST", COLLECTION, json={"key": "PLAT", "name": "Platform", "public": False}, status=503)
    # Five attempts (WRITE_ATTEMPTS), each failure followed by a read that finds no project.
    http.expect(get_missing(), *[post, get_missing()] * 5)

    result = run_module(dict(key="PLAT", name="Platform"))

    assert result["failed"] is True
    assert result["http_status"] == 503
    assert result["http_method"] == "POST"
    http.assert_done()


def test_a_conflicting_create_rereads_once_then_reports_the_conflict(http, run_module):
    message = "Project name is already in use."
    http.expect(
        get_missing(),
        Call(
            "POST",
            COLLECTION,
            json={"key": "PLAT", "name": "Platform", "public": False},
            status=409,
            body={"errors": [{"context": "name", "message": message}]},
        ),
        # A 409 may mean a parallel run created this very project: look once before failing.
        get_missing(),
    )

    result = run_module(dict(key="PLAT", name="Platform"))

    assert result["failed"] is True
    assert result["http_status"] == 409
    assert result["server_message"] == "name: " + message
    http.assert_done()


def test_a_create_lost_to_a_parallel_run_converges(http, run_module):
    http.expect(
        get_missing(),
        Call("POST", COLLECTION, json={"key": "PLAT", "name": "Platform", "public": False}, status=409, body={"errors": [{"message": "taken"}]}),
        get_existing(),
    )

    result = run_module(dict(key="PLAT", name="Platform"))

    assert "failed" not in result
    assert result["changed"] is False
    assert result["project"] == server_project()
    http.assert_done()


def test_an_update_retried_on_a_gateway_error_converges(http, run_module, sleeps):
    updated = server_project(description="New text")
    put = Call("PUT", ITEM, json={"description": "New text", "key": "PLAT"}, status=502)
    http.expect(get_existing(), put, Call("PUT", ITEM, json={"description": "New text", "key": "PLAT"}, body=updated))

    result = run_module(dict(key="PLAT", description="New text"))

    assert result["changed"] is True
    assert result["project"] == updated
    assert sleeps == [0.5]
    http.assert_done()


def test_the_trace_at_verbosity_3_lists_every_call(http, run_module):
    http.expect(get_missing(), Call("POST", COLLECTION, json={"key": "PLAT", "name": "Platform", "public": False}, status=201, body=server_project()))

    result = run_module(dict(key="PLAT", name="Platform"), verbosity=3)

    assert [(e["method"], e["path"], e["status"]) for e in result["http_trace"]] == [("GET", ITEM, 404), ("POST", COLLECTION, 201)]
    assert "Platform" not in json.dumps(result["http_trace"])
    http.assert_done()


# -- main(): the ordinary module path through AnsibleModule ------------------------------------


run_main = functools.partial(main_of, bitbucket_project)


def test_main_in_check_mode_reads_only_and_masks_the_token(monkeypatch, capsys, http):
    http.expect(get_missing())

    code, output = run_main(
        monkeypatch, capsys, http, dict(url=BASE_URL, token="very-secret-token", key="PLAT", name="Platform", _ansible_check_mode=True, _ansible_diff=True)
    )

    assert code == 0
    assert output["changed"] is True
    assert output["project"] == {"key": "PLAT", "name": "Platform", "public": False}
    assert output["diff"] == {"before": {}, "after": {"key": "PLAT", "name": "Platform", "description": "", "public": False}}
    assert http.headers["Authorization"] == "Bearer very-secret-token"
    assert "very-secret-token" not in json.dumps(output)
    http.assert_done()


def test_main_reports_an_api_failure_with_its_details(monkeypatch, capsys, http):
    http.expect(Call("GET", ITEM, status=401, body={"errors": [{"message": "Authentication failed. Please check your credentials and try again."}]}))

    code, output = run_main(monkeypatch, capsys, http, dict(url=BASE_URL, username="admin", password="pw", key="PLAT", name="Platform"))

    assert code == 1
    assert output["failed"] is True
    assert output["http_status"] == 401
    assert output["http_method"] == "GET"
    assert output["http_path"] == ITEM
    assert output["server_message"] == "Authentication failed. Please check your credentials and try again."
    assert "missing permissions" in output["msg"]
    assert http.auth == ("admin", "pw")
    http.assert_done()


def test_main_rejects_missing_credentials_before_any_call(monkeypatch, capsys, http):
    code, output = run_main(monkeypatch, capsys, http, dict(url=BASE_URL, key="PLAT"))

    assert code == 1
    assert "Give Bitbucket credentials" in output["msg"]
    assert http.calls == []


def test_requests_session_is_restored():
    # run_main patches requests.Session only for its test.
    assert requests.Session is _client.requests.Session
    assert requests.Session.__module__ == "requests.sessions"
