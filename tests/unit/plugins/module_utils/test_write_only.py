"""Write-only secrets: when update_<secret> sends the secret."""

from __future__ import annotations

import pytest

from ansible_collections.bitbucket.datacenter.plugins.module_utils._write_only import sends_secret, update_option


@pytest.mark.parametrize(
    "secret, update, creating, sent",
    [
        ("s3cret", "on_create", True, True),
        ("s3cret", "on_create", False, False),
        ("s3cret", "always", False, True),
        ("s3cret", "always", True, True),
        (None, "always", False, False),
        (None, "on_create", True, False),
    ],
)
def test_sends_secret(secret, update, creating, sent):
    assert sends_secret(secret, update, creating) is sent


def test_update_option_defaults_to_on_create():
    assert update_option() == {"type": "str", "choices": ["always", "on_create"], "default": "on_create", "no_log": False}
    assert update_option("always")["default"] == "always"
