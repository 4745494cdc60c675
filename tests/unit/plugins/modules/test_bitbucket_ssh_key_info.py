"""bitbucket_ssh_key_info: the calls it makes and what it returns (API-MAP 3.7, section 4)."""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.module_utils._ssh_keys import parse_public_key
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_ssh_key_info import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit import sshkeygen
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import Call

KEYS = "/rest/ssh/latest/keys"
LAPTOP = sshkeygen.cached_key("info laptop") + " bob@laptop"
DESK = sshkeygen.cached_key("info desk", "ecdsa", 384) + " bob@desk"


def key(line, key_id):
    parsed = parse_public_key(line)
    return {"id": key_id, "text": parsed.line, "label": parsed.comment, "fingerprint": parsed.fingerprint}


def page(values, start=0, next_start=None):
    body = {"size": len(values), "limit": 1, "start": start, "isLastPage": next_start is None, "values": values}
    if next_start is not None:
        body["nextPageStart"] = next_start
    return body


@pytest.fixture
def run_module(http, make_context):
    def runner(params, check_mode=False):
        return execute(run, make_context(MODULE_SPEC, params, check_mode=check_mode))

    return runner


@pytest.mark.parametrize("check_mode", [False, True])
def test_every_key_of_a_user_on_every_page_with_fingerprints(http, run_module, check_mode):
    http.expect(
        Call("GET", KEYS, query=[("userName", "bob"), ("start", 0), ("limit", 1000)], body=page([key(LAPTOP, 1)], next_start=1)),
        Call("GET", KEYS, query=[("userName", "bob"), ("start", 1), ("limit", 1000)], body=page([key(DESK, 2)], start=1)),
    )

    result = run_module(dict(user="bob"), check_mode=check_mode)

    assert result["changed"] is False
    assert [entry["id"] for entry in result["ssh_keys"]] == [1, 2]
    assert [entry["fingerprint_sha256"] for entry in result["ssh_keys"]] == [sshkeygen.ssh_keygen_fingerprint(LAPTOP), sshkeygen.ssh_keygen_fingerprint(DESK)]
    http.assert_done()


def test_without_user_the_callers_keys(http, run_module):
    http.expect(Call("GET", KEYS, query=[("start", 0), ("limit", 1000)], body=page([])))

    assert run_module({})["ssh_keys"] == []
    http.assert_done()


def test_one_key_by_its_public_key_whatever_its_comment(http, run_module):
    http.expect(Call("GET", KEYS, query=[("userName", "bob"), ("start", 0), ("limit", 1000)], body=page([key(LAPTOP, 1), key(DESK, 2)])))

    result = run_module(dict(user="bob", key=DESK.rsplit(" ", 1)[0]))

    assert [entry["id"] for entry in result["ssh_keys"]] == [2]
    http.assert_done()


def test_one_key_by_id(http, run_module):
    http.expect(Call("GET", KEYS + "/2", body=key(DESK, 2)))
    assert [entry["label"] for entry in run_module(dict(key_id=2))["ssh_keys"]] == ["bob@desk"]
    http.assert_done()


def test_a_missing_key_id_is_empty(http, run_module):
    http.expect(Call("GET", KEYS + "/3", status=404, body={"errors": [{"context": None, "message": "No SSH key with id 3 exists.", "exceptionName": None}]}))
    assert run_module(dict(key_id=3))["ssh_keys"] == []
    http.assert_done()


def test_a_bad_key_is_refused_without_any_call(http, run_module):
    result = run_module(dict(key="not a key"))

    assert result["failed"] is True
    assert result["invalid_option"] == "key"
    assert http.calls == []


def test_another_users_keys_without_admin_is_reported(http, run_module):
    denied = {"errors": [{"context": None, "message": "You are not permitted to manage the SSH keys of bob.", "exceptionName": None}]}
    http.expect(Call("GET", KEYS, query=[("userName", "bob"), ("start", 0), ("limit", 1000)], status=401, body=denied))

    result = run_module(dict(user="bob"))

    assert result["failed"] is True
    assert result["http_status"] == 401
    http.assert_done()
