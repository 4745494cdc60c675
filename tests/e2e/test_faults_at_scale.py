"""Faults at scale: an onboarding of ten teams (projects, repositories, project and repository grants, branch
restrictions, deploy keys, CI tokens) against a server that answers one request in five with a 500, 502, 503
or 504, one in ten with a 429, and one write in ten with an error after it landed. The run ends with no failed
task and exactly the declared state, read back through the REST API: nothing duplicated, nothing missing. A
second run without faults changes nothing and writes nothing. Both execution paths.

The faults are drawn from seeded generators, so a run with the same requests meets the same faults. What a
bounded retry policy absorbs at these rates (README "Reliability"): a request is tried 7 times, so a read
fails only after 7 faults in a row (0.28 ** 7, about 1.3e-4 a read, with 429s and 5xx together); a write
whose answer is lost is tried 5 times, each after a fresh read (0.2 ** 5, about 3e-4 a write).
"""

import os

import pytest

from conftest import HERE, emulator_call
from onboarding_state import AUTOMATION_PASSWORD, declared_state, prepare, project_keys, project_state, public_keys, rest, values

TEAMS = ["ONB%d" % number for number in range(10)]
FAULTS = [
    {"rate_limit": {"rate": 0.1, "retry_after": 0, "seed": 101}},
    {"error": {"rate": 0.2, "statuses": [500, 502, 503, 504], "seed": 202}},
    {"write_then_fail": {"rate": 0.1, "statuses": [500, 502, 503, 504], "seed": 303}},
]


@pytest.mark.parametrize("in_process", [True, False], ids=["in_process", "module"])
def test_an_onboarding_under_faults_ends_in_the_declared_state(playbook_runner, emulator_url, in_process, tmp_path):
    prepare(emulator_url)
    keys = public_keys(str(tmp_path), len(TEAMS))
    extra_vars = {
        "bitbucket_url": emulator_url,
        "automation_password": AUTOMATION_PASSWORD,
        "teams": [{"key": key, "public_key": public_key} for key, public_key in zip(TEAMS, keys)],
        "bitbucket_datacenter_in_process": in_process,
    }
    playbook = os.path.join(HERE, "playbooks", "onboarding.yml")

    emulator_call(emulator_url + "/_emulator/requests", "DELETE")
    for fault in FAULTS:
        emulator_call(emulator_url + "/_emulator/faults", "POST", fault)
    faulty, faulty_results = playbook_runner.run(playbook, extra_vars=extra_vars, name="onboarding-faulty")
    fired = {fault["type"]: fault["fired"] for fault in emulator_call(emulator_url + "/_emulator/faults")["faults"]}
    counters = emulator_call(emulator_url + "/_emulator/counters")
    emulator_call(emulator_url + "/_emulator/faults", "DELETE")
    print("faulty run: %d requests, %d writes; faults fired: %r" % (counters["total"], counters["writes"], fired))

    assert faulty.returncode == 0, faulty.stdout[-4000:] + faulty.stderr[-4000:]
    failed = [(entry["task"], entry["result"].get("msg")) for entry in faulty_results if entry["status"] not in ("ok", "item_ok")]
    assert failed == []
    # The faults really were there, at about the rates asked for.
    assert fired["rate_limit"] > counters["total"] * 0.05 and fired["error"] > counters["total"] * 0.1 and fired["write_then_fail"] > 5, fired

    assert project_keys(emulator_url) == TEAMS
    for key, public_key in zip(TEAMS, keys):
        assert project_state(emulator_url, key) == declared_state(public_key), key

    emulator_call(emulator_url + "/_emulator/requests", "DELETE")
    calm, calm_results = playbook_runner.run(playbook, extra_vars=extra_vars, name="onboarding-calm")
    assert calm.returncode == 0, calm.stdout[-4000:] + calm.stderr[-4000:]
    changed = [(entry["task"], entry["result"].get("item")) for entry in calm_results if entry["result"].get("changed")]
    assert changed == [], "the second run, without faults, changed: %r" % changed
    assert emulator_call(emulator_url + "/_emulator/counters")["writes"] == 0


@pytest.mark.parametrize("in_process", [True, False], ids=["in_process", "module"])
def test_tokens_created_through_a_gateway_answering_502_are_made_once_each_with_a_working_secret(playbook_runner, emulator_url, in_process):
    """The issue's case: ten projects, 20% 502 on the token paths, and some creates answered 502 after they landed.

    A create whose answer is lost may have made a token whose secret never arrived: the module deletes that orphan
    and creates the token again, so each project ends with exactly one token, whose secret the run returned and a
    later task uses."""
    prepare(emulator_url)
    projects = ["TOK%d" % number for number in range(10)]
    for key in projects:
        rest(emulator_url + "/rest/api/latest/projects", "POST", body={"key": key, "name": key})
    emulator_call(emulator_url + "/_emulator/faults", "POST", {"error": {"rate": 0.2, "status": 502, "seed": 502}, "match": {"path": "/rest/access-tokens/"}})
    emulator_call(emulator_url + "/_emulator/faults", "POST",
                  {"write_then_fail": {"rate": 0.3, "status": 502, "seed": 503}, "match": {"method": "PUT", "path": "/rest/access-tokens/"}})
    extra_vars = {"bitbucket_url": emulator_url, "automation_password": AUTOMATION_PASSWORD, "projects": projects,
                  "bitbucket_datacenter_in_process": in_process}

    completed, results = playbook_runner.run(os.path.join(HERE, "playbooks", "tokens_under_502.yml"), extra_vars=extra_vars, name="tokens-502")
    fired = {fault["type"]: fault["fired"] for fault in emulator_call(emulator_url + "/_emulator/faults")["faults"]}
    emulator_call(emulator_url + "/_emulator/faults", "DELETE")

    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    assert [entry["task"] for entry in results if entry["status"] not in ("ok", "item_ok")] == []
    assert fired["error"] >= 3 and fired["write_then_fail"] >= 2, fired
    for key in projects:
        tokens = values(emulator_url + "/rest/access-tokens/latest/projects/" + key)
        assert [(token["name"], sorted(token["permissions"])) for token in tokens] == [("ci", ["PROJECT_READ", "REPO_READ"])], key
    # Each lost answer that hid a landed create left an orphan, which the module removed and said so.
    output = completed.stdout + completed.stderr
    assert output.count("created by a request whose answer was lost, and created it again") >= fired["write_then_fail"], output[-3000:]
