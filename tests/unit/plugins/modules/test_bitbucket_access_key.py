"""bitbucket_access_key: the exact HTTP calls of every scenario, in order, each also in check mode.

API-MAP 3.8: a scope's keys are listed (``effective=false`` at repository scope), created with a POST of
``{"key": {...}, "permission": ...}``, changed with a PUT on ``.../ssh/{keyId}/permission/{permission}`` (the id stays)
and revoked with a DELETE that answers 204 also when nothing matched. Branch restrictions name keys by id (3.4).
"""

from __future__ import annotations

import functools
import json

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.module_utils._ssh_keys import parse_public_key
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_access_key
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_access_key import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit import sshkeygen
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, Call
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

PROJECT = "/rest/keys/latest/projects/PLAT/ssh"
REPO = "/rest/keys/latest/projects/PLAT/repos/app/ssh"
RESTRICTIONS = "/rest/branch-permissions/latest/projects/PLAT/restrictions"
REPO_RESTRICTIONS = "/rest/branch-permissions/latest/projects/PLAT/repos/app/restrictions"
SETTINGS = "/rest/ssh/latest/settings"
FIRST_PAGE = [("start", 0), ("limit", 1000)]
NOT_EFFECTIVE = [("effective", "false"), ("start", 0), ("limit", 1000)]

CI = sshkeygen.cached_key("ci 2026") + " ci@runner"
CI_OLD = sshkeygen.cached_key("ci 2025", "ecdsa") + " ci@old-runner"
DEPLOY = sshkeygen.cached_key("deploy", "rsa") + " deploy"


def errors(message, exception=None, context=None):
    return {"errors": [{"context": context, "message": message, "exceptionName": exception}]}


def page(values):
    return {"size": len(values), "limit": 1000, "start": 0, "isLastPage": True, "values": list(values)}


def access_key(line, key_id, permission, repository=False, label=None):
    """A RestSshAccessKey as Bitbucket answers it (seed 001 example)."""
    key = parse_public_key(line)
    entry = {
        "key": {"id": key_id, "text": key.line, "label": label or key.comment, "fingerprint": key.fingerprint, "createdDate": 1767225600000},
        "permission": permission,
        "project": {"key": "PLAT", "id": 4, "name": "Platform"},
    }
    if repository:
        entry["repository"] = {"slug": "app", "id": 9, "name": "app", "project": {"key": "PLAT"}}
    return entry


def listing(*entries, repository=False):
    return Call("GET", REPO if repository else PROJECT, query=NOT_EFFECTIVE if repository else FIRST_PAGE, body=page(entries))


def create(line, answer, permission, repository=False, label=None, status=201, body=None):
    sent = {"key": {"text": parse_public_key(line).line}, "permission": permission}
    if label is not None:
        sent["key"]["label"] = label
    return Call("POST", REPO if repository else PROJECT, json=sent, status=status, body=answer if body is None else body)


def set_permission(key_id, permission, answer, repository=False, status=200):
    return Call("PUT", "%s/%d/permission/%s" % (REPO if repository else PROJECT, key_id, permission), status=status, body=answer)


def revoke(key_id, repository=False, status=204, body=None):
    return Call("DELETE", "%s/%d" % (REPO if repository else PROJECT, key_id), status=status, body=body)


def restrictions(*entries, repository=False, status=200, body=None):
    return Call("GET", REPO_RESTRICTIONS if repository else RESTRICTIONS, query=FIRST_PAGE, status=status,
                body=page(entries) if body is None else body)


def restriction(restriction_id, *key_ids, field="accessKeys"):
    exempt = [{"key": {"id": key_id}} for key_id in key_ids] if field == "accessKeys" else list(key_ids)
    return {"id": restriction_id, "type": "no-deletes", "matcher": {"id": "refs/heads/main", "displayId": "main"}, field: exempt}


def fingerprint(line):
    return parse_public_key(line).ssh_keygen_fingerprint


@pytest.fixture
def run_module(http, make_context):
    def runner(params, check_mode=False, diff=True):
        context = make_context(MODULE_SPEC, params, check_mode=check_mode, diff=diff)
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


# -- grant ------------------------------------------------------------------------------------------


