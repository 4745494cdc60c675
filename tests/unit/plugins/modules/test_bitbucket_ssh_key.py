"""bitbucket_ssh_key: the exact HTTP calls of every scenario, in order, each also in check mode.

API-MAP 3.7: GET and DELETE name the user with ``userName``, POST with ``user``; keys are immutable (a label or
expiry change is a delete and a create, with a new id); the whole-user DELETE is only sent with ``userName``;
409 means the key is registered somewhere on the system.
"""

from __future__ import annotations

import functools
import json

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.module_utils._ssh_keys import parse_public_key
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_ssh_key
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_ssh_key import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit import sshkeygen
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, Call
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

KEYS = "/rest/ssh/latest/keys"
CALLER = "automation"
CREATED = 1767225600000

LAPTOP = sshkeygen.cached_key("alice laptop") + " alice@laptop"
DESK = sshkeygen.cached_key("alice desk", "ecdsa") + " alice@desk"
OLD = sshkeygen.cached_key("alice old", "rsa") + " alice@old"


def errors(message, exception=None, context=None):
    return {"errors": [{"context": context, "message": message, "exceptionName": exception}]}


def server_key(line, key_id, label=None, expiry_days=None):
    """A RestSshKey as Bitbucket answers it (seed 001 example); the label defaults to the comment."""
    key = parse_public_key(line)
    body = {"id": key_id, "text": key.line, "algorithmType": "ED25519", "bitLength": 256, "fingerprint": key.fingerprint, "createdDate": CREATED}
    if label or key.comment:
        body["label"] = label or key.comment
    if expiry_days is not None:
        body["expiryDays"] = expiry_days
    return body


def page(values):
    return {"size": len(values), "limit": 1000, "start": 0, "isLastPage": True, "values": list(values)}


def listing(*keys, user="alice"):
    query = ([("userName", user)] if user else []) + [("start", 0), ("limit", 1000)]
    return Call("GET", KEYS, query=query, body=page(keys))


def add(line, answer, user="alice", label=None, expiry_days=None, status=201, body=None):
    sent = {"text": parse_public_key(line).line}
    if label is not None:
        sent["label"] = label
    if expiry_days is not None:
        sent["expiryDays"] = expiry_days
    return Call("POST", KEYS, query=[("user", user)] if user else None, json=sent, status=status, body=answer if body is None else body)


def delete(key_id, status=204, body=None):
    return Call("DELETE", "%s/%s" % (KEYS, key_id), status=status, body=body)


def fingerprint(line):
    return parse_public_key(line).ssh_keygen_fingerprint


def diff_entry(line, label=None, expiry_days=None):
    key = parse_public_key(line)
    return {"fingerprint": key.ssh_keygen_fingerprint, "text": key.line, "label": label or key.comment or None, "expiry_days": expiry_days}


@pytest.fixture
def run_module(http, make_context):
    """``run(context)`` through ``execute``; basic authentication as CALLER unless ``token_auth``."""

    def runner(params, check_mode=False, diff=True, token_auth=False):
        context = make_context(MODULE_SPEC, params, check_mode=check_mode, diff=diff)
        if not token_auth:
            context.params.update(token=None, username=CALLER, password="automation-pw")
        runner.context = context
        result = execute(run, context)
        assert http.closed or not http.calls, "the session of the run was not closed"
        return result

    return runner


def expect(http, calls, check_mode):
    http.expect(*[call for call in calls if not check_mode or call.method == "GET"])


def writes(http):
    return [(call.method, call.path) for call in http.calls if call.method != "GET"]


CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])


# -- add ------------------------------------------------------------------------------------------


