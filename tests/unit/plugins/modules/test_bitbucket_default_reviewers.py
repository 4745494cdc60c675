"""bitbucket_default_reviewers and its _info: the exact HTTP calls of every scenario, in order, each also in check mode."""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_default_reviewers, bitbucket_default_reviewers_info
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, FIRST_PAGE, Call, errors, page
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

BASE = "/rest/default-reviewers/latest/projects/PLAT"
REPO_BASE = BASE + "/repos/app"
CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])
ANY = {"id": "ANY_REF_MATCHER_ID", "displayId": "ANY_REF_MATCHER_ID", "type": {"id": "ANY_REF", "name": "Any branch"}, "active": True}
MAIN = {"id": "refs/heads/main", "displayId": "main", "type": {"id": "BRANCH", "name": "Branch"}, "active": True}
HOTFIX = {"id": "HOTFIX", "displayId": "HOTFIX", "type": {"id": "MODEL_CATEGORY", "name": "Branching model category"}, "active": True}


def user(name, uid):
    return {"name": name, "slug": name.lower(), "id": uid, "displayName": name.title(), "type": "NORMAL", "active": True}


ALICE = user("alice", 2)
BOB = user("bob", 3)
CAROL = user("carol", 4)


def server(cid, reviewers, required=1, source=None, target=None, scope="PROJECT"):
    return {"id": cid, "scope": {"type": scope, "resourceId": 1}, "sourceRefMatcher": source or ANY, "targetRefMatcher": target or MAIN,
            "reviewers": list(reviewers), "requiredApprovals": required}


def view(cid, reviewers, required=1, source=None, target=None):
    return {"id": cid, "source": source if source is not None else {}, "target": target if target is not None else {"branch": "refs/heads/main"},
            "reviewers": list(reviewers), "required_approvals": required}


def body(reviewer_ids, required=1, source=None, target=None):
    return {"sourceMatcher": source or ANY, "targetMatcher": target or MAIN, "reviewers": [{"id": rid} for rid in reviewer_ids], "requiredApprovals": required}


def listing(*conditions, path=BASE):
    # spec getPullRequestConditions: a bare array, read without paging parameters.
    return Call("GET", path + "/conditions", body=list(conditions))


def find_user(found):
    return Call("GET", "/rest/api/latest/users", query=[("filter", found["name"])] + FIRST_PAGE, body=page([found]))


def condition(reviewers, required=1, **matchers):
    return dict(reviewers=list(reviewers), required_approvals=required, **matchers)


@pytest.fixture
def run_module(http, make_context):
    def runner(params, check_mode=False, module=bitbucket_default_reviewers):
        params = dict(params)
        params.setdefault("project", "PLAT")
        return execute(module.run, make_context(module.MODULE_SPEC, params, check_mode=check_mode, diff=True))

    return runner


def expect(http, calls, check_mode):
    http.expect(*(calls[:1] if check_mode else calls))


@CHECK_MODES
def test_create(http, run_module, check_mode):
    created = server(5, [ALICE, BOB])
    expect(http, [listing(), find_user(ALICE), find_user(BOB), Call("POST", BASE + "/condition", json=body([2, 3]), body=created), listing(created)],
           check_mode)

    result = run_module(dict(conditions=[condition(["alice", "bob"], target={"branch": "main"})]), check_mode=check_mode)

    assert result["changed"] is True
    assert result["conditions"] == [view(None if check_mode else 5, ["alice", "bob"])]
    assert result["diff"]["before"] == {"conditions": []}
    http.assert_done()


