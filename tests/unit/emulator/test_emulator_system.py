"""System administration (seed 003; API-MAP 3.13-3.18, 3.23): banner, licence, mail server, rate limits,
default branch, repository policies and log levels."""

from __future__ import annotations

import pytest

from bitbucket_emulator import license_codec

ADMIN_API = "/rest/api/latest/admin"
BANNER = ADMIN_API + "/banner"
LICENSE = ADMIN_API + "/license"
MAIL = ADMIN_API + "/mail-server"
SENDER = MAIL + "/sender-address"
RATE = ADMIN_API + "/rate-limit"
DEFAULT_BRANCH = ADMIN_API + "/default-branch"
POLICIES = "/rest/policies/latest/admin/repos"
LOGS = "/rest/api/latest/logs"


@pytest.fixture
def admin_user(api):
    """An ADMIN who is not a SYS_ADMIN."""
    credentials = api.make_user("ada", password="ada-pw")
    api.grant_global("ada", "ADMIN")
    return credentials


@pytest.fixture
def plain_user(api):
    return api.make_user("pat", password="pat-pw")


def system(client):
    return client.get("/_emulator/state").json["system"]


# -- banner -----------------------------------------------------------------------------------------


def test_no_banner_answers_204_with_no_body(api):
    response = api.get(BANNER)
    assert response.status_code == 204
    assert response.get_data() == b""


def test_a_banner_is_set_read_and_deleted(api):
    response = api.put(BANNER, json={"message": "Upgrade *tonight*", "enabled": True, "audience": "AUTHENTICATED"})
    assert response.status_code == 204
    assert response.get_data() == b""
    assert api.get(BANNER).json == {"enabled": True, "message": "Upgrade *tonight*", "audience": "AUTHENTICATED"}
    assert api.delete(BANNER).status_code == 204
    assert api.get(BANNER).status_code == 204
    assert api.delete(BANNER).status_code == 204  # whether a banner was deleted or not


def test_a_disabled_banner_is_displayed_to_nobody_so_it_reads_as_none(api, client):
    api.put(BANNER, json={"message": "Later", "enabled": False, "audience": "ALL"})
    assert api.get(BANNER).status_code == 204
    assert system(client)["banner"] == {"enabled": False, "message": "Later", "audience": "ALL"}


def test_an_authenticated_only_banner_is_not_shown_anonymously(api):
    api.put(BANNER, json={"message": "Staff only", "enabled": True, "audience": "AUTHENTICATED"})
    assert api.get(BANNER, auth=None).status_code == 204
    api.put(BANNER, json={"message": "Everyone", "enabled": True, "audience": "ALL"})
    assert api.get(BANNER, auth=None).json["message"] == "Everyone"


@pytest.mark.parametrize(
    "body, context",
    [
        ({"message": "x", "enabled": True}, "audience"),
        ({"message": "x", "enabled": True, "audience": "EVERYONE"}, "audience"),
        ({"message": "x", "enabled": "yes", "audience": "ALL"}, "enabled"),
        ({"enabled": True, "audience": "ALL"}, "message"),
    ],
)
def test_a_malformed_banner_is_400_naming_the_field(api, body, context):
    response = api.put(BANNER, json=body)
    assert response.status_code == 400
    assert response.json["errors"][0]["context"] == context
    assert api.get(BANNER).status_code == 204


def test_only_an_admin_sets_the_banner(api, plain_user, admin_user):
    assert api.put(BANNER, json={"message": "x", "audience": "ALL"}, auth=plain_user).status_code == 401
    assert api.delete(BANNER, auth=plain_user).status_code == 401
    assert api.put(BANNER, json={"message": "x", "audience": "ALL"}, auth=admin_user).status_code == 204


# -- licence ------------------------------------------------------------------------------------------


def test_no_licence_is_404(api):
    response = api.get(LICENSE)
    assert response.status_code == 404
    assert response.json["errors"][0]["message"] == "No license has been installed."


