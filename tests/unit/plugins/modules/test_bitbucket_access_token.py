"""bitbucket_access_token: the exact HTTP calls of every scenario, in order, each also in check mode.

API-MAP 3.5: create is a PUT on the owner's collection (200, the only answer with the raw ``token``),
update is a POST on the item, delete a DELETE on the item; names are not unique; the expiry cannot change.
"""

from __future__ import annotations

import functools

import json

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils import _client
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_access_token
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_access_token import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, FIRST_PAGE, Call, connection_reset, errors, page, read_timeout
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

PROJECT_TOKENS = "/rest/access-tokens/latest/projects/PLAT"
REPO_TOKENS = "/rest/access-tokens/latest/projects/PLAT/repos/deploy"
USER_TOKENS = "/rest/access-tokens/latest/users/alice"
DAY_MS = 24 * 60 * 60 * 1000
CREATED = 1767225600000  # 2026-01-01T00:00:00Z, epoch ms as live servers send dates (API-MAP 1.8)
NOW = CREATED + 10 * DAY_MS
OLD_ID = "252973515069"
NEW_ID = "883625370512"
OLD_SECRET = "MjUyOTczNTE1MDY5OmOldSecretNeverShownAgain"
SECRET = "ODgzNjI1MzcwNTEyOnRoZS1yYXctc2VjcmV0LXZhbHVl"
READ_WRITE = ["PROJECT_READ", "REPO_WRITE"]
POLICY = "/rest/access-tokens/latest/admin"


def server_token(token_id=OLD_ID, name="ci", permissions=tuple(READ_WRITE), expiry_days=None, created=CREATED, secret=None, **extra):
    """A token as a live server describes it (API-MAP 3.5 / §7 #10); ``token`` only in a create answer."""
    token = {
        "id": token_id,
        "createdDate": created,
        "name": name,
        "permissions": list(permissions),
        "user": {"name": "project-token-%s" % token_id, "slug": "project-token-%s" % token_id, "id": 40, "type": "SERVICE", "active": True},
    }
    if expiry_days is not None:
        token["expiryDays"] = expiry_days
        token["expiryDate"] = created + expiry_days * DAY_MS
    if secret is not None:
        token["token"] = secret
    token.update(extra)
    return token


def public(token):
    return {key: value for key, value in token.items() if key != "token"}


def listing(*tokens, path=PROJECT_TOKENS):
    return Call("GET", path, query=FIRST_PAGE, body=page(tokens))


def create(body, answer=None, path=PROJECT_TOKENS, status=200, raises=None):
    return Call("PUT", path, json=body, status=status, body=answer, raises=raises)


def no_policy():
    """The expiry policy read before a create, on a 9.4 server that does not have the endpoint (seed 002)."""
    return Call("GET", POLICY, status=404, body=errors("No resource found for GET %s." % POLICY))


def policy(max_expiry_days):
    return Call("GET", POLICY, body={"maxExpiryDays": max_expiry_days})


def fields(name="ci", permissions=tuple(READ_WRITE), expiry_days=None):
    managed = {"name": name, "permissions": sorted(permissions)}
    if expiry_days is not None:
        managed["expiry_days"] = expiry_days
    return managed


@pytest.fixture
def run_module(http, make_context):
    """``run(context)`` through ``execute``; password authentication unless ``token_auth``.

    Bitbucket refuses token authentication for token writes (API-MAP 1.2), so password is the normal case.
    The last run's context is kept as ``runner.context`` (its warnings).
    """

    def runner(params, check_mode=False, diff=True, verbosity=0, token_auth=False):
        context = make_context(MODULE_SPEC, params, check_mode=check_mode, diff=diff, verbosity=verbosity)
        if not token_auth:
            context.params.update(token=None, username="automation", password="automation-pw")
        runner.context = context
        result = execute(run, context)
        assert http.closed or not http.calls, "the session of the run was not closed"
        return result

    return runner


@pytest.fixture
def fixed_now(monkeypatch):
    """The module's clock (``time.time()``), fixed at NOW."""
    monkeypatch.setattr(bitbucket_access_token.time, "time", lambda: NOW / 1000.0)
    return NOW


def expect(http, calls, check_mode):
    http.expect(*[call for call in calls if not check_mode or call.method == "GET"])


def writes(http):
    return [(call.method, call.path) for call in http.calls if call.method != "GET"]


def assert_no_secret_outside_secret(result, *secrets):
    """The secret may only be in ``secret``: never in ``token``, the diff or anything else."""
    rest = {key: value for key, value in result.items() if key != "secret"}
    dumped = json.dumps(rest)
    for secret in secrets:
        assert secret not in dumped
    assert "token" not in result.get("token", {})


CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])


# -- create -------------------------------------------------------------------------------------


def test_create_returns_the_secret_once_and_hides_the_result(http, run_module):
    created = server_token(NEW_ID, expiry_days=90, secret=SECRET)
    http.expect(listing(), no_policy(), create({"name": "ci", "permissions": READ_WRITE, "expiryDays": 90}, created))

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE, expiry_days=90))

    assert result == {
        "changed": True,
        "token": public(created),
        "recreated": False,
        "secret": SECRET,
        "diff": {"before": {}, "after": fields(expiry_days=90)},
    }
    assert_no_secret_outside_secret(result, SECRET)
    http.assert_done()


