"""Unit tests of openapi_contract on hand-built requests and responses (no emulator needed)."""

from __future__ import annotations

import json

import pytest

import openapi_contract
from openapi_contract import Contract, assert_no_violations, load_contract, normalize_query

PROJECTS = "/rest/api/latest/projects"
PROJECT = PROJECTS + "/PRJ"
PROJECT_BODY = {"key": "PRJ", "name": "My Project", "description": "Onboarded by Ansible", "public": False}
PROJECT_RESPONSE = {
    "key": "PRJ",
    "id": 1,
    "name": "My Project",
    "description": "Onboarded by Ansible",
    "public": False,
    "type": "NORMAL",
    "links": {"self": [{"href": "http://localhost:7990/projects/PRJ"}]},
}
ERRORS = {"errors": [{"context": None, "message": "A project with key PRJ already exists.", "exceptionName": "DuplicateProjectException"}]}
USER = {"name": "alice", "emailAddress": "alice@example.com", "id": 2, "displayName": "Alice", "active": True, "slug": "alice", "type": "NORMAL"}
TOKEN = {"id": "252973515069", "name": "ci", "createdDate": 1716000000000, "token": "MjUyOTczNTE1MDY5On2rDbID2EgYpH8AVOECHv0saruQ"}


def page(values, **extra):
    body = {"size": len(values), "limit": 25, "isLastPage": True, "start": 0, "values": values}
    body.update(extra)
    return body


@pytest.fixture(scope="module")
def raw_contract(contract):
    """The same document checked without any entry of the defect table."""
    return Contract(contract.spec, source=contract.source, defects=())


def parts(violations):
    return sorted({violation.part for violation in violations})


def messages(violations):
    return "\n".join(str(violation) for violation in violations)


# -- locating the document --------------------------------------------------------------------

def test_openapi_document_is_present():
    """Fails (not errors, not skips) with the path and BITBUCKET_OPENAPI_SPEC when the document is missing."""
    load_contract()


def test_missing_document_fails_naming_path_and_variable(monkeypatch, tmp_path):
    missing = tmp_path / "nowhere" / "openapi.json"
    monkeypatch.setenv(openapi_contract.SPEC_ENV, str(missing))
    with pytest.raises(openapi_contract.SpecNotFoundError) as caught:
        load_contract()
    assert isinstance(caught.value, AssertionError), "a missing document must fail a test, not skip it"
    assert str(missing) in str(caught.value)
    assert openapi_contract.SPEC_ENV in str(caught.value)


def test_default_document_is_beside_the_repository(monkeypatch):
    monkeypatch.delenv(openapi_contract.SPEC_ENV, raising=False)
    root = openapi_contract.repo_root()
    assert (root / "galaxy.yml").is_file()
    assert openapi_contract.spec_path() == root.parent / "shared" / "api-docs" / "bitbucket-dc-9.4-openapi.json"


# -- the happy path -----------------------------------------------------------------------------

def test_project_create_and_response_pass(contract):
    violations = contract.check_exchange(
        "POST", PROJECTS, request_body=PROJECT_BODY, status=201, response_body=PROJECT_RESPONSE,
        request_content_type="application/json", response_content_type="application/json;charset=UTF-8",
    )
    assert violations == [], messages(violations)


def test_project_list_and_json_text_bodies_pass(contract):
    violations = contract.check_exchange("GET", PROJECTS, query={"start": ["0"], "limit": ["1000"], "name": ["My"]},
                                         status=200, response_body=json.dumps(page([PROJECT_RESPONSE])))
    assert violations == [], messages(violations)


def test_permission_grant_with_query_parameters_passes(contract):
    query = "name=alice&name=bob&permission=PROJECT_WRITE"
    assert contract.check_exchange("PUT", PROJECT + "/permissions/users?" + query, status=204) == []
    assert contract.check_exchange("PUT", PROJECT + "/permissions/groups", query={"name": "devs", "permission": "PROJECT_READ"}, status=204) == []


