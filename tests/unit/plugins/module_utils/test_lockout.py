"""Lock-out guards refuse before any write unless force=true, and then warn; the authconfig refusal hints."""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._authconfig import explain_refusal
from ansible_collections.bitbucket.datacenter.plugins.module_utils._client import BitbucketError
from ansible_collections.bitbucket.datacenter.plugins.module_utils._lockout import refuse_unless_forced
from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import ModuleContext, ModuleFailure


def context(**params):
    return ModuleContext(params, client_factory=lambda _params, trace=None: None)


def test_without_force_the_change_is_refused_naming_the_guard():
    with pytest.raises(ModuleFailure) as caught:
        refuse_unless_forced(context(force=False), "some_guard", "this would lock people out", "Do this first.")
    assert caught.value.msg == "Refused: this would lock people out. Nothing was changed. Do this first. Set force=true to make the change anyway."
    assert caught.value.details == {"lockout_guard": "some_guard"}


def test_with_force_the_change_goes_ahead_with_a_warning():
    forced = context(force=True)
    refuse_unless_forced(forced, "some_guard", "this would lock people out", "Do this first.")
    assert forced.warnings == ["force=true overrode a lock-out guard: this would lock people out."]


@pytest.mark.parametrize(
    "params, status, words",
    [
        (dict(token="t"), 401, "may not accept HTTP access tokens"),
        (dict(token="t"), 403, "may not accept HTTP access tokens"),
        (dict(token=None, username="ops"), 401, "if basic authentication is blocked for ops"),
        (dict(token=None, username="ops"), 403, None),
        (dict(token="t"), 400, None),
    ],
)
def test_refusals_of_the_authentication_plugins_are_explained_by_the_credentials(params, status, words):
    exc = explain_refusal(BitbucketError("GET /x: HTTP %d: no" % status, status=status), params)
    if words is None:
        assert str(exc) == "GET /x: HTTP %d: no" % status
    else:
        assert words in str(exc)
