"""bitbucket_user_settings: the exact HTTP calls of every scenario, each also in check mode.

seed 003 / API-MAP 3.26: GET /users/{userSlug}/settings is the whole map; POST merges the entries given and
answers 204. Whether a null value removes a key is a VERIFY item: the three readings are tested below
(null removes the key, null is kept as a value, null is ignored).
"""

from __future__ import annotations

import functools
import json

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_user_settings
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_user_settings import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, Call
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.modules.identity_calls import (
    API,
    CHECK_MODES,
    after_write,
    detailed_user,
    errors,
    expect,
    find_user,
    writes,
)

JANE = detailed_user("Jane.Doe@corp", slug="jane.doe_corp")
SETTINGS = API + "/users/jane.doe_corp/settings"


@pytest.fixture
def run_module(http, make_context):
    def runner(params, check_mode=False, diff=True):
        context = make_context(MODULE_SPEC, dict(params, user="Jane.Doe@corp"), check_mode=check_mode, diff=diff)
        result = execute(run, context)
        result.pop("warnings", None)
        result["warnings"] = context.warnings
        return result

    return runner


def read(settings):
    return Call("GET", SETTINGS, body=settings)


def merge(entries):
    return Call("POST", SETTINGS, json=entries, status=204)


@CHECK_MODES
def test_set_keys_merges_only_the_ones_that_differ(http, run_module, check_mode):
    current = {"theme": "light", "page.size": 25, "beta": True, "other.plugin": "kept"}
    after = {"theme": "dark", "page.size": 50, "beta": True, "other.plugin": "kept", "new.key": False}
    # The user is found by name (the slug is not the username), through the exact admin lookup.
    expect(http, [find_user("Jane.Doe@corp", JANE), read(current), merge({"theme": "dark", "page.size": 50, "new.key": False}), after_write(read(after))],
           check_mode)

    result = run_module(dict(settings={"theme": "dark", "page.size": 50, "beta": True, "new.key": False}), check_mode=check_mode)

    assert result["changed"] is True
    assert result["settings"] == after
    assert result["diff"] == {"before": current, "after": after}
    http.assert_done()


@CHECK_MODES
def test_no_op_only_reads(http, run_module, check_mode):
    http.expect(find_user("Jane.Doe@corp", JANE), read({"theme": "dark", "page.size": 50, "ratio": 1.5}))

    result = run_module(dict(settings={"theme": "dark", "page.size": 50.0, "ratio": 1.5}, remove=["never.set"]), check_mode=check_mode)

    assert result["changed"] is False
    assert result["settings"] == {"theme": "dark", "page.size": 50, "ratio": 1.5}
    http.assert_done()


@CHECK_MODES
@pytest.mark.parametrize("have, want", [(1, True), (True, 1), ("true", True), ("10", 10), (0, False)])
def test_values_are_compared_with_their_type(http, run_module, check_mode, have, want):
    expect(http, [find_user("Jane.Doe@corp", JANE), read({"key": have}), merge({"key": want}), after_write(read({"key": want}))], check_mode)

    result = run_module(dict(settings={"key": want}), check_mode=check_mode)

    assert result["changed"] is True
    assert result["settings"] == {"key": want}
    http.assert_done()


def test_reading_the_settings_changes_nothing(http, run_module):
    http.expect(find_user("Jane.Doe@corp", JANE), read({"theme": "dark"}))

    result = run_module({})

    assert result["changed"] is False
    assert result["settings"] == {"theme": "dark"}
    http.assert_done()


# -- removing keys: API-MAP 3.26 VERIFY, every reading ---------------------------------------------


@CHECK_MODES
def test_remove_when_null_deletes_the_key(http, run_module, check_mode):
    # The emulator's reading.
    expect(http, [find_user("Jane.Doe@corp", JANE), read({"theme": "dark", "old": "x"}), merge({"old": None}), after_write(read({"theme": "dark"}))],
           check_mode)

    result = run_module(dict(remove=["old", "never.set"]), check_mode=check_mode)

    assert result["changed"] is True
    assert result["settings"] == {"theme": "dark"}
    assert result["diff"] == {"before": {"theme": "dark", "old": "x"}, "after": {"theme": "dark"}}
    http.assert_done()


def test_remove_when_null_is_kept_as_a_value_counts_as_removed(http, run_module):
    http.expect(find_user("Jane.Doe@corp", JANE), read({"theme": "dark", "old": "x"}), merge({"old": None}), read({"theme": "dark", "old": None}))

    result = run_module(dict(remove=["old"]))

    assert "failed" not in result
    assert result["changed"] is True
    assert result["settings"] == {"theme": "dark"}
    http.assert_done()


