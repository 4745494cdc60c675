"""User settings, the licensed-user limit and external-directory users (API-MAP 3.25, 3.26; seed 003)."""

from __future__ import annotations

USERS = "/rest/api/latest/admin/users"
GROUPS = "/rest/api/latest/admin/groups"
SETTINGS = "/rest/api/latest/users/{}/settings"


def _directory_user(client, name="lee", **fields):
    body = {"name": name, "directory": "Corporate LDAP", "display_name": "Lee Ldap", "email": f"{name}@corp.example", "password": "ldap-pw"}
    body.update(fields)
    return client.post("/_emulator/users", json=body)


def _detailed(api, name):
    users = api.get(USERS, query_string={"filter": name}).json["values"]
    return next(user for user in users if user["name"] == name)


# -- user settings ---------------------------------------------------------------------------------


def test_settings_start_empty_and_merge_typed_values(api):
    api.make_user("sam")
    assert api.get(SETTINGS.format("sam")).json == {}
    first = api.post(SETTINGS.format("sam"), json={"theme": "dark", "beta": True, "page.size": 50})
    assert first.status_code == 204
    assert first.get_data() == b""
    # A merge: the keys not sent are kept, the ones sent are replaced, types are kept.
    assert api.post(SETTINGS.format("sam"), json={"theme": "light"}).status_code == 204
    assert api.get(SETTINGS.format("sam")).json == {"beta": True, "page.size": 50, "theme": "light"}


def test_a_null_value_removes_the_key(api):
    # API-MAP 3.26 VERIFY: the emulator's reading is that null deletes; absent keys are no error.
    api.make_user("sam")
    api.post(SETTINGS.format("sam"), json={"theme": "dark", "beta": True})
    assert api.post(SETTINGS.format("sam"), json={"theme": None, "never-set": None}).status_code == 204
    assert api.get(SETTINGS.format("sam")).json == {"beta": True}


def test_settings_values_must_be_scalars_and_nothing_is_applied_otherwise(api):
    api.make_user("sam")
    for bad in ({"theme": "dark", "nested": {"a": 1}}, {"list": [1, 2]}, {" ": "blank key"}):
        assert api.post(SETTINGS.format("sam"), json=bad).status_code == 400
    assert api.post(SETTINGS.format("sam"), json=["not", "a", "map"]).status_code == 400
    assert api.get(SETTINGS.format("sam")).json == {}


def test_settings_are_the_users_own_or_an_admins(api):
    sam = api.make_user("sam", password="sam-pw")
    api.make_user("tia", password="tia-pw")
    assert api.post(SETTINGS.format("sam"), json={"theme": "dark"}, auth=sam).status_code == 204
    assert api.get(SETTINGS.format("sam"), auth=sam).json == {"theme": "dark"}
    assert api.get(SETTINGS.format("sam"), auth=("tia", "tia-pw")).status_code == 401
    assert api.post(SETTINGS.format("sam"), json={"theme": "x"}, auth=("tia", "tia-pw")).status_code == 401
    assert api.get(SETTINGS.format("sam")).status_code == 200  # the seeded administrator
    assert api.get(SETTINGS.format("ghost")).status_code == 404
    assert api.post(SETTINGS.format("ghost"), json={"theme": "x"}).status_code == 404
    assert api.get(SETTINGS.format("sam"), auth=None).status_code == 401


def test_settings_follow_a_rename_and_go_with_the_user(api, client):
    api.make_user("sam")
    api.post(SETTINGS.format("sam"), json={"theme": "dark"})
    api.post(f"{USERS}/rename", json={"name": "sam", "newName": "samuel"})
    assert api.get(SETTINGS.format("samuel")).json == {"theme": "dark"}
    assert api.get(SETTINGS.format("sam")).status_code == 404
    dumped = {user["name"]: user for user in client.get("/_emulator/state").json["users"]}
    assert dumped["samuel"]["settings"] == {"theme": "dark"}
    api.delete(USERS, query_string={"name": "samuel"})
    api.make_user("samuel")
    assert api.get(SETTINGS.format("samuel")).json == {}


# -- the licensed-user limit -----------------------------------------------------------------------


