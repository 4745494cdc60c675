"""Authentication, authorisation and the cross-cutting HTTP behaviour of the emulator."""

from __future__ import annotations

NOT_PERMITTED = "com.atlassian.bitbucket.AuthorisationException"
BAD_PASSWORD = "com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException"


def test_application_properties_need_no_auth(api):
    response = api.get("/rest/api/latest/application-properties", auth=None)
    assert response.status_code == 200
    body = response.json
    assert body["version"] == "9.4.0"
    assert body["buildNumber"] == "9004000"
    assert body["displayName"] == "Bitbucket"
    assert body["buildDate"].isdigit()


def test_missing_credentials_answer_401_authorisation_exception(api):
    response = api.get("/rest/api/latest/projects", auth=None)
    assert response.status_code == 401
    assert response.json == {
        "errors": [
            {
                "context": None,
                "message": "You are not permitted to access this resource",
                "exceptionName": NOT_PERMITTED,
            }
        ]
    }
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_wrong_password_answers_401_incorrect_password(api):
    response = api.get("/rest/api/latest/projects", auth=("admin", "wrong"))
    assert response.status_code == 401
    assert response.json == {
        "errors": [
            {
                "context": None,
                "message": "Authentication failed. Please check your credentials and try again.",
                "exceptionName": BAD_PASSWORD,
            }
        ]
    }


def test_unknown_user_malformed_header_and_unknown_scheme_are_refused(api):
    assert api.get("/rest/api/latest/projects", auth=("nobody", "x")).status_code == 401
    for header in ("Basic not-base64!!", "Digest abc", "Bearer not-a-token"):
        response = api.get("/rest/api/latest/projects", auth=None, headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.json["errors"][0]["exceptionName"] == BAD_PASSWORD


def test_bad_credentials_are_refused_even_on_public_resource(api):
    assert api.get("/rest/api/latest/application-properties", auth=("admin", "nope")).status_code == 401


def test_usernames_are_case_insensitive_at_login(api):
    assert api.get("/rest/api/latest/projects", auth=("ADMIN", "admin")).status_code == 200


def test_unlicensed_user_cannot_log_in_until_granted(api):
    api.make_user("outsider", default_group=False)
    response = api.get("/rest/api/latest/projects", auth=("outsider", "secret"))
    assert response.status_code == 401
    assert response.json["errors"][0]["exceptionName"] == NOT_PERMITTED
    api.grant_global("outsider", "LICENSED_USER")
    assert api.get("/rest/api/latest/projects", auth=("outsider", "secret")).status_code == 200


def test_insufficient_permission_answers_401_not_403(api):
    alice = api.make_user("alice")
    response = api.post("/rest/api/latest/projects", json={"key": "A", "name": "A"}, auth=alice)
    assert response.status_code == 401
    assert response.json["errors"][0]["exceptionName"] == NOT_PERMITTED
    api.grant_global("alice", "PROJECT_CREATE")
    assert api.post("/rest/api/latest/projects", json={"key": "A", "name": "A"}, auth=alice).status_code == 201


def test_admin_endpoints_need_admin_for_writes_but_licensed_for_reads(api):
    alice = api.make_user("alice")
    create = api.post(
        "/rest/api/latest/admin/users", query_string={"name": "bob", "displayName": "Bob", "emailAddress": "bob@example.com", "password": "x"}, auth=alice
    )
    assert create.status_code == 401
    # spec getUsers_1 / getGroups_1: LICENSED_USER may read.
    assert api.get("/rest/api/latest/admin/users", auth=alice).status_code == 200
    assert api.get("/rest/api/latest/admin/permissions/users", auth=alice).status_code == 401


def test_unknown_route_is_404_with_rest_errors(api):
    response = api.get("/rest/api/latest/no-such-thing")
    assert response.status_code == 404
    assert set(response.json["errors"][0]) == {"context", "message", "exceptionName"}
    assert api.get("/not-rest", auth=None).status_code == 404


def test_wrong_method_is_405_with_allow_header(api):
    response = api.call("PATCH", "/rest/api/latest/projects")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert response.json["errors"][0]["message"]


def test_invalid_json_body_is_400(api):
    response = api.post("/rest/api/latest/projects", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json["errors"][0]["message"].startswith("The request body is not valid JSON")


def test_fixed_version_segment_resolves_like_latest(api):
    api.make_project("VER")
    assert api.get("/rest/api/1.0/projects/VER").json["key"] == "VER"


def test_user_token_also_works_as_basic_password(api):
    token = api.make_token("users/admin", ["PROJECT_READ"])
    response = api.get("/rest/api/latest/projects", auth=("admin", token["token"]))
    assert response.status_code == 200
    # ... and it is still capped by its permissions.
    assert api.post("/rest/api/latest/projects", json={"key": "X", "name": "X"}, auth=("admin", token["token"])).status_code == 401
