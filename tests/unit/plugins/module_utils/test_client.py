"""The HTTP client: URLs, auth, TLS, errors, paging, retries and the trace, call by call."""

from __future__ import annotations

import email.utils
import itertools

import pytest
import requests
from urllib3.exceptions import ProtocolError

from ansible_collections.bitbucket.datacenter.plugins.module_utils import _client
from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import (
    MAX_PAGE_LIMIT,
    REDACTED,
    USER_AGENT,
    BitbucketClient,
    BitbucketError,
    parse_error_message,
    redact_query,
    rest_path,
)
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import (
    ANY,
    Call,
    FakeSession,
    connect_timeout,
    connection_refused,
    connection_reset,
    read_timeout,
    ssl_error,
)

PROJECTS = "/rest/api/latest/projects"
PLAT = "/rest/api/latest/projects/PLAT"


# -- URL building ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "segments, expected",
    [
        (("projects",), "/rest/api/latest/projects"),
        # "~" is unreserved (RFC 3986), so a personal project key goes as it is.
        (("projects", "~alice", "repos"), "/rest/api/latest/projects/~alice/repos"),
        # A slash inside a segment must not make a new path level.
        (("admin", "logs", "logger", "a/b"), "/rest/api/latest/admin/logs/logger/a%2Fb"),
        # Hook keys: "com.atlassian...:force-push-hook".
        (("settings", "hooks", "com.example.hooks:force-push"), "/rest/api/latest/settings/hooks/com.example.hooks%3Aforce-push"),
        (("users", "john smith"), "/rest/api/latest/users/john%20smith"),
        (("users", "x?y#z%"), "/rest/api/latest/users/x%3Fy%23z%25"),
        (("users", "j\u00fcrgen"), "/rest/api/latest/users/j%C3%BCrgen"),
        ((42,), "/rest/api/latest/42"),
    ],
)
def test_rest_path_encodes_every_segment(segments, expected):
    assert rest_path("api", *segments) == expected


@pytest.mark.parametrize("segment", ["..", ".", ""])
def test_rest_path_refuses_a_segment_that_would_address_another_resource(segment):
    # requests removes dot segments before sending (and decodes %2E back to "."), so
    # DELETE rest_path("api", "projects", "KEY", "repos", "..") would go to /rest/api/latest/projects/KEY/
    # and delete the project; an empty segment turns an item path into its collection's.
    assert requests.Request("DELETE", "https://h.example.com/rest/api/latest/projects/KEY/repos/..").prepare().path_url == "/rest/api/latest/projects/KEY/"
    with pytest.raises((ValueError, BitbucketError)):
        rest_path("api", "projects", "KEY", "repos", segment)


def test_rest_path_uses_latest_for_other_plugins():
    assert rest_path("access-tokens", "users", "~bob") == "/rest/access-tokens/latest/users/~bob"


def test_base_url_keeps_the_context_path(http, make_client):
    client = make_client(base_url="https://scm.example.com/bitbucket/")
    http.expect(Call("GET", rest_path("api", "projects", "a/b"), body={"key": "X"}))

    assert client.get(rest_path("api", "projects", "a/b")) == {"key": "X"}

    assert http.calls[0].url == "https://scm.example.com/bitbucket/rest/api/latest/projects/a%2Fb"
    http.assert_done()


# -- session set-up: auth, TLS, headers ---------------------------------------------------------


def test_token_is_sent_as_bearer_and_no_basic_auth(http, make_client):
    make_client(token="abc123")
    assert http.headers["Authorization"] == "Bearer abc123"
    assert http.auth is None


def test_username_and_password_use_basic_auth_and_no_bearer(http, make_client):
    make_client(token=None, username="admin", password="pw")
    assert http.auth == ("admin", "pw")
    assert "Authorization" not in http.headers


def test_no_credentials_means_no_authentication_at_all(http, make_client):
    make_client(token=None)
    assert http.auth is None
    assert "Authorization" not in http.headers


def test_tls_verification_is_on_by_default(http, make_client):
    make_client()
    assert http.verify is True


def test_validate_certs_false_turns_verification_off(http, make_client):
    make_client(validate_certs=False)
    assert http.verify is False


def test_ca_path_is_the_bundle_requests_verifies_with(http, make_client):
    make_client(ca_path="/etc/pki/bitbucket-ca.pem")
    assert http.verify == "/etc/pki/bitbucket-ca.pem"


@pytest.mark.parametrize(
    "options, verify", [({"ca_path": "/etc/pki/bitbucket-ca.pem"}, "/etc/pki/bitbucket-ca.pem"), ({"validate_certs": False}, False), ({}, True)]
)
def test_every_request_carries_verify_so_that_requests_ca_bundle_cannot_override_it(http, make_client, options, verify):
    # psf/requests#3829: with REQUESTS_CA_BUNDLE set, Session.verify alone is ignored.
    http.expect(Call("GET", "/rest/api/latest/projects", body={}))
    make_client(**options).get("/rest/api/latest/projects")
    assert http.calls[0].extra["verify"] == verify


def test_validate_certs_false_is_not_overridden_by_ca_path(http, make_client):
    # As in ansible.builtin.uri: ca_path only says which CAs to trust when verifying. A CA bundle set
    # for the whole environment (BITBUCKET_CA_PATH) must not turn verification back on for a task
    # that sets validate_certs: false.
    make_client(validate_certs=False, ca_path="/etc/pki/bitbucket-ca.pem")
    assert http.verify is False


def test_every_request_accepts_json_and_names_the_collection(http, make_client):
    client = make_client(timeout=12)
    http.expect(Call("GET", PROJECTS, body={"values": [], "isLastPage": True}))

    client.get(PROJECTS)

    sent = http.calls[0]
    assert sent.headers["Accept"] == "application/json"
    assert sent.headers["User-Agent"] == USER_AGENT
    assert USER_AGENT.startswith("bitbucket.datacenter-ansible/")
    assert sent.headers["Authorization"] == "Bearer t0ken-value"
    assert sent.timeout == 12
    http.assert_done()


def test_a_get_sends_no_body(http, make_client):
    client = make_client()
    http.expect(Call("GET", PLAT, body={"key": "PLAT"}))

    client.get(PLAT)

    assert http.calls[0].data is None
    assert http.calls[0].json is None
    http.assert_done()


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_a_bodiless_write_sends_an_explicit_empty_body(http, make_client, method):
    client = make_client()
    http.expect(Call(method, PLAT, status=204))

    response = client.request(method, PLAT)

    assert response.status == 204
    assert response.body is None
    assert http.calls[0].data == b""
    assert http.calls[0].json is None
    http.assert_done()


