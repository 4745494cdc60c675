"""Bad input, generated from every module's argument spec, fails cleanly and writes nothing.

For each module of the collection the cases come from its ``MODULE_SPEC``: a required option left out,
a value outside the choices, a value of the wrong type (numbers, booleans, lists, dictionaries), a
number out of range, the same for the options of list elements, and malformed values of the kinds the
modules parse themselves (URLs, keys, certificates, cron expressions, branch names), chosen by the
option's name. They all run as tasks of one playbook against the emulator, on both execution paths.

Every case must fail with a message that names the option (Ansible's own validation does, and the
modules' ``invalid_option`` does), never with a traceback or a module crash, and the emulator's counters
must show that nothing was written.
"""

import copy
import importlib
import json
import os
import runpy
import sys

import pytest
import yaml

from conftest import REPO_ROOT, emulator_call

MODULES_DIR = os.path.join(REPO_ROOT, "plugins", "modules")
MODULE_NAMES = sorted(name[:-3] for name in os.listdir(MODULES_DIR) if name.endswith(".py") and name != "__init__.py")
CONNECTION = ("url", "token", "username", "password", "validate_certs", "ca_path", "timeout")

# Values of the right type that no valid input takes, by a word in the option's name.
MALFORMED_BY_NAME = (
    ("url", "not a url"),
    ("certificate", "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----"),
    ("cron", "every tuesday"),
    ("public_key", "ssh-rsa not-base64!"),
    ("key_text", "ssh-rsa not-base64!"),
    ("email", "not-an-address"),
)
# More of the kinds the issue names, each a different way to be wrong (a suffix of the option's name, or
# the option path of a list element such as keys[].key).
MALFORMED_MORE = {
    "url": ("ftp://idp.example.com/sso", "https://", "http://exa mple.com/"),
    "endpoint": ("not a url", "ftp://idp.example.com/token"),
    "certificate": (
        "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUQ\n",
        "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----",
        "just text, no PEM at all",
    ),
    "cron": ("* * * * * * * *", "61 0 0 * * ?", ""),
    "keys[].key": (
        "ssh-rsa not-base64!",
        "ssh-ed25519",
        "ssh-foo AAAAC3NzaC1lZDI1NTE5AAAAIHv3cNE3ZBnD7aq4cqJ4g8pQmCzx9f8y1rB2v1sYcGdP unknown-type",
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ==\n-----END OPENSSH PRIVATE KEY-----",
        "ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAAAgQC7 the-blob-says-rsa",
    ),
}
# Numbers no option takes: Bitbucket's ids, counts and days are 32-bit integers.
OUT_OF_RANGE_INTS = (-(10 ** 12), 2 ** 31)
NOT_AN_INT = "twelve"
NOT_A_BOOL = "maybe"
NOT_A_DICT = "not-a-dict"


def _make_collection_importable():
    """The staged collection when the Makefile staged one, else the unit tests' link to this checkout."""
    staged = os.environ.get("ANSIBLE_COLLECTIONS_PATH")
    if staged and os.path.isdir(os.path.join(staged, "ansible_collections", "bitbucket", "datacenter")):
        root = staged
    else:
        root = str(runpy.run_path(os.path.join(REPO_ROOT, "tests", "unit", "conftest.py"))["COLLECTIONS_ROOT"])
    if root not in sys.path:
        sys.path.insert(0, root)


def import_module(name):
    _make_collection_importable()
    return importlib.import_module("ansible_collections.bitbucket.datacenter.plugins.modules." + name)


def minimal_value(spec):
    """A valid-looking value for a required option (only its presence matters to the case)."""
    kind = spec.get("type", "str")
    if spec.get("choices"):
        return spec["choices"][0]
    if kind == "int":
        return 1
    if kind == "bool":
        return True
    if kind == "list":
        return [minimal_element(spec)] if spec.get("elements") == "dict" else ["x"]
    if kind == "dict":
        return {}
    return "it-bad-input"