def test_a_licence_is_decoded_installed_and_answered_with_its_details(api, client):
    text = license_codec.make_license(users=25, expiry="2099-06-30", sen="SEN-500", server_id="BEMU-2026-0000-0001")
    response = api.post(LICENSE, json={"license": text})
    assert response.status_code == 200
    body = response.json
    assert body["license"] == text
    assert body["maximumNumberOfUsers"] == 25
    assert body["unlimitedNumberOfUsers"] is False
    assert body["expiryDate"] == 4086460800000  # 2099-06-30T00:00:00Z
    assert body["supportEntitlementNumber"] == "SEN-500"
    assert body["serverId"] == "BEMU-2026-0000-0001"
    assert body["status"] == {"serverId": "BEMU-2026-0000-0001", "currentNumberOfUsers": 1}
    assert body["numberOfDaysBeforeExpiry"] > 20000
    assert api.get(LICENSE).json == body
    assert system(client)["license"]["maximum_number_of_users"] == 25


def test_whitespace_in_a_pasted_licence_is_ignored(api):
    text = license_codec.make_license(users=5)
    pasted = "  " + text.replace("\n", "\r\n  ") + "\n"
    assert api.post(LICENSE, json={"license": pasted}).status_code == 200
    assert license_codec.normalise(api.get(LICENSE).json["license"]) == license_codec.normalise(text)


def test_an_unlimited_licence(api):
    body = api.post(LICENSE, json={"license": license_codec.make_license(users=-1)}).json
    assert body["unlimitedNumberOfUsers"] is True
    assert body["maximumNumberOfUsers"] == -1


@pytest.mark.parametrize(
    "text, words",
    [
        ("not a licence", "cannot be decoded"),
        (license_codec.make_license(users=5)[:-3] + "zzz", "cannot be decoded"),
        (license_codec.make_license(users=5, product="jira"), "not a Bitbucket license"),
        (license_codec.make_license(users=5, expiry="2001-01-01"), "already expired"),
    ],
    ids=["garbage", "bad-length", "other-product", "expired"],
)
def test_a_licence_that_cannot_be_applied_is_409(api, text, words):
    response = api.post(LICENSE, json={"license": text})
    assert response.status_code == 409
    assert words in response.json["errors"][0]["message"]
    assert api.get(LICENSE).status_code == 404


@pytest.mark.parametrize("body", [{}, {"license": ""}, {"license": "   "}])
def test_no_licence_in_the_body_is_400(api, body):
    assert api.post(LICENSE, json=body).status_code == 400


def test_a_licence_for_fewer_users_is_accepted_and_then_pushing_is_disabled(api, client):
    for name in ("u1", "u2", "u3"):
        api.make_user(name)
    body = api.post(LICENSE, json={"license": license_codec.make_license(users=2)}).json
    assert body["maximumNumberOfUsers"] == 2
    assert body["status"]["currentNumberOfUsers"] == 4
    assert system(client)["pushing_disabled"] is True
    # Back in compliance once enough users lose their licence.
    for name in ("u2", "u3"):
        api.delete(ADMIN_API + "/users", query_string={"name": name})
    assert system(client)["pushing_disabled"] is False


def test_an_admin_may_view_the_licence_but_not_update_it(api, admin_user, plain_user):
    text = license_codec.make_license(users=10)
    assert api.post(LICENSE, json={"license": text}, auth=admin_user).status_code == 401
    api.post(LICENSE, json={"license": text})
    assert api.get(LICENSE, auth=admin_user).status_code == 200
    assert api.get(LICENSE, auth=plain_user).status_code == 401


def test_the_licence_control_mints_licences_without_installing_them(api, client):
    minted = client.post("/_emulator/licenses", json={"users": 3, "sen": "SEN-9", "properties": {"Organisation": "Example"}}).json["license"]
    assert license_codec.decode(minted)["stash.NumberOfUsers"] == "3"
    assert license_codec.decode(minted)["Organisation"] == "Example"
    assert api.get(LICENSE).status_code == 404
    assert client.post("/_emulator/licenses", json={"users": "many"}).status_code == 400
    assert client.post("/_emulator/licenses", json={"colour": "red"}).status_code == 400


