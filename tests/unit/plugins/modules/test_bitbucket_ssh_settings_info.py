"""bitbucket_ssh_settings_info: one GET of /ssh/latest/settings (API-MAP section 4; seed 001)."""

from __future__ import annotations

from ansible_collections.bitbucket.datacenter.plugins.module_utils._module import execute
from ansible_collections.bitbucket.datacenter.plugins.modules.bitbucket_ssh_settings_info import MODULE_SPEC, run
from ansible_collections.bitbucket.datacenter.tests.unit.plugins.http_mock import Call

SETTINGS = "/rest/ssh/latest/settings"
ANSWER = {"baseUrl": "ssh://git@bitbucket.example.com:7999", "accessKeysEnabled": True, "enabled": True,
          "fingerprint": {"algorithm": "SHA256", "value": "4OdFAkCydvg5z66J5Lrs8zPGOihB+c0yKvHrFzh8z0k"}, "port": 7999}


def test_the_settings_as_bitbucket_gives_them(http, make_context):
    http.expect(Call("GET", SETTINGS, body=ANSWER))

    result = execute(run, make_context(MODULE_SPEC, {}, check_mode=True))

    assert result == {"changed": False, "ssh_settings": ANSWER}
    http.assert_done()


def test_a_failure_is_reported_with_its_details(http, make_context):
    http.expect(Call("GET", SETTINGS, status=401, body={"errors": [{"context": None, "message": "Authentication failed.", "exceptionName": None}]}))

    result = execute(run, make_context(MODULE_SPEC, {}))

    assert result["failed"] is True
    assert (result["http_method"], result["http_path"], result["http_status"]) == ("GET", SETTINGS, 401)
    http.assert_done()
