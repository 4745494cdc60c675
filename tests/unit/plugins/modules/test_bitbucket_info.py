"""bitbucket_info: one application-properties read, shared with every version gate of the run."""

from __future__ import annotations

import functools

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.module_utils._version import require
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_info
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_info import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, Call, errors
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

PROPERTIES = "/rest/api/latest/application-properties"
SEED_EXAMPLE = {"displayName": "Example.com Bitbucket", "version": "9.4.0", "buildNumber": "9004000", "buildDate": "1705449600000"}


@pytest.fixture
def run_module(http, make_context):
    def runner(params=None, check_mode=False):
        return execute(run, make_context(MODULE_SPEC, params or {}, check_mode=check_mode))

    return runner


@pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])
def test_version_build_and_name(http, run_module, check_mode):
    http.expect(Call("GET", PROPERTIES, body=SEED_EXAMPLE))

    result = run_module(check_mode=check_mode)

    assert result == {
        "changed": False,
        "version": "9.4.0",
        "version_info": [9, 4, 0],
        "build_number": "9004000",
        "build_date": "1705449600000",
        "display_name": "Example.com Bitbucket",
        "url": BASE_URL,
    }
    http.assert_done()


def test_a_pre_release_version_is_numbered_like_the_gates_number_it(http, run_module):
    http.expect(Call("GET", PROPERTIES, body=dict(SEED_EXAMPLE, version="10.0.0-m3")))

    assert run_module()["version_info"] == [10, 0, 0]
    http.assert_done()


def test_fields_the_server_leaves_out_are_none(http, run_module):
    http.expect(Call("GET", PROPERTIES, body={"version": "8.19.1"}))

    result = run_module()

    assert (result["version_info"], result["build_number"], result["display_name"]) == ([8, 19, 1], None, None)
    http.assert_done()


def test_the_gate_uses_the_same_read(http, make_context):
    http.expect(Call("GET", PROPERTIES, body=SEED_EXAMPLE))
    context = make_context(MODULE_SPEC, {})

    result = run(context)
    require(context.client, (9, 4), "a feature")  # no second GET: the scripted session would refuse it

    assert result["version"] == "9.4.0"
    http.assert_done()


def test_a_failure_is_reported_with_its_details(http, run_module):
    http.expect(Call("GET", PROPERTIES, status=503, body=errors("Bitbucket is starting")), *[Call("GET", PROPERTIES, status=503)] * 6)

    result = run_module()

    assert result["failed"] is True
    assert result["http_status"] == 503
    assert result["msg"].startswith("GET %s: HTTP 503" % PROPERTIES)
    http.assert_done()


def test_main(monkeypatch, capsys, http):
    http.expect(Call("GET", PROPERTIES, body=SEED_EXAMPLE))

    code, output = functools.partial(main_of, bitbucket_info)(monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token"))

    assert code == 0
    assert output["version"] == "9.4.0"
    assert output["changed"] is False
    http.assert_done()
