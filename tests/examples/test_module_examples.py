"""Every example runs: each module's EXAMPLES, pointed at the emulator, in one ansible-playbook run.

For every module in ``plugins/modules`` (found there, so a new module is tested without a change here),
its EXAMPLES are read from the file (not imported) and become one play of a generated playbook:

- the play runs on an inventory host named after the module, so that a failing example stops only the
  examples of its own module (the ones after it report that they did not run);
- it starts by resetting the emulator and creating the seeding table (``seed.yml``: users, groups,
  projects, repositories, further REST requests; emulator settings; files the examples read, beside
  the playbook), then runs the examples in their order, each wrapped in a block that carries its
  number, so that a ``register`` of one example is there for the next;
- connection options are rewritten to the emulator: every ``url``; credentials of a user listed in
  the seeding table become that user's password there; any other credentials (a token, an unknown user)
  become those of the table's ``run_as`` account, except in the examples the table lists under
  ``token_auth``, whose ``token`` becomes an HTTP access token of ``run_as``. Nothing else in an example
  is changed.

Each example is one test: it passes when all its tasks ran without failing (a failure that the example
ignores is a failure too) and at least one task did something other than skip. An example the seeding
table lists under ``not_runnable`` is skipped, with its reason in the test output.

Runs with the staged collection (``ANSIBLE_COLLECTIONS_PATH``, as ``make examples`` sets it), or stages
one itself.
"""

import ast
import copy
import json
import os
import subprocess
import sys
import threading

import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
MODULES_DIR = os.path.join(REPO_ROOT, "plugins", "modules")
COLLECTION_PREFIX = "bitbucket.datacenter."
ACTION_GROUP = "group/bitbucket.datacenter.bitbucket"
CREDENTIALS = ("token", "username", "password")
TASK_LISTS = ("block", "rescue", "always")
# The seeding task's result (examples_seed.py): seed.yml's vars read the answers, codes and token in it.
SEEDED = "examples_seed"
SEEDED_TOKEN = "{{ %s.token }}" % SEEDED
OMIT = "{{ omit }}"
# Seconds for the whole examples playbook; a hang is a failure, not a stuck CI job.
PLAYBOOK_TIMEOUT = 900

sys.path.insert(0, os.path.join(REPO_ROOT, "tests", "emulator"))

from bitbucket_emulator import create_app  # noqa: E402  (needs the path above)
from werkzeug.serving import make_server  # noqa: E402