@CHECK_MODES
def test_add_keys_to_a_user(http, run_module, check_mode):
    laptop, desk = server_key(LAPTOP, 11, label="laptop"), server_key(DESK, 12, expiry_days=30)
    expect(http, [listing(), add(LAPTOP, laptop, label="laptop"), add(DESK, desk, expiry_days=30)], check_mode)

    result = run_module(dict(user="alice", keys=[{"key": LAPTOP, "label": "laptop"}, {"key": DESK, "expiry_days": 30}]), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"] == {"before": {"ssh_keys": []},
                              "after": {"ssh_keys": sorted([diff_entry(LAPTOP, "laptop"), diff_entry(DESK, expiry_days=30)], key=lambda k: k["fingerprint"])}}
    assert [key["fingerprint_sha256"] for key in result["ssh_keys"]] == [fingerprint(LAPTOP), fingerprint(DESK)]
    if check_mode:
        assert "id" not in result["ssh_keys"][0]
        assert result["ssh_keys"][1]["label"] == "alice@desk"  # predicted: Bitbucket labels a key with its comment
    else:
        assert [key["id"] for key in result["ssh_keys"]] == [11, 12]
    http.assert_done()


@CHECK_MODES
def test_without_user_the_keys_of_the_caller_are_managed(http, run_module, check_mode):
    expect(http, [listing(user=None), add(LAPTOP, server_key(LAPTOP, 3), user=None)], check_mode)

    result = run_module(dict(keys=[{"key": LAPTOP}]), check_mode=check_mode)

    assert result["changed"] is True
    http.assert_done()


@CHECK_MODES
def test_a_key_the_user_has_is_not_added_again_whatever_its_comment(http, run_module, check_mode):
    kind, data, _comment = LAPTOP.split(" ", 2)
    http.expect(listing(server_key(LAPTOP, 11), server_key(DESK, 12)))

    result = run_module(dict(user="alice", keys=[{"key": "%s %s renamed@comment" % (kind, data)}]), check_mode=check_mode)

    assert result["changed"] is False
    assert result["diff"]["before"] == result["diff"]["after"]
    assert [key["id"] for key in result["ssh_keys"]] == [11, 12]
    http.assert_done()