def test_create_in_check_mode_only_reads_and_returns_no_secret(http, run_module):
    http.expect(listing(), no_policy())

    result = run_module(dict(project="PLAT", name="ci", permissions=["REPO_WRITE", "PROJECT_READ"], expiry_days=90), check_mode=True)

    assert result == {
        "changed": True,
        "token": {"name": "ci", "permissions": READ_WRITE, "expiryDays": 90},
        "recreated": False,
        "diff": {"before": {}, "after": fields(expiry_days=90)},
    }
    http.assert_done()


def test_create_without_expiry_sends_no_expiry(http, run_module):
    created = server_token(NEW_ID, secret=SECRET)
    http.expect(listing(server_token("111111111111", name="other")), no_policy(), create({"name": "ci", "permissions": READ_WRITE}, created))

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE))

    assert result["changed"] is True
    assert result["secret"] == SECRET
    assert result["diff"]["after"] == fields()
    assert http.calls[1].data is None  # a JSON body, not the empty body of bodiless writes
    http.assert_done()


@pytest.mark.parametrize(
    "owner, path, permissions",
    [
        (dict(project="PLAT", repository="deploy"), REPO_TOKENS, ["REPO_READ"]),
        (dict(user="alice"), USER_TOKENS, ["PROJECT_ADMIN", "REPO_ADMIN"]),
        (dict(project_key="PLAT", repository_slug="deploy"), REPO_TOKENS, ["REPO_ADMIN"]),
    ],
    ids=["repository", "user", "aliases"],
)
def test_create_for_every_owner(http, run_module, owner, path, permissions):
    created = server_token(NEW_ID, permissions=permissions, secret=SECRET)
    http.expect(listing(path=path), no_policy(), create({"name": "ci", "permissions": permissions}, created, path=path))

    result = run_module(dict(owner, name="ci", permissions=permissions))

    assert result["changed"] is True
    assert result["secret"] == SECRET
    assert result["token"]["id"] == NEW_ID
    http.assert_done()


def test_a_numeric_id_is_returned_as_a_string(http, run_module):
    created = server_token(int(NEW_ID), secret=SECRET)
    http.expect(listing(), no_policy(), create({"name": "ci", "permissions": READ_WRITE}, created))

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE))

    assert result["token"]["id"] == NEW_ID
    http.assert_done()


def test_a_repeated_permission_is_sent_once(http, run_module):
    # RestAccessTokenRequest.permissions is a set (spec: uniqueItems, API-MAP 3.5).
    created = server_token(NEW_ID, secret=SECRET)
    http.expect(listing(path=REPO_TOKENS), no_policy(), create({"name": "ci", "permissions": ["REPO_READ"]}, created, path=REPO_TOKENS))

    result = run_module(dict(project="PLAT", repository="deploy", name="ci", permissions=["REPO_READ", "REPO_READ"]))

    assert result["changed"] is True
    http.assert_done()


@CHECK_MODES
def test_create_without_permissions_is_refused_after_the_lookup(http, run_module, check_mode):
    http.expect(listing())

    result = run_module(dict(project="PLAT", name="ci"), check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == "permissions"
    assert "required to create access token 'ci' of project PLAT" in result["msg"]
    assert writes(http) == []
    http.assert_done()


# -- update -------------------------------------------------------------------------------------


def test_a_changed_permission_set_is_updated_in_place_and_keeps_the_id(http, run_module):
    current = server_token(permissions=["PROJECT_READ", "REPO_READ"], expiry_days=30)
    updated = server_token(permissions=READ_WRITE, expiry_days=30)
    http.expect(listing(current), Call("POST", PROJECT_TOKENS + "/" + OLD_ID, json={"permissions": READ_WRITE}, body=updated))

    result = run_module(dict(project="PLAT", name="ci", permissions=["REPO_WRITE", "PROJECT_READ"], expiry_days=30))

    assert result == {
        "changed": True,
        "token": public(updated),
        "recreated": False,
        "diff": {"before": fields(permissions=["PROJECT_READ", "REPO_READ"], expiry_days=30), "after": fields(expiry_days=30)},
    }
    assert result["token"]["id"] == OLD_ID
    assert "secret" not in result
    http.assert_done()


def test_update_in_check_mode_only_reads(http, run_module):
    current = server_token(permissions=["PROJECT_READ", "REPO_READ"])
    http.expect(listing(current))

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE), check_mode=True)

    assert result == {
        "changed": True,
        "token": public(dict(current, permissions=READ_WRITE)),
        "recreated": False,
        "diff": {"before": fields(permissions=["PROJECT_READ", "REPO_READ"]), "after": fields()},
    }
    http.assert_done()


def test_an_update_answered_without_the_token_is_read_back(http, run_module):
    current = server_token(permissions=["PROJECT_READ", "REPO_READ"])
    http.expect(
        listing(current),
        Call("POST", PROJECT_TOKENS + "/" + OLD_ID, json={"permissions": READ_WRITE}, status=204),
        Call("GET", PROJECT_TOKENS + "/" + OLD_ID, body=server_token()),
    )

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE))

    assert result["changed"] is True
    assert result["token"] == public(server_token())
    http.assert_done()


# -- no-op --------------------------------------------------------------------------------------


@CHECK_MODES
@pytest.mark.parametrize(
    "params",
    [
        dict(permissions=["REPO_WRITE", "PROJECT_READ"]),
        dict(permissions=READ_WRITE, expiry_days=30),
        dict(),  # no permissions given: the existing token is fine as it is
    ],
    ids=["permissions-in-another-order", "same-expiry", "permissions-not-given"],
)
def test_no_op_only_reads_and_returns_no_secret(http, run_module, check_mode, params):
    current = server_token(expiry_days=30)
    http.expect(listing(server_token("111111111111", name="ci-old"), current))

    result = run_module(dict(project="PLAT", name="ci", **params), check_mode=check_mode)

    assert result == {
        "changed": False,
        "token": public(current),
        "recreated": False,
        "diff": {"before": fields(expiry_days=30), "after": fields(expiry_days=30)},
    }
    assert runner_warnings(run_module) == []
    http.assert_done()


