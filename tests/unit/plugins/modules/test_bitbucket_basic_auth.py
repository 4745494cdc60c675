"""bitbucket_basic_auth: the exact HTTP calls of every scenario, each also in check mode (API-MAP 3.11).

The PUT always carries the whole configuration (merged with what is there), a 409 is retried, and a task
that authenticates with basic auth is refused before any write when it would block its own user.
"""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_basic_auth import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import Call

CONFIG = "/rest/basicauth/latest/config"
OPEN = {"block-requests": False, "show-warning-message": True, "allowed-users": ["breakglass"], "allowed-paths": ["/rest/api/latest/application-properties"]}


def config(**fields):
    body = dict(OPEN)
    body.update({key.replace("_", "-"): value for key, value in fields.items()})
    return body


def read(body=None):
    return Call("GET", CONFIG, body=OPEN if body is None else body)


def put(body, status=204, answer=None, headers=None):
    return Call("PUT", CONFIG, json=body, status=status, body=answer, headers=headers)


@pytest.fixture
def run_module(make_context):
    def runner(params, check_mode=False, username=None):
        context = make_context(MODULE_SPEC, params, check_mode=check_mode, diff=True)
        if username is not None:
            context.params.update(token=None, username=username, password="pw")
        result = execute(run, context)
        result["warnings"] = context.warnings
        return result

    return runner


CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])


@CHECK_MODES
def test_no_op_only_reads_and_compares_lists_as_sets(http, run_module, check_mode):
    http.expect(read(config(allowed_users=["breakglass", "automation"])))

    result = run_module(dict(block_requests=False, allowed_users=["automation", "breakglass", "automation"]), check_mode=check_mode)

    assert result["changed"] is False
    assert result["basic_auth"] == config(allowed_users=["breakglass", "automation"])
    http.assert_done()


@CHECK_MODES
def test_blocking_sends_the_whole_configuration_merged_with_what_is_there(http, run_module, check_mode):
    blocked = config(block_requests=True, allowed_users=["automation", "breakglass"])
    # The read after the PUT (which answers 204, no body) is the real run's only.
    http.expect(*([read()] if check_mode else [read(), put(blocked), read(blocked)]))

    result = run_module(dict(block_requests=True, allowed_users=["breakglass", "automation"]), check_mode=check_mode, username="automation")

    assert result["changed"] is True
    assert result["diff"]["before"] == {"block_requests": False, "show_warning_message": True, "allowed_users": ["breakglass"],
                                        "allowed_paths": ["/rest/api/latest/application-properties"]}
    assert result["diff"]["after"]["allowed_users"] == ["automation", "breakglass"]
    assert result["basic_auth"] == blocked  # the prediction of check mode is what the real run reads back
    http.assert_done()


def test_keys_the_server_did_not_give_are_sent_with_their_defaults(http, run_module):
    sent = {"block-requests": False, "show-warning-message": True, "allowed-users": [], "allowed-paths": []}
    http.expect(read({"block-requests": False}), put(sent), read(sent))

    result = run_module(dict(show_warning_message=True))

    assert result["changed"] is True
    http.assert_done()


@CHECK_MODES
def test_blocking_its_own_basic_auth_user_is_refused_before_any_write(http, run_module, check_mode):
    http.expect(read())

    result = run_module(dict(block_requests=True), check_mode=check_mode, username="automation")

    assert result["failed"] is True
    assert result["changed"] is False
    assert result["lockout_guard"] == "basic_auth_self_block"
    assert "block basic authentication for automation, the user this task authenticates as" in result["msg"]
    assert "List automation in allowed_users" in result["msg"]
    assert "bitbucket.datacenter.bitbucket_access_token" in result["msg"] and "set token" in result["msg"]
    http.assert_done()


def test_removing_its_own_user_from_the_allowed_users_is_refused(http, run_module):
    http.expect(read(config(block_requests=True, allowed_users=["breakglass", "automation"])))

    result = run_module(dict(allowed_users=["breakglass"]), username="AUTOMATION")

    assert result["lockout_guard"] == "basic_auth_self_block"
    http.assert_done()


