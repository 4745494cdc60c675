"""Every playbook in examples/ (the README's first playbook, the audit, the demo's site) runs against
the emulator as the README says to run it: the connection from the environment, a first run that
succeeds, then a second run that changes nothing, then the same in check mode.

A playbook that another one imports (site.yml imports credentials.yml, settings.yml...) builds on
what the importer made before it (the projects, the people), so it runs as part of that playbook.
Each playbook gets an emulator of its own, fresh, served from this process.
"""

import os
import re
import subprocess
import sys
import threading

import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
EXAMPLES = os.path.join(REPO_ROOT, "examples")
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "emulator"))

from bitbucket_emulator import create_app  # noqa: E402  (needs the path above)
from werkzeug.serving import make_server  # noqa: E402

RECAP = re.compile(r"^localhost\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.MULTILINE)


# What the playbooks' headers tell users to set besides the connection (hardening.yml: the IdP's secret).
PLAYBOOK_ENVIRONMENT = dict(OIDC_CLIENT_SECRET="examples-oidc-client-secret")


def all_playbooks():
    return sorted(name for name in os.listdir(EXAMPLES) if name.endswith((".yml", ".yaml")))


def imports():
    """{imported playbook: the playbook that imports it}, for the playbooks of examples/."""
    imported = {}
    for name in all_playbooks():
        with open(os.path.join(EXAMPLES, name), encoding="utf-8") as handle:
            for play in yaml.safe_load(handle) or []:
                target = play.get("ansible.builtin.import_playbook") or play.get("import_playbook")
                if target:
                    imported[os.path.basename(target)] = name
    return imported


def playbooks():
    """The playbooks run on their own: every one that no other playbook imports."""
    return [name for name in all_playbooks() if name not in imports()]


@pytest.fixture()
def emulator_url():
    server = make_server("127.0.0.1", 0, create_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_port
    server.shutdown()


def run_playbook(playbook, url, *options):
    collections = os.environ.get("ANSIBLE_COLLECTIONS_PATH") or os.path.join(REPO_ROOT, "build", "collections")
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_NOCOLOR="1", ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               BITBUCKET_URL=url, BITBUCKET_USERNAME="admin", BITBUCKET_PASSWORD="admin", **PLAYBOOK_ENVIRONMENT)
    env.pop("BITBUCKET_TOKEN", None)
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", os.path.join(EXAMPLES, playbook)]
    completed = subprocess.run(command + list(options), cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False, timeout=600)
    recap = RECAP.search(completed.stdout)
    assert completed.returncode == 0 and recap, "%s %s failed:\n%s\n%s" % (playbook, " ".join(options), completed.stdout[-6000:], completed.stderr[-2000:])
    ok, changed, unreachable, failed = (int(value) for value in recap.groups())
    assert unreachable == failed == 0
    return ok, changed


def test_there_are_example_playbooks():
    assert {"first_playbook.yml", "audit.yml", "site.yml"} <= set(playbooks())


def test_every_imported_playbook_runs_through_a_playbook_that_runs():
    for imported, importer in imports().items():
        assert imported in all_playbooks(), "%s imports %s, which is not in examples/" % (importer, imported)
        while importer in imports():
            importer = imports()[importer]
        assert importer in playbooks(), "%s runs through no playbook that the test runs" % imported


@pytest.mark.parametrize("playbook", playbooks())
def test_example_playbook_runs_then_converges(emulator_url, playbook):
    run_playbook(playbook, emulator_url)
    _ok, changed = run_playbook(playbook, emulator_url)
    assert changed == 0, "the second run of %s changed %d tasks: the playbook is not idempotent" % (playbook, changed)
    _ok, changed = run_playbook(playbook, emulator_url, "--check", "--diff")
    assert changed == 0, "check mode after two runs of %s predicts %d changes" % (playbook, changed)