def test_context_path_and_encoded_segments(contract):
    operation = contract.match("GET", "/bitbucket/rest/api/latest/projects/%7Ealice/permissions/users")
    assert operation.template == "/api/latest/projects/{projectKey}/permissions/users"
    assert operation.path_params == {"projectKey": "~alice"}


def test_most_literal_template_wins(contract):
    assert contract.match("GET", PROJECT + "/permissions/users/none").template.endswith("/permissions/users/none")
    assert contract.match("GET", PROJECT + "/permissions/PROJECT_READ/all").template.endswith("/permissions/{permission}/all")
    assert contract.match("POST", PROJECT + "/webhooks/test").template.endswith("/webhooks/test")
    assert contract.match("GET", PROJECT + "/webhooks/12").template.endswith("/webhooks/{webhookId}")


def test_error_response_passes(contract):
    assert contract.check_response("POST", PROJECTS, 409, ERRORS) == []


def test_empty_bodies(contract):
    assert contract.check_response("DELETE", PROJECT, 204, "") == []
    assert contract.check_response("DELETE", PROJECT, 204, None) == []


# -- each kind of violation ---------------------------------------------------------------------

def test_wrong_status_is_reported(contract):
    violations = contract.check_response("POST", PROJECTS, 200, PROJECT_RESPONSE)
    assert parts(violations) == ["status"]
    assert "status 200 is not documented" in violations[0].message
    assert "201" in violations[0].message


def test_undocumented_500_is_reported(contract):
    assert parts(contract.check_response("GET", PROJECT, 500, {"errors": []})) == ["status"]


def test_missing_required_permission_on_permission_put(contract):
    violations = contract.check_request("PUT", PROJECT + "/permissions/users", query={"name": ["alice"]})
    assert parts(violations) == ["query"]
    assert "required query parameter 'permission' is missing" in messages(violations)


def test_missing_required_permission_on_repository_permission_put(contract):
    """The repository variant declares 'permission' required in the document itself."""
    violations = contract.check_request("PUT", PROJECT + "/repos/app/permissions/users", query={"name": ["alice"]})
    assert "required query parameter 'permission' is missing" in messages(violations)


def test_invalid_enum_value_in_query(contract):
    violations = contract.check_request("PUT", PROJECT + "/permissions/groups", query={"name": ["devs"], "permission": ["REPO_WRITE"]})
    assert parts(violations) == ["query"]
    assert "'REPO_WRITE'" in messages(violations)
    violations = contract.check_request("PUT", PROJECT + "/repos/app/permissions/users", query={"name": ["a"], "permission": ["PROJECT_READ"]})
    assert "is not one of" in messages(violations)


def test_invalid_typed_query_values(contract):
    assert parts(contract.check_request("GET", PROJECTS, query={"limit": ["many"]})) == ["query"]
    assert parts(contract.check_request("POST", PROJECT + "/permissions/PROJECT_READ/all", query={"allow": ["maybe"]})) == ["query"]
    assert contract.check_request("POST", PROJECT + "/permissions/PROJECT_READ/all", query={"allow": ["true"]}) == []


def test_invalid_path_parameter(contract):
    violations = contract.check_request("GET", PROJECT + "/permissions/REPO_ADMIN/all")
    assert parts(violations) == ["path"]


def test_undeclared_query_parameter(contract):
    violations = contract.check_request("GET", PROJECTS, query={"name": ["x"], "bogus": ["1"]})
    assert len(violations) == 1
    assert violations[0].part == "query"
    assert "undeclared query parameter 'bogus'" in violations[0].message


def test_body_with_wrong_types(contract):
    violations = contract.check_request("POST", PROJECTS, body={"key": 7, "name": "P", "public": "yes"}, content_type="application/json")
    assert parts(violations) == ["request-body"]
    text = messages(violations)
    assert "$.key" in text
    assert "$.public" in text


def test_body_sent_to_an_operation_without_one(contract):
    """Top trap 1: permission grants take query parameters; a JSON body is a contract violation."""
    violations = contract.check_request("PUT", PROJECT + "/permissions/users", query={"name": ["a"], "permission": ["PROJECT_READ"]},
                                        body={"name": "a", "permission": "PROJECT_READ"})
    assert parts(violations) == ["request-body"]