def runner_warnings(run_module):
    return run_module.context.warnings


def test_permissions_are_compared_only_when_the_server_lists_them(http, run_module):
    # API-MAP §7 #10: the spec's RestAccessToken has no permissions; compare them only when present.
    current = {"id": OLD_ID, "name": "ci", "createdDate": CREATED}
    http.expect(listing(current))

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE))

    assert result["changed"] is False
    assert result["token"] == current
    http.assert_done()


def test_tokens_are_found_on_a_later_page(http, run_module):
    current = server_token()
    http.expect(
        Call("GET", PROJECT_TOKENS, query=FIRST_PAGE, body=page([server_token("111111111111", name="a")], next_start=1)),
        Call("GET", PROJECT_TOKENS, query=[("start", 1), ("limit", 1000)], body=page([current], start=1)),
    )

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE))

    assert result["changed"] is False
    assert result["token"]["id"] == OLD_ID
    http.assert_done()


def test_names_match_exactly(http, run_module):
    # "ci" is neither "CI" nor "ci-old": a new token is created.
    http.expect(
        listing(server_token("111111111111", name="CI"), server_token("222222222222", name="ci-old")),
        no_policy(),
        create({"name": "ci", "permissions": READ_WRITE}, server_token(NEW_ID, secret=SECRET)),
    )

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE))

    assert result["changed"] is True
    assert result["token"]["id"] == NEW_ID
    http.assert_done()


# -- delete -------------------------------------------------------------------------------------


@CHECK_MODES
def test_delete(http, run_module, check_mode):
    expect(http, [listing(server_token(expiry_days=30)), Call("DELETE", PROJECT_TOKENS + "/" + OLD_ID, status=204)], check_mode)

    result = run_module(dict(project="PLAT", name="ci", state="absent"), check_mode=check_mode)

    assert result == {"changed": True, "token": {}, "recreated": False, "diff": {"before": fields(expiry_days=30), "after": {}}}
    if not check_mode:
        assert http.calls[1].data == b""
    http.assert_done()


@CHECK_MODES
def test_delete_absent_only_reads(http, run_module, check_mode):
    http.expect(listing(server_token(name="other")))

    result = run_module(dict(project="PLAT", name="ci", state="absent"), check_mode=check_mode)

    assert result == {"changed": False, "token": {}, "recreated": False, "diff": {"before": {}, "after": {}}}
    http.assert_done()


def test_a_token_deleted_by_someone_else_meanwhile_is_fine(http, run_module):
    http.expect(listing(server_token()), Call("DELETE", PROJECT_TOKENS + "/" + OLD_ID, status=404, body=errors("No access token with id %s exists." % OLD_ID)))

    result = run_module(dict(project="PLAT", name="ci", state="absent"))

    assert "failed" not in result
    assert result["changed"] is True
    http.assert_done()


# -- bad input: refused before any request -------------------------------------------------------


@CHECK_MODES
@pytest.mark.parametrize(
    "params, option, words",
    [
        (dict(project="PLAT", permissions=["PROJECT_WRITE", "REPO_READ"]), "permissions", "PROJECT_WRITE needs a repository permission at least as high"),
        (dict(project="PLAT", permissions=["PROJECT_ADMIN", "REPO_WRITE"]), "permissions", "PROJECT_ADMIN needs a repository permission"),
        (dict(project="PLAT", permissions=["PROJECT_READ"]), "permissions", "PROJECT_READ needs a repository permission"),
        (dict(project="PLAT", repository="deploy", permissions=["PROJECT_READ", "REPO_READ"]), "permissions", "REPO_* permissions only"),
        (dict(project="PLAT", repository="deploy", permissions=["PROJECT_ADMIN", "REPO_ADMIN"]), "permissions", "REPO_* permissions only"),
        (dict(project="PLAT", permissions=["PROJECT_READ", "PROJECT_WRITE", "REPO_WRITE"]), "permissions", "at most one PROJECT_* and one REPO_*"),
        (dict(user="alice", permissions=["REPO_READ", "REPO_ADMIN"]), "permissions", "at most one PROJECT_* and one REPO_*"),
        (dict(project="PLAT", permissions=[]), "permissions", "give at least one permission"),
        (dict(project="PLAT", permissions=READ_WRITE, expiry_days=0), "expiry_days", "must be 1 or more"),
        (dict(project="PLAT", permissions=READ_WRITE, expiry_days=-30), "expiry_days", "must be 1 or more"),
        (dict(project="PLAT", permissions=READ_WRITE, recreate="expiring", recreate_within_days=-1), "recreate_within_days", "must be 0 or more"),
        (dict(project="PLAT", permissions=READ_WRITE, name="   "), "name", "must not be empty"),
        (dict(project="PLAT", permissions=READ_WRITE, expiry_days=0, state="absent"), "expiry_days", "must be 1 or more"),
    ],
)
def test_bad_input_is_refused_without_any_call(http, run_module, check_mode, params, option, words):
    result = run_module(dict(dict(name="ci"), **params), check_mode=check_mode)

    assert result["failed"] is True
    assert result["changed"] is False
    assert result["invalid_option"] == option
    assert result["msg"].startswith("Invalid value for option '%s'" % option)
    assert words in result["msg"]
    assert http.calls == []


