"""Identity providers, JIT users, login options and the SSO configuration (API-MAP 3.9, 3.10; seed 000)."""

from __future__ import annotations

import pytest

IDPS = "/rest/authconfig/latest/idps"
SSO = "/rest/authconfig/latest/sso"
LOGIN_OPTIONS = "/rest/authconfig/latest/login-options"
JIT_USERS = "/rest/authconfig/latest/jit-users"
CERTIFICATE = "-----BEGIN CERTIFICATE-----\nTUlJQ2VUQ0NBZUtnQXdJQkFnSUJBREFOQmdrcWhraUc5dzBC\nQVFVRkFEQQ==\n-----END CERTIFICATE-----\n"


def oidc(**fields):
    body = {"name": "Corp", "idp-type": "GENERIC", "sso-type": "OIDC", "issuer-url": "https://login.example.com",
            "client-id": "bitbucket", "client-secret": "oidc-secret", "discovery-enabled": True, "enabled": True}
    body.update(fields)
    return body


def saml(**fields):
    body = {"name": "Okta", "idp-type": "GENERIC", "sso-type": "SAML", "sso-url": "https://okta.example.com/sso",
            "sso-issuer": "http://www.okta.com/exk1", "certificate": CERTIFICATE}
    body.update(fields)
    return body


def create(api, body, status=200):
    response = api.post(IDPS, json=body)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json


def test_create_answers_200_with_the_idp_its_id_and_the_secret_masked(api):
    created = create(api, oidc())
    assert isinstance(created["id"], int)
    assert created["client-secret"] == "********"
    assert created["jit-configuration"] == {"user-provisioning-enabled": False}
    assert created["last-updated"].endswith("Z")
    assert "oidc-secret" not in str(api.get(IDPS + "/%d" % created["id"]).json)


def test_the_state_dump_keeps_the_secret_only_as_a_hash(api, client):
    create(api, oidc())
    idp = client.get("/_emulator/state").json["auth"]["idps"][0]
    assert len(idp["client_secret_sha256"]) == 64
    assert "oidc-secret" not in str(idp)


def test_list_is_an_authconfig_page_and_limit_minus_one_gives_everything(api, client):
    for index in range(3):
        create(api, oidc(name="idp-%d" % index))
    client.post("/_emulator/settings", json={"max_page_limit": 2})
    everything = api.get(IDPS, query_string={"limit": -1}).json
    assert [idp["name"] for idp in everything["results"]] == ["idp-0", "idp-1", "idp-2"]
    assert everything["isLastPage"] is True
    assert "nextPageStart" not in everything and "values" not in everything
    first = api.get(IDPS, query_string={"limit": 50}).json
    assert (first["size"], first["limit"], first["isLastPage"]) == (2, 2, False)
    second = api.get(IDPS, query_string={"start": 2, "limit": 2}).json
    assert [idp["name"] for idp in second["results"]] == ["idp-2"]
    assert second["isLastPage"] is True


def test_default_page_size_is_50(api):
    assert api.get(IDPS).json["limit"] == 50


def test_get_and_delete_by_id_and_the_404_in_the_plugin_error_body(api):
    created = create(api, oidc())
    item = IDPS + "/%d" % created["id"]
    assert api.get(item).json["name"] == "Corp"
    deleted = api.delete(item)
    assert deleted.status_code == 200  # API-MAP 1.6: 200 with the deleted entity
    assert deleted.json["id"] == created["id"]
    missing = api.get(item)
    assert missing.status_code == 404
    assert set(missing.json) == {"message"}
    assert api.delete(item).status_code == 404
    assert api.get(IDPS + "/not-a-number").status_code == 404


def test_patch_applies_only_the_properties_given_and_merges_inside_jit_configuration(api):
    created = create(api, oidc(**{"jit-configuration": {"user-provisioning-enabled": True, "mapping-email": "email"}}))
    item = IDPS + "/%d" % created["id"]
    patched = api.call("PATCH", item, json={"buttonText": "Corp SSO", "jit-configuration": {"mapping-groups": "groups"}})
    assert patched.status_code == 200
    body = patched.json
    assert body["buttonText"] == "Corp SSO"
    assert body["issuer-url"] == "https://login.example.com"
    assert body["jit-configuration"] == {"user-provisioning-enabled": True, "mapping-email": "email", "mapping-groups": "groups"}
    assert body["last-updated"] >= created["last-updated"]