def test_undocumented_request_content_type(contract):
    violations = contract.check_request("POST", PROJECTS, body="key=PRJ", content_type="application/x-www-form-urlencoded")
    assert "content type 'application/x-www-form-urlencoded' is not documented" in messages(violations)


def test_response_with_wrong_types(contract):
    violations = contract.check_response("GET", PROJECT, 200, dict(PROJECT_RESPONSE, id="one", type="SECRET"))
    assert parts(violations) == ["response-body"]
    text = messages(violations)
    assert "$.id" in text
    assert "$.type" in text


def test_response_missing_or_unexpected_body(contract, raw_contract):
    assert "the response is empty" in messages(contract.check_response("GET", PROJECT, 200, ""))
    assert "a 204 response must be empty" in messages(contract.check_response("PUT", PROJECT + "/permissions/users", 204, {"ok": True}))
    assert "documented without a body" in messages(raw_contract.check_response("PUT", PROJECT + "/permissions/users", 204, {"ok": True}))


def test_unknown_path_and_method(contract):
    violations = contract.check_exchange("GET", "/rest/api/latest/nowhere", status=200)
    assert parts(violations) == ["operation"]
    assert "no documented path matches" in violations[0].message
    violations = contract.check_exchange("PATCH", PROJECT, status=200)
    assert "method PATCH is not documented" in violations[0].message
    assert "not a REST path" in contract.check_request("GET", "/api/latest/projects")[0].message


def test_assert_no_violations_lists_all(contract):
    violations = contract.check_request("GET", PROJECTS, query={"bogus": ["1"], "other": ["2"]})
    with pytest.raises(AssertionError) as caught:
        assert_no_violations(violations, "projects")
    text = str(caught.value)
    assert "projects: 2" in text
    assert "'bogus'" in text
    assert "'other'" in text
    assert_no_violations([])


def test_check_record_reads_the_emulator_log_format(contract):
    record = {"seq": 3, "method": "PUT", "path": PROJECT + "/permissions/users", "query": {"name": ["alice"]},
              "content_type": None, "body": None, "status": 400, "response": ERRORS, "auth": "admin", "duration_ms": 1.2}
    violations = contract.check_record(record)
    assert [v.part for v in violations] == ["query"]
    assert violations[0].status == 400


def test_normalize_query_forms():
    expected = {"name": ["a", "b"], "allow": ["true"], "limit": ["25"]}
    assert normalize_query("name=a&name=b&allow=true&limit=25") == expected
    assert normalize_query({"name": ["a", "b"], "allow": True, "limit": 25}) == expected
    assert normalize_query([("name", "a"), ("name", "b"), ("allow", "true"), ("limit", "25")]) == expected


# -- the defect table: each entry relaxes (or pins) exactly what it says ------------------------

def test_every_defect_entry_cites_and_explains(contract):
    keys = [defect.key for defect in openapi_contract.KNOWN_SPEC_DEFECTS]
    assert len(keys) == len(set(keys))
    for defect in openapi_contract.KNOWN_SPEC_DEFECTS:
        assert defect.source and len(defect.reason) > 40, defect.key
        for method, template in defect.operations:
            assert method.lower() in contract.spec["paths"][template], (defect.key, method, template)
        for component, prop, _keywords in defect.patches:
            schema = contract.spec["components"]["schemas"][component]
            assert prop is None or prop in schema["properties"], (defect.key, component, prop)


def test_date_time_fields_accept_epoch_ms(contract, raw_contract):
    path = "/rest/access-tokens/latest/users/admin"
    assert contract.check_response("PUT", path, 200, TOKEN) == []
    assert contract.check_response("PUT", path, 200, dict(TOKEN, createdDate="2024-05-18T02:40:00Z")) == []
    assert parts(raw_contract.check_response("PUT", path, 200, TOKEN)) == ["response-body"]


def test_access_token_id_is_a_digit_string(contract):
    path = "/rest/access-tokens/latest/projects/PRJ/252973515069"
    assert contract.check_response("GET", path, 200, {"id": "1", "name": "ci", "createdDate": 1716000000000}) == []
    assert "$.id" in messages(contract.check_response("GET", path, 200, {"id": 1, "name": "ci"}))
    assert "$.id" in messages(contract.check_response("GET", path, 200, {"id": "abc", "name": "ci"}))


