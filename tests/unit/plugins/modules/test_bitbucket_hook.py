"""bitbucket_hook and bitbucket_hook_info: the exact HTTP calls of every scenario, in order, each also in check mode.

API-MAP 3.19: PUT .../enabled (optionally with the settings document) enables, DELETE .../enabled disables and
answers the hook, PUT .../settings replaces the document, and at repository scope DELETE .../{hookKey} makes the
repository inherit its project's configuration. Settings compare with light type coercion.
"""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_hook, bitbucket_hook_info
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import FIRST_PAGE, Call, errors, page

FORCE_PUSH = "com.atlassian.bitbucket.server.bitbucket-bundled-hooks:force-push-hook"
FILE_SIZE = "com.atlassian.bitbucket.server.bitbucket-bundled-hooks:file-size-hook"
PROJECT_HOOKS = "/rest/api/latest/projects/PLAT/settings/hooks"
REPO_HOOKS = "/rest/api/latest/projects/PLAT/repos/web/settings/hooks"
CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])


def encoded(key):
    return key.replace(":", "%3A")


def at(base, key, *segments):
    return "/".join((base, encoded(key)) + segments)


def hook(key, enabled, scope, configured=False, name="Hook"):
    body = {"enabled": enabled, "configured": configured, "scope": {"type": scope},
            "details": {"key": key, "name": name, "type": "PRE_RECEIVE", "supportedScopes": ["PROJECT", "REPOSITORY"]}}
    if scope != "GLOBAL":
        body["scope"]["resourceId"] = 4
    return body


def view(enabled, scope, key=FORCE_PUSH, **extra):
    result = {"enabled": enabled, "scope": scope}
    result.update(extra)
    return result


@pytest.fixture
def run_module(http, make_context):
    def runner(module, params, check_mode=False):
        result = execute(module.run, make_context(module.MODULE_SPEC, params, check_mode=check_mode, diff=True))
        assert http.closed or not http.calls
        return result

    return runner


def expect(http, calls, check_mode):
    """The scenario's calls; in check mode only the reads made before the first write."""
    if check_mode:
        first_write = next((index for index, call in enumerate(calls) if call.method != "GET"), len(calls))
        calls = calls[:first_write]
    http.expect(*calls)


# -- project scope ---------------------------------------------------------------------------------


@CHECK_MODES
def test_enable_a_hook_without_settings(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", at(PROJECT_HOOKS, FORCE_PUSH), body=hook(FORCE_PUSH, False, "GLOBAL")),
            Call("PUT", at(PROJECT_HOOKS, FORCE_PUSH, "enabled"), body=hook(FORCE_PUSH, True, "PROJECT")),
            Call("GET", at(PROJECT_HOOKS, FORCE_PUSH), body=hook(FORCE_PUSH, True, "PROJECT")),
        ],
        check_mode,
    )

    result = run_module(bitbucket_hook, dict(project="PLAT", key=FORCE_PUSH), check_mode=check_mode)

    assert result == {
        "changed": True,
        "hook": dict(view(True, "project"), key=FORCE_PUSH),
        "diff": {"before": view(False, "global"), "after": view(True, "project")},
    }
    if not check_mode:
        # API-MAP 1.3: an explicit empty body, no JSON.
        enable = http.calls[1]
        assert (enable.json, enable.data) == (None, b"")
    http.assert_done()


