"""The emulator against the official OpenAPI document, in process.

Every request these tests send and every answer the emulator gives is checked with openapi_contract:
the operation, its query parameters and JSON body, the status and the JSON response body. Error cases
(400, 401, 404, 409) are driven on purpose; a request that is wrong on purpose names the contract
violations it is expected to carry, and nothing else may be wrong. The emulator's own request log
(``GET /_emulator/requests``, the payload the Makefile saves for test_recorded_requests.py) is checked
too, entry by entry.
"""

from __future__ import annotations

import base64
import json

import pytest
from werkzeug.test import Client

from bitbucket_emulator import create_app
from openapi_contract import assert_no_violations, format_violations, is_control_path

API = "/rest/api/latest"
TOKENS = "/rest/access-tokens/latest"
ADMIN = ("admin", "admin")
NO_BODY = object()


def basic(user, password):
    return "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode("utf-8")).decode("ascii")


class ContractClient:
    """A werkzeug test client whose every exchange is validated against the contract."""

    def __init__(self, contract, client):
        self.contract = contract
        self.client = client
        self.exchanges = []

    def call(self, method, path, query=None, body=NO_BODY, auth=ADMIN, bearer=None, status=None, violation=None, content_type="application/json"):
        """Send one request; fail on any contract violation (but ``violation``) and on a status other than ``status``.

        ``violation``: a substring (or several) of the request violations a deliberately wrong request must carry;
        each must be found, and the request may have no other violation.
        Returns the decoded JSON body (None when empty).
        """
        headers = {"Accept": "application/json"}
        if bearer is not None:
            headers["Authorization"] = "Bearer " + bearer
        elif auth is not None:
            headers["Authorization"] = basic(*auth)
        kwargs = {"method": method, "query_string": query, "headers": headers}
        if body is not NO_BODY:
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = content_type
        else:
            content_type = None
        response = self.client.open(path, **kwargs)
        text = response.get_data(as_text=True)
        try:
            parsed = json.loads(text) if text.strip() else None
        except ValueError:
            parsed = text  # checked as it is: a non-JSON body where JSON is documented is a violation
        self.exchanges.append((method, path, query, response.status_code))
        request_violations = self.contract.check_request(method, path, query, None if body is NO_BODY else body, content_type)
        response_violations = self.contract.check_response(method, path, response.status_code, parsed, response.content_type)
        where = "%s %s?%s -> %s %s" % (method, path, query or "", response.status_code, text[:300])
        expected = (violation,) if isinstance(violation, str) else tuple(violation or ())
        for needle in expected:
            if not any(needle in str(v) for v in request_violations):
                raise AssertionError("expected a request violation containing %r for %s, got:\n%s"
                                     % (needle, where, format_violations(request_violations)))
        request_violations = [v for v in request_violations if not any(needle in str(v) for needle in expected)]
        assert_no_violations(request_violations + response_violations, "contract violations in " + where)
        if status is not None and response.status_code != status:
            raise AssertionError("expected HTTP %s for %s" % (status, where))
        return parsed


@pytest.fixture(scope="module")
def app():
    return create_app()


@pytest.fixture
def api(contract, app):
    client = Client(app)
    reset = client.post("/_emulator/reset")
    assert reset.status_code == 200, reset.get_data(as_text=True)
    return ContractClient(contract, client)


def make_user(api, name, password="secret-pw"):
    api.call("POST", API + "/admin/users", query={"name": name, "displayName": name.title(), "emailAddress": name + "@example.com",
                                                  "password": password}, status=204)


def make_project(api, key="PRJ", name="Platform"):
    return api.call("POST", API + "/projects", body={"key": key, "name": name, "description": "Onboarded by Ansible"}, status=201)


def add_repository(api, project, name):
    """A repository made through the REST API (its slug is derived from ``name``)."""
    return api.call("POST", API + "/projects/%s/repos" % project, body={"name": name, "scmId": "git"}, status=201)


def advance_clock(api, ms):
    """Emulator time moves on: a repository's initialisation or scheduled deletion completes."""
    answer = api.client.post("/_emulator/clock", json={"advance_ms": ms})
    assert answer.status_code == 200, answer.get_data(as_text=True)


# -- instance -----------------------------------------------------------------------------------

def test_application_properties_needs_no_auth(api):
    properties = api.call("GET", API + "/application-properties", auth=None, status=200)
    assert properties["version"]


def test_bad_credentials_are_401(api):
    api.call("GET", API + "/projects/PRJ", auth=("admin", "wrong"), status=401)
    api.call("GET", API + "/admin/users", auth=("nobody", "x"), status=401)
    api.call("GET", API + "/users", auth=None, status=401)