def test_a_write_with_a_body_sends_json_only(http, make_client):
    client = make_client()
    http.expect(Call("POST", PROJECTS, json={"key": "PLAT", "name": "Platform"}, status=201, body={"key": "PLAT", "id": 1}))

    response = client.post(PROJECTS, json={"key": "PLAT", "name": "Platform"})

    assert response.status == 201
    assert response.body == {"key": "PLAT", "id": 1}
    assert http.calls[0].data is None
    http.assert_done()


def test_per_request_headers_are_added(http, make_client):
    client = make_client()
    http.expect(Call("POST", "/rest/api/latest/hook-scripts", status=201, body={"id": 3}))

    client.request("POST", "/rest/api/latest/hook-scripts", headers={"X-Atlassian-Token": "no-check"})

    assert http.calls[0].headers["X-Atlassian-Token"] == "no-check"
    assert http.calls[0].headers["Accept"] == "application/json"
    http.assert_done()


# -- multipart form data (hook scripts, API-MAP 1.3 and 3.20) ------------------------------------

HOOK_SCRIPTS = "/rest/api/latest/hook-scripts"
SCRIPT_FIELDS = [
    ("name", "reject-large"),
    ("type", "PRE"),
    ("description", "Große Dateien"),
    ("content", ("reject-large.sh", "#!/bin/sh\nexit 0\n", "text/plain")),
]
SCRIPT_PARTS = [
    ("name", (None, b"reject-large")),
    ("type", (None, b"PRE")),
    ("description", (None, "Große Dateien".encode("utf-8"))),
    ("content", ("reject-large.sh", b"#!/bin/sh\nexit 0\n", "text/plain")),
]


def test_multipart_fields_go_as_parts_with_the_xsrf_header_and_no_json(http, make_client):
    client = make_client()
    http.expect(Call("POST", HOOK_SCRIPTS, status=200, body={"id": 7, "name": "reject-large"}))

    response = client.post(HOOK_SCRIPTS, files=SCRIPT_FIELDS)

    assert response.body == {"id": 7, "name": "reject-large"}
    sent = http.calls[0]
    assert sent.json is None
    # No explicit empty body next to the parts: requests builds the multipart body from files=.
    assert sent.data is None
    assert sent.extra["files"] == SCRIPT_PARTS
    assert sent.headers["X-Atlassian-Token"] == "no-check"
    assert sent.headers["Accept"] == "application/json"
    http.assert_done()


def test_a_plain_field_has_no_file_name_so_the_server_reads_it_as_a_form_field():
    import requests as real_requests

    prepared = real_requests.Request("POST", "https://h.example.com" + HOOK_SCRIPTS, files=_client._multipart_parts(SCRIPT_FIELDS)).prepare()
    body = prepared.body.decode("utf-8")
    assert prepared.headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert 'Content-Disposition: form-data; name="name"\r\n\r\nreject-large\r\n' in body
    assert 'Content-Disposition: form-data; name="content"; filename="reject-large.sh"\r\nContent-Type: text/plain\r\n\r\n#!/bin/sh\nexit 0\n' in body


def test_json_and_multipart_together_are_refused_before_sending(http, make_client):
    client = make_client()

    with pytest.raises(BitbucketError, match="either a JSON body or multipart form data"):
        client.request("PUT", HOOK_SCRIPTS + "/7", json={"name": "x"}, files=[("name", "x")])

    assert http.calls == []


def test_a_multipart_post_answered_503_is_not_repeated_and_may_have_applied(http, make_client, sleeps):
    client = make_client()
    http.expect(Call("POST", HOOK_SCRIPTS, status=503))

    with pytest.raises(BitbucketError) as caught:
        client.post(HOOK_SCRIPTS, files=SCRIPT_FIELDS)

    assert caught.value.maybe_applied is True
    assert sleeps == []
    http.assert_done()


def test_a_rate_limited_multipart_post_is_sent_again_with_the_same_parts(http, make_client, sleeps):
    client = make_client()
    http.expect(Call("POST", HOOK_SCRIPTS, status=429, headers={"Retry-After": "1"}), Call("POST", HOOK_SCRIPTS, status=200, body={"id": 7}))

    client.post(HOOK_SCRIPTS, files=SCRIPT_FIELDS)

    assert [call.extra["files"] for call in http.calls] == [SCRIPT_PARTS, SCRIPT_PARTS]
    assert all(call.headers["X-Atlassian-Token"] == "no-check" for call in http.calls)
    assert sleeps == [1.0]
    http.assert_done()


def test_a_multipart_put_is_retried_after_a_gateway_error(http, make_client, sleeps):
    # updateHookScript sets the fields it is given: sending it twice gives the same script.
    client = make_client()
    http.expect(Call("PUT", HOOK_SCRIPTS + "/7", status=502), Call("PUT", HOOK_SCRIPTS + "/7", status=200, body={"id": 7, "version": 2}))

    assert client.put(HOOK_SCRIPTS + "/7", files=[("description", "new")]).body == {"id": 7, "version": 2}
    assert sleeps == [0.5]
    http.assert_done()


def test_get_text_returns_a_text_answer_as_utf8(http, make_client):
    client = make_client()
    script = "#!/bin/sh\necho 'größer'\n"
    http.expect(Call("GET", HOOK_SCRIPTS + "/7/content", text=script, headers={"Content-Type": "text/plain"}))

    assert client.get_text(HOOK_SCRIPTS + "/7/content") == script

    # spec "read" answers text/plain or application/octet-stream; it is asked for those.
    assert "text/plain" in http.calls[0].headers["Accept"]
    http.assert_done()


def test_get_text_of_a_missing_script_with_missing_ok_is_none(http, make_client):
    client = make_client()
    http.expect(Call("GET", HOOK_SCRIPTS + "/8/content", status=404, body={"errors": [{"message": "No such hook script"}]}))

    assert client.get_text(HOOK_SCRIPTS + "/8/content", missing_ok=True) is None
    http.assert_done()


def test_an_empty_answer_has_empty_text(http, make_client):
    client = make_client()
    http.expect(Call("GET", HOOK_SCRIPTS + "/9/content", status=200))

    assert client.get_text(HOOK_SCRIPTS + "/9/content") == ""
    http.assert_done()


