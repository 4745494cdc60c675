"""bitbucket_license and bitbucket_license_info: the exact HTTP calls of every scenario, in order, each also in
check mode (API-MAP 3.14). The licence text is never returned, diffed or traced."""

from __future__ import annotations

import functools
import json

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils import _license
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_license, bitbucket_license_info
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, FIRST_PAGE, Call, errors, page
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.licences import make_license, parse_date
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.scenarios import CHECK_MODES, expect, runner

LICENSE = "/rest/api/latest/admin/license"
USERS = "/rest/api/latest/users"
SERVER_ID = "B1A2-C3D4-E5F6-G7H8"


def answer(text, users=10, licensed=3, expiry="2099-12-31", sen="SEN-1", unlimited=False):
    """RestBitbucketLicense as seed 003 shows it."""
    body = {
        "creationDate": parse_date("2026-01-01"),
        "purchaseDate": parse_date("2026-01-01"),
        "expiryDate": parse_date(expiry),
        "gracePeriodEndDate": parse_date(expiry),
        "maintenanceExpiryDate": parse_date(expiry),
        "daysBeforeExpiry": 26000,
        "numberOfDaysBeforeExpiry": 26000,
        "numberOfDaysBeforeGracePeriodExpiry": 26000,
        "numberOfDaysBeforeMaintenanceExpiry": 26000,
        "license": text,
        "maximumNumberOfUsers": -1 if unlimited else users,
        "unlimitedNumberOfUsers": unlimited,
        "status": {"serverId": SERVER_ID, "currentNumberOfUsers": licensed},
        "supportEntitlementNumber": sen,
    }
    if text is None:
        del body["license"]
    return body


def identity(body):
    return {key: body[key] for key in bitbucket_license.IDENTITY if key in body}


def public(body):
    return {key: value for key, value in body.items() if key != "license"}


def get(body=None):
    if body is None:
        return Call("GET", LICENSE, status=404, body=errors("No license has been installed."))
    return Call("GET", LICENSE, body=body)


def post(text, body=None, status=200):
    return Call("POST", LICENSE, json={"license": text}, status=status, body=body)


def licensed_users(count):
    users = [{"name": "user%d" % number, "slug": "user%d" % number, "id": number} for number in range(count)]
    return Call("GET", USERS, query=[("permission", "LICENSED_USER")] + FIRST_PAGE, body=page(users))


NEW = make_license(users=50, sen="SEN-2")
OLD = make_license(users=10, sen="SEN-1")


@pytest.fixture
def run_module(http, make_context):
    return runner(bitbucket_license, http, make_context)


def assert_no_text(result, *texts):
    dumped = json.dumps(result)
    for text in texts:
        assert _license.normalise(text) not in _license.normalise(dumped.replace("\\n", ""))