def test_the_codec_round_trips_and_refuses_a_foreign_text():
    text = license_codec.make_license(users=7, server_id="S-1", sen="SEN-7")
    properties = license_codec.decode(text)
    assert properties["stash.NumberOfUsers"] == "7"
    assert properties["ServerID"] == "S-1"
    assert all(len(line) <= 76 for line in text.splitlines())
    with pytest.raises(license_codec.LicenseDecodeError):
        license_codec.decode("AAAB" + "x" * 40 + "X02")
    assert license_codec.parse_date("2026-01-01") == 1767225600000
    assert license_codec.parse_date("1767225600000") == 1767225600000
    assert license_codec.parse_date("someday") is None


# -- mail server ----------------------------------------------------------------------------------------


MAIL_CONFIG = {
    "hostname": "smtp.example.com",
    "port": 587,
    "protocol": "SMTP",
    "useStartTls": True,
    "requireStartTls": True,
    "username": "mailer",
    "password": "m4il-pw",
    "senderAddress": "bitbucket@example.com",
}


def test_no_mail_server_is_404(api):
    assert api.get(MAIL).status_code == 404


def test_the_mail_configuration_is_set_read_and_deleted(api, client):
    response = api.put(MAIL, json=MAIL_CONFIG)
    assert response.status_code == 200
    assert response.json == MAIL_CONFIG  # the seed's GET example shows the password too
    assert api.get(MAIL).json == MAIL_CONFIG
    assert system(client)["mail_server"]["password_sha256"] != "m4il-pw"
    assert api.delete(MAIL).status_code == 204
    assert api.get(MAIL).status_code == 404
    assert api.get(SENDER).get_data() == b""  # the sender address went with the configuration


def test_a_put_replaces_the_whole_configuration(api):
    api.put(MAIL, json=MAIL_CONFIG)
    body = api.put(MAIL, json={"hostname": "smtp2.example.com"}).json
    # Left out means cleared: the password and the sender address too (API-MAP 3.15).
    assert body == {"hostname": "smtp2.example.com", "port": 25, "protocol": "SMTP", "useStartTls": False, "requireStartTls": False}


def test_kebab_case_names_are_not_the_ones_bitbucket_reads(api):
    body = api.put(MAIL, json={"hostname": "smtp.example.com", "use-start-tls": True, "sender-address": "x@example.com"}).json
    assert body["useStartTls"] is False
    assert "senderAddress" not in body


@pytest.mark.parametrize(
    "change, context",
    [
        ({"hostname": ""}, "hostname"),
        ({"port": 0}, "port"),
        ({"port": "25"}, "port"),
        ({"protocol": "IMAP"}, "protocol"),
        ({"useStartTls": "yes"}, "useStartTls"),
        ({"senderAddress": "nobody"}, "senderAddress"),
    ],
)
def test_an_invalid_mail_configuration_is_400(api, change, context):
    response = api.put(MAIL, json=dict(MAIL_CONFIG, **change))
    assert response.status_code == 400
    assert response.json["errors"][0]["context"] == context


def test_the_sender_address_is_a_bare_json_string(api):
    empty = api.get(SENDER)
    assert empty.status_code == 200
    assert empty.get_data() == b""
    response = api.put(SENDER, json="noreply@example.com")
    assert response.status_code == 200
    assert response.get_data() == b'"noreply@example.com"'
    assert api.get(SENDER).get_data() == b'"noreply@example.com"'
    assert api.put(SENDER, json={"senderAddress": "noreply@example.com"}).status_code == 400
    assert api.put(SENDER, json="not-an-address").status_code == 400
    assert api.delete(SENDER).status_code == 204
    assert api.get(SENDER).get_data() == b""


def test_the_sender_address_is_the_configurations_sender(api):
    api.put(MAIL, json=MAIL_CONFIG)
    api.put(SENDER, json="changed@example.com")
    assert api.get(MAIL).json["senderAddress"] == "changed@example.com"


