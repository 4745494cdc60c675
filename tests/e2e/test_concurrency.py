"""Concurrency: ten forks (ten inventory hosts, forks=10) edit one project's grants, branch restrictions and
access tokens at once, each host its own slice plus slices every host declares, and the project ends in
exactly the declared state, read back through the REST API. A second run changes nothing. Both paths."""

import os

import pytest

from conftest import HERE
from onboarding_state import AUTOMATION_PASSWORD, prepare, rest, values

HOSTS = ["h%d" % number for number in range(10)]
LEVELS = ["PROJECT_READ", "PROJECT_WRITE", "PROJECT_ADMIN"]


def own_permission(host):
    return LEVELS[int(host[1:]) % len(LEVELS)]


def set_up(emulator_url):
    prepare(emulator_url)
    api = emulator_url + "/rest/api/latest"
    for host in HOSTS:
        for name in ("u-" + host, "old-" + host):
            rest(api + "/admin/users", "POST", query={"name": name, "displayName": name, "emailAddress": name + "@example.com", "password": "pw-" + name})
    # Made by the seeded administrator, who Bitbucket makes its first PROJECT_ADMIN.
    rest(api + "/projects", "POST", body={"key": "CONC", "name": "Concurrency"})
    rest(api + "/projects/CONC/permissions/users", "PUT", query={"name": "automation", "permission": "PROJECT_ADMIN"})
    for host in HOSTS:
        rest(api + "/projects/CONC/permissions/users", "PUT", query={"name": "old-" + host, "permission": "PROJECT_WRITE"})
    tokens = emulator_url + "/rest/access-tokens/latest/projects/CONC"
    for name in ["shared"] + ["old-" + host for host in HOSTS]:
        rest(tokens, "PUT", body={"name": name, "permissions": ["REPO_READ"]})


def write_inventory(path, emulator_url):
    lines = ["[forks]"] + ["%s own_permission=%s" % (host, own_permission(host)) for host in HOSTS]
    lines += ["", "[forks:vars]", "bitbucket_url=%s" % emulator_url, "automation_password=%s" % AUTOMATION_PASSWORD]
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def end_state(emulator_url):
    api = emulator_url + "/rest/api/latest/projects/CONC"
    return {
        "users": sorted((grant["user"]["name"], grant["permission"]) for grant in values(api + "/permissions/users")),
        "groups": sorted((grant["group"]["name"], grant["permission"]) for grant in values(api + "/permissions/groups")),
        "default": sorted(level for level in ("PROJECT_READ", "PROJECT_WRITE") if rest(api + "/permissions/%s/all" % level)["permitted"]),
        "restrictions": sorted((item["type"], item["matcher"]["id"], sorted(item.get("groups", [])))
                               for item in values(emulator_url + "/rest/branch-permissions/latest/projects/CONC/restrictions")),
        "tokens": sorted((token["name"], sorted(token["permissions"])) for token in values(emulator_url + "/rest/access-tokens/latest/projects/CONC")),
    }


def declared_state():
    return {
        "users": sorted([("admin", "PROJECT_ADMIN"), ("automation", "PROJECT_ADMIN")] + [("u-" + host, own_permission(host)) for host in HOSTS]),
        "groups": [("developers", "PROJECT_WRITE")],
        "default": ["PROJECT_READ"],
        "restrictions": sorted([("read-only", "refs/heads/team/" + host, []) for host in HOSTS]
                               + [("pull-request-only", "refs/heads/main", ["developers"]), ("no-deletes", "refs/heads/main", [])]),
        "tokens": sorted([("shared", ["PROJECT_READ", "REPO_READ"])] + [("ci-" + host, ["PROJECT_READ", "REPO_WRITE"]) for host in HOSTS]),
    }


@pytest.mark.parametrize("in_process", [True, False], ids=["in_process", "module"])
def test_ten_forks_editing_one_project_end_in_the_declared_state(playbook_runner, emulator_url, in_process, tmp_path):
    set_up(emulator_url)
    inventory = str(tmp_path / "forks.ini")
    write_inventory(inventory, emulator_url)
    playbook = os.path.join(HERE, "playbooks", "concurrency.yml")
    env = {"ANSIBLE_FORKS": "10", "BITBUCKET_DATACENTER_IN_PROCESS": "true" if in_process else "false"}

    first, results = playbook_runner.run(playbook, inventory=inventory, env=env, name="forks")

    assert first.returncode == 0, first.stdout[-4000:] + first.stderr[-4000:]
    assert [(entry["task"], entry["result"].get("msg")) for entry in results if entry["status"] != "ok"] == []
    assert len(results) == len(HOSTS) * 6
    assert end_state(emulator_url) == declared_state()

    again, again_results = playbook_runner.run(playbook, inventory=inventory, env=env, name="forks-again")
    assert again.returncode == 0, again.stdout[-4000:] + again.stderr[-4000:]
    changed = [(entry["task"], entry["result"].get("msg")) for entry in again_results if entry["result"].get("changed")]
    assert changed == []
