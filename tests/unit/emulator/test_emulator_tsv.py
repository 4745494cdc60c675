"""Two-step verification: TOTP enrollments from /_emulator/tsv, the caller's status, an admin's unenrollment (API-MAP 3.12)."""

from __future__ import annotations

import pytest
from conftest import totp_code

from bitbucket_emulator import totp

STATUS = "/rest/tsv/latest/status"
MANAGED = "/rest/tsv/latest/sso-management-status"
NOW = 1767225600000  # 2026-01-01T00:00:00Z, the frozen clock of these tests


def unenroll(user):
    return "/rest/tsv/latest/totp/unenroll/user/%s" % user


@pytest.fixture
def frozen(client):
    assert client.post("/_emulator/clock", json={"freeze_at_ms": NOW}).json["now"] == NOW
    return NOW


def enroll(client, user, **fields):
    response = client.post("/_emulator/tsv", json=dict(user=user, **fields))
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.json["secret"]


def test_the_emulators_totp_is_rfc_6238():
    # RFC 6238 appendix B, SHA-1 seed "12345678901234567890": 94287082 at 59 s, 07081804 at 1111111109 s.
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert totp.code_at(secret, 59 * 1000, digits=8) == "94287082"
    assert totp.code_at(secret, 1111111109 * 1000, digits=8) == "07081804"
    assert totp_code(secret, 59 * 1000, digits=8) == "94287082"


def test_the_control_enrolls_and_gives_the_secret(client, frozen):
    secret = enroll(client, "admin")
    assert totp.valid_secret(secret)
    listed = client.get("/_emulator/tsv").json["enrollments"]
    assert listed == [{"user": "admin", "secret": secret, "enabled_at": NOW, "enabledAt": "2026-01-01T00:00:00.000Z"}]
    assert client.get("/_emulator/state").json["auth"]["totp_enrolled"] == ["admin"]
    assert enroll(client, "admin", secret="JBSWY3DPEHPK3PXP") == "JBSWY3DPEHPK3PXP"
    assert client.post("/_emulator/tsv", json={"user": "admin", "secret": "not base32!"}).status_code == 400
    assert client.post("/_emulator/tsv", json={"user": "ghost"}).status_code == 404
    assert client.delete("/_emulator/tsv/admin").status_code == 204
    assert client.delete("/_emulator/tsv/admin").status_code == 404


def test_status_is_about_the_caller_only(api, client, frozen):
    api.make_user("alice")
    assert api.get(STATUS, auth=("alice", "secret")).json == {"twoSVActive": False, "methods": [{"type": "TOTP", "enabled": False}]}
    enroll(client, "alice", enabled_at=NOW - 1000)
    assert api.get(STATUS, auth=("alice", "secret")).json == {
        "twoSVActive": True, "methods": [{"type": "TOTP", "enabled": True, "enabledAt": "2025-12-31T23:59:59.000Z"}]}
    assert api.get(STATUS).json["twoSVActive"] is False  # admin is not enrolled


def test_status_with_a_token_is_its_owners(api, client, frozen):
    enroll(client, "admin")
    token = api.make_token("users/admin", ["PROJECT_READ", "REPO_READ"])["token"]
    assert api.get(STATUS, auth=None, headers=api.bearer(token)).json["twoSVActive"] is True


def test_sso_management_status_is_true_for_accounts_an_idp_provisioned(api, client):
    api.post("/rest/authconfig/latest/idps", json={"name": "Corp", "idp-type": "GENERIC", "sso-type": "OIDC", "enabled": True,
                                                   "issuer-url": "https://login.example.com", "client-id": "bb", "client-secret": "s",
                                                   "discovery-enabled": True, "jit-configuration": {"user-provisioning-enabled": True}})
    client.post("/_emulator/sso-login", json={"idp": "Corp", "username": "jdoe"})
    token = api.make_token("users/jdoe", ["PROJECT_READ", "REPO_READ"])["token"]
    assert api.get(MANAGED, auth=None, headers=api.bearer(token)).json == {"isManaged": True}
    assert api.get(MANAGED).json == {"isManaged": False}
    unauthenticated = api.get(MANAGED, auth=None)
    assert unauthenticated.status_code == 401
    assert set(unauthenticated.json) == {"message"}  # spec getSsoManagementStatus: 401 ErrorEntity


