"""The built artifact: what it holds, that it installs, and that its modules and its emulator run.

The artifact is built with ``ansible-galaxy collection build`` from a copy of the collection's files
(as git lists them, so a developer's virtualenvs and build outputs are in the copy only when the
build rules fail to keep them out: the copy gets a few planted to prove it), installed with
``ansible-galaxy collection install`` into an empty collections path, and used from a directory
outside the repository, as a user would: the emulator started with
``ansible-playbook bitbucket.datacenter.emulator``, then a playbook of the installed modules run
against it on both execution paths.
"""

import json
import os
import tarfile
import textwrap
import urllib.request

import pytest
from conftest import BIN, REPO_ROOT, free_port, galaxy, run

MODULES_DIR = os.path.join(REPO_ROOT, "plugins", "modules")
# Planted in the copy before the build: none of them may reach the artifact.
PLANTED = (
    ".venv/bin/python", ".venv-docs/bin/python", ".venv-core2.16/pyvenv.cfg", ".venv-sanity/pyvenv.cfg", "build/reports/unit.xml",
    "tests/output/junit.xml", ".pytest_cache/README.md", ".ruff_cache/CACHEDIR.TAG", "plugins/modules/__pycache__/x.cpython-311.pyc",
    "bitbucket-datacenter-0.0.1.tar.gz", "examples/site.retry", ".ansible/collections/x",
)
# Maintainers' tooling that stays out of the artifact.
LEFT_OUT = ("Makefile", "requirements-test.txt", "requirements", "tests/unit", "tests/contract", "tests/e2e", "tests/examples",
            "tests/release", "tests/awx", "tests/benchmarks", ".ci", "tools/integration.sh", "tools/sanity.sh", "tools/stage_collection.py")
# What users need from it besides the plugins: the emulator and its entry points.
SHIPPED = ("meta/runtime.yml", "README.md", "requirements.txt", "docs/emulator.md", "docs/awx/execution-environment.yml",
           "docs/awx/credential_type.yml", "playbooks/emulator.yml", "tools/emulator_ctl.py", "tests/emulator/bitbucket_emulator/__main__.py",
           "tests/emulator/bitbucket_emulator/app.py", "changelogs/changelog.yaml")

FIRST_PLAYBOOK = textwrap.dedent("""\
    - name: The installed collection against the emulator
      hosts: localhost
      connection: local
      gather_facts: false
      module_defaults:
        group/bitbucket.datacenter.bitbucket:
          url: "{{ url }}"
          username: admin
          password: admin
      tasks:
        - name: A project
          bitbucket.datacenter.bitbucket_project:
            key: "{{ key }}"
            name: "Artifact test {{ key }}"
          register: created
        - name: Read it back
          bitbucket.datacenter.bitbucket_project_info:
            key: "{{ key }}"
          register: read
        - name: Created once, read back
          ansible.builtin.assert:
            that:
              - created is changed
              - read.projects | map(attribute='key') | list == [key]
        - name: Remove it
          bitbucket.datacenter.bitbucket_project:
            key: "{{ key }}"
            state: absent
    """)


@pytest.fixture(scope="module")
def artifact(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("artifact")
    source = workdir / "source"
    run([os.path.join(BIN, "python"), os.path.join(REPO_ROOT, "tools", "stage_collection.py"), str(source)])
    root = source / "ansible_collections" / "bitbucket" / "datacenter"
    for name in PLANTED:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("planted\n", encoding="utf-8")
    out = workdir / "dist"
    run([os.path.join(BIN, "ansible-galaxy"), "collection", "build", "--output-path", str(out), str(root)])
    built = sorted(out.glob("bitbucket-datacenter-*.tar.gz"))
    assert [path.name for path in built] == ["bitbucket-datacenter-%s.tar.gz" % galaxy()["version"]]
    return built[0]


@pytest.fixture(scope="module")
def members(artifact):
    with tarfile.open(str(artifact)) as archive:
        return {member.name.rstrip("/") for member in archive.getmembers()}


def test_the_artifact_leaves_out_build_outputs_virtualenvs_and_caches(members):
    assert not [name for name in PLANTED if name in members], "planted files reached the artifact"
    assert not [name for name in members if "__pycache__" in name or name.endswith((".pyc", ".tar.gz", ".retry"))]
    assert not [name for name in members if name.split("/")[0].startswith((".venv", "build", ".pytest_cache", ".ruff_cache", ".ansible"))]


def test_the_artifact_leaves_out_the_maintainers_tooling(members):
    assert not [name for name in members for left in LEFT_OUT if name == left or name.startswith(left + "/")]
    assert {name for name in members if name.startswith("tools/")} == {"tools/emulator_ctl.py"}, (
        "only tools/emulator_ctl.py ships (the emulator's entry point); add other tools to build_ignore in galaxy.yml")


def test_the_artifact_holds_every_plugin_and_the_emulator(members):
    for name in sorted(os.listdir(MODULES_DIR)):
        if name.endswith(".py"):
            assert "plugins/modules/" + name in members
            assert "plugins/action/" + name in members
    for name in SHIPPED:
        assert name in members, name


def test_the_artifact_installs_and_its_modules_and_emulator_run(artifact, tmp_path):
    collections = tmp_path / "collections"
    # --force: a copy installed elsewhere on the machine (~/.ansible) must not stand in for the artifact.
    run([os.path.join(BIN, "ansible-galaxy"), "collection", "install", "--force", "-p", str(collections), str(artifact)])
    installed = collections / "ansible_collections" / "bitbucket" / "datacenter"
    manifest = json.loads((installed / "MANIFEST.json").read_text(encoding="utf-8"))
    assert manifest["collection_info"]["version"] == galaxy()["version"]

    # As a user would: outside the repository, with only the installed collection on the path.
    user_dir = tmp_path / "user"
    user_dir.mkdir()
    port = free_port()
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(collections), ANSIBLE_NOCOLOR="1", PATH=BIN + os.pathsep + os.environ["PATH"])
    env.pop("PYTHONPATH", None)
    emulator = [os.path.join(BIN, "ansible-playbook"), "bitbucket.datacenter.emulator", "-e", "emulator_port=%d" % port,
                "-e", "emulator_state_dir=%s" % (tmp_path / "emulator")]
    started = run(emulator, cwd=str(user_dir), env=env)
    try:
        assert "answers on http://127.0.0.1:%d" % port in " ".join(started.stdout.split())
        with urllib.request.urlopen("http://127.0.0.1:%d/rest/api/latest/application-properties" % port, timeout=10) as response:
            assert json.loads(response.read())["displayName"] == "Bitbucket"
        playbook = user_dir / "first.yml"
        playbook.write_text(FIRST_PLAYBOOK, encoding="utf-8")
        for in_process in ("true", "false"):
            completed = run([os.path.join(BIN, "ansible-playbook"), "-i", "localhost,", str(playbook),
                             "-e", "url=http://127.0.0.1:%d key=ART%s" % (port, in_process[0].upper()),
                             "-e", '{"bitbucket_datacenter_in_process": %s}' % in_process,
                             "-e", "ansible_python_interpreter=%s" % os.path.join(BIN, "python")], cwd=str(user_dir), env=env)
            assert "failed=0" in completed.stdout
        with open(str(tmp_path / "emulator" / "emulator.log"), encoding="utf-8") as handle:
            assert "listening on http://127.0.0.1:%d" % port in handle.read()
    finally:
        stopped = run(emulator + ["-e", "emulator_state=stopped"], cwd=str(user_dir), env=env)
    assert "stopped" in stopped.stdout
