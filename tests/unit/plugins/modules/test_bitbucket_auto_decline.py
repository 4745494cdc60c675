"""bitbucket_auto_decline: the exact HTTP calls of every scenario, in order, each also in check mode.

Check mode makes the same reads and none of the writes, and predicts the same result (API-MAP 3.21: a GET
answers the settings in force, with ``scope`` saying where they come from).
"""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_auto_decline
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_auto_decline import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import Call, errors
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

PROJECT = "/rest/api/latest/projects/PLAT/settings/auto-decline"
REPO = "/rest/api/latest/projects/PLAT/repos/web/settings/auto-decline"
CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])


def settings(enabled, weeks, scope, resource_id=None):
    body = {"enabled": enabled, "inactivityWeeks": weeks, "scope": {"type": scope}}
    if resource_id is not None:
        body["scope"]["resourceId"] = resource_id
    return body


def get(path, answer):
    return Call("GET", path, body=answer)


@pytest.fixture
def run_module(http, make_context):
    def runner(params, check_mode=False, diff=True):
        result = execute(run, make_context(MODULE_SPEC, params, check_mode=check_mode, diff=diff))
        assert http.closed or not http.calls, "the session of the run was not closed"
        return result

    return runner


def expect(http, calls, check_mode):
    http.expect(*[call for call in calls if not check_mode or call.method == "GET"])


def view(enabled, weeks, scope):
    return {"enabled": enabled, "inactivity_weeks": weeks, "scope": scope}


# -- set at the project --------------------------------------------------------------------------


@CHECK_MODES
def test_set_at_a_project_that_inherits_the_defaults(http, run_module, check_mode):
    expect(
        http,
        [
            get(PROJECT, settings(True, 4, "GLOBAL")),
            Call("PUT", PROJECT, json={"enabled": True, "inactivityWeeks": 2}, body=settings(True, 2, "PROJECT", 7)),
        ],
        check_mode,
    )

    result = run_module(dict(project="PLAT", enabled=True, inactivity_weeks=2), check_mode=check_mode)

    assert result == {
        "changed": True,
        "auto_decline": view(True, 2, "project"),
        "diff": {"before": view(True, 4, "global"), "after": view(True, 2, "project")},
    }
    http.assert_done()