@CHECK_MODES
def test_a_hook_that_needs_settings_is_enabled_and_configured_in_one_request(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", at(PROJECT_HOOKS, FILE_SIZE), body=hook(FILE_SIZE, False, "GLOBAL")),
            Call("GET", at(PROJECT_HOOKS, FILE_SIZE, "settings"), body={}),
            Call("PUT", at(PROJECT_HOOKS, FILE_SIZE, "enabled"), json={"sizeLimit": 10}, body=hook(FILE_SIZE, True, "PROJECT", True)),
            Call("GET", at(PROJECT_HOOKS, FILE_SIZE), body=hook(FILE_SIZE, True, "PROJECT", True)),
            Call("GET", at(PROJECT_HOOKS, FILE_SIZE, "settings"), body={"sizeLimit": "10"}),
        ],
        check_mode,
    )

    result = run_module(bitbucket_hook, dict(project="PLAT", key=FILE_SIZE, settings={"sizeLimit": 10}), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"]["before"] == view(False, "global", settings={})
    # The real run returns what Bitbucket stored (a string); check mode predicts what was asked: they compare equal.
    assert result["hook"]["settings"] == ({"sizeLimit": 10} if check_mode else {"sizeLimit": "10"})
    http.assert_done()


@CHECK_MODES
def test_settings_that_only_differ_in_type_are_the_same(http, run_module, check_mode):
    http.expect(
        Call("GET", at(PROJECT_HOOKS, FILE_SIZE), body=hook(FILE_SIZE, True, "PROJECT", True)),
        Call("GET", at(PROJECT_HOOKS, FILE_SIZE, "settings"), body={"sizeLimit": "10", "includes": "*.iso", "strict": "true"}),
    )

    result = run_module(bitbucket_hook, dict(project="PLAT", key=FILE_SIZE, settings={"sizeLimit": 10, "includes": "*.iso", "strict": True}),
                        check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_new_settings_of_an_enabled_hook_replace_the_document(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", at(PROJECT_HOOKS, FILE_SIZE), body=hook(FILE_SIZE, True, "PROJECT", True)),
            Call("GET", at(PROJECT_HOOKS, FILE_SIZE, "settings"), body={"sizeLimit": "10", "includes": "*.iso"}),
            Call("PUT", at(PROJECT_HOOKS, FILE_SIZE, "settings"), json={"sizeLimit": 50}, body={"sizeLimit": "50"}),
            Call("GET", at(PROJECT_HOOKS, FILE_SIZE), body=hook(FILE_SIZE, True, "PROJECT", True)),
            Call("GET", at(PROJECT_HOOKS, FILE_SIZE, "settings"), body={"sizeLimit": "50"}),
        ],
        check_mode,
    )

    result = run_module(bitbucket_hook, dict(project="PLAT", key=FILE_SIZE, settings={"sizeLimit": 50}), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"]["before"]["settings"] == {"sizeLimit": "10", "includes": "*.iso"}
    http.assert_done()


@CHECK_MODES
def test_disable_keeps_the_settings(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", at(PROJECT_HOOKS, FORCE_PUSH), body=hook(FORCE_PUSH, True, "PROJECT")),
            Call("DELETE", at(PROJECT_HOOKS, FORCE_PUSH, "enabled"), body=hook(FORCE_PUSH, False, "PROJECT")),
            Call("GET", at(PROJECT_HOOKS, FORCE_PUSH), body=hook(FORCE_PUSH, False, "PROJECT")),
        ],
        check_mode,
    )

    result = run_module(bitbucket_hook, dict(project="PLAT", key=FORCE_PUSH, enabled=False), check_mode=check_mode)

    assert result["hook"] == dict(view(False, "project"), key=FORCE_PUSH)
    http.assert_done()


@CHECK_MODES
def test_disable_with_new_settings(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", at(PROJECT_HOOKS, FILE_SIZE), body=hook(FILE_SIZE, True, "PROJECT", True)),
            Call("GET", at(PROJECT_HOOKS, FILE_SIZE, "settings"), body={"sizeLimit": "10"}),
            Call("PUT", at(PROJECT_HOOKS, FILE_SIZE, "settings"), json={"sizeLimit": 20}, body={"sizeLimit": "20"}),
            Call("DELETE", at(PROJECT_HOOKS, FILE_SIZE, "enabled"), body=hook(FILE_SIZE, False, "PROJECT", True)),
            Call("GET", at(PROJECT_HOOKS, FILE_SIZE), body=hook(FILE_SIZE, False, "PROJECT", True)),
            Call("GET", at(PROJECT_HOOKS, FILE_SIZE, "settings"), body={"sizeLimit": "20"}),
        ],
        check_mode,
    )

    result = run_module(bitbucket_hook, dict(project="PLAT", key=FILE_SIZE, enabled=False, settings={"sizeLimit": 20}), check_mode=check_mode)

    assert result["changed"] is True
    http.assert_done()


