"""Mesh nodes (API-MAP 3.24, seed 003 "Mesh", spec delete_2): registration, updates, asynchronous deletion."""

from __future__ import annotations

import base64

import pytest

NODES = "/rest/api/latest/admin/git/mesh/nodes"
PEM = "/rest/api/latest/admin/git/mesh/config/control-plane.pem"
CONNECTIVITY = "/rest/api/latest/admin/git/mesh/diagnostics/connectivity"
FROZEN = 1767225600000


@pytest.fixture
def frozen(client):
    """Emulator time stands still, so a deletion completes only when the clock is moved."""
    client.post("/_emulator/clock", json={"freeze_at_ms": FROZEN})
    return client


def register(api, name="mesh-1", rpc_url="http://mesh-1.example.com:7777", **fields):
    response = api.post(NODES, json={"name": name, "rpcUrl": rpc_url, **fields})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def test_register_list_get_and_update(api, frozen):
    node = register(api, availabilityZone="zone-a")
    assert node == {
        "name": "mesh-1", "id": "1", "state": "AVAILABLE", "lastSeenDate": FROZEN, "offline": False, "rpcId": "1",
        "rpcUrl": "http://mesh-1.example.com:7777", "availabilityZone": "zone-a",
    }
    listed = api.get(NODES)
    assert listed.status_code == 200
    assert listed.json == [node]  # API-MAP section 7 row 7: a list, not one node
    assert api.get(f"{NODES}/1").json == node
    assert api.get(f"{NODES}/2").status_code == 404

    updated = api.put(f"{NODES}/1", json={"rpcUrl": "http://mesh-1b.example.com:7777"})
    assert updated.status_code == 200
    assert updated.json["rpcUrl"] == "http://mesh-1b.example.com:7777"
    assert updated.json["availabilityZone"] == "zone-a"  # fields not sent are kept
    assert updated.json["name"] == "mesh-1"


def test_server_managed_fields_in_the_body_are_ignored(api):
    # The seed example sends id, state, offline, lastSeenDate and rpcId (API-MAP 3.24: server-managed).
    node = register(api, id="99", state="OFFLINE", offline=True, rpcId="42", lastSeenDate=5)
    assert (node["id"], node["state"], node["offline"], node["rpcId"]) == ("1", "AVAILABLE", False, "1")


@pytest.mark.parametrize("body, field", [
    ({"rpcUrl": "http://m:7777"}, "name"),
    ({"name": "m"}, "rpcUrl"),
    ({"name": "m", "rpcUrl": "mesh:7777"}, "rpcUrl"),
    ({"name": "m", "rpcUrl": "http://mesh:port"}, "rpcUrl"),
    ({"name": "m", "rpcUrl": "http://mesh:7777/path"}, "rpcUrl"),
    ({"name": "m", "rpcUrl": "http://mesh.invalid:7777"}, "rpcUrl"),
    ({"name": "m", "rpcUrl": "http://m:7777", "availabilityZone": "zone a"}, "availabilityZone"),
    ({"name": 5, "rpcUrl": "http://m:7777"}, "name"),
])
def test_invalid_registrations_are_400_naming_the_field(api, body, field):
    response = api.post(NODES, json=body)
    assert response.status_code == 400
    assert response.json["errors"][0]["context"] == field


def test_an_unreachable_node_is_explained(api):
    response = api.post(NODES, json={"name": "m", "rpcUrl": "http://mesh.invalid:7777"})
    assert "reachable from every Bitbucket node" in response.json["errors"][0]["message"]


def test_names_and_rpc_urls_are_unique(api):
    register(api)
    assert api.post(NODES, json={"name": "mesh-1", "rpcUrl": "http://other:7777"}).json["errors"][0]["context"] == "name"
    assert api.post(NODES, json={"name": "other", "rpcUrl": "http://mesh-1.example.com:7777"}).json["errors"][0]["context"] == "rpcUrl"
    register(api, "mesh-2", "http://mesh-2:7777")
    assert api.put(f"{NODES}/2", json={"name": "mesh-1"}).status_code == 400


def test_every_mesh_operation_needs_sys_admin(api):
    register(api)
    user = api.make_user("dora")
    api.grant_global("dora", "ADMIN")
    for method, path in (("GET", NODES), ("POST", NODES), ("GET", f"{NODES}/1"), ("PUT", f"{NODES}/1"), ("DELETE", f"{NODES}/1"),
                         ("GET", PEM), ("GET", CONNECTIVITY)):
        assert api.call(method, path, auth=user, json={}).status_code == 401, (method, path)


