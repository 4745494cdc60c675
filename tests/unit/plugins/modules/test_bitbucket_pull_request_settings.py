"""bitbucket_pull_request_settings: the exact HTTP calls of every scenario, in order, each also in check mode.

API-MAP 3.22: updates are POSTs; ``{"mergeConfig": {}}`` makes a scope inherit; ``mergeConfig.type`` says where the
configuration comes from; a repository's requirements carry their counts as strings. Each VERIFY item is shown under
both readings: the instance-level answer wrapped or not, the merge-config type's case, no type at all, and the
requirements as schema objects or under the bundled merge checks' plugin keys.
"""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_pull_request_settings import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import Call, errors

GLOBAL = "/rest/api/latest/admin/pull-requests/git"
PROJECT = "/rest/api/latest/projects/PLAT/settings/pull-requests/git"
REPO = "/rest/api/latest/projects/PLAT/repos/web/settings/pull-requests"
STRATEGIES = ("no-ff", "ff", "ff-only", "rebase-no-ff", "rebase-ff-only", "squash", "squash-ff-only")
APPROVERS_CHECK = "com.atlassian.bitbucket.server.bundled-hooks.requiredApproversMergeHook"
BUILDS_CHECK = "com.atlassian.bitbucket.server.bitbucket-build.requiredBuildsMergeCheck"
CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])


def merge_config(level, enabled=("no-ff",), default="no-ff", summaries=20, template=None):
    """RestPullRequestMergeConfig as the spec shows it: every strategy with its enabled flag."""
    config = {
        "strategies": [{"id": s, "enabled": s in enabled, "name": s.title(), "flag": "--" + s} for s in STRATEGIES],
        "defaultStrategy": {"id": default, "enabled": True, "name": default.title()},
        "commitSummaries": summaries,
    }
    if level is not None:
        config["type"] = level
    if template:
        config["commitMessageTemplate"] = template
    return config


def requirements(approvers=0, builds=0, all_approvers=False, tasks=False):
    return {
        "requiredAllApprovers": all_approvers,
        "requiredAllTasksComplete": tasks,
        "requiredApprovers": {"enabled": approvers > 0, "count": str(approvers)},
        "requiredApproversDeprecated": approvers,
        "requiredSuccessfulBuilds": {"enabled": builds > 0, "count": str(builds)},
        "requiredSuccessfulBuildsDeprecated": builds,
    }


def sent(strategies, default, summaries=20, template=None):
    config = {"strategies": [{"id": s} for s in strategies], "defaultStrategy": {"id": default}, "commitSummaries": summaries}
    if template is not None:
        config["commitMessageTemplate"] = template
    return config


def fields(strategies=("no-ff",), default="no-ff", summaries=20, template=None, scope="default", **repo):
    view = {"merge_strategies": sorted(strategies), "default_strategy": default, "commit_summaries": summaries,
            "commit_message_template": template or {}, "scope": scope}
    view.update(repo)
    return view


def repo_fields(approvers=0, builds=0, all_approvers=False, tasks=False):
    return dict(required_all_approvers=all_approvers, required_all_tasks_complete=tasks, required_approvers=approvers, required_successful_builds=builds)


@pytest.fixture
def run_module(http, make_context):
    def runner(params, check_mode=False):
        context = make_context(MODULE_SPEC, params, check_mode=check_mode, diff=True)
        result = execute(run, context)
        result["warnings"] = context.warnings
        assert http.closed or not http.calls
        return result

    return runner


def expect(http, calls, check_mode):
    http.expect(*[call for call in calls if not check_mode or call.method == "GET"])


# -- project ------------------------------------------------------------------------------------


