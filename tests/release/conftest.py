"""Shared helpers of the release tests: the repository, its metadata, and a copy to change freely."""

import os
import socket
import subprocess
import sys

import pytest
import yaml

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.dirname(sys.executable)


def galaxy():
    with open(os.path.join(REPO_ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def runtime():
    with open(os.path.join(REPO_ROOT, "meta", "runtime.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run(command, **kwargs):
    """Run a command; on failure, fail the test with its output."""
    kwargs.setdefault("capture_output", True)
    kwargs.setdefault("text", True)
    kwargs.setdefault("timeout", 600)
    completed = subprocess.run(command, check=False, **kwargs)
    if completed.returncode != 0:
        output = (" ".join(command), completed.returncode, completed.stdout[-4000:], completed.stderr[-4000:])
        pytest.fail("%s exited with %d\n--- stdout\n%s\n--- stderr\n%s" % output)
    return completed


@pytest.fixture()
def collection_copy(tmp_path):
    """The collection's files (as git lists them) under tmp/ansible_collections/bitbucket/datacenter."""
    run([sys.executable, os.path.join(REPO_ROOT, "tools", "stage_collection.py"), str(tmp_path)])
    return tmp_path / "ansible_collections" / "bitbucket" / "datacenter"