def minimal_element(spec):
    return {name: minimal_value(sub) for name, sub in (spec.get("options") or {}).items() if sub.get("required")}


def base_args(module_spec):
    """The least a task needs to pass validation: the required options, and the first of each required_one_of."""
    argument_spec = module_spec["argument_spec"]
    args = {name: minimal_value(spec) for name, spec in argument_spec.items() if spec.get("required")}
    for group in module_spec.get("required_one_of", []):
        if not any(name in args for name in group):
            args[group[0]] = minimal_value(argument_spec[group[0]])
    for rule in module_spec.get("required_if", []):
        key, value, needed = rule[0], rule[1], rule[2]
        current = args.get(key, argument_spec[key].get("default"))
        if current == value:
            for other in needed[:1] if len(rule) > 3 and rule[3] else needed:
                args.setdefault(other, minimal_value(argument_spec[other]))
    for name, needed in module_spec.get("required_by", {}).items():
        if name in args:
            for other in [needed] if isinstance(needed, str) else needed:
                args.setdefault(other, minimal_value(argument_spec[other]))
    return args


def bad_values(name, spec, parent=None):
    """``[(description, value)]`` that the option must refuse; ``parent`` names the list option of an element's option."""
    kind = spec.get("type", "str")
    values = []
    path = "%s[].%s" % (parent, name) if parent else name
    if spec.get("choices"):
        values.append(("a value outside the choices", "not-one-of-the-choices"))
    if kind == "int":
        values.append(("a word for a number", NOT_AN_INT))
        for number in OUT_OF_RANGE_INTS:
            values.append(("a number out of range (%d)" % number, number))
    elif kind == "bool":
        values.append(("a word for a boolean", NOT_A_BOOL))
    elif kind == "dict":
        values.append(("a string for a dictionary", NOT_A_DICT))
    elif kind == "list" and spec.get("elements") == "dict":
        values.append(("a list of strings for a list of dictionaries", [NOT_A_DICT]))
    elif kind == "list" and spec.get("elements") == "int":
        values.append(("a word in a list of numbers", [NOT_AN_INT]))
    elif kind in ("str", "raw") and not spec.get("choices"):
        for word, value in MALFORMED_BY_NAME:
            # "url", "idp_url", "certificate"; not "jit_mapping_email", which names an attribute, not an address.
            if (name == word or name.endswith("_" + word)) and "mapping" not in name:
                values.append(("a malformed value", value))
        for word, more in sorted(MALFORMED_MORE.items()):
            if path == word or (not parent and (name == word or name.endswith("_" + word)) and "mapping" not in name):
                values.extend(("a malformed value (%d)" % number, value) for number, value in enumerate(more, 2))
    return values


def cases_for(module_name):
    """Every bad-input case of one module: ``(case id, arguments, option that must be named)``."""
    module = import_module(module_name)
    argument_spec = module.MODULE_SPEC["argument_spec"]
    base = base_args(module.MODULE_SPEC)
    cases = []
    for name, spec in sorted(argument_spec.items()):
        if name in base:
            args = dict(base)
            del args[name]
            cases.append(("%s: %s missing" % (module_name, name), args, name))
        for description, value in bad_values(name, spec):
            cases.append(("%s: %s, %s" % (module_name, name, description), dict(base, **{name: value}), name))
        if spec.get("type") == "list" and spec.get("elements") == "dict":
            for sub_name, sub_spec in sorted((spec.get("options") or {}).items()):
                element = minimal_element(spec)
                if sub_spec.get("required"):
                    missing = dict(element)
                    missing.pop(sub_name, None)
                    cases.append(("%s: %s[].%s missing" % (module_name, name, sub_name), dict(base, **{name: [missing]}), sub_name))
                for description, value in bad_values(sub_name, sub_spec, parent=name):
                    bad_element = dict(element, **{sub_name: value})
                    cases.append(("%s: %s[].%s, %s" % (module_name, name, sub_name, description), dict(base, **{name: [bad_element]}), sub_name))
    for option, value, description in (("timeout", NOT_AN_INT, "a word for a number"), ("validate_certs", NOT_A_BOOL, "a word for a boolean"),
                                       ("url", "bitbucket.example.com:7990", "no scheme")):
        cases.append(("%s: %s, %s" % (module_name, option, description), dict(base, **{option: value}), option))
    return cases