def test_patch_with_another_id_in_the_body_is_refused(api):
    created = create(api, oidc())
    response = api.call("PATCH", IDPS + "/%d" % created["id"], json={"id": created["id"] + 1, "enabled": False})
    assert response.status_code == 400
    assert "ID" in response.json["message"]
    assert api.call("PATCH", IDPS + "/%d" % created["id"], json={"id": created["id"], "enabled": False}).status_code == 200


def test_a_new_idp_must_not_carry_an_id(api):
    response = api.post(IDPS, json=oidc(id=7))
    assert response.status_code == 400
    assert response.json == {"message": "The ID of a new IdP configuration must be null."}


@pytest.mark.parametrize(
    "body, needle",
    [
        (saml(**{"sso-url": None}), "sso-url"),
        (saml(certificate="not a certificate!"), "certificate"),
        (oidc(**{"client-secret": None}), "client-secret"),
        (oidc(**{"discovery-enabled": False}), "authorization-endpoint, token-endpoint, userinfo-endpoint"),
        (oidc(**{"issuer-url": "login.example.com"}), "issuer-url must be an http or https URL"),
        (oidc(**{"sso-type": None}), "sso-type SAML or OIDC"),
        ({"name": "Crowd", "idp-type": "CROWD", "sso-type": "OIDC", "crowd-url": "https://crowd", "client-id": "bb", "client-secret": "x"},
         "Crowd IdP takes sso-type NONE"),
        ({"name": "Crowd", "idp-type": "CROWD", "crowd-url": "https://crowd", "client-id": "bb", "client-secret": "x",
          "jit-configuration": {"user-provisioning-enabled": True}}, "Just-in-time provisioning"),
        (oidc(enabled="yes"), "enabled must be true or false"),
        (oidc(name=" "), "name must not be empty"),
        (oidc(**{"idp-type": "LDAP"}), "idp-type must be one of"),
    ],
)
def test_each_kind_is_validated_with_a_400_in_the_plugin_error_body(api, body, needle):
    response = api.post(IDPS, json=body)
    assert response.status_code == 400
    assert set(response.json) == {"message"}
    assert needle in response.json["message"]


def test_oidc_without_discovery_takes_explicit_endpoints(api):
    created = create(api, oidc(**{"discovery-enabled": False, "authorization-endpoint": "https://login.example.com/auth",
                                  "token-endpoint": "https://login.example.com/token", "userinfo-endpoint": "https://login.example.com/me"}))
    assert created["discovery-enabled"] is False


def test_crowd_takes_its_url_and_the_application_credentials(api):
    created = create(api, {"name": "Crowd", "idp-type": "CROWD", "crowd-url": "https://crowd.example.com", "client-id": "bitbucket",
                           "client-secret": "app-password", "enabled": True})
    assert (created["idp-type"], created["sso-type"], created["client-id"]) == ("CROWD", "NONE", "bitbucket")
    assert created["client-secret"] == "********"
    assert "jit-configuration" not in created


def test_a_type_change_drops_the_fields_of_the_old_type(api):
    created = create(api, oidc())
    changed = api.call("PATCH", IDPS + "/%d" % created["id"], json={"sso-type": "SAML", "sso-url": "https://okta.example.com/sso",
                                                                    "sso-issuer": "okta", "certificate": CERTIFICATE}).json
    assert changed["sso-type"] == "SAML"
    assert "issuer-url" not in changed and "client-secret" not in changed


def test_seed_only_saml_fields_are_dropped_by_9_4_and_kept_from_9_5(api, client):
    signing = {"sign-authnrequest": True, "signature-algorithm": "RSA_SHA256", "name-id-policy": "NONE"}
    old = create(api, saml(**signing))
    assert not set(signing) & set(old)
    client.post("/_emulator/settings", json={"version": "9.6"})
    new = create(api, saml(name="Okta 2", **signing))
    assert {key: new[key] for key in signing} == signing


def test_authconfig_needs_sys_admin_and_answers_401_in_its_own_body(api):
    api.make_user("alice")
    api.grant_global("alice", "ADMIN")
    response = api.get(IDPS, auth=("alice", "secret"))
    assert response.status_code == 401
    assert set(response.json) == {"message"}
    assert api.get(SSO, auth=("alice", "secret")).status_code == 401
    assert api.get(IDPS, auth=None).status_code == 401  # no credentials: the core's own 401


