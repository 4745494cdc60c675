"""bitbucket_repository: the exact HTTP calls of every scenario, in order, each also in check mode."""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_repository
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_repository import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, FIRST_PAGE, Call, errors, page, read_timeout
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

API = "/rest/api/latest/projects"
REPOS = API + "/PLAT/repos"
CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])


def repo(slug="billing", name=None, project="PLAT", **fields):
    body = {
        "slug": slug,
        "id": 42,
        "name": name or slug,
        "scmId": "git",
        "state": "AVAILABLE",
        "forkable": True,
        "public": False,
        "archived": False,
        "defaultBranch": "main",
        "project": {"key": project, "id": 1, "name": project.title()},
    }
    body.update(fields)
    return body


def fields(repository, **changes):
    view = {
        "project": repository["project"]["key"], "slug": repository["slug"], "name": repository["name"],
        "description": repository.get("description") or "", "forkable": repository["forkable"], "public": repository["public"],
        "archived": repository["archived"], "default_branch": repository["defaultBranch"],
    }
    view.update(changes)
    return view


def listing(*repositories, project="PLAT", status=200):
    if status == 404:
        return Call("GET", "%s/%s/repos" % (API, project), query=FIRST_PAGE, status=404, body=errors("Project %s does not exist." % project))
    return Call("GET", "%s/%s/repos" % (API, project), query=FIRST_PAGE, body=page(repositories))


def get(repository=None, slug="billing", project="PLAT"):
    path = "%s/%s/repos/%s" % (API, project, slug)
    if repository is None:
        return Call("GET", path, status=404, body=errors("Repository %s does not exist." % slug))
    return Call("GET", path, body=repository)


def put(body, answer, slug="billing", project="PLAT", status=201):
    return Call("PUT", "%s/%s/repos/%s" % (API, project, slug), json=body, status=status, body=answer)


@pytest.fixture
def run_module(http, make_context):
    def runner(params, check_mode=False):
        params = dict(params)
        params.setdefault("project", "PLAT")
        return execute(run, make_context(MODULE_SPEC, params, check_mode=check_mode, diff=True))

    return runner


def expect(http, calls, check_mode, reads=1):
    http.expect(*(calls[:reads] if check_mode else calls))


# -- create ------------------------------------------------------------------------------------------