def test_an_admin_manages_the_sender_address_but_not_the_mail_server(api, admin_user):
    assert api.get(MAIL, auth=admin_user).status_code == 401
    assert api.put(MAIL, json=MAIL_CONFIG, auth=admin_user).status_code == 401
    assert api.delete(MAIL, auth=admin_user).status_code == 401
    assert api.put(SENDER, json="noreply@example.com", auth=admin_user).status_code == 200
    assert api.get(SENDER, auth=admin_user).json == "noreply@example.com"
    assert api.delete(SENDER, auth=admin_user).status_code == 204


# -- rate limits ----------------------------------------------------------------------------------------


def test_rate_limits_start_disabled_with_the_documented_defaults(api, plain_user):
    assert api.get(RATE + "/settings", auth=plain_user).json == {"enabled": False, "defaultSettings": {"capacity": 60, "fillRate": 5}}
    assert api.get(RATE + "/settings", auth=None).status_code == 401


def test_the_settings_are_set(api, plain_user):
    body = api.put(RATE + "/settings", json={"enabled": True, "defaultSettings": {"capacity": 100, "fillRate": 10}}).json
    assert body == {"enabled": True, "defaultSettings": {"capacity": 100, "fillRate": 10}}
    assert api.put(RATE + "/settings", json={"enabled": True}, auth=plain_user).status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        None,
        {},
        {"enabled": "true"},
        {"enabled": True, "defaultSettings": {"capacity": 10}},
        {"enabled": True, "defaultSettings": {"capacity": 0, "fillRate": 1}},
        {"enabled": True, "defaultSettings": {"capacity": 5, "fillRate": -1}},
    ],
    ids=["no-body", "empty", "enabled-string", "no-fill-rate", "zero-capacity", "negative-fill-rate"],
)
def test_invalid_settings_are_400(api, body):
    kwargs = {} if body is None else {"json": body}
    assert api.put(RATE + "/settings", **kwargs).status_code == 400
    assert api.get(RATE + "/settings").json["enabled"] is False


def test_a_user_override_is_whitelisted_or_has_settings(api):
    api.make_user("ci-bot")
    assert api.put(RATE + "/settings/users/ci-bot", json={"whitelisted": True}).json == {
        "user": api.get("/rest/api/latest/users/ci-bot").json,
        "whitelisted": True,
    }
    body = api.put(RATE + "/settings/users/ci-bot", json={"settings": {"capacity": 500, "fillRate": 50}}).json
    assert body["whitelisted"] is False
    assert body["settings"] == {"capacity": 500, "fillRate": 50}
    assert api.get(RATE + "/settings/users/ci-bot").json == body


@pytest.mark.parametrize(
    "body, words",
    [
        ({}, "empty"),
        ({"whitelisted": True, "settings": {"capacity": 1, "fillRate": 1}}, "only one must be provided"),
        ({"whitelisted": False}, "settings must be provided"),
        ({"settings": {"capacity": 1}}, "both capacity and fillRate"),
        ({"settings": {"capacity": 1, "fillRate": 0}}, "positive integers"),
    ],
)
def test_an_override_breaking_the_rules_is_400(api, body, words):
    api.make_user("ci-bot")
    response = api.put(RATE + "/settings/users/ci-bot", json=body)
    assert response.status_code == 400
    assert words in response.json["errors"][0]["message"]
    assert api.get(RATE + "/settings/users/ci-bot").status_code == 404


def test_bulk_overrides_take_user_names(api):
    api.post(ADMIN_API + "/users", query_string={"name": "Build Bot", "displayName": "Build Bot", "emailAddress": "build@example.com", "password": "pw"})
    api.make_user("deployer")
    response = api.post(RATE + "/settings/users", json={"usernames": ["Build Bot", "deployer"], "settings": {"capacity": 9, "fillRate": 3}})
    assert response.status_code == 200
    assert response.json["user"]["name"] == "Build Bot"  # one RestUserRateLimitSettings, as the spec and seed document
    listed = api.get(RATE + "/settings/users").json["values"]
    assert [(entry["user"]["slug"], entry["settings"]) for entry in listed] == [
        ("build_bot", {"capacity": 9, "fillRate": 3}),
        ("deployer", {"capacity": 9, "fillRate": 3}),
    ]
    assert [entry["user"]["name"] for entry in api.get(RATE + "/settings/users", query_string={"filter": "BUILD"}).json["values"]] == ["Build Bot"]


