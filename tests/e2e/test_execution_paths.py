"""Both execution paths give identical results.

`make integration` (tools/integration.sh) runs every integration target twice, in the worker process
and as ordinary modules: the targets split into shards, each shard on each path in one ansible-playbook
run against a fresh emulator of its own, recording every task result and the emulator's request log.
This test compares the two paths shard by shard, without running anything again: every result of the
collection's tasks, and every request the two runs made, must match.
"""

import json
import os
import re

import pytest

RESULTS_ENV = "INTEGRATION_RESULTS"
TARGETS_ENV = "INTEGRATION_TARGETS_RUN"
PATHS = ("in_process", "module")
# Keys Ansible itself adds to a result; not part of what the module returned.
ANSIBLE_KEYS = ("_ansible_", "ansible_")
# Dates the emulator stamps from the wall clock (epoch ms, API-MAP 1.8): access tokens carry them, and
# two runs never share them. Only their values are masked; that they are there is still compared.
CLOCK_KEYS = ("createdDate", "updatedDate", "expiryDate", "lastAuthenticated", "lastAuthenticationTimestamp")


# Each run has an emulator of its own, on a port of its own: the base URL in arguments and self links.
EMULATOR_URL = re.compile(r"(https?://)?127\.0\.0\.1:\d+")


def without_clock(value):
    """``value`` with the wall-clock dates and the emulator's address replaced by placeholders."""
    if isinstance(value, dict):
        return {key: "<epoch ms>" if key in CLOCK_KEYS and isinstance(item, int) else without_clock(item) for key, item in value.items()}
    if isinstance(value, list):
        return [without_clock(item) for item in value]
    if isinstance(value, str):
        return EMULATOR_URL.sub("<emulator>", value)
    return value


def collection_results(entries):
    """The results of the collection's tasks, as ``(target, task, status, result)``, without Ansible's own keys."""
    cleaned = []
    for entry in entries:
        if not entry["action"].startswith("bitbucket.datacenter."):
            continue
        result = {key: value for key, value in entry["result"].items() if not key.startswith(ANSIBLE_KEYS)}
        cleaned.append((entry.get("role"), entry["task"], entry["status"], without_clock(result)))
    return cleaned


def recorded_dir():
    directory = os.environ.get(RESULTS_ENV)
    if not directory or not os.path.isdir(directory):
        pytest.fail(
            "%s must name the directory where `make integration` recorded both execution paths (build/integration); "
            "run the targets with `make integration`, which runs this test afterwards." % RESULTS_ENV,
            pytrace=False,
        )
    return directory


def shards(directory):
    """The shard ids that ran on both paths."""
    found = {name: {file[len("results-%s-" % name):-len(".jsonl")] for file in os.listdir(directory)
                    if file.startswith("results-%s-" % name) and file.endswith(".jsonl")} for name in PATHS}
    assert found["in_process"], "no recorded run in %s" % directory
    assert found["in_process"] == found["module"], "shards recorded on one path only: %r" % found
    return sorted(found["in_process"])


def load_results(directory, path_name, shard):
    with open(os.path.join(directory, "results-%s-%s.jsonl" % (path_name, shard)), encoding="utf-8") as handle:
        return collection_results(json.loads(line) for line in handle if line.strip())


def load_requests(directory, path_name, shard):
    with open(os.path.join(directory, "requests-%s-%s.json" % (path_name, shard)), encoding="utf-8") as handle:
        return [(entry["method"], entry["path"], entry["status"]) for entry in json.load(handle)["requests"]]


def test_both_paths_give_identical_results():
    directory = recorded_dir()
    for shard in shards(directory):
        in_process, module = (load_results(directory, name, shard) for name in PATHS)

        assert [(target, task, status) for target, task, status, _result in in_process] == [
            (target, task, status) for target, task, status, _result in module
        ], "shard %s" % shard
        for (target, task, _status, in_process_result), (_target, _task, _status2, module_result) in zip(in_process, module):
            assert in_process_result == module_result, "results differ for task %r of %s" % (task, target)


def test_every_target_ran_enough_of_the_collections_tasks_to_compare():
    directory = recorded_dir()
    results = [entry for shard in shards(directory) for entry in load_results(directory, "in_process", shard)]
    targets = os.environ.get(TARGETS_ENV, "").split()
    assert targets, "%s names no target" % TARGETS_ENV
    counts = {target: sum(1 for entry in results if entry[0] == target) for target in targets}
    assert all(count >= 5 for count in counts.values()), "too few of the collection's tasks to compare: %r" % counts


def test_both_paths_made_the_same_requests():
    directory = recorded_dir()
    for shard in shards(directory):
        in_process, module = (load_requests(directory, name, shard) for name in PATHS)

        assert len(in_process) > 0
        assert len(in_process) == len(module), "shard %s" % shard
        for number, (made_in_process, made_as_module) in enumerate(zip(in_process, module), 1):
            assert made_in_process == made_as_module, "request #%d of shard %s differs" % (number, shard)
