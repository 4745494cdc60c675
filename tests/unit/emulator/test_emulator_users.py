"""Users, groups and global permissions (API-MAP 3.25, §8 bitbucket_group / bitbucket_global_permission)."""

from __future__ import annotations

USERS = "/rest/api/latest/admin/users"
GROUPS = "/rest/api/latest/admin/groups"


def _create(api, **params):
    query = {"name": "carol", "displayName": "Carol", "emailAddress": "carol@example.com", "password": "pw"}
    query.update(params)
    return api.post(USERS, query_string={k: v for k, v in query.items() if v is not None})


def test_create_user_is_204_without_body_and_joins_default_group(api):
    response = _create(api)
    assert response.status_code == 204
    assert response.get_data() == b""
    user = api.get("/rest/api/latest/users/carol").json
    assert user == {
        "name": "carol",
        "emailAddress": "carol@example.com",
        "active": True,
        "displayName": "Carol",
        "id": user["id"],
        "slug": "carol",
        "type": "NORMAL",
    }
    members = api.get(f"{GROUPS}/more-members", query_string={"context": "stash-users"}).json["values"]
    assert "carol" in [member["name"] for member in members]
    assert api.get("/rest/api/latest/users/carol", auth=("carol", "pw")).status_code == 200


def test_create_user_validation_and_conflict(api):
    assert _create(api, emailAddress=None).status_code == 400
    assert _create(api, emailAddress="not-an-email").status_code == 400
    assert _create(api, password=None).status_code == 400
    assert _create(api, password=None, notify="true").status_code == 400  # no mail server configured
    assert _create(api).status_code == 204
    conflict = _create(api, name="CAROL")
    assert conflict.status_code == 409


def test_get_user_by_slug_404_and_slug_differs_from_name(api):
    assert api.get("/rest/api/latest/users/ghost").status_code == 404
    assert _create(api, name="Jane.Doe@corp").status_code == 204
    users = api.get("/rest/api/latest/users", query_string={"filter": "jane"}).json["values"]
    assert [u["slug"] for u in users] == ["jane.doe_corp"]
    assert api.get("/rest/api/latest/users/jane.doe_corp").json["name"] == "Jane.Doe@corp"


def test_user_filters_are_case_insensitive_substrings(api):
    api.make_user("dave")
    api.make_user("erin")
    by_email = api.get("/rest/api/latest/users", query_string={"filter": "ERIN@EXAMPLE"}).json["values"]
    assert [u["name"] for u in by_email] == ["erin"]
    by_display = api.get(USERS, query_string={"filter": "dav"}).json["values"]
    assert [u["name"] for u in by_display] == ["dave"]
    assert by_display[0]["directoryName"] == "Bitbucket Internal Directory"


def test_users_page_across_a_small_server_limit(api, client):
    client.post("/_emulator/reset", json={"max_page_limit": 2})
    for name in ("u1", "u2", "u3", "u4"):
        api.make_user(name)
    names, start, pages = [], 0, 0
    while True:
        page = api.get(USERS, query_string={"start": start, "limit": 100}).json
        pages += 1
        assert page["limit"] == 2  # the server reports the capped limit
        names += [u["name"] for u in page["values"]]
        if page["isLastPage"]:
            assert "nextPageStart" not in page
            break
        start = page["nextPageStart"]
    assert names == ["admin", "u1", "u2", "u3", "u4"]
    assert pages == 3


def test_users_permission_filters(api):
    api.make_user("frank")
    api.make_user("gina")
    api.grant_global("frank", "PROJECT_CREATE")
    admins = api.get("/rest/api/latest/users", query_string={"permission": "ADMIN"}).json["values"]
    assert [u["name"] for u in admins] == ["admin"]
    creators = api.get("/rest/api/latest/users", query_string={"permission.1": "PROJECT_CREATE"}).json["values"]
    assert [u["name"] for u in creators] == ["admin", "frank"]
    api.make_project("FLT")
    api.grant_project("FLT", "gina", "PROJECT_WRITE")
    writers = api.get("/rest/api/latest/users", query_string={"permission": "PROJECT_WRITE", "permission.projectKey": "FLT"}).json["values"]
    assert [u["name"] for u in writers] == ["admin", "gina"]
    assert api.get("/rest/api/latest/users", query_string={"permission": "PROJECT_WRITE"}).status_code == 400
    assert api.get("/rest/api/latest/users", query_string={"permission": "BOGUS"}).status_code == 400


