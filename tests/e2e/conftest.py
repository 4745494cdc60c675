"""End-to-end tests: real ansible-playbook runs against an emulator served from this process."""

import json
import os
import subprocess
import sys
import threading
import urllib.request

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "emulator"))

from bitbucket_emulator import create_app  # noqa: E402  (needs the path above)
from werkzeug.serving import make_server  # noqa: E402


@pytest.fixture(scope="session")
def emulator_url():
    server = make_server("127.0.0.1", 0, create_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_port
    server.shutdown()


@pytest.fixture(scope="session")
def collections_path(tmp_path_factory):
    """The collection staged under ansible_collections/, or the one the Makefile staged."""
    staged = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
    if staged and os.path.isdir(os.path.join(staged, "ansible_collections", "bitbucket", "datacenter")):
        return staged
    root = str(tmp_path_factory.mktemp("collections"))
    subprocess.run([sys.executable, os.path.join(REPO_ROOT, "tools", "stage_collection.py"), root], check=True, capture_output=True)
    return root


def emulator_call(url, method="GET", body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


class PlaybookRunner:
    """Runs ansible-playbook with the collection, the recording callback and given variables."""

    def __init__(self, collections, workdir):
        self.collections = collections
        self.workdir = workdir

    def run(self, playbook, extra_vars=None, verbosity=0, env=None, name="run", inventory="localhost,"):
        record = os.path.join(self.workdir, "%s.jsonl" % name)
        if os.path.exists(record):
            os.remove(record)
        vars_file = os.path.join(self.workdir, "%s-vars.json" % name)
        with open(vars_file, "w", encoding="utf-8") as handle:
            json.dump(extra_vars or {}, handle)
        command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", inventory, playbook, "-e", "@" + vars_file]
        if verbosity:
            command.append("-" + "v" * verbosity)
        environment = dict(
            os.environ,
            ANSIBLE_COLLECTIONS_PATH=self.collections,
            ANSIBLE_ROLES_PATH=os.path.join(REPO_ROOT, "tests", "integration", "targets"),
            ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, "callback_plugins"),
            ANSIBLE_CALLBACKS_ENABLED="record_results",
            ANSIBLE_NOCOLOR="1",
            # Modules that run as processes (ansible.builtin.uri, the module path) use this interpreter.
            ANSIBLE_PYTHON_INTERPRETER=sys.executable,
            ANSIBLE_FORCE_COLOR="0",
            RECORD_RESULTS_FILE=record,
        )
        environment.update(env or {})
        completed = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
        results = []
        if os.path.exists(record):
            with open(record, encoding="utf-8") as handle:
                results = [json.loads(line) for line in handle]
        return completed, results


@pytest.fixture()
def playbook_runner(collections_path, tmp_path):
    return PlaybookRunner(collections_path, str(tmp_path))