@CHECK_MODES
def test_set_the_strategies_of_a_project_that_inherits(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", PROJECT, body={"mergeConfig": merge_config("default")}),
            Call("POST", PROJECT, json={"mergeConfig": sent(["no-ff", "squash"], "squash")},
                 body={"mergeConfig": merge_config("project", ("no-ff", "squash"), "squash")}),
        ],
        check_mode,
    )

    result = run_module(dict(project="PLAT", merge_strategies=["squash", "no-ff", "squash"], default_strategy="squash"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["pull_request_settings"] == fields(("no-ff", "squash"), "squash", scope="project")
    assert result["diff"]["before"] == fields()
    assert result["warnings"] == []
    http.assert_done()


@CHECK_MODES
def test_no_op_compares_the_set_of_enabled_strategies(http, run_module, check_mode):
    http.expect(Call("GET", PROJECT, body={"mergeConfig": merge_config("project", ("squash", "no-ff"), "squash")}))

    result = run_module(dict(project="PLAT", merge_strategies=["no-ff", "squash"], default_strategy="squash"), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_the_same_values_inherited_are_set_here(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", PROJECT, body={"mergeConfig": merge_config("scm", ("squash",), "squash")}),
            Call("POST", PROJECT, json={"mergeConfig": sent(["squash"], "squash")}, body={"mergeConfig": merge_config("project", ("squash",), "squash")}),
        ],
        check_mode,
    )

    result = run_module(dict(project="PLAT", merge_strategies=["squash"]), check_mode=check_mode)

    assert result["diff"]["before"]["scope"] == "global"
    assert result["pull_request_settings"]["scope"] == "project"
    http.assert_done()


@CHECK_MODES
def test_a_template_is_set(http, run_module, check_mode):
    template = {"title": "PR #${id}", "body": "Merge ${toRefName}"}
    expect(
        http,
        [
            Call("GET", PROJECT, body={"mergeConfig": merge_config("project")}),
            Call("POST", PROJECT, json={"mergeConfig": sent(["no-ff"], "no-ff", 5, template)},
                 body={"mergeConfig": merge_config("project", summaries=5, template=template)}),
        ],
        check_mode,
    )
    result = run_module(dict(project="PLAT", commit_summaries=5, commit_message_template=template), check_mode=check_mode)
    assert result["pull_request_settings"]["commit_message_template"] == template
    http.assert_done()


@CHECK_MODES
def test_an_empty_template_removes_it(http, run_module, check_mode):
    template = {"title": "PR #${id}", "body": "Merge ${toRefName}"}
    expect(
        http,
        [
            Call("GET", PROJECT, body={"mergeConfig": merge_config("project", template=template)}),
            # spec setMergeConfig: an empty commitMessageTemplate deletes the template.
            Call("POST", PROJECT, json={"mergeConfig": sent(["no-ff"], "no-ff", 20, {})}, body={"mergeConfig": merge_config("project")}),
        ],
        check_mode,
    )
    result = run_module(dict(project="PLAT", commit_message_template={}), check_mode=check_mode)
    assert result["changed"] is True
    assert result["pull_request_settings"]["commit_message_template"] == {}
    http.assert_done()


@CHECK_MODES
def test_a_default_outside_the_new_strategies_is_refused_before_any_write(http, run_module, check_mode):
    http.expect(Call("GET", PROJECT, body={"mergeConfig": merge_config("project", ("no-ff", "squash"), "no-ff")}))

    result = run_module(dict(project="PLAT", merge_strategies=["squash"]), check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == "default_strategy"
    assert "'no-ff' is not one of the merge strategies project PLAT would have (squash)" in result["msg"]
    http.assert_done()


@CHECK_MODES
def test_a_project_inherits_again_and_the_instance_values_are_predicted(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", PROJECT, body={"mergeConfig": merge_config("project", ("squash",), "squash")}),
            Call("GET", GLOBAL, body=merge_config("scm", ("ff", "no-ff"), "ff")),
            Call("POST", PROJECT, json={"mergeConfig": {}}, body={"mergeConfig": merge_config("scm", ("ff", "no-ff"), "ff")}),
        ],
        check_mode,
    )

    result = run_module(dict(project="PLAT", state="absent"), check_mode=check_mode)

    assert result["pull_request_settings"] == fields(("ff", "no-ff"), "ff", scope="global")
    http.assert_done()


# -- the instance --------------------------------------------------------------------------------


@CHECK_MODES
@pytest.mark.parametrize("wrapped", [False, True], ids=["spec-unwrapped", "wrapped"])
def test_the_instance_configuration_in_either_shape(http, run_module, check_mode, wrapped):
    # spec getMergeConfig answers RestPullRequestMergeConfig itself; a server that wraps it in mergeConfig is read the same.
    def shaped(config):
        return {"mergeConfig": config} if wrapped else config

    expect(
        http,
        [
            Call("GET", GLOBAL, body=shaped(merge_config("default"))),
            Call("POST", GLOBAL, json={"mergeConfig": sent(["ff", "no-ff"], "no-ff")}, body=shaped(merge_config("scm", ("ff", "no-ff")))),
        ],
        check_mode,
    )

    result = run_module(dict(merge_strategies=["no-ff", "ff"]), check_mode=check_mode)

    assert result["pull_request_settings"] == fields(("ff", "no-ff"), scope="global")
    http.assert_done()


def test_the_instance_goes_back_to_the_defaults(http, run_module):
    http.expect(
        Call("GET", GLOBAL, body=merge_config("scm", ("ff",), "ff")),
        Call("POST", GLOBAL, json={"mergeConfig": {}}, body=merge_config("default")),
        Call("GET", GLOBAL, body=merge_config("default")),
    )

    result = run_module(dict(state="absent"))

    assert result["pull_request_settings"] == fields()
    http.assert_done()


def test_the_instance_going_back_in_check_mode_names_the_defaults(http, run_module):
    http.expect(Call("GET", GLOBAL, body=merge_config("scm", ("ff",), "ff")))

    result = run_module(dict(state="absent"), check_mode=True)

    assert result["changed"] is True
    assert result["pull_request_settings"] == {"scope": "default"}
    http.assert_done()


# -- where the configuration comes from: the readings of mergeConfig.type ----------------------------


@CHECK_MODES
@pytest.mark.parametrize("level", ["project", "PROJECT", "Project"])
def test_the_type_is_read_in_any_case(http, run_module, check_mode, level):
    http.expect(Call("GET", PROJECT, body={"mergeConfig": merge_config(level, ("squash",), "squash")}))

    result = run_module(dict(project="PLAT", merge_strategies=["squash"]), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_without_a_type_the_configuration_is_compared_by_value_with_a_warning(http, run_module, check_mode):
    http.expect(Call("GET", PROJECT, body={"mergeConfig": merge_config(None, ("squash",), "squash")}))

    result = run_module(dict(project="PLAT", merge_strategies=["squash"]), check_mode=check_mode)

    assert result["changed"] is False
    assert result["warnings"] == [
        "Bitbucket did not say where the merge configuration of project PLAT comes from (mergeConfig.type); it is compared by value"
    ]
    http.assert_done()


# -- a repository ---------------------------------------------------------------------------------


@CHECK_MODES
def test_requirements_alone_leave_the_merge_configuration_inherited(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", REPO, body=dict(mergeConfig=merge_config("project", ("squash",), "squash"), **requirements())),
            # No mergeConfig: sending it would make it the repository's own. Every requirement goes, counts as strings.
            Call("POST", REPO, json={
                "requiredAllApprovers": False,
                "requiredAllTasksComplete": True,
                "requiredApprovers": {"enabled": True, "count": "2"},
                "requiredSuccessfulBuilds": {"enabled": False, "count": "0"},
            }, body=dict(mergeConfig=merge_config("project", ("squash",), "squash"), **requirements(approvers=2, tasks=True))),
        ],
        check_mode,
    )

    result = run_module(dict(project="PLAT", repository="web", required_approvers=2, required_all_tasks_complete=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["pull_request_settings"] == fields(("squash",), "squash", scope="project", **repo_fields(approvers=2, tasks=True))
    http.assert_done()


@CHECK_MODES
def test_requirements_no_op(http, run_module, check_mode):
    http.expect(Call("GET", REPO, body=dict(mergeConfig=merge_config("project"), **requirements(approvers=2, builds=1))))

    result = run_module(dict(project="PLAT", repository="web", required_approvers=2, required_successful_builds=1), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_requirements_under_the_merge_checks_plugin_keys(http, run_module, check_mode):
    # spec updatePullRequestSettings_1's text: the old keys are plain numbers and the checks live under their plugin keys.
    answer = {
        "mergeConfig": merge_config("repository"),
        "requiredAllApprovers": False,
        "requiredAllTasksComplete": False,
        "requiredApprovers": 1,
        APPROVERS_CHECK: {"enabled": True, "count": 1},
        "requiredSuccessfulBuilds": 0,
        BUILDS_CHECK: {"enabled": False, "count": 0},
    }
    expect(
        http,
        [
            Call("GET", REPO, body=answer),
            Call("POST", REPO, json={
                "mergeConfig": sent(["no-ff"], "no-ff"),
                "requiredAllApprovers": False,
                "requiredAllTasksComplete": False,
                APPROVERS_CHECK: {"enabled": True, "count": 3},
                BUILDS_CHECK: {"enabled": True, "count": 1},
            }, body=dict(answer, **{APPROVERS_CHECK: {"enabled": True, "count": 3}, BUILDS_CHECK: {"enabled": True, "count": 1}})),
        ],
        check_mode,
    )

    result = run_module(dict(project="PLAT", repository="web", required_approvers=3, required_successful_builds=1), check_mode=check_mode)

    assert result["pull_request_settings"] == fields(scope="repository", **repo_fields(approvers=3, builds=1))
    http.assert_done()


@CHECK_MODES
def test_requirements_given_only_as_deprecated_numbers(http, run_module, check_mode):
    answer = {"mergeConfig": merge_config("project"), "requiredAllApprovers": False, "requiredAllTasksComplete": False,
              "requiredApproversDeprecated": 2, "requiredSuccessfulBuildsDeprecated": 0}
    http.expect(Call("GET", REPO, body=answer))

    result = run_module(dict(project="PLAT", repository="web", required_approvers=2, required_successful_builds=0), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_a_repository_sets_its_own_strategies_with_its_requirements_kept(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", REPO, body=dict(mergeConfig=merge_config("project"), **requirements(builds=1))),
            Call("POST", REPO, json={
                "mergeConfig": sent(["ff-only"], "ff-only"),
                "requiredAllApprovers": False,
                "requiredAllTasksComplete": False,
                "requiredApprovers": {"enabled": False, "count": "0"},
                "requiredSuccessfulBuilds": {"enabled": True, "count": "1"},
            }, body=dict(mergeConfig=merge_config("repository", ("ff-only",), "ff-only"), **requirements(builds=1))),
        ],
        check_mode,
    )

    result = run_module(dict(project="PLAT", repository="web", merge_strategies=["ff-only"], default_strategy="ff-only"), check_mode=check_mode)

    assert result["pull_request_settings"] == fields(("ff-only",), "ff-only", scope="repository", **repo_fields(builds=1))
    http.assert_done()


@CHECK_MODES
def test_a_repository_inherits_its_merge_configuration_again_and_keeps_its_requirements(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", REPO, body=dict(mergeConfig=merge_config("repository", ("ff",), "ff"), **requirements(approvers=2))),
            Call("GET", PROJECT, body={"mergeConfig": merge_config("project", ("squash",), "squash")}),
            Call("POST", REPO, json={"mergeConfig": {}}, body=dict(mergeConfig=merge_config("project", ("squash",), "squash"), **requirements(approvers=2))),
        ],
        check_mode,
    )

    result = run_module(dict(project="PLAT", repository="web", state="absent"), check_mode=check_mode)

    assert result["diff"]["before"] == fields(("ff",), "ff", scope="repository", **repo_fields(approvers=2))
    assert result["pull_request_settings"] == fields(("squash",), "squash", scope="project", **repo_fields(approvers=2))
    http.assert_done()


def test_a_lost_answer_is_found_by_reading_again(http, run_module):
    http.expect(
        Call("GET", PROJECT, body={"mergeConfig": merge_config("default")}),
        Call("POST", PROJECT, json={"mergeConfig": sent(["squash"], "squash")}, status=500, body=errors("Injected fault")),
        Call("GET", PROJECT, body={"mergeConfig": merge_config("project", ("squash",), "squash")}),
    )

    result = run_module(dict(project="PLAT", merge_strategies=["squash"], default_strategy="squash"))

    assert result["changed"] is True
    assert "failed" not in result
    http.assert_done()


def test_a_gateway_error_on_the_post_is_retried_because_it_sets_a_state(http, run_module, sleeps):
    http.expect(
        Call("GET", PROJECT, body={"mergeConfig": merge_config("default")}),
        Call("POST", PROJECT, json={"mergeConfig": sent(["squash"], "squash")}, status=503),
        Call("POST", PROJECT, json={"mergeConfig": sent(["squash"], "squash")}, body={"mergeConfig": merge_config("project", ("squash",), "squash")}),
    )

    assert run_module(dict(project="PLAT", merge_strategies=["squash"], default_strategy="squash"))["changed"] is True
    assert len(sleeps) == 1
    http.assert_done()


def test_bitbucket_s_validation_error_is_reported(http, run_module):
    http.expect(
        Call("GET", PROJECT, body={"mergeConfig": merge_config("default")}),
        Call("POST", PROJECT, json={"mergeConfig": sent(["octopus"], "octopus")}, status=400,
             body=errors("Unknown merge strategy: octopus", context="mergeConfig")),
    )

    result = run_module(dict(project="PLAT", merge_strategies=["octopus"], default_strategy="octopus"))

    assert result["failed"] is True
    assert result["http_status"] == 400
    assert "Unknown merge strategy: octopus" in result["msg"]
    http.assert_done()


@CHECK_MODES
@pytest.mark.parametrize(
    "params, option",
    [
        (dict(project="PLAT", required_approvers=2), "required_approvers"),
        (dict(required_all_approvers=True), "required_all_approvers"),
        (dict(project="PLAT", repository="web", scm_id="git"), "scm_id"),
        (dict(project="PLAT", merge_strategies=["squash"], default_strategy="no-ff"), "default_strategy"),
        (dict(project="PLAT", merge_strategies=[]), "merge_strategies"),
        (dict(project="PLAT", merge_strategies=["squash", ""]), "merge_strategies"),
        (dict(project="PLAT", commit_summaries=-1), "commit_summaries"),
        (dict(project="PLAT", repository="web", required_successful_builds=-2), "required_successful_builds"),
        (dict(project="PLAT", merge_strategies=["squash"], state="absent"), "merge_strategies"),
        (dict(project="PLAT", repository="web", required_approvers=1, state="absent"), "required_approvers"),
    ],
)
def test_bad_input_is_refused_without_any_call(http, run_module, check_mode, params, option):
    result = run_module(params, check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert http.calls == []


def test_a_repository_needs_its_project(make_context):
    with pytest.raises(AssertionError, match="missing parameter.*project"):
        make_context(MODULE_SPEC, dict(repository="web"))