# -- users and groups -----------------------------------------------------------------------------

def test_admin_users_lifecycle(api):
    make_user(api, "alice")
    api.call("POST", API + "/admin/users", query={"name": "alice", "displayName": "Alice", "emailAddress": "alice@example.com",
                                                  "password": "x"}, status=409)
    api.call("POST", API + "/admin/users", query={"name": "bob", "displayName": "Bob", "password": "x"}, status=400,
             violation="required query parameter 'emailAddress' is missing")
    listed = api.call("GET", API + "/admin/users", query={"filter": "ali", "start": 0, "limit": 50}, status=200)
    assert [user["name"] for user in listed["values"]] == ["alice"]
    updated = api.call("PUT", API + "/admin/users", body={"name": "alice", "displayName": "Alice Liddell", "email": "al@example.com"}, status=200)
    assert updated["displayName"] == "Alice Liddell"
    api.call("PUT", API + "/admin/users", body={"name": "nobody", "displayName": "X"}, status=404)
    api.call("PUT", API + "/admin/users/credentials", body={"name": "alice", "password": "n3w-pw", "passwordConfirm": "n3w-pw"}, status=204)
    api.call("PUT", API + "/admin/users/credentials", body={"name": "alice", "password": "a", "passwordConfirm": "b"}, status=400)
    renamed = api.call("POST", API + "/admin/users/rename", body={"name": "alice", "newName": "alice2"}, status=200)
    assert renamed["name"] == "alice2"
    api.call("POST", API + "/admin/users/rename", body={"name": "ghost", "newName": "ghost2"}, status=404)
    make_user(api, "bob")
    api.call("POST", API + "/admin/users/rename", body={"name": "alice2", "newName": "bob"}, status=400)
    deleted = api.call("DELETE", API + "/admin/users", query={"name": "alice2"}, status=200)
    assert deleted["name"] == "alice2"
    api.call("DELETE", API + "/admin/users", query={"name": "alice2"}, status=404)
    api.call("DELETE", API + "/admin/users", query={"name": "admin"}, status=409)


def test_admin_users_need_admin(api):
    make_user(api, "carol", password="carol-pw")
    api.call("POST", API + "/admin/users", auth=("carol", "carol-pw"),
             query={"name": "dave", "displayName": "Dave", "emailAddress": "dave@example.com", "password": "x"}, status=401)


def test_groups_and_membership(api):
    make_user(api, "alice")
    make_user(api, "bob")
    group = api.call("POST", API + "/admin/groups", query={"name": "devs"}, status=200)
    assert group["name"] == "devs"
    api.call("POST", API + "/admin/groups", query={"name": "devs"}, status=409)
    api.call("POST", API + "/admin/groups", status=400, violation="required query parameter 'name' is missing")
    listed = api.call("GET", API + "/admin/groups", query={"filter": "dev"}, status=200)
    assert [g["name"] for g in listed["values"]] == ["devs"]

    api.call("POST", API + "/admin/groups/add-users", body={"group": "devs", "users": ["alice", "bob"]}, status=200)
    api.call("POST", API + "/admin/groups/add-users", body={"group": "devs", "users": ["ghost"]}, status=404)
    members = api.call("GET", API + "/admin/groups/more-members", query={"context": "devs"}, status=200)
    assert sorted(user["name"] for user in members["values"]) == ["alice", "bob"]
    api.call("GET", API + "/admin/groups/more-non-members", query={"context": "devs"}, status=200)
    api.call("POST", API + "/admin/groups/remove-user", body={"context": "devs", "itemName": "bob"}, status=200)
    api.call("POST", API + "/admin/groups/add-user", body={"context": "devs", "itemName": "bob"}, status=200)

    api.call("POST", API + "/admin/groups", query={"name": "ops"}, status=200)
    api.call("POST", API + "/admin/users/add-groups", body={"user": "alice", "groups": ["ops"]}, status=200)
    api.call("POST", API + "/admin/users/add-group", body={"context": "bob", "itemName": "ops"}, status=200)
    api.call("POST", API + "/admin/users/remove-group", body={"context": "alice", "itemName": "ops"}, status=200)
    api.call("GET", API + "/admin/users/more-members", query={"context": "ops"}, status=200)
    api.call("GET", API + "/admin/users/more-non-members", query={"context": "alice"}, status=200)
    in_group = api.call("GET", API + "/users", query={"group": "ops"}, status=200)
    assert [user["name"] for user in in_group["values"]] == ["bob"]

    names = api.call("GET", API + "/groups", query={"filter": "o"}, status=200)
    assert names["values"] == ["ops"]
    deleted = api.call("DELETE", API + "/admin/groups", query={"name": "ops"}, status=200)
    assert deleted["name"] == "ops"
    api.call("DELETE", API + "/admin/groups", query={"name": "ops"}, status=404)


