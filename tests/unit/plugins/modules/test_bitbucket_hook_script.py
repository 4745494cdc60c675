"""bitbucket_hook_script and bitbucket_hook_script_config: the exact HTTP calls of every scenario, each also in check mode.

API-MAP 3.20: the registry takes multipart form data with the XSRF header and has no list endpoint (a script is
found by id, or by name through the configurations of the scopes in find_in); a type change is delete and create;
hook scripts are off by default since 8.18; a configuration's triggers are a set.
"""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_hook_script, bitbucket_hook_script_config
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import FIRST_PAGE, Call, errors, page

SCRIPTS = "/rest/api/latest/hook-scripts"
SCRIPT = SCRIPTS + "/7"
CONTENT = SCRIPT + "/content"
PROJECT_CONFIGS = "/rest/api/latest/projects/PLAT/hook-scripts"
REPO_CONFIGS = "/rest/api/latest/projects/PLAT/repos/web/hook-scripts"
BODY = "#!/bin/sh\nexit 0\n"
DISABLED = {"errors": [{"context": None, "message": "Hook scripts are disabled on this instance.",
                        "exceptionName": "com.atlassian.bitbucket.FeatureDisabledException"}]}
CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])


def script(script_id=7, name="reject-large", script_type="PRE", description="", version=0):
    return {"id": script_id, "name": name, "type": script_type, "description": description, "version": version,
            "pluginKey": "com.atlassian.bitbucket.server.bitbucket-rest", "createdDate": 1700000000000, "updatedDate": 1700000000000}


def public(**changes):
    body = script(**changes)
    del body["createdDate"], body["updatedDate"]
    return body


def config(scope, triggers, script_id=7, name="reject-large"):
    return {"script": script(script_id, name), "scope": {"type": scope, "resourceId": 4}, "triggerIds": list(triggers)}


def parts(name=None, script_type=None, description=None, content=None, file_name="reject-large.sh"):
    """The multipart parts the client hands to requests (_client._multipart_parts)."""
    sent = []
    for field, value in (("name", name), ("type", script_type), ("description", description)):
        if value is not None:
            sent.append((field, (None, value.encode("utf-8"))))
    if content is not None:
        sent.append(("content", (file_name, content.encode("utf-8"), "text/plain")))
    return sent


@pytest.fixture
def run_module(http, make_context):
    def runner(module, params, check_mode=False):
        context = make_context(module.MODULE_SPEC, params, check_mode=check_mode, diff=True)
        result = execute(module.run, context)
        result["warnings"] = context.warnings
        assert http.closed or not http.calls
        return result

    return runner


def expect(http, calls, check_mode):
    if check_mode:
        first_write = next((index for index, call in enumerate(calls) if call.method not in ("GET",)), len(calls))
        calls = calls[:first_write]
    http.expect(*calls)


def writes(http):
    return [(call.method, call.path) for call in http.calls if call.method != "GET"]


# -- create -----------------------------------------------------------------------------------------


@CHECK_MODES
def test_create_sends_multipart_with_the_xsrf_header(http, run_module, check_mode):
    expect(http, [Call("POST", SCRIPTS, body=script(description="Large files"))], check_mode)

    result = run_module(bitbucket_hook_script, dict(name="reject-large", type="PRE", description="Large files", content=BODY), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"] == {"before": {}, "after": {"name": "reject-large", "type": "PRE", "description": "Large files", "content": BODY}}
    if check_mode:
        assert result["script"] == {"name": "reject-large", "type": "PRE", "description": "Large files"}
    else:
        assert result["script"] == public(description="Large files")
        post = http.calls[0]
        assert post.json is None
        assert post.headers["X-Atlassian-Token"] == "no-check"
        assert post.extra["files"] == parts("reject-large", "PRE", "Large files", BODY)
    http.assert_done()


@CHECK_MODES
def test_create_after_looking_in_the_configurations_of_find_in(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", PROJECT_CONFIGS, query=FIRST_PAGE, body=page([config("PROJECT", ["repo-push"], 3, "another")])),
            Call("GET", REPO_CONFIGS, query=FIRST_PAGE, body=page([])),
            Call("POST", SCRIPTS, body=script()),
        ],
        check_mode,
    )

    result = run_module(bitbucket_hook_script, dict(name="reject-large", type="PRE", content=BODY, find_in=["PLAT", "PLAT/web"]), check_mode=check_mode)

    assert result["changed"] is True
    http.assert_done()


