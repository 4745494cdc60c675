"""bitbucket_required_builds and its _info: the exact HTTP calls of every scenario, in order, each also in check mode."""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_required_builds, bitbucket_required_builds_info
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, FIRST_PAGE, Call, errors, page
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

BASE = "/rest/required-builds/latest/projects/PLAT/repos/app"
CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])
ANY = {"id": "ANY_REF_MATCHER_ID", "displayId": "ANY_REF_MATCHER_ID", "type": {"id": "ANY_REF", "name": "Any branch"}, "active": True}
MAIN = {"id": "refs/heads/main", "displayId": "main", "type": {"id": "BRANCH", "name": "Branch"}, "active": True}
HOTFIX = {"id": "hotfix/*", "displayId": "hotfix/*", "type": {"id": "PATTERN", "name": "Pattern"}, "active": True}
RELEASE = {"id": "RELEASE", "displayId": "RELEASE", "type": {"id": "MODEL_CATEGORY", "name": "Branching model category"}, "active": True}


def server(cid, keys, ref=None, exempt=None, scope=None):
    body = {"id": cid, "buildParentKeys": list(keys), "refMatcher": ref or MAIN}
    if exempt is not None:
        body["exemptRefMatcher"] = exempt
    if scope is not None:
        body["scope"] = {"type": scope, "resourceId": 1}
    return body


def view(cid, keys, target=None, exempt=None):
    return {"id": cid, "build_keys": sorted(keys), "target": target if target is not None else {"branch": "refs/heads/main"}, "exempt_source": exempt}


def body(keys, ref=None, exempt=None):
    sent = {"buildParentKeys": list(keys), "refMatcher": ref or MAIN}
    if exempt is not None:
        sent["exemptRefMatcher"] = exempt
    return sent


def listing(*conditions):
    # spec getPageOfRequiredBuildsMergeChecks: a standard page, read from start 0 with the largest page.
    return Call("GET", BASE + "/conditions", query=FIRST_PAGE, body=page(list(conditions)))


def condition(keys, **matchers):
    return dict(build_keys=list(keys), **matchers)


@pytest.fixture
def run_module(http, make_context):
    def runner(params, check_mode=False, module=bitbucket_required_builds):
        params = dict(params)
        params.setdefault("project", "PLAT")
        params.setdefault("repository", "app")
        return execute(module.run, make_context(module.MODULE_SPEC, params, check_mode=check_mode, diff=True))

    return runner


def expect(http, calls, check_mode):
    http.expect(*(calls[:1] if check_mode else calls))


@CHECK_MODES
def test_create(http, run_module, check_mode):
    created = server(5, ["CI", "SEC"], exempt=HOTFIX)
    expect(http, [listing(), Call("POST", BASE + "/condition", json=body(["CI", "SEC"], exempt=HOTFIX), body=created), listing(created)],
           check_mode)

    result = run_module(dict(conditions=[condition(["SEC", "CI", "CI"], target={"branch": "main"}, exempt_source={"pattern": "hotfix/*"})]),
                        check_mode=check_mode)

    assert result["changed"] is True
    assert result["conditions"] == [view(None if check_mode else 5, ["CI", "SEC"], exempt={"pattern": "hotfix/*"})]
    assert result["diff"]["before"] == {"conditions": []}
    assert result["diff"]["after"] == {"conditions": result["conditions"]}
    http.assert_done()


@CHECK_MODES
def test_no_op_only_reads(http, run_module, check_mode):
    http.expect(listing(server(5, ["SEC", "CI"]), server(6, ["E2E"], ref=RELEASE, exempt=HOTFIX), server(7, ["LINT"], ref=ANY)))

    result = run_module(dict(conditions=[
        condition(["CI", "SEC"], target={"branch": "refs/heads/main"}),
        condition(["E2E"], target={"model_category": "RELEASE"}, exempt_source={"pattern": "hotfix/*"}),
        condition(["LINT"]),
    ]), check_mode=check_mode)

    assert result["changed"] is False
    assert [item["id"] for item in result["conditions"]] == [7, 5, 6]
    http.assert_done()


@CHECK_MODES
def test_a_changed_exemption_is_updated_in_place(http, run_module, check_mode):
    current = server(5, ["CI"], exempt=HOTFIX)
    updated = server(5, ["CI"])
    expect(http, [listing(current), Call("PUT", BASE + "/condition/5", json=body(["CI"]), body=updated), listing(updated)], check_mode)

    result = run_module(dict(conditions=[condition(["CI"], target={"branch": "main"}, exempt_source={})]), check_mode=check_mode)

    assert result["changed"] is True
    assert result["conditions"] == [view(5, ["CI"])]
    assert result["diff"]["before"]["conditions"] == [view(5, ["CI"], exempt={"pattern": "hotfix/*"})]
    http.assert_done()