def test_query_parameters_go_in_order_with_lists_flattened_and_none_dropped(http, make_client):
    client = make_client()
    path = "/rest/api/latest/projects/P/permissions/search"
    http.expect(Call("GET", path, query=[("permission", "PROJECT_READ"), ("permission", "PROJECT_WRITE"), ("type", "USER")], body={"ok": 1}))

    client.get(path, params={"permission": ["PROJECT_READ", "PROJECT_WRITE"], "filterText": None, "type": "USER"})

    http.assert_done()


def test_close_closes_the_session(http, make_client):
    client = make_client()
    client.close()
    assert http.closed


# -- answers and errors -------------------------------------------------------------------------


def test_core_error_body_becomes_one_error_with_method_path_status_and_message(http, make_client):
    client = make_client()
    body = {"errors": [{"context": None, "message": "Project key is already in use.", "exceptionName": "com.atlassian.bitbucket.DuplicateEntityException"}]}
    http.expect(Call("POST", PROJECTS, json={"key": "PLAT"}, status=409, body=body))

    with pytest.raises(BitbucketError) as caught:
        client.post(PROJECTS, json={"key": "PLAT"})

    error = caught.value
    assert str(error) == "POST /rest/api/latest/projects: HTTP 409: Project key is already in use."
    assert (error.method, error.path, error.status) == ("POST", PROJECTS, 409)
    assert error.server_message == "Project key is already in use."
    assert error.maybe_applied is False
    assert error.body == body
    assert error.details() == {
        "http_method": "POST",
        "http_path": PROJECTS,
        "http_status": 409,
        "server_message": "Project key is already in use.",
    }
    http.assert_done()


def test_authconfig_error_body_style_is_understood(http, make_client):
    client = make_client()
    path = "/rest/authconfig/latest/idps"
    http.expect(Call("GET", path, query=ANY, status=400, body={"message": "limit must be -1 or positive"}))

    with pytest.raises(BitbucketError) as caught:
        client.get_results(path)

    assert caught.value.server_message == "limit must be -1 or positive"
    assert caught.value.status == 400
    assert str(caught.value) == "GET /rest/authconfig/latest/idps: HTTP 400: limit must be -1 or positive"
    http.assert_done()


def test_non_json_error_body_is_reported_as_text(http, make_client):
    client = make_client(max_retries=0)
    http.expect(Call("GET", PLAT, status=500, text="  <html><body>Internal failure</body></html>\n"))

    with pytest.raises(BitbucketError) as caught:
        client.get(PLAT)

    assert caught.value.server_message == "<html><body>Internal failure</body></html>"
    assert caught.value.body is None
    assert caught.value.status == 500
    assert "HTTP 500: <html><body>Internal failure</body></html>" in str(caught.value)
    http.assert_done()


def test_error_without_body_falls_back_to_the_reason_phrase(http, make_client):
    client = make_client()
    http.expect(Call("DELETE", PLAT, status=400))

    with pytest.raises(BitbucketError) as caught:
        client.delete(PLAT)

    assert caught.value.server_message is None
    assert str(caught.value) == "DELETE /rest/api/latest/projects/PLAT: HTTP 400: Bad Request"
    http.assert_done()


def test_401_explains_that_it_may_mean_missing_permissions(http, make_client):
    client = make_client()
    body = {"errors": [{"context": None, "message": "You are not permitted to access this resource", "exceptionName": "AuthorisationException"}]}
    http.expect(Call("DELETE", PLAT, status=401, body=body))

    with pytest.raises(BitbucketError) as caught:
        client.delete(PLAT)

    assert caught.value.status == 401
    assert caught.value.server_message == "You are not permitted to access this resource"
    assert "both for bad credentials and for missing permissions" in str(caught.value)
    http.assert_done()


NO_SUCH_PROJECT = {"errors": [{"context": None, "message": "Project PLAT does not exist.", "exceptionName": "NoSuchProjectException"}]}


def test_404_with_missing_ok_means_absent(http, make_client):
    client = make_client()
    http.expect(Call("GET", PLAT, status=404, body=NO_SUCH_PROJECT), Call("DELETE", PLAT, status=404, body=NO_SUCH_PROJECT))

    assert client.get(PLAT, missing_ok=True) is None
    assert client.delete(PLAT, missing_ok=True) is None
    http.assert_done()


def test_404_without_missing_ok_is_an_error(http, make_client):
    client = make_client()
    http.expect(Call("GET", PLAT, status=404, body=NO_SUCH_PROJECT))

    with pytest.raises(BitbucketError) as caught:
        client.get(PLAT)

    assert caught.value.status == 404
    assert caught.value.server_message == "Project PLAT does not exist."
    http.assert_done()


@pytest.mark.parametrize("status", [400, 401, 403, 409, 500])
def test_missing_ok_hides_only_404(http, make_client, status):
    client = make_client(max_retries=0)
    http.expect(Call("GET", PLAT, status=status, body={"errors": [{"message": "no"}]}))

    with pytest.raises(BitbucketError) as caught:
        client.get(PLAT, missing_ok=True)

    assert caught.value.status == status
    http.assert_done()


def test_204_has_no_body_even_when_the_server_sends_bytes(http, make_client):
    client = make_client()
    http.expect(Call("PUT", "/rest/api/latest/admin/banner", json={"message": "hi"}, status=204, text="garbage"))

    response = client.put("/rest/api/latest/admin/banner", json={"message": "hi"})

    assert response.status == 204
    assert response.body is None
    http.assert_done()


@pytest.mark.parametrize("status", [200, 201, 202])
def test_any_2xx_is_success_and_its_json_is_decoded(http, make_client, status):
    client = make_client()
    http.expect(Call("DELETE", "/rest/authconfig/latest/idps/7", status=status, body={"id": 7}))

    response = client.delete("/rest/authconfig/latest/idps/7")

    assert (response.status, response.body) == (status, {"id": 7})
    http.assert_done()


def test_a_2xx_with_an_empty_body_decodes_to_none(http, make_client):
    client = make_client()
    http.expect(Call("GET", "/rest/api/latest/admin/banner", status=200))

    assert client.get("/rest/api/latest/admin/banner") is None
    http.assert_done()


