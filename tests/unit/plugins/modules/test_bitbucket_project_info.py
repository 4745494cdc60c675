"""bitbucket_project_info: one project by key, or every page of the listing, with filters."""

from __future__ import annotations

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute, module_kwargs
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_project_info import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import Call

COLLECTION = "/rest/api/latest/projects"
NO_SUCH_PROJECT = {"errors": [{"context": None, "message": "Project NOPE does not exist.", "exceptionName": "NoSuchProjectException"}]}


def project(key, name=None):
    return {"key": key, "id": abs(hash(key)) % 1000, "name": name or key.title(), "public": False, "type": "NORMAL"}


@pytest.fixture
def run_info(http, make_context):
    def runner(params, check_mode=False, verbosity=0):
        context = make_context(MODULE_SPEC, params, check_mode=check_mode, verbosity=verbosity)
        return execute(run, context)

    return runner


@pytest.mark.parametrize("check_mode", [False, True])
def test_one_project_by_key(http, run_info, check_mode):
    http.expect(Call("GET", "/rest/api/latest/projects/PLAT", body=project("PLAT")))

    result = run_info(dict(key="PLAT"), check_mode=check_mode)

    assert result == {"changed": False, "projects": [project("PLAT")]}
    http.assert_done()


def test_a_missing_key_is_an_empty_list_not_a_failure(http, run_info):
    http.expect(Call("GET", "/rest/api/latest/projects/NOPE", status=404, body=NO_SUCH_PROJECT))

    result = run_info(dict(key="NOPE"))

    assert result == {"changed": False, "projects": []}
    http.assert_done()


def test_a_personal_project_key_is_sent_as_one_path_segment(http, run_info):
    http.expect(Call("GET", "/rest/api/latest/projects/~alice", body=project("~ALICE")))

    result = run_info(dict(key="~alice"))

    assert result["projects"] == [project("~ALICE")]
    http.assert_done()


def test_a_key_with_a_slash_cannot_reach_another_path(http, run_info):
    http.expect(Call("GET", "/rest/api/latest/projects/PLAT%2Frepos", status=404, body=NO_SUCH_PROJECT))

    assert run_info(dict(key="PLAT/repos"))["projects"] == []
    http.assert_done()


def test_listing_follows_every_page(http, run_info):
    http.expect(
        Call(
            "GET",
            COLLECTION,
            query=[("start", 0), ("limit", 1000)],
            body={"size": 2, "limit": 2, "start": 0, "isLastPage": False, "nextPageStart": 2, "values": [project("A"), project("B")]},
        ),
        Call("GET", COLLECTION, query=[("start", 2), ("limit", 1000)], body={"size": 1, "limit": 2, "start": 2, "isLastPage": True, "values": [project("C")]}),
    )

    result = run_info({})

    assert result == {"changed": False, "projects": [project("A"), project("B"), project("C")]}
    http.assert_done()


def test_listing_with_both_filters(http, run_info):
    http.expect(
        Call(
            "GET",
            COLLECTION,
            query=[("name", "plat"), ("permission", "PROJECT_ADMIN"), ("start", 0), ("limit", 1000)],
            body={"size": 1, "limit": 1000, "start": 0, "isLastPage": False, "nextPageStart": 1, "values": [project("PLAT", "Platform")]},
        ),
        Call(
            "GET",
            COLLECTION,
            query=[("name", "plat"), ("permission", "PROJECT_ADMIN"), ("start", 1), ("limit", 1000)],
            body={"size": 1, "limit": 1000, "start": 1, "isLastPage": True, "values": [project("PLAT2", "Platform 2")]},
        ),
    )

    result = run_info(dict(name="plat", permission="PROJECT_ADMIN"))

    assert [p["key"] for p in result["projects"]] == ["PLAT", "PLAT2"]
    http.assert_done()


@pytest.mark.parametrize("params, query", [({"name": "plat"}, {"name": "plat"}), ({"permission": "PROJECT_READ"}, {"permission": "PROJECT_READ"})])
def test_listing_with_one_filter(http, run_info, params, query):
    http.expect(Call("GET", COLLECTION, query=dict(query, start=0, limit=1000), body={"isLastPage": True, "values": []}))

    assert run_info(params) == {"changed": False, "projects": []}
    http.assert_done()


def test_an_empty_listing(http, run_info):
    http.expect(Call("GET", COLLECTION, query={"start": 0, "limit": 1000}, body={"size": 0, "limit": 1000, "start": 0, "isLastPage": True, "values": []}))

    assert run_info({}, check_mode=True) == {"changed": False, "projects": []}
    http.assert_done()


def test_a_listing_error_is_reported(http, run_info):
    http.expect(Call("GET", COLLECTION, query={"start": 0, "limit": 1000}, status=401, body={"errors": [{"message": "Authentication failed"}]}))

    result = run_info({})

    assert result["failed"] is True
    assert result["http_status"] == 401
    assert result["http_path"] == COLLECTION
    assert result["server_message"] == "Authentication failed"
    http.assert_done()


def test_a_broken_listing_is_reported_not_truncated(http, run_info):
    http.expect(Call("GET", COLLECTION, query={"start": 0, "limit": 1000}, body={"isLastPage": False, "values": [project("A")]}))

    result = run_info({})

    assert result["failed"] is True
    assert "nextPageStart" in result["msg"]
    assert "projects" not in result
    http.assert_done()


def test_the_trace_lists_every_page(http, run_info):
    http.expect(
        Call("GET", COLLECTION, query={"start": 0, "limit": 1000}, body={"isLastPage": False, "nextPageStart": 1, "values": [project("A")]}),
        Call("GET", COLLECTION, query={"start": 1, "limit": 1000}, body={"isLastPage": True, "values": []}),
    )

    result = run_info({}, verbosity=3)

    assert [entry["query"] for entry in result["http_trace"]] == [[("start", 0), ("limit", 1000)], [("start", 1), ("limit", 1000)]]
    http.assert_done()


@pytest.mark.parametrize(
    "params, problem",
    [
        ({"key": "PLAT", "name": "plat"}, "mutually exclusive: key|name"),
        ({"key": "PLAT", "permission": "PROJECT_READ"}, "mutually exclusive: key|permission"),
        ({"permission": "PROJECT_OWNER"}, "value of permission must be one of"),
    ],
)
def test_bad_argument_combinations_are_rejected_by_the_spec(params, problem):
    kwargs = module_kwargs(MODULE_SPEC)
    kwargs.pop("supports_check_mode")

    result = ArgumentSpecValidator(**kwargs).validate(dict(params, url="https://bitbucket.example.com", token="t"))

    assert any(problem in message for message in result.error_messages), result.error_messages