@CHECK_MODES
def test_new_build_keys_without_purge_are_a_new_condition(http, run_module, check_mode):
    old = server(5, ["CI"])
    created = server(6, ["CI", "SEC"])
    expect(http, [listing(old), Call("POST", BASE + "/condition", json=body(["CI", "SEC"]), body=created), listing(old, created)], check_mode)

    result = run_module(dict(conditions=[condition(["CI", "SEC"], target={"branch": "main"})]), check_mode=check_mode)

    assert result["changed"] is True
    assert result["conditions"] == [view(5, ["CI"]), view(None if check_mode else 6, ["CI", "SEC"])]
    http.assert_done()


@CHECK_MODES
def test_purge_rewrites_a_condition_of_the_same_target_in_place(http, run_module, check_mode):
    # One update by id instead of a create and a delete: the id stays, the branch is never without its check.
    old = server(5, ["CI"])
    updated = server(5, ["CI", "SEC"])
    expect(http, [listing(old, server(6, ["LINT"], ref=ANY)),
                  Call("PUT", BASE + "/condition/5", json=body(["CI", "SEC"]), body=updated),
                  Call("DELETE", BASE + "/condition/6", status=204),
                  listing(updated)], check_mode)

    result = run_module(dict(conditions=[condition(["SEC", "CI"], target={"branch": "main"})], purge=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["conditions"] == [view(5, ["CI", "SEC"])]
    http.assert_done()


@CHECK_MODES
def test_purge_rewrites_the_first_of_several_candidates_and_deletes_the_rest(http, run_module, check_mode):
    # Candidates are taken in identity order (target, then build keys), whatever order the server lists them in.
    updated = server(6, ["SEC"])
    expect(http, [listing(server(5, ["LINT"]), server(6, ["CI"], exempt=HOTFIX)),
                  Call("PUT", BASE + "/condition/6", json=body(["SEC"]), body=updated),
                  Call("DELETE", BASE + "/condition/5", status=204),
                  listing(updated)], check_mode)

    result = run_module(dict(conditions=[condition(["SEC"], target={"branch": "main"})], purge=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["conditions"] == [view(6, ["SEC"])]
    http.assert_done()


@CHECK_MODES
def test_purge_keeps_listed_and_deletes_duplicates(http, run_module, check_mode):
    keep = server(5, ["CI"])
    expect(http, [listing(keep, server(8, ["CI"], exempt=HOTFIX)), Call("DELETE", BASE + "/condition/8", status=204), listing(keep)], check_mode)

    result = run_module(dict(conditions=[condition(["CI"], target={"branch": "main"})], purge=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["conditions"] == [view(5, ["CI"])]
    http.assert_done()


@CHECK_MODES
def test_absent(http, run_module, check_mode):
    other = server(6, ["CI"], ref=RELEASE)
    expect(http, [listing(server(5, ["CI"], exempt=HOTFIX), other), Call("DELETE", BASE + "/condition/5", status=204), listing(other)], check_mode)

    result = run_module(dict(conditions=[condition(["CI"], target={"branch": "main"})], state="absent"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["conditions"] == [view(6, ["CI"], target={"model_category": "RELEASE"})]
    http.assert_done()


@CHECK_MODES
def test_absent_when_absent(http, run_module, check_mode):
    http.expect(listing(server(6, ["CI", "SEC"])))

    result = run_module(dict(conditions=[condition(["CI"], target={"branch": "main"})], state="absent"), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


def test_every_page_is_read(http, run_module):
    http.expect(
        Call("GET", BASE + "/conditions", query=FIRST_PAGE, body=page([server(5, ["CI"])], next_start=1, limit=1)),
        Call("GET", BASE + "/conditions", query=[("start", 1), ("limit", 1000)], body=page([server(6, ["SEC"])], start=1, limit=1)),
    )

    result = run_module(dict(conditions=[condition(["CI"], target={"branch": "main"}), condition(["SEC"], target={"branch": "main"})], purge=True))

    assert result["changed"] is False
    http.assert_done()


def test_an_entry_of_a_wider_scope_is_never_touched(http, run_module):
    # Not in 9.4 (its answers carry no scope); should a later version list a project's conditions here, purge leaves them alone.
    http.expect(listing(server(1, ["ORG"], scope="PROJECT"), server(5, ["CI"], scope="REPOSITORY")))

    result = run_module(dict(conditions=[condition(["CI"], target={"branch": "main"})], purge=True))

    assert result["changed"] is False
    assert result["conditions"] == [view(5, ["CI"])]
    http.assert_done()


def test_a_create_whose_answer_was_lost_is_not_repeated(http, run_module):
    landed = server(5, ["CI"])
    http.expect(listing(), Call("POST", BASE + "/condition", json=body(["CI"]), status=500, body=errors("boom")), listing(landed), listing(landed))

    result = run_module(dict(conditions=[condition(["CI"], target={"branch": "main"})]))

    assert result["changed"] is True
    assert result["conditions"] == [view(5, ["CI"])]
    http.assert_done()


def test_an_update_whose_answer_was_lost_is_checked_by_reading(http, run_module):
    updated = server(5, ["CI"])
    http.expect(listing(server(5, ["CI"], exempt=HOTFIX)), Call("PUT", BASE + "/condition/5", json=body(["CI"]), status=500, body=errors("boom")),
                listing(updated), listing(updated))

    result = run_module(dict(conditions=[condition(["CI"], target={"branch": "main"})]))

    assert result["changed"] is True
    http.assert_done()


def test_a_refused_write_names_the_request(http, run_module):
    http.expect(listing(), Call("POST", BASE + "/condition", json=body(["CI"]), status=400, body=errors("refMatcher.id must be provided.")))

    result = run_module(dict(conditions=[condition(["CI"], target={"branch": "main"})]))

    assert result["failed"] is True
    assert "POST " + BASE + "/condition" in result["msg"]
    assert "refMatcher.id must be provided." in result["msg"]
    http.assert_done()


def test_a_missing_repository_is_explained(http, run_module):
    http.expect(Call("GET", BASE + "/conditions", query=FIRST_PAGE, status=404, body=errors("Repository app does not exist.")))

    result = run_module(dict(conditions=[condition(["CI"])]))

    assert result["failed"] is True
    assert result["http_status"] == 404
    assert "Repository app does not exist." in result["msg"]
    http.assert_done()


@pytest.mark.parametrize(("params", "text"), [
    (dict(conditions=[condition([])]), "needs at least one build key"),
    (dict(conditions=[condition(["CI", " "])]), "empty build key"),
    (dict(conditions=[condition(["K%d" % n for n in range(101)])]), "at most 100"),
    (dict(conditions=[condition(["CI"], target={"branch": "a", "pattern": "b"})]), "sets branch and pattern"),
    (dict(conditions=[condition(["CI"], target={"branch": "refs/tags/v1"})]), "is not a branch"),
    (dict(conditions=[condition(["CI"], exempt_source={"branch": "x", "model_branch": "production"})]), "sets branch and model_branch"),
    (dict(conditions=[condition(["A", "B"]), condition(["B", "A"], target={})]), "item 2: the required builds A, B of pull requests to any branch"),
    (dict(conditions=[condition([])], state="absent"), "needs at least one build key"),
])
@CHECK_MODES
def test_bad_input_fails_before_any_request(http, run_module, params, text, check_mode):
    result = run_module(params, check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == "conditions"
    assert text in result["msg"]
    assert http.calls == []


def test_purge_with_absent_is_refused(http, run_module):
    result = run_module(dict(conditions=[], purge=True, state="absent"))

    assert result["invalid_option"] == "purge"
    assert http.calls == []


@CHECK_MODES
def test_info_lists_every_page_sorted(http, run_module, check_mode):
    http.expect(
        Call("GET", BASE + "/conditions", query=FIRST_PAGE, body=page([server(6, ["SEC"], exempt=HOTFIX)], next_start=1, limit=1)),
        Call("GET", BASE + "/conditions", query=[("start", 1), ("limit", 1000)], body=page([server(5, ["CI"], ref=ANY)], start=1, limit=1)),
    )

    result = run_module(dict(), check_mode=check_mode, module=bitbucket_required_builds_info)

    assert result == {"changed": False, "conditions": [view(5, ["CI"], target={}), view(6, ["SEC"], exempt={"pattern": "hotfix/*"})],
                      "inherited_conditions": []}
    http.assert_done()


def test_main_runs_through_ansible_module(monkeypatch, capsys, http):
    http.expect(listing(server(5, ["CI"])))

    code, output = main_of(bitbucket_required_builds, monkeypatch, capsys, http,
                           dict(url=BASE_URL, token="t0ken", project="PLAT", repository="app",
                                conditions=[condition(["CI"], target={"branch": "main"})]))

    assert code == 0
    assert output["changed"] is False
    http.assert_done()