def load_seed():
    with open(os.path.join(HERE, "seed.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def module_names():
    return sorted(name[:-3] for name in os.listdir(MODULES_DIR) if name.endswith(".py") and not name.startswith("_"))


def read_examples(module):
    """The module's EXAMPLES as a list of tasks, read from the source without importing it."""
    with open(os.path.join(MODULES_DIR, module + ".py"), encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(target, ast.Name) and target.id == "EXAMPLES" for target in node.targets):
            examples = yaml.safe_load(ast.literal_eval(node.value)) or []
            if not isinstance(examples, list) or not all(isinstance(task, dict) for task in examples):
                raise ValueError("%s: EXAMPLES must be a YAML list of tasks" % module)
            return examples
    raise ValueError("%s has no EXAMPLES" % module)


def example_title(task, number):
    return str(task.get("name") or "example %d" % number)


class Rewriter:
    """Points the connection options of examples at the emulator (see the module docstring)."""

    def __init__(self, seed, url):
        self.url = url
        self.users = {user["name"]: user for user in seed.get("users") or []}
        self.run_as = self.users[seed["run_as"]]

    def connection(self, args, keep_token=False):
        args = dict(args)
        username = args.get("username")
        account = self.users.get(username, self.run_as) if isinstance(username, str) else self.run_as
        token = "token" in args
        for name in CREDENTIALS:
            args.pop(name, None)
        if keep_token and token:
            # omit: the play's module_defaults give a username and a password, which a token excludes.
            args.update(url=self.url, token=SEEDED_TOKEN, username=OMIT, password=OMIT)
        else:
            args.update(url=self.url, username=account["name"], password=account["password"])
        return args

    def module_defaults(self, defaults, keep_token=False):
        if isinstance(defaults, list):
            return [self.module_defaults(entry, keep_token) for entry in defaults]
        if not isinstance(defaults, dict):
            return defaults
        return {
            name: self.connection(args, keep_token) if (name == ACTION_GROUP or name.startswith(COLLECTION_PREFIX)) and isinstance(args, dict) else args
            for name, args in defaults.items()
        }

    def task(self, task, keep_token=False):
        """The task with its connection options rewritten; with ``keep_token``, a token stays a token (of run_as)."""
        task = copy.deepcopy(task)
        for key in TASK_LISTS:
            if isinstance(task.get(key), list):
                task[key] = [self.task(child, keep_token) for child in task[key]]
        if "module_defaults" in task:
            task["module_defaults"] = self.module_defaults(task["module_defaults"], keep_token)
        for key, value in task.items():
            if key.startswith(COLLECTION_PREFIX) and isinstance(value, dict):
                task[key] = self.connection(value, keep_token)
        return task


def table_for(seed, module):
    """The seeding table as the examples of ``module`` get it: requests listing ``modules`` only for those modules."""
    # What examples read (vars, files) is not the seeding's: the vars name the seeding's own result.
    table = {name: value for name, value in seed.items() if name not in ("vars", "module_vars", "files", "not_runnable")}
    table["requests"] = [request for request in seed.get("requests") or [] if module in request.get("modules", [module])]
    table["token_auth"] = bool((seed.get("token_auth") or {}).get(module))
    return table


def build_playbook(seed, url, modules):
    """The generated playbook, and the examples per module: [(number, title, skip reason or None)]."""
    rewriter = Rewriter(seed, url)
    not_runnable = seed.get("not_runnable") or {}
    token_auth = seed.get("token_auth") or {}
    plays, catalogue = [], {}
    for module in modules:
        examples = read_examples(module)
        titles = [example_title(task, number) for number, task in enumerate(examples, 1)]
        for section, listed in (("not_runnable", not_runnable), ("token_auth", token_auth)):
            unknown = sorted(set(listed.get(module) or {}) - set(titles))
            if unknown:
                raise ValueError("seed.yml %s lists examples that %s does not have: %s" % (section, module, ", ".join(unknown)))
        # A failure ends the module's host (meta: end_host in the rescue) rather than failing it: a play
        # whose every host failed would stop the whole playbook, and with it the other modules' examples.
        stop = [{"name": "Stop the examples of %s here" % module, "ansible.builtin.meta": "end_host"}]
        seeding = dict(name="Reset the emulator and seed it", examples_seed=dict(url=url, table=table_for(seed, module)), register=SEEDED)
        tasks = [dict(name="Seeding", block=[seeding], rescue=stop)]
        catalogue[module] = []
        for number, (task, title) in enumerate(zip(examples, titles), 1):
            reason = (not_runnable.get(module) or {}).get(title)
            catalogue[module].append((number, title, reason))
            if reason is None:
                keep_token = title in (token_auth.get(module) or [])
                tasks.append(dict(name="Example %d: %s" % (number, title), vars=dict(bitbucket_example=number),
                                  block=[rewriter.task(task, keep_token)], rescue=stop))
        plays.append(dict(
            name="EXAMPLES of %s" % module,
            hosts=module,
            gather_facts=False,
            vars=dict(seed.get("vars") or {}, **((seed.get("module_vars") or {}).get(module) or {})),
            module_defaults={ACTION_GROUP: rewriter.connection({})},
            tasks=tasks,
        ))
    return plays, catalogue


@pytest.fixture(scope="module")
def emulator_url():
    server = make_server("127.0.0.1", 0, create_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_port
    server.shutdown()


@pytest.fixture(scope="module")
def collections_path(tmp_path_factory):
    staged = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
    if staged and os.path.isdir(os.path.join(staged, "ansible_collections", "bitbucket", "datacenter")):
        return staged
    root = str(tmp_path_factory.mktemp("collections"))
    subprocess.run([sys.executable, os.path.join(REPO_ROOT, "tools", "stage_collection.py"), root], check=True, capture_output=True)
    return root


@pytest.fixture(scope="module")
def examples_run(emulator_url, collections_path, tmp_path_factory):
    """Run every module's examples once; give each module's examples and their recorded task results."""
    workdir = tmp_path_factory.mktemp("examples")
    modules = module_names()
    plays, catalogue = build_playbook(load_seed(), emulator_url, modules)
    for name, content in (load_seed().get("files") or {}).items():
        (workdir / name).parent.mkdir(parents=True, exist_ok=True)
        (workdir / name).write_text(content, encoding="utf-8")
    playbook = workdir / "examples.yml"
    playbook.write_text(yaml.safe_dump(plays, sort_keys=False), encoding="utf-8")
    inventory = workdir / "inventory.json"
    hosts = {module: dict(ansible_connection="local", ansible_python_interpreter=sys.executable) for module in modules}
    inventory.write_text(json.dumps({"all": {"hosts": hosts}}), encoding="utf-8")
    record = workdir / "results.jsonl"
    environment = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=collections_path,
        ANSIBLE_ACTION_PLUGINS=os.path.join(HERE, "action_plugins"),
        ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, "callback_plugins"),
        ANSIBLE_CALLBACKS_ENABLED="example_results",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_HOST_KEY_CHECKING="false",
        EXAMPLE_RESULTS_FILE=str(record),
    )
    command = [os.path.join(os.path.dirname(sys.executable), "ansible-playbook"), "-i", str(inventory), str(playbook)]
    completed = subprocess.run(command, env=environment, capture_output=True, text=True, check=False, timeout=PLAYBOOK_TIMEOUT)
    (workdir / "output.log").write_text(completed.stdout + completed.stderr, encoding="utf-8")
    results = []
    if record.exists():
        results = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines() if line.strip()]
    return dict(catalogue=catalogue, results=results, completed=completed, log=str(workdir / "output.log"))


