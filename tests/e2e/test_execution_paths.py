"""Both execution paths give identical results: the integration targets run in the worker
process and as ordinary modules against a freshly reset emulator, and every result of the
collection's tasks, and the number of requests made, must match."""

import os

import pytest

from conftest import HERE, emulator_call

TARGETS = ["bitbucket_project", "bitbucket_project_info", "bitbucket_project_permission", "bitbucket_access_token"]
# Keys Ansible itself adds to a result; not part of what the module returned.
ANSIBLE_KEYS = ("_ansible_", "ansible_")
# Dates the emulator stamps from the wall clock (epoch ms, API-MAP 1.8): access tokens carry them, and
# two runs never share them. Only their values are masked; that they are there is still compared.
CLOCK_KEYS = ("createdDate", "expiryDate", "lastAuthenticated")


def without_clock(value):
    """``value`` with the wall-clock dates replaced by a placeholder."""
    if isinstance(value, dict):
        return {key: "<epoch ms>" if key in CLOCK_KEYS and isinstance(item, int) else without_clock(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_clock(item) for item in value]
    return value


def collection_results(results):
    """The results of the collection's tasks, without the keys Ansible adds."""
    cleaned = []
    for entry in results:
        if not entry["action"].startswith("bitbucket.datacenter."):
            continue
        result = {key: value for key, value in entry["result"].items() if not key.startswith(ANSIBLE_KEYS)}
        cleaned.append((entry["task"], entry["status"], without_clock(result)))
    return cleaned


def run_target(playbook_runner, emulator_url, target, in_process):
    emulator_call(emulator_url + "/_emulator/reset", "POST")
    completed, results = playbook_runner.run(
        os.path.join(HERE, "playbooks", "target.yml"),
        extra_vars={
            "target": target,
            "bitbucket_url": emulator_url,
            "bitbucket_username": "admin",
            "bitbucket_password": "admin",
            "bitbucket_datacenter_in_process": in_process,
        },
        name="%s-%s" % (target, "in_process" if in_process else "module"),
    )
    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-4000:]
    counters = emulator_call(emulator_url + "/_emulator/counters")
    return collection_results(results), counters


@pytest.mark.parametrize("target", TARGETS)
def test_both_paths_give_identical_results(playbook_runner, emulator_url, target):
    in_process, in_process_counters = run_target(playbook_runner, emulator_url, target, True)
    module, module_counters = run_target(playbook_runner, emulator_url, target, False)

    assert len(in_process) > 10, "the target ran too few of the collection's tasks to compare"
    assert [(task, status) for task, status, _result in in_process] == [(task, status) for task, status, _result in module]
    for (task, _status, in_process_result), (_task, _status2, module_result) in zip(in_process, module):
        assert in_process_result == module_result, "results differ for task %r" % task
    assert in_process_counters == module_counters