def test_user_directory_is_a_page(api):
    make_user(api, "alice")
    make_project(api)
    api.call("PUT", API + "/projects/PRJ/permissions/users", query={"name": "alice", "permission": "PROJECT_WRITE"}, status=204)
    everyone = api.call("GET", API + "/users", query={"start": 0, "limit": 1}, status=200)
    assert everyone["isLastPage"] is False
    assert everyone["nextPageStart"] == 1
    writers = api.call("GET", API + "/users", query={"permission.1": "PROJECT_WRITE", "permission.1.projectKey": "PRJ", "filter": "ali"}, status=200)
    assert [user["name"] for user in writers["values"]] == ["alice"]
    api.call("GET", API + "/users", query={"permission": "PROJECT_WRITE"}, status=400)
    api.call("GET", API + "/users/alice", status=200)
    api.call("GET", API + "/users/ghost", status=404)
    me = api.call("PUT", API + "/users", body={"displayName": "The Administrator", "email": "admin@example.com"}, status=200)
    assert me["displayName"] == "The Administrator"
    api.call("PUT", API + "/users", body={"email": "not-an-address"}, status=400)


def test_global_permissions(api):
    make_user(api, "alice")
    api.call("POST", API + "/admin/groups", query={"name": "creators"}, status=200)
    grants = API + "/admin/permissions"
    api.call("PUT", grants + "/users", query={"name": "alice", "permission": "PROJECT_CREATE"}, status=204)
    api.call("PUT", grants + "/groups", query={"name": "creators", "permission": "PROJECT_CREATE"}, status=204)
    users = api.call("GET", grants + "/users", query={"filter": "alice"}, status=200)
    assert [(entry["user"]["name"], entry["permission"]) for entry in users["values"]] == [("alice", "PROJECT_CREATE")]
    api.call("GET", grants + "/groups", status=200)
    api.call("GET", grants + "/users/none", status=200)
    api.call("GET", grants + "/groups/none", status=200)
    api.call("PUT", grants + "/users", query={"name": "alice", "permission": "PROJECT_ADMIN"}, status=400, violation="'PROJECT_ADMIN'")
    api.call("PUT", grants + "/users", query={"name": "ghost", "permission": "LICENSED_USER"}, status=404)
    api.call("DELETE", grants + "/users", query={"name": "alice"}, status=204)
    api.call("DELETE", grants + "/groups", query={"name": "creators"}, status=204)
    api.call("DELETE", grants + "/users", query={"name": "admin"}, status=409)


# -- projects -------------------------------------------------------------------------------------

def test_project_lifecycle(api):
    created = make_project(api)
    assert created["key"] == "PRJ"
    api.call("POST", API + "/projects", body={"key": "PRJ", "name": "Other"}, status=409)
    api.call("POST", API + "/projects", body={"key": "OTHER", "name": "Platform"}, status=409)
    api.call("POST", API + "/projects", body={"key": "NONAME"}, status=400)
    api.call("POST", API + "/projects", body={"key": 42, "name": "Typed"}, status=400, violation="$.key")
    listed = api.call("GET", API + "/projects", query={"name": "Plat", "limit": 10}, status=200)
    assert [project["key"] for project in listed["values"]] == ["PRJ"]
    api.call("GET", API + "/projects", query={"permission": "PROJECT_ADMIN"}, status=200)
    api.call("GET", API + "/projects", query={"permission": "NOT_A_PERMISSION"}, status=400)
    assert api.call("GET", API + "/projects/PRJ", status=200)["name"] == "Platform"

    updated = api.call("PUT", API + "/projects/PRJ", body={"name": "Platform Team", "description": "changed", "public": True}, status=200)
    assert (updated["name"], updated["public"]) == ("Platform Team", True)
    renamed = api.call("PUT", API + "/projects/PRJ", body={"key": "PLAT"}, status=201)
    assert renamed["key"] == "PLAT"
    api.call("GET", API + "/projects/PRJ", status=404)
    api.call("PUT", API + "/projects/PRJ", body={"name": "x"}, status=404)

    add_repository(api, "PLAT", "app")
    api.call("DELETE", API + "/projects/PLAT", status=409)
    api.call("DELETE", API + "/projects/PLAT/repos/app", status=202)
    api.call("DELETE", API + "/projects/PLAT", status=409)
    api.call("GET", API + "/projects/PLAT/repos/app", status=200)  # readable once more after the 202, then gone
    api.call("DELETE", API + "/projects/PLAT", status=204)
    api.call("DELETE", API + "/projects/PLAT", status=404)


