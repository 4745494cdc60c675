"""bitbucket_mesh_node: the exact HTTP calls of every scenario, in order, each also in check mode (API-MAP 3.24).

Identity is the name; the listing is a list documented as one node (section 7 row 7); removal is asynchronous
(DELETING, then gone) and refused while the node hosts repositories unless force=true.
"""

from __future__ import annotations

import functools
import json

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules import bitbucket_mesh_node
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_mesh_node import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, FIRST_PAGE, Call, errors, page
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import run_main as main_of

NODES = "/rest/api/latest/admin/git/mesh/nodes"
PROPERTIES = "/rest/api/latest/application-properties"
HOSTS_REPOSITORIES = "The Mesh node mesh-1 hosts 2 repositories and cannot be deleted; delete it with force=true to remove it and its replicas."
CHECK_MODES = pytest.mark.parametrize("check_mode", [False, True], ids=["real", "check_mode"])


def server_node(name="mesh-1", node_id="1", rpc_url="http://mesh-1.example.com:7777", zone="zone-a", **changes):
    node = {"name": name, "id": node_id, "state": "AVAILABLE", "lastSeenDate": 1767225600000, "offline": False, "rpcId": node_id, "rpcUrl": rpc_url}
    if zone is not None:
        node["availabilityZone"] = zone
    node.update(changes)
    return node


def fields(node):
    return {"name": node["name"], "rpcUrl": node["rpcUrl"], "availabilityZone": node.get("availabilityZone")}


def listing(*nodes):
    return Call("GET", NODES, query=FIRST_PAGE, body=list(nodes))


def properties(version="9.4.0"):
    return Call("GET", PROPERTIES, body={"version": version, "buildNumber": "1", "buildDate": "1", "displayName": "Bitbucket"})


def delete(node_id="1", force=False, status=202, body=None):
    return Call("DELETE", "%s/%s" % (NODES, node_id), query=[("force", "true" if force else "false")], status=status, body=body)


def get_node(node=None, node_id="1"):
    if node is None:
        return Call("GET", "%s/%s" % (NODES, node_id), status=404, body=errors("No Mesh node with ID %s exists." % node_id))
    return Call("GET", "%s/%s" % (NODES, node["id"]), body=node)


@pytest.fixture
def run_module(http, make_context):
    def runner(params, check_mode=False, diff=True):
        params = dict(params)
        params.setdefault("name", "mesh-1")
        result = execute(run, make_context(MODULE_SPEC, params, check_mode=check_mode, diff=diff))
        assert http.closed or not http.calls, "the session of the run was not closed"
        return result

    return runner


def expect(http, calls, check_mode):
    http.expect(*[call for call in calls if not check_mode or call.method == "GET"])


# -- register -------------------------------------------------------------------------------------