@pytest.mark.parametrize(
    "body, words",
    [
        ({"usernames": [], "whitelisted": True}, "No users"),
        ({"usernames": ["ghost"], "whitelisted": True}, "invalid"),
        ({"usernames": ["admin"], "whitelisted": True, "settings": {"capacity": 1, "fillRate": 1}}, "only one"),
    ],
)
def test_bulk_overrides_breaking_the_rules_are_400(api, body, words):
    response = api.post(RATE + "/settings/users", json=body)
    assert response.status_code == 400
    assert words in response.json["errors"][0]["message"]


def test_an_override_is_deleted_once(api):
    api.make_user("ci-bot")
    assert api.delete(RATE + "/settings/users/ci-bot").status_code == 404
    api.put(RATE + "/settings/users/ci-bot", json={"whitelisted": True})
    assert api.delete(RATE + "/settings/users/ci-bot").status_code == 204
    assert api.delete(RATE + "/settings/users/ci-bot").status_code == 404
    assert api.get(RATE + "/settings/users/ghost").status_code == 404


def test_an_admin_cannot_read_a_sys_admins_override_but_a_user_reads_their_own(api, admin_user, plain_user):
    api.put(RATE + "/settings/users/admin", json={"whitelisted": True})
    api.put(RATE + "/settings/users/pat", json={"whitelisted": True})
    assert api.get(RATE + "/settings/users/admin", auth=admin_user).status_code == 401
    assert api.get(RATE + "/settings/users/pat", auth=admin_user).status_code == 200
    assert api.get(RATE + "/settings/users/pat", auth=plain_user).status_code == 200
    assert api.get(RATE + "/settings/users/admin", auth=plain_user).status_code == 401


def test_enabled_limits_reject_with_429_and_retry_after_and_are_counted(api, client):
    client.post("/_emulator/clock", json={"freeze_at_ms": 1767225600000})
    user = api.make_user("noisy")
    api.put(RATE + "/settings", json={"enabled": True, "defaultSettings": {"capacity": 2, "fillRate": 1}})
    api.put(RATE + "/settings/users/admin", json={"whitelisted": True})
    statuses = [api.get("/rest/api/latest/users/noisy", auth=user).status_code for _attempt in range(4)]
    assert statuses == [200, 200, 429, 429]
    rejected = api.get("/rest/api/latest/users/noisy", auth=user)
    assert rejected.headers["Retry-After"] == "1"
    assert rejected.json["errors"][0]["exceptionName"] == "com.atlassian.bitbucket.throttle.ThrottledException"
    history = api.get(RATE + "/history").json["values"]
    assert [(entry["user"]["name"], entry["rejectCount"], entry["lastRejectTime"]) for entry in history] == [("noisy", 3, 1767225600000)]
    # A second later the bucket holds one more request.
    client.post("/_emulator/clock", json={"advance_ms": 1000})
    assert api.get("/rest/api/latest/users/noisy", auth=user).status_code == 200
    assert api.get("/rest/api/latest/users/noisy", auth=user).status_code == 429
    client.post("/_emulator/clock", json={"freeze_at_ms": None})


def test_whitelisted_users_and_disabled_limits_are_not_limited(api):
    user = api.make_user("ci-bot")
    api.put(RATE + "/settings", json={"enabled": True, "defaultSettings": {"capacity": 1, "fillRate": 1}})
    api.put(RATE + "/settings/users/admin", json={"whitelisted": True})
    api.put(RATE + "/settings/users/ci-bot", json={"whitelisted": True})
    assert {api.get("/rest/api/latest/users/ci-bot", auth=user).status_code for _attempt in range(5)} == {200}
    api.put(RATE + "/settings", json={"enabled": False})
    api.delete(RATE + "/settings/users/ci-bot")
    assert {api.get("/rest/api/latest/users/ci-bot", auth=user).status_code for _attempt in range(5)} == {200}


