"""bitbucket_logger: the exact HTTP calls of every scenario, in order, each also in check mode (API-MAP 3.23)."""

from __future__ import annotations

import json

import pytest
try:  # ansible-core 2.19 and later
    from ansible.module_utils import _internal
except ImportError:  # older releases have no controller switch for module warnings
    _internal = None

from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_logger
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, Call, errors
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.scenarios import CHECK_MODES, expect, runner

LOGS = "/rest/api/latest/logs"
ROOT = LOGS + "/rootLogger"
MAIL = LOGS + "/logger/com.atlassian.bitbucket.mail"


def get(path, level):
    return Call("GET", path, body={"logLevel": level})


def put(path, level):
    return Call("PUT", path + "/" + level, status=204)


@pytest.fixture
def run_module(http, make_context):
    return runner(bitbucket_logger, http, make_context)


@CHECK_MODES
def test_set_several_loggers_and_the_root_in_one_task(http, run_module, check_mode):
    expect(http, [get(ROOT, "WARN"), get(MAIL, "WARN"), put(ROOT, "INFO"), put(MAIL, "DEBUG")], check_mode)

    result = run_module(dict(loggers={"com.atlassian.bitbucket.mail": "debug", "root": "Info"}), check_mode=check_mode)

    assert result["changed"] is True
    assert result["loggers"] == {"ROOT": "INFO", "com.atlassian.bitbucket.mail": "DEBUG"}
    assert result["diff"] == {
        "before": {"ROOT": "WARN", "com.atlassian.bitbucket.mail": "WARN"},
        "after": {"ROOT": "INFO", "com.atlassian.bitbucket.mail": "DEBUG"},
    }
    assert len(result["warnings"]) == 1
    assert "last until Bitbucket restarts (ROOT, com.atlassian.bitbucket.mail changed)" in result["warnings"][0]
    http.assert_done()


@CHECK_MODES
def test_levels_are_compared_without_case(http, run_module, check_mode):
    # Atlassian's examples set lower case; GET answers upper case (API-MAP 3.23). Either answer is the same level.
    expect(http, [get(ROOT, "warn"), get(MAIL, "DEBUG")], check_mode)

    result = run_module(dict(loggers={"ROOT": "WARN", "com.atlassian.bitbucket.mail": "debug"}), check_mode=check_mode)

    assert result["changed"] is False
    assert result["warnings"] == []
    assert result["loggers"] == {"ROOT": "WARN", "com.atlassian.bitbucket.mail": "DEBUG"}
    http.assert_done()


@CHECK_MODES
def test_only_the_logger_that_differs_is_set(http, run_module, check_mode):
    expect(http, [get(ROOT, "WARN"), get(MAIL, "WARN"), put(MAIL, "ERROR")], check_mode)

    result = run_module(dict(loggers={"ROOT": "WARN", "com.atlassian.bitbucket.mail": "ERROR"}), check_mode=check_mode)

    assert result["changed"] is True
    assert "(com.atlassian.bitbucket.mail changed)" in result["warnings"][0]
    http.assert_done()


def test_a_logger_name_is_one_encoded_segment(http, run_module):
    path = LOGS + "/logger/com.example%2Fodd%20name"
    http.expect(get(path, "INFO"), put(path, "TRACE"))

    assert run_module(dict(loggers={"com.example/odd name": "trace"}))["changed"] is True
    http.assert_done()


@CHECK_MODES
@pytest.mark.parametrize(
    "loggers, words",
    [
        ({}, "at least one logger"),
        ({"ROOT": "VERBOSE"}, "'VERBOSE' is not a level for logger ROOT"),
        ({"com.example": None}, "is not a level"),
        ({"ROOT": "INFO", "root": "DEBUG"}, "the root logger is listed more than once (ROOT, root)"),
        ({" ": "INFO"}, "empty"),
    ],
)
def test_bad_input_is_refused_without_any_call(http, run_module, check_mode, loggers, words):
    result = run_module(dict(loggers=loggers), check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == "loggers"
    assert words in result["msg"]
    assert http.calls == []


def test_an_invalid_level_answer_is_reported(http, run_module):
    http.expect(get(MAIL, "WARN"), Call("PUT", MAIL + "/DEBUG", status=401, body=errors("SYS_ADMIN permission is required")))

    result = run_module(dict(loggers={"com.atlassian.bitbucket.mail": "DEBUG"}))

    assert result["failed"] is True
    assert result["http_status"] == 401
    assert result["http_path"] == MAIL + "/DEBUG"
    http.assert_done()


def test_a_level_set_behind_a_500_is_read_again_and_not_repeated(http, run_module):
    http.expect(get(MAIL, "WARN"), Call("PUT", MAIL + "/DEBUG", status=500, body=errors("boom")), get(MAIL, "DEBUG"))

    result = run_module(dict(loggers={"com.atlassian.bitbucket.mail": "DEBUG"}))

    assert "failed" not in result
    assert result["changed"] is True
    http.assert_done()


def test_main_warns_through_ansible_module(monkeypatch, capsys, http):
    # A module process is not the controller; earlier tests in this process may have loaded controller code,
    # which turns module warnings into controller display calls.
    if _internal is not None:
        monkeypatch.setattr(_internal, "is_controller", False)
    http.expect(get(ROOT, "WARN"), put(ROOT, "DEBUG"))

    code, output = main_of(bitbucket_logger, monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token", loggers={"ROOT": "DEBUG"}))

    assert code == 0
    assert output["changed"] is True
    # ansible-core 2.19 returns warnings as structured summaries; their text is what the user reads.
    assert "last until Bitbucket restarts (ROOT changed)" in json.dumps(output["warnings"])
    http.assert_done()