@CHECK_MODES
def test_the_same_values_inherited_are_still_set_here(http, run_module, check_mode):
    # API-MAP 3.21: "present must PUT even if values match" when the answer comes from another scope.
    expect(
        http,
        [get(PROJECT, settings(True, 4, "GLOBAL")), Call("PUT", PROJECT, json={"enabled": True, "inactivityWeeks": 4}, body=settings(True, 4, "PROJECT", 7))],
        check_mode,
    )

    result = run_module(dict(project="PLAT", enabled=True, inactivity_weeks=4), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"]["before"]["scope"] == "global"
    assert result["auto_decline"] == view(True, 4, "project")
    http.assert_done()


@CHECK_MODES
def test_weeks_not_given_keep_the_ones_in_force(http, run_module, check_mode):
    expect(
        http,
        [get(PROJECT, settings(True, 8, "GLOBAL")), Call("PUT", PROJECT, json={"enabled": False, "inactivityWeeks": 8}, body=settings(False, 8, "PROJECT"))],
        check_mode,
    )

    result = run_module(dict(project="PLAT", enabled=False), check_mode=check_mode)

    assert result["auto_decline"] == view(False, 8, "project")
    http.assert_done()


@CHECK_MODES
def test_no_op_when_set_here(http, run_module, check_mode):
    http.expect(get(PROJECT, settings(True, 4, "PROJECT", 7)))

    result = run_module(dict(project="PLAT", enabled=True, inactivity_weeks=4), check_mode=check_mode)

    unchanged = view(True, 4, "project")
    assert result == {"changed": False, "auto_decline": unchanged, "diff": {"before": unchanged, "after": unchanged}}
    http.assert_done()


@CHECK_MODES
def test_update_set_here(http, run_module, check_mode):
    expect(
        http,
        [
            get(PROJECT, settings(True, 4, "PROJECT", 7)),
            Call("PUT", PROJECT, json={"enabled": True, "inactivityWeeks": 12}, body=settings(True, 12, "PROJECT", 7)),
        ],
        check_mode,
    )

    result = run_module(dict(project="PLAT", enabled=True, inactivity_weeks=12), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"] == {"before": view(True, 4, "project"), "after": view(True, 12, "project")}
    http.assert_done()


# -- a repository ---------------------------------------------------------------------------------


@CHECK_MODES
def test_a_repository_overrides_its_project(http, run_module, check_mode):
    expect(
        http,
        [
            get(REPO, settings(True, 4, "PROJECT", 7)),
            Call("PUT", REPO, json={"enabled": False, "inactivityWeeks": 4}, body=settings(False, 4, "REPOSITORY", 3)),
        ],
        check_mode,
    )

    result = run_module(dict(project="PLAT", repository="web", enabled=False), check_mode=check_mode)

    assert result["auto_decline"] == view(False, 4, "repository")
    assert result["diff"]["before"] == view(True, 4, "project")
    http.assert_done()


@CHECK_MODES
def test_a_repository_inherits_again_and_the_project_values_are_predicted(http, run_module, check_mode):
    expect(
        http,
        [
            get(REPO, settings(False, 12, "REPOSITORY", 3)),
            get(PROJECT, settings(True, 4, "PROJECT", 7)),
            Call("DELETE", REPO, status=204),
        ],
        check_mode,
    )

    result = run_module(dict(project="PLAT", repository="web", state="absent"), check_mode=check_mode)

    assert result == {
        "changed": True,
        "auto_decline": view(True, 4, "project"),
        "diff": {"before": view(False, 12, "repository"), "after": view(True, 4, "project")},
    }
    http.assert_done()


@CHECK_MODES
def test_absent_when_already_inherited_only_reads(http, run_module, check_mode):
    http.expect(get(REPO, settings(True, 4, "PROJECT", 7)))

    result = run_module(dict(project="PLAT", repository="web", state="absent"), check_mode=check_mode)

    assert result["changed"] is False
    assert result["auto_decline"] == view(True, 4, "project")
    http.assert_done()


def test_a_project_inherits_again_and_the_defaults_are_read_back(http, run_module):
    http.expect(get(PROJECT, settings(False, 2, "PROJECT", 7)), Call("DELETE", PROJECT, status=204), get(PROJECT, settings(True, 4, "GLOBAL")))

    result = run_module(dict(project="PLAT", state="absent"))

    assert result["changed"] is True
    assert result["auto_decline"] == view(True, 4, "global")
    http.assert_done()


def test_a_project_inheriting_again_in_check_mode_predicts_where_the_values_come_from(http, run_module):
    # The instance's defaults are in no REST read: the prediction names their origin only.
    http.expect(get(PROJECT, settings(False, 2, "PROJECT", 7)))

    result = run_module(dict(project="PLAT", state="absent"), check_mode=True)

    assert result["changed"] is True
    assert result["auto_decline"] == {"scope": "global"}
    http.assert_done()


# -- faults and errors ---------------------------------------------------------------------------


def test_a_write_whose_answer_is_lost_is_found_by_reading_again(http, run_module):
    http.expect(
        get(PROJECT, settings(True, 4, "GLOBAL")),
        Call("PUT", PROJECT, json={"enabled": True, "inactivityWeeks": 8}, status=500, body=errors("Injected fault")),
        get(PROJECT, settings(True, 8, "PROJECT", 7)),
    )

    result = run_module(dict(project="PLAT", enabled=True, inactivity_weeks=8))

    assert result["changed"] is True
    assert "failed" not in result
    assert result["auto_decline"] == view(True, 8, "project")
    http.assert_done()


def test_a_missing_project_is_reported_with_bitbucket_s_answer(http, run_module):
    http.expect(Call("GET", PROJECT, status=404, body=errors("Project PLAT does not exist.")))

    result = run_module(dict(project="PLAT", enabled=True))

    assert result["failed"] is True
    assert result["changed"] is False
    assert result["http_status"] == 404
    assert "Project PLAT does not exist." in result["msg"]
    http.assert_done()


def test_bitbucket_s_refusal_is_reported(http, run_module):
    http.expect(
        get(PROJECT, settings(True, 4, "GLOBAL")),
        Call("PUT", PROJECT, json={"enabled": True, "inactivityWeeks": 4}, status=401, body=errors("PROJECT_ADMIN needed")),
    )

    result = run_module(dict(project="PLAT", enabled=True, inactivity_weeks=4))

    assert result["failed"] is True
    assert result["http_method"] == "PUT"
    assert "PROJECT_ADMIN needed" in result["msg"]
    http.assert_done()


@CHECK_MODES
@pytest.mark.parametrize(
    "params, option, words",
    [
        (dict(project="PLAT", enabled=True, inactivity_weeks=3), "inactivity_weeks", "1, 2, 4, 8 or 12"),
        (dict(project="PLAT", enabled=True, inactivity_weeks=0), "inactivity_weeks", "1, 2, 4, 8 or 12"),
        (dict(project="PLAT", enabled=True, state="absent"), "enabled", "only with state=present"),
        (dict(project="PLAT", inactivity_weeks=4, state="absent"), "inactivity_weeks", "only with state=present"),
        (dict(project=" ", enabled=True), "project", "must not be empty"),
        # A bad value is reported before a missing option.
        (dict(project="PLAT", inactivity_weeks=-5), "inactivity_weeks", "1, 2, 4, 8 or 12"),
        (dict(project="PLAT", inactivity_weeks=2), "enabled", "required with state=present"),
    ],
)
def test_bad_input_is_refused_without_any_call(http, run_module, check_mode, params, option, words):
    result = run_module(params, check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert words in result["msg"]
    assert http.calls == []


def test_main_runs_the_module_through_ansible_module(http, monkeypatch, capsys):
    http.expect(get(PROJECT, settings(True, 4, "PROJECT", 7)))

    code, output = main_of(bitbucket_auto_decline, monkeypatch, capsys, http,
                           dict(url="https://bitbucket.example.com", token="a-long-t0ken", project="PLAT", enabled=True, inactivity_weeks=4))

    assert code == 0
    assert output["changed"] is False
    assert output["auto_decline"] == view(True, 4, "project")


def test_main_requires_enabled_with_state_present(http, monkeypatch, capsys):
    code, output = main_of(bitbucket_auto_decline, monkeypatch, capsys, http, dict(url="https://bitbucket.example.com", token="a-long-t0ken", project="PLAT"))

    assert code == 1
    assert output["invalid_option"] == "enabled"
    assert http.calls == []