def _cases():
    cases = []
    for module in module_names():
        examples = read_examples(module)
        for number, task in enumerate(examples, 1):
            title = example_title(task, number)
            cases.append(pytest.param(module, number, id="%s-%d-%s" % (module, number, title)))
    return cases


def test_every_module_has_examples():
    for module in module_names():
        assert read_examples(module), "%s has an empty EXAMPLES" % module


def test_the_seeding_table_names_its_run_as_account_and_known_modules():
    seed = load_seed()
    assert seed["run_as"] in {user["name"] for user in seed["users"]}
    for section in ("not_runnable", "token_auth", "module_vars"):
        assert set(seed.get(section) or {}) <= set(module_names()), "seed.yml %s names a module that does not exist" % section
    for request in seed.get("requests") or []:
        assert set(request.get("modules") or []) <= set(module_names()), "a request of seed.yml names a module that does not exist"


def test_the_rewriter_points_every_connection_at_the_emulator():
    seed = dict(run_as="automation", users=[dict(name="automation", password="a-pw"), dict(name="alice", password="alice-pw")])
    rewriter = Rewriter(seed, "http://127.0.0.1:1")
    task = {
        "name": "outer",
        "module_defaults": {ACTION_GROUP: {"url": "https://bitbucket.example.com", "token": "{{ admin_token }}"}},
        "block": [
            {"bitbucket.datacenter.bitbucket_project": {"url": "https://x", "username": "alice", "password": "{{ p }}", "key": "A"}},
            {"bitbucket.datacenter.bitbucket_project": {"url": "https://x", "username": "someone", "password": "{{ p }}", "key": "B"}},
            {"ansible.builtin.debug": {"msg": "{{ token }}"}},
        ],
    }
    rewritten = rewriter.task(task)
    assert rewritten["module_defaults"][ACTION_GROUP] == {"url": "http://127.0.0.1:1", "username": "automation", "password": "a-pw"}
    assert rewritten["block"][0]["bitbucket.datacenter.bitbucket_project"] == {
        "url": "http://127.0.0.1:1", "username": "alice", "password": "alice-pw", "key": "A"}
    assert rewritten["block"][1]["bitbucket.datacenter.bitbucket_project"]["username"] == "automation"
    assert rewritten["block"][2] == {"ansible.builtin.debug": {"msg": "{{ token }}"}}
    assert task["block"][0]["bitbucket.datacenter.bitbucket_project"]["url"] == "https://x", "the original is not changed"


