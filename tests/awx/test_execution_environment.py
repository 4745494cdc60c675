"""The execution environment: ansible-builder accepts docs/awx/execution-environment.yml, offline.

``ansible-builder create`` writes the build context (the Containerfile and the requirements it
installs) without pulling an image or reaching a network. ``ansible-builder introspect`` reads the
collection's meta/execution-environment.yml as a build does, to show that the collection's own Python
requirement reaches the image. The ansible-builder to use comes from ANSIBLE_BUILDER (``make awx``
points it at .venv-ee); without it, these tests are skipped with that reason.
"""

import os
import shutil
import subprocess

import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
DEFINITION = os.path.join(REPO_ROOT, "docs", "awx", "execution-environment.yml")


@pytest.fixture()
def builder():
    path = os.environ.get("ANSIBLE_BUILDER") or shutil.which("ansible-builder")
    if not path:
        pytest.skip("no ansible-builder: set ANSIBLE_BUILDER (make awx builds .venv-ee)")
    return path


def test_ansible_builder_creates_the_build_context_offline(builder, tmp_path):
    context = tmp_path / "context"
    completed = subprocess.run([builder, "create", "-f", DEFINITION, "-c", str(context), "--output-filename", "Containerfile"],
                               cwd=os.path.dirname(DEFINITION), capture_output=True, text=True, check=False, timeout=300,
                               env=dict(os.environ, http_proxy="http://127.0.0.1:9", https_proxy="http://127.0.0.1:9"))
    assert completed.returncode == 0, completed.stdout + completed.stderr
    containerfile = (context / "Containerfile").read_text(encoding="utf-8")
    with open(DEFINITION, encoding="utf-8") as handle:
        base_image = yaml.safe_load(handle)["images"]["base_image"]["name"]
    assert "ARG EE_BASE_IMAGE=\"%s\"" % base_image in containerfile and "FROM $EE_BASE_IMAGE" in containerfile
    galaxy = yaml.safe_load((context / "_build" / "requirements.yml").read_text(encoding="utf-8"))
    assert [collection["name"] for collection in galaxy["collections"]] == ["bitbucket.datacenter"]
    assert "requests" in (context / "_build" / "requirements.txt").read_text(encoding="utf-8")


def test_the_collection_declares_its_python_requirement_for_execution_environments(builder):
    collections = os.environ.get("ANSIBLE_COLLECTIONS_PATH") or os.path.join(REPO_ROOT, "build", "collections")
    completed = subprocess.run([builder, "introspect", collections], capture_output=True, text=True, check=False, timeout=120)
    assert completed.returncode == 0, completed.stderr
    python = yaml.safe_load(completed.stdout.split("---", 1)[1])["python"]
    assert any(line.startswith("requests") and "bitbucket.datacenter" in line for line in python), python