@pytest.mark.parametrize("permissions", [["REPO_READ"], ["PROJECT_READ", "REPO_READ"], ["PROJECT_WRITE", "REPO_ADMIN"], ["PROJECT_ADMIN", "REPO_ADMIN"]])
def test_valid_project_token_permission_sets_are_accepted(http, run_module, permissions):
    http.expect(listing(), no_policy())

    result = run_module(dict(project="PLAT", name="ci", permissions=permissions), check_mode=True)

    assert result["changed"] is True
    assert result["token"]["permissions"] == sorted(permissions)
    http.assert_done()


# -- names are not unique ---------------------------------------------------------------------


@CHECK_MODES
@pytest.mark.parametrize("state", ["present", "absent"])
def test_two_tokens_of_the_same_name_are_an_error_that_lists_their_ids(http, run_module, check_mode, state):
    http.expect(listing(server_token("333333333333"), server_token("111111111111", name="other"), server_token("222222222222")))

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE, state=state), check_mode=check_mode)

    assert result["failed"] is True
    assert result["changed"] is False
    assert "project PLAT has 2 access tokens named 'ci' (ids 222222222222, 333333333333)" in result["msg"]
    assert result["token_ids"] == ["222222222222", "333333333333"]
    assert writes(http) == []
    http.assert_done()


# -- recreate -----------------------------------------------------------------------------------


def test_recreate_always_replaces_the_token(http, run_module):
    created = server_token(NEW_ID, expiry_days=90, created=NOW, secret=SECRET)
    http.expect(
        listing(server_token(expiry_days=90)),
        no_policy(),
        # The new token first: the old one goes only once a working replacement exists.
        create({"name": "ci", "permissions": READ_WRITE, "expiryDays": 90}, created),
        Call("DELETE", PROJECT_TOKENS + "/" + OLD_ID, status=204),
    )

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE, expiry_days=90, recreate="always"))

    assert result == {
        "changed": True,
        "token": public(created),
        "recreated": True,
        "secret": SECRET,
        "diff": {"before": fields(expiry_days=90), "after": fields(expiry_days=90)},
    }
    assert result["token"]["id"] != OLD_ID
    assert_no_secret_outside_secret(result, SECRET)
    http.assert_done()


def test_recreate_always_in_check_mode_only_reads(http, run_module):
    http.expect(listing(server_token()), no_policy())

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE, recreate="always"), check_mode=True)

    assert result["changed"] is True
    assert result["recreated"] is True
    assert "secret" not in result
    http.assert_done()


@CHECK_MODES
def test_recreate_on_change_replaces_a_token_whose_expiry_differs(http, run_module, check_mode):
    created = server_token(NEW_ID, expiry_days=90, secret=SECRET)
    expect(
        http,
        [
            listing(server_token(expiry_days=30)),
            no_policy(),
            create({"name": "ci", "permissions": READ_WRITE, "expiryDays": 90}, created),
            Call("DELETE", PROJECT_TOKENS + "/" + OLD_ID, status=204),
        ],
        check_mode,
    )

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE, expiry_days=90, recreate="on_change"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["recreated"] is True
    assert result["diff"] == {"before": fields(expiry_days=30), "after": fields(expiry_days=90)}
    assert ("secret" in result) is not check_mode
    http.assert_done()


@CHECK_MODES
def test_recreate_on_change_reads_the_expiry_from_the_dates_when_expiry_days_is_missing(http, run_module, check_mode):
    current = server_token()
    current.update(createdDate=CREATED, expiryDate=CREATED + 30 * DAY_MS)
    http.expect(listing(current))

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE, expiry_days=30, recreate="on_change"), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_recreate_on_change_keeps_a_token_with_the_same_expiry(http, run_module, check_mode):
    http.expect(listing(server_token(expiry_days=90)))

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE, expiry_days=90, recreate="on_change"), check_mode=check_mode)

    assert result["changed"] is False
    assert result["recreated"] is False
    http.assert_done()


@CHECK_MODES
def test_recreate_never_keeps_a_token_whose_expiry_differs_and_warns(http, run_module, check_mode):
    http.expect(listing(server_token(expiry_days=30)))

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE, expiry_days=90), check_mode=check_mode)

    assert result["changed"] is False
    assert "secret" not in result
    (warning,) = runner_warnings(run_module)
    assert "'ci' of project PLAT expires 30 days after its creation, not 90" in warning
    assert "recreate=on_change" in warning
    http.assert_done()


@pytest.mark.parametrize(
    "expires_in_days, replaced",
    [(3, True), (7, True), (-1, True), (7.001, False), (30, False), (None, False)],
    ids=["within", "on-the-boundary", "already-expired", "just-outside", "far-away", "never-expires"],
)
@CHECK_MODES
def test_recreate_expiring_replaces_a_token_that_expires_within_the_window(http, run_module, fixed_now, check_mode, expires_in_days, replaced):
    current = server_token()
    if expires_in_days is not None:
        current.update(expiryDays=40, expiryDate=int(fixed_now + expires_in_days * DAY_MS))
    created = server_token(NEW_ID, expiry_days=40, created=fixed_now, secret=SECRET)
    calls = [listing(current)]
    if replaced:
        calls += [
            no_policy(),
            create({"name": "ci", "permissions": READ_WRITE, "expiryDays": 40}, created),
            Call("DELETE", PROJECT_TOKENS + "/" + OLD_ID, status=204),
        ]
    expect(http, calls, check_mode)

    result = run_module(
        dict(project="PLAT", name="ci", permissions=READ_WRITE, expiry_days=40, recreate="expiring", recreate_within_days=7), check_mode=check_mode
    )

    assert result["changed"] is replaced
    assert result["recreated"] is replaced
    assert ("secret" in result) is (replaced and not check_mode)
    if replaced and not check_mode:
        assert result["secret"] == SECRET
        assert result["token"]["id"] == NEW_ID
        assert_no_secret_outside_secret(result, SECRET)
    http.assert_done()


