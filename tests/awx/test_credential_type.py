"""The AWX credential type (docs/awx/credential_type.yml): its injectors reach the modules.

AWX renders each injector's environment variable from the credential's inputs with Jinja2 (a field
left empty renders as an empty string, a boolean as ``True``/``False``) and sets the variables for the
job. These tests render them the same way, run a playbook that sets no connection option with exactly
that environment, and check on the emulator that the calls arrived authenticated as the credential
says: environment variables in, a successful authenticated call out.
"""

import base64
import json
import os
import re
import subprocess
import sys
import threading
import urllib.request

import jinja2
import jinja2.meta
import jinja2.sandbox
import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
CREDENTIAL_TYPE = os.path.join(REPO_ROOT, "docs", "awx", "credential_type.yml")
sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "emulator"))

from bitbucket_emulator import create_app  # noqa: E402  (needs the path above)
from werkzeug.serving import make_server  # noqa: E402

# A job's playbook: no url, no credentials; everything comes from the injected environment.
PLAYBOOK = """
- name: A job template's playbook
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Read the projects
      bitbucket.datacenter.bitbucket_project_info:
      register: projects
    - name: Create one
      bitbucket.datacenter.bitbucket_project:
        key: "{{ key }}"
        name: "AWX {{ key }}"
      register: created
      when: create | bool
    - name: Both calls succeeded
      ansible.builtin.assert:
        that:
          - projects.projects is defined
          - not (create | bool) or created is changed
"""


def credential_type():
    with open(CREDENTIAL_TYPE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def render_injectors(inputs):
    """The job environment AWX makes from a credential of this type with these inputs."""
    definition = credential_type()
    values = {}
    for field in definition["inputs"]["fields"]:
        default = field.get("default", False if field.get("type") == "boolean" else "")
        values[field["id"]] = inputs.get(field["id"], default)
    environment = jinja2.sandbox.ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined)
    return {name: environment.from_string(template).render(**values) for name, template in definition["injectors"]["env"].items()}


def connection_env_vars():
    with open(os.path.join(REPO_ROOT, "plugins", "module_utils", "_connection.py"), encoding="utf-8") as handle:
        return set(re.findall(r'"(BITBUCKET_[A-Z_]+)"', handle.read()))


@pytest.fixture()
def emulator_url():
    server = make_server("127.0.0.1", 0, create_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_port
    server.shutdown()


def call(url, method="GET", body=None, auth=("admin", "admin")):
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(("%s:%s" % auth).encode()).decode()
    data = json.dumps(body).encode() if body is not None else (b"" if method != "GET" else None)
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def run_job(job_env, tmp_path, key, create=True):
    collections = os.environ.get("ANSIBLE_COLLECTIONS_PATH") or os.path.join(REPO_ROOT, "build", "collections")
    playbook = tmp_path / "job.yml"
    playbook.write_text(PLAYBOOK, encoding="utf-8")
    env = {name: value for name, value in os.environ.items() if not name.startswith("BITBUCKET_")}
    env.update(job_env, ANSIBLE_COLLECTIONS_PATH=collections, ANSIBLE_NOCOLOR="1", ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", "localhost,", str(playbook),
               "-e", json.dumps({"key": key, "create": create})]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=300)


def rest_requests(url):
    return [entry for entry in call(url + "/_emulator/requests", auth=None)["requests"] if entry["path"].startswith("/rest/api/")]


def test_the_credential_type_is_well_formed():
    definition = credential_type()
    fields = {field["id"]: field for field in definition["inputs"]["fields"]}
    assert definition["kind"] == "cloud"
    assert set(definition["inputs"]["required"]) == {"url"}
    assert fields["token"].get("secret") is True and fields["password"].get("secret") is True
    environment = jinja2.sandbox.ImmutableSandboxedEnvironment()
    for name, template in definition["injectors"]["env"].items():
        assert name in connection_env_vars(), "%s is not an environment variable the modules read" % name
        used = jinja2.meta.find_undeclared_variables(environment.parse(template))
        assert used <= set(fields), "%s uses undeclared inputs %s" % (name, used - set(fields))


def test_a_user_and_password_credential_reaches_the_modules(emulator_url, tmp_path):
    call(emulator_url + "/rest/api/latest/admin/users?" + "name=awx-job&displayName=AWX&emailAddress=awx@example.com&password=awx-job-pw", "POST")
    call(emulator_url + "/rest/api/latest/admin/permissions/users?name=awx-job&permission=PROJECT_CREATE", "PUT")
    call(emulator_url + "/_emulator/requests", "DELETE", auth=None)
    # The token field is left empty, as the credential holds a user name and password.
    job_env = render_injectors(dict(url=emulator_url, username="awx-job", password="awx-job-pw"))
    assert job_env["BITBUCKET_TOKEN"] == "" and job_env["BITBUCKET_VALIDATE_CERTS"] == "True"

    completed = run_job(job_env, tmp_path, "AWXU")

    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]
    made = rest_requests(emulator_url)
    assert [(entry["method"], entry["status"]) for entry in made if entry["method"] == "POST"] == [("POST", 201)]
    assert {entry["auth"] for entry in made} == {"basic:awx-job"}
    assert all(entry["user_agent"].startswith("bitbucket.datacenter-ansible/") for entry in made)
    assert "awx-job-pw" not in completed.stdout


def test_a_token_credential_reaches_the_modules(emulator_url, tmp_path):
    created = call(emulator_url + "/rest/access-tokens/latest/users/admin", "PUT", body={"name": "awx", "permissions": ["PROJECT_READ"]})
    call(emulator_url + "/_emulator/requests", "DELETE", auth=None)
    # User name and password left empty; certificate checks off, as for a test instance.
    job_env = render_injectors(dict(url=emulator_url, token=created["token"], validate_certs=False))
    assert job_env["BITBUCKET_USERNAME"] == job_env["BITBUCKET_PASSWORD"] == "" and job_env["BITBUCKET_VALIDATE_CERTS"] == "False"

    completed = run_job(job_env, tmp_path, "AWXT", create=False)

    assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]
    made = rest_requests(emulator_url)
    assert made and all(entry["status"] == 200 and entry["auth"] == "bearer:%s" % created["id"] for entry in made)
    assert created["token"] not in completed.stdout


def test_a_credential_with_a_wrong_password_fails_with_bitbucket_s_answer(emulator_url, tmp_path):
    job_env = render_injectors(dict(url=emulator_url, username="admin", password="not-the-password"))

    completed = run_job(job_env, tmp_path, "AWXW", create=False)

    assert completed.returncode != 0
    assert "401" in completed.stdout and "not-the-password" not in completed.stdout
