"""Fixtures of the plugin unit tests (the collection is made importable by ``tests/unit/conftest.py``).

* ``http``: a :class:`FakeSession` scripted with the exact calls a test expects, in order. At teardown
  of a test that otherwise passed, a call left unmade or a mismatch that the code under test may have
  swallowed fails the test.
* ``sleeps``: the waits the client asked for (no test ever sleeps).
* ``make_client``: a ``BitbucketClient`` over ``http`` with ``sleep`` recorded and ``jitter`` fixed at 1.0.
* ``make_context``: a ``ModuleContext`` whose client uses ``http``; params validated with the module's
  own argument spec (defaults filled in as AnsibleModule would).
* the ``BITBUCKET_*`` connection variables are cleared for every test, so a developer's shell does not
  leak into the env fallbacks.
"""

from __future__ import annotations

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketClient
from ansible_collections.bitbucket.datacenter.plugins.module_utils._connection import client_from_params, environment_names
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleContext, module_kwargs
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import BASE_URL, FakeSession

TOKEN = "t0ken-value"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures know whether the test itself passed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, "rep_" + report.when, report)


@pytest.fixture(autouse=True)
def _clean_bitbucket_environment(monkeypatch):
    for name in environment_names():
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def http(request):
    fake = FakeSession()
    yield fake
    call_report = getattr(request.node, "rep_call", None)
    if call_report is not None and call_report.passed:
        fake.assert_done()


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def make_client(http, sleeps):
    def factory(base_url=BASE_URL, **kwargs):
        kwargs.setdefault("token", TOKEN)
        kwargs.setdefault("jitter", lambda: 1.0)
        http.base_url = base_url.rstrip("/")
        return BitbucketClient(base_url, session=http, sleep=sleeps.append, **kwargs)

    return factory


def validate_params(module_spec, params):
    """Module parameters as AnsibleModule would hand them to ``run``: validated, defaults filled in."""
    kwargs = module_kwargs(module_spec)
    kwargs.pop("supports_check_mode")
    result = ArgumentSpecValidator(**kwargs).validate(dict(params))
    if result.error_messages:
        raise AssertionError("invalid test parameters: %s" % "; ".join(result.error_messages))
    return result.validated_parameters


@pytest.fixture
def make_context(http, sleeps):
    def factory(module_spec, params, check_mode=False, diff=False, verbosity=0):
        full = dict(url=BASE_URL, token=TOKEN)
        full.update(params)
        validated = validate_params(module_spec, full)

        def client_factory(module_params, trace=None):
            # The modules' own factory, with the fake session and no real sleeping.
            return client_from_params(module_params, trace=trace, session=http, sleep=sleeps.append, jitter=lambda: 1.0)

        return ModuleContext(validated, check_mode=check_mode, diff=diff, verbosity=verbosity, client_factory=client_factory)

    return factory