def test_an_id_that_no_script_has_creates_a_new_one_with_a_warning(http, run_module):
    http.expect(Call("GET", SCRIPT, status=404, body=errors("No hook script with ID 7 exists.")), Call("POST", SCRIPTS, body=script(9)))

    result = run_module(bitbucket_hook_script, dict(name="reject-large", script_id=7, type="PRE", content=BODY))

    assert result["script"]["id"] == 9
    assert result["warnings"] == ["No hook script has the id 7; a new one is created, with a new id to keep"]
    http.assert_done()


def test_a_taken_name_is_explained(http, run_module):
    http.expect(Call("POST", SCRIPTS, status=400, body=errors("A hook script named reject-large already exists.", context="name")))

    result = run_module(bitbucket_hook_script, dict(name="reject-large", type="PRE", content=BODY))

    assert result["failed"] is True
    assert "Bitbucket cannot list hook scripts: give its id in script_id" in result["msg"]
    http.assert_done()


def test_a_taken_name_answered_409_is_explained_too(http, run_module):
    # API-MAP 3.20 VERIFY: the status of a duplicate create is not documented; the emulator answers the documented 400.
    http.expect(Call("POST", SCRIPTS, status=409, body=errors("Hook script name must be unique")))

    result = run_module(bitbucket_hook_script, dict(name="reject-large", type="PRE", content=BODY))

    assert "give its id in script_id" in result["msg"]
    http.assert_done()


def test_a_create_that_did_not_land_is_made_again(http, run_module):
    http.expect(Call("POST", SCRIPTS, status=503), Call("POST", SCRIPTS, body=script()))

    result = run_module(bitbucket_hook_script, dict(name="reject-large", type="PRE", content=BODY))

    assert result["changed"] is True
    assert result["script"]["id"] == 7
    http.assert_done()


def test_a_create_whose_answer_is_lost_is_explained(http, run_module):
    # The second create proves the first one landed (the name is taken), but nothing gives the new id.
    http.expect(
        Call("POST", SCRIPTS, status=500, body=errors("Injected fault: the change was applied but the response failed.")),
        Call("POST", SCRIPTS, status=400, body=errors("A hook script named reject-large already exists.", context="name")),
    )

    result = run_module(bitbucket_hook_script, dict(name="reject-large", type="PRE", content=BODY))

    assert result["failed"] is True
    assert result["maybe_applied"] is True
    assert "was probably created, but Bitbucket's answer was lost" in result["msg"]
    http.assert_done()


def test_hook_scripts_turned_off_are_explained(http, run_module):
    http.expect(Call("POST", SCRIPTS, status=404, body=DISABLED))

    result = run_module(bitbucket_hook_script, dict(name="reject-large", type="PRE", content=BODY))

    assert result["failed"] is True
    assert result["http_status"] == 404
    assert "turned off by default since Bitbucket 8.18" in result["msg"]
    assert "feature.hook.scripts=true" in result["msg"]
    http.assert_done()


@pytest.mark.parametrize("status, body", [(501, None), (404, {"errors": [{"message": "Not found"}]})], ids=["501", "bare-404-on-the-collection"])
def test_other_answers_of_a_turned_off_feature_are_explained(http, run_module, status, body):
    http.expect(Call("POST", SCRIPTS, status=status, body=body))

    assert "feature.hook.scripts=true" in run_module(bitbucket_hook_script, dict(name="x", type="POST", content="x"))["msg"]
    http.assert_done()


def test_a_script_read_while_the_feature_is_off_is_explained(http, run_module):
    http.expect(Call("GET", SCRIPT, status=404, body=DISABLED))

    result = run_module(bitbucket_hook_script, dict(name="reject-large", script_id=7, state="absent"))

    # A 404 that says the feature is off is not "absent".
    assert result["failed"] is True
    assert "feature.hook.scripts=true" in result["msg"]
    http.assert_done()


def test_content_from_a_file(http, run_module, tmp_path):
    source = tmp_path / "reject.sh"
    source.write_text(BODY, encoding="utf-8")
    http.expect(Call("POST", SCRIPTS, body=script()))

    run_module(bitbucket_hook_script, dict(name="reject-large", type="PRE", src=str(source)))

    assert http.calls[0].extra["files"] == parts("reject-large", "PRE", "", BODY)
    http.assert_done()


# -- update and no-op ---------------------------------------------------------------------------------