def test_deletion_is_asynchronous(api, frozen):
    register(api)
    deleted = api.delete(f"{NODES}/1")
    assert deleted.status_code == 202
    assert deleted.get_data() == b""
    assert api.get(f"{NODES}/1").json["state"] == "DELETING"
    assert api.delete(f"{NODES}/1").status_code == 202  # already being deleted
    assert api.put(f"{NODES}/1", json={"name": "x"}).status_code == 400
    frozen.post("/_emulator/clock", json={"advance_ms": 4999})
    assert api.get(f"{NODES}/1").status_code == 200
    frozen.post("/_emulator/clock", json={"advance_ms": 1})
    assert api.get(f"{NODES}/1").status_code == 404
    assert api.get(NODES).json == []
    assert api.delete(f"{NODES}/1").status_code == 404


def test_a_node_that_hosts_repositories_is_deleted_only_with_force(api, client, frozen):
    api.make_project("MESH")
    repo = api.make_repo("MESH", "app")
    register(api)
    hosted = client.post("/_emulator/mesh", json={"node": "mesh-1", "repository_ids": [repo["id"]]})
    assert hosted.json["repository_ids"] == [repo["id"]]
    refused = api.delete(f"{NODES}/1")
    assert refused.status_code == 409
    assert "force=true" in refused.json["errors"][0]["message"]
    assert api.get(f"{NODES}/1").json["state"] == "AVAILABLE"
    assert api.delete(f"{NODES}/1", query_string={"force": "false"}).status_code == 409
    assert api.delete(f"{NODES}/1", query_string={"force": "true"}).status_code == 202
    assert client.get("/_emulator/state").json["mesh_nodes"][0]["repository_ids"] == []


def test_an_offline_node_keeps_its_last_seen_date_and_is_unreachable(api, client, frozen):
    register(api, "mesh-1", "http://mesh-1:7777")
    register(api, "mesh-2", "http://mesh-2:7777")
    assert client.post("/_emulator/mesh", json={"node": "mesh-2", "offline": True}).status_code == 200
    frozen.post("/_emulator/clock", json={"advance_ms": 60000})
    nodes = {node["name"]: node for node in api.get(NODES).json}
    assert nodes["mesh-1"]["lastSeenDate"] == FROZEN + 60000
    assert (nodes["mesh-2"]["state"], nodes["mesh-2"]["offline"], nodes["mesh-2"]["lastSeenDate"]) == ("OFFLINE", True, FROZEN)

    report = api.get(CONNECTIVITY).json["reports"]
    assert [(entry["node"]["name"], entry["node"]["type"]) for entry in report] == [("bitbucket-node-1", "BITBUCKET"), ("mesh-1", "MESH"), ("mesh-2", "MESH")]
    from_bitbucket = {summary["node"]["name"]: summary["summary"] for summary in report[0]["summaries"]}
    assert from_bitbucket["mesh-1"]["reachable"] is True and from_bitbucket["mesh-1"]["roundTripTime"] > 0
    assert from_bitbucket["mesh-2"] == {"reachable": False, "errorMessage": "Unable to connect to the node."}
    assert [summary["node"]["name"] for summary in report[1]["summaries"]] == ["mesh-2"]  # a node does not report on itself


def test_mesh_control_errors(client, api):
    register(api)
    assert client.post("/_emulator/mesh", json={"node": "nope", "offline": True}).status_code == 404
    assert client.post("/_emulator/mesh", json={"node": "mesh-1", "repository_ids": [999]}).status_code == 404
    assert client.post("/_emulator/mesh", json={"node": "mesh-1", "offline": "yes"}).status_code == 400


def test_the_control_plane_pem_is_text(api):
    answer = api.get(PEM, headers={"Accept": "text/plain"})
    assert answer.status_code == 200
    assert answer.content_type.startswith("text/plain")
    text = answer.get_data(as_text=True)
    assert text.startswith("-----BEGIN PUBLIC KEY-----\n") and text.endswith("-----END PUBLIC KEY-----\n")
    body = "".join(text.splitlines()[1:-1])
    assert len(base64.b64decode(body)) == 91  # a P-256 SubjectPublicKeyInfo
    assert api.get(PEM, headers={"Accept": "*/*"}).status_code == 200
    assert api.get(PEM, headers={"Accept": "application/json"}).status_code == 406


def test_availability_zones_exist_from_9_4(api, client):
    client.post("/_emulator/settings", json={"version": "9.3.0"})
    node = register(api, availabilityZone="zone-a")
    assert "availabilityZone" not in node
    client.post("/_emulator/settings", json={"version": "9.4.0"})
    assert "availabilityZone" not in api.get(f"{NODES}/1").json  # never stored by the older server


def test_mesh_is_absent_before_8_0(api, client):
    client.post("/_emulator/settings", json={"version": "7.21.0"})
    assert api.get(NODES).status_code == 404
    assert api.post("/rest/api/latest/migration/mesh/preview", json={}).status_code == 404