def test_project_needs_permission(api):
    make_project(api)
    make_user(api, "erin", password="erin-pw")
    api.call("GET", API + "/projects/PRJ", auth=("erin", "erin-pw"), status=401)
    api.call("PUT", API + "/projects/PRJ", auth=("erin", "erin-pw"), body={"name": "mine"}, status=401)
    api.call("GET", API + "/projects", auth=None, status=401)


# -- project permissions ------------------------------------------------------------------------

def test_project_permissions(api):
    make_project(api)
    for name in ("alice", "bob"):
        make_user(api, name)
    api.call("POST", API + "/admin/groups", query={"name": "devs"}, status=200)
    perms = API + "/projects/PRJ/permissions"

    api.call("PUT", perms + "/users", query={"name": ["alice", "bob"], "permission": "PROJECT_WRITE"}, status=204)
    api.call("PUT", perms + "/groups", query={"name": "devs", "permission": "PROJECT_READ"}, status=204)
    users = api.call("GET", perms + "/users", query={"filter": "ali"}, status=200)
    assert [(entry["user"]["name"], entry["permission"]) for entry in users["values"]] == [("alice", "PROJECT_WRITE")]
    groups = api.call("GET", perms + "/groups", status=200)
    assert [(entry["group"]["name"], entry["permission"]) for entry in groups["values"]] == [("devs", "PROJECT_READ")]
    api.call("GET", perms + "/users/none", status=200)
    api.call("GET", perms + "/groups/none", status=202)
    api.call("GET", perms + "/search", query={"filterText": "a", "type": "USER", "permission": "PROJECT_WRITE"}, status=200)

    for level in ("PROJECT_READ", "PROJECT_WRITE", "PROJECT_ADMIN"):
        api.call("GET", perms + "/%s/all" % level, status=200)
    api.call("POST", perms + "/PROJECT_READ/all", query={"allow": "true"}, status=204)
    assert api.call("GET", perms + "/PROJECT_READ/all", status=200) == {"permitted": True}
    api.call("POST", perms + "/PROJECT_READ/all", query={"allow": "false"}, status=204)

    api.call("DELETE", perms + "/users", query={"name": "bob"}, status=204)
    api.call("DELETE", perms + "/groups", query={"name": "devs"}, status=204)
    api.call("PUT", perms + "/groups", query={"name": "devs", "permission": "PROJECT_READ"}, status=204)
    api.call("DELETE", perms, query={"user": "alice", "group": "devs"}, status=204)
    assert api.call("GET", perms + "/users", query={"filter": "alice"}, status=200)["values"] == []


def test_project_permission_errors(api):
    make_project(api)
    make_user(api, "alice", password="alice-pw")
    perms = API + "/projects/PRJ/permissions"
    api.call("PUT", perms + "/users", query={"name": "alice"}, status=400, violation="required query parameter 'permission' is missing")
    api.call("PUT", perms + "/users", query={"name": "alice", "permission": "REPO_WRITE"}, status=400, violation="'REPO_WRITE'")
    api.call("PUT", perms + "/users", query={"name": "ghost", "permission": "PROJECT_READ"}, status=404)
    api.call("PUT", perms + "/groups", query={"name": "ghosts", "permission": "PROJECT_READ"}, status=404)
    api.call("DELETE", perms, status=400)
    api.call("DELETE", perms, query={"user": "ghost"}, status=404)
    api.call("GET", perms + "/REPO_READ/all", status=400, violation="path parameter 'permission'")
    api.call("POST", perms + "/PROJECT_READ/all", query={"allow": "maybe"}, status=400, violation="query parameter 'allow'")
    api.call("GET", API + "/projects/NOPE/permissions/users", status=404)
    api.call("GET", perms + "/users", auth=("alice", "alice-pw"), status=401)
    api.call("PUT", perms + "/users", query={"name": "alice", "permission": "PROJECT_READ"}, auth=("admin", "bad"), status=401)