def test_a_bare_json_string_body_is_returned_as_it_is(http, make_client):
    # API-MAP Top trap 9: the mail server's sender address is a bare JSON string.
    client = make_client()
    http.expect(Call("GET", "/rest/api/latest/admin/mail-server/sender-address", body="noreply@example.com"))

    assert client.get("/rest/api/latest/admin/mail-server/sender-address") == "noreply@example.com"
    http.assert_done()


@pytest.mark.parametrize(
    "body, text, expected",
    [
        ({"errors": [{"context": None, "message": "A", "exceptionName": "X"}]}, "", "A"),
        ({"errors": [{"context": "name", "message": "must not be empty"}, {"message": "B"}]}, "", "name: must not be empty; B"),
        ({"errors": [{"context": None, "message": None, "exceptionName": "com.example.Boom"}]}, "", "com.example.Boom"),
        ({"errors": ["not a dict", {"message": "C"}]}, "", "C"),
        ({"errors": [], "message": "D"}, "", "D"),
        ({"message": "E"}, "", "E"),
        ({"captchaRequired": True, "message": "F"}, "", "F"),
        ({}, "", None),
        (None, "  plain text  ", "plain text"),
        (None, "", None),
        (None, None, None),
        (None, "x" * 900, "x" * 500),
        (["a", "list"], "", None),
    ],
)
def test_parse_error_message(body, text, expected):
    assert parse_error_message(body, text) == expected


# -- paging -------------------------------------------------------------------------------------


def test_get_paged_follows_next_page_start_not_start_plus_size(http, make_client):
    client = make_client()
    http.expect(
        Call(
            "GET",
            PROJECTS,
            query=[("name", "plat"), ("start", 0), ("limit", 1000)],
            body={"size": 2, "limit": 2, "start": 0, "isLastPage": False, "nextPageStart": 7, "values": [{"key": "A"}, {"key": "B"}]},
        ),
        Call(
            "GET",
            PROJECTS,
            query=[("name", "plat"), ("start", 7), ("limit", 1000)],
            body={"size": 1, "limit": 2, "start": 7, "isLastPage": False, "nextPageStart": 9, "values": [{"key": "C"}]},
        ),
        Call(
            "GET",
            PROJECTS,
            query=[("name", "plat"), ("start", 9), ("limit", 1000)],
            body={"size": 1, "limit": 2, "start": 9, "isLastPage": True, "values": [{"key": "D"}]},
        ),
    )

    assert client.get_paged(PROJECTS, params={"name": "plat"}) == [{"key": "A"}, {"key": "B"}, {"key": "C"}, {"key": "D"}]
    http.assert_done()


def test_get_paged_asks_for_the_largest_page():
    assert MAX_PAGE_LIMIT == 1000


def test_get_paged_does_not_change_the_callers_params(http, make_client):
    client = make_client()
    params = {"name": "plat"}
    http.expect(Call("GET", PROJECTS, query={"name": "plat", "start": 0, "limit": 1000}, body={"isLastPage": True, "values": []}))

    assert client.get_paged(PROJECTS, params=params) == []
    assert params == {"name": "plat"}
    http.assert_done()


def test_a_page_that_claims_more_without_a_next_start_is_an_error(http, make_client):
    client = make_client()
    http.expect(Call("GET", PROJECTS, query={"start": 0, "limit": 1000}, body={"isLastPage": False, "values": [{"key": "A"}]}))

    with pytest.raises(BitbucketError) as caught:
        client.get_paged(PROJECTS)

    assert "not the last page" in str(caught.value)
    assert "nextPageStart" in str(caught.value)
    assert (caught.value.method, caught.value.path) == ("GET", PROJECTS)
    http.assert_done()


def test_a_next_start_that_does_not_advance_is_an_error(http, make_client):
    client = make_client()
    http.expect(
        Call("GET", PROJECTS, query={"start": 0, "limit": 1000}, body={"isLastPage": False, "nextPageStart": 3, "values": [{"key": "A"}]}),
        Call("GET", PROJECTS, query={"start": 3, "limit": 1000}, body={"isLastPage": False, "nextPageStart": 3, "values": [{"key": "B"}]}),
    )

    with pytest.raises(BitbucketError) as caught:
        client.get_paged(PROJECTS)

    assert "start=3" in str(caught.value)
    http.assert_done()


def test_a_next_start_that_goes_back_is_an_error(http, make_client):
    client = make_client()
    http.expect(
        Call("GET", PROJECTS, query={"start": 0, "limit": 1000}, body={"isLastPage": False, "nextPageStart": 5, "values": []}),
        Call("GET", PROJECTS, query={"start": 5, "limit": 1000}, body={"isLastPage": False, "nextPageStart": 2, "values": []}),
    )

    with pytest.raises(BitbucketError):
        client.get_paged(PROJECTS)
    http.assert_done()


def test_a_bare_list_is_accepted_as_the_whole_result(http, make_client):
    client = make_client()
    path = "/rest/api/latest/admin/git/mesh/nodes"
    http.expect(Call("GET", path, query={"start": 0, "limit": 1000}, body=[{"id": 1}, {"id": 2}]))

    assert client.get_paged(path) == [{"id": 1}, {"id": 2}]
    http.assert_done()


def test_get_paged_returns_none_for_a_missing_collection_when_asked(http, make_client):
    client = make_client()
    path = "/rest/api/latest/projects/NOPE/repos"
    http.expect(Call("GET", path, query={"start": 0, "limit": 1000}, status=404, body=NO_SUCH_PROJECT))

    assert client.get_paged(path, missing_ok=True) is None
    http.assert_done()


def test_get_paged_rejects_an_answer_that_is_not_a_page(http, make_client):
    client = make_client()
    http.expect(Call("GET", PROJECTS, query=ANY, body={"results": []}))

    with pytest.raises(BitbucketError) as caught:
        client.get_paged(PROJECTS)

    assert "expected a page with 'values'" in str(caught.value)
    http.assert_done()


def test_get_results_asks_for_everything_and_steps_by_size(http, make_client):
    client = make_client()
    path = "/rest/authconfig/latest/idps"
    http.expect(
        Call("GET", path, query=[("start", 0), ("limit", -1)], body={"size": 2, "start": 0, "isLastPage": False, "results": [{"id": 1}, {"id": 2}]}),
        Call("GET", path, query=[("start", 2), ("limit", -1)], body={"size": 1, "start": 2, "isLastPage": True, "results": [{"id": 3}]}),
    )

    assert client.get_results(path) == [{"id": 1}, {"id": 2}, {"id": 3}]
    http.assert_done()


