"""bitbucket_mesh_node_info: the nodes (a list documented as one node), the control plane's PEM (text/plain), the connectivity report."""

from __future__ import annotations

import functools

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_mesh_node_info
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_mesh_node_info import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, FIRST_PAGE, Call, errors, page
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

MESH = "/rest/api/latest/admin/git/mesh"
NODES = MESH + "/nodes"
PEM_PATH = MESH + "/config/control-plane.pem"
CONNECTIVITY = MESH + "/diagnostics/connectivity"
PEM = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n"
REPORT = {"reports": [{"node": {"name": "bb-1", "id": "x", "type": "BITBUCKET"},
                       "summaries": [{"node": {"name": "mesh-1", "id": "1", "type": "MESH"}, "summary": {"reachable": True, "roundTripTime": 3}}]}]}
CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])


def node(name, node_id):
    return {"name": name, "id": node_id, "state": "AVAILABLE", "lastSeenDate": 1767225600000, "offline": False, "rpcId": node_id,
            "rpcUrl": "http://%s:7777" % name}


@pytest.fixture
def run_module(http, make_context):
    def runner(params=None, check_mode=False):
        return execute(run, make_context(MODULE_SPEC, params or {}, check_mode=check_mode))

    return runner


@CHECK_MODES
def test_everything_by_default(http, run_module, check_mode):
    http.expect(
        Call("GET", NODES, query=FIRST_PAGE, body=[node("mesh-1", "1"), node("mesh-2", "2")]),
        Call("GET", PEM_PATH, text=PEM, headers={"Content-Type": "text/plain"}),
        Call("GET", CONNECTIVITY, body=REPORT),
    )

    result = run_module(check_mode=check_mode)

    assert result == {"changed": False, "nodes": [node("mesh-1", "1"), node("mesh-2", "2")], "control_plane_pem": PEM, "connectivity": REPORT}
    assert http.calls[1].headers["Accept"].startswith("text/plain")
    http.assert_done()


def test_the_nodes_as_a_page_too(http, run_module):
    """API-MAP 1.5 / section 7 row 7: documented as one node, a list; a page is read as well (VERIFY)."""
    http.expect(
        Call("GET", NODES, query=FIRST_PAGE, body=page([node("mesh-1", "1")], next_start=1, limit=1)),
        Call("GET", NODES, query=[("start", 1), ("limit", 1000)], body=page([node("mesh-2", "2")], start=1, limit=1)),
    )

    assert run_module(dict(gather=["nodes"]))["nodes"] == [node("mesh-1", "1"), node("mesh-2", "2")]
    http.assert_done()


def test_one_node_by_name(http, run_module):
    http.expect(Call("GET", NODES, query=FIRST_PAGE, body=[node("mesh-1", "1"), node("mesh-10", "10")]))

    assert run_module(dict(name="mesh-1", gather=["nodes"])) == {"changed": False, "nodes": [node("mesh-1", "1")]}
    http.assert_done()


def test_an_unknown_name_is_an_empty_list(http, run_module):
    http.expect(Call("GET", NODES, query=FIRST_PAGE, body=[node("mesh-1", "1")]))

    assert run_module(dict(name="mesh", gather=["nodes"]))["nodes"] == []
    http.assert_done()


def test_one_node_by_id(http, run_module):
    http.expect(Call("GET", NODES + "/2", body=node("mesh-2", "2")))

    assert run_module(dict(id="2", gather=["nodes"]))["nodes"] == [node("mesh-2", "2")]
    http.assert_done()


def test_a_missing_id_is_an_empty_list(http, run_module):
    http.expect(Call("GET", NODES + "/9", status=404, body=errors("No Mesh node with ID 9 exists.")))

    assert run_module(dict(id="9", gather=["nodes"]))["nodes"] == []
    http.assert_done()


def test_only_the_pem(http, run_module):
    http.expect(Call("GET", PEM_PATH, text=PEM, headers={"Content-Type": "text/plain"}))

    assert run_module(dict(gather=["control_plane_pem"])) == {"changed": False, "control_plane_pem": PEM}
    http.assert_done()


def test_nothing_to_gather_is_refused_without_any_call(http, run_module):
    result = run_module(dict(gather=[]))

    assert result["failed"] is True and result["invalid_option"] == "gather"
    assert http.calls == []


def test_a_server_without_mesh_is_explained_with_its_version(http, run_module):
    http.expect(
        Call("GET", NODES, query=FIRST_PAGE, status=404, body=errors("No resource found")),
        Call("GET", "/rest/api/latest/application-properties", body={"version": "7.21.0"}),
    )

    result = run_module()

    assert result["failed"] is True
    assert result["msg"].endswith("Bitbucket Mesh (8.0 and later) is not available on this server, which runs Bitbucket 7.21.0")
    http.assert_done()


def test_a_pem_refused_is_reported(http, run_module):
    http.expect(Call("GET", PEM_PATH, status=401, body=errors("You are not permitted to access this resource")))

    result = run_module(dict(gather=["control_plane_pem"]))

    assert result["failed"] is True and result["http_status"] == 401
    http.assert_done()


def test_main(monkeypatch, capsys, http):
    http.expect(Call("GET", CONNECTIVITY, body=REPORT))

    code, output = functools.partial(main_of, bitbucket_mesh_node_info)(
        monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token", gather=["connectivity"])
    )

    assert code == 0
    assert output["connectivity"] == REPORT
    http.assert_done()