def test_update_user_details_credentials_and_rename(api):
    api.make_user("hank")
    updated = api.put(USERS, json={"name": "hank", "displayName": "Hank Hill", "email": "hank@propane.example"})
    assert updated.status_code == 200
    assert updated.json["displayName"] == "Hank Hill"
    assert updated.json["emailAddress"] == "hank@propane.example"
    assert api.put(USERS, json={"name": "nobody", "displayName": "x"}).status_code == 404

    assert api.put(f"{USERS}/credentials", json={"name": "hank", "password": "new", "passwordConfirm": "other"}).status_code == 400
    assert api.put(f"{USERS}/credentials", json={"name": "hank", "password": "new", "passwordConfirm": "new"}).status_code == 204
    assert api.get("/rest/api/latest/users", auth=("hank", "new")).status_code == 200
    assert api.get("/rest/api/latest/users", auth=("hank", "secret")).status_code == 401

    renamed = api.post(f"{USERS}/rename", json={"name": "hank", "newName": "Henry"})
    assert renamed.status_code == 200
    assert renamed.json["name"] == "Henry"
    assert renamed.json["slug"] == "henry"
    assert api.get("/rest/api/latest/users/hank").status_code == 404
    assert api.post(f"{USERS}/rename", json={"name": "Henry", "newName": "admin"}).status_code == 400


def test_delete_user_returns_the_user_and_refuses_self(api):
    api.make_user("ivan")
    api.make_project("DEL")
    api.grant_project("DEL", "ivan", "PROJECT_READ")
    response = api.delete(USERS, query_string={"name": "ivan"})
    assert response.status_code == 200
    assert response.json["name"] == "ivan"
    assert api.get("/rest/api/latest/users/ivan").status_code == 404
    grants = api.get("/rest/api/latest/projects/DEL/permissions/users").json["values"]
    assert "ivan" not in [g["user"]["name"] for g in grants]
    assert api.delete(USERS, query_string={"name": "ivan"}).status_code == 404
    own = api.delete(USERS, query_string={"name": "admin"})
    assert own.status_code == 409


def test_admin_cannot_delete_sys_admin(api):
    api.make_user("judy")
    api.grant_global("judy", "ADMIN")
    assert api.delete(USERS, query_string={"name": "admin"}, auth=("judy", "secret")).status_code == 403


def test_self_service_update_applies_to_caller(api):
    kim = api.make_user("kim")
    response = api.put("/rest/api/latest/users", json={"name": "admin", "displayName": "Kim K"}, auth=kim)
    assert response.status_code == 200
    assert response.json["name"] == "kim"
    assert api.get("/rest/api/latest/users/admin").json["displayName"] == "Administrator"


def test_groups_lifecycle_and_membership(api):
    api.make_user("lena")
    api.make_user("mike")
    created = api.post(GROUPS, query_string={"name": "devs"})
    assert created.status_code == 200
    assert created.json == {"name": "devs", "deletable": True}
    assert api.post(GROUPS, query_string={"name": "DEVS"}).status_code == 409
    assert api.post(GROUPS).status_code == 400

    assert api.post(f"{GROUPS}/add-users", json={"group": "devs", "users": ["lena", "mike"]}).status_code == 200
    assert api.post(f"{GROUPS}/add-users", json={"group": "devs", "users": ["ghost"]}).status_code == 404
    members = api.get(f"{GROUPS}/more-members", query_string={"context": "devs"}).json["values"]
    assert [m["name"] for m in members] == ["lena", "mike"]
    non_members = api.get(f"{GROUPS}/more-non-members", query_string={"context": "devs"}).json["values"]
    assert [m["name"] for m in non_members] == ["admin"]

    assert api.post(f"{GROUPS}/remove-user", json={"context": "devs", "itemName": "mike"}).status_code == 200
    assert api.post(f"{USERS}/remove-group", json={"context": "lena", "itemName": "devs"}).status_code == 200
    assert api.post(f"{USERS}/add-group", json={"context": "mike", "itemName": "devs"}).status_code == 200
    assert api.post(f"{USERS}/add-groups", json={"user": "lena", "groups": ["devs"]}).status_code == 200
    assert api.post(f"{GROUPS}/add-user", json={"context": "devs", "itemName": "admin"}).status_code == 200
    members = api.get(f"{GROUPS}/more-members", query_string={"context": "devs", "filter": "LEN"}).json["values"]
    assert [m["name"] for m in members] == ["lena"]

    names = api.get("/rest/api/latest/groups").json
    assert names["values"] == ["devs", "stash-users"]  # a page of plain strings (spec getGroups)
    deleted = api.delete(GROUPS, query_string={"name": "devs"})
    assert deleted.status_code == 200
    assert deleted.json["name"] == "devs"
    assert api.delete(GROUPS, query_string={"name": "devs"}).status_code == 404