def test_license_control_reads_and_sets_the_limit(api, client):
    assert client.get("/_emulator/license").json == {"licensed_user_limit": None, "licensed_users": 1}
    api.make_user("ann")
    assert client.post("/_emulator/license", json={"licensed_user_limit": 5}).json == {"licensed_user_limit": 5, "licensed_users": 2}
    for bad in ({"licensed_user_limit": -1}, {"licensed_user_limit": "5"}, {"licensed_user_limit": True}, {}, {"limit": 5}, [5]):
        assert client.post("/_emulator/license", json=bad).status_code == 400, bad
    assert client.delete("/_emulator/license").status_code == 405
    assert client.get("/_emulator/state").json["licensed_user_limit"] == 5
    client.post("/_emulator/reset")
    assert client.get("/_emulator/license").json["licensed_user_limit"] is None


def test_create_beyond_the_limit_is_403_unless_outside_the_default_group(api, client):
    api.make_user("ann")
    client.post("/_emulator/license", json={"licensed_user_limit": 2})
    query = {"name": "bea", "displayName": "Bea", "emailAddress": "bea@example.com", "password": "pw"}
    refused = api.post(USERS, query_string=query)
    assert refused.status_code == 403
    assert "license limit" in refused.json["errors"][0]["message"]
    assert api.get("/rest/api/latest/users/bea").status_code == 404
    # spec: the limit is about "Adding the user to the default group"; a user outside it is not licensed.
    assert api.post(USERS, query_string=dict(query, addToDefaultGroup="false")).status_code == 204
    client.post("/_emulator/license", json={"licensed_user_limit": None})
    assert api.post(USERS, query_string=dict(query, name="cid")).status_code == 204


def test_joining_a_licensing_group_beyond_the_limit_is_403(api, client):
    api.make_user("dan", default_group=False)
    api.make_user("eve", default_group=False)
    api.post(GROUPS, query_string={"name": "plain"})
    client.post("/_emulator/license", json={"licensed_user_limit": 2})
    # stash-users grants LICENSED_USER: admin counts, one more fits, two do not (all or nothing).
    assert api.post(f"{GROUPS}/add-users", json={"group": "stash-users", "users": ["dan", "eve"]}).status_code == 403
    assert "dan" not in [m["name"] for m in api.get(f"{GROUPS}/more-members", query_string={"context": "stash-users"}).json["values"]]
    assert api.post(f"{USERS}/add-groups", json={"user": "dan", "groups": ["stash-users"]}).status_code == 200
    assert api.post(f"{USERS}/add-group", json={"context": "eve", "itemName": "stash-users"}).status_code == 403
    assert api.post(f"{GROUPS}/add-user", json={"context": "stash-users", "itemName": "eve"}).status_code == 403
    # A group that grants nothing is always open, and an already licensed user joins licensing groups freely.
    assert api.post(f"{GROUPS}/add-users", json={"group": "plain", "users": ["eve"]}).status_code == 200
    api.put("/rest/api/latest/admin/permissions/groups", query_string={"name": "plain", "permission": "LICENSED_USER"})
    assert api.post(f"{GROUPS}/add-users", json={"group": "plain", "users": ["dan"]}).status_code == 200


def test_service_users_do_not_count(api, client):
    api.make_project("LIC")
    api.make_token("projects/LIC", ["PROJECT_READ"])
    assert client.get("/_emulator/license").json["licensed_users"] == 1


# -- external-directory users ----------------------------------------------------------------------


def test_directory_users_are_read_only_and_not_deletable(api, client):
    created = _directory_user(client, groups=["stash-users"])
    assert created.status_code == 201
    detailed = _detailed(api, "lee")
    assert detailed["directoryName"] == "Corporate LDAP"
    assert (detailed["mutableDetails"], detailed["mutableGroups"], detailed["deletable"]) == (False, False, False)
    assert api.get("/rest/api/latest/users", auth=("lee", "ldap-pw")).status_code == 200

    for method, path, body in (
        ("PUT", USERS, {"name": "lee", "displayName": "Changed"}),
        ("PUT", f"{USERS}/credentials", {"name": "lee", "password": "x", "passwordConfirm": "x"}),
        ("POST", f"{USERS}/rename", {"name": "lee", "newName": "lee2"}),
    ):
        refused = api.call(method, path, json=body)
        assert refused.status_code == 400, path
        assert "read-only directory Corporate LDAP" in refused.json["errors"][0]["message"]
    assert api.put("/rest/api/latest/users", json={"displayName": "Mine"}, auth=("lee", "ldap-pw")).status_code == 400
    deleted = api.delete(USERS, query_string={"name": "lee"})
    assert deleted.status_code == 403
    assert "Corporate LDAP" in deleted.json["errors"][0]["message"]
    assert _detailed(api, "lee")["displayName"] == "Lee Ldap"