def test_get_results_fails_on_an_empty_page_that_is_not_the_last(http, make_client):
    client = make_client()
    path = "/rest/authconfig/latest/login-options"
    http.expect(Call("GET", path, query={"start": 0, "limit": -1}, body={"isLastPage": False, "results": []}))

    with pytest.raises(BitbucketError) as caught:
        client.get_results(path)

    assert "holds no results" in str(caught.value)
    http.assert_done()


def test_get_results_accepts_a_bare_list(http, make_client):
    client = make_client()
    path = "/rest/authconfig/latest/jit-users"
    http.expect(Call("GET", path, query={"start": 0, "limit": -1}, body=[{"username": "a"}]))

    assert client.get_results(path) == [{"username": "a"}]
    http.assert_done()


# -- retry policy -------------------------------------------------------------------------------


def test_429_honours_retry_after_in_seconds(http, make_client, sleeps):
    client = make_client()
    http.expect(
        Call("GET", PLAT, status=429, headers={"Retry-After": "7"}, body={"errors": [{"message": "Rate limit exceeded"}]}),
        Call("GET", PLAT, body={"key": "PLAT"}),
    )

    assert client.get(PLAT) == {"key": "PLAT"}
    assert sleeps == [7.0]
    http.assert_done()


def test_429_honours_retry_after_as_an_http_date(http, make_client, sleeps, monkeypatch):
    now = 1_780_000_000.0
    monkeypatch.setattr(_client.time, "time", lambda: now)
    client = make_client()
    http.expect(
        Call("GET", PLAT, status=429, headers={"Retry-After": email.utils.formatdate(now + 12, usegmt=True)}),
        Call("GET", PLAT, body={"key": "PLAT"}),
    )

    assert client.get(PLAT) == {"key": "PLAT"}
    assert sleeps == [12.0]
    http.assert_done()


def test_429_with_a_retry_after_date_in_the_past_retries_at_once(http, make_client, sleeps, monkeypatch):
    now = 1_780_000_000.0
    monkeypatch.setattr(_client.time, "time", lambda: now)
    client = make_client()
    http.expect(
        Call("GET", PLAT, status=429, headers={"Retry-After": email.utils.formatdate(now - 60, usegmt=True)}),
        Call("GET", PLAT, body={"key": "PLAT"}),
    )

    client.get(PLAT)

    assert sleeps == [0.0]
    http.assert_done()


@pytest.mark.parametrize("header", [None, "soon", ""])
def test_429_without_a_usable_retry_after_uses_the_backoff(http, make_client, sleeps, header):
    client = make_client()
    headers = {"Retry-After": header} if header is not None else {}
    http.expect(
        Call("GET", PLAT, status=429, headers=headers),
        Call("GET", PLAT, status=429, headers=headers),
        Call("GET", PLAT, body={"key": "PLAT"}),
    )

    client.get(PLAT)

    assert sleeps == [0.5, 1.0]
    http.assert_done()


def test_429_is_retried_for_a_post_because_it_was_not_processed(http, make_client, sleeps):
    client = make_client()
    http.expect(
        Call("POST", PROJECTS, json={"key": "PLAT"}, status=429, headers={"Retry-After": "2"}),
        Call("POST", PROJECTS, json={"key": "PLAT"}, status=201, body={"key": "PLAT"}),
    )

    assert client.post(PROJECTS, json={"key": "PLAT"}).status == 201
    assert sleeps == [2.0]
    http.assert_done()


def test_429_once_retries_are_spent_is_an_error_that_was_not_applied(http, make_client, sleeps):
    client = make_client(max_retries=2)
    http.expect(*[Call("POST", PROJECTS, json={"key": "PLAT"}, status=429, headers={"Retry-After": "1"}, body={"message": "slow down"})] * 3)

    with pytest.raises(BitbucketError) as caught:
        client.post(PROJECTS, json={"key": "PLAT"})

    assert caught.value.status == 429
    assert caught.value.maybe_applied is False
    assert caught.value.server_message == "slow down"
    assert sleeps == [1.0, 1.0]
    http.assert_done()


@pytest.mark.parametrize("status", [502, 503, 504])
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_gateway_errors_are_retried_for_idempotent_methods(http, make_client, sleeps, method, status):
    client = make_client()
    http.expect(Call(method, PLAT, status=status, text="<html>Bad gateway</html>"), Call(method, PLAT, status=200, body={"key": "PLAT"}))

    response = client.request(method, PLAT)

    assert response.body == {"key": "PLAT"}
    assert sleeps == [0.5]
    http.assert_done()


@pytest.mark.parametrize("status", [502, 503, 504])
def test_gateway_errors_are_not_retried_for_post_and_may_have_applied(http, make_client, sleeps, status):
    client = make_client()
    http.expect(Call("POST", PROJECTS, json={"key": "PLAT", "name": "P"}, status=status))

    with pytest.raises(BitbucketError) as caught:
        client.post(PROJECTS, json={"key": "PLAT", "name": "P"})

    assert caught.value.status == status
    assert caught.value.maybe_applied is True
    assert sleeps == []
    http.assert_done()


def test_idempotent_false_stops_retries_of_a_put(http, make_client, sleeps):
    # API-MAP 3.5: access tokens are created with a PUT, which must not be repeated blindly.
    client = make_client()
    path = "/rest/access-tokens/latest/users/bob"
    http.expect(Call("PUT", path, json={"name": "ci"}, status=503))

    with pytest.raises(BitbucketError) as caught:
        client.put(path, json={"name": "ci"}, idempotent=False)

    assert caught.value.maybe_applied is True
    assert sleeps == []
    http.assert_done()


def test_idempotent_true_allows_retrying_a_post(http, make_client, sleeps):
    client = make_client()
    path = "/rest/api/latest/projects/P/permissions/ADMIN/all"
    http.expect(Call("POST", path, query={"allow": "true"}, status=502), Call("POST", path, query={"allow": "true"}, status=204))

    assert client.post(path, params={"allow": "true"}, idempotent=True).status == 204
    assert sleeps == [0.5]
    http.assert_done()