@CHECK_MODES
def test_grant_a_project_key(http, run_module, check_mode):
    created = access_key(CI, 7, "PROJECT_WRITE", label="ci")
    expect(http, [listing(), create(CI, created, "PROJECT_WRITE", label="ci")], check_mode)

    result = run_module(dict(project="PLAT", keys=[{"key": CI, "label": "ci", "permission": "PROJECT_WRITE"}]), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"] == {"before": {"access_keys": []},
                              "after": {"access_keys": [{"fingerprint": fingerprint(CI), "label": "ci", "permission": "PROJECT_WRITE"}]}}
    [entry] = result["access_keys"]
    assert entry["permission"] == "PROJECT_WRITE"
    assert entry["key"]["fingerprint_sha256"] == fingerprint(CI)
    assert entry["key"].get("id") == (None if check_mode else 7)
    http.assert_done()


@CHECK_MODES
def test_a_new_key_without_permission_gets_read_access(http, run_module, check_mode):
    expect(http, [listing(repository=True), create(DEPLOY, access_key(DEPLOY, 8, "REPO_READ", repository=True), "REPO_READ", repository=True)],
           check_mode)

    result = run_module(dict(project="PLAT", repository="app", keys=[{"key": DEPLOY}]), check_mode=check_mode)

    assert result["changed"] is True
    assert result["access_keys"][0]["permission"] == "REPO_READ"
    assert result["access_keys"][0]["key"]["label"] == "deploy"
    http.assert_done()


@CHECK_MODES
def test_a_repository_lists_only_its_own_keys(http, run_module, check_mode):
    # effective=false: a project key (which also gives access to the repository) is not the repository's own, so it is added there.
    expect(http, [listing(repository=True), create(CI, access_key(CI, 7, "REPO_WRITE", repository=True), "REPO_WRITE", repository=True)], check_mode)

    result = run_module(dict(project="PLAT", repository="app", keys=[{"key": CI, "permission": "REPO_WRITE"}]), check_mode=check_mode)

    assert result["changed"] is True
    assert http.calls[0].params == NOT_EFFECTIVE
    http.assert_done()


@CHECK_MODES
def test_a_key_with_its_permission_only_reads(http, run_module, check_mode):
    http.expect(listing(access_key(CI, 7, "PROJECT_READ"), access_key(DEPLOY, 8, "PROJECT_WRITE")))

    result = run_module(dict(project="PLAT", keys=[{"key": CI, "permission": "PROJECT_READ"}, {"key": DEPLOY}]), check_mode=check_mode)

    assert result["changed"] is False
    assert [entry["key"]["id"] for entry in result["access_keys"]] == [7, 8]
    http.assert_done()


@CHECK_MODES
def test_a_permission_change_keeps_the_key_and_its_id(http, run_module, check_mode):
    changed = access_key(CI, 7, "PROJECT_WRITE")
    expect(http, [listing(access_key(CI, 7, "PROJECT_READ")), set_permission(7, "PROJECT_WRITE", changed)], check_mode)

    result = run_module(dict(project="PLAT", keys=[{"key": CI, "permission": "PROJECT_WRITE"}]), check_mode=check_mode)

    assert result["changed"] is True
    assert [(entry["key"]["id"], entry["permission"]) for entry in result["access_keys"]] == [(7, "PROJECT_WRITE")]
    assert result["diff"]["before"]["access_keys"][0]["permission"] == "PROJECT_READ"
    # Never a revoke and a new grant: branch-restriction exemptions name the key by id (API-MAP 3.4, 3.8).
    assert [method for method, _path in writes(http)] == ([] if check_mode else ["PUT"])
    http.assert_done()


@CHECK_MODES
def test_a_differing_label_is_a_warning(http, run_module, check_mode):
    http.expect(listing(access_key(CI, 7, "PROJECT_READ", label="ci")))

    result = run_module(dict(project="PLAT", keys=[{"key": CI, "label": "build"}]), check_mode=check_mode)

    assert result["changed"] is False
    assert run_module.context.warnings == [
        "Access key ci@runner (%s) of project PLAT is labelled 'ci', not 'build'; Bitbucket cannot change the label of a key." % fingerprint(CI)
    ]
    http.assert_done()


# -- revoke -----------------------------------------------------------------------------------------