def test_users_list_is_a_page(contract, raw_contract):
    path = "/rest/api/latest/users"
    query = {"filter": ["ali"], "start": ["0"], "limit": ["1000"], "permission.1": ["PROJECT_READ"], "permission.1.projectKey": ["PRJ"]}
    assert contract.check_exchange("GET", path, query=query, status=200, response_body=page([USER])) == []
    assert contract.check_response("GET", path, 200, [USER]) == []
    assert parts(contract.check_response("GET", path, 200, USER)) == ["response-body"]
    assert parts(raw_contract.check_request("GET", path, query={"start": ["0"]})) == ["query"]


def test_page_shape_is_enforced(contract):
    violations = contract.check_response("GET", PROJECTS, 200, page([], isLastPage=False))
    assert "nextPageStart" in messages(violations)
    assert contract.check_response("GET", PROJECTS, 200, page([], isLastPage=False, nextPageStart=25)) == []
    assert "'values' is a required property" in messages(contract.check_response("GET", PROJECTS, 200, {"isLastPage": True}))
    assert "$.nextPageStart" in messages(contract.check_response("GET", PROJECTS, 200, page([], nextPageStart=None)))


def test_error_context_may_be_null(contract, raw_contract):
    assert contract.check_response("GET", PROJECT, 404, ERRORS) == []
    assert parts(raw_contract.check_response("GET", PROJECT, 404, ERRORS)) == ["response-body"]


def test_groups_none_is_202(contract):
    path = PROJECT + "/permissions/groups/none"
    assert contract.check_response("GET", path, 202, page([{"name": "devs"}])) == []
    assert parts(contract.check_response("GET", path, 200, page([{"name": "devs"}]))) == ["status"]


def test_204_is_always_empty(contract, raw_contract):
    path = PROJECT + "/repos/app"
    assert contract.check_response("DELETE", path, 204, None) == []
    assert "must be empty" in messages(contract.check_response("DELETE", path, 204, ERRORS))
    assert parts(raw_contract.check_response("DELETE", path, 204, None)) == ["response-body"]


def test_transport_statuses_are_accepted(contract, raw_contract):
    assert contract.check_response("GET", PROJECT, 429, "Too many requests") == []
    assert contract.check_response("GET", PROJECT, 503, None) == []
    assert parts(raw_contract.check_response("GET", PROJECT, 429, None)) == ["status"]


def test_read_only_flags_do_not_constrain_requests(contract):
    body = {"name": "Renamed", "description": "now writable", "public": True}
    assert contract.check_request("PUT", PROJECT, body=body, content_type="application/json") == []


def test_mesh_nodes_and_jit_users_are_lists(contract):
    assert contract.check_response("GET", "/rest/api/latest/admin/git/mesh/nodes", 200, [{"id": "1", "name": "mesh-1"}]) == []
    assert contract.check_response("GET", "/rest/authconfig/latest/jit-users", 200, page([])) == []


def test_an_operation_scoped_status_is_accepted_on_that_operation_only(contract, raw_contract):
    # user-settings-malformed-400: a 400 with a RestErrors body on the settings POST, nowhere else.
    settings = "/rest/api/latest/users/alice/settings"
    assert contract.check_response("POST", settings, 400, ERRORS) == []
    assert parts(contract.check_response("POST", settings, 400, {"unexpected": "shape"})) == ["response-body"]
    assert parts(raw_contract.check_response("POST", settings, 400, ERRORS)) == ["status"]
    assert parts(contract.check_response("GET", settings, 400, ERRORS)) == ["status"]
    assert parts(contract.check_response("POST", "/rest/api/latest/admin/groups/add-users", 400, ERRORS)) == ["status"]


