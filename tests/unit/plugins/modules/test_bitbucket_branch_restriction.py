"""bitbucket_branch_restriction: the exact HTTP calls of every scenario, in order, each also in check mode."""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_branch_restriction
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_branch_restriction import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, FIRST_PAGE, Call, errors, page
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

BASE = "/rest/branch-permissions/latest/projects/PLAT/restrictions"
REPO_BASE = "/rest/branch-permissions/latest/projects/PLAT/repos/app/restrictions"
CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])
BULK = "application/vnd.atl.bitbucket.bulk+json"


def user(name, uid=7):
    return {"name": name, "slug": name.lower(), "id": uid, "displayName": name.title(), "type": "NORMAL", "active": True}


def matcher(branch="main", type_id="BRANCH"):
    return {"id": "refs/heads/" + branch, "displayId": branch, "type": {"id": type_id, "name": "Branch"}}


def server(rid, kind="pull-request-only", branch="main", users=(), groups=(), keys=(), scope="PROJECT"):
    return {
        "id": rid,
        "type": kind,
        "matcher": matcher(branch),
        "users": [user(name) for name in users],
        "groups": list(groups),
        "accessKeys": [{"key": {"id": key}} for key in keys],
        "scope": {"type": scope, "resourceId": 1},
    }


def view(rid, kind="pull-request-only", branch="main", users=(), groups=(), keys=()):
    return {"id": rid, "type": kind, "branch": "refs/heads/" + branch, "exempt_users": list(users), "exempt_groups": list(groups),
            "exempt_access_keys": list(keys)}


def request_body(kind="pull-request-only", branch="main", slugs=(), groups=(), keys=()):
    return {
        "type": kind,
        "matcher": {"id": "refs/heads/" + branch, "displayId": branch, "type": {"id": "BRANCH", "name": "Branch"}, "active": True},
        "userSlugs": list(slugs),
        "groupNames": list(groups),
        "accessKeyIds": list(keys),
    }


def listing(*restrictions, path=BASE):
    return Call("GET", path, query=FIRST_PAGE, body=page(restrictions))


def post(body, answer, path=BASE, status=200):
    return Call("POST", path, json=body, status=status, body=answer)


def delete(rid, path=BASE, status=204):
    return Call("DELETE", "%s/%d" % (path, rid), status=status)


def item(kind="pull-request-only", branch="main", users=(), groups=(), keys=()):
    return {"type": kind, "branch": branch, "exempt_users": list(users), "exempt_groups": list(groups), "exempt_access_keys": list(keys)}


@pytest.fixture
def run_module(http, make_context):
    def runner(params, check_mode=False):
        params = dict(params)
        params.setdefault("project", "PLAT")
        context = make_context(MODULE_SPEC, params, check_mode=check_mode, diff=True)
        return execute(run, context)

    return runner


def expect(http, calls, check_mode):
    """The calls of a real run; in check mode only its first read (the rest is writes and the read-back)."""
    http.expect(*(calls[:1] if check_mode else calls))


# -- create, no-op, update -----------------------------------------------------------------------


@CHECK_MODES
def test_create(http, run_module, check_mode):
    created = server(11, users=["alice"], groups=["release"])
    expect(http, [
        listing(),
        Call("GET", "/rest/api/latest/users", query=[("filter", "alice")] + FIRST_PAGE, body=page([user("alice")])),
        post(request_body(slugs=["alice"], groups=["release"]), created),
        listing(created),
    ], check_mode)

    result = run_module(dict(restrictions=[item(users=["alice"], groups=["release"])]), check_mode=check_mode)

    assert result["changed"] is True
    expected = [view(None if check_mode else 11, users=["alice"], groups=["release"])]
    assert result["restrictions"] == expected
    assert result["diff"] == {"before": {"restrictions": []}, "after": {"restrictions": expected}}
    http.assert_done()


@CHECK_MODES
def test_no_op_only_reads(http, run_module, check_mode):
    # Names compare without regard to case; a branch may be given short or qualified.
    http.expect(listing(server(3, users=["Alice"], groups=["Release"], keys=[5]), server(4, kind="no-deletes")))

    result = run_module(
        dict(restrictions=[item(users=["alice"], groups=["release"], keys=["5"]), dict(item(kind="no-deletes"), branch="refs/heads/main")]),
        check_mode=check_mode,
    )

    assert result["changed"] is False
    assert result["restrictions"] == [view(4, kind="no-deletes"), view(3, users=["Alice"], groups=["Release"], keys=[5])]
    http.assert_done()


