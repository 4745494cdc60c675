"""The AWX job-template examples: one file per role in docs/awx/job_templates/, kept true to the roles.

A file is ``pending`` while its role is not in the collection: it names the variables the role is
expected to take. Once ``roles/<name>`` exists the file must say ``available``, and then every variable
it sets (survey answers and fixed extra_vars) must be an option of the role's argument spec, every
required option must be given, and its playbook must pass ``ansible-playbook --syntax-check`` with the
collection. Every role has such a file.
"""

import os
import subprocess
import sys

import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
TEMPLATES = os.path.join(REPO_ROOT, "docs", "awx", "job_templates")
ROLES = os.path.join(REPO_ROOT, "roles")
PREFIX = "bitbucket.datacenter."
# The awx.awx.job_template parameters these files use; a typo in a key is a failing test.
JOB_TEMPLATE_KEYS = {
    "name", "description", "job_type", "inventory", "project", "playbook", "execution_environment", "credentials", "ask_variables_on_launch",
    "ask_job_type_on_launch", "ask_limit_on_launch", "survey_enabled", "survey_spec", "extra_vars", "diff_mode", "verbosity", "forks",
    "timeout", "labels", "become_enabled", "allow_simultaneous",
}


def template_files():
    return sorted(name for name in os.listdir(TEMPLATES) if name.endswith(".yml"))


def load(name):
    with open(os.path.join(TEMPLATES, name), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def role_name(document):
    return document["role"][len(PREFIX):]


def variables(document):
    """Every variable the job template sets: survey answers (with whether they are required) and extra_vars."""
    job = document["job_template"]
    found = {question["variable"]: bool(question.get("required")) for question in (job.get("survey_spec") or {}).get("spec") or []}
    found.update(dict.fromkeys(job.get("extra_vars") or {}, True))
    return found


def test_every_role_has_a_job_template():
    roles = sorted(name for name in os.listdir(ROLES)) if os.path.isdir(ROLES) else []
    described = {role_name(load(name)) for name in template_files()}
    assert not [role for role in roles if role not in described], "add docs/awx/job_templates/<role>.yml for each role"
    assert {"project_onboarding", "instance_hardening"} <= described


@pytest.mark.parametrize("name", template_files())
def test_a_job_template_is_well_formed(name):
    document = load(name)
    assert document["role"].startswith(PREFIX) and name == role_name(document) + ".yml"
    assert document["status"] in ("pending", "available")
    job = document["job_template"]
    assert not set(job) - JOB_TEMPLATE_KEYS, "unknown job_template keys: %s" % sorted(set(job) - JOB_TEMPLATE_KEYS)
    for key in ("name", "job_type", "inventory", "project", "playbook", "execution_environment", "credentials"):
        assert job.get(key), "job_template.%s is missing" % key
    plays = yaml.safe_load(document["playbook_file"])
    assert [role if isinstance(role, str) else role["role"] for play in plays for role in play.get("roles") or []] == [document["role"]]
    assert all(play.get("connection") == "local" and play.get("hosts") == "localhost" for play in plays)
    # Role variables carry the role's name as a prefix (ansible-lint var-naming[no-role-prefix]).
    # The roles' shared inputs (bitbucket_projects, the connection) carry the collection's prefix instead.
    assert variables(document) and all(variable.startswith((role_name(document) + "_", "bitbucket_")) for variable in variables(document))


@pytest.mark.parametrize("name", template_files())
def test_a_job_template_is_pending_exactly_while_its_role_is_missing(name):
    document = load(name)
    exists = os.path.isdir(os.path.join(ROLES, role_name(document)))
    if document["status"] == "pending":
        assert not exists, "roles/%s exists: set status: available in docs/awx/job_templates/%s and align its variables" % (role_name(document), name)
    else:
        assert exists, "%s says available, but there is no roles/%s" % (name, role_name(document))


@pytest.mark.parametrize("name", template_files())
def test_an_available_job_template_matches_its_role(name, tmp_path):
    document = load(name)
    if document["status"] != "available":
        pytest.skip("%s is pending: the role %s is not in the collection yet" % (name, document["role"]))
    with open(os.path.join(ROLES, role_name(document), "meta", "argument_specs.yml"), encoding="utf-8") as handle:
        options = yaml.safe_load(handle)["argument_specs"]["main"].get("options") or {}
    given = variables(document)
    assert not set(given) - set(options), "not options of the role: %s" % sorted(set(given) - set(options))
    required = [option for option, spec in options.items() if spec.get("required") and "default" not in spec]
    assert not [option for option in required if not given.get(option)], "required role options without a value"
    playbook = tmp_path / "job.yml"
    playbook.write_text(document["playbook_file"], encoding="utf-8")
    collections = os.environ.get("ANSIBLE_COLLECTIONS_PATH") or os.path.join(REPO_ROOT, "build", "collections")
    completed = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "--syntax-check", "-i", "localhost,", str(playbook)],
                               env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections), capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