# -- token authentication cannot write tokens ---------------------------------------------------


@pytest.mark.parametrize(
    "params, current",
    [
        (dict(permissions=READ_WRITE), None),
        (dict(permissions=["PROJECT_WRITE", "REPO_WRITE"]), server_token()),
        (dict(state="absent"), server_token()),
        (dict(permissions=READ_WRITE, recreate="always"), server_token()),
    ],
    ids=["create", "update", "delete", "recreate"],
)
@CHECK_MODES
def test_a_token_authenticated_run_that_needs_a_change_fails_before_writing(http, run_module, check_mode, params, current):
    http.expect(listing(*([current] if current else [])))

    result = run_module(dict(project="PLAT", name="ci", **params), check_mode=check_mode, token_auth=True)

    assert result["failed"] is True
    assert result["changed"] is False
    assert "Access token 'ci' of project PLAT needs a change" in result["msg"]
    assert "does not let an HTTP access token create, change or delete access tokens" in result["msg"]
    assert "authenticate with username and password" in result["msg"]
    assert writes(http) == []
    http.assert_done()


@CHECK_MODES
def test_a_token_authenticated_run_may_find_that_nothing_needs_to_change(http, run_module, check_mode):
    http.expect(listing(server_token()))

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE), check_mode=check_mode, token_auth=True)

    assert "failed" not in result
    assert result["changed"] is False
    assert http.headers["Authorization"].startswith("Bearer ")
    http.assert_done()


# -- an ambiguous create failure ----------------------------------------------------------------


def test_a_create_answered_500_removes_the_orphan_and_creates_once_more(http, run_module):
    # The PUT landed but its answer (with the only copy of the secret) was lost: the orphan goes, a new one is made.
    orphan = server_token("444444444444")
    created = server_token(NEW_ID, secret=SECRET)
    body = {"name": "ci", "permissions": READ_WRITE}
    http.expect(
        listing(server_token("111111111111", name="other")),
        no_policy(),
        create(body, errors("Injected fault: the change was applied but the response failed."), status=500),
        listing(server_token("111111111111", name="other"), orphan),
        Call("DELETE", PROJECT_TOKENS + "/444444444444", status=204),
        create(body, created),
    )

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE))

    assert "failed" not in result
    assert result["changed"] is True
    assert result["secret"] == SECRET
    assert result["token"]["id"] == NEW_ID
    assert runner_warnings(run_module) == ["Removed access token 444444444444, created by a request whose answer was lost, and created it again"]
    http.assert_done()


@pytest.mark.parametrize("lost", [
    dict(status=502), dict(status=503), dict(status=504), dict(raises=connection_reset()), dict(raises=read_timeout()),
], ids=["502", "503", "504", "dropped", "read-timeout"])
def test_a_create_that_landed_behind_an_ambiguous_answer_removes_the_orphan_and_creates_once_more(http, run_module, lost):
    # A gateway error or a lost connection after the PUT was sent: the token may exist, but its secret never
    # reached us. The orphan (a token of this name that was not there before) is deleted and the token made again,
    # so the user gets a secret that works and no unusable token stays behind.
    body = {"name": "ci", "permissions": READ_WRITE}
    http.expect(
        listing(server_token("111111111111", name="other")),
        no_policy(),
        create(body, **lost),
        listing(server_token("111111111111", name="other"), server_token("444444444444")),
        Call("DELETE", PROJECT_TOKENS + "/444444444444", status=204),
        create(body, server_token(NEW_ID, secret=SECRET)),
    )

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE))

    assert "failed" not in result
    assert (result["changed"], result["secret"], result["token"]["id"]) == (True, SECRET, NEW_ID)
    assert runner_warnings(run_module) == ["Removed access token 444444444444, created by a request whose answer was lost, and created it again"]
    http.assert_done()


def test_a_create_answered_502_that_did_not_land_is_made_once_more_without_a_delete(http, run_module):
    body = {"name": "ci", "permissions": READ_WRITE}
    http.expect(listing(), no_policy(), create(body, status=502), listing(), create(body, server_token(NEW_ID, secret=SECRET)))

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE))

    assert (result["changed"], result["secret"]) == (True, SECRET)
    assert runner_warnings(run_module) == []
    http.assert_done()


def test_an_orphan_whose_delete_answer_is_also_lost_is_gone_all_the_same(http, run_module):
    # The orphan's DELETE is answered 502 after it ran; its retry finds nothing (404): gone is what was asked.
    body = {"name": "ci", "permissions": READ_WRITE}
    http.expect(
        listing(),
        no_policy(),
        create(body, status=502),
        listing(server_token("444444444444")),
        Call("DELETE", PROJECT_TOKENS + "/444444444444", status=502),
        Call("DELETE", PROJECT_TOKENS + "/444444444444", status=404),
        create(body, server_token(NEW_ID, secret=SECRET)),
    )

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE))

    assert (result["changed"], result["secret"]) == (True, SECRET)
    http.assert_done()


