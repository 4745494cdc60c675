"""DESIGN "reliability model": under injected 429s, 5xx answers, latency and write-then-fail faults,
a play converges to the declared state with nothing duplicated or lost, and with several forks
working at once the end state is still exact; a second run, without faults, changes nothing."""

import base64
import os
import urllib.parse
import urllib.request

import pytest

from conftest import HERE, emulator_call

TEAMS = {"team1": ("TEAMA", "lead-a", "devs-a"), "team2": ("TEAMB", "lead-b", "devs-b"), "team3": ("TEAMC", "lead-c", "devs-c")}
AUTOMATION_PASSWORD = "Reliab1lity-automation-pw"
ADMIN = "Basic " + base64.b64encode(b"admin:admin").decode()
# Each fault is bounded below what the modules absorb, so the test is deterministic in outcome
# whatever order the forks' requests arrive in: a GET is tried 7 times (6 retries), a write whose
# answer is lost 5 times, each after a fresh read.
FAULTS = [
    {"latency_ms": 5},
    {"rate_limit": {"count": 3, "retry_after": 1}},
    {"error": {"rate": 0.3, "status": 503, "seed": 11, "count": 4}, "match": {"method": "GET"}},
    # A create answered 503 without being made, then one made but answered 500.
    {"error": {"count": 1, "status": 503}, "match": {"method": "POST", "path": "/rest/api/latest/projects"}},
    {"write_then_fail": {"count": 2}, "match": {"method": "POST", "path": "/rest/api/latest/projects"}},
    # Token creates and permission writes that land but are answered 500.
    {"write_then_fail": {"count": 2}, "match": {"method": "PUT", "path": "/rest/access-tokens/latest/projects/"}},
    {"write_then_fail": {"count": 2}, "match": {"path": "/rest/api/latest/projects/TEAM"}},
]


def admin_call(url, method, query):
    request = urllib.request.Request(url + "?" + urllib.parse.urlencode(query, doseq=True), data=b"", method=method, headers={"Authorization": ADMIN})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


def prepare(emulator_url):
    emulator_call(emulator_url + "/_emulator/reset", "POST")
    rest = emulator_url + "/rest/api/latest/admin"
    users = ["automation"] + [lead for _key, lead, _group in TEAMS.values()]
    for name in users:
        admin_call(rest + "/users", "POST", {"name": name, "displayName": name, "emailAddress": name + "@example.com", "password": AUTOMATION_PASSWORD})
    admin_call(rest + "/permissions/users", "PUT", {"name": "automation", "permission": "ADMIN"})
    for _key, _lead, group in TEAMS.values():
        admin_call(rest + "/groups", "POST", {"name": group})


def write_inventory(path, emulator_url):
    lines = ["[teams]"]
    for host, (key, lead, group) in TEAMS.items():
        lines.append("%s team_key=%s team_lead=%s team_group=%s" % (host, key, lead, group))
    lines += ["", "[teams:vars]", "bitbucket_url=%s" % emulator_url, "automation_password=%s" % AUTOMATION_PASSWORD]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


@pytest.mark.parametrize("in_process", [True, False], ids=["in_process", "module"])
def test_parallel_runs_converge_under_faults(playbook_runner, emulator_url, in_process, tmp_path):
    prepare(emulator_url)
    inventory = str(tmp_path / "teams.ini")
    write_inventory(inventory, emulator_url)
    playbook = os.path.join(HERE, "playbooks", "reliability.yml")
    env = {"ANSIBLE_FORKS": "3", "BITBUCKET_DATACENTER_IN_PROCESS": "true" if in_process else "false"}

    for fault in FAULTS:
        emulator_call(emulator_url + "/_emulator/faults", "POST", fault)
    faulty, faulty_results = playbook_runner.run(playbook, inventory=inventory, env=env, name="faulty")
    faults_left = emulator_call(emulator_url + "/_emulator/faults")
    emulator_call(emulator_url + "/_emulator/faults", "DELETE")

    assert faulty.returncode == 0, faulty.stdout[-4000:] + faulty.stderr[-4000:]
    assert [entry for entry in faulty_results if entry["status"] not in ("ok", "item_ok")] == []
    # Every kind of fault fired, so the run above really rode them out.
    assert all(fault["fired"] > 0 for fault in faults_left["faults"]), faults_left

    state = emulator_call(emulator_url + "/_emulator/state")
    projects = {project["key"]: project for project in state["projects"]}
    assert sorted(projects) == sorted(["SHARED"] + [key for key, _lead, _group in TEAMS.values()])
    for key, lead, group in TEAMS.values():
        project = projects[key]
        assert project["user_permissions"] == {"automation": "PROJECT_ADMIN", lead: "PROJECT_ADMIN"}
        assert project["group_permissions"] == {group: "PROJECT_WRITE"}
        assert project["default_permission"] == "PROJECT_READ"
        tokens = [token for token in state["tokens"] if token["project"] == key]
        # Nothing duplicated: one CI token per project, although creates were answered with errors.
        assert [(token["name"], sorted(token["permissions"])) for token in tokens] == [("ci", ["PROJECT_READ", "REPO_WRITE"])]

    calm, calm_results = playbook_runner.run(playbook, inventory=inventory, env=env, name="calm")
    assert calm.returncode == 0, calm.stdout[-4000:] + calm.stderr[-4000:]
    changed = [(entry["task"], entry["result"].get("changed")) for entry in calm_results if entry["result"].get("changed")]
    assert changed == [], "the second run, without faults, changed: %r" % changed