def test_directory_users_memberships_cannot_change(api, client):
    _directory_user(client)
    api.make_user("max")
    api.post(GROUPS, query_string={"name": "devs"})
    for method, path, body in (
        ("POST", f"{GROUPS}/add-users", {"group": "devs", "users": ["max", "lee"]}),
        ("POST", f"{USERS}/add-groups", {"user": "lee", "groups": ["devs"]}),
        ("POST", f"{USERS}/remove-group", {"context": "lee", "itemName": "stash-users"}),
        ("POST", f"{GROUPS}/remove-user", {"context": "stash-users", "itemName": "lee"}),
    ):
        refused = api.call(method, path, json=body)
        assert refused.status_code == 403, path
        assert "the directory Corporate LDAP is read-only" in refused.json["errors"][0]["message"]
    # add-users is all or nothing: max was not added either.
    assert api.get(f"{GROUPS}/more-members", query_string={"context": "devs"}).json["values"] == []


def test_a_directory_user_with_mutable_groups_may_join_groups(api, client):
    _directory_user(client, mutable_groups=True)
    api.post(GROUPS, query_string={"name": "devs"})
    assert api.post(f"{USERS}/add-groups", json={"user": "lee", "groups": ["devs"]}).status_code == 200
    assert _detailed(api, "lee")["mutableGroups"] is True
    assert api.put(USERS, json={"name": "lee", "displayName": "x"}).status_code == 400


def test_users_control_validates_and_removes(api, client):
    assert _directory_user(client, directory="Bitbucket Internal Directory").status_code == 400
    assert client.post("/_emulator/users", json={"name": "x"}).status_code == 400
    assert client.post("/_emulator/users", json={"name": "x", "directory": "D", "colour": "blue"}).status_code == 400
    assert _directory_user(client, mutable_groups="yes").status_code == 400
    assert _directory_user(client, groups=["nope"]).status_code == 404
    assert _directory_user(client).status_code == 201
    assert _directory_user(client, name="LEE").status_code == 409
    dumped = {user["name"]: user for user in client.get("/_emulator/state").json["users"]}
    assert (dumped["lee"]["directory"], dumped["lee"]["mutable_details"]) == ("Corporate LDAP", False)
    assert client.delete("/_emulator/users/lee").status_code == 204
    assert client.delete("/_emulator/users/lee").status_code == 404
    assert api.get("/rest/api/latest/users/lee").status_code == 404
    assert client.get("/_emulator/users").status_code == 405


def test_a_global_grant_beyond_the_limit_is_403_and_changes_nothing(api, client):
    # spec setPermissionForUsers / setPermissionForGroups: 403 "would exceed the server's license limits".
    api.make_user("fay", default_group=False)
    api.make_user("gus", default_group=False)
    client.post("/_emulator/license", json={"licensed_user_limit": 2})
    grants = "/rest/api/latest/admin/permissions/users"
    assert api.put(grants, query_string={"name": "fay", "permission": "LICENSED_USER"}).status_code == 204
    refused = api.put(grants, query_string={"name": "gus", "permission": "PROJECT_CREATE"})
    assert refused.status_code == 403
    assert "license limits" in refused.json["errors"][0]["message"]
    assert [entry["user"]["name"] for entry in api.get(grants).json["values"] if entry["user"]["name"] == "gus"] == []
    # A user already licensed may be promoted at the limit: it licenses no one new.
    assert api.put(grants, query_string={"name": "fay", "permission": "ADMIN"}).status_code == 204
    api.post(GROUPS, query_string={"name": "newcomers"})
    api.post("/rest/api/latest/admin/groups/add-users", json={"group": "newcomers", "users": ["gus"]})
    assert api.put("/rest/api/latest/admin/permissions/groups", query_string={"name": "newcomers", "permission": "LICENSED_USER"}).status_code == 403