def test_user_scoped_more_members_follow_the_spec_parameters(api):
    # API-MAP §7 #22: /admin/users/more-members takes a *group* as context and answers users;
    # /admin/users/more-non-members takes a *user* and answers the groups they are not in.
    api.make_user("nora")
    api.post(GROUPS, query_string={"name": "ops"})
    members = api.get(f"{USERS}/more-members", query_string={"context": "stash-users"}).json["values"]
    assert "nora" in [m["name"] for m in members]
    others = api.get(f"{USERS}/more-non-members", query_string={"context": "nora"}).json["values"]
    assert others == [{"name": "ops", "deletable": True}]
    assert api.get(f"{USERS}/more-non-members").status_code == 400


def test_global_permissions_and_self_lowering(api):
    api.make_user("olga")
    assert api.put("/rest/api/latest/admin/permissions/users", query_string={"name": "olga", "permission": "ADMIN"}).status_code == 204
    grants = api.get("/rest/api/latest/admin/permissions/users").json["values"]
    assert {g["user"]["name"]: g["permission"] for g in grants} == {"admin": "SYS_ADMIN", "olga": "ADMIN"}
    olga = ("olga", "secret")
    # An ADMIN cannot grant SYS_ADMIN, nor lower their own level.
    assert api.put("/rest/api/latest/admin/permissions/users", query_string={"name": "olga", "permission": "SYS_ADMIN"}, auth=olga).status_code == 401
    lowered = api.put("/rest/api/latest/admin/permissions/users", query_string={"name": "olga", "permission": "LICENSED_USER"}, auth=olga)
    assert lowered.status_code == 409
    assert api.get("/rest/api/latest/admin/permissions/users", auth=olga).status_code == 200
    assert api.put("/rest/api/latest/admin/permissions/users", query_string={"name": "olga", "permission": "BOGUS"}).status_code == 400
    assert api.put("/rest/api/latest/admin/permissions/users", query_string={"name": "ghost", "permission": "ADMIN"}).status_code == 404
    assert api.delete("/rest/api/latest/admin/permissions/users", query_string={"name": "olga"}).status_code == 204


def test_group_global_permission_is_inherited(api):
    api.make_user("pete")
    api.post(GROUPS, query_string={"name": "creators"})
    api.post(f"{GROUPS}/add-users", json={"group": "creators", "users": ["pete"]})
    pete = ("pete", "secret")
    assert api.post("/rest/api/latest/projects", json={"key": "P1", "name": "P1"}, auth=pete).status_code == 401
    assert api.put("/rest/api/latest/admin/permissions/groups", query_string={"name": "creators", "permission": "PROJECT_CREATE"}).status_code == 204
    assert api.post("/rest/api/latest/projects", json={"key": "P1", "name": "P1"}, auth=pete).status_code == 201
    groups = api.get("/rest/api/latest/admin/permissions/groups").json["values"]
    assert {"group": {"name": "creators"}, "permission": "PROJECT_CREATE"} in groups


def test_access_token_cannot_change_user_accounts(api):
    token = api.make_token("users/admin", ["PROJECT_ADMIN", "REPO_ADMIN"])["token"]
    response = api.post(
        USERS, auth=None, headers=api.bearer(token), query_string={"name": "quinn", "displayName": "Q", "emailAddress": "q@example.com", "password": "x"}
    )
    assert response.status_code == 401
    assert api.put("/rest/api/latest/users", json={"displayName": "Changed"}, auth=None, headers=api.bearer(token)).status_code == 401
    # Reading still works with an admin-level token.
    assert api.get(USERS, auth=None, headers=api.bearer(token)).status_code == 200