@pytest.mark.parametrize("module, number", _cases())
def test_example_runs(examples_run, module, number):
    _number, title, reason = examples_run["catalogue"][module][number - 1]
    if reason is not None:
        pytest.skip("%s example %d (%s) cannot run against the emulator: %s" % (module, number, title, reason))
    mine = [entry for entry in examples_run["results"] if entry["host"] == module]
    seeded = [entry for entry in mine if entry["action"].endswith("examples_seed")]
    assert seeded and all(entry["status"] == "ok" for entry in seeded), "seeding failed: %s; see %s" % (
        [entry["msg"] for entry in seeded], examples_run["log"])
    results = [entry for entry in mine if entry["example"] == number]
    failed = [entry for entry in results if entry["status"] in ("failed", "unreachable")]
    # The rescue that stops the module's examples after a failure is not part of the example.
    results = [entry for entry in results if entry["action"] not in ("meta", "ansible.builtin.meta")]
    assert not failed, "example %d (%s) of %s failed: %s" % (
        number, title, module, "; ".join("%s: %s" % (entry["task"], entry["msg"]) for entry in failed))
    assert results, "example %d (%s) of %s did not run: an earlier example of %s failed, or the playbook did not start; see %s\n%s" % (
        number, title, module, module, examples_run["log"], examples_run["completed"].stderr[-2000:])
    assert any(entry["status"] == "ok" for entry in results), "every task of example %d (%s) of %s was skipped" % (number, title, module)


def test_a_token_auth_example_keeps_a_token_of_run_as():
    seed = dict(run_as="automation", users=[dict(name="automation", password="a-pw")])
    rewriter = Rewriter(seed, "http://127.0.0.1:1")
    task = {"bitbucket.datacenter.bitbucket_basic_auth": {"url": "https://x", "token": "{{ admin_token }}", "block_requests": True}}
    assert rewriter.task(task, keep_token=True)["bitbucket.datacenter.bitbucket_basic_auth"] == {
        "url": "http://127.0.0.1:1", "token": SEEDED_TOKEN, "username": OMIT, "password": OMIT, "block_requests": True}
    password_task = {"bitbucket.datacenter.bitbucket_basic_auth": {"username": "automation", "password": "{{ p }}"}}
    assert rewriter.task(password_task, keep_token=True)["bitbucket.datacenter.bitbucket_basic_auth"]["password"] == "a-pw", \
        "only a token stays a token"


def test_the_seeding_of_a_module_gets_its_own_requests_and_no_vars():
    seed = dict(run_as="automation", vars=dict(x="{{ examples_seed.token }}"), files={"a": "b"},
                token_auth=dict(bitbucket_basic_auth=["t"]),
                requests=[dict(method="POST", path="/all"), dict(method="POST", path="/one", modules=["bitbucket_hook_script_config"])])
    table = table_for(seed, "bitbucket_hook_script_config")
    assert [request["path"] for request in table["requests"]] == ["/all", "/one"]
    assert "vars" not in table and "files" not in table and table["token_auth"] is False
    table = table_for(seed, "bitbucket_basic_auth")
    assert [request["path"] for request in table["requests"]] == ["/all"] and table["token_auth"] is True