def test_a_create_whose_answer_timed_out_and_did_not_land_is_made_once_more(http, run_module):
    body = {"name": "ci", "permissions": READ_WRITE}
    http.expect(listing(), no_policy(), create(body, raises=read_timeout()), listing(), create(body, server_token(NEW_ID, secret=SECRET)))

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE))

    assert result["changed"] is True
    assert result["secret"] == SECRET
    assert runner_warnings(run_module) == []
    http.assert_done()


def test_a_recreate_whose_create_is_lost_removes_only_the_orphan_then_the_old_token(http, run_module):
    body = {"name": "ci", "permissions": READ_WRITE}
    http.expect(
        listing(server_token()),
        no_policy(),
        create(body, status=502),
        # The listing shows the old token (known, kept) and the orphan of the lost answer (removed).
        listing(server_token(), server_token("444444444444")),
        Call("DELETE", PROJECT_TOKENS + "/444444444444", status=204),
        create(body, server_token(NEW_ID, secret=SECRET)),
        Call("DELETE", PROJECT_TOKENS + "/" + OLD_ID, status=204),
    )

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE, recreate="always"))

    assert result["changed"] is True
    assert result["recreated"] is True
    assert result["secret"] == SECRET
    http.assert_done()


def test_a_create_that_fails_every_attempt_is_reported(http, run_module):
    body = {"name": "ci", "permissions": READ_WRITE}
    # Five attempts (WRITE_ATTEMPTS), each failure followed by a listing that looks for a token to remove.
    http.expect(listing(), no_policy(), *[create(body, status=503), listing()] * 5)

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE))

    assert result["failed"] is True
    assert result["http_method"] == "PUT"
    assert result["http_path"] == PROJECT_TOKENS
    assert result["http_status"] == 503
    assert "secret" not in result
    http.assert_done()


def test_a_create_refused_by_the_server_is_reported_without_retry(http, run_module):
    message = "The maximum number of access tokens (100) has been reached."
    http.expect(listing(), no_policy(), create({"name": "ci", "permissions": READ_WRITE}, errors(message, "ArgumentValidationException"), status=400))

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE))

    assert result == {
        "failed": True,
        "changed": False,
        "msg": "PUT %s: HTTP 400: %s" % (PROJECT_TOKENS, message),
        "http_method": "PUT",
        "http_path": PROJECT_TOKENS,
        "http_status": 400,
        "server_message": message,
    }
    http.assert_done()


# -- API failures -------------------------------------------------------------------------------


@CHECK_MODES
@pytest.mark.parametrize(
    "owner, path, label",
    [
        (dict(project="NOPE"), "/rest/access-tokens/latest/projects/NOPE", "project NOPE does not exist"),
        (
            dict(project="PLAT", repository="Deploy-Tools"),
            "/rest/access-tokens/latest/projects/PLAT/repos/Deploy-Tools",
            "repository PLAT/Deploy-Tools does not exist",
        ),
        (dict(user="J.Doe"), "/rest/access-tokens/latest/users/J.Doe", "user J.Doe does not exist"),
    ],
    ids=["project", "repository", "user"],
)
def test_a_missing_owner_is_named_as_given(http, run_module, check_mode, owner, path, label):
    http.expect(Call("GET", path, query=FIRST_PAGE, status=404, body=errors("It does not exist.")))

    result = run_module(dict(owner, name="ci", permissions=["REPO_READ"]), check_mode=check_mode)

    assert result["failed"] is True
    assert result["http_status"] == 404
    # Keys and slugs are shown as the user wrote them, not re-cased.
    assert label in result["msg"]
    http.assert_done()


@CHECK_MODES
def test_a_missing_owner_is_reported_with_method_path_status_and_message(http, run_module, check_mode):
    path = "/rest/access-tokens/latest/projects/NOPE"
    http.expect(Call("GET", path, query=FIRST_PAGE, status=404, body=errors("Project NOPE does not exist.", "NoSuchProjectException")))

    result = run_module(dict(project="NOPE", name="ci", permissions=READ_WRITE), check_mode=check_mode)

    assert result["failed"] is True
    assert result["http_status"] == 404
    # Acceptance criterion: API failures name method, path, status and Bitbucket's message.
    assert result.get("http_method") == "GET"
    assert result.get("http_path") == path
    assert result.get("server_message") == "Project NOPE does not exist."
    http.assert_done()


def test_an_unauthorised_listing_is_reported_with_its_details(http, run_module):
    http.expect(Call("GET", PROJECT_TOKENS, query=FIRST_PAGE, status=401, body=errors("You are not permitted to access this resource")))

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE))

    assert result["failed"] is True
    assert result["http_method"] == "GET"
    assert result["http_path"] == PROJECT_TOKENS
    assert result["http_status"] == 401
    assert result["msg"].startswith("GET %s: HTTP 401: You are not permitted to access this resource" % PROJECT_TOKENS)
    http.assert_done()


def test_the_trace_never_carries_the_secret(http, run_module):
    http.expect(listing(), no_policy(), create({"name": "ci", "permissions": READ_WRITE}, server_token(NEW_ID, secret=SECRET)))

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE), verbosity=3)

    assert [(entry["method"], entry["path"]) for entry in result["http_trace"]] == [("GET", PROJECT_TOKENS), ("GET", POLICY), ("PUT", PROJECT_TOKENS)]
    assert SECRET not in json.dumps(result["http_trace"])
    http.assert_done()


# -- main(): the ordinary module path through AnsibleModule ------------------------------------


run_main = functools.partial(main_of, bitbucket_access_token)