@CHECK_MODES
def test_a_server_that_does_not_label_by_comment_is_fine(http, run_module, check_mode):
    # API-MAP 3.7 (VERIFY): the label may or may not default to the comment; an unset label is never compared.
    unlabelled = dict(server_key(LAPTOP, 11))
    unlabelled.pop("label")
    http.expect(listing(unlabelled))

    result = run_module(dict(user="alice", keys=[{"key": LAPTOP}]), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


# -- label and expiry cannot change in place ------------------------------------------------------


@CHECK_MODES
def test_a_differing_label_is_a_warning_and_nothing_is_written(http, run_module, check_mode):
    http.expect(listing(server_key(LAPTOP, 11, label="laptop", expiry_days=30)))

    result = run_module(dict(user="alice", keys=[{"key": LAPTOP, "label": "work", "expiry_days": 60}]), check_mode=check_mode)

    assert result["changed"] is False
    [warning] = run_module.context.warnings
    assert "SSH key alice@laptop (%s) of user alice has expiry_days 30, not 60, label 'laptop', not 'work'" % fingerprint(LAPTOP) in warning
    assert "Set recreate_on_change=true" in warning
    http.assert_done()


@CHECK_MODES
def test_recreate_on_change_removes_the_key_and_adds_it_again(http, run_module, check_mode):
    replaced = server_key(LAPTOP, 21, label="work")
    expect(http, [listing(server_key(LAPTOP, 11, label="laptop"), server_key(DESK, 12)), delete(11), add(LAPTOP, replaced, label="work")], check_mode)

    result = run_module(dict(user="alice", keys=[{"key": LAPTOP, "label": "work"}], recreate_on_change=True), check_mode=check_mode)

    assert result["changed"] is True
    assert [entry["label"] for entry in result["diff"]["after"]["ssh_keys"] if entry["fingerprint"] == fingerprint(LAPTOP)] == ["work"]
    assert [key.get("id") for key in result["ssh_keys"]] == [12, None if check_mode else 21]
    assert run_module.context.warnings == []
    http.assert_done()


def test_a_replacement_that_fails_puts_the_old_key_back(http, run_module):
    http.expect(
        listing(server_key(LAPTOP, 11, label="laptop", expiry_days=90)),
        delete(11),
        add(LAPTOP, None, label="work", expiry_days=90, status=400, body=errors("The label is too long.", context="label")),
        add(LAPTOP, server_key(LAPTOP, 22, label="laptop", expiry_days=90), label="laptop", expiry_days=90),
    )

    result = run_module(dict(user="alice", keys=[{"key": LAPTOP, "label": "work"}], recreate_on_change=True))

    assert result["failed"] is True
    assert result["changed"] is True
    assert result["msg"] == "POST %s: HTTP 400: label: The label is too long. - the key was added back as it was (with a new id)" % KEYS
    http.assert_done()


# -- remove ---------------------------------------------------------------------------------------


@CHECK_MODES
def test_absent_removes_the_listed_keys_only(http, run_module, check_mode):
    expect(http, [listing(server_key(LAPTOP, 11), server_key(OLD, 13)), delete(13)], check_mode)

    result = run_module(dict(user="alice", keys=[{"key": OLD}], state="absent"), check_mode=check_mode)

    assert result["changed"] is True
    assert [key["id"] for key in result["ssh_keys"]] == [11]
    assert result["diff"]["before"]["ssh_keys"] != result["diff"]["after"]["ssh_keys"]
    http.assert_done()


@CHECK_MODES
def test_absent_for_keys_the_user_does_not_have_only_reads(http, run_module, check_mode):
    http.expect(listing(server_key(LAPTOP, 11)))

    result = run_module(dict(user="alice", keys=[{"key": OLD}], state="absent"), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_a_rotation_adds_the_new_key_before_it_removes_the_old_one(http, run_module, check_mode):
    expect(http, [listing(server_key(OLD, 13)), add(LAPTOP, server_key(LAPTOP, 14)), delete(13)], check_mode)

    result = run_module(dict(user="alice", keys=[{"key": LAPTOP}], purge=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"]["after"]["ssh_keys"] == [diff_entry(LAPTOP)]
    http.assert_done()


@CHECK_MODES
def test_purge_with_only_the_listed_keys_only_reads(http, run_module, check_mode):
    http.expect(listing(server_key(LAPTOP, 11), server_key(DESK, 12)))

    result = run_module(dict(user="alice", keys=[{"key": DESK}, {"key": LAPTOP}], purge=True), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_purging_every_key_is_refused_without_force(http, run_module, check_mode):
    http.expect(listing(server_key(LAPTOP, 11), server_key(DESK, 12)))

    result = run_module(dict(user="alice", keys=[], purge=True), check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == "keys"
    assert result["msg"].startswith("purge with an empty keys list would remove all 2 SSH keys of user alice (alice@laptop (%s)" % fingerprint(LAPTOP))
    assert "Set force: true" in result["msg"]
    assert writes(http) == []
    http.assert_done()


@CHECK_MODES
def test_purging_every_key_with_force_is_one_delete_that_names_the_user(http, run_module, check_mode):
    expect(http, [listing(server_key(LAPTOP, 11), server_key(DESK, 12)), Call("DELETE", KEYS, query=[("userName", "alice")], status=204)], check_mode)

    result = run_module(dict(user="alice", purge=True, force=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["ssh_keys"] == []
    http.assert_done()


def test_without_user_the_whole_user_delete_names_the_caller(http, run_module):
    # API-MAP 3.7: DELETE /ssh/latest/keys without userName wipes the caller's keys; it is never sent bare.
    http.expect(listing(server_key(LAPTOP, 11), user=None), Call("DELETE", KEYS, query=[("userName", CALLER)], status=204))

    result = run_module(dict(purge=True, force=True))

    assert result["changed"] is True
    http.assert_done()


def test_with_a_token_and_no_user_every_key_is_removed_by_id(http, run_module):
    # The token does not say whose it is, so the whole-user DELETE cannot name the user: one DELETE per key.
    http.expect(listing(server_key(LAPTOP, 11), server_key(DESK, 12), user=None), delete(11), delete(12))

    result = run_module(dict(purge=True, force=True), token_auth=True)

    assert result["changed"] is True
    assert [(call.path, call.params) for call in http.calls if call.method == "DELETE"] == [(KEYS + "/11", []), (KEYS + "/12", [])]
    http.assert_done()


def test_purge_with_an_empty_list_and_no_keys_only_reads(http, run_module):
    http.expect(listing())

    result = run_module(dict(user="alice", purge=True))

    assert result["changed"] is False
    http.assert_done()


def test_a_refused_single_delete_says_that_it_needs_admin(http, run_module):
    http.expect(listing(server_key(OLD, 13), user=None), delete(13, status=401, body=errors("You are not permitted to access this resource")))

    result = run_module(dict(keys=[{"key": OLD}], state="absent"))

    assert result["failed"] is True
    assert result["http_status"] == 401
    assert result["msg"].endswith("Bitbucket lets only administrators (ADMIN) remove a single SSH key")
    http.assert_done()


# -- bad input --------------------------------------------------------------------------------------


@CHECK_MODES
@pytest.mark.parametrize(
    "params, option, words",
    [
        (dict(keys=[{"key": "ssh-ed25519 AAAA#"}]), "keys", "item 1: the key has key data after ssh-ed25519 that is not valid base64"),
        (dict(keys=[{"key": LAPTOP}, {"key": LAPTOP.rsplit(" ", 1)[0] + " other"}]), "keys", "items 1 and 2 are the same key"),
        (dict(keys=[{"key": LAPTOP, "label": " "}]), "keys", "item 1: the label must not be empty"),
        (dict(keys=[{"key": LAPTOP, "expiry_days": 0}]), "keys", "item 1: expiry_days must be 1 or more"),
        (dict(keys=[{"key": LAPTOP}], purge=True, state="absent"), "purge", "only with state=present"),
        (dict(user=" ", keys=[]), "user", "must not be empty"),
    ],
)
def test_bad_input_is_refused_without_any_call(http, run_module, check_mode, params, option, words):
    result = run_module(params, check_mode=check_mode)

    assert result["failed"] is True
    assert result["changed"] is False
    assert result["invalid_option"] == option
    assert words in result["msg"]
    assert http.calls == []


# -- API failures -----------------------------------------------------------------------------------


@CHECK_MODES
def test_a_missing_user_is_named(http, run_module, check_mode):
    http.expect(Call("GET", KEYS, query=[("userName", "ghost"), ("start", 0), ("limit", 1000)], status=404, body=errors("User ghost does not exist.")))

    result = run_module(dict(user="ghost", keys=[{"key": LAPTOP}]), check_mode=check_mode)

    assert result["failed"] is True
    assert result["http_status"] == 404
    assert result["msg"] == "GET %s: HTTP 404: User ghost does not exist. (no user ghost)" % KEYS
    http.assert_done()


def test_a_key_registered_elsewhere_is_explained_with_where_it_is(http, run_module):
    exists = errors("The SSH key already exists on the system.", "com.atlassian.bitbucket.DuplicateEntityException")
    http.expect(
        listing(),
        add(LAPTOP, None, status=409, body=exists),
        listing(),  # not added meanwhile to alice herself
        Call("GET", "/rest/api/latest/users", query=[("start", 0), ("limit", 1000)], body=page([{"name": "alice"}, {"name": "bob"}])),
        listing(),
        listing(server_key(LAPTOP, 40), user="bob"),
    )

    result = run_module(dict(user="alice", keys=[{"key": LAPTOP}]))

    assert result["failed"] is True
    assert result["http_status"] == 409
    assert result["msg"] == (
        "POST %s: HTTP 409: The SSH key already exists on the system. - the key %s is already registered: it is an SSH key of user bob "
        "(key id 40). A key can be registered once, as a user key or as an access key." % (KEYS, fingerprint(LAPTOP))
    )
    http.assert_done()


def test_a_key_added_to_the_same_user_meanwhile_is_converged_on(http, run_module):
    exists = errors("The SSH key already exists on the system.")
    http.expect(listing(), add(LAPTOP, None, status=409, body=exists), listing(server_key(LAPTOP, 41)))

    result = run_module(dict(user="alice", keys=[{"key": LAPTOP}]))

    assert "failed" not in result
    assert result["changed"] is True
    assert [key["id"] for key in result["ssh_keys"]] == [41]
    http.assert_done()


def test_a_malformed_key_refused_by_the_server_is_reported(http, run_module):
    message = "RSA keys must be at least 2048 bits long; this one has 1024."
    http.expect(listing(), add(OLD, None, status=400, body=errors(message, context="text")))

    result = run_module(dict(user="alice", keys=[{"key": OLD}]))

    assert result["failed"] is True
    assert result["msg"] == "POST %s: HTTP 400: text: %s" % (KEYS, message)
    http.assert_done()


# -- answers lost after the write landed ---------------------------------------------------------------


def test_an_add_that_landed_behind_a_500_is_not_repeated(http, run_module):
    http.expect(
        listing(),
        add(LAPTOP, None, status=500, body=errors("Injected fault: the change was applied but the response failed.")),
        listing(server_key(LAPTOP, 15)),
    )

    result = run_module(dict(user="alice", keys=[{"key": LAPTOP}]))

    assert "failed" not in result
    assert result["changed"] is True
    assert [key["id"] for key in result["ssh_keys"]] == [15]
    http.assert_done()


def test_an_add_that_did_not_land_behind_a_500_is_made_once_more(http, run_module):
    http.expect(listing(), add(LAPTOP, None, status=500, body=errors("boom")), listing(), add(LAPTOP, server_key(LAPTOP, 16)))

    result = run_module(dict(user="alice", keys=[{"key": LAPTOP}]))

    assert result["changed"] is True
    http.assert_done()


def test_a_delete_that_landed_behind_a_500_is_not_repeated(http, run_module):
    http.expect(listing(server_key(OLD, 13)), delete(13, status=500, body=errors("Injected fault")), listing())

    result = run_module(dict(user="alice", keys=[{"key": OLD}], state="absent"))

    assert "failed" not in result
    assert result["changed"] is True
    http.assert_done()


def test_a_whole_user_delete_that_landed_behind_a_500_is_not_repeated(http, run_module):
    http.expect(
        listing(server_key(OLD, 13)),
        Call("DELETE", KEYS, query=[("userName", "alice")], status=500, body=errors("Injected fault")),
        listing(),
    )

    result = run_module(dict(user="alice", purge=True, force=True))

    assert "failed" not in result
    http.assert_done()


# -- main(): the ordinary module path ------------------------------------------------------------------


run_main = functools.partial(main_of, bitbucket_ssh_key)


def test_main_in_check_mode_reads_only(monkeypatch, capsys, http):
    http.expect(listing(server_key(OLD, 13)))

    code, output = run_main(
        monkeypatch, capsys, http,
        dict(url=BASE_URL, username=CALLER, password="s3cret-pw", user="alice", keys=[{"key": LAPTOP}], purge=True,
             _ansible_check_mode=True, _ansible_diff=True),
    )

    assert code == 0
    assert output["changed"] is True
    assert output["diff"]["after"]["ssh_keys"] == [diff_entry(LAPTOP)]
    assert "s3cret-pw" not in json.dumps(output)
    http.assert_done()


@pytest.mark.parametrize("args, words", [(dict(keys=[{"label": "x"}]), "key"), (dict(keys=[{"key": LAPTOP, "colour": "red"}]), "colour"),
                                         (dict(state="gone"), "state")])
def test_main_refuses_invalid_options_without_any_call(monkeypatch, capsys, http, args, words):
    code, output = run_main(monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token", **args))

    assert code == 1
    assert words in output["msg"]
    assert http.calls == []


@CHECK_MODES
def test_a_replacement_keeps_the_label_the_task_does_not_set(http, run_module, check_mode):
    replaced = server_key(LAPTOP, 23, label="work", expiry_days=60)
    expect(http, [listing(server_key(LAPTOP, 11, label="work", expiry_days=30)), delete(11), add(LAPTOP, replaced, label="work", expiry_days=60)],
           check_mode)

    result = run_module(dict(user="alice", keys=[{"key": LAPTOP, "expiry_days": 60}], recreate_on_change=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"]["after"]["ssh_keys"] == [diff_entry(LAPTOP, "work", 60)]
    http.assert_done()
