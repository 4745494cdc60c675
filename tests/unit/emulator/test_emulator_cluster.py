"""The cluster (seed 003 "cluster") and the clock controls that make emulator time reproducible."""

from __future__ import annotations

from werkzeug.test import Client

from bitbucket_emulator import create_app

CLUSTER = "/rest/api/latest/admin/cluster"
FROZEN = 1767225600000


def test_the_cluster_is_the_local_node_and_needs_sys_admin(api):
    info = api.get(CLUSTER)
    assert info.status_code == 200
    body = info.json
    assert body["running"] is True
    assert len(body["nodes"]) == 1
    node = body["nodes"][0]
    assert node == body["localNode"]
    assert node["local"] is True
    assert node["buildVersion"] == "9.4.0"
    assert node["address"] == {"address": "127.0.0.1", "port": 5701}
    assert len(node["id"]) == 36 and node["id"].count("-") == 4

    user = api.make_user("carol")
    api.grant_global("carol", "ADMIN")
    assert api.get(CLUSTER, auth=user).status_code == 401  # ADMIN is not enough
    assert api.get(CLUSTER, auth=None).status_code == 401


def test_node_ids_depend_on_the_seed_only(api):
    first = api.get(CLUSTER).json["localNode"]["id"]
    assert Client(create_app()).get(CLUSTER, headers=api.basic("admin", "admin")).json["localNode"]["id"] == first
    assert Client(create_app(seed=1)).get(CLUSTER, headers=api.basic("admin", "admin")).json["localNode"]["id"] != first


def test_the_cluster_control_adds_and_removes_nodes(api, client):
    added = client.post("/_emulator/cluster", json={"name": "bitbucket-node-2", "address": "10.0.0.2"})
    assert added.status_code == 200
    assert client.post("/_emulator/cluster", json={"name": "bitbucket-node-2", "address": "10.0.0.3"}).status_code == 409
    assert client.post("/_emulator/cluster", json={"name": "x"}).status_code == 400
    body = api.get(CLUSTER).json
    assert [(node["name"], node["local"]) for node in body["nodes"]] == [("bitbucket-node-1", True), ("bitbucket-node-2", False)]
    assert body["localNode"]["name"] == "bitbucket-node-1"
    assert client.delete("/_emulator/cluster").status_code == 204
    assert len(api.get(CLUSTER).json["nodes"]) == 1


def test_build_version_follows_the_claimed_version(api, client):
    client.post("/_emulator/settings", json={"version": "9.6.1"})
    assert api.get(CLUSTER).json["localNode"]["buildVersion"] == "9.6.1"


def test_a_frozen_clock_stands_still_and_ticks_per_request(api, client):
    frozen = client.post("/_emulator/clock", json={"freeze_at_ms": FROZEN}).json
    assert frozen == {"now": FROZEN, "offset_ms": 0, "frozen": True, "frozen_at_ms": FROZEN, "tick_ms": 0}
    assert client.get("/_emulator/clock").json["now"] == FROZEN
    client.post("/_emulator/clock", json={"tick_ms": 1000})
    api.get(CLUSTER)
    api.get("/rest/api/latest/nothing-here")  # every REST request ticks, answered or not
    assert client.get("/_emulator/clock").json["now"] == FROZEN + 2000  # controls do not tick
    client.post("/_emulator/clock", json={"tick_ms": 0, "freeze_at_ms": None})  # thawing also drops the offset the ticks made
    running = client.get("/_emulator/clock").json
    assert running["frozen_at_ms"] is None and running["tick_ms"] == 0 and running["offset_ms"] == 0
    assert running["now"] > FROZEN - 10 ** 12  # the wall clock again


def test_clock_control_rejects_bad_bodies(client):
    for body in ({}, {"advance_ms": "1"}, {"tick_ms": -1}, {"freeze_at_ms": "soon"}, {"colour": 1}):
        assert client.post("/_emulator/clock", json=body).status_code == 400, body


def test_a_reset_lets_the_clock_run_again(client):
    client.post("/_emulator/clock", json={"freeze_at_ms": FROZEN, "tick_ms": 5})
    client.post("/_emulator/reset")
    assert client.get("/_emulator/clock").json["frozen_at_ms"] is None
    assert client.get("/_emulator/clock").json["tick_ms"] == 0