@CHECK_MODES
def test_register(http, run_module, check_mode):
    created = server_node()
    expect(
        http,
        [
            listing(server_node("mesh-2", "2", "http://mesh-2:7777")),
            properties(),
            Call("POST", NODES, json={"name": "mesh-1", "rpcUrl": "http://mesh-1.example.com:7777", "availabilityZone": "zone-a"}, body=created),
        ],
        check_mode,
    )

    result = run_module(dict(rpc_url="http://mesh-1.example.com:7777/", availability_zone="zone-a"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"] == {"before": {}, "after": fields(created)}
    assert result["node"] == (fields(created) if check_mode else created)
    http.assert_done()


def test_register_without_a_zone_sends_none_and_asks_no_version(http, run_module):
    created = server_node(zone=None)
    http.expect(listing(), Call("POST", NODES, json={"name": "mesh-1", "rpcUrl": "http://mesh-1.example.com:7777"}, body=created))

    assert run_module(dict(rpc_url="http://mesh-1.example.com:7777"))["node"] == created
    http.assert_done()


@CHECK_MODES
def test_register_without_rpc_url_is_refused_after_the_read(http, run_module, check_mode):
    http.expect(listing())

    result = run_module({}, check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == "rpc_url"
    assert "required to register Mesh node mesh-1" in result["msg"]
    http.assert_done()


def test_an_unreachable_node_is_explained(http, run_module):
    http.expect(
        listing(),
        Call("POST", NODES, json={"name": "mesh-1", "rpcUrl": "http://mesh-1:7777"}, status=400,
             body=errors("Unable to connect to the Mesh node at http://mesh-1:7777", context="rpcUrl")),
    )

    result = run_module(dict(rpc_url="http://mesh-1:7777"))

    assert result["failed"] is True
    assert result["http_status"] == 400
    assert "rpcUrl: Unable to connect" in result["msg"]
    assert "already holds the control plane's public key (control_plane_pem of bitbucket_mesh_node_info)" in result["msg"]
    http.assert_done()


@CHECK_MODES
def test_an_rpc_url_of_another_node_is_refused_before_any_write(http, run_module, check_mode):
    http.expect(listing(server_node("mesh-2", "2", "http://shared:7777")))

    result = run_module(dict(rpc_url="http://shared:7777/"), check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == "rpc_url"
    assert "Mesh node mesh-2" in result["msg"]
    http.assert_done()


def test_a_registration_that_landed_behind_a_500_is_not_repeated(http, run_module):
    created = server_node(zone=None)
    http.expect(
        listing(),
        Call("POST", NODES, json={"name": "mesh-1", "rpcUrl": "http://mesh-1.example.com:7777"}, status=500, body=errors("applied, answer lost")),
        listing(created),
    )

    result = run_module(dict(rpc_url="http://mesh-1.example.com:7777"))

    assert "failed" not in result
    assert result["changed"] is True
    assert result["node"] == created
    http.assert_done()


# -- update and no-op -------------------------------------------------------------------------------


@CHECK_MODES
def test_update_sends_the_managed_fields_whole(http, run_module, check_mode):
    current = server_node()
    updated = server_node(rpc_url="http://mesh-1b.example.com:7777")
    expect(
        http,
        [
            listing(current),
            Call("PUT", NODES + "/1", json={"name": "mesh-1", "rpcUrl": "http://mesh-1b.example.com:7777", "availabilityZone": "zone-a"}, body=updated),
        ],
        check_mode,
    )

    result = run_module(dict(rpc_url="http://mesh-1b.example.com:7777"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"] == {"before": fields(current), "after": fields(updated)}
    assert result["node"]["rpcUrl"] == "http://mesh-1b.example.com:7777"
    http.assert_done()


@CHECK_MODES
def test_a_new_zone_is_gated_on_9_4_and_updated(http, run_module, check_mode):
    current = server_node(zone=None)
    updated = server_node(zone="zone-b")
    expect(
        http,
        [listing(current), properties("9.6.0"),
         Call("PUT", NODES + "/1", json={"name": "mesh-1", "rpcUrl": "http://mesh-1.example.com:7777", "availabilityZone": "zone-b"}, body=updated)],
        check_mode,
    )

    result = run_module(dict(availability_zone="zone-b"), check_mode=check_mode)

    assert result["changed"] is True
    assert result["diff"]["after"]["availabilityZone"] == "zone-b"
    http.assert_done()


@CHECK_MODES
def test_a_zone_on_a_server_older_than_9_4_is_refused_before_any_write(http, run_module, check_mode):
    """API-MAP section 7 row 6: availabilityZone is in the 9.4 document only; an older server is refused, not written to."""
    http.expect(listing(server_node(zone=None)), properties("9.3.2"))

    result = run_module(dict(rpc_url="http://mesh-1.example.com:7777", availability_zone="zone-a"), check_mode=check_mode)

    assert result["failed"] is True
    assert result["msg"].startswith("availability_zone (the Mesh node availability zone) needs a newer Bitbucket: Bitbucket 9.4 or later")
    assert result["server_version"] == "9.3.2"
    http.assert_done()


def test_a_node_listed_without_zones_is_managed_when_no_zone_is_asked(http, run_module):
    """The seed's node has no availabilityZone: without the option, the field is neither compared nor sent."""
    current = server_node(zone=None, rpc_url="http://old:7777")
    updated = server_node(zone=None, rpc_url="http://new:7777")
    http.expect(listing(current), Call("PUT", NODES + "/1", json={"name": "mesh-1", "rpcUrl": "http://new:7777"}, body=updated))

    assert run_module(dict(rpc_url="http://new:7777"))["changed"] is True
    http.assert_done()


@CHECK_MODES
def test_no_op_reads_only_and_ignores_a_trailing_slash(http, run_module, check_mode):
    """The node already reports the zone: the server has zones, and no version is read."""
    current = server_node(rpc_url="http://mesh-1.example.com:7777/")
    http.expect(listing(current))

    result = run_module(dict(rpc_url="http://mesh-1.example.com:7777", availability_zone="zone-a"), check_mode=check_mode)

    assert result["changed"] is False
    assert result["node"] == current
    assert result["diff"]["before"] == result["diff"]["after"]
    http.assert_done()


def test_names_are_matched_exactly(http, run_module):
    created = server_node("mesh", "3", "http://mesh:7777", zone=None)
    http.expect(listing(server_node("mesh-1"), server_node("MESH", "2", "http://x:7777")),
                Call("POST", NODES, json={"name": "mesh", "rpcUrl": "http://mesh:7777"}, body=created))

    assert run_module(dict(name="mesh", rpc_url="http://mesh:7777"))["changed"] is True
    http.assert_done()


def test_the_listing_as_a_page_is_read_too(http, run_module):
    """API-MAP 1.5 'accept either a JSON array or a standard page' (VERIFY): the documented reading is the array."""
    http.expect(Call("GET", NODES, query=FIRST_PAGE, body=page([server_node()])))

    assert run_module(dict(rpc_url="http://mesh-1.example.com:7777"))["changed"] is False
    http.assert_done()


def test_two_nodes_of_one_name_are_refused(http, run_module):
    http.expect(listing(server_node(), server_node(node_id="2", rpc_url="http://b:7777")))

    result = run_module(dict(rpc_url="http://x:7777"))

    assert result["failed"] is True
    assert "2 Mesh nodes are named 'mesh-1' (ids 1, 2)" in result["msg"]
    http.assert_done()


def test_a_node_being_removed_is_not_registered_again(http, run_module):
    http.expect(listing(server_node(state="DELETING")))

    result = run_module(dict(rpc_url="http://mesh-1.example.com:7777"))

    assert result["failed"] is True
    assert "is being removed (state DELETING)" in result["msg"]
    http.assert_done()


# -- remove ---------------------------------------------------------------------------------------------


@CHECK_MODES
def test_remove_and_wait_until_gone(http, run_module, sleeps, check_mode):
    current = server_node()
    # Check mode reads the listing only: nothing is removed, so nothing is waited for.
    http.expect(*[listing(current)] + ([] if check_mode else [delete(), get_node(server_node(state="DELETING")), get_node(None)]))

    result = run_module(dict(state="absent", poll_interval=0.5), check_mode=check_mode)

    assert result == {"changed": True, "node": {}, "diff": {"before": fields(current), "after": {}}}
    assert sleeps == ([] if check_mode else [0.5])
    http.assert_done()


@pytest.mark.parametrize("status, body", [(204, None), (200, server_node(state="DELETING"))], ids=["204", "200-with-node"])
def test_any_success_answer_to_the_removal_is_accepted(http, run_module, status, body):
    """spec delete_2 documents only a 'default response': 202 (the emulator), 204 and 200 are all success."""
    http.expect(listing(server_node()), delete(status=status, body=body), get_node(None))

    assert run_module(dict(state="absent"))["changed"] is True
    http.assert_done()


def test_remove_without_waiting(http, run_module):
    http.expect(listing(server_node()), delete())

    assert run_module(dict(state="absent", wait=False))["changed"] is True
    http.assert_done()


@CHECK_MODES
def test_remove_absent_reads_only(http, run_module, check_mode):
    http.expect(listing(server_node("mesh-2", "2", "http://b:7777")))

    assert run_module(dict(state="absent"), check_mode=check_mode) == {"changed": False, "node": {}, "diff": {"before": {}, "after": {}}}
    http.assert_done()


def test_a_node_that_hosts_repositories_is_not_removed_without_force(http, run_module):
    http.expect(listing(server_node()), delete(status=409, body=errors(HOSTS_REPOSITORIES, "com.atlassian.bitbucket.IntegrityException")))

    result = run_module(dict(state="absent"))

    assert result["failed"] is True
    assert result["changed"] is False
    assert result["http_status"] == 409
    assert "Mesh node mesh-1 still hosts repositories" in result["msg"]
    assert "set force: true" in result["msg"]
    http.assert_done()


def test_force_removes_a_node_that_hosts_repositories(http, run_module):
    http.expect(listing(server_node()), delete(force=True), get_node(None))

    assert run_module(dict(state="absent", force=True))["changed"] is True
    http.assert_done()


def test_a_refusal_with_force_is_reported_as_it_is(http, run_module):
    http.expect(listing(server_node()), delete(force=True, status=400, body=errors("The node cannot be deleted now")))

    result = run_module(dict(state="absent", force=True))

    assert result["failed"] is True
    assert "still hosts repositories" not in result["msg"]
    http.assert_done()


def test_a_removal_that_landed_behind_a_500_is_not_repeated(http, run_module):
    http.expect(
        listing(server_node()),
        delete(status=500, body=errors("applied, answer lost")),
        get_node(server_node(state="DELETING")),
        get_node(server_node(state="DELETING")),
        get_node(None),
    )

    result = run_module(dict(state="absent"))

    assert "failed" not in result
    assert result["changed"] is True
    http.assert_done()


def test_a_node_removed_by_someone_else_meanwhile_is_fine(http, run_module):
    http.expect(listing(server_node()), delete(status=404, body=errors("No Mesh node with ID 1 exists.")))

    assert run_module(dict(state="absent"))["changed"] is True
    http.assert_done()


def test_a_removal_that_outlasts_the_timeout_fails_and_says_so(http, run_module):
    deleting = server_node(state="DELETING")
    http.expect(listing(server_node()), delete(), get_node(deleting))

    result = run_module(dict(state="absent", wait_timeout=0))

    assert result["failed"] is True
    assert result["changed"] is True
    assert result["msg"] == "Mesh node mesh-1 is still DELETING after 0 seconds (wait_timeout); Bitbucket goes on removing it in the background"
    assert result["node"] == deleting
    http.assert_done()


@CHECK_MODES
def test_a_removal_already_under_way_is_waited_for_not_repeated(http, run_module, check_mode):
    deleting = server_node(state="DELETING")
    http.expect(*[listing(deleting)] + ([] if check_mode else [get_node(deleting), get_node(None)]))

    result = run_module(dict(state="absent"), check_mode=check_mode)

    assert result["changed"] is False
    assert result["node"] == (deleting if check_mode else {})
    http.assert_done()


# -- bad input, failures, main() ---------------------------------------------------------------------


@pytest.mark.parametrize("params, option", [
    (dict(name=" "), "name"),
    (dict(rpc_url="mesh-1:7777"), "rpc_url"),
    (dict(rpc_url="ftp://mesh-1:7777"), "rpc_url"),
    (dict(rpc_url="http://mesh-1:port"), "rpc_url"),
    (dict(rpc_url="http://mesh-1:7777/rpc"), "rpc_url"),
    (dict(rpc_url="http://mesh 1:7777"), "rpc_url"),
    (dict(availability_zone=""), "availability_zone"),
    (dict(state="absent", wait_timeout=-1), "wait_timeout"),
    (dict(state="absent", poll_interval=0), "poll_interval"),
])
@CHECK_MODES
def test_bad_input_is_refused_without_any_call(http, run_module, params, option, check_mode):
    result = run_module(params, check_mode=check_mode)

    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert result["msg"].startswith("Invalid value for option '%s'" % option)
    assert http.calls == []


def test_a_server_without_mesh_is_explained(http, run_module):
    http.expect(Call("GET", NODES, query=FIRST_PAGE, status=404, body=errors("No resource found")), properties("7.21.0"))

    result = run_module(dict(rpc_url="http://mesh-1:7777"))

    assert result["failed"] is True
    assert "Bitbucket Mesh (8.0 and later) is not available on this server, which runs Bitbucket 7.21.0" in result["msg"]
    http.assert_done()


def test_the_listing_retried_after_a_rate_limit(http, run_module, sleeps):
    http.expect(Call("GET", NODES, query=FIRST_PAGE, status=429, headers={"Retry-After": "2"}), listing(server_node()))

    assert run_module(dict(rpc_url="http://mesh-1.example.com:7777"))["changed"] is False
    assert sleeps == [2.0]
    http.assert_done()


run_main = functools.partial(main_of, bitbucket_mesh_node)


def test_main_in_check_mode_reads_only(monkeypatch, capsys, http):
    http.expect(listing(server_node()))

    code, output = run_main(
        monkeypatch, capsys, http,
        dict(url=BASE_URL, username="sysadmin", password="s3cret-pw", name="mesh-1", state="absent", _ansible_check_mode=True, _ansible_diff=True),
    )

    assert code == 0
    assert output["changed"] is True
    assert output["diff"]["before"]["name"] == "mesh-1"
    assert "s3cret-pw" not in json.dumps(output)
    http.assert_done()


def test_main_refuses_unknown_choices_without_any_call(monkeypatch, capsys, http):
    code, output = run_main(monkeypatch, capsys, http, dict(url=BASE_URL, token="unit-test-token", name="mesh-1", state="gone"))

    assert code == 1
    assert "state" in output["msg"]
    assert http.calls == []


def test_the_options_are_left_as_given(http, make_context):
    """The URL is compared without its trailing slash, but the task's own arguments are not rewritten."""
    http.expect(listing(server_node()))
    context = make_context(MODULE_SPEC, dict(name="mesh-1", rpc_url="http://mesh-1.example.com:7777/"))

    assert execute(run, context)["changed"] is False
    assert context.params["rpc_url"] == "http://mesh-1.example.com:7777/"
    http.assert_done()
