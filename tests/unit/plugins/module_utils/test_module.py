"""Module glue: execute(), the context, module_kwargs, the connection table and its views, and
the collection's bookkeeping (action group, action plugins, doc fragments)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import yaml
from ansible.module_utils.basic import env_fallback
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.bitbucket.datacenter.plugins.doc_fragments.attributes import ModuleDocFragment as AttributesFragment
from ansible_collections.bitbucket.datacenter.plugins.doc_fragments.connection import ModuleDocFragment as ConnectionFragment
from ansible_collections.bitbucket.datacenter.plugins.module_utils import _connection
from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._connection import (
    CONNECTION_OPTIONS,
    CREDENTIAL_OPTIONS,
    MUTUALLY_EXCLUSIVE,
    ConnectionOptionError,
    CredentialsError,
    check_url,
    connection_argument_spec,
    connection_doc_fragment,
    environment_names,
    resolve_connection,
    resolve_credentials,
)
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import (
    SECRET_PLACEHOLDER,
    TRACE_VERBOSITY,
    ModuleContext,
    ModuleFailure,
    changed_fields,
    execute,
    http_url_problem,
    invalid_option,
    mask_secrets,
    module_kwargs,
    validation_message,
)
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import Call, connection_refused

COLLECTION_ROOT = Path(__file__).resolve().parents[4]
MODULE_NAMES = sorted(path.stem for path in (COLLECTION_ROOT / "plugins" / "modules").glob("*.py") if path.stem != "__init__")
SPEC = dict(argument_spec=dict(key=dict(type="str", required=True, no_log=False)))
PLAT = "/rest/api/latest/projects/PLAT"


def no_client(_params, trace=None):
    raise AssertionError("this test makes no HTTP call")


# -- execute() ----------------------------------------------------------------------------------


def test_execute_turns_a_bitbucket_error_into_a_failed_result():
    context = ModuleContext({}, client_factory=no_client)

    def run(_context):
        raise BitbucketError(
            "DELETE /rest/api/latest/projects/PLAT: HTTP 409: The project has repositories",
            method="DELETE",
            path=PLAT,
            status=409,
            server_message="The project has repositories",
        )

    result = execute(run, context)

    assert result == {
        "failed": True,
        "changed": False,
        "msg": "DELETE /rest/api/latest/projects/PLAT: HTTP 409: The project has repositories",
        "http_method": "DELETE",
        "http_path": PLAT,
        "http_status": 409,
        "server_message": "The project has repositories",
    }


def test_execute_leaves_out_error_details_that_are_unknown():
    context = ModuleContext({}, client_factory=no_client)

    def run(_context):
        raise BitbucketError("GET /x: cannot reach Bitbucket", method="GET", path="/x")

    result = execute(run, context)

    assert result == {"failed": True, "changed": False, "msg": "GET /x: cannot reach Bitbucket", "http_method": "GET", "http_path": "/x"}


def test_execute_turns_a_module_failure_into_a_failed_result():
    context = ModuleContext({}, client_factory=no_client)

    def run(_context):
        raise invalid_option("key", "'1X' is not a project key")

    result = execute(run, context)

    assert result == {"failed": True, "changed": False, "msg": "Invalid value for option 'key': '1X' is not a project key", "invalid_option": "key"}


@pytest.mark.parametrize("params, option", [
    (dict(expiry_days=2 ** 31), "expiry_days"),
    (dict(expiry_days=-(2 ** 31) - 1), "expiry_days"),
    (dict(keys=[{"expiry_days": 1}, {"expiry_days": 10 ** 12}]), "keys[].expiry_days"),
])
def test_execute_refuses_a_number_past_32_bits_before_the_run(params, option):
    spec = dict(argument_spec=dict(expiry_days=dict(type="int"), keys=dict(type="list", elements="dict", options=dict(expiry_days=dict(type="int")))))
    ran = []

    result = execute(ran.append, ModuleContext(params, client_factory=no_client), spec)

    assert ran == []
    assert result["failed"] is True
    assert result["invalid_option"] == option
    assert "is out of range: Bitbucket takes numbers from -2147483648 to 2147483647" in result["msg"]


def test_execute_takes_the_largest_and_smallest_32_bit_numbers():
    spec = dict(argument_spec=dict(expiry_days=dict(type="int"), port=dict(type="int")))

    result = execute(lambda _ctx: dict(changed=False), ModuleContext(dict(expiry_days=2 ** 31 - 1, port=-(2 ** 31)), client_factory=no_client), spec)

    assert result == {"changed": False}


@pytest.mark.parametrize("url, words", [
    ("http://exa mple.com/", "holds a blank"),
    ("https://ci.example.com/\nhook", "holds a blank"),
    ("https://ci.example.com:80a/", "port that is not a number"),
    ("ftp://ci.example.com/", "not an http:// or https:// URL"),
    ("https://", "not an http:// or https:// URL"),
])
def test_http_url_problem_names_what_is_wrong(url, words):
    assert words in http_url_problem(url)


def test_http_url_problem_accepts_an_absolute_url():
    assert http_url_problem("https://ci.example.com:8443/hooks/bitbucket?x=1") is None


def test_context_fail_raises_a_module_failure_that_execute_reports():
    context = ModuleContext({}, client_factory=no_client)

    def run(ctx):
        ctx.fail("ambiguous: two tokens are named ci", names=["ci", "ci"])

    assert execute(run, context) == {"failed": True, "changed": False, "msg": "ambiguous: two tokens are named ci", "names": ["ci", "ci"]}


def test_execute_returns_the_result_of_a_successful_run_and_closes_the_session(http, make_context):
    context = make_context(dict(argument_spec={}), {})
    http.expect(Call("GET", PLAT, body={"key": "PLAT"}))

    result = execute(lambda ctx: dict(changed=False, project=ctx.client.get(PLAT)), context)

    assert result == {"changed": False, "project": {"key": "PLAT"}}
    assert http.closed
    http.assert_done()


def test_execute_closes_the_session_after_a_failure(http, make_context):
    context = make_context(dict(argument_spec={}), {})
    http.expect(Call("GET", PLAT, status=403, body={"errors": [{"message": "no"}]}))

    result = execute(lambda ctx: ctx.client.get(PLAT), context)

    assert result["failed"] is True
    assert result["http_status"] == 403
    assert result["server_message"] == "no"
    assert http.closed
    http.assert_done()


def test_a_failure_after_a_successful_write_reports_changed(http, make_context):
    # A list-shaped module may fail on its second write: the first one still changed the server.
    context = make_context(dict(argument_spec={}), {})
    http.expect(
        Call("PUT", PLAT + "/permissions/users", query=[("name", "a")], status=204),
        Call("PUT", PLAT + "/permissions/groups", query=[("name", "g")], status=400, body={"errors": [{"message": "bad"}]}),
    )

    def two_writes(ctx):
        ctx.client.put(PLAT + "/permissions/users", params=[("name", "a")])
        ctx.client.put(PLAT + "/permissions/groups", params=[("name", "g")])

    result = execute(two_writes, context)

    assert result["failed"] is True
    assert result["changed"] is True
    http.assert_done()


def test_a_failure_before_any_write_reports_unchanged(http, make_context):
    context = make_context(dict(argument_spec={}), {})
    http.expect(
        Call("GET", PLAT, body={"key": "PLAT"}),
        Call("PUT", PLAT, json={"key": "PLAT"}, status=500, body={"errors": [{"message": "down"}]}),
    )

    def read_then_failed_write(ctx):
        ctx.client.get(PLAT)
        ctx.client.put(PLAT, json={"key": "PLAT"})

    result = execute(read_then_failed_write, context)

    assert result["failed"] is True
    assert result["changed"] is False
    http.assert_done()


def test_execute_lets_a_programming_error_through_after_closing(http, make_context):
    # Only expected failures become results; a bug must not be disguised as one.
    context = make_context(dict(argument_spec={}), {})
    http.expect(Call("GET", PLAT, body={}))

    def run(ctx):
        ctx.client.get(PLAT)
        return {}["missing"]

    with pytest.raises(KeyError):
        execute(run, context)
    assert http.closed
    http.assert_done()


@pytest.mark.parametrize("verbosity", [0, 1, 2])
def test_no_trace_below_verbosity_3(http, make_context, verbosity):
    context = make_context(dict(argument_spec={}), {}, verbosity=verbosity)
    http.expect(Call("GET", PLAT, body={}))

    result = execute(lambda ctx: dict(changed=False, got=ctx.client.get(PLAT)), context)

    assert "http_trace" not in result
    assert context.trace is None
    http.assert_done()


@pytest.mark.parametrize("verbosity", [3, 4])
def test_the_trace_is_returned_from_verbosity_3(http, make_context, verbosity):
    assert TRACE_VERBOSITY == 3
    context = make_context(dict(argument_spec={}), {}, verbosity=verbosity)
    http.expect(Call("GET", PLAT, status=503), Call("GET", PLAT, body={"key": "PLAT"}))

    result = execute(lambda ctx: dict(changed=False, got=ctx.client.get(PLAT)), context)

    assert [(e["method"], e["path"], e["status"], e["attempt"]) for e in result["http_trace"]] == [("GET", PLAT, 503, 1), ("GET", PLAT, 200, 2)]
    http.assert_done()


def test_a_failed_result_carries_the_trace_too(http, make_context):
    context = make_context(dict(argument_spec={}), {}, verbosity=3)
    http.expect(Call("POST", "/rest/api/latest/projects", raises=connection_refused("/rest/api/latest/projects")))
    context.client.max_retries = 0

    result = execute(lambda ctx: ctx.client.post("/rest/api/latest/projects"), context)

    assert result["failed"] is True
    assert "http_status" not in result
    assert result["http_trace"][0]["error"] == "ConnectionError"
    assert result["http_trace"][0]["status"] is None
    http.assert_done()


# -- the context --------------------------------------------------------------------------------


def test_the_context_builds_one_client_per_run_and_passes_the_trace():
    made = []

    class Client:
        closed = False

        def close(self):
            self.closed = True

    def factory(params, trace=None):
        made.append((params, trace))
        return Client()

    context = ModuleContext({"url": "u"}, verbosity=3, client_factory=factory)

    first = context.client
    assert context.client is first
    assert len(made) == 1
    assert made[0][0] == {"url": "u"}
    made[0][1]({"entry": 1})
    assert context.trace == [{"entry": 1}]
    context.close()
    assert first.closed
    context.close()  # a second close is harmless


def test_the_context_without_trace_gives_the_client_none():
    seen = []
    context = ModuleContext({}, verbosity=2, client_factory=lambda params, trace=None: seen.append(trace) or object())
    context.client  # noqa: B018 - the property builds the client
    assert seen == [None]


def test_warnings_are_collected():
    context = ModuleContext({}, client_factory=no_client)
    context.warn("one")
    context.warn("two")
    assert context.warnings == ["one", "two"]


def test_result_has_a_diff_only_in_diff_mode():
    assert ModuleContext({}, client_factory=no_client).result(True, {"a": 1}, {"a": 2}, item={"x": 1}) == {"changed": True, "item": {"x": 1}}
    context = ModuleContext({}, diff=True, client_factory=no_client)
    assert context.result(True, {"a": 1}, {"a": 2}, item={}) == {"changed": True, "item": {}, "diff": {"before": {"a": 1}, "after": {"a": 2}}}
    assert context.result(True, None, {"a": 2})["diff"] == {"before": {}, "after": {"a": 2}}
    assert context.result(False, {"a": 1}, None)["diff"] == {"before": {"a": 1}, "after": {}}


def test_modes_are_booleans():
    context = ModuleContext({}, check_mode=1, diff=0, client_factory=no_client)
    assert context.check_mode is True
    assert context.diff is False


def test_invalid_option_names_the_option():
    failure = invalid_option("public", "must be a boolean")
    assert isinstance(failure, ModuleFailure)
    assert failure.msg == "Invalid value for option 'public': must be a boolean"
    assert failure.details == {"invalid_option": "public"}


def test_mask_secrets():
    data = {"name": "idp", "client-secret": "s3", "password": None}
    assert mask_secrets(data, ["client-secret", "password", "absent"]) == {"name": "idp", "client-secret": SECRET_PLACEHOLDER, "password": None}
    assert data["client-secret"] == "s3"
    assert mask_secrets(None, ["x"]) is None


def test_changed_fields_ignores_unset_and_equal_fields():
    current = {"name": "a", "description": "d", "public": False}
    assert changed_fields(current, {"name": "a", "description": None, "public": True, "extra": "x"}) == {"public": True, "extra": "x"}
    assert changed_fields(current, {"name": None}) == {}
    assert changed_fields(current, {"description": ""}) == {"description": ""}


# -- module_kwargs and the connection table -----------------------------------------------------


def validate(kwargs, params):
    kwargs = dict(kwargs)
    kwargs.pop("supports_check_mode")
    return ArgumentSpecValidator(**kwargs).validate(params)


def test_module_kwargs_merges_the_connection_options():
    own = dict(
        argument_spec=dict(key=dict(type="str", required=True, no_log=False), name=dict(type="str")),
        mutually_exclusive=[("key", "name")],
        required_if=[("state", "absent", ("key",))],
        required_by={"name": "key"},
    )

    kwargs = module_kwargs(own)

    assert set(kwargs["argument_spec"]) == set(CONNECTION_OPTIONS) | {"key", "name"}
    assert kwargs["argument_spec"]["key"] == dict(type="str", required=True, no_log=False)
    assert kwargs["mutually_exclusive"] == [("token", "username"), ("token", "password"), ("key", "name")]
    # "A token or a username and password" is checked after the environment is applied (resolve_credentials).
    assert kwargs["required_together"] == []
    assert kwargs["required_one_of"] == []
    assert kwargs["required_if"] == [("state", "absent", ("key",))]
    assert kwargs["required_by"] == {"name": "key"}
    assert kwargs["supports_check_mode"] is True


def test_module_kwargs_copies_instead_of_sharing():
    own = dict(argument_spec=dict(key=dict(type="str")), mutually_exclusive=[("key", "url")])
    first = module_kwargs(own)
    first["argument_spec"]["key"]["required"] = True
    first["argument_spec"]["url"]["required"] = False
    first["mutually_exclusive"].append(("a", "b"))

    second = module_kwargs(own)

    assert own["argument_spec"]["key"] == dict(type="str")
    assert second["argument_spec"]["url"]["required"] is True
    assert second["mutually_exclusive"] == [("token", "username"), ("token", "password"), ("key", "url")]
    assert MUTUALLY_EXCLUSIVE == [("token", "username"), ("token", "password")]


@pytest.mark.parametrize(
    "task, environ, expected",
    [
        # What the task sets decides the kind of credentials.
        ({"token": "t"}, {}, {"token": "t"}),
        ({"username": "u", "password": "p"}, {}, {"username": "u", "password": "p"}),
        ({"username": "u", "password": "p"}, {"BITBUCKET_TOKEN": "env-token"}, {"username": "u", "password": "p"}),
        ({"token": "t"}, {"BITBUCKET_USERNAME": "eu", "BITBUCKET_PASSWORD": "ep"}, {"token": "t"}),
        # A username on the task takes its password from the environment, and the other way round.
        ({"username": "u"}, {"BITBUCKET_PASSWORD": "ep", "BITBUCKET_TOKEN": "env-token"}, {"username": "u", "password": "ep"}),
        ({"password": "p"}, {"BITBUCKET_USERNAME": "eu"}, {"username": "eu", "password": "p"}),
        # Nothing on the task: the environment's token first, else its username and password.
        ({}, {"BITBUCKET_TOKEN": "env-token", "BITBUCKET_USERNAME": "eu", "BITBUCKET_PASSWORD": "ep"}, {"token": "env-token"}),
        ({}, {"BITBUCKET_TOKEN": "", "BITBUCKET_USERNAME": "eu", "BITBUCKET_PASSWORD": "ep"}, {"username": "eu", "password": "ep"}),
        # Empty strings count as unset.
        ({"token": ""}, {"BITBUCKET_USERNAME": "eu", "BITBUCKET_PASSWORD": "ep"}, {"username": "eu", "password": "ep"}),
    ],
)
def test_credentials_come_from_the_task_first_then_the_environment(task, environ, expected):
    params = dict(dict.fromkeys(CREDENTIAL_OPTIONS), **task)

    taken = resolve_credentials(params, environ)

    assert {name: value for name, value in params.items() if value is not None} == expected
    # Every secret read from the environment is reported, so that it is masked like a no_log option.
    secrets_from_env = [value for name, value in expected.items() if name in ("token", "password") and value not in task.values()]
    assert taken == secrets_from_env


@pytest.mark.parametrize(
    "task, environ, missing",
    [
        ({}, {}, "username"),
        ({"username": "u"}, {}, "password"),
        ({"password": "p"}, {"BITBUCKET_TOKEN": "env-token"}, "username"),
        ({}, {"BITBUCKET_USERNAME": "eu"}, "password"),
    ],
)
def test_missing_credentials_are_explained(task, environ, missing):
    params = dict(dict.fromkeys(CREDENTIAL_OPTIONS), **task)

    with pytest.raises(CredentialsError) as caught:
        resolve_credentials(params, environ)

    message = str(caught.value)
    assert "BITBUCKET_TOKEN" in message and "BITBUCKET_USERNAME" in message
    assert message.endswith("%s is missing" % missing)


@pytest.mark.parametrize(
    "url, words",
    [
        ("bitbucket.example.com:7990", ["is not an http:// or https:// URL", "https://bitbucket.example.com:7990"]),
        ("bitbucket.example.com", ["https://bitbucket.example.com"]),
        ("ftp://bitbucket.example.com", ["is not an http:// or https:// URL"]),
        ("https://", ["is not an http:// or https:// URL"]),
        ("", ["is not an http:// or https:// URL"]),
        ("https://bitbucket.example.com/rest/api/latest", ["includes the REST API path", "use 'https://bitbucket.example.com'"]),
        ("https://host/bitbucket/rest/api/1.0/projects", ["use 'https://host/bitbucket'"]),
        ("https://host/rest", ["use 'https://host'"]),
        ("https://host/?os_authType=basic", ["has a query string"]),
    ],
)
def test_a_url_that_cannot_be_the_base_url_is_refused_naming_the_option(url, words):
    with pytest.raises(ConnectionOptionError) as caught:
        check_url(url)

    assert caught.value.option == "url"
    assert str(caught.value).startswith("Invalid value for option 'url' (or BITBUCKET_URL): ")
    for word in words:
        assert word in str(caught.value)


@pytest.mark.parametrize("url", ["https://bitbucket.example.com", "http://127.0.0.1:7990", "https://host/bitbucket/", "https://host/restless"])
def test_base_urls_pass(url):
    check_url(url)


def test_the_url_is_checked_before_the_credentials_and_before_any_request():
    params = dict(dict.fromkeys(CREDENTIAL_OPTIONS), url="bitbucket.example.com:7990")

    with pytest.raises(ConnectionOptionError) as caught:
        resolve_connection(params, {})

    assert caught.value.option == "url"
    missing = dict(dict.fromkeys(CREDENTIAL_OPTIONS), url="https://bitbucket.example.com")
    with pytest.raises(CredentialsError) as caught:
        resolve_connection(missing, {})
    assert caught.value.option == "username"


@pytest.mark.parametrize(
    "credentials, problem",
    [
        ({"token": "t"}, None),
        ({"username": "u", "password": "p"}, None),
        ({"token": "t", "username": "u", "password": "p"}, "parameters are mutually exclusive: token|username"),
        ({"token": "t", "password": "p"}, "parameters are mutually exclusive: token|password"),
    ],
)
def test_a_token_and_a_username_or_password_on_one_task_are_refused(credentials, problem):
    params = dict(url="https://bitbucket.example.com", key="P", **credentials)

    result = validate(module_kwargs(SPEC), params)

    if problem is None:
        assert result.error_messages == []
    else:
        assert any(problem in message for message in result.error_messages), result.error_messages


def test_non_credential_options_fall_back_to_their_environment_variable():
    spec = connection_argument_spec()
    assert list(spec) == list(CONNECTION_OPTIONS)
    for name, option in spec.items():
        env_var = CONNECTION_OPTIONS[name][1]
        assert env_var == "BITBUCKET_" + name.upper()
        if name in CREDENTIAL_OPTIONS:
            # Resolved by resolve_credentials(), so that the task's credentials win as a whole.
            assert "fallback" not in option
        else:
            assert option["fallback"] == (env_fallback, [env_var])
        assert {k: v for k, v in option.items() if k != "fallback"} == CONNECTION_OPTIONS[name][0]
    assert environment_names() == ["BITBUCKET_" + name.upper() for name in CONNECTION_OPTIONS]


def test_building_the_spec_does_not_change_the_table():
    connection_argument_spec()["url"]["required"] = False
    assert all("fallback" not in option for option, _env, _doc in CONNECTION_OPTIONS.values())
    assert CONNECTION_OPTIONS["url"][0]["required"] is True


def test_secrets_are_no_log():
    spec = connection_argument_spec()
    assert spec["token"]["no_log"] is True
    assert spec["password"]["no_log"] is True
    assert not spec["username"].get("no_log")


def test_environment_fallbacks_fill_in_and_convert_the_options(monkeypatch, tmp_path):
    ca = tmp_path / "ca.pem"
    monkeypatch.setenv("BITBUCKET_URL", "https://env.example.com")
    monkeypatch.setenv("BITBUCKET_VALIDATE_CERTS", "false")
    monkeypatch.setenv("BITBUCKET_CA_PATH", str(ca))
    monkeypatch.setenv("BITBUCKET_TIMEOUT", "7")

    result = validate(module_kwargs(SPEC), {"key": "P", "token": "t"})

    assert result.error_messages == []
    params = result.validated_parameters
    assert params["url"] == "https://env.example.com"
    assert params["validate_certs"] is False
    assert params["ca_path"] == str(ca)
    assert params["timeout"] == 7


def test_an_explicit_option_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("BITBUCKET_URL", "https://env.example.com")

    result = validate(module_kwargs(SPEC), {"key": "P", "url": "https://task.example.com", "token": "task-token"})

    assert result.validated_parameters["url"] == "https://task.example.com"


def test_client_from_params_builds_the_client_from_the_options():
    client = _connection.client_from_params(
        dict(url="https://h/bb/", token=None, username="u", password="p", validate_certs=False, ca_path=None, timeout=None), trace=print
    )
    try:
        assert client.base_url == "https://h/bb"
        assert client.session.auth == ("u", "p")
        assert client.session.verify is False
        assert client.timeout == 30
        assert client.trace is print
    finally:
        client.close()


# -- the connection doc fragment ----------------------------------------------------------------


def description_lines(description):
    return list(description) if isinstance(description, (list, tuple)) else [description]


def test_the_doc_fragment_file_is_the_one_rendered_from_the_table():
    # plugins/doc_fragments/connection.py holds the rendered text; it must not drift from the table.
    assert yaml.safe_load(ConnectionFragment.DOCUMENTATION) == yaml.safe_load(connection_doc_fragment())


def test_the_doc_fragment_documents_every_option_as_the_spec_declares_it():
    doc = yaml.safe_load(connection_doc_fragment())

    assert list(doc["options"]) == list(CONNECTION_OPTIONS)
    for name, (spec, env_var, description) in CONNECTION_OPTIONS.items():
        documented = doc["options"][name]
        assert documented["type"] == spec["type"], name
        assert documented.get("required", False) is spec.get("required", False), name
        if "default" in spec:
            assert documented["default"] == spec["default"], name
            assert type(documented["default"]) is type(spec["default"]), name
        else:
            assert "default" not in documented, name
        lines = description_lines(description)
        assert documented["description"][: len(lines)] == lines, name
        assert "E(%s)" % env_var in " ".join(documented["description"]), name
        assert set(documented) <= {"description", "type", "required", "default"}, name


def test_the_doc_fragment_notes_the_credentials_rule_and_the_action_group():
    notes = " ".join(yaml.safe_load(connection_doc_fragment())["notes"])
    assert "O(token)" in notes
    assert "O(username) and O(password)" in notes
    assert "group/bitbucket.datacenter.bitbucket" in notes


def test_the_doc_fragment_survives_quotes_in_descriptions(monkeypatch):
    table = dict(CONNECTION_OPTIONS)
    tricky = "It's 'quoted': yes # not a comment"
    shape = type(table["url"][2])
    table["url"] = (table["url"][0], "BITBUCKET_URL", shape([tricky]) if shape in (list, tuple) else tricky)
    monkeypatch.setattr(_connection, "CONNECTION_OPTIONS", table)

    doc = yaml.safe_load(_connection.connection_doc_fragment())

    assert doc["options"]["url"]["description"][0] == tricky


# -- collection bookkeeping ---------------------------------------------------------------------


def load_module(name):
    return importlib.import_module("ansible_collections.bitbucket.datacenter.plugins.modules.%s" % name)


def test_there_are_modules():
    assert "bitbucket_project" in MODULE_NAMES
    assert "bitbucket_project_info" in MODULE_NAMES


def test_the_action_group_lists_every_module_sorted():
    runtime = yaml.safe_load((COLLECTION_ROOT / "meta" / "runtime.yml").read_text())
    group = runtime["action_groups"]["bitbucket"]

    assert group == sorted(group)
    assert len(group) == len(set(group))
    assert group == MODULE_NAMES


def test_the_action_group_fragment_names_the_group():
    fragment = yaml.safe_load(AttributesFragment.ACTION_GROUP)
    assert fragment["attributes"]["action_group"]["membership"] == ["bitbucket.datacenter.bitbucket"]


def test_every_action_plugin_has_a_module_and_every_module_an_action_plugin():
    action_names = sorted(path.stem for path in (COLLECTION_ROOT / "plugins" / "action").glob("*.py") if path.stem != "__init__")
    assert action_names == MODULE_NAMES


@pytest.mark.parametrize("name", MODULE_NAMES)
def test_the_action_plugin_binds_the_shared_runner(name):
    source = (COLLECTION_ROOT / "plugins" / "action" / ("%s.py" % name)).read_text()
    assert "from ansible_collections.bitbucket.datacenter.plugins.plugin_utils._runner import BitbucketActionBase" in source
    assert "class ActionModule(BitbucketActionBase):" in source


@pytest.mark.parametrize("name", MODULE_NAMES)
def test_every_module_extends_the_connection_and_action_group_fragments(name):
    doc = yaml.safe_load(load_module(name).DOCUMENTATION)

    assert doc["module"] == name
    fragments = doc["extends_documentation_fragment"]
    assert "bitbucket.datacenter.attributes.action_group" in fragments
    assert "bitbucket.datacenter.connection" in fragments
    assert any(fragment in fragments for fragment in ("bitbucket.datacenter.attributes", "bitbucket.datacenter.attributes.info_module"))


def documented_options(doc):
    """The module's options with those of its option-bearing doc fragments, the connection aside."""
    options = dict(doc.get("options") or {})
    for fragment in doc.get("extends_documentation_fragment", []):
        name = fragment.rsplit(".", 1)[-1]
        if fragment.count(".") != 2 or name in ("connection", "attributes"):
            continue
        fragment_module = importlib.import_module("ansible_collections.bitbucket.datacenter.plugins.doc_fragments." + name)
        options.update(yaml.safe_load(fragment_module.ModuleDocFragment.DOCUMENTATION)["options"])
    return options