@CHECK_MODES
def test_install_where_there_is_none_counts_licensed_users_in_the_directory(http, run_module, check_mode):
    installed = answer(NEW, users=50, licensed=4, sen="SEN-2")
    expect(http, [get(), licensed_users(4), post(NEW, installed)], check_mode)

    result = run_module(dict(license=NEW), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"] == identity(installed)
    if not check_mode:
        assert result["license"] == public(installed)
    assert_no_text(result, NEW)
    http.assert_done()


@CHECK_MODES
def test_no_op_ignores_whitespace(http, run_module, check_mode):
    pasted = "\n  " + OLD.replace("\n", "\r\n    ") + "\n"
    expect(http, [get(answer(OLD))], check_mode)

    result = run_module(dict(license=pasted), check_mode=check_mode)

    assert result["changed"] is False
    assert result["license"] == public(answer(OLD))
    assert result["diff"]["before"] == result["diff"]["after"] == identity(answer(OLD))
    http.assert_done()


@CHECK_MODES
def test_replace_uses_the_licence_status_for_the_user_count(http, run_module, check_mode):
    installed = answer(NEW, users=50, sen="SEN-2")
    expect(http, [get(answer(OLD, licensed=3)), post(NEW, installed)], check_mode)

    result = run_module(dict(license=NEW), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"] == {"before": identity(answer(OLD)), "after": identity(installed)}
    assert result["license"]["maximumNumberOfUsers"] == 50
    assert_no_text(result, NEW, OLD)
    http.assert_done()


@CHECK_MODES
def test_a_licence_for_fewer_users_than_are_licensed_is_refused_before_any_write(http, run_module, check_mode):
    small = make_license(users=5, sen="SEN-3")
    http.expect(get(answer(OLD, licensed=8)))

    result = run_module(dict(license=small), check_mode=check_mode)

    assert result["failed"] is True
    assert result["changed"] is False
    assert "Refusing to install a licence for 5 users: Bitbucket licenses 8 users now" in result["msg"]
    assert "allow_downgrade=true" in result["msg"]
    assert (result["licensed_users"], result["license_user_limit"]) == (8, 5)
    http.assert_done()


@CHECK_MODES
def test_a_licence_for_fewer_users_than_the_directory_holds_is_refused_without_a_licence(http, run_module, check_mode):
    http.expect(get(), licensed_users(3))

    result = run_module(dict(license=make_license(users=2)), check_mode=check_mode)

    assert result["failed"] is True
    assert "licenses 3 users now" in result["msg"]
    http.assert_done()


@CHECK_MODES
def test_allow_downgrade_installs_it_and_warns_that_pushing_is_disabled(http, run_module, check_mode):
    small = make_license(users=5, sen="SEN-3")
    installed = answer(small, users=5, licensed=8, sen="SEN-3")
    expect(http, [get(answer(OLD, licensed=8)), post(small, installed)], check_mode)

    result = run_module(dict(license=small, allow_downgrade=True), check_mode=check_mode)

    assert result["changed"] is True
    if check_mode:
        assert result["warnings"] == []
    else:
        assert result["warnings"] == [
            "The licence installed is for 5 users and Bitbucket licenses 8: pushing is disabled until the licensed user count is brought within the licence"
        ]
    http.assert_done()


@CHECK_MODES
def test_a_licence_for_as_many_users_as_are_licensed_is_not_a_downgrade(http, run_module, check_mode):
    exact = make_license(users=3, sen="SEN-4")
    expect(http, [get(answer(OLD, licensed=3)), post(exact, answer(exact, users=3, licensed=3, sen="SEN-4"))], check_mode)

    assert run_module(dict(license=exact), check_mode=check_mode)["changed"] is True
    http.assert_done()


@CHECK_MODES
def test_an_unlimited_licence_needs_no_count(http, run_module, check_mode):
    unlimited = make_license(users=-1, sen="SEN-5")
    expect(http, [get(), post(unlimited, answer(unlimited, unlimited=True, sen="SEN-5"))], check_mode)

    result = run_module(dict(license=unlimited), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"]["after"]["unlimitedNumberOfUsers"] is True
    http.assert_done()


@CHECK_MODES
def test_a_licence_whose_user_limit_cannot_be_read_is_refused_unless_allowed(http, run_module, check_mode):
    opaque = "AAABOpaqueLicenceTextInAnotherFormat0123456789"
    http.expect(get(answer(OLD)))

    refused = run_module(dict(license=opaque), check_mode=check_mode)

    assert refused["failed"] is True
    assert refused["invalid_option"] == "license"
    assert "cannot be read from it" in refused["msg"]
    assert opaque not in json.dumps(refused)
    http.assert_done()


@CHECK_MODES
def test_a_licence_whose_user_limit_cannot_be_read_is_installed_with_allow_downgrade(http, run_module, check_mode):
    opaque = "AAABOpaqueLicenceTextInAnotherFormat0123456789"
    expect(http, [get(answer(OLD)), post(opaque, answer(opaque, users=20, sen="SEN-9"))], check_mode)

    allowed = run_module(dict(license=opaque, allow_downgrade=True), check_mode=check_mode)

    assert allowed["changed"] is True
    assert opaque not in json.dumps(allowed)
    http.assert_done()


@CHECK_MODES
@pytest.mark.parametrize("shown", ["reencoded", "missing"])
def test_the_same_licence_answered_in_another_encoding_or_without_its_text_is_not_installed_again(http, run_module, check_mode, shown):
    # API-MAP 3.14 VERIFY: when the texts cannot be compared, what the licence declares is.
    installed = answer("AAAB-another-encoding-of-the-same-licence" if shown == "reencoded" else None, users=10, sen="SEN-1")
    expect(http, [get(installed)], check_mode)

    result = run_module(dict(license=OLD), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_a_renewal_with_the_same_users_and_sen_is_installed(http, run_module, check_mode):
    renewal = make_license(users=10, sen="SEN-1", expiry="2100-12-31")
    installed = answer(None, users=10, sen="SEN-1")  # no text to compare: the declared expiry differs
    expect(http, [get(installed), post(renewal, answer(renewal, users=10, sen="SEN-1", expiry="2100-12-31"))], check_mode)

    result = run_module(dict(license=renewal), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"]["after"]["expiryDate"] == parse_date("2100-12-31")
    http.assert_done()


def test_a_licence_bitbucket_cannot_apply_reports_its_answer(http, run_module):
    message = "The license could not be applied: it has already expired."
    http.expect(get(answer(OLD)), post(NEW, status=409, body=errors(message, "com.atlassian.bitbucket.license.LicenseException")))

    result = run_module(dict(license=NEW))

    assert result["failed"] is True
    assert result["http_status"] == 409
    assert result["msg"] == "POST %s: HTTP 409: %s" % (LICENSE, message)
    assert_no_text(result, NEW)
    http.assert_done()


def test_a_post_that_landed_behind_a_500_is_found_by_reading_again(http, run_module):
    installed = answer(NEW, users=50, sen="SEN-2")
    http.expect(get(answer(OLD)), post(NEW, status=500, body=errors("boom")), get(installed))

    result = run_module(dict(license=NEW))

    assert "failed" not in result
    assert result["changed"] is True
    assert result["license"] == public(installed)
    http.assert_done()


@pytest.mark.parametrize("text", ["", "   \n "])
def test_an_empty_licence_is_refused_without_any_call(http, run_module, text):
    result = run_module(dict(license=text))

    assert result["invalid_option"] == "license"
    assert http.calls == []


def test_the_trace_shows_no_licence(http, run_module):
    http.expect(get(), licensed_users(1), post(NEW, answer(NEW, users=50, sen="SEN-2")))

    result = run_module(dict(license=NEW), verbosity=3)

    assert [(entry["method"], entry["status"]) for entry in result["http_trace"]] == [("GET", 404), ("GET", 200), ("POST", 200)]
    assert_no_text(result, NEW)
    http.assert_done()


def test_main_never_shows_the_licence(monkeypatch, capsys, http):
    http.expect(get(answer(OLD)), post(NEW, answer(NEW, users=50, sen="SEN-2")))

    code, output = main_of(bitbucket_license, monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token", license=NEW, _ansible_diff=True))

    assert code == 0
    assert output["changed"] is True
    assert_no_text(output, NEW, OLD)
    http.assert_done()


# -- the decoder ---------------------------------------------------------------------------------------


def test_declared_reads_what_a_version_2_licence_says():
    declared = _license.declared(make_license(users=25, expiry="2099-06-30", server_id="S-1", sen="SEN-25"))
    assert declared == {
        "maximumNumberOfUsers": 25,
        "unlimitedNumberOfUsers": False,
        "creationDate": parse_date("2026-01-01"),
        "purchaseDate": parse_date("2026-01-01"),
        "expiryDate": parse_date("2099-06-30"),
        "maintenanceExpiryDate": parse_date("2099-06-30"),
        "serverId": "S-1",
        "supportEntitlementNumber": "SEN-25",
    }
    assert _license.declared(make_license(users=-1))["unlimitedNumberOfUsers"] is True


@pytest.mark.parametrize("text", ["", "garbage", "AAAB" + "x" * 30 + "X02", make_license(users=5)[:-4] + "0000"])
def test_declared_is_none_for_anything_else(text):
    assert _license.declared(text) is None


# -- bitbucket_license_info ---------------------------------------------------------------------------------


@pytest.fixture
def run_info(http, make_context):
    return runner(bitbucket_license_info, http, make_context)


@CHECK_MODES
def test_info_returns_the_licence_without_its_text(http, run_info, check_mode):
    http.expect(get(answer(OLD)))

    result = run_info({}, check_mode=check_mode)

    assert result == {"changed": False, "installed": True, "license": public(answer(OLD)), "warnings": []}
    assert_no_text(result, OLD)
    http.assert_done()


def test_info_without_a_licence(http, run_info):
    http.expect(get())

    assert run_info({}) == {"changed": False, "installed": False, "license": {}, "warnings": []}
    http.assert_done()


def test_info_reports_a_refusal(http, run_info):
    http.expect(Call("GET", LICENSE, status=401, body=errors("You are not permitted to access this resource")))

    result = run_info({})

    assert result["failed"] is True
    assert result["http_status"] == 401
    http.assert_done()


run_info_main = functools.partial(main_of, bitbucket_license_info)


def test_info_main(monkeypatch, capsys, http):
    http.expect(get(answer(OLD)))

    code, output = run_info_main(monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token"))

    assert code == 0
    assert output["installed"] is True
    assert "license" not in output["license"]
    http.assert_done()
