"""bitbucket_label_info: labels (every page), one label with the repositories that carry it, the labels of one repository."""

from __future__ import annotations

import functools
import json

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_label_info
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_label_info import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, FIRST_PAGE, Call, errors, page
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

LABELS = "/rest/api/latest/labels"
REPO_LABELS = "/rest/api/latest/projects/PAY/repos/payments/labels"
NO_SUCH_LABEL = errors("Label nope does not exist.", "com.atlassian.bitbucket.label.NoSuchLabelException")
CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])


def label(name):
    return {"name": name}


def labelable(slug, key="PAY"):
    return {"labelableType": "REPOSITORY", "slug": slug, "name": slug, "id": len(slug), "project": {"key": key, "name": key.title()}}


@pytest.fixture
def run_module(http, make_context):
    def runner(params=None, check_mode=False):
        return execute(run, make_context(MODULE_SPEC, params or {}, check_mode=check_mode))

    return runner


@CHECK_MODES
def test_every_label_on_every_page(http, run_module, check_mode):
    http.expect(
        Call("GET", LABELS, query=FIRST_PAGE, body=page([label("legacy"), label("pci-scope")], next_start=2, limit=2)),
        Call("GET", LABELS, query=[("start", 2), ("limit", 1000)], body=page([label("team-a")], start=2, limit=2)),
    )

    assert run_module(check_mode=check_mode) == {"changed": False, "labels": [label("legacy"), label("pci-scope"), label("team-a")]}
    http.assert_done()


def test_labels_by_prefix(http, run_module):
    http.expect(Call("GET", LABELS, query=[("prefix", "team-")] + FIRST_PAGE, body=page([label("team-a")])))

    assert run_module(dict(prefix="team-"))["labels"] == [label("team-a")]
    http.assert_done()


@CHECK_MODES
def test_one_label_and_its_repositories(http, run_module, check_mode):
    http.expect(
        Call("GET", LABELS + "/pci-scope", body=label("pci-scope")),
        Call("GET", LABELS + "/pci-scope/labeled", query=[("type", "REPOSITORY")] + FIRST_PAGE, body=page([labelable("payments"), labelable("ledger")])),
    )

    result = run_module(dict(name="pci-scope"), check_mode=check_mode)

    assert result == {"changed": False, "labels": [label("pci-scope")], "repositories": [labelable("payments"), labelable("ledger")]}
    http.assert_done()


def test_an_unknown_label_is_empty_not_a_failure(http, run_module):
    http.expect(Call("GET", LABELS + "/nope", status=404, body=NO_SUCH_LABEL))

    assert run_module(dict(name="nope")) == {"changed": False, "labels": [], "repositories": []}
    http.assert_done()


def test_a_label_name_is_one_path_segment(http, run_module):
    http.expect(Call("GET", LABELS + "/a%2Fb", status=404, body=NO_SUCH_LABEL))

    assert run_module(dict(name="a/b"))["labels"] == []
    http.assert_done()


@CHECK_MODES
def test_the_labels_of_a_repository_as_a_page(http, run_module, check_mode):
    http.expect(Call("GET", REPO_LABELS, query=FIRST_PAGE, body=page([label("pci-scope"), label("team-a")])))

    result = run_module(dict(project="PAY", repository="payments"), check_mode=check_mode)

    assert result == {"changed": False, "labels": [label("pci-scope"), label("team-a")]}
    http.assert_done()


def test_the_labels_of_a_repository_on_several_pages_are_read_whole(http, run_module):
    http.expect(
        Call("GET", REPO_LABELS, query=FIRST_PAGE, body=page([label("a-1")], next_start=1, limit=1)),
        Call("GET", REPO_LABELS, query=FIRST_PAGE, body=page([label("a-1")], next_start=1, limit=1)),
        Call("GET", REPO_LABELS, query=[("start", 1), ("limit", 1000)], body=page([label("b-2")], start=1, limit=1)),
    )

    assert run_module(dict(project="PAY", repository="payments"))["labels"] == [label("a-1"), label("b-2")]
    http.assert_done()


@pytest.mark.parametrize("answer, labels", [
    ([label("team-a")], [label("team-a")]),  # a JSON array
    (label("team-a"), [label("team-a")]),  # the one RestLabel the 9.4 document declares
    ({}, []),
], ids=["array", "single-object", "empty-object"])
def test_the_labels_of_a_repository_in_the_documents_other_shapes(http, run_module, answer, labels):
    http.expect(Call("GET", REPO_LABELS, query=FIRST_PAGE, body=answer))

    assert run_module(dict(project="PAY", repository="payments"))["labels"] == labels
    http.assert_done()


def test_a_missing_repository_is_reported_and_named(http, run_module):
    http.expect(Call("GET", REPO_LABELS, query=FIRST_PAGE, status=404, body=errors("Repository payments does not exist.")))

    result = run_module(dict(project="PAY", repository="payments"))

    assert result["failed"] is True
    assert result["http_status"] == 404
    assert result["msg"].endswith("(repository PAY/payments does not exist, or the credentials cannot see it)")
    http.assert_done()


def test_a_wrong_labelable_type_answer_is_reported(http, run_module):
    http.expect(
        Call("GET", LABELS + "/x-y", body=label("x-y")),
        Call("GET", LABELS + "/x-y/labeled", query=[("type", "REPOSITORY")] + FIRST_PAGE, status=400, body=errors("The type of labelable is incorrect")),
    )

    result = run_module(dict(name="x-y"))

    assert result["failed"] is True and result["http_status"] == 400
    http.assert_done()


@pytest.mark.parametrize("params, option", [(dict(name=" "), "name"), (dict(prefix=""), "prefix"), (dict(project=" ", repository="r"), "project")])
def test_empty_values_are_refused_without_any_call(http, run_module, params, option):
    result = run_module(params)

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert http.calls == []


run_main = functools.partial(main_of, bitbucket_label_info)


@pytest.mark.parametrize("args, words", [
    (dict(name="a-b", prefix="a"), "mutually exclusive"),
    (dict(project="PAY"), "repository"),
    (dict(repository="payments"), "project"),
])
def test_main_refuses_conflicting_options_without_any_call(monkeypatch, capsys, http, args, words):
    code, output = run_main(monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token", **args))

    assert code == 1
    assert words in output["msg"]
    assert http.calls == []


def test_main(monkeypatch, capsys, http):
    http.expect(Call("GET", LABELS, query=FIRST_PAGE, body=page([label("team-a")])))

    code, output = run_main(monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token"))

    assert code == 0
    assert output["labels"] == [label("team-a")]
    assert "unit-test-token" not in json.dumps(output)
    http.assert_done()