@pytest.mark.parametrize("name", MODULE_NAMES)
def test_every_module_documents_its_own_options_as_declared(name):
    module = load_module(name)
    doc = yaml.safe_load(module.DOCUMENTATION)
    doc["options"] = documented_options(doc)
    spec = module.MODULE_SPEC["argument_spec"]

    assert set(doc["options"]) == set(spec)
    assert not set(spec) & set(CONNECTION_OPTIONS), "a module must not redeclare a connection option"
    for option, declared in spec.items():
        documented = doc["options"][option]
        assert documented["type"] == declared["type"], option
        assert documented.get("required", False) is declared.get("required", False), option
        assert documented.get("default") == declared.get("default"), option
        assert documented.get("choices") == declared.get("choices"), option


@pytest.mark.parametrize("name", MODULE_NAMES)
def test_every_module_has_run_and_main_and_yaml_examples(name):
    module = load_module(name)
    assert callable(module.run)
    assert callable(module.main)
    assert isinstance(yaml.safe_load(module.EXAMPLES), list)
    assert isinstance(yaml.safe_load(module.RETURN), dict)
    assert "bitbucket.datacenter.%s" % name in module.EXAMPLES


def test_the_validation_message_skips_an_error_that_names_no_option():
    spec = {"users": dict(type="list", elements="dict", options=dict(name=dict(type="str", required=True)))}
    errors = ArgumentSpecValidator(spec).validate({"users": ["not-a-dict"]}).errors
    assert "Elements value for option 'users'" in validation_message(errors)
    other = ArgumentSpecValidator({"state": dict(choices=["present"])}).validate({"state": "gone"}).errors
    assert validation_message(other) == other.msg