@CHECK_MODES
def test_absent_revokes_the_listed_keys(http, run_module, check_mode):
    expect(http, [listing(access_key(CI, 7, "PROJECT_READ"), access_key(CI_OLD, 6, "PROJECT_READ")), restrictions(), revoke(6)], check_mode)

    result = run_module(dict(project="PLAT", keys=[{"key": CI_OLD}], state="absent"), check_mode=check_mode)

    assert result["changed"] is True
    assert [entry["key"]["id"] for entry in result["access_keys"]] == [7]
    http.assert_done()


@CHECK_MODES
def test_absent_for_keys_without_access_only_reads(http, run_module, check_mode):
    http.expect(listing(access_key(CI, 7, "PROJECT_READ")))

    result = run_module(dict(project="PLAT", keys=[{"key": CI_OLD}], state="absent"), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_a_rotation_grants_the_new_key_then_revokes_the_old_one(http, run_module, check_mode):
    new = access_key(CI, 7, "PROJECT_READ")
    expect(http, [listing(access_key(CI_OLD, 6, "PROJECT_READ")), restrictions(), create(CI, new, "PROJECT_READ"), revoke(6)], check_mode)

    result = run_module(dict(project="PLAT", keys=[{"key": CI}], purge=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"]["after"]["access_keys"] == [{"fingerprint": fingerprint(CI), "label": "ci@runner", "permission": "PROJECT_READ"}]
    assert writes(http) == ([] if check_mode else [("POST", PROJECT), ("DELETE", PROJECT + "/6")])
    http.assert_done()


@CHECK_MODES
@pytest.mark.parametrize("field", ["accessKeys", "accessKeyIds"])
def test_a_key_a_branch_restriction_exempts_is_not_revoked(http, run_module, check_mode, field):
    http.expect(listing(access_key(CI_OLD, 6, "PROJECT_WRITE")), restrictions(restriction(31, 6, field=field), restriction(32, 99, field=field)))

    result = run_module(dict(project="PLAT", keys=[{"key": CI}], purge=True), check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == "keys"
    assert result["msg"] == (
        "Revoking would take access keys out of branch restrictions of project PLAT: ci@old-runner (%s), exempted by no-deletes on main "
        "(restriction 31). Nothing was changed: add the replacement key to those restrictions first, or set force: true." % fingerprint(CI_OLD)
    )
    assert writes(http) == []
    http.assert_done()


@CHECK_MODES
def test_force_revokes_an_exempted_key_without_reading_the_restrictions(http, run_module, check_mode):
    expect(http, [listing(access_key(CI_OLD, 6, "REPO_WRITE", repository=True), repository=True), revoke(6, repository=True)], check_mode)

    result = run_module(dict(project="PLAT", repository="app", keys=[{"key": CI_OLD}], state="absent", force=True), check_mode=check_mode)

    assert result["changed"] is True
    http.assert_done()


def test_unreadable_restrictions_refuse_a_revoke(http, run_module):
    http.expect(listing(access_key(CI_OLD, 6, "PROJECT_READ")), restrictions(status=401, body=errors("You are not permitted to access this resource")))

    result = run_module(dict(project="PLAT", keys=[{"key": CI_OLD}], state="absent"))

    assert result["failed"] is True
    assert result["msg"].startswith("Cannot read the branch restrictions of project PLAT")
    http.assert_done()


def test_a_server_without_branch_restrictions_lets_the_revoke_through(http, run_module):
    http.expect(listing(access_key(CI_OLD, 6, "PROJECT_READ")), restrictions(status=404, body=errors("No resource found.")), revoke(6))

    result = run_module(dict(project="PLAT", keys=[{"key": CI_OLD}], state="absent"))

    assert result["changed"] is True
    http.assert_done()


@CHECK_MODES
def test_purging_every_key_is_refused_without_force(http, run_module, check_mode):
    http.expect(listing(access_key(CI, 7, "PROJECT_READ")))

    result = run_module(dict(project="PLAT", purge=True), check_mode=check_mode)

    assert result["failed"] is True
    assert "would remove all 1 SSH keys of project PLAT" in result["msg"]
    assert writes(http) == []
    http.assert_done()


# -- bad input ----------------------------------------------------------------------------------------


@CHECK_MODES
@pytest.mark.parametrize(
    "params, option, words",
    [
        (dict(keys=[{"key": CI, "permission": "REPO_READ"}]), "keys",
         "item 1: REPO_READ is not an access-key permission of a project; use PROJECT_READ or PROJECT_WRITE"),
        (dict(repository="app", keys=[{"key": CI, "permission": "PROJECT_WRITE"}]), "keys", "use REPO_READ or REPO_WRITE"),
        (dict(keys=[{"key": "ssh-ed25519"}]), "keys", "item 1: the key holds a key type"),
        (dict(keys=[{"key": CI}, {"key": CI}]), "keys", "items 1 and 2 are the same key"),
        (dict(keys=[{"key": CI, "label": ""}]), "keys", "the label must not be empty"),
        (dict(keys=[{"key": CI}], purge=True, state="absent"), "purge", "only with state=present"),
    ],
)
def test_bad_input_is_refused_without_any_call(http, run_module, check_mode, params, option, words):
    result = run_module(dict(project="PLAT", **params), check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert words in result["msg"]
    assert http.calls == []


# -- refused creates ---------------------------------------------------------------------------------


def test_a_create_refused_because_access_keys_are_disabled_says_so(http, run_module):
    http.expect(
        listing(),
        create(CI, None, "PROJECT_READ", status=400, body=errors("SSH access keys are disabled on this instance.", context="key")),
        Call("GET", SETTINGS, body={"enabled": True, "accessKeysEnabled": False}),
    )

    result = run_module(dict(project="PLAT", keys=[{"key": CI}]))

    assert result["failed"] is True
    assert result["msg"].endswith("SSH access keys are disabled on this Bitbucket instance (accessKeysEnabled is false in GET %s)" % SETTINGS)
    http.assert_done()


def test_another_status_for_disabled_access_keys_is_explained_too(http, run_module):
    # API-MAP 3.8 (VERIFY): the documents do not say how a create fails while access keys are off.
    http.expect(listing(), create(CI, None, "PROJECT_READ", status=403, body=errors("Feature disabled")),
                Call("GET", SETTINGS, body={"enabled": True, "accessKeysEnabled": False}))

    result = run_module(dict(project="PLAT", keys=[{"key": CI}]))

    assert result["http_status"] == 403
    assert "SSH access keys are disabled on this Bitbucket instance" in result["msg"]
    http.assert_done()


def conflict_search_calls(found_for_bob):
    return [
        Call("GET", "/rest/api/latest/users", query=FIRST_PAGE, body=page([{"name": "bob"}])),
        Call("GET", "/rest/ssh/latest/keys", query=[("userName", "bob")] + FIRST_PAGE,
             body=page([{"id": 40, "text": parse_public_key(CI).line}] if found_for_bob else [])),
    ]


@pytest.mark.parametrize("status", [409, 400], ids=["409-documented-reading", "400-other-reading"])
def test_a_user_key_refused_as_access_key_is_explained(http, run_module, status):
    http.expect(
        listing(),
        create(CI, None, "PROJECT_READ", status=status, body=errors("The SSH key already exists on the system.")),
        *([listing()] if status == 409 else []),
        Call("GET", SETTINGS, body={"enabled": True, "accessKeysEnabled": True}),
        *conflict_search_calls(found_for_bob=True),
    )

    result = run_module(dict(project="PLAT", keys=[{"key": CI}]))

    assert result["failed"] is True
    assert result["http_status"] == status
    assert "is already registered: it is an SSH key of user bob (key id 40)" in result["msg"]
    http.assert_done()


def test_a_400_that_is_not_a_conflict_is_left_as_bitbucket_said_it(http, run_module):
    message = "RSA keys must be at least 2048 bits long; this one has 1024."
    http.expect(
        listing(),
        create(CI, None, "PROJECT_READ", status=400, body=errors(message, context="key.text")),
        Call("GET", SETTINGS, body={"enabled": True, "accessKeysEnabled": True}),
        Call("GET", "/rest/api/latest/users", query=FIRST_PAGE, body=page([])),
        Call("GET", "/rest/api/latest/projects", query=FIRST_PAGE, body=page([])),
    )

    result = run_module(dict(project="PLAT", keys=[{"key": CI}]))

    assert result["msg"] == "POST %s: HTTP 400: key.text: %s" % (PROJECT, message)
    http.assert_done()


def test_a_key_granted_meanwhile_by_a_parallel_run_is_converged_on(http, run_module):
    http.expect(listing(), create(CI, None, "PROJECT_READ", status=409, body=errors("The SSH key already exists on the system.")),
                listing(access_key(CI, 7, "PROJECT_READ")))

    result = run_module(dict(project="PLAT", keys=[{"key": CI}]))

    assert "failed" not in result
    assert result["changed"] is True
    http.assert_done()


@CHECK_MODES
def test_a_missing_scope_is_named(http, run_module, check_mode):
    http.expect(Call("GET", REPO, query=NOT_EFFECTIVE, status=404, body=errors("Repository app does not exist.")))

    result = run_module(dict(project="PLAT", repository="app", keys=[{"key": CI}]), check_mode=check_mode)

    assert result["msg"] == "GET %s: HTTP 404: Repository app does not exist. (repository PLAT/app does not exist, or the credentials cannot see it)" % REPO
    http.assert_done()


# -- answers lost after the write landed --------------------------------------------------------------


def test_a_grant_that_landed_behind_a_500_is_not_repeated(http, run_module):
    http.expect(listing(), create(CI, None, "PROJECT_READ", status=500, body=errors("Injected fault")), listing(access_key(CI, 7, "PROJECT_READ")))

    result = run_module(dict(project="PLAT", keys=[{"key": CI}]))

    assert "failed" not in result
    assert [entry["key"]["id"] for entry in result["access_keys"]] == [7]
    http.assert_done()


def test_a_permission_change_that_landed_behind_a_500_is_read_back_by_id(http, run_module):
    http.expect(
        listing(access_key(CI, 7, "PROJECT_READ")),
        set_permission(7, "PROJECT_WRITE", errors("Injected fault"), status=500),
        Call("GET", PROJECT + "/7", body=access_key(CI, 7, "PROJECT_WRITE")),
    )

    result = run_module(dict(project="PLAT", keys=[{"key": CI, "permission": "PROJECT_WRITE"}]))

    assert "failed" not in result
    assert result["access_keys"][0]["permission"] == "PROJECT_WRITE"
    http.assert_done()


def test_a_revoke_that_landed_behind_a_500_is_not_repeated(http, run_module):
    http.expect(
        listing(access_key(CI_OLD, 6, "REPO_READ", repository=True), repository=True),
        restrictions(repository=True),
        revoke(6, repository=True, status=500, body=errors("Injected fault")),
        Call("GET", REPO + "/6", status=404, body=errors("No access key with id 6 exists for repository PLAT/app.")),
    )

    result = run_module(dict(project="PLAT", repository="app", keys=[{"key": CI_OLD}], state="absent"))

    assert "failed" not in result
    assert result["changed"] is True
    http.assert_done()


# -- main() -----------------------------------------------------------------------------------------------


run_main = functools.partial(main_of, bitbucket_access_key)


def test_main_in_check_mode_reads_only(monkeypatch, capsys, http):
    http.expect(listing(access_key(CI, 7, "PROJECT_READ")))

    args = dict(url=BASE_URL, token="unit-test-token", project="PLAT", keys=[{"key": CI, "permission": "PROJECT_WRITE"}], _ansible_check_mode=True)
    code, output = run_main(monkeypatch, capsys, http, args)

    assert code == 0
    assert output["changed"] is True
    assert output["access_keys"][0]["permission"] == "PROJECT_WRITE"
    assert "unit-test-token" not in json.dumps(output)
    http.assert_done()


@pytest.mark.parametrize("args, words", [(dict(keys=[{"key": CI, "permission": "PROJECT_ADMIN"}]), "permission"), (dict(project=None), "project")])
def test_main_refuses_invalid_options_without_any_call(monkeypatch, capsys, http, args, words):
    params = dict(url=BASE_URL, token="unit-test-token", project="PLAT")
    params.update(args)
    code, output = run_main(monkeypatch, capsys, http, {key: value for key, value in params.items() if value is not None})

    assert code == 1
    assert words in output["msg"]
    assert http.calls == []