@CHECK_MODES
def test_no_op(http, run_module, check_mode):
    http.expect(Call("GET", at(PROJECT_HOOKS, FORCE_PUSH), body=hook(FORCE_PUSH, True, "PROJECT")))

    assert run_module(bitbucket_hook, dict(project="PLAT", key=FORCE_PUSH), check_mode=check_mode)["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_never_configured_settings_answered_with_an_empty_body_are_none(http, run_module, check_mode):
    # API-MAP 3.19 VERIFY: "GET settings for a never-configured hook may return an empty body"; the emulator answers {}.
    http.expect(
        Call("GET", at(PROJECT_HOOKS, FILE_SIZE), body=hook(FILE_SIZE, False, "PROJECT")),
        Call("GET", at(PROJECT_HOOKS, FILE_SIZE, "settings"), status=204),
    )

    result = run_module(bitbucket_hook, dict(project="PLAT", key=FILE_SIZE, enabled=False, settings={}), check_mode=check_mode)

    assert result["changed"] is False
    assert result["hook"]["settings"] == {}
    http.assert_done()


# -- repository scope -----------------------------------------------------------------------------


@CHECK_MODES
def test_a_repository_sets_its_own_state_even_when_it_matches_the_project(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", at(REPO_HOOKS, FORCE_PUSH), body=hook(FORCE_PUSH, True, "PROJECT")),
            Call("PUT", at(REPO_HOOKS, FORCE_PUSH, "enabled"), body=hook(FORCE_PUSH, True, "REPOSITORY")),
            Call("GET", at(REPO_HOOKS, FORCE_PUSH), body=hook(FORCE_PUSH, True, "REPOSITORY")),
        ],
        check_mode,
    )

    result = run_module(bitbucket_hook, dict(project="PLAT", repository="web", key=FORCE_PUSH), check_mode=check_mode)

    assert result["diff"] == {"before": view(True, "project"), "after": view(True, "repository")}
    http.assert_done()


@CHECK_MODES
def test_a_repository_disables_an_inherited_disabled_hook_for_itself(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", at(REPO_HOOKS, FORCE_PUSH), body=hook(FORCE_PUSH, False, "GLOBAL")),
            Call("DELETE", at(REPO_HOOKS, FORCE_PUSH, "enabled"), body=hook(FORCE_PUSH, False, "REPOSITORY")),
            Call("GET", at(REPO_HOOKS, FORCE_PUSH), body=hook(FORCE_PUSH, False, "REPOSITORY")),
        ],
        check_mode,
    )

    result = run_module(bitbucket_hook, dict(project="PLAT", repository="web", key=FORCE_PUSH, enabled=False), check_mode=check_mode)

    assert result["hook"]["scope"] == "repository"
    http.assert_done()


@CHECK_MODES
def test_inherited_removes_the_repository_s_own_configuration(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", at(REPO_HOOKS, FORCE_PUSH), body=hook(FORCE_PUSH, False, "REPOSITORY")),
            Call("GET", at(PROJECT_HOOKS, FORCE_PUSH), body=hook(FORCE_PUSH, True, "PROJECT")),
            Call("DELETE", at(REPO_HOOKS, FORCE_PUSH), status=204),
        ],
        check_mode,
    )

    result = run_module(bitbucket_hook, dict(project="PLAT", repository="web", key=FORCE_PUSH, state="inherited"), check_mode=check_mode)

    assert result == {
        "changed": True,
        "hook": dict(view(True, "project"), key=FORCE_PUSH),
        "diff": {"before": view(False, "repository"), "after": view(True, "project")},
    }
    http.assert_done()


@CHECK_MODES
def test_inherited_when_already_inherited_only_reads(http, run_module, check_mode):
    http.expect(Call("GET", at(REPO_HOOKS, FORCE_PUSH), body=hook(FORCE_PUSH, True, "PROJECT")))

    assert run_module(bitbucket_hook, dict(project="PLAT", repository="web", key=FORCE_PUSH, state="inherited"), check_mode=check_mode)["changed"] is False
    http.assert_done()


# -- faults and errors -----------------------------------------------------------------------------


def test_an_enable_whose_answer_is_lost_is_found_by_reading_again(http, run_module):
    http.expect(
        Call("GET", at(PROJECT_HOOKS, FORCE_PUSH), body=hook(FORCE_PUSH, False, "GLOBAL")),
        Call("PUT", at(PROJECT_HOOKS, FORCE_PUSH, "enabled"), status=500, body=errors("Injected fault")),
        Call("GET", at(PROJECT_HOOKS, FORCE_PUSH), body=hook(FORCE_PUSH, True, "PROJECT")),
    )

    result = run_module(bitbucket_hook, dict(project="PLAT", key=FORCE_PUSH))

    assert result["changed"] is True
    assert "failed" not in result
    http.assert_done()


def test_a_hook_unknown_at_this_scope_is_explained(http, run_module):
    http.expect(Call("GET", at(PROJECT_HOOKS, "com.example:ci"), status=404, body=errors("Repository hook com.example:ci does not exist.")))

    result = run_module(bitbucket_hook, dict(project="PLAT", key="com.example:ci"))

    assert result["failed"] is True
    assert result["http_status"] == 404
    assert "cannot be configured for a project" in result["msg"]
    assert "supportedScopes" in result["msg"]
    http.assert_done()