def test_an_administrator_unenrolls_another_user_with_their_own_current_code(api, client, frozen):
    api.make_user("alice")
    admin_secret = enroll(client, "admin")
    enroll(client, "alice")
    response = api.delete(unenroll("alice"), json={"totpCode": totp_code(admin_secret, NOW)})
    assert response.status_code == 204
    assert response.get_data() == b""
    assert client.get("/_emulator/state").json["auth"]["totp_enrolled"] == ["admin"]
    again = api.delete(unenroll("alice"), json={"totpCode": totp_code(admin_secret, NOW)})
    assert again.status_code == 400
    assert again.json == {"message": "No two-step verification enrollment found for alice."}


def test_a_code_from_the_step_before_or_after_is_accepted_and_one_further_is_not(api, client, frozen):
    api.make_user("alice")
    admin_secret = enroll(client, "admin")
    enroll(client, "alice")
    assert api.delete(unenroll("alice"), json={"totpCode": totp_code(admin_secret, NOW - 60000)}).status_code == 401
    assert api.delete(unenroll("alice"), json={"totpCode": totp_code(admin_secret, NOW - 30000)}).status_code == 204


@pytest.mark.parametrize("code", ["000000", "12345", "", None])
def test_a_wrong_or_missing_code_is_401(api, client, frozen, code):
    api.make_user("alice")
    admin_secret = enroll(client, "admin")
    enroll(client, "alice")
    if code == "000000" and totp_code(admin_secret, NOW) == code:
        code = "000001"
    response = api.delete(unenroll("alice"), json={"totpCode": code})
    assert response.status_code == 401
    assert response.json == {"message": "The TOTP code is invalid."}


def test_a_caller_who_is_not_enrolled_has_no_valid_code(api, client, frozen):
    api.make_user("alice")
    enroll(client, "alice")
    assert api.delete(unenroll("alice"), json={"totpCode": "123456"}).status_code == 401


def test_nobody_unenrolls_themselves_here(api, client, frozen):
    admin_secret = enroll(client, "admin")
    response = api.delete(unenroll("admin"), json={"totpCode": totp_code(admin_secret, NOW)})
    assert response.status_code == 403
    assert set(response.json) == {"message"}


def test_an_unknown_user_is_404(api, client, frozen):
    admin_secret = enroll(client, "admin")
    response = api.delete(unenroll("ghost"), json={"totpCode": totp_code(admin_secret, NOW)})
    assert response.status_code == 404
    assert "ghost" in response.json["message"]


def test_unenrolling_others_needs_admin(api, client, frozen):
    api.make_user("alice")
    api.make_user("bob")
    alice_secret = enroll(client, "alice")
    enroll(client, "bob")
    response = api.delete(unenroll("bob"), json={"totpCode": totp_code(alice_secret, NOW)}, auth=("alice", "secret"))
    assert response.status_code == 401
    assert "ADMIN" in response.json["message"]


def test_the_frozen_clock_stands_still_and_starts_again(client):
    client.post("/_emulator/clock", json={"freeze_at_ms": NOW})
    client.post("/_emulator/clock", json={"advance_ms": 5000})
    assert client.get("/_emulator/clock").json["now"] == NOW + 5000
    assert client.post("/_emulator/clock", json={"freeze_at_ms": "soon"}).status_code == 400
    assert client.post("/_emulator/clock", json={"freeze_at_ms": None}).json["frozen"] is False
    assert client.get("/_emulator/clock").json["now"] > NOW + 10 ** 9