@CHECK_MODES
def test_no_op_only_reads(http, run_module, check_mode):
    http.expect(listing(server(5, [ALICE, BOB]), server(6, [CAROL], 0, source=HOTFIX, target=ANY)))

    result = run_module(dict(conditions=[
        condition(["Bob", "alice"], target={"branch": "refs/heads/main"}),
        condition(["carol"], 0, source={"model_category": "HOTFIX"}),
    ]), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_update_in_place_with_known_reviewers_needs_no_lookup(http, run_module, check_mode):
    current = server(5, [ALICE, BOB])
    updated = server(5, [ALICE], 0)
    expect(http, [listing(current), Call("PUT", BASE + "/condition/5", json=body([2], 0), body=updated), listing(updated)], check_mode)

    result = run_module(dict(conditions=[condition(["alice"], 0, target={"branch": "main"})]), check_mode=check_mode)

    assert result["changed"] is True
    assert result["conditions"] == [view(5, ["alice"], 0)]
    http.assert_done()


@CHECK_MODES
def test_purge(http, run_module, check_mode):
    keep = server(5, [ALICE])
    expect(http, [listing(keep, server(6, [CAROL], 0, source=HOTFIX, target=ANY)), Call("DELETE", BASE + "/condition/6", status=204),
                  listing(keep)], check_mode)

    result = run_module(dict(conditions=[condition(["alice"], target={"branch": "main"})], purge=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["conditions"] == [view(5, ["alice"])]
    http.assert_done()


@CHECK_MODES
def test_absent(http, run_module, check_mode):
    expect(http, [listing(server(5, [ALICE])), Call("DELETE", BASE + "/condition/5", status=204), listing()], check_mode)

    result = run_module(dict(conditions=[dict(target={"branch": "main"})], state="absent"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["conditions"] == []
    http.assert_done()


@CHECK_MODES
def test_absent_when_absent(http, run_module, check_mode):
    http.expect(listing(server(6, [CAROL], 0, source=HOTFIX, target=ANY)))

    result = run_module(dict(conditions=[dict(target={"branch": "main"})], state="absent"), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


def test_a_paged_answer_is_read_to_its_end(http, run_module):
    # spec: the description says "a page", the schema an array; both readings are understood.
    http.expect(
        Call("GET", REPO_BASE + "/conditions", body=page([server(5, [ALICE], scope="REPOSITORY")], next_start=1)),
        Call("GET", REPO_BASE + "/conditions", query=FIRST_PAGE, body=page([server(5, [ALICE], scope="REPOSITORY")], next_start=1)),
        Call("GET", REPO_BASE + "/conditions", query=[("start", 1), ("limit", 1000)], body=page([server(1, [BOB], scope="PROJECT")], start=1)),
    )

    result = run_module(dict(repository="app", conditions=[condition(["alice"], target={"branch": "main"})], purge=True))

    # The project's condition, listed at repository level, is neither purged nor returned.
    assert result["changed"] is False
    assert result["conditions"] == [view(5, ["alice"])]
    http.assert_done()


def test_an_update_whose_answer_was_lost_is_checked_by_reading(http, run_module):
    updated = server(5, [ALICE], 0)
    http.expect(listing(server(5, [ALICE])), Call("PUT", BASE + "/condition/5", json=body([2], 0), status=500, body=errors("boom")),
                listing(updated), listing(updated))

    result = run_module(dict(conditions=[condition(["alice"], 0, target={"branch": "main"})]))

    assert result["changed"] is True
    http.assert_done()


def test_an_unknown_reviewer_fails_before_the_write(http, run_module):
    http.expect(listing(), Call("GET", "/rest/api/latest/users", query=[("filter", "ghost")] + FIRST_PAGE, body=page([])))

    result = run_module(dict(conditions=[condition(["ghost"])]))

    assert result["failed"] is True
    assert result["invalid_option"] == "conditions"
    http.assert_done()


@pytest.mark.parametrize(("params", "text"), [
    (dict(conditions=[condition([])]), "needs at least one reviewer"),
    (dict(conditions=[condition(["alice"], 2)]), "between 0 and the number of reviewers (1)"),
    (dict(conditions=[condition([], -1)]), "item 1: required_approvals must be 0 or more"),
    (dict(conditions=[condition([" "])]), "empty reviewer name"),
    (dict(conditions=[condition(["alice"], source={"branch": "a", "pattern": "b"})]), "sets branch and pattern"),
    (dict(conditions=[condition(["a"]), condition(["b"], source={})]), "item 2: the default reviewers of pull requests from any branch to any branch"),
])
@CHECK_MODES
def test_bad_input_fails_before_any_request(http, run_module, params, text, check_mode):
    result = run_module(params, check_mode=check_mode)

    assert result["failed"] is True
    assert text in result["msg"]
    assert http.calls == []


def test_purge_with_absent_is_refused(http, run_module):
    result = run_module(dict(conditions=[], purge=True, state="absent"))

    assert result["invalid_option"] == "purge"
    assert http.calls == []


@CHECK_MODES
def test_info_lists_own_and_inherited(http, run_module, check_mode):
    http.expect(listing(server(1, [BOB], scope="PROJECT"), server(5, [ALICE], 0, scope="REPOSITORY"), path=REPO_BASE))

    result = run_module(dict(repository="app"), check_mode=check_mode, module=bitbucket_default_reviewers_info)

    assert result == {"changed": False, "conditions": [view(5, ["alice"], 0)], "inherited_conditions": [view(1, ["bob"])]}
    http.assert_done()


def test_main_runs_through_ansible_module(monkeypatch, capsys, http):
    http.expect(listing(server(5, [ALICE])))

    code, output = main_of(bitbucket_default_reviewers, monkeypatch, capsys, http,
                           dict(url=BASE_URL, token="t0ken", project="PLAT", conditions=[condition(["alice"], target={"branch": "main"})]))

    assert code == 0
    assert output["changed"] is False
    http.assert_done()
