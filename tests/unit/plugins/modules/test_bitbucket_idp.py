"""bitbucket_idp: the exact HTTP calls of every scenario, in order, each also in check mode (API-MAP 3.9).

Check mode makes the same reads and none of the writes, and predicts the same result. The client secret
is sent only as update_secret says and never appears in a result, a diff or a warning.
"""

from __future__ import annotations

import functools
import json

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_idp
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_idp import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, Call
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

IDPS = "/rest/authconfig/latest/idps"
SSO = "/rest/authconfig/latest/sso"
PROPERTIES = "/rest/api/latest/application-properties"
ALL = [("start", 0), ("limit", -1)]
SECRET = "oidc-client-secret-7f3a"
PEM_BODY = "MIIBCgABAgMEBQYHCAkKCwwNDg8QERITFBUWFxgZGhscHR4fICEiIyQlJicoKSor"
PEM = "-----BEGIN CERTIFICATE-----\n%s\n%s\n-----END CERTIFICATE-----\n" % (PEM_BODY[:32], PEM_BODY[32:])

OIDC_OPTIONS = dict(
    name="Corp", type="oidc", enabled=True, issuer_url="https://login.example.com", client_id="bitbucket", client_secret=SECRET,
    additional_scopes=["email", "profile"], jit_provisioning=True, jit_mapping_email="email",
)
OIDC_BODY = {
    "name": "Corp", "idp-type": "GENERIC", "sso-type": "OIDC", "enabled": True, "issuer-url": "https://login.example.com",
    "client-id": "bitbucket", "client-secret": SECRET, "discovery-enabled": True, "additional-scopes": ["email", "profile"],
    "jit-configuration": {"user-provisioning-enabled": True, "mapping-email": "email"},
}


def server_idp(idp_id=3, secret="********", **fields):
    """An IdP as Bitbucket answers it; ``secret`` is what it shows of the client secret (None: nothing)."""
    body = {
        "id": idp_id, "name": "Corp", "idp-type": "GENERIC", "sso-type": "OIDC", "enabled": True, "issuer-url": "https://login.example.com",
        "client-id": "bitbucket", "discovery-enabled": True, "additional-scopes": ["email", "profile"], "include-customer-logins": False,
        "enable-remember-me": False, "jit-configuration": {"user-provisioning-enabled": True, "mapping-email": "email"},
        "last-updated": "2026-01-01T00:00:00.000Z",
    }
    if secret is not None:
        body["client-secret"] = secret
    body.update(fields)
    return {key: value for key, value in body.items() if value is not None}


def saml_idp(idp_id=4, **fields):
    body = {"id": idp_id, "name": "Okta", "idp-type": "GENERIC", "sso-type": "SAML", "enabled": True, "sso-url": "https://okta.example.com/sso",
            "sso-issuer": "okta", "certificate": PEM_BODY, "jit-configuration": {"user-provisioning-enabled": False}}
    body.update(fields)
    return body


def listing(*idps):
    return Call("GET", IDPS, query=ALL, body={"isLastPage": True, "limit": -1, "size": len(idps), "start": 0, "results": list(idps)})


def created(body, answer):
    return Call("POST", IDPS, json=body, body=answer)


def patch(idp_id, body, answer):
    return Call("PATCH", "%s/%d" % (IDPS, idp_id), json=body, body=answer)


def sso(show_form, fallback=False):
    return Call("GET", SSO, body={"show-login-form": show_form, "show-login-form-for-jsm": True, "enable-authentication-fallback": fallback})


def version(text):
    return Call("GET", PROPERTIES, body={"version": text, "buildNumber": "1", "buildDate": "1", "displayName": "Bitbucket"})


@pytest.fixture
def run_module(http, make_context):
    def runner(params, check_mode=False, diff=True, username=None):
        context = make_context(MODULE_SPEC, params, check_mode=check_mode, diff=diff)
        if username is not None:
            context.params.update(token=None, username=username, password="pw")
        result = execute(run, context)
        result["warnings"] = context.warnings
        # The module itself never puts the secret anywhere (no_log masking comes later, on either path).
        assert SECRET not in json.dumps(result), result
        return result

    return runner


def expect(http, calls, check_mode):
    http.expect(*[call for call in calls if not check_mode or call.method == "GET"])


CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])


# -- create ---------------------------------------------------------------------------------------