def test_a_key_kept_with_a_null_value_is_no_change_the_next_time(http, run_module):
    http.expect(find_user("Jane.Doe@corp", JANE), read({"theme": "dark", "old": None}))

    result = run_module(dict(remove=["old"]))

    assert result["changed"] is False
    assert result["settings"] == {"theme": "dark"}
    http.assert_done()


def test_remove_when_null_is_ignored_fails_and_says_so(http, run_module):
    http.expect(find_user("Jane.Doe@corp", JANE), read({"theme": "dark", "old": "x"}), merge({"old": None}), read({"theme": "dark", "old": "x"}))

    result = run_module(dict(remove=["old"]))

    assert result["failed"] is True
    assert result["changed"] is True  # the POST was answered 204
    assert "Bitbucket kept the settings old of Jane.Doe@corp after they were sent with a null value" in result["msg"]
    assert result["settings"] == {"theme": "dark", "old": "x"}
    http.assert_done()


# -- failures -----------------------------------------------------------------------------------


def test_a_value_stored_differently_is_a_warning(http, run_module):
    http.expect(find_user("Jane.Doe@corp", JANE), read({}), merge({"size": 10.5}), read({"size": 10}))

    result = run_module(dict(settings={"size": 10.5}))

    assert result["changed"] is True
    assert result["warnings"] == ["Bitbucket stored the setting size of Jane.Doe@corp as 10, not 10.5; the next run will try again"]
    http.assert_done()


def test_a_merge_whose_answer_was_lost_is_read_again_not_repeated(http, run_module):
    http.expect(
        find_user("Jane.Doe@corp", JANE),
        read({}),
        Call("POST", SETTINGS, json={"theme": "dark"}, status=500, body=errors("applied, answer lost")),
        read({"theme": "dark"}),
        read({"theme": "dark"}),
    )

    result = run_module(dict(settings={"theme": "dark"}))

    assert "failed" not in result
    assert result["settings"] == {"theme": "dark"}
    http.assert_done()


@CHECK_MODES
def test_a_missing_user_fails_with_its_name(http, run_module, check_mode):
    http.expect(find_user("Jane.Doe@corp", detailed_user("jane")))

    result = run_module(dict(settings={"theme": "dark"}), check_mode=check_mode)

    assert result["failed"] is True
    assert result["msg"] == "User Jane.Doe@corp does not exist (or the credentials cannot see it)"
    assert writes(http) == []
    http.assert_done()


def test_a_refusal_is_reported_with_bitbuckets_answer(http, run_module):
    message = "You are not permitted to access the settings of Jane.Doe@corp."
    http.expect(find_user("Jane.Doe@corp", JANE), Call("GET", SETTINGS, status=401, body=errors(message)))

    result = run_module(dict(settings={"theme": "dark"}))

    assert result["failed"] is True
    assert result["http_status"] == 401
    assert result["msg"].startswith("GET %s: HTTP 401: %s" % (SETTINGS, message))
    http.assert_done()


@pytest.mark.parametrize(
    "params, option",
    [
        (dict(settings={"theme": {"nested": True}}), "settings"),
        (dict(settings={"list": [1]}), "settings"),
        (dict(settings={"nothing": None}), "settings"),
        (dict(settings={" ": "x"}), "settings"),
        (dict(remove=[""]), "remove"),
        (dict(settings={"theme": "dark"}, remove=["theme"]), "remove"),
    ],
)
def test_bad_input_fails_before_any_request(http, run_module, params, option):
    result = run_module(params)

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert http.calls == []


def test_main_path(monkeypatch, capsys, http):
    http.expect(find_user("Jane.Doe@corp", JANE), read({"theme": "light"}))

    code, output = functools.partial(main_of, bitbucket_user_settings)(
        monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token", user="Jane.Doe@corp", settings={"theme": "dark"}, _ansible_check_mode=True)
    )

    assert code == 0
    assert output["changed"] is True
    assert output["settings"] == {"theme": "dark"}
    assert "Traceback" not in json.dumps(output)
    http.assert_done()


class TaggedStr(str):
    """A str subclass, as Ansible hands over templated values."""


def test_a_string_subclass_is_the_same_string(http, run_module):
    http.expect(find_user("Jane.Doe@corp", JANE), read({"theme": "dark"}))

    result = run_module(dict(settings={"theme": TaggedStr("dark")}))

    assert result["changed"] is False
    http.assert_done()