def test_repository_permissions(api):
    make_project(api)
    add_repository(api, "PRJ", "app")
    for name in ("alice", "bob"):
        make_user(api, name, password=name + "-pw")
    api.call("POST", API + "/admin/groups", query={"name": "devs"}, status=200)
    perms = API + "/projects/PRJ/repos/app/permissions"

    api.call("PUT", perms + "/users", query={"name": ["alice", "bob"], "permission": "REPO_WRITE"}, status=204)
    api.call("PUT", perms + "/groups", query={"name": "devs", "permission": "REPO_READ"}, status=204)
    users = api.call("GET", perms + "/users", query={"filter": "ali", "start": 0, "limit": 1000}, status=200)
    assert [(entry["user"]["name"], entry["permission"]) for entry in users["values"]] == [("alice", "REPO_WRITE")]
    groups = api.call("GET", perms + "/groups", status=200)
    assert [(entry["group"]["name"], entry["permission"]) for entry in groups["values"]] == [("devs", "REPO_READ")]
    api.call("GET", perms + "/users/none", status=200)
    api.call("GET", perms + "/groups/none", status=200)
    api.call("PUT", perms + "/users", query={"name": "alice", "permission": "PROJECT_READ"}, status=400, violation="'PROJECT_READ'")
    api.call("PUT", perms + "/users", query={"name": "ghost", "permission": "REPO_READ"}, status=404)
    api.call("GET", API + "/projects/PRJ/repos/nope/permissions/users", status=404)
    api.call("GET", perms + "/users", auth=("bob", "bob-pw"), status=401)

    api.call("PUT", perms + "/users", query={"name": "alice", "permission": "REPO_ADMIN"}, status=204)
    api.call("DELETE", perms + "/users", query={"name": "alice"}, auth=("alice", "alice-pw"), status=409)
    api.call("PUT", perms + "/users", query={"name": "alice", "permission": "REPO_READ"}, auth=("alice", "alice-pw"), status=403)
    api.call("DELETE", perms + "/users", query={"name": "bob"}, status=204)
    api.call("DELETE", perms + "/groups", query={"name": "devs"}, status=204)
    api.call("DELETE", perms, status=400)
    api.call("DELETE", perms, query={"user": "ghost"}, status=404)
    api.call("DELETE", perms, query={"user": "alice"}, status=204)
    assert api.call("GET", perms + "/users", status=200)["values"] == []


def test_the_user_directory_answers_who_holds_a_permission(api):
    """The one read a grants module makes before it lets the caller drop its own grant."""
    make_project(api)
    make_user(api, "alice")
    admins = api.call("GET", API + "/users", query={"filter": "admin", "permission": "ADMIN", "start": 0, "limit": 1000}, status=200)
    assert [user["name"] for user in admins["values"]] == ["admin"]
    assert api.call("GET", API + "/users", query={"filter": "alice", "permission": "ADMIN"}, status=200)["values"] == []
    project_admins = api.call("GET", API + "/users", query={"filter": "a", "permission": "PROJECT_ADMIN", "permission.projectKey": "PRJ"}, status=200)
    assert [user["name"] for user in project_admins["values"]] == ["admin"]


def test_permission_grant_body_is_not_read(api):
    """Top trap 1: a JSON body instead of query parameters is a contract violation and a 400."""
    make_project(api)
    make_user(api, "alice")
    api.call("PUT", API + "/projects/PRJ/permissions/users", body={"name": "alice", "permission": "PROJECT_READ"}, status=400,
             violation=("takes no request body", "required query parameter 'name' is missing",
                        "required query parameter 'permission' is missing"))


# -- access tokens ----------------------------------------------------------------------------------

@pytest.mark.parametrize("owner", ["users/admin", "projects/PRJ", "projects/PRJ/repos/app"])
def test_access_token_lifecycle(api, owner):
    make_project(api)
    add_repository(api, "PRJ", "app")
    base = TOKENS + "/" + owner
    permissions = ["REPO_READ"] if "/repos/" in owner else ["PROJECT_READ", "REPO_WRITE"]
    created = api.call("PUT", base, body={"name": "ci", "permissions": permissions, "expiryDays": 30}, status=200)
    assert created["token"]
    token_id = created["id"]
    api.call("PUT", base, body={"name": "second", "permissions": permissions}, status=200)
    listed = api.call("GET", base, query={"start": 0, "limit": 1}, status=200)
    assert listed["size"] == 1
    assert "token" not in listed["values"][0]
    fetched = api.call("GET", base + "/" + token_id, status=200)
    assert fetched["name"] == "ci"
    assert "token" not in fetched
    updated = api.call("POST", base + "/" + token_id, body={"name": "ci-renamed", "permissions": ["REPO_ADMIN"]}, status=200)
    assert updated["name"] == "ci-renamed"
    api.call("DELETE", base + "/" + token_id, status=204)
    api.call("GET", base + "/" + token_id, status=404)
    api.call("DELETE", base + "/" + token_id, status=404)