@pytest.mark.parametrize("method", ["PUT", "DELETE", "POST"])
def test_a_write_answered_500_is_not_retried_and_may_have_applied(http, make_client, sleeps, method):
    # A 500 may follow a write that landed (write-then-fail): the caller reads again before writing again.
    client = make_client()
    http.expect(Call(method, PLAT, status=500, body={"errors": [{"message": "NullPointerException"}]}))

    with pytest.raises(BitbucketError) as caught:
        client.request(method, PLAT)

    assert caught.value.status == 500
    assert caught.value.maybe_applied is True
    assert sleeps == []
    http.assert_done()


def test_a_read_answered_500_is_retried(http, make_client, sleeps):
    # A read changes nothing: a 500 on it is tried again like a gateway error.
    client = make_client()
    http.expect(Call("GET", PLAT, status=500, body={"errors": [{"message": "NullPointerException"}]}), Call("GET", PLAT, body={"key": "PLAT"}))

    assert client.get(PLAT) == {"key": "PLAT"}
    assert sleeps == [0.5]
    http.assert_done()


def test_a_read_answered_500_once_retries_are_spent_was_not_applied(http, make_client, sleeps):
    client = make_client(max_retries=1)
    http.expect(*[Call("GET", PLAT, status=500, body={"errors": [{"message": "NullPointerException"}]})] * 2)

    with pytest.raises(BitbucketError) as caught:
        client.get(PLAT)

    assert (caught.value.status, caught.value.maybe_applied) == (500, False)
    assert "NullPointerException" in str(caught.value)
    assert sleeps == [0.5]
    http.assert_done()


@pytest.mark.parametrize("failure", [connection_refused, connect_timeout], ids=["refused", "connect-timeout"])
def test_a_connection_that_never_opened_is_retried_even_for_post(http, make_client, sleeps, failure):
    client = make_client()
    http.expect(
        Call("POST", PROJECTS, json={"key": "PLAT"}, raises=failure(PROJECTS)),
        Call("POST", PROJECTS, json={"key": "PLAT"}, status=201, body={"key": "PLAT"}),
    )

    assert client.post(PROJECTS, json={"key": "PLAT"}).body == {"key": "PLAT"}
    assert sleeps == [0.5]
    http.assert_done()


def test_refused_connections_once_retries_are_spent_were_not_applied(http, make_client, sleeps):
    client = make_client(max_retries=1)
    http.expect(*[Call("POST", PROJECTS, json={"key": "PLAT"}, raises=connection_refused(PROJECTS))] * 2)

    with pytest.raises(BitbucketError) as caught:
        client.post(PROJECTS, json={"key": "PLAT"})

    assert caught.value.maybe_applied is False
    assert caught.value.status is None
    assert "cannot reach Bitbucket at https://bitbucket.example.com" in str(caught.value)
    # The real cause is kept, not swallowed.
    assert "Connection refused" in str(caught.value)
    assert isinstance(caught.value.__cause__, requests.ConnectionError)
    assert sleeps == [0.5]
    http.assert_done()


@pytest.mark.parametrize("failure", [read_timeout, connection_reset], ids=["read-timeout", "reset"])
def test_a_post_that_may_have_been_sent_is_not_retried(http, make_client, sleeps, failure):
    client = make_client()
    http.expect(Call("POST", PROJECTS, json={"key": "PLAT"}, raises=failure()))

    with pytest.raises(BitbucketError) as caught:
        client.post(PROJECTS, json={"key": "PLAT"})

    assert caught.value.maybe_applied is True
    assert (caught.value.method, caught.value.path, caught.value.status) == ("POST", PROJECTS, None)
    assert sleeps == []
    http.assert_done()


@pytest.mark.parametrize("failure", [read_timeout, connection_reset], ids=["read-timeout", "reset"])
def test_a_get_that_timed_out_is_retried_and_never_counts_as_applied(http, make_client, sleeps, failure):
    client = make_client(max_retries=1)
    http.expect(Call("GET", PLAT, raises=failure()), Call("GET", PLAT, raises=failure()))

    with pytest.raises(BitbucketError) as caught:
        client.get(PLAT)

    assert caught.value.maybe_applied is False
    assert sleeps == [0.5]
    http.assert_done()


def test_a_put_that_timed_out_is_retried_and_then_may_have_applied(http, make_client, sleeps):
    client = make_client(max_retries=1)
    http.expect(Call("PUT", PLAT, json={"name": "x"}, raises=read_timeout()), Call("PUT", PLAT, json={"name": "x"}, raises=read_timeout()))

    with pytest.raises(BitbucketError) as caught:
        client.put(PLAT, json={"name": "x"})

    assert caught.value.maybe_applied is True
    assert sleeps == [0.5]
    http.assert_done()


def test_retries_are_capped_at_max_retries(http, make_client, sleeps):
    client = make_client(max_retries=2)
    http.expect(*[Call("GET", PLAT, status=503)] * 3)

    with pytest.raises(BitbucketError) as caught:
        client.get(PLAT)

    assert caught.value.status == 503
    assert caught.value.maybe_applied is False
    assert sleeps == [0.5, 1.0]
    http.assert_done()


def test_max_retries_zero_means_one_attempt(http, make_client, sleeps):
    client = make_client(max_retries=0)
    http.expect(Call("GET", PLAT, status=429, headers={"Retry-After": "1"}))

    with pytest.raises(BitbucketError):
        client.get(PLAT)
    assert sleeps == []
    http.assert_done()


def test_backoff_grows_exponentially_up_to_its_cap(http, make_client, sleeps):
    client = make_client(max_retries=6, backoff_base=0.5, backoff_max=5.0)
    http.expect(*([Call("GET", PLAT, status=503)] * 6 + [Call("GET", PLAT, body={"key": "PLAT"})]))

    client.get(PLAT)

    assert sleeps == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]
    http.assert_done()


def test_backoff_is_fully_jittered(http, make_client, sleeps):
    jitters = itertools.cycle([0.1, 0.9, 0.5])
    client = make_client(max_retries=3, backoff_base=1.0, jitter=lambda: next(jitters))
    http.expect(*([Call("GET", PLAT, status=502)] * 3 + [Call("GET", PLAT, body={})]))

    client.get(PLAT)

    assert sleeps == pytest.approx([0.1, 1.8, 2.0])
    http.assert_done()


def test_the_default_jitter_is_random_between_zero_and_the_cap(http, sleeps):
    client = BitbucketClient("https://bitbucket.example.com", session=http, sleep=sleeps.append, max_retries=20, backoff_base=1.0, backoff_max=1.0)
    http.expect(*([Call("GET", PLAT, status=503)] * 20 + [Call("GET", PLAT, body={})]))

    client.get(PLAT)

    assert len(sleeps) == 20
    assert all(0.0 <= delay <= 1.0 for delay in sleeps)
    assert len(set(sleeps)) > 1
    http.assert_done()