ALL_CASES = [case for name in MODULE_NAMES for case in cases_for(name)]


def test_every_module_has_cases():
    per_module = {name: sum(1 for case_id, _args, _option in ALL_CASES if case_id.split(":")[0] == name) for name in MODULE_NAMES}
    print("bad input: %d cases across %d modules" % (len(ALL_CASES), len(per_module)))
    assert all(count >= 3 for count in per_module.values()), per_module
    assert len(ALL_CASES) >= 200


def test_the_kinds_of_malformed_values_the_issue_names_are_generated():
    kinds = {"url": 0, "certificate": 0, "cron": 0, "keys[].key": 0, "out of range": 0}
    for case_id, _args, _option in ALL_CASES:
        for kind in kinds:
            if kind in case_id and ("malformed" in case_id or kind == "out of range"):
                kinds[kind] += 1
    print("bad input by kind: %r" % kinds)
    assert all(count >= 3 for count in kinds.values()), kinds


def playbook_for(cases, emulator_url):
    tasks = []
    for number, (case_id, args, _option) in enumerate(cases):
        module = case_id.split(":")[0]
        task_args = copy.deepcopy(args)
        task_args.setdefault("url", emulator_url)
        tasks.append({
            "name": "case %d" % number,
            "bitbucket.datacenter." + module: task_args,
            "ignore_errors": True,
        })
    return [{
        "name": "Bad input",
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        # The seeded system administrator: an input the modules fail to refuse would really be written.
        "module_defaults": {"group/bitbucket.datacenter.bitbucket": {"username": "admin", "password": "admin"}},
        "tasks": tasks,
    }]


@pytest.mark.parametrize("in_process", [True, False], ids=["in_process", "module"])
def test_every_bad_input_fails_naming_the_option_and_writes_nothing(playbook_runner, emulator_url, in_process, tmp_path):
    emulator_call(emulator_url + "/_emulator/reset", "POST")
    playbook = tmp_path / "bad_input.yml"
    playbook.write_text(yaml.safe_dump(playbook_for(ALL_CASES, emulator_url), sort_keys=False), encoding="utf-8")

    completed, results = playbook_runner.run(str(playbook), extra_vars={"bitbucket_datacenter_in_process": in_process}, name="bad-input")

    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    by_task = {entry["task"]: entry for entry in results if entry["action"].startswith("bitbucket.datacenter.")}
    problems = []
    for number, (case_id, _args, option) in enumerate(ALL_CASES):
        entry = by_task.get("case %d" % number)
        if entry is None:
            problems.append("%s: no result" % case_id)
            continue
        result = entry["result"]
        message = str(result.get("msg", ""))
        if entry["status"] != "failed":
            problems.append("%s: did not fail (%s)" % (case_id, json.dumps(result, default=str)[:300]))
        elif "Traceback" in message or "Traceback" in str(result.get("exception", "")) or "MODULE FAILURE" in message or "module_stderr" in result:
            problems.append("%s: crashed: %s" % (case_id, message[:300]))
        elif option not in message and result.get("invalid_option") != option:
            problems.append("%s: the message does not name %r: %s" % (case_id, option, message[:300]))
    assert problems == [], "%d of %d cases:\n%s" % (len(problems), len(ALL_CASES), "\n".join(problems))
    assert emulator_call(emulator_url + "/_emulator/counters")["writes"] == 0