def test_access_token_errors(api):
    make_project(api)
    make_user(api, "frank", password="frank-pw")
    api.call("PUT", TOKENS + "/users/admin", body={"permissions": ["PROJECT_READ"]}, status=400)
    api.call("PUT", TOKENS + "/users/admin", body={"name": "empty", "permissions": []}, status=400)
    api.call("PUT", TOKENS + "/users/admin", body={"name": "bad", "permissions": ["SUPERUSER"]}, status=400)
    api.call("PUT", TOKENS + "/users/admin", body={"name": "typed", "permissions": "PROJECT_READ"}, status=400, violation="$.permissions")
    api.call("PUT", TOKENS + "/users/ghost", body={"name": "ci", "permissions": ["PROJECT_READ"]}, status=404)
    api.call("PUT", TOKENS + "/projects/NOPE", body={"name": "ci", "permissions": ["PROJECT_READ"]}, status=404)
    api.call("GET", TOKENS + "/projects/PRJ/repos/missing", status=404)
    api.call("GET", TOKENS + "/users/admin/12345", status=404)
    api.call("GET", TOKENS + "/projects/PRJ", auth=("frank", "frank-pw"), status=401)
    api.call("PUT", TOKENS + "/projects/PRJ", auth=("frank", "frank-pw"), body={"name": "ci", "permissions": ["PROJECT_READ"]}, status=401)

    secret = api.call("PUT", TOKENS + "/users/admin", body={"name": "bearer", "permissions": ["PROJECT_ADMIN", "REPO_ADMIN"]}, status=200)["token"]
    api.call("GET", API + "/projects/PRJ", bearer=secret, status=200)
    api.call("PUT", TOKENS + "/users/admin", bearer=secret, body={"name": "nested", "permissions": ["PROJECT_READ"]}, status=401)
    api.call("GET", API + "/projects/PRJ", bearer="not-a-token", status=401)


# -- the request log ----------------------------------------------------------------------------------

def test_request_log_entries_satisfy_the_contract(api, contract):
    """The log the Makefile saves for test_recorded_requests.py carries what the contract needs, and passes."""
    make_project(api)
    make_user(api, "alice")
    api.call("PUT", API + "/projects/PRJ/permissions/users", query={"name": "alice", "permission": "PROJECT_READ"}, status=204)
    created = api.call("PUT", TOKENS + "/projects/PRJ", body={"name": "ci", "permissions": ["PROJECT_READ"]}, status=200)
    api.call("GET", API + "/projects/PRJ/permissions/groups/none", status=202)
    api.call("DELETE", TOKENS + "/projects/PRJ/" + created["id"], status=204)
    api.call("GET", API + "/projects/NOPE", status=404)

    answer = api.client.get("/_emulator/requests")
    assert answer.status_code == 200
    records = answer.get_json()["requests"]
    assert [(r["method"], r["path"], r["status"]) for r in records] == [(m, p, s) for m, p, _q, s in api.exchanges]
    for record in records:
        assert {"seq", "method", "path", "query", "content_type", "body", "status", "response"} <= set(record), record
        assert not is_control_path(record["path"])
    violations = [violation for record in records for violation in contract.check_record(record)]
    assert_no_violations(violations, "violations in the emulator's request log")


# -- answers the generated document leaves out ---------------------------------------------------------
# A missing resource answers 404 (defect table: missing-resource-404), and an empty list of names is a
# no-op (the schemas require the field, not a non-empty array, and the operations document no 400).

UNDOCUMENTED_BUT_EXPECTED = [
    pytest.param("POST", TOKENS + "/users/admin/999", None, {"name": "x"}, 404, id="update-unknown-user-token-404"),
    pytest.param("POST", TOKENS + "/projects/PRJ/999", None, {"name": "x"}, 404, id="update-unknown-project-token-404"),
    pytest.param("GET", API + "/admin/groups/more-members", {"context": "nogroup"}, NO_BODY, 404, id="group-members-unknown-group-404"),
    pytest.param("GET", API + "/admin/groups/more-non-members", {"context": "nogroup"}, NO_BODY, 404, id="group-non-members-unknown-group-404"),
    pytest.param("GET", API + "/admin/users/more-members", {"context": "nogroup"}, NO_BODY, 404, id="users-more-members-unknown-group-404"),
    pytest.param("GET", API + "/admin/users/more-non-members", {"context": "nouser"}, NO_BODY, 404, id="users-more-non-members-unknown-user-404"),
    pytest.param("POST", API + "/admin/users/add-groups", None, {"user": "alice", "groups": []}, 200, id="add-groups-empty-list-is-a-no-op"),
    pytest.param("POST", API + "/admin/groups/add-users", None, {"group": "stash-users", "users": []}, 200, id="add-users-empty-list-is-a-no-op"),
]