@CHECK_MODES
def test_create_waits_for_initialisation_then_sets_what_the_create_ignored(http, run_module, check_mode, sleeps):
    # spec createRepository: "The only parameters which will be used are name and scmId" (API-MAP section 7 row 23).
    initialising = repo(state="INITIALISING")
    final = repo(description="Billing API", forkable=False, defaultBranch="develop")
    expect(http, [
        listing(),
        Call("POST", REPOS, json={"name": "billing", "scmId": "git", "description": "Billing API", "forkable": False, "defaultBranch": "develop"},
             status=201, body=initialising),
        get(initialising),
        get(repo()),
        put({"description": "Billing API", "forkable": False}, repo(description="Billing API", forkable=False)),
        Call("PUT", REPOS + "/billing/default-branch", json={"id": "refs/heads/develop"}, status=204),
    ], check_mode)

    result = run_module(dict(name="billing", description="Billing API", forkable=False, default_branch="refs/heads/develop"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"]["before"] == {}
    if check_mode:
        assert result["repository"] == {"name": "billing", "description": "Billing API", "forkable": False, "defaultBranch": "develop",
                                        "project": {"key": "PLAT"}, "state": "AVAILABLE"}
        assert (result["slug"], result["project_key"]) == ("", "PLAT")
    else:
        assert result["repository"] == final
        assert (result["slug"], result["project_key"]) == ("billing", "PLAT")
        assert result["diff"]["after"] == fields(final)
        assert sleeps == [0.1]
    http.assert_done()


def test_a_create_that_takes_every_field_needs_no_follow_up(http, run_module):
    # The other reading of API-MAP 3.2 VERIFY: current servers honour description and defaultBranch on create.
    created = repo(description="Billing API", defaultBranch="develop")
    http.expect(
        listing(),
        Call("POST", REPOS, json={"name": "billing", "scmId": "git", "description": "Billing API", "defaultBranch": "develop"}, status=201, body=created),
    )

    result = run_module(dict(name="billing", description="Billing API", default_branch="develop"))

    assert result["changed"] is True
    assert result["repository"] == created
    http.assert_done()


def test_the_slug_is_the_one_bitbucket_derived(http, run_module):
    created = repo(slug="billing-service", name="Billing Service")
    http.expect(listing(), Call("POST", REPOS, json={"name": "Billing Service", "scmId": "git"}, status=201, body=created))

    result = run_module(dict(name="Billing Service"))

    assert result["slug"] == "billing-service"
    http.assert_done()


def test_a_create_that_landed_despite_a_500_is_not_repeated(http, run_module):
    http.expect(
        listing(),
        Call("POST", REPOS, json={"name": "billing", "scmId": "git"}, status=500, body=errors("Internal server error")),
        listing(repo()),
    )

    result = run_module(dict(name="billing"))

    assert result["changed"] is True
    assert result["slug"] == "billing"
    http.assert_done()


def test_a_name_in_use_is_explained(http, run_module):
    message = "This repository URL is already taken by 'Billing' in project PLAT."
    http.expect(
        listing(repo(slug="billing-x", name="other")),
        Call("POST", REPOS, json={"name": "billing", "scmId": "git"}, status=409, body=errors(message, context="name")),
        listing(repo(slug="billing-x", name="other")),
    )

    result = run_module(dict(name="billing"))

    assert result["failed"] is True
    assert result["http_status"] == 409
    assert "a repository with that name already exists in the target project" in result["msg"]
    http.assert_done()


def test_a_failed_initialisation_is_explained(http, run_module):
    failed = repo(state="INITIALISATION_FAILED", statusMessage="Initialisation failed")
    http.expect(listing(), Call("POST", REPOS, json={"name": "billing", "scmId": "git"}, status=201, body=failed))

    result = run_module(dict(name="billing"))

    assert result["failed"] is True
    assert "could not initialise repository PLAT/billing (Initialisation failed)" in result["msg"]
    assert result["changed"] is True
    http.assert_done()


@CHECK_MODES
def test_create_without_a_name_is_refused(http, run_module, check_mode):
    http.expect(get(None))

    result = run_module(dict(slug="billing"), check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == "name"
    http.assert_done()


# -- no-op and update --------------------------------------------------------------------------------


@CHECK_MODES
def test_no_op_by_name_is_one_listing(http, run_module, check_mode):
    current = repo(description="Billing API")
    http.expect(listing(repo(slug="other"), current))

    result = run_module(dict(name="billing", description="Billing API", forkable=True, public=False, archived=False, default_branch="main"),
                        check_mode=check_mode)

    assert result["changed"] is False
    assert result["repository"] == current
    assert result["diff"] == {"before": fields(current), "after": fields(current)}
    http.assert_done()


@CHECK_MODES
def test_no_op_by_slug_reads_the_default_branch_when_the_repository_does_not_say(http, run_module, check_mode):
    current = repo()
    del current["defaultBranch"]
    http.expect(get(current), Call("GET", REPOS + "/billing/default-branch", body={"id": "refs/heads/main", "displayId": "main", "type": "BRANCH"}))

    result = run_module(dict(slug="billing", default_branch="main"), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


@CHECK_MODES
def test_update(http, run_module, check_mode):
    updated = repo(description="New", public=True)
    expect(http, [listing(repo()), put({"description": "New", "public": True}, updated)], check_mode)

    result = run_module(dict(name="billing", description="New", public=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["repository"] == updated
    assert result["diff"] == {"before": fields(repo()), "after": fields(updated)}
    http.assert_done()


@CHECK_MODES
def test_default_branch(http, run_module, check_mode):
    expect(http, [get(repo()), Call("PUT", REPOS + "/billing/default-branch", json={"id": "refs/heads/trunk"}, status=204)], check_mode)

    result = run_module(dict(slug="billing", default_branch="trunk"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["repository"]["defaultBranch"] == "trunk"
    assert result["diff"]["after"]["default_branch"] == "trunk"
    http.assert_done()


def test_a_default_branch_that_is_not_configured_reads_as_none(http, run_module):
    current = repo()
    del current["defaultBranch"]
    http.expect(
        get(current),
        Call("GET", REPOS + "/billing/default-branch", status=404, body=errors("The default branch does not exist.")),
        Call("PUT", REPOS + "/billing/default-branch", json={"id": "refs/heads/main"}, status=204),
    )

    result = run_module(dict(slug="billing", default_branch="main"))

    assert result["changed"] is True
    assert "default_branch" not in result["diff"]["before"]
    http.assert_done()


# -- rename and move --------------------------------------------------------------------------------------


@CHECK_MODES
def test_rename_returns_the_new_slug(http, run_module, check_mode):
    renamed = repo(slug="billing-legacy", name="billing-legacy")
    expect(http, [listing(repo(slug="old-billing")), put({"name": "billing-legacy"}, renamed, slug="old-billing")], check_mode)

    result = run_module(dict(name="billing-legacy", rename_from="old-billing"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["slug"] == ("" if check_mode else "billing-legacy")
    assert result["diff"]["before"]["name"] == "old-billing"
    assert result["diff"]["after"]["name"] == "billing-legacy"
    http.assert_done()


@CHECK_MODES
def test_a_rename_already_made_changes_nothing(http, run_module, check_mode):
    http.expect(listing(repo(slug="billing-legacy", name="billing-legacy")))

    result = run_module(dict(name="billing-legacy", rename_from="old-billing"), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


def test_a_rename_whose_answer_was_lost_is_found_under_its_new_name(http, run_module):
    renamed = repo(slug="billing-legacy", name="billing-legacy")
    http.expect(
        listing(repo(slug="old-billing")),
        Call("PUT", REPOS + "/old-billing", json={"name": "billing-legacy"}, raises=read_timeout()),
        listing(renamed),
    )

    result = run_module(dict(name="billing-legacy", rename_from="old-billing"))

    assert result["changed"] is True
    assert result["slug"] == "billing-legacy"
    http.assert_done()


@CHECK_MODES
def test_move_returns_the_new_project(http, run_module, check_mode):
    moved = repo(project="ATTIC")
    expect(http, [listing(repo()), put({"project": {"key": "ATTIC"}}, moved)], check_mode)

    result = run_module(dict(name="billing", move_to_project="attic"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["project_key"] == "ATTIC"
    assert result["diff"]["after"]["project"] == "ATTIC"
    http.assert_done()


@CHECK_MODES
def test_a_move_already_made_is_found_in_the_target(http, run_module, check_mode):
    http.expect(listing(), listing(repo(project="ATTIC"), project="ATTIC"))

    result = run_module(dict(name="billing", move_to_project="ATTIC"), check_mode=check_mode)

    assert result["changed"] is False
    assert result["project_key"] == "ATTIC"
    http.assert_done()


def test_a_rename_clash_is_explained(http, run_module):
    message = "This repository URL is already taken by 'taken' in project PLAT."
    http.expect(listing(repo()), put({"name": "taken"}, errors(message), status=409))

    result = run_module(dict(slug=None, name="taken", rename_from="billing"))

    assert result["failed"] is True
    assert "or repository PLAT/billing is archived" in result["msg"]
    http.assert_done()


# -- archive --------------------------------------------------------------------------------------------------


@CHECK_MODES
def test_an_archived_repository_is_unarchived_first_and_archived_last(http, run_module, check_mode):
    archived = repo(archived=True)
    expect(http, [
        get(archived),
        put({"archived": False}, repo()),
        put({"description": "Kept for reference"}, repo(description="Kept for reference")),
        Call("PUT", REPOS + "/billing/default-branch", json={"id": "refs/heads/legacy"}, status=204),
        put({"archived": True}, repo(description="Kept for reference", archived=True, defaultBranch="legacy")),
    ], check_mode)

    result = run_module(dict(slug="billing", description="Kept for reference", default_branch="legacy"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["repository"]["archived"] is True
    assert result["diff"]["after"] == fields(archived, description="Kept for reference", default_branch="legacy")
    http.assert_done()


@CHECK_MODES
def test_archiving_comes_after_the_other_changes(http, run_module, check_mode):
    expect(http, [get(repo()), put({"description": "Retired"}, repo(description="Retired")),
                  put({"archived": True}, repo(description="Retired", archived=True))], check_mode)

    result = run_module(dict(slug="billing", description="Retired", archived=True), check_mode=check_mode)

    assert result["changed"] is True
    http.assert_done()


def test_unarchiving_alone_is_one_request(http, run_module):
    http.expect(get(repo(archived=True)), put({"archived": False}, repo()))

    result = run_module(dict(slug="billing", archived=False))

    assert result["changed"] is True
    http.assert_done()


def test_open_pull_requests_blocking_the_archive_are_explained(http, run_module):
    message = "Cannot archive repository because it has open pull requests."
    http.expect(get(repo()), put({"archived": True}, errors(message), status=403))

    result = run_module(dict(slug="billing", archived=True))

    assert result["failed"] is True
    assert result["http_status"] == 403
    assert "cannot archive repository PLAT/billing while it has open pull requests" in result["msg"]
    http.assert_done()


# -- fork -------------------------------------------------------------------------------------------------------


def test_fork(http, run_module):
    origin = {"slug": "billing", "project": {"key": "PLAT"}}
    forked = repo(slug="billing-exp", project="SANDBOX", origin=origin)
    http.expect(
        listing(project="SANDBOX"),
        Call("POST", REPOS + "/billing", json={"name": "billing-exp", "project": {"key": "SANDBOX"}}, status=201, body=forked),
        put({"forkable": False}, dict(forked, forkable=False), project="SANDBOX", slug="billing-exp"),
    )

    result = run_module(dict(project="SANDBOX", name="billing-exp", forkable=False, fork_from=dict(project="PLAT", repository="billing")))

    assert result["changed"] is True
    assert result["repository"]["origin"] == origin
    http.assert_done()


@CHECK_MODES
def test_an_existing_repository_must_already_be_the_fork(http, run_module, check_mode):
    http.expect(listing(repo(slug="billing-exp")))

    result = run_module(dict(name="billing-exp", fork_from=dict(project="PLAT", repository="billing")), check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == "fork_from"
    assert "is not a fork of PLAT/billing" in result["msg"]
    http.assert_done()


# -- delete -------------------------------------------------------------------------------------------------------


@CHECK_MODES
def test_delete_waits_until_the_repository_is_gone(http, run_module, check_mode, sleeps):
    expect(http, [listing(repo()), Call("DELETE", REPOS + "/billing", status=202), get(repo()), get(None)], check_mode)

    result = run_module(dict(name="billing", state="absent", force=True), check_mode=check_mode)

    assert result["changed"] is True
    assert result["repository"] == {}
    assert result["diff"] == {"before": fields(repo()), "after": {}}
    assert sleeps == ([] if check_mode else [0.1])
    http.assert_done()


@CHECK_MODES
def test_delete_needs_force(http, run_module, check_mode):
    http.expect(listing(repo()))

    result = run_module(dict(name="billing", state="absent"), check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == "force"
    assert "Refusing to delete repository PLAT/billing" in result["msg"]
    http.assert_done()


@CHECK_MODES
def test_delete_absent_only_reads(http, run_module, check_mode):
    http.expect(listing(repo(slug="other")))

    result = run_module(dict(name="billing", state="absent", force=True), check_mode=check_mode)

    assert result["changed"] is False
    http.assert_done()


def test_delete_in_a_project_that_does_not_exist_is_absent(http, run_module):
    http.expect(listing(status=404))

    result = run_module(dict(name="billing", state="absent", force=True))

    assert result["changed"] is False
    http.assert_done()


def test_a_deletion_that_takes_too_long_times_out(http, run_module, sleeps):
    http.expect(listing(repo()), Call("DELETE", REPOS + "/billing", status=202), get(repo()), get(repo()), get(repo()), get(repo()))

    result = run_module(dict(name="billing", state="absent", force=True, wait_timeout=1))

    assert result["failed"] is True
    assert result["changed"] is True
    assert "Timed out after 1 seconds waiting for repository PLAT/billing to be deleted" in result["msg"]
    assert sleeps == [0.1, 0.2, 0.4]
    http.assert_done()


def test_without_waiting_delete_is_one_request(http, run_module):
    http.expect(get(repo()), Call("DELETE", REPOS + "/billing", status=202))

    result = run_module(dict(slug="billing", state="absent", force=True, wait_timeout=0))

    assert result["changed"] is True
    http.assert_done()


def test_a_repository_gone_meanwhile_answers_204(http, run_module):
    http.expect(get(repo()), Call("DELETE", REPOS + "/billing", status=204), get(None))

    result = run_module(dict(slug="billing", state="absent", force=True))

    assert result["changed"] is True
    http.assert_done()


# -- bad input -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("params", "option"), [
    (dict(name="-bad"), "name"),
    (dict(name="x" * 129), "name"),
    (dict(name="ok", rename_from="bad/name"), "rename_from"),
    (dict(name="ok", default_branch="refs/heads/"), "default_branch"),
    (dict(name="ok", wait_timeout=-1), "wait_timeout"),
    (dict(name="ok", state="absent", move_to_project="X"), "move_to_project"),
])
@CHECK_MODES
def test_bad_input_fails_before_any_request(http, run_module, params, option, check_mode):
    result = run_module(params, check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert http.calls == []


def test_a_missing_project_is_explained(http, run_module):
    http.expect(listing(status=404))

    result = run_module(dict(name="billing"))

    assert result["failed"] is True
    assert "Project PLAT does not exist" in result["msg"]
    http.assert_done()


# -- main() -------------------------------------------------------------------------------------------------------------


def test_main_runs_through_ansible_module(monkeypatch, capsys, http):
    http.expect(get(repo()))

    code, output = main_of(bitbucket_repository, monkeypatch, capsys, http,
                           dict(url=BASE_URL, token="t0ken", project="PLAT", slug="billing", public=False))

    assert code == 0
    assert output["changed"] is False
    assert output["slug"] == "billing"
    http.assert_done()


def test_main_refuses_fork_from_with_rename_from(monkeypatch, capsys, http):
    code, output = main_of(bitbucket_repository, monkeypatch, capsys, http,
                           dict(url=BASE_URL, token="t0ken", project="PLAT", name="x", rename_from="y", fork_from=dict(project="A", repository="b")))

    assert code == 1
    assert "mutually exclusive" in output["msg"]
    assert http.calls == []


def test_a_delete_whose_answer_was_lost_is_sent_again(http, run_module):
    # The repository stays readable after a scheduled deletion, so the read cannot tell; a second DELETE is harmless.
    http.expect(
        get(repo()),
        Call("DELETE", REPOS + "/billing", status=500, body=errors("Injected fault")),
        get(repo()),
        Call("DELETE", REPOS + "/billing", status=202),
        get(None),
    )

    result = run_module(dict(slug="billing", state="absent", force=True))

    assert result["changed"] is True
    http.assert_done()


def test_a_default_branch_change_whose_answer_was_lost_is_checked_by_reading(http, run_module):
    http.expect(
        get(repo()),
        Call("PUT", REPOS + "/billing/default-branch", json={"id": "refs/heads/trunk"}, status=500, body=errors("Injected fault")),
        Call("GET", REPOS + "/billing/default-branch", body={"id": "refs/heads/trunk", "displayId": "trunk", "type": "BRANCH"}),
    )

    result = run_module(dict(slug="billing", default_branch="trunk"))

    assert result["changed"] is True
    assert "failed" not in result
    http.assert_done()