def test_tls_failure_is_not_retried_and_points_at_ca_path(http, make_client, sleeps):
    client = make_client()
    http.expect(Call("GET", PLAT, raises=ssl_error(PLAT)))

    with pytest.raises(BitbucketError) as caught:
        client.get(PLAT)

    message = str(caught.value)
    assert "TLS verification of https://bitbucket.example.com failed" in message
    assert "CERTIFICATE_VERIFY_FAILED" in message
    assert "ca_path" in message
    assert (caught.value.method, caught.value.path) == ("GET", PLAT)
    assert caught.value.maybe_applied is False
    assert sleeps == []
    http.assert_done()


def test_an_invalid_request_is_not_retried(http, make_client, sleeps):
    client = make_client()
    http.expect(Call("GET", PLAT, raises=requests.exceptions.InvalidURL("Failed to parse: https://bitbucket.example.com:badport")))

    with pytest.raises(BitbucketError) as caught:
        client.get(PLAT)

    assert "invalid request" in str(caught.value)
    assert "badport" in str(caught.value)
    assert sleeps == []
    http.assert_done()


@pytest.mark.parametrize("secret", ["s3cret-pw", "correct horse+battery", "p@ss/w\u00f6rd&x=1", "100%"])
@pytest.mark.parametrize("failure", ["refused", "ssl", "invalid"])
def test_no_secret_query_value_appears_in_a_request_error(http, make_client, secret, failure):
    # _client.SECRET_QUERY_KEYS: "Query parameters whose values never appear in a trace or an error
    # message". requests puts the whole URL, query string included (encoded as requests encodes it,
    # spaces as "+"), into the text of a connection error.
    client = make_client(max_retries=0)
    path = "/rest/api/latest/admin/users"
    params = [("name", "bob"), ("password", secret)]
    sent_url = requests.Request("POST", "https://bitbucket.example.com" + path, params=params).prepare().url
    query = sent_url.split("?", 1)[1]
    raises = {
        "refused": connection_refused(path, query),
        "ssl": ssl_error(path + "?" + query),
        "invalid": requests.exceptions.InvalidURL("Invalid URL %r" % sent_url),
    }[failure]
    http.expect(Call("POST", path, query=params, raises=raises))
    assert query.split("password=", 1)[1] in str(raises), "the simulated error must carry the query as requests sends it"

    with pytest.raises(BitbucketError) as caught:
        client.post(path, params=params)

    message = str(caught.value)
    assert "name=bob" in message or failure == "invalid"
    for form in (secret, query.split("password=", 1)[1]):
        assert form not in message
    http.assert_done()


# -- trace --------------------------------------------------------------------------------------


def test_trace_records_each_attempt_with_secrets_redacted_and_no_bodies(http, make_client):
    trace = []
    client = make_client(trace=trace.append)
    path = "/rest/api/latest/admin/users"
    query = [("name", "bob"), ("password", "pw-1"), ("Token", "tk-2"), ("passwordConfirm", "pw-1")]
    http.expect(
        Call("POST", path, query=query, json={"secret": "body-secret"}, status=503),
        Call("POST", path, query=query, json={"secret": "body-secret"}, raises=connection_refused(path)),
        Call("POST", path, query=query, json={"secret": "body-secret"}, status=204),
    )

    client.request("POST", path, params=query, json={"secret": "body-secret"}, idempotent=True)

    assert [set(entry) for entry in trace] == [
        {"method", "path", "query", "status", "duration_ms", "attempt", "retry_in_s"},
        {"method", "path", "query", "status", "duration_ms", "attempt", "retry_in_s", "error"},
        {"method", "path", "query", "status", "duration_ms", "attempt"},
    ]
    redacted = [("name", "bob"), ("password", REDACTED), ("Token", REDACTED), ("passwordConfirm", REDACTED)]
    assert [(e["method"], e["path"], e["query"], e["status"], e["attempt"], e.get("retry_in_s")) for e in trace] == [
        ("POST", path, redacted, 503, 1, 0.5),
        ("POST", path, redacted, None, 2, 1.0),
        ("POST", path, redacted, 204, 3, None),
    ]
    assert trace[1]["error"] == "ConnectionError"
    assert all(isinstance(e["duration_ms"], float) and e["duration_ms"] >= 0 for e in trace)
    text = repr(trace)
    for secret in ("pw-1", "tk-2", "body-secret"):
        assert secret not in text
    http.assert_done()


def test_no_trace_by_default(http):
    client = BitbucketClient("https://bitbucket.example.com", session=http, sleep=lambda _s: None)
    assert client.trace is None
    http.expect(Call("GET", PLAT, body={}))
    client.get(PLAT)
    http.assert_done()


@pytest.mark.parametrize(
    "params, expected",
    [
        (None, []),
        ({}, []),
        ({"password": "x", "user": "bob"}, [("password", REDACTED), ("user", "bob")]),
        ([("LICENSE", "AAA"), ("client-secret", "s"), ("secret", "t")], [("LICENSE", REDACTED), ("client-secret", REDACTED), ("secret", REDACTED)]),
        ({"token": ["a", "b"], "skip": None}, [("token", REDACTED), ("token", REDACTED)]),
    ],
)
def test_redact_query(params, expected):
    assert redact_query(params) == expected


# -- server version -----------------------------------------------------------------------------


def test_server_version_is_read_once_per_run(http, make_client):
    client = make_client()
    info = {"version": "9.4.2", "buildNumber": "9004002", "displayName": "Bitbucket"}
    http.expect(Call("GET", "/rest/api/latest/application-properties", body=info))

    assert client.server_version() == (9, 4, 2)
    assert client.server_version() == (9, 4, 2)
    assert client.server_info() == info
    assert len(http.calls) == 1
    http.assert_done()


@pytest.mark.parametrize(
    "version, expected",
    [
        ("8.19.1", (8, 19, 1)),
        ("10.0", (10, 0)),
        ("9.4.0-SNAPSHOT", (9, 4, 0)),
        # A pre-release suffix is not part of the patch number: "0-rc2" is 0, not 2 (nor "1-rc1" 11).
        ("9.4.0-rc2", (9, 4, 0)),
        ("9.4.1-rc1", (9, 4, 1)),
    ],
)
def test_server_version_parsing(http, make_client, version, expected):
    client = make_client()
    http.expect(Call("GET", "/rest/api/latest/application-properties", body={"version": version}))

    assert client.server_version() == expected
    http.assert_done()