def test_a_pattern_entry_does_not_count_and_the_message_says_so(http, run_module):
    http.expect(read())

    result = run_module(dict(block_requests=True, allowed_users=["auto*"]), username="automation")

    assert result["lockout_guard"] == "basic_auth_self_block"
    assert "the entries auto* do not count" in result["msg"]
    http.assert_done()


def test_allowed_paths_never_count_for_the_guard(http, run_module):
    """API-MAP 3.11 VERIFY: whatever the path syntax, a task calls several REST paths; only the user name counts."""
    http.expect(read())

    result = run_module(dict(block_requests=True, allowed_paths=["/*", "/rest/*"]), username="automation")

    assert result["lockout_guard"] == "basic_auth_self_block"
    http.assert_done()


def test_its_own_user_is_recognised_without_regard_to_case(http, run_module):
    blocked = config(block_requests=True, allowed_users=["Automation"])
    http.expect(read(), put(blocked), read(blocked))

    result = run_module(dict(block_requests=True, allowed_users=["Automation"]), username="automation")

    assert result["changed"] is True
    http.assert_done()


def test_with_a_token_the_task_itself_is_not_blocked(http, run_module):
    blocked = config(block_requests=True, allowed_users=[])
    http.expect(read(), put(blocked), read(blocked))

    result = run_module(dict(block_requests=True, allowed_users=[]))

    assert result["changed"] is True
    assert result["warnings"] == []
    http.assert_done()


def test_force_blocks_its_own_user_and_does_not_read_back(http, run_module):
    blocked = config(block_requests=True)
    http.expect(read(), put(blocked))

    result = run_module(dict(block_requests=True, force=True), username="automation")

    assert result["changed"] is True
    assert result["basic_auth"] == blocked
    assert result["warnings"][0].startswith("force=true overrode a lock-out guard")
    assert result["warnings"][1] == "Basic authentication is now blocked for automation; the configuration was not read back"
    http.assert_done()


def test_unblocking_never_triggers_the_guard(http, run_module):
    http.expect(read(config(block_requests=True, allowed_users=["automation"])), put(config(block_requests=False, allowed_users=["automation"])),
                read(config(allowed_users=["automation"])))

    assert run_module(dict(block_requests=False), username="automation")["changed"] is True
    http.assert_done()


def test_another_update_in_progress_is_retried(http, run_module, sleeps):
    blocked = config(block_requests=True, allowed_users=["breakglass"])
    http.expect(read(), put(blocked, status=409, answer={"message": "Unable to update: another update is being performed."}), put(blocked), read(blocked))

    result = run_module(dict(block_requests=True))

    assert result["changed"] is True
    assert len(sleeps) == 1
    http.assert_done()


def test_a_put_whose_answer_is_lost_is_found_by_reading_again(http, run_module):
    blocked = config(block_requests=True)
    http.expect(read(), put(blocked, status=500, answer={"message": "boom"}), read(blocked))

    result = run_module(dict(block_requests=True))

    assert result["changed"] is True
    assert result["basic_auth"] == blocked
    http.assert_done()


def test_an_empty_entry_is_refused_before_any_request(http, run_module):
    result = run_module(dict(allowed_paths=["/rest/api/*", " "]))

    assert result["invalid_option"] == "allowed_paths"
    assert http.calls == []


def test_a_blocked_basic_auth_caller_is_told_why_it_may_be_refused(http, run_module):
    http.expect(Call("GET", CONFIG, status=401, body={"errors": [{"context": None, "message": "Basic authentication is blocked", "exceptionName": None}]}))

    result = run_module(dict(block_requests=False), username="automation")

    assert "if basic authentication is blocked for automation" in result["msg"]
    http.assert_done()


def test_a_server_that_refuses_tokens_is_explained(http, run_module):
    http.expect(Call("GET", CONFIG, status=401, body={"message": "You are not permitted to access this resource"}))

    result = run_module(dict(block_requests=False))

    assert "may not accept HTTP access tokens" in result["msg"]
    assert "listed in allowed_users" in result["msg"]
    http.assert_done()