def test_main_create_returns_the_secret_only_under_secret(monkeypatch, capsys, http):
    created = server_token(NEW_ID, secret=SECRET)
    http.expect(listing(), no_policy(), create({"name": "ci", "permissions": READ_WRITE}, created))

    code, output = run_main(
        monkeypatch, capsys, http, dict(url=BASE_URL, username="automation", password="main-pw", project="PLAT", name="ci", permissions=READ_WRITE)
    )

    assert code == 0
    assert output["changed"] is True
    assert output["secret"] == SECRET
    assert SECRET not in json.dumps({key: value for key, value in output.items() if key != "secret"})
    assert "token" not in output["token"]
    http.assert_done()


def test_main_no_op_is_not_hidden(monkeypatch, capsys, http):
    http.expect(listing(server_token()))

    code, output = run_main(
        monkeypatch, capsys, http, dict(url=BASE_URL, username="automation", password="main-pw", project="PLAT", name="ci", permissions=READ_WRITE)
    )

    assert code == 0
    assert output["changed"] is False
    assert "secret" not in output
    http.assert_done()


@pytest.mark.parametrize(
    "args, words",
    [
        (dict(name="ci"), "one of the following is required: user, project"),
        (dict(user="alice", project="PLAT", name="ci"), "mutually exclusive: user|project"),
        (dict(user="alice", repository="deploy", name="ci"), "required by 'repository': project"),
        (dict(project="PLAT", name="ci", recreate="expiring"), "recreate_within_days"),
        (dict(project="PLAT", name="ci", permissions=["REPO_DELETE"]), "permissions"),
        (dict(project="PLAT"), "name"),
        (dict(project="PLAT", name="ci", recreate="sometimes"), "recreate"),
    ],
)
def test_main_refuses_invalid_options_without_any_call(monkeypatch, capsys, http, args, words):
    code, output = run_main(monkeypatch, capsys, http, dict(url=BASE_URL, username="automation", password="main-pw", **args))

    assert code == 1
    assert output["failed"] is True
    assert words in output["msg"]
    assert "Traceback" not in json.dumps(output)
    assert http.calls == []


# -- the action plugin hides the output of the one run that returns a secret ----------------------
#
# Ansible strips ``_ansible_*`` keys from a module's own result, so the collection's action plugin
# marks a result holding one of the module's ONE_TIME_SECRETS as no_log, on both execution paths.


class _Connection:
    transport = "local"

    class _shell:  # noqa: N801  # the attribute name ActionBase reads
        tmpdir = "/nonexistent"


class _Task:
    def __init__(self, args, check_mode=False):
        self.args = args
        self.action = "bitbucket.datacenter.bitbucket_access_token"
        self.async_val = 0
        self.check_mode = check_mode
        self.diff = True


class _Templar:
    @staticmethod
    def template(value):
        return value


def action_plugin(args, check_mode=False):
    from ansible_collections.bitbucket.datacenter.plugins.action.bitbucket_access_token import ActionModule

    action = ActionModule(_Task(args, check_mode=check_mode), _Connection(), None, None, _Templar(), None)  # shared_loader_obj: required before 2.19
    action._task_environment = dict  # no task environment: an empty one
    return action


PLUGIN_ARGS = dict(url=BASE_URL, username="automation", password="plugin-pw", project="PLAT", name="ci", permissions=READ_WRITE)


def test_the_module_declares_secret_as_its_one_time_secret():
    assert bitbucket_access_token.ONE_TIME_SECRETS == ("secret",)


def test_in_process_the_create_result_is_hidden_and_keeps_the_secret_for_register(monkeypatch, http):
    monkeypatch.setattr(_client.requests, "Session", lambda: http)
    http.expect(listing(), no_policy(), create({"name": "ci", "permissions": READ_WRITE}, server_token(NEW_ID, secret=SECRET)))

    result = action_plugin(dict(PLUGIN_ARGS)).run(task_vars={})

    assert result["_ansible_no_log"] is True
    assert result["secret"] == SECRET
    assert result["changed"] is True
    assert "plugin-pw" not in json.dumps(result)
    http.assert_done()


@pytest.mark.parametrize("check_mode", [False, True], ids=["no-op", "check_mode-create"])
def test_in_process_a_result_without_a_secret_is_not_hidden(monkeypatch, http, check_mode):
    monkeypatch.setattr(_client.requests, "Session", lambda: http)
    http.expect(*([listing(), no_policy()] if check_mode else [listing(server_token())]))

    result = action_plugin(dict(PLUGIN_ARGS), check_mode=check_mode).run(task_vars={})

    assert "secret" not in result
    assert "_ansible_no_log" not in result
    assert result["changed"] is check_mode
    http.assert_done()


@pytest.mark.parametrize(
    "module_result, hidden",
    [
        ({"changed": True, "token": {"id": NEW_ID}, "recreated": False, "secret": SECRET}, True),
        ({"changed": False, "token": {"id": OLD_ID}, "recreated": False}, False),
        ({"changed": True, "token": {"id": OLD_ID}, "recreated": False}, False),
    ],
    ids=["created", "unchanged", "updated"],
)
def test_as_a_module_the_result_holding_a_secret_is_hidden(monkeypatch, module_result, hidden):
    action = action_plugin(dict(PLUGIN_ARGS))
    calls = []

    def execute_module(module_name=None, module_args=None, task_vars=None):
        calls.append(module_name)
        return dict(module_result)  # what Ansible hands back after stripping the module's _ansible_* keys

    monkeypatch.setattr(action, "_execute_module", execute_module)

    result = action.run(task_vars={"bitbucket_datacenter_in_process": False})

    assert calls == ["bitbucket.datacenter.bitbucket_access_token"]
    assert result.get("_ansible_no_log", False) is hidden
    assert ("secret" in result) is hidden