@CHECK_MODES
def test_create_oidc_with_jit(http, run_module, check_mode):
    answer = server_idp()
    expect(http, [listing(), created(OIDC_BODY, answer)], check_mode)

    result = run_module(OIDC_OPTIONS, check_mode=check_mode)

    assert result["changed"] is True
    assert result["secret_sent"] is True
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["type"] == "oidc"
    assert result["diff"]["after"]["additional_scopes"] == ["email", "profile"]
    assert result["diff"]["after"]["jit_provisioning"] is True
    assert "client-secret" not in result["idp"]
    if check_mode:
        assert result["idp"] == {key: value for key, value in OIDC_BODY.items() if key != "client-secret"}
    else:
        assert result["idp"]["id"] == 3
    http.assert_done()


@CHECK_MODES
def test_create_saml_sends_the_certificate_as_given(http, run_module, check_mode):
    body = {"name": "Okta", "idp-type": "GENERIC", "sso-type": "SAML", "sso-url": "https://okta.example.com/sso", "sso-issuer": "okta",
            "certificate": PEM, "username-attribute": "login"}
    expect(http, [listing(), created(body, saml_idp(**{"username-attribute": "login"}))], check_mode)

    result = run_module(dict(name="Okta", type="saml", sso_url="https://okta.example.com/sso", sso_issuer="okta", certificate=PEM,
                             username_attribute="login"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["secret_sent"] is False
    assert result["diff"]["after"]["certificate"] == PEM_BODY
    http.assert_done()


@CHECK_MODES
def test_create_crowd_maps_the_application_credentials_to_client_id_and_secret(http, run_module, check_mode):
    body = {"name": "Crowd", "idp-type": "CROWD", "sso-type": "NONE", "crowd-url": "https://crowd.example.com", "client-id": "bitbucket-app",
            "client-secret": SECRET}
    answer = {"id": 5, "name": "Crowd", "idp-type": "CROWD", "sso-type": "NONE", "crowd-url": "https://crowd.example.com",
              "client-id": "bitbucket-app", "client-secret": "********"}
    expect(http, [listing(), created(body, answer)], check_mode)

    result = run_module(dict(name="Crowd", type="crowd", crowd_url="https://crowd.example.com", crowd_application_name="bitbucket-app",
                             crowd_application_password=SECRET), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"]["after"]["client_id"] == "bitbucket-app"
    http.assert_done()


def test_an_oidc_idp_without_discovery_sends_its_endpoints(http, run_module):
    body = dict(OIDC_BODY, **{"discovery-enabled": False, "authorization-endpoint": "https://login.example.com/auth",
                              "token-endpoint": "https://login.example.com/token", "userinfo-endpoint": "https://login.example.com/me"})
    http.expect(listing(), created(body, server_idp(**{"discovery-enabled": False})))

    result = run_module(dict(OIDC_OPTIONS, discovery_enabled=False, authorization_endpoint="https://login.example.com/auth",
                             token_endpoint="https://login.example.com/token", userinfo_endpoint="https://login.example.com/me"))

    assert result["changed"] is True
    http.assert_done()


# -- no-op, update --------------------------------------------------------------------------------


@CHECK_MODES
def test_no_op_only_reads_and_never_sends_the_secret(http, run_module, check_mode):
    http.expect(listing(server_idp(), saml_idp()))

    result = run_module(dict(OIDC_OPTIONS, additional_scopes=["profile", "email", "email"]), check_mode=check_mode)

    assert result["changed"] is False
    assert result["secret_sent"] is False
    assert result["diff"]["before"] == result["diff"]["after"]
    assert result["idp"] == {key: value for key, value in server_idp().items() if key != "client-secret"}
    http.assert_done()


@CHECK_MODES
def test_a_certificate_is_compared_without_armour_and_whitespace(http, run_module, check_mode):
    http.expect(listing(saml_idp()))

    result = run_module(dict(name="Okta", type="saml", certificate="  " + PEM.replace("\n", "\r\n")), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_update_sends_only_what_differs_and_the_whole_jit_configuration(http, run_module, check_mode):
    answer = server_idp(buttonText="Corp SSO", **{"jit-configuration": {"user-provisioning-enabled": True, "mapping-email": "email",
                                                                        "mapping-groups": "groups"}})
    expect(http, [listing(server_idp()), patch(3, {"buttonText": "Corp SSO", "jit-configuration": {
        "user-provisioning-enabled": True, "mapping-email": "email", "mapping-groups": "groups"}}, answer)], check_mode)

    result = run_module(dict(name="Corp", button_text="Corp SSO", jit_mapping_groups="groups", client_secret=SECRET), check_mode=check_mode)

    assert result["changed"] is True
    assert result["secret_sent"] is False
    assert result["diff"]["before"].get("button_text") is None
    assert result["diff"]["after"]["button_text"] == "Corp SSO"
    assert result["diff"]["after"]["jit_mapping_groups"] == "groups"
    assert result["idp"]["jit-configuration"]["mapping-groups"] == "groups"
    assert result["idp"]["buttonText"] == "Corp SSO"
    http.assert_done()


@CHECK_MODES
def test_update_secret_always_sends_the_secret_alone_and_reports_a_change(http, run_module, check_mode):
    expect(http, [listing(server_idp()), patch(3, {"client-secret": SECRET}, server_idp())], check_mode)

    result = run_module(dict(name="Corp", client_secret=SECRET, update_secret="always"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["secret_sent"] is True
    assert result["diff"]["before"] == result["diff"]["after"]
    http.assert_done()


def test_update_secret_always_rides_along_with_another_change(http, run_module):
    http.expect(listing(server_idp()), sso(show_form=True), patch(3, {"enabled": False, "client-secret": SECRET}, server_idp(enabled=False)))

    result = run_module(dict(name="Corp", enabled=False, client_secret=SECRET, update_secret="always"))

    assert result["changed"] is True
    assert result["secret_sent"] is True
    http.assert_done()


def test_a_type_change_sends_both_type_fields(http, run_module):
    body = {"idp-type": "GENERIC", "sso-type": "SAML", "sso-url": "https://okta.example.com/sso", "sso-issuer": "okta", "certificate": PEM}
    http.expect(listing(server_idp()), patch(3, body, saml_idp(idp_id=3, name="Corp")))

    result = run_module(dict(name="Corp", type="saml", sso_url="https://okta.example.com/sso", sso_issuer="okta", certificate=PEM))

    assert result["changed"] is True
    assert (result["diff"]["before"]["type"], result["diff"]["after"]["type"]) == ("oidc", "saml")
    http.assert_done()


# -- the secret under every reading (API-MAP 3.9 VERIFY) --------------------------------------------


@pytest.mark.parametrize("shown", [SECRET, "********", None], ids=["in-clear", "masked", "absent"])
def test_a_secret_in_the_answer_is_never_compared_nor_returned(http, run_module, shown):
    http.expect(listing(server_idp(secret=shown)))

    result = run_module(dict(OIDC_OPTIONS, client_secret="another-secret"))

    assert result["changed"] is False
    assert "client-secret" not in result["idp"]
    http.assert_done()


def test_a_crowd_server_that_does_not_return_the_application_name_is_not_compared(http, run_module):
    """API-MAP 3.9 VERIFY: another reading keeps the Crowd application name out of client-id."""
    http.expect(listing({"id": 5, "name": "Crowd", "idp-type": "CROWD", "sso-type": "NONE", "crowd-url": "https://crowd.example.com"}))

    result = run_module(dict(name="Crowd", type="crowd", crowd_url="https://crowd.example.com", client_id="bitbucket-app"))

    assert result["changed"] is False
    assert result["warnings"] == ["Bitbucket does not return the Crowd application name of IdP 'Crowd', so client_id is sent on create only and not compared"]
    http.assert_done()


# -- delete, and the lock-out guard ------------------------------------------------------------------


@CHECK_MODES
def test_delete_when_another_idp_is_enabled(http, run_module, check_mode):
    expect(http, [listing(server_idp(), saml_idp()), Call("DELETE", IDPS + "/3", body=server_idp())], check_mode)

    result = run_module(dict(name="Corp", state="absent"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["idp"] == {}
    assert result["diff"]["after"] == {}
    assert result["diff"]["before"]["issuer_url"] == "https://login.example.com"
    http.assert_done()


@CHECK_MODES
def test_delete_absent_only_reads(http, run_module, check_mode):
    http.expect(listing(saml_idp()))

    result = run_module(dict(name="Corp", state="absent"), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


@CHECK_MODES
@pytest.mark.parametrize("change", [dict(state="absent"), dict(enabled=False)], ids=["delete", "disable"])
def test_the_last_enabled_idp_is_not_removed_while_the_login_form_is_hidden(http, run_module, check_mode, change):
    http.expect(listing(server_idp(), saml_idp(enabled=False)), sso(show_form=False, fallback=True))

    result = run_module(dict(name="Corp", **change), check_mode=check_mode)

    assert result["failed"] is True
    assert result["changed"] is False
    assert result["lockout_guard"] == "idp_last_login_path"
    assert "the only enabled identity provider, while the login form is hidden" in result["msg"]
    assert "only through the authentication fallback" in result["msg"]
    assert "Set force=true" in result["msg"]
    http.assert_done()


def test_force_removes_the_last_enabled_idp_with_a_warning(http, run_module):
    http.expect(listing(server_idp()), sso(show_form=False), Call("DELETE", IDPS + "/3", body=server_idp()))

    result = run_module(dict(name="Corp", state="absent", force=True))

    assert result["changed"] is True
    assert "nobody could log in" in result["warnings"][0]
    http.assert_done()


def test_disabling_the_last_idp_is_fine_while_the_login_form_is_shown(http, run_module):
    http.expect(listing(server_idp()), sso(show_form=True), patch(3, {"enabled": False}, server_idp(enabled=False)))

    result = run_module(dict(name="Corp", enabled=False))

    assert result["changed"] is True
    http.assert_done()


# -- bad input and refusals -------------------------------------------------------------------------


def test_two_idps_of_one_name_are_an_error_that_lists_their_ids(http, run_module):
    http.expect(listing(server_idp(idp_id=3), server_idp(idp_id=8)))

    result = run_module(dict(name="Corp", enabled=True))

    assert result["failed"] is True
    assert result["idp_ids"] == ["3", "8"]
    assert "(ids 3, 8)" in result["msg"]
    http.assert_done()


@pytest.mark.parametrize(
    "params, option, words",
    [
        (dict(OIDC_OPTIONS, sso_url="https://okta.example.com"), "sso_url", "applies to type saml only"),
        (dict(OIDC_OPTIONS, crowd_url="https://crowd.example.com"), "crowd_url", "applies to type crowd only"),
        (dict(name="Okta", type="saml", client_secret=SECRET), "client_secret", "applies to type oidc and crowd only"),
        (dict(name="Crowd", type="crowd", jit_provisioning=True), "jit_provisioning", "applies to type saml and oidc only"),
        (dict(OIDC_OPTIONS, issuer_url="login.example.com"), "issuer_url", "not an http:// or https:// URL"),
        (dict(OIDC_OPTIONS, issuer_url="https://login.exa mple.com/realms/corp"), "issuer_url", "holds a blank"),
        (dict(OIDC_OPTIONS, token_endpoint="https://login.example.com:port/token"), "token_endpoint", "port that is not a number"),
        (dict(OIDC_OPTIONS, name=" "), "name", "must not be empty"),
        (dict(OIDC_OPTIONS, additional_scopes=["email", ""]), "additional_scopes", "empty scope"),
        (dict(name="Okta", type="saml", certificate="-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----"), "certificate", "no certificate"),
        (dict(name="Okta", certificate="-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----"), "certificate", "no certificate"),
        (dict(name="Okta", type="saml", certificate="VGhpcyBpcyB0ZXh0LCBub3QgYSBjZXJ0aWZpY2F0ZS4="), "certificate", "X.509"),
    ],
)
def test_bad_input_is_refused_before_any_request(http, run_module, params, option, words):
    result = run_module(params)

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert words in result["msg"]
    assert http.calls == []


def test_an_option_of_another_type_than_the_existing_idp_is_refused_after_the_read(http, run_module):
    http.expect(listing(server_idp()))

    result = run_module(dict(name="Corp", sso_url="https://okta.example.com/sso"))

    assert result["invalid_option"] == "sso_url"
    assert "IdP 'Corp' is of type oidc" in result["msg"]
    http.assert_done()


@pytest.mark.parametrize(
    "params, missing",
    [
        (dict(name="Corp", enabled=True), ["type"]),
        (dict(name="Corp", type="oidc", issuer_url="https://login.example.com"), ["client_id", "client_secret"]),
        (dict(name="Okta", type="saml", sso_url="https://okta.example.com/sso"), ["sso_issuer", "certificate"]),
    ],
)
def test_a_create_without_what_its_type_needs_fails_before_writing(http, run_module, params, missing):
    http.expect(listing())

    result = run_module(params)

    assert result["failed"] is True
    assert result["missing_options"] == missing
    http.assert_done()


def test_no_discovery_needs_the_endpoints(http, run_module):
    http.expect(listing(server_idp()))

    result = run_module(dict(name="Corp", discovery_enabled=False, token_endpoint="https://login.example.com/token"))

    assert result["invalid_option"] == "authorization_endpoint"
    assert "authorization_endpoint, userinfo_endpoint" in result["msg"]
    http.assert_done()


def test_bitbucket_refusal_is_reported_with_its_message(http, run_module):
    http.expect(listing(), Call("POST", IDPS, json=OIDC_BODY, status=400, body={"message": "The issuer URL cannot be reached."}))

    result = run_module(OIDC_OPTIONS)

    assert result["failed"] is True
    assert result["http_status"] == 400
    assert result["server_message"] == "The issuer URL cannot be reached."
    http.assert_done()


def test_a_server_that_refuses_tokens_is_explained(http, run_module):
    """The other reading of the undocumented question: a server that does not let an HTTP access token in here."""
    http.expect(Call("GET", IDPS, query=ALL, status=401, body={"message": "HTTP access tokens are not allowed."}))

    result = run_module(OIDC_OPTIONS)

    assert result["http_status"] == 401
    assert "may not accept HTTP access tokens" in result["msg"]
    assert "username and password of a system administrator" in result["msg"]
    http.assert_done()


# -- seed-only SAML fields (API-MAP section 7 row 2) -----------------------------------------------------

SIGNING = dict(sign_authn_request=True, signature_algorithm="RSA_SHA256", name_id_policy="NONE")
SIGNING_BODY = {"sign-authnrequest": True, "signature-algorithm": "RSA_SHA256", "name-id-policy": "NONE"}


def test_seed_only_fields_are_refused_on_9_4_before_any_write(http, run_module):
    http.expect(listing(saml_idp()), version("9.4.0"))

    result = run_module(dict(name="Okta", **SIGNING))

    assert result["failed"] is True
    assert result["server_version"] == "9.4.0"
    assert "sign_authn_request, signature_algorithm, name_id_policy (not in the Bitbucket 9.4 API)" in result["msg"]
    http.assert_done()


@CHECK_MODES
def test_seed_only_fields_are_sent_to_a_newer_server(http, run_module, check_mode):
    expect(http, [listing(saml_idp()), version("9.6.0"), patch(4, SIGNING_BODY, saml_idp(**SIGNING_BODY))], check_mode)

    result = run_module(dict(name="Okta", **SIGNING), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"]["after"]["signature_algorithm"] == "RSA_SHA256"
    http.assert_done()


def test_a_newer_server_that_ignores_them_is_explained_with_its_version(http, run_module):
    http.expect(listing(saml_idp()), version("9.5.1"), patch(4, SIGNING_BODY, saml_idp()))

    result = run_module(dict(name="Okta", **SIGNING))

    assert result["failed"] is True
    assert result["changed"] is True  # the PATCH landed
    assert result["ignored_options"] == ["sign_authn_request", "signature_algorithm", "name_id_policy"]
    assert result["msg"].startswith("Bitbucket 9.5.1 took the change but ignored")
    http.assert_done()


def test_a_newer_server_that_refuses_them_is_explained_with_its_version(http, run_module):
    http.expect(listing(saml_idp()), version("9.5.0"),
                Call("PATCH", IDPS + "/4", json=SIGNING_BODY, status=400, body={"message": "Unrecognized field \"sign-authnrequest\""}))

    result = run_module(dict(name="Okta", **SIGNING))

    assert result["failed"] is True
    assert "newer than the Bitbucket 9.4 API; this server runs Bitbucket 9.5.0" in result["msg"]
    http.assert_done()


# -- faults -----------------------------------------------------------------------------------------------


def test_a_create_whose_answer_is_lost_is_found_by_reading_again(http, run_module):
    http.expect(
        listing(),
        Call("POST", IDPS, json=OIDC_BODY, status=500, body={"message": "boom"}),
        listing(server_idp()),
    )

    result = run_module(OIDC_OPTIONS)

    assert result["changed"] is True
    assert result["idp"]["id"] == 3
    http.assert_done()


def test_reads_ride_out_a_rate_limit(http, run_module, sleeps):
    http.expect(Call("GET", IDPS, query=ALL, status=429, headers={"Retry-After": "2"}, body={"message": "slow down"}), listing(server_idp()))

    result = run_module(OIDC_OPTIONS)

    assert result["changed"] is False
    assert sleeps == [2.0]
    http.assert_done()


# -- the AnsibleModule path -------------------------------------------------------------------------------

run_main = functools.partial(main_of, bitbucket_idp)


def test_main_masks_the_secret_in_the_invocation(monkeypatch, capsys, http):
    http.expect(listing(), created(OIDC_BODY, server_idp()))

    code, output = run_main(monkeypatch, capsys, http, dict(OIDC_OPTIONS, url=BASE_URL, username="automation", password="main-pw"))

    assert code == 0
    assert output["changed"] is True
    assert SECRET not in json.dumps(output)
    assert output["invocation"]["module_args"]["client_secret"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    http.assert_done()