def test_the_history_orders(api, client):
    client.post("/_emulator/clock", json={"freeze_at_ms": 1767225600000})
    first, second = api.make_user("first"), api.make_user("second")
    api.put(RATE + "/settings/users/admin", json={"whitelisted": True})
    api.put(RATE + "/settings", json={"enabled": True, "defaultSettings": {"capacity": 1, "fillRate": 1}})
    for _attempt in range(4):
        api.get("/rest/api/latest/users/first", auth=first)
    client.post("/_emulator/clock", json={"advance_ms": 60000})
    for _attempt in range(2):
        api.get("/rest/api/latest/users/second", auth=second)
    newest = api.get(RATE + "/history").json["values"]
    assert [entry["user"]["name"] for entry in newest] == ["second", "first"]
    frequency = api.get(RATE + "/history", query_string={"order": "FREQUENCY"}).json["values"]
    assert [(entry["user"]["name"], entry["rejectCount"]) for entry in frequency] == [("first", 3), ("second", 1)]
    assert api.get(RATE + "/history", query_string={"order": "OLDEST"}).status_code == 400
    client.post("/_emulator/clock", json={"freeze_at_ms": None})


def test_the_clock_control_freezes_and_thaws(client):
    frozen = client.post("/_emulator/clock", json={"freeze_at_ms": 1000}).json
    assert frozen == {"now": 1000, "offset_ms": 0, "frozen": True, "frozen_at_ms": 1000, "tick_ms": 0}
    assert client.post("/_emulator/clock", json={"advance_ms": 5}).json["now"] == 1005
    thawed = client.post("/_emulator/clock", json={"freeze_at_ms": None}).json
    assert thawed["frozen"] is False
    assert thawed["now"] > 1_700_000_000_000
    assert client.post("/_emulator/clock", json={"freeze_at_ms": "soon"}).status_code == 400
    assert client.post("/_emulator/clock", json={}).status_code == 400


# -- default branch ----------------------------------------------------------------------------------------


def test_no_default_branch_is_404(api):
    assert api.get(DEFAULT_BRANCH).status_code == 404


@pytest.mark.parametrize("given", ["main", "refs/heads/main"])
def test_the_default_branch_is_a_name_or_a_ref(api, client, given):
    response = api.put(DEFAULT_BRANCH, json={"id": given})
    assert response.status_code == 204
    assert api.get(DEFAULT_BRANCH).json == {"id": "refs/heads/main", "displayId": "main", "type": "BRANCH"}
    assert system(client)["default_branch"] == "main"
    assert api.delete(DEFAULT_BRANCH).status_code == 204
    assert api.get(DEFAULT_BRANCH).status_code == 404
    assert api.delete(DEFAULT_BRANCH).status_code == 204


def test_the_default_branch_needs_an_admin_to_change_and_a_user_to_read(api, plain_user, admin_user):
    api.put(DEFAULT_BRANCH, json={"id": "main"})
    assert api.get(DEFAULT_BRANCH, auth=plain_user).status_code == 200
    assert api.get(DEFAULT_BRANCH, auth=None).status_code == 401
    assert api.put(DEFAULT_BRANCH, json={"id": "trunk"}, auth=plain_user).status_code == 401
    assert api.put(DEFAULT_BRANCH, json={"id": "trunk"}, auth=admin_user).status_code == 204


@pytest.mark.parametrize("body", [{}, {"id": ""}, {"id": "bad name"}, {"id": "a..b"}])
def test_an_invalid_default_branch_is_400(api, body):
    assert api.put(DEFAULT_BRANCH, json=body).status_code == 400


