"""bitbucket_auto_merge: the exact HTTP calls of every scenario, in order, each also in check mode.

spec get_4/set/delete_4 (project) and get_5/set_1/delete_5 (repository); API-MAP section 8 ("same inherit/explicit
pattern as 3.21"). A project PUT carries restrictionAction; a restricted project's repositories answer 403.
"""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_auto_merge import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import Call, errors

PROJECT = "/rest/api/latest/projects/PLAT/settings/auto-merge"
REPO = "/rest/api/latest/projects/PLAT/repos/web/settings/auto-merge"
CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])


def settings(enabled, scope, restriction="NONE"):
    return {"enabled": enabled, "restrictionState": restriction, "scope": {"type": scope}}


def view(enabled, scope, restricted=False):
    return {"enabled": enabled, "restrict_repositories": restricted, "scope": scope}


@pytest.fixture
def run_module(http, make_context):
    def runner(params, check_mode=False):
        result = execute(run, make_context(MODULE_SPEC, params, check_mode=check_mode, diff=True))
        assert http.closed or not http.calls
        return result

    return runner


def expect(http, calls, check_mode):
    http.expect(*[call for call in calls if not check_mode or call.method == "GET"])


@CHECK_MODES
def test_turn_on_at_a_project_and_restrict_its_repositories(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", PROJECT, body=settings(False, "GLOBAL")),
            Call("PUT", PROJECT, json={"enabled": True, "restrictionAction": "CREATE"}, body=settings(True, "PROJECT", "RESTRICTED_MODIFIABLE")),
        ],
        check_mode,
    )

    result = run_module(dict(project="PLAT", enabled=True, restrict_repositories=True), check_mode=check_mode)

    assert result == {
        "changed": True,
        "auto_merge": view(True, "project", True),
        "diff": {"before": view(False, "global"), "after": view(True, "project", True)},
    }
    http.assert_done()


@CHECK_MODES
def test_a_restriction_not_mentioned_is_left_as_it_is(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", PROJECT, body=settings(True, "PROJECT", "RESTRICTED_MODIFIABLE")),
            Call("PUT", PROJECT, json={"enabled": False, "restrictionAction": "NONE"}, body=settings(False, "PROJECT", "RESTRICTED_MODIFIABLE")),
        ],
        check_mode,
    )

    result = run_module(dict(project="PLAT", enabled=False), check_mode=check_mode)

    assert result["auto_merge"] == view(False, "project", True)
    http.assert_done()


@CHECK_MODES
def test_lift_the_restriction(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", PROJECT, body=settings(True, "PROJECT", "RESTRICTED_MODIFIABLE")),
            Call("PUT", PROJECT, json={"enabled": True, "restrictionAction": "DELETE"}, body=settings(True, "PROJECT")),
        ],
        check_mode,
    )

    result = run_module(dict(project="PLAT", enabled=True, restrict_repositories=False), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"]["before"]["restrict_repositories"] is True
    assert result["auto_merge"] == view(True, "project", False)
    http.assert_done()


@CHECK_MODES
def test_no_op(http, run_module, check_mode):
    http.expect(Call("GET", PROJECT, body=settings(True, "PROJECT", "RESTRICTED_MODIFIABLE")))

    result = run_module(dict(project="PLAT", enabled=True, restrict_repositories=True), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_a_repository_sets_its_own_without_a_restriction_action(http, run_module, check_mode):
    expect(http, [Call("GET", REPO, body=settings(True, "PROJECT")), Call("PUT", REPO, json={"enabled": True}, body=settings(True, "REPOSITORY"))], check_mode)

    result = run_module(dict(project="PLAT", repository="web", enabled=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["auto_merge"] == view(True, "repository")
    http.assert_done()


@CHECK_MODES
def test_a_repository_inherits_again(http, run_module, check_mode):
    expect(
        http,
        [Call("GET", REPO, body=settings(False, "REPOSITORY")), Call("GET", PROJECT, body=settings(True, "PROJECT")), Call("DELETE", REPO, status=204)],
        check_mode,
    )

    result = run_module(dict(project="PLAT", repository="web", state="absent"), check_mode=check_mode)

    assert result["diff"] == {"before": view(False, "repository"), "after": view(True, "project")}
    http.assert_done()


@CHECK_MODES
def test_absent_when_inherited_only_reads(http, run_module, check_mode):
    http.expect(Call("GET", REPO, body=settings(True, "PROJECT", "RESTRICTED_UNMODIFIABLE")))

    result = run_module(dict(project="PLAT", repository="web", state="absent"), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


def test_a_restricted_repository_is_explained(http, run_module):
    http.expect(
        Call("GET", REPO, body=settings(True, "PROJECT", "RESTRICTED_UNMODIFIABLE")),
        Call("PUT", REPO, json={"enabled": False}, status=403, body=errors("The settings cannot be modified due to a restriction")),
    )

    result = run_module(dict(project="PLAT", repository="web", enabled=False))

    assert result["failed"] is True
    assert result["http_status"] == 403
    assert "project PLAT restricts the auto-merge setting of its repositories" in result["msg"]
    assert "restrict_repositories: false" in result["msg"]
    http.assert_done()


def test_a_lost_answer_is_found_by_reading_again(http, run_module):
    http.expect(
        Call("GET", PROJECT, body=settings(False, "GLOBAL")),
        Call("PUT", PROJECT, json={"enabled": True, "restrictionAction": "NONE"}, status=500, body=errors("Injected fault")),
        Call("GET", PROJECT, body=settings(True, "PROJECT")),
    )

    result = run_module(dict(project="PLAT", enabled=True))

    assert result["changed"] is True
    assert result["auto_merge"] == view(True, "project")
    http.assert_done()


@CHECK_MODES
@pytest.mark.parametrize(
    "params, option",
    [
        (dict(project="PLAT", repository="web", enabled=True, restrict_repositories=True), "restrict_repositories"),
        (dict(project="PLAT", enabled=True, state="absent"), "enabled"),
        (dict(project="PLAT", restrict_repositories=True, state="absent"), "restrict_repositories"),
        (dict(project="PLAT", restrict_repositories=True), "enabled"),
    ],
)
def test_bad_input_is_refused_without_any_call(http, run_module, check_mode, params, option):
    result = run_module(params, check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert http.calls == []