@pytest.mark.parametrize(("method", "path", "query", "body", "status"), UNDOCUMENTED_BUT_EXPECTED)
def test_answers_the_document_leaves_out(api, method, path, query, body, status):
    make_project(api)
    make_user(api, "alice")
    make_user(api, "bob")
    # api.call asserts the status and that request and answer satisfy the contract.
    api.call(method, path, query=query, body=body, status=status)


# -- repositories ------------------------------------------------------------------------------------

def test_repository_lifecycle(api):
    make_project(api, "PRJ")
    make_project(api, "DEST", name="Destination")
    repos = API + "/projects/PRJ/repos"
    created = api.call("POST", repos, body={"name": "My App", "scmId": "git"}, status=201)
    assert created["slug"] == "my-app"
    api.call("POST", repos, body={"name": "my app"}, status=409)
    api.call("POST", repos, body={"scmId": "git"}, status=400)
    api.call("POST", repos, body={"name": 7}, status=400, violation="$.name")
    listed = api.call("GET", repos, query={"start": 0, "limit": 1000}, status=200)
    assert [repo["slug"] for repo in listed["values"]] == ["my-app"]
    api.call("GET", repos + "/my-app", status=200)
    api.call("GET", repos + "/nope", status=404)
    api.call("GET", API + "/projects/NOPE/repos", status=404)

    updated = api.call("PUT", repos + "/my-app", body={"description": "The app", "forkable": False, "public": True}, status=201)
    assert updated["description"] == "The app"
    assert api.call("GET", repos + "/my-app/default-branch", status=200)["id"] == "refs/heads/main"
    api.call("PUT", repos + "/my-app/default-branch", body={"id": "refs/heads/develop"}, status=204)
    renamed = api.call("PUT", repos + "/my-app", body={"name": "Renamed"}, status=201)
    assert renamed["slug"] == "renamed"
    api.call("PUT", repos + "/renamed", body={"archived": True}, status=201)
    api.call("PUT", repos + "/renamed", body={"description": "refused"}, status=409)
    api.call("PUT", repos + "/renamed", body={"archived": False}, status=201)
    moved = api.call("PUT", repos + "/renamed", body={"project": {"key": "DEST"}}, status=201)
    assert moved["project"]["key"] == "DEST"
    fork = api.call("POST", API + "/projects/DEST/repos/renamed", body={"name": "Fork", "project": {"key": "PRJ"}}, status=201)
    assert fork["origin"]["slug"] == "renamed"
    forks = api.call("GET", API + "/projects/DEST/repos/renamed/forks", query={"start": 0, "limit": 1000}, status=200)
    assert [repo["slug"] for repo in forks["values"]] == ["fork"]
    api.call("POST", API + "/projects/DEST/repos/renamed", body={"name": "Fork", "project": {"key": "PRJ"}}, status=400)

    api.call("DELETE", repos + "/fork", status=202)
    api.call("DELETE", API + "/projects/DEST/repos/renamed", status=202)
    api.call("GET", repos + "/fork", status=200)
    advance_clock(api, 60_000)
    api.call("GET", repos + "/fork", status=404)
    api.call("DELETE", repos + "/fork", status=204)


# -- branch restrictions -----------------------------------------------------------------------------

RESTRICTIONS = "/rest/branch-permissions/latest/projects/PRJ"


def restriction(kind="pull-request-only", name="main", **exemptions):
    body = {"type": kind, "matcher": {"id": "refs/heads/" + name, "displayId": name, "type": {"id": "BRANCH", "name": "Branch"}}}
    body.update(exemptions)
    return body