def test_the_sender_address_is_a_bare_json_string(contract, raw_contract):
    sender = "/rest/api/latest/admin/mail-server/sender-address"
    assert contract.check_response("GET", sender, 200, '"noreply@example.com"') == []
    assert contract.check_response("GET", sender, 200, None) == []  # nothing set: an empty answer
    assert parts(contract.check_response("GET", sender, 200, {"senderAddress": "noreply@example.com"})) == ["response-body"]
    assert contract.check_response("PUT", sender, 200, '"noreply@example.com"') == []
    assert parts(contract.check_response("PUT", sender, 200, None)) == ["response-body"]
    # The document alone declares no schema, so it cannot tell an object from a string.
    assert raw_contract.check_response("GET", sender, 200, {"senderAddress": "noreply@example.com"}) == []


def test_log_levels_are_the_five_documented_in_any_case(contract, raw_contract):
    assert contract.check_request("PUT", "/rest/api/latest/logs/logger/com.atlassian/debug") == []
    assert contract.check_request("PUT", "/rest/api/latest/logs/rootLogger/WARN") == []
    assert parts(contract.check_request("PUT", "/rest/api/latest/logs/rootLogger/verbose")) == ["path"]
    assert raw_contract.check_request("PUT", "/rest/api/latest/logs/rootLogger/verbose") == []


def test_error_entity_carries_its_message(contract, raw_contract):
    put = ("PUT", "/rest/basicauth/latest/config")
    assert contract.check_response(*put, 409, {"message": "Another update is in progress."}) == []
    core_body = {"errors": [{"context": None, "message": "x", "exceptionName": None}]}
    assert parts(contract.check_response(*put, 409, core_body)) == ["response-body"]
    assert raw_contract.check_response(*put, 409, core_body) == []


def test_auth_plugin_refusals_take_either_error_body_on_those_operations_only(contract, raw_contract):
    item = "/rest/authconfig/latest/idps/7"
    for body in ({"message": "No IdP configuration with ID 7 exists."}, {"errors": [{"context": None, "message": "x", "exceptionName": None}]}):
        assert contract.check_response("GET", item, 404, body) == [], body
        assert contract.check_response("DELETE", "/rest/tsv/latest/totp/unenroll/user/alice", 401, body) == [], body
    assert parts(contract.check_response("GET", item, 404, {"error": "plain"})) == ["response-body"]
    assert parts(raw_contract.check_response("GET", item, 404, {"message": "x"})) == ["status"]
    # Elsewhere a 404 still needs the core body (missing-resource-404).
    assert parts(contract.check_response("GET", "/rest/api/latest/projects", 404, {"message": "x"})) == ["response-body"]


# -- settings (API-MAP 3.19, 3.20): a request body the document leaves out, statuses of some operations, forms --

HOOK_ENABLED = PROJECT + "/settings/hooks/com.example:hook/enabled"
REPO_HOOK_ENABLED = PROJECT + "/repos/app/settings/hooks/com.example:hook/enabled"
HOOK_SCRIPTS = "/rest/api/latest/hook-scripts"


def test_enabling_a_hook_may_carry_its_settings(contract, raw_contract):
    for path in (HOOK_ENABLED, REPO_HOOK_ENABLED):
        assert contract.check_request("PUT", path, body={"sizeLimit": 10}, content_type="application/json") == []
        assert contract.check_request("PUT", path) == []
        assert "takes no request body" in messages(raw_contract.check_request("PUT", path, body={"sizeLimit": 10}, content_type="application/json"))
    assert "request-body" in parts(contract.check_request("PUT", HOOK_ENABLED, body=[1, 2], content_type="application/json"))


def test_statuses_of_a_defect_that_names_operations_are_accepted_there_only(contract):
    # 403/415 of the hook-script forms, and 400 of the repository's enableHook: not accepted anywhere else.
    assert contract.check_response("POST", HOOK_SCRIPTS, 403, ERRORS) == []
    assert contract.check_response("POST", HOOK_SCRIPTS, 415, ERRORS) == []
    assert contract.check_response("PUT", REPO_HOOK_ENABLED, 400, ERRORS) == []
    assert parts(contract.check_response("GET", PROJECT, 415, ERRORS)) == ["status"]
    assert parts(contract.check_response("POST", PROJECTS, 403, ERRORS)) == ["status"]
    assert parts(contract.check_response("POST", HOOK_SCRIPTS, 403, {"no": "errors"})) == ["response-body"]