@CHECK_MODES
def test_changing_an_exemption_creates_the_new_restriction_before_deleting_the_old(http, run_module, check_mode):
    old = server(3, users=["alice"])
    new = server(9, users=["alice", "bob"])
    expect(http, [
        listing(old),
        Call("GET", "/rest/api/latest/users", query=[("filter", "bob")] + FIRST_PAGE, body=page([user("bob", 8), user("bobby", 9)])),
        post(request_body(slugs=["alice", "bob"]), new),
        delete(3),
        listing(new),
    ], check_mode)

    result = run_module(dict(restrictions=[item(users=["alice", "bob"])]), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"]["before"]["restrictions"] == [view(3, users=["alice"])]
    assert result["restrictions"] == [view(None if check_mode else 9, users=["alice", "bob"])]
    if not check_mode:
        assert [call.method for call in http.calls] == ["GET", "GET", "POST", "DELETE", "GET"]
    http.assert_done()


def test_a_server_that_replaces_in_place_is_not_sent_a_delete(http, run_module):
    # API-MAP 3.4 VERIFY: the POST may answer the existing restriction, changed, with its id.
    changed = server(3, groups=["release"])
    http.expect(listing(server(3)), post(request_body(groups=["release"]), changed), listing(changed))

    result = run_module(dict(restrictions=[item(groups=["release"])]))

    assert result["changed"] is True
    assert result["restrictions"] == [view(3, groups=["release"])]
    http.assert_done()


# -- purge, absent, duplicates, inherited ----------------------------------------------------------


@CHECK_MODES
def test_purge_deletes_the_unlisted(http, run_module, check_mode):
    keep = server(3)
    expect(http, [listing(keep, server(4, kind="read-only", branch="develop")), delete(4), listing(keep)], check_mode)

    result = run_module(dict(restrictions=[item()], purge=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["restrictions"] == [view(3)]
    http.assert_done()


@CHECK_MODES
def test_without_purge_the_unlisted_stay(http, run_module, check_mode):
    http.expect(listing(server(3), server(4, kind="read-only", branch="develop")))

    result = run_module(dict(restrictions=[item()]), check_mode=check_mode)

    assert result["changed"] is False
    assert len(result["restrictions"]) == 2
    http.assert_done()


@CHECK_MODES
def test_absent_deletes_the_listed(http, run_module, check_mode):
    other = server(4, kind="read-only", branch="develop")
    expect(http, [listing(server(3, users=["alice"]), other), delete(3), listing(other)], check_mode)

    result = run_module(dict(restrictions=[item()], state="absent"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["restrictions"] == [view(4, kind="read-only", branch="develop")]
    http.assert_done()


@CHECK_MODES
def test_absent_when_already_absent_only_reads(http, run_module, check_mode):
    http.expect(listing(server(4, kind="read-only", branch="develop")))

    result = run_module(dict(restrictions=[item()], state="absent"), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_duplicates_of_a_listed_identity_are_removed(http, run_module, check_mode):
    # Left by a run that created the replacement and then failed before deleting the old one.
    right = server(9, users=["alice"])
    expect(http, [listing(server(3), right), delete(3), listing(right)], check_mode)

    result = run_module(dict(restrictions=[item(users=["alice"])]), check_mode=check_mode)

    assert result["changed"] is True
    assert result["restrictions"] == [view(9, users=["alice"])]
    http.assert_done()


@CHECK_MODES
def test_a_repository_never_touches_what_it_inherits(http, run_module, check_mode):
    inherited = server(1, kind="no-deletes", scope="PROJECT")
    own = server(5, kind="read-only", branch="develop", scope="REPOSITORY")
    expect(http, [listing(inherited, own, path=REPO_BASE), delete(5, path=REPO_BASE), listing(inherited, path=REPO_BASE)], check_mode)

    result = run_module(dict(repository="app", restrictions=[], purge=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["restrictions"] == []
    assert result["diff"]["before"]["restrictions"] == [view(5, kind="read-only", branch="develop")]
    http.assert_done()


def test_a_repository_list_without_inherited_entries_is_read_the_same(http, run_module):
    # API-MAP 3.4 VERIFY: whether a repository-level GET includes the project's restrictions.
    http.expect(listing(server(5, scope="REPOSITORY"), path=REPO_BASE))

    result = run_module(dict(repository="app", restrictions=[item()], purge=True))

    assert result["changed"] is False
    http.assert_done()


# -- both POST forms and answers ---------------------------------------------------------------------


def test_an_array_answer_is_understood(http, run_module):
    created = server(11)
    http.expect(listing(), post(request_body(), [server(10, kind="no-deletes"), created]), listing(created))

    result = run_module(dict(restrictions=[item()]))

    assert result["restrictions"] == [view(11)]
    http.assert_done()


def test_a_server_without_the_single_form_gets_the_bulk_form(http, run_module):
    created = server(11)
    http.expect(
        listing(),
        post(request_body(), errors("Unsupported Media Type"), status=415),
        Call("POST", BASE, json=[request_body()], body=created),
        listing(created),
    )

    result = run_module(dict(restrictions=[item()]))

    assert result["changed"] is True
    assert http.calls[2].headers["Content-Type"] == BULK
    http.assert_done()


# -- versions, access keys, users --------------------------------------------------------------------


def properties(version):
    return Call("GET", "/rest/api/latest/application-properties", body={"version": version, "buildNumber": "1", "displayName": "Bitbucket"})


@CHECK_MODES
def test_no_creates_needs_9_4(http, run_module, check_mode):
    http.expect(properties("9.3.2"))

    result = run_module(dict(restrictions=[item(kind="no-creates")]), check_mode=check_mode)

    assert result["failed"] is True
    assert "The no-creates restriction type needs a newer Bitbucket: Bitbucket 9.4 or later" in result["msg"]
    assert result["server_version"] == "9.3.2"
    http.assert_done()


def test_no_creates_on_9_4(http, run_module):
    created = server(11, kind="no-creates")
    http.expect(properties("9.4.0"), listing(), post(request_body(kind="no-creates"), created), listing(created))

    result = run_module(dict(restrictions=[item(kind="no-creates")]))

    assert result["changed"] is True
    http.assert_done()


KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHv3cNE3ZBnD7aq4cqJ4g8pQmCzx9f8y1rB2v1sYcGdP"


def access_key(kid, text):
    return {"key": {"id": kid, "text": text, "label": "deployer"}, "permission": "REPO_READ"}


@CHECK_MODES
def test_an_access_key_named_by_its_text(http, run_module, check_mode):
    created = server(11, keys=[42], scope="REPOSITORY")
    keys = Call("GET", "/rest/keys/latest/projects/PLAT/repos/app/ssh", query=[("effective", "true")] + FIRST_PAGE,
                body=page([access_key(41, "ssh-rsa AAAAB3Nza other"), access_key(42, KEY + " ci@host")]))
    calls = [keys, listing(path=REPO_BASE), post(request_body(keys=[42]), created, path=REPO_BASE), listing(created, path=REPO_BASE)]
    http.expect(*(calls[:2] if check_mode else calls))

    result = run_module(dict(repository="app", restrictions=[item(keys=[KEY + " deployer"])]), check_mode=check_mode)

    assert result["changed"] is True
    assert result["restrictions"][0]["exempt_access_keys"] == [42]
    http.assert_done()


def test_an_unknown_access_key_text_fails_before_any_write(http, run_module):
    http.expect(Call("GET", "/rest/keys/latest/projects/PLAT/ssh", query=FIRST_PAGE, body=page([access_key(41, "ssh-rsa AAAAB3Nza other")])))

    result = run_module(dict(restrictions=[item(keys=[KEY])]))

    assert result["failed"] is True
    assert result["invalid_option"] == "restrictions"
    assert "no access key of project PLAT has the public key ssh-ed25519" in result["msg"]
    http.assert_done()


def test_an_unknown_user_fails_naming_the_option(http, run_module):
    http.expect(listing(), Call("GET", "/rest/api/latest/users", query=[("filter", "ghost")] + FIRST_PAGE, body=page([user("ghostwriter")])))

    result = run_module(dict(restrictions=[item(users=["ghost"])]))

    assert result["failed"] is True
    assert result["invalid_option"] == "restrictions"
    assert "there is no user 'ghost'" in result["msg"]
    assert result["changed"] is False
    http.assert_done()


# -- reading what the docs show -------------------------------------------------------------------------


def test_the_seed_example_matcher_reads_as_the_branch(http, run_module):
    # seed 004's example: type.id ANY_REF with id refs/heads/main (API-MAP section 7 row 5).
    example = dict(server(3), matcher={"id": "refs/heads/main", "displayId": "main", "type": {"id": "ANY_REF", "name": "Branch"}})
    http.expect(listing(example))

    result = run_module(dict(restrictions=[item()]))

    assert result["changed"] is False
    http.assert_done()


def test_other_matchers(http, run_module):
    current = [
        {"id": 1, "type": "read-only", "matcher": {"id": "release/*", "type": {"id": "PATTERN"}}},
        {"id": 2, "type": "read-only", "matcher": {"id": "HOTFIX", "type": {"id": "MODEL_CATEGORY"}}},
        {"id": 3, "type": "read-only", "matcher": {"id": "production", "type": {"id": "MODEL_BRANCH"}}},
    ]
    http.expect(listing(*current))

    result = run_module(dict(restrictions=[
        {"type": "read-only", "pattern": "release/*"},
        {"type": "read-only", "model_category": "HOTFIX"},
        {"type": "read-only", "model_branch": "production"},
    ]))

    assert result["changed"] is False
    assert [sorted(r) for r in result["restrictions"]][0] == ["exempt_access_keys", "exempt_groups", "exempt_users", "id", "model_branch", "type"]
    http.assert_done()


# -- faults -------------------------------------------------------------------------------------------------


def test_a_create_that_landed_despite_a_500_is_not_repeated(http, run_module):
    created = server(11)
    http.expect(
        listing(),
        post(request_body(), errors("Internal server error"), status=500),
        listing(created),
        listing(created),
    )

    result = run_module(dict(restrictions=[item()]))

    assert result["changed"] is True
    assert result["restrictions"] == [view(11)]
    http.assert_done()


def test_the_old_restriction_stays_when_the_new_one_cannot_be_made(http, run_module):
    http.expect(listing(server(3)), post(request_body(groups=["ghosts"]), errors("Group 'ghosts' does not exist.", context="groupNames"), status=400))

    result = run_module(dict(restrictions=[item(groups=["ghosts"])]))

    assert result["failed"] is True
    assert result["http_status"] == 400
    assert "groupNames: Group 'ghosts' does not exist." in result["msg"]
    http.assert_done()


def test_a_delete_whose_answer_was_lost_is_checked_by_reading(http, run_module):
    http.expect(listing(server(3), server(4, kind="no-deletes")), delete(4, status=500), listing(server(3)), listing(server(3)))

    result = run_module(dict(restrictions=[item()], purge=True))

    assert result["changed"] is True
    assert result["restrictions"] == [view(3)]
    http.assert_done()


# -- bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("params", "option", "text"), [
    (dict(restrictions=[{"type": "read-only"}]), "restrictions", "item 1 names no branches"),
    (dict(restrictions=[{"type": "read-only", "branch": "main", "pattern": "x/*"}]), "restrictions", "item 1 sets branch and pattern"),
    (dict(restrictions=[{"type": "read-only", "branch": "refs/tags/v1"}]), "restrictions", "is not a branch"),
    (dict(restrictions=[item(), dict(item(), branch="refs/heads/main")]), "restrictions", "item 2: the pull-request-only restriction on branch main is listed"),
    (dict(restrictions=[item(users=[" "])]), "restrictions", "empty name in exempt_users"),
    (dict(restrictions=[item(keys=["not-a-key"])]), "restrictions", "neither an access key id nor a public key text"),
    (dict(restrictions=[item()], purge=True, state="absent"), "purge", "only with state=present"),
])
@CHECK_MODES
def test_bad_input_fails_before_any_request(http, run_module, params, option, text, check_mode):
    result = run_module(params, check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert text in result["msg"]
    assert http.calls == []


# -- main() ----------------------------------------------------------------------------------------------------


def test_main_runs_through_ansible_module(monkeypatch, capsys, http):
    http.expect(listing(server(3)))

    code, output = main_of(bitbucket_branch_restriction, monkeypatch, capsys, http,
                           dict(url=BASE_URL, token="t0ken", project="PLAT", restrictions=[{"type": "pull-request-only", "branch": "main"}],
                                _ansible_check_mode=True))

    assert code == 0
    assert output["changed"] is False
    assert output["restrictions"] == [view(3)]
    http.assert_done()