@pytest.mark.parametrize("scope", ["", "/repos/app"])
def test_branch_restrictions(api, scope):
    make_project(api)
    add_repository(api, "PRJ", "app")
    make_user(api, "alice")
    api.call("POST", API + "/admin/groups", query={"name": "release"}, status=200)
    base = RESTRICTIONS + scope + "/restrictions"
    single = api.call("POST", base, body=restriction(userSlugs=["alice"], groupNames=["release"], accessKeyIds=[4]), status=200)
    assert single["scope"]["type"] == ("REPOSITORY" if scope else "PROJECT")
    bulk = api.call("POST", base, body=[restriction("no-deletes"), restriction("no-creates", "release")], status=200,
                    content_type="application/vnd.atl.bitbucket.bulk+json")
    assert bulk["type"] == "no-deletes"
    listed = api.call("GET", base, query={"start": 0, "limit": 1000}, status=200)
    assert len(listed["values"]) == 3
    found = api.call("GET", base, query={"matcherType": "BRANCH", "matcherId": "refs/heads/main", "type": "no-deletes"}, status=200)
    assert [r["id"] for r in found["values"]] == [bulk["id"]]
    api.call("GET", base, query={"matcherId": "refs/heads/main"}, status=400)
    api.call("GET", base, query={"type": "not-a-type"}, status=400, violation="query parameter 'type'")
    api.call("GET", base + "/%d" % single["id"], status=200)
    api.call("POST", base, body=restriction(userSlugs=["ghost"]), status=400)
    api.call("POST", base, body={"type": "no-deletes", "matcher": {"id": "main", "type": {"id": "BRANCH"}}}, status=400)
    api.call("DELETE", base + "/%d" % single["id"], status=204)
    api.call("GET", base + "/%d" % single["id"], status=404)
    api.call("DELETE", base + "/%d" % single["id"], status=404)


def test_repository_restrictions_show_the_inherited_ones(api):
    make_project(api)
    add_repository(api, "PRJ", "app")
    api.call("POST", RESTRICTIONS + "/restrictions", body=restriction("no-deletes"), status=200)
    own = api.call("POST", RESTRICTIONS + "/repos/app/restrictions", body=restriction("read-only"), status=200)
    listed = api.call("GET", RESTRICTIONS + "/repos/app/restrictions", status=200)
    assert [r["scope"]["type"] for r in listed["values"]] == ["PROJECT", "REPOSITORY"]
    assert listed["values"][1]["id"] == own["id"]


# -- default reviewers -------------------------------------------------------------------------------

REVIEWERS = "/rest/default-reviewers/latest/projects/PRJ"


@pytest.mark.parametrize("scope", ["", "/repos/app"])
def test_default_reviewer_conditions(api, app, scope):
    make_project(api)
    add_repository(api, "PRJ", "app")
    make_user(api, "alice")
    alice = next(user.id for user in app.state.users.values() if user.name == "alice")
    base = REVIEWERS + scope
    body = {
        "sourceMatcher": {"id": "ANY_REF_MATCHER_ID", "displayId": "ANY_REF_MATCHER_ID", "type": {"id": "ANY_REF", "name": "Any branch"}},
        "targetMatcher": {"id": "refs/heads/main", "displayId": "main", "type": {"id": "BRANCH", "name": "Branch"}},
        "reviewers": [{"id": alice}],
        "requiredApprovals": 1,
    }
    created = api.call("POST", base + "/condition", body=body, status=200)
    assert api.call("GET", base + "/conditions", status=200) == [created]
    updated = api.call("PUT", base + "/condition/%d" % created["id"], body=dict(body, requiredApprovals=0), status=200)
    assert updated["requiredApprovals"] == 0
    api.call("POST", base + "/condition", body=dict(body, reviewers=[]), status=400)
    api.call("DELETE", base + "/condition/%d" % created["id"], status=204)
    api.call("DELETE", base + "/condition/%d" % created["id"], status=404)
    api.call("PUT", base + "/condition/%d" % created["id"], body=body, status=404)


# -- webhooks ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("scope", ["", "/repos/app"])
def test_webhooks(api, scope):
    make_project(api)
    add_repository(api, "PRJ", "app")
    base = API + "/projects/PRJ" + scope + "/webhooks"
    body = {"name": "ci", "url": "https://ci.example.com/hook", "events": ["repo:refs_changed"], "active": True,
            "sslVerificationRequired": True, "configuration": {"secret": "s3cret"}}
    created = api.call("POST", base, body=body, status=200)
    assert "s3cret" not in json.dumps(created)
    listed = api.call("GET", base, query={"start": 0, "limit": 1000}, status=200)
    assert [hook["name"] for hook in listed["values"]] == ["ci"]
    api.call("GET", base, query={"event": "pr:merged"}, status=200)
    api.call("GET", base + "/%d" % created["id"], status=200)
    updated = api.call("PUT", base + "/%d" % created["id"], body={"name": "ci", "url": "https://ci.example.com/v2"}, status=200)
    assert updated["url"] == "https://ci.example.com/v2"
    api.call("POST", base, body={"name": "bad", "url": "nowhere", "events": ["repo:refs_changed"]}, status=400)
    api.call("DELETE", base + "/%d" % created["id"], status=204)
    api.call("GET", base + "/%d" % created["id"], status=404)
    api.call("DELETE", base + "/%d" % created["id"], status=404)