def test_server_version_without_a_version_field_is_zero(http, make_client):
    client = make_client()
    http.expect(Call("GET", "/rest/api/latest/application-properties", body={}))

    assert client.server_version() == (0,)
    assert client.server_version() == (0,)
    http.assert_done()


def test_fake_session_rejects_an_unexpected_call():
    # The harness itself: a call that was not scripted fails, and so does one left unmade.
    fake = FakeSession([Call("GET", PLAT)])
    client = BitbucketClient("https://bitbucket.example.com", session=fake, sleep=lambda _s: None)
    with pytest.raises(AssertionError, match="expected GET /rest/api/latest/projects/PLAT"):
        client.delete(PLAT)
    with pytest.raises(AssertionError, match="unexpected HTTP calls"):
        fake.assert_done()
    leftover = FakeSession([Call("GET", PLAT)])
    with pytest.raises(AssertionError, match="never made"):
        leftover.assert_done()


# -- statuses retried for one endpoint, and PATCH ------------------------------------------------------


def test_retry_statuses_retry_an_answer_that_means_try_again_later(http, make_client, sleeps):
    client = make_client()
    path = "/rest/basicauth/latest/config"
    busy = {"message": "Unable to update: another update is being performed."}
    http.expect(
        Call("PUT", path, json={"block-requests": True}, status=409, body=busy),
        Call("PUT", path, json={"block-requests": True}, status=409, headers={"Retry-After": "3"}, body=busy),
        Call("PUT", path, json={"block-requests": True}, status=204),
    )

    assert client.request("PUT", path, json={"block-requests": True}, retry_statuses=(409,)).status == 204
    assert sleeps == [0.5, 3.0]
    http.assert_done()


def test_without_retry_statuses_a_409_is_an_error_at_once(http, make_client, sleeps):
    client = make_client()
    http.expect(Call("PUT", PLAT, json={}, status=409, body={"message": "busy"}))

    with pytest.raises(BitbucketError) as caught:
        client.put(PLAT, json={})
    assert caught.value.status == 409
    assert sleeps == []
    http.assert_done()


def test_patch_sends_json_and_is_retried_on_gateway_errors(http, make_client, sleeps):
    client = make_client()
    path = "/rest/authconfig/latest/sso"
    http.expect(
        Call("PATCH", path, json={"show-login-form": False}, status=503),
        Call("PATCH", path, json={"show-login-form": False}, body={"show-login-form": False}),
    )

    assert client.patch(path, json={"show-login-form": False}).body == {"show-login-form": False}
    assert len(sleeps) == 1
    assert client.writes == 1
    http.assert_done()


# -- ambiguous answers on deletes ------------------------------------------------------


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_delete_whose_gateway_error_hid_a_landed_delete_ends_gone(http, make_client, sleeps, status):
    # The first DELETE removed the project and a gateway answered for it; the retry finds nothing: gone is success.
    client = make_client()
    http.expect(Call("DELETE", PLAT, status=status), Call("DELETE", PLAT, status=404, body={"errors": [{"message": "Project PLAT does not exist."}]}))

    response = client.delete(PLAT)

    assert response.status == 204
    assert client.writes == 1
    assert sleeps == [0.5]
    http.assert_done()


@pytest.mark.parametrize("failure", [read_timeout, connection_reset], ids=["read-timeout", "reset"])
def test_a_delete_whose_answer_was_lost_ends_gone_on_a_404(http, make_client, sleeps, failure):
    client = make_client()
    http.expect(Call("DELETE", PLAT, raises=failure()), Call("DELETE", PLAT, status=404))

    assert client.delete(PLAT).status == 204
    http.assert_done()


def test_a_delete_of_something_never_there_is_still_a_404(http, make_client, sleeps):
    # No earlier attempt: the 404 says the object was not there, which the caller must hear.
    client = make_client()
    http.expect(Call("DELETE", PLAT, status=404, body={"errors": [{"message": "Project PLAT does not exist."}]}))

    with pytest.raises(BitbucketError) as caught:
        client.delete(PLAT)

    assert caught.value.status == 404
    assert client.writes == 0
    http.assert_done()


def test_a_delete_retried_after_a_429_is_not_taken_as_gone(http, make_client, sleeps):
    # A 429 proves the first attempt did not run: the 404 after it is a real one.
    client = make_client()
    http.expect(Call("DELETE", PLAT, status=429, headers={"Retry-After": "1"}), Call("DELETE", PLAT, status=404))

    with pytest.raises(BitbucketError) as caught:
        client.delete(PLAT)

    assert caught.value.status == 404
    http.assert_done()


def test_a_delete_retried_after_a_refused_connection_is_not_taken_as_gone(http, make_client, sleeps):
    client = make_client()
    http.expect(Call("DELETE", PLAT, raises=connection_refused(PLAT)), Call("DELETE", PLAT, status=404))

    with pytest.raises(BitbucketError) as caught:
        client.delete(PLAT)

    assert caught.value.status == 404
    http.assert_done()


def test_an_answer_cut_off_mid_body_is_a_lost_answer(http, make_client, sleeps):
    # The server closed the connection inside the body: the write ran or not, the caller reads again.
    client = make_client()
    cut = requests.exceptions.ChunkedEncodingError(ProtocolError("Connection broken: IncompleteRead(12 bytes read, 88 more expected)"))
    http.expect(Call("POST", PROJECTS, json={"key": "PLAT"}, raises=cut))

    with pytest.raises(BitbucketError) as caught:
        client.post(PROJECTS, json={"key": "PLAT"})

    assert caught.value.maybe_applied is True
    assert "cannot reach Bitbucket" in str(caught.value)
    assert sleeps == []
    http.assert_done()


def test_a_get_cut_off_mid_body_is_retried(http, make_client, sleeps):
    client = make_client()
    cut = requests.exceptions.ChunkedEncodingError(ProtocolError("Connection broken: IncompleteRead(0 bytes read, 10 more expected)"))
    http.expect(Call("GET", PLAT, raises=cut), Call("GET", PLAT, body={"key": "PLAT"}))

    assert client.get(PLAT) == {"key": "PLAT"}
    http.assert_done()