def test_a_recorded_form_is_checked_against_the_form_schema(contract):
    form = {"name": "reject-large", "type": "PRE", "content": "exit 0"}
    multipart = "multipart/form-data; boundary=xyz"
    assert contract.check_request("POST", HOOK_SCRIPTS, body=form, content_type=multipart) == []
    assert "$.name" in messages(contract.check_request("POST", HOOK_SCRIPTS, body=dict(form, name=7), content_type=multipart))
    # updateHookScript declares */*: the form's schema applies too.
    assert "$.content" in messages(contract.check_request("PUT", HOOK_SCRIPTS + "/3", body={"content": 1}, content_type=multipart))
    assert "not documented" in messages(contract.check_request("POST", HOOK_SCRIPTS, body={"name": "x"}, content_type="application/json"))


RESTRICTIONS = "/rest/branch-permissions/latest/projects/PRJ/restrictions"
RESTRICTION = {"type": "no-deletes", "matcher": {"id": "refs/heads/main", "displayId": "main", "type": {"id": "BRANCH", "name": "Branch"}}}


def test_restrictions_take_the_single_form_too(contract, raw_contract):
    for path in (RESTRICTIONS, "/rest/branch-permissions/latest/projects/PRJ/repos/app/restrictions"):
        assert contract.check_request("POST", path, body=RESTRICTION, content_type="application/json") == []
        assert "content type 'application/json' is not documented" in messages(
            raw_contract.check_request("POST", path, body=RESTRICTION, content_type="application/json"))
        # The documented bulk form stays what it was: an array.
        bulk = "application/vnd.atl.bitbucket.bulk+json"
        assert contract.check_request("POST", path, body=[RESTRICTION], content_type=bulk) == []
        assert parts(contract.check_request("POST", path, body=RESTRICTION, content_type=bulk)) == ["request-body"]
    assert parts(contract.check_request("POST", RESTRICTIONS, body=dict(RESTRICTION, type=5), content_type="application/json")) == ["request-body"]


def test_webhooks_list_is_a_page(contract, raw_contract):
    hooks = PROJECT + "/webhooks"
    hook = {"id": 1, "name": "ci", "url": "https://ci.example.com", "events": ["repo:refs_changed"], "active": True}
    assert contract.check_exchange("GET", hooks, query={"start": 0, "limit": 1000}, status=200, response_body=page([hook])) == []
    assert "undeclared query parameter 'start'" in messages(raw_contract.check_request("GET", hooks, query={"start": 0}))
    assert parts(contract.check_response("GET", hooks, 200, page([dict(hook, events="repo:refs_changed")]))) == ["response-body"]
    assert parts(contract.check_response("GET", hooks, 200, [hook])) == []


def test_a_json_body_to_an_any_media_operation_is_checked_against_its_schema(contract):
    """The required-builds conditions declare their request as "*/*": a JSON body is still held to the schema."""
    path = "/rest/required-builds/latest/projects/PRJ/repos/app/condition"
    matcher = {"id": "refs/heads/main", "type": {"id": "BRANCH"}}
    assert contract.check_request("POST", path, body={"buildParentKeys": ["CI"], "refMatcher": matcher}, content_type="application/json") == []
    violations = contract.check_request("POST", path, body={"buildParentKeys": "CI", "refMatcher": dict(matcher, type={"id": "TAG"})},
                                        content_type="application/json")
    assert parts(violations) == ["request-body"]
    text = messages(violations)
    assert "$.buildParentKeys" in text
    assert "$.refMatcher.type.id" in text


def test_required_build_keys_are_a_non_empty_list(contract, raw_contract):
    path = "/rest/required-builds/latest/projects/PRJ/repos/app/condition/7"
    empty = {"buildParentKeys": [], "refMatcher": {"id": "refs/heads/main", "type": {"id": "BRANCH"}}}
    assert raw_contract.check_request("PUT", path, body=empty, content_type="application/json") == []
    assert "$.buildParentKeys" in messages(contract.check_request("PUT", path, body=empty, content_type="application/json"))