# -- repository policies ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", ["delete", "archive"])
def test_a_repository_policy_is_read_and_set(api, plain_user, admin_user, policy):
    assert api.get(f"{POLICIES}/{policy}", auth=plain_user).json == {"permission": "REPO_ADMIN"}
    assert api.put(f"{POLICIES}/{policy}", json={"permission": "PROJECT_ADMIN"}).json == {"permission": "PROJECT_ADMIN"}
    assert api.get(f"{POLICIES}/{policy}").json == {"permission": "PROJECT_ADMIN"}
    assert api.put(f"{POLICIES}/{policy}", json={"permission": "PROJECT_WRITE"}).status_code == 400
    assert api.put(f"{POLICIES}/{policy}", json={"permission": "ADMIN"}, auth=admin_user).status_code == 401
    assert api.get(f"{POLICIES}/{policy}", auth=None).status_code == 401


def test_the_two_policies_are_separate(api):
    api.put(f"{POLICIES}/delete", json={"permission": "SYS_ADMIN"})
    assert api.get(f"{POLICIES}/archive").json == {"permission": "REPO_ADMIN"}


# -- loggers ----------------------------------------------------------------------------------------


def test_a_logger_without_a_level_answers_its_effective_level(api):
    assert api.get(f"{LOGS}/rootLogger").json == {"logLevel": "WARN"}
    assert api.get(f"{LOGS}/logger/com.atlassian.bitbucket").json == {"logLevel": "WARN"}
    assert api.put(f"{LOGS}/logger/com.atlassian/info").status_code == 204
    assert api.get(f"{LOGS}/logger/com.atlassian.bitbucket").json == {"logLevel": "INFO"}
    assert api.get(f"{LOGS}/logger/com.atlassianx").json == {"logLevel": "WARN"}


def test_levels_are_taken_in_any_case_and_answered_in_upper_case(api):
    response = api.put(f"{LOGS}/logger/com.example/dEbUg")
    assert response.status_code == 204
    assert response.get_data() == b""
    assert api.get(f"{LOGS}/logger/com.example").json == {"logLevel": "DEBUG"}


def test_the_root_logger_by_either_endpoint(api):
    assert api.put(f"{LOGS}/rootLogger/error").status_code == 204
    assert api.get(f"{LOGS}/logger/ROOT").json == {"logLevel": "ERROR"}
    assert api.put(f"{LOGS}/logger/root/info").status_code == 204
    assert api.get(f"{LOGS}/rootLogger").json == {"logLevel": "INFO"}


def test_an_invalid_level_is_400(api):
    assert api.put(f"{LOGS}/logger/com.example/verbose").status_code == 400
    assert api.put(f"{LOGS}/rootLogger/OFF").status_code == 400


def test_levels_need_a_sys_admin_and_last_until_reset(api, client, admin_user):
    assert api.get(f"{LOGS}/rootLogger", auth=admin_user).status_code == 401
    assert api.put(f"{LOGS}/logger/com.example/debug", auth=admin_user).status_code == 401
    api.put(f"{LOGS}/logger/com.example/debug")
    client.post("/_emulator/reset")
    assert api.get(f"{LOGS}/logger/com.example").json == {"logLevel": "WARN"}


def test_reset_restores_every_system_setting(api, client):
    api.put(BANNER, json={"message": "x", "audience": "ALL"})
    api.post(LICENSE, json={"license": license_codec.make_license(users=5)})
    api.put(MAIL, json=MAIL_CONFIG)
    api.put(RATE + "/settings", json={"enabled": True})
    api.put(DEFAULT_BRANCH, json={"id": "main"})
    api.put(f"{POLICIES}/delete", json={"permission": "ADMIN"})
    client.post("/_emulator/reset")
    state = system(client)
    assert (state["banner"], state["license"], state["mail_server"], state["sender_address"], state["default_branch"]) == (None,) * 5
    assert state["rate_limits"]["enabled"] is False
    assert state["repository_policies"] == {"delete": "REPO_ADMIN", "archive": "REPO_ADMIN"}


def test_the_installed_licence_is_removed_by_a_control_only(api, client):
    api.post(LICENSE, json={"license": license_codec.make_license(users=5)})
    assert api.delete(LICENSE).status_code == 405  # the REST API has no DELETE
    assert client.delete("/_emulator/licenses/installed").status_code == 204
    assert api.get(LICENSE).status_code == 404
    assert client.get("/_emulator/licenses").status_code == 405