@CHECK_MODES
def test_no_op_compares_the_content_after_normalising_line_endings(http, run_module, check_mode):
    http.expect(Call("GET", SCRIPT, body=script(description="d")), Call("GET", CONTENT, text=BODY.replace("\n", "\r\n")))

    result = run_module(bitbucket_hook_script, dict(name="reject-large", script_id=7, type="PRE", description="d", content=BODY), check_mode=check_mode)

    assert result["changed"] is False
    assert result["script"] == public(description="d")
    http.assert_done()


@CHECK_MODES
def test_update_sends_only_what_changed(http, run_module, check_mode):
    new_body = "#!/bin/sh\nexit 1\n"
    expect(
        http,
        [
            Call("GET", SCRIPT, body=script(description="d")),
            Call("GET", CONTENT, text=BODY),
            Call("PUT", SCRIPT, body=script(description="d", version=1)),
        ],
        check_mode,
    )

    result = run_module(bitbucket_hook_script, dict(name="reject-large", script_id=7, description="d", content=new_body), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"]["before"]["content"] == BODY
    assert result["diff"]["after"]["content"] == new_body
    if not check_mode:
        assert http.calls[2].extra["files"] == parts(content=new_body, file_name="hook-script.sh")
        assert result["script"]["version"] == 1
    http.assert_done()


@CHECK_MODES
def test_rename_by_id(http, run_module, check_mode):
    expect(http, [Call("GET", SCRIPT, body=script()), Call("PUT", SCRIPT, body=script(name="reject-huge", version=1))], check_mode)

    result = run_module(bitbucket_hook_script, dict(name="reject-huge", script_id=7), check_mode=check_mode)

    assert result["script"]["name"] == "reject-huge"
    assert result["diff"] == {"before": {"name": "reject-large", "type": "PRE", "description": ""},
                              "after": {"name": "reject-huge", "type": "PRE", "description": ""}}
    http.assert_done()


def test_a_rename_to_a_taken_name_is_explained(http, run_module):
    http.expect(Call("GET", SCRIPT, body=script()), Call("PUT", SCRIPT, status=409, body=errors("A hook script with the same name already exists.")))

    result = run_module(bitbucket_hook_script, dict(name="other", script_id=7))

    assert result["failed"] is True
    assert "another hook script is named 'other'" in result["msg"]
    http.assert_done()


def test_an_update_whose_answer_is_lost_is_found_by_reading_again(http, run_module):
    http.expect(
        Call("GET", SCRIPT, body=script()),
        Call("PUT", SCRIPT, status=500, body=errors("Injected fault")),
        Call("GET", SCRIPT, body=script(description="new", version=1)),
    )

    result = run_module(bitbucket_hook_script, dict(name="reject-large", script_id=7, description="new"))

    assert result["changed"] is True
    assert result["script"]["version"] == 1
    http.assert_done()


@CHECK_MODES
def test_found_by_name_through_a_configuration(http, run_module, check_mode):
    http.expect(Call("GET", REPO_CONFIGS, query=FIRST_PAGE, body=page([config("PROJECT", ["repo-push"]), config("REPOSITORY", ["repo-push"], 5, "x")])))

    result = run_module(bitbucket_hook_script, dict(name="reject-large", find_in=["PLAT/web"], type="PRE"), check_mode=check_mode)

    assert result["changed"] is False
    assert result["script"]["id"] == 7
    http.assert_done()


# -- type changes ---------------------------------------------------------------------------------------


@CHECK_MODES
def test_a_type_change_is_refused_without_recreate(http, run_module, check_mode):
    http.expect(Call("GET", SCRIPT, body=script()))

    result = run_module(bitbucket_hook_script, dict(name="reject-large", script_id=7, type="POST"), check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == "type"
    assert "removes every configuration that uses it" in result["msg"]
    assert writes(http) == []
    http.assert_done()


@CHECK_MODES
def test_recreate_deletes_and_creates_with_a_new_id(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", SCRIPT, body=script()),
            Call("GET", CONTENT, text=BODY),
            Call("DELETE", SCRIPT, status=204),
            Call("POST", SCRIPTS, body=script(8, script_type="POST")),
        ],
        check_mode,
    )

    result = run_module(bitbucket_hook_script, dict(name="reject-large", script_id=7, type="POST", content=BODY, recreate=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["recreated"] is True
    if check_mode:
        assert "id" not in result["script"]
    else:
        assert result["script"]["id"] == 8
        assert "its id and its configurations are gone" in result["warnings"][0]
    http.assert_done()


# -- delete ------------------------------------------------------------------------------------------------


@CHECK_MODES
def test_delete(http, run_module, check_mode):
    expect(http, [Call("GET", SCRIPT, body=script()), Call("DELETE", SCRIPT, status=204)], check_mode)

    result = run_module(bitbucket_hook_script, dict(name="reject-large", script_id=7, state="absent"), check_mode=check_mode)

    assert result == {"changed": True, "script": {}, "recreated": False, "warnings": [],
                      "diff": {"before": {"name": "reject-large", "type": "PRE", "description": ""}, "after": {}}}
    http.assert_done()


@CHECK_MODES
def test_delete_absent(http, run_module, check_mode):
    http.expect(Call("GET", SCRIPT, status=404, body=errors("No hook script with ID 7 exists.")))

    result = run_module(bitbucket_hook_script, dict(name="reject-large", script_id=7, state="absent"), check_mode=check_mode)

    assert result["changed"] is False
    assert result["warnings"] == []
    http.assert_done()


def test_a_delete_whose_answer_is_lost_is_found_by_reading_again(http, run_module):
    http.expect(
        Call("GET", SCRIPT, body=script()),
        Call("DELETE", SCRIPT, status=500, body=errors("Injected fault")),
        Call("GET", SCRIPT, status=404, body=errors("No hook script with ID 7 exists.")),
    )

    assert run_module(bitbucket_hook_script, dict(name="reject-large", script_id=7, state="absent"))["changed"] is True
    http.assert_done()


@CHECK_MODES
@pytest.mark.parametrize(
    "params, option",
    [
        (dict(name=" ", type="PRE", content=BODY), "name"),
        (dict(name="x", type="PRE", content=""), "content"),
        (dict(name="x", content=BODY), "type"),
        (dict(name="x", type="PRE"), "content"),
        (dict(name="x", script_id=0, state="absent"), "script_id"),
        (dict(name="x", find_in=["PLAT/web/extra"], state="absent"), "find_in"),
        (dict(name="x", find_in=["PLAT/"], state="absent"), "find_in"),
        (dict(name="x", type="PRE", src="/nonexistent/script.sh"), "src"),
    ],
)
def test_bad_input_is_refused_without_any_call(http, run_module, check_mode, params, option):
    result = run_module(bitbucket_hook_script, params, check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert http.calls == []


# -- bitbucket_hook_script_config -----------------------------------------------------------------------


def config_view(triggers, scope):
    return {"triggers": triggers, "scope": scope}


@CHECK_MODES
def test_configure_a_script_for_a_project(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", PROJECT_CONFIGS, query=FIRST_PAGE, body=page([config("PROJECT", ["repo-push"], 3, "another")])),
            Call("PUT", PROJECT_CONFIGS + "/7", json={"triggerIds": ["file-edit", "repo-push"]}, body=config("PROJECT", ["repo-push", "file-edit"])),
        ],
        check_mode,
    )

    result = run_module(bitbucket_hook_script_config, dict(project="PLAT", script_id=7, triggers=["repo-push", "file-edit", "repo-push"]),
                        check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"] == {"before": config_view(None, None), "after": config_view(["file-edit", "repo-push"], "project")}
    assert result["hook_script_config"] == dict(config_view(["file-edit", "repo-push"], "project"), script_id=7)
    http.assert_done()


@CHECK_MODES
def test_triggers_compare_as_a_set(http, run_module, check_mode):
    http.expect(Call("GET", PROJECT_CONFIGS, query=FIRST_PAGE, body=page([config("PROJECT", ["repo-push", "file-edit"])])))

    result = run_module(bitbucket_hook_script_config, dict(project="PLAT", script_id=7, triggers=["file-edit", "repo-push"]), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_an_empty_trigger_list_answered_as_every_trigger_is_the_same(http, run_module, check_mode):
    # API-MAP 3.20 VERIFY: "an empty list may mean all triggers"; the emulator keeps the empty list.
    every = ["repo-push", "branch-create", "branch-delete", "tag-create", "tag-delete", "file-edit", "pull-request-merge"]
    http.expect(Call("GET", PROJECT_CONFIGS, query=FIRST_PAGE, body=page([config("PROJECT", every)])))

    assert run_module(bitbucket_hook_script_config, dict(project="PLAT", script_id=7, triggers=[]), check_mode=check_mode)["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_a_repository_configures_a_script_its_project_already_runs(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", REPO_CONFIGS, query=FIRST_PAGE, body=page([config("PROJECT", ["repo-push"])])),
            Call("PUT", REPO_CONFIGS + "/7", json={"triggerIds": ["repo-push"]}, body=config("REPOSITORY", ["repo-push"])),
        ],
        check_mode,
    )

    result = run_module(bitbucket_hook_script_config, dict(project="PLAT", repository="web", script_id=7, triggers=["repo-push"]), check_mode=check_mode)

    assert result["diff"] == {"before": config_view(["repo-push"], "project"), "after": config_view(["repo-push"], "repository")}
    http.assert_done()


@CHECK_MODES
def test_a_repository_removes_its_own_configuration_and_keeps_the_project_s(http, run_module, check_mode):
    expect(
        http,
        [
            Call("GET", REPO_CONFIGS, query=FIRST_PAGE, body=page([config("PROJECT", ["repo-push"]), config("REPOSITORY", ["tag-create"])])),
            Call("GET", PROJECT_CONFIGS, query=FIRST_PAGE, body=page([config("PROJECT", ["repo-push"])])),
            Call("DELETE", REPO_CONFIGS + "/7", status=204),
        ],
        check_mode,
    )

    result = run_module(bitbucket_hook_script_config, dict(project="PLAT", repository="web", script_id=7, state="absent"), check_mode=check_mode)

    assert result["diff"] == {"before": config_view(["tag-create"], "repository"), "after": config_view(["repo-push"], "project")}
    http.assert_done()


@CHECK_MODES
def test_remove_a_project_configuration(http, run_module, check_mode):
    expect(
        http,
        [Call("GET", PROJECT_CONFIGS, query=FIRST_PAGE, body=page([config("PROJECT", ["repo-push"])])), Call("DELETE", PROJECT_CONFIGS + "/7", status=204)],
        check_mode,
    )

    result = run_module(bitbucket_hook_script_config, dict(project="PLAT", script_id=7, state="absent"), check_mode=check_mode)

    assert result["hook_script_config"] == dict(config_view(None, None), script_id=7)
    http.assert_done()


@CHECK_MODES
def test_remove_absent(http, run_module, check_mode):
    http.expect(Call("GET", PROJECT_CONFIGS, query=FIRST_PAGE, body=page([])))

    assert run_module(bitbucket_hook_script_config, dict(project="PLAT", script_id=7, state="absent"), check_mode=check_mode)["changed"] is False
    http.assert_done()


def test_a_configuration_whose_answer_is_lost_is_found_by_reading_again(http, run_module):
    http.expect(
        Call("GET", PROJECT_CONFIGS, query=FIRST_PAGE, body=page([])),
        Call("PUT", PROJECT_CONFIGS + "/7", json={"triggerIds": ["repo-push"]}, status=500, body=errors("Injected fault")),
        Call("GET", PROJECT_CONFIGS, query=FIRST_PAGE, body=page([config("PROJECT", ["repo-push"])])),
    )

    assert run_module(bitbucket_hook_script_config, dict(project="PLAT", script_id=7, triggers=["repo-push"]))["changed"] is True
    http.assert_done()


def test_configurations_while_the_feature_is_off_are_explained(http, run_module):
    http.expect(Call("GET", PROJECT_CONFIGS, query=FIRST_PAGE, status=404, body=DISABLED))

    result = run_module(bitbucket_hook_script_config, dict(project="PLAT", script_id=7, triggers=["repo-push"]))

    assert "feature.hook.scripts=true" in result["msg"]
    http.assert_done()


@CHECK_MODES
@pytest.mark.parametrize(
    "params, option",
    [
        (dict(project="PLAT", script_id=0, triggers=["repo-push"]), "script_id"),
        (dict(project="PLAT", script_id=7, triggers=["repo-push", " "]), "triggers"),
        (dict(project="PLAT", script_id=7, triggers=["repo-push"], state="absent"), "triggers"),
        (dict(project="PLAT", script_id=-3), "script_id"),
        (dict(project="PLAT", script_id=7), "triggers"),
    ],
)
def test_bad_configuration_input_is_refused_without_any_call(http, run_module, check_mode, params, option):
    result = run_module(bitbucket_hook_script_config, params, check_mode=check_mode)

    assert result["invalid_option"] == option
    assert http.calls == []