def test_enabling_a_hook_that_needs_settings_without_them_is_explained(http, run_module):
    http.expect(
        Call("GET", at(PROJECT_HOOKS, FILE_SIZE), body=hook(FILE_SIZE, False, "GLOBAL")),
        Call("PUT", at(PROJECT_HOOKS, FILE_SIZE, "enabled"), status=400, body=errors("The settings specified are invalid.")),
    )

    result = run_module(bitbucket_hook, dict(project="PLAT", key=FILE_SIZE))

    assert result["failed"] is True
    assert "needs settings to be enabled: give them in the settings option" in result["msg"]
    http.assert_done()


@CHECK_MODES
@pytest.mark.parametrize(
    "params, option",
    [
        (dict(project="PLAT", key=FORCE_PUSH, state="inherited"), "state"),
        (dict(project="PLAT", repository="web", key=FORCE_PUSH, settings={"a": 1}, state="inherited"), "settings"),
        (dict(project="PLAT", key="force-push-hook"), "key"),
        (dict(project="PLAT", key=":force-push-hook"), "key"),
        (dict(project="PLAT", key=FORCE_PUSH + " "), "key"),
    ],
)
def test_bad_input_is_refused_without_any_call(http, run_module, check_mode, params, option):
    result = run_module(bitbucket_hook, params, check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert http.calls == []


# -- bitbucket_hook_info -----------------------------------------------------------------------------


def test_info_lists_every_page_with_the_type_filter(http, run_module):
    http.expect(
        Call("GET", PROJECT_HOOKS, query=[("type", "PRE_RECEIVE")] + FIRST_PAGE,
             body=page([hook(FORCE_PUSH, True, "PROJECT", name="Reject Force Push")], next_start=1)),
        Call("GET", PROJECT_HOOKS, query=[("type", "PRE_RECEIVE"), ("start", 1), ("limit", 1000)],
             body=page([hook(FILE_SIZE, False, "GLOBAL", name="Reject large files")], start=1)),
    )

    result = run_module(bitbucket_hook_info, dict(project="PLAT", type="PRE_RECEIVE"))

    assert result["changed"] is False
    # Sorted by name: "Reject Force Push" before "Reject large files".
    assert [h["details"]["key"] for h in result["hooks"]] == [FORCE_PUSH, FILE_SIZE]
    http.assert_done()


def test_info_reads_the_settings_of_the_configured_hooks_only(http, run_module):
    http.expect(
        Call("GET", REPO_HOOKS, query=FIRST_PAGE, body=page([hook(FORCE_PUSH, True, "PROJECT"), hook(FILE_SIZE, True, "REPOSITORY", configured=True)])),
        Call("GET", at(REPO_HOOKS, FILE_SIZE, "settings"), body={"sizeLimit": "10"}),
    )

    result = run_module(bitbucket_hook_info, dict(project="PLAT", repository="web", include_settings=True))

    assert {h["details"]["key"]: h["settings"] for h in result["hooks"]} == {FORCE_PUSH: {}, FILE_SIZE: {"sizeLimit": "10"}}
    http.assert_done()


def test_info_of_one_hook(http, run_module):
    http.expect(Call("GET", at(PROJECT_HOOKS, FORCE_PUSH), body=hook(FORCE_PUSH, True, "PROJECT")))

    result = run_module(bitbucket_hook_info, dict(project="PLAT", key=FORCE_PUSH))

    assert result["hooks"] == [hook(FORCE_PUSH, True, "PROJECT")]
    http.assert_done()


def test_info_of_a_hook_bitbucket_does_not_know_is_empty(http, run_module):
    http.expect(Call("GET", at(PROJECT_HOOKS, "com.example:ci"), status=404, body=errors("Repository hook com.example:ci does not exist.")))

    assert run_module(bitbucket_hook_info, dict(project="PLAT", key="com.example:ci"))["hooks"] == []
    http.assert_done()


def test_info_reports_other_errors(http, run_module):
    http.expect(Call("GET", REPO_HOOKS, query=FIRST_PAGE, status=401, body=errors("REPO_ADMIN needed")))

    result = run_module(bitbucket_hook_info, dict(project="PLAT", repository="web"))

    assert result["failed"] is True
    assert result["http_status"] == 401
    http.assert_done()