def test_a_rotation_whose_create_is_refused_keeps_the_old_token(http, run_module):
    message = "The maximum number of access tokens (100) has been reached."
    http.expect(
        listing(server_token()),
        no_policy(),
        create({"name": "ci", "permissions": READ_WRITE}, errors(message), status=400),
    )

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE, recreate="always"))

    assert result["failed"] is True
    assert result["http_status"] == 400
    # No DELETE was sent: the old token still works.
    assert [call.method for call in http.calls] == ["GET", "GET", "PUT"]
    http.assert_done()


def test_an_update_that_landed_behind_a_500_is_not_repeated(http, run_module):
    updated = server_token(permissions=("PROJECT_WRITE", "REPO_WRITE"))
    item = PROJECT_TOKENS + "/" + OLD_ID
    http.expect(
        listing(server_token()),
        Call("POST", item, json={"permissions": ["PROJECT_WRITE", "REPO_WRITE"]}, status=500, body=errors("applied, answer lost")),
        # Read the token again: the update is there, so it is not sent twice.
        Call("GET", item, body=updated),
    )

    result = run_module(dict(project="PLAT", name="ci", permissions=["PROJECT_WRITE", "REPO_WRITE"]))

    assert "failed" not in result
    assert result["changed"] is True
    assert result["token"]["id"] == OLD_ID
    assert result["token"]["permissions"] == ["PROJECT_WRITE", "REPO_WRITE"]
    http.assert_done()


# -- the administrator's expiry policy (seed 002; API-MAP 3.5, 3.6) -----------------------------------


@CHECK_MODES
def test_an_expiry_within_the_policy_is_created(http, run_module, check_mode):
    created = server_token(NEW_ID, expiry_days=30, secret=SECRET)
    expect(http, [listing(), policy(30), create({"name": "ci", "permissions": READ_WRITE, "expiryDays": 30}, created)], check_mode)

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE, expiry_days=30), check_mode=check_mode)

    assert result["changed"] is True
    assert result["token"]["expiryDays"] == 30
    http.assert_done()


@CHECK_MODES
def test_an_expiry_above_the_policy_is_refused_before_any_write(http, run_module, check_mode):
    http.expect(listing(), policy(30))

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE, expiry_days=90), check_mode=check_mode)

    assert result["failed"] is True
    assert result["changed"] is False
    assert result["invalid_option"] == "expiry_days"
    assert "90 days is longer than the 30 days an administrator allows for access tokens (%s)" % POLICY in result["msg"]
    assert writes(http) == []
    http.assert_done()


def test_a_refusal_of_a_token_without_expiry_is_explained_by_the_policy(http, run_module):
    message = "An expiry is required: an administrator requires access tokens to expire within 30 days."
    http.expect(listing(), policy(30), create({"name": "ci", "permissions": READ_WRITE}, errors(message, context="expiryDays"), status=400))

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE))

    assert result["failed"] is True
    assert result["http_status"] == 400
    assert result["msg"].startswith("PUT %s: HTTP 400: expiryDays: %s" % (PROJECT_TOKENS, message))
    assert result["msg"].endswith("an administrator requires access tokens to expire within 30 days (%s): set expiry_days to 30 or less" % POLICY)
    http.assert_done()


def test_a_server_that_gives_a_token_without_expiry_the_maximum_is_fine(http, run_module):
    # The other reading of API-MAP 3.5 (VERIFY): the server applies the maximum instead of refusing.
    created = server_token(NEW_ID, expiry_days=30, secret=SECRET)
    http.expect(listing(), policy(30), create({"name": "ci", "permissions": READ_WRITE}, created))

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE))

    assert result["changed"] is True
    assert result["token"]["expiryDays"] == 30
    http.assert_done()


@pytest.mark.parametrize(
    "answer",
    [
        Call("GET", POLICY, status=204),
        Call("GET", POLICY, body={}),
        Call("GET", POLICY, body={"maxExpiryDays": None}),
        Call("GET", POLICY, status=401, body=errors("You are not permitted to access this resource")),
        Call("GET", POLICY, status=405, body=errors("Method not allowed")),
    ],
    ids=["204-unset", "empty-object", "null", "not-readable", "405"],
)
def test_no_known_maximum_lets_any_expiry_through(http, run_module, answer):
    created = server_token(NEW_ID, expiry_days=400, secret=SECRET)
    http.expect(listing(), answer, create({"name": "ci", "permissions": READ_WRITE, "expiryDays": 400}, created))

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE, expiry_days=400))

    assert result["changed"] is True
    http.assert_done()


def test_an_unreadable_policy_still_explains_an_expiry_refusal(http, run_module):
    message = "Access tokens must expire."
    http.expect(
        listing(),
        Call("GET", POLICY, status=401, body=errors("You are not permitted to access this resource")),
        create({"name": "ci", "permissions": READ_WRITE}, errors(message), status=400),
    )

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE))

    assert result["failed"] is True
    assert "an administrator may limit the expiry of access tokens (%s, which these credentials cannot read): set expiry_days" % POLICY in result["msg"]
    http.assert_done()


def test_the_policy_is_not_read_when_nothing_is_created(http, run_module):
    http.expect(listing(server_token()))

    result = run_module(dict(project="PLAT", name="ci", permissions=READ_WRITE, expiry_days=900))

    assert result["changed"] is False
    http.assert_done()
