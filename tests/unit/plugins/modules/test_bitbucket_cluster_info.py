"""bitbucket_cluster_info: the cluster's nodes and the one that answered (seed 003 "cluster")."""

from __future__ import annotations

import functools

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_cluster_info
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_cluster_info import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, Call, errors
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

CLUSTER = "/rest/api/latest/admin/cluster"


def node(name, local=False):
    return {"address": {"address": name + ".example.com", "port": 5701}, "name": name, "id": "id-" + name, "local": local, "buildVersion": "9.4.0"}


@pytest.fixture
def run_module(http, make_context):
    def runner(check_mode=False):
        return execute(run, make_context(MODULE_SPEC, {}, check_mode=check_mode))

    return runner


@pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])
def test_the_nodes_and_the_local_one(http, run_module, check_mode):
    nodes = [node("node-1"), node("node-2", local=True)]
    http.expect(Call("GET", CLUSTER, body={"running": True, "nodes": nodes, "localNode": nodes[1]}))

    assert run_module(check_mode) == {"changed": False, "running": True, "nodes": nodes, "local_node": nodes[1]}
    http.assert_done()


def test_a_cluster_that_is_not_running(http, run_module):
    http.expect(Call("GET", CLUSTER, body={"running": False}))

    assert run_module() == {"changed": False, "running": False, "nodes": [], "local_node": {}}
    http.assert_done()


def test_without_sys_admin_the_401_is_explained(http, run_module):
    http.expect(Call("GET", CLUSTER, status=401, body=errors("You are not permitted to access this resource")))

    result = run_module()

    assert result["failed"] is True
    assert result["http_status"] == 401
    assert "missing permissions" in result["msg"]
    http.assert_done()


def test_main(monkeypatch, capsys, http):
    http.expect(Call("GET", CLUSTER, body={"running": True, "nodes": [node("n", True)], "localNode": node("n", True)}))

    code, output = functools.partial(main_of, bitbucket_cluster_info)(monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token"))

    assert code == 0
    assert output["local_node"]["name"] == "n"
    http.assert_done()
