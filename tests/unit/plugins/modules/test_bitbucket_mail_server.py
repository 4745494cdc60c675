"""bitbucket_mail_server: the exact HTTP calls of every scenario, in order, each also in check mode (API-MAP 3.15).

The SMTP password is write-only: never compared, returned or diffed; a PUT replaces the whole configuration, so
a change sends the password again (the stored one when the server shows it, else the one given).
"""

from __future__ import annotations

import functools
import json

import pytest

from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_mail_server
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, Call, errors
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.scenarios import CHECK_MODES, expect, runner

MAIL = "/rest/api/latest/admin/mail-server"
SENDER = MAIL + "/sender-address"
SMTP_PASSWORD = "Smtp-Secret-9d1f"
STORED_PASSWORD = "Stored-Smtp-Secret-42"


def config(**changes):
    body = {
        "hostname": "smtp.example.com",
        "port": 587,
        "protocol": "SMTP",
        "useStartTls": True,
        "requireStartTls": True,
        "username": "mailer",
        "senderAddress": "bitbucket@example.com",
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def shown(**changes):
    """The configuration as the seed's GET example shows it: the password included."""
    return dict(config(**changes), password=STORED_PASSWORD)


def managed(body):
    return {key: body.get(key) for key in ("hostname", "port", "protocol", "useStartTls", "requireStartTls", "username", "senderAddress")}


def get(body=None):
    if body is None:
        return Call("GET", MAIL, status=404, body=errors("The mail server hasn't been configured."))
    return Call("GET", MAIL, body=body)


def put(body, answer=None):
    return Call("PUT", MAIL, json=body, body=answer if answer is not None else body)


FULL = dict(hostname="smtp.example.com", port=587, use_start_tls=True, require_start_tls=True, smtp_username="mailer",
            smtp_password=SMTP_PASSWORD, sender_address="bitbucket@example.com")


@pytest.fixture
def run_module(http, make_context):
    return runner(bitbucket_mail_server, http, make_context)


def assert_secret_free(result):
    dumped = json.dumps(result)
    assert SMTP_PASSWORD not in dumped
    assert STORED_PASSWORD not in dumped


@CHECK_MODES
def test_create(http, run_module, check_mode):
    sent = dict(config(), password=SMTP_PASSWORD)
    expect(http, [get(), put(sent, answer=dict(config(), password=SMTP_PASSWORD))], check_mode)

    result = run_module(FULL, check_mode=check_mode)

    assert result["changed"] is True
    assert result["mail_server"] == managed(config())
    assert result["diff"] == {"before": {}, "after": managed(config())}
    assert_secret_free(result)
    http.assert_done()


@CHECK_MODES
def test_create_with_the_defaults(http, run_module, check_mode):
    expect(http, [get(), put({"hostname": "smtp.example.com", "port": 465, "protocol": "SMTPS", "useStartTls": False, "requireStartTls": False},
                             answer={"hostname": "smtp.example.com", "port": 465, "protocol": "SMTPS", "useStartTls": False, "requireStartTls": False})],
           check_mode)

    result = run_module(dict(hostname="smtp.example.com", protocol="SMTPS"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["mail_server"]["port"] == 465
    http.assert_done()


@CHECK_MODES
def test_no_op_only_reads(http, run_module, check_mode):
    expect(http, [get(shown())], check_mode)

    result = run_module(FULL, check_mode=check_mode)

    assert result["changed"] is False
    assert result["mail_server"] == managed(config())
    assert_secret_free(result)
    http.assert_done()


@CHECK_MODES
def test_an_update_resends_the_stored_password_it_was_shown(http, run_module, check_mode):
    # on_create: the given password is not sent; the PUT replaces everything, so the stored one goes back.
    expect(http, [get(shown()), put(dict(config(port=2525), password=STORED_PASSWORD), answer=shown(port=2525))], check_mode)

    result = run_module(dict(FULL, port=2525), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"] == {"before": managed(config()), "after": managed(config(port=2525))}
    assert_secret_free(result)
    http.assert_done()


@CHECK_MODES
def test_an_update_without_a_shown_password_sends_the_given_one(http, run_module, check_mode):
    # The other reading of API-MAP 3.15: GET does not show the password.
    expect(http, [get(config()), put(dict(config(port=2525), password=SMTP_PASSWORD), answer=config(port=2525))], check_mode)

    result = run_module(dict(FULL, port=2525), check_mode=check_mode)

    assert result["changed"] is True
    http.assert_done()


@CHECK_MODES
def test_an_update_that_would_clear_an_unknown_password_is_refused_before_any_write(http, run_module, check_mode):
    http.expect(get(config()))

    result = run_module(dict(port=2525), check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == "smtp_password"
    assert "does not show the stored password" in result["msg"]
    http.assert_done()


@CHECK_MODES
def test_a_configuration_without_smtp_user_needs_no_password(http, run_module, check_mode):
    expect(http, [get(config(username=None)), put(config(username=None, port=2525))], check_mode)

    assert run_module(dict(port=2525), check_mode=check_mode)["changed"] is True
    http.assert_done()


@CHECK_MODES
def test_update_password_always_sends_it_every_run(http, run_module, check_mode):
    expect(http, [get(shown()), put(dict(config(), password=SMTP_PASSWORD), answer=shown())], check_mode)

    result = run_module(dict(FULL, update_smtp_password="always"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"]["before"] == result["diff"]["after"] == managed(config())
    assert_secret_free(result)
    http.assert_done()


@CHECK_MODES
def test_kebab_case_answers_are_read_too(http, run_module, check_mode):
    # API-MAP 3.15 VERIFY: older servers and clients spell the fields in kebab case.
    kebab = {"hostname": "smtp.example.com", "port": 587, "protocol": "SMTP", "use-start-tls": True, "require-start-tls": True,
             "username": "mailer", "sender-address": "bitbucket@example.com"}
    expect(http, [get(kebab)], check_mode)

    result = run_module(FULL, check_mode=check_mode)

    assert result["changed"] is False
    assert result["mail_server"] == managed(config())
    http.assert_done()


@CHECK_MODES
def test_a_kebab_case_answer_is_changed_in_the_documented_spelling(http, run_module, check_mode):
    kebab = {"hostname": "smtp.example.com", "port": 25, "protocol": "SMTP", "use-start-tls": False, "require-start-tls": False,
             "sender-address": "old@example.com"}
    sent = {"hostname": "smtp.example.com", "port": 25, "protocol": "SMTP", "useStartTls": False, "requireStartTls": False,
            "senderAddress": "new@example.com"}
    expect(http, [get(kebab), put(sent)], check_mode)

    assert run_module(dict(sender_address="new@example.com", port=25), check_mode=check_mode)["changed"] is True
    http.assert_done()


@CHECK_MODES
def test_delete(http, run_module, check_mode):
    expect(http, [get(shown()), Call("DELETE", MAIL, status=204)], check_mode)

    result = run_module(dict(state="absent"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"] == {"before": managed(config()), "after": {}}
    assert result["mail_server"] == {}
    assert_secret_free(result)
    http.assert_done()


@CHECK_MODES
def test_delete_absent_only_reads(http, run_module, check_mode):
    expect(http, [get()], check_mode)

    assert run_module(dict(state="absent"), check_mode=check_mode)["changed"] is False
    http.assert_done()


# -- sender-address-only mode -------------------------------------------------------------------------


def get_sender(address=None):
    # A bare JSON string, or an empty body when none is set (API-MAP 3.15).
    return Call("GET", SENDER, body=address) if address else Call("GET", SENDER, status=200)


@CHECK_MODES
def test_sender_only_sets_a_json_string(http, run_module, check_mode):
    expect(http, [get_sender(), Call("PUT", SENDER, json="noreply@example.com", body="noreply@example.com")], check_mode)

    result = run_module(dict(sender_address="noreply@example.com"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["mail_server"] == {"senderAddress": "noreply@example.com"}
    assert result["diff"] == {"before": {}, "after": {"senderAddress": "noreply@example.com"}}
    http.assert_done()


def test_the_sender_address_goes_as_a_string_literal(http, run_module):
    http.expect(get_sender("old@example.com"), Call("PUT", SENDER, json="noreply@example.com", body="noreply@example.com"))

    run_module(dict(sender_address="noreply@example.com"))

    assert http.calls[1].json == "noreply@example.com"  # requests serialises it as "\"noreply@example.com\""
    http.assert_done()


@CHECK_MODES
def test_sender_only_no_op(http, run_module, check_mode):
    expect(http, [get_sender("noreply@example.com")], check_mode)

    assert run_module(dict(sender_address="noreply@example.com"), check_mode=check_mode)["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_sender_only_clears_with_an_empty_string(http, run_module, check_mode):
    expect(http, [get_sender("noreply@example.com"), Call("DELETE", SENDER, status=204)], check_mode)

    result = run_module(dict(sender_address=""), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"] == {"before": {"senderAddress": "noreply@example.com"}, "after": {}}
    http.assert_done()


@CHECK_MODES
def test_sender_only_clear_when_none_is_set_only_reads(http, run_module, check_mode):
    expect(http, [get_sender()], check_mode)

    assert run_module(dict(sender_address=""), check_mode=check_mode)["changed"] is False
    http.assert_done()


# -- bad input and failures -------------------------------------------------------------------------


@CHECK_MODES
@pytest.mark.parametrize(
    "params, option, words",
    [
        (dict(hostname="smtp.example.com", port=0), "port", "from 1 to 65535"),
        (dict(hostname="smtp.example.com", use_start_tls=False, require_start_tls=True), "require_start_tls", "use_start_tls=true"),
        (dict(hostname="smtp.example.com", sender_address="nobody"), "sender_address", "not an e-mail address"),
        (dict(hostname="smtp.example.com", sender_address=""), "sender_address", "sender-address-only mode"),
        (dict(hostname=" "), "hostname", "must not be empty"),
        (dict(hostname="smtp.example.com", state="absent"), "hostname", "state=absent removes the whole mail configuration"),
        (dict(), "hostname", "set the mail server options"),
    ],
)
def test_bad_input_is_refused_without_any_call(http, run_module, check_mode, params, option, words):
    result = run_module(params, check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert words in result["msg"]
    assert http.calls == []


@CHECK_MODES
def test_a_new_configuration_needs_a_hostname(http, run_module, check_mode):
    http.expect(get())

    result = run_module(dict(port=25), check_mode=check_mode)

    assert result["failed"] is True
    assert "Option 'hostname' is required to create the mail server configuration" in result["msg"]
    http.assert_done()


def test_a_refusal_reports_bitbucket_s_answer(http, run_module):
    http.expect(get(), Call("PUT", MAIL, json=dict(config(), password=SMTP_PASSWORD), status=400, body=errors("'x' is not valid", context="hostname")))

    result = run_module(FULL)

    assert result["failed"] is True
    assert result["http_status"] == 400
    assert result["msg"] == "PUT %s: HTTP 400: hostname: 'x' is not valid" % MAIL
    assert_secret_free(result)
    http.assert_done()


def test_a_put_that_landed_behind_a_500_is_found_by_reading_again(http, run_module):
    http.expect(get(shown()), Call("PUT", MAIL, json=dict(config(port=2525), password=STORED_PASSWORD), status=500, body=errors("boom")),
                get(shown(port=2525)))

    result = run_module(dict(port=2525))

    assert "failed" not in result
    assert result["changed"] is True
    assert result["mail_server"]["port"] == 2525
    http.assert_done()


run_main = functools.partial(main_of, bitbucket_mail_server)


def test_main_never_shows_the_smtp_password(monkeypatch, capsys, http):
    http.expect(get(), put(dict(config(), password=SMTP_PASSWORD), answer=dict(config(), password=SMTP_PASSWORD)))

    code, output = run_main(monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token", _ansible_diff=True, **FULL))

    assert code == 0
    assert output["changed"] is True
    assert_secret_free(output)
    http.assert_done()


def test_main_logs_in_with_the_connection_user_not_the_smtp_user(monkeypatch, capsys, http):
    http.expect(get(shown()))

    code, _output = run_main(monkeypatch, capsys, http, dict(url=BASE_URL, username="automation", password="Automation-pw", **FULL))

    assert code == 0
    assert http.auth == ("automation", "Automation-pw")
    http.assert_done()