def test_an_admin_token_carrying_its_owners_rights_may_call_authconfig(api):
    """The reading taken (docs/emulator.md): tokens are not refused; they act with their owner's global rights."""
    token = api.make_token("users/admin", ["PROJECT_ADMIN", "REPO_ADMIN"])["token"]
    assert api.get(IDPS, auth=None, headers=api.bearer(token)).status_code == 200
    weak = api.make_token("users/admin", ["PROJECT_READ", "REPO_READ"], name="weak")["token"]
    assert api.get(IDPS, auth=None, headers=api.bearer(weak)).status_code == 401


def test_login_options_are_public_and_list_only_what_is_enabled(api):
    create(api, oidc(buttonText="Corp SSO"))
    create(api, saml(enabled=False))
    options = api.get(LOGIN_OPTIONS, auth=None).json
    assert [(option["type"], option.get("buttonText")) for option in options["results"]] == [
        ("LOGIN_FORM", "Log in with username and password"), ("IDP", "Corp SSO")]
    assert options["results"][1]["loginLink"].endswith("/plugins/servlet/external-login/1")
    api.call("PATCH", SSO, json={"show-login-form": False})
    assert [option["type"] for option in api.get(LOGIN_OPTIONS, auth=None).json["results"]] == ["IDP"]


def test_sso_configuration_defaults_and_partial_update(api):
    config = api.get(SSO).json
    assert config == {"show-login-form": True, "show-login-form-for-jsm": True, "enable-authentication-fallback": False,
                      "discovery-refresh-cron": "0 0 1 * * ?"}
    updated = api.call("PATCH", SSO, json={"show-login-form": False, "enable-authentication-fallback": True}).json
    assert updated["show-login-form"] is False
    assert updated["show-login-form-for-jsm"] is True
    assert updated["discovery-refresh-cron"] == "0 0 1 * * ?"
    assert updated["last-updated"].endswith("Z")
    assert api.get(SSO).json == updated


@pytest.mark.parametrize("body", [{"discovery-refresh-cron": "0 0 * * *"}, {"discovery-refresh-cron": "every day"}, {"show-login-form": "no"}])
def test_sso_update_is_validated(api, body):
    response = api.call("PATCH", SSO, json=body)
    assert response.status_code == 400
    assert set(response.json) == {"message"}


def test_jit_users_are_the_accounts_an_idp_provisioned_as_a_list(api, client):
    created = create(api, oidc(**{"jit-configuration": {"user-provisioning-enabled": True}}))
    login = client.post("/_emulator/sso-login", json={"idp": created["id"], "username": "jdoe", "display_name": "Jane Doe", "email": "jdoe@example.com"})
    assert login.status_code == 200
    assert login.json["created"] is True
    assert client.post("/_emulator/sso-login", json={"idp": "Corp", "username": "jdoe"}).json["created"] is False
    assert api.get(JIT_USERS).json == [{"username": "jdoe", "display-name": "Jane Doe", "email": "jdoe@example.com"}]
    # The provisioned account is a licensed Bitbucket user (it can get a token and use the API).
    assert api.get("/rest/api/latest/users/jdoe").status_code == 200


def test_an_sso_login_needs_an_enabled_idp_that_provisions(api, client):
    create(api, oidc())
    assert client.post("/_emulator/sso-login", json={"idp": "Corp", "username": "new"}).status_code == 409
    create(api, saml(enabled=False, **{"jit-configuration": {"user-provisioning-enabled": True}}))
    assert client.post("/_emulator/sso-login", json={"idp": "Okta", "username": "new"}).status_code == 409
    assert client.post("/_emulator/sso-login", json={"idp": "nope", "username": "new"}).status_code == 404
    assert client.post("/_emulator/sso-login", json={"idp": "Corp"}).status_code == 400
    assert api.get(JIT_USERS).json == []


def test_reset_forgets_the_authentication_configuration(api, client):
    create(api, oidc())
    api.call("PATCH", SSO, json={"show-login-form": False})
    client.post("/_emulator/reset")
    assert api.get(IDPS).json["results"] == []
    assert api.get(SSO).json["show-login-form"] is True
